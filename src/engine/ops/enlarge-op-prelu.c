/* PReLU: y = x for x ≥ 0, slope·x below; one slope or one per channel.
 * The loader folds one right after a convolution into it. */

#include <math.h>
#include <string.h>

#include "enlarge-error.h"
#include "enlarge-op.h"
#include "enlarge-ops.h"

static gboolean
prelu_load (EnlargeLayer *l, const EnlargeOpLoader *ld, GError **error)
{
  l->p.prelu.num_slope = enlarge_op_loader_int (ld, 0, 0);
  if (l->p.prelu.num_slope <= 0 || l->p.prelu.num_slope > 65536)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_PARAM_SYNTAX, "bad slope count %d",
                                   l->p.prelu.num_slope);
  l->p.prelu.slope = enlarge_op_loader_raw (ld, l, l->p.prelu.num_slope, "slopes", error);
  return l->p.prelu.slope != NULL;
}

static void
prelu_clear (EnlargeLayer *l)
{
  g_free (l->p.prelu.slope);
}

static gboolean
prelu_shape (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out, GError **error)
{
  if (l->p.prelu.num_slope != 1 && l->p.prelu.num_slope != in[0].c)
    return enlarge_op_shape_fail (l, error, "%d slopes for %d channels", l->p.prelu.num_slope,
                                  in[0].c);
  out[0] = in[0];
  return TRUE;
}

static void
prelu_ref (const EnlargePReluParams *p, const EnlargeTensor *in, EnlargeTensor *out)
{
  const gsize plane = (gsize) in->h * in->w;
  for (int ch = 0; ch < in->c; ch++)
    {
      const float s = p->slope[p->num_slope == 1 ? 0 : ch];
      const float *a = enlarge_tensor_channel (in, ch);
      float *o = enlarge_tensor_channel (out, ch);
      for (gsize i = 0; i < plane; i++)
        o[i] = a[i] > 0.f ? a[i] : a[i] * s;
    }
}

static gboolean
prelu_reference (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out, GError **error)
{
  prelu_ref (&l->p.prelu, in[0], out[0]);
  return TRUE;
}

const EnlargeOp enlarge_op_prelu = {
  .name = "PReLU",
  .type = ENLARGE_OP_PRELU,
  .n_inputs = 1,
  .load = prelu_load,
  .clear = prelu_clear,
  .shape = prelu_shape,
  .reference = prelu_reference,
};
