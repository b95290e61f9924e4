/* test-app-models.c: the user's own models in the app, under Xvfb —
 * a model file dropped on the main window is imported, listed, chosen,
 * upscales and appears in Compare; the Models page lists it with its
 * architecture and factor, refuses a damaged file and an unsupported
 * architecture with the reason (copying nothing) and removes it after a
 * question.
 *
 * $XDG_DATA_HOME is a temporary folder, so that nothing the user imported
 * is touched; the installed models are still found through
 * $ENLARGE_MODEL_PATH, set from the real data folder before GLib reads
 * either. */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "enlarge.h"
#include "enlarge-application.h"
#include "enlarge-compare-window.h"
#include "enlarge-model-catalog.h"
#include "enlarge-preferences-window.h"
#include "enlarge-window-private.h"
#include "app-test-utils.h"

#define ANISCALE "2x-AniScale.pth"
#define OMNISR "4x_WTP_descreenton.pth"

static GtkApplication *app;
static EnlargeWindow *win;
static EnlargePreferencesWindow *prefs;
static EnlargeModelsPage *page;
static char *tmp_dir;
static char *test_models;   /* the real .pth files */

static gboolean not_importing (void) { return enlarge_window_get_importing (win) == 0; }
static gboolean not_loading (void) { return !enlarge_window_get_loading (win); }
static gboolean not_running (void) { return !enlarge_window_get_running (win); }
static gboolean is_mapped (void) { return gtk_widget_get_mapped (GTK_WIDGET (win)); }
static gboolean page_idle (void) { return enlarge_models_page_get_importing (page) == 0; }
static gboolean prefs_mapped (void) { return gtk_widget_get_mapped (GTK_WIDGET (prefs)); }

static char *
test_model (const char *name)
{
  g_autofree char *path = g_build_filename (test_models, name, NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *msg = g_strdup_printf ("%s is not installed: build-aux/dev.sh setup", path);
      g_test_skip (msg);
      return NULL;
    }
  return g_steal_pointer (&path);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static char *
imported_folder_listing (void)
{
  g_autofree char *folder = enlarge_model_folder_default ();
  g_autoptr (GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (char **) names->pdata);
}

/* Drops @path on the main window, as a file manager does. */
static void
drop_file (const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (win));
  GSList files = { file, NULL };
  GValue value = G_VALUE_INIT;
  gboolean handled = FALSE;

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_set_boxed (&value, &files);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) c = g_list_model_get_item (controllers, i);
      if (GTK_IS_DROP_TARGET (c))
        g_signal_emit_by_name (c, "drop", &value, 10.0, 10.0, &handled);
    }
  g_value_unset (&value);
  g_assert_true (handled);
}

/* The message dialog open now (an error or a question), or NULL. */
static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* not ours */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) w = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

static gboolean no_dialog (void) { return find_dialog () == NULL; }

/* Answers @dialog as a click on @response does (the click also closes
 * it, which adw_message_dialog_response alone does not). */
static void
close_dialog (AdwMessageDialog *dialog, const char *response)
{
  g_assert_true (adw_message_dialog_has_response (dialog, response));
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  atu_wait_for (no_dialog, "the dialog to close");
}

static gboolean
window_lists (const char *id)
{
  for (guint i = 0; i < win->model_ids->len; i++)
    if (g_str_equal (g_ptr_array_index (win->model_ids, i), id))
      return TRUE;
  return FALSE;
}

/* ---- tests -------------------------------------------------------------- */

static void
test_window (void)
{
  win = enlarge_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (win), 1100, 720);
  gtk_window_present (GTK_WINDOW (win));
  atu_wait_for (is_mapped, "the window to be mapped");
  g_assert_false (window_lists (ANISCALE));
}

/* Dropped on the window: imported off the main thread, listed, chosen;
 * it upscales 2×. */
static void
test_drop_imports (void)
{
  g_autofree char *src = test_model (ANISCALE);
  g_autofree char *listing = NULL;
  g_autoptr (GFile) image = NULL;
  const EnlargeModelEntry *e;
  EnlargeImage *input, *result;

  if (src == NULL)
    return;
  drop_file (src);
  g_assert_cmpuint (enlarge_window_get_importing (win), ==, 1);
  atu_wait_for (not_importing, "the import to finish");
  g_assert_null (find_dialog ());

  e = enlarge_model_catalog_lookup (enlarge_model_catalog_get_default (), ANISCALE);
  g_assert_nonnull (e);
  g_assert_cmpstr (e->architecture, ==, "Compact");
  g_assert_cmpint (e->scale, ==, 2);
  g_assert_true (window_lists (ANISCALE));
  g_assert_cmpstr (enlarge_window_get_model (win), ==, ANISCALE);
  g_test_message ("toast: %s", enlarge_window_get_last_toast (win));
  g_assert_cmpstr (enlarge_window_get_last_toast (win), ==, "Imported “2x-AniScale”: Compact, 2×");
  listing = imported_folder_listing ();
  g_assert_cmpstr (listing, ==, ".index.ini," ANISCALE);

  /* the model the window uses now: a 2× result */
  image = g_file_new_for_path (ENLARGE_SOURCE_DIR "/tests/data/golden/coffee-96x72.png");
  enlarge_window_open_file (win, image);
  atu_wait_for (not_loading, "the image to load");
  enlarge_window_set_model (win, ANISCALE);
  gtk_adjustment_set_value (enlarge_window_get_creativity_adjustment (win), 0.5);
  gtk_adjustment_set_value (enlarge_window_get_target_adjustment (win), 0);
  gtk_adjustment_set_value (enlarge_window_get_scale_adjustment (win), 2);
  atu_wait_for (not_running, "no job to be running");
  if (enlarge_window_get_result (win) == NULL)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.upscale", NULL));
      atu_wait_for (not_running, "the upscale to finish");
    }
  input = enlarge_window_get_input (win);
  result = enlarge_window_get_result (win);
  g_assert_nonnull (result);
  g_assert_cmpint (result->width, ==, 2 * input->width);
  g_assert_cmpint (result->height, ==, 2 * input->height);
  {
    /* the model's own work: scaled back down it is the input */
    g_autoptr (EnlargeImage) down = enlarge_resample (result, input->width, input->height, ENLARGE_FILTER_AREA, NULL);
    double psnr = down != NULL ? enlarge_image_psnr (down, input) : 0;
    g_test_message ("2x-AniScale on coffee-96x72: downscaled result vs input %.1f dB", psnr);
    g_assert_cmpfloat (psnr, >, 25);
  }
  atu_save_window_screenshot (GTK_WIDGET (win), "models-imported-result.png");
}

static guint compare_done_count;

static gboolean
compare_idle (void)
{
  EnlargeCompareWindow *compare = enlarge_window_get_compare_window (win);
  return compare != NULL && !enlarge_compare_window_get_running (compare) &&
         enlarge_compare_window_get_n_results (compare) >= compare_done_count;
}

/* Compare offers it and runs it beside a bundled model. */
static void
test_compare (void)
{
  const char *models[] = { ANISCALE, "realesr-animevideov3-x2", NULL };
  EnlargeCompareWindow *compare;
  gboolean seen = FALSE;

  if (!window_lists (ANISCALE) || !window_lists (models[1]))
    {
      g_test_skip ("needs the imported model and realesr-animevideov3-x2");
      return;
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.compare", NULL));
  compare = enlarge_window_get_compare_window (win);
  g_assert_nonnull (compare);
  enlarge_compare_window_set_models (compare, models);
  enlarge_compare_window_run (compare);
  compare_done_count = 2;
  atu_wait_for (compare_idle, "the comparison to finish");
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *label = enlarge_compare_window_get_label (compare, i);
      g_test_message ("result %u: %s", i, label);
      seen |= g_str_has_prefix (label, "2x-AniScale\n");
    }
  g_assert_true (seen);
  gtk_window_close (GTK_WINDOW (compare));
  atu_spin (0.3);
}

/* The Models page lists it with its architecture, factor and size, and
 * the bundled models with theirs. */
static void
test_page (void)
{
  AdwActionRow *row;

  prefs = ENLARGE_PREFERENCES_WINDOW (enlarge_preferences_window_new (GTK_WINDOW (win)));
  page = enlarge_preferences_window_get_models_page (prefs);
  g_assert_nonnull (page);
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (prefs), ADW_PREFERENCES_PAGE (page));
  gtk_window_set_default_size (GTK_WINDOW (prefs), 640, 760);
  gtk_window_present (GTK_WINDOW (prefs));
  atu_wait_for (prefs_mapped, "Preferences to be mapped");

  row = enlarge_models_page_get_row (page, ANISCALE);
  if (row != NULL)
    {
      g_test_message ("%s", adw_action_row_get_subtitle (row));
      g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Compact · 2× · 4.8\u00a0MB · licence unknown");
    }
  row = enlarge_models_page_get_row (page, "realesrgan-x4plus");
  if (row != NULL)
    g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (row), "ESRGAN · 4× · 33.5\u00a0MB · BSD-3-Clause"));
  atu_spin (0.5);
  atu_save_window_screenshot (GTK_WIDGET (prefs), "models-page.png");
}

/* Refused with the reason; nothing is copied; the lists stay. */
static void
check_refused (const char *path, const char *reason)
{
  g_autofree char *before = imported_folder_listing ();
  g_autofree char *after = NULL;
  guint n = win->model_ids->len;
  g_autoptr (GFile) file = g_file_new_for_path (path);
  AdwMessageDialog *dialog;

  enlarge_models_page_import (page, file);
  atu_wait_for (page_idle, "the import to finish");
  g_test_message ("refused: %s", enlarge_models_page_get_last_message (page));
  g_assert_nonnull (strstr (enlarge_models_page_get_last_message (page), reason));
  dialog = enlarge_models_page_get_dialog (page);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "Cannot Import"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), reason));
  close_dialog (dialog, "close");
  after = imported_folder_listing ();
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (win->model_ids->len, ==, n);

  /* the same through a drop on the main window: a dialog with the reason */
  drop_file (path);
  atu_wait_for (not_importing, "the import to finish");
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), reason));
  close_dialog (dialog, "close");
  g_clear_pointer (&after, g_free);
  after = imported_folder_listing ();
  g_assert_cmpstr (after, ==, before);
}

static void
test_bad_file (void)
{
  g_autofree char *bad = g_build_filename (tmp_dir, "damaged.pth", NULL);

  g_assert_true (g_file_set_contents (bad, "PK\3\4 this is no checkpoint", -1, NULL));
  check_refused (bad, "damaged.pth");
}

static void
test_omnisr (void)
{
  g_autofree char *src = test_model (OMNISR);

  if (src == NULL)
    return;
  check_refused (src, "unsupported architecture OmniSR");
}

/* Removed after a question; bundled models ask nothing and stay. */
static void
test_remove (void)
{
  AdwMessageDialog *dialog;
  g_autofree char *listing = NULL;

  if (enlarge_models_page_get_row (page, ANISCALE) == NULL)
    {
      g_test_skip ("nothing was imported");
      return;
    }
  enlarge_models_page_ask_remove (page, "realesrgan-x4plus");
  g_assert_null (enlarge_models_page_get_dialog (page));

  enlarge_models_page_ask_remove (page, ANISCALE);
  dialog = enlarge_models_page_get_dialog (page);
  g_assert_nonnull (dialog);
  /* Cancel keeps it */
  close_dialog (dialog, "cancel");
  g_assert_true (window_lists (ANISCALE));

  enlarge_models_page_ask_remove (page, ANISCALE);
  close_dialog (enlarge_models_page_get_dialog (page), "remove");
  g_assert_null (enlarge_models_page_get_row (page, ANISCALE));
  g_assert_false (window_lists (ANISCALE));
  g_assert_cmpstr (enlarge_window_get_model (win), !=, ANISCALE);
  listing = imported_folder_listing ();
  g_assert_cmpstr (listing, ==, ".index.ini");
  g_assert_cmpstr (enlarge_models_page_get_last_message (page), ==, "Removed “" ANISCALE "”");
}

static void
test_close (void)
{
  gtk_window_destroy (GTK_WINDOW (prefs));
  gtk_window_destroy (GTK_WINDOW (win));
  atu_spin (0.2);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data_home = NULL;
  g_autofree char *real_data = NULL;
  int ret;

  /* before GLib reads the XDG variables (it does once) */
  {
    const char *xdg = g_getenv ("XDG_DATA_HOME");
    const char *path = g_getenv ("ENLARGE_MODEL_PATH");
    g_autofree char *models = NULL;
    g_autofree char *search = NULL;

    real_data = xdg != NULL && *xdg != '\0' ? g_strdup (xdg)
                                            : g_build_filename (g_get_home_dir (), ".local", "share", NULL);
    models = g_build_filename (real_data, "enlarge", "models", NULL);
    search = path != NULL && *path != '\0' ? g_strconcat (path, G_SEARCHPATH_SEPARATOR_S, models, NULL)
                                           : g_strdup (models);
    g_setenv ("ENLARGE_MODEL_PATH", search, TRUE);
    test_models = g_getenv ("ENLARGE_TEST_MODELS") != NULL
                    ? g_strdup (g_getenv ("ENLARGE_TEST_MODELS"))
                    : g_build_filename (real_data, "enlarge", "test-models", NULL);
  }
  tmp_dir = g_dir_make_tmp ("enlarge-test-app-models-XXXXXX", &error);
  g_assert_no_error (error);
  data_home = g_build_filename (tmp_dir, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_assert_cmpstr (g_get_user_data_dir (), ==, data_home);

  app = GTK_APPLICATION (enlarge_application_new ());
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/app-models/window", test_window);
  g_test_add_func ("/app-models/drop-imports", test_drop_imports);
  g_test_add_func ("/app-models/compare", test_compare);
  g_test_add_func ("/app-models/page", test_page);
  g_test_add_func ("/app-models/bad-file", test_bad_file);
  g_test_add_func ("/app-models/omnisr", test_omnisr);
  g_test_add_func ("/app-models/remove", test_remove);
  g_test_add_func ("/app-models/close", test_close);

  ret = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  {
    g_autofree char *cmd_dir = g_steal_pointer (&tmp_dir);
    /* the temporary data folder and everything the tests put there */
    const char *argv_rm[] = { "rm", "-rf", cmd_dir, NULL };
    g_spawn_sync (NULL, (char **) argv_rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  g_free (test_models);
  return ret;
}
