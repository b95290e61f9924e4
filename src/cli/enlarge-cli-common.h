/* What enlarge-cli's main program and its other modes (--compare,
 * --shard/--from in enlarge-shard.c, the realesrgan-ncnn-vulkan front end
 * in enlarge-compat.c) share: the exit statuses, the way messages go to
 * stderr, the parsed options and the functions that plan and run a job
 * (enlarge-cli.c). */

#pragma once

#include <gio/gio.h>

#include "enlarge.h"

#include "enlarge.h"

G_BEGIN_DECLS

#define PROGRAM_NAME "enlarge-cli"

enum {
  EXIT_OK = 0,
  EXIT_FAILED = 1,
  EXIT_USAGE = 2,
};

/* Prints "enlarge-cli: MESSAGE" to stderr. */
void print_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* Prints "enlarge-cli: MESSAGE" and a pointer to --help to stderr; returns
 * EXIT_USAGE. */
int usage_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* The exit status for an error that stops a run (no model, no device):
 * EXIT_USAGE for a --device that names nothing here (a bad value),
 * EXIT_FAILED otherwise. */
int fatal_exit_status (const GError *error);

/* Appends @text to @s as a JSON string, quoted and escaped. */
void json_append_string (GString *s, const char *text);

typedef struct {
  char *output;
  char *model;
  char *preset;
  double creativity;   /* NAN = not given */
  double scale;
  double target_mp;
  double max_mp;       /* the pixel limit of inputs, in MP (1024² pixels) */
  gboolean list_presets;
  gboolean dry_run;
  char *format;        /* canonical after parsing; NULL = from the extension */
  int quality;         /* G_MININT = not given */
  gboolean lossless;
  gboolean keep_gps;
  int depth;           /* bits per channel of PNG/TIFF outputs: 0 = the
                          input's, 8 or 16 */
  char *alpha;
  EnlargeAlphaMode alpha_mode;
  gboolean tta;
  int tile;
  char *device;
  gboolean list_models;
  gboolean list_devices;
  gboolean quiet;
  gboolean verbose;
  gboolean version;
  GStrv inputs;
  /* Set by enlarge-compat.c; NULL in enlarge-cli: */
  EnlargeProgressFunc progress;    /* replaces the progress lines and the plan */
  gpointer progress_data;
} Options;

/* One input and where its result goes, worked out before any upscaling so
 * that usage mistakes cost nothing. */
typedef struct {
  char *input;
  char *output;
  const char *format;   /* canonical: "png", "jpeg", "webp", "tiff" */
} Job;

void job_free (Job *job);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

/* The model and the device, opened by the first run_job that needs them. */
typedef struct {
  EnlargeNet *net;
  EnlargeBackend *backend;
} Engine;

void engine_clear (Engine *engine);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Engine, engine_clear)

/* Works out every output path of @options->inputs into @jobs (Job *) and
 * rejects, before any work, outputs the format of which is unknown, that
 * would replace an input (by any name: enlarge_output_check), whose names
 * are too long, or that two inputs would both write. Returns EXIT_OK or
 * EXIT_USAGE (the message printed). */
int plan_jobs (const Options *options, double scale, GPtrArray *jobs);

/* Runs one job: loads the input, opens @engine on first use, upscales and
 * writes the output (a temporary file renamed into place, removed when
 * @cancellable is cancelled). *@fatal is set when the model or the device
 * could not be opened, so that no other job can succeed. */
gboolean run_job (const Job *job, Engine *engine, const Options *options,
                  GCancellable *cancellable, gboolean *fatal, GError **error);

/* enlarge_image_load_full, with a hint at --max-megapixels when the
 * image is above the limit and a warning on stderr for an animation, of
 * which only the first frame is loaded. */
EnlargeImage *cli_load_input (const char *path, const EnlargeLoadOptions *load, GError **error);

/* With -v: enlarge_model_load prints which file of which folder it took
 * (a file missing from the first folder of the search path is taken from
 * a later one without a word otherwise). */
void cli_set_verbose (gboolean verbose);

/* enlarge_model_load, saying with -v where its files came from. */
EnlargeNet *cli_model_load (const char *id, GError **error);

/* Watches SIGINT, SIGTERM and SIGHUP (a GLib unix signal source on a
 * thread of its own, since the work runs on the main thread) and cancels
 * the returned cancellable when one arrives, so that the run stops and
 * the save removes its temporary file. A second signal ends the program
 * at once. Call once; the cancellable lives as long as the program. */
GCancellable *cli_signals_watch (void);

/* When a watched signal arrived: ends the program as that signal does by
 * default (the shell sees 130, 143 or 129). Returns otherwise. */
void cli_signals_exit_if_received (void);

/* Parses a finite number for a GOption callback; "nan" and "inf" are
 * refused, since NAN means "not given" inside the CLI. */
gboolean cli_parse_finite (const char *option_name, const char *value, double *result,
                           GError **error);

G_END_DECLS
