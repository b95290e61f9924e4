/* enlarge-cli: upscale images from the command line with the Enlarge engine. */

#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "enlarge.h"
#include "enlarge-cli-common.h"
#include "enlarge-compare.h"
#include "enlarge-compat.h"
#include "enlarge-shard.h"
#include "enlarge-video.h"
#include "enlarge-environment.h"

#define DEFAULT_MODEL "realesrgan-x4plus"

static void
options_clear (Options *options)
{
  g_clear_pointer (&options->output, g_free);
  g_clear_pointer (&options->model, g_free);
  g_clear_pointer (&options->preset, g_free);
  g_clear_pointer (&options->device, g_free);
  g_clear_pointer (&options->format, g_free);
  g_clear_pointer (&options->alpha, g_free);
  g_clear_pointer (&options->inputs, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

void
job_free (Job *job)
{
  g_free (job->input);
  g_free (job->output);
  g_free (job);
}

static char *
known_model_ids (void)
{
  const GPtrArray *models = enlarge_model_list ();
  g_autoptr (GString) ids = g_string_new (NULL);

  for (guint i = 0; i < models->len; i++)
    {
      const EnlargeModelInfo *info = g_ptr_array_index ((GPtrArray *) models, i);
      if (i > 0)
        g_string_append (ids, ", ");
      g_string_append (ids, info->id);
    }
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static int
list_models (void)
{
  const GPtrArray *models = enlarge_model_list ();

  /* The --list-* tables stay in English, headers and "yes"/"no" included:
   * scripts read their columns, and printf pads bytes, not characters. */
  printf ("%-26s %-34s %-5s %s\n", "ID", "TITLE", "SCALE", "INSTALLED");
  for (guint i = 0; i < models->len; i++)
    {
      const EnlargeModelInfo *info = g_ptr_array_index ((GPtrArray *) models, i);
      printf ("%-26s %-34s %-5d %s\n", info->id, info->title, info->scale,
              enlarge_model_is_installed_in (enlarge_environment_model_dirs (), info) ? "yes" : "no");
    }

  gboolean all_installed = TRUE;
  for (guint i = 0; i < models->len; i++)
    if (!enlarge_model_is_installed_in (enlarge_environment_model_dirs (), g_ptr_array_index ((GPtrArray *) models, i)))
      all_installed = FALSE;
  if (!all_installed)
    printf (_("\nTo install the missing models: %s\n"), enlarge_model_install_hint ());
  return EXIT_OK;
}

static int
list_devices (void)
{
  g_autoptr (GPtrArray) devices = enlarge_device_list ();

  printf ("%-5s %-12s %-10s %-40s %s\n", "INDEX", "ID", "KIND", "NAME", "MEMORY");
  for (guint i = 0; i < devices->len; i++)
    {
      const EnlargeDeviceInfo *info = g_ptr_array_index (devices, i);
      g_autofree char *memory = info->global_mem > 0
                                ? g_format_size_full (info->global_mem, G_FORMAT_SIZE_IEC_UNITS)
                                : g_strdup ("-");
      printf ("%-5u %-12s %-10s %-40s %s\n", i, info->id,
              enlarge_device_kind_to_string (info->kind),
              info->name != NULL ? info->name : "", memory);
    }
  return EXIT_OK;
}

/* "photo.jpg" → "photo-enlarged-4x.png" (or -2.5x; .EXT for --format) */
static char *
default_output_name (const char *input, double scale, const char *extension)
{
  g_autofree char *base = g_path_get_basename (input);
  char factor[G_ASCII_DTOSTR_BUF_SIZE];
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  g_ascii_formatd (factor, sizeof factor, "%.3g", scale);
  return g_strdup_printf ("%s-enlarged-%sx.%s", base, factor, extension);
}

/* The format a file name's extension names, writable here or not. */
static const char *
extension_format (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  const char *dot = strrchr (base, '.');

  return dot != NULL && dot != base ? enlarge_image_format_from_name (dot + 1) : NULL;
}

/* Works out every output path and rejects, before any work, outputs the
 * format of which is unknown, that would replace an input (by any name:
 * enlarge_output_check), whose names are too long, or that two inputs
 * would both write. Returns EXIT_OK or EXIT_USAGE. */
int
plan_jobs (const Options *options, double scale, GPtrArray *jobs)
{
  guint n_inputs = g_strv_length (options->inputs);
  gboolean to_folder = FALSE;

  if (options->output != NULL)
    {
      to_folder = g_file_test (options->output, G_FILE_TEST_IS_DIR);
      if (!to_folder && g_str_has_suffix (options->output, G_DIR_SEPARATOR_S))
        return usage_error (_("output folder “%s” does not exist"), options->output);
      if (!to_folder && n_inputs > 1)
        return usage_error (_("with several inputs, --output must be an existing folder, "
                              "and “%s” is not one"), options->output);
    }

  for (guint i = 0; i < n_inputs; i++)
    {
      const char *input = options->inputs[i];
      g_autofree char *name = default_output_name (input, scale,
                                                   options->format != NULL
                                                   ? enlarge_image_format_extension (options->format)
                                                   : "png");
      char *output;

      if (options->output == NULL)
        {
          g_autofree char *dir = g_path_get_dirname (input);
          output = g_build_filename (dir, name, NULL);
        }
      else if (to_folder)
        output = g_build_filename (options->output, name, NULL);
      else
        output = g_strdup (options->output);

      Job *job = g_new0 (Job, 1);
      job->input = g_strdup (input);
      job->output = output;
      g_ptr_array_add (jobs, job);

      const char *named = extension_format (output);
      if (options->format != NULL && named != NULL && !g_str_equal (named, options->format))
        return usage_error (_("--format=%s disagrees with the name “%s”, which says %s"),
                            options->format, output, named);
      job->format = options->format != NULL ? options->format : named;
      if (job->format == NULL)
        return usage_error (_("cannot tell the image format of “%s”: use a name ending in "
                              ".png, .jpg, .tif or .webp, or --format"), output);
      if (!enlarge_image_format_is_writable (job->format))
        return usage_error (_("cannot write “%s”: writing %s images is not supported on this system"),
                            output, job->format);
      if (options->lossless && g_str_equal (job->format, "jpeg"))
        return usage_error (_("--lossless does not apply to JPEG (“%s”); use PNG, TIFF or WebP"),
                            output);
      if (options->depth == 16 && !g_str_equal (job->format, "png") && !g_str_equal (job->format, "tiff"))
        /* Translators: the output file's name, then its format (jpeg, webp) */
        return usage_error (_("--depth=16 needs a PNG or TIFF output, and “%s” is %s"),
                            output, job->format);
    }

  for (guint i = 0; i < jobs->len; i++)
    {
      const Job *job = g_ptr_array_index (jobs, i);

      g_autoptr (GError) error = NULL;
      if (!enlarge_output_check (job->output, (const char * const *) options->inputs, &error))
        return usage_error ("%s", error->message);

      for (guint j = 0; j < i; j++)
        {
          const Job *other = g_ptr_array_index (jobs, j);
          if (enlarge_output_same_file (job->output, other->output))
            return usage_error (_("“%s” and “%s” would both be written to “%s”"),
                                other->input, job->input, job->output);
        }
    }

  return EXIT_OK;
}

typedef struct {
  const char *name;
  gboolean tty;
  gboolean line_open;   /* a \r-updated line is on screen without a newline */
  double last_print;
} ProgressState;

static void
on_progress (const EnlargeProgress *progress, gpointer user_data)
{
  ProgressState *state = user_data;
  gboolean last = progress->tiles_done >= progress->tiles_total;

  /* A log file gets a line a second at most, not one per tile. */
  if (!state->tty && !last && state->last_print >= 0 &&
      progress->elapsed_s - state->last_print < 1.0)
    return;
  state->last_print = progress->elapsed_s;

  g_autofree char *eta = progress->eta_s >= 0
                         ? /* Translators: appended to the progress line; %.0f is in seconds */
                           g_strdup_printf (_(", ETA %.0f s"), progress->eta_s)
                         : g_strdup ("");
  if (last)
    g_clear_pointer (&eta, g_free);

  /* Translators: FILE: tile DONE/TOTAL, SECONDS s elapsed, then the ETA or
   * nothing */
  g_autofree char *line = g_strdup_printf (_("%s: tile %d/%d, %.1f s elapsed%s"),
                                           state->name, progress->tiles_done,
                                           progress->tiles_total, progress->elapsed_s,
                                           eta != NULL ? eta : "");
  if (state->tty)
    {
      /* \033[K clears what a longer previous line left behind. */
      fprintf (stderr, "\r%s\033[K", line);
      state->line_open = !last;
      if (last)
        fputc ('\n', stderr);
    }
  else
    fprintf (stderr, "%s\n", line);
  fflush (stderr);
}

void
engine_clear (Engine *engine)
{
  g_clear_pointer (&engine->net, enlarge_net_unref);
  g_clear_pointer (&engine->backend, enlarge_backend_unref);
}

/* The model and device are opened on the first readable input, so that a
 * run where every input is unreadable fails fast and needs no model (a
 * model file is loaded before, for its scale: engine->net is set). */
static gboolean
engine_open (Engine *engine, const Options *options, GError **error)
{
  if (engine->backend != NULL)
    return TRUE;

  /* The device first: a mistyped --device is reported without waiting
   * for the model's checksum. */
  g_autoptr (EnlargeBackend) backend = enlarge_environment_backend_new (options->device, error);
  if (backend == NULL)
    return FALSE;

  if (engine->net == NULL)
    engine->net = cli_model_load (options->model, error);
  if (engine->net == NULL)
    return FALSE;
  engine->backend = g_steal_pointer (&backend);
  return TRUE;
}

/* The pixel limit as the engine takes it. */
static EnlargeLoadOptions
load_options (const Options *options)
{
  EnlargeLoadOptions load = ENLARGE_LOAD_OPTIONS_INIT;

  load.max_pixels = (guint64) (options->max_mp * (1 << 20));
  return load;
}

gboolean
run_job (const Job *job, Engine *engine, const Options *options, GCancellable *cancellable,
         gboolean *fatal, GError **error)
{
  /* An output folder that cannot be written is found out now, not after
   * minutes of upscaling (for root, access() only catches missing ones). */
  g_autofree char *dir = g_path_get_dirname (job->output);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR) || g_access (dir, W_OK) != 0)
    {
      g_autofree char *display = g_filename_display_name (dir);
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_SAVE,
                   _("Could not save “%s”: “%s” is not a writable folder"),
                   job->output, display);
      return FALSE;
    }

  EnlargeLoadOptions load = load_options (options);
  g_autoptr (EnlargeImage) input = cli_load_input (job->input, &load, error);
  if (input == NULL)
    return FALSE;

  /* --depth=16 of an 8-bit input: the stages after the model keep the
   * precision the model computes, instead of rounding to 8 bits */
  if (options->depth == 16 && input->bits == 8)
    {
      EnlargeImage *wide = enlarge_image_convert_depth (input, 16, error);
      if (wide == NULL)
        return FALSE;
      enlarge_image_unref (input);
      input = wide;
    }

  if (!engine_open (engine, options, error))
    {
      *fatal = TRUE;
      return FALSE;
    }

  g_autofree char *name = g_path_get_basename (job->input);
  ProgressState state = { name, isatty (STDERR_FILENO), FALSE, -1.0 };
  EnlargeUpscaleOptions upscale_options = ENLARGE_UPSCALE_OPTIONS_INIT;
  upscale_options.tile_size = options->tile;
  if (options->progress != NULL)
    {
      upscale_options.progress = options->progress;
      upscale_options.progress_data = options->progress_data;
    }
  else if (!options->quiet)
    {
      upscale_options.progress = on_progress;
      upscale_options.progress_data = &state;
    }

  EnlargeSettings settings = { options->creativity, options->scale, options->target_mp,
                               options->alpha_mode, options->tta };
  EnlargePlan plan;
  if (!enlarge_plan_compute (&settings, engine->net->scale, input->width, input->height, &plan, error))
    return FALSE;
  if (!options->quiet && options->progress == NULL)
    {
      g_autofree char *text = enlarge_plan_describe (&plan);
      fprintf (stderr, "%s: %s\n", name, text);
    }

  g_autoptr (EnlargeImage) output = enlarge_pipeline_run (engine->backend, engine->net, &settings,
                                                          input, &upscale_options, cancellable,
                                                          error);
  if (state.line_open)
    fputc ('\n', stderr);
  if (output == NULL)
    return FALSE;

  /* The output keeps the input's ICC profile, EXIF (edited: orientation 1,
   * the new size, GPS only with --keep-gps) and DPI. */
  enlarge_image_copy_metadata (output, input);
  EnlargeSaveOptions save = { job->format, options->quality, options->lossless, options->keep_gps,
                              cancellable, options->depth };
  return enlarge_image_save_full (output, job->output, &save, error);
}

static int
list_presets (void)
{
  guint n;
  const EnlargePreset *presets = enlarge_preset_list (&n);

  printf ("%-14s %-26s %-24s %-10s %-6s %s\n", "NAME", "TITLE", "MODEL", "CREATIVITY", "SCALE", "TARGET MP");
  for (guint i = 0; i < n; i++)
    {
      const EnlargePreset *p = &presets[i];
      g_autofree char *mp = p->target_mp > 0 ? g_strdup_printf ("%.2f", p->target_mp) : g_strdup ("off");
      printf ("%-14s %-26s %-24s %-10.2f %-6g %s\n", p->name, p->title, p->model,
              p->creativity, p->scale, mp);
      printf ("%-14s %s\n", "", p->why);
    }
  return EXIT_OK;
}

/* Prints what each input would go through, without running anything. */
static int
dry_run (const Options *options, const GPtrArray *jobs, const char *architecture,
         int model_scale)
{
  int status = EXIT_OK;
  for (guint i = 0; i < jobs->len; i++)
    {
      const Job *job = g_ptr_array_index (jobs, i);
      g_autoptr (GError) error = NULL;
      EnlargeLoadOptions load = load_options (options);
      g_autoptr (EnlargeImage) input = cli_load_input (job->input, &load, &error);
      EnlargeSettings settings = { options->creativity, options->scale, options->target_mp,
                                   options->alpha_mode, options->tta };
      EnlargePlan plan;

      if (input == NULL ||
          !enlarge_plan_compute (&settings, model_scale, input->width, input->height, &plan, &error))
        {
          print_error ("%s: %s", job->input, error->message);
          status = EXIT_FAILED;
          continue;
        }
      g_autofree char *text = enlarge_plan_describe (&plan);
      printf ("%s: %s (%s, %d×): %s → %s\n", job->input, options->model, architecture,
              model_scale, text, job->output);
    }
  return status;
}

/* The help's description: %s is the default model. */
static const char *const description = N_(
  "Each INPUT image (PNG, JPEG, TIFF, WebP, …) is enlarged with a Real-ESRGAN\n"
  "model and written as a new file; inputs are never modified.\n"
  "\n"
  "Options in detail:\n"
  "  -o, --output=PATH   With one input: the output file, or an existing folder\n"
  "                      to write it into. With several inputs: an existing\n"
  "                      folder. By default each result is written beside its\n"
  "                      input as NAME-enlarged-4x.png (4 being the model's\n"
  "                      scale); in a folder it gets that same name. The\n"
  "                      extension (.png, .jpg/.jpeg, .tif/.tiff, .webp) sets\n"
  "                      the format, unless --format is given.\n"
  "  --format=FORMAT     png, jpeg, webp or tiff: the output format. Default\n"
  "                      names then end in .png, .jpg, .webp or .tif; an\n"
  "                      --output name whose extension says another format is\n"
  "                      an error.\n"
  "  --quality=Q         1 … 100, default 95: JPEG and lossy WebP quality\n"
  "                      (higher = larger files, fewer artefacts). PNG and TIFF\n"
  "                      are lossless and ignore it.\n"
  "  --lossless          WebP: lossless instead of lossy (an error for JPEG;\n"
  "                      PNG and TIFF are always lossless).\n"
  "  --keep-gps          Keep the GPS location of the input's EXIF data. By\n"
  "                      default it is removed; the rest of the EXIF data\n"
  "                      (camera, lens, date, …) is kept in JPEG, PNG and WebP\n"
  "                      outputs, with orientation 1 since the pixels are\n"
  "                      turned upright, and the new pixel size. The ICC colour\n"
  "                      profile is kept byte for byte in every format, and\n"
  "                      the DPI value as is: the print size grows with the\n"
  "                      scale.\n"
  "  --depth=BITS        8 or 16 bits per channel in PNG and TIFF outputs. By\n"
  "                      default a 16-bit PNG or TIFF input is read, enlarged\n"
  "                      and written with 16 bits (alpha included), an 8-bit\n"
  "                      one with 8; 8 reduces the output, 16 widens it.\n"
  "                      JPEG and WebP are always 8-bit (--depth=16 is then\n"
  "                      an error).\n"
  "  --alpha=MODE        How a transparent input's alpha channel is enlarged:\n"
  "                      model (the default: through the model, as a gray\n"
  "                      image: the sharpest edges) or fast (a high-quality\n"
  "                      resampler: much quicker, softer edges). An alpha\n"
  "                      channel that is fully opaque is dropped.\n"
  "  --tta               Test-time augmentation: run the model on the 8 flips\n"
  "                      and transposes of the image and average them; slightly\n"
  "                      cleaner results at 8× the time.\n"
  "  -m, --model=NAME    The model (default %s); see --list-models.\n"
  "  -m, --model=PATH    A model file: an ESRGAN, Compact, SPAN or SwinIR .pth,\n"
  "                      .pt, .ckpt or .safetensors (architecture and scale\n"
  "                      detected), or an ncnn .param with its .bin beside it.\n"
  "  -p, --preset=NAME   A use-case preset (see --list-presets): sets the model,\n"
  "                      creativity, scale and target megapixels; options given\n"
  "                      explicitly override the preset's values.\n"
  "  -c, --creativity=C  0 … 1, default 0.5 = exactly the model's output. Below\n"
  "                      0.5 the model's added detail is damped and the result\n"
  "                      is back-projected toward the input: at 0, scaling the\n"
  "                      result back down reproduces the input. Above 0.5 the\n"
  "                      detail the model added over a smooth upscale is\n"
  "                      amplified (up to 2× at 1), without halos.\n"
  "  -s, --scale=F       Total factor, 1 … 16, fractional allowed (default: the\n"
  "                      model's own). Model passes are chained while their\n"
  "                      product is below F (4× twice for 16×), then a Lanczos-3\n"
  "                      resample gives exactly round(W × F) × round(H × F).\n"
  "  --target-mp=MP      Before the model, rescale the input to MP megapixels\n"
  "                      (1 MP = 1024 × 1024; area averaging when shrinking,\n"
  "                      Lanczos-3 when enlarging); 0 = off (default). The\n"
  "                      scale factor applies to the rescaled image.\n"
  "  --max-megapixels=MP Refuse inputs of more than MP megapixels (1 MP =\n"
  "                      1024 × 1024 pixels; default 128), read from the file's\n"
  "                      header before anything is decoded: a file of a few\n"
  "                      hundred bytes can claim 60000 × 60000 pixels.\n"
  "  --dry-run           Print each input's plan and output path; write nothing.\n"
  "  --list-presets      List the presets with their values and reasons.\n"
  "  --tile=PX           Tile size in input pixels: 0 (the default) picks one\n"
  "                      to fit the device's memory, otherwise at least 16.\n"
  "  --device=DEVICE     auto (the default: the best device), gpu, cpu,\n"
  "                      reference (plain C, slow but always there), an index\n"
  "                      or an id from --list-devices.\n"
  "  --list-models       List the models and whether they are installed.\n"
  "  --list-devices      List the devices that can run the models.\n"
  "  -q, --quiet         Do not show progress on standard error.\n"
  "  -v, --verbose       Say which model files were used (the first folder of\n"
  "                      the search path that has each file).\n"
  "  --version           Show the version and exit.\n"
  "\n"
  "Progress goes to standard error; each written file is reported on standard\n"
  "output as “wrote PATH”. Files are written to a temporary name and renamed\n"
  "into place, so a failure never leaves a partial file; on SIGINT, SIGTERM or\n"
  "SIGHUP the run stops, the temporary file is removed and the program ends by\n"
  "that signal (the shell shows 130, 143 or 129). Inputs are never replaced,\n"
  "whatever name or link leads to them.\n"
  "\n"
  "Exit status:\n"
  "  0  every output was written\n"
  "  1  at least one input failed (the others are still processed): unreadable,\n"
  "     damaged or incomplete, or above --max-megapixels\n"
  "  2  bad usage: unknown option, no input, an invalid value (NaN included),\n"
  "     an output that would replace an input or whose name is too long, a\n"
  "     --format that disagrees with the output's name, or a --device that\n"
  "     matches no device\n");

/* -c, -s, --target-mp and --max-megapixels: G_OPTION_ARG_DOUBLE takes
 * "nan", which inside means "not given", so "-s nan" would silently be
 * the default. */
static gboolean
parse_number (const char *option_name, const char *value, gpointer data, GError **error)
{
  Options *options = data;
  double *target;

  if (g_str_equal (option_name, "-c") || g_str_equal (option_name, "--creativity"))
    target = &options->creativity;
  else if (g_str_equal (option_name, "-s") || g_str_equal (option_name, "--scale"))
    target = &options->scale;
  else if (g_str_equal (option_name, "--target-mp"))
    target = &options->target_mp;
  else
    target = &options->max_mp;
  return cli_parse_finite (option_name, value, target, error);
}

int
main (int argc, char **argv)
{
  g_auto (Options) options = { .tile = 0, .creativity = NAN, .scale = NAN, .target_mp = NAN,
                               .max_mp = (double) (ENLARGE_IMAGE_DEFAULT_MAX_PIXELS >> 20),
                               .quality = G_MININT };
  g_autoptr (GError) error = NULL;
  /* --compare (enlarge-compare.c) */
  g_autofree char *compare = NULL;
  g_autofree char *region = NULL;
  gboolean json = FALSE;
  /* --from, --shard, --overwrite (enlarge-shard.c) */
  g_autofree char *from = NULL;
  g_autofree char *shard = NULL;
  gboolean overwrite = FALSE;

  setlocale (LC_ALL, "");
  enlarge_environment_bind_textdomain ();
  enlarge_tune_malloc ();

  /* Started as realesrgan-ncnn-vulkan, or with --compat (enlarge-compat.c) */
  if (enlarge_compat_wanted (argc, argv))
    return enlarge_compat_main (argc, argv);

  /* Translators: the --model option in --help; %s is the default model */
  g_autofree char *model_help = g_strdup_printf (_("Model to use (default %s)"), DEFAULT_MODEL);
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &options.output,
      N_("Output file, or existing folder"), N_("PATH") },
    { "model", 'm', 0, G_OPTION_ARG_STRING, &options.model,
      model_help, N_("NAME") },
    { "preset", 'p', 0, G_OPTION_ARG_STRING, &options.preset,
      N_("Use-case preset (see --list-presets)"), N_("NAME") },
    { "creativity", 'c', 0, G_OPTION_ARG_CALLBACK, parse_number,
      N_("0 = conservative … 1 = creative (default 0.5)"), N_("C") },
    { "scale", 's', 0, G_OPTION_ARG_CALLBACK, parse_number,
      N_("Total scale factor, 1 … 16 (default: the model's)"), N_("F") },
    { "target-mp", 0, 0, G_OPTION_ARG_CALLBACK, parse_number,
      N_("Prescale the input to this many megapixels (0 = off)"), N_("MP") },
    { "max-megapixels", 0, 0, G_OPTION_ARG_CALLBACK, parse_number,
      N_("Refuse inputs above this many megapixels (default 128)"), N_("MP") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &options.format,
      N_("Output format: png, jpeg, webp or tiff (default: from the name)"), N_("FORMAT") },
    { "quality", 0, 0, G_OPTION_ARG_INT, &options.quality,
      N_("JPEG and lossy WebP quality, 1 … 100 (default 95)"), N_("Q") },
    { "lossless", 0, 0, G_OPTION_ARG_NONE, &options.lossless,
      N_("Lossless WebP"), NULL },
    { "keep-gps", 0, 0, G_OPTION_ARG_NONE, &options.keep_gps,
      N_("Keep the GPS location in the EXIF data"), NULL },
    { "depth", 0, 0, G_OPTION_ARG_INT, &options.depth,
      N_("Bits per channel of PNG/TIFF outputs: 8 or 16 (default: the input’s)"), N_("BITS") },
    { "alpha", 0, 0, G_OPTION_ARG_STRING, &options.alpha,
      N_("Alpha channel: model (default) or fast"), N_("MODE") },
    { "tta", 0, 0, G_OPTION_ARG_NONE, &options.tta,
      N_("Average the 8 flips/transposes (8× the time)"), NULL },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &options.dry_run,
      N_("Print the plan without running it"), NULL },
    { "list-presets", 0, 0, G_OPTION_ARG_NONE, &options.list_presets,
      N_("List the presets and exit"), NULL },
    { "tile", 0, 0, G_OPTION_ARG_INT, &options.tile,
      N_("Tile size in input pixels (0 = automatic, else ≥ 16)"), N_("PX") },
    { "device", 0, 0, G_OPTION_ARG_STRING, &options.device,
      N_("Device: auto, gpu, cpu, reference, an index or an id"), N_("DEVICE") },
    { "list-models", 0, 0, G_OPTION_ARG_NONE, &options.list_models,
      N_("List the models and exit"), NULL },
    { "list-devices", 0, 0, G_OPTION_ARG_NONE, &options.list_devices,
      N_("List the devices and exit"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &options.quiet,
      N_("Do not show progress"), NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &options.verbose,
      N_("Say which model files were used"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &options.version,
      N_("Show the version and exit"), NULL },
    { "compare", 0, 0, G_OPTION_ARG_STRING, &compare,
      N_("Run these models on one region and write a contact sheet"), N_("MODEL,MODEL,…") },
    { "region", 0, 0, G_OPTION_ARG_STRING, &region,
      N_("With --compare: the region in input pixels (default: the most detailed 64×64)"), N_("X,Y,W,H") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("JSON output: one line per file (with --compare: one object)"), NULL },
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &from,
      N_("Read more inputs from FILE, one path per line (- = stdin)"), N_("FILE") },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &shard,
      N_("Process only inputs number I, I+N, I+2N, … (from 0)"), N_("I/N") },
    { "overwrite", 0, 0, G_OPTION_ARG_NONE, &overwrite,
      N_("With --from/--shard: redo outputs that are already complete"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options.inputs,
      NULL, N_("INPUT…") },
    { NULL }
  };

  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Enlarge images with Real-ESRGAN neural networks (4× with the default model)."));
  g_autofree char *described = g_strdup_printf (_(description), DEFAULT_MODEL);
  g_option_context_set_description (context, described);
  /* The group's data is what parse_number fills in. */
  GOptionGroup *group = g_option_group_new (NULL, NULL, NULL, &options, NULL);
  /* The entries' descriptions and argument names are marked with N_() and
   * translated by GOption, in the group's domain. */
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_group_add_entries (group, entries);
  g_option_context_set_main_group (context, group);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error ("%s", error->message);

  if (options.version)
    {
      printf ("%s %s\n", PROGRAM_NAME, PACKAGE_VERSION);
      return EXIT_OK;
    }
  if (options.list_presets)
    return list_presets ();
  if (options.list_models || options.list_devices)
    {
      if (options.list_models)
        list_models ();
      if (options.list_models && options.list_devices)
        printf ("\n");
      if (options.list_devices)
        list_devices ();
      return EXIT_OK;
    }

  if (from != NULL && enlarge_shard_add_inputs (from, &options.inputs) != EXIT_OK)
    return EXIT_USAGE;
  if (options.inputs == NULL || options.inputs[0] == NULL)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      fprintf (stderr, _("%s: no input files\n\n%s"), PROGRAM_NAME, help);
      return EXIT_USAGE;
    }

  if (options.tile != 0 && options.tile < 16)
    return usage_error (_("--tile must be 0 (automatic) or at least 16, not %d"), options.tile);

  if (options.format != NULL)
    {
      const char *format = enlarge_image_format_from_name (options.format);
      if (format == NULL)
        return usage_error (_("unknown format “%s”; use png, jpeg, webp or tiff"), options.format);
      g_free (options.format);
      options.format = g_strdup (format);
    }
  if (options.depth != 0 && options.depth != 8 && options.depth != 16)
    return usage_error (_("--depth must be 8 or 16, not %d"), options.depth);
  if (options.quality == G_MININT)
    options.quality = 0;   /* the default */
  else if (options.quality < 1 || options.quality > 100)
    return usage_error (_("--quality must be between 1 and 100, not %d"), options.quality);
  if (options.alpha == NULL || g_str_equal (options.alpha, "model"))
    options.alpha_mode = ENLARGE_ALPHA_MODEL;
  else if (g_str_equal (options.alpha, "fast"))
    options.alpha_mode = ENLARGE_ALPHA_FAST;
  else
    return usage_error (_("--alpha must be “model” or “fast”, not “%s”"), options.alpha);

  if (options.preset != NULL)
    {
      const EnlargePreset *preset = enlarge_preset_lookup (options.preset);
      if (preset == NULL)
        return usage_error (_("unknown preset “%s”; see --list-presets"), options.preset);
      /* explicit options win over the preset's values */
      if (options.model == NULL)
        options.model = g_strdup (preset->model);
      if (isnan (options.creativity))
        options.creativity = preset->creativity;
      if (isnan (options.scale))
        options.scale = preset->scale;
      if (isnan (options.target_mp))
        options.target_mp = preset->target_mp;
    }
  if (isnan (options.creativity))
    options.creativity = 0.5;
  if (isnan (options.target_mp))
    options.target_mp = 0;
  if (!(options.creativity >= 0 && options.creativity <= 1))
    return usage_error (_("--creativity must be between 0 and 1, not %g"), options.creativity);
  if (!isnan (options.scale) && !(options.scale >= 1 && options.scale <= 16))
    return usage_error (_("--scale must be between 1 and 16, not %g"), options.scale);
  if (!(options.target_mp >= 0 && options.target_mp <= 1024))
    return usage_error (_("--target-mp must be 0 (off) or a positive number of megapixels, not %g"),
                        options.target_mp);

  if (!(options.max_mp > 0 && options.max_mp <= 1 << 20))
    return usage_error (_("--max-megapixels must be a positive number of megapixels, at most %d, not %g"),
                        1 << 20, options.max_mp);

  cli_set_verbose (options.verbose);
  GCancellable *cancellable = cli_signals_watch ();
  int status;
  if (compare != NULL)
    {
      if (g_strv_length (options.inputs) != 1)
        return usage_error (_("--compare takes one input image"));
      EnlargeLoadOptions load = load_options (&options);
      load.depth = 8;   /* the contact sheet is 8-bit */
      status = enlarge_cli_compare (compare, region, json, options.inputs[0], options.output,
                                    options.device, options.creativity, options.scale,
                                    options.target_mp, &load, options.quiet, cancellable);
      cli_signals_exit_if_received ();
      return status;
    }
  if (region != NULL)
    return usage_error (_("--region goes with --compare"));

  if (options.model == NULL)
    options.model = g_strdup (DEFAULT_MODEL);
  /* -m PATH: a model file, loaded now for its architecture and scale */
  g_autoptr (EnlargeNet) file_net = NULL;
  const char *architecture;
  int model_scale;
  if (enlarge_model_is_file (options.model))
    {
      file_net = enlarge_model_load_file (options.model, &error);
      if (file_net == NULL)
        {
          print_error ("%s", error->message);
          return EXIT_FAILED;
        }
      architecture = file_net->architecture ? file_net->architecture : "ncnn";
      model_scale = file_net->scale;
    }
  else
    {
      const EnlargeModelInfo *model = enlarge_model_lookup (options.model);
      if (model == NULL)
        {
          g_autofree char *known = known_model_ids ();
          return usage_error (_("unknown model “%s”; the models are: %s"), options.model, known);
        }
      architecture = model->architecture;
      model_scale = model->scale;
    }

  if (isnan (options.scale))
    options.scale = model_scale;

  /* Videos and animated GIFs (enlarge-video.c) */
  if (from == NULL && shard == NULL && enlarge_video_wanted (&options))
    return enlarge_video_run (&options);

  if (from != NULL || shard != NULL || overwrite || json)
    return enlarge_shard_run (&options, shard, overwrite, json, cancellable);

  g_autoptr (GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) job_free);
  status = plan_jobs (&options, options.scale, jobs);
  if (status != EXIT_OK)
    return status;
  if (options.dry_run)
    return dry_run (&options, jobs, architecture, model_scale);

  g_auto (Engine) engine = { g_steal_pointer (&file_net), NULL };
  status = EXIT_OK;
  for (guint i = 0; i < jobs->len; i++)
    {
      const Job *job = g_ptr_array_index (jobs, i);
      gboolean fatal = FALSE;

      if (!run_job (job, &engine, &options, cancellable, &fatal, &error))
        {
          /* Interrupted: the save removed its temporary file; the other
           * inputs are not started. */
          cli_signals_exit_if_received ();
          if (fatal)
            {
              /* Without a model or a device no other input can succeed. */
              print_error ("%s", error->message);
              return fatal_exit_status (error);
            }
          print_error ("%s: %s", job->input, error->message);
          g_clear_error (&error);
          status = EXIT_FAILED;
          continue;
        }

      g_autofree char *absolute = g_canonicalize_filename (job->output, NULL);
      /* "wrote PATH" stays in English: scripts and front ends read it */
      printf ("wrote %s\n", absolute);
      fflush (stdout);
    }

  cli_signals_exit_if_received ();
  return status;
}
