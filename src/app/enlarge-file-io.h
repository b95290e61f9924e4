#pragma once

#include <gio/gio.h>

#include "enlarge.h"

G_BEGIN_DECLS

/* Reading and writing images for the window and the queue, which both
 * open files and save results the same way. */

/* A file's name as shown to the user; "Pasted Image" for NULL. */
char *enlarge_file_io_display_name (GFile *file);

/* Loads @bytes, or @file when @bytes is NULL, as an image; blocking, for a
 * worker thread. An ENLARGE_ERROR_IMAGE_LOAD error says, in the user's
 * words, whether the file is empty, not an image, or a damaged image. */
EnlargeImage *enlarge_file_io_load (GFile         *file,
                                    GBytes        *bytes,
                                    GCancellable  *cancellable,
                                    GError       **error);

/* enlarge_file_io_load on a worker thread, the task's source object
 * @source_object. @also, when set, is loaded too, and may fail (a queue
 * entry's saved output, which may have gone since). */
void          enlarge_file_io_load_async    (gpointer              source_object,
                                             GFile                *file,
                                             GBytes               *bytes,
                                             GFile                *also,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
/* The image, and in @also (when not NULL) @also's image or NULL. */
EnlargeImage *enlarge_file_io_load_finish   (GAsyncResult  *result,
                                             EnlargeImage **also,
                                             GError       **error);
/* What a load was asked to read (NULL for bytes), and its @also. */
GFile        *enlarge_file_io_load_get_file (GAsyncResult  *result);
GFile        *enlarge_file_io_load_get_also (GAsyncResult  *result);

/* The format of default names and of Save: the output-format setting,
 * PNG when this system cannot write that one. */
const char *enlarge_file_io_output_format (GSettings *settings);

/* NAME-enlarged-4x-MODEL.EXT (NAME-enlarged-4x.EXT without @model) in the
 * output folder, or beside @input (or in Pictures for a pasted image),
 * with -2, -3, … while the name is taken; never @input itself. */
GFile *enlarge_file_io_output_file_for (GSettings  *settings,
                                        GFile      *input,
                                        double      scale,
                                        const char *model);

/* Saves @image to @file on a worker thread, the format following the
 * file's extension and the quality and lossless settings applying where
 * they can. The task's source object is @source_object. */
void          enlarge_file_io_save_async     (gpointer             source_object,
                                              GSettings           *settings,
                                              GFile               *file,
                                              const EnlargeImage  *image,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* The same, refusing (before writing) to replace @input by any name
 * that leads to it: enlarge_output_check, as enlarge-cli does. */
void          enlarge_file_io_save_input_async (gpointer             source_object,
                                                GSettings           *settings,
                                                GFile               *file,
                                                GFile               *input,
                                                const EnlargeImage  *image,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean      enlarge_file_io_save_finish    (GAsyncResult  *result,
                                              GError       **error);
/* What a save was asked to write, and where. */
GFile        *enlarge_file_io_save_get_file  (GAsyncResult *result);
EnlargeImage *enlarge_file_io_save_get_image (GAsyncResult *result);

G_END_DECLS
