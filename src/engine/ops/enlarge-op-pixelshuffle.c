/* PixelShuffle: r² channels into an r× larger plane (mode 0, PyTorch's
 * order). */

#include <math.h>
#include <string.h>

#include "enlarge-error.h"
#include "enlarge-op.h"
#include "enlarge-ops.h"

static gboolean
pixelshuffle_load (EnlargeLayer *l, const EnlargeOpLoader *ld, GError **error)
{
  l->p.pixelshuffle.factor = enlarge_op_loader_int (ld, 0, 1);
  l->p.pixelshuffle.mode = enlarge_op_loader_int (ld, 1, 0);
  if (l->p.pixelshuffle.factor < 1 || l->p.pixelshuffle.factor > 16)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_PARAM_SYNTAX,
                                   "bad upscale factor %d", l->p.pixelshuffle.factor);
  if (l->p.pixelshuffle.mode != 0)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_UNSUPPORTED,
                                   "pixel shuffle mode %d is not supported", l->p.pixelshuffle.mode);
  return TRUE;
}

static gboolean
pixelshuffle_shape (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out,
                    GError **error)
{
  int r = l->p.pixelshuffle.factor;
  if (in[0].c % (r * r) != 0)
    return enlarge_op_shape_fail (l, error, "%d channels are not divisible by %d²", in[0].c, r);
  if ((gint64) in[0].w * r > G_MAXINT / 4 || (gint64) in[0].h * r > G_MAXINT / 4)
    return enlarge_op_shape_fail (l, error, "output too large");
  out[0].c = in[0].c / (r * r);
  out[0].w = in[0].w * r;
  out[0].h = in[0].h * r;
  return TRUE;
}

static void
pixelshuffle_ref (int r, const EnlargeTensor *in, EnlargeTensor *out)
{
  for (int oc = 0; oc < out->c; oc++)
    for (int y = 0; y < out->h; y++)
      for (int x = 0; x < out->w; x++)
        {
          int ic = oc * r * r + (y % r) * r + (x % r);
          enlarge_tensor_channel (out, oc)[(gsize) y * out->w + x] =
            enlarge_tensor_channel (in, ic)[(gsize) (y / r) * in->w + x / r];
        }
}

static gboolean
pixelshuffle_reference (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out,
                        GError **error)
{
  pixelshuffle_ref (l->p.pixelshuffle.factor, in[0], out[0]);
  return TRUE;
}

const EnlargeOp enlarge_op_pixelshuffle = {
  .name = "PixelShuffle",
  .type = ENLARGE_OP_PIXELSHUFFLE,
  .n_inputs = 1,
  .load = pixelshuffle_load,
  .shape = pixelshuffle_shape,
  .reference = pixelshuffle_reference,
};
