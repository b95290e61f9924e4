/* Every OpenCL kernel of the engine on oclgrind, the OpenCL device
 * simulator that reports out-of-bounds accesses and data races: tiny
 * shapes, each op and each convolution path (direct, blocked, the GPUs'
 * three-kernel Winograd with fp32 and half storage, the four fused CPU
 * kernels) under several plans, work-group shapes and local memory caps,
 * each output compared with the reference and each plan's launches
 * counted. Any oclgrind report fails the case it came from.
 *
 * tests/meson.build runs this as `oclgrind --check-api --data-races …`
 * with ENLARGE_TEST_OCLGRIND=data-races (the checks it must find on); run
 * by hand without oclgrind it skips. oclgrind 21.10's --uninitialized is
 * not used: it crashes on the vector kernels (conv3x3_b8, wino_*), cannot
 * run LLVM's freeze (pixelshuffle) and reports stores into a buffer that
 * took a freed one's id as uninitialised; /oclgrind/detects still checks
 * it when asked (ENLARGE_TEST_OCLGRIND=uninitialized). */

#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "enlarge.h"
#include "enlarge-cl-op.h"
#include "enlarge-test-utils.h"
#include "enlarge-conv-plan.h"
#include "enlarge-op.h"
#include "enlarge-op-unet.h"
#include "enlarge-op-attention.h"
#include "enlarge-ops.h"

#define KiB ((guint64) 1 << 10)

/* ---------- oclgrind's reports ----------
 * oclgrind writes them to stderr as the kernels run: around each case,
 * stderr goes to a file that is read back, echoed and judged. */

static int real_stderr = -1;
static int report_fd = -1;

static void
watch_begin (void)
{
  fflush (stderr);
  g_assert_cmpint (ftruncate (report_fd, 0), ==, 0);
  g_assert_cmpint (lseek (report_fd, 0, SEEK_SET), ==, 0);
  g_assert_cmpint (dup2 (report_fd, STDERR_FILENO), ==, STDERR_FILENO);
}

/* What was written since watch_begin (NULL: nothing), echoed to the real
 * stderr so the test log shows it. Clang's count of the build's warnings
 * (loops it could not unroll as asked) is no report. */
static char *
watch_end_full (gboolean echo)
{
  g_autoptr (GString) s = g_string_new (NULL);
  g_autoptr (GRegex) warnings = g_regex_new ("^\\d+ warnings? generated\\.$", G_REGEX_MULTILINE, 0, NULL);
  g_autofree char *rest = NULL;
  char buf[4096];
  gssize n;

  fflush (stderr);
  g_assert_cmpint (dup2 (real_stderr, STDERR_FILENO), ==, STDERR_FILENO);
  g_assert_cmpint (lseek (report_fd, 0, SEEK_SET), ==, 0);
  while ((n = read (report_fd, buf, sizeof buf)) > 0)
    g_string_append_len (s, buf, n);
  if (echo)
    fputs (s->str, stderr);
  rest = g_regex_replace_literal (warnings, s->str, -1, 0, "", 0, NULL);
  return *g_strstrip (rest) != '\0' ? g_steal_pointer (&rest) : NULL;
}

#define watch_end() watch_end_full (TRUE)

/* ---------- the backends ---------- */

/* oclgrind reports every device type, GPU among them, so the engine
 * treats it as a GPU; EnlargeBackendOptions.plan_kind makes it plan and
 * launch (work-groups of 1 × 1 × 8 for the transforms, 1 × 1 for the
 * products and the fused kernels) as on a CPU, and local_mem_cap gives it
 * the local memory of smaller devices */
typedef struct {
  const char *name;
  int plan_kind;
  EnlargeWinogradMode winograd;
  EnlargeFp16Mode fp16;
  guint64 local_mem_cap;
  /* the CPU plans for AVX-512's 16 floats, or 8 (all fused blocks of 8
   * lanes), whatever oclgrind's device reports */
  int vector_width;
  EnlargeBackend *b;
} Config;

enum { GPU_HALF, GPU_FP32, CPU_FUSED, CPU_F4, CPU_256K, CPU_64K, CPU_64K_HALF, CPU_DIRECT,
       CPU_NARROW, N_CONFIGS };

static Config configs[N_CONFIGS] = {
  [GPU_HALF] = { "gpu-half", 0, ENLARGE_WINOGRAD_AUTO, ENLARGE_FP16_AUTO, 0 },
  [GPU_FP32] = { "gpu-fp32", 0, ENLARGE_WINOGRAD_AUTO, ENLARGE_FP16_OFF, 0 },
  [CPU_FUSED] = { "cpu-fused", ENLARGE_DEVICE_CPU, ENLARGE_WINOGRAD_AUTO, ENLARGE_FP16_AUTO, 0, 16 },
  [CPU_F4] = { "cpu-f4", ENLARGE_DEVICE_CPU, ENLARGE_WINOGRAD_F4, ENLARGE_FP16_AUTO, 0, 16 },
  [CPU_256K] = { "cpu-256k", ENLARGE_DEVICE_CPU, ENLARGE_WINOGRAD_AUTO, ENLARGE_FP16_AUTO, 256 * KiB, 16 },
  [CPU_64K] = { "cpu-64k", ENLARGE_DEVICE_CPU, ENLARGE_WINOGRAD_AUTO, ENLARGE_FP16_AUTO, 64 * KiB, 16 },
  [CPU_64K_HALF] = { "cpu-64k-half", ENLARGE_DEVICE_CPU, ENLARGE_WINOGRAD_AUTO, ENLARGE_FP16_ON, 64 * KiB, 16 },
  [CPU_DIRECT] = { "cpu-direct", ENLARGE_DEVICE_CPU, ENLARGE_WINOGRAD_OFF, ENLARGE_FP16_AUTO, 0, 16 },
  [CPU_NARROW] = { "cpu-narrow", ENLARGE_DEVICE_CPU, ENLARGE_WINOGRAD_AUTO, ENLARGE_FP16_AUTO, 0, 8 },
};

static EnlargeBackend *ref_backend;
static char *skip_reason;
static int tests_done;  /* of the seven that launch the engine's kernels */
static char *cache_dir;

/* every kernel of the engine's program (the .cl files in kernels/), and
 * "residual", the name eltwise2's launches are counted under when they add
 * a convolution's folded sums */
static const char *const all_kernels[] = {
  "prelu", "eltwise2", "pixelshuffle", "pixelunshuffle", "interp_nearest", "interp_nearest_pow2",
  "interp_bilinear", "interp_bicubic", "binary_op", "sigmoid", "conv_generic", "conv3x3_b8",
  "wino_input", "wino_gemm", "wino_output", "wino_fused", "wino_fused8", "wino63_fused",
  "wino63_fused8", "layernorm", "gelu", "pad_reflect", "crop_like", "window_attention",
  "conv1x1", "residual", NULL,
};

/* ---------- kernels with bugs on purpose: the checks are live ----------
 * One report each: oclgrind stops reporting after --max-errors (1000) in
 * all, so the real cases after them keep their budget. */

typedef enum { BAD_OOB, BAD_RACE, BAD_UNINIT } BadKind;

static const char bad_source[] =
  "__kernel void bad_oob (__global float *out, int n)\n"
  "{ int i = get_global_id (0); if (i == 1) out[2 * n + 64] = 1.f; }\n"
  "__kernel void bad_race (__global float *out, int n)\n"
  "{ int i = get_global_id (0); if (i < 2) out[0] = (float) i; }\n"
  "__kernel void bad_uninit (__global float *out, int n)\n"
  "{ float t[2]; int i = get_global_id (0); t[0] = 1.f; if (i < 2) out[i] = t[i]; }\n";

static const char *const bad_names[] = { "bad_oob", "bad_race", "bad_uninit" };

static gboolean
bad_shape (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out, GError **error)
{
  out[0] = in[0];
  return TRUE;
}

static const EnlargeOp bad_op = { .name = "OclgrindBad", .type = ENLARGE_OP_OTHER,
                                  .n_inputs = 1, .shape = bad_shape };

static gboolean
bad_run (EnlargeBackend *backend, EnlargeNet *net, const EnlargeLayer *l, cl_mem *in,
         const EnlargeShape *is, cl_mem *out, const EnlargeShape *os, GError **error)
{
  const char *name = bad_names[GPOINTER_TO_INT (l->data)];
  cl_kernel k = enlarge_cl_kernel (backend, name);
  const cl_int n = os->c * os->h * os->w;
  const size_t global[1] = { (size_t) n };

  g_assert_nonnull (k);
  g_assert_cmpint (clSetKernelArg (k, 0, sizeof (cl_mem), &out[0]), ==, CL_SUCCESS);
  g_assert_cmpint (clSetKernelArg (k, 1, sizeof n, &n), ==, CL_SUCCESS);
  return enlarge_cl_launch (backend, k, 1, global, name, error);
}

static const EnlargeClOp bad_cl_op = { "OclgrindBad", bad_source, bad_run };
static const EnlargeClOp *const extra_cl_ops[] = { &bad_cl_op, NULL };

/* ---------- running a layer ---------- */

static GRand *rand_;

static EnlargeTensor *
random_tensor (int c, int h, int w, float lo, float hi)
{
  EnlargeTensor *t = enlarge_tensor_new (c, h, w, NULL);
  for (gsize i = 0; i < enlarge_tensor_size (t); i++)
    t->data[i] = (float) g_rand_double_range (rand_, lo, hi);
  return t;
}

static float *
random_floats (int n, float lo, float hi)
{
  float *v = g_new (float, MAX (n, 1));
  for (int i = 0; i < n; i++)
    v[i] = (float) g_rand_double_range (rand_, lo, hi);
  return v;
}

static EnlargeLayer
make_layer (const char *type_name, int n_inputs)
{
  static int indices[8];
  EnlargeLayer l = { 0 };

  l.op = enlarge_op_lookup (type_name, NULL);
  g_assert_nonnull (l.op);
  l.type = l.op->type;
  l.type_name = (char *) type_name;
  l.name = (char *) type_name;
  l.n_inputs = n_inputs;
  l.n_outputs = 1;
  l.inputs = indices;
  l.outputs = indices + 4;
  return l;
}

/* Runs @l on @cfg and on the reference: no oclgrind report, and the
 * outputs agree within @rel_tol of their range. */
static void
run_on_tol (Config *cfg, const char *label, const EnlargeLayer *l, EnlargeTensor **in,
            double rel_tol)
{
  EnlargeShape is[8], os;
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeTensor) ref = NULL;
  g_autoptr (EnlargeTensor) out = NULL;
  g_autofree char *reports = NULL;
  double err = 0, lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE, tol;
  gboolean ok, finite = TRUE;

  for (int k = 0; k < l->n_inputs; k++)
    is[k] = (EnlargeShape) { in[k]->c, in[k]->h, in[k]->w };
  g_assert_true (enlarge_layer_infer_shape (l, is, &os, NULL));
  ref = enlarge_tensor_new (os.c, os.h, os.w, NULL);
  out = enlarge_tensor_new (os.c, os.h, os.w, NULL);
  for (gsize i = 0; i < enlarge_tensor_size (out); i++)
    out->data[i] = NAN;
  g_assert_true (enlarge_backend_run_layer (ref_backend, l, in, &ref, &error));

  watch_begin ();
  ok = enlarge_backend_run_layer (cfg->b, l, in, &out, &error);
  reports = watch_end ();
  if (!ok)
    {
      g_test_fail_printf ("%s: %s: %s", cfg->name, label, error->message);
      return;
    }
  /* the start of it: the whole is on stderr */
  if (reports != NULL)
    g_test_fail_printf ("%s: %s: oclgrind reported:\n%.2000s", cfg->name, label, reports);

  for (gsize i = 0; i < enlarge_tensor_size (ref); i++)
    {
      finite = finite && isfinite (out->data[i]);
      lo = MIN (lo, ref->data[i]);
      hi = MAX (hi, ref->data[i]);
      err = MAX (err, fabs ((double) out->data[i] - ref->data[i]));
    }
  tol = rel_tol * MAX (1.0, hi - lo);
  g_test_message ("%-13s %-52s %dx%dx%d  max err %.2g (tol %.2g)", cfg->name, label, os.c, os.h,
                  os.w, err, tol);
  if (!finite || !(err <= tol))
    g_test_fail_printf ("%s: %s: OpenCL differs from the reference by %g (tolerance %g)",
                        cfg->name, label, err, tol);
}

#define run_on(cfg, label, l, in) run_on_tol ((cfg), (label), (l), (in), 1e-4)

/* ---------- convolutions ---------- */

typedef struct {
  int ic, oc, w, h;
  int k, stride, dil, pad;  /* pad -1: none */
  float pad_value;
  EnlargeActivation act;
  int nres, up;
} Conv;

/* the conv kernels and the passes a conv's plan takes on @cfg */
static const char *const conv_kernels[] = {
  "wino63_fused", "wino63_fused8", "wino_fused", "wino_fused8", "wino_input", "wino_gemm",
  "wino_output", "conv3x3_b8", "conv_generic", "residual", "interp_nearest_pow2", "conv1x1",
};
enum { K_F6, K_F6_8, K_F4, K_F4_8, K_IN, K_GEMM, K_OUT, K_B8, K_GEN, K_RES, K_UP, K_1X1, N_K };

static void
planned_launches (Config *cfg, const EnlargeConvParams *c, const EnlargeShape *is,
                  const EnlargeShape *os, guint *n)
{
  EnlargeClCaps caps;
  EnlargeConvPlan plan;

  g_assert_true (enlarge_cl_backend_get_caps (cfg->b, &caps));
  enlarge_conv_plan (c, is, os, &caps, &plan);
  memset (n, 0, sizeof (guint) * N_K);
  switch (plan.kernel)
    {
    case ENLARGE_CONV_WINO_FUSED:
      n[K_F6] = plan.n6 > 0;
      n[K_F6_8] = plan.n48 > 0;
      n[K_F4] = plan.n16 > 0;
      n[K_F4_8] = plan.n8 > 0;
      break;
    case ENLARGE_CONV_WINO_SPLIT:
      n[K_IN] = n[K_GEMM] = n[K_OUT] = ((os->h + 3) / 4 + plan.band - 1) / plan.band;
      break;
    case ENLARGE_CONV_BLOCKED:
      n[K_B8] = 1;
      break;
    case ENLARGE_CONV_1X1:
      n[K_1X1] = 1;
      break;
    default:
      n[K_GEN] = 1;
    }
  n[K_RES] = plan.residual_folded ? 0 : c->n_residual;
  n[K_UP] = c->upsample > 1 && !plan.upsample_folded;
}

/* Runs @cv on @cfg; its launches must be those of its plan. Returns the
 * plan's conv kernel. */
static EnlargeConvKernel
conv_on (Config *cfg, const Conv *cv)
{
  static const float res_coeff[4] = { 0.2f, 1.f, 0.5f, -1.f };
  const int n_w = cv->oc * cv->ic * cv->k * cv->k;
  /* scaled by the fan-in: the sums stay about ±1, as in a trained net */
  const float ws = 1.5f / sqrtf ((float) (cv->ic * cv->k * cv->k));
  g_autofree float *weight = random_floats (n_w, -ws, ws);
  g_autofree float *bias = random_floats (cv->oc, -0.5f, 0.5f);
  g_autofree float *slope = random_floats (cv->oc, 0.f, 0.5f);
  g_autofree char *label = NULL;
  EnlargeTensor *in[3] = { random_tensor (cv->ic, cv->h, cv->w, -1.f, 1.f), NULL, NULL };
  EnlargeLayer l = make_layer ("Convolution", 1);
  EnlargeConvParams *c = &l.p.conv;
  EnlargeShape is = { cv->ic, cv->h, cv->w }, os;
  guint before[N_K], planned[N_K];
  EnlargeConvPlan plan;
  EnlargeClCaps caps;
  const int pad = cv->pad < 0 ? 0 : cv->pad;

  *c = (EnlargeConvParams) {
    .num_output = cv->oc, .num_input = cv->ic, .kernel_w = cv->k, .kernel_h = cv->k,
    .dilation_w = cv->dil, .dilation_h = cv->dil, .stride_w = cv->stride, .stride_h = cv->stride,
    .pad_left = pad, .pad_right = pad, .pad_top = pad, .pad_bottom = pad,
    .pad_value = cv->pad_value, .bias_term = TRUE, .weight_data_size = n_w,
    .activation = cv->act, .act_params = { 0.2f, 0.6f }, .weight = weight, .bias = bias,
    .slope = slope, .num_slope = cv->act == ENLARGE_ACT_PRELU ? cv->oc : 0,
    .upsample = cv->up,
  };
  if (cv->act == ENLARGE_ACT_CLIP)
    c->act_params[0] = -0.3f;
  memcpy (c->res_coeff, res_coeff, sizeof res_coeff);
  g_assert_true (enlarge_layer_infer_shape (&l, &is, &os, NULL));
  /* the addends of the folded sums, of the output's shape */
  for (int r = 0; r < cv->nres; r++)
    in[1 + r] = random_tensor (os.c, os.h, os.w, -1.f, 1.f);
  c->n_residual = cv->nres;
  l.n_inputs = 1 + cv->nres;

  g_assert_true (enlarge_cl_backend_get_caps (cfg->b, &caps));
  enlarge_conv_plan (c, &is, &os, &caps, &plan);
  label = g_strdup_printf ("conv %dx%d s%d d%d %d->%d %dx%d act %d%s%s +%d: %s", cv->k, cv->k,
                           cv->stride, cv->dil, cv->ic, cv->oc, cv->w, cv->h, cv->act,
                           cv->up > 1 ? " up2" : "", cv->pad < 0 ? " nopad" : "", cv->nres,
                           enlarge_conv_kernel_to_string (plan.kernel));
  planned_launches (cfg, c, &is, &os, planned);
  for (int k = 0; k < N_K; k++)
    before[k] = enlarge_backend_get_launches (cfg->b, conv_kernels[k]);
  /* V and M as half, 11 significant bits, through the output transform's
   * coefficients (up to 8 × 8): errors of 1 % of the range are seen; a
   * wrong or missing pixel is off by about the whole range */
  run_on_tol (cfg, label, &l, in, caps.half && plan.kernel == ENLARGE_CONV_WINO_SPLIT ? 5e-2 : 1e-4);
  for (int k = 0; k < N_K; k++)
    if (enlarge_backend_get_launches (cfg->b, conv_kernels[k]) - before[k] != planned[k])
      g_test_fail_printf ("%s: %s: %u launches of %s, the plan says %u", cfg->name, label,
                          enlarge_backend_get_launches (cfg->b, conv_kernels[k]) - before[k],
                          conv_kernels[k], planned[k]);
  for (int r = 0; r < 3; r++)
    g_clear_pointer (&in[r], enlarge_tensor_free);
  return plan.kernel;
}

#define SKIP_WITHOUT_OCLGRIND()        \
  G_STMT_START {                       \
    if (skip_reason != NULL)           \
      {                                \
        g_test_skip (skip_reason);     \
        return;                        \
      }                                \
  } G_STMT_END

/* ≥ 16 channels in and out: the Winograd cases. Output widths pick the
 * fused kernels' blocks: 14 and 52 px one wino_fused8 block (8 tile
 * columns or fewer), 40 px a partial wino_fused (10 columns in 16
 * lanes), 74 px one wino63_fused (96 px, F(6×6) needs 48 output
 * channels), 40 px with 48 channels one wino63_fused8, 100 px
 * wino63_fused then wino_fused8 for the last 4 px; residuals, a folded
 * upsampling, PReLU and no padding besides. */
static const Conv wino_cases[] = {
  { .ic = 16, .oc = 16, .w = 13, .h = 7, .act = ENLARGE_ACT_RELU },
  { .ic = 17, .oc = 20, .w = 40, .h = 6, .act = ENLARGE_ACT_PRELU, .nres = 1 },
  { .ic = 16, .oc = 48, .w = 74, .h = 12, .act = ENLARGE_ACT_LEAKYRELU, .nres = 2 },
  { .ic = 16, .oc = 48, .w = 20, .h = 5, .act = ENLARGE_ACT_PRELU, .up = 2 },
  { .ic = 16, .oc = 56, .w = 100, .h = 3 },
  { .ic = 48, .oc = 16, .w = 52, .h = 5, .pad = -1, .act = ENLARGE_ACT_CLIP },
  { .ic = 16, .oc = 3, .w = 7, .h = 5, .up = 2, .nres = 1 },
};

static void
winograd_on (Config *cfg, guint *kinds)
{
  for (guint i = 0; i < G_N_ELEMENTS (wino_cases); i++)
    {
      Conv cv = wino_cases[i];
      cv.k = 3;
      cv.stride = cv.dil = 1;
      cv.pad = cv.pad < 0 ? -1 : 1;
      kinds[conv_on (cfg, &cv)]++;
    }
}

/* the GPUs' three-kernel path, with half and fp32 storage of V and M, as
 * GPUs plan it (work-groups oclgrind chooses) and as CPUs do (1 × 1 × 8,
 * 1 × 1) with little local memory */
static void
test_winograd_split (void)
{
  SKIP_WITHOUT_OCLGRIND ();
  static const int split[] = { GPU_HALF, GPU_FP32, CPU_64K, CPU_64K_HALF };

  for (guint i = 0; i < G_N_ELEMENTS (split); i++)
    {
      Config *cfg = &configs[split[i]];
      EnlargeClCaps caps;
      guint kinds[4] = { 0 };

      g_assert_true (enlarge_cl_backend_get_caps (cfg->b, &caps));
      g_assert_cmpint (caps.half, ==, split[i] == GPU_HALF || split[i] == CPU_64K_HALF);
      winograd_on (cfg, kinds);
      g_assert_cmpuint (kinds[ENLARGE_CONV_WINO_SPLIT], >=, 5);
      g_assert_cmpuint (kinds[ENLARGE_CONV_WINO_FUSED], ==, 0);
    }
  /* bands of tile rows (TY0 > 0, a last band of one row): with 512
   * output channels a row of 40 tiles is 2.9 MB of M, two in a CPU band
   * of 8 MiB (the smallest that makes bands: half a minute) */
  {
    Config *cfg = &configs[CPU_64K];
    const guint before = enlarge_backend_get_launches (cfg->b, "wino_input");
    conv_on (cfg, &(Conv) { .ic = 16, .oc = 512, .w = 160, .h = 9, .k = 3, .stride = 1, .dil = 1,
                            .pad = 1 });
    g_assert_cmpuint (enlarge_backend_get_launches (cfg->b, "wino_input") - before, ==, 2);
  }
  tests_done++;
}

/* the fused CPU kernels: all four with the local memory oclgrind is given
 * (tests/meson.build), F(4×4) alone, and with 256 KiB, where F(6×6) no
 * longer fits and the 48-channel input goes through wino_fused in bands */
static void
test_winograd_fused (void)
{
  SKIP_WITHOUT_OCLGRIND ();
  guint kinds[4] = { 0 };
  const char *const fused[] = { "wino63_fused", "wino63_fused8", "wino_fused", "wino_fused8" };
  EnlargeClCaps caps;

  /* a GPU to the engine, planned as a CPU through the options */
  g_assert_cmpint (enlarge_backend_get_device (configs[CPU_FUSED].b)->kind, ==, ENLARGE_DEVICE_GPU);
  g_assert_true (enlarge_cl_backend_get_caps (configs[CPU_FUSED].b, &caps));
  g_assert_cmpint (caps.kind, ==, ENLARGE_DEVICE_CPU);
  g_assert_false (caps.half);

  winograd_on (&configs[CPU_FUSED], kinds);
  g_assert_cmpuint (kinds[ENLARGE_CONV_WINO_FUSED], ==, G_N_ELEMENTS (wino_cases));
  for (guint k = 0; k < G_N_ELEMENTS (fused); k++)
    g_assert_cmpuint (enlarge_backend_get_launches (configs[CPU_FUSED].b, fused[k]), >, 0);

  memset (kinds, 0, sizeof kinds);
  winograd_on (&configs[CPU_F4], kinds);
  g_assert_cmpuint (kinds[ENLARGE_CONV_WINO_FUSED], ==, G_N_ELEMENTS (wino_cases));
  g_assert_cmpuint (enlarge_backend_get_launches (configs[CPU_F4].b, "wino63_fused"), ==, 0);
  g_assert_cmpuint (enlarge_backend_get_launches (configs[CPU_F4].b, "wino_fused"), >, 0);

  /* 8-lane blocks only, several of them a row */
  memset (kinds, 0, sizeof kinds);
  winograd_on (&configs[CPU_NARROW], kinds);
  g_assert_cmpuint (kinds[ENLARGE_CONV_WINO_FUSED], ==, G_N_ELEMENTS (wino_cases));
  g_assert_cmpuint (enlarge_backend_get_launches (configs[CPU_NARROW].b, "wino63_fused"), ==, 0);
  g_assert_cmpuint (enlarge_backend_get_launches (configs[CPU_NARROW].b, "wino_fused"), ==, 0);
  g_assert_cmpuint (enlarge_backend_get_launches (configs[CPU_NARROW].b, "wino63_fused8"), >, 0);
  g_assert_cmpuint (enlarge_backend_get_launches (configs[CPU_NARROW].b, "wino_fused8"), >, 0);

  memset (kinds, 0, sizeof kinds);
  winograd_on (&configs[CPU_256K], kinds);
  g_assert_cmpuint (kinds[ENLARGE_CONV_WINO_FUSED], ==, G_N_ELEMENTS (wino_cases));
  g_assert_cmpuint (enlarge_backend_get_launches (configs[CPU_256K].b, "wino63_fused"), ==, 0);
  {
    const EnlargeConvParams c = { .num_input = 48, .num_output = 16, .kernel_w = 3, .kernel_h = 3,
                                  .stride_w = 1, .stride_h = 1, .dilation_w = 1,
                                  .dilation_h = 1 };
    const EnlargeShape is = { 48, 5, 52 }, os = { 16, 3, 50 };
    EnlargeConvPlan plan;
    g_assert_true (enlarge_cl_backend_get_caps (configs[CPU_256K].b, &caps));
    enlarge_conv_plan (&c, &is, &os, &caps, &plan);
    g_assert_cmpint (plan.kernel, ==, ENLARGE_CONV_WINO_FUSED);
    g_assert_cmpint (plan.icb, <, 48);
  }
  tests_done++;
}

/* conv_generic: 1×1, 5×5 with a folded sum, stride 2, dilation 2, a pad
 * value */
static void
test_conv_generic (void)
{
  SKIP_WITHOUT_OCLGRIND ();
  static const Conv generic[] = {
    { .ic = 5, .oc = 7, .w = 9, .h = 5, .k = 1, .stride = 2, .dil = 1, .pad = -1 },
    { .ic = 3, .oc = 9, .w = 11, .h = 6, .k = 5, .stride = 1, .dil = 1, .pad = 2,
      .act = ENLARGE_ACT_SIGMOID, .nres = 1 },
    { .ic = 5, .oc = 7, .w = 13, .h = 7, .k = 3, .stride = 2, .dil = 1, .pad = 1,
      .act = ENLARGE_ACT_LEAKYRELU },
    { .ic = 3, .oc = 5, .w = 9, .h = 6, .k = 3, .stride = 1, .dil = 2, .pad = 2 },
    { .ic = 4, .oc = 6, .w = 7, .h = 4, .k = 3, .stride = 1, .dil = 1, .pad = 1,
      .pad_value = 0.5f, .act = ENLARGE_ACT_CLIP },
  };

  for (guint i = 0; i < G_N_ELEMENTS (generic); i++)
    g_assert_cmpint (conv_on (&configs[GPU_HALF], &generic[i]), ==, ENLARGE_CONV_GENERIC);
  tests_done++;
}

/* conv1x1: partial blocks of pixels (9 × 5: 2 blocks of 16 and 13) and
 * of channels, folded sums, a PReLU, an upsampling made first; as GPUs
 * run it (local sizes oclgrind chooses) and as CPUs do (1 × 1) */
static void
test_conv_1x1 (void)
{
  SKIP_WITHOUT_OCLGRIND ();
  static const Conv cases[] = {
    { .ic = 5, .oc = 7, .w = 9, .h = 5, .act = ENLARGE_ACT_PRELU, .nres = 2 },
    { .ic = 1, .oc = 17, .w = 4, .h = 4, .act = ENLARGE_ACT_CLIP, .nres = 1 },
    { .ic = 19, .oc = 8, .w = 3, .h = 3, .act = ENLARGE_ACT_LEAKYRELU, .up = 2 },
  };
  static const int cfgs[] = { GPU_FP32, CPU_FUSED };

  for (guint f = 0; f < G_N_ELEMENTS (cfgs); f++)
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        Conv cv = cases[i];
        cv.k = cv.stride = cv.dil = 1;
        cv.pad = -1;
        g_assert_cmpint (conv_on (&configs[cfgs[f]], &cv), ==, ENLARGE_CONV_1X1);
      }
  tests_done++;
}

/* conv3x3_b8 (fewer than 16 channels, or Winograd off), with the passes
 * for folded sums and upsamplings */
static void
test_conv_blocked (void)
{
  SKIP_WITHOUT_OCLGRIND ();
  static const Conv blocked[] = {
    { .ic = 3, .oc = 13, .w = 13, .h = 7, .act = ENLARGE_ACT_PRELU, .nres = 2 },
    { .ic = 5, .oc = 9, .w = 6, .h = 4, .act = ENLARGE_ACT_RELU, .up = 2 },
    { .ic = 7, .oc = 8, .w = 17, .h = 3, .pad = -1 },
    { .ic = 16, .oc = 16, .w = 9, .h = 5, .act = ENLARGE_ACT_LEAKYRELU },
    { .ic = 16, .oc = 5, .w = 11, .h = 4, .act = ENLARGE_ACT_PRELU },
  };

  for (guint i = 0; i < G_N_ELEMENTS (blocked); i++)
    {
      Conv cv = blocked[i];
      cv.k = 3;
      cv.stride = cv.dil = 1;
      cv.pad = cv.pad < 0 ? -1 : 1;
      g_assert_cmpint (conv_on (&configs[CPU_DIRECT], &cv), ==, ENLARGE_CONV_BLOCKED);
      if (cv.ic < 16)
        g_assert_cmpint (conv_on (&configs[GPU_HALF], &cv), ==, ENLARGE_CONV_BLOCKED);
    }
  tests_done++;
}

/* ---------- the other ops ---------- */

static void
test_ops (void)
{
  SKIP_WITHOUT_OCLGRIND ();
  Config *cfg = &configs[GPU_HALF];
  g_autoptr (EnlargeTensor) a = random_tensor (3, 5, 7, -1.f, 1.f);
  g_autoptr (EnlargeTensor) b = random_tensor (3, 5, 7, 0.5f, 1.f);
  g_autoptr (EnlargeTensor) c = random_tensor (3, 5, 7, -1.f, 1.f);
  g_autoptr (EnlargeTensor) d = random_tensor (2, 5, 7, -1.f, 1.f);
  g_autoptr (EnlargeTensor) bc = random_tensor (3, 1, 1, 0.5f, 1.f);
  g_autoptr (EnlargeTensor) ps = random_tensor (36, 3, 5, -1.f, 1.f);
  g_autoptr (EnlargeTensor) pu = random_tensor (3, 6, 12, -1.f, 1.f);
  g_autofree float *slope = random_floats (3, 0.f, 0.5f);
  float coeffs[3] = { 0.5f, -1.f, 2.f };
  EnlargeLayer l;

  for (int per_channel = 0; per_channel < 2; per_channel++)
    {
      l = make_layer ("PReLU", 1);
      l.p.prelu.num_slope = per_channel ? 3 : 1;
      l.p.prelu.slope = slope;
      run_on (cfg, per_channel ? "prelu per channel" : "prelu", &l, &a);
    }

  /* SPAN's SiLU and gate; the inputs reach ±1 */
  l = make_layer ("Sigmoid", 1);
  run_on (cfg, "sigmoid", &l, &a);

  {
    EnlargeTensor *in[3] = { a, b, c };
    static const char *const names[] = { "product", "sum", "max" };
    for (int op = ENLARGE_ELTWISE_PROD; op <= ENLARGE_ELTWISE_MAX; op++)
      for (int n = 2; n <= 3; n++)
        {
          g_autofree char *label = g_strdup_printf ("eltwise %s of %d%s", names[op], n,
                                                    op == ENLARGE_ELTWISE_SUM ? " coeffs" : "");
          l = make_layer ("Eltwise", n);
          l.p.eltwise.op = op;
          if (op == ENLARGE_ELTWISE_SUM)
            {
              l.p.eltwise.n_coeffs = n;
              l.p.eltwise.coeffs = coeffs;
            }
          run_on (cfg, label, &l, in);
        }
    /* Concat is the driver's copies: no kernel, but the copies checked */
    in[1] = d;
    l = make_layer ("Concat", 3);
    run_on (cfg, "concat 3+2+3", &l, in);
  }

  for (int f = 2; f <= 3; f++)
    {
      l = make_layer ("PixelShuffle", 1);
      l.p.pixelshuffle.factor = f;
      run_on (cfg, f == 2 ? "pixelshuffle 2" : "pixelshuffle 3", &l, &ps);
      l = make_layer ("PixelUnshuffle", 1);
      l.p.pixelshuffle.factor = f;
      run_on (cfg, f == 2 ? "pixelunshuffle 2" : "pixelunshuffle 3", &l, &pu);
    }

  {
    static const struct {
      EnlargeInterpMode mode;
      float scale;
      int ow, oh;
      gboolean align;
      const char *label;
    } interps[] = {
      { ENLARGE_INTERP_NEAREST, 2.f, 0, 0, FALSE, "interp nearest x2 (pow2)" },
      { ENLARGE_INTERP_NEAREST, 4.f, 0, 0, FALSE, "interp nearest x4 (pow2)" },
      { ENLARGE_INTERP_NEAREST, 1.f, 10, 4, FALSE, "interp nearest to 10x4" },
      { ENLARGE_INTERP_BILINEAR, 2.f, 0, 0, FALSE, "interp bilinear x2" },
      { ENLARGE_INTERP_BILINEAR, 0.5f, 0, 0, FALSE, "interp bilinear x0.5" },
      { ENLARGE_INTERP_BILINEAR, 2.f, 0, 0, TRUE, "interp bilinear x2 align" },
      { ENLARGE_INTERP_BICUBIC, 2.f, 0, 0, FALSE, "interp bicubic x2" },
      { ENLARGE_INTERP_BICUBIC, 1.f, 9, 3, FALSE, "interp bicubic to 9x3" },
      { ENLARGE_INTERP_BICUBIC, 2.f, 0, 0, TRUE, "interp bicubic x2 align" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (interps); i++)
      {
        l = make_layer ("Interp", 1);
        l.p.interp = (EnlargeInterpParams) { .mode = interps[i].mode,
                                             .height_scale = interps[i].scale,
                                             .width_scale = interps[i].scale,
                                             .output_height = interps[i].oh,
                                             .output_width = interps[i].ow,
                                             .align_corner = interps[i].align };
        run_on (cfg, interps[i].label, &l, &a);
      }
  }

  for (int op = ENLARGE_BINARY_ADD; op <= ENLARGE_BINARY_MIN; op++)
    {
      EnlargeTensor *in[2] = { a, b };
      g_autofree char *same = g_strdup_printf ("binaryop %d", op);
      g_autofree char *chan = g_strdup_printf ("binaryop %d per channel", op);
      g_autofree char *scalar = g_strdup_printf ("binaryop %d scalar", op);
      l = make_layer ("BinaryOp", 2);
      l.p.binary.op = op;
      run_on (cfg, same, &l, in);
      in[1] = bc;
      run_on (cfg, chan, &l, in);
      l.n_inputs = 1;
      l.p.binary.with_scalar = TRUE;
      l.p.binary.b = 0.625f;
      run_on (cfg, scalar, &l, in);
    }
  tests_done++;
}

/* Real-CUGAN's layer types, whose kernels live in their dispatch files
 * (ops/enlarge-op-unet.h), on the shapes of its U-Nets, a size smaller */
static void
test_unet_ops (void)
{
  SKIP_WITHOUT_OCLGRIND ();
  Config *cfg = &configs[GPU_HALF];
  g_autoptr (EnlargeTensor) x = random_tensor (8, 9, 7, -1.f, 1.f);
  g_autoptr (EnlargeTensor) v = random_tensor (8, 1, 1, -1.f, 1.f);
  g_autofree float *w = random_floats (8 * 3 * 4 * 4, -0.5f, 0.5f);
  g_autofree float *bias = random_floats (8, -0.5f, 0.5f);
  EnlargeDeconvParams dp = { .num_output = 3, .num_input = 8, .kernel_w = 4, .kernel_h = 4,
                             .stride_w = 2, .stride_h = 2, .dilation_w = 1, .dilation_h = 1,
                             .pad_left = 3, .pad_right = 3, .pad_top = 3, .pad_bottom = 3,
                             .activation = ENLARGE_ACT_LEAKYRELU, .act_params = { 0.1f },
                             .weight = w, .bias = bias };
  EnlargeCropParams cp = { { 0, 2, 1 }, { G_MAXINT, -2, -1 } };
  EnlargePoolingParams pp = { ENLARGE_POOL_AVG };
  EnlargeInnerProductParams ip = { .num_output = 3, .num_input = 8,
                                   .activation = ENLARGE_ACT_SIGMOID, .weight = w, .bias = bias };
  EnlargeLayer l;
  const char *kernels[] = { "deconv", "crop", "global_pool", "innerproduct" };

  l = make_layer ("Deconvolution", 1);
  l.data = &dp;
  run_on (cfg, "deconvolution 8->3 k4 s2 p3", &l, &x);
  l = make_layer ("Crop", 1);
  l.data = &cp;
  run_on (cfg, "crop", &l, &x);
  l = make_layer ("Pooling", 1);
  l.data = &pp;
  run_on (cfg, "global average pooling", &l, &x);
  l = make_layer ("InnerProduct", 1);
  l.data = &ip;
  run_on (cfg, "innerproduct 8->3 sigmoid", &l, &v);
  for (guint k = 0; k < G_N_ELEMENTS (kernels); k++)
    g_assert_cmpuint (enlarge_backend_get_launches (cfg->b, kernels[k]), >, 0);
}

/* The transformer layer types (ops/enlarge-op-attention.h, kernels in
 * transformer.cl) on a 7 × 9 blob, no multiple of the window 4 */
static void
test_transformer_ops (void)
{
  SKIP_WITHOUT_OCLGRIND ();
  g_autoptr (EnlargeTensor) x = random_tensor (6, 7, 9, -2.f, 2.f);
  g_autoptr (EnlargeTensor) small = random_tensor (1, 3, 4, 0.f, 1.f);
  g_autofree float *g = random_floats (6 + 6 + 7 * 7 * 3, -1.f, 1.f);
  EnlargeLayerNormParams np = { 6, 1e-5f, g, g + 6 };
  EnlargePadParams pp = { 4 };
  EnlargeCropLikeParams cp = { 2 };
  EnlargeAttentionParams a0 = { 2, 4, 0, 0.5f, g + 12 }, a2 = { 1, 4, 2, 0.5f, g + 12 };
  EnlargeTensor *in[2] = { x, small };
  const struct { const char *op, *kernel; int n_in; gpointer data; } cases[] = {
    { "ChannelLayerNorm", "layernorm", 1, &np }, { "GELU", "gelu", 1, NULL },
    { "PadToMultiple", "pad_reflect", 1, &pp }, { "CropLike", "crop_like", 2, &cp },
    { "WindowAttention", "window_attention", 1, &a0 }, { "WindowAttention", NULL, 1, &a2 },
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      EnlargeLayer l = make_layer (cases[k].op, cases[k].n_in);
      g_autofree char *label = g_strdup_printf ("%s %u on 7x9", cases[k].op, k);
      l.data = cases[k].data;
      run_on (&configs[GPU_HALF], label, &l, in);
      if (cases[k].kernel != NULL)
        g_assert_cmpuint (enlarge_backend_get_launches (configs[GPU_HALF].b, cases[k].kernel), >, 0);
    }
}

/* ---------- a whole network ---------- */

/* A dense block's shape through the executor: convolutions writing into
 * the Concat's output through sub-buffers, a folded sum and a folded 2×
 * upsampling, F(6×6) (48 channels) and F(4×4) blocks on the CPU plan.
 *
 * data → conv0 3→16 → split ─┬→ conv1 leaky ─┐
 *                            ├───────────────┴→ concat 32 → conv2 → 48 → conv3 → 16 ─┐
 *                            └────────────────────────────────────────────── add ←─┘
 *                                                      → Interp 2× → conv4 → 3 */
static const char net_param[] =
  "7767517\n"
  "10 12\n"
  "Input       data  0 1 data 0=0 1=0 2=3\n"
  "Convolution conv0 1 1 data f 0=16 1=3 4=1 5=1 6=432\n"
  "Split       split 1 3 f f0 f1 f2\n"
  "Convolution conv1 1 1 f0 c1 0=16 1=3 4=1 5=1 6=2304 9=2 -23310=1,2.000000e-01\n"
  "Concat      cat   2 1 f1 c1 cat 0=0\n"
  "Convolution conv2 1 1 cat c2 0=48 1=3 4=1 5=1 6=13824 9=1\n"
  "Convolution conv3 1 1 c2 c3 0=16 1=3 4=1 5=1 6=6912\n"
  "Eltwise     add   2 1 c3 f2 e 0=1 -23301=2,2.000000e-01,1.000000e+00\n"
  "Interp      up    1 1 e u 0=1 1=2.000000e+00 2=2.000000e+00\n"
  "Convolution conv4 1 1 u out 0=3 1=3 4=1 5=1 6=432\n";

static void
test_network (void)
{
  SKIP_WITHOUT_OCLGRIND ();
  static const int convs[][2] = { /* inputs, outputs */ { 3, 16 }, { 16, 16 }, { 32, 48 },
                                  { 48, 16 }, { 16, 3 } };
  static const int nets_on[] = { CPU_FUSED, GPU_HALF, CPU_64K };
  g_autoptr (GByteArray) bin = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeNet) net = NULL;
  g_autoptr (EnlargeTensor) in = random_tensor (3, 6, 40, 0.f, 1.f);
  g_autoptr (EnlargeTensor) ref = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (convs); i++)
    {
      const int n_w = convs[i][0] * convs[i][1] * 9;
      g_autofree float *w = random_floats (n_w, -1.f, 1.f);
      g_autofree float *b = random_floats (convs[i][1], -0.1f, 0.1f);
      const guint32 tag = 0;
      for (int k = 0; k < n_w; k++)
        w[k] /= sqrtf ((float) convs[i][0] * 9);
      g_byte_array_append (bin, (const guint8 *) &tag, 4);
      g_byte_array_append (bin, (const guint8 *) w, sizeof (float) * n_w);
      g_byte_array_append (bin, (const guint8 *) b, sizeof (float) * convs[i][1]);
    }
  net = enlarge_net_load_from_data (net_param, strlen (net_param), bin->data, bin->len,
                                    "oclgrind.param", &error);
  g_assert_no_error (error);
  ref = enlarge_backend_run (ref_backend, net, in, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ref->w, ==, 80);

  for (guint i = 0; i < G_N_ELEMENTS (nets_on); i++)
    {
      Config *cfg = &configs[nets_on[i]];
      g_autoptr (EnlargeTensor) out = NULL;
      g_autofree char *reports = NULL;
      const guint f6 = enlarge_backend_get_launches (cfg->b, "wino63_fused8");
      const guint copies = enlarge_backend_get_launches (cfg->b, "concat_copy");
      EnlargeClCaps caps;
      double err = 0;

      watch_begin ();
      out = enlarge_backend_run (cfg->b, net, in, NULL, &error);
      reports = watch_end ();
      g_assert_no_error (error);
      if (reports != NULL)
        g_test_fail_printf ("%s: network: oclgrind reported:\n%.2000s", cfg->name, reports);
      for (gsize k = 0; k < enlarge_tensor_size (ref); k++)
        err = MAX (err, fabs ((double) out->data[k] - ref->data[k]));
      g_assert_true (enlarge_cl_backend_get_caps (cfg->b, &caps));
      g_test_message ("%-13s network 3x6x40 -> 3x12x80: max err %.2g", cfg->name, err);
      g_assert_cmpfloat (err, <, caps.half ? 2e-2 : 1e-4);
      /* conv0's and conv1's outputs were views into the Concat's */
      g_assert_cmpuint (enlarge_backend_get_launches (cfg->b, "concat_copy"), ==, copies);
      if (nets_on[i] == CPU_FUSED)
        g_assert_cmpuint (enlarge_backend_get_launches (cfg->b, "wino63_fused8"), ==, f6 + 1);
    }
  tests_done++;
}

/* ---------- the checks themselves ---------- */

/* Each deliberately bad kernel gets its report: an out-of-bounds write,
 * a write-write race between work-items and, with --uninitialized, an
 * uninitialised private value stored (oclgrind 21.10 does not track
 * __local memory so). A suite that cannot see these would pass anything. */
static void
test_detects (void)
{
  SKIP_WITHOUT_OCLGRIND ();
  static const char *const expected[] = { "Invalid write", "data race", "Uninitialized value" };
  /* the check each needs besides the bounds, always on */
  static const char *const check[] = { NULL, "OCLGRIND_DATA_RACES", "OCLGRIND_UNINITIALIZED" };
  g_autoptr (EnlargeTensor) in = random_tensor (1, 4, 8, -1.f, 1.f);
  g_autoptr (EnlargeTensor) out = enlarge_tensor_new (1, 4, 8, NULL);

  for (int kind = BAD_OOB; kind <= BAD_UNINIT; kind++)
    {
      if (check[kind] != NULL && g_strcmp0 (g_getenv (check[kind]), "1") != 0)
        continue;
      EnlargeLayer l = { .op = &bad_op, .type = ENLARGE_OP_OTHER, .name = "bad",
                         .n_inputs = 1, .n_outputs = 1, .data = GINT_TO_POINTER (kind) };
      g_autoptr (GError) error = NULL;
      g_autofree char *reports = NULL;

      watch_begin ();
      g_assert_true (enlarge_backend_run_layer (configs[GPU_FP32].b, &l, &in, &out, &error));
      reports = watch_end_full (FALSE);
      g_assert_no_error (error);
      g_assert_cmpuint (enlarge_backend_get_launches (configs[GPU_FP32].b, bad_names[kind]), ==, 1);
      g_assert_nonnull (reports);
      g_assert_nonnull (strstr (reports, expected[kind]));
      g_assert_nonnull (strstr (reports, bad_names[kind]));
      g_test_message ("%s: reported as expected: %.*s", bad_names[kind],
                      (int) strcspn (reports, "\n"), reports);
    }
}

/* The kernels the engine's sources define (a name after "__kernel void",
 * or given to the fused files' WF_KERNEL / W6_KERNEL templates): a new
 * kernel must join all_kernels, so that it has to run here too. */
static void
check_kernel_list (void)
{
  static const char *const files[] = { "ops.cl", "conv.cl", "winograd.cl", "winograd-fused.cl",
                                       "winograd63-fused.cl", "transformer.cl" };
  g_autoptr (GRegex) re = g_regex_new ("__kernel\\s+void\\s+(\\w+)|#define\\s+W[F6]_KERNEL\\s+(\\w+)",
                                       0, 0, NULL);
  guint found = 0;

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *path = g_strconcat ("kernels/", files[f], NULL);
      g_autoptr (GBytes) bytes = enlarge_engine_lookup (path, NULL);
      g_autofree char *src = NULL;
      g_autoptr (GMatchInfo) m = NULL;

      g_assert_nonnull (bytes);
      src = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      for (g_regex_match (re, src, 0, &m); g_match_info_matches (m); g_match_info_next (m, NULL))
        {
          g_autofree char *declared = g_match_info_fetch (m, 1);
          g_autofree char *templated = g_match_info_fetch (m, 2);
          const char *name = declared != NULL && *declared != '\0' ? declared : templated;
          if (g_str_has_suffix (name, "_KERNEL"))
            continue;
          found++;
          if (!g_strv_contains ((const char *const *) all_kernels, name))
            g_test_fail_printf ("kernel %s (%s) is not in all_kernels: add it and a case", name,
                                files[f]);
        }
    }
  /* all but "residual", a second name of eltwise2 */
  g_assert_cmpuint (found, ==, G_N_ELEMENTS (all_kernels) - 2);
}

/* after the others: every kernel of the program ran somewhere */
static void
test_coverage (void)
{
  SKIP_WITHOUT_OCLGRIND ();
  check_kernel_list ();
  if (tests_done < 7)
    {
      g_test_skip ("the other cases did not all run (-p)");
      return;
    }
  for (guint k = 0; all_kernels[k] != NULL; k++)
    {
      guint n = 0;
      for (int i = 0; i < N_CONFIGS; i++)
        n += enlarge_backend_get_launches (configs[i].b, all_kernels[k]);
      g_test_message ("%-20s %u launches", all_kernels[k], n);
      if (n == 0)
        g_test_fail_printf ("%s never ran under oclgrind", all_kernels[k]);
    }
}

/* ---------- setup ---------- */

/* oclgrind's own device, and only it: its runtime is preloaded in place
 * of the ICD loader, so no other platform (PoCL) is listed */
static const EnlargeDeviceInfo *
oclgrind_device (GPtrArray *devices)
{
  const EnlargeDeviceInfo *found = NULL;
  for (guint i = 0; i < devices->len; i++)
    {
      const EnlargeDeviceInfo *d = devices->pdata[i];
      if (d->kind == ENLARGE_DEVICE_REFERENCE)
        continue;
      if (g_strcmp0 (d->platform, "Oclgrind") != 0)
        return NULL;
      found = d;
    }
  return found;
}

static void
setup_backends (void)
{
  g_autoptr (GPtrArray) devices = enlarge_device_list ();
  const EnlargeDeviceInfo *dev = oclgrind_device (devices);

  if (dev == NULL)
    {
      skip_reason = g_strdup (g_getenv ("ENLARGE_TEST_OCLGRIND_SKIP") != NULL
                                ? g_getenv ("ENLARGE_TEST_OCLGRIND_SKIP")
                                : "not running under oclgrind (meson test --suite oclgrind runs it)");
      /* the suite sets this: there, a missing oclgrind device is a failure */
      if (g_getenv ("ENLARGE_TEST_OCLGRIND") != NULL)
        g_error ("ENLARGE_TEST_OCLGRIND is set but the OpenCL devices are not oclgrind's alone");
      return;
    }
  /* the checks the suite asks for (ENLARGE_TEST_OCLGRIND, tests/meson.build)
   * are on: oclgrind sets OCLGRIND_<CHECK> for each */
  {
    g_autofree char *wanted = g_strconcat ("check-api,", g_getenv ("ENLARGE_TEST_OCLGRIND"), NULL);
    g_auto (GStrv) names = g_strsplit (wanted, ",", -1);
    for (guint i = 0; names[i] != NULL; i++)
      {
        g_autofree char *up = g_ascii_strup (names[i], -1);
        g_autofree char *var = g_strconcat ("OCLGRIND_", g_strdelimit (up, "-", '_'), NULL);
        if (*names[i] != '\0' && g_strcmp0 (g_getenv (var), "1") != 0)
          g_error ("oclgrind runs without %s (its option --%s)", var, names[i]);
      }
  }
  g_test_message ("device %s: %s, %s, %s local memory %" G_GUINT64_FORMAT " KiB, %s", dev->id,
                  dev->name, dev->driver, enlarge_device_kind_to_string (dev->kind),
                  dev->local_mem >> 10, dev->platform);
  /* F(6×6) for 16 input channels on 16 lanes within three quarters of it */
  if (dev->local_mem * 3 / 4 < enlarge_wino6_local_bytes (16, 16))
    g_error ("oclgrind's device has %" G_GUINT64_FORMAT " KiB of local memory: give it 1 MiB "
             "(--local-mem-size 1048576) so the fused kernels all run", dev->local_mem >> 10);

  cache_dir = g_dir_make_tmp ("enlarge-oclgrind-XXXXXX", NULL);
  for (int i = 0; i < N_CONFIGS; i++)
    {
      Config *cfg = &configs[i];
      EnlargeBackendOptions o = ENLARGE_BACKEND_OPTIONS_INIT;
      g_autoptr (GError) error = NULL;
      gint64 t0 = g_get_monotonic_time ();

      o.plan_kind = cfg->plan_kind;
      o.winograd = cfg->winograd;
      o.fp16 = cfg->fp16;
      o.local_mem_cap = cfg->local_mem_cap;
      o.vector_width = cfg->vector_width;
      o.kernel_cache_dir = cache_dir;
      o.extra_cl_ops = extra_cl_ops;
      watch_begin ();
      cfg->b = enlarge_backend_new_full (dev->id, &o, &error);
      g_autofree char *reports = watch_end ();
      g_assert_no_error (error);
      if (reports != NULL)
        g_error ("%s: oclgrind reported while building the kernels:\n%s", cfg->name, reports);
      g_test_message ("backend %s ready in %.1f s", cfg->name,
                      (g_get_monotonic_time () - t0) / 1e6);
    }
}

int
main (int argc, char **argv)
{
  g_autofree char *report_path = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  rand_ = g_rand_new_with_seed (13);
  real_stderr = dup (STDERR_FILENO);
  report_fd = g_file_open_tmp ("enlarge-oclgrind-XXXXXX.log", &report_path, NULL);
  g_assert_cmpint (report_fd, >=, 0);
  g_unlink (report_path);

  ref_backend = enlarge_backend_new_reference ();
  setup_backends ();

  g_test_add_func ("/oclgrind/detects", test_detects);
  g_test_add_func ("/oclgrind/ops", test_ops);
  g_test_add_func ("/oclgrind/unet-ops", test_unet_ops);
  g_test_add_func ("/oclgrind/transformer-ops", test_transformer_ops);
  g_test_add_func ("/oclgrind/conv-generic", test_conv_generic);
  g_test_add_func ("/oclgrind/conv-1x1", test_conv_1x1);
  g_test_add_func ("/oclgrind/conv-blocked", test_conv_blocked);
  g_test_add_func ("/oclgrind/winograd-split", test_winograd_split);
  g_test_add_func ("/oclgrind/winograd-fused", test_winograd_fused);
  g_test_add_func ("/oclgrind/network", test_network);
  g_test_add_func ("/oclgrind/coverage", test_coverage);
  ret = g_test_run ();

  for (int i = 0; i < N_CONFIGS; i++)
    g_clear_pointer (&configs[i].b, enlarge_backend_unref);
  g_clear_pointer (&ref_backend, enlarge_backend_unref);
  /* the compiled programs */
  if (cache_dir != NULL)
    etu_remove_tree (cache_dir);
  g_rand_free (rand_);
  g_free (skip_reason);
  g_free (cache_dir);
  close (report_fd);
  close (real_stderr);
  return ret;
}
