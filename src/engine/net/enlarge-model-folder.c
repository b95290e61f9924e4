/* A folder of the user's own model files: listing (with an index of what
 * each file is), importing without ever replacing a file, removing. */

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "enlarge-error.h"
#include "enlarge-model.h"
#include "enlarge-model-folder.h"

#define INDEX_NAME ".index.ini"

/* a name Enlarge could pick after NAME is taken: NAME-2 … NAME-999 */
#define MAX_SUFFIX 999

void
enlarge_model_file_free (EnlargeModelFile *file)
{
  if (file == NULL)
    return;
  g_free (file->id);
  g_free (file->path);
  g_free (file->title);
  g_free (file->architecture);
  g_free (file->variant);
  g_free (file->problem);
  g_free (file);
}

char *
enlarge_model_folder_default (void)
{
  return g_build_filename (g_get_user_data_dir (), "enlarge", "models", "imported", NULL);
}

static gboolean
is_ncnn (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);
  return g_str_has_suffix (lower, ".param");
}

/* "NAME.param" → "NAME.bin" */
static char *
bin_of (const char *param)
{
  return g_strdup_printf ("%.*s.bin", (int) strlen (param) - 6, param);
}

/* A listed model file: a state dict, or the .param of an ncnn pair (its
 * .bin goes with it). Hidden files are the index and temporaries. */
static gboolean
is_model_name (const char *name)
{
  return name[0] != '.' && enlarge_model_is_file (name);
}

static char *
title_of (const char *id)
{
  const char *dot = strrchr (id, '.');
  char *title = g_strndup (id, dot != NULL && dot != id ? (gsize) (dot - id) : strlen (id));

  g_strdelimit (title, "_", ' ');
  return title;
}

/* Size of the file(s) and the main file's modification time; FALSE when
 * the main file is not there. */
static gboolean
stat_model (const char *path, guint64 *size, gint64 *mtime)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return FALSE;
  *size = (guint64) st.st_size;
  *mtime = (gint64) st.st_mtime;
  if (is_ncnn (path))
    {
      g_autofree char *bin = bin_of (path);
      if (g_stat (bin, &st) == 0)
        *size += (guint64) st.st_size;
    }
  return TRUE;
}

EnlargeModelFile *
enlarge_model_file_inspect (const char *path, GError **error)
{
  g_autoptr (EnlargeNet) net = NULL;
  g_autoptr (EnlargeModelFile) file = g_new0 (EnlargeModelFile, 1);
  gint64 mtime;

  if (!stat_model (path, &file->size, &mtime))
    {
      g_autofree char *display = g_filename_display_name (path);
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_MODEL_NOT_FOUND,
                   "%s: not a file that can be read", display);
      return NULL;
    }
  net = enlarge_model_load_file (path, error);
  if (net == NULL)
    return NULL;
  file->path = g_strdup (path);
  file->id = g_path_get_basename (path);
  file->title = title_of (file->id);
  /* ncnn files do not say what they are: the graph is the format's own */
  file->architecture = g_strdup (net->architecture != NULL ? net->architecture : "ncnn");
  file->variant = g_strdup (net->variant);
  file->scale = net->scale;
  return g_steal_pointer (&file);
}

/* ---- the index ------------------------------------------------------------ */

static EnlargeModelFile *
from_index (GKeyFile *index, const char *folder, const char *id, guint64 size, gint64 mtime)
{
  EnlargeModelFile *file;

  if (!g_key_file_has_group (index, id) ||
      g_key_file_get_uint64 (index, id, "size", NULL) != size ||
      g_key_file_get_int64 (index, id, "mtime", NULL) != mtime)
    return NULL;
  file = g_new0 (EnlargeModelFile, 1);
  file->id = g_strdup (id);
  file->path = g_build_filename (folder, id, NULL);
  file->title = title_of (id);
  file->architecture = g_key_file_get_string (index, id, "architecture", NULL);
  file->variant = g_key_file_get_string (index, id, "variant", NULL);
  file->scale = g_key_file_get_integer (index, id, "scale", NULL);
  file->problem = g_key_file_get_string (index, id, "problem", NULL);
  file->size = size;
  return file;
}

static void
to_index (GKeyFile *index, const EnlargeModelFile *file, gint64 mtime)
{
  g_key_file_set_uint64 (index, file->id, "size", file->size);
  g_key_file_set_int64 (index, file->id, "mtime", mtime);
  if (file->architecture != NULL)
    g_key_file_set_string (index, file->id, "architecture", file->architecture);
  if (file->variant != NULL)
    g_key_file_set_string (index, file->id, "variant", file->variant);
  g_key_file_set_integer (index, file->id, "scale", file->scale);
  if (file->problem != NULL)
    g_key_file_set_string (index, file->id, "problem", file->problem);
}

static GKeyFile *
read_index (const char *folder)
{
  g_autofree char *path = g_build_filename (folder, INDEX_NAME, NULL);
  GKeyFile *index = g_key_file_new ();

  /* a missing or damaged index is rebuilt: it only saves time */
  if (!g_key_file_load_from_file (index, path, G_KEY_FILE_NONE, NULL))
    {
      g_key_file_free (index);
      index = g_key_file_new ();
    }
  return index;
}

static gboolean
write_index (const char *folder, GKeyFile *index, GError **error)
{
  g_autofree char *path = g_build_filename (folder, INDEX_NAME, NULL);
  return g_key_file_save_to_file (index, path, error);
}

/* Records @file in the folder's index; a failure only costs a later
 * inspection, so it is not one of the caller's. */
static void
remember (const char *folder, const EnlargeModelFile *file)
{
  g_autoptr (GKeyFile) index = read_index (folder);
  guint64 size;
  gint64 mtime;

  if (stat_model (file->path, &size, &mtime))
    to_index (index, file, mtime);
  write_index (folder, index, NULL);
}

static void
forget (const char *folder, const char *id)
{
  g_autoptr (GKeyFile) index = read_index (folder);

  if (g_key_file_remove_group (index, id, NULL))
    write_index (folder, index, NULL);
}

static int
compare_titles (gconstpointer a, gconstpointer b)
{
  const EnlargeModelFile *fa = *(EnlargeModelFile * const *) a;
  const EnlargeModelFile *fb = *(EnlargeModelFile * const *) b;
  g_autofree char *ka = g_utf8_collate_key_for_filename (fa->title, -1);
  g_autofree char *kb = g_utf8_collate_key_for_filename (fb->title, -1);
  return strcmp (ka, kb);
}

GPtrArray *
enlarge_model_folder_list (const char *folder, GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) enlarge_model_file_free);
  g_autoptr (GKeyFile) index = NULL;
  g_autoptr (GKeyFile) fresh = g_key_file_new ();
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GError) local = NULL;
  gboolean changed = FALSE;
  const char *name;

  dir = g_dir_open (folder, 0, &local);
  if (dir == NULL)
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&list);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  index = read_index (folder);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      EnlargeModelFile *file;
      guint64 size;
      gint64 mtime;

      if (!is_model_name (name))
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      path = g_build_filename (folder, name, NULL);
      if (!stat_model (path, &size, &mtime))
        continue;
      file = from_index (index, folder, name, size, mtime);
      if (file == NULL)
        {
          g_autoptr (GError) problem = NULL;

          file = enlarge_model_file_inspect (path, &problem);
          if (file == NULL)
            {
              file = g_new0 (EnlargeModelFile, 1);
              file->id = g_strdup (name);
              file->path = g_strdup (path);
              file->title = title_of (name);
              file->size = size;
              file->problem = g_strdup (problem->message);
            }
          changed = TRUE;
        }
      to_index (fresh, file, mtime);
      g_ptr_array_add (list, file);
    }
  /* entries of files that are gone go too */
  {
    gsize n_old = 0;
    g_auto (GStrv) old = g_key_file_get_groups (index, &n_old);
    if (n_old != list->len)
      changed = TRUE;
  }
  if (changed)
    write_index (folder, fresh, NULL);
  g_ptr_array_sort (list, compare_titles);
  return g_steal_pointer (&list);
}

/* ---- importing -------------------------------------------------------------- */

static gboolean
same_contents (const char *a, const char *b)
{
  g_autoptr (GMappedFile) ma = g_mapped_file_new (a, FALSE, NULL);
  g_autoptr (GMappedFile) mb = g_mapped_file_new (b, FALSE, NULL);

  return ma != NULL && mb != NULL &&
         g_mapped_file_get_length (ma) == g_mapped_file_get_length (mb) &&
         (g_mapped_file_get_length (ma) == 0 ||
          memcmp (g_mapped_file_get_contents (ma), g_mapped_file_get_contents (mb),
                  g_mapped_file_get_length (ma)) == 0);
}

/* A copy of @source as a new hidden file in @folder. */
static char *
copy_to_temp (const char *source, const char *folder, GCancellable *cancellable, GError **error)
{
  g_autofree char *tmp = g_build_filename (folder, ".import-XXXXXX", NULL);
  g_autoptr (GFile) from = g_file_new_for_path (source);
  g_autoptr (GFile) to = NULL;
  int fd = g_mkstemp (tmp);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot write in %s: %s", folder, g_strerror (saved));
      return NULL;
    }
  close (fd);
  to = g_file_new_for_path (tmp);
  if (!g_file_copy (from, to, G_FILE_COPY_OVERWRITE | G_FILE_COPY_TARGET_DEFAULT_PERMS,
                    cancellable, NULL, NULL, error))
    {
      g_unlink (tmp);
      return NULL;
    }
  return g_steal_pointer (&tmp);
}

/* link(2) fails when the name exists: the one way to give a file its name
 * that can never replace another. 1: done, 0: the name is taken, -1: an
 * error. */
static int
link_new (const char *tmp, const char *final, GError **error)
{
  if (link (tmp, final) == 0)
    return 1;
  if (errno == EEXIST)
    return 0;
  {
    int saved = errno;
    g_autofree char *display = g_filename_display_name (final);
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Cannot create %s: %s",
                 display, g_strerror (saved));
  }
  return -1;
}

/* "NAME.ext" with " -N" before the extension for @n > 1 */
static char *
candidate (const char *stem, const char *ext, int n)
{
  return n > 1 ? g_strdup_printf ("%s-%d%s", stem, n, ext) : g_strconcat (stem, ext, NULL);
}

/* Gives the temporary copies their final names in @folder: @tmp (and
 * @tmp_bin for an ncnn pair) under the first free candidate. Returns the
 * id, or NULL with G_IO_ERROR_EXISTS when a file of that name already has
 * these contents. */
static char *
place (const char *folder, const char *stem, const char *ext, const char *tmp,
       const char *tmp_bin, GError **error)
{
  for (int n = 1; n <= MAX_SUFFIX; n++)
    {
      g_autofree char *id = candidate (stem, ext, n);
      g_autofree char *final = g_build_filename (folder, id, NULL);
      g_autofree char *final_bin = tmp_bin != NULL ? bin_of (final) : NULL;
      int r;

      /* the bin first: a .bin without its .param is never listed */
      if (final_bin != NULL)
        {
          r = link_new (tmp_bin, final_bin, error);
          if (r < 0)
            return NULL;
          if (r == 0)
            {
              if (same_contents (tmp_bin, final_bin) && same_contents (tmp, final))
                goto exists;
              continue;
            }
        }
      r = link_new (tmp, final, error);
      if (r == 1)
        return g_steal_pointer (&id);
      if (final_bin != NULL)
        g_unlink (final_bin);
      if (r < 0)
        return NULL;
      if (final_bin == NULL && same_contents (tmp, final))
        goto exists;
      continue;

    exists:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "%s is already imported", id);
      return NULL;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "Too many models named %s%s", stem, ext);
  return NULL;
}

EnlargeModelFile *
enlarge_model_folder_import (const char *folder, const char *source, GCancellable *cancellable,
                             GError **error)
{
  g_autofree char *param = NULL;
  g_autofree char *base = NULL;
  g_autofree char *stem = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *tmp_bin = NULL;
  g_autofree char *id = NULL;
  g_autoptr (EnlargeModelFile) file = NULL;
  const char *ext;
  gboolean ncnn;

  /* an ncnn pair may be chosen by either of its files */
  {
    g_autofree char *lower = g_ascii_strdown (source, -1);
    if (g_str_has_suffix (lower, ".bin"))
      param = g_strdup_printf ("%.*s.param", (int) strlen (source) - 4, source);
    else
      param = g_strdup (source);
  }
  ncnn = is_ncnn (param);

  /* refused before anything is written */
  file = enlarge_model_file_inspect (param, error);
  if (file == NULL)
    return NULL;

  if (g_mkdir_with_parents (folder, 0755) != 0)
    {
      int saved = errno;
      g_autofree char *display = g_filename_display_name (folder);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Cannot create %s: %s",
                   display, g_strerror (saved));
      return NULL;
    }

  base = g_path_get_basename (param);
  ext = strrchr (base, '.');
  stem = g_strndup (base, (gsize) (ext - base));

  tmp = copy_to_temp (param, folder, cancellable, error);
  if (tmp == NULL)
    return NULL;
  if (ncnn)
    {
      g_autofree char *bin = bin_of (param);
      tmp_bin = copy_to_temp (bin, folder, cancellable, error);
      if (tmp_bin == NULL)
        {
          g_unlink (tmp);
          return NULL;
        }
    }
  id = place (folder, stem, ext, tmp, tmp_bin, error);
  g_unlink (tmp);
  if (tmp_bin != NULL)
    g_unlink (tmp_bin);
  if (id == NULL)
    return NULL;

  g_free (file->id);
  g_free (file->path);
  g_free (file->title);
  file->id = g_steal_pointer (&id);
  file->path = g_build_filename (folder, file->id, NULL);
  file->title = title_of (file->id);
  remember (folder, file);
  return g_steal_pointer (&file);
}

gboolean
enlarge_model_folder_remove (const char *folder, const char *id, GError **error)
{
  g_autofree char *path = NULL;

  /* an id is a name in the folder, never a way out of it */
  if (!is_model_name (id) || strchr (id, G_DIR_SEPARATOR) != NULL)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   "“%s” is not a model of this folder", id);
      return FALSE;
    }
  path = g_build_filename (folder, id, NULL);
  if (g_unlink (path) != 0)
    {
      int saved = errno;
      g_autofree char *display = g_filename_display_name (path);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Cannot remove %s: %s",
                   display, g_strerror (saved));
      return FALSE;
    }
  if (is_ncnn (id))
    {
      g_autofree char *bin = bin_of (path);
      g_unlink (bin);
    }
  forget (folder, id);
  return TRUE;
}
