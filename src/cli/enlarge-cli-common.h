/* What enlarge-cli's main program and its other modes (--compare,
 * --shard/--from in enlarge-shard.c, the realesrgan-ncnn-vulkan front end
 * in enlarge-compat.c) share: the exit statuses, the way messages go to
 * stderr, the parsed options and the functions that plan and run a job
 * (enlarge-cli.c). */

#pragma once

#include <glib.h>

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
  gboolean list_presets;
  gboolean dry_run;
  char *format;        /* canonical after parsing; NULL = from the extension */
  int quality;         /* G_MININT = not given */
  gboolean lossless;
  gboolean keep_gps;
  char *alpha;
  EnlargeAlphaMode alpha_mode;
  gboolean tta;
  int tile;
  char *device;
  gboolean list_models;
  gboolean list_devices;
  gboolean quiet;
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
 * would replace an input, or that two inputs would both write. Returns
 * EXIT_OK or EXIT_USAGE (the message printed). */
int plan_jobs (const Options *options, double scale, GPtrArray *jobs);

/* Runs one job: loads the input, opens @engine on first use, upscales and
 * writes the output (a temporary file renamed into place). *@fatal is set
 * when the model or the device could not be opened, so that no other job
 * can succeed. */
gboolean run_job (const Job *job, Engine *engine, const Options *options, gboolean *fatal,
                  GError **error);

G_END_DECLS
