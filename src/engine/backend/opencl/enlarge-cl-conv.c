/* Convolutions on OpenCL: weights prepared once per layer for the path
 * its plan (enlarge-conv-plan.c) chooses, and the launches of each path. */

#include "enlarge-cl-op.h"
#include "enlarge-cl-private.h"
#include "enlarge-ops.h"

typedef struct {
  cl_mem weight;   /* for Winograd, U of F(4×4, 3×3) */
  cl_mem weight6;  /* and where wino63_fused may run, U of F(6×6, 3×3) */
  cl_mem bias;
  EnlargeConvPlan plan;  /* the per-layer part */
} ConvWeights;

void
conv_weights_free (gpointer data)
{
  ConvWeights *cw = data;
  if (cw->weight)
    clReleaseMemObject (cw->weight);
  if (cw->weight6)
    clReleaseMemObject (cw->weight6);
  if (cw->bias)
    clReleaseMemObject (cw->bias);
  g_free (cw);
}


/* U = G g Gᵀ for F(4×4, 3×3) (n = 6) or F(6×6, 3×3) (n = 8), in double so
 * the only fp32 rounding is the final one; laid out [n²][OC/8][IC][8]. */
static void
winograd_weights (const EnlargeConvParams *c, int ob_n, int n, float *u)
{
  static const double G4[6][3] = {
    { 1.0 / 4, 0, 0 },
    { -1.0 / 6, -1.0 / 6, -1.0 / 6 },
    { -1.0 / 6, 1.0 / 6, -1.0 / 6 },
    { 1.0 / 24, 1.0 / 12, 1.0 / 6 },
    { 1.0 / 24, -1.0 / 12, 1.0 / 6 },
    { 0, 0, 1 },
  };
  /* points 0, ±1, ±2, ±1/2, ∞; the ±1/2 rows carry 1/32 so that Aᵀ in
   * winograd63-fused.cl is integral */
  static const double G6[8][3] = {
    { 1, 0, 0 },
    { -2.0 / 9, -2.0 / 9, -2.0 / 9 },
    { -2.0 / 9, 2.0 / 9, -2.0 / 9 },
    { 1.0 / 90, 1.0 / 45, 2.0 / 45 },
    { 1.0 / 90, -1.0 / 45, 2.0 / 45 },
    { 1.0 / 45, 1.0 / 90, 1.0 / 180 },
    { 1.0 / 45, -1.0 / 90, 1.0 / 180 },
    { 0, 0, 1 },
  };
  const double (*G)[3] = n == 8 ? G6 : G4;
  const int ic_n = c->num_input;

  /* the 8 channels of a block as one vector: each element e is 8
   * adjacent floats (realesrgan-x4plus spent 0.8 s of its first tile here
   * with one channel, one double at a time) */
  typedef double d8 __attribute__ ((vector_size (64)));
  for (int ob = 0; ob < ob_n; ob++)
    for (int ic = 0; ic < ic_n; ic++)
      {
        d8 g[9] = { { 0 } }, tmp[8][3];
        for (int k = 0; k < 8 && ob * 8 + k < c->num_output; k++)
          for (int t = 0; t < 9; t++)
            g[t][k] = c->weight[((gsize) (ob * 8 + k) * ic_n + ic) * 9 + t];
        for (int i = 0; i < n; i++)
          for (int k = 0; k < 3; k++)
            tmp[i][k] = G[i][0] * g[0 * 3 + k] + G[i][1] * g[1 * 3 + k] + G[i][2] * g[2 * 3 + k];
        for (int i = 0; i < n; i++)
          for (int j = 0; j < n; j++)
            {
              const d8 v = tmp[i][0] * G[j][0] + tmp[i][1] * G[j][1] + tmp[i][2] * G[j][2];
              float *dst = u + (((gsize) (i * n + j) * ob_n + ob) * ic_n + ic) * 8;
              for (int k = 0; k < 8; k++)
                dst[k] = (float) v[k];
            }
      }
}

/* U made in the buffer itself, mapped: a copy made on the host first,
 * then copied in, cost realesrgan-x4plus's first tile a memmove and the
 * page faults of 268 MB twice over (these VMs fault slowly) */
static cl_mem
upload_winograd (ClPriv *p, const EnlargeConvParams *c, int ob_n, int n, GError **error)
{
  const gsize bytes = sizeof (float) * n * n * (gsize) ob_n * c->num_input * 8;
  cl_int err;
  cl_mem mem = clCreateBuffer (p->context, CL_MEM_READ_ONLY | CL_MEM_ALLOC_HOST_PTR, bytes, NULL,
                               &err);
  float *u;

  if (!cl_check (err, "clCreateBuffer (Winograd weights)", error))
    return NULL;
  u = clEnqueueMapBuffer (p->queue, mem, CL_TRUE, CL_MAP_WRITE_INVALIDATE_REGION, 0, bytes, 0,
                          NULL, NULL, &err);
  if (!cl_check (err, "clEnqueueMapBuffer", error))
    {
      clReleaseMemObject (mem);
      return NULL;
    }
  /* every element is written: blocks past the last output channel too */
  winograd_weights (c, ob_n, n, u);
  err = clEnqueueUnmapMemObject (p->queue, mem, u, 0, NULL, NULL);
  if (!cl_check (err, "clEnqueueUnmapMemObject", error))
    {
      clReleaseMemObject (mem);
      return NULL;
    }
  return mem;
}

static ConvWeights *
conv_weights_new (ClPriv *p, const EnlargeConvParams *c, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  ConvWeights *cw = g_new0 (ConvWeights, 1);
  const int ob_n = (c->num_output + 7) / 8, ic_n = c->num_input;
  /* bias, then (for a folded PReLU) the slopes, each padded to 8 */
  g_autofree float *bias = g_new0 (float, (gsize) ob_n * 16);

  enlarge_conv_plan (c, NULL, NULL, &p->caps, &cw->plan);
  for (int oc = 0; oc < c->num_output; oc++)
    {
      bias[oc] = c->bias ? c->bias[oc] : 0.f;
      if (c->activation == ENLARGE_ACT_PRELU)
        bias[ob_n * 8 + oc] = c->slope[c->num_slope == 1 ? 0 : oc];
    }

  if (cw->plan.winograd)
    {
      cw->weight = upload_winograd (p, c, ob_n, 6, &local_error);
      if (cw->weight && cw->plan.f6)
        cw->weight6 = upload_winograd (p, c, ob_n, 8, &local_error);
    }
  else if (cw->plan.kernel == ENLARGE_CONV_1X1)
    {
      /* [oc/8][ic][8]: the 8 weights of an input channel one vector */
      g_autofree float *packed = g_new0 (float, (gsize) ob_n * ic_n * 8);
      for (int oc = 0; oc < c->num_output; oc++)
        for (int ic = 0; ic < ic_n; ic++)
          packed[((gsize) (oc / 8) * ic_n + ic) * 8 + oc % 8] = c->weight[(gsize) oc * ic_n + ic];
      cw->weight = upload_const (p, packed, sizeof (float) * (gsize) ob_n * ic_n * 8, &local_error);
    }
  else if (cw->plan.kernel == ENLARGE_CONV_BLOCKED)
    {
      g_autofree float *packed = g_new0 (float, (gsize) ob_n * ic_n * 72);
      for (int oc = 0; oc < c->num_output; oc++)
        for (int ic = 0; ic < ic_n; ic++)
          for (int k = 0; k < 9; k++)
            packed[(((gsize) (oc / 8) * ic_n + ic) * 9 + k) * 8 + oc % 8] =
              c->weight[((gsize) oc * ic_n + ic) * 9 + k];
      cw->weight = upload_const (p, packed, sizeof (float) * (gsize) ob_n * ic_n * 72, &local_error);
    }
  else
    cw->weight = upload_const (p, c->weight, sizeof (float) * c->weight_data_size, &local_error);
  if (cw->weight)
    cw->bias = upload_const (p, bias, sizeof (float) * (gsize) ob_n * 16, &local_error);

  if (local_error)
    {
      conv_weights_free (cw);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return cw;
}


/* What the loader folded into a convolution: Eltwise sums
 * (EnlargeConvParams.n_residual), which the fused CPU kernels add as they
 * store (@done: the path taken did), and a 2× upsampling of the input. */
typedef struct {
  cl_mem r[2];
  cl_int n;
  cl_float4 k;
  gboolean done;
  /* EnlargeConvParams.upsample, which only the fused CPU kernels read
   * through: 1 or 2 */
  cl_int up;
} Folded;

/* @out stands in for absent addends: a masked-off load from a NULL
 * pointer still costs a microcode assist on x86 */
static gboolean
set_folded_args (cl_kernel k, int first, Folded *res, cl_mem out, GError **error)
{
  ARG (k, first, res->n > 0 ? res->r[0] : out); ARG (k, first + 1, res->n > 1 ? res->r[1] : out);
  ARG (k, first + 2, res->n); ARG (k, first + 3, res->k); ARG (k, first + 4, res->up);
  res->done = TRUE;
  return TRUE;
}

/* The fused kernels' __local arrays: V [n²][IC][2·lanes] and the
 * products [n²][OGB][8][2·lanes] (their rows come on top) */
static gboolean
set_local_args (cl_kernel k, int n, int ic, int ogb, int lanes, GError **error)
{
  return cl_check (clSetKernelArg (k, 21, sizeof (float) * n * n * (gsize) ic * 2 * lanes, NULL),
                   "clSetKernelArg", error) &&
         cl_check (clSetKernelArg (k, 22, sizeof (float) * n * n * 8 * (gsize) ogb * 2 * lanes,
                                   NULL),
                   "clSetKernelArg", error);
}

/* @blocks columns of blocks of 2 tile rows × @lanes tile columns (96 or
 * 48 × 12 pixels) from tile column @tx0 */
static gboolean
run_winograd6 (ClPriv *p, ConvWeights *cw, cl_mem in, const EnlargeShape *is,
               cl_mem out, const EnlargeShape *os, int pl, int pt,
               int act, float a0, float a1, int lanes, int tx0, int blocks, Folded *res,
               GError **error)
{
  const char *name = lanes == 16 ? "wino63_fused" : "wino63_fused8";
  cl_kernel k = cl_kernel_get (p, name);
  static const size_t one[2] = { 1, 1 };
  const size_t g[2] = { (size_t) blocks, (size_t) (os->h + 11) / 12 };

  ARG (k, 0, in); ARG (k, 1, cw->weight6); ARG (k, 2, cw->bias); ARG (k, 3, out);
  ARG (k, 4, (cl_int) is->c); ARG (k, 5, (cl_int) is->h); ARG (k, 6, (cl_int) is->w);
  ARG (k, 7, (cl_int) os->c); ARG (k, 8, (cl_int) os->h); ARG (k, 9, (cl_int) os->w);
  ARG (k, 10, (cl_int) pl); ARG (k, 11, (cl_int) pt); ARG (k, 12, (cl_int) act);
  ARG (k, 13, (cl_float) a0); ARG (k, 14, (cl_float) a1); ARG (k, 15, (cl_int) tx0);
  return set_folded_args (k, 16, res, out, error) &&
         set_local_args (k, 8, is->c, 1, lanes, error) &&
         enqueue_local (p, k, 2, g, one, name, error);
}

static gboolean
run_winograd (ClPriv *p, ConvWeights *cw, const EnlargeConvPlan *plan, cl_mem in,
              const EnlargeShape *is, cl_mem out, const EnlargeShape *os, int pl, int pt,
              int act, float a0, float a1, gboolean cpu, Folded *res, GError **error)
{
  if (plan->kernel == ENLARGE_CONV_WINO_FUSED)
    {
      const int t0 = plan->t0;
      if (plan->n6 > 0 && !run_winograd6 (p, cw, in, is, out, os, pl, pt, act, a0, a1, 16, 0, plan->n6, res, error))
        return FALSE;
      if (plan->n48 > 0 && !run_winograd6 (p, cw, in, is, out, os, pl, pt, act, a0, a1, 8, 16 * plan->n6, plan->n48, res, error))
        return FALSE;
      const size_t rows = (size_t) (os->h + 7) / 8;
      for (int pass = 0; pass < 2; pass++)
        {
          const int wide = pass == 0, blocks = wide ? plan->n16 : plan->n8;
          const char *name = wide ? "wino_fused" : "wino_fused8";
          cl_kernel k = cl_kernel_get (p, name);
          static const size_t one[2] = { 1, 1 };
          const size_t g[2] = { (size_t) blocks, rows };
          if (blocks == 0)
            continue;
          ARG (k, 0, in); ARG (k, 1, cw->weight); ARG (k, 2, cw->bias); ARG (k, 3, out);
          ARG (k, 4, (cl_int) is->c); ARG (k, 5, (cl_int) is->h); ARG (k, 6, (cl_int) is->w);
          ARG (k, 7, (cl_int) os->c); ARG (k, 8, (cl_int) os->h); ARG (k, 9, (cl_int) os->w);
          ARG (k, 10, (cl_int) pl); ARG (k, 11, (cl_int) pt); ARG (k, 12, (cl_int) act);
          ARG (k, 13, (cl_float) a0); ARG (k, 14, (cl_float) a1);
          ARG (k, 15, (cl_int) (wide ? t0 : t0 + plan->n16 * 16));
          if (!set_folded_args (k, 16, res, out, error) ||
              !set_local_args (k, 6, plan->icb, plan->ogb, wide ? 16 : 8, error) ||
              !cl_check (clSetKernelArg (k, 23, sizeof (cl_int), &plan->icb), "clSetKernelArg", error) ||
              !cl_check (clSetKernelArg (k, 24, sizeof (cl_int), &plan->ogb), "clSetKernelArg", error) ||
              !enqueue_local (p, k, 2, g, one, name, error))
            return FALSE;
        }
      return TRUE;
    }

  /* PoCL runs a work-group per task; on realesrgan-x4fast a work-item per
   * group for the products (each owns 32 tiles) and eight channels a
   * group for the transforms beat its own choice by 20–30 % and 5–9 % */
  static const size_t gemm_local_cpu[2] = { 1, 1 };
  static const size_t transform_local_cpu[3] = { 1, 1, 8 };
  const cl_int tx = (os->w + 3) / 4, ty = (os->h + 3) / 4;
  const cl_int ocb = (os->c + 7) / 8, ocp = ocb * 8;
  const gsize elem = p->caps.half ? 2 : sizeof (float);
  const cl_int band = plan->band;
  const cl_int tp = (tx * band + 15) / 16 * 16;
  cl_mem v = scratch (p, &p->wino_v, &p->wino_v_size, elem * 36 * (gsize) is->c * tp, error);
  cl_mem m = v ? scratch (p, &p->wino_m, &p->wino_m_size, elem * 36 * (gsize) ocp * tp, error) : NULL;

  if (m == NULL)
    return FALSE;
  for (cl_int ty0 = 0; ty0 < ty; ty0 += band)
    {
      const cl_int rows = MIN (band, ty - ty0);
      const cl_int tpb = (tx * rows + 15) / 16 * 16;
      {
        cl_kernel k = cl_kernel_get (p, "wino_input");
        size_t g[3] = { (size_t) (tx + 3) / 4, (size_t) rows, (size_t) is->c };
        ARG (k, 0, in); ARG (k, 1, v); ARG (k, 2, (cl_int) is->c); ARG (k, 3, (cl_int) is->h);
        ARG (k, 4, (cl_int) is->w); ARG (k, 5, tx); ARG (k, 6, rows); ARG (k, 7, tpb);
        ARG (k, 8, (cl_int) pl); ARG (k, 9, (cl_int) pt); ARG (k, 10, ty0);
        if (!enqueue_local (p, k, 3, g, cpu ? transform_local_cpu : NULL, "wino_input", error))
          return FALSE;
      }
      {
        cl_kernel k = cl_kernel_get (p, "wino_gemm");
        size_t g[2] = { (size_t) (tpb + 31) / 32, 36 };
        ARG (k, 0, cw->weight); ARG (k, 1, v); ARG (k, 2, m); ARG (k, 3, (cl_int) is->c);
        ARG (k, 4, ocb); ARG (k, 5, tpb);
        if (!enqueue_local (p, k, 2, g, cpu ? gemm_local_cpu : NULL, "wino_gemm", error))
          return FALSE;
      }
      {
        cl_kernel k = cl_kernel_get (p, "wino_output");
        size_t g[3] = { (size_t) (tx + 3) / 4, (size_t) rows, (size_t) os->c };
        ARG (k, 0, m); ARG (k, 1, cw->bias); ARG (k, 2, out); ARG (k, 3, (cl_int) os->c);
        ARG (k, 4, (cl_int) os->h); ARG (k, 5, (cl_int) os->w); ARG (k, 6, tx); ARG (k, 7, rows);
        ARG (k, 8, tpb); ARG (k, 9, ocp); ARG (k, 10, (cl_int) act); ARG (k, 11, (cl_float) a0);
        ARG (k, 12, (cl_float) a1); ARG (k, 13, ty0);
        if (!enqueue_local (p, k, 3, g, cpu ? transform_local_cpu : NULL, "wino_output", error))
          return FALSE;
      }
    }
  return TRUE;
}


/* conv1x1: blocks of 8 output channels × 16 pixels of the image taken as
 * one row; on CPUs a work-item does every block of channels (stride 1, no padding: pixel p of the output reads pixel p of
 * every input channel). On CPUs one work-item a group, as the products
 * of the split Winograd path: PoCL runs a group per task. */
static gboolean
run_conv1x1 (ClPriv *p, ConvWeights *cw, cl_mem in, const EnlargeShape *is, cl_mem out,
             const EnlargeShape *os, int act, float a0, float a1, Folded *res, GError **error)
{
  static const size_t one[2] = { 1, 1 };
  const cl_int np = os->h * os->w;
  const gboolean cpu = p->caps.kind == ENLARGE_DEVICE_CPU;
  const size_t g[2] = { cpu ? 1 : (size_t) (os->c + 7) / 8, (size_t) (np + 15) / 16 };
  cl_kernel k = cl_kernel_get (p, "conv1x1");

  ARG (k, 0, in); ARG (k, 1, cw->weight); ARG (k, 2, cw->bias); ARG (k, 3, out);
  ARG (k, 4, (cl_int) is->c); ARG (k, 5, (cl_int) os->c); ARG (k, 6, np);
  ARG (k, 7, (cl_int) act); ARG (k, 8, (cl_float) a0); ARG (k, 9, (cl_float) a1);
  ARG (k, 10, res->n > 0 ? res->r[0] : out); ARG (k, 11, res->n > 1 ? res->r[1] : out);
  ARG (k, 12, res->n); ARG (k, 13, res->k);
  res->done = TRUE;
  return enqueue_local (p, k, 2, g, cpu ? one : NULL, "conv1x1", error);
}

/* out = k₀·out + k₁·r, in place: the folded sums where the kernel that
 * ran does not add them itself */
static gboolean
run_residual (ClPriv *p, const Folded *res, cl_mem out, const EnlargeShape *os, GError **error)
{
  const cl_int n = os->c * os->h * os->w;
  const size_t g1[1] = { (size_t) n };
  const float *k = (const float *) &res->k;
  cl_kernel kern = cl_kernel_get (p, "eltwise2");

  for (int r = 0; r < res->n; r++)
    {
      ARG (kern, 0, out); ARG (kern, 1, res->r[r]); ARG (kern, 2, out);
      ARG (kern, 3, (cl_float) k[2 * r]); ARG (kern, 4, (cl_float) k[2 * r + 1]);
      ARG (kern, 5, (cl_int) ENLARGE_ELTWISE_SUM); ARG (kern, 6, n);
      if (!enqueue (p, kern, 1, g1, "residual", error))
        return FALSE;
    }
  return TRUE;
}

/* @in: the input, then the residuals */
static gboolean
run_conv (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l,
          cl_mem *ins, const EnlargeShape *is, cl_mem out, const EnlargeShape *os,
          GError **error)
{
  cl_mem in = ins[0], upsampled = NULL;
  Folded res = { { NULL, NULL }, l->p.conv.n_residual, { { 0 } }, FALSE, 1 };
  ClPriv *p = self->priv;
  const EnlargeConvParams *c = &l->p.conv;
  ConvWeights *cw = net ? g_hash_table_lookup (p->weights, l) : NULL;
  g_autoptr (GError) local_error = NULL;
  ConvWeights *temp = NULL;
  EnlargeConvPlan plan;
  int pl, pt;
  gboolean ok;

  if (cw == NULL)
    {
      cw = conv_weights_new (p, c, error);
      if (cw == NULL)
        return FALSE;
      if (net)
        {
          g_hash_table_insert (p->weights, (gpointer) l, cw);
          if (!g_ptr_array_find (p->nets, net, NULL))
            g_ptr_array_add (p->nets, enlarge_net_ref (net));
        }
      else
        temp = cw;
    }

  for (int r = 0; r < c->n_residual; r++)
    {
      res.r[r] = ins[1 + r];
      res.k.s[2 * r] = c->res_coeff[2 * r];
      res.k.s[2 * r + 1] = c->res_coeff[2 * r + 1];
    }
  enlarge_conv_plan (c, is, os, &p->caps, &plan);
  /* a folded upsampling: read through by the fused CPU kernels, made
   * here for the others */
  const EnlargeShape us = { is->c, is->h * MAX (c->upsample, 1), is->w * MAX (c->upsample, 1) };
  if (c->upsample > 1)
    {
      if (plan.upsample_folded)
        res.up = 2;
      else if ((upsampled = cl_buffer_new (self, &us, error)) == NULL ||
               !run_interp (p, &(EnlargeInterpParams) { ENLARGE_INTERP_NEAREST, c->upsample, c->upsample, 0, 0, FALSE },
                            in, is, upsampled, &us, error))
        {
          if (upsampled)
            cl_buffer_free (self, upsampled);
          if (temp)
            conv_weights_free (temp);
          return FALSE;
        }
      else
        in = upsampled;
      is = &us;
    }
  enlarge_conv_padding (c, is->w, is->h, &pl, &pt);
  const int act = c->activation;
  const float a0 = c->act_params[0], a1 = c->act_params[1];

  if (plan.winograd)
    ok = run_winograd (p, cw, &plan, in, is, out, os, pl, pt, act, a0, a1,
                       p->caps.kind == ENLARGE_DEVICE_CPU, &res, &local_error);
  else if (plan.kernel == ENLARGE_CONV_1X1)
    ok = run_conv1x1 (p, cw, in, is, out, os, act, a0, a1, &res, &local_error);
  else if (plan.kernel == ENLARGE_CONV_BLOCKED)
    {
      cl_kernel k = cl_kernel_get (p, "conv3x3_b8");
      size_t g[3] = { (os->w + 7) / 8, os->h, (os->c + 7) / 8 };
      ok = FALSE;
      do
        {
          ARG (k, 0, in); ARG (k, 1, cw->weight); ARG (k, 2, cw->bias); ARG (k, 3, out);
          ARG (k, 4, (cl_int) is->c); ARG (k, 5, (cl_int) is->h); ARG (k, 6, (cl_int) is->w);
          ARG (k, 7, (cl_int) os->c); ARG (k, 8, (cl_int) os->h); ARG (k, 9, (cl_int) os->w);
          ARG (k, 10, (cl_int) pl); ARG (k, 11, (cl_int) pt);
          ARG (k, 12, (cl_int) act); ARG (k, 13, (cl_float) a0); ARG (k, 14, (cl_float) a1);
          ok = enqueue (p, k, 3, g, "conv3x3_b8", &local_error);
        }
      while (0);
    }
  else
    {
      cl_kernel k = cl_kernel_get (p, "conv_generic");
      size_t g[3] = { os->w, os->h, os->c };
      ok = FALSE;
      do
        {
          ARG (k, 0, in); ARG (k, 1, cw->weight); ARG (k, 2, cw->bias); ARG (k, 3, out);
          ARG (k, 4, (cl_int) is->c); ARG (k, 5, (cl_int) is->h); ARG (k, 6, (cl_int) is->w);
          ARG (k, 7, (cl_int) os->c); ARG (k, 8, (cl_int) os->h); ARG (k, 9, (cl_int) os->w);
          ARG (k, 10, (cl_int) c->kernel_w); ARG (k, 11, (cl_int) c->kernel_h);
          ARG (k, 12, (cl_int) c->stride_w); ARG (k, 13, (cl_int) c->stride_h);
          ARG (k, 14, (cl_int) c->dilation_w); ARG (k, 15, (cl_int) c->dilation_h);
          ARG (k, 16, (cl_int) pl); ARG (k, 17, (cl_int) pt);
          ARG (k, 18, (cl_float) c->pad_value); ARG (k, 19, (cl_int) 1);
          ARG (k, 20, (cl_int) act); ARG (k, 21, (cl_float) a0); ARG (k, 22, (cl_float) a1);
          ok = enqueue (p, k, 3, g, "conv_generic", &local_error);
        }
      while (0);
    }

  if (ok && res.n > 0 && !res.done)
    ok = run_residual (p, &res, out, os, &local_error);
  /* pooled: in-order queue, so whatever reuses it runs after this layer */
  if (upsampled)
    cl_buffer_free (self, upsampled);
  if (temp)
    {
      /* one-off weights must outlive the kernel that reads them */
      clFinish (p->queue);
      conv_weights_free (temp);
    }
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}


static gboolean
run_conv_layer (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l, cl_mem *in,
                const EnlargeShape *is, cl_mem *out, const EnlargeShape *os, GError **error)
{
  return run_conv (self, net, l, in, &is[0], out[0], os, error);
}

const EnlargeClOp enlarge_cl_op_convolution = { "Convolution", NULL, run_conv_layer };
