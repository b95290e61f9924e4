/* The output-safety check shared by every writer; see enlarge-output.h. */

#include "enlarge-output.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "enlarge-error.h"

#define TEMP_SUFFIX ".XXXXXX"

gboolean
enlarge_output_same_file (const char *a, const char *b)
{
  GStatBuf sa, sb;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  /* stat, not lstat: a symbolic link to the input is the input. */
  if (g_stat (a, &sa) == 0 && g_stat (b, &sb) == 0)
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;

  g_autofree char *ca = g_canonicalize_filename (a, NULL);
  g_autofree char *cb = g_canonicalize_filename (b, NULL);
  return g_str_equal (ca, cb);
}

/* The longest file name the folder holding @path accepts. */
static gsize
name_max (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  long max = pathconf (dir, _PC_NAME_MAX);

  return max > 0 ? (gsize) max : 255;
}

char *
enlarge_output_temp_template (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmp_base = NULL;

  /* The long form says which result is being written; names within 8
   * bytes of the limit get the short one, so any name that fits can be
   * saved. */
  if (1 + strlen (base) + strlen (TEMP_SUFFIX) <= name_max (path))
    tmp_base = g_strconcat (".", base, TEMP_SUFFIX, NULL);
  else
    tmp_base = g_strdup (".enlarge" TEMP_SUFFIX);
  return g_build_filename (dir, tmp_base, NULL);
}

gboolean
enlarge_output_check (const char         *output,
                      const char * const *inputs,
                      GError            **error)
{
  g_return_val_if_fail (output != NULL, FALSE);

  g_autofree char *display = g_filename_display_name (output);
  g_autofree char *base = g_path_get_basename (output);
  gsize max = name_max (output);

  if (strlen (base) > max)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   "cannot write “%s”: its name is %" G_GSIZE_FORMAT " bytes long, "
                   "and the file system allows %" G_GSIZE_FORMAT,
                   display, strlen (base), max);
      return FALSE;
    }
  g_autofree char *absolute = g_canonicalize_filename (output, NULL);
  g_autofree char *temp = enlarge_output_temp_template (absolute);
  if (strlen (temp) >= PATH_MAX)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   "cannot write “%s”: its path is longer than the system allows (%d bytes)",
                   display, PATH_MAX - 1);
      return FALSE;
    }

  if (g_file_test (output, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   "cannot write “%s”: it is a folder", display);
      return FALSE;
    }

  for (gsize i = 0; inputs != NULL && inputs[i] != NULL; i++)
    if (enlarge_output_same_file (output, inputs[i]))
      {
        g_autofree char *input = g_filename_display_name (inputs[i]);
        g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                     "refusing to overwrite the input file “%s”; choose another output",
                     input);
        return FALSE;
      }
  return TRUE;
}
