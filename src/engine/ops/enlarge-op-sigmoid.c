/* Sigmoid (ncnn's layer type of that name, no parameters): y = 1/(1+e⁻ˣ)
 * element by element. SPAN's SiLU (x·σ(x)) and attention gate (σ(x) − ½)
 * use it after a convolution whose output is needed as it is too, which
 * a convolution's own sigmoid activation cannot give. */

#include <math.h>

#include "enlarge-op.h"
#include "enlarge-ops.h"

static gboolean
sigmoid_shape (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out, GError **error)
{
  out[0] = in[0];
  return TRUE;
}

static gboolean
sigmoid_reference (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out, GError **error)
{
  const gsize n = (gsize) in[0]->c * in[0]->h * in[0]->w;
  const float *a = in[0]->data;
  float *o = out[0]->data;

  /* the same expression as the convolution's sigmoid activation */
  for (gsize i = 0; i < n; i++)
    o[i] = 1.f / (1.f + expf (-a[i]));
  return TRUE;
}

const EnlargeOp enlarge_op_sigmoid = {
  .name = "Sigmoid",
  .type = ENLARGE_OP_OTHER,
  .n_inputs = 1,
  .shape = sigmoid_shape,
  .reference = sigmoid_reference,
};
