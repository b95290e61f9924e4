/* enlarge-window.c: the main window: open an image, set up the upscale,
 * compare before and after, save. */

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "enlarge-compare-window.h"
#include "enlarge-file-io.h"
#include "enlarge-job.h"
#include "enlarge-presets.h"
#include "enlarge-queue.h"
#include "enlarge-queue-row.h"
#include "enlarge-window.h"

/* Settings changes while a job runs restart it after this pause (ms). */
#define RESTART_DELAY_MS 400
/* The region preview runs once the region and the controls have been
 * still this long. */
#define PREVIEW_DELAY_MS 300
/* The region proposed when the preview mode is turned on (input pixels). */
#define PREVIEW_REGION_SIZE 256

struct _EnlargeWindow
{
  AdwApplicationWindow parent_instance;

  /* template */
  AdwToastOverlay    *toast_overlay;
  AdwWindowTitle     *window_title;
  AdwFlap            *flap;
  GtkStack           *stack;
  EnlargeCompareView *compare_view;
  AdwComboRow        *preset_row;
  AdwComboRow        *model_row;
  GtkScale           *creativity_scale;
  GtkScale           *scale_scale;
  GtkScale           *target_scale;
  GtkAdjustment      *creativity_adjustment;
  GtkAdjustment      *scale_adjustment;
  GtkAdjustment      *target_adjustment;
  GtkLabel           *creativity_value;
  GtkLabel           *scale_value;
  GtkLabel           *target_value;
  GtkLabel           *summary_label;
  GtkBox             *progress_box;
  GtkProgressBar     *progress_bar;
  GtkLabel           *progress_label;
  GtkLabel           *zoom_label;
  AdwPreferencesGroup *queue_group;
  GtkListBox         *queue_list;

  GSettings *settings;
  GPtrArray *model_ids;           /* installed models, as listed */
  gboolean   applying;            /* set while code moves the controls */

  /* the image */
  GFile        *input_file;       /* NULL when pasted */
  EnlargeImage *input;
  GdkTexture   *input_texture;
  GCancellable *load_cancellable;

  /* the result */
  EnlargeImage       *result;
  GdkTexture         *result_texture;
  EnlargeJobSettings *result_settings;
  GFile              *saved_file;
  gboolean            saved;
  gboolean            saving;
  gboolean            close_after_save;
  gboolean            close_confirmed;

  /* the running job */
  EnlargeJob   *job;
  GCancellable *job_cancellable;
  gulong        job_progress_id;
  guint         restart_id;

  guint toast_count;
  char *last_toast;

  GtkNativeDialog *file_chooser;  /* GtkFileChooserNative on GTK 4.8 */

  EnlargeCompareWindow *compare_window;  /* weak: open while shown */

  /* "Preview Region" (win.preview-region) */
  GSimpleAction *preview_action;
  gboolean       preview_mode;
  guint          preview_timeout_id;
  GCancellable  *preview_cancellable;   /* set while a preview runs */
  int            preview_out_width;     /* the full output of the running one */
  int            preview_out_height;
  EnlargeImage  *preview;               /* the last one shown */
  GdkTexture    *preview_texture;
  EnlargeRect    preview_rect;          /* where it lies in the output */
  double         preview_seconds;
  guint          preview_count;

  /* several files: the queue and "Upscale All" */
  EnlargeQueue *queue;
};

G_DEFINE_FINAL_TYPE (EnlargeWindow, enlarge_window, ADW_TYPE_APPLICATION_WINDOW)

static void update_state (EnlargeWindow *self);
static void start_job (EnlargeWindow *self);
static void schedule_preview (EnlargeWindow *self);
static void clear_preview (EnlargeWindow *self);
static char *format_creativity (double value);
static char *format_scale (double value);
static char *format_target (double value);

/* ---- small helpers ------------------------------------------------------ */

static void
show_toast (EnlargeWindow *self,
            const char    *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (markup));
  self->toast_count++;
  g_free (self->last_toast);
  self->last_toast = g_strdup (text);
}

static char *
format_duration (double seconds)
{
  int s = (int) round (MAX (seconds, 0));

  if (s >= 3600)
    return g_strdup_printf ("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  return g_strdup_printf ("%d:%02d", s / 60, s % 60);
}

static const char *
selected_model (EnlargeWindow *self)
{
  guint i = adw_combo_row_get_selected (self->model_row);

  if (self->model_ids == NULL || i >= self->model_ids->len)
    return NULL;
  return g_ptr_array_index (self->model_ids, i);
}

static EnlargeJobSettings *
collect_settings (EnlargeWindow *self)
{
  EnlargeJobSettings s = { 0 };
  g_autofree char *device = g_settings_get_string (self->settings, "device");

  s.model = (char *) selected_model (self);
  s.scale = gtk_adjustment_get_value (self->scale_adjustment);
  s.creativity = gtk_adjustment_get_value (self->creativity_adjustment);
  s.target_mp = gtk_adjustment_get_value (self->target_adjustment);
  s.tile_size = g_settings_get_int (self->settings, "tile-size");
  s.device = device;
  return enlarge_job_settings_copy (&s);
}

/* ---- state -------------------------------------------------------------- */

static void
update_summary (EnlargeWindow *self)
{
  g_autoptr (EnlargeJobSettings) s = collect_settings (self);
  g_autofree char *text = NULL;

  if (s->model == NULL)
    text = g_strdup (_("No models are installed. Install them with “enlarge-install-models”."));
  else if (self->input == NULL)
    text = g_strdup (_("Open an image to see what will happen."));
  else
    text = enlarge_job_settings_describe (s, self->input->width, self->input->height);
  gtk_label_set_label (self->summary_label, text);
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
}

static void
update_values (EnlargeWindow *self)
{
  g_autofree char *c = format_creativity (gtk_adjustment_get_value (self->creativity_adjustment));
  g_autofree char *f = format_scale (gtk_adjustment_get_value (self->scale_adjustment));
  g_autofree char *t = format_target (gtk_adjustment_get_value (self->target_adjustment));

  gtk_label_set_label (self->creativity_value, c);
  gtk_label_set_label (self->scale_value, f);
  gtk_label_set_label (self->target_value, t);
}

static void
update_state (EnlargeWindow *self)
{
  GtkWidget *w = GTK_WIDGET (self);
  gboolean running = self->job != NULL;
  gboolean has_input = self->input != NULL;
  gboolean batch = self->queue && enlarge_queue_get_running (self->queue);
  gboolean to_do = self->queue && enlarge_queue_get_has_work (self->queue);
  guint queued = self->queue ? g_list_model_get_n_items (G_LIST_MODEL (self->queue)) : 0;

  gtk_widget_action_set_enabled (w, "win.upscale", has_input && !running && !batch &&
                                                   selected_model (self) != NULL);
  gtk_widget_action_set_enabled (w, "win.upscale-all", to_do && !batch && selected_model (self) != NULL);
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
  gtk_widget_action_set_enabled (w, "win.compare", has_input && self->model_ids != NULL &&
                                                   self->model_ids->len > 0);
  if (self->preview_action)
    g_simple_action_set_enabled (self->preview_action, has_input && selected_model (self) != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_box), running || self->restart_id != 0 || batch);
  gtk_widget_set_visible (GTK_WIDGET (self->queue_group), queued > 0);
  gtk_stack_set_visible_child_name (self->stack, has_input ? "image" : "empty");

  if (has_input)
    {
      g_autofree char *name = enlarge_file_io_display_name (self->input_file);
      g_autofree char *subtitle = NULL;

      if (self->result)
        subtitle = g_strdup_printf (_("%s — %d × %d → %d × %d%s"), name,
                                    self->input->width, self->input->height,
                                    self->result->width, self->result->height,
                                    self->saved ? "" : _(" (unsaved)"));
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

  update_values (self);
  update_summary (self);
  update_zoom_label (self);
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

/* ---- jobs --------------------------------------------------------------- */

/* Forgets the running job: its result, when it comes, is dropped. The
 * device lock in enlarge-job.c makes the next job wait until this one has
 * stopped, which takes at most one tile. */
static void
stop_job (EnlargeWindow *self)
{
  g_clear_handle_id (&self->restart_id, g_source_remove);
  if (self->job == NULL)
    return;
  g_cancellable_cancel (self->job_cancellable);
  g_clear_signal_handler (&self->job_progress_id, self->job);
  g_clear_object (&self->job);
  g_clear_object (&self->job_cancellable);
  /* back to the previous result (or none) */
  if (self->compare_view)
    enlarge_compare_view_set_after (self->compare_view, self->result_texture, FALSE);
}

static void
on_job_progress (EnlargeJob    *job,
                 EnlargeWindow *self)
{
  int done = enlarge_job_get_tiles_done (job);
  int total = enlarge_job_get_tiles_total (job);
  GdkTexture *preview = enlarge_job_get_preview (job);
  g_autofree char *text = NULL;
  g_autofree char *elapsed = format_duration (enlarge_job_get_elapsed (job));
  g_autofree char *label = NULL;

  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, (double) done / total);
  /* Translators: progress in tiles */
  text = g_strdup_printf (_("%d of %d tiles"), done, total);
  gtk_progress_bar_set_text (self->progress_bar, text);
  if (enlarge_job_get_eta (job) >= 0 && done < total)
    {
      g_autofree char *eta = format_duration (enlarge_job_get_eta (job));
      label = g_strdup_printf (_("%s elapsed, about %s left"), elapsed, eta);
    }
  else
    label = g_strdup_printf (_("%s elapsed"), elapsed);
  gtk_label_set_label (self->progress_label, label);

  if (preview)
    enlarge_compare_view_set_after (self->compare_view, preview, TRUE);
}

static void
on_job_done (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  g_autoptr (EnlargeWindow) self = user_data;
  EnlargeJob *job = ENLARGE_JOB (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) result = enlarge_job_run_finish (job, res, &error);

  if (job != self->job)
    return;  /* stale: cancelled or replaced */

  g_clear_signal_handler (&self->job_progress_id, self->job);
  g_clear_object (&self->job_cancellable);

  if (result == NULL)
    {
      g_autoptr (EnlargeJob) finished = g_steal_pointer (&self->job);

      enlarge_compare_view_set_after (self->compare_view, self->result_texture, FALSE);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          AdwMessageDialog *dialog;

          dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                               _("Could Not Upscale"),
                                                               error->message));
          adw_message_dialog_add_response (dialog, "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (dialog));
        }
      schedule_preview (self);
      update_state (self);
      return;
    }

  clear_result (self);
  self->result_settings = enlarge_job_settings_copy (enlarge_job_get_settings (job));
  self->result = g_steal_pointer (&result);
  self->result_texture = enlarge_texture_new_for_image (self->result);
  g_clear_object (&self->job);
  enlarge_compare_view_set_after (self->compare_view, self->result_texture, FALSE);
  update_state (self);
}

static void
start_job (EnlargeWindow *self)
{
  g_autoptr (EnlargeJobSettings) settings = NULL;

  stop_job (self);
  if (self->input == NULL)
    return;
  settings = collect_settings (self);
  if (settings->model == NULL)
    {
      show_toast (self, _("No models are installed"));
      return;
    }

  /* the full run replaces the preview */
  clear_preview (self);
  self->job = enlarge_job_new (settings, self->input);
  self->job_cancellable = g_cancellable_new ();
  self->job_progress_id = g_signal_connect (self->job, "progress",
                                            G_CALLBACK (on_job_progress), self);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, _("Starting…"));
  gtk_label_set_label (self->progress_label, "");
  enlarge_job_run_async (self->job, self->job_cancellable, on_job_done, g_object_ref (self));
  update_state (self);
}

static gboolean
restart_timeout (gpointer data)
{
  EnlargeWindow *self = data;

  self->restart_id = 0;
  start_job (self);
  return G_SOURCE_REMOVE;
}

/* A control changed: update the summary; a running job starts over with
 * the new settings once the controls have been still for a moment. */
static void
settings_changed (EnlargeWindow *self)
{
  if (self->job != NULL || self->restart_id != 0)
    {
      g_autoptr (EnlargeJobSettings) s = collect_settings (self);

      if (self->job == NULL ||
          !enlarge_job_settings_equal (s, enlarge_job_get_settings (self->job)))
        {
          stop_job (self);
          self->restart_id = g_timeout_add (RESTART_DELAY_MS, restart_timeout, self);
        }
    }
  schedule_preview (self);
  update_state (self);
}

/* ---- region preview ----------------------------------------------------- */

/* Forgets the preview: the one running or waiting, and the one shown. */
static void
clear_preview (EnlargeWindow *self)
{
  g_clear_handle_id (&self->preview_timeout_id, g_source_remove);
  if (self->preview_cancellable)
    g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);
  g_clear_pointer (&self->preview, enlarge_image_unref);
  g_clear_object (&self->preview_texture);
  if (self->compare_view)
    enlarge_compare_view_set_preview (self->compare_view, NULL, NULL, 0, 0);
}

static void
on_preview_done (GObject      *source,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  g_autoptr (EnlargeWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) image = NULL;
  EnlargeRect rect;
  double seconds = 0;

  image = enlarge_job_preview_finish (source, res, &rect, &seconds, &error);
  if (self->preview_cancellable == NULL ||
      g_task_get_cancellable (G_TASK (res)) != self->preview_cancellable)
    return;  /* stale: cancelled or replaced */
  g_clear_object (&self->preview_cancellable);

  if (image == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Translators: the region preview failed; the reason follows */
          g_autofree char *text = g_strdup_printf (_("Could not preview: %s"), error->message);
          show_toast (self, text);
        }
      update_state (self);
      return;
    }

  g_clear_pointer (&self->preview, enlarge_image_unref);
  g_clear_object (&self->preview_texture);
  self->preview = g_steal_pointer (&image);
  self->preview_texture = enlarge_texture_new_for_image (self->preview);
  self->preview_rect = rect;
  self->preview_seconds = seconds;
  self->preview_count++;
  enlarge_compare_view_set_preview (self->compare_view, self->preview_texture, &rect,
                                    self->preview_out_width, self->preview_out_height);
  update_state (self);
}

static gboolean
preview_timeout (gpointer data)
{
  EnlargeWindow *self = data;
  g_autoptr (EnlargeJobSettings) settings = collect_settings (self);
  EnlargeRect region;

  self->preview_timeout_id = 0;
  if (self->input == NULL || settings->model == NULL ||
      !enlarge_compare_view_get_region (self->compare_view, &region) ||
      !enlarge_job_settings_output_size (settings, self->input->width, self->input->height,
                                         &self->preview_out_width, &self->preview_out_height))
    {
      update_state (self);
      return G_SOURCE_REMOVE;
    }
  self->preview_cancellable = g_cancellable_new ();
  enlarge_job_preview_async (G_OBJECT (self), settings, self->input, &region,
                             self->preview_cancellable, on_preview_done, g_object_ref (self));
  update_state (self);
  return G_SOURCE_REMOVE;
}

/* The region or a control changed: a new preview once they are still;
 * the one running, now out of date, is cancelled. Not while a full run
 * is on its way: its result replaces the preview. */
static void
schedule_preview (EnlargeWindow *self)
{
  if (!self->preview_mode || self->input == NULL)
    return;
  g_clear_handle_id (&self->preview_timeout_id, g_source_remove);
  if (self->preview_cancellable)
    g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);
  if (self->job != NULL || self->restart_id != 0 || enlarge_queue_get_running (self->queue))
    return;
  self->preview_timeout_id = g_timeout_add (PREVIEW_DELAY_MS, preview_timeout, self);
}

/* The proposed region: the most detailed part of the image. */
static void
propose_region (EnlargeWindow *self)
{
  EnlargeRect region = enlarge_suggest_region (self->input, PREVIEW_REGION_SIZE);

  region.x = CLAMP (region.x, 0, self->input->width - 1);
  region.y = CLAMP (region.y, 0, self->input->height - 1);
  region.width = CLAMP (region.width, 1, self->input->width - region.x);
  region.height = CLAMP (region.height, 1, self->input->height - region.y);
  enlarge_compare_view_set_region (self->compare_view, &region);
}

static void
set_preview_mode (EnlargeWindow *self, gboolean on)
{
  on = on && self->input != NULL;
  if (on == self->preview_mode)
    return;
  self->preview_mode = on;
  g_simple_action_set_state (self->preview_action, g_variant_new_boolean (on));
  if (on)
    {
      propose_region (self);
      schedule_preview (self);
    }
  else
    {
      clear_preview (self);
      enlarge_compare_view_set_region (self->compare_view, NULL);
    }
  update_state (self);
}

static void
on_preview_change_state (GSimpleAction *action,
                         GVariant      *value,
                         EnlargeWindow *self)
{
  set_preview_mode (self, g_variant_get_boolean (value));
}

static void
on_region_changed (EnlargeWindow *self)
{
  schedule_preview (self);
  update_state (self);
}

/* ---- presets and controls ----------------------------------------------- */

static void
select_model (EnlargeWindow *self,
              const char    *id)
{
  for (guint i = 0; i < self->model_ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->model_ids, i), id) == 0)
      {
        adw_combo_row_set_selected (self->model_row, i);
        return;
      }
}

static void
on_preset_selected (EnlargeWindow *self)
{
  guint n;
  const EnlargeAppPreset *presets = enlarge_app_presets_get (&n);
  guint i = adw_combo_row_get_selected (self->preset_row);

  if (!self->applying && i < n && presets[i].model != NULL)
    {
      const EnlargeModelInfo *info = enlarge_model_lookup (presets[i].model);

      self->applying = TRUE;
      select_model (self, presets[i].model);
      gtk_adjustment_set_value (self->creativity_adjustment, presets[i].creativity);
      if (info)
        gtk_adjustment_set_value (self->scale_adjustment, info->scale);
      gtk_adjustment_set_value (self->target_adjustment, presets[i].target_mp);
      self->applying = FALSE;
      if (g_strcmp0 (selected_model (self), presets[i].model) != 0)
        show_toast (self, _("The preset’s model is not installed"));
    }
  settings_changed (self);
}

/* The user moved a control: the preset no longer describes the settings. */
static void
on_control_changed (EnlargeWindow *self)
{
  if (!self->applying)
    {
      self->applying = TRUE;
      adw_combo_row_set_selected (self->preset_row, enlarge_app_preset_index (ENLARGE_PRESET_CUSTOM));
      self->applying = FALSE;
    }
  settings_changed (self);
}

static char *
format_creativity (double value)
{
  return g_strdup_printf ("%.2f", value);
}

static char *
format_scale (double value)
{
  /* Translators: a scale factor, e.g. 4.0× */
  return g_strdup_printf (_("%.1f×"), value);
}

static char *
format_target (double value)
{
  if (value <= 0)
    return g_strdup (C_("target size", "Off"));
  /* Translators: megapixels */
  return g_strdup_printf (_("%.2f MP"), value);
}

static gboolean
preset_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  g_value_set_uint (value, enlarge_app_preset_index (g_variant_get_string (variant, NULL)));
  return TRUE;
}

static GVariant *
preset_set_mapping (const GValue *value, const GVariantType *type, gpointer user_data)
{
  guint n;
  const EnlargeAppPreset *presets = enlarge_app_presets_get (&n);
  guint i = g_value_get_uint (value);

  return g_variant_new_string (i < n ? presets[i].id : ENLARGE_PRESET_CUSTOM);
}

static gboolean
model_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  EnlargeWindow *self = user_data;
  const char *id = g_variant_get_string (variant, NULL);

  g_value_set_uint (value, 0);
  for (guint i = 0; i < self->model_ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->model_ids, i), id) == 0)
      g_value_set_uint (value, i);
  return TRUE;
}

static GVariant *
model_set_mapping (const GValue *value, const GVariantType *type, gpointer user_data)
{
  EnlargeWindow *self = user_data;
  guint i = g_value_get_uint (value);

  if (i >= self->model_ids->len)
    return NULL;
  return g_variant_new_string (g_ptr_array_index (self->model_ids, i));
}

static void
setup_controls (EnlargeWindow *self)
{
  g_autoptr (GtkStringList) preset_names = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) model_names = gtk_string_list_new (NULL);
  const GPtrArray *models = enlarge_model_list ();
  const EnlargeAppPreset *presets;
  guint n;

  presets = enlarge_app_presets_get (&n);
  for (guint i = 0; i < n; i++)
    gtk_string_list_append (preset_names, _(presets[i].title));
  adw_combo_row_set_model (self->preset_row, G_LIST_MODEL (preset_names));

  self->model_ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < models->len; i++)
    {
      const EnlargeModelInfo *info = g_ptr_array_index (models, i);
      if (!enlarge_model_is_installed (info))
        continue;
      g_ptr_array_add (self->model_ids, g_strdup (info->id));
      gtk_string_list_append (model_names, info->title ? info->title : info->id);
    }
  adw_combo_row_set_model (self->model_row, G_LIST_MODEL (model_names));
  gtk_widget_set_sensitive (GTK_WIDGET (self->model_row), self->model_ids->len > 0);

  gtk_scale_add_mark (self->creativity_scale, 0.5, GTK_POS_BOTTOM, NULL);
  for (guint i = 0; i < 5; i++)
    {
      static const int marks[] = { 2, 3, 4, 8, 16 };
      /* 3× has a mark but no label: it would overlap its neighbours */
      g_autofree char *label = marks[i] != 3 ? g_strdup_printf ("%d×", marks[i]) : NULL;
      gtk_scale_add_mark (self->scale_scale, marks[i], GTK_POS_BOTTOM, label);
    }
  gtk_scale_add_mark (self->target_scale, 0.35, GTK_POS_BOTTOM, NULL);
  gtk_scale_add_mark (self->target_scale, 1, GTK_POS_BOTTOM, NULL);
  gtk_scale_add_mark (self->target_scale, 4, GTK_POS_BOTTOM, NULL);

  /* Restoring the settings moves the controls: not a user change. */
  self->applying = TRUE;
  g_settings_bind_with_mapping (self->settings, "model", self->model_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, model_get_mapping, model_set_mapping,
                                self, NULL);
  g_settings_bind (self->settings, "creativity", self->creativity_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "scale", self->scale_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "target-mp", self->target_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "preset", self->preset_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, preset_get_mapping, preset_set_mapping,
                                NULL, NULL);
  g_settings_bind (self->settings, "compare-mode", self->compare_view, "mode",
                   G_SETTINGS_BIND_DEFAULT);
  self->applying = FALSE;

  g_signal_connect_swapped (self->preset_row, "notify::selected",
                            G_CALLBACK (on_preset_selected), self);
  g_signal_connect_swapped (self->model_row, "notify::selected",
                            G_CALLBACK (on_control_changed), self);
  g_signal_connect_swapped (self->creativity_adjustment, "value-changed",
                            G_CALLBACK (on_control_changed), self);
  g_signal_connect_swapped (self->scale_adjustment, "value-changed",
                            G_CALLBACK (on_control_changed), self);
  g_signal_connect_swapped (self->target_adjustment, "value-changed",
                            G_CALLBACK (on_control_changed), self);
  g_signal_connect_swapped (self->settings, "changed::device",
                            G_CALLBACK (settings_changed), self);
  g_signal_connect_swapped (self->settings, "changed::tile-size",
                            G_CALLBACK (settings_changed), self);
}

/* ---- opening ------------------------------------------------------------ */

typedef struct {
  GFile        *file;
  GBytes       *bytes;
  GFile        *result_file;  /* a queue entry's saved output, shown too */
  EnlargeImage *result;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->file);
  g_clear_pointer (&data->bytes, g_bytes_unref);
  g_clear_object (&data->result_file);
  g_clear_pointer (&data->result, enlarge_image_unref);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr (GError) error = NULL;
  EnlargeImage *image = enlarge_file_io_load (data->file, data->bytes, cancellable, &error);

  if (image == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (data->result_file)
    {
      g_autofree char *path = g_file_get_path (data->result_file);
      /* the output may have gone since: then only the input is shown */
      data->result = path ? enlarge_image_load (path, NULL) : NULL;
    }
  g_task_return_pointer (task, image, (GDestroyNotify) enlarge_image_unref);
}

static void
set_input (EnlargeWindow *self,
           EnlargeImage  *image,
           GFile         *file)
{
  stop_job (self);
  clear_result (self);
  g_clear_pointer (&self->input, enlarge_image_unref);
  g_clear_object (&self->input_texture);
  g_set_object (&self->input_file, file);

  self->input = enlarge_image_ref (image);
  self->input_texture = enlarge_texture_new_for_image (image);
  clear_preview (self);
  enlarge_compare_view_set_after (self->compare_view, NULL, FALSE);
  enlarge_compare_view_set_before (self->compare_view, self->input_texture);
  enlarge_compare_view_zoom_fit (self->compare_view);
  if (self->preview_mode)
    {
      propose_region (self);
      schedule_preview (self);
    }
  update_state (self);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  EnlargeWindow *self = ENLARGE_WINDOW (source);
  LoadData *data = g_task_get_task_data (G_TASK (res));
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) image = g_task_propagate_pointer (G_TASK (res), &error);

  if (image == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *name = enlarge_file_io_display_name (data->file);
          g_autofree char *text = NULL;

          /* Translators: a file could not be opened as an image */
          text = g_strdup_printf (_("Could not open “%s”: not a supported image"), name);
          g_debug ("%s: %s", text, error->message);
          show_toast (self, text);
        }
      if (g_task_get_cancellable (G_TASK (res)) == self->load_cancellable)
        g_clear_object (&self->load_cancellable);
      return;
    }
  if (g_task_get_cancellable (G_TASK (res)) != self->load_cancellable)
    return;  /* a later open replaced this one */
  g_clear_object (&self->load_cancellable);
  set_input (self, image, data->file);
  if (data->result)
    {
      /* a finished queue entry: its saved output is the result */
      self->result = enlarge_image_ref (data->result);
      self->result_texture = enlarge_texture_new_for_image (self->result);
      g_set_object (&self->saved_file, data->result_file);
      self->saved = TRUE;
      enlarge_compare_view_set_after (self->compare_view, self->result_texture, FALSE);
      update_state (self);
    }
}

static void
load_async (EnlargeWindow *self,
            GFile         *file,
            GBytes        *bytes,
            GFile         *result_file)
{
  g_autoptr (GTask) task = NULL;
  LoadData *data = g_new0 (LoadData, 1);

  if (self->load_cancellable)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  data->file = file ? g_object_ref (file) : NULL;
  data->bytes = bytes ? g_bytes_ref (bytes) : NULL;
  data->result_file = result_file ? g_object_ref (result_file) : NULL;
  task = g_task_new (self, self->load_cancellable, on_loaded, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

void
enlarge_window_open_file (EnlargeWindow *self,
                          GFile         *file)
{
  g_return_if_fail (ENLARGE_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  load_async (self, file, NULL, NULL);
}

/* ---- the queue ---------------------------------------------------------- */

static GtkWidget *
create_queue_row (gpointer item,
                  gpointer user_data)
{
  return enlarge_queue_row_new (item);
}

/* A queue entry was clicked: show it, with its output once saved. */
static void
on_queue_row_activated (GtkListBox    *list,
                        GtkListBoxRow *row,
                        EnlargeWindow *self)
{
  int i = gtk_list_box_row_get_index (row);
  EnlargeQueueItem *item = i < 0 ? NULL : enlarge_queue_get_item (self->queue, i);

  if (item == NULL)
    return;
  load_async (self, enlarge_queue_item_get_file (item), NULL,
              enlarge_queue_item_get_state (item) == ENLARGE_QUEUE_DONE ?
                enlarge_queue_item_get_output (item) : NULL);
}

void
enlarge_window_open_files (EnlargeWindow *self,
                           GSList        *files)
{
  guint n = g_slist_length (files);

  g_return_if_fail (ENLARGE_IS_WINDOW (self));

  if (n == 0)
    return;
  if (n == 1)
    {
      enlarge_window_open_file (self, files->data);
      return;
    }
  for (GSList *l = files; l; l = l->next)
    enlarge_queue_add (self->queue, l->data);
  enlarge_window_open_file (self, files->data);
  {
    g_autofree char *text = g_strdup_printf (ngettext ("Added %u file to the queue",
                                                       "Added %u files to the queue", n), n);
    show_toast (self, text);
  }
  adw_flap_set_reveal_flap (self->flap, TRUE);
  update_state (self);
}

static void
open_files (EnlargeWindow *self,
            GSList        *files)
{
  enlarge_window_open_files (self, files);
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         EnlargeWindow *self)
{
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      open_files (self, g_value_get_boxed (value));
      return TRUE;
    }
  if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    {
      enlarge_window_open_file (self, g_value_get_object (value));
      return TRUE;
    }
  return FALSE;
}

static void
open_list_model (EnlargeWindow *self,
                 GListModel    *model)
{
  GSList *files = NULL;

  for (guint i = g_list_model_get_n_items (model); i > 0; i--)
    files = g_slist_prepend (files, g_list_model_get_item (model, i - 1));
  open_files (self, files);
  g_slist_free_full (files, g_object_unref);
}

#if GTK_CHECK_VERSION (4, 10, 0)
static void
on_open_dialog_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EnlargeWindow) self = user_data;
  g_autoptr (GListModel) files = gtk_file_dialog_open_multiple_finish (GTK_FILE_DIALOG (source), res, NULL);

  if (files)
    open_list_model (self, files);
}
#else
static void
on_open_response (GtkNativeDialog *dialog,
                  int              response,
                  EnlargeWindow   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      if (files)
        open_list_model (self, files);
    }
  g_clear_object (&self->file_chooser);
}
#endif

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EnlargeWindow *self = ENLARGE_WINDOW (widget);
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_pixbuf_formats (filter);

#if GTK_CHECK_VERSION (4, 10, 0)
  g_autoptr (GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr (GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);

  g_list_store_append (filters, filter);
  gtk_file_dialog_set_title (dialog, _("Open Image"));
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  gtk_file_dialog_open_multiple (dialog, GTK_WINDOW (self), NULL, on_open_dialog_done, g_object_ref (self));
#else
  GtkFileChooserNative *chooser;

  if (self->file_chooser)
    return;
  chooser = gtk_file_chooser_native_new (_("Open Image"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_open_response), self);
  self->file_chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->file_chooser);
#endif
}

/* ---- paste -------------------------------------------------------------- */

static void
on_paste_files (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EnlargeWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  const GValue *value = gdk_clipboard_read_value_finish (GDK_CLIPBOARD (source), res, &error);

  if (value == NULL)
    show_toast (self, _("Could not paste from the clipboard"));
  else if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    open_files (self, g_value_get_boxed (value));
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    enlarge_window_open_file (self, g_value_get_object (value));
}

static void
on_paste_texture (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EnlargeWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkTexture) texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (source), res, &error);
  g_autoptr (GBytes) png = NULL;

  if (texture == NULL)
    {
      show_toast (self, _("Could not paste from the clipboard"));
      return;
    }
  png = gdk_texture_save_to_png_bytes (texture);
  load_async (self, NULL, png, NULL);
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  EnlargeWindow *self = ENLARGE_WINDOW (widget);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (widget);
  GdkContentFormats *formats = gdk_clipboard_get_formats (clipboard);

  if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_FILE_LIST))
    gdk_clipboard_read_value_async (clipboard, GDK_TYPE_FILE_LIST, G_PRIORITY_DEFAULT, NULL,
                                    on_paste_files, g_object_ref (self));
  else if (gdk_content_formats_contain_gtype (formats, G_TYPE_FILE))
    gdk_clipboard_read_value_async (clipboard, G_TYPE_FILE, G_PRIORITY_DEFAULT, NULL,
                                    on_paste_files, g_object_ref (self));
  else if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_TEXTURE))
    gdk_clipboard_read_texture_async (clipboard, NULL, on_paste_texture, g_object_ref (self));
  else
    show_toast (self, _("The clipboard holds no image"));
}

/* ---- saving ------------------------------------------------------------- */

static GFile *
default_output_file (EnlargeWindow *self)
{
  double scale = self->result_settings ? enlarge_job_settings_effective_scale (self->result_settings) : 4;

  return enlarge_file_io_output_file_for (self->settings, self->input_file, scale);
}

static void
show_error_dialog (EnlargeWindow *self,
                   const char    *heading,
                   const char    *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_saved (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  EnlargeWindow *self = ENLARGE_WINDOW (source);
  GFile *file = enlarge_file_io_save_get_file (res);
  g_autoptr (GError) error = NULL;

  self->saving = FALSE;
  if (!enlarge_file_io_save_finish (res, &error))
    {
      self->close_after_save = FALSE;
      show_error_dialog (self, _("Could Not Save the Image"), error->message);
      update_state (self);
      return;
    }

  if (enlarge_file_io_save_get_image (res) == self->result)
    {
      g_set_object (&self->saved_file, file);
      self->saved = TRUE;
    }
  if (self->close_after_save)
    {
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  g_autofree char *name = enlarge_file_io_display_name (file);
  g_autofree char *text = g_strdup_printf (_("Saved “%s”"), name);
  g_autofree char *markup = g_markup_escape_text (text, -1);
  AdwToast *toast = adw_toast_new (markup);
  adw_toast_set_button_label (toast, _("Open Folder"));
  adw_toast_set_action_name (toast, "win.open-folder");
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  self->toast_count++;
  g_free (self->last_toast);
  self->last_toast = g_strdup (text);
  update_state (self);
}

static void
save_to (EnlargeWindow *self,
         GFile         *file)
{
  g_autofree char *path = g_file_get_path (file);

  if (self->result == NULL || self->saving)
    return;
  if (self->input_file && g_file_equal (file, self->input_file))
    {
      show_error_dialog (self, _("Could Not Save the Image"),
                         _("The original image is never overwritten. Choose another name."));
      self->close_after_save = FALSE;
      return;
    }
  if (path == NULL || enlarge_image_format_for_path (path) == NULL)
    {
      show_error_dialog (self, _("Could Not Save the Image"),
                         _("The file name must end in .png, .jpg, .tiff or .webp."));
      self->close_after_save = FALSE;
      return;
    }

  self->saving = TRUE;
  enlarge_file_io_save_async (self, self->settings, file, self->result, NULL, on_saved, NULL);
  update_state (self);
}

/* ---- Upscale All ---------------------------------------------------------- */

/* The batch itself runs in EnlargeQueue; the window shows its progress. */
static void
on_queue_item_started (EnlargeQueue     *queue,
                       EnlargeQueueItem *item,
                       guint             index,
                       guint             n_items,
                       EnlargeWindow    *self)
{
  g_autofree char *name = enlarge_file_io_display_name (enlarge_queue_item_get_file (item));
  g_autofree char *label = NULL;

  /* Translators: "File 2 of 5: photo.jpg" */
  label = g_strdup_printf (_("File %u of %u: %s"), index + 1, n_items, name);
  gtk_label_set_label (self->progress_label, label);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, _("Starting…"));
  update_state (self);
}

static void
on_queue_item_progress (EnlargeQueue     *queue,
                        EnlargeQueueItem *item,
                        int               done,
                        int               total,
                        EnlargeWindow    *self)
{
  g_autofree char *text = NULL;

  gtk_progress_bar_set_fraction (self->progress_bar, enlarge_queue_item_get_progress (item));
  text = g_strdup_printf (_("%d of %d tiles"), done, total);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
on_queue_finished (EnlargeQueue  *queue,
                   guint          done,
                   guint          failed,
                   EnlargeWindow *self)
{
  g_autofree char *text = NULL;
  guint total = done + failed;

  if (failed == 0)
    text = g_strdup_printf (ngettext ("Upscaled and saved %u image",
                                      "Upscaled and saved %u images", total), total);
  else
    /* Translators: "2 of 3 images saved; 1 failed" */
    text = g_strdup_printf (ngettext ("%u of %u image saved; %u failed",
                                      "%u of %u images saved; %u failed", total),
                            done, total, failed);
  show_toast (self, text);
  update_state (self);
}

static void
upscale_all_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  EnlargeWindow *self = ENLARGE_WINDOW (widget);
  g_autoptr (EnlargeJobSettings) settings = NULL;

  if (enlarge_queue_get_running (self->queue) ||
      g_list_model_get_n_items (G_LIST_MODEL (self->queue)) == 0)
    return;
  settings = collect_settings (self);
  if (settings->model == NULL)
    {
      show_toast (self, _("No models are installed"));
      return;
    }
  /* one job at a time: the single image's job gives way */
  stop_job (self);
  enlarge_queue_run (self->queue, settings);
}

static void
clear_queue_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  EnlargeWindow *self = ENLARGE_WINDOW (widget);

  if (enlarge_queue_get_running (self->queue))
    return;
  enlarge_queue_clear (self->queue);
  update_state (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EnlargeWindow *self = ENLARGE_WINDOW (widget);
  g_autoptr (GFile) file = NULL;

  if (self->result == NULL)
    return;
  file = self->saved_file ? g_object_ref (self->saved_file) : default_output_file (self);
  save_to (self, file);
}

#if GTK_CHECK_VERSION (4, 10, 0)
static void
on_save_dialog_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EnlargeWindow) self = user_data;
  g_autoptr (GFile) file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (source), res, NULL);

  if (file)
    save_to (self, file);
}
#else
static void
on_save_response (GtkNativeDialog *dialog,
                  int              response,
                  EnlargeWindow   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (file)
        save_to (self, file);
    }
  g_clear_object (&self->file_chooser);
}
#endif

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  EnlargeWindow *self = ENLARGE_WINDOW (widget);
  g_autoptr (GFile) file = NULL;
  g_autoptr (GFile) folder = NULL;
  g_autofree char *name = NULL;

  if (self->result == NULL)
    return;
  file = self->saved_file ? g_object_ref (self->saved_file) : default_output_file (self);
  folder = g_file_get_parent (file);
  name = g_file_get_basename (file);

#if GTK_CHECK_VERSION (4, 10, 0)
  g_autoptr (GtkFileDialog) dialog = gtk_file_dialog_new ();

  gtk_file_dialog_set_title (dialog, _("Save Image"));
  gtk_file_dialog_set_initial_folder (dialog, folder);
  gtk_file_dialog_set_initial_name (dialog, name);
  gtk_file_dialog_save (dialog, GTK_WINDOW (self), NULL, on_save_dialog_done, g_object_ref (self));
#else
  GtkFileChooserNative *chooser;

  if (self->file_chooser)
    return;
  chooser = gtk_file_chooser_native_new (_("Save Image"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_save_response), self);
  self->file_chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->file_chooser);
#endif
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  EnlargeWindow *self = ENLARGE_WINDOW (widget);

  if (self->saved_file == NULL)
    return;
#if GTK_CHECK_VERSION (4, 10, 0)
  g_autoptr (GtkFileLauncher) launcher = gtk_file_launcher_new (self->saved_file);
  gtk_file_launcher_open_containing_folder (launcher, GTK_WINDOW (self), NULL, NULL, NULL);
#else
  g_autoptr (GFile) folder = g_file_get_parent (self->saved_file);
  if (folder)
    {
      g_autofree char *uri = g_file_get_uri (folder);
      gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
    }
#endif
}

/* ---- other actions ------------------------------------------------------ */

static void
upscale_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  start_job (ENLARGE_WINDOW (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  EnlargeWindow *self = ENLARGE_WINDOW (widget);

  /* Escape stops a run first, and then leaves the preview mode */
  if (self->job == NULL && self->restart_id == 0 && !enlarge_queue_get_running (self->queue) &&
      self->preview_mode)
    {
      set_preview_mode (self, FALSE);
      return;
    }
  stop_job (self);
  enlarge_queue_cancel (self->queue);
  schedule_preview (self);
  update_state (self);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EnlargeWindow *self = ENLARGE_WINDOW (widget);
  EnlargeCompareView *view = self->compare_view;

  if (g_str_equal (action_name, "win.zoom-in"))
    enlarge_compare_view_zoom_in (view);
  else if (g_str_equal (action_name, "win.zoom-out"))
    enlarge_compare_view_zoom_out (view);
  else if (g_str_equal (action_name, "win.zoom-fit"))
    enlarge_compare_view_zoom_fit (view);
  else if (g_str_equal (action_name, "win.zoom-100"))
    enlarge_compare_view_set_zoom (view, 1.0);
  else if (enlarge_compare_view_get_fit (view))
    enlarge_compare_view_set_zoom (view, 1.0);
  else
    enlarge_compare_view_zoom_fit (view);
}

/* Opens "Compare Models" on the current image, or brings it back. */
static void
compare_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  EnlargeWindow *self = ENLARGE_WINDOW (widget);

  if (self->input == NULL)
    return;
  if (self->compare_window == NULL)
    {
      self->compare_window = enlarge_compare_window_new (self);
      g_object_add_weak_pointer (G_OBJECT (self->compare_window),
                                 (gpointer *) &self->compare_window);
    }
  gtk_window_present (GTK_WINDOW (self->compare_window));
}

/* ---- closing ------------------------------------------------------------ */

static void
on_close_response (AdwMessageDialog *dialog,
                   const char       *response,
                   EnlargeWindow    *self)
{
  if (g_str_equal (response, "discard"))
    {
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
  else if (g_str_equal (response, "save"))
    {
      self->close_after_save = TRUE;
      save_action (GTK_WIDGET (self), "win.save", NULL);
    }
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
  if (self->result != NULL && !self->saved && !self->close_confirmed)
    {
      GtkWidget *dialog;

      dialog = adw_message_dialog_new (window, _("Save the Result?"),
                                       _("The upscaled image has not been saved. "
                                         "If you close the window, it is lost."));
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "discard", _("_Discard"),
                                        "save", _("_Save"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      g_signal_connect (dialog, "response", G_CALLBACK (on_close_response), self);
      gtk_window_present (GTK_WINDOW (dialog));
      return TRUE;
    }
  stop_job (self);
  enlarge_queue_cancel (self->queue);
  return GTK_WINDOW_CLASS (enlarge_window_parent_class)->close_request (window);
}

/* ---- GObject ------------------------------------------------------------ */

static void
enlarge_window_dispose (GObject *object)
{
  EnlargeWindow *self = ENLARGE_WINDOW (object);

  stop_job (self);
  if (self->queue)
    {
      /* its tasks may outlive the window: no more signals to it */
      g_signal_handlers_disconnect_by_data (self->queue, self);
      enlarge_queue_cancel (self->queue);
    }
  clear_preview (self);
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
  g_action_map_remove_action (G_ACTION_MAP (self), "preview-region");
  if (self->preview_action)
    g_signal_handlers_disconnect_by_data (self->preview_action, self);
  g_clear_object (&self->preview_action);
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
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, progress_box);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, zoom_label);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, queue_group);
  gtk_widget_class_bind_template_child (widget_class, EnlargeWindow, queue_list);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "win.upscale", NULL, upscale_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "win.upscale-all", NULL, upscale_all_action);
  gtk_widget_class_install_action (widget_class, "win.clear-queue", NULL, clear_queue_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-fit", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-100", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-toggle", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.compare", NULL, compare_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "win.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "win.upscale", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "win.upscale", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "win.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, GDK_CONTROL_MASK, "win.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_CONTROL_MASK, "win.zoom-100", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_1, GDK_CONTROL_MASK, "win.zoom-100", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.toggle-sidebar", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, GDK_CONTROL_MASK, "win.compare", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.preview-region", NULL);
}

static void
toggle_sidebar (EnlargeWindow *self)
{
  adw_flap_set_reveal_flap (self->flap, !adw_flap_get_reveal_flap (self->flap));
}

static void
enlarge_window_init (EnlargeWindow *self)
{
  GtkDropTarget *drop;
  g_autoptr (GAction) mode_action = NULL;
  g_autoptr (GSimpleAction) sidebar_action = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  self->queue = enlarge_queue_new (self->settings);
  gtk_list_box_bind_model (self->queue_list, G_LIST_MODEL (self->queue),
                           create_queue_row, NULL, NULL);
  g_signal_connect (self->queue_list, "row-activated", G_CALLBACK (on_queue_row_activated), self);
  g_signal_connect (self->queue, "item-started", G_CALLBACK (on_queue_item_started), self);
  g_signal_connect (self->queue, "item-progress", G_CALLBACK (on_queue_item_progress), self);
  g_signal_connect (self->queue, "finished", G_CALLBACK (on_queue_finished), self);
  g_signal_connect_swapped (self->queue, "notify::running", G_CALLBACK (update_state), self);
  g_signal_connect_swapped (self->queue, "notify::has-work", G_CALLBACK (update_state), self);
  g_signal_connect_swapped (self->queue, "items-changed", G_CALLBACK (update_state), self);

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
  self->preview_action = g_simple_action_new_stateful ("preview-region", NULL,
                                                       g_variant_new_boolean (FALSE));
  g_signal_connect (self->preview_action, "change-state",
                    G_CALLBACK (on_preview_change_state), self);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (self->preview_action));

  setup_controls (self);

  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, (GType[2]) { GDK_TYPE_FILE_LIST, G_TYPE_FILE }, 2);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  g_signal_connect_swapped (self->compare_view, "notify::zoom",
                            G_CALLBACK (update_zoom_label), self);
  g_signal_connect_swapped (self->compare_view, "notify::fit",
                            G_CALLBACK (update_zoom_label), self);
  g_signal_connect_swapped (self->compare_view, "region-changed",
                            G_CALLBACK (on_region_changed), self);

  update_state (self);
}

EnlargeWindow *
enlarge_window_new (GtkApplication *application)
{
  return g_object_new (ENLARGE_TYPE_WINDOW, "application", application, NULL);
}

/* ---- accessors ---------------------------------------------------------- */

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
  return self->job != NULL || self->restart_id != 0;
}

guint
enlarge_window_get_queue_length (EnlargeWindow *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->queue));
}

static EnlargeQueueItem *
queue_item (EnlargeWindow *self, guint i)
{
  EnlargeQueueItem *item = enlarge_queue_get_item (self->queue, i);

  g_return_val_if_fail (item != NULL, NULL);
  return item;
}

GFile *
enlarge_window_get_queue_file (EnlargeWindow *self, guint i)
{
  EnlargeQueueItem *item = queue_item (self, i);
  return item ? enlarge_queue_item_get_file (item) : NULL;
}

EnlargeQueueState
enlarge_window_get_queue_state (EnlargeWindow *self, guint i)
{
  EnlargeQueueItem *item = queue_item (self, i);
  return item ? enlarge_queue_item_get_state (item) : ENLARGE_QUEUE_FAILED;
}

const char *
enlarge_window_get_queue_detail (EnlargeWindow *self, guint i)
{
  EnlargeQueueItem *item = queue_item (self, i);
  return item ? enlarge_queue_item_get_detail (item) : NULL;
}

GFile *
enlarge_window_get_queue_output (EnlargeWindow *self, guint i)
{
  EnlargeQueueItem *item = queue_item (self, i);
  return item ? enlarge_queue_item_get_output (item) : NULL;
}

gboolean
enlarge_window_get_batch_running (EnlargeWindow *self)
{
  return enlarge_queue_get_running (self->queue);
}

gboolean
enlarge_window_get_saving (EnlargeWindow *self)
{
  return self->saving;
}

gboolean
enlarge_window_get_unsaved (EnlargeWindow *self)
{
  return self->result != NULL && !self->saved;
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

const char *
enlarge_window_get_preset (EnlargeWindow *self)
{
  guint n;
  const EnlargeAppPreset *presets = enlarge_app_presets_get (&n);
  guint i = adw_combo_row_get_selected (self->preset_row);

  return i < n ? presets[i].id : ENLARGE_PRESET_CUSTOM;
}

void
enlarge_window_set_preset (EnlargeWindow *self, const char *preset)
{
  adw_combo_row_set_selected (self->preset_row, enlarge_app_preset_index (preset));
}

const char *
enlarge_window_get_model (EnlargeWindow *self)
{
  return selected_model (self);
}

void
enlarge_window_set_model (EnlargeWindow *self, const char *model)
{
  select_model (self, model);
}

GtkAdjustment *
enlarge_window_get_creativity_adjustment (EnlargeWindow *self)
{
  return self->creativity_adjustment;
}

GtkAdjustment *
enlarge_window_get_scale_adjustment (EnlargeWindow *self)
{
  return self->scale_adjustment;
}

GtkAdjustment *
enlarge_window_get_target_adjustment (EnlargeWindow *self)
{
  return self->target_adjustment;
}

gboolean
enlarge_window_get_preview_mode (EnlargeWindow *self)
{
  return self->preview_mode;
}

void
enlarge_window_set_preview_region (EnlargeWindow *self, const EnlargeRect *region)
{
  enlarge_compare_view_set_region (self->compare_view, region);
}

gboolean
enlarge_window_get_preview_region (EnlargeWindow *self, EnlargeRect *region)
{
  return enlarge_compare_view_get_region (self->compare_view, region);
}

gboolean
enlarge_window_get_preview_busy (EnlargeWindow *self)
{
  return self->preview_timeout_id != 0 || self->preview_cancellable != NULL;
}

guint
enlarge_window_get_preview_count (EnlargeWindow *self)
{
  return self->preview_count;
}

EnlargeImage *
enlarge_window_get_preview (EnlargeWindow *self, EnlargeRect *output_rect, double *seconds)
{
  if (self->preview != NULL && output_rect != NULL)
    *output_rect = self->preview_rect;
  if (self->preview != NULL && seconds != NULL)
    *seconds = self->preview_seconds;
  return self->preview;
}
