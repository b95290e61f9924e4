/* LayerNorm over the channels of each pixel: a transformer's nn.LayerNorm
 * on tokens × channels, here on the planar C × H × W blob. */

#include <math.h>

#include "enlarge-op.h"
#include "enlarge-op-attention.h"
#include "enlarge-ops.h"

static void
layernorm_clear (EnlargeLayer *l)
{
  EnlargeLayerNormParams *p = l->data;
  if (p == NULL)
    return;
  g_free (p->gamma);
  g_free (p->beta);
  g_clear_pointer (&l->data, g_free);
}

static gboolean
layernorm_shape (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out,
                 GError **error)
{
  const EnlargeLayerNormParams *p = l->data;
  if (in[0].c != p->channels)
    return enlarge_op_shape_fail (l, error, "%d channels, the weights are for %d", in[0].c,
                                  p->channels);
  out[0] = in[0];
  return TRUE;
}

static gboolean
layernorm_reference (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out,
                     GError **error)
{
  const EnlargeLayerNormParams *p = l->data;
  const gsize plane = (gsize) in[0]->h * in[0]->w;
  const int c = p->channels;

  for (gsize i = 0; i < plane; i++)
    {
      const float *x = in[0]->data + i;
      float *y = out[0]->data + i;
      float mean = 0.f, var = 0.f, inv;
      for (int k = 0; k < c; k++)
        mean += x[k * plane];
      mean /= c;
      for (int k = 0; k < c; k++)
        {
          const float d = x[k * plane] - mean;
          var += d * d;
        }
      inv = 1.f / sqrtf (var / c + p->eps);
      for (int k = 0; k < c; k++)
        y[k * plane] = (x[k * plane] - mean) * inv * p->gamma[k] + p->beta[k];
    }
  return TRUE;
}

const EnlargeOp enlarge_op_layernorm = {
  .name = "ChannelLayerNorm",
  .type = ENLARGE_OP_OTHER,
  .n_inputs = 1,
  .load = enlarge_op_load_refused,
  .clear = layernorm_clear,
  .shape = layernorm_shape,
  .reference = layernorm_reference,
};
