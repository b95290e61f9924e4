#pragma once

/* Which kernels run a convolution on an OpenCL device, and with which
 * blocking: a pure function of the layer, its shapes and the device's
 * capabilities, so that tests assert the plan for any device without
 * having it. */

#include "enlarge-backend-options.h"
#include "enlarge-backend.h"

G_BEGIN_DECLS

typedef struct {
  EnlargeDeviceKind kind;
  guint64 local_mem;            /* after the options' cap */
  EnlargeWinogradMode winograd;
  gboolean half;                /* V and M of the three-kernel path as half */
  int vector_width;             /* preferred float vector width */
  int compute_units;
} EnlargeClCaps;

typedef enum {
  ENLARGE_CONV_GENERIC,     /* conv_generic: any kernel, stride, dilation */
  ENLARGE_CONV_BLOCKED,     /* conv3x3_b8 */
  ENLARGE_CONV_WINO_FUSED,  /* wino63_fused(8) then wino_fused(8), CPUs */
  ENLARGE_CONV_WINO_SPLIT,  /* wino_input, wino_gemm, wino_output in bands */
  ENLARGE_CONV_1X1,         /* conv1x1: 1×1, stride 1, unpadded (a GEMM) */
} EnlargeConvKernel;

typedef struct {
  /* per layer, what the weights are prepared for */
  gboolean winograd;        /* U of F(4×4, 3×3) (both Winograd kernels) */
  gboolean f6;              /* and U of F(6×6, 3×3) for wino63_fused */
  /* per shape (enlarge_conv_plan with shapes) */
  EnlargeConvKernel kernel;
  int n6, n48;              /* wino63_fused blocks of 96 px, wino63_fused8 of 48 */
  int t0;                   /* first tile column left to F(4×4) */
  int n16, n8;              /* wino_fused blocks of 16 tile columns, wino_fused8 of 8 */
  /* wino_fused's bands: input channels a band (all: one pass) and blocks
   * of 8 output channels whose products are summed over the bands */
  int icb, ogb;
  int band;                 /* three-kernel path: tile rows per band */
  gsize local_bytes;        /* __local memory of the biggest fused launch */
  gboolean upsample_folded; /* the 2× upsampling read through by the kernel */
  gboolean residual_folded; /* the folded sums added as the kernel stores */
} EnlargeConvPlan;

/* @in (the input before any folded upsampling) and @out may be NULL: then
 * only the per-layer part is filled in. */
void enlarge_conv_plan (const EnlargeConvParams *conv,
                        const EnlargeShape      *in,
                        const EnlargeShape      *out,
                        const EnlargeClCaps     *caps,
                        EnlargeConvPlan         *plan);

/* The caps an OpenCL backend plans with; FALSE for other backends. */
gboolean enlarge_cl_backend_get_caps (EnlargeBackend *backend, EnlargeClCaps *caps);

const char *enlarge_conv_kernel_to_string (EnlargeConvKernel kernel);

/* The pixels of a row the fused CPU kernels take a block at a time with
 * these caps (F(4×4) in 16 or 8 lanes: 64 or 32), 1 where they do not run */
int enlarge_conv_width_block (const EnlargeClCaps *caps);

/* __local bytes of the fused kernels for @ic input channels (in a band)
 * and @ogb blocks of 8 output channels (wino_fused; 1 without bands) */
gsize enlarge_wino4_local_bytes (int ic, int ogb, int lanes);
gsize enlarge_wino6_local_bytes (int ic, int lanes);

G_END_DECLS
