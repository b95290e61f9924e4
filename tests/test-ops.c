/* Every operation of the OpenCL backend against the reference (plain C)
 * implementation, which follows ncnn: one layer at a time on random
 * inputs of awkward shapes, then a whole small network. */

#include <math.h>
#include <string.h>

#include "enlarge.h"
#include "enlarge-conv-plan.h"
#include "enlarge-op.h"
#include "test-ops-private.h"

EnlargeBackend *ref_backend;
EnlargeBackend *cl_backend;
static EnlargeBackend *cl_split;  /* ENLARGE_WINOGRAD_SPLIT: the GPUs' three-kernel path */
static EnlargeBackend *cl_f4;     /* ENLARGE_WINOGRAD_F4: wino_fused, never wino63_fused */
static EnlargeBackend *cl_direct; /* ENLARGE_WINOGRAD_OFF: every 3×3 on conv3x3_b8 */
static EnlargeBackend *cl_small;  /* local memory capped at 64 KiB, as on many GPUs */
static EnlargeBackend *cl_banded; /* capped at 256 KiB: wino_fused in bands of channels */
static EnlargeBackend *cl_narrow; /* preferred vector width 8 (AVX2): 8-lane blocks only */

/* The launches a convolution's plan implies, summed over the cases run
 * on cl_backend: the tests compare them with the backend's counts, so
 * they hold whatever local memory the machine's device reports. */
typedef struct {
  guint wino63_fused, wino63_fused8, wino_fused, wino_fused8, wino_gemm;
  guint conv3x3_b8, conv_generic, residual, interp, conv1x1;
} Launches;
static Launches planned;
static guint planned_bands;  /* fused plans with input channels in bands */

static Launches
launches_of (EnlargeBackend *b)
{
  return (Launches) {
    enlarge_backend_get_launches (b, "wino63_fused"), enlarge_backend_get_launches (b, "wino63_fused8"),
    enlarge_backend_get_launches (b, "wino_fused"), enlarge_backend_get_launches (b, "wino_fused8"),
    enlarge_backend_get_launches (b, "wino_gemm"), enlarge_backend_get_launches (b, "conv3x3_b8"),
    enlarge_backend_get_launches (b, "conv_generic"), enlarge_backend_get_launches (b, "residual"),
    enlarge_backend_get_launches (b, "interp_nearest_pow2"), enlarge_backend_get_launches (b, "conv1x1"),
  };
}

static void
plan_conv (const EnlargeConvParams *c, const EnlargeShape *is, const EnlargeShape *os)
{
  EnlargeClCaps caps;
  EnlargeConvPlan plan;

  if (cl_backend == NULL || !enlarge_cl_backend_get_caps (cl_backend, &caps))
    return;
  enlarge_conv_plan (c, is, os, &caps, &plan);
  switch (plan.kernel)
    {
    case ENLARGE_CONV_WINO_FUSED:
      planned_bands += plan.icb < c->num_input;
      planned.wino63_fused += plan.n6 > 0;
      planned.wino63_fused8 += plan.n48 > 0;
      planned.wino_fused += plan.n16 > 0;
      planned.wino_fused8 += plan.n8 > 0;
      break;
    case ENLARGE_CONV_WINO_SPLIT:
      planned.wino_gemm += ((os->h + 3) / 4 + plan.band - 1) / plan.band;
      break;
    case ENLARGE_CONV_BLOCKED:
      planned.conv3x3_b8++;
      break;
    case ENLARGE_CONV_1X1:
      planned.conv1x1++;
      break;
    case ENLARGE_CONV_GENERIC:
    default:
      planned.conv_generic++;
    }
  if (!plan.residual_folded)
    planned.residual += c->n_residual;
  if (c->upsample > 1 && !plan.upsample_folded)
    planned.interp++;
}

/* runs the cases of @run on @b; its launches must be the plans' */
static Launches
run_planned (EnlargeBackend *b, void (*run) (void))
{
  EnlargeBackend *dflt = cl_backend;
  const Launches before = launches_of (b);
  Launches after;

  planned = (Launches) { 0 };
  planned_bands = 0;
  cl_backend = b;
  run ();
  cl_backend = dflt;
  after = launches_of (b);
  g_assert_cmpuint (after.wino63_fused - before.wino63_fused, ==, planned.wino63_fused);
  g_assert_cmpuint (after.wino63_fused8 - before.wino63_fused8, ==, planned.wino63_fused8);
  g_assert_cmpuint (after.wino_fused - before.wino_fused, ==, planned.wino_fused);
  g_assert_cmpuint (after.wino_fused8 - before.wino_fused8, ==, planned.wino_fused8);
  g_assert_cmpuint (after.wino_gemm - before.wino_gemm, ==, planned.wino_gemm);
  g_assert_cmpuint (after.conv3x3_b8 - before.conv3x3_b8, ==, planned.conv3x3_b8);
  g_assert_cmpuint (after.conv_generic - before.conv_generic, ==, planned.conv_generic);
  g_assert_cmpuint (after.residual - before.residual, ==, planned.residual);
  g_assert_cmpuint (after.interp - before.interp, ==, planned.interp);
  g_assert_cmpuint (after.conv1x1 - before.conv1x1, ==, planned.conv1x1);
  return planned;
}
char *cl_skip_reason;

/* worst case over the whole run */
static double worst_error;
static char *worst_case;

/* ---------- helpers ---------- */

float
rand_uniform (GRand *rand, float lo, float hi)
{
  return (float) g_rand_double_range (rand, lo, hi);
}

EnlargeTensor *
rand_tensor (GRand *rand, int c, int h, int w, float lo, float hi)
{
  EnlargeTensor *t = enlarge_tensor_new (c, h, w, NULL);
  g_assert_nonnull (t);
  for (gsize i = 0; i < enlarge_tensor_size (t); i++)
    t->data[i] = rand_uniform (rand, lo, hi);
  return t;
}

static float *
rand_floats (GRand *rand, gsize n, float lo, float hi)
{
  float *v = g_new (float, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    v[i] = rand_uniform (rand, lo, hi);
  return v;
}

/* index arrays the layers point to: run_layer does not use them */
static int dummy_indices[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };

static void
layer_init (EnlargeLayer *l, EnlargeOpType type, const char *type_name,
            const char *name, int n_inputs, int n_outputs)
{
  memset (l, 0, sizeof *l);
  l->op = enlarge_op_lookup (type_name, NULL);
  g_assert_nonnull (l->op);
  g_assert_cmpint (l->op->type, ==, type);
  l->type = type;
  l->type_name = (char *) type_name;
  l->name = (char *) name;
  l->n_inputs = n_inputs;
  l->n_outputs = n_outputs;
  l->inputs = dummy_indices;
  l->outputs = dummy_indices + 4;
}

/* Max |a - ref| and the tolerance 1e-4 × max(1, value range of ref).
 * TRUE when within it. Shapes must agree. NaN anywhere fails. */
static gboolean
compare (const EnlargeTensor *ref, const EnlargeTensor *a, double *max_err, double *tol)
{
  float lo = G_MAXFLOAT, hi = -G_MAXFLOAT;
  double err = 0;
  gboolean finite = TRUE;

  g_assert_cmpint (ref->c, ==, a->c);
  g_assert_cmpint (ref->h, ==, a->h);
  g_assert_cmpint (ref->w, ==, a->w);
  for (gsize i = 0; i < enlarge_tensor_size (ref); i++)
    {
      const float r = ref->data[i], v = a->data[i];
      if (!isfinite (r) || !isfinite (v))
        finite = FALSE;
      lo = MIN (lo, r);
      hi = MAX (hi, r);
      err = MAX (err, fabs ((double) v - (double) r));
    }
  *max_err = err;
  *tol = 1e-4 * MAX (1.0, (double) hi - (double) lo);
  return finite && err <= *tol;
}

/* Reports the first element beyond the tolerance, to tell which
 * coordinates a kernel gets wrong. */
static void
report_mismatch (const char *label, const EnlargeTensor *ref, const EnlargeTensor *a, double tol)
{
  int shown = 0;
  for (int c = 0; c < ref->c && shown < 5; c++)
    for (int y = 0; y < ref->h && shown < 5; y++)
      for (int x = 0; x < ref->w && shown < 5; x++)
        {
          gsize i = ((gsize) c * ref->h + y) * ref->w + x;
          if (!(fabs ((double) a->data[i] - ref->data[i]) <= tol))
            {
              g_test_message ("%s: mismatch at c=%d y=%d x=%d: reference %.7g, OpenCL %.7g",
                              label, c, y, x, ref->data[i], a->data[i]);
              shown++;
            }
        }
}

void
check_outputs (const char *label, const EnlargeTensor *ref, const EnlargeTensor *a)
{
  double err, tol;
  gboolean ok = compare (ref, a, &err, &tol);

  g_test_message ("%-58s %dx%dx%d  max err %.3g (tol %.3g)", label, ref->c, ref->h, ref->w,
                  err, tol);
  if (err > worst_error || worst_case == NULL)
    {
      worst_error = err;
      g_free (worst_case);
      worst_case = g_strdup (label);
    }
  if (!ok)
    {
      report_mismatch (label, ref, a, tol);
      /* go on with the other cases: every mismatch gets reported */
      g_test_fail_printf ("%s: OpenCL differs from the reference by %g (tolerance %g)",
                          label, err, tol);
    }
}

/* Runs @l on both backends and compares the (single) outputs. */
static void
run_case (const char *label, const EnlargeLayer *l, EnlargeTensor **in)
{
  EnlargeShape in_shapes[8], out_shape;
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeTensor) out_ref = NULL;
  g_autoptr (EnlargeTensor) out_cl = NULL;

  g_assert_cmpint (l->n_inputs, <=, 8);
  g_assert_cmpint (l->n_outputs, ==, 1);
  for (int k = 0; k < l->n_inputs; k++)
    in_shapes[k] = (EnlargeShape) { in[k]->c, in[k]->h, in[k]->w };
  if (!enlarge_layer_infer_shape (l, in_shapes, &out_shape, &error))
    g_error ("%s: %s", label, error->message);

  out_ref = enlarge_tensor_new (out_shape.c, out_shape.h, out_shape.w, &error);
  g_assert_no_error (error);
  out_cl = enlarge_tensor_new (out_shape.c, out_shape.h, out_shape.w, &error);
  g_assert_no_error (error);
  /* garbage in the outputs: a kernel that skips elements shows */
  for (gsize i = 0; i < enlarge_tensor_size (out_cl); i++)
    out_ref->data[i] = out_cl->data[i] = NAN;

  if (!enlarge_backend_run_layer (ref_backend, l, in, &out_ref, &error))
    {
      g_test_fail_printf ("%s: reference: %s", label, error->message);
      return;
    }
  if (!enlarge_backend_run_layer (cl_backend, l, in, &out_cl, &error))
    {
      g_test_fail_printf ("%s: OpenCL: %s", label, error->message);
      return;
    }
  check_outputs (label, out_ref, out_cl);
}

/* ---------- self-check of the comparison ---------- */

static void
test_selfcheck (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (1);
  g_autoptr (EnlargeTensor) a = rand_tensor (rand, 3, 13, 7, -1.f, 1.f);
  g_autoptr (EnlargeTensor) b = enlarge_tensor_new (3, 13, 7, NULL);
  double err, tol;

  memcpy (b->data, a->data, enlarge_tensor_size (a) * sizeof (float));
  g_assert_true (compare (a, b, &err, &tol));
  g_assert_cmpfloat (err, ==, 0.0);
  g_assert_cmpfloat (tol, <, 1e-2);

  b->data[57] += 1e-2f;
  g_assert_false (compare (a, b, &err, &tol));
  g_assert_cmpfloat (err, >=, 0.9e-2);

  b->data[57] = NAN;
  g_assert_false (compare (a, b, &err, &tol));
}

/* The same on a real OpenCL output: a perturbed copy of it must fail. */
static void
test_selfcheck_perturbed (void)
{
  SKIP_WITHOUT_OPENCL ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (2);
  g_autoptr (EnlargeTensor) in = rand_tensor (rand, 5, 17, 31, -1.f, 1.f);
  g_autoptr (EnlargeTensor) out_ref = NULL;
  g_autoptr (EnlargeTensor) out_cl = NULL;
  g_autoptr (EnlargeTensor) perturbed = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree float *slope = rand_floats (rand, 5, 0.f, 0.5f);
  EnlargeLayer l;
  double err, tol;

  layer_init (&l, ENLARGE_OP_PRELU, "PReLU", "prelu_selfcheck", 1, 1);
  l.p.prelu.num_slope = 5;
  l.p.prelu.slope = slope;
  out_ref = enlarge_tensor_new (5, 17, 31, NULL);
  out_cl = enlarge_tensor_new (5, 17, 31, NULL);
  perturbed = enlarge_tensor_new (5, 17, 31, NULL);
  g_assert_true (enlarge_backend_run_layer (ref_backend, &l, &in, &out_ref, &error));
  g_assert_true (enlarge_backend_run_layer (cl_backend, &l, &in, &out_cl, &error));
  g_assert_true (compare (out_ref, out_cl, &err, &tol));

  memcpy (perturbed->data, out_cl->data, enlarge_tensor_size (out_cl) * sizeof (float));
  perturbed->data[enlarge_tensor_size (perturbed) / 2 + 3] += 1e-2f;
  g_assert_false (compare (out_ref, perturbed, &err, &tol));
  g_test_message ("perturbed copy: max err %.3g > tol %.3g: rejected", err, tol);
}

/* ---------- convolution ---------- */

typedef struct {
  int ic, oc;
  int h, w;
  int k;          /* square kernel */
  int stride, dilation;
  int pl, pr, pt, pb;
  float pad_value;
  gboolean bias;
  EnlargeActivation act;
  float a0, a1;
  int nres;       /* Eltwise sums folded in (EnlargeConvParams.n_residual) */
  int up;         /* a 2× nearest Interp folded in (EnlargeConvParams.upsample) */
} ConvCase;

static void
conv_case (GRand *rand, const ConvCase *cc)
{
  static const char *act_names[] = { "none", "relu", "leaky0.2", "clip", "sigmoid", "prelu" };
  g_autoptr (EnlargeTensor) in = rand_tensor (rand, cc->ic, cc->h, cc->w, -1.f, 1.f);
  const gsize n_w = (gsize) cc->oc * cc->ic * cc->k * cc->k;
  g_autofree float *weight = rand_floats (rand, n_w, -1.f, 1.f);
  g_autofree float *bias = cc->bias ? rand_floats (rand, cc->oc, -1.f, 1.f) : NULL;
  g_autofree float *slope = cc->act == ENLARGE_ACT_PRELU ? rand_floats (rand, cc->oc, 0.f, 0.5f) : NULL;
  g_autofree char *label = NULL;
  EnlargeLayer l;
  EnlargeConvParams *c = &l.p.conv;

  layer_init (&l, ENLARGE_OP_CONVOLUTION, "Convolution", "conv", 1, 1);
  c->num_output = cc->oc;
  c->num_input = cc->ic;
  c->kernel_w = c->kernel_h = cc->k;
  c->dilation_w = c->dilation_h = cc->dilation;
  c->stride_w = c->stride_h = cc->stride;
  c->pad_left = cc->pl;
  c->pad_right = cc->pr;
  c->pad_top = cc->pt;
  c->pad_bottom = cc->pb;
  c->pad_value = cc->pad_value;
  c->bias_term = cc->bias;
  c->weight_data_size = (int) n_w;
  c->activation = cc->act;
  c->act_params[0] = cc->a0;
  c->act_params[1] = cc->a1;
  c->weight = weight;
  c->bias = bias;
  c->slope = slope;
  c->num_slope = slope ? cc->oc : 0;
  c->upsample = cc->up;

  /* the addends have the output's shape */
  EnlargeTensor *ins[3] = { in, NULL, NULL };
  if (cc->nres > 0)
    {
      const EnlargeShape is = { cc->ic, cc->h, cc->w };
      EnlargeShape os;
      static const float coeffs[4] = { 0.2f, 1.f, 0.5f, -1.f };
      g_assert_true (enlarge_layer_infer_shape (&l, &is, &os, NULL));
      for (int r = 0; r < cc->nres; r++)
        ins[1 + r] = rand_tensor (rand, os.c, os.h, os.w, -1.f, 1.f);
      c->n_residual = cc->nres;
      memcpy (c->res_coeff, coeffs, sizeof coeffs);
      l.n_inputs = 1 + cc->nres;
    }

  label = g_strdup_printf ("conv %dx%d s%d d%d pad %d,%d,%d,%d pv %g %d->%d in %dx%d%s %s%s%s",
                           cc->k, cc->k, cc->stride, cc->dilation, cc->pl, cc->pr, cc->pt,
                           cc->pb, cc->pad_value, cc->ic, cc->oc, cc->w, cc->h,
                           cc->up > 1 ? " up 2x" : "", act_names[cc->act], cc->bias ? " bias" : "",
                           cc->nres == 2 ? " +2 residuals" : cc->nres == 1 ? " +residual" : "");
  {
    EnlargeShape shapes[3] = { { cc->ic, cc->h, cc->w } };
    if (cc->nres > 0)
      shapes[1] = shapes[2] = (EnlargeShape) { ins[1]->c, ins[1]->h, ins[1]->w };
    EnlargeShape os;
    g_assert_true (enlarge_layer_infer_shape (&l, shapes, &os, NULL));
    plan_conv (c, &shapes[0], &os);
  }
  run_case (label, &l, ins);
  for (int r = 1; r < 3; r++)
    if (ins[r] != NULL)
      enlarge_tensor_free (ins[r]);
}

/* 3×3, stride 1, dilation 1, zero padding: the blocked conv3x3_b8 kernel
 * (8 pixels × 8 channels per work-item), so widths below 8 and not
 * multiples of it, and channel counts not multiples of 8, matter. With 16
 * or more input channels the default backend takes Winograd instead (on
 * a CPU even for 3 output channels), so the cases run on both it and a
 * backend without Winograd. */
static void
conv3x3_cases (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  const int sizes[][2] = { /* w, h */ { 13, 7 }, { 31, 17 }, { 1, 1 }, { 5, 3 }, { 8, 8 },
                           { 9, 4 }, { 17, 2 }, { 3, 11 } };
  const int ocs[] = { 3, 5, 13, 64 };
  const int ics[] = { 3, 64 };
  int n = 0;

  for (guint ii = 0; ii < G_N_ELEMENTS (ics); ii++)
    for (guint oi = 0; oi < G_N_ELEMENTS (ocs); oi++)
      for (guint si = 0; si < G_N_ELEMENTS (sizes); si++, n++)
        {
          /* cycle bias and activation through the grid */
          ConvCase cc = { .ic = ics[ii], .oc = ocs[oi], .w = sizes[si][0], .h = sizes[si][1],
                          .k = 3, .stride = 1, .dilation = 1, .pl = 1, .pr = 1, .pt = 1,
                          .pb = 1, .bias = n % 2 == 0, .act = (n / 2) % 3, .a0 = 0.2f };
          if (cc.act == 2)
            cc.act = ENLARGE_ACT_LEAKYRELU;
          conv_case (rand, &cc);
        }

  /* every bias × activation combination on one shape */
  for (int bias = 0; bias < 2; bias++)
    for (int act = 0; act < 3; act++)
      {
        ConvCase cc = { .ic = 7, .oc = 13, .w = 13, .h = 7, .k = 3, .stride = 1,
                        .dilation = 1, .pl = 1, .pr = 1, .pt = 1, .pb = 1, .bias = bias,
                        .act = act, .a0 = 0.2f };
        conv_case (rand, &cc);
      }

  /* clip and sigmoid, for completeness */
  conv_case (rand, &(ConvCase) { .ic = 5, .oc = 9, .w = 11, .h = 6, .k = 3, .stride = 1,
                                 .dilation = 1, .pl = 1, .pr = 1, .pt = 1, .pb = 1,
                                 .bias = TRUE, .act = ENLARGE_ACT_CLIP, .a0 = -0.5f,
                                 .a1 = 0.7f });
  conv_case (rand, &(ConvCase) { .ic = 5, .oc = 9, .w = 11, .h = 6, .k = 3, .stride = 1,
                                 .dilation = 1, .pl = 1, .pr = 1, .pt = 1, .pb = 1,
                                 .bias = TRUE, .act = ENLARGE_ACT_SIGMOID });
  /* the real-world Real-ESRGAN shape */
  conv_case (rand, &(ConvCase) { .ic = 64, .oc = 64, .w = 37, .h = 23, .k = 3, .stride = 1,
                                 .dilation = 1, .pl = 1, .pr = 1, .pt = 1, .pb = 1,
                                 .bias = TRUE, .act = ENLARGE_ACT_LEAKYRELU, .a0 = 0.2f });
  conv_case (rand, &(ConvCase) { .ic = 64, .oc = 3, .w = 37, .h = 23, .k = 3, .stride = 1,
                                 .dilation = 1, .pl = 1, .pr = 1, .pt = 1, .pb = 1,
                                 .bias = TRUE });
}

static void
test_conv3x3 (void)
{
  SKIP_WITHOUT_OPENCL ();
  run_planned (cl_backend, conv3x3_cases);
  /* run_case compares cl_backend with the reference */
  const Launches direct = run_planned (cl_direct, conv3x3_cases);
  g_assert_cmpuint (direct.conv3x3_b8, >, 0);
  g_assert_cmpuint (enlarge_backend_get_launches (cl_direct, "conv3x3_b8"), >, 0);
  g_assert_cmpuint (enlarge_backend_get_launches (cl_direct, "wino_fused"), ==, 0);
  g_assert_cmpuint (enlarge_backend_get_launches (cl_direct, "wino_gemm"), ==, 0);
}

/* 3×3 stride 1 with other paddings: no padding, SAME, asymmetric. */
static void
test_conv3x3_padding (void)
{
  SKIP_WITHOUT_OPENCL ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (4);

  /* no padding */
  conv_case (rand, &(ConvCase) { .ic = 5, .oc = 7, .w = 13, .h = 7, .k = 3, .stride = 1,
                                 .dilation = 1, .bias = TRUE });
  conv_case (rand, &(ConvCase) { .ic = 3, .oc = 13, .w = 3, .h = 3, .k = 3, .stride = 1,
                                 .dilation = 1 });
  conv_case (rand, &(ConvCase) { .ic = 64, .oc = 5, .w = 12, .h = 5, .k = 3, .stride = 1,
                                 .dilation = 1, .bias = TRUE, .act = ENLARGE_ACT_RELU });
  /* SAME, both flavours */
  conv_case (rand, &(ConvCase) { .ic = 5, .oc = 7, .w = 13, .h = 7, .k = 3, .stride = 1,
                                 .dilation = 1, .pl = -233, .pr = -233, .pt = -233,
                                 .pb = -233, .bias = TRUE });
  conv_case (rand, &(ConvCase) { .ic = 5, .oc = 7, .w = 13, .h = 7, .k = 3, .stride = 1,
                                 .dilation = 1, .pl = -234, .pr = -234, .pt = -234,
                                 .pb = -234, .bias = TRUE });
  /* asymmetric */
  conv_case (rand, &(ConvCase) { .ic = 3, .oc = 5, .w = 13, .h = 7, .k = 3, .stride = 1,
                                 .dilation = 1, .pl = 2, .pr = 0, .pt = 0, .pb = 2,
                                 .bias = TRUE });
  conv_case (rand, &(ConvCase) { .ic = 3, .oc = 5, .w = 10, .h = 6, .k = 3, .stride = 1,
                                 .dilation = 1, .pl = 0, .pr = 2, .pt = 2, .pb = 1 });
}

/* 1×1, stride 1, unpadded: conv1x1, blocks of 8 output channels × 16
 * pixels of the image taken as one row. Pixel counts below 16, not
 * multiples of it and of one block and a few; channel counts 1, odd and
 * not multiples of 8, and SwinIR's and SPAN's; every activation, folded
 * sums, a folded upsampling, SAME padding (none for a 1×1). */
static void
conv1x1_cases (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  const int sizes[][2] = { /* w, h */ { 1, 1 }, { 13, 7 }, { 4, 4 }, { 17, 3 }, { 31, 2 } };
  const int chans[][2] = { /* ic, oc */ { 1, 1 }, { 5, 7 }, { 1, 9 }, { 16, 3 }, { 192, 48 },
                           { 60, 180 } };

  for (guint si = 0; si < G_N_ELEMENTS (sizes); si++)
    for (guint ci = 0; ci < G_N_ELEMENTS (chans); ci++)
      {
        const int i = (int) (si * G_N_ELEMENTS (chans) + ci);
        conv_case (rand, &(ConvCase) { .ic = chans[ci][0], .oc = chans[ci][1],
                                       .w = sizes[si][0], .h = sizes[si][1], .k = 1,
                                       .stride = 1, .dilation = 1, .bias = i % 2 == 0,
                                       .act = (EnlargeActivation) (i % 6), .a0 = 0.2f,
                                       .a1 = i % 6 == ENLARGE_ACT_CLIP ? 0.6f : 0.f,
                                       .nres = i % 3 });
      }
  conv_case (rand, &(ConvCase) { .ic = 7, .oc = 12, .w = 9, .h = 5, .k = 1, .stride = 1,
                                 .dilation = 1, .bias = TRUE, .act = ENLARGE_ACT_PRELU,
                                 .up = 2, .nres = 1 });
  conv_case (rand, &(ConvCase) { .ic = 5, .oc = 7, .w = 13, .h = 7, .k = 1, .stride = 1,
                                 .dilation = 1, .pl = -233, .pr = -233, .pt = -233,
                                 .pb = -233, .pad_value = 0.5f, .bias = TRUE });
}

static void
test_conv1x1 (void)
{
  SKIP_WITHOUT_OPENCL ();
  EnlargeBackend *const all[] = { cl_backend, cl_split, cl_f4, cl_direct, cl_small, cl_banded,
                                  cl_narrow };

  for (guint b = 0; b < G_N_ELEMENTS (all); b++)
    {
      const Launches n = run_planned (all[b], conv1x1_cases);
      /* every case on conv1x1, its sums folded in */
      g_assert_cmpuint (n.conv1x1, ==, 5 * 6 + 2);
      g_assert_cmpuint (n.residual, ==, 0);
      g_assert_cmpuint (n.interp, ==, 1);
    }
}

/* Shapes that take conv_generic. */
static void
test_conv_generic (void)
{
  SKIP_WITHOUT_OPENCL ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (5);

  /* 1×1 padded (its border is the bias alone) or of stride 2: not conv1x1 */
  conv_case (rand, &(ConvCase) { .ic = 5, .oc = 7, .w = 13, .h = 7, .k = 1, .stride = 1,
                                 .dilation = 1, .pl = 1, .pr = 1, .pt = 1, .pb = 1,
                                 .pad_value = 0.5f, .bias = TRUE });
  conv_case (rand, &(ConvCase) { .ic = 64, .oc = 3, .w = 9, .h = 5, .k = 1, .stride = 2,
                                 .dilation = 1, .act = ENLARGE_ACT_LEAKYRELU, .a0 = 0.2f });
  /* 5×5 pad 2 */
  conv_case (rand, &(ConvCase) { .ic = 3, .oc = 13, .w = 31, .h = 17, .k = 5, .stride = 1,
                                 .dilation = 1, .pl = 2, .pr = 2, .pt = 2, .pb = 2,
                                 .bias = TRUE, .act = ENLARGE_ACT_RELU });
  conv_case (rand, &(ConvCase) { .ic = 7, .oc = 5, .w = 1, .h = 1, .k = 5, .stride = 1,
                                 .dilation = 1, .pl = 2, .pr = 2, .pt = 2, .pb = 2 });
  /* 3×3 stride 2 */
  conv_case (rand, &(ConvCase) { .ic = 5, .oc = 7, .w = 31, .h = 17, .k = 3, .stride = 2,
                                 .dilation = 1, .pl = 1, .pr = 1, .pt = 1, .pb = 1,
                                 .bias = TRUE, .act = ENLARGE_ACT_LEAKYRELU, .a0 = 0.2f });
  conv_case (rand, &(ConvCase) { .ic = 3, .oc = 3, .w = 13, .h = 7, .k = 3, .stride = 2,
                                 .dilation = 1 });
  /* 3×3 dilation 2 pad 2 */
  conv_case (rand, &(ConvCase) { .ic = 5, .oc = 13, .w = 13, .h = 7, .k = 3, .stride = 1,
                                 .dilation = 2, .pl = 2, .pr = 2, .pt = 2, .pb = 2,
                                 .bias = TRUE });
  conv_case (rand, &(ConvCase) { .ic = 3, .oc = 5, .w = 3, .h = 2, .k = 3, .stride = 1,
                                 .dilation = 2, .pl = 2, .pr = 2, .pt = 2, .pb = 2,
                                 .act = ENLARGE_ACT_RELU });
  /* SAME with stride 2 */
  conv_case (rand, &(ConvCase) { .ic = 5, .oc = 7, .w = 13, .h = 7, .k = 3, .stride = 2,
                                 .dilation = 1, .pl = -233, .pr = -233, .pt = -233,
                                 .pb = -233, .bias = TRUE });
  conv_case (rand, &(ConvCase) { .ic = 5, .oc = 7, .w = 14, .h = 8, .k = 4, .stride = 2,
                                 .dilation = 1, .pl = -234, .pr = -234, .pt = -234,
                                 .pb = -234, .bias = TRUE });
  /* pad value ≠ 0 (3×3 stride 1, which would otherwise be blocked) */
  conv_case (rand, &(ConvCase) { .ic = 5, .oc = 7, .w = 13, .h = 7, .k = 3, .stride = 1,
                                 .dilation = 1, .pl = 1, .pr = 1, .pt = 1, .pb = 1,
                                 .pad_value = 0.5f, .bias = TRUE });
  conv_case (rand, &(ConvCase) { .ic = 3, .oc = 5, .w = 31, .h = 17, .k = 5, .stride = 2,
                                 .dilation = 1, .pl = 3, .pr = 1, .pt = 0, .pb = 2,
                                 .pad_value = -0.75f, .act = ENLARGE_ACT_LEAKYRELU,
                                 .a0 = 0.2f });
  conv_case (rand, &(ConvCase) { .ic = 3, .oc = 5, .w = 1, .h = 1, .k = 3, .stride = 1,
                                 .dilation = 1, .pl = 1, .pr = 1, .pt = 1, .pb = 1,
                                 .pad_value = 1.0f, .bias = TRUE });
}

/* ---------- PReLU ---------- */

static void
test_prelu (void)
{
  SKIP_WITHOUT_OPENCL ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (6);
  const int shapes[][3] = { { 5, 7, 13 }, { 3, 17, 31 }, { 13, 1, 1 } };

  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    for (int per_channel = 0; per_channel < 2; per_channel++)
      {
        const int c = shapes[s][0];
        g_autoptr (EnlargeTensor) in = rand_tensor (rand, c, shapes[s][1], shapes[s][2], -1.f, 1.f);
        g_autofree float *slope = rand_floats (rand, per_channel ? c : 1, -0.5f, 0.5f);
        g_autofree char *label = g_strdup_printf ("prelu %s", per_channel ? "per-channel" : "1 slope");
        EnlargeLayer l;

        layer_init (&l, ENLARGE_OP_PRELU, "PReLU", "prelu", 1, 1);
        l.p.prelu.num_slope = per_channel ? c : 1;
        l.p.prelu.slope = slope;
        run_case (label, &l, &in);
      }
}

/* ---------- Sigmoid ---------- */

/* wide inputs: the tails where 1 + e⁻ˣ under- or overflows a float too */
static void
test_sigmoid (void)
{
  SKIP_WITHOUT_OPENCL ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (12);
  const int shapes[][3] = { { 5, 7, 13 }, { 48, 9, 11 }, { 1, 1, 1 } };

  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      g_autoptr (EnlargeTensor) in = rand_tensor (rand, shapes[s][0], shapes[s][1], shapes[s][2],
                                                  -120.f, 120.f);
      EnlargeLayer l;

      layer_init (&l, ENLARGE_OP_OTHER, "Sigmoid", "sigmoid", 1, 1);
      run_case ("sigmoid", &l, &in);
    }
}

/* ---------- Concat ---------- */

static void
test_concat (void)
{
  SKIP_WITHOUT_OPENCL ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  const int sizes[][2] = { { 13, 7 }, { 1, 1 }, { 31, 17 } };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      const int w = sizes[s][0], h = sizes[s][1];
      EnlargeTensor *in[3] = { rand_tensor (rand, 3, h, w, -1.f, 1.f),
                               rand_tensor (rand, 5, h, w, -1.f, 1.f),
                               rand_tensor (rand, 1, h, w, -1.f, 1.f) };
      EnlargeLayer l;

      layer_init (&l, ENLARGE_OP_CONCAT, "Concat", "concat", 3, 1);
      run_case ("concat 3+5+1 channels", &l, in);
      l.n_inputs = 2;
      run_case ("concat 3+5 channels", &l, in);
      for (int k = 0; k < 3; k++)
        enlarge_tensor_free (in[k]);
    }
}

/* ---------- Eltwise ---------- */

static void
test_eltwise (void)
{
  SKIP_WITHOUT_OPENCL ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (8);
  const int shapes[][3] = { { 5, 7, 13 }, { 3, 17, 31 }, { 13, 1, 1 } };

  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      EnlargeTensor *in[3];
      float coeffs2[2] = { 0.2f, 1.0f };
      float coeffs3[3] = { 0.5f, -1.0f, 2.0f };
      EnlargeLayer l;

      for (int k = 0; k < 3; k++)
        in[k] = rand_tensor (rand, shapes[s][0], shapes[s][1], shapes[s][2], -1.f, 1.f);

      layer_init (&l, ENLARGE_OP_ELTWISE, "Eltwise", "eltwise", 2, 1);
      l.p.eltwise.op = ENLARGE_ELTWISE_SUM;
      l.p.eltwise.n_coeffs = 2;
      l.p.eltwise.coeffs = coeffs2;
      run_case ("eltwise sum coeffs 0.2,1.0", &l, in);

      l.p.eltwise.n_coeffs = 0;
      l.p.eltwise.coeffs = NULL;
      run_case ("eltwise sum of 2", &l, in);

      l.n_inputs = 3;
      run_case ("eltwise sum of 3", &l, in);

      l.p.eltwise.n_coeffs = 3;
      l.p.eltwise.coeffs = coeffs3;
      run_case ("eltwise sum of 3 coeffs 0.5,-1,2", &l, in);

      l.p.eltwise.n_coeffs = 0;
      l.p.eltwise.coeffs = NULL;
      l.p.eltwise.op = ENLARGE_ELTWISE_PROD;
      l.n_inputs = 2;
      run_case ("eltwise product of 2", &l, in);
      l.n_inputs = 3;
      run_case ("eltwise product of 3", &l, in);

      l.p.eltwise.op = ENLARGE_ELTWISE_MAX;
      l.n_inputs = 2;
      run_case ("eltwise max of 2", &l, in);
      l.n_inputs = 3;
      run_case ("eltwise max of 3", &l, in);

      for (int k = 0; k < 3; k++)
        enlarge_tensor_free (in[k]);
    }
}

/* ---------- PixelShuffle ---------- */

static void
test_pixelshuffle (void)
{
  SKIP_WITHOUT_OPENCL ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (9);
  const int cases[][4] = { /* factor, c, h, w */ { 2, 12, 7, 13 }, { 2, 4, 1, 1 },
                           { 2, 20, 17, 31 }, { 4, 48, 7, 13 }, { 4, 16, 3, 1 },
                           { 3, 18, 5, 7 } };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (EnlargeTensor) in = rand_tensor (rand, cases[i][1], cases[i][2], cases[i][3],
                                                  -1.f, 1.f);
      g_autofree char *label = g_strdup_printf ("pixelshuffle factor %d from %dx%dx%d",
                                                cases[i][0], cases[i][1], cases[i][2], cases[i][3]);
      EnlargeLayer l;

      layer_init (&l, ENLARGE_OP_PIXELSHUFFLE, "PixelShuffle", "ps", 1, 1);
      l.p.pixelshuffle.factor = cases[i][0];
      run_case (label, &l, &in);
    }
}

/* ---------- PixelUnshuffle ---------- */

static void
test_pixelunshuffle (void)
{
  SKIP_WITHOUT_OPENCL ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (19);
  /* factor, c, h, w: rows longer and shorter than a work-item's 8 */
  const int cases[][4] = { { 2, 3, 14, 26 }, { 2, 1, 2, 2 }, { 4, 3, 28, 52 },
                           { 4, 3, 4, 36 }, { 3, 2, 9, 21 }, { 2, 64, 6, 34 } };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const int r = cases[i][0];
      g_autoptr (EnlargeTensor) in = rand_tensor (rand, cases[i][1], cases[i][2], cases[i][3],
                                                  -1.f, 1.f);
      g_autoptr (EnlargeTensor) back = enlarge_tensor_new (cases[i][1], cases[i][2], cases[i][3], NULL);
      g_autoptr (EnlargeTensor) un = enlarge_tensor_new (cases[i][1] * r * r, cases[i][2] / r,
                                                         cases[i][3] / r, NULL);
      g_autofree char *label = g_strdup_printf ("pixelunshuffle factor %d from %dx%dx%d",
                                                r, cases[i][1], cases[i][2], cases[i][3]);
      g_autoptr (GError) error = NULL;
      EnlargeLayer l, s;

      layer_init (&l, ENLARGE_OP_PIXELUNSHUFFLE, "PixelUnshuffle", "pu", 1, 1);
      l.p.pixelshuffle.factor = r;
      run_case (label, &l, &in);

      /* the reference is PyTorch's: PixelShuffle undoes it exactly, and
       * its first channel is the top-left pixel of each block */
      g_assert_true (enlarge_backend_run_layer (ref_backend, &l, &in, &un, &error));
      if (un->w > 1)
        g_assert_cmpfloat (enlarge_tensor_channel (un, 0)[1], ==, enlarge_tensor_channel (in, 0)[r]);
      g_assert_cmpfloat (enlarge_tensor_channel (un, 1)[0], ==, enlarge_tensor_channel (in, 0)[1]);
      layer_init (&s, ENLARGE_OP_PIXELSHUFFLE, "PixelShuffle", "ps", 1, 1);
      s.p.pixelshuffle.factor = r;
      g_assert_true (enlarge_backend_run_layer (ref_backend, &s, &un, &back, &error));
      g_assert_cmpmem (back->data, enlarge_tensor_size (back) * 4, in->data,
                       enlarge_tensor_size (in) * 4);
    }
}

/* ---------- Interp ---------- */

static void
interp_case (GRand *rand, EnlargeInterpMode mode, float scale, int c, int h, int w,
             int out_w, int out_h, gboolean align_corner)
{
  static const char *modes[] = { "?", "nearest", "bilinear", "bicubic" };
  g_autoptr (EnlargeTensor) in = rand_tensor (rand, c, h, w, -1.f, 1.f);
  g_autofree char *label = NULL;
  EnlargeLayer l;

  layer_init (&l, ENLARGE_OP_INTERP, "Interp", "interp", 1, 1);
  l.p.interp.mode = mode;
  l.p.interp.width_scale = l.p.interp.height_scale = scale;
  l.p.interp.output_width = out_w;
  l.p.interp.output_height = out_h;
  l.p.interp.align_corner = align_corner;
  if (out_w > 0)
    label = g_strdup_printf ("interp %s to %dx%d from %dx%d%s", modes[mode], out_w, out_h,
                             w, h, align_corner ? " align" : "");
  else
    label = g_strdup_printf ("interp %s x%g from %dx%d%s", modes[mode], scale, w, h,
                             align_corner ? " align" : "");
  run_case (label, &l, &in);
}

static void
test_interp (void)
{
  SKIP_WITHOUT_OPENCL ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (10);
  const int sizes[][2] = { /* w, h */ { 13, 7 }, { 31, 17 }, { 1, 1 }, { 2, 3 } };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      const int w = sizes[s][0], h = sizes[s][1];
      const gboolean small = w < 4 || h < 4;
      interp_case (rand, ENLARGE_INTERP_NEAREST, 2.f, 3, h, w, 0, 0, FALSE);
      interp_case (rand, ENLARGE_INTERP_NEAREST, 4.f, 5, h, w, 0, 0, FALSE);
      interp_case (rand, ENLARGE_INTERP_BILINEAR, 2.f, 3, h, w, 0, 0, FALSE);
      interp_case (rand, ENLARGE_INTERP_BICUBIC, 2.f, 3, h, w, 0, 0, FALSE);
      if (!small || (w >= 2 && h >= 2))
        {
          interp_case (rand, ENLARGE_INTERP_BILINEAR, 0.5f, 3, h, w, 0, 0, FALSE);
          interp_case (rand, ENLARGE_INTERP_BICUBIC, 0.5f, 3, h, w, 0, 0, FALSE);
        }
      if (!small)
        interp_case (rand, ENLARGE_INTERP_BICUBIC, 0.75f, 5, h, w, 0, 0, FALSE);
    }
  /* explicit output sizes and align_corner */
  interp_case (rand, ENLARGE_INTERP_NEAREST, 1.f, 3, 7, 13, 20, 9, FALSE);
  interp_case (rand, ENLARGE_INTERP_BILINEAR, 1.f, 3, 7, 13, 29, 11, FALSE);
  interp_case (rand, ENLARGE_INTERP_BILINEAR, 2.f, 3, 7, 13, 0, 0, TRUE);
  interp_case (rand, ENLARGE_INTERP_BICUBIC, 1.f, 3, 17, 31, 23, 12, FALSE);
  interp_case (rand, ENLARGE_INTERP_BICUBIC, 2.f, 3, 7, 13, 0, 0, TRUE);
}

/* ---------- BinaryOp ---------- */

static void
test_binaryop (void)
{
  SKIP_WITHOUT_OPENCL ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  static const char *ops[] = { "add", "sub", "mul", "div", "max", "min" };
  const int shapes[][3] = { { 5, 7, 13 }, { 3, 17, 31 }, { 13, 1, 1 } };

  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      const int c = shapes[s][0], h = shapes[s][1], w = shapes[s][2];
      g_autoptr (EnlargeTensor) a = rand_tensor (rand, c, h, w, -1.f, 1.f);
      /* b away from 0 so that division stays tame */
      g_autoptr (EnlargeTensor) b = rand_tensor (rand, c, h, w, 0.5f, 1.f);
      g_autoptr (EnlargeTensor) bc = rand_tensor (rand, c, 1, 1, 0.5f, 1.f);

      for (int op = ENLARGE_BINARY_ADD; op <= ENLARGE_BINARY_MIN; op++)
        {
          g_autofree char *l_same = g_strdup_printf ("binaryop %s same shape", ops[op]);
          g_autofree char *l_scalar = g_strdup_printf ("binaryop %s scalar", ops[op]);
          g_autofree char *l_chan = g_strdup_printf ("binaryop %s per-channel b", ops[op]);
          EnlargeTensor *in[2] = { a, b };
          EnlargeLayer l;

          layer_init (&l, ENLARGE_OP_BINARYOP, "BinaryOp", "binary", 2, 1);
          l.p.binary.op = op;
          run_case (l_same, &l, in);

          in[1] = bc;
          run_case (l_chan, &l, in);

          l.n_inputs = 1;
          l.p.binary.with_scalar = TRUE;
          l.p.binary.b = op == ENLARGE_BINARY_DIV ? 0.625f : -0.37f;
          run_case (l_scalar, &l, in);
        }
    }
}

/* ---------- a whole network ---------- */

static void
winograd_cases (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  const ConvCase cases[] = {
    { .ic = 16, .oc = 16, .w = 13, .h = 7 },
    { .ic = 17, .oc = 20, .w = 31, .h = 17, .bias = TRUE, .act = ENLARGE_ACT_PRELU },
    { .ic = 64, .oc = 32, .w = 5, .h = 3, .bias = TRUE, .act = ENLARGE_ACT_LEAKYRELU, .a0 = 0.2f },
    { .ic = 192, .oc = 32, .w = 19, .h = 21, .bias = TRUE, .act = ENLARGE_ACT_LEAKYRELU, .a0 = 0.2f },
    { .ic = 32, .oc = 48, .w = 1, .h = 1, .bias = TRUE },
    { .ic = 16, .oc = 24, .w = 1030, .h = 150, .bias = TRUE, .act = ENLARGE_ACT_PRELU },
    /* wino_fused's blocks are 64 × 8 output pixels: exactly one, and
     * partial ones on the right (in 16 lanes when more than 8 tile columns
     * remain, else in wino_fused8's 8) and at the bottom */
    { .ic = 64, .oc = 64, .w = 64, .h = 8, .bias = TRUE, .act = ENLARGE_ACT_PRELU },
    { .ic = 64, .oc = 48, .w = 130, .h = 21, .bias = TRUE, .act = ENLARGE_ACT_PRELU },
    { .ic = 24, .oc = 16, .w = 110, .h = 12, .bias = TRUE },
    /* wino63_fused (48 or more output channels) has blocks of 96 × 12 and
     * wino63_fused8 of 48 × 12: exactly one; two, then 11 pixels in
     * wino_fused8; two, then 58 in wino_fused; a partial 96 on the right
     * (74 pixels left) and at the bottom; a partial 48; 96, 48 and 20 in
     * wino_fused8 */
    { .ic = 64, .oc = 64, .w = 96, .h = 12, .bias = TRUE, .act = ENLARGE_ACT_PRELU },
    { .ic = 48, .oc = 64, .w = 203, .h = 25, .bias = TRUE, .act = ENLARGE_ACT_LEAKYRELU, .a0 = 0.2f },
    { .ic = 64, .oc = 64, .w = 250, .h = 13, .bias = TRUE },
    { .ic = 40, .oc = 66, .w = 170, .h = 30, .bias = TRUE, .act = ENLARGE_ACT_PRELU },
    { .ic = 64, .oc = 48, .w = 136, .h = 14, .bias = TRUE, .act = ENLARGE_ACT_PRELU },
    { .ic = 32, .oc = 56, .w = 164, .h = 9, .bias = TRUE },
    /* the Eltwise sums the loader folds in (realesrgan-x4plus's dense
     * blocks), added as each kernel stores: F(6×6) in 16 and 8 lanes, then
     * F(4×4) in 16 and 8 lanes, partial blocks on the right and bottom */
    { .ic = 64, .oc = 64, .w = 203, .h = 25, .bias = TRUE, .nres = 2 },
    { .ic = 192, .oc = 32, .w = 70, .h = 13, .bias = TRUE, .act = ENLARGE_ACT_LEAKYRELU,
      .a0 = 0.2f, .nres = 1 },
    { .ic = 32, .oc = 48, .w = 110, .h = 9, .bias = TRUE, .act = ENLARGE_ACT_PRELU, .nres = 1 },
    /* the 2× nearest upsampling the loader folds in (realesrgan-x4plus's
     * tail), read through by the fused kernels: F(6×6) in 16 and 8
     * lanes and F(4×4) after them (202 px), F(4×4) in 16 and 8 lanes with
     * a residual (74 px), odd and tiny inputs */
    { .ic = 64, .oc = 64, .w = 101, .h = 13, .bias = TRUE, .act = ENLARGE_ACT_LEAKYRELU,
      .a0 = 0.2f, .up = 2 },
    { .ic = 64, .oc = 32, .w = 37, .h = 9, .bias = TRUE, .nres = 1, .up = 2 },
    { .ic = 16, .oc = 16, .w = 7, .h = 5, .up = 2 },
    { .ic = 16, .oc = 24, .w = 1, .h = 1, .bias = TRUE, .up = 2 },
    /* wide layers, in bands of input channels where the local memory is
     * small (cl_banded: bands of 23 and groups of 4 of the 9 blocks of
     * output channels, the last group partial), with a residual and an
     * upsampling read through; 100 channels: a last, shorter band */
    { .ic = 64, .oc = 66, .w = 70, .h = 9, .bias = TRUE, .act = ENLARGE_ACT_PRELU, .nres = 1,
      .up = 2 },
    { .ic = 100, .oc = 24, .w = 37, .h = 10, .bias = TRUE, .act = ENLARGE_ACT_LEAKYRELU,
      .a0 = 0.2f, .nres = 2 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ConvCase cc = cases[i];
      cc.k = 3;
      cc.stride = cc.dilation = 1;
      cc.pl = cc.pr = cc.pt = cc.pb = 1;
      conv_case (rand, &cc);
    }
  /* no padding: the output is 2 smaller; asymmetric padding */
  conv_case (rand, &(ConvCase) { .ic = 16, .oc = 16, .w = 23, .h = 9, .k = 3, .stride = 1,
                                 .dilation = 1, .bias = TRUE });
  conv_case (rand, &(ConvCase) { .ic = 16, .oc = 16, .w = 23, .h = 9, .k = 3, .stride = 1,
                                 .dilation = 1, .pl = 2, .pr = 0, .pt = 0, .pb = 2 });
  /* a folded PReLU on the blocked direct path (3 input channels) */
  conv_case (rand, &(ConvCase) { .ic = 3, .oc = 13, .w = 29, .h = 11, .k = 3, .stride = 1,
                                 .dilation = 1, .pl = 1, .pr = 1, .pt = 1, .pb = 1,
                                 .bias = TRUE, .act = ENLARGE_ACT_PRELU });
  /* folded sums where the kernel does not add them: a pass after it */
  conv_case (rand, &(ConvCase) { .ic = 3, .oc = 13, .w = 29, .h = 11, .k = 3, .stride = 1,
                                 .dilation = 1, .pl = 1, .pr = 1, .pt = 1, .pb = 1,
                                 .bias = TRUE, .nres = 2 });
  conv_case (rand, &(ConvCase) { .ic = 5, .oc = 7, .w = 17, .h = 9, .k = 5, .stride = 1,
                                 .dilation = 1, .pl = 2, .pr = 2, .pt = 2, .pb = 2,
                                 .bias = TRUE, .act = ENLARGE_ACT_RELU, .nres = 1 });
  /* and a folded upsampling there: made by an Interp pass first */
  conv_case (rand, &(ConvCase) { .ic = 3, .oc = 13, .w = 15, .h = 6, .k = 3, .stride = 1,
                                 .dilation = 1, .pl = 1, .pr = 1, .pt = 1, .pb = 1,
                                 .bias = TRUE, .up = 2 });
  conv_case (rand, &(ConvCase) { .ic = 5, .oc = 7, .w = 9, .h = 4, .k = 5, .stride = 1,
                                 .dilation = 1, .pl = 2, .pr = 2, .pt = 2, .pb = 2, .up = 2 });
}

/* Each Winograd case on the CPU's fused kernels (F(6×6, 3×3) where it
 * fits, then F(4×4, 3×3) alone), on the three-kernel path, and with the
 * local memory of a small GPU, all against the reference. Each backend
 * launches exactly what the plans for its caps say (tests/test-plan.c
 * checks the plans themselves for given caps). */
static void
test_conv_winograd (void)
{
  SKIP_WITHOUT_OPENCL ();
  const gboolean cpu = enlarge_backend_get_device (cl_backend)->kind == ENLARGE_DEVICE_CPU;
  Launches l;

  l = run_planned (cl_backend, winograd_cases);
  /* the two non-Winograd cases with folded sums and upsamplings make
   * them in passes of their own whatever the device */
  g_assert_cmpuint (l.residual, >=, 3);
  g_assert_cmpuint (l.interp, >=, 2);
  if (cpu)
    g_assert_cmpuint (l.wino_fused + l.wino_fused8 + l.wino_gemm, >, 0);

  l = run_planned (cl_f4, winograd_cases);
  g_assert_cmpuint (l.wino63_fused + l.wino63_fused8, ==, 0);

  /* the three-kernel path adds the sums in a pass of its own (8 in the
   * Winograd cases + 3) and makes every upsampling (5 + 2) */
  l = run_planned (cl_split, winograd_cases);
  g_assert_cmpuint (l.wino_fused + l.wino_fused8 + l.wino63_fused + l.wino63_fused8, ==, 0);
  g_assert_cmpuint (l.wino_gemm, >, 0);
  g_assert_cmpuint (l.residual, ==, 11);
  g_assert_cmpuint (l.interp, ==, 7);

  /* 256 KiB: the fused kernel takes the wide layers in bands of input
   * channels (and groups of output channels), compared with the reference
   * like every case */
  l = run_planned (cl_banded, winograd_cases);
  if (cpu)
    {
      g_assert_cmpuint (planned_bands, >, 0);
      g_assert_cmpuint (l.wino_fused + l.wino_fused8, >, 0);
    }

  /* a device preferring 8-float vectors: every fused block in 8 lanes,
   * F(6×6) in several 48-pixel blocks a row */
  l = run_planned (cl_narrow, winograd_cases);
  g_assert_cmpuint (l.wino_fused + l.wino63_fused, ==, 0);
  if (cpu)
    {
      g_assert_cmpuint (l.wino_fused8, >, 0);
      g_assert_cmpuint (l.wino63_fused8, >, 0);
    }

  /* 64 KiB of local memory: no fused kernel fits, the plan says so and
   * the backend follows it */
  l = run_planned (cl_small, winograd_cases);
  g_assert_cmpuint (l.wino_fused + l.wino_fused8 + l.wino63_fused + l.wino63_fused8, ==, 0);
  g_assert_cmpuint (l.wino_gemm, >, 0);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  gint64 start;
  int ret;

  g_test_init (&argc, &argv, NULL);

  ref_backend = enlarge_backend_new_reference ();
  cl_backend = enlarge_backend_new ("cpu", &error);
  if (cl_backend == NULL)
    cl_skip_reason = g_strdup_printf ("no OpenCL CPU device: %s", error->message);
  else
    {
      EnlargeBackendOptions o = ENLARGE_BACKEND_OPTIONS_INIT;
      o.winograd = ENLARGE_WINOGRAD_SPLIT;
      cl_split = enlarge_backend_new_full ("cpu", &o, &error);
      g_assert_no_error (error);
      o.winograd = ENLARGE_WINOGRAD_F4;
      cl_f4 = enlarge_backend_new_full ("cpu", &o, &error);
      g_assert_no_error (error);
      o.winograd = ENLARGE_WINOGRAD_OFF;
      cl_direct = enlarge_backend_new_full ("cpu", &o, &error);
      g_assert_no_error (error);
      o = ENLARGE_BACKEND_OPTIONS_INIT;
      o.local_mem_cap = 64 << 10;
      cl_small = enlarge_backend_new_full ("cpu", &o, &error);
      g_assert_no_error (error);
      o.local_mem_cap = 256 << 10;
      cl_banded = enlarge_backend_new_full ("cpu", &o, &error);
      g_assert_no_error (error);
      o = ENLARGE_BACKEND_OPTIONS_INIT;
      o.vector_width = 8;
      cl_narrow = enlarge_backend_new_full ("cpu", &o, &error);
      g_assert_no_error (error);
    }
  if (cl_backend != NULL)
    g_test_message ("OpenCL device: %s (%s, %s)", enlarge_backend_get_device (cl_backend)->name,
                    enlarge_backend_get_device (cl_backend)->platform,
                    enlarge_backend_get_device (cl_backend)->driver);

  g_test_add_func ("/ops/selfcheck", test_selfcheck);
  g_test_add_func ("/ops/selfcheck-perturbed", test_selfcheck_perturbed);
  g_test_add_func ("/ops/conv3x3", test_conv3x3);
  g_test_add_func ("/ops/conv3x3-padding", test_conv3x3_padding);
  g_test_add_func ("/ops/conv1x1", test_conv1x1);
  g_test_add_func ("/ops/conv-generic", test_conv_generic);
  g_test_add_func ("/ops/conv-winograd", test_conv_winograd);
  g_test_add_func ("/ops/prelu", test_prelu);
  g_test_add_func ("/ops/sigmoid", test_sigmoid);
  g_test_add_func ("/ops/concat", test_concat);
  g_test_add_func ("/ops/eltwise", test_eltwise);
  g_test_add_func ("/ops/pixelshuffle", test_pixelshuffle);
  g_test_add_func ("/ops/pixelunshuffle", test_pixelunshuffle);
  g_test_add_func ("/ops/interp", test_interp);
  g_test_add_func ("/ops/binaryop", test_binaryop);
  g_test_add_func ("/ops/network", test_network);
  g_test_add_func ("/ops/network-residual", test_network_residual);

  start = g_get_monotonic_time ();
  ret = g_test_run ();
  if (cl_backend)
    g_test_message ("largest error: %.3g (%s); %.1f s", worst_error,
                    worst_case ? worst_case : "-", (g_get_monotonic_time () - start) / 1e6);

  g_clear_pointer (&cl_backend, enlarge_backend_unref);
  g_clear_pointer (&cl_split, enlarge_backend_unref);
  g_clear_pointer (&cl_f4, enlarge_backend_unref);
  g_clear_pointer (&cl_direct, enlarge_backend_unref);
  g_clear_pointer (&cl_small, enlarge_backend_unref);
  g_clear_pointer (&cl_banded, enlarge_backend_unref);
  g_clear_pointer (&cl_narrow, enlarge_backend_unref);
  g_clear_pointer (&ref_backend, enlarge_backend_unref);
  g_free (cl_skip_reason);
  g_free (worst_case);
  return ret;
}
