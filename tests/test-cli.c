/* End-to-end tests of enlarge-cli: runs the built program and checks exit
 * status, messages and the files it leaves behind. */

#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "enlarge.h"
#include "enlarge-test-utils.h"

#define FAST_MODEL "realesrgan-x4fast"

#define TEMP_DIR_TEMPLATE "enlarge-cli-test-XXXXXX"

/* ---- helpers ------------------------------------------------------------ */

static char *
copy_golden (const char *name, const char *dir, const char *new_name)
{
  g_autofree char *src = etu_golden_path (name);
  g_autoptr (GBytes) bytes = etu_read_file (src);
  char *dest = g_build_filename (dir, new_name != NULL ? new_name : name, NULL);

  etu_write_file (dest, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return dest;
}

static double
psnr_of_files (const char *a_path, const char *b_path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) a = enlarge_image_load (a_path, &error);
  g_assert_no_error (error);
  g_autoptr (EnlargeImage) b = enlarge_image_load (b_path, &error);
  g_assert_no_error (error);

  g_assert_cmpint (a->width, ==, b->width);
  g_assert_cmpint (a->height, ==, b->height);
  return enlarge_image_psnr (a, b);
}

/* ---- (a) usage errors --------------------------------------------------- */

static void
test_no_arguments (void)
{
  g_auto (EtuCliResult) r = { 0 };

  etu_run_cli (&r, NULL, NULL);
  g_assert_cmpint (r.status, ==, 2);
  etu_assert_contains (r.err, "Usage:");
  etu_assert_contains (r.err, "INPUT");
}

static void
test_unknown_option (void)
{
  g_auto (EtuCliResult) r = { 0 };

  etu_run_cli (&r, NULL, "--no-such-option", "x.png", NULL);
  g_assert_cmpint (r.status, ==, 2);
  etu_assert_contains (r.err, "--no-such-option");
}

static void
test_bad_tile (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *input = copy_golden ("astronaut-face-64.png", tmp.path, NULL);
  const char *bad[] = { "3", "15", "-1", "many" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto (EtuCliResult) r = { 0 };
      etu_run_cli (&r, tmp.path, "--tile", bad[i], input, NULL);
      g_assert_cmpint (r.status, ==, 2);
      etu_assert_contains (r.err, "tile");
    }

  g_autofree char *listing = etu_list_dir (tmp.path);
  g_assert_cmpstr (listing, ==, "astronaut-face-64.png");
}

static void
test_unknown_model (void)
{
  g_auto (EtuCliResult) r = { 0 };
  const GPtrArray *models = enlarge_model_list ();

  etu_run_cli (&r, NULL, "-m", "no-such-model", "x.png", NULL);
  g_assert_cmpint (r.status, !=, 0);
  etu_assert_contains (r.err, "no-such-model");
  for (guint i = 0; i < models->len; i++)
    {
      const EnlargeModelInfo *info = g_ptr_array_index ((GPtrArray *) models, i);
      etu_assert_contains (r.err, info->id);
    }
}

static void
test_unknown_extension (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *input = copy_golden ("astronaut-face-64.png", tmp.path, NULL);
  g_autofree char *output = g_build_filename (tmp.path, "out.xyz", NULL);
  g_auto (EtuCliResult) r = { 0 };

  etu_run_cli (&r, tmp.path, "-m", FAST_MODEL, input, "-o", output, NULL);
  g_assert_cmpint (r.status, ==, 2);
  etu_assert_contains (r.err, "out.xyz");
  g_autofree char *listing = etu_list_dir (tmp.path);
  g_assert_cmpstr (listing, ==, "astronaut-face-64.png");
}

static void
test_several_inputs_one_file (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *a = copy_golden ("astronaut-face-64.png", tmp.path, NULL);
  g_autofree char *b = copy_golden ("text-120x64.png", tmp.path, NULL);
  g_autofree char *output = g_build_filename (tmp.path, "out.png", NULL);
  g_auto (EtuCliResult) r = { 0 };

  etu_run_cli (&r, tmp.path, "-m", FAST_MODEL, a, b, "-o", output, NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_autofree char *listing = etu_list_dir (tmp.path);
  g_assert_cmpstr (listing, ==, "astronaut-face-64.png,text-120x64.png");
}

static void
test_unknown_device (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *input = copy_golden ("astronaut-face-64.png", tmp.path, NULL);
  g_auto (EtuCliResult) r = { 0 };

  etu_run_cli (&r, tmp.path, "-m", FAST_MODEL, "--device", "no-such-device", input, NULL);
  g_assert_cmpint (r.status, ==, 2);
  etu_assert_contains (r.err, "no-such-device");
  g_autofree char *listing = etu_list_dir (tmp.path);
  g_assert_cmpstr (listing, ==, "astronaut-face-64.png");
}

/* ---- (b) missing input -------------------------------------------------- */

static void
test_missing_input (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *input = g_build_filename (tmp.path, "does-not-exist.png", NULL);
  g_auto (EtuCliResult) r = { 0 };

  etu_run_cli (&r, tmp.path, "-m", FAST_MODEL, "--device", "reference", input, NULL);
  g_assert_cmpint (r.status, ==, 1);
  etu_assert_contains (r.err, "does-not-exist.png");
  etu_assert_contains (r.err, "enlarge-cli: ");
  g_assert_cmpstr (r.out, ==, "");
  g_autofree char *listing = etu_list_dir (tmp.path);
  g_assert_cmpstr (listing, ==, "");
}

/* ---- (c) corrupt inputs ------------------------------------------------- */

typedef enum {
  CORRUPT_EMPTY,
  CORRUPT_HEADER_ONLY,
  CORRUPT_HALF,
  CORRUPT_TEXT,
} CorruptKind;

static void
test_corrupt_input (gconstpointer data)
{
  CorruptKind kind = GPOINTER_TO_INT (data);
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *good_path = etu_golden_path ("chelsea-200x150.png");
  g_autoptr (GBytes) good = etu_read_file (good_path);
  const char *name = kind == CORRUPT_TEXT ? "x.png" : "file.png";
  g_autofree char *input = g_build_filename (tmp.path, name, NULL);
  const char *text = "This is not an image, just some text.\n";

  switch (kind)
    {
    case CORRUPT_EMPTY:
      etu_write_file (input, "", 0);
      break;
    case CORRUPT_HEADER_ONLY:
      etu_write_file (input, g_bytes_get_data (good, NULL), 100);
      break;
    case CORRUPT_HALF:
      /* GdkPixbuf decodes this to a partial image without any error. */
      etu_write_file (input, g_bytes_get_data (good, NULL), g_bytes_get_size (good) / 2);
      break;
    case CORRUPT_TEXT:
      etu_write_file (input, text, strlen (text));
      break;
    }
  g_autoptr (GBytes) before = etu_read_file (input);

  /* Both the default output beside the input and an explicit output. */
  for (int explicit_output = 0; explicit_output < 2; explicit_output++)
    {
      g_autofree char *output = g_build_filename (tmp.path, "out.png", NULL);
      g_auto (EtuCliResult) r = { 0 };

      if (explicit_output)
        etu_run_cli (&r, tmp.path, "-m", FAST_MODEL, "--device", "reference",
                 input, "-o", output, NULL);
      else
        etu_run_cli (&r, tmp.path, "-m", FAST_MODEL, "--device", "reference", input, NULL);

      g_assert_cmpint (r.status, ==, 1);
      etu_assert_contains (r.err, "enlarge-cli: ");
      etu_assert_contains (r.err, name);
      if (kind == CORRUPT_EMPTY)
        etu_assert_contains (r.err, "empty");
      if (kind == CORRUPT_HEADER_ONLY || kind == CORRUPT_HALF)
        etu_assert_contains (r.err, "truncated");
      g_assert_cmpstr (r.out, ==, "");

      g_autofree char *listing = etu_list_dir (tmp.path);
      g_assert_cmpstr (listing, ==, name);
      g_autoptr (GBytes) after = etu_read_file (input);
      g_assert_true (g_bytes_equal (before, after));
    }
}

/* ---- (d) unwritable output --------------------------------------------- */

static void
test_unwritable_output (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *input = copy_golden ("astronaut-face-64.png", tmp.path, NULL);
  g_autofree char *plain_file = g_build_filename (tmp.path, "plain-file", NULL);
  etu_write_file (plain_file, "x", 1);

  /* Permission bits do not stop root, so use folders that cannot exist. */
  g_autofree char *missing_dir = g_build_filename (tmp.path, "no-such-dir", "out.png", NULL);
  g_autofree char *under_file = g_build_filename (plain_file, "out.png", NULL);
  const char *outputs[] = { missing_dir, under_file };

  for (gsize i = 0; i < G_N_ELEMENTS (outputs); i++)
    {
      g_auto (EtuCliResult) r = { 0 };

      etu_run_cli (&r, tmp.path, "-m", FAST_MODEL, "--device", "reference",
               input, "-o", outputs[i], NULL);
      g_assert_cmpint (r.status, ==, 1);
      etu_assert_contains (r.err, "out.png");
      g_assert_cmpstr (r.out, ==, "");
      g_assert_false (g_file_test (outputs[i], G_FILE_TEST_EXISTS));

      g_autofree char *listing = etu_list_dir (tmp.path);
      g_assert_cmpstr (listing, ==, "astronaut-face-64.png,plain-file");
    }
}

/* ---- (e) output would replace the input -------------------------------- */

static void
test_output_is_input (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *input = copy_golden ("astronaut-face-64.png", tmp.path, NULL);
  g_autoptr (GBytes) before = etu_read_file (input);
  g_autofree char *link = g_build_filename (tmp.path, "link.png", NULL);
  g_assert_cmpint (symlink ("astronaut-face-64.png", link), ==, 0);

  /* The same file by its own name, a relative spelling and a symlink. */
  const char *outputs[] = { input, "./astronaut-face-64.png", "link.png" };
  for (gsize i = 0; i < G_N_ELEMENTS (outputs); i++)
    {
      g_auto (EtuCliResult) r = { 0 };

      etu_run_cli (&r, tmp.path, "-m", FAST_MODEL, "--device", "reference",
               "astronaut-face-64.png", "-o", outputs[i], NULL);
      g_assert_cmpint (r.status, !=, 0);
      etu_assert_contains (r.err, "astronaut-face-64.png");
      g_assert_cmpstr (r.out, ==, "");

      g_autoptr (GBytes) after = etu_read_file (input);
      g_assert_true (g_bytes_equal (before, after));
      g_autofree char *listing = etu_list_dir (tmp.path);
      g_assert_cmpstr (listing, ==, "astronaut-face-64.png,link.png");
    }
}

/* ---- (f) listings and help --------------------------------------------- */

static void
test_list_models (void)
{
  g_auto (EtuCliResult) r = { 0 };

  etu_run_cli (&r, NULL, "--list-models", NULL);
  g_assert_cmpint (r.status, ==, 0);
  etu_assert_contains (r.out, "realesrgan-x4plus");
  etu_assert_contains (r.out, "realesrgan-x4fast");
  etu_assert_contains (r.out, "realesr-animevideov3-x4");
}

static void
test_list_devices (void)
{
  g_auto (EtuCliResult) r = { 0 };

  etu_run_cli (&r, NULL, "--list-devices", NULL);
  g_assert_cmpint (r.status, ==, 0);
  etu_assert_contains (r.out, "reference");
}

static void
test_help (void)
{
  g_auto (EtuCliResult) r = { 0 };
  const char *options[] = {
    "--output", "-o,", "--model", "-m,", "--tile", "--device", "--list-models",
    "--list-devices", "--quiet", "--version", "Exit status",
  };

  etu_run_cli (&r, NULL, "--help", NULL);
  g_assert_cmpint (r.status, ==, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (options); i++)
    etu_assert_contains (r.out, options[i]);
}

static void
test_version (void)
{
  g_auto (EtuCliResult) r = { 0 };

  etu_run_cli (&r, NULL, "--version", NULL);
  g_assert_cmpint (r.status, ==, 0);
  etu_assert_contains (r.out, PACKAGE_VERSION);
}

/* ---- (g) golden outputs ------------------------------------------------- */

typedef struct {
  const char *model;
  const char *input;   /* without .png */
} Golden;

static void
test_golden (gconstpointer data)
{
  const Golden *golden = data;

  if (!etu_require_model (golden->model))
    return;

  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *input_name = g_strconcat (golden->input, ".png", NULL);
  g_autofree char *input = etu_golden_path (input_name);
  g_autofree char *expected_name = g_strdup_printf ("%s.%s.png", golden->input, golden->model);
  g_autofree char *expected = etu_golden_path (expected_name);
  g_autofree char *output = g_build_filename (tmp.path, "OUT.png", NULL);
  g_auto (EtuCliResult) r = { 0 };

  etu_run_cli (&r, tmp.path, "-m", golden->model, "--device", "auto", input, "-o", output, NULL);
  g_assert_cmpint (r.status, ==, 0);
  etu_assert_contains (r.out, "wrote ");
  etu_assert_contains (r.out, output);

  double psnr = psnr_of_files (output, expected);
  /* On stdout as "# PSNR …": a bare line would break the TAP stream. */
  g_test_message ("PSNR %s %s = %.2f dB", golden->input, golden->model, psnr);
  g_assert_cmpfloat (psnr, >=, 40.0);
}

/* ---- (h) default output name -------------------------------------------- */

static void
test_default_output_name (void)
{
  if (!etu_require_model (FAST_MODEL))
    return;

  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *input = copy_golden ("astronaut-face-64.png", tmp.path, NULL);
  g_autofree char *expected_output = g_build_filename (tmp.path, "astronaut-face-64-enlarged-4x.png", NULL);
  g_autofree char *reference = etu_golden_path ("astronaut-face-64." FAST_MODEL ".png");
  g_autofree char *canonical = NULL;
  g_auto (EtuCliResult) r = { 0 };

  /* A relative input name: the output goes beside it, wherever that is. */
  etu_run_cli (&r, tmp.path, "-m", FAST_MODEL, "astronaut-face-64.png", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_file_test (expected_output, G_FILE_TEST_IS_REGULAR));

  /* The printed path is absolute; compare against the canonical temp
   * folder, which may itself sit behind a symlink. */
  canonical = realpath (expected_output, NULL);
  g_assert_nonnull (canonical);
  g_autofree char *line = g_strdup_printf ("wrote %s\n", canonical);
  g_autofree char *line_plain = g_strdup_printf ("wrote %s\n", expected_output);
  if (strstr (r.out, line) == NULL)
    etu_assert_contains (r.out, line_plain);

  /* Not --quiet: progress lines on stderr (a pipe, so one line each). */
  etu_assert_contains (r.err, "astronaut-face-64.png: tile ");
  etu_assert_contains (r.err, "elapsed");

  g_autofree char *listing = etu_list_dir (tmp.path);
  g_assert_cmpstr (listing, ==, "astronaut-face-64-enlarged-4x.png,astronaut-face-64.png");

  double psnr = psnr_of_files (expected_output, reference);
  g_test_message ("PSNR astronaut-face-64 default output = %.2f dB", psnr);
  g_assert_cmpfloat (psnr, >=, 40.0);
}

/* ---- (h2) a model file instead of a name ------------------------------- */

static void
test_model_file (void)
{
  g_autofree char *pth = etu_test_model_or_skip ("2x-AniScale.pth");
  g_autofree char *omnisr = etu_test_model_or_skip ("4x_WTP_descreenton.pth");

  if (pth == NULL || omnisr == NULL)
    return;

  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *input = copy_golden ("coffee-96x72.png", tmp.path, "in.png");
  g_autofree char *output = g_build_filename (tmp.path, "out.png", NULL);
  g_autofree char *default_output = g_build_filename (tmp.path, "in-enlarged-2x.png", NULL);
  g_auto (EtuCliResult) plan = { 0 };
  g_auto (EtuCliResult) r = { 0 };
  g_auto (EtuCliResult) named = { 0 };
  g_auto (EtuCliResult) bad = { 0 };

  /* the plan names the detected architecture and its scale, and the
   * default name takes that scale */
  etu_run_cli (&plan, tmp.path, "-m", pth, "--dry-run", "in.png", NULL);
  g_assert_cmpint (plan.status, ==, 0);
  etu_assert_contains (plan.out, "(Compact, 2×): 96 × 72 → 2× model → 192 × 144");
  etu_assert_contains (plan.out, "in-enlarged-2x.png\n");

  etu_run_cli (&r, tmp.path, "-q", "-m", pth, "in.png", "-o", "out.png", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_autoptr (EnlargeImage) in = enlarge_image_load (input, NULL);
  g_autoptr (EnlargeImage) out = enlarge_image_load (output, NULL);
  g_assert_nonnull (out);
  g_assert_cmpint (out->width, ==, 192);
  g_assert_cmpint (out->height, ==, 144);
  double db = enlarge_fidelity_db (in, out);
  g_test_message ("2x-AniScale.pth through the CLI: downscaled against the input %.1f dB", db);
  g_assert_cmpfloat (db, >, 25);

  /* --list-models is the manifest's, unchanged by a model file */
  etu_run_cli (&named, tmp.path, "--list-models", NULL);
  g_assert_cmpint (named.status, ==, 0);
  g_assert_null (strstr (named.out, "AniScale"));

  /* --compare takes files too, captioned by their names */
  g_auto (EtuCliResult) cmp = { 0 };
  etu_run_cli (&cmp, tmp.path, "-q", "--compare", pth, "in.png", "-o", "sheet.png", NULL);
  g_assert_cmpint (cmp.status, ==, 0);
  etu_assert_contains (cmp.out, "\n2x-AniScale.pth ");

  /* an architecture Enlarge does not run: the reason, exit status 1 */
  etu_run_cli (&bad, tmp.path, "-m", omnisr, "in.png", NULL);
  g_assert_cmpint (bad.status, ==, 1);
  etu_assert_contains (bad.err, "unsupported architecture OmniSR");
  g_assert_false (g_file_test (default_output, G_FILE_TEST_EXISTS));
}

/* ---- (i) several inputs ------------------------------------------------- */

static void
test_two_inputs_to_folder (void)
{
  if (!etu_require_model (FAST_MODEL))
    return;

  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *a = copy_golden ("astronaut-face-64.png", tmp.path, NULL);
  g_autofree char *b = copy_golden ("text-120x64.png", tmp.path, NULL);
  g_autofree char *out_dir = g_build_filename (tmp.path, "out", NULL);
  g_assert_cmpint (g_mkdir (out_dir, 0755), ==, 0);
  g_auto (EtuCliResult) r = { 0 };

  etu_run_cli (&r, tmp.path, "-m", FAST_MODEL, "--quiet", a, b, "-o", out_dir, NULL);
  g_assert_cmpint (r.status, ==, 0);
  etu_assert_not_contains (r.err, "tile ");

  g_autofree char *listing = etu_list_dir (out_dir);
  g_assert_cmpstr (listing, ==, "astronaut-face-64-enlarged-4x.png,text-120x64-enlarged-4x.png");
  g_auto (GStrv) lines = g_strsplit (g_strstrip (r.out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);

  const char *names[] = { "astronaut-face-64", "text-120x64" };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *out_name = g_strconcat (names[i], "-enlarged-4x.png", NULL);
      g_autofree char *out_path = g_build_filename (out_dir, out_name, NULL);
      g_autofree char *ref_name = g_strconcat (names[i], "." FAST_MODEL ".png", NULL);
      g_autofree char *ref_path = etu_golden_path (ref_name);
      double psnr = psnr_of_files (out_path, ref_path);
      g_test_message ("PSNR %s (folder output) = %.2f dB", names[i], psnr);
      g_assert_cmpfloat (psnr, >=, 40.0);
    }
}

static void
test_good_and_bad_input (void)
{
  if (!etu_require_model (FAST_MODEL))
    return;

  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *bad = g_build_filename (tmp.path, "bad.png", NULL);
  etu_write_file (bad, "not a png", 9);
  g_autofree char *good = copy_golden ("astronaut-face-64.png", tmp.path, NULL);
  g_autofree char *out_dir = g_build_filename (tmp.path, "out", NULL);
  g_assert_cmpint (g_mkdir (out_dir, 0755), ==, 0);
  g_auto (EtuCliResult) r = { 0 };

  /* The bad one first: the run must go on to the good one. */
  etu_run_cli (&r, tmp.path, "-m", FAST_MODEL, "-q", bad, good, "-o", out_dir, NULL);
  g_assert_cmpint (r.status, ==, 1);
  etu_assert_contains (r.err, "enlarge-cli: ");
  etu_assert_contains (r.err, "bad.png");
  etu_assert_contains (r.out, "astronaut-face-64-enlarged-4x.png");

  g_autofree char *listing = etu_list_dir (out_dir);
  g_assert_cmpstr (listing, ==, "astronaut-face-64-enlarged-4x.png");
}

/* The extension picks the format, and tiling gives the same result. */
static void
test_jpeg_output_tiled (void)
{
  if (!etu_require_model (FAST_MODEL))
    return;

  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *input = etu_golden_path ("coffee-96x72.png");
  g_autofree char *reference = etu_golden_path ("coffee-96x72." FAST_MODEL ".png");
  g_autofree char *png = g_build_filename (tmp.path, "tiled.png", NULL);
  g_autofree char *jpeg = g_build_filename (tmp.path, "tiled.JPG", NULL);

  {
    g_auto (EtuCliResult) r = { 0 };
    etu_run_cli (&r, tmp.path, "-m", FAST_MODEL, "--tile", "32", "-q", input, "-o", png, NULL);
    g_assert_cmpint (r.status, ==, 0);
    double psnr = psnr_of_files (png, reference);
    g_test_message ("PSNR coffee-96x72 tiled 32 = %.2f dB", psnr);
    g_assert_cmpfloat (psnr, >=, 40.0);
  }
  {
    g_auto (EtuCliResult) r = { 0 };
    etu_run_cli (&r, tmp.path, "-m", FAST_MODEL, "--tile", "32", "-q", input, "-o", jpeg, NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_autoptr (GBytes) bytes = etu_read_file (jpeg);
    const guint8 *p = g_bytes_get_data (bytes, NULL);
    g_assert_cmpuint (g_bytes_get_size (bytes), >, 3);
    g_assert_true (p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff);
    /* Lossy, so only a loose bound. */
    g_assert_cmpfloat (psnr_of_files (jpeg, reference), >=, 30.0);
  }

  g_autofree char *listing = etu_list_dir (tmp.path);
  g_assert_cmpstr (listing, ==, "tiled.JPG,tiled.png");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  const char *cli_path = g_getenv ("ENLARGE_CLI");
  if (cli_path == NULL || !g_file_test (cli_path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_printerr ("Set ENLARGE_CLI to the built enlarge-cli program.\n");
      return 77;   /* "skipped" for meson and automake */
    }
  etu_set_cli_path (cli_path);

  g_test_add_func ("/cli/usage/no-arguments", test_no_arguments);
  g_test_add_func ("/cli/usage/unknown-option", test_unknown_option);
  g_test_add_func ("/cli/usage/bad-tile", test_bad_tile);
  g_test_add_func ("/cli/usage/unknown-model", test_unknown_model);
  g_test_add_func ("/cli/usage/unknown-extension", test_unknown_extension);
  g_test_add_func ("/cli/usage/several-inputs-one-file", test_several_inputs_one_file);
  g_test_add_func ("/cli/usage/unknown-device", test_unknown_device);
  g_test_add_func ("/cli/input/missing", test_missing_input);
  g_test_add_data_func ("/cli/input/corrupt/empty", GINT_TO_POINTER (CORRUPT_EMPTY),
                        test_corrupt_input);
  g_test_add_data_func ("/cli/input/corrupt/header-only", GINT_TO_POINTER (CORRUPT_HEADER_ONLY),
                        test_corrupt_input);
  g_test_add_data_func ("/cli/input/corrupt/half", GINT_TO_POINTER (CORRUPT_HALF),
                        test_corrupt_input);
  g_test_add_data_func ("/cli/input/corrupt/text", GINT_TO_POINTER (CORRUPT_TEXT),
                        test_corrupt_input);
  g_test_add_func ("/cli/output/unwritable", test_unwritable_output);
  g_test_add_func ("/cli/output/is-input", test_output_is_input);
  g_test_add_func ("/cli/info/list-models", test_list_models);
  g_test_add_func ("/cli/info/list-devices", test_list_devices);
  g_test_add_func ("/cli/info/help", test_help);
  g_test_add_func ("/cli/info/version", test_version);
  g_test_add_func ("/cli/output/default-name", test_default_output_name);
  g_test_add_func ("/cli/model-file", test_model_file);
  g_test_add_func ("/cli/output/two-inputs-to-folder", test_two_inputs_to_folder);
  g_test_add_func ("/cli/output/good-and-bad-input", test_good_and_bad_input);
  g_test_add_func ("/cli/output/jpeg-tiled", test_jpeg_output_tiled);

  /* Cheapest models first; x4plus on chelsea alone is about a TFLOP. */
  static const char *models[] = {
    "realesrgan-x4fast", "realesr-animevideov3-x4", "realesrgan-x4plus",
  };
  static const char *inputs[] = {
    "astronaut-face-64", "coffee-96x72", "text-120x64", "chelsea-200x150",
  };
  static Golden goldens[G_N_ELEMENTS (models) * G_N_ELEMENTS (inputs)];
  for (gsize m = 0; m < G_N_ELEMENTS (models); m++)
    for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++)
      {
        Golden *golden = &goldens[m * G_N_ELEMENTS (inputs) + i];
        golden->model = models[m];
        golden->input = inputs[i];
        g_autofree char *path = g_strdup_printf ("/cli/golden/%s/%s", models[m], inputs[i]);
        g_test_add_data_func (path, golden, test_golden);
      }

  return g_test_run ();
}
