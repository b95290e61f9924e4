/* Crop: a box of a c×h×w blob, given as ncnn's starts / ends / axes
 * arrays (-23309, -23310, -23311; an end < 0 counts from the end) or as
 * offsets and sizes (0 woffset, 1 hoffset, 2 coffset, 3 outw, 4 outh,
 * 5 outc; a size of 0 or -233: the rest, less woffset2 (6), hoffset2 (7),
 * coffset2 (8)). */

#include <string.h>

#include "enlarge-error.h"
#include "enlarge-op.h"
#include "enlarge-op-unet.h"
#include "enlarge-ops.h"

static gboolean
crop_load (EnlargeLayer *l, const EnlargeOpLoader *ld, GError **error)
{
  EnlargeCropParams *p = g_new0 (EnlargeCropParams, 1);
  int n_starts = 0, n_ends = 0, n_axes = 0;
  const float *starts = enlarge_op_loader_array (ld, 9, &n_starts);
  const float *ends = enlarge_op_loader_array (ld, 10, &n_ends);
  const float *axes = enlarge_op_loader_array (ld, 11, &n_axes);

  l->data = p;
  for (int i = 0; i < 3; i++)
    p->end[i] = G_MAXINT;
  if (starts != NULL || ends != NULL)
    {
      if (starts == NULL || ends == NULL || n_starts != n_ends ||
          (axes != NULL && n_axes != n_starts) || (axes == NULL && n_starts > 3))
        return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_PARAM_SYNTAX,
                                       "starts, ends and axes do not match");
      for (int i = 0; i < n_starts; i++)
        {
          /* axes of a 3-D blob: 0 c, 1 h, 2 w; negative ones from the end */
          int axis = axes != NULL ? (int) axes[i] : i;
          if (axis < 0)
            axis += 3;
          if (axis < 0 || axis > 2)
            return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_UNSUPPORTED,
                                           "crop axis %d is not supported", (int) axes[i]);
          p->start[axis] = (int) starts[i];
          p->end[axis] = (int) ends[i];
          if (p->start[axis] < 0 || p->end[axis] == 0 || p->end[axis] < -(1 << 24))
            return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_UNSUPPORTED,
                                           "crop %d…%d is not supported", p->start[axis],
                                           p->end[axis]);
        }
      return TRUE;
    }
  {
    /* c, h, w: offsets, sizes, far offsets */
    const int ids[3][3] = { { 2, 5, 8 }, { 1, 4, 7 }, { 0, 3, 6 } };
    for (int a = 0; a < 3; a++)
      {
        int off = enlarge_op_loader_int (ld, ids[a][0], 0);
        int size = enlarge_op_loader_int (ld, ids[a][1], 0);
        int off2 = enlarge_op_loader_int (ld, ids[a][2], 0);
        if (off < 0 || off2 < 0 || (size < 0 && size != -233))
          return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_UNSUPPORTED,
                                         "crop offset %d, size %d is not supported", off, size);
        p->start[a] = off;
        if (size > 0)
          p->end[a] = off + size;
        else
          p->end[a] = off2 > 0 ? -off2 : G_MAXINT;
      }
  }
  return TRUE;
}

static void
crop_clear (EnlargeLayer *l)
{
  g_clear_pointer (&l->data, g_free);
}

static gboolean
crop_shape (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out, GError **error)
{
  const EnlargeCropParams *p = l->data;
  const int dims[3] = { in[0].c, in[0].h, in[0].w };
  int size[3];

  for (int a = 0; a < 3; a++)
    {
      int end = p->end[a] == G_MAXINT ? dims[a] : p->end[a] < 0 ? dims[a] + p->end[a]
                                                                : MIN (p->end[a], dims[a]);
      size[a] = end - p->start[a];
      if (size[a] <= 0)
        return enlarge_op_shape_fail (l, error, "crop %d…%d of %d leaves nothing", p->start[a],
                                      p->end[a], dims[a]);
    }
  *out = (EnlargeShape) { size[0], size[1], size[2] };
  return TRUE;
}

static gboolean
crop_reference (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out, GError **error)
{
  const EnlargeCropParams *p = l->data;
  const EnlargeTensor *src = in[0];
  EnlargeTensor *dst = out[0];

  for (int c = 0; c < dst->c; c++)
    for (int y = 0; y < dst->h; y++)
      memcpy (enlarge_tensor_channel (dst, c) + (gsize) y * dst->w,
              enlarge_tensor_channel (src, c + p->start[0]) +
                (gsize) (y + p->start[1]) * src->w + p->start[2],
              sizeof (float) * dst->w);
  return TRUE;
}

const EnlargeOp enlarge_op_crop = {
  .name = "Crop",
  .type = ENLARGE_OP_OTHER,
  .n_inputs = 1,
  .load = crop_load,
  .clear = crop_clear,
  .shape = crop_shape,
  .reference = crop_reference,
};
