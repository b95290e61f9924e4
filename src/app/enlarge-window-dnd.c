/* enlarge-window-dnd.c: files and images dropped on the main window or
 * pasted into it (Ctrl+V); a dropped model file is imported. */

#include "config.h"

#include <glib/gi18n.h>

#include "enlarge-model-catalog.h"
#include "enlarge-window-private.h"

/* ---- model files: imported, not opened ------------------------------------ */

static void
on_model_imported (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  EnlargeWindow *self = g_task_get_source_object (task);
  GFile *file = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *id = enlarge_model_catalog_import_finish (ENLARGE_MODEL_CATALOG (source), res, &error);

  self->importing--;
  if (id == NULL)
    {
      g_autofree char *heading = enlarge_model_import_failed_heading (file);
      _enlarge_window_show_error (self, heading, error->message);
    }
  else
    {
      g_autofree char *text = enlarge_model_catalog_describe_import (ENLARGE_MODEL_CATALOG (source), id);
      /* dropped on this window to be used here */
      enlarge_window_set_model (self, id);
      _enlarge_window_show_toast (self, text);
    }
  _enlarge_window_update_state (self);
  g_task_return_boolean (task, id != NULL);
}

void
enlarge_window_import_model (EnlargeWindow *self,
                             GFile         *file)
{
  /* the task only keeps the window and the file until the end */
  GTask *task = g_task_new (self, NULL, NULL, NULL);

  g_return_if_fail (ENLARGE_IS_WINDOW (self));
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  self->importing++;
  enlarge_model_catalog_import_async (enlarge_model_catalog_get_default (), file, NULL,
                                      on_model_imported, task);
}

/* Imports the model files of @files; the others are opened. */
static void
open_or_import (EnlargeWindow *self,
                GSList        *files)
{
  g_autoptr (GSList) images = NULL;

  for (GSList *l = files; l != NULL; l = l->next)
    if (enlarge_model_catalog_is_model_file (l->data))
      enlarge_window_import_model (self, l->data);
    else
      images = g_slist_prepend (images, l->data);
  images = g_slist_reverse (images);
  if (images != NULL)
    enlarge_window_open_files (self, images);
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
      open_or_import (self, g_value_get_boxed (value));
      return TRUE;
    }
  if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    {
      GSList one = { g_value_get_object (value), NULL };
      open_or_import (self, &one);
      return TRUE;
    }
  return FALSE;
}

static void
on_paste_files (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EnlargeWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  const GValue *value = gdk_clipboard_read_value_finish (GDK_CLIPBOARD (source), res, &error);

  if (value == NULL)
    _enlarge_window_show_toast (self, _("Could not paste from the clipboard"));
  else if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    enlarge_window_open_files (self, g_value_get_boxed (value));
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
      _enlarge_window_show_toast (self, _("Could not paste from the clipboard"));
      return;
    }
  png = gdk_texture_save_to_png_bytes (texture);
  _enlarge_window_load (self, NULL, png, NULL);
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
    _enlarge_window_show_toast (self, _("The clipboard holds no image"));
}

void
_enlarge_window_class_dnd_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.paste", NULL, paste_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "win.paste", NULL);
}

void
_enlarge_window_dnd_init (EnlargeWindow *self)
{
  GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);

  gtk_drop_target_set_gtypes (drop, (GType[2]) { GDK_TYPE_FILE_LIST, G_TYPE_FILE }, 2);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

guint
enlarge_window_get_importing (EnlargeWindow *self)
{
  return self->importing;
}
