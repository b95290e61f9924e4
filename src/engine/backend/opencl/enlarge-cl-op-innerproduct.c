/* The OpenCL dispatch of InnerProduct: one work-item per output. */

#include "enlarge-cl-op.h"
#include "enlarge-cl-private.h"
#include "enlarge-op-unet.h"

static const char innerproduct_source[] =
  "__kernel void\n"
  "innerproduct (__global const float *restrict in, __global float *restrict out,\n"
  "              __global const float *restrict weight, __global const float *restrict bias,\n"
  "              const int has_bias, const int n_in, const int n_out, const int act,\n"
  "              const float p0, const float p1)\n"
  "{\n"
  "  const int o = get_global_id (0);\n"
  "  if (o >= n_out)\n"
  "    return;\n"
  "  __global const float *w = weight + (size_t) o * n_in;\n"
  "  float v = has_bias ? bias[o] : 0.f;\n"
  "  for (int i = 0; i < n_in; i++)\n"
  "    v += w[i] * in[i];\n"
  "  if (act == 1) v = fmax (v, 0.f);\n"
  "  else if (act == 2) v = v > 0.f ? v : v * p0;\n"
  "  else if (act == 3) v = clamp (v, p0, p1);\n"
  "  else if (act == 4) v = 1.f / (1.f + exp (-v));\n"
  "  out[o] = v;\n"
  "}\n";

static gboolean
set_args (cl_kernel k, const EnlargeInnerProductParams *ip, cl_mem in, cl_mem out,
          cl_mem weight, cl_mem bias, GError **error)
{
  ARG (k, 0, in); ARG (k, 1, out); ARG (k, 2, weight); ARG (k, 3, bias);
  ARG (k, 4, (cl_int) (ip->bias != NULL)); ARG (k, 5, (cl_int) ip->num_input);
  ARG (k, 6, (cl_int) ip->num_output); ARG (k, 7, (cl_int) ip->activation);
  ARG (k, 8, (cl_float) ip->act_params[0]); ARG (k, 9, (cl_float) ip->act_params[1]);
  return TRUE;
}

static gboolean
run_innerproduct (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l, cl_mem *in,
                  const EnlargeShape *is, cl_mem *out, const EnlargeShape *os, GError **error)
{
  ClPriv *p = self->priv;
  const EnlargeInnerProductParams *ip = l->data;
  size_t g[1] = { (size_t) ip->num_output };
  cl_kernel k = cl_kernel_get (p, "innerproduct");
  cl_mem weight, bias;
  gboolean ok;

  weight = upload_const (p, ip->weight, sizeof (float) * ip->num_input * ip->num_output, error);
  if (weight == NULL)
    return FALSE;
  /* a one-value stand-in when there is no bias: the kernel does not read it */
  bias = ip->bias != NULL ? upload_const (p, ip->bias, sizeof (float) * ip->num_output, error)
                          : upload_const (p, ip->weight, sizeof (float), error);
  ok = bias != NULL && set_args (k, ip, in[0], out[0], weight, bias, error) &&
       enqueue (p, k, 1, g, "innerproduct", error);
  if (bias != NULL)
    clReleaseMemObject (bias);
  clReleaseMemObject (weight);
  return ok;
}

const EnlargeClOp enlarge_cl_op_innerproduct = { "InnerProduct", innerproduct_source,
                                                 run_innerproduct };
