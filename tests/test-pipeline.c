/* The controls mean something exact: target megapixels, any scale factor,
 * creativity, presets. */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "enlarge.h"
#include "enlarge-test-utils.h"

static void
test_target_mp (void)
{
  EnlargeSettings s = ENLARGE_SETTINGS_INIT;
  EnlargePlan p;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  s.target_mp = 0.35;
  g_assert_true (enlarge_plan_compute (&s, 4, 1000, 750, &p, &error));
  g_assert_cmpint (p.pre_width, ==, 700);
  g_assert_cmpint (p.pre_height, ==, 525);
  g_assert_cmpint (p.out_width, ==, 2800);
  g_assert_cmpint (p.out_height, ==, 2100);

  g_assert_true (enlarge_plan_compute (&s, 4, 1, 1, &p, &error));
  g_assert_cmpint (p.pre_width, ==, 606); /* sqrt(0.35 × 1024²) */
  g_assert_cmpint (p.pre_height, ==, 606);
  g_assert_true (enlarge_plan_compute (&s, 4, 20000, 10, &p, &error));
  g_assert_cmpint (p.pre_height, >=, 1);
  g_assert_cmpint (p.pre_width, ==, (int) round (20000 * sqrt (0.35 * 1048576.0 / 200000.0)));

  /* the GUI's example line */
  s.target_mp = 0.35;
  g_assert_true (enlarge_plan_compute (&s, 4, 1024, 768, &p, &error));
  text = enlarge_plan_describe (&p);
  g_assert_cmpstr (text, ==, "1024 × 768 → prescale to 0.35 MP (700 × 525) → 4× model → 2800 × 2100, 5.6 MP");
  g_assert_no_error (error);
}

static void
test_scale_plans (void)
{
  const double factors[] = { 1.0, 1.5, 2, 2.5, 3, 4, 5, 8, 16 };
  const int sizes[][2] = { { 7, 5 }, { 33, 17 }, { 101, 99 }, { 1, 1 } };
  /* 5× and 8× with a 4× model: one pass and a resample, not 16× shrunk */
  const int passes4[] = { 0, 1, 1, 1, 1, 1, 1, 1, 2 };

  for (guint f = 0; f < G_N_ELEMENTS (factors); f++)
    for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
      {
        EnlargeSettings s = ENLARGE_SETTINGS_INIT;
        EnlargePlan p;
        s.scale = factors[f];
        g_assert_true (enlarge_plan_compute (&s, 4, sizes[i][0], sizes[i][1], &p, NULL));
        g_assert_cmpint (p.out_width, ==, (int) MAX (1, round (sizes[i][0] * factors[f])));
        g_assert_cmpint (p.out_height, ==, (int) MAX (1, round (sizes[i][1] * factors[f])));
        g_assert_cmpint (p.passes, ==, passes4[f]);
        /* a 2× model chains 2 → 4 → 8 → 16, with the same limit */
        g_assert_true (enlarge_plan_compute (&s, 2, sizes[i][0], sizes[i][1], &p, NULL));
        int expect = factors[f] <= 1 ? 0 : (int) ceil (log2 (factors[f]) - 1e-9);
        if (expect > 1 && (1 << expect) > G_SQRT2 * factors[f] + 1e-9)
          expect--;
        g_assert_cmpint (p.passes, ==, expect);
      }
}

/* No plan computes more than about twice the result's pixels in model
 * passes (issue: 7.9× ran two 4× passes, 16×, then shrank) */
static void
test_plan_work_bound (void)
{
  for (int m = 2; m <= 4; m++)
    for (double f = 1.0; f <= 16.0; f += 0.1)
      {
        EnlargeSettings s = ENLARGE_SETTINGS_INIT;
        EnlargePlan p;
        double model_px = 0, side = 1;
        s.scale = f;
        g_assert_true (enlarge_plan_compute (&s, m, 1000, 1000, &p, NULL));
        for (int k = 0; k < p.passes; k++)
          {
            side *= m;
            model_px += side * side;
          }
        /* beyond one pass (which any factor above 1 needs), the last pass
         * makes at most twice the result's pixels, and the earlier ones
         * add at most a third of that (with a 2× model) */
        if (p.passes > 1)
          g_assert_cmpfloat (side * side, <=, 2.0 * f * f + 1e-6);
        if (f >= m)
          g_assert_cmpfloat (model_px, <=, 2.0 * f * f * 4 / 3 + 1e-6);
      }
  {
    EnlargeSettings s = ENLARGE_SETTINGS_INIT;
    EnlargePlan p;
    s.scale = 7.9;
    g_assert_true (enlarge_plan_compute (&s, 4, 1000, 1000, &p, NULL));
    g_assert_cmpint (p.passes, ==, 1);
    g_assert_cmpint (p.model_width, ==, 4000);
    g_assert_cmpint (p.out_width, ==, 7900);
  }
  /* a 1× model (a restoration one) runs once at any factor, 1× included */
  for (int k = 0; k < 2; k++)
    {
      EnlargeSettings s = ENLARGE_SETTINGS_INIT;
      EnlargePlan p;
      s.scale = k == 0 ? 0.0 : 2.0;
      g_assert_true (enlarge_plan_compute (&s, 1, 300, 200, &p, NULL));
      g_assert_cmpint (p.passes, ==, 1);
      g_assert_cmpint (p.model_width, ==, 300);
      g_assert_cmpint (p.out_width, ==, 300 * (k + 1));
    }
}

/* What the limit chooses against what it replaces, on a real crop: the
 * chelsea crop (192 × 144) shrunk 6×, enlarged back 6× by one 4× pass and
 * a 1.5× Lanczos resample, and by two passes (16×) shrunk to 6× */
static void
test_one_pass_and_resample_quality (void)
{
  g_autoptr (EnlargeNet) net = etu_load_or_skip ("realesrgan-x4fast");
  g_autoptr (EnlargeBackend) backend = NULL;
  g_autoptr (GError) error = NULL;

  if (net == NULL || (backend = etu_opencl_or_skip ()) == NULL)
    return;
  g_autoptr (EnlargeImage) full = etu_load_golden ("chelsea-200x150.png");
  EnlargeRect r = { 4, 3, 192, 144 };
  g_autoptr (EnlargeImage) truth = enlarge_image_crop (full, &r, &error);
  g_autoptr (EnlargeImage) small = enlarge_resample (truth, 32, 24, ENLARGE_FILTER_AREA, &error);
  g_autoptr (EnlargeImage) once = enlarge_upscale (backend, net, small, NULL, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (EnlargeImage) twice = enlarge_upscale (backend, net, once, NULL, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (EnlargeImage) a = enlarge_resample (once, 192, 144, ENLARGE_FILTER_LANCZOS3, &error);
  g_autoptr (EnlargeImage) b = enlarge_resample (twice, 192, 144, ENLARGE_FILTER_LANCZOS3, &error);
  const double pa = enlarge_image_psnr (a, truth), pb = enlarge_image_psnr (b, truth);
  printf ("# 6× from a 6× smaller crop: one pass + resample %.2f dB, two passes shrunk %.2f dB\n",
          pa, pb);
  /* the cheaper plan must not be the worse one by more than noise */
  g_assert_cmpfloat (pa, >=, pb - 0.2);
}

/* Real runs give exactly round(w·f) × round(h·f). */
static void
test_scale_runs (void)
{
  g_autoptr (EnlargeNet) net = etu_load_or_skip ("realesr-animevideov3-x4");
  g_autoptr (EnlargeBackend) backend = enlarge_backend_new (NULL, NULL);
  g_autoptr (EnlargeImage) full = NULL;
  const double factors[] = { 1.5, 2, 3, 4, 5, 8, 16 };

  if (net == NULL)
    return;
  full = etu_load_golden ("coffee-96x72.png");
  for (guint f = 0; f < G_N_ELEMENTS (factors); f++)
    {
      g_autoptr (EnlargeImage) in = enlarge_resample (full, 11, 7, ENLARGE_FILTER_AREA, NULL);
      g_autoptr (EnlargeImage) out = NULL;
      g_autoptr (GError) error = NULL;
      EnlargeSettings s = ENLARGE_SETTINGS_INIT;
      s.scale = factors[f];
      out = enlarge_pipeline_run (backend, net, &s, in, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (out->width, ==, (int) round (11 * factors[f]));
      g_assert_cmpint (out->height, ==, (int) round (7 * factors[f]));
    }
}

static void
test_bad_settings (void)
{
  const EnlargeSettings bad[] = {
    { -0.1, 0, 0 }, { 1.5, 0, 0 }, { NAN, 0, 0 },
    { 0.5, 0.5, 0 }, { 0.5, 17, 0 }, { 0.5, -2, 0 },
    { 0.5, 0, -1 }, { 0.5, 0, NAN },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      EnlargePlan p;
      g_assert_false (enlarge_plan_compute (&bad[i], 4, 10, 10, &p, &error));
      g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT);
    }
}

static double
consistency (const EnlargeImage *in, const EnlargeImage *out, int factor)
{
  g_autoptr (EnlargeImage) down = enlarge_downscale_area (out, factor, NULL);
  return enlarge_image_psnr (in, down);
}

/* The measurable properties of creativity, on a real photo crop. */
static void
test_creativity (void)
{
  g_autoptr (EnlargeNet) net = etu_load_or_skip ("realesrgan-x4fast");
  g_autoptr (EnlargeBackend) backend = enlarge_backend_new (NULL, NULL);
  g_autoptr (EnlargeImage) in = NULL;
  g_autoptr (EnlargeImage) raw = NULL;
  g_autoptr (GError) error = NULL;
  const double cs[] = { 0.0, 0.25, 0.5, 0.75, 1.0 };
  double energy[5], psnr[5];

  if (net == NULL)
    return;
  in = etu_load_golden ("coffee-96x72.png");
  raw = enlarge_upscale (backend, net, in, NULL, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cs); i++)
    {
      EnlargeSettings s = ENLARGE_SETTINGS_INIT;
      g_autoptr (EnlargeImage) out = NULL;
      s.creativity = cs[i];
      out = enlarge_pipeline_run (backend, net, &s, in, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (out->width, ==, raw->width);
      energy[i] = enlarge_image_laplacian_energy (out);
      psnr[i] = consistency (in, out, 4);
      printf ("# creativity %.2f: consistency %.2f dB, Laplacian energy %.3f\n",
              cs[i], psnr[i], energy[i]);
      if (cs[i] == 0.5)
        g_assert_cmpmem (out->pixels, (gsize) out->width * out->height * 3,
                         raw->pixels, (gsize) raw->width * raw->height * 3);
    }
  g_assert_cmpfloat (psnr[0], >=, 40.0);
  g_assert_cmpfloat (psnr[0], >, psnr[2]);
  for (guint i = 1; i < G_N_ELEMENTS (cs); i++)
    g_assert_cmpfloat (energy[i], >, energy[i - 1]);
}

/* Amplified detail may not ring: every output pixel stays within the range
 * of the model output's 3×3 neighbourhood. */
static void
test_creativity_no_halo (void)
{
  g_autoptr (EnlargeImage) x = enlarge_image_new (16, 16, 3, NULL);
  g_autoptr (EnlargeImage) y = NULL;
  g_autoptr (EnlargeImage) out = NULL;
  g_autoptr (GError) error = NULL;

  /* a hard vertical edge, and a model result with a crisp edge */
  for (int j = 0; j < 16; j++)
    for (int i = 0; i < 16; i++)
      memset (enlarge_image_pixel (x, i, j), i < 8 ? 30 : 220, 3);
  y = enlarge_resample (x, 64, 64, ENLARGE_FILTER_AREA, NULL);
  for (int j = 0; j < 64; j++)
    for (int i = 0; i < 64; i++)
      memset (enlarge_image_pixel (y, i, j), i < 32 ? 30 : 220, 3);
  out = enlarge_apply_creativity (x, y, 1.0, &error);
  g_assert_no_error (error);
  for (int j = 0; j < 64; j++)
    for (int i = 0; i < 64; i++)
      {
        guint8 v = enlarge_image_pixel (out, i, j)[0];
        g_assert_cmpint (v, >=, 30);
        g_assert_cmpint (v, <=, 220);
        if (i < 30 || i > 33)
          g_assert_cmpint (v, ==, i < 32 ? 30 : 220); /* flat away from the edge */
      }
}

static void
test_presets (void)
{
  guint n;
  const EnlargePreset *list = enlarge_preset_list (&n);
  const char *required[] = { "portrait", "product", "landscape", "illustration", "ai-generated", "text" };
  g_autoptr (EnlargeBackend) backend = enlarge_backend_new (NULL, NULL);
  g_autoptr (EnlargeImage) full = etu_load_golden ("astronaut-face-64.png");
  g_autoptr (EnlargeImage) crop = enlarge_resample (full, 20, 20, ENLARGE_FILTER_AREA, NULL);

  g_assert_cmpuint (n, >=, G_N_ELEMENTS (required));
  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    g_assert_nonnull (enlarge_preset_lookup (required[i]));
  g_assert_null (enlarge_preset_lookup ("no-such-preset"));
  /* product and text are conservative, as the seed recommends */
  g_assert_cmpfloat (enlarge_preset_lookup ("product")->creativity, <, 0.5);
  g_assert_cmpfloat (enlarge_preset_lookup ("text")->creativity, <, 0.5);
  g_assert_cmpfloat (enlarge_preset_lookup ("ai-generated")->target_mp, >, 0);

  for (guint i = 0; i < n; i++)
    {
      const EnlargePreset *p = &list[i];
      EnlargeSettings s = { p->creativity, p->scale, 0 };
      g_autoptr (EnlargeNet) net = NULL;
      g_autoptr (EnlargeImage) out = NULL;
      g_autoptr (GError) error = NULL;

      g_assert_nonnull (enlarge_model_lookup (p->model));
      g_assert_true (p->title && p->description && p->why);
      net = etu_load_or_skip (p->model);
      if (net == NULL)
        return;
      /* the target MP of the AI preset would make this crop large; the
       * prescale itself is covered by test_target_mp */
      out = enlarge_pipeline_run (backend, net, &s, crop, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (out->width, ==, (int) round (20 * (p->scale > 0 ? p->scale : net->scale)));
    }
}

/* The CLI refuses out-of-range controls with a message and status 2, and
 * --dry-run prints the plan without writing anything. */
static void
test_cli_controls (void)
{
  g_autofree char *input = etu_golden_path ("coffee-96x72.png");
  g_autofree char *tmp = g_dir_make_tmp ("enlarge-pipeline-XXXXXX", NULL);
  g_autofree char *output = g_build_filename (tmp, "out.png", NULL);
  const char *bad[][4] = {
    { "-p", "no-such-preset", NULL }, { "-c", "1.5", NULL }, { "-c", "-0.1", NULL },
    { "-s", "0.5", NULL }, { "-s", "17", NULL }, { "--target-mp", "-1", NULL },
  };

  if (g_getenv ("ENLARGE_CLI") == NULL)
    {
      g_test_skip ("ENLARGE_CLI is not set");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      const char *args[] = { bad[i][0], bad[i][1], input, "-o", output, NULL };
      g_assert_cmpint (etu_run_cli_capture (args, &out, &err), ==, 2);
      g_assert_nonnull (strstr (err, bad[i][0][1] == 'p' ? "preset" : bad[i][0][1] == 'c' ? "creativity"
                                     : bad[i][0][1] == 's' ? "scale" : "target-mp"));
      g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
    }

  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    const char *args[] = { "--dry-run", "-p", "ai-generated", "-s", "2", input, "-o", output, NULL };
    g_assert_cmpint (etu_run_cli_capture (args, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "96 × 72 → prescale to 0.35 MP (700 × 525) → 4× model → Lanczos-3 to 2× → 1400 × 1050"));
    g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  }
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    const char *args[] = { "--list-presets", NULL };
    g_assert_cmpint (etu_run_cli_capture (args, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "portrait"));
    g_assert_nonnull (strstr (out, "ai-generated"));
  }
  {
    /* a real fractional run through the CLI: exact size */
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr (EnlargeImage) img = NULL;
    const char *args[] = { "-q", "-m", "realesr-animevideov3-x4", "-s", "2.5", "-c", "0.7", input, "-o", output, NULL };
    if (!enlarge_model_is_installed (enlarge_model_lookup ("realesr-animevideov3-x4")))
      return;
    g_assert_cmpint (etu_run_cli_capture (args, &out, &err), ==, 0);
    img = enlarge_image_load (output, NULL);
    g_assert_nonnull (img);
    g_assert_cmpint (img->width, ==, 240);
    g_assert_cmpint (img->height, ==, 180);
    g_unlink (output);
  }
  g_rmdir (tmp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pipeline/target-mp", test_target_mp);
  g_test_add_func ("/pipeline/scale-plans", test_scale_plans);
  g_test_add_func ("/pipeline/plan-work-bound", test_plan_work_bound);
  g_test_add_func ("/pipeline/one-pass-and-resample", test_one_pass_and_resample_quality);
  g_test_add_func ("/pipeline/scale-runs", test_scale_runs);
  g_test_add_func ("/pipeline/bad-settings", test_bad_settings);
  g_test_add_func ("/pipeline/creativity", test_creativity);
  g_test_add_func ("/pipeline/creativity-no-halo", test_creativity_no_halo);
  g_test_add_func ("/pipeline/presets", test_presets);
  g_test_add_func ("/pipeline/cli-controls", test_cli_controls);
  return g_test_run ();
}
