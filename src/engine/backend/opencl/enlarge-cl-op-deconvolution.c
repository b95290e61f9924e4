/* The OpenCL dispatch of Deconvolution: one work-item per output value,
 * gathering the input pixels whose taps land on it (the reference's
 * order of sums). */

#include "enlarge-cl-op.h"
#include "enlarge-cl-private.h"
#include "enlarge-op-unet.h"

static const char deconv_source[] =
  "static float deconv_act (float v, int a, float p0, float p1)\n"
  "{\n"
  "  if (a == 1) return fmax (v, 0.f);\n"
  "  if (a == 2) return v > 0.f ? v : v * p0;\n"
  "  if (a == 3) return clamp (v, p0, p1);\n"
  "  if (a == 4) return 1.f / (1.f + exp (-v));\n"
  "  return v;\n"
  "}\n"
  "__kernel void\n"
  "deconv (__global const float *restrict in, __global float *restrict out,\n"
  "        __global const float *restrict weight, __global const float *restrict bias,\n"
  "        const int has_bias, const int ic_n, const int ih, const int iw,\n"
  "        const int oc_n, const int oh, const int ow, const int kh, const int kw,\n"
  "        const int sh, const int sw, const int dh, const int dw, const int pt,\n"
  "        const int pl, const int act, const float p0, const float p1)\n"
  "{\n"
  "  const int x = get_global_id (0), y = get_global_id (1), oc = get_global_id (2);\n"
  "  if (x >= ow || y >= oh || oc >= oc_n)\n"
  "    return;\n"
  "  float sum = has_bias ? bias[oc] : 0.f;\n"
  "  for (int ic = 0; ic < ic_n; ic++)\n"
  "    {\n"
  "      __global const float *plane = in + (size_t) ic * ih * iw;\n"
  "      __global const float *wk = weight + ((size_t) oc * ic_n + ic) * kh * kw;\n"
  "      for (int ky = 0; ky < kh; ky++)\n"
  "        {\n"
  "          const int ty = y + pt - ky * dh;\n"
  "          if (ty < 0 || ty % sh != 0 || ty / sh >= ih)\n"
  "            continue;\n"
  "          for (int kx = 0; kx < kw; kx++)\n"
  "            {\n"
  "              const int tx = x + pl - kx * dw;\n"
  "              if (tx < 0 || tx % sw != 0 || tx / sw >= iw)\n"
  "                continue;\n"
  "              sum += plane[(size_t) (ty / sh) * iw + tx / sw] * wk[ky * kw + kx];\n"
  "            }\n"
  "        }\n"
  "    }\n"
  "  out[((size_t) oc * oh + y) * ow + x] = deconv_act (sum, act, p0, p1);\n"
  "}\n";

static gboolean
set_args (cl_kernel k, const EnlargeDeconvParams *d, cl_mem in, const EnlargeShape *is,
          cl_mem out, const EnlargeShape *os, cl_mem weight, cl_mem bias, GError **error)
{
  ARG (k, 0, in); ARG (k, 1, out); ARG (k, 2, weight); ARG (k, 3, bias);
  ARG (k, 4, (cl_int) (d->bias != NULL)); ARG (k, 5, (cl_int) is->c);
  ARG (k, 6, (cl_int) is->h); ARG (k, 7, (cl_int) is->w); ARG (k, 8, (cl_int) os->c);
  ARG (k, 9, (cl_int) os->h); ARG (k, 10, (cl_int) os->w);
  ARG (k, 11, (cl_int) d->kernel_h); ARG (k, 12, (cl_int) d->kernel_w);
  ARG (k, 13, (cl_int) d->stride_h); ARG (k, 14, (cl_int) d->stride_w);
  ARG (k, 15, (cl_int) d->dilation_h); ARG (k, 16, (cl_int) d->dilation_w);
  ARG (k, 17, (cl_int) d->pad_top); ARG (k, 18, (cl_int) d->pad_left);
  ARG (k, 19, (cl_int) d->activation); ARG (k, 20, (cl_float) d->act_params[0]);
  ARG (k, 21, (cl_float) d->act_params[1]);
  return TRUE;
}

static gboolean
run_deconv (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l, cl_mem *in,
            const EnlargeShape *is, cl_mem *out, const EnlargeShape *os, GError **error)
{
  ClPriv *p = self->priv;
  const EnlargeDeconvParams *d = l->data;
  size_t g[3] = { (size_t) os->w, (size_t) os->h, (size_t) os->c };
  cl_kernel k = cl_kernel_get (p, "deconv");
  gsize n_weight = (gsize) d->num_output * d->num_input * d->kernel_h * d->kernel_w;
  cl_mem weight, bias;
  gboolean ok;

  weight = upload_const (p, d->weight, sizeof (float) * n_weight, error);
  if (weight == NULL)
    return FALSE;
  /* a one-value stand-in when there is no bias: the kernel does not read it */
  bias = d->bias != NULL ? upload_const (p, d->bias, sizeof (float) * d->num_output, error)
                         : upload_const (p, d->weight, sizeof (float), error);
  ok = bias != NULL && set_args (k, d, in[0], is, out[0], os, weight, bias, error) &&
       enqueue (p, k, 3, g, "deconv", error);
  if (bias != NULL)
    clReleaseMemObject (bias);
  clReleaseMemObject (weight);
  return ok;
}

const EnlargeClOp enlarge_cl_op_deconvolution = { "Deconvolution", deconv_source, run_deconv };
