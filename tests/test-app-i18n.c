/* test-app-i18n.c: the application under a German or French locale, run
 * under Xvfb (see tests/meson.build, which generates the locales with
 * localedef and points ENLARGE_LOCALEDIR at the build folder's catalogs).
 * ENLARGE_TEST_LANGUAGE (de or fr) says which strings to expect. The main
 * window is saved as enlarge-window-LANG.png before and after an upscale,
 * with the preferences (its Models page too) and Compare Models, and no
 * label of theirs may be cut short with an ellipsis. */

#include "config.h"

#include <locale.h>
#include <string.h>
#include <adwaita.h>
#include <glib/gi18n.h>

#include "app-test-utils.h"
#include "enlarge.h"
#include "enlarge-application.h"
#include "enlarge-environment.h"
#include "enlarge-window-private.h"
#include "enlarge-preferences-window.h"
#if ENLARGE_TEST_VIDEO
#include "video-test-utils.h"
#endif

typedef struct {
  const char *language;
  const char *locale;
  const char *preset_title;      /* the preset row of the sidebar */
  const char *empty_summary;     /* the summary before an image is open */
  const char *upscale_all;       /* the queue's button, with its mnemonic */
  const char *tiles_done;        /* ngettext: "%d of %d tiles" at 3 of 12 */
  const char *tile_done;         /* ngettext: "%d of %d tile" at 1 of 1 */
  const char *open_shortcut;     /* the shortcuts window's "Open an Image" */
  const char *fit_snap;          /* Result Size, Fit in a Size: the snap check */
  const char *upscale_frame;     /* the Upscale button on a video or animation */
  const char *upscale_video;     /* and the button beside it */
  const char *your_models;       /* the Models page: imported models' group */
  const char *import_model;      /* and its button, with its mnemonic */
} Expected;

static const Expected expected_strings[] = {
  { "de", "de_DE.UTF-8", "Voreinstellung",
    "Öffnen Sie ein Bild, um zu sehen, was geschehen wird.", "_Alle hochskalieren",
    "3 von 12 Kacheln", "1 von 1 Kachel", "Ein Bild öffnen", "An eigener _Modellgröße einrasten",
    "Einzelbild _hochskalieren", "Video hoch_skalieren", "Eigene Modelle", "Modell _importieren …" },
  { "fr", "fr_FR.UTF-8", "Préréglage",
    "Ouvrez une image pour voir ce qui va se passer.", "_Tout agrandir",
    "3 sur 12 tuiles", "1 sur 1 tuile", "Ouvrir une image",
    "_S’aligner sur la taille du modèle", "A_grandir l’image", "Agrandir la _vidéo", "Vos modèles",
    "_Importer un modèle…" },
};

static const Expected *expected;
static GtkApplication *app;
static char *tmp_dir;
static EnlargeWindow *win;

static gboolean is_mapped (void) { return gtk_widget_get_mapped (GTK_WIDGET (win)); }
static gboolean not_loading (void) { return !enlarge_window_get_loading (win); }
static gboolean not_running (void) { return !enlarge_window_get_running (win); }

/* The first button under @widget whose label is @label. */
static GtkWidget *
find_button (GtkWidget *widget, const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Whether a shown label under @widget reads @text (mnemonic included). */
static gboolean
shows_label (GtkWidget *widget, const char *text)
{
  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_label (child, text))
      return TRUE;
  return FALSE;
}

/* Adds the text of every label under @widget that is shown and cut short
 * by its ellipsis to @cut. */
static void
collect_cut_labels (GtkWidget *widget, GPtrArray *cut)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget) && gtk_label_get_ellipsize (GTK_LABEL (widget)) != PANGO_ELLIPSIZE_NONE &&
      pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (widget))))
    g_ptr_array_add (cut, g_strdup (gtk_label_get_text (GTK_LABEL (widget))));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_cut_labels (child, cut);
}

static void
assert_nothing_cut (GtkWidget *window)
{
  g_autoptr (GPtrArray) cut = g_ptr_array_new_with_free_func (g_free);

  collect_cut_labels (window, cut);
  for (guint i = 0; i < cut->len; i++)
    g_test_message ("cut short: “%s”", (const char *) g_ptr_array_index (cut, i));
  g_assert_cmpuint (cut->len, ==, 0);
}

static void
save_screenshot (GtkWidget *window, const char *what)
{
  g_autofree char *name = g_strdup_printf ("%s-%s.png", what, expected->language);

  atu_save_window_screenshot (window, name);
}

static void
test_locale (void)
{
  /* the generated locale is there: messages and numbers follow it */
  g_assert_cmpstr (setlocale (LC_MESSAGES, NULL), ==, expected->locale);
  g_assert_cmpstr (localeconv ()->decimal_point, ==, ",");
  /* the catalog is found, the plural forms are the language's */
  g_autofree char *three = g_strdup_printf (ngettext ("%d of %d tile", "%d of %d tiles", 12), 3, 12);
  g_autofree char *one = g_strdup_printf (ngettext ("%d of %d tile", "%d of %d tiles", 1), 1, 1);
  g_assert_cmpstr (three, ==, expected->tiles_done);
  g_assert_cmpstr (one, ==, expected->tile_done);
}

static void
test_main_window (void)
{
  win = enlarge_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (win), 1100, 720);
  gtk_window_present (GTK_WINDOW (win));
  atu_wait_for (is_mapped, "the window to be mapped");
  atu_spin (0.3);

  /* labels of the template (.ui) and of the code */
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (win->preset_row)), ==,
                   expected->preset_title);
  g_assert_cmpstr (gtk_label_get_text (win->summary_label), ==, expected->empty_summary);
  g_assert_nonnull (find_button (GTK_WIDGET (win), expected->upscale_all));
  save_screenshot (GTK_WIDGET (win), "enlarge-window-empty");
  assert_nothing_cut (GTK_WIDGET (win));

  g_autoptr (GFile) file = g_file_new_for_path (ENLARGE_SOURCE_DIR "/tests/data/golden/coffee-96x72.png");
  enlarge_window_open_file (win, file);
  atu_wait_for (not_loading, "the image to load");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.upscale", NULL));
  atu_wait_for (not_running, "the upscale to finish");
  g_assert_nonnull (enlarge_window_get_result (win));
  atu_spin (0.5);
  save_screenshot (GTK_WIDGET (win), "enlarge-window");
  assert_nothing_cut (GTK_WIDGET (win));

  /* Result Size, Fit in a Size (the last choice): the width, height and
   * snap rows it shows, which the other screenshots do not */
  adw_combo_row_set_selected (win->size_row, 3);
  atu_spin (0.3);
  g_assert_true (gtk_widget_get_mapped (win->fit_row));
  g_assert_cmpstr (gtk_check_button_get_label (win->fit_snap_check), ==, expected->fit_snap);
  save_screenshot (GTK_WIDGET (win), "enlarge-window-fit");
  assert_nothing_cut (GTK_WIDGET (win));
}

static gboolean
compare_mapped (void)
{
  GtkWindow *compare = GTK_WINDOW (enlarge_window_get_compare_window (win));

  return compare != NULL && gtk_widget_get_mapped (GTK_WIDGET (compare));
}

/* Whether a shortcut under @widget has @title. */
static gboolean
find_shortcut (GtkWidget *widget, const char *title)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *text = NULL;
      g_object_get (widget, "title", &text, NULL);
      if (g_strcmp0 (text, title) == 0)
        return TRUE;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (find_shortcut (child, title))
      return TRUE;
  return FALSE;
}

/* The windows the main window opens: Compare Models (before a run, with
 * its hint) and the shortcuts window */
static void
test_other_windows (void)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.compare", NULL));
  atu_wait_for (compare_mapped, "the compare window to be mapped");
  atu_spin (0.3);

  GtkWidget *compare = GTK_WIDGET (enlarge_window_get_compare_window (win));
  save_screenshot (compare, "compare-empty");
  assert_nothing_cut (compare);
  gtk_window_destroy (GTK_WINDOW (compare));

  /* (not shown: GTK 4.8's shortcuts window warns of negative label widths
   * in any language) */
  GtkWidget *shortcuts = GTK_WIDGET (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (win)));
  g_assert_true (find_shortcut (shortcuts, expected->open_shortcut));
}

static void
test_preferences (void)
{
  GtkWidget *prefs = GTK_WIDGET (enlarge_preferences_window_new (GTK_WINDOW (win)));

  gtk_window_set_default_size (GTK_WINDOW (prefs), 640, 720);
  gtk_window_present (GTK_WINDOW (prefs));
  atu_spin (0.5);
  save_screenshot (prefs, "preferences");
  assert_nothing_cut (prefs);

  /* the Models page, which came with model import */
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (prefs),
                                           ADW_PREFERENCES_PAGE (enlarge_preferences_window_get_models_page (
                                             ENLARGE_PREFERENCES_WINDOW (prefs))));
  atu_spin (0.5);
  save_screenshot (prefs, "preferences-models");
  g_assert_true (shows_label (prefs, expected->your_models));
  g_assert_true (shows_label (prefs, expected->import_model));
  assert_nothing_cut (prefs);
  gtk_window_destroy (GTK_WINDOW (prefs));
}

#if ENLARGE_TEST_VIDEO
/* The video view, on an animated GIF: the frame slider, its time and the
 * two Upscale buttons in the language, nothing cut short */
static void
test_video_view (void)
{
  const char *const players[] = { "playbin", "appsink", NULL };
  const int delays[] = { 10, 20, 30 };

  if (!vtu_require_elements (players))
    return;
  g_autofree char *gif = g_build_filename (tmp_dir, "anim.gif", NULL);

  vtu_write_gif (gif, 40, 30, 3, delays, 0);
  /* a new window: the first holds an unsaved result, which would ask first */
  gtk_window_destroy (GTK_WINDOW (win));
  win = enlarge_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (win), 1100, 720);
  gtk_window_present (GTK_WINDOW (win));
  atu_wait_for (is_mapped, "the window to be mapped");
  g_autoptr (GFile) file = g_file_new_for_path (gif);
  enlarge_window_open_file (win, file);
  atu_wait_for (not_loading, "the GIF to open");
  g_assert_true (enlarge_window_get_video (win));
  g_assert_true (gtk_widget_get_mapped (win->video_bar));
  g_assert_cmpstr (gtk_button_get_label (win->upscale_button), ==, expected->upscale_frame);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (win->upscale_video_button)), ==, expected->upscale_video);
  atu_spin (0.3);
  save_screenshot (GTK_WIDGET (win), "enlarge-window-video");
  assert_nothing_cut (GTK_WIDGET (win));
}
#endif

int
main (int argc, char *argv[])
{
  const char *language = g_getenv ("ENLARGE_TEST_LANGUAGE");

  for (gsize i = 0; i < G_N_ELEMENTS (expected_strings); i++)
    if (g_strcmp0 (language, expected_strings[i].language) == 0)
      expected = &expected_strings[i];
  if (expected == NULL)
    g_error ("ENLARGE_TEST_LANGUAGE must be de or fr, not “%s”", language ? language : "");

  gtk_test_init (&argc, &argv, NULL);
  /* gtk_test_init sets an English locale for GTK's own tests: take the
   * environment's, as the app's main() does */
  setlocale (LC_ALL, "");
  adw_init ();
  enlarge_environment_bind_textdomain ();
#if ENLARGE_TEST_VIDEO
  gst_init (NULL, NULL);
#endif

  app = atu_app_start ("enlarge-test-app-i18n-XXXXXX", &tmp_dir);

  g_test_add_func ("/app-i18n/locale", test_locale);
  g_test_add_func ("/app-i18n/main-window", test_main_window);
  g_test_add_func ("/app-i18n/preferences", test_preferences);
  g_test_add_func ("/app-i18n/other-windows", test_other_windows);
#if ENLARGE_TEST_VIDEO
  g_test_add_func ("/app-i18n/video-view", test_video_view);
#endif

  int ret = g_test_run ();

  if (win != NULL)
    gtk_window_destroy (GTK_WINDOW (win));
  atu_app_stop (app, tmp_dir);
  return ret;
}
