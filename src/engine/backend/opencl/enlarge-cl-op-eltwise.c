/* The OpenCL dispatch of Eltwise: two inputs at a time with eltwise2. */

#include "enlarge-cl-op.h"
#include "enlarge-cl-private.h"

static gboolean
run_eltwise (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l, cl_mem *in,
             const EnlargeShape *is, cl_mem *out, const EnlargeShape *os, GError **error)
{
  ClPriv *p = self->priv;
  const cl_int n = os->c * os->h * os->w;
  size_t g1[1] = { (size_t) n };
  cl_mem o = out[0];
  const EnlargeEltwiseParams *e = &l->p.eltwise;
  cl_kernel k = cl_kernel_get (p, "eltwise2");
  for (int i = 1; i < l->n_inputs; i++)
    {
      cl_mem a = i == 1 ? in[0] : o;
      float ca = i == 1 && e->coeffs ? e->coeffs[0] : 1.f;
      float cb = e->coeffs ? e->coeffs[i] : 1.f;
      ARG (k, 0, a); ARG (k, 1, in[i]); ARG (k, 2, o);
      ARG (k, 3, (cl_float) ca); ARG (k, 4, (cl_float) cb);
      ARG (k, 5, (cl_int) e->op); ARG (k, 6, n);
      if (!enqueue (p, k, 1, g1, "eltwise2", error))
        return FALSE;
    }
  return TRUE;
}

const EnlargeClOp enlarge_cl_op_eltwise = { "Eltwise", NULL, run_eltwise };
