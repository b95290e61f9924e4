/* The OpenCL dispatch of BinaryOp: scalar, same-shape or per-channel operand. */

#include "enlarge-cl-op.h"
#include "enlarge-cl-private.h"

static gboolean
run_binaryop (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l, cl_mem *in,
              const EnlargeShape *is, cl_mem *out, const EnlargeShape *os, GError **error)
{
  ClPriv *p = self->priv;
  const cl_int n = os->c * os->h * os->w;
  size_t g1[1] = { (size_t) n };
  cl_mem o = out[0];
  const EnlargeBinaryParams *bp = &l->p.binary;
  cl_kernel k = cl_kernel_get (p, "binary_op");
  cl_int mode = bp->with_scalar ? 1
                : (is[1].w == 1 && is[1].h == 1 && is[0].h * is[0].w != 1) ? 2 : 0;
  cl_mem b = bp->with_scalar ? in[0] : in[1];
  ARG (k, 0, in[0]); ARG (k, 1, b); ARG (k, 2, o);
  ARG (k, 3, (cl_int) bp->op); ARG (k, 4, mode); ARG (k, 5, (cl_float) bp->b);
  ARG (k, 6, (cl_int) (is[0].h * is[0].w)); ARG (k, 7, n);
  return enqueue (p, k, 1, g1, "binary_op", error);
}

const EnlargeClOp enlarge_cl_op_binaryop = { "BinaryOp", NULL, run_binaryop };
