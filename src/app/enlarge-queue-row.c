/* enlarge-queue-row.c: a queue entry in the sidebar's list. Built in code:
 * it is an action row with one icon, too little for a template. */

#include "config.h"

#include <glib/gi18n.h>

#include "enlarge-file-io.h"
#include "enlarge-queue-row.h"

struct _EnlargeQueueRow
{
  AdwActionRow parent_instance;

  EnlargeQueueItem *item;
  GtkImage         *icon;
};

G_DEFINE_FINAL_TYPE (EnlargeQueueRow, enlarge_queue_row, ADW_TYPE_ACTION_ROW)

static void
update (EnlargeQueueRow *self)
{
  g_autofree char *text = NULL;
  g_autofree char *markup = NULL;
  const char *icon = NULL;
  const char *detail = enlarge_queue_item_get_detail (self->item);

  switch (enlarge_queue_item_get_state (self->item))
    {
    case ENLARGE_QUEUE_WAITING:
      text = g_strdup (_("Waiting"));
      icon = "content-loading-symbolic";
      break;
    case ENLARGE_QUEUE_RUNNING:
      if (enlarge_queue_item_get_saving (self->item))
        text = g_strdup (_("Saving…"));
      else
        /* Translators: a queued file being upscaled, with its progress */
        text = g_strdup_printf (_("Upscaling… %.0f %%"),
                                enlarge_queue_item_get_progress (self->item) * 100);
      icon = "media-playback-start-symbolic";
      break;
    case ENLARGE_QUEUE_DONE:
      /* Translators: a queued file was upscaled and saved under this name */
      text = g_strdup_printf (_("Saved as “%s”"), detail);
      icon = "emblem-ok-symbolic";
      break;
    case ENLARGE_QUEUE_FAILED:
      /* Translators: a queued file could not be upscaled, and why */
      text = g_strdup_printf (_("Failed: %s"), detail);
      icon = "dialog-error-symbolic";
      break;
    }
  markup = g_markup_escape_text (text, -1);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), markup);
  gtk_image_set_from_icon_name (self->icon, icon);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), text);
}

static void
enlarge_queue_row_dispose (GObject *object)
{
  EnlargeQueueRow *self = ENLARGE_QUEUE_ROW (object);

  /* the item outlives the row when a save finishes after Clear */
  if (self->item)
    g_signal_handlers_disconnect_by_data (self->item, self);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (enlarge_queue_row_parent_class)->dispose (object);
}

static void
enlarge_queue_row_class_init (EnlargeQueueRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = enlarge_queue_row_dispose;
}

static void
enlarge_queue_row_init (EnlargeQueueRow *self)
{
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self), 2);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), TRUE);
  self->icon = GTK_IMAGE (gtk_image_new ());
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), GTK_WIDGET (self->icon));
}

GtkWidget *
enlarge_queue_row_new (EnlargeQueueItem *item)
{
  EnlargeQueueRow *self;
  g_autofree char *name = NULL;
  g_autofree char *markup = NULL;

  g_return_val_if_fail (ENLARGE_IS_QUEUE_ITEM (item), NULL);

  self = g_object_new (ENLARGE_TYPE_QUEUE_ROW, NULL);
  self->item = g_object_ref (item);
  name = enlarge_file_io_display_name (enlarge_queue_item_get_file (item));
  markup = g_markup_escape_text (name, -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), markup);
  g_signal_connect_swapped (item, "notify", G_CALLBACK (update), self);
  update (self);
  return GTK_WIDGET (self);
}

EnlargeQueueItem *
enlarge_queue_row_get_item (EnlargeQueueRow *self)
{
  g_return_val_if_fail (ENLARGE_IS_QUEUE_ROW (self), NULL);
  return self->item;
}
