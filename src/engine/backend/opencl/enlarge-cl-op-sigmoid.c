/* The OpenCL dispatch of Sigmoid: one work-item a value. */

#include "enlarge-cl-op.h"
#include "enlarge-cl-private.h"

static gboolean
run_sigmoid (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l, cl_mem *in,
             const EnlargeShape *is, cl_mem *out, const EnlargeShape *os, GError **error)
{
  ClPriv *p = self->priv;
  const cl_int n = os->c * os->h * os->w;
  size_t g1[1] = { (size_t) n };
  cl_kernel k = cl_kernel_get (p, "sigmoid");

  if (clSetKernelArg (k, 0, sizeof (cl_mem), &in[0]) != CL_SUCCESS ||
      clSetKernelArg (k, 1, sizeof (cl_mem), &out[0]) != CL_SUCCESS ||
      clSetKernelArg (k, 2, sizeof (cl_int), &n) != CL_SUCCESS)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_OPENCL, "OpenCL: cannot set sigmoid arguments");
      return FALSE;
    }
  return enqueue (p, k, 1, g1, "sigmoid", error);
}

const EnlargeClOp enlarge_cl_op_sigmoid = { "Sigmoid", NULL, run_sigmoid };
