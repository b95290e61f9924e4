/* enlarge-window-dnd.c: files and images dropped on the main window or
 * pasted into it (Ctrl+V). */

#include "config.h"

#include <glib/gi18n.h>

#include "enlarge-window-private.h"

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         EnlargeWindow *self)
{
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      enlarge_window_open_files (self, g_value_get_boxed (value));
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
