/* enlarge-queue-row.c: a queue entry in the sidebar's list: a thumbnail,
 * the name, what happens to it, a state icon and a remove button. Built
 * in code: an action row with three small widgets, too little for a
 * template. */

#include "config.h"

#include <glib/gi18n.h>

#include "enlarge-file-io.h"
#include "enlarge-queue-row.h"

struct _EnlargeQueueRow
{
  AdwActionRow parent_instance;

  EnlargeQueueItem *item;
  GtkPicture       *thumbnail;
  GtkStack         *state;        /* a spinner while running, else an icon */
  GtkSpinner       *spinner;
  GtkImage         *icon;
  GtkWidget        *remove;
  GCancellable     *cancellable;  /* the thumbnail's load */
};

/* Thumbnails are this many pixels a side at most. */
#define THUMBNAIL_SIZE 40

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
      icon = "document-open-recent-symbolic";
      break;
    case ENLARGE_QUEUE_RUNNING:
      if (enlarge_queue_item_get_saving (self->item))
        text = g_strdup (_("Saving…"));
      else
        /* Translators: a queued file being upscaled, with its progress */
        text = g_strdup_printf (_("Upscaling… %.0f %%"),
                                enlarge_queue_item_get_progress (self->item) * 100);
      icon = NULL;  /* the spinner */
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
  if (icon)
    {
      gtk_image_set_from_icon_name (self->icon, icon);
      gtk_stack_set_visible_child (self->state, GTK_WIDGET (self->icon));
      gtk_spinner_stop (self->spinner);
    }
  else
    {
      gtk_spinner_start (self->spinner);
      gtk_stack_set_visible_child (self->state, GTK_WIDGET (self->spinner));
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->icon), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), text);
  /* the entry being worked on stays */
  gtk_widget_set_sensitive (self->remove,
                            enlarge_queue_item_get_state (self->item) != ENLARGE_QUEUE_RUNNING);
}

static void
thumbnail_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  g_autofree char *path = g_file_get_path (task_data);
  g_autoptr (GdkPixbuf) small = NULL;
  g_autoptr (GdkPixbuf) oriented = NULL;

  /* GdkPixbuf decodes at the small size for JPEG: cheap even for photos */
  small = path ? gdk_pixbuf_new_from_file_at_scale (path, THUMBNAIL_SIZE, THUMBNAIL_SIZE,
                                                    TRUE, NULL) : NULL;
  oriented = small ? gdk_pixbuf_apply_embedded_orientation (small) : NULL;
  if (oriented == NULL)
    g_task_return_pointer (task, NULL, NULL);
  else
    g_task_return_pointer (task, g_steal_pointer (&oriented), g_object_unref);
}

static void
on_thumbnail (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr (GdkPixbuf) pixbuf = g_task_propagate_pointer (G_TASK (res), NULL);
  EnlargeQueueRow *self;

  if (g_task_had_error (G_TASK (res)) || g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (res))))
    return;
  self = ENLARGE_QUEUE_ROW (user_data);
  if (pixbuf != NULL)
    {
      g_autoptr (GdkTexture) texture = gdk_texture_new_for_pixbuf (pixbuf);
      gtk_picture_set_paintable (self->thumbnail, GDK_PAINTABLE (texture));
    }
}

static void
enlarge_queue_row_dispose (GObject *object)
{
  EnlargeQueueRow *self = ENLARGE_QUEUE_ROW (object);

  /* the item outlives the row when a save finishes after Clear */
  if (self->item)
    g_signal_handlers_disconnect_by_data (self->item, self);
  g_clear_object (&self->item);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

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

  self->thumbnail = GTK_PICTURE (gtk_picture_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->thumbnail), THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  gtk_widget_set_valign (GTK_WIDGET (self->thumbnail), GTK_ALIGN_CENTER);
  gtk_picture_set_can_shrink (self->thumbnail, TRUE);
  adw_action_row_add_prefix (ADW_ACTION_ROW (self), GTK_WIDGET (self->thumbnail));

  self->state = GTK_STACK (gtk_stack_new ());
  self->icon = GTK_IMAGE (gtk_image_new ());
  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_stack_add_child (self->state, GTK_WIDGET (self->icon));
  gtk_stack_add_child (self->state, GTK_WIDGET (self->spinner));
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), GTK_WIDGET (self->state));

  self->remove = gtk_button_new_from_icon_name ("list-remove-symbolic");
  gtk_widget_set_valign (self->remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->remove, "flat");
  gtk_widget_set_tooltip_text (self->remove, _("Remove from the Queue"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Remove from the Queue"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), self->remove);
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
  {
    g_autofree char *uri = g_file_get_uri (enlarge_queue_item_get_file (item));
    gtk_actionable_set_action_name (GTK_ACTIONABLE (self->remove), "win.queue-remove");
    gtk_actionable_set_action_target (GTK_ACTIONABLE (self->remove), "s", uri);
  }
  {
    g_autoptr (GTask) task = NULL;

    self->cancellable = g_cancellable_new ();
    /* a row gone meanwhile has cancelled the load, and is not touched */
    task = g_task_new (NULL, self->cancellable, on_thumbnail, self);
    g_task_set_task_data (task, g_object_ref (enlarge_queue_item_get_file (item)), g_object_unref);
    g_task_run_in_thread (task, thumbnail_thread);
  }
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

GdkPaintable *
enlarge_queue_row_get_thumbnail (EnlargeQueueRow *self)
{
  g_return_val_if_fail (ENLARGE_IS_QUEUE_ROW (self), NULL);
  return gtk_picture_get_paintable (self->thumbnail);
}
