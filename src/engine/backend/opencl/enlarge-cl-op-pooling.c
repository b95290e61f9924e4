/* The OpenCL dispatch of global Pooling: one work-group of 64 per channel,
 * each work-item summing a strided share of the plane, then a tree in
 * local memory. */

#include "enlarge-cl-op.h"
#include "enlarge-cl-private.h"
#include "enlarge-op-unet.h"

#define POOL_LANES 64

static const char pooling_source[] =
  "__kernel __attribute__ ((reqd_work_group_size (64, 1, 1))) void\n"
  "global_pool (__global const float *restrict in, __global float *restrict out,\n"
  "             const int plane, const int is_max)\n"
  "{\n"
  "  __local float part[64];\n"
  "  const int lane = get_local_id (0), c = get_group_id (0);\n"
  "  __global const float *v = in + (size_t) c * plane;\n"
  "  float acc = is_max ? -INFINITY : 0.f;\n"
  "  for (int i = lane; i < plane; i += 64)\n"
  "    acc = is_max ? fmax (acc, v[i]) : acc + v[i];\n"
  "  part[lane] = acc;\n"
  "  barrier (CLK_LOCAL_MEM_FENCE);\n"
  "  for (int s = 32; s > 0; s >>= 1)\n"
  "    {\n"
  "      if (lane < s)\n"
  "        part[lane] = is_max ? fmax (part[lane], part[lane + s]) : part[lane] + part[lane + s];\n"
  "      barrier (CLK_LOCAL_MEM_FENCE);\n"
  "    }\n"
  "  if (lane == 0)\n"
  "    out[c] = is_max ? part[0] : part[0] / plane;\n"
  "}\n";

static gboolean
run_pooling (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l, cl_mem *in,
             const EnlargeShape *is, cl_mem *out, const EnlargeShape *os, GError **error)
{
  ClPriv *p = self->priv;
  const EnlargePoolingParams *pp = l->data;
  size_t g[1] = { (size_t) is->c * POOL_LANES };
  size_t lsz[1] = { POOL_LANES };
  cl_kernel k = cl_kernel_get (p, "global_pool");

  ARG (k, 0, in[0]); ARG (k, 1, out[0]);
  ARG (k, 2, (cl_int) (is->h * is->w)); ARG (k, 3, (cl_int) (pp->type == ENLARGE_POOL_MAX));
  return enqueue_local (p, k, 1, g, lsz, "global_pool", error);
}

const EnlargeClOp enlarge_cl_op_pooling = { "Pooling", pooling_source, run_pooling };
