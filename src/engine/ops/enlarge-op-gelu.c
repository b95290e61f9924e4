/* GELU, the exact form x · Φ(x) = ½ x (1 + erf (x / √2)) (PyTorch's
 * nn.GELU (), ncnn's GELU without fast_gelu). */

#include <math.h>

#include "enlarge-op.h"
#include "enlarge-op-attention.h"
#include "enlarge-ops.h"

static gboolean
gelu_load (EnlargeLayer *l, const EnlargeOpLoader *ld, GError **error)
{
  if (enlarge_op_loader_int (ld, 0, 0) != 0)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_UNSUPPORTED,
                                   "the tanh approximation of GELU (fast_gelu) is not supported");
  return TRUE;
}

static gboolean
gelu_shape (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out, GError **error)
{
  out[0] = in[0];
  return TRUE;
}

static gboolean
gelu_reference (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out, GError **error)
{
  const gsize n = enlarge_tensor_size (in[0]);
  for (gsize i = 0; i < n; i++)
    {
      const float x = in[0]->data[i];
      out[0]->data[i] = 0.5f * x * (1.f + erff (x * (float) M_SQRT1_2));
    }
  return TRUE;
}

const EnlargeOp enlarge_op_gelu = {
  .name = "GELU",
  .type = ENLARGE_OP_OTHER,
  .n_inputs = 1,
  .load = gelu_load,
  .shape = gelu_shape,
  .reference = gelu_reference,
};
