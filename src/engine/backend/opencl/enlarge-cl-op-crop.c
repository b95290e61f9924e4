/* The OpenCL dispatch of Crop: one work-item per output value. */

#include "enlarge-cl-op.h"
#include "enlarge-cl-private.h"
#include "enlarge-op-unet.h"

static const char crop_source[] =
  "__kernel void\n"
  "crop (__global const float *restrict in, __global float *restrict out,\n"
  "      const int ih, const int iw, const int c0, const int y0, const int x0,\n"
  "      const int oc_n, const int oh, const int ow)\n"
  "{\n"
  "  const int x = get_global_id (0), y = get_global_id (1), c = get_global_id (2);\n"
  "  if (x >= ow || y >= oh || c >= oc_n)\n"
  "    return;\n"
  "  out[((size_t) c * oh + y) * ow + x] = in[((size_t) (c + c0) * ih + y + y0) * iw + x + x0];\n"
  "}\n";

static gboolean
run_crop (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l, cl_mem *in,
          const EnlargeShape *is, cl_mem *out, const EnlargeShape *os, GError **error)
{
  ClPriv *p = self->priv;
  const EnlargeCropParams *cp = l->data;
  size_t g[3] = { (size_t) os->w, (size_t) os->h, (size_t) os->c };
  cl_kernel k = cl_kernel_get (p, "crop");

  ARG (k, 0, in[0]); ARG (k, 1, out[0]);
  ARG (k, 2, (cl_int) is->h); ARG (k, 3, (cl_int) is->w);
  ARG (k, 4, (cl_int) cp->start[0]); ARG (k, 5, (cl_int) cp->start[1]);
  ARG (k, 6, (cl_int) cp->start[2]);
  ARG (k, 7, (cl_int) os->c); ARG (k, 8, (cl_int) os->h); ARG (k, 9, (cl_int) os->w);
  return enqueue (p, k, 3, g, "crop", error);
}

const EnlargeClOp enlarge_cl_op_crop = { "Crop", crop_source, run_crop };
