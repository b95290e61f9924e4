#pragma once

/* A folder of the user's own model files (the app's "imported" models):
 * what is in it, adding a file to it and removing one.
 *
 * Each model is one file — a PyTorch or safetensors state dict (.pth,
 * .pt, .ckpt, .safetensors) — or an ncnn .param with its .bin beside it;
 * its file name is its id. What a file is (architecture, scale) is found
 * by loading it, once: the folder keeps what it found in a hidden index
 * (.index.ini, keyed by the file's size and modification time), so that
 * listing a folder does not load every network again. */

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  char   *id;            /* the file's name in the folder: "2x-AniScale.pth" */
  char   *path;          /* the model file (the .param of an ncnn pair) */
  char   *title;         /* the name without extension, "_" as spaces */
  char   *architecture;  /* "Compact", "ESRGAN", "SPAN"; "ncnn" for a .param */
  char   *variant;       /* what the file told of it, or NULL */
  int     scale;
  guint64 size;          /* bytes on disk, both files of an ncnn pair */
  /* why the file cannot be used (damaged, unsupported), NULL when it can:
   * such a file is listed, so that it can be removed, but not run */
  char   *problem;
} EnlargeModelFile;

void enlarge_model_file_free (EnlargeModelFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlargeModelFile, enlarge_model_file_free)

/* $XDG_DATA_HOME/enlarge/models/imported: where the app keeps the models
 * people add (GLib's user data folder; the engine reads no variable
 * itself). Not created here. */
char *enlarge_model_folder_default (void);

/* Loads @path (and a .param's .bin) and says what it is: architecture,
 * scale and size. An unsupported or damaged file is an error naming why
 * (the engine's loader message: "unsupported architecture OmniSR …"). */
EnlargeModelFile *enlarge_model_file_inspect (const char *path, GError **error);

/* The models in @folder, sorted by title; a missing folder is an empty
 * list. Files the index does not describe (copied there by hand, or
 * changed) are inspected and the index rewritten. */
GPtrArray *enlarge_model_folder_list (const char *folder, GCancellable *cancellable,
                                      GError **error);

/* Adds the model file @source to @folder (created if needed): inspected
 * first, and refused with its reason before anything is written; then
 * copied under a temporary name and linked to its final one, which never
 * replaces a file: when the name is taken by another file, "NAME-2.pth",
 * "NAME-3.pth" … is used. The same file already in the folder is
 * G_IO_ERROR_EXISTS. Returns the new entry. */
EnlargeModelFile *enlarge_model_folder_import (const char *folder, const char *source,
                                               GCancellable *cancellable, GError **error);

/* Removes the model @id (and an ncnn pair's .bin) from @folder. */
gboolean enlarge_model_folder_remove (const char *folder, const char *id, GError **error);

G_END_DECLS
