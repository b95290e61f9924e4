/* enlarge-file-io.c: opening and saving images off the main thread, and
 * the names results are saved under; shared by the window's single image
 * and the queue's Upscale All so that both behave the same. */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "enlarge-file-io.h"

char *
enlarge_file_io_display_name (GFile *file)
{
  g_autofree char *base = file ? g_file_get_basename (file) : NULL;

  if (base == NULL)
    return g_strdup (_("Pasted Image"));
  return g_filename_display_name (base);
}

EnlargeImage *
enlarge_file_io_load (GFile         *file,
                      GBytes        *bytes,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr (GBytes) data = bytes ? g_bytes_ref (bytes) : NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *type = NULL;
  g_autofree char *mime = NULL;
  EnlargeImage *image;
  gsize size;
  const guint8 *contents;

  if (data == NULL)
    {
      data = g_file_load_bytes (file, cancellable, NULL, error);
      if (data == NULL)
        return NULL;
    }
  contents = g_bytes_get_data (data, &size);
  if (size == 0)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD, _("the file is empty"));
      return NULL;
    }
  image = enlarge_image_load_bytes (data, &local_error);
  if (image != NULL)
    return image;
  if (!g_error_matches (local_error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  /* The engine's reason is the decoder's, in English; the user is told
   * which of the two cases it is: no picture at all, or a broken one. */
  g_debug ("%s", local_error->message);
  type = g_content_type_guess (NULL, contents, MIN (size, 4096), NULL);
  mime = g_content_type_get_mime_type (type);
  if (mime == NULL || !g_str_has_prefix (mime, "image/"))
    g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD, _("it is not an image"));
  else
    g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD,
                 _("the image is damaged or incomplete"));
  return NULL;
}

typedef struct {
  GFile        *file;
  GBytes       *bytes;
  GFile        *also;
  EnlargeImage *also_image;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->file);
  g_clear_pointer (&data->bytes, g_bytes_unref);
  g_clear_object (&data->also);
  g_clear_pointer (&data->also_image, enlarge_image_unref);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr (GError) error = NULL;
  EnlargeImage *image = enlarge_file_io_load (data->file, data->bytes, cancellable, &error);

  if (image == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (data->also)
    data->also_image = enlarge_file_io_load (data->also, NULL, cancellable, NULL);
  g_task_return_pointer (task, image, (GDestroyNotify) enlarge_image_unref);
}

void
enlarge_file_io_load_async (gpointer             source_object,
                            GFile               *file,
                            GBytes              *bytes,
                            GFile               *also,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (source_object, cancellable, callback, user_data);
  LoadData *data = g_new0 (LoadData, 1);

  data->file = file ? g_object_ref (file) : NULL;
  data->bytes = bytes ? g_bytes_ref (bytes) : NULL;
  data->also = also ? g_object_ref (also) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

EnlargeImage *
enlarge_file_io_load_finish (GAsyncResult  *result,
                             EnlargeImage **also,
                             GError       **error)
{
  LoadData *data = g_task_get_task_data (G_TASK (result));
  EnlargeImage *image = g_task_propagate_pointer (G_TASK (result), error);

  if (also != NULL)
    *also = image != NULL ? g_steal_pointer (&data->also_image) : NULL;
  return image;
}

GFile *
enlarge_file_io_load_get_file (GAsyncResult *result)
{
  return ((LoadData *) g_task_get_task_data (G_TASK (result)))->file;
}

GFile *
enlarge_file_io_load_get_also (GAsyncResult *result)
{
  return ((LoadData *) g_task_get_task_data (G_TASK (result)))->also;
}

const char *
enlarge_file_io_output_format (GSettings *settings)
{
  g_autofree char *setting = g_settings_get_string (settings, "output-format");
  const char *format = enlarge_image_format_from_name (setting);

  if (format == NULL || !enlarge_image_format_is_writable (format))
    format = "png";
  return format;
}

GFile *
enlarge_file_io_output_file_for (GSettings  *settings,
                                 GFile      *input,
                                 double      scale,
                                 const char *model)
{
  g_autofree char *folder_setting = g_settings_get_string (settings, "output-folder");
  const char *ext = enlarge_image_format_extension (enlarge_file_io_output_format (settings));
  g_autoptr (GFile) folder = NULL;
  g_autofree char *stem = NULL;
  g_autofree char *factor = NULL;

  if (folder_setting[0] != '\0')
    folder = g_file_new_for_path (folder_setting);
  else if (input)
    folder = g_file_get_parent (input);
  if (folder == NULL)
    {
      const char *pictures = g_get_user_special_dir (G_USER_DIRECTORY_PICTURES);
      folder = g_file_new_for_path (pictures ? pictures : g_get_home_dir ());
    }

  if (input)
    {
      g_autofree char *base = g_file_get_basename (input);
      char *dot = strrchr (base, '.');
      if (dot && dot != base)
        *dot = '\0';
      stem = g_steal_pointer (&base);
    }
  else
    stem = g_strdup ("pasted");

  /* the model in the name: results of two models side by side in a
   * folder say which is which */
  factor = model ? g_strdup_printf ("%gx-%s", scale, model) : g_strdup_printf ("%gx", scale);
  for (int i = 1; ; i++)
    {
      g_autofree char *name = i == 1 ? g_strdup_printf ("%s-enlarged-%s.%s", stem, factor, ext)
                                     : g_strdup_printf ("%s-enlarged-%s-%d.%s", stem, factor, i, ext);
      g_autoptr (GFile) file = g_file_get_child (folder, name);
      if ((!g_file_query_exists (file, NULL) && !(input && g_file_equal (file, input))) || i > 999)
        return g_steal_pointer (&file);
    }
}

/* What one save needs, on the worker thread: the settings are read on the
 * main thread when the save starts. */
typedef struct {
  GFile        *file;
  GFile        *input;     /* never to be replaced; NULL = none */
  EnlargeImage *image;
  const char   *format;    /* canonical, static */
  int           quality;
  gboolean      lossless;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->file);
  g_clear_object (&data->input);
  g_clear_pointer (&data->image, enlarge_image_unref);
  g_free (data);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *data = task_data;
  g_autofree char *path = g_file_get_path (data->file);
  EnlargeSaveOptions options = ENLARGE_SAVE_OPTIONS_INIT;
  g_autoptr (GError) error = NULL;

  options.format = data->format;
  options.quality = data->quality;
  options.lossless = data->lossless;
  g_autofree char *input = data->input != NULL ? g_file_get_path (data->input) : NULL;
  const char *inputs[] = { input, NULL };

  if (path == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                             _("Only local folders can be saved to"));
  /* the engine's check, as for enlarge-cli: a link to the input is the input */
  else if (!enlarge_output_check (path, inputs, &error) ||
           !enlarge_image_save_full (data->image, path, &options, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
enlarge_file_io_save_async (gpointer             source_object,
                            GSettings           *settings,
                            GFile               *file,
                            const EnlargeImage  *image,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  enlarge_file_io_save_input_async (source_object, settings, file, NULL, image, cancellable,
                                    callback, user_data);
}

void
enlarge_file_io_save_input_async (gpointer             source_object,
                                  GSettings           *settings,
                                  GFile               *file,
                                  GFile               *input,
                                  const EnlargeImage  *image,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  SaveData *data = g_new0 (SaveData, 1);
  g_autofree char *path = g_file_get_path (file);
  g_autoptr (GTask) task = g_task_new (source_object, cancellable, callback, user_data);

  g_task_set_source_tag (task, enlarge_file_io_save_async);
  data->file = g_object_ref (file);
  data->input = input != NULL ? g_object_ref (input) : NULL;
  data->image = enlarge_image_ref ((EnlargeImage *) image);
  data->format = path ? enlarge_image_format_for_path (path) : NULL;
  if (g_strcmp0 (data->format, "jpeg") == 0 || g_strcmp0 (data->format, "webp") == 0)
    data->quality = g_settings_get_int (settings, "output-quality");
  data->lossless = g_strcmp0 (data->format, "webp") == 0 &&
                   g_settings_get_boolean (settings, "output-lossless");
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (task, save_thread);
}

gboolean
enlarge_file_io_save_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == enlarge_file_io_save_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

GFile *
enlarge_file_io_save_get_file (GAsyncResult *result)
{
  SaveData *data = g_task_get_task_data (G_TASK (result));
  return data->file;
}

EnlargeImage *
enlarge_file_io_save_get_image (GAsyncResult *result)
{
  SaveData *data = g_task_get_task_data (G_TASK (result));
  return data->image;
}
