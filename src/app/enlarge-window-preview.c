/* enlarge-window-preview.c: "Preview Region" (win.preview-region): a
 * region of the image runs through the current settings whenever it or a
 * control changes, so the effect shows in a moment instead of a full run. */

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "enlarge-window-private.h"

/* The region preview runs once the region and the controls have been
 * still this long. */
#define PREVIEW_DELAY_MS 300
/* The region proposed when the preview mode is turned on (input pixels a
 * side) before a preview has measured the device: small, as a CPU takes
 * seconds for 256 × 256 with the large models. */
#define PREVIEW_REGION_SIZE 128
/* Once measured, the proposal is sized to take about this long. */
#define PREVIEW_TARGET_SECONDS 1.0

/* Forgets the preview: the one running or waiting, and the one shown. */
void
_enlarge_window_clear_preview (EnlargeWindow *self)
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
          _enlarge_window_show_toast (self, text);
        }
      _enlarge_window_update_state (self);
      return;
    }

  g_clear_pointer (&self->preview, enlarge_image_unref);
  g_clear_object (&self->preview_texture);
  self->preview = g_steal_pointer (&image);
  self->preview_texture = enlarge_texture_new_for_image (self->preview);
  self->preview_rect = rect;
  self->preview_seconds = seconds;
  self->preview_count++;
  /* the device's rate on this model, for the next proposed region */
  if (seconds > 0.01 && self->preview_region_pixels > 0)
    self->preview_pixels_per_second = self->preview_region_pixels / seconds;
  enlarge_compare_view_set_preview (self->compare_view, self->preview_texture, &rect,
                                    self->preview_out_width, self->preview_out_height);
  _enlarge_window_update_state (self);
}

static gboolean
preview_timeout (gpointer data)
{
  EnlargeWindow *self = data;
  g_autoptr (EnlargeJobSettings) settings = _enlarge_window_collect_settings (self);
  EnlargeRect region;

  self->preview_timeout_id = 0;
  if (self->input == NULL || settings->model == NULL ||
      !enlarge_compare_view_get_region (self->compare_view, &region) ||
      !enlarge_job_settings_output_size (settings, self->input->width, self->input->height,
                                         &self->preview_out_width, &self->preview_out_height))
    {
      _enlarge_window_update_state (self);
      return G_SOURCE_REMOVE;
    }
  self->preview_cancellable = g_cancellable_new ();
  self->preview_region_pixels = (double) region.width * region.height;
  enlarge_job_preview_async (G_OBJECT (self), settings, self->input, &region,
                             self->preview_cancellable, on_preview_done, g_object_ref (self));
  _enlarge_window_update_state (self);
  return G_SOURCE_REMOVE;
}

/* The region or a control changed: a new preview once they are still;
 * the one running, now out of date, is cancelled. Not while a full run
 * is on its way: its result replaces the preview. */
void
_enlarge_window_schedule_preview (EnlargeWindow *self)
{
  if (!self->preview_mode || self->input == NULL)
    return;
  g_clear_handle_id (&self->preview_timeout_id, g_source_remove);
  if (self->preview_cancellable)
    g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);
  if (self->job.job != NULL || self->restart_id != 0 || enlarge_queue_get_running (self->queue))
    return;
  self->preview_timeout_id = g_timeout_add (PREVIEW_DELAY_MS, preview_timeout, self);
}

/* The proposed region: the most detailed part of the image, as large as
 * the device previews in about a second once a preview has measured it. */
void
_enlarge_window_propose_region (EnlargeWindow *self)
{
  int size = PREVIEW_REGION_SIZE;
  EnlargeRect region;

  if (self->preview_pixels_per_second > 0)
    size = CLAMP ((int) sqrt (self->preview_pixels_per_second * PREVIEW_TARGET_SECONDS), 32, 512);
  region = enlarge_suggest_region (self->input, size);
  region.x = CLAMP (region.x, 0, self->input->width - 1);
  region.y = CLAMP (region.y, 0, self->input->height - 1);
  region.width = CLAMP (region.width, 1, self->input->width - region.x);
  region.height = CLAMP (region.height, 1, self->input->height - region.y);
  enlarge_compare_view_set_region (self->compare_view, &region);
}

void
_enlarge_window_set_preview_mode (EnlargeWindow *self, gboolean on)
{
  on = on && self->input != NULL;
  if (on == self->preview_mode)
    return;
  self->preview_mode = on;
  g_simple_action_set_state (self->preview_action, g_variant_new_boolean (on));
  if (on)
    {
      _enlarge_window_propose_region (self);
      _enlarge_window_schedule_preview (self);
    }
  else
    {
      _enlarge_window_clear_preview (self);
      enlarge_compare_view_set_region (self->compare_view, NULL);
    }
  _enlarge_window_update_state (self);
}

static void
on_preview_change_state (GSimpleAction *action,
                         GVariant      *value,
                         EnlargeWindow *self)
{
  _enlarge_window_set_preview_mode (self, g_variant_get_boolean (value));
}

static void
on_region_changed (EnlargeWindow *self)
{
  _enlarge_window_schedule_preview (self);
  _enlarge_window_update_state (self);
}

void
_enlarge_window_class_preview_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.preview-region", NULL);
}

void
_enlarge_window_preview_init (EnlargeWindow *self)
{
  self->preview_action = g_simple_action_new_stateful ("preview-region", NULL,
                                                       g_variant_new_boolean (FALSE));
  g_signal_connect (self->preview_action, "change-state",
                    G_CALLBACK (on_preview_change_state), self);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (self->preview_action));
  g_signal_connect_swapped (self->compare_view, "region-changed",
                            G_CALLBACK (on_region_changed), self);
}

void
_enlarge_window_preview_dispose (EnlargeWindow *self)
{
  _enlarge_window_clear_preview (self);
  g_action_map_remove_action (G_ACTION_MAP (self), "preview-region");
  if (self->preview_action)
    g_signal_handlers_disconnect_by_data (self->preview_action, self);
  g_clear_object (&self->preview_action);
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
