/* realesrgan-ncnn-vulkan's command line on the Enlarge engine; see
 * enlarge-compat.h. The behaviour follows that program's src/main.cpp
 * (xinntao/Real-ESRGAN-ncnn-vulkan): the same options and defaults, the
 * same messages where wrappers look for them ("invalid gpu device",
 * "decode image X failed", "has alpha channel"), one "NN.NN%" line per
 * tile on stderr, and -1 (255) as the status of every error. Its messages
 * are not translated, since wrappers match them in English, as the
 * original prints them. */

#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "enlarge.h"
#include "enlarge-cli-common.h"
#include "enlarge-compat.h"
#include "enlarge-environment.h"

/* main() returning -1, as realesrgan-ncnn-vulkan does for every error. */
#define COMPAT_EXIT_ERROR 255

#define COMPAT_NAME "realesrgan-ncnn-vulkan"
#define COMPAT_DEFAULT_MODEL "realesr-animevideov3"

typedef struct {
  char *input;
  char *output;
  double scale;
  int tile;
  char *model_dir;
  char *model_name;
  char *gpu;
  gboolean tta;
  char *format;
  gboolean verbose;
  int compression;   /* upscayl-bin's -c, 0 … 100 */
  int width;         /* upscayl-bin's -w; 0 = off */
} CompatOptions;

static void
compat_options_clear (CompatOptions *options)
{
  g_clear_pointer (&options->input, g_free);
  g_clear_pointer (&options->output, g_free);
  g_clear_pointer (&options->model_dir, g_free);
  g_clear_pointer (&options->model_name, g_free);
  g_clear_pointer (&options->gpu, g_free);
  g_clear_pointer (&options->format, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CompatOptions, compat_options_clear)

gboolean
enlarge_compat_wanted (int argc, char **argv)
{
  if (argc > 0 && argv[0] != NULL)
    {
      g_autofree char *base = g_path_get_basename (argv[0]);
      if (g_str_has_prefix (base, COMPAT_NAME) || g_str_has_prefix (base, "upscayl-bin"))
        return TRUE;
    }
  for (int i = 1; i < argc && !g_str_equal (argv[i], "--"); i++)
    if (g_str_equal (argv[i], "--compat"))
      return TRUE;
  return FALSE;
}

static void
print_usage (void)
{
  fputs ("Usage: " COMPAT_NAME " -i infile -o outfile [options]...\n\n"
         "  -h                   show this help\n"
         "  -i input-path        input image path (jpg/png/webp/tiff) or directory\n"
         "  -o output-path       output image path (jpg/png/webp/tiff) or directory\n"
         "  -s scale             upscale ratio (1 … 16, default=4)\n"
         "  -t tile-size         tile size (>=32/0=auto, default=0)\n"
         "  -m model-path        another folder to look for the model files in\n"
         "  -n model-name        model name (default=" COMPAT_DEFAULT_MODEL ", can be\n"
         "                       realesr-animevideov3 | realesrgan-x4plus |\n"
         "                       realesrgan-x4plus-anime | realesrgan-x4fast)\n"
         "  -g gpu-id            device to use (-1=cpu, default=auto): an index of\n"
         "                       enlarge-cli --list-devices\n"
         "  -j load:proc:save    accepted and ignored\n"
         "  -x                   enable tta mode\n"
         "  -f format            output image format (jpg/png/webp/tiff, default=ext/png)\n"
         "  -v                   verbose output\n"
         "  -c compression       upscayl-bin's: 0 (default) … 100; JPEG quality 100 - c,\n"
         "                       lossless WebP at 0\n"
         "  -w width             upscayl-bin's: the output's width in pixels\n"
         "  -z, -r               upscayl-bin's: accepted and ignored\n"
         "\n"
         "This is enlarge-cli (Enlarge " PACKAGE_VERSION ") speaking the command line of\n"
         "realesrgan-ncnn-vulkan; see enlarge-cli(1) for what differs.\n",
         stderr);
}

static int
compat_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

static int
compat_error (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "%s\n", message);
  return COMPAT_EXIT_ERROR;
}

/* atoi() of each comma-separated value, as the original reads -t and -g;
 * unlike atoi, text that is not a number is an error. */
static gboolean
parse_int_list (const char *text, GArray *values)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      gint64 value;
      if (!g_ascii_string_to_signed (g_strstrip (parts[i]), 10, -1000000, 1000000, &value, NULL))
        return FALSE;
      int v = (int) value;
      g_array_append_val (values, v);
    }
  return values->len > 0;
}

/* "load:proc:save", proc possibly "2,2": checked as the original checks it
 * (every count at least 1), then ignored. */
static gboolean
check_jobs (const char *text)
{
  g_auto (GStrv) parts = g_strsplit (text, ":", -1);

  if (g_strv_length (parts) != 3)
    return FALSE;
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (GArray) counts = g_array_new (FALSE, FALSE, sizeof (int));
      if (!parse_int_list (parts[i], counts))
        return FALSE;
      for (guint j = 0; j < counts->len; j++)
        if (g_array_index (counts, int, j) < 1)
          return FALSE;
    }
  return TRUE;
}

static gboolean
takes_argument (char opt)
{
  return strchr ("iostmngjfcwzr", opt) != NULL;
}

/* A getopt("i:o:s:t:m:n:g:j:f:vxh") loop by hand: options may be grouped
 * (-vx) and their argument attached (-ifile); empty arguments (Upscayl
 * passes "" for the options it leaves out) and --compat are skipped, other
 * words that are not options ignored with a warning. Returns -1 to go on,
 * else the exit status. */
static int
parse_args (int argc, char **argv, CompatOptions *options)
{
  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];

      if (arg[0] == '\0' || g_str_equal (arg, "--compat"))
        continue;
      if (arg[0] != '-' || arg[1] == '\0')
        {
          fprintf (stderr, "ignoring the argument “%s”: inputs and outputs go with -i and -o\n", arg);
          continue;
        }

      for (const char *p = arg + 1; *p != '\0'; p++)
        {
          char opt = *p;
          const char *value = NULL;

          if (takes_argument (opt))
            {
              if (p[1] != '\0')
                value = p + 1;
              else if (i + 1 < argc)
                value = argv[++i];
              else
                {
                  fprintf (stderr, "%s: option requires an argument -- '%c'\n", COMPAT_NAME, opt);
                  print_usage ();
                  return COMPAT_EXIT_ERROR;
                }
            }

          switch (opt)
            {
            case 'i':
              g_free (options->input);
              options->input = g_strdup (value);
              break;
            case 'o':
              g_free (options->output);
              options->output = g_strdup (value);
              break;
            case 's':
              {
                char *end = NULL;
                errno = 0;
                double scale = g_ascii_strtod (value, &end);
                if (errno != 0 || end == value || *end != '\0' || !(scale >= 1 && scale <= 16))
                  return compat_error ("invalid scale argument “%s”: use a factor from 1 to 16", value);
                options->scale = scale;
              }
              break;
            case 't':
              {
                /* "0,0,0" for several GPUs: the first value is used. */
                g_autoptr (GArray) tiles = g_array_new (FALSE, FALSE, sizeof (int));
                if (!parse_int_list (value, tiles))
                  return compat_error ("invalid tilesize argument");
                for (guint k = 0; k < tiles->len; k++)
                  {
                    int tile = g_array_index (tiles, int, k);
                    if (tile != 0 && tile < 32)
                      return compat_error ("invalid tilesize argument");
                  }
                options->tile = g_array_index (tiles, int, 0);
              }
              break;
            case 'm':
              g_free (options->model_dir);
              options->model_dir = g_strdup (value);
              break;
            case 'n':
              g_free (options->model_name);
              options->model_name = g_strdup (value);
              break;
            case 'g':
              {
                g_autoptr (GArray) gpus = g_array_new (FALSE, FALSE, sizeof (int));
                g_free (options->gpu);
                if (g_ascii_strcasecmp (value, "cpu") == 0)
                  options->gpu = g_strdup ("cpu");
                else if (g_ascii_strcasecmp (value, "auto") == 0)
                  options->gpu = NULL;
                else if (!parse_int_list (value, gpus) || g_array_index (gpus, int, 0) < -1)
                  return compat_error ("invalid gpu device");
                else if (g_array_index (gpus, int, 0) == -1)
                  options->gpu = g_strdup ("cpu");
                else
                  options->gpu = g_strdup_printf ("%d", g_array_index (gpus, int, 0));
              }
              break;
            case 'j':
              if (!check_jobs (value))
                return compat_error ("invalid thread count argument");
              break;
            case 'f':
              g_free (options->format);
              options->format = g_strdup (value);
              break;
            case 'v':
              options->verbose = TRUE;
              break;
            case 'x':
              options->tta = TRUE;
              break;
            case 'c':
            case 'w':
              {
                gint64 number;
                if (!g_ascii_string_to_signed (value, 10, opt == 'c' ? 0 : 1,
                                               opt == 'c' ? 100 : 1000000, &number, NULL))
                  return compat_error (opt == 'c' ? "invalid compression argument “%s”: use 0 … 100"
                                                  : "invalid width argument “%s”", value);
                if (opt == 'c')
                  options->compression = (int) number;
                else
                  options->width = (int) number;
              }
              break;
            case 'z': case 'r':
              /* upscayl-bin's model scale and resize */
              break;
            case 'h':
              print_usage ();
              return COMPAT_EXIT_ERROR;
            default:
              fprintf (stderr, "%s: invalid option -- '%c'\n", COMPAT_NAME, opt);
              print_usage ();
              return COMPAT_EXIT_ERROR;
            }
          if (value != NULL)
            break;   /* the rest of this word was the value */
        }
    }
  return -1;
}

/* realesrgan-ncnn-vulkan's model names → ours. realesr-animevideov3 is
 * one network per factor there too: -s 2, 3 or 4 picks it; other factors
 * run the x4 one and resample. NULL for names we have no model for. */
static const char *
map_model (const char *name, double scale)
{
  static const char * const direct[] = {
    "realesrgan-x4plus", "realesrgan-x4plus-anime", "realesrgan-x4fast",
    "realesr-animevideov3-x2", "realesr-animevideov3-x3", "realesr-animevideov3-x4",
  };

  if (g_str_equal (name, "realesr-animevideov3"))
    {
      if (scale == 2)
        return "realesr-animevideov3-x2";
      if (scale == 3)
        return "realesr-animevideov3-x3";
      return "realesr-animevideov3-x4";
    }
  for (gsize i = 0; i < G_N_ELEMENTS (direct); i++)
    if (g_str_equal (name, direct[i]))
      return direct[i];
  return NULL;
}

/* Output format from a file name's extension, as the original guesses it
 * "no matter what format argument specified". */
static const char *
format_of_name (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  const char *dot = strrchr (base, '.');

  return dot != NULL && dot != base ? enlarge_image_format_from_name (dot + 1) : NULL;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* Folder mode: every file of @input_dir, sorted, to NAME.EXT in
 * @output_dir; when two names differ only in their extension (a.jpg,
 * a.png) the second keeps it (a.png.png), with the original's message. */
static gboolean
plan_folder (const char *input_dir, const char *output_dir, const char *format,
             GPtrArray *jobs, GError **error)
{
  g_autoptr (GDir) dir = g_dir_open (input_dir, 0, error);
  if (dir == NULL)
    return FALSE;

  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (input_dir, name, NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort (names, compare_strings);

  const char *extension = enlarge_image_format_extension (format);
  g_autofree char *last_stem = NULL;
  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      const char *dot = strrchr (file, '.');
      g_autofree char *stem = dot != NULL && dot != file ? g_strndup (file, dot - file) : g_strdup (file);
      g_autofree char *out_name = g_strdup_printf ("%s.%s", stem, extension);

      if (last_stem != NULL && g_str_equal (stem, last_stem))
        {
          g_autofree char *other = g_strdup_printf ("%s.%s", file, extension);
          fprintf (stderr, "both %s and %s output %s ! %s will output %s\n",
                   file, (const char *) g_ptr_array_index (names, i - 1), out_name, file, other);
          g_free (out_name);
          out_name = g_steal_pointer (&other);
        }
      else
        {
          g_free (last_stem);
          last_stem = g_steal_pointer (&stem);
        }

      Job *job = g_new0 (Job, 1);
      job->input = g_build_filename (input_dir, file, NULL);
      job->output = g_build_filename (output_dir, out_name, NULL);
      job->format = format;
      g_ptr_array_add (jobs, job);
    }
  return TRUE;
}

/* One "NN.NN%" line per tile, as the original prints one per tile (it
 * starts at 0.00%; these count finished tiles, so the last is 100.00%). */
static void
on_progress (const EnlargeProgress *progress, gpointer user_data)
{
  if (progress->tiles_total <= 0)
    return;
  char percent[G_ASCII_DTOSTR_BUF_SIZE];

  /* "12.50%" under a German locale too, never "12,50%": the wrappers
   * parse it, and enlarge-cli calls setlocale for its own messages */
  g_ascii_formatd (percent, sizeof percent, "%.2f",
                   100.0 * progress->tiles_done / progress->tiles_total);
  fprintf (stderr, "%s%%\n", percent);
  fflush (stderr);
}

/* The original writes a JPEG of an image with alpha as OUT.png beside
 * OUT, and says so in a line Upscayl looks for. */
static void
redirect_alpha_jpeg (Job *job)
{
  if (!g_str_equal (job->format, "jpeg"))
    return;

  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) image = enlarge_image_load (job->input, &error);
  if (image == NULL || image->n_channels != 4)
    return;   /* a load error is reported when the job runs */

  char *png = g_strconcat (job->output, ".png", NULL);
  fprintf (stderr, "image %s has alpha channel ! %s will output %s\n", job->input, job->input, png);
  g_free (job->output);
  job->output = png;
  job->format = "png";
}

/* The device, then the model: from the installed ones, else from -m. */
static int
open_engine (Engine *engine, const char *gpu, const char *model, const char *model_dir)
{
  g_autoptr (GError) error = NULL;

  engine->backend = enlarge_environment_backend_new (gpu, &error);
  if (engine->backend == NULL)
    return compat_error ("invalid gpu device: %s", error->message);

  engine->net = enlarge_model_load_in (enlarge_environment_model_dirs (), model, &error);
  if (engine->net == NULL && model_dir != NULL)
    {
      g_autoptr (GError) dir_error = NULL;
      const char * const dirs[] = { model_dir, NULL };
      engine->net = enlarge_model_load_in (dirs, model, &dir_error);
      if (engine->net == NULL)
        return compat_error ("load model %s failed: %s; in %s: %s", model, error->message,
                             model_dir, dir_error->message);
    }
  else if (engine->net == NULL)
    return compat_error ("load model %s failed: %s", model, error->message);
  return EXIT_OK;
}

/* upscayl-bin's -w: the factor that makes @job's output @width wide. */
static gboolean
scale_to_width (const Job *job, int width, double *scale, GError **error)
{
  g_autoptr (EnlargeImage) image = enlarge_image_load (job->input, error);
  if (image == NULL)
    return FALSE;

  *scale = (double) width / image->width;
  if (!(*scale >= 1 && *scale <= 16))
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   "a width of %d is %.3g× the input's %d; Enlarge scales by 1 to 16",
                   width, *scale, image->width);
      return FALSE;
    }
  return TRUE;
}

static int
run_jobs (GPtrArray *jobs, const CompatOptions *compat, const char *model, const char *format)
{
  g_auto (Engine) engine = { NULL, NULL };
  int status = open_engine (&engine, compat->gpu, model, compat->model_dir);
  if (status != EXIT_OK)
    return status;
  /* Ctrl+C removes the output being written, as in enlarge-cli */
  GCancellable *cancellable = cli_signals_watch ();

  /* The original writes JPEG at quality 100 and WebP losslessly;
   * upscayl-bin's -c trades that for size. */
  Options options = {
    .model = (char *) model,
    .creativity = 0.5,
    .scale = compat->scale,
    .target_mp = 0,
    .quality = 100 - compat->compression > 0 ? 100 - compat->compression : 1,
    .lossless = g_str_equal (format, "webp") && compat->compression == 0,
    .alpha_mode = ENLARGE_ALPHA_MODEL,
    .tta = compat->tta,
    .tile = compat->tile,
    .device = compat->gpu,
    .quiet = TRUE,
    .progress = on_progress,
  };

  for (guint i = 0; i < jobs->len; i++)
    {
      Job *job = g_ptr_array_index (jobs, i);
      g_autoptr (GError) error = NULL;
      gboolean fatal = FALSE;

      redirect_alpha_jpeg (job);

      /* The original creates a missing output folder. */
      g_autofree char *parent = g_path_get_dirname (job->output);
      if (g_mkdir_with_parents (parent, 0777) != 0)
        {
          fprintf (stderr, "encode image %s failed: cannot create the folder %s: %s\n",
                   job->output, parent, g_strerror (errno));
          status = COMPAT_EXIT_ERROR;
          continue;
        }

      if ((compat->width > 0 && !scale_to_width (job, compat->width, &options.scale, &error)) ||
          !run_job (job, &engine, &options, cancellable, &fatal, &error))
        {
          cli_signals_exit_if_received ();
          if (g_error_matches (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD))
            fprintf (stderr, "decode image %s failed: %s\n", job->input, error->message);
          else
            fprintf (stderr, "encode image %s failed: %s\n", job->output, error->message);
          status = COMPAT_EXIT_ERROR;
          if (fatal)
            break;
          continue;
        }
      if (compat->verbose)
        fprintf (stderr, "%s -> %s done\n", job->input, job->output);
    }
  return status;
}

int
enlarge_compat_main (int argc, char **argv)
{
  g_auto (CompatOptions) compat = { .scale = 4, .tile = 0 };

  int status = parse_args (argc, argv, &compat);
  if (status >= 0)
    return status;

  if (compat.input == NULL || compat.output == NULL ||
      compat.input[0] == '\0' || compat.output[0] == '\0')
    {
      print_usage ();
      return COMPAT_EXIT_ERROR;
    }

  gboolean out_is_dir = g_file_test (compat.output, G_FILE_TEST_IS_DIR);
  const char *format;
  if (!out_is_dir)
    {
      format = format_of_name (compat.output);
      if (format == NULL)
        return compat_error ("invalid outputpath extension type");
    }
  else
    {
      format = enlarge_image_format_from_name (compat.format != NULL ? compat.format : "png");
      if (format == NULL)
        return compat_error ("invalid format argument");
    }
  if (!enlarge_image_format_is_writable (format))
    return compat_error ("invalid format argument: writing %s is not supported on this system",
                         format);

  const char *name = compat.model_name != NULL ? compat.model_name : COMPAT_DEFAULT_MODEL;
  const char *model = map_model (name, compat.scale);
  if (model == NULL)
    return compat_error ("load model %s failed: unknown model; the models are "
                         "realesr-animevideov3 (-s 2, 3, 4), realesrgan-x4plus, "
                         "realesrgan-x4plus-anime and realesrgan-x4fast", name);

  g_autoptr (GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) job_free);
  gboolean in_is_dir = g_file_test (compat.input, G_FILE_TEST_IS_DIR);
  if (in_is_dir && out_is_dir)
    {
      g_autoptr (GError) error = NULL;
      if (!plan_folder (compat.input, compat.output, format, jobs, &error))
        return compat_error ("%s", error->message);
    }
  else if (!in_is_dir && !out_is_dir)
    {
      Job *job = g_new0 (Job, 1);
      job->input = g_strdup (compat.input);
      job->output = g_strdup (compat.output);
      job->format = format;
      g_ptr_array_add (jobs, job);
    }
  else
    return compat_error ("inputpath and outputpath must be either file or directory at the same time");

  if (jobs->len == 0)
    return EXIT_OK;
  return run_jobs (jobs, &compat, model, format);
}
