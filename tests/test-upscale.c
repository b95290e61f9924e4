/* Whole-network results: the reference path reproduces ncnn's outputs,
 * tiling does not change the result, devices fall back cleanly. */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "enlarge.h"
#include "enlarge-test-utils.h"

static const char *golden_models[] = {
  "realesrgan-x4plus", "realesrgan-x4fast", "realesr-animevideov3-x4",
};

/* The reference (plain C) path on the 64×64 crop, for each model. */
static void
test_reference_golden (gconstpointer data)
{
  const char *model = data;
  g_autoptr (EnlargeNet) net = etu_load_or_skip (model);
  g_autoptr (EnlargeBackend) ref = enlarge_backend_new_reference ();
  g_autoptr (EnlargeImage) in = NULL;
  g_autoptr (EnlargeImage) golden = NULL;
  g_autoptr (EnlargeImage) out = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *golden_name = g_strdup_printf ("astronaut-face-64.%s.png", model);
  g_autoptr (GTimer) timer = g_timer_new ();
  double psnr;

  if (net == NULL)
    return;
  in = etu_load_golden ("astronaut-face-64.png");
  golden = etu_load_golden (golden_name);
  out = enlarge_upscale (ref, net, in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (out->width, ==, golden->width);
  g_assert_cmpint (out->height, ==, golden->height);
  psnr = enlarge_image_psnr (out, golden);
  printf ("# reference %s astronaut-face-64: PSNR %.2f dB (%.1f s)\n", model, psnr,
          g_timer_elapsed (timer, NULL));
  g_assert_cmpfloat (psnr, >=, 40.0);
}

/* The same pixels whether the image runs as one tile or as 32 px tiles. */
static void
test_tiled_equals_untiled (gconstpointer data)
{
  const EnlargeBorder border = GPOINTER_TO_INT (data);
  g_autoptr (EnlargeNet) net = etu_load_or_skip ("realesrgan-x4fast");
  g_autoptr (EnlargeBackend) backend = NULL;
  g_autoptr (EnlargeImage) in = NULL;
  g_autoptr (EnlargeImage) whole = NULL;
  g_autoptr (EnlargeImage) tiled = NULL;
  g_autoptr (GError) error = NULL;
  EnlargeUpscaleOptions opts = ENLARGE_UPSCALE_OPTIONS_INIT;
  double psnr;

  if (net == NULL || (backend = etu_opencl_or_skip ()) == NULL)
    return;
  in = etu_load_golden ("chelsea-200x150.png");
  g_assert_cmpint (in->width, ==, 200);
  g_assert_cmpint (in->height, ==, 150);

  opts.border = border;
  opts.tile_size = 4096;
  whole = enlarge_upscale (backend, net, in, &opts, NULL, &error);
  g_assert_no_error (error);
  opts.tile_size = 32;
  tiled = enlarge_upscale (backend, net, in, &opts, NULL, &error);
  g_assert_no_error (error);

  psnr = enlarge_image_psnr (whole, tiled);
  printf ("# tiled (32 px, margin %d, border %s) vs untiled: PSNR %.2f dB\n",
          enlarge_upscale_auto_margin (net), border == ENLARGE_BORDER_MIRROR ? "mirror" : "none",
          psnr);
  g_assert_cmpfloat (psnr, >=, 45.0);

  if (border == ENLARGE_BORDER_NONE)
    {
      /* without a margin the tile borders show: the check above is not
       * vacuous */
      g_autoptr (EnlargeImage) seams = NULL;
      opts.margin = 0;
      seams = enlarge_upscale (backend, net, in, &opts, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat (enlarge_image_psnr (whole, seams), <, 45.0);
    }
}

/* The untiled OpenCL result matches the reference path and the golden to
 * far better than the 40 dB requirement: both compute ncnn's fp32 net. */
static void
test_opencl_matches_reference (void)
{
  g_autoptr (EnlargeNet) net = etu_load_or_skip ("realesr-animevideov3-x4");
  g_autoptr (EnlargeBackend) backend = NULL;
  g_autoptr (EnlargeBackend) ref = enlarge_backend_new_reference ();
  g_autoptr (EnlargeImage) in = NULL;
  g_autoptr (EnlargeImage) a = NULL;
  g_autoptr (EnlargeImage) b = NULL;
  g_autoptr (EnlargeImage) golden = NULL;
  g_autoptr (GError) error = NULL;

  if (net == NULL || (backend = etu_opencl_or_skip ()) == NULL)
    return;
  in = etu_load_golden ("coffee-96x72.png");
  golden = etu_load_golden ("coffee-96x72.realesr-animevideov3-x4.png");
  a = enlarge_upscale (backend, net, in, NULL, NULL, &error);
  g_assert_no_error (error);
  b = enlarge_upscale (ref, net, in, NULL, NULL, &error);
  g_assert_no_error (error);
  printf ("# OpenCL vs reference: %.2f dB; OpenCL vs golden: %.2f dB\n",
          enlarge_image_psnr (a, b), enlarge_image_psnr (a, golden));
  g_assert_cmpfloat (enlarge_image_psnr (a, b), >=, 60.0);
  g_assert_cmpfloat (enlarge_image_psnr (a, golden), >=, 60.0);
}

/* Two backends on @probe's device, one made with options @a and one
 * with @b, and @model's result on coffee-96x72
 * from each; the golden in @golden. FALSE (skipped) without the model or
 * OpenCL. */
static gboolean
upscale_with_options (const char *model, const EnlargeBackendOptions *a,
                      const EnlargeBackendOptions *b,
                  EnlargeBackend **backend_a, EnlargeImage **out_a, EnlargeImage **out_b,
                  EnlargeImage **golden)
{
  g_autoptr (EnlargeNet) net = etu_load_or_skip (model);
  g_autoptr (EnlargeBackend) probe = NULL;
  g_autoptr (EnlargeBackend) backend_b = NULL;
  g_autoptr (EnlargeImage) in = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *golden_name = g_strdup_printf ("coffee-96x72.%s.png", model);

  if (net == NULL || (probe = etu_opencl_or_skip ()) == NULL)
    return FALSE;
  *backend_a = enlarge_backend_new_full (enlarge_backend_get_device (probe)->id, a, &error);
  g_assert_no_error (error);
  backend_b = enlarge_backend_new_full (enlarge_backend_get_device (probe)->id, b, &error);
  g_assert_no_error (error);

  in = etu_load_golden ("coffee-96x72.png");
  *golden = etu_load_golden (golden_name);
  *out_a = enlarge_upscale (*backend_a, net, in, NULL, NULL, &error);
  g_assert_no_error (error);
  *out_b = enlarge_upscale (backend_b, net, in, NULL, NULL, &error);
  g_assert_no_error (error);
  return TRUE;
}

/* The GPUs' Winograd path with V and M stored as half (ENLARGE_FP16_ON),
 * forced onto the CPU device: vload_half/vstore_half are core OpenCL, so
 * PoCL runs it. It must change the result (half storage really happened)
 * and stay within the golden tolerance. */
static void
test_fp16_golden (void)
{
  g_autoptr (EnlargeBackend) half = NULL;
  g_autoptr (EnlargeImage) a = NULL;
  g_autoptr (EnlargeImage) b = NULL;
  g_autoptr (EnlargeImage) golden = NULL;

  EnlargeBackendOptions on = ENLARGE_BACKEND_OPTIONS_INIT, off = ENLARGE_BACKEND_OPTIONS_INIT;
  on.winograd = off.winograd = ENLARGE_WINOGRAD_SPLIT;
  on.fp16 = ENLARGE_FP16_ON;
  off.fp16 = ENLARGE_FP16_OFF;
  if (!upscale_with_options ("realesrgan-x4fast", &on, &off, &half, &a, &b, &golden))
    return;
  g_assert_cmpuint (enlarge_backend_get_launches (half, "wino_gemm"), >, 0);
  g_assert_cmpuint (enlarge_backend_get_launches (half, "wino_fused"), ==, 0);
  printf ("# fp16 Winograd storage vs golden: %.2f dB; vs fp32: %.2f dB; fp32 vs golden %.2f dB\n",
          enlarge_image_psnr (a, golden), enlarge_image_psnr (a, b), enlarge_image_psnr (b, golden));
  g_assert_cmpfloat (enlarge_image_psnr (a, golden), >=, 40.0);
  g_assert_cmpfloat (enlarge_image_psnr (a, b), <, 90.0);
}

/* realesrgan-x4plus's 2×, conv, 2×, three convs run in strips of the
 * trunk's rows (EnlargeBackendOptions.tail_rows; 48 by default): in strips of 16 rows
 * the result equals the uncut run (0) and the golden. The loader folds
 * each 2× into the convolution after it, so the tail is four
 * convolutions, the first two reading their input upsampled. The compact
 * models end in an addition of two branches: no tail. */
static void
test_tail_strips (void)
{
  g_autoptr (EnlargeNet) net = etu_load_or_skip ("realesrgan-x4plus");
  g_autoptr (EnlargeNet) fast = etu_load_or_skip ("realesrgan-x4fast");
  g_autoptr (EnlargeBackend) cut = NULL;
  g_autoptr (EnlargeImage) a = NULL;
  g_autoptr (EnlargeImage) b = NULL;
  g_autoptr (EnlargeImage) golden = NULL;
  EnlargeNetTail tail;

  if (net == NULL || fast == NULL)
    return;
  g_assert_true (enlarge_net_get_tail (net, &tail));
  g_assert_cmpint (tail.scale, ==, 4);
  g_assert_cmpint (tail.halo, >=, 2);
  g_assert_cmpint (tail.halo, ==, 3);
  g_assert_cmpint (tail.first, ==, net->n_layers - 4);
  for (int i = tail.first; i < net->n_layers; i++)
    {
      g_assert_cmpint (net->layers[i].type, ==, ENLARGE_OP_CONVOLUTION);
      g_assert_cmpint (net->layers[i].p.conv.upsample, ==, i < tail.first + 2 ? 2 : 0);
    }
  g_assert_false (enlarge_net_get_tail (fast, &tail));

  EnlargeBackendOptions strips = ENLARGE_BACKEND_OPTIONS_INIT, whole = ENLARGE_BACKEND_OPTIONS_INIT;
  strips.tail_rows = 16;
  whole.tail_rows = 0;
  if (!upscale_with_options ("realesrgan-x4plus", &strips, &whole, &cut, &a, &b, &golden))
    return;
  printf ("# x4plus tail in 16-row strips vs uncut: %.2f dB; vs golden %.2f dB\n",
          enlarge_image_psnr (a, b), enlarge_image_psnr (a, golden));
  g_assert_cmpfloat (enlarge_image_psnr (a, b), >=, 70.0);
  g_assert_cmpfloat (enlarge_image_psnr (a, golden), >=, 40.0);
}

/* The x2 and x3 models end in a bicubic downscale (ncnn Interp mode 3):
 * tiled runs keep its phase, so tiles and the whole agree. */
static void
test_fractional_models (gconstpointer data)
{
  const char *model = data;
  g_autoptr (EnlargeNet) net = etu_load_or_skip (model);
  g_autoptr (EnlargeBackend) backend = NULL;
  g_autoptr (EnlargeImage) in = NULL;
  g_autoptr (EnlargeImage) whole = NULL;
  g_autoptr (EnlargeImage) tiled = NULL;
  g_autoptr (GError) error = NULL;
  EnlargeUpscaleOptions opts = ENLARGE_UPSCALE_OPTIONS_INIT;

  if (net == NULL || (backend = etu_opencl_or_skip ()) == NULL)
    return;
  in = etu_load_golden ("text-120x64.png");
  whole = enlarge_upscale (backend, net, in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (whole->width, ==, 120 * net->scale);
  g_assert_cmpint (whole->height, ==, 64 * net->scale);
  opts.tile_size = 40;
  tiled = enlarge_upscale (backend, net, in, &opts, NULL, &error);
  g_assert_no_error (error);
  printf ("# %s tiled vs untiled: %.2f dB\n", model, enlarge_image_psnr (whole, tiled));
  g_assert_cmpfloat (enlarge_image_psnr (whole, tiled), >=, 45.0);
}

typedef struct {
  int calls;
  int last_done;
  int total;
  GCancellable *cancel_after_first;
} ProgressLog;

static void
on_progress (const EnlargeProgress *p, gpointer data)
{
  ProgressLog *log = data;
  log->calls++;
  g_assert_cmpint (p->tiles_done, ==, log->last_done + 1);
  log->last_done = p->tiles_done;
  log->total = p->tiles_total;
  g_assert_nonnull (p->output);
  g_assert_cmpint (p->region.x + p->region.width, <=, p->output->width);
  if (log->cancel_after_first)
    g_cancellable_cancel (log->cancel_after_first);
}

static void
test_progress_and_cancel (void)
{
  g_autoptr (EnlargeNet) net = etu_load_or_skip ("realesr-animevideov3-x4");
  g_autoptr (EnlargeBackend) backend = enlarge_backend_new (NULL, NULL);
  g_autoptr (EnlargeImage) in = NULL;
  g_autoptr (EnlargeImage) out = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  EnlargeUpscaleOptions opts = ENLARGE_UPSCALE_OPTIONS_INIT;
  ProgressLog log = { 0 };

  if (net == NULL)
    return;
  in = etu_load_golden ("coffee-96x72.png");
  opts.tile_size = 32;
  opts.progress = on_progress;
  opts.progress_data = &log;
  out = enlarge_upscale (backend, net, in, &opts, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (log.calls, ==, 3 * 3);
  g_assert_cmpint (log.total, ==, 9);

  /* cancelled after the first tile: stops there with G_IO_ERROR_CANCELLED */
  memset (&log, 0, sizeof log);
  log.cancel_after_first = cancellable;
  g_clear_pointer (&out, enlarge_image_unref);
  out = enlarge_upscale (backend, net, in, &opts, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (out);
  g_assert_cmpint (log.calls, ==, 1);
}

/* A logo: an opaque disc, antialiased, on transparent black. */
static EnlargeImage *
make_logo (void)
{
  EnlargeImage *in = enlarge_image_new (24, 20, 4, NULL);
  for (int y = 0; y < in->height; y++)
    for (int x = 0; x < in->width; x++)
      {
        guint8 *p = enlarge_image_pixel (in, x, y);
        double d = sqrt ((x + 0.5 - 12) * (x + 0.5 - 12) + (y + 0.5 - 10) * (y + 0.5 - 10));
        double a = CLAMP (7.0 - d + 0.5, 0.0, 1.0);
        p[0] = a > 0 ? 230 : 0;
        p[1] = a > 0 ? 200 : 0;
        p[2] = a > 0 ? 40 : 0;
        p[3] = (guint8) round (a * 255);
      }
  return in;
}

/* Mean absolute difference between horizontal neighbours of the alpha
 * channel, over pixels with 0 < alpha < 255: lower = smoother edge. */
static double
edge_roughness (const EnlargeImage *img)
{
  double sum = 0;
  int n = 0;
  for (int y = 0; y < img->height; y++)
    for (int x = 1; x < img->width; x++)
      {
        int a = enlarge_image_pixel (img, x, y)[3], b = enlarge_image_pixel (img, x - 1, y)[3];
        if ((a > 0 && a < 255) || (b > 0 && b < 255) || a != b)
          {
            sum += ABS (a - b);
            n++;
          }
      }
  return n ? sum / n : 0;
}

static void
test_alpha (gconstpointer data)
{
  const EnlargeAlphaMode mode = GPOINTER_TO_INT (data);
  g_autoptr (EnlargeNet) net = etu_load_or_skip ("realesr-animevideov3-x4");
  g_autoptr (EnlargeBackend) backend = enlarge_backend_new (NULL, NULL);
  g_autoptr (EnlargeImage) in = NULL;
  g_autoptr (EnlargeImage) out = NULL;
  g_autoptr (EnlargeImage) nearest = NULL;
  g_autoptr (GError) error = NULL;
  EnlargeUpscaleOptions opts = ENLARGE_UPSCALE_OPTIONS_INIT;
  double dark = 0;
  int n_edge = 0;

  if (net == NULL)
    return;
  in = make_logo ();
  opts.alpha = mode;
  out = enlarge_upscale (backend, net, in, &opts, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (out->n_channels, ==, 4);
  g_assert_cmpint (out->width, ==, 96);

  /* transparent stays transparent, the inside stays opaque */
  for (int y = 0; y < 8; y++)
    for (int x = 0; x < 8; x++)
      g_assert_cmpint (enlarge_image_pixel (out, x, y)[3], <=, 2);
  g_assert_cmpint (enlarge_image_pixel (out, 48, 40)[3], >=, 253);

  /* smoother than nearest-neighbour enlargement of the alpha */
  nearest = enlarge_image_new (96, 80, 4, NULL);
  for (int y = 0; y < 80; y++)
    for (int x = 0; x < 96; x++)
      memcpy (enlarge_image_pixel (nearest, x, y), enlarge_image_pixel (in, x / 4, y / 4), 4);
  printf ("# alpha %s: edge roughness %.2f, nearest %.2f\n",
          mode == ENLARGE_ALPHA_MODEL ? "model" : "fast", edge_roughness (out), edge_roughness (nearest));
  g_assert_cmpfloat (edge_roughness (out), <, edge_roughness (nearest));

  /* no dark fringe: visible edge pixels keep the logo's colour, not a
   * blend with the transparent black around it */
  for (int y = 0; y < 80; y++)
    for (int x = 0; x < 96; x++)
      {
        const guint8 *p = enlarge_image_pixel (out, x, y);
        if (p[3] >= 32 && p[3] <= 224)
          {
            dark += p[0];
            n_edge++;
          }
      }
  g_assert_cmpint (n_edge, >, 0);
  printf ("# alpha %s: mean red on the edge %.1f (logo 230)\n",
          mode == ENLARGE_ALPHA_MODEL ? "model" : "fast", dark / n_edge);
  g_assert_cmpfloat (dark / n_edge, >, 200.0);
}

/* Test-time augmentation: the 8 variants are undone correctly (the result
 * stays close to the golden) and do change the result. */
static void
test_tta (void)
{
  g_autoptr (EnlargeNet) net = etu_load_or_skip ("realesr-animevideov3-x4");
  g_autoptr (EnlargeBackend) backend = enlarge_backend_new (NULL, NULL);
  g_autoptr (EnlargeImage) in = NULL;
  g_autoptr (EnlargeImage) golden = NULL;
  g_autoptr (EnlargeImage) plain = NULL;
  g_autoptr (EnlargeImage) tta = NULL;
  g_autoptr (GError) error = NULL;
  EnlargeUpscaleOptions opts = ENLARGE_UPSCALE_OPTIONS_INIT;

  if (net == NULL)
    return;
  in = etu_load_golden ("text-120x64.png");
  golden = etu_load_golden ("text-120x64.realesr-animevideov3-x4.png");
  plain = enlarge_upscale (backend, net, in, &opts, NULL, &error);
  g_assert_no_error (error);
  opts.tta = TRUE;
  opts.tile_size = 48; /* non-square tiles must be transposed back right */
  tta = enlarge_upscale (backend, net, in, &opts, NULL, &error);
  g_assert_no_error (error);
  printf ("# TTA vs golden %.2f dB, plain vs golden %.2f dB\n",
          enlarge_image_psnr (tta, golden), enlarge_image_psnr (plain, golden));
  g_assert_cmpfloat (enlarge_image_psnr (tta, golden), >=, 30.0);
  g_assert_cmpfloat (enlarge_image_psnr (tta, plain), <, 60.0);
}

static void
test_devices (void)
{
  g_autoptr (GPtrArray) devices = enlarge_device_list ();
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeBackend) none = NULL;
  g_autoptr (EnlargeBackend) ref = NULL;
  const EnlargeDeviceInfo *last;

  g_assert_cmpuint (devices->len, >=, 1);
  last = devices->pdata[devices->len - 1];
  g_assert_cmpstr (last->id, ==, "reference");
  for (guint i = 1; i < devices->len; i++)
    {
      /* GPUs before CPUs before the reference path */
      const EnlargeDeviceInfo *a = devices->pdata[i - 1], *b = devices->pdata[i];
      g_assert_true (a->kind == b->kind || a->kind == ENLARGE_DEVICE_GPU ||
                     b->kind == ENLARGE_DEVICE_REFERENCE ||
                     (a->kind == ENLARGE_DEVICE_ACCELERATOR && b->kind == ENLARGE_DEVICE_CPU));
    }

  none = enlarge_backend_new ("no-such-device", &error);
  g_assert_null (none);
  g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_NO_DEVICE);

  ref = enlarge_backend_new ("reference", NULL);
  g_assert_true (enlarge_backend_is_reference (ref));
}

/* Without any OpenCL platform (an empty ICD folder) the CLI still lists
 * the reference path and still upscales on it. */
static void
test_no_opencl_fallback (void)
{
  const char *cli = g_getenv ("ENLARGE_CLI");
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("enlarge-noocl-XXXXXX", NULL);
  g_autofree char *empty = g_build_filename (tmp, "vendors", NULL);
  g_autofree char *input = etu_golden_path ("astronaut-face-64.png");
  g_autofree char *output = g_build_filename (tmp, "out.png", NULL);
  const EnlargeModelInfo *info = enlarge_model_lookup ("realesr-animevideov3-x4");

  if (cli == NULL || !enlarge_model_is_installed (info))
    {
      g_test_skip ("needs ENLARGE_CLI and realesr-animevideov3-x4");
      return;
    }
  g_mkdir (empty, 0755);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "OCL_ICD_VENDORS", empty, TRUE);
  g_subprocess_launcher_setenv (launcher, "OPENCL_VENDOR_PATH", empty, TRUE);

  proc = g_subprocess_launcher_spawn (launcher, &error, cli, "--list-devices", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (proc));
  g_assert_nonnull (strstr (out, "reference"));
  g_assert_null (strstr (out, "cl:"));
  g_clear_object (&proc);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  proc = g_subprocess_launcher_spawn (launcher, &error, cli, "--quiet", "-m",
                                      "realesr-animevideov3-x4", input, "-o", output, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (proc));
  g_assert_true (g_file_test (output, G_FILE_TEST_IS_REGULAR));
  {
    g_autoptr (EnlargeImage) img = enlarge_image_load (output, &error);
    g_autofree char *gpath = etu_golden_path ("astronaut-face-64.realesr-animevideov3-x4.png");
    g_autoptr (EnlargeImage) golden = enlarge_image_load (gpath, &error);
    g_assert_no_error (error);
    g_assert_cmpfloat (enlarge_image_psnr (img, golden), >=, 40.0);
  }
  g_unlink (output);
  g_rmdir (empty);
  g_rmdir (tmp);
}

static EnlargeImage *
run_small (EnlargeBackend *backend, EnlargeNet *net)
{
  g_autoptr (EnlargeImage) in = etu_load_golden ("astronaut-face-64.png");
  g_autoptr (GError) error = NULL;
  EnlargeImage *out = enlarge_upscale (backend, net, in, NULL, NULL, &error);
  g_assert_no_error (error);
  return out;
}

/* The compiled program is stored once, found again, and a damaged entry
 * is rebuilt (and still gives the right pixels). */
static void
test_kernel_cache (void)
{
  g_autofree char *dir = g_dir_make_tmp ("enlarge-kcache-XXXXXX", NULL);
  g_autoptr (EnlargeNet) net = etu_load_or_skip ("realesr-animevideov3-x4");
  g_autoptr (EnlargeImage) golden = etu_load_golden ("astronaut-face-64.realesr-animevideov3-x4.png");
  g_autoptr (GError) error = NULL;
  const char *damage[] = { "flip", "truncate", "garbage" };

  if (net == NULL)
    return;
  EnlargeBackendOptions o = ENLARGE_BACKEND_OPTIONS_INIT;
  o.kernel_cache_dir = dir;
  {
    g_autoptr (EnlargeBackend) b = enlarge_backend_new_full ("cpu", &o, &error);
    if (b == NULL)
      {
        g_test_skip (error->message);
        return;
      }
    g_assert_cmpint (enlarge_backend_get_kernel_source (b), ==, ENLARGE_KERNELS_BUILT);
  }
  {
    g_autoptr (EnlargeBackend) b = enlarge_backend_new_full ("cpu", &o, &error);
    g_autoptr (EnlargeImage) out = NULL;
    g_assert_no_error (error);
    g_assert_cmpint (enlarge_backend_get_kernel_source (b), ==, ENLARGE_KERNELS_CACHED);
    out = run_small (b, net);
    g_assert_cmpfloat (enlarge_image_psnr (out, golden), >=, 60.0);
  }

  for (guint d = 0; d < G_N_ELEMENTS (damage); d++)
    {
      g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
      const char *name = g_dir_read_name (listing);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *data = NULL;
      gsize len;

      g_assert_nonnull (name);
      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      if (d == 0)
        data[len / 2] ^= 0x5a;
      else if (d == 1)
        len /= 3;
      else
        memset (data, 'x', len);
      g_assert_true (g_file_set_contents (path, data, (gssize) len, NULL));

      g_autoptr (EnlargeBackend) b = enlarge_backend_new_full ("cpu", &o, &error);
      g_autoptr (EnlargeImage) out = NULL;
      g_assert_no_error (error);
      g_assert_cmpint (enlarge_backend_get_kernel_source (b), ==, ENLARGE_KERNELS_REBUILT);
      out = run_small (b, net);
      g_assert_cmpfloat (enlarge_image_psnr (out, golden), >=, 60.0);
    }
  {
    g_autoptr (EnlargeBackend) b = enlarge_backend_new_full ("cpu", &o, &error);
    g_assert_cmpint (enlarge_backend_get_kernel_source (b), ==, ENLARGE_KERNELS_CACHED);
  }
  {
    g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name (listing)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_unlink (path);
      }
  }
  g_rmdir (dir);
}

/* The device's memory limited so that the first allocations of a 200 px
 * tile fail: the run halves the tile until it fits and completes with the
 * same pixels (to the tiling tolerance). */
static void
test_memory_fallback (void)
{
  g_autoptr (EnlargeNet) net = etu_load_or_skip ("realesr-animevideov3-x4");
  g_autoptr (EnlargeBackend) backend = NULL;
  g_autoptr (EnlargeImage) in = NULL;
  g_autoptr (EnlargeImage) expected = NULL;
  g_autoptr (EnlargeImage) out = NULL;
  g_autoptr (GError) error = NULL;
  EnlargeUpscaleOptions opts = ENLARGE_UPSCALE_OPTIONS_INIT;
  const int margin = enlarge_upscale_auto_margin (net);

  if (net == NULL || (backend = etu_opencl_or_skip ()) == NULL)
    return;
  in = etu_load_golden ("chelsea-200x150.png");
  expected = enlarge_upscale (backend, net, in, NULL, NULL, &error);
  g_assert_no_error (error);

  /* room for a 50 px tile, not for a 100 px one */
  enlarge_backend_set_memory_budget (backend, enlarge_net_peak_bytes (net, 50 + 2 * margin,
                                                                      50 + 2 * margin) * 3 / 2);
  g_assert_cmpuint (enlarge_net_peak_bytes (net, 100 + 2 * margin, 100 + 2 * margin), >,
                    enlarge_backend_get_memory_budget (backend));
  opts.tile_size = 200;
  out = enlarge_upscale (backend, net, in, &opts, NULL, &error);
  g_assert_no_error (error);
  printf ("# after out-of-memory retries: %.2f dB to the unconstrained run\n",
          enlarge_image_psnr (out, expected));
  g_assert_cmpfloat (enlarge_image_psnr (out, expected), >=, 58.0);

  /* nothing fits at all, not even the smallest tile: the job finishes on
   * the reference path, saying so */
  enlarge_backend_set_memory_budget (backend, 1);
  g_clear_pointer (&out, enlarge_image_unref);
  out = enlarge_upscale (backend, net, in, &opts, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (enlarge_image_psnr (out, expected), >=, 58.0);
}

static void
test_auto_tile_size (void)
{
  g_autoptr (EnlargeNet) net = etu_load_or_skip ("realesrgan-x4plus");
  g_autoptr (EnlargeBackend) backend = enlarge_backend_new (NULL, NULL);
  int big, small;

  if (net == NULL)
    return;
  big = enlarge_upscale_auto_tile_size (backend, net);
  enlarge_backend_set_memory_budget (backend, 64 << 20);
  small = enlarge_upscale_auto_tile_size (backend, net);
  g_assert_cmpint (big, >=, 32);
  g_assert_cmpint (small, >=, 32);
  g_assert_cmpint (small, <, big);
  g_assert_cmpuint (enlarge_net_peak_bytes (net, small + 48, small + 48), <=, 64 << 20);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (golden_models); i++)
    {
      g_autofree char *path = g_strdup_printf ("/upscale/reference-golden/%s", golden_models[i]);
      g_test_add_data_func (path, golden_models[i], test_reference_golden);
    }
  g_test_add_data_func ("/upscale/tiled-equals-untiled/border-none",
                        GINT_TO_POINTER (ENLARGE_BORDER_NONE), test_tiled_equals_untiled);
  g_test_add_data_func ("/upscale/tiled-equals-untiled/border-mirror",
                        GINT_TO_POINTER (ENLARGE_BORDER_MIRROR), test_tiled_equals_untiled);
  g_test_add_func ("/upscale/opencl-matches-reference", test_opencl_matches_reference);
  g_test_add_func ("/upscale/fp16-golden", test_fp16_golden);
  g_test_add_func ("/upscale/tail-strips", test_tail_strips);
  g_test_add_data_func ("/upscale/fractional/x2", "realesr-animevideov3-x2", test_fractional_models);
  g_test_add_data_func ("/upscale/fractional/x3", "realesr-animevideov3-x3", test_fractional_models);
  g_test_add_func ("/upscale/progress-and-cancel", test_progress_and_cancel);
  g_test_add_data_func ("/upscale/alpha/model", GINT_TO_POINTER (ENLARGE_ALPHA_MODEL), test_alpha);
  g_test_add_data_func ("/upscale/alpha/fast", GINT_TO_POINTER (ENLARGE_ALPHA_FAST), test_alpha);
  g_test_add_func ("/upscale/tta", test_tta);
  g_test_add_func ("/upscale/devices", test_devices);
  g_test_add_func ("/upscale/no-opencl-fallback", test_no_opencl_fallback);
  g_test_add_func ("/upscale/auto-tile-size", test_auto_tile_size);
  g_test_add_func ("/upscale/kernel-cache", test_kernel_cache);
  g_test_add_func ("/upscale/memory-fallback", test_memory_fallback);
  return g_test_run ();
}
