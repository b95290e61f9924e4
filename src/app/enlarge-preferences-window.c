/* enlarge-preferences-window.c: device, tile size, output folder, format
 * and quality; the Models page (enlarge-models-page.c). */

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "enlarge.h"
#include "enlarge-a11y.h"
#include "enlarge-combo-row-value.h"
#include "enlarge-models-page.h"
#include "enlarge-preferences-window.h"

static const int tile_sizes[] = { 0, 64, 128, 256, 512 };

/* The output formats, as the output-format key names them. */
static const struct {
  const char *id;
  const char *title;
} formats[] = {
  { "png", N_("PNG") },
  { "jpeg", N_("JPEG") },
  { "webp", N_("WebP") },
  { "tiff", N_("TIFF") },
};

struct _EnlargePreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  AdwComboRow *device_row;
  AdwComboRow *tile_row;
  AdwEntryRow *folder_row;
  AdwComboRow *format_row;
  AdwActionRow *quality_row;
  GtkAdjustment *quality_adjustment;
  AdwActionRow *lossless_row;
  GtkSwitch *lossless_switch;

  EnlargeModelsPage *models_page;

  GSettings *settings;
  GPtrArray *device_ids;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (EnlargePreferencesWindow, enlarge_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static gboolean
tile_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  int size = g_variant_get_int32 (variant);

  g_value_set_uint (value, 0);
  for (guint i = 0; i < G_N_ELEMENTS (tile_sizes); i++)
    if (tile_sizes[i] == size)
      g_value_set_uint (value, i);
  return TRUE;
}

static GVariant *
tile_set_mapping (const GValue *value, const GVariantType *type, gpointer user_data)
{
  guint i = g_value_get_uint (value);

  return g_variant_new_int32 (i < G_N_ELEMENTS (tile_sizes) ? tile_sizes[i] : 0);
}

static gboolean
format_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  const char *id = g_variant_get_string (variant, NULL);

  g_value_set_uint (value, 0);
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (g_str_equal (formats[i].id, id))
      g_value_set_uint (value, i);
  return TRUE;
}

static GVariant *
format_set_mapping (const GValue *value, const GVariantType *type, gpointer user_data)
{
  guint i = g_value_get_uint (value);

  return g_variant_new_string (i < G_N_ELEMENTS (formats) ? formats[i].id : "png");
}

static gboolean
quality_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  g_value_set_double (value, g_variant_get_int32 (variant));
  return TRUE;
}

static GVariant *
quality_set_mapping (const GValue *value, const GVariantType *type, gpointer user_data)
{
  return g_variant_new_int32 (CLAMP ((int) lround (g_value_get_double (value)), 1, 100));
}

/* Quality for JPEG and lossy WebP, lossless for WebP. */
static void
update_format_rows (EnlargePreferencesWindow *self)
{
  g_autofree char *format = g_settings_get_string (self->settings, "output-format");
  gboolean webp = g_str_equal (format, "webp");
  gboolean lossless = g_settings_get_boolean (self->settings, "output-lossless");

  gtk_widget_set_visible (GTK_WIDGET (self->quality_row),
                          g_str_equal (format, "jpeg") || (webp && !lossless));
  gtk_widget_set_visible (GTK_WIDGET (self->lossless_row), webp);
}

static gboolean
device_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  EnlargePreferencesWindow *self = user_data;
  const char *id = g_variant_get_string (variant, NULL);

  g_value_set_uint (value, 0);
  for (guint i = 0; i < self->device_ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->device_ids, i), id) == 0)
      g_value_set_uint (value, i);
  return TRUE;
}

static GVariant *
device_set_mapping (const GValue *value, const GVariantType *type, gpointer user_data)
{
  EnlargePreferencesWindow *self = user_data;
  guint i = g_value_get_uint (value);

  return g_variant_new_string (i < self->device_ids->len ? (const char *) g_ptr_array_index (self->device_ids, i)
                                                        : "auto");
}

/* Listing OpenCL devices can take a moment (drivers load): off the main thread. */
static void
list_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  g_task_return_pointer (task, enlarge_device_list (), (GDestroyNotify) g_ptr_array_unref);
}

/* A device's name as a person calls it: OpenCL drivers prefix CPU names
 * with their own words ("pthread-skylake-avx512-AMD EPYC") and brand
 * marks; the kind is said in words. */
char *
enlarge_preferences_device_label (const EnlargeDeviceInfo *info)
{
  g_autoptr (GString) name = g_string_new (info->name);
  static const char *marks[] = { "(R)", "(TM)", "(tm)", " CPU", " Processor" };

  if (info->kind == ENLARGE_DEVICE_REFERENCE)
    return g_strdup (_("Built-in, without OpenCL (slowest, always works)"));
  if (g_str_has_prefix (name->str, "pthread-") || g_str_has_prefix (name->str, "cpu-"))
    {
      /* PoCL: "pthread-ARCH-FEATURES-Model name", the driver's words in
       * lower case: the model starts at the first dash followed by a
       * capital letter (not the last: "8-Core") */
      for (gsize i = 1; i < name->len; i++)
        if (name->str[i - 1] == '-' && g_ascii_isupper (name->str[i]))
          {
            g_string_erase (name, 0, i);
            break;
          }
    }
  for (guint m = 0; m < G_N_ELEMENTS (marks); m++)
    {
      char *at;
      while ((at = strstr (name->str, marks[m])) != NULL)
        g_string_erase (name, at - name->str, strlen (marks[m]));
    }
  if (strchr (name->str, '@'))
    g_string_truncate (name, strchr (name->str, '@') - name->str);
  g_strstrip (name->str);
  switch (info->kind)
    {
    case ENLARGE_DEVICE_CPU:
      /* Translators: a processor used through OpenCL, with its name */
      return g_strdup_printf (_("Processor: %s"), name->str);
    case ENLARGE_DEVICE_GPU:
      /* Translators: a graphics card, with its name */
      return g_strdup_printf (_("Graphics card: %s"), name->str);
    case ENLARGE_DEVICE_REFERENCE:
    case ENLARGE_DEVICE_ACCELERATOR:
    default:
      return g_strdup (name->str);
    }
}

static void
on_devices (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GPtrArray) devices = g_task_propagate_pointer (G_TASK (res), NULL);
  EnlargePreferencesWindow *self;
  g_autoptr (GtkStringList) names = NULL;

  if (devices == NULL || g_task_had_error (G_TASK (res)))
    return;
  self = ENLARGE_PREFERENCES_WINDOW (source);
  if (self->device_row == NULL)
    return;

  names = gtk_string_list_new (NULL);
  g_ptr_array_set_size (self->device_ids, 0);
  g_ptr_array_add (self->device_ids, g_strdup ("auto"));
  gtk_string_list_append (names, _("Automatic"));
  for (guint i = 0; i < devices->len; i++)
    {
      const EnlargeDeviceInfo *info = g_ptr_array_index (devices, i);
      g_autofree char *label = enlarge_preferences_device_label (info);

      g_ptr_array_add (self->device_ids, g_strdup (info->id));
      gtk_string_list_append (names, label);
    }
  adw_combo_row_set_model (self->device_row, G_LIST_MODEL (names));
  g_settings_bind_with_mapping (self->settings, "device", self->device_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, device_get_mapping, device_set_mapping,
                                self, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->device_row), TRUE);
}

#if GTK_CHECK_VERSION (4, 10, 0)
static void
on_folder_chosen (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EnlargePreferencesWindow) self = user_data;
  g_autoptr (GFile) folder = gtk_file_dialog_select_folder_finish (GTK_FILE_DIALOG (source), res, NULL);
  g_autofree char *path = folder ? g_file_get_path (folder) : NULL;

  if (path)
    g_settings_set_string (self->settings, "output-folder", path);
}
#else
static void
on_folder_response (GtkNativeDialog          *dialog,
                    int                       response,
                    EnlargePreferencesWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = folder ? g_file_get_path (folder) : NULL;

      if (path)
        g_settings_set_string (self->settings, "output-folder", path);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}
#endif

/* A folder chooser for the output folder: typing a path stays possible */
static void
choose_folder (EnlargePreferencesWindow *self)
{
  g_autofree char *current = g_settings_get_string (self->settings, "output-folder");
  g_autoptr (GFile) folder = current[0] ? g_file_new_for_path (current) : NULL;

#if GTK_CHECK_VERSION (4, 10, 0)
  g_autoptr (GtkFileDialog) dialog = gtk_file_dialog_new ();

  gtk_file_dialog_set_title (dialog, _("Output Folder"));
  if (folder)
    gtk_file_dialog_set_initial_folder (dialog, folder);
  gtk_file_dialog_select_folder (dialog, GTK_WINDOW (self), NULL, on_folder_chosen, g_object_ref (self));
#else
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Output Folder"), GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                                               _("_Select"), _("_Cancel"));

  if (folder)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_folder_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
#endif
}

/* libadwaita 1.2's page switcher buttons hold an icon and a label in a
 * box, which names them for nobody: each gets its page's title as its
 * accessible name. */
static void
name_switcher_buttons (GtkWidget *widget)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_BUTTON (c) && g_str_equal (G_OBJECT_TYPE_NAME (c), "AdwViewSwitcherButton") &&
          g_object_class_find_property (G_OBJECT_GET_CLASS (c), "label") != NULL)
        {
          g_autofree char *label = NULL;

          g_object_get (c, "label", &label, NULL);
          if (label != NULL)
            gtk_accessible_update_property (GTK_ACCESSIBLE (c), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
          continue;
        }
      name_switcher_buttons (c);
    }
}

static void
enlarge_preferences_window_dispose (GObject *object)
{
  EnlargePreferencesWindow *self = ENLARGE_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->settings)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENLARGE_TYPE_PREFERENCES_WINDOW);
  G_OBJECT_CLASS (enlarge_preferences_window_parent_class)->dispose (object);
}

static void
enlarge_preferences_window_finalize (GObject *object)
{
  EnlargePreferencesWindow *self = ENLARGE_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->device_ids, g_ptr_array_unref);
  G_OBJECT_CLASS (enlarge_preferences_window_parent_class)->finalize (object);
}

static void
enlarge_preferences_window_class_init (EnlargePreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enlarge_preferences_window_dispose;
  object_class->finalize = enlarge_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/enlarge/Enlarge/enlarge-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, EnlargePreferencesWindow, device_row);
  gtk_widget_class_bind_template_child (widget_class, EnlargePreferencesWindow, tile_row);
  gtk_widget_class_bind_template_child (widget_class, EnlargePreferencesWindow, folder_row);
  gtk_widget_class_bind_template_callback (widget_class, choose_folder);
  gtk_widget_class_bind_template_child (widget_class, EnlargePreferencesWindow, format_row);
  gtk_widget_class_bind_template_child (widget_class, EnlargePreferencesWindow, quality_row);
  gtk_widget_class_bind_template_child (widget_class, EnlargePreferencesWindow, quality_adjustment);
  gtk_widget_class_bind_template_child (widget_class, EnlargePreferencesWindow, lossless_row);
  gtk_widget_class_bind_template_child (widget_class, EnlargePreferencesWindow, lossless_switch);
}

static void
enlarge_preferences_window_init (EnlargePreferencesWindow *self)
{
  g_autoptr (GtkStringList) tiles = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) devices = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) format_names = gtk_string_list_new (NULL);
  g_autoptr (GTask) task = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  enlarge_a11y_name_controls (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  self->device_ids = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();

  for (guint i = 0; i < G_N_ELEMENTS (tile_sizes); i++)
    {
      if (tile_sizes[i] == 0)
        gtk_string_list_append (tiles, _("Automatic"));
      else
        {
          /* Translators: tile size in pixels */
          g_autofree char *label = g_strdup_printf (_("%d px"), tile_sizes[i]);
          gtk_string_list_append (tiles, label);
        }
    }
  adw_combo_row_set_model (self->tile_row, G_LIST_MODEL (tiles));
  g_settings_bind_with_mapping (self->settings, "tile-size", self->tile_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, tile_get_mapping, tile_set_mapping,
                                NULL, NULL);
  g_settings_bind (self->settings, "output-folder", self->folder_row, "text",
                   G_SETTINGS_BIND_DEFAULT);

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    gtk_string_list_append (format_names, _(formats[i].title));
  adw_combo_row_set_model (self->format_row, G_LIST_MODEL (format_names));
  /* "PNG" beside a subtitle that is long in German: not "P…" */
  enlarge_combo_row_wrap_value (self->format_row);
  g_settings_bind_with_mapping (self->settings, "output-format", self->format_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, format_get_mapping, format_set_mapping,
                                NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "output-quality", self->quality_adjustment, "value",
                                G_SETTINGS_BIND_DEFAULT, quality_get_mapping, quality_set_mapping,
                                NULL, NULL);
  g_settings_bind (self->settings, "output-lossless", self->lossless_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_swapped (self->settings, "changed::output-format",
                            G_CALLBACK (update_format_rows), self);
  g_signal_connect_swapped (self->settings, "changed::output-lossless",
                            G_CALLBACK (update_format_rows), self);
  update_format_rows (self);

  gtk_string_list_append (devices, _("Automatic"));
  adw_combo_row_set_model (self->device_row, G_LIST_MODEL (devices));
  gtk_widget_set_sensitive (GTK_WIDGET (self->device_row), FALSE);
  task = g_task_new (self, self->cancellable, on_devices, NULL);
  g_task_run_in_thread (task, list_thread);

  self->models_page = ENLARGE_MODELS_PAGE (enlarge_models_page_new ());
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (self->models_page));
  /* the switcher appears with the second page */
  g_signal_connect (self, "map", G_CALLBACK (name_switcher_buttons), NULL);
}

GtkWidget *
enlarge_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (ENLARGE_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
}

EnlargeModelsPage *
enlarge_preferences_window_get_models_page (EnlargePreferencesWindow *self)
{
  g_return_val_if_fail (ENLARGE_IS_PREFERENCES_WINDOW (self), NULL);
  return self->models_page;
}
