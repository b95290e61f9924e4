/* PixelUnshuffle: the inverse of PixelShuffle (PyTorch's
 * F.pixel_unshuffle): each r × r block of a channel becomes one pixel of
 * r² channels. The 1× and 2× ESRGANs of basicsr start with it, so the
 * deep part of the network runs at a quarter or a sixteenth of the
 * pixels. Not an ncnn layer type (ncnn spells it Reorg); the name is
 * ours, its one parameter 0=factor. */

#include <math.h>
#include <string.h>

#include "enlarge-error.h"
#include "enlarge-op.h"
#include "enlarge-ops.h"

static gboolean
pixelunshuffle_load (EnlargeLayer *l, const EnlargeOpLoader *ld, GError **error)
{
  l->p.pixelshuffle.factor = enlarge_op_loader_int (ld, 0, 1);
  l->p.pixelshuffle.mode = 0;
  if (l->p.pixelshuffle.factor < 1 || l->p.pixelshuffle.factor > 16)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_PARAM_SYNTAX,
                                   "bad downscale factor %d", l->p.pixelshuffle.factor);
  return TRUE;
}

static gboolean
pixelunshuffle_shape (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out,
                      GError **error)
{
  const int r = l->p.pixelshuffle.factor;
  /* no padding of our own: a size that does not divide would shift every
   * pixel after it, so the caller pads (the upscaler aligns its tiles) */
  if (in[0].w % r != 0 || in[0].h % r != 0)
    return enlarge_op_shape_fail (l, error, "input %d×%d is not a multiple of %d", in[0].w,
                                  in[0].h, r);
  if (in[0].c > G_MAXINT / 256)
    return enlarge_op_shape_fail (l, error, "too many channels");
  out[0].c = in[0].c * r * r;
  out[0].w = in[0].w / r;
  out[0].h = in[0].h / r;
  return TRUE;
}

static double
pixelunshuffle_reach (const EnlargeLayer *l, double sc_in, double sc_out)
{
  /* an output pixel reads the r × r block it stands for */
  return (l->p.pixelshuffle.factor - 1) / sc_in;
}

static gboolean
pixelunshuffle_reference (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out,
                          GError **error)
{
  const int r = l->p.pixelshuffle.factor;
  const EnlargeTensor *a = in[0];
  EnlargeTensor *o = out[0];

  for (int oc = 0; oc < o->c; oc++)
    {
      const int ic = oc / (r * r), dy = oc / r % r, dx = oc % r;
      const float *src = enlarge_tensor_channel (a, ic);
      float *dst = enlarge_tensor_channel (o, oc);
      for (int y = 0; y < o->h; y++)
        for (int x = 0; x < o->w; x++)
          dst[(gsize) y * o->w + x] = src[(gsize) (y * r + dy) * a->w + x * r + dx];
    }
  return TRUE;
}

const EnlargeOp enlarge_op_pixelunshuffle = {
  .name = "PixelUnshuffle",
  .type = ENLARGE_OP_PIXELUNSHUFFLE,
  .n_inputs = 1,
  .load = pixelunshuffle_load,
  .shape = pixelunshuffle_shape,
  .reference = pixelunshuffle_reference,
  .reach = pixelunshuffle_reach,
};
