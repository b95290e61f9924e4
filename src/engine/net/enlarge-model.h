#pragma once

#include <glib.h>
#include "enlarge-net.h"

G_BEGIN_DECLS

/* One entry of the model manifest (models/models.ini, compiled into the
 * engine's resources). */
typedef struct {
  char *id;
  char *title;
  char *description;
  char *architecture;
  int   scale;
  char *param_file;
  char *bin_file;
  char *param_sha256;
  char *bin_sha256;
  char *license;
  char *package;
  /* "residual=nearest": the network gives a residual over the input
   * upsampled (nearest), EnlargeNet.residual */
  gboolean residual;
} EnlargeModelInfo;

/* All models of the manifest, in manifest order; the array owns them. */
const GPtrArray *enlarge_model_list (void);
const EnlargeModelInfo *enlarge_model_lookup (const char *id);

/* The folders searched for model files, first match wins: @dirs (the
 * program's own, e.g. $ENLARGE_MODEL_PATH; NULL for none), then
 * $XDG_DATA_HOME/enlarge/models, then enlarge/models under each of
 * $XDG_DATA_DIRS. The functions without _in search without @dirs. */
GStrv enlarge_model_search_path_in (const char * const *dirs);
GStrv enlarge_model_search_path (void);

/* The full path of a model file, or NULL when no folder has it. */
char *enlarge_model_find_file_in (const char * const *dirs, const char *file_name);
char *enlarge_model_find_file (const char *file_name);

gboolean enlarge_model_is_installed_in (const char * const *dirs, const EnlargeModelInfo *info);
gboolean enlarge_model_is_installed (const EnlargeModelInfo *info);

/* Finds the model's files, checks their SHA-256 against the manifest and
 * loads the network. Missing and corrupt files are errors that name the
 * file and say how to install the models. */
EnlargeNet *enlarge_model_load_in (const char * const *dirs, const char *id, GError **error);
EnlargeNet *enlarge_model_load (const char *id, GError **error);

/* A model given as a file instead of a manifest id: ncnn's .param (its
 * .bin beside it) or a PyTorch / safetensors state dict (.pth, .pt,
 * .ckpt, .safetensors) whose architecture is detected (enlarge-import.h;
 * EnlargeNet.architecture says which). The format of a state dict is
 * told by its content, the kind of file by its extension. */
EnlargeNet *enlarge_model_load_file (const char *path, GError **error);

/* TRUE when @name names a file (it has a folder or a model file's
 * extension) rather than a manifest id */
gboolean enlarge_model_is_file (const char *name);

/* The family an architecture name belongs to, as the importer names
 * them: the manifest's "RRDBNet" is "ESRGAN", "SRVGGNetCompact" is
 * "Compact", "Real-CUGAN SE" is "Real-CUGAN"; others as they are. */
const char *enlarge_model_architecture_family (const char *architecture);

/* The command that installs the models, for error messages. */
const char *enlarge_model_install_hint (void);

G_END_DECLS
