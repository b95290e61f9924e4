/* enlarge-window-video.c: videos and animations in the main window.
 *
 * A video opens on its first frame, which becomes the window's input like
 * any still: Upscale, before/after (split and side by side), Preview
 * Region and Compare Models all work on the frame shown. The scrubber
 * under the picture picks the frame (enlarge-video-frames.c, off the main
 * thread); "Upscale Video" runs the job enlarge-cli runs
 * (src/video/enlarge-video-job.c) on a worker thread into a new file
 * beside the input, with frames done, ETA and Cancel in the progress box
 * over the picture. */

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "enlarge-window-private.h"

#if HAVE_GSTREAMER

#include "enlarge-animation.h"
#include "enlarge-video-frames.h"
#include "enlarge-video-job.h"

/* One Upscale Video: what the worker thread reads and reports. An atomic
 * reference-counted box, shared by the window and the thread. */
typedef struct {
  char *input, *output;
  char *model, *device;
  EnlargeVideoSettings settings;   /* its strings are the ones above */
  GCancellable *cancellable;
  gint frames_done;                /* atomic, from the worker */
  gint frames_total;               /* atomic; -1 unknown */
  GMutex lock;
  GPtrArray *warnings;             /* under lock */
} VideoRun;

static void
video_run_clear (gpointer data)
{
  VideoRun *run = data;

  g_free (run->input);
  g_free (run->output);
  g_free (run->model);
  g_free (run->device);
  g_clear_object (&run->cancellable);
  g_mutex_clear (&run->lock);
  g_ptr_array_unref (run->warnings);
}

static void
video_run_unref (VideoRun *run)
{
  g_atomic_rc_box_release_full (run, video_run_clear);
}

/* The video open in the window: an atomic reference-counted box, as the
 * threads that fetch its frames hold it too. Only the frames are used off
 * the main thread. */
struct _EnlargeWindowVideo {
  GFile *file;
  EnlargeVideoFrames *frames;
  double duration, step, last_start;
  guint frames_shown;
  double shown_start;
  GCancellable *fetch_cancellable;   /* set while a frame is fetched */
  gboolean fetch_again;              /* the scrubber moved meanwhile */
  /* Upscale Video */
  VideoRun *run;
  guint tick_id;
  gint64 started;
  GFile *output;
};

typedef struct _EnlargeWindowVideo Video;
static void video_unref (Video *video);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Video, video_unref)

static void
video_clear (gpointer data)
{
  Video *video = data;

  g_clear_object (&video->file);
  g_clear_pointer (&video->frames, enlarge_video_frames_free);
  g_clear_object (&video->fetch_cancellable);
  g_clear_object (&video->output);
  g_clear_pointer (&video->run, video_run_unref);
}

static Video *
video_ref (Video *video)
{
  return g_atomic_rc_box_acquire (video);
}

static void
video_unref (Video *video)
{
  g_atomic_rc_box_release_full (video, video_clear);
}

/* "1:02.5" */
static char *
format_time (double seconds)
{
  int tenths = (int) floor (MAX (seconds, 0) * 10 + 0.5);

  return g_strdup_printf ("%d:%02d.%d", tenths / 600, tenths / 10 % 60, tenths % 10);
}

static void
update_time_label (EnlargeWindow *self)
{
  g_autofree char *now = format_time (self->video->shown_start);
  g_autofree char *end = format_time (self->video->duration);
  /* Translators: the time of the frame shown and the video's length */
  g_autofree char *text = g_strdup_printf (_("%s / %s"), now, end);

  gtk_label_set_label (self->video_time, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->video_scale),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, text, -1);
}

/* ---- frames ------------------------------------------------------------- */

static void fetch_frame (EnlargeWindow *self);

static void
fetch_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Video *video = task_data;
  double *at = g_object_get_data (G_OBJECT (task), "at");
  double start = 0;
  GError *error = NULL;
  EnlargeImage *frame = enlarge_video_frames_get (video->frames, *at, &start, &error);

  if (frame == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  *at = start;
  g_task_return_pointer (task, frame, (GDestroyNotify) enlarge_image_unref);
}

static void
on_frame_fetched (GObject *source, GAsyncResult *res, gpointer user_data)
{
  EnlargeWindow *self = ENLARGE_WINDOW (source);
  Video *video = g_task_get_task_data (G_TASK (res));
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) frame = g_task_propagate_pointer (G_TASK (res), &error);

  if (video != self->video)
    return;   /* another file opened meanwhile */
  g_clear_object (&video->fetch_cancellable);
  if (frame == NULL)
    {
      /* Translators: a frame of the video could not be decoded; the reason follows */
      g_autofree char *text = g_strdup_printf (_("Could not show the frame: %s"), error->message);
      _enlarge_window_show_toast (self, text);
    }
  else
    {
      video->shown_start = *(double *) g_object_get_data (G_OBJECT (res), "at");
      video->frames_shown++;
      _enlarge_window_show_frame (self, frame);
      update_time_label (self);
    }
  if (video->fetch_again)
    fetch_frame (self);
  _enlarge_window_update_state (self);
}

/* The frame at the scrubber's position, one fetch at a time: a move
 * during a fetch asks for one more at the end, at the latest position. */
static void
fetch_frame (EnlargeWindow *self)
{
  Video *video = self->video;

  if (video->fetch_cancellable != NULL)
    {
      video->fetch_again = TRUE;
      return;
    }
  video->fetch_again = FALSE;
  video->fetch_cancellable = g_cancellable_new ();
  g_autoptr (GTask) task = g_task_new (self, video->fetch_cancellable, on_frame_fetched, NULL);
  double *at = g_new (double, 1);
  *at = gtk_adjustment_get_value (self->video_adjustment);
  g_object_set_data_full (G_OBJECT (task), "at", at, g_free);
  g_task_set_task_data (task, video_ref (video), (GDestroyNotify) video_unref);
  g_task_run_in_thread (task, fetch_thread);
}

static void
on_scrubbed (GtkAdjustment *adjustment, EnlargeWindow *self)
{
  if (self->video != NULL && !self->applying)
    fetch_frame (self);
}

/* ---- opening ------------------------------------------------------------ */

typedef struct {
  Video *video;         /* NULL: a still after all */
  EnlargeImage *first;
} Opened;

static void
opened_free (Opened *opened)
{
  g_clear_pointer (&opened->video, video_unref);
  g_clear_pointer (&opened->first, enlarge_image_unref);
  g_free (opened);
}

static void
open_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autofree char *path = g_file_get_path (file);
  Opened *opened = g_new0 (Opened, 1);
  GError *error = NULL;

  /* a still .gif or .webp goes the still way */
  if (!enlarge_video_is_video (path))
    {
      g_task_return_pointer (task, opened, (GDestroyNotify) opened_free);
      return;
    }
  g_autoptr (EnlargeVideoFrames) frames = enlarge_video_frames_open (path, &error);
  double start = 0;
  if (frames != NULL)
    opened->first = enlarge_video_frames_get (frames, 0, &start, &error);
  if (opened->first == NULL)
    {
      opened_free (opened);
      g_task_return_error (task, error);
      return;
    }
  opened->video = g_atomic_rc_box_new0 (Video);
  opened->video->file = g_object_ref (file);
  opened->video->duration = enlarge_video_frames_get_duration (frames);
  opened->video->step = enlarge_video_frames_get_frame_duration (frames);
  opened->video->last_start = enlarge_video_frames_get_last_start (frames);
  opened->video->shown_start = start;
  opened->video->frames = g_steal_pointer (&frames);
  g_task_return_pointer (task, opened, (GDestroyNotify) opened_free);
}

static void
on_opened (GObject *source, GAsyncResult *res, gpointer user_data)
{
  EnlargeWindow *self = ENLARGE_WINDOW (source);
  GFile *file = g_task_get_task_data (G_TASK (res));
  g_autoptr (GError) error = NULL;
  Opened *opened = g_task_propagate_pointer (G_TASK (res), &error);

  if (g_task_get_cancellable (G_TASK (res)) != self->load_cancellable)
    {
      g_clear_pointer (&opened, opened_free);
      return;   /* a later open replaced this one */
    }
  g_clear_object (&self->load_cancellable);
  if (opened == NULL)
    {
      g_autofree char *name = g_file_get_basename (file);
      /* Translators: a file could not be opened; the reason follows */
      g_autofree char *text = g_strdup_printf (_("Could not open “%s”: %s"), name, error->message);
      _enlarge_window_show_toast (self, text);
      _enlarge_window_update_state (self);
      return;
    }
  if (opened->video == NULL)
    _enlarge_window_load_still (self, file, NULL, NULL);
  else
    {
      g_clear_pointer (&self->video_pending, video_unref);
      self->video_pending = g_steal_pointer (&opened->video);
      /* asks first when an unsaved result would be lost */
      _enlarge_window_open_loaded (self, opened->first, file, NULL, NULL);
    }
  opened_free (opened);
  _enlarge_window_update_state (self);
}

gboolean
_enlarge_window_video_open (EnlargeWindow *self,
                            GFile         *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *ext = path != NULL ? enlarge_animation_extension (path) : NULL;

  /* the name decides whether to look inside (off the main thread) */
  if (ext == NULL || (!g_str_equal (ext, "gif") && !g_str_equal (ext, "webp") && !enlarge_video_is_video (path)))
    return FALSE;
  if (self->load_cancellable)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  g_autoptr (GTask) task = g_task_new (self, self->load_cancellable, on_opened, NULL);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, open_thread);
  _enlarge_window_update_state (self);
  return TRUE;
}

static void
stop_run (Video *video)
{
  if (video->run != NULL)
    g_cancellable_cancel (video->run->cancellable);
  g_clear_handle_id (&video->tick_id, g_source_remove);
}

static void
forget_video (EnlargeWindow *self)
{
  if (self->video == NULL)
    return;
  stop_run (self->video);
  if (self->video->fetch_cancellable != NULL)
    g_cancellable_cancel (self->video->fetch_cancellable);
  g_clear_pointer (&self->video, video_unref);
}

void
_enlarge_window_video_shown (EnlargeWindow *self,
                             GFile         *file)
{
  if (self->video != NULL && file != NULL && g_file_equal (self->video->file, file) &&
      self->video_pending == NULL)
    return;
  forget_video (self);
  if (self->video_pending == NULL || file == NULL || !g_file_equal (self->video_pending->file, file))
    {
      g_clear_pointer (&self->video_pending, video_unref);
      return;
    }
  self->video = g_steal_pointer (&self->video_pending);
  /* one step is one frame (an animation's shortest delay); Page Up and
   * Page Down ten; the end is where the last frame starts */
  double step = self->video->step > 0 ? self->video->step : 0.1;
  self->applying = TRUE;
  gtk_adjustment_configure (self->video_adjustment, self->video->shown_start, 0,
                            self->video->last_start, step, 10 * step, 0);
  self->applying = FALSE;
  update_time_label (self);
}

/* ---- Upscale Video ------------------------------------------------------ */

static void
on_run_warning (const char *message, gpointer user_data)
{
  VideoRun *run = user_data;
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&run->lock);

  g_ptr_array_add (run->warnings, g_strdup (message));
}

static gboolean
copy_frames_done (gpointer user_data)
{
  gpointer *pair = user_data;

  g_atomic_int_set (&((VideoRun *) pair[0])->frames_done,
                    enlarge_video_job_get_frames_done (pair[1]));
  return G_SOURCE_CONTINUE;
}

/* The job on its own main context, so that its bus and the progress copy
 * run on this thread. */
static void
run_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  VideoRun *run = task_data;
  GError *error = NULL;
  g_autoptr (GMainContext) context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  g_autoptr (EnlargeVideoJob) job = enlarge_video_job_new (run->input, run->output, &run->settings, &error);
  gboolean ok = job != NULL;
  if (ok)
    {
      gpointer pair[2] = { run, job };
      g_atomic_int_set (&run->frames_total, (int) enlarge_video_job_get_frames_total (job));
      GSource *tick = g_timeout_source_new (100);
      g_source_set_callback (tick, copy_frames_done, pair, NULL);
      g_source_attach (tick, context);
      ok = enlarge_video_job_run (job, cancellable, on_run_warning, run, &error);
      g_source_destroy (tick);
      g_source_unref (tick);
      copy_frames_done (pair);
    }
  g_clear_pointer (&job, enlarge_video_job_free);   /* removes what a failure left */
  g_main_context_pop_thread_default (context);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
run_tick (gpointer user_data)
{
  EnlargeWindow *self = user_data;
  VideoRun *run = self->video->run;
  int done = g_atomic_int_get (&run->frames_done);
  int total = g_atomic_int_get (&run->frames_total);
  double elapsed = (g_get_monotonic_time () - self->video->started) / (double) G_USEC_PER_SEC;
  g_autofree char *elapsed_text = _enlarge_window_format_duration (elapsed);
  g_autofree char *label = NULL;

  if (done > 0 && total > 0)
    {
      g_autofree char *text = NULL;
      g_clear_handle_id (&self->pulse_id, g_source_remove);
      gtk_progress_bar_set_fraction (self->progress_bar, MIN ((double) done / total, 1.0));
      /* Translators: progress of Upscale Video */
      text = g_strdup_printf (ngettext ("%d of %d frame", "%d of %d frames", total), done, total);
      gtk_progress_bar_set_text (self->progress_bar, text);
    }
  if (done > 0 && total > done)
    {
      g_autofree char *eta = _enlarge_window_format_duration (elapsed / done * (total - done));
      label = g_strdup_printf (_("%s elapsed, about %s left"), elapsed_text, eta);
    }
  else
    label = g_strdup_printf (_("%s elapsed"), elapsed_text);
  gtk_label_set_label (self->progress_label, label);
  return G_SOURCE_CONTINUE;
}

static void
on_run_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  EnlargeWindow *self = ENLARGE_WINDOW (source);
  VideoRun *run = g_task_get_task_data (G_TASK (res));
  g_autoptr (Video) video = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (res), &error);

  GApplication *held = g_object_get_data (G_OBJECT (res), "held");
  if (held != NULL)
    g_application_release (held);
  if (video->run == run)
    {
      g_clear_handle_id (&video->tick_id, g_source_remove);
      g_clear_pointer (&video->run, video_run_unref);
    }
  if (video != self->video)
    {
      _enlarge_window_update_state (self);
      return;   /* another file is shown: the run was cancelled */
    }
  g_autofree char *name = g_path_get_basename (run->output);
  if (ok)
    {
      g_autoptr (GString) text = g_string_new (NULL);
      g_clear_object (&video->output);
      video->output = g_file_new_for_path (run->output);
      /* Translators: Upscale Video wrote this file */
      g_string_printf (text, _("Saved “%s”"), name);
      g_mutex_lock (&run->lock);
      for (guint i = 0; i < run->warnings->len; i++)
        g_string_append_printf (text, " · %s", (const char *) run->warnings->pdata[i]);
      g_mutex_unlock (&run->lock);
      _enlarge_window_show_toast (self, text->str);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _enlarge_window_show_toast (self, _("Upscale Video cancelled; nothing was written"));
  else
    _enlarge_window_show_error (self, _("Could Not Upscale the Video"), error->message);
  _enlarge_window_update_state (self);
}

/* NAME-enlarged-2x.EXT beside the input, or -2, -3, … before the
 * extension when that exists: never a file that is there already */
static char *
free_output (const char *input, double scale)
{
  g_autofree char *first = enlarge_video_default_output (input, scale);
  const char *dot = strrchr (first, '.');
  g_autofree char *stem = g_strndup (first, dot - first);

  if (!g_file_test (first, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK))
    return g_steal_pointer (&first);
  for (int i = 2;; i++)
    {
      char *candidate = g_strdup_printf ("%s-%d%s", stem, i, dot);
      if (!g_file_test (candidate, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK))
        return candidate;
      g_free (candidate);
    }
}

static void
upscale_video_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  EnlargeWindow *self = ENLARGE_WINDOW (widget);
  Video *video = self->video;

  if (video == NULL || video->run != NULL)
    return;
  g_autoptr (EnlargeJobSettings) settings = _enlarge_window_collect_settings (self);
  if (settings->model == NULL)
    {
      _enlarge_window_show_toast (self, _("No models are installed"));
      return;
    }
  g_autofree char *input = g_file_get_path (video->file);
  /* the frame's run and the preview would share the device */
  _enlarge_window_stop_job (self);
  _enlarge_window_clear_preview (self);

  VideoRun *run = g_atomic_rc_box_new0 (VideoRun);
  g_mutex_init (&run->lock);
  run->warnings = g_ptr_array_new_with_free_func (g_free);
  run->input = g_steal_pointer (&input);
  run->output = free_output (run->input, enlarge_job_settings_effective_scale (settings));
  run->model = g_strdup (settings->model);
  run->device = g_strdup (settings->device);
  run->settings = (EnlargeVideoSettings) {
    .model = run->model,
    .scale = settings->scale,
    .creativity = settings->creativity,
    .tile = settings->tile_size,
    .device = run->device,
  };
  run->cancellable = g_cancellable_new ();
  run->frames_total = -1;
  video->run = run;
  video->started = g_get_monotonic_time ();

  _enlarge_window_progress_start (self);
  gtk_label_set_label (self->progress_label, "");
  video->tick_id = g_timeout_add (250, run_tick, self);
  /* the application lives until the run has stopped and removed its
   * temporary file, even when its window closes first */
  GApplication *application = g_application_get_default ();
  g_autoptr (GTask) task = g_task_new (self, run->cancellable, on_run_done, video_ref (video));
  if (application != NULL)
    {
      g_application_hold (application);
      g_object_set_data_full (G_OBJECT (task), "held", g_object_ref (application), g_object_unref);
    }
  g_task_set_task_data (task, g_atomic_rc_box_acquire (run), (GDestroyNotify) video_run_unref);
  g_task_run_in_thread (task, run_thread);
  _enlarge_window_update_state (self);
}

gboolean
_enlarge_window_video_running (EnlargeWindow *self)
{
  return self->video != NULL && self->video->run != NULL;
}

void
_enlarge_window_video_cancel (EnlargeWindow *self)
{
  if (self->video != NULL && self->video->run != NULL)
    g_cancellable_cancel (self->video->run->cancellable);
}

void
_enlarge_window_video_update_state (EnlargeWindow *self)
{
  GtkWidget *w = GTK_WIDGET (self);
  gboolean running = _enlarge_window_video_running (self);
  gboolean batch = self->queue && enlarge_queue_get_running (self->queue);

  gtk_widget_set_visible (self->video_bar, self->video != NULL);
  gtk_widget_set_visible (self->upscale_video_button, self->video != NULL);
  /* for a video, Upscale is the frame shown */
  gtk_button_set_label (self->upscale_button, self->video != NULL ? _("Upscale _Frame") : _("_Upscale"));
  gtk_widget_action_set_enabled (w, "win.upscale-video", self->video != NULL && !running && !batch &&
                                                         enlarge_window_get_model (self) != NULL);
  if (running)
    {
      /* one thing at a time on the device */
      gtk_widget_action_set_enabled (w, "win.upscale", FALSE);
      gtk_widget_action_set_enabled (w, "win.upscale-all", FALSE);
      gtk_widget_action_set_enabled (w, "win.cancel", TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->progress_box), TRUE);
    }
}

void
_enlarge_window_video_dispose (EnlargeWindow *self)
{
  forget_video (self);
  g_clear_pointer (&self->video_pending, video_unref);
}

static void
video_init_adjustment (EnlargeWindow *self)
{
  g_signal_connect (self->video_adjustment, "value-changed", G_CALLBACK (on_scrubbed), self);
}

/* ---- for tests ---------------------------------------------------------- */

guint
enlarge_window_get_video_frames_shown (EnlargeWindow *self)
{
  return self->video != NULL ? self->video->frames_shown : 0;
}

gboolean
enlarge_window_get_video_seeking (EnlargeWindow *self)
{
  return self->video != NULL && (self->video->fetch_cancellable != NULL || self->video->fetch_again);
}

GFile *
enlarge_window_get_video_output (EnlargeWindow *self)
{
  return self->video != NULL ? self->video->output : NULL;
}

#else   /* !HAVE_GSTREAMER: every file is a still */

gboolean
_enlarge_window_video_open (EnlargeWindow *self, GFile *file)
{
  return FALSE;
}

void
_enlarge_window_video_shown (EnlargeWindow *self, GFile *file)
{
}

gboolean
_enlarge_window_video_running (EnlargeWindow *self)
{
  return FALSE;
}

void
_enlarge_window_video_cancel (EnlargeWindow *self)
{
}

void
_enlarge_window_video_update_state (EnlargeWindow *self)
{
  gtk_widget_set_visible (self->video_bar, FALSE);
  gtk_widget_set_visible (self->upscale_video_button, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.upscale-video", FALSE);
}

void
_enlarge_window_video_dispose (EnlargeWindow *self)
{
}

static void
upscale_video_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
}

static void
video_init_adjustment (EnlargeWindow *self)
{
}

guint
enlarge_window_get_video_frames_shown (EnlargeWindow *self)
{
  return 0;
}

gboolean
enlarge_window_get_video_seeking (EnlargeWindow *self)
{
  return FALSE;
}

GFile *
enlarge_window_get_video_output (EnlargeWindow *self)
{
  return NULL;
}

#endif

void
_enlarge_window_class_video_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.upscale-video", NULL, upscale_video_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.upscale-video", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.upscale-video", NULL);
}

void
_enlarge_window_video_init (EnlargeWindow *self)
{
  video_init_adjustment (self);
}

gboolean
enlarge_window_get_video (EnlargeWindow *self)
{
  return self->video != NULL;
}

GtkAdjustment *
enlarge_window_get_video_adjustment (EnlargeWindow *self)
{
  return self->video_adjustment;
}

gboolean
enlarge_window_get_video_running (EnlargeWindow *self)
{
  return _enlarge_window_video_running (self);
}
