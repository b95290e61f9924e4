#pragma once

/* The models the app offers: the manifest's installed ones and the ones
 * the user imported (the engine's model folder). The main window's model
 * list, Compare and the Models page read it; "changed" says when an
 * import or a removal changed it. Main thread only. */

#include <gio/gio.h>

#include "enlarge.h"

G_BEGIN_DECLS

typedef struct {
  char    *id;            /* manifest id, or the imported file's name */
  char    *title;
  char    *description;
  char    *architecture;  /* "ESRGAN", "Compact", "SPAN", "Real-CUGAN", … */
  int      scale;
  guint64  size;          /* bytes on disk */
  char    *license;       /* NULL when unknown */
  char    *path;          /* imported: the model file; NULL: the manifest's */
  char    *problem;       /* imported and not runnable: why; else NULL */
} EnlargeModelEntry;

#define ENLARGE_TYPE_MODEL_CATALOG (enlarge_model_catalog_get_type ())
G_DECLARE_FINAL_TYPE (EnlargeModelCatalog, enlarge_model_catalog, ENLARGE, MODEL_CATALOG, GObject)

/* The app's catalogue, read on first use: the imported models are those
 * of enlarge_model_folder_default(), where the jobs load them from. */
EnlargeModelCatalog *enlarge_model_catalog_get_default (void);

const char *enlarge_model_catalog_get_folder (EnlargeModelCatalog *self);

/* Every entry, bundled first (manifest order), then the imported ones by
 * title, unusable ones included; valid until "changed". */
guint                    enlarge_model_catalog_get_n_entries (EnlargeModelCatalog *self);
const EnlargeModelEntry *enlarge_model_catalog_get_entry     (EnlargeModelCatalog *self,
                                                              guint                i);
const EnlargeModelEntry *enlarge_model_catalog_lookup        (EnlargeModelCatalog *self,
                                                              const char          *id);
/* The model can be run: installed, or imported without a problem. */
gboolean                 enlarge_model_entry_usable          (const EnlargeModelEntry *entry);

/* Reads the folder again; emits "changed". */
void enlarge_model_catalog_reload (EnlargeModelCatalog *self);

/* Imports the model file @file off the main thread (the engine inspects
 * it and refuses what cannot run, then copies it into the folder) and
 * reloads. The finish function returns the new model's id. */
void  enlarge_model_catalog_import_async  (EnlargeModelCatalog *self,
                                           GFile               *file,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
char *enlarge_model_catalog_import_finish (EnlargeModelCatalog *self,
                                           GAsyncResult        *result,
                                           GError             **error);

/* Removes an imported model (bundled ones cannot be). */
gboolean enlarge_model_catalog_remove (EnlargeModelCatalog *self,
                                       const char          *id,
                                       GError             **error);

/* Whether @file's name is one a model file has (.pth, .pt, .ckpt,
 * .safetensors, .param): what the window imports when dropped. */
gboolean enlarge_model_catalog_is_model_file (GFile *file);

/* What the app says after an import: "Imported “2x-AniScale”: Compact, 2×",
 * and the heading of the dialog when @file was refused. */
char *enlarge_model_catalog_describe_import (EnlargeModelCatalog *self,
                                             const char          *id);
char *enlarge_model_import_failed_heading   (GFile               *file);

G_END_DECLS
