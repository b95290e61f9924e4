/* The OpenCL dispatch of GELU: one work-item a value. */

#include "enlarge-cl-op.h"
#include "enlarge-cl-private.h"

static gboolean
run_gelu (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l, cl_mem *in,
          const EnlargeShape *is, cl_mem *out, const EnlargeShape *os, GError **error)
{
  ClPriv *p = self->priv;
  const cl_int n = os->c * os->h * os->w;
  size_t g[1] = { (size_t) n };
  cl_kernel k = cl_kernel_get (p, "gelu");

  ARG (k, 0, in[0]); ARG (k, 1, out[0]); ARG (k, 2, n);
  return enqueue (p, k, 1, g, "gelu", error);
}

const EnlargeClOp enlarge_cl_op_gelu = { "GELU", NULL, run_gelu };
