/* The user's model folder (enlarge-model-folder.c): importing the real
 * .pth files, refusing what cannot run before anything is written, never
 * replacing a file, the index, removing. */

#include <string.h>
#include <glib/gstdio.h>

#include "enlarge.h"
#include "enlarge-test-utils.h"

static char *
folder_in (const EtuTempDir *tmp)
{
  return g_build_filename (tmp->path, "models", "imported", NULL);
}

static void
test_import_compact (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir ("enlarge-folder-XXXXXX") };
  g_autofree char *src = etu_test_model_or_skip ("2x-AniScale.pth");
  g_autofree char *folder = folder_in (&tmp);
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeModelFile) file = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GBytes) a = NULL, b = NULL;
  g_autofree char *names = NULL;

  if (src == NULL)
    return;
  /* a missing folder is an empty one */
  list = enlarge_model_folder_list (folder, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  file = enlarge_model_folder_import (folder, src, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (file->id, ==, "2x-AniScale.pth");
  g_assert_cmpstr (file->title, ==, "2x-AniScale");
  g_assert_cmpstr (file->architecture, ==, "Compact");
  g_assert_cmpint (file->scale, ==, 2);
  g_assert_cmpuint (file->size, ==, 4838301);
  g_assert_null (file->problem);

  /* the copy is the file, byte for byte; no temporary is left */
  a = etu_read_file (src);
  b = etu_read_file (file->path);
  g_assert_true (g_bytes_equal (a, b));
  names = etu_list_dir (folder);
  g_assert_cmpstr (names, ==, ".index.ini,2x-AniScale.pth");

  list = enlarge_model_folder_list (folder, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  {
    const EnlargeModelFile *f = list->pdata[0];
    g_assert_cmpstr (f->architecture, ==, "Compact");
    g_assert_cmpint (f->scale, ==, 2);
    g_assert_cmpstr (f->path, ==, file->path);
  }

  /* the same file again: said, nothing written */
  {
    g_autoptr (EnlargeModelFile) again = enlarge_model_folder_import (folder, src, NULL, &error);
    g_autofree char *after = etu_list_dir (folder);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
    etu_assert_contains (error->message, "already imported");
    g_assert_null (again);
    g_assert_cmpstr (after, ==, names);
    g_clear_error (&error);
  }

  g_assert_true (enlarge_model_folder_remove (folder, file->id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = enlarge_model_folder_list (folder, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  /* nothing outside the folder can be named */
  g_assert_false (enlarge_model_folder_remove (folder, "../x.pth", &error));
  g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT);
}

/* Another file under a taken name gets the next free name; the one there
 * is untouched. */
static void
test_no_overwrite (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir ("enlarge-folder-XXXXXX") };
  g_autofree char *src = etu_test_model_or_skip ("2x-AniScale.pth");
  g_autofree char *folder = folder_in (&tmp);
  g_autofree char *taken = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeModelFile) file = NULL;
  g_autoptr (GBytes) kept = NULL;

  if (src == NULL)
    return;
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  taken = g_build_filename (folder, "2x-AniScale.pth", NULL);
  etu_write_file (taken, "someone else's", 14);

  file = enlarge_model_folder_import (folder, src, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (file->id, ==, "2x-AniScale-2.pth");
  kept = etu_read_file (taken);
  g_assert_cmpmem (g_bytes_get_data (kept, NULL), g_bytes_get_size (kept), "someone else's", 14);

  /* the damaged one is listed with its reason, the import beside it */
  {
    g_autoptr (GPtrArray) list = enlarge_model_folder_list (folder, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 2);
    for (guint i = 0; i < list->len; i++)
      {
        const EnlargeModelFile *f = list->pdata[i];
        if (g_str_equal (f->id, "2x-AniScale.pth"))
          g_assert_nonnull (f->problem);
        else
          g_assert_null (f->problem);
      }
  }
}

/* What cannot run is refused with the reason, and nothing is written. */
static void
check_refused (const char *source, const char *reason)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir ("enlarge-folder-XXXXXX") };
  g_autofree char *folder = folder_in (&tmp);
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeModelFile) file = enlarge_model_folder_import (folder, source, NULL, &error);

  g_assert_null (file);
  g_assert_nonnull (error);
  g_test_message ("%s: %s", source, error->message);
  etu_assert_contains (error->message, reason);
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
}

static void
test_refused (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir ("enlarge-folder-XXXXXX") };
  g_autofree char *bad = g_build_filename (tmp.path, "bad.pth", NULL);
  g_autofree char *text = g_build_filename (tmp.path, "notes.txt", NULL);
  g_autofree char *omnisr = NULL;

  etu_write_file (bad, "PK\3\4 not a checkpoint", 22);
  check_refused (bad, "bad.pth");
  etu_write_file (text, "hello", 5);
  check_refused (text, "not a model file");
  check_refused ("/nonexistent/x.pth", "x.pth");
  omnisr = etu_test_model_or_skip ("4x_WTP_descreenton.pth");
  if (omnisr != NULL)
    check_refused (omnisr, "OmniSR");
}

/* An ncnn pair is imported by either file, both copied. */
static void
test_ncnn_pair (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir ("enlarge-folder-XXXXXX") };
  g_autofree char *folder = folder_in (&tmp);
  g_autofree char *param = NULL;
  g_autofree char *bin = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeModelFile) file = NULL;
  g_autofree char *names = NULL;

  if (!etu_require_model ("realesr-animevideov3-x4"))
    return;
  param = enlarge_model_find_file ("realesr-animevideov3-x4.param");
  bin = enlarge_model_find_file ("realesr-animevideov3-x4.bin");
  file = enlarge_model_folder_import (folder, bin, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (file->id, ==, "realesr-animevideov3-x4.param");
  g_assert_cmpstr (file->architecture, ==, "ncnn");
  g_assert_cmpint (file->scale, ==, 4);
  names = etu_list_dir (folder);
  g_assert_cmpstr (names, ==, ".index.ini,realesr-animevideov3-x4.bin,realesr-animevideov3-x4.param");
  g_assert_true (enlarge_model_folder_remove (folder, file->id, &error));
  g_clear_pointer (&names, g_free);
  names = etu_list_dir (folder);
  g_assert_cmpstr (names, ==, ".index.ini");
}

/* A file copied in by hand is inspected once; its entry is then read from
 * the index, and a changed file is inspected again. */
static void
test_index (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir ("enlarge-folder-XXXXXX") };
  g_autofree char *src = etu_test_model_or_skip ("2x-AniScale.pth");
  g_autofree char *folder = folder_in (&tmp);
  g_autofree char *dest = NULL;
  g_autofree char *index_path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GKeyFile) index = g_key_file_new ();

  if (src == NULL)
    return;
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  dest = g_build_filename (folder, "by_hand.pth", NULL);
  bytes = etu_read_file (src);
  etu_write_file (dest, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  {
    g_autoptr (GPtrArray) list = enlarge_model_folder_list (folder, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 1);
    g_assert_cmpstr (((EnlargeModelFile *) list->pdata[0])->title, ==, "by hand");
  }
  /* the index answers: a lie written into it shows */
  index_path = g_build_filename (folder, ".index.ini", NULL);
  g_assert_true (g_key_file_load_from_file (index, index_path, G_KEY_FILE_NONE, &error));
  g_assert_cmpstr (g_key_file_get_string (index, "by_hand.pth", "architecture", NULL), ==, "Compact");
  g_key_file_set_integer (index, "by_hand.pth", "scale", 7);
  g_assert_true (g_key_file_save_to_file (index, index_path, &error));
  {
    g_autoptr (GPtrArray) list = enlarge_model_folder_list (folder, NULL, &error);
    g_assert_cmpint (((EnlargeModelFile *) list->pdata[0])->scale, ==, 7);
  }
  /* another size: inspected again */
  etu_write_file (dest, "garbage", 7);
  {
    g_autoptr (GPtrArray) list = enlarge_model_folder_list (folder, NULL, &error);
    const EnlargeModelFile *f = list->pdata[0];
    g_assert_no_error (error);
    g_assert_nonnull (f->problem);
    g_assert_cmpuint (f->size, ==, 7);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model-folder/import-compact", test_import_compact);
  g_test_add_func ("/model-folder/no-overwrite", test_no_overwrite);
  g_test_add_func ("/model-folder/refused", test_refused);
  g_test_add_func ("/model-folder/ncnn-pair", test_ncnn_pair);
  g_test_add_func ("/model-folder/index", test_index);
  return g_test_run ();
}
