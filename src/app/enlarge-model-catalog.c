/* enlarge-model-catalog.c: the models the app offers, bundled and
 * imported, and importing and removing the user's own. */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "enlarge-environment.h"
#include "enlarge-model-catalog.h"

struct _EnlargeModelCatalog
{
  GObject parent_instance;

  char *folder;
  GPtrArray *entries;   /* EnlargeModelEntry * */
};

G_DEFINE_FINAL_TYPE (EnlargeModelCatalog, enlarge_model_catalog, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
entry_free (EnlargeModelEntry *e)
{
  g_free (e->id);
  g_free (e->title);
  g_free (e->description);
  g_free (e->architecture);
  g_free (e->license);
  g_free (e->path);
  g_free (e->problem);
  g_free (e);
}

static guint64
file_size (const char *path)
{
  GStatBuf st;
  return path != NULL && g_stat (path, &st) == 0 ? (guint64) st.st_size : 0;
}

static void
add_bundled (EnlargeModelCatalog *self)
{
  const GPtrArray *models = enlarge_model_list ();
  const char * const *dirs = enlarge_environment_model_dirs ();

  for (guint i = 0; i < models->len; i++)
    {
      const EnlargeModelInfo *info = g_ptr_array_index ((GPtrArray *) models, i);
      g_autofree char *param = enlarge_model_find_file_in (dirs, info->param_file);
      g_autofree char *bin = enlarge_model_find_file_in (dirs, info->bin_file);
      EnlargeModelEntry *e;

      if (param == NULL || bin == NULL)
        continue;
      e = g_new0 (EnlargeModelEntry, 1);
      e->id = g_strdup (info->id);
      e->title = g_strdup (info->title ? info->title : info->id);
      e->description = g_strdup (info->description);
      e->architecture = g_strdup (enlarge_model_architecture_family (info->architecture));
      e->scale = info->scale;
      e->size = file_size (param) + file_size (bin);
      e->license = g_strdup (info->license);
      g_ptr_array_add (self->entries, e);
    }
}

static void
add_imported (EnlargeModelCatalog *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) files = enlarge_model_folder_list (self->folder, NULL, &error);

  if (files == NULL)
    {
      g_warning ("Cannot read the model folder: %s", error->message);
      return;
    }
  for (guint i = 0; i < files->len; i++)
    {
      const EnlargeModelFile *f = g_ptr_array_index (files, i);
      EnlargeModelEntry *e = g_new0 (EnlargeModelEntry, 1);

      e->id = g_strdup (f->id);
      e->title = g_strdup (f->title);
      e->architecture = g_strdup (f->architecture);
      e->scale = f->scale;
      e->size = f->size;
      e->path = g_strdup (f->path);
      e->problem = g_strdup (f->problem);
      if (f->problem == NULL)
        /* Translators: an imported model's description: its
         * architecture (ESRGAN, Compact, SPAN) and its factor */
        e->description = g_strdup_printf (_("Your model: %s, %d×"), f->architecture, f->scale);
      g_ptr_array_add (self->entries, e);
    }
}

void
enlarge_model_catalog_reload (EnlargeModelCatalog *self)
{
  g_return_if_fail (ENLARGE_IS_MODEL_CATALOG (self));

  g_ptr_array_set_size (self->entries, 0);
  add_bundled (self);
  add_imported (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
enlarge_model_catalog_finalize (GObject *object)
{
  EnlargeModelCatalog *self = ENLARGE_MODEL_CATALOG (object);

  g_free (self->folder);
  g_ptr_array_unref (self->entries);
  G_OBJECT_CLASS (enlarge_model_catalog_parent_class)->finalize (object);
}

static void
enlarge_model_catalog_class_init (EnlargeModelCatalogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = enlarge_model_catalog_finalize;

  /**
   * EnlargeModelCatalog::changed:
   *
   * Models were imported or removed: entries got before are gone.
   */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
enlarge_model_catalog_init (EnlargeModelCatalog *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
}

EnlargeModelCatalog *
enlarge_model_catalog_get_default (void)
{
  static EnlargeModelCatalog *catalog;

  if (catalog == NULL)
    {
      catalog = g_object_new (ENLARGE_TYPE_MODEL_CATALOG, NULL);
      catalog->folder = enlarge_model_folder_default ();
      enlarge_model_catalog_reload (catalog);
    }
  return catalog;
}

const char *
enlarge_model_catalog_get_folder (EnlargeModelCatalog *self)
{
  g_return_val_if_fail (ENLARGE_IS_MODEL_CATALOG (self), NULL);
  return self->folder;
}

guint
enlarge_model_catalog_get_n_entries (EnlargeModelCatalog *self)
{
  g_return_val_if_fail (ENLARGE_IS_MODEL_CATALOG (self), 0);
  return self->entries->len;
}

const EnlargeModelEntry *
enlarge_model_catalog_get_entry (EnlargeModelCatalog *self, guint i)
{
  g_return_val_if_fail (ENLARGE_IS_MODEL_CATALOG (self), NULL);
  return i < self->entries->len ? g_ptr_array_index (self->entries, i) : NULL;
}

const EnlargeModelEntry *
enlarge_model_catalog_lookup (EnlargeModelCatalog *self, const char *id)
{
  g_return_val_if_fail (ENLARGE_IS_MODEL_CATALOG (self), NULL);

  for (guint i = 0; id != NULL && i < self->entries->len; i++)
    {
      const EnlargeModelEntry *e = g_ptr_array_index (self->entries, i);
      if (g_str_equal (e->id, id))
        return e;
    }
  return NULL;
}

gboolean
enlarge_model_entry_usable (const EnlargeModelEntry *entry)
{
  return entry != NULL && entry->problem == NULL && entry->scale > 0;
}

/* ---- importing and removing ------------------------------------------------ */

static void
import_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  const char * const *args = data;   /* folder, file */
  GError *error = NULL;
  EnlargeModelFile *file = enlarge_model_folder_import (args[0], args[1], cancellable, &error);

  if (file == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, file, (GDestroyNotify) enlarge_model_file_free);
}

void
enlarge_model_catalog_import_async (EnlargeModelCatalog *self,
                                    GFile               *file,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (ENLARGE_IS_MODEL_CATALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlarge_model_catalog_import_async);
  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Only models on this computer’s disks can be imported"));
      return;
    }
  g_task_set_task_data (task, g_strdupv ((char *[]) { self->folder, path, NULL }),
                        (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, import_thread);
}

char *
enlarge_model_catalog_import_finish (EnlargeModelCatalog *self,
                                     GAsyncResult        *result,
                                     GError             **error)
{
  g_autoptr (EnlargeModelFile) file = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  file = g_task_propagate_pointer (G_TASK (result), error);
  if (file == NULL)
    return NULL;
  enlarge_model_catalog_reload (self);
  return g_strdup (file->id);
}

gboolean
enlarge_model_catalog_remove (EnlargeModelCatalog *self,
                              const char          *id,
                              GError             **error)
{
  const EnlargeModelEntry *e = enlarge_model_catalog_lookup (self, id);

  if (e == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No model “%s”"), id);
      return FALSE;
    }
  if (e->path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("“%s” comes with Enlarge and cannot be removed"), id);
      return FALSE;
    }
  if (!enlarge_model_folder_remove (self->folder, id, error))
    return FALSE;
  enlarge_model_catalog_reload (self);
  return TRUE;
}

gboolean
enlarge_model_catalog_is_model_file (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *lower = name ? g_ascii_strdown (name, -1) : NULL;

  return lower != NULL && !g_str_has_suffix (lower, ".bin") && enlarge_model_is_file (lower);
}

char *
enlarge_model_catalog_describe_import (EnlargeModelCatalog *self,
                                       const char          *id)
{
  const EnlargeModelEntry *e = enlarge_model_catalog_lookup (self, id);

  if (e == NULL)
    return g_strdup (id);
  /* Translators: a model file was added: its name, architecture, factor */
  return g_strdup_printf (_("Imported “%s”: %s, %d×"), e->title, e->architecture, e->scale);
}

char *
enlarge_model_import_failed_heading (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);

  /* Translators: the heading of the dialog saying why a model file was refused */
  return g_strdup_printf (_("Cannot Import “%s”"), name);
}
