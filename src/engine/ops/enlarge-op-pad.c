/* PadToMultiple: the blob padded at its bottom and right by reflection to
 * multiples of a size, as SwinIR's check_image_size pads the image to
 * whole attention windows. */

#include "enlarge-op.h"
#include "enlarge-op-attention.h"
#include "enlarge-ops.h"
#include "enlarge-tiler.h"   /* enlarge_mirror_index: PyTorch's reflection */

static void
pad_clear (EnlargeLayer *l)
{
  g_clear_pointer (&l->data, g_free);
}

static gboolean
pad_shape (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out, GError **error)
{
  const int m = ((const EnlargePadParams *) l->data)->multiple;
  if (m < 1 || m > 4096)
    return enlarge_op_shape_fail (l, error, "bad multiple %d", m);
  *out = (EnlargeShape) { in[0].c, (in[0].h + m - 1) / m * m, (in[0].w + m - 1) / m * m };
  return TRUE;
}

static gboolean
pad_reference (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out, GError **error)
{
  const EnlargeTensor *a = in[0];
  EnlargeTensor *o = out[0];

  for (int c = 0; c < o->c; c++)
    for (int y = 0; y < o->h; y++)
      {
        const float *src = enlarge_tensor_channel (a, c) +
                           (gsize) enlarge_mirror_index (y, a->h) * a->w;
        float *dst = enlarge_tensor_channel (o, c) + (gsize) y * o->w;
        for (int x = 0; x < o->w; x++)
          dst[x] = src[enlarge_mirror_index (x, a->w)];
      }
  return TRUE;
}

/* the padding depends on where the blob ends, so on its size modulo the
 * multiple: on this grid, tiles and the whole image pad alike */
static int
pad_grid (const EnlargeLayer *l)
{
  return ((const EnlargePadParams *) l->data)->multiple;
}

const EnlargeOp enlarge_op_pad_multiple = {
  .name = "PadToMultiple",
  .type = ENLARGE_OP_OTHER,
  .n_inputs = 1,
  .load = enlarge_op_load_refused,
  .clear = pad_clear,
  .shape = pad_shape,
  .reference = pad_reference,
  .grid = pad_grid,
};
