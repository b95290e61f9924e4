/* enlarge-window-actions.c: the main window's actions and their keys:
 * open, save, save as, open folder, upscale, cancel, zoom, compare. */

#include "config.h"

#include <glib/gi18n.h>

#include "enlarge-file-io.h"
#include "enlarge-window-private.h"

static void
open_list_model (EnlargeWindow *self,
                 GListModel    *model)
{
  GSList *files = NULL;

  for (guint i = g_list_model_get_n_items (model); i > 0; i--)
    files = g_slist_prepend (files, g_list_model_get_item (model, i - 1));
  enlarge_window_open_files (self, files);
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
  /* the next image is most often beside the one shown */
  g_autoptr (GFile) folder = self->input_file ? g_file_get_parent (self->input_file) : NULL;

  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_pixbuf_formats (filter);

#if GTK_CHECK_VERSION (4, 10, 0)
  g_autoptr (GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr (GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);

  g_list_store_append (filters, filter);
  gtk_file_dialog_set_title (dialog, _("Open Image"));
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  if (folder)
    gtk_file_dialog_set_initial_folder (dialog, folder);
  gtk_file_dialog_open_multiple (dialog, GTK_WINDOW (self), NULL, on_open_dialog_done, g_object_ref (self));
#else
  GtkFileChooserNative *chooser;

  if (self->file_chooser)
    return;
  chooser = gtk_file_chooser_native_new (_("Open Image"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  if (folder)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_open_response), self);
  self->file_chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->file_chooser);
#endif
}

static GFile *
default_output_file (EnlargeWindow *self)
{
  double scale = self->result_settings ? enlarge_job_settings_effective_scale (self->result_settings) : 4;

  return enlarge_file_io_output_file_for (self->settings, self->input_file, scale,
                                          self->result_settings ? self->result_settings->model : NULL);
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
      self->after_save = ENLARGE_AFTER_SAVE_NOTHING;
      _enlarge_window_drop_pending (self);
      _enlarge_window_show_error (self, _("Could Not Save the Image"), error->message);
      _enlarge_window_update_state (self);
      return;
    }

  if (enlarge_file_io_save_get_image (res) == self->result)
    {
      g_set_object (&self->saved_file, file);
      self->saved = TRUE;
    }
  switch (self->after_save)
    {
    case ENLARGE_AFTER_SAVE_CLOSE:
      self->after_save = ENLARGE_AFTER_SAVE_NOTHING;
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
      return;
    case ENLARGE_AFTER_SAVE_SHOW_PENDING:
      self->after_save = ENLARGE_AFTER_SAVE_NOTHING;
      _enlarge_window_show_pending (self);
      break;
    case ENLARGE_AFTER_SAVE_NOTHING:
    default:
      break;
    }

  g_autofree char *name = enlarge_file_io_display_name (file);
  g_autofree char *text = g_strdup_printf (_("Saved “%s”"), name);
  g_autofree char *markup = g_markup_escape_text (text, -1);
  AdwToast *toast = adw_toast_new (markup);
  adw_toast_set_button_label (toast, _("Open Folder"));
  adw_toast_set_action_name (toast, "win.open-folder");
  _enlarge_window_add_toast (self, toast, text);
  _enlarge_window_update_state (self);
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
      _enlarge_window_show_error (self, _("Could Not Save the Image"),
                                  _("The original image is never overwritten. Choose another name."));
      self->after_save = ENLARGE_AFTER_SAVE_NOTHING;
      _enlarge_window_drop_pending (self);
      return;
    }
  if (path == NULL || enlarge_image_format_for_path (path) == NULL)
    {
      _enlarge_window_show_error (self, _("Could Not Save the Image"),
                                  _("The file name must end in .png, .jpg, .tiff or .webp."));
      self->after_save = ENLARGE_AFTER_SAVE_NOTHING;
      _enlarge_window_drop_pending (self);
      return;
    }

  self->saving = TRUE;
  enlarge_file_io_save_async (self, self->settings, file, self->result, NULL, on_saved, NULL);
  _enlarge_window_update_state (self);
}

void
_enlarge_window_save (EnlargeWindow *self)
{
  g_autoptr (GFile) file = NULL;

  if (self->result == NULL)
    return;
  file = self->saved_file ? g_object_ref (self->saved_file) : default_output_file (self);
  save_to (self, file);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  _enlarge_window_save (ENLARGE_WINDOW (widget));
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

static void
upscale_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  _enlarge_window_start_job (ENLARGE_WINDOW (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  EnlargeWindow *self = ENLARGE_WINDOW (widget);

  /* Escape stops a run first, and then leaves the preview mode */
  if (self->job.job == NULL && self->restart_id == 0 && !enlarge_queue_get_running (self->queue) &&
      !_enlarge_window_video_running (self) && self->preview_mode)
    {
      _enlarge_window_set_preview_mode (self, FALSE);
      return;
    }
  _enlarge_window_stop_job (self);
  enlarge_queue_cancel (self->queue);
  _enlarge_window_video_cancel (self);
  _enlarge_window_schedule_preview (self);
  _enlarge_window_update_state (self);
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

static void
on_compare_used (EnlargeCompareWindow *compare,
                 const char           *title,
                 EnlargeWindow        *self)
{
  /* Translators: a model was chosen in Compare Models */
  g_autofree char *text = g_strdup_printf (_("Now using %s"), title);

  _enlarge_window_show_toast (self, text);
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
      self->compare_window = enlarge_compare_window_new (GTK_WINDOW (self), self->input);
      g_signal_connect_object (self->compare_window, "used", G_CALLBACK (on_compare_used), self, 0);
      g_object_add_weak_pointer (G_OBJECT (self->compare_window),
                                 (gpointer *) &self->compare_window);
    }
  gtk_window_present (GTK_WINDOW (self->compare_window));
}

void
_enlarge_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.upscale", NULL, upscale_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, cancel_action);
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
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, GDK_CONTROL_MASK, "win.compare", NULL);
}
