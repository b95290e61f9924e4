/* enlarge-window.c: the main window: its state, the upscale job, loading
 * and closing. Its other parts: enlarge-window-actions.c (open, save,
 * zoom, compare), -controls.c (presets and sliders), -dnd.c (drops and
 * paste), -guards.c (the questions before work is lost), -preview.c
 * (Preview Region) and -queue.c (several files). */

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "enlarge-estimate.h"
#include "enlarge-file-io.h"
#include "enlarge-a11y.h"
#include "enlarge-window-private.h"

/* Settings changes while a job runs restart it after this pause (ms). */
#define RESTART_DELAY_MS 400

G_DEFINE_FINAL_TYPE (EnlargeWindow, enlarge_window, ADW_TYPE_APPLICATION_WINDOW)

void
_enlarge_window_add_toast (EnlargeWindow *self,
                           AdwToast      *toast,
                           const char    *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  self->toast_count++;
  g_free (self->last_toast);
  self->last_toast = g_strdup (text);
  /* toasts are not read out on GTK 4.8: the status line under Upscale
   * (a live region) says the same; newer GTK announces it too */
  gtk_label_set_label (self->status_label, text);
#if GTK_CHECK_VERSION (4, 14, 0)
  gtk_accessible_announce (GTK_ACCESSIBLE (self), text, GTK_ACCESSIBLE_ANNOUNCEMENT_PRIORITY_MEDIUM);
#endif
}

void
_enlarge_window_show_toast (EnlargeWindow *self,
                            const char    *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);

  _enlarge_window_add_toast (self, adw_toast_new (markup), text);
}

void
_enlarge_window_show_error (EnlargeWindow *self,
                            const char    *heading,
                            const char    *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  enlarge_a11y_name_controls (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

char *
_enlarge_window_format_duration (double seconds)
{
  int s = (int) round (MAX (seconds, 0));

  if (s >= 3600)
    return g_strdup_printf ("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  return g_strdup_printf ("%d:%02d", s / 60, s % 60);
}

static void
update_zoom_label (EnlargeWindow *self)
{
  g_autofree char *text = NULL;

  if (enlarge_compare_view_get_fit (self->compare_view))
    text = g_strdup (_("Fit"));
  else
    /* Translators: zoom level */
    text = g_strdup_printf (_("%.0f %%"), enlarge_compare_view_get_zoom (self->compare_view) * 100);
  gtk_label_set_label (self->zoom_label, text);
  {
    /* Translators: the zoom button for screen readers, with the zoom level */
    g_autofree char *spoken = g_strdup_printf (_("Zoom: %s"), text);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->zoom_button),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, spoken, -1);
  }
}

void
_enlarge_window_update_state (EnlargeWindow *self)
{
  GtkWidget *w = GTK_WIDGET (self);
  gboolean running = self->job.job != NULL;
  gboolean has_input = self->input != NULL;
  gboolean batch = self->queue && enlarge_queue_get_running (self->queue);
  gboolean to_do = self->queue && enlarge_queue_get_has_work (self->queue);
  guint queued = self->queue ? g_list_model_get_n_items (G_LIST_MODEL (self->queue)) : 0;

  gtk_widget_action_set_enabled (w, "win.upscale", has_input && !running && !batch &&
                                                   enlarge_window_get_model (self) != NULL);
  gtk_widget_action_set_enabled (w, "win.upscale-all", to_do && !batch && enlarge_window_get_model (self) != NULL);
  gtk_widget_action_set_enabled (w, "win.clear-queue", queued > 0 && !batch);
  gtk_widget_action_set_enabled (w, "win.cancel", running || self->restart_id != 0 || batch ||
                                                  self->preview_mode);
  gtk_widget_action_set_enabled (w, "win.save", self->result != NULL && !self->saving);
  gtk_widget_action_set_enabled (w, "win.save-as", self->result != NULL && !self->saving);
  gtk_widget_action_set_enabled (w, "win.zoom-in", has_input);
  gtk_widget_action_set_enabled (w, "win.zoom-out", has_input);
  gtk_widget_action_set_enabled (w, "win.zoom-fit", has_input);
  gtk_widget_action_set_enabled (w, "win.zoom-100", has_input);
  gtk_widget_action_set_enabled (w, "win.zoom-toggle", has_input);
  /* no comparison or preview while a batch holds the device */
  gtk_widget_action_set_enabled (w, "win.compare", has_input && !batch && self->model_ids != NULL &&
                                                   self->model_ids->len > 0);
  if (self->preview_action)
    g_simple_action_set_enabled (self->preview_action, has_input && !batch &&
                                                       enlarge_window_get_model (self) != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_box), running || self->restart_id != 0 || batch);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->progress_box)))
    g_clear_handle_id (&self->pulse_id, g_source_remove);
  gtk_widget_set_visible (self->outdated_box, !running && self->restart_id == 0 && !batch &&
                                              _enlarge_window_get_outdated (self));
  gtk_widget_set_visible (GTK_WIDGET (self->queue_group), queued > 0);
  gtk_widget_set_visible (self->preview_hint, self->preview_mode);
  gtk_stack_set_visible_child_name (self->stack, has_input ? "image" : "empty");

  if (has_input)
    {
      g_autofree char *name = enlarge_file_io_display_name (self->input_file);
      g_autofree char *subtitle = NULL;

      if (self->result)
        subtitle = g_strdup_printf (_("%s — %d × %d → %d × %d%s%s"), name,
                                    self->input->width, self->input->height,
                                    self->result->width, self->result->height,
                                    self->saved ? "" : _(" (unsaved)"),
                                    /* Translators: the result was made with other settings */
                                    _enlarge_window_get_outdated (self) ? _(" · settings changed") : "");
      else
        subtitle = g_strdup_printf (_("%s — %d × %d"), name,
                                    self->input->width, self->input->height);
      if (self->preview_mode && (self->preview_timeout_id != 0 || self->preview_cancellable != NULL))
        {
          /* Translators: the subtitle while the region preview runs */
          char *s = g_strdup_printf (_("%s · Previewing…"), subtitle);
          g_free (subtitle);
          subtitle = s;
        }
      else if (self->preview_mode && self->preview != NULL)
        {
          /* Translators: the subtitle, then how long the region preview took */
          char *s = g_strdup_printf (_("%s · Preview: %.1f s"), subtitle, self->preview_seconds);
          g_free (subtitle);
          subtitle = s;
        }
      adw_window_title_set_subtitle (self->window_title, subtitle);
    }
  else
    adw_window_title_set_subtitle (self->window_title, NULL);

  _enlarge_window_update_values (self);
  _enlarge_window_update_summary (self);
  update_zoom_label (self);
  _enlarge_window_video_update_state (self);
}

static void
clear_result (EnlargeWindow *self)
{
  g_clear_pointer (&self->result, enlarge_image_unref);
  g_clear_object (&self->result_texture);
  g_clear_pointer (&self->result_settings, enlarge_job_settings_free);
  g_clear_object (&self->saved_file);
  self->saved = FALSE;
}

/* Forgets the running job: its result, when it comes, is dropped. The
 * device lock in enlarge-job.c makes the next job wait until this one has
 * stopped, which takes at most one tile. */
void
_enlarge_window_stop_job (EnlargeWindow *self)
{
  g_clear_handle_id (&self->restart_id, g_source_remove);
  if (self->job.job == NULL)
    return;
  enlarge_job_slot_stop (&self->job);
  /* back to the previous result (or none) */
  if (self->compare_view)
    enlarge_compare_view_set_after (self->compare_view, self->result_texture, FALSE);
}

static gboolean
pulse (gpointer data)
{
  EnlargeWindow *self = data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

void
_enlarge_window_progress_start (EnlargeWindow *self)
{
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, _("Starting…"));
  /* nothing is measurable before the first tile, which can take long on a
   * CPU: show that work goes on */
  if (self->pulse_id == 0)
    self->pulse_id = g_timeout_add (100, pulse, self);
}

void
_enlarge_window_progress_tiles (EnlargeWindow *self,
                                int            done,
                                int            total)
{
  g_autofree char *text = NULL;

  if (total <= 0 || done <= 0)
    return;
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  gtk_progress_bar_set_fraction (self->progress_bar, (double) done / total);
  /* Translators: progress in tiles */
  text = g_strdup_printf (ngettext ("%d of %d tile", "%d of %d tiles", total), done, total);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
on_job_progress (EnlargeJob    *job,
                 EnlargeWindow *self)
{
  int done = enlarge_job_get_tiles_done (job);
  int total = enlarge_job_get_tiles_total (job);
  GdkTexture *preview = enlarge_job_get_preview (job);
  g_autofree char *elapsed = _enlarge_window_format_duration (enlarge_job_get_elapsed (job));
  g_autofree char *label = NULL;

  _enlarge_window_progress_tiles (self, done, total);
  if (enlarge_job_get_eta (job) >= 0 && done < total)
    {
      g_autofree char *eta = _enlarge_window_format_duration (enlarge_job_get_eta (job));
      label = g_strdup_printf (_("%s elapsed, about %s left"), elapsed, eta);
    }
  else
    label = g_strdup_printf (_("%s elapsed"), elapsed);
  gtk_label_set_label (self->progress_label, label);

  if (preview)
    enlarge_compare_view_set_after (self->compare_view, preview, TRUE);
}

static void
on_job_done (GObject      *owner,
             EnlargeJob   *job,
             EnlargeImage *image,
             const GError *error)
{
  EnlargeWindow *self = ENLARGE_WINDOW (owner);
  g_autoptr (EnlargeImage) result = image;

  if (result == NULL)
    {
      enlarge_compare_view_set_after (self->compare_view, self->result_texture, FALSE);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _enlarge_window_show_error (self, _("Could Not Upscale"), error->message);
      _enlarge_window_schedule_preview (self);
      _enlarge_window_update_state (self);
      return;
    }

  /* the next estimates use this computer's speed */
  if (self->input != NULL)
    {
      const EnlargeJobSettings *s = enlarge_job_get_settings (job);

      enlarge_estimate_store_rate (self->settings, s, enlarge_job_get_run_seconds (job),
                                   enlarge_estimate_work_mp (s, self->input->width, self->input->height,
                                                             self->input->n_channels));
    }
  clear_result (self);
  self->result_settings = enlarge_job_settings_copy (enlarge_job_get_settings (job));
  self->result = g_steal_pointer (&result);
  self->result_texture = enlarge_texture_new_for_image (self->result);
  enlarge_compare_view_set_after (self->compare_view, self->result_texture, FALSE);
  {
    double seconds = (g_get_monotonic_time () - self->job_started) / (double) G_USEC_PER_SEC;
    g_autofree char *took = seconds < 60 ? g_strdup_printf (_("%.0f s"), MAX (seconds, 1))
                                         : _enlarge_window_format_duration (seconds);
    /* Translators: how long an upscale took, e.g. "Done in 12 s" */
    g_autofree char *text = g_strdup_printf (_("Done in %s"), took);

    _enlarge_window_show_toast (self, text);
  }
  _enlarge_window_update_state (self);
}

void
_enlarge_window_start_job (EnlargeWindow *self)
{
  g_autoptr (EnlargeJobSettings) settings = NULL;

  _enlarge_window_stop_job (self);
  if (self->input == NULL)
    return;
  settings = _enlarge_window_collect_settings (self);
  if (settings->model == NULL)
    {
      _enlarge_window_show_toast (self, _("No models are installed"));
      return;
    }
  if (!_enlarge_window_may_start (self, settings))
    return;

  /* the full run replaces the preview */
  _enlarge_window_clear_preview (self);
  _enlarge_window_progress_start (self);
  gtk_label_set_label (self->progress_label, "");
  self->job_started = g_get_monotonic_time ();
  /* in the narrow layout the sidebar covers the image: fold it so the
   * result is seen as it comes */
  if (adw_flap_get_folded (self->flap))
    adw_flap_set_reveal_flap (self->flap, FALSE);
  enlarge_job_slot_start (&self->job, G_OBJECT (self), settings, self->input, NULL,
                          G_CALLBACK (on_job_progress), on_job_done);
  _enlarge_window_update_state (self);
}

static gboolean
restart_timeout (gpointer data)
{
  EnlargeWindow *self = data;

  self->restart_id = 0;
  _enlarge_window_start_job (self);
  return G_SOURCE_REMOVE;
}

/* A control changed: update the summary; a running job starts over with
 * the new settings once the controls have been still for a moment. */
void
_enlarge_window_settings_changed (EnlargeWindow *self)
{
  /* a fitted size follows the model and the target size */
  _enlarge_window_apply_size (self);
  if (self->job.job != NULL || self->restart_id != 0)
    {
      g_autoptr (EnlargeJobSettings) s = _enlarge_window_collect_settings (self);

      if (self->job.job == NULL ||
          !enlarge_job_settings_equal (s, enlarge_job_get_settings (self->job.job)))
        {
          _enlarge_window_stop_job (self);
          self->restart_id = g_timeout_add (RESTART_DELAY_MS, restart_timeout, self);
        }
    }
  _enlarge_window_schedule_preview (self);
  _enlarge_window_update_state (self);
}

/* @new_picture: another file (the view fits it, a preset is suggested);
 * otherwise another frame of the same video */
static void
set_input (EnlargeWindow *self,
           EnlargeImage  *image,
           GFile         *file,
           gboolean       new_picture)
{
  gboolean same_size = self->input != NULL && self->input->width == image->width &&
                       self->input->height == image->height;

  _enlarge_window_stop_job (self);
  clear_result (self);
  g_clear_pointer (&self->input, enlarge_image_unref);
  g_clear_object (&self->input_texture);
  g_set_object (&self->input_file, file);

  self->input = enlarge_image_ref (image);
  self->input_texture = enlarge_texture_new_for_image (image);
  _enlarge_window_clear_preview (self);
  enlarge_compare_view_set_after (self->compare_view, NULL, FALSE);
  enlarge_compare_view_set_before (self->compare_view, self->input_texture);
  if (new_picture || !same_size)
    enlarge_compare_view_zoom_fit (self->compare_view);
  if (new_picture)
    _enlarge_window_suggest_preset (self);
  /* a size that fits a box depends on the picture's */
  _enlarge_window_apply_size (self);
  if (self->preview_mode)
    {
      if (new_picture || !same_size)
        _enlarge_window_propose_region (self);
      _enlarge_window_schedule_preview (self);
    }
  _enlarge_window_update_state (self);
}

void
_enlarge_window_show_frame (EnlargeWindow *self,
                            EnlargeImage  *frame)
{
  set_input (self, frame, self->input_file, FALSE);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  EnlargeWindow *self = ENLARGE_WINDOW (source);
  GFile *file = enlarge_file_io_load_get_file (res);
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) result = NULL;
  g_autoptr (EnlargeImage) image = enlarge_file_io_load_finish (res, &result, &error);

  if (image == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *name = enlarge_file_io_display_name (file);
          g_autofree char *text = NULL;

          /* Translators: a file could not be opened; the reason follows */
          text = g_strdup_printf (_("Could not open “%s”: %s"), name, error->message);
          _enlarge_window_show_toast (self, text);
        }
      if (g_task_get_cancellable (G_TASK (res)) == self->load_cancellable)
        g_clear_object (&self->load_cancellable);
      return;
    }
  if (g_task_get_cancellable (G_TASK (res)) != self->load_cancellable)
    return;  /* a later open replaced this one */
  g_clear_object (&self->load_cancellable);
  _enlarge_window_open_loaded (self, image, file, result, enlarge_file_io_load_get_also (res));
}

void
_enlarge_window_show_loaded (EnlargeWindow *self,
                             EnlargeImage  *image,
                             GFile         *file,
                             EnlargeImage  *result,
                             GFile         *result_file)
{
  _enlarge_window_video_shown (self, file);
  set_input (self, image, file, TRUE);
  if (result)
    {
      /* a finished queue entry: its saved output is the result */
      self->result = enlarge_image_ref (result);
      self->result_texture = enlarge_texture_new_for_image (self->result);
      g_set_object (&self->saved_file, result_file);
      self->saved = TRUE;
      enlarge_compare_view_set_after (self->compare_view, self->result_texture, FALSE);
      _enlarge_window_update_state (self);
    }
}

gboolean
_enlarge_window_get_outdated (EnlargeWindow *self)
{
  g_autoptr (EnlargeJobSettings) now = NULL;

  /* a queue entry's saved output: what made it is not known */
  if (self->result == NULL || self->result_settings == NULL)
    return FALSE;
  now = _enlarge_window_collect_settings (self);
  return !enlarge_job_settings_same_result (self->result_settings, now);
}

gboolean
_enlarge_window_get_unsaved (EnlargeWindow *self)
{
  return self->result != NULL && !self->saved;
}

void
_enlarge_window_load_still (EnlargeWindow *self,
                            GFile         *file,
                            GBytes        *bytes,
                            GFile         *result_file)
{
  if (self->load_cancellable)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  enlarge_file_io_load_async (self, file, bytes, result_file, self->load_cancellable,
                              on_loaded, NULL);
}

void
_enlarge_window_load (EnlargeWindow *self,
                      GFile         *file,
                      GBytes        *bytes,
                      GFile         *result_file)
{
  /* a video: its first frame, off the main thread */
  if (file != NULL && bytes == NULL && result_file == NULL && _enlarge_window_video_open (self, file))
    return;
  _enlarge_window_load_still (self, file, bytes, result_file);
}

void
enlarge_window_open_file (EnlargeWindow *self,
                          GFile         *file)
{
  g_return_if_fail (ENLARGE_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  _enlarge_window_load (self, file, NULL, NULL);
}

static void
save_window_state (EnlargeWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
enlarge_window_close_request (GtkWindow *window)
{
  EnlargeWindow *self = ENLARGE_WINDOW (window);

  save_window_state (self);
  if (!_enlarge_window_may_close (self))
    return TRUE;
  _enlarge_window_stop_job (self);
  enlarge_queue_cancel (self->queue);
  return GTK_WINDOW_CLASS (enlarge_window_parent_class)->close_request (window);
}

static void
enlarge_window_dispose (GObject *object)
{
  EnlargeWindow *self = ENLARGE_WINDOW (object);

  _enlarge_window_stop_job (self);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  _enlarge_window_guards_dispose (self);
  _enlarge_window_queue_dispose (self);
  _enlarge_window_preview_dispose (self);
  _enlarge_window_video_dispose (self);
  if (self->compare_window)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->compare_window),
                                    (gpointer *) &self->compare_window);
      gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->compare_window)));
    }
  if (self->load_cancellable)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->file_chooser)
    gtk_native_dialog_destroy (self->file_chooser);
  g_clear_object (&self->file_chooser);

  /* the GSettings action outlives the window's action group otherwise */
  g_action_map_remove_action (G_ACTION_MAP (self), "compare-mode");
  g_action_map_remove_action (G_ACTION_MAP (self), "toggle-sidebar");
  if (self->settings)
    g_signal_handlers_disconnect_by_data (self->settings, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), ENLARGE_TYPE_WINDOW);

  G_OBJECT_CLASS (enlarge_window_parent_class)->dispose (object);
}

static void
enlarge_window_finalize (GObject *object)
{
  EnlargeWindow *self = ENLARGE_WINDOW (object);

  clear_result (self);
  g_clear_pointer (&self->input, enlarge_image_unref);
  g_clear_object (&self->input_texture);
  g_clear_object (&self->input_file);
  g_clear_pointer (&self->model_ids, g_ptr_array_unref);
  g_clear_pointer (&self->last_toast, g_free);
  g_clear_object (&self->settings);
  g_clear_object (&self->queue);

  G_OBJECT_CLASS (enlarge_window_parent_class)->finalize (object);
}

static void
enlarge_window_class_init (EnlargeWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = enlarge_window_dispose;
  object_class->finalize = enlarge_window_finalize;
  window_class->close_request = enlarge_window_close_request;

  g_type_ensure (ENLARGE_TYPE_COMPARE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/enlarge/Enlarge/enlarge-window.ui");
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, compare_view);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, preset_row);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, model_row);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, creativity_scale);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, scale_scale);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, target_scale);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, creativity_adjustment);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, scale_adjustment);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, target_adjustment);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, creativity_value);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, scale_value);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, target_value);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, details_button);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, details_label);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, size_row);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, fit_row);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, fit_width_adjustment);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, fit_height_adjustment);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, fit_snap_check);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, fit_note);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, progress_box);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, zoom_label);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, zoom_button);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, queue_group);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, queue_list);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, sidebar_scroller);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, outdated_box);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, preview_hint);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, video_bar);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, video_scale);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, video_adjustment);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, video_time);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, upscale_video_button);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, upscale_button);

  _enlarge_window_class_actions_init (widget_class);
  _enlarge_window_class_dnd_init (widget_class);
  _enlarge_window_class_preview_init (widget_class);
  _enlarge_window_class_queue_init (widget_class);
  _enlarge_window_class_video_init (widget_class);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.toggle-sidebar", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
toggle_sidebar (EnlargeWindow *self)
{
  adw_flap_set_reveal_flap (self->flap, !adw_flap_get_reveal_flap (self->flap));
}

static void
enlarge_window_init (EnlargeWindow *self)
{
  g_autoptr (GAction) mode_action = NULL;
  g_autoptr (GSimpleAction) sidebar_action = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  enlarge_a11y_name_toasts (self->toast_overlay);
  enlarge_a11y_name_controls (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  _enlarge_window_queue_init (self);
  _enlarge_window_video_init (self);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  mode_action = g_settings_create_action (self->settings, "compare-mode");
  g_action_map_add_action (G_ACTION_MAP (self), mode_action);
  sidebar_action = g_simple_action_new ("toggle-sidebar", NULL);
  g_signal_connect_swapped (sidebar_action, "activate", G_CALLBACK (toggle_sidebar), self);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (sidebar_action));

  _enlarge_window_preview_init (self);
  _enlarge_window_controls_init (self);
  _enlarge_window_dnd_init (self);

  g_signal_connect_swapped (self->compare_view, "notify::zoom",
                            G_CALLBACK (update_zoom_label), self);
  g_signal_connect_swapped (self->compare_view, "notify::fit",
                            G_CALLBACK (update_zoom_label), self);

  _enlarge_window_update_state (self);
}

EnlargeWindow *
enlarge_window_new (GtkApplication *application)
{
  return g_object_new (ENLARGE_TYPE_WINDOW, "application", application, NULL);
}

EnlargeImage *
enlarge_window_get_input (EnlargeWindow *self)
{
  return self->input;
}

EnlargeImage *
enlarge_window_get_result (EnlargeWindow *self)
{
  return self->result;
}

gboolean
enlarge_window_get_loading (EnlargeWindow *self)
{
  return self->load_cancellable != NULL;
}

gboolean
enlarge_window_get_running (EnlargeWindow *self)
{
  return self->job.job != NULL || self->restart_id != 0;
}

gboolean
enlarge_window_get_saving (EnlargeWindow *self)
{
  return self->saving;
}

gboolean
enlarge_window_get_outdated (EnlargeWindow *self)
{
  return _enlarge_window_get_outdated (self);
}

gboolean
enlarge_window_get_unsaved (EnlargeWindow *self)
{
  return _enlarge_window_get_unsaved (self);
}

guint
enlarge_window_get_toast_count (EnlargeWindow *self)
{
  return self->toast_count;
}

const char *
enlarge_window_get_last_toast (EnlargeWindow *self)
{
  return self->last_toast;
}

EnlargeCompareView *
enlarge_window_get_compare_view (EnlargeWindow *self)
{
  return self->compare_view;
}

EnlargeCompareWindow *
enlarge_window_get_compare_window (EnlargeWindow *self)
{
  return self->compare_window;
}
