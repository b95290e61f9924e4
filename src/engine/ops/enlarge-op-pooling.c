/* Pooling: global pooling (4=1), the mean (0=1) or the maximum (0=0) of
 * each channel, into a c×1×1 blob (the squeeze of a squeeze-excitation
 * block). Windowed pooling is not supported. */

#include <string.h>

#include "enlarge-error.h"
#include "enlarge-op.h"
#include "enlarge-op-unet.h"
#include "enlarge-ops.h"

static gboolean
pooling_load (EnlargeLayer *l, const EnlargeOpLoader *ld, GError **error)
{
  EnlargePoolingParams *p = g_new0 (EnlargePoolingParams, 1);
  l->data = p;
  p->type = enlarge_op_loader_int (ld, 0, 0);
  if (p->type != ENLARGE_POOL_MAX && p->type != ENLARGE_POOL_AVG)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_UNSUPPORTED,
                                   "pooling type %d is not supported", p->type);
  if (enlarge_op_loader_int (ld, 4, 0) != 1)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_UNSUPPORTED,
                                   "only global pooling is supported");
  return TRUE;
}

static void
pooling_clear (EnlargeLayer *l)
{
  g_clear_pointer (&l->data, g_free);
}

static gboolean
pooling_shape (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out, GError **error)
{
  if (in[0].w <= 0 || in[0].h <= 0)
    return enlarge_op_shape_fail (l, error, "empty input");
  *out = (EnlargeShape) { in[0].c, 1, 1 };
  return TRUE;
}

static gboolean
pooling_reference (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out,
                   GError **error)
{
  const EnlargePoolingParams *p = l->data;
  const gsize plane = (gsize) in[0]->h * in[0]->w;

  for (int c = 0; c < in[0]->c; c++)
    {
      const float *v = enlarge_tensor_channel (in[0], c);
      if (p->type == ENLARGE_POOL_AVG)
        {
          double sum = 0;
          for (gsize i = 0; i < plane; i++)
            sum += v[i];
          out[0]->data[c] = (float) (sum / plane);
        }
      else
        {
          float m = v[0];
          for (gsize i = 1; i < plane; i++)
            m = MAX (m, v[i]);
          out[0]->data[c] = m;
        }
    }
  return TRUE;
}

gboolean
enlarge_op_is_global_mean (const EnlargeLayer *l)
{
  return l->op == &enlarge_op_pooling && l->data != NULL &&
         ((const EnlargePoolingParams *) l->data)->type == ENLARGE_POOL_AVG;
}

const EnlargeOp enlarge_op_pooling = {
  .name = "Pooling",
  .type = ENLARGE_OP_OTHER,
  .n_inputs = 1,
  .load = pooling_load,
  .clear = pooling_clear,
  .shape = pooling_shape,
  .reference = pooling_reference,
};
