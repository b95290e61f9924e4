/* Region previews equal the same region of a full run; model comparisons
 * report times, fidelity scores and their order, and stop on cancel;
 * enlarge-cli --compare writes a contact sheet and a table. */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "enlarge.h"
#include "enlarge-test-utils.h"

static EnlargeBackend *
backend (void)
{
  g_autoptr (GError) error = NULL;
  EnlargeBackend *b = enlarge_backend_new (NULL, &error);
  g_assert_no_error (error);
  return b;
}

/* ---- preview ------------------------------------------------------------ */

typedef struct {
  const char *model;
  double creativity;
  double scale;      /* 0 = the model's */
  double min_db;
} PreviewCase;

static void
check_preview (EnlargeBackend *b, EnlargeNet *net, const EnlargeImage *input,
               const EnlargeRect *region, const PreviewCase *c)
{
  EnlargeSettings s = ENLARGE_SETTINGS_INIT;
  g_autoptr (EnlargeImage) full = NULL;
  g_autoptr (EnlargeImage) preview = NULL;
  g_autoptr (EnlargeImage) expected = NULL;
  g_autoptr (GError) error = NULL;
  EnlargeRect out, rect;
  double psnr;

  s.creativity = c->creativity;
  s.scale = c->scale;
  full = enlarge_pipeline_run (b, net, &s, input, NULL, NULL, &error);
  g_assert_no_error (error);
  preview = enlarge_region_preview (b, net, &s, input, region, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (enlarge_preview_output_rect (&s, net->scale, input->width, input->height,
                                              region, &rect, &error));
  g_assert_cmpmem (&rect, sizeof rect, &out, sizeof out);
  g_assert_cmpint (preview->width, ==, out.width);
  g_assert_cmpint (preview->height, ==, out.height);
  if (s.scale == 0 || s.scale == floor (s.scale))
    {
      /* whole factors: exactly the region times the factor */
      int f = s.scale > 0 ? (int) s.scale : net->scale;
      g_assert_cmpint (out.x, ==, region->x * f);
      g_assert_cmpint (out.width, ==, region->width * f);
    }
  expected = enlarge_image_crop (full, &out, &error);
  g_assert_no_error (error);
  psnr = enlarge_image_psnr (preview, expected);
  printf ("# %s creativity %.2f scale %g: region %d,%d %d×%d → %d,%d %d×%d: %.2f dB\n",
          c->model, c->creativity, c->scale, region->x, region->y, region->width,
          region->height, out.x, out.y, out.width, out.height, psnr);
  g_assert_cmpfloat (psnr, >=, c->min_db);
}

static void
test_preview_matches_full (void)
{
  static const PreviewCase cases[] = {
    { "realesr-animevideov3-x4", 0.5, 0, 45 },
    { "realesr-animevideov3-x4", 0.8, 0, 45 },
    { "realesr-animevideov3-x4", 0.5, 2.5, 45 },  /* fractional: the resample too */
    { "realesrgan-x4fast", 0.5, 0, 45 },
    { "realesrgan-x4fast", 0.8, 0, 45 },
    { "realesrgan-x4fast", 0.2, 0, 45 },           /* back-projection reaches further */
  };
  g_autoptr (EnlargeBackend) b = backend ();
  g_autoptr (EnlargeImage) input = etu_load_golden ("chelsea-200x150.png");
  /* inside, and touching the right edge */
  const EnlargeRect regions[] = { { 70, 40, 48, 40 }, { 160, 100, 40, 50 } };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (EnlargeNet) net = etu_load_or_skip (cases[i].model);
      if (net == NULL)
        return;
      for (guint r = 0; r < G_N_ELEMENTS (regions); r++)
        check_preview (b, net, input, &regions[r], &cases[i]);
    }
}

/* The window resample is the full resample's window, bit for bit. */
static void
test_resample_window (void)
{
  g_autoptr (EnlargeImage) input = etu_load_golden ("coffee-96x72.png");
  g_autoptr (EnlargeImage) full = enlarge_resample (input, 233, 171, ENLARGE_FILTER_LANCZOS3, NULL);
  const EnlargeRect window = { 50, 40, 61, 33 };
  EnlargeRect src;
  g_autoptr (EnlargeImage) part = NULL;
  g_autoptr (EnlargeImage) win = NULL;
  g_autoptr (EnlargeImage) expected = NULL;
  g_autoptr (GError) error = NULL;

  enlarge_resample_window_source (96, 72, 233, 171, &window, ENLARGE_FILTER_LANCZOS3, &src);
  part = enlarge_image_crop (input, &src, &error);
  g_assert_no_error (error);
  win = enlarge_resample_window (part, src.x, src.y, 96, 72, 233, 171, &window,
                                 ENLARGE_FILTER_LANCZOS3, &error);
  g_assert_no_error (error);
  expected = enlarge_image_crop (full, &window, NULL);
  g_assert_cmpmem (win->pixels, (gsize) win->width * win->height * 3,
                   expected->pixels, (gsize) expected->width * expected->height * 3);

  /* a part that is too small is an error, not a read past it */
  {
    g_autoptr (EnlargeImage) small = enlarge_image_crop (input, &(EnlargeRect) { src.x + 2, src.y, 10, 10 }, NULL);
    g_autoptr (EnlargeImage) none = enlarge_resample_window (small, src.x + 2, src.y, 96, 72, 233, 171,
                                                             &window, ENLARGE_FILTER_LANCZOS3, &error);
    g_assert_null (none);
    g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT);
  }
}

/* ---- suggested region ----------------------------------------------------- */

static void
test_suggest_region (void)
{
  g_autoptr (EnlargeImage) img = enlarge_image_new (200, 120, 3, NULL);
  g_autoptr (EnlargeImage) chelsea = etu_load_golden ("chelsea-200x150.png");
  EnlargeRect r, again;

  /* flat with one textured patch at 130…170 × 60…100 */
  memset (img->pixels, 128, (gsize) 200 * 120 * 3);
  for (int y = 60; y < 100; y++)
    for (int x = 130; x < 170; x++)
      memset (enlarge_image_pixel (img, x, y), ((x * 7 + y * 13) % 5) * 50, 3);
  r = enlarge_suggest_region (img, 32);
  g_assert_cmpint (r.width, ==, 32);
  g_assert_cmpint (r.height, ==, 32);
  g_assert_cmpint (r.x, >=, 130 - 2);
  g_assert_cmpint (r.x + r.width, <=, 170 + 2);
  g_assert_cmpint (r.y, >=, 60 - 2);
  g_assert_cmpint (r.y + r.height, <=, 100 + 2);

  /* a flat image: the centre; larger than the image: the image */
  memset (img->pixels, 10, (gsize) 200 * 120 * 3);
  r = enlarge_suggest_region (img, 64);
  g_assert_cmpint (r.x, ==, 68);
  g_assert_cmpint (r.y, ==, 28);
  r = enlarge_suggest_region (img, 500);
  g_assert_cmpint (r.x, ==, 0);
  g_assert_cmpint (r.width, ==, 200);
  g_assert_cmpint (r.height, ==, 120);

  /* deterministic on a photo */
  r = enlarge_suggest_region (chelsea, 64);
  again = enlarge_suggest_region (chelsea, 64);
  g_assert_cmpmem (&r, sizeof r, &again, sizeof again);
  g_assert_cmpint (r.x + r.width, <=, 200);
  g_assert_cmpint (r.y + r.height, <=, 150);
  printf ("# chelsea: most detailed 64×64 at %d,%d\n", r.x, r.y);
}

/* ---- comparison ------------------------------------------------------------ */

static const char *compare_models[] = {
  "realesr-animevideov3-x4", "realesrgan-x4fast", "realesr-animevideov3-x2",
};

typedef struct {
  guint calls;
  guint order[8];
  GCancellable *cancel_after_first;
} CompareLog;

static void
on_result (const EnlargeCompareResult *r, gpointer data)
{
  CompareLog *log = data;

  g_assert_cmpuint (r->completion, ==, log->calls);
  log->order[log->calls++] = r->entry;
  if (log->cancel_after_first)
    g_cancellable_cancel (log->cancel_after_first);
}

/* Independent of enlarge_fidelity_db: crop, area-average by the whole
 * factor, PSNR written out here. */
static double
independent_fidelity (const EnlargeImage *input, const EnlargeRect *region, const EnlargeImage *result)
{
  int f = result->width / region->width;
  double se = 0;
  gsize n = 0;

  g_assert_cmpint (result->width, ==, region->width * f);
  g_assert_cmpint (result->height, ==, region->height * f);
  for (int y = 0; y < region->height; y++)
    for (int x = 0; x < region->width; x++)
      for (int c = 0; c < 3; c++)
        {
          double sum = 0;
          for (int j = 0; j < f; j++)
            for (int i = 0; i < f; i++)
              sum += enlarge_image_pixel (result, x * f + i, y * f + j)[c];
          /* the engine rounds the average to 8 bits, as an image */
          double down = floor (sum / (f * f) + 0.5);
          double d = down - enlarge_image_pixel (input, region->x + x, region->y + y)[c];
          se += d * d;
          n++;
        }
  return se == 0 ? INFINITY : 10 * log10 (255.0 * 255.0 / (se / n));
}

static void
test_compare_three (void)
{
  g_autoptr (EnlargeBackend) b = backend ();
  g_autoptr (EnlargeImage) input = etu_load_golden ("coffee-96x72.png");
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) enlarge_compare_result_free);
  g_autoptr (GError) error = NULL;
  EnlargeCompareEntry entries[3];
  EnlargeRect region = enlarge_suggest_region (input, 40);
  CompareLog log = { 0 };

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (EnlargeNet) net = etu_load_or_skip (compare_models[i]);
      EnlargeSettings s = ENLARGE_SETTINGS_INIT;
      if (net == NULL)
        return;
      s.scale = 4;  /* one size for all: the x2 model runs twice */
      entries[i] = (EnlargeCompareEntry) { compare_models[i], NULL, s };
    }

  g_assert_true (enlarge_compare_run (b, entries, 3, input, &region, on_result, &log,
                                      results, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 3);
  g_assert_cmpuint (log.calls, ==, 3);
  printf ("# region %d,%d %d×%d of coffee-96x72\n", region.x, region.y, region.width, region.height);
  printf ("# %-26s %8s %12s %6s\n", "model", "seconds", "fidelity dB", "order");
  for (guint i = 0; i < results->len; i++)
    {
      const EnlargeCompareResult *r = g_ptr_array_index (results, i);
      double mine = independent_fidelity (input, &region, r->image);

      printf ("# %-26s %8.3f %12.2f %6u\n", r->model, r->seconds, r->fidelity_db, r->completion);
      g_assert_cmpuint (r->completion, ==, i);
      g_assert_cmpuint (log.order[i], ==, r->entry);
      g_assert_cmpstr (r->model, ==, compare_models[r->entry]);
      g_assert_cmpint (r->image->width, ==, region.width * 4);
      g_assert_cmpint (r->image->height, ==, region.height * 4);
      g_assert_cmpfloat (r->seconds, >, 0);
      g_assert_cmpfloat (fabs (r->fidelity_db - mine), <=, 0.01);
      g_assert_cmpfloat (r->fidelity_db, >, 20);
    }
}

static void
test_compare_cancel (void)
{
  g_autoptr (EnlargeBackend) b = backend ();
  g_autoptr (EnlargeImage) input = etu_load_golden ("coffee-96x72.png");
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) enlarge_compare_result_free);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  EnlargeCompareEntry entries[3];
  EnlargeRect region = { 10, 10, 32, 32 };
  CompareLog log = { 0 };

  for (guint i = 0; i < 3; i++)
    {
      EnlargeSettings s = ENLARGE_SETTINGS_INIT;
      if (!enlarge_model_is_installed (enlarge_model_lookup (compare_models[i])))
        {
          g_test_skip (enlarge_model_install_hint ());
          return;
        }
      entries[i] = (EnlargeCompareEntry) { compare_models[i], NULL, s };
    }
  log.cancel_after_first = cancellable;
  g_assert_false (enlarge_compare_run (b, entries, 3, input, &region, on_result, &log,
                                       results, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* the first result stays; nothing ran after the cancel */
  g_assert_cmpuint (log.calls, ==, 1);
  g_assert_cmpuint (results->len, ==, 1);
  {
    const EnlargeCompareResult *r = g_ptr_array_index (results, 0);
    g_assert_cmpstr (r->model, ==, compare_models[0]);
    g_assert_nonnull (r->image);
    g_assert_cmpint (r->image->width, ==, 128);
  }

  /* a region outside the image is an error */
  {
    g_autoptr (GError) e2 = NULL;
    EnlargeRect bad = { 90, 10, 32, 32 };
    g_assert_false (enlarge_compare_run (b, entries, 1, input, &bad, NULL, NULL, NULL, NULL, &e2));
    g_assert_error (e2, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT);
  }
}

/* ---- enlarge-cli --compare ---------------------------------------------------- */

/* The layout documented in src/cli/enlarge-compare.h. */
#define SHEET_PAD 8
#define SHEET_CAPTION 44

static void
test_cli_compare (void)
{
  g_autofree char *input = etu_golden_path ("coffee-96x72.png");
  g_autofree char *tmp = g_dir_make_tmp ("enlarge-compare-XXXXXX", NULL);
  g_autofree char *sheet = g_build_filename (tmp, "sheet.png", NULL);
  const char *models = "realesr-animevideov3-x4,realesrgan-x4fast,realesr-animevideov3-x2";

  if (g_getenv ("ENLARGE_CLI") == NULL)
    {
      g_test_skip ("ENLARGE_CLI is not set");
      return;
    }
  for (guint i = 0; i < 3; i++)
    if (!enlarge_model_is_installed (enlarge_model_lookup (compare_models[i])))
      {
        g_test_skip (enlarge_model_install_hint ());
        return;
      }

  /* the table */
  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { "--compare", models, "--region", "20,10,40,30", "-s", "4",
                           input, "-o", sheet, NULL };
    g_autoptr (EnlargeImage) img = NULL;
    g_auto (GStrv) lines = NULL;
    guint rows = 0;

    g_assert_cmpint (etu_run_cli_capture (args, &out, &err), ==, 0);
    img = enlarge_image_load (sheet, NULL);
    g_assert_nonnull (img);
    /* the original and three tiles of 160 × 120 in a row, captions below */
    g_assert_cmpint (img->width, ==, 4 * 160 + 5 * SHEET_PAD);
    g_assert_cmpint (img->height, ==, 2 * SHEET_PAD + 120 + SHEET_CAPTION);

    lines = g_strsplit (out, "\n", -1);
    g_assert_true (g_str_has_prefix (lines[0], "MODEL"));
    for (guint i = 1; lines[i] && *lines[i]; i++)
      {
        g_auto (GStrv) f = g_strsplit_set (lines[i], " ", -1);
        g_autoptr (GPtrArray) fields = g_ptr_array_new ();
        char *end;
        for (guint j = 0; f[j]; j++)
          if (*f[j])
            g_ptr_array_add (fields, f[j]);
        if (fields->len == 0 || g_str_has_prefix (lines[i], "wrote"))
          continue;
        g_assert_cmpuint (fields->len, ==, 3);
        g_assert_cmpstr (g_ptr_array_index (fields, 0), ==, compare_models[rows]);
        double seconds = g_ascii_strtod (g_ptr_array_index (fields, 1), &end);
        g_assert_true (*end == '\0' && seconds > 0);
        double db = g_ascii_strtod (g_ptr_array_index (fields, 2), &end);
        g_assert_true (*end == '\0' && db > 20 && db < 100);
        rows++;
      }
    g_assert_cmpuint (rows, ==, 3);
    g_unlink (sheet);
  }

  /* JSON, and the suggested region when none is given */
  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { "--compare", "realesr-animevideov3-x4,realesrgan-x4fast", "--json",
                           input, "-o", sheet, NULL };
    g_autoptr (EnlargeImage) img = NULL;
    const char *p;
    guint n = 0;

    g_assert_cmpint (etu_run_cli_capture (args, &out, &err), ==, 0);
    g_strstrip (out);
    g_assert_true (g_str_has_prefix (out, "{") && g_str_has_suffix (out, "}"));
    /* the suggested 64 × 64 region */
    g_assert_nonnull (strstr (out, "\"region\": ["));
    g_assert_nonnull (strstr (out, ", 64, 64]"));
    for (p = out; (p = strstr (p, "\"fidelity_db\": ")) != NULL; p++)
      {
        char *end;
        double db = g_ascii_strtod (p + strlen ("\"fidelity_db\": "), &end);
        g_assert_true (end != p && db > 20);
        n++;
      }
    g_assert_cmpuint (n, ==, 2);
    g_assert_nonnull (strstr (out, "\"model\": \"realesrgan-x4fast\""));
    g_assert_nonnull (strstr (out, "\"seconds\": "));
    img = enlarge_image_load (sheet, NULL);
    g_assert_nonnull (img);
    /* 64 × 64 region (the image is 96 × 72) at 4× */
    g_assert_cmpint (img->width, ==, 3 * 256 + 4 * SHEET_PAD);
    g_assert_cmpint (img->height, ==, 2 * SHEET_PAD + 256 + SHEET_CAPTION);
    g_unlink (sheet);
  }

  /* usage errors */
  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { "--compare", "realesrgan-x4fast,no-such-model", input, "-o", sheet, NULL };
    g_assert_cmpint (etu_run_cli_capture (args, &out, &err), ==, 2);
    g_assert_nonnull (strstr (err, "no-such-model"));
  }
  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { "--compare", "realesrgan-x4fast", "--region", "90,10,40,30", input, "-o", sheet, NULL };
    g_assert_cmpint (etu_run_cli_capture (args, &out, &err), ==, 2);
    g_assert_nonnull (strstr (err, "region"));
  }
  g_assert_false (g_file_test (sheet, G_FILE_TEST_EXISTS));
  g_rmdir (tmp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/preview/resample-window", test_resample_window);
  g_test_add_func ("/preview/matches-full-run", test_preview_matches_full);
  g_test_add_func ("/preview/suggest-region", test_suggest_region);
  g_test_add_func ("/preview/compare-three", test_compare_three);
  g_test_add_func ("/preview/compare-cancel", test_compare_cancel);
  g_test_add_func ("/preview/cli-compare", test_cli_compare);
  return g_test_run ();
}
