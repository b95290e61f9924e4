/* The OpenCL dispatch of PReLU: one slope or one per channel. */

#include "enlarge-cl-op.h"
#include "enlarge-cl-private.h"

static gboolean
run_prelu (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l, cl_mem *in,
           const EnlargeShape *is, cl_mem *out, const EnlargeShape *os, GError **error)
{
  ClPriv *p = self->priv;
  const cl_int n = os->c * os->h * os->w;
  size_t g1[1] = { (size_t) n };
  cl_mem o = out[0];
  cl_kernel k = cl_kernel_get (p, "prelu");
  cl_mem slope = upload_const (p, l->p.prelu.slope, sizeof (float) * l->p.prelu.num_slope, error);
  gboolean ok;
  if (slope == NULL)
    return FALSE;
  ok = clSetKernelArg (k, 0, sizeof (cl_mem), &in[0]) == CL_SUCCESS &&
       clSetKernelArg (k, 1, sizeof (cl_mem), &o) == CL_SUCCESS &&
       clSetKernelArg (k, 2, sizeof (cl_mem), &slope) == CL_SUCCESS &&
       clSetKernelArg (k, 3, sizeof (cl_int), &(cl_int) { is->h * is->w }) == CL_SUCCESS &&
       clSetKernelArg (k, 4, sizeof (cl_int), &l->p.prelu.num_slope) == CL_SUCCESS &&
       clSetKernelArg (k, 5, sizeof (cl_int), &n) == CL_SUCCESS;
  if (!ok)
    g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_OPENCL, "OpenCL: cannot set prelu arguments");
  else
    ok = enqueue (p, k, 1, g1, "prelu", error);
  clReleaseMemObject (slope);
  return ok;
}

const EnlargeClOp enlarge_cl_op_prelu = { "PReLU", NULL, run_prelu };
