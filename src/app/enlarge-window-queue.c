/* enlarge-window-queue.c: several files in the main window: the queue in
 * the sidebar and "Upscale All", whose batch runs in EnlargeQueue; the
 * window shows its progress. */

#include "config.h"

#include <glib/gi18n.h>

#include "enlarge-file-io.h"
#include "enlarge-queue-row.h"
#include "enlarge-window-private.h"

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
  _enlarge_window_load (self, enlarge_queue_item_get_file (item), NULL,
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
    _enlarge_window_show_toast (self, text);
  }
  adw_flap_set_reveal_flap (self->flap, TRUE);
  _enlarge_window_update_state (self);
}

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
  _enlarge_window_update_state (self);
  _enlarge_window_progress_start (self);
}

static void
on_queue_item_progress (EnlargeQueue     *queue,
                        EnlargeQueueItem *item,
                        int               done,
                        int               total,
                        EnlargeWindow    *self)
{
  _enlarge_window_progress_tiles (self, done, total);
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
  _enlarge_window_show_toast (self, text);
  _enlarge_window_update_state (self);
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
  settings = _enlarge_window_collect_settings (self);
  if (settings->model == NULL)
    {
      _enlarge_window_show_toast (self, _("No models are installed"));
      return;
    }
  /* one job at a time: the single image's job gives way */
  _enlarge_window_stop_job (self);
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
  _enlarge_window_update_state (self);
}

/* win.queue-remove (s): the URI of the entry to remove */
static void
queue_remove_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  EnlargeWindow *self = ENLARGE_WINDOW (widget);
  g_autoptr (GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  enlarge_queue_remove (self->queue, file);
  _enlarge_window_update_state (self);
}

void
_enlarge_window_class_queue_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.queue-remove", "s", queue_remove_action);
  gtk_widget_class_install_action (widget_class, "win.upscale-all", NULL, upscale_all_action);
  gtk_widget_class_install_action (widget_class, "win.clear-queue", NULL, clear_queue_action);
}

void
_enlarge_window_queue_init (EnlargeWindow *self)
{
  self->queue = enlarge_queue_new (self->settings);
  gtk_list_box_bind_model (self->queue_list, G_LIST_MODEL (self->queue),
                           create_queue_row, NULL, NULL);
  g_signal_connect (self->queue_list, "row-activated", G_CALLBACK (on_queue_row_activated), self);
  g_signal_connect (self->queue, "item-started", G_CALLBACK (on_queue_item_started), self);
  g_signal_connect (self->queue, "item-progress", G_CALLBACK (on_queue_item_progress), self);
  g_signal_connect (self->queue, "finished", G_CALLBACK (on_queue_finished), self);
  g_signal_connect_swapped (self->queue, "notify::running", G_CALLBACK (_enlarge_window_update_state), self);
  g_signal_connect_swapped (self->queue, "notify::has-work", G_CALLBACK (_enlarge_window_update_state), self);
  g_signal_connect_swapped (self->queue, "items-changed", G_CALLBACK (_enlarge_window_update_state), self);
}

void
_enlarge_window_queue_dispose (EnlargeWindow *self)
{
  if (self->queue == NULL)
    return;
  /* its tasks may outlive the window: no more signals to it */
  g_signal_handlers_disconnect_by_data (self->queue, self);
  enlarge_queue_cancel (self->queue);
}

/* ---- for tests ------------------------------------------------------------ */

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
