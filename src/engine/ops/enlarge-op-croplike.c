/* CropLike: input 0's top-left part of input 1's size times a factor, as
 * a network that padded its input (PadToMultiple) cuts its output back
 * to the input's size times its scale. */

#include <string.h>

#include "enlarge-op.h"
#include "enlarge-op-attention.h"
#include "enlarge-ops.h"

static void
crop_like_clear (EnlargeLayer *l)
{
  g_clear_pointer (&l->data, g_free);
}

static gboolean
crop_like_shape (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out,
                 GError **error)
{
  const int f = ((const EnlargeCropLikeParams *) l->data)->factor;
  if (f < 1 || (gint64) in[1].h * f > in[0].h || (gint64) in[1].w * f > in[0].w)
    return enlarge_op_shape_fail (l, error, "%d×%d times %d is not within %d×%d", in[1].w,
                                  in[1].h, f, in[0].w, in[0].h);
  *out = (EnlargeShape) { in[0].c, in[1].h * f, in[1].w * f };
  return TRUE;
}

static gboolean
crop_like_reference (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out,
                     GError **error)
{
  EnlargeTensor *o = out[0];
  for (int c = 0; c < o->c; c++)
    for (int y = 0; y < o->h; y++)
      memcpy (enlarge_tensor_channel (o, c) + (gsize) y * o->w,
              enlarge_tensor_channel (in[0], c) + (gsize) y * in[0]->w, sizeof (float) * o->w);
  return TRUE;
}

const EnlargeOp enlarge_op_crop_like = {
  .name = "CropLike",
  .type = ENLARGE_OP_OTHER,
  .n_inputs = 2,
  .load = enlarge_op_load_refused,
  .clear = crop_like_clear,
  .shape = crop_like_shape,
  .reference = crop_like_reference,
};
