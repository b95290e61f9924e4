/* The OpenCL dispatch of ChannelLayerNorm: one work-item a pixel. */

#include "enlarge-cl-op.h"
#include "enlarge-cl-private.h"
#include "enlarge-op-attention.h"

static gboolean
set_args (cl_kernel k, const EnlargeLayerNormParams *lp, cl_mem in, cl_mem out, cl_mem gamma,
          cl_mem beta, cl_int plane, GError **error)
{
  ARG (k, 0, in); ARG (k, 1, out); ARG (k, 2, gamma); ARG (k, 3, beta);
  ARG (k, 4, (cl_int) lp->channels); ARG (k, 5, plane); ARG (k, 6, (cl_float) lp->eps);
  return TRUE;
}

static gboolean
run_layernorm (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l, cl_mem *in,
               const EnlargeShape *is, cl_mem *out, const EnlargeShape *os, GError **error)
{
  ClPriv *p = self->priv;
  const EnlargeLayerNormParams *lp = l->data;
  const cl_int plane = os->h * os->w;
  size_t g[1] = { (size_t) plane };
  cl_kernel k = cl_kernel_get (p, "layernorm");
  cl_mem gamma, beta = NULL;
  gboolean ok = FALSE;

  gamma = upload_const (p, lp->gamma, sizeof (float) * lp->channels, error);
  if (gamma != NULL)
    beta = upload_const (p, lp->beta, sizeof (float) * lp->channels, error);
  ok = beta != NULL && set_args (k, lp, in[0], out[0], gamma, beta, plane, error) &&
       enqueue (p, k, 1, g, "layernorm", error);
  g_clear_pointer (&beta, clReleaseMemObject);
  g_clear_pointer (&gamma, clReleaseMemObject);
  return ok;
}

const EnlargeClOp enlarge_cl_op_layernorm = { "ChannelLayerNorm", NULL, run_layernorm };
