/* enlarge-cli's videos and animations; see enlarge-video.h. The work is
 * src/video/enlarge-video-job.c, which the app runs too: this file maps
 * the options onto it, prints the progress and turns SIGINT, SIGTERM and
 * SIGHUP into a cancellation. */

#include "config.h"

#include "enlarge-video.h"

#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "enlarge.h"

#if HAVE_GSTREAMER
#include <glib-unix.h>

#include "enlarge-animation.h"
#include "enlarge-video-job.h"
#endif

gboolean
enlarge_video_wanted (const Options *options)
{
#if HAVE_GSTREAMER
  for (guint i = 0; options->inputs != NULL && options->inputs[i] != NULL; i++)
    {
      if (!enlarge_video_is_video (options->inputs[i]))
        continue;
      if (!enlarge_animation_is_animated (options->inputs[i]))
        return TRUE;
      /* an animation asked to become a still (--format, or an output
       * named .png, .jpg or .tif) is its first frame, with a warning, as
       * without video support */
      const char *still = options->format != NULL ? options->format
                          : options->output != NULL
                            ? enlarge_image_format_for_path (options->output) : NULL;
      return still == NULL || g_str_equal (still, "webp");
    }
  return FALSE;
#else
  /* without GStreamer: the video names, so that the message says why */
  static const char *const video_extensions[] = {
    ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".ogv", ".mpg", ".mpeg", ".ts", ".mts", ".wmv", ".flv", NULL
  };
  for (guint i = 0; options->inputs != NULL && options->inputs[i] != NULL; i++)
    {
      g_autofree char *lower = g_ascii_strdown (options->inputs[i], -1);
      for (guint j = 0; video_extensions[j] != NULL; j++)
        if (g_str_has_suffix (lower, video_extensions[j]))
          return TRUE;
    }
  return FALSE;
#endif
}

#if !HAVE_GSTREAMER

int
enlarge_video_run (const Options *options)
{
  print_error (_("this enlarge-cli was built without GStreamer, so it cannot read videos; "
                 "install GStreamer's development files and build again"));
  return EXIT_FAILED;
}

#else

typedef struct {
  const Options *options;
  EnlargeVideoJob *job;
  GCancellable *cancellable;
  char *name;
  int interrupted;          /* the signal that stopped the run, or 0 */
  gint64 start_us;
  int last_printed;
  gboolean tty;
  gboolean line_open;
} Run;

static void
print_progress (Run *run, gboolean last)
{
  int done = enlarge_video_job_get_frames_done (run->job);
  gint64 frames_total = enlarge_video_job_get_frames_total (run->job);
  double elapsed = (g_get_monotonic_time () - run->start_us) / 1e6;
  double fps = elapsed > 0 ? done / elapsed : 0;
  g_autofree char *total = frames_total > 0 ? g_strdup_printf ("/%" G_GINT64_FORMAT, frames_total)
                                            : g_strdup ("");
  g_autofree char *eta = frames_total > done && done > 0
                         ? g_strdup_printf (_(", ETA %.0f s"), (frames_total - done) / fps)
                         : g_strdup ("");
  g_autofree char *line = last
    ? g_strdup_printf (ngettext ("%s: %d frame in %.1f s, %.2f frames/s",
                                 "%s: %d frames in %.1f s, %.2f frames/s", done),
                       run->name, done, elapsed, fps)
    /* Translators: FILE: frame DONE/TOTAL (or DONE), FPS frames/s,
     * SECONDS s elapsed, then the ETA or nothing */
    : g_strdup_printf (_("%s: frame %d%s, %.2f frames/s, %.1f s elapsed%s"), run->name, done,
                       total, fps, elapsed, eta);

  if (run->options->quiet || (!last && done == run->last_printed))
    return;
  run->last_printed = done;
  if (run->tty)
    {
      fprintf (stderr, "\r%s\033[K", line);
      run->line_open = !last;
      if (last)
        fputc ('\n', stderr);
    }
  else
    fprintf (stderr, "%s\n", line);
  fflush (stderr);
}

static gboolean
on_tick (gpointer user_data)
{
  print_progress (user_data, FALSE);
  return G_SOURCE_CONTINUE;
}

static gboolean
interrupt (Run *run, int signum)
{
  run->interrupted = signum;
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigint (gpointer user_data)
{
  return interrupt (user_data, SIGINT);
}

static gboolean
on_sigterm (gpointer user_data)
{
  return interrupt (user_data, SIGTERM);
}

static gboolean
on_sighup (gpointer user_data)
{
  return interrupt (user_data, SIGHUP);
}

/* from any thread: whole lines, which stdio writes at once */
static void
on_warning (const char *message, gpointer user_data)
{
  /* Translators: a warning from the video job, already translated */
  print_error (_("warning: %s"), message);
}

int
enlarge_video_run (const Options *options)
{
  if (g_strv_length (options->inputs) != 1)
    return usage_error (_("videos are enlarged one at a time: give one input with -o"));
  if (options->tta || options->target_mp > 0 || options->alpha_mode != ENLARGE_ALPHA_MODEL)
    return usage_error (_("--tta, --target-mp and --alpha do not apply to videos"));
  if (options->format != NULL)
    return usage_error (_("--format is for images; a video's container comes from the output name"));

  const char *input = options->inputs[0];
  g_autofree char *output = NULL;
  if (options->output != NULL && g_file_test (options->output, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *beside = enlarge_video_default_output (input, options->scale);
      g_autofree char *name = g_path_get_basename (beside);
      output = g_build_filename (options->output, name, NULL);
    }
  else
    output = g_strdup (options->output);

  EnlargeVideoSettings settings = {
    .model = options->model,
    .scale = options->scale,
    .creativity = options->creativity,
    .tile = options->tile,
    .device = options->device,
    .quality = options->quality > 0 ? options->quality : 0,
    .lossless = options->lossless,
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeVideoJob) job = enlarge_video_job_new (input, output, &settings, &error);
  if (job == NULL)
    {
      if (g_error_matches (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT))
        return usage_error ("%s", error->message);
      print_error ("%s", error->message);
      return EXIT_FAILED;
    }

  int width, height, out_width, out_height;
  enlarge_video_job_get_size (job, &width, &height, &out_width, &out_height);
  gint64 frames_total = enlarge_video_job_get_frames_total (job);
  const char *out = enlarge_video_job_get_output (job);
  if (options->dry_run)
    {
      const EnlargeModelInfo *model = enlarge_model_lookup (options->model);
      EnlargeSettings plan_settings = { options->creativity, options->scale, 0, ENLARGE_ALPHA_MODEL, FALSE };
      EnlargePlan plan;
      if (!enlarge_plan_compute (&plan_settings, model->scale, width, height, &plan, &error))
        return usage_error ("%s", error->message);
      g_autofree char *text = enlarge_plan_describe (&plan);
      /* Translators: INPUT: PLAN, N frames → OUTPUT */
      printf (ngettext ("%s: %s, %" PRId64 " frame → %s\n", "%s: %s, %" PRId64 " frames → %s\n",
                        (unsigned long) MAX (frames_total, 0)),
              input, text, (int64_t) frames_total, out);
      return EXIT_OK;
    }

  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Run run = { options, job, cancellable };
  run.name = g_path_get_basename (input);
  run.tty = isatty (STDERR_FILENO);
  run.last_printed = -1;
  if (!options->quiet)
    /* Translators: FILE: WIDTH × HEIGHT, N frames → OUTPUT */
    fprintf (stderr, ngettext ("%s: %d × %d, %" PRId64 " frame → %s\n",
                               "%s: %d × %d, %" PRId64 " frames → %s\n",
                               (unsigned long) MAX (frames_total, 0)),
             run.name, width, height, (int64_t) frames_total, out);

  /* on the default context, which the job iterates on this thread */
  guint sigint = g_unix_signal_add (SIGINT, on_sigint, &run);
  guint sigterm = g_unix_signal_add (SIGTERM, on_sigterm, &run);
  guint sighup = g_unix_signal_add (SIGHUP, on_sighup, &run);
  guint tick = g_timeout_add (run.tty ? 250 : 1000, on_tick, &run);
  run.start_us = g_get_monotonic_time ();
  gboolean ok = enlarge_video_job_run (job, cancellable, on_warning, NULL, &error);
  g_source_remove (tick);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_source_remove (sighup);

  int status = EXIT_OK;
  if (!ok && run.line_open)
    fputc ('\n', stderr);
  if (!ok && run.interrupted)
    {
      print_error (_("%s: interrupted; nothing written"), run.name);
      status = 128 + run.interrupted;   /* what the shell shows for the signal */
    }
  else if (!ok)
    {
      print_error ("%s: %s", run.name, error->message);
      status = error->domain == ENLARGE_ERROR ? fatal_exit_status (error) : EXIT_FAILED;
    }
  else
    {
      print_progress (&run, TRUE);
      g_autofree char *absolute = g_canonicalize_filename (out, NULL);
      printf ("wrote %s\n", absolute);
    }
  g_free (run.name);
  return status;
}

#endif
