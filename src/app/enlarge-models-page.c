/* enlarge-models-page.c: Preferences' Models page — what is installed,
 * importing a model file, removing an imported one. */

#include "config.h"

#include <glib/gi18n.h>

#include "enlarge-model-catalog.h"
#include "enlarge-models-page.h"

struct _EnlargeModelsPage
{
  AdwPreferencesPage parent_instance;

  /* template */
  AdwPreferencesGroup *imported_group;
  AdwPreferencesGroup *bundled_group;
  GtkWidget *empty_row;

  GPtrArray *rows;                /* the model rows, each with its "enlarge-model" id */
  GCancellable *cancellable;
  guint importing;
  char *last_message;
  AdwMessageDialog *dialog;       /* weak: the question or error shown */
  GtkNativeDialog *chooser;       /* GtkFileChooserNative on GTK 4.8 */
};

G_DEFINE_FINAL_TYPE (EnlargeModelsPage, enlarge_models_page, ADW_TYPE_PREFERENCES_PAGE)

static void
set_message (EnlargeModelsPage *self, const char *text)
{
  g_free (self->last_message);
  self->last_message = g_strdup (text);
}

static void
show_toast (EnlargeModelsPage *self, const char *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  set_message (self, text);
  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (text));
}

static void
show_dialog (EnlargeModelsPage *self, AdwMessageDialog *dialog)
{
  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  self->dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_error (EnlargeModelsPage *self, const char *heading, const char *body)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              heading, body);

  set_message (self, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  show_dialog (self, ADW_MESSAGE_DIALOG (dialog));
}

/* "Compact · 2× · 4.8 MB · BSD-3-Clause" */
static char *
describe (const EnlargeModelEntry *e)
{
  g_autofree char *size = g_format_size (e->size);

  if (e->problem != NULL)
    /* Translators: an imported file that cannot be used, its size and why */
    return g_strdup_printf (_("Cannot be used (%s): %s"), size, e->problem);
  /* Translators: architecture · factor · size on disk · licence */
  return g_strdup_printf (_("%s · %d× · %s · %s"), e->architecture, e->scale, size,
                          e->license != NULL ? e->license : _("licence unknown"));
}

static void on_remove_clicked (GtkButton *button, EnlargeModelsPage *self);

static GtkWidget *
new_row (EnlargeModelsPage *self, const EnlargeModelEntry *e)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = describe (e);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), e->title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  g_object_set_data_full (G_OBJECT (row), "enlarge-model", g_strdup (e->id), g_free);
  if (e->path != NULL)
    {
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      /* Translators: the accessible name of a model's remove button */
      g_autofree char *label = g_strdup_printf (_("Remove “%s”"), e->title);

      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      label, -1);
      g_object_set_data_full (G_OBJECT (remove), "enlarge-model", g_strdup (e->id), g_free);
      g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      gtk_widget_set_tooltip_text (row, e->path);
    }
  if (e->problem != NULL)
    gtk_widget_add_css_class (row, "error");
  return row;
}

static void
fill (EnlargeModelsPage *self)
{
  EnlargeModelCatalog *catalog = enlarge_model_catalog_get_default ();
  gboolean any_imported = FALSE;

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      AdwPreferencesGroup *group = g_object_get_data (G_OBJECT (row), "enlarge-group");
      adw_preferences_group_remove (group, row);
    }
  g_ptr_array_set_size (self->rows, 0);

  for (guint i = 0; i < enlarge_model_catalog_get_n_entries (catalog); i++)
    {
      const EnlargeModelEntry *e = enlarge_model_catalog_get_entry (catalog, i);
      AdwPreferencesGroup *group = e->path != NULL ? self->imported_group : self->bundled_group;
      GtkWidget *row = new_row (self, e);

      any_imported |= e->path != NULL;
      g_object_set_data (G_OBJECT (row), "enlarge-group", group);
      adw_preferences_group_add (group, row);
      g_ptr_array_add (self->rows, row);
    }
  gtk_widget_set_visible (self->empty_row, !any_imported);
}

/* ---- importing --------------------------------------------------------------- */

typedef struct {
  EnlargeModelsPage *self;
  GFile *file;
} Import;

static void
import_free (Import *import)
{
  g_object_unref (import->self);
  g_object_unref (import->file);
  g_free (import);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Import, import_free)

static void
on_imported (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (Import) import = user_data;
  EnlargeModelsPage *self = import->self;
  GFile *file = import->file;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = enlarge_model_catalog_import_finish (ENLARGE_MODEL_CATALOG (source), res, &error);

  self->importing--;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (id == NULL)
    {
      g_autofree char *heading = enlarge_model_import_failed_heading (file);
      show_error (self, heading, error->message);
      return;
    }
  {
    g_autofree char *text = enlarge_model_catalog_describe_import (ENLARGE_MODEL_CATALOG (source), id);
    show_toast (self, text);
  }
}

void
enlarge_models_page_import (EnlargeModelsPage *self,
                            GFile             *file)
{
  Import *import = g_new0 (Import, 1);

  g_return_if_fail (ENLARGE_IS_MODELS_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  import->self = g_object_ref (self);
  import->file = g_object_ref (file);
  self->importing++;
  enlarge_model_catalog_import_async (enlarge_model_catalog_get_default (), file, self->cancellable,
                                      on_imported, import);
}

static GtkFileFilter *
model_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();
  static const char *patterns[] = { "*.pth", "*.pt", "*.ckpt", "*.safetensors", "*.param", "*.bin" };

  gtk_file_filter_set_name (filter, _("Model files"));
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    gtk_file_filter_add_pattern (filter, patterns[i]);
  return filter;
}

#if GTK_CHECK_VERSION (4, 10, 0)
static void
on_chosen (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EnlargeModelsPage) self = user_data;
  g_autoptr (GFile) file = gtk_file_dialog_open_finish (GTK_FILE_DIALOG (source), res, NULL);

  if (file != NULL)
    enlarge_models_page_import (self, file);
}
#else
static void
on_chooser_response (GtkNativeDialog   *dialog,
                     int                response,
                     EnlargeModelsPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (file != NULL)
        enlarge_models_page_import (self, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->chooser);
}
#endif

static void
import_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EnlargeModelsPage *self = ENLARGE_MODELS_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr (GtkFileFilter) filter = model_filter ();

#if GTK_CHECK_VERSION (4, 10, 0)
  g_autoptr (GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr (GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);

  g_list_store_append (filters, filter);
  gtk_file_dialog_set_title (dialog, _("Import Model"));
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  gtk_file_dialog_open (dialog, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, NULL, on_chosen,
                        g_object_ref (self));
#else
  if (self->chooser != NULL)
    return;
  self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (_("Import Model"),
                                                                  GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                                  GTK_FILE_CHOOSER_ACTION_OPEN,
                                                                  _("_Import"), _("_Cancel")));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_native_dialog_set_modal (self->chooser, TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (self->chooser);
#endif
}

/* ---- removing ------------------------------------------------------------------ */

static void
on_remove_response (AdwMessageDialog  *dialog,
                    const char        *response,
                    EnlargeModelsPage *self)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "enlarge-model");
  g_autoptr (GError) error = NULL;

  if (!g_str_equal (response, "remove"))
    return;
  if (!enlarge_model_catalog_remove (enlarge_model_catalog_get_default (), id, &error))
    {
      /* Translators: the heading of the dialog saying why a model stayed */
      show_error (self, _("Cannot Remove the Model"), error->message);
      return;
    }
  {
    /* Translators: a model file was removed */
    g_autofree char *text = g_strdup_printf (_("Removed “%s”"), id);
    show_toast (self, text);
  }
}

void
enlarge_models_page_ask_remove (EnlargeModelsPage *self,
                                const char        *id)
{
  const EnlargeModelEntry *e = enlarge_model_catalog_lookup (enlarge_model_catalog_get_default (), id);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  g_return_if_fail (ENLARGE_IS_MODELS_PAGE (self));
  if (e == NULL || e->path == NULL)
    return;
  /* Translators: the question before an imported model is removed */
  heading = g_strdup_printf (_("Remove “%s”?"), e->title);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading,
                                   _("Its copy in Enlarge’s model folder is deleted. "
                                     "The file you imported it from stays where it is."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "enlarge-model", g_strdup (id), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_remove_response), self);
  show_dialog (self, ADW_MESSAGE_DIALOG (dialog));
}

static void
on_remove_clicked (GtkButton *button, EnlargeModelsPage *self)
{
  enlarge_models_page_ask_remove (self, g_object_get_data (G_OBJECT (button), "enlarge-model"));
}

/* ---- the class --------------------------------------------------------------- */

static void
enlarge_models_page_dispose (GObject *object)
{
  EnlargeModelsPage *self = ENLARGE_MODELS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->dialog != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->dialog, self);
      g_object_remove_weak_pointer (G_OBJECT (self->dialog), (gpointer *) &self->dialog);
      self->dialog = NULL;
    }
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (self->chooser);
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), ENLARGE_TYPE_MODELS_PAGE);
  G_OBJECT_CLASS (enlarge_models_page_parent_class)->dispose (object);
}

static void
enlarge_models_page_finalize (GObject *object)
{
  EnlargeModelsPage *self = ENLARGE_MODELS_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_free (self->last_message);
  G_OBJECT_CLASS (enlarge_models_page_parent_class)->finalize (object);
}

static void
enlarge_models_page_class_init (EnlargeModelsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enlarge_models_page_dispose;
  object_class->finalize = enlarge_models_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/enlarge/Enlarge/enlarge-models-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EnlargeModelsPage, imported_group);
  gtk_widget_class_bind_template_child (widget_class, EnlargeModelsPage, bundled_group);
  gtk_widget_class_bind_template_child (widget_class, EnlargeModelsPage, empty_row);
  gtk_widget_class_install_action (widget_class, "models.import", NULL, import_action);
}

static void
enlarge_models_page_init (EnlargeModelsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  fill (self);
  g_signal_connect_object (enlarge_model_catalog_get_default (), "changed", G_CALLBACK (fill), self,
                           G_CONNECT_SWAPPED);
}

GtkWidget *
enlarge_models_page_new (void)
{
  return g_object_new (ENLARGE_TYPE_MODELS_PAGE, NULL);
}

/* ---- for tests ---------------------------------------------------------------- */

guint
enlarge_models_page_get_importing (EnlargeModelsPage *self)
{
  g_return_val_if_fail (ENLARGE_IS_MODELS_PAGE (self), 0);
  return self->importing;
}

const char *
enlarge_models_page_get_last_message (EnlargeModelsPage *self)
{
  g_return_val_if_fail (ENLARGE_IS_MODELS_PAGE (self), NULL);
  return self->last_message;
}

AdwMessageDialog *
enlarge_models_page_get_dialog (EnlargeModelsPage *self)
{
  g_return_val_if_fail (ENLARGE_IS_MODELS_PAGE (self), NULL);
  return self->dialog;
}

AdwActionRow *
enlarge_models_page_get_row (EnlargeModelsPage *self,
                             const char        *id)
{
  g_return_val_if_fail (ENLARGE_IS_MODELS_PAGE (self), NULL);

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "enlarge-model"), id) == 0)
        return ADW_ACTION_ROW (row);
    }
  return NULL;
}
