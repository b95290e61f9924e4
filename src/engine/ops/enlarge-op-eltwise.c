/* Eltwise: product, weighted sum or maximum of inputs of one shape. The
 * loader folds a sum with a convolution's output into the convolution. */

#include <math.h>
#include <string.h>

#include "enlarge-error.h"
#include "enlarge-op.h"
#include "enlarge-ops.h"

static gboolean
eltwise_load (EnlargeLayer *l, const EnlargeOpLoader *ld, GError **error)
{
  const float *coeffs;
  int n = 0;

  l->p.eltwise.op = enlarge_op_loader_int (ld, 0, 0);
  if (l->p.eltwise.op < 0 || l->p.eltwise.op > 2)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_UNSUPPORTED,
                                   "eltwise operation %d is not supported", l->p.eltwise.op);
  if (l->n_inputs < 2)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_PARAM_SYNTAX,
                                   "needs at least two inputs");
  coeffs = enlarge_op_loader_array (ld, 1, &n);
  if (coeffs != NULL && n > 0)
    {
      if (n != l->n_inputs)
        return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_PARAM_SYNTAX,
                                       "%d coefficients for %d inputs", n, l->n_inputs);
      l->p.eltwise.n_coeffs = n;
      l->p.eltwise.coeffs = g_memdup2 (coeffs, sizeof (float) * n);
    }
  return TRUE;
}

static void
eltwise_clear (EnlargeLayer *l)
{
  g_free (l->p.eltwise.coeffs);
}

static gboolean
eltwise_shape (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out, GError **error)
{
  for (int i = 1; i < l->n_inputs; i++)
    if (in[i].c != in[0].c || in[i].w != in[0].w || in[i].h != in[0].h)
      return enlarge_op_shape_fail (l, error, "inputs differ in shape");
  out[0] = in[0];
  return TRUE;
}

static void
eltwise_ref (const EnlargeEltwiseParams *p, int n, EnlargeTensor **in, EnlargeTensor *out)
{
  const gsize sz = enlarge_tensor_size (out);
  for (gsize i = 0; i < sz; i++)
    {
      float acc;
      switch (p->op)
        {
        case ENLARGE_ELTWISE_PROD:
          acc = 1.f;
          for (int k = 0; k < n; k++)
            acc *= in[k]->data[i];
          break;
        case ENLARGE_ELTWISE_MAX:
          acc = in[0]->data[i];
          for (int k = 1; k < n; k++)
            acc = MAX (acc, in[k]->data[i]);
          break;
        case ENLARGE_ELTWISE_SUM:
        default:
          acc = 0.f;
          for (int k = 0; k < n; k++)
            acc += (p->coeffs ? p->coeffs[k] : 1.f) * in[k]->data[i];
          break;
        }
      out->data[i] = acc;
    }
}

static gboolean
eltwise_reference (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out, GError **error)
{
  eltwise_ref (&l->p.eltwise, l->n_inputs, in, out[0]);
  return TRUE;
}

const EnlargeOp enlarge_op_eltwise = {
  .name = "Eltwise",
  .type = ENLARGE_OP_ELTWISE,
  .n_inputs = -1,
  .load = eltwise_load,
  .clear = eltwise_clear,
  .shape = eltwise_shape,
  .reference = eltwise_reference,
};
