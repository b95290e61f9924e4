/* enlarge-cli as realesrgan-ncnn-vulkan (src/cli/enlarge-compat.c): the flag
 * sets that GNOME Upscaler and Upscayl pass to that program, run on small
 * images through a symlink named realesrgan-ncnn-vulkan, as installed. */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "enlarge.h"
#include "enlarge-test-utils.h"

#define TEMP_DIR_TEMPLATE "enlarge-compat-test-XXXXXX"
#define FAST_MODEL "realesrgan-x4fast"

/* ---- helpers ------------------------------------------------------------ */

/* A @width × @height test image (a colour ramp, with a ramp of alpha when
 * @channels is 4) written to @dir/@name in the format its name says. */
static char *
write_image (const char *dir, const char *name, int width, int height, int channels)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) image = enlarge_image_new (width, height, channels, &error);
  g_assert_no_error (error);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = image->pixels + ((gsize) y * width + x) * channels;
        p[0] = (guint8) (x * 255 / MAX (1, width - 1));
        p[1] = (guint8) (y * 255 / MAX (1, height - 1));
        p[2] = (guint8) ((x * 7 + y * 13) % 256);
        if (channels == 4)
          p[3] = (guint8) (64 + x * 191 / MAX (1, width - 1));
      }

  char *path = g_build_filename (dir, name, NULL);
  g_assert_true (enlarge_image_save (image, path, NULL, &error));
  g_assert_no_error (error);
  return path;
}

static void
assert_image_size (const char *path, int width, int height)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) image = enlarge_image_load (path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (image->width, ==, width);
  g_assert_cmpint (image->height, ==, height);
}

static void
assert_contains (const char *haystack, const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("expected “%s” in:\n%s", needle, haystack);
}

/* The "NN.NN%" lines of @err, checked as the wrappers read them: GNOME
 * Upscaler matches each line against a number and a percent sign, Upscayl
 * takes parseFloat() of what it reads and gives up on any "failed". Each
 * image's lines rise to 100.00%. Returns how many there are. */
static guint
check_progress (const char *err, guint images)
{
  g_autoptr (GRegex) line_re = g_regex_new ("^([0-9]{1,3}\\.[0-9]{2})%$", 0, 0, NULL);
  g_auto (GStrv) lines = g_strsplit (err, "\n", -1);
  guint count = 0, finished = 0;
  double last = -1;

  g_assert_null (strstr (err, "failed"));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (GMatchInfo) match = NULL;
      if (!g_regex_match (line_re, lines[i], 0, &match))
        continue;
      g_autofree char *number = g_match_info_fetch (match, 1);
      double value = g_ascii_strtod (number, NULL);
      g_assert_cmpfloat (value, >=, 0);
      g_assert_cmpfloat (value, <=, 100);
      if (value < last)
        g_assert_cmpfloat (last, ==, 100);   /* the next image starts again */
      if (value == 100)
        finished++;
      last = value;
      count++;
    }
  g_assert_cmpuint (finished, ==, images);
  return count;
}

static char *compat_program;   /* the realesrgan-ncnn-vulkan symlink */

static void
run_compat (EtuCliResult *r, const char *cwd, const char * const *args)
{
  etu_set_cli_path (compat_program);
  etu_run_cli_argv (r, cwd, args);
  etu_set_cli_path (NULL);
}

static int
count_files (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  int n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* ---- the flag sets of the front ends ------------------------------------- */

typedef struct {
  const char *name;
  int width, height;
} Picture;

/* One run: the inputs written into IN/, then -i IN/FIRST -o OUT/OUTPUT (or
 * -i IN -o OUT for folders) and the other arguments, where "@MODELS@"
 * stands for an empty folder (a front end's own model folder, without our
 * files: the installed models are used). Exit status 0, the progress
 * lines, and exactly the expected outputs in OUT, of the expected sizes. */
typedef struct {
  const char *model;          /* ours, skipped when not installed */
  Picture inputs[3];
  gboolean folder;
  const char *output;         /* file mode: the name in OUT */
  const char *args[24];
  Picture outputs[3];
} FlagSet;

static void
run_flag_set (const FlagSet *set, EtuCliResult *r)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *in_dir = g_build_filename (tmp.path, "in", NULL);
  g_autofree char *out_dir = g_build_filename (tmp.path, "out", NULL);
  g_autofree char *models = g_build_filename (tmp.path, "models", NULL);
  g_autofree char *first = NULL;
  g_autofree char *output = NULL;
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  guint n_outputs = 0;

  g_assert_cmpint (g_mkdir (in_dir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (out_dir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (models, 0755), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (set->inputs) && set->inputs[i].name != NULL; i++)
    {
      char *path = write_image (in_dir, set->inputs[i].name, set->inputs[i].width,
                                set->inputs[i].height, 3);
      if (first == NULL)
        first = path;
      else
        g_free (path);
    }
  output = set->folder ? g_strdup (out_dir) : g_build_filename (out_dir, set->output, NULL);

  g_ptr_array_add (args, "-i");
  g_ptr_array_add (args, set->folder ? in_dir : first);
  g_ptr_array_add (args, "-o");
  g_ptr_array_add (args, output);
  for (guint i = 0; set->args[i] != NULL; i++)
    g_ptr_array_add (args, g_str_equal (set->args[i], "@MODELS@") ? models : (char *) set->args[i]);
  g_ptr_array_add (args, NULL);

  run_compat (r, tmp.path, (const char * const *) args->pdata);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "");

  for (; n_outputs < G_N_ELEMENTS (set->outputs) && set->outputs[n_outputs].name != NULL; n_outputs++)
    {
      g_autofree char *path = g_build_filename (out_dir, set->outputs[n_outputs].name, NULL);
      assert_image_size (path, set->outputs[n_outputs].width, set->outputs[n_outputs].height);
    }
  g_assert_cmpint (count_files (out_dir), ==, n_outputs);
  check_progress (r->err, n_outputs);
}

static void
test_flag_set (gconstpointer data)
{
  const FlagSet *set = data;
  g_auto (EtuCliResult) r = { 0 };

  if (etu_require_model (set->model))
    run_flag_set (set, &r);
}

#define UPSCAYL_MODEL "-m", "@MODELS@", "-n", FAST_MODEL

static const struct {
  const char *path;
  FlagSet set;
} flag_sets[] = {
  /* GNOME Upscaler, upscaler/window.py: -i IN -o OUT -n MODEL -s 4, MODEL
   * realesrgan-x4plus (photos) or realesrgan-x4plus-anime (cartoons);
   * stderr read line by line for the percentage, the exit status for
   * failure. */
  { "/compat/gnome-upscaler/photo",
    { "realesrgan-x4plus", { { "photo.png", 40, 32 } }, FALSE, "photo-upscaled.png",
      { "-n", "realesrgan-x4plus", "-s", "4" }, { { "photo-upscaled.png", 160, 128 } } } },
  { "/compat/gnome-upscaler/cartoon",
    { "realesrgan-x4plus-anime", { { "toon.jpg", 40, 32 } }, FALSE, "toon-upscaled.png",
      { "-n", "realesrgan-x4plus-anime", "-s", "4" }, { { "toon-upscaled.png", 160, 128 } } } },

  /* Upscayl, electron/utils/get-arguments.ts. getSingleImageArguments:
   * -i DIR/FILE -o OUT [-s S] -m MODELS -n MODEL [-g GPU] -f FORMAT [-w W]
   * -c COMPRESSION [-t TILE], "" in place of each option left out, OUT
   * named FILE_upscayl_4x_MODEL.FORMAT. */
  { "/compat/upscayl/single",
    { FAST_MODEL, { { "cat.jpg", 48, 40 } }, FALSE, "cat_upscayl_4x_" FAST_MODEL ".png",
      { "", "", UPSCAYL_MODEL, "", "", "-f", "png", "", "", "-c", "0", "", "" },
      { { "cat_upscayl_4x_" FAST_MODEL ".png", 192, 160 } } } },
  /* the same with a scale other than the model's, a GPU id (the first
   * device), a tile size and WebP */
  { "/compat/upscayl/single-scaled",
    { FAST_MODEL, { { "cat.png", 48, 40 } }, FALSE, "cat_upscayl_2x_" FAST_MODEL ".webp",
      { "-s", "2", UPSCAYL_MODEL, "-g", "0", "-f", "webp", "", "", "-c", "0", "-t", "32" },
      { { "cat_upscayl_2x_" FAST_MODEL ".webp", 96, 80 } } } },
  /* with a custom width (then no -s) and a compression, to JPEG */
  { "/compat/upscayl/custom-width",
    { FAST_MODEL, { { "cat.png", 48, 40 } }, FALSE, "cat_upscayl_4x_" FAST_MODEL ".jpg",
      { "", "", UPSCAYL_MODEL, "", "", "-f", "jpg", "-w", "100", "-c", "10", "", "" },
      { { "cat_upscayl_4x_" FAST_MODEL ".jpg", 100, 83 } } } },
  /* getBatchArguments: -i INPUT_DIR -o OUTPUT_DIR …: every image of the
   * folder to NAME.FORMAT */
  { "/compat/upscayl/batch",
    { FAST_MODEL, { { "a.png", 24, 16 }, { "b.jpg", 16, 24 }, { "c.tif", 20, 20 } }, TRUE, NULL,
      { "", "", UPSCAYL_MODEL, "", "", "-f", "png", "", "", "-c", "0", "", "" },
      { { "a.png", 96, 64 }, { "b.png", 64, 96 }, { "c.png", 80, 80 } } } },

  /* Model names and scales: the defaults (realesr-animevideov3, 4×), -s
   * picking realesr-animevideov3's x2/x3 network, a name of ours, and a 4×
   * model at 3× (then a resample). */
  { "/compat/model/default",
    { "realesr-animevideov3-x4", { { "in.webp", 20, 10 } }, FALSE, "out.png",
      { NULL }, { { "out.png", 80, 40 } } } },
  { "/compat/model/animevideov3-s2",
    { "realesr-animevideov3-x2", { { "in.webp", 20, 10 } }, FALSE, "out.png",
      { "-n", "realesr-animevideov3", "-s", "2" }, { { "out.png", 40, 20 } } } },
  { "/compat/model/animevideov3-s3",
    { "realesr-animevideov3-x3", { { "in.webp", 20, 10 } }, FALSE, "out.png",
      { "-s", "3" }, { { "out.png", 60, 30 } } } },
  { "/compat/model/animevideov3-x4",
    { "realesr-animevideov3-x4", { { "in.webp", 20, 10 } }, FALSE, "out.png",
      { "-n", "realesr-animevideov3-x4" }, { { "out.png", 80, 40 } } } },
  { "/compat/model/x4fast-s3",
    { FAST_MODEL, { { "in.webp", 20, 10 } }, FALSE, "out.png",
      { "-n", FAST_MODEL, "-s", "3" }, { { "out.png", 60, 30 } } } },
};

/* Several tiles: one line each, rising to 100.00%. */
static void
test_progress_per_tile (void)
{
  static const FlagSet set = {
    FAST_MODEL, { { "in.png", 64, 64 } }, FALSE, "out.png",
    { "-n", FAST_MODEL, "-t", "32" }, { { "out.png", 256, 256 } }
  };
  g_auto (EtuCliResult) r = { 0 };

  if (!etu_require_model (FAST_MODEL))
    return;
  run_flag_set (&set, &r);
  g_assert_cmpuint (check_progress (r.err, 1), ==, 4);
  assert_contains (r.err, "25.00%\n50.00%\n75.00%\n100.00%\n");
}

/* getDoubleUpscaleSecondPassArguments: -i OUT -o OUT, the output of the
 * first pass enlarged again in place. */
static void
test_upscayl_double (void)
{
  if (!etu_require_model (FAST_MODEL))
    return;

  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *input = write_image (tmp.path, "cat.png", 16, 12, 3);
  g_autofree char *output = g_build_filename (tmp.path, "cat_upscayl_16x_" FAST_MODEL ".png", NULL);
  const char *first[] = {
    "-i", input, "-o", output, "-m", tmp.path, "-n", FAST_MODEL, "", "", "-f", "png", "", "", NULL
  };
  const char *second[] = {
    "-i", output, "-o", output, "", "", "-m", tmp.path, "-n", FAST_MODEL, "", "",
    "-f", "png", "", "", "-c", "0", "", "", NULL
  };
  g_auto (EtuCliResult) r1 = { 0 };
  g_auto (EtuCliResult) r2 = { 0 };

  run_compat (&r1, tmp.path, first);
  g_assert_cmpint (r1.status, ==, 0);
  assert_image_size (output, 64, 48);
  run_compat (&r2, tmp.path, second);
  g_assert_cmpint (r2.status, ==, 0);
  check_progress (r2.err, 1);
  assert_image_size (output, 256, 192);
}

/* Folder mode with -f jpg, -v, two inputs whose names differ only in the
 * extension (the second keeps it: x.png.jpg) and a file that is no image:
 * the others are written, the bad one reported as the original does, and
 * the exit status says something failed. */
static void
test_folder_mixed (void)
{
  if (!etu_require_model (FAST_MODEL))
    return;

  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *in_dir = g_build_filename (tmp.path, "in", NULL);
  g_autofree char *out_dir = g_build_filename (tmp.path, "out", NULL);
  g_assert_cmpint (g_mkdir (in_dir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (out_dir, 0755), ==, 0);
  g_free (write_image (in_dir, "x.jpg", 16, 16, 3));
  g_free (write_image (in_dir, "x.png", 16, 16, 3));
  g_autofree char *notes = g_build_filename (in_dir, "notes.txt", NULL);
  etu_write_file (notes, "not an image\n", 13);
  const char *args[] = {
    "-i", in_dir, "-o", out_dir, "-n", FAST_MODEL, "-f", "jpg", "-v", NULL
  };
  g_auto (EtuCliResult) r = { 0 };

  run_compat (&r, tmp.path, args);
  g_assert_cmpint (r.status, ==, 255);
  assert_contains (r.err, "decode image ");
  assert_contains (r.err, "notes.txt failed");
  assert_contains (r.err, "both x.png and x.jpg output x.jpg ! x.png will output x.png.jpg");
  assert_contains (r.err, " done\n");
  g_assert_cmpint (count_files (out_dir), ==, 2);
  g_autofree char *first = g_build_filename (out_dir, "x.jpg", NULL);
  g_autofree char *second = g_build_filename (out_dir, "x.png.jpg", NULL);
  assert_image_size (first, 64, 64);
  assert_image_size (second, 64, 64);
}

/* -m: a folder with the model files, where none are installed, is used;
 * without it, or with files that do not match the manifest, the model
 * cannot be loaded (255, "failed"). */
static void
test_model_dir (void)
{
  if (!etu_require_model (FAST_MODEL))
    return;

  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *input = write_image (tmp.path, "in.png", 12, 10, 3);
  g_autofree char *output = g_build_filename (tmp.path, "out.png", NULL);
  g_autofree char *models = g_build_filename (tmp.path, "models", NULL);
  g_autofree char *bad = g_build_filename (tmp.path, "bad", NULL);
  g_autofree char *empty = g_build_filename (tmp.path, "empty", NULL);
  const EnlargeModelInfo *info = enlarge_model_lookup (FAST_MODEL);
  g_assert_cmpint (g_mkdir (models, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (bad, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  const char *files[] = { info->param_file, info->bin_file };
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *installed = enlarge_model_find_file_in (NULL, files[i]);
      g_autoptr (GBytes) bytes = etu_read_file (installed);
      g_autofree char *copy = g_build_filename (models, files[i], NULL);
      g_autofree char *corrupt = g_build_filename (bad, files[i], NULL);
      etu_write_file (copy, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      etu_write_file (corrupt, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes) / 2);
    }

  /* No installed models for the runs below: $XDG_DATA_HOME moved away
   * (XDG_DATA_DIRS stays: it also holds the MIME database that image
   * loading needs), which only works when the models are not installed
   * system-wide. */
  for (const char * const *dir = g_get_system_data_dirs (); *dir != NULL; dir++)
    {
      g_autofree char *system = g_build_filename (*dir, "enlarge", "models", info->param_file, NULL);
      if (g_file_test (system, G_FILE_TEST_EXISTS))
        {
          g_test_skip ("the models are installed system-wide");
          return;
        }
    }
  g_autofree char *saved_home = g_strdup (g_getenv ("XDG_DATA_HOME"));
  g_autofree char *saved_path = g_strdup (g_getenv ("ENLARGE_MODEL_PATH"));
  g_setenv ("XDG_DATA_HOME", empty, TRUE);
  g_unsetenv ("ENLARGE_MODEL_PATH");

  const char *with_dir[] = { "-i", input, "-o", output, "-n", FAST_MODEL, "-m", models, NULL };
  const char *without[] = { "-i", input, "-o", output, "-n", FAST_MODEL, NULL };
  const char *corrupt[] = { "-i", input, "-o", output, "-n", FAST_MODEL, "-m", bad, NULL };
  g_auto (EtuCliResult) r1 = { 0 };
  g_auto (EtuCliResult) r2 = { 0 };
  g_auto (EtuCliResult) r3 = { 0 };
  run_compat (&r2, tmp.path, without);
  run_compat (&r3, tmp.path, corrupt);
  run_compat (&r1, tmp.path, with_dir);

  if (saved_home != NULL)
    g_setenv ("XDG_DATA_HOME", saved_home, TRUE);
  else
    g_unsetenv ("XDG_DATA_HOME");
  if (saved_path != NULL)
    g_setenv ("ENLARGE_MODEL_PATH", saved_path, TRUE);

  g_assert_cmpint (r2.status, ==, 255);
  assert_contains (r2.err, "failed");
  g_assert_cmpint (r3.status, ==, 255);
  assert_contains (r3.err, "failed");
  assert_contains (r3.err, bad);
  g_assert_cmpint (r1.status, ==, 0);
  check_progress (r1.err, 1);
  assert_image_size (output, 48, 40);
}

/* A model the original knows and Enlarge has not: its error status, a
 * message with "failed" (what Upscayl looks for), no output. */
static void
test_bad_model (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *input = write_image (tmp.path, "in.png", 8, 8, 3);
  g_autofree char *output = g_build_filename (tmp.path, "out.png", NULL);
  const char *names[] = { "realesrnet-x4plus", "no-such-model" };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *args[] = { "-i", input, "-o", output, "-n", names[i], NULL };
      g_auto (EtuCliResult) r = { 0 };
      run_compat (&r, tmp.path, args);
      g_assert_cmpint (r.status, ==, 255);
      assert_contains (r.err, names[i]);
      assert_contains (r.err, "failed");
      g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
    }
}

/* Usage errors: status 255 and the original's message. */
static void
test_usage_errors (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *input = write_image (tmp.path, "in.png", 8, 8, 3);
  g_autofree char *output = g_build_filename (tmp.path, "out.png", NULL);
  g_autofree char *bad_ext = g_build_filename (tmp.path, "out.xyz", NULL);
  struct {
    const char *args[9];
    const char *message;
  } cases[] = {
    { { NULL }, "Usage: realesrgan-ncnn-vulkan" },
    { { "-h" }, "Usage: realesrgan-ncnn-vulkan" },
    { { "-i", input, NULL }, "Usage:" },
    { { "-i", input, "-o", output, "-q" }, "invalid option -- 'q'" },
    { { "-i", input, "-o", output, "-t", "16" }, "invalid tilesize argument" },
    { { "-i", input, "-o", output, "-j", "0:2:2" }, "invalid thread count argument" },
    { { "-i", input, "-o", output, "-s", "0" }, "invalid scale argument" },
    { { "-i", input, "-o", bad_ext }, "invalid outputpath extension type" },
    { { "-i", input, "-o", tmp.path }, "must be either file or directory" },
    { { "-i", tmp.path, "-o", tmp.path, "-f", "bmp" }, "invalid format argument" },
    { { "-i", input, "-o", output, "-g", "99" }, "invalid gpu device" },
    { { "-i", input, "-o", output, "-c", "101" }, "invalid compression argument" },
    { { "-i", input, "-o", output, "-w", "wide" }, "invalid width argument" },
    { { "-i", input, "-o", output, "-o" }, "option requires an argument -- 'o'" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (EtuCliResult) r = { 0 };
      run_compat (&r, tmp.path, cases[i].args);
      g_assert_cmpint (r.status, ==, 255);
      assert_contains (r.err, cases[i].message);
      g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
    }
}

/* An image with alpha asked for as JPEG: the original writes OUT.png and
 * says so ("has alpha channel", which Upscayl looks for). */
static void
test_alpha_to_jpeg (void)
{
  if (!etu_require_model (FAST_MODEL))
    return;

  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *input = write_image (tmp.path, "logo.png", 12, 12, 4);
  g_autofree char *output = g_build_filename (tmp.path, "logo.jpg", NULL);
  g_autofree char *written = g_build_filename (tmp.path, "logo.jpg.png", NULL);
  const char *args[] = { "-i", input, "-o", output, "-n", FAST_MODEL, "-x", NULL };
  g_auto (EtuCliResult) r = { 0 };

  run_compat (&r, tmp.path, args);
  g_assert_cmpint (r.status, ==, 0);
  assert_contains (r.err, "has alpha channel");
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  assert_image_size (written, 48, 48);
}

/* --compat on enlarge-cli itself, options grouped and attached as getopt
 * allows (-vx, -ofile), -g -1 for the CPU, -j accepted. */
static void
test_compat_flag (void)
{
  if (!etu_require_model (FAST_MODEL))
    return;

  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *input = write_image (tmp.path, "in.png", 10, 8, 3);
  g_autofree char *output = g_build_filename (tmp.path, "out.png", NULL);
  g_autofree char *attached = g_strconcat ("-o", output, NULL);
  g_auto (EtuCliResult) r = { 0 };

  etu_run_cli (&r, tmp.path, "--compat", "-i", input, attached, "-n" FAST_MODEL,
               "-vx", "-g", "-1", "-j", "1:2:2", NULL);
  g_assert_cmpint (r.status, ==, 0);
  check_progress (r.err, 1);
  assert_contains (r.err, " -> ");
  assert_contains (r.err, "out.png done");
  assert_image_size (output, 40, 32);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* The installed symlink, made here. */
  const char *cli = etu_get_cli_path ();
  g_assert_nonnull (cli);
  g_autofree char *cli_abs = g_canonicalize_filename (cli, NULL);
  g_autofree char *link_dir = etu_make_temp_dir (TEMP_DIR_TEMPLATE);
  compat_program = g_build_filename (link_dir, "realesrgan-ncnn-vulkan", NULL);
  g_assert_cmpint (symlink (cli_abs, compat_program), ==, 0);

  for (gsize i = 0; i < G_N_ELEMENTS (flag_sets); i++)
    g_test_add_data_func (flag_sets[i].path, &flag_sets[i].set, test_flag_set);
  g_test_add_func ("/compat/progress-per-tile", test_progress_per_tile);
  g_test_add_func ("/compat/upscayl/double", test_upscayl_double);
  g_test_add_func ("/compat/folder-mixed", test_folder_mixed);
  g_test_add_func ("/compat/bad-model", test_bad_model);
  g_test_add_func ("/compat/model-dir", test_model_dir);
  g_test_add_func ("/compat/usage-errors", test_usage_errors);
  g_test_add_func ("/compat/alpha-to-jpeg", test_alpha_to_jpeg);
  g_test_add_func ("/compat/flag", test_compat_flag);

  int status = g_test_run ();
  etu_remove_tree (link_dir);
  return status;
}
