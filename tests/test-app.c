/* test-app.c: the GTK application, run under Xvfb with the memory
 * GSettings backend (see tests/meson.build). */

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <dlfcn.h>
#include <adwaita.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "enlarge.h"
#include "enlarge-application.h"
#include "enlarge-window-private.h"
#include "enlarge-preferences-window.h"
#include "enlarge-presets.h"
#include "enlarge-queue-row.h"
#include "enlarge-app-test-utils.h"

static GtkApplication *app;
static EnlargeWindow *win;
static char *tmp_dir;

static const char *
golden (const char *name)
{
  static char path[4096];
  const char *dir = g_getenv ("ENLARGE_TEST_DATA");

  g_snprintf (path, sizeof path, "%s/golden/%s", dir ? dir : ENLARGE_SOURCE_DIR "/tests/data", name);
  return path;
}

static gboolean not_loading (void) { return !enlarge_window_get_loading (win); }
static gboolean not_running (void) { return !enlarge_window_get_running (win); }
static gboolean is_mapped (void) { return gtk_widget_get_mapped (GTK_WIDGET (win)); }

static void
open_and_wait (const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);

  enlarge_window_open_file (win, file);
  g_assert_true (enlarge_window_get_loading (win));
  wait_for (not_loading, "the image to load");
}

static void
new_window (void)
{
  win = enlarge_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (win), 1100, 720);
  gtk_window_present (GTK_WINDOW (win));
  wait_for (is_mapped, "the window to be mapped");
}

static void
destroy_window (void)
{
  gpointer weak = win;

  g_object_add_weak_pointer (G_OBJECT (win), &weak);
  gtk_window_destroy (GTK_WINDOW (win));
  win = NULL;
  spin (0.2);
  /* nothing keeps the window alive */
  g_assert_null (weak);
}

/* ---- tests -------------------------------------------------------------- */

static void
test_window_opens (void)
{
  new_window ();
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (win)));
  g_assert_null (enlarge_window_get_input (win));
  g_assert_null (enlarge_window_get_result (win));
  /* the shortcuts window (ui/help-overlay.ui) builds */
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (win)));
  /* nothing to upscale yet */
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (win), "win.upscale", NULL) &&
                  enlarge_window_get_running (win));
}

static void
test_open_shows_image (void)
{
  EnlargeImage *input;
  EnlargeCompareView *view = enlarge_window_get_compare_view (win);

  open_and_wait (golden ("coffee-96x72.png"));
  input = enlarge_window_get_input (win);
  g_assert_nonnull (input);
  g_assert_cmpint (input->width, ==, 96);
  g_assert_cmpint (input->height, ==, 72);
  g_assert_nonnull (enlarge_compare_view_get_before (view));
  g_assert_cmpint (gdk_texture_get_width (enlarge_compare_view_get_before (view)), ==, 96);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (view)));
}

static guint timer_calls;
static gint64 timer_last;      /* µs */
static double timer_max_gap;   /* ms */

/* Counts a 16 ms timer and its longest gap: a job that blocked the main
 * loop would show as one gap as long as the job. The gap, not the count,
 * is asserted: on a loaded machine (tests run beside builds) the timer
 * fires late, but not for the whole job. */
static gboolean count_timer (gpointer data);

static void
start_timer (guint *id)
{
  timer_calls = 0;
  timer_max_gap = 0;
  timer_last = g_get_monotonic_time ();
  *id = g_timeout_add (16, count_timer, NULL);
}

static gboolean
count_timer (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  timer_max_gap = MAX (timer_max_gap, (now - timer_last) / 1000.0);
  timer_last = now;
  timer_calls++;
  return G_SOURCE_CONTINUE;
}

static void
test_upscale_matches_cli (void)
{
  const char *cli = g_getenv ("ENLARGE_CLI");
  g_autofree char *cli_out = g_build_filename (tmp_dir, "cli.png", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) expected = NULL;
  int status;
  EnlargeImage *result;
  gint64 start;
  double elapsed_ms, psnr;
  guint timer;

  if (cli == NULL)
    {
      g_test_skip ("ENLARGE_CLI is not set");
      return;
    }

  enlarge_window_set_model (win, "realesr-animevideov3-x4");
  g_assert_cmpstr (enlarge_window_get_model (win), ==, "realesr-animevideov3-x4");
  /* every control goes through the engine's pipeline, as in the CLI */
  gtk_adjustment_set_value (enlarge_window_get_creativity_adjustment (win), 0.7);
  gtk_adjustment_set_value (enlarge_window_get_scale_adjustment (win), 2.5);
  gtk_adjustment_set_value (enlarge_window_get_target_adjustment (win), 0);
  /* moving controls restarts a debounced job: let it settle first */
  wait_for (not_running, "no job to be running");

  /* the main loop keeps running during the job */
  start_timer (&timer);
  start = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.upscale", NULL));
  g_assert_true (enlarge_window_get_running (win));
  /* nothing measured yet: the bar pulses instead of sitting empty */
  g_assert_cmpuint (win->pulse_id, !=, 0);
  g_assert_cmpstr (gtk_progress_bar_get_text (win->progress_bar), ==, "Starting…");
  wait_for (not_running, "the upscale to finish");
  g_assert_cmpuint (win->pulse_id, ==, 0);
  elapsed_ms = (g_get_monotonic_time () - start) / 1000.0;
  g_source_remove (timer);
  g_test_message ("job took %.0f ms; the 16 ms timer fired %u times, longest gap %.0f ms",
                  elapsed_ms, timer_calls, timer_max_gap);
  g_assert_cmpuint (timer_calls, >=, 2);
  g_assert_cmpfloat (timer_max_gap, <, elapsed_ms / 2);

  result = enlarge_window_get_result (win);
  g_assert_nonnull (result);
  g_assert_cmpint (result->width, ==, 240);
  g_assert_cmpint (result->height, ==, 180);
  g_assert_true (enlarge_window_get_unsaved (win));
  /* the plan in plain words; the engine's details on demand */
  g_test_message ("summary: %s", gtk_label_get_label (win->summary_label));
  g_test_message ("details: %s", gtk_widget_get_tooltip_text (GTK_WIDGET (win->summary_label)));
  g_assert_nonnull (strstr (gtk_label_get_label (win->summary_label), "240 × 180 pixels"));
  g_assert_null (strstr (gtk_label_get_label (win->summary_label), "Lanczos"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (win->summary_label)), "Lanczos"));
  /* the end is said, with the time it took */
  g_test_message ("toast: %s", enlarge_window_get_last_toast (win));
  g_assert_true (g_str_has_prefix (enlarge_window_get_last_toast (win), "Done in "));
  /* and reaches a screen reader through the status line (a live region) */
  g_assert_cmpstr (gtk_label_get_label (win->status_label), ==, enlarge_window_get_last_toast (win));
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (win->status_label)), ==,
                   GTK_ACCESSIBLE_ROLE_STATUS);

  {
    const char *argv[] = { cli, "-q", "-m", "realesr-animevideov3-x4", "-c", "0.7", "-s", "2.5",
                           "-o", cli_out, golden ("coffee-96x72.png"), NULL };
    /* its "wrote …" line must not land in this test's TAP output */
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                                 NULL, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, &error));
  }
  expected = enlarge_image_load (cli_out, &error);
  g_assert_no_error (error);
  psnr = enlarge_image_psnr (result, expected);
  g_test_message ("PSNR against enlarge-cli: %.2f dB", psnr);
  g_assert_cmpfloat (psnr, >=, 50.0);
}

static void save_screenshot (const char *name);
static guint count_grey (GtkWidget *window, guint8 v);

static EnlargeCompareView *cancel_view;
static GdkTexture *cancel_result_texture;

static gboolean
preview_shown (void)
{
  GdkTexture *after = enlarge_compare_view_get_after (cancel_view);
  return after != NULL && after != cancel_result_texture;
}

static void
test_cancel_keeps_result (void)
{
  EnlargeImage *before = enlarge_window_get_result (win);
  EnlargeImage *input = enlarge_window_get_input (win);
  g_autoptr (EnlargeImage) before_copy = NULL;
  g_autoptr (EnlargeImage) input_copy = NULL;
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);

  g_assert_nonnull (before);
  before_copy = enlarge_image_copy (before, NULL);
  input_copy = enlarge_image_copy (input, NULL);
  cancel_view = enlarge_window_get_compare_view (win);
  cancel_result_texture = enlarge_compare_view_get_after (cancel_view);

  /* many small tiles of the slowest model, so that the job is still
   * running after the first and after a screenshot */
  g_settings_set_int (settings, "tile-size", 8);
  enlarge_window_set_model (win, "realesrgan-x4plus");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.upscale", NULL));
  wait_for (preview_shown, "the first tiles");
  g_assert_true (enlarge_window_get_running (win));
  /* progress and Cancel lie inside the 1100 × 720 window, not below the fold */
  {
    graphene_rect_t bounds;
    GtkWidget *widgets[] = { GTK_WIDGET (win->progress_box), GTK_WIDGET (win->progress_bar), win->cancel_button };

    /* laid out by now: frames were drawn while waiting for the first tiles */
    for (guint i = 0; i < G_N_ELEMENTS (widgets); i++)
      {
        g_assert_true (gtk_widget_get_mapped (widgets[i]));
        g_assert_true (gtk_widget_compute_bounds (widgets[i], GTK_WIDGET (win), &bounds));
        g_test_message ("progress widget %u at %.0f, %.0f, %.0f × %.0f in %d × %d", i,
                        bounds.origin.x, bounds.origin.y, bounds.size.width, bounds.size.height,
                        gtk_widget_get_width (GTK_WIDGET (win)), gtk_widget_get_height (GTK_WIDGET (win)));
        g_assert_cmpfloat (bounds.size.width, >, 0);
        g_assert_cmpfloat (bounds.origin.x, >=, 0);
        g_assert_cmpfloat (bounds.origin.y, >=, 0);
        g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, gtk_widget_get_width (GTK_WIDGET (win)));
        g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, gtk_widget_get_height (GTK_WIDGET (win)));
      }
  }
  save_screenshot ("enlarge-window-progress.png");
  g_assert_true (enlarge_window_get_running (win));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.cancel", NULL));
  g_assert_false (enlarge_window_get_running (win));

  /* let the cancelled worker finish: its result must be dropped */
  spin (1.5);
  g_assert_true (enlarge_window_get_result (win) == before);
  g_assert_cmpfloat (enlarge_image_psnr (before, before_copy), ==, INFINITY);
  g_assert_true (enlarge_window_get_input (win) == input);
  g_assert_cmpfloat (enlarge_image_psnr (input, input_copy), ==, INFINITY);
  g_assert_true (enlarge_compare_view_get_after (cancel_view) == cancel_result_texture);
  g_settings_set_int (settings, "tile-size", 0);
  enlarge_window_set_model (win, "realesr-animevideov3-x4");
}

static gboolean not_saving (void) { return !enlarge_window_get_saving (win); }

/* Answers the window's question as a click on @response would. */
static void
answer (const char *response)
{
  AdwMessageDialog *question = enlarge_window_get_question (win);

  g_assert_nonnull (question);
  g_assert_true (adw_message_dialog_has_response (question, response));
  adw_message_dialog_response (question, response);
  gtk_window_destroy (GTK_WINDOW (question));
  g_assert_null (enlarge_window_get_question (win));
}

/* Opening another image over an unsaved result asks first, as closing
 * does: Cancel keeps the result, Save saves it and then shows the other
 * image, Discard shows the other image. */
static void
test_open_asks (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *saved_path = NULL;
  EnlargeImage *result = enlarge_window_get_result (win);
  EnlargeImage *input = enlarge_window_get_input (win);
  AdwMessageDialog *question;
  g_autoptr (GFile) text = g_file_new_for_path (golden ("text-120x64.png"));
  g_autoptr (GFile) coffee = g_file_new_for_path (golden ("coffee-96x72.png"));

  g_assert_nonnull (result);
  g_assert_true (enlarge_window_get_unsaved (win));
  g_assert_null (enlarge_window_get_question (win));

  /* Cancel: A and its result stay */
  enlarge_window_open_file (win, text);
  wait_for (not_loading, "the second image to load");
  question = enlarge_window_get_question (win);
  g_assert_nonnull (question);
  g_test_message ("question: %s — %s", adw_message_dialog_get_heading (question),
                  adw_message_dialog_get_body (question));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (question)));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (question), "text-120x64.png"));
  g_assert_true (enlarge_window_get_input (win) == input);
  spin (0.3);
  save_window_screenshot (GTK_WIDGET (question), "enlarge-window-open-asks.png");
  answer ("cancel");
  spin (0.2);
  g_assert_true (enlarge_window_get_input (win) == input);
  g_assert_true (enlarge_window_get_result (win) == result);
  g_assert_true (enlarge_window_get_unsaved (win));

  /* Save: A's result is written, then B is shown */
  g_settings_set_string (settings, "output-folder", tmp_dir);
  enlarge_window_open_file (win, text);
  wait_for (not_loading, "the second image to load");
  answer ("save");
  wait_for (not_saving, "the save to finish");
  spin (0.2);
  g_assert_cmpint (enlarge_window_get_input (win)->width, ==, 120);
  g_assert_null (enlarge_window_get_result (win));
  {
    g_autoptr (GDir) dir = g_dir_open (tmp_dir, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name (dir)))
      if (g_str_has_prefix (name, "coffee-96x72-enlarged-"))
        saved_path = g_build_filename (tmp_dir, name, NULL);
  }
  g_assert_nonnull (saved_path);
  g_test_message ("saved before opening: %s", saved_path);
  {
    g_autoptr (EnlargeImage) saved = enlarge_image_load (saved_path, NULL);
    g_assert_nonnull (saved);
    g_assert_cmpint (saved->width, ==, 240);
  }
  g_unlink (saved_path);
  g_settings_reset (settings, "output-folder");

  /* Discard: an unsaved result of B, then A opened over it */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.upscale", NULL));
  wait_for (not_running, "the upscale to finish");
  g_assert_nonnull (enlarge_window_get_result (win));
  enlarge_window_open_file (win, coffee);
  wait_for (not_loading, "the first image to load again");
  g_assert_cmpint (enlarge_window_get_input (win)->width, ==, 120);
  answer ("discard");
  g_assert_cmpint (enlarge_window_get_input (win)->width, ==, 96);
  g_assert_null (enlarge_window_get_result (win));
  g_assert_false (enlarge_window_get_unsaved (win));
}

static gboolean
first_tiles (void)
{
  return enlarge_compare_view_get_after (enlarge_window_get_compare_view (win)) != NULL;
}

/* Closing while a job runs asks, and says what runs; Cancel keeps it
 * running. */
static void
test_close_asks_during_job (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  AdwMessageDialog *question;

  g_assert_null (enlarge_window_get_result (win));
  g_settings_set_int (settings, "tile-size", 8);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.upscale", NULL));
  wait_for (first_tiles, "the first tiles");
  g_assert_true (enlarge_window_get_running (win));
  gtk_window_close (GTK_WINDOW (win));
  question = enlarge_window_get_question (win);
  g_assert_nonnull (question);
  g_test_message ("question: %s — %s", adw_message_dialog_get_heading (question),
                  adw_message_dialog_get_body (question));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (question), "coffee-96x72.png"));
  g_assert_true (adw_message_dialog_has_response (question, "stop"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (win)));
  answer ("cancel");
  spin (0.1);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (win)));
  g_assert_true (enlarge_window_get_running (win));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.cancel", NULL));
  g_assert_false (enlarge_window_get_running (win));
  g_settings_set_int (settings, "tile-size", 0);
}

/* After a result, any control that changes what Upscale would make marks
 * the result out of date, on the image and in the title; back to the
 * same settings, the mark goes. */
static void
test_outdated (void)
{
  GtkAdjustment *creativity = enlarge_window_get_creativity_adjustment (win);
  double value = gtk_adjustment_get_value (creativity);
  AdwWindowTitle *title = win->window_title;

  g_assert_nonnull (enlarge_window_get_result (win));
  g_assert_false (enlarge_window_get_outdated (win));
  g_assert_false (gtk_widget_get_visible (win->outdated_box));
  g_assert_null (strstr (adw_window_title_get_subtitle (title), "settings changed"));

  gtk_adjustment_set_value (creativity, value + 0.2);
  g_assert_true (enlarge_window_get_outdated (win));
  spin (0.3);
  g_assert_true (gtk_widget_get_mapped (win->outdated_box));
  g_test_message ("subtitle: %s", adw_window_title_get_subtitle (title));
  g_assert_nonnull (strstr (adw_window_title_get_subtitle (title), "settings changed"));
  save_screenshot ("enlarge-window-outdated.png");

  /* the model too */
  gtk_adjustment_set_value (creativity, value);
  g_assert_false (enlarge_window_get_outdated (win));
  enlarge_window_set_model (win, "realesrgan-x4fast");
  g_assert_true (enlarge_window_get_outdated (win));
  enlarge_window_set_model (win, "realesr-animevideov3-x4");
  g_assert_false (enlarge_window_get_outdated (win));
  spin (0.1);
  g_assert_false (gtk_widget_get_visible (win->outdated_box));
}

/* A result over 100 MP asks before it starts; Cancel starts nothing. */
static void
test_huge_asks (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "large-1000x700.png", NULL);
  g_autoptr (EnlargeImage) image = enlarge_image_new (1000, 700, 3, NULL);
  GtkAdjustment *scale = enlarge_window_get_scale_adjustment (win);
  double old_scale = gtk_adjustment_get_value (scale);
  AdwMessageDialog *question;

  g_assert_null (enlarge_window_get_result (win));
  memset (image->pixels, 128, (gsize) image->width * image->height * 3);
  g_assert_true (enlarge_image_save (image, path, NULL, NULL));
  open_and_wait (path);
  g_assert_cmpint (enlarge_window_get_input (win)->width, ==, 1000);

  /* 16 000 × 11 200: 179 MP */
  gtk_adjustment_set_value (scale, 16);
  wait_for (not_running, "no job to be running");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.upscale", NULL));
  question = enlarge_window_get_question (win);
  g_assert_nonnull (question);
  g_test_message ("question: %s — %s", adw_message_dialog_get_heading (question),
                  adw_message_dialog_get_body (question));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (question), "16000 × 11200"));
  g_assert_false (enlarge_window_get_running (win));
  spin (0.3);
  save_window_screenshot (GTK_WIDGET (question), "enlarge-window-huge-question.png");
  answer ("cancel");
  spin (0.2);
  g_assert_false (enlarge_window_get_running (win));
  g_assert_null (enlarge_window_get_result (win));

  /* a modest size starts at once */
  gtk_adjustment_set_value (scale, old_scale);
  open_and_wait (golden ("coffee-96x72.png"));
  g_assert_null (enlarge_window_get_question (win));
}

#ifdef GDK_WINDOWING_X11
/* Real input through the XTEST extension of the X server (Xvfb has it):
 * libXtst is opened at run time, so no build dependency is added. */
static struct {
  gboolean tried;
  Display *display;
  int (*motion) (Display *, int, int, int, unsigned long);
  int (*button) (Display *, unsigned int, int, unsigned long);
  int (*key) (Display *, unsigned int, int, unsigned long);
  int (*translate) (Display *, Window, Window, int, int, int *, int *, Window *);
  KeyCode (*keycode) (Display *, KeySym);
} xtest;

static gboolean
xtest_load (void)
{
  GdkDisplay *display = gdk_display_get_default ();
  void *lib;

  if (xtest.tried)
    return xtest.display != NULL;
  xtest.tried = TRUE;
  if (!GDK_IS_X11_DISPLAY (display) || (lib = dlopen ("libXtst.so.6", RTLD_NOW)) == NULL)
    return FALSE;
  xtest.motion = dlsym (lib, "XTestFakeMotionEvent");
  xtest.button = dlsym (lib, "XTestFakeButtonEvent");
  xtest.key = dlsym (lib, "XTestFakeKeyEvent");
  /* libX11 is loaded already, by GTK */
  xtest.translate = dlsym (RTLD_DEFAULT, "XTranslateCoordinates");
  xtest.keycode = dlsym (RTLD_DEFAULT, "XKeysymToKeycode");
  if (xtest.motion && xtest.button && xtest.key && xtest.translate && xtest.keycode)
    xtest.display = gdk_x11_display_get_xdisplay (display);
  return xtest.display != NULL;
}

/* Where the point (@x, @y) of @widget is on the X screen. */
static void
to_root (GtkWidget *widget, double x, double y, int *rx, int *ry)
{
  GtkNative *native = gtk_widget_get_native (widget);
  Window child;
  double wx, wy, sx, sy;

#if GTK_CHECK_VERSION (4, 12, 0)
  {
    graphene_point_t p;
    g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                             &GRAPHENE_POINT_INIT (x, y), &p));
    wx = p.x;
    wy = p.y;
  }
#else
  g_assert_true (gtk_widget_translate_coordinates (widget, GTK_WIDGET (native), x, y, &wx, &wy));
#endif
  gtk_native_get_surface_transform (native, &sx, &sy);
  xtest.translate (xtest.display, gdk_x11_surface_get_xid (gtk_native_get_surface (native)),
                   DefaultRootWindow (xtest.display), (int) (wx + sx), (int) (wy + sy), rx, ry, &child);
}

/* Turns the real mouse wheel over the middle of @widget. */
static gboolean
wheel_over (GtkWidget *widget, int clicks)
{
  int rx, ry;

  if (!xtest_load ())
    return FALSE;
  to_root (widget, gtk_widget_get_width (widget) / 2.0, gtk_widget_get_height (widget) / 2.0, &rx, &ry);
  xtest.motion (xtest.display, -1, rx, ry, 0);
  gdk_display_sync (gtk_widget_get_display (widget));
  spin (0.2);
  for (int i = 0; i < clicks; i++)
    {
      /* button 5: the wheel turned towards the user (scroll down) */
      xtest.button (xtest.display, 5, True, 0);
      xtest.button (xtest.display, 5, False, 0);
      gdk_display_sync (gtk_widget_get_display (widget));
      spin (0.05);
    }
  spin (0.3);
  return TRUE;
}

/* Drags the real mouse with its first button from (@x0, @y0) to (@x1, @y1)
 * of @widget, in steps. */
static gboolean
drag_over (GtkWidget *widget, double x0, double y0, double x1, double y1)
{
  int rx, ry;

  if (!xtest_load ())
    return FALSE;
  to_root (widget, x0, y0, &rx, &ry);
  xtest.motion (xtest.display, -1, rx, ry, 0);
  gdk_display_sync (gtk_widget_get_display (widget));
  spin (0.1);
  xtest.button (xtest.display, 1, True, 0);
  for (int i = 1; i <= 8; i++)
    {
      to_root (widget, x0 + (x1 - x0) * i / 8, y0 + (y1 - y0) * i / 8, &rx, &ry);
      xtest.motion (xtest.display, -1, rx, ry, 0);
      gdk_display_sync (gtk_widget_get_display (widget));
      spin (0.03);
    }
  xtest.button (xtest.display, 1, False, 0);
  gdk_display_sync (gtk_widget_get_display (widget));
  spin (0.1);
  return TRUE;
}

/* Presses and releases @keyval on the real keyboard, with Ctrl and/or
 * Shift held when @mods says so. */
static gboolean
press_key (guint keyval, GdkModifierType mods)
{
  KeyCode ctrl, shift, code;

  if (!xtest_load ())
    return FALSE;
  ctrl = xtest.keycode (xtest.display, GDK_KEY_Control_L);
  shift = xtest.keycode (xtest.display, GDK_KEY_Shift_L);
  code = xtest.keycode (xtest.display, keyval);
  g_assert_cmpuint (code, !=, 0);
  if (mods & GDK_CONTROL_MASK)
    xtest.key (xtest.display, ctrl, True, 0);
  if (mods & GDK_SHIFT_MASK)
    xtest.key (xtest.display, shift, True, 0);
  xtest.key (xtest.display, code, True, 0);
  xtest.key (xtest.display, code, False, 0);
  if (mods & GDK_SHIFT_MASK)
    xtest.key (xtest.display, shift, False, 0);
  if (mods & GDK_CONTROL_MASK)
    xtest.key (xtest.display, ctrl, False, 0);
  gdk_display_sync (gdk_display_get_default ());
  spin (0.1);
  return TRUE;
}
#endif

/* The wheel over a slider scrolls the sidebar and leaves the value alone;
 * once the slider has the focus, the wheel moves it. Real X events. */
static void
test_wheel_over_sliders (void)
{
#ifdef GDK_WINDOWING_X11
  GtkAdjustment *creativity = enlarge_window_get_creativity_adjustment (win);
  GtkAdjustment *sidebar = gtk_scrolled_window_get_vadjustment (win->sidebar_scroller);
  GtkWidget *slider = GTK_WIDGET (win->creativity_scale);
  double value = gtk_adjustment_get_value (creativity);
  graphene_rect_t bounds;

  /* short enough that the sidebar scrolls, tall enough that the slider
   * shows in it */
  gtk_window_set_default_size (GTK_WINDOW (win), 1100, 480);
  spin (0.5);
  gtk_adjustment_set_value (sidebar, 0);
  gtk_window_set_focus (GTK_WINDOW (win), NULL);
  spin (0.2);
  g_assert_cmpfloat (gtk_adjustment_get_upper (sidebar), >, gtk_adjustment_get_page_size (sidebar));
  g_assert_true (gtk_widget_compute_bounds (slider, GTK_WIDGET (win->sidebar_scroller), &bounds));
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=,
                     gtk_widget_get_height (GTK_WIDGET (win->sidebar_scroller)));
  if (!wheel_over (slider, 3))
    {
      gtk_window_set_default_size (GTK_WINDOW (win), 1100, 720);
      g_test_skip ("no X11 display with XTest");
      return;
    }
  g_test_message ("after the wheel: sidebar at %.0f, creativity %.2f (was %.2f)",
                  gtk_adjustment_get_value (sidebar), gtk_adjustment_get_value (creativity), value);
  g_assert_cmpfloat (gtk_adjustment_get_value (creativity), ==, value);
  /* the events arrived: the sidebar scrolled instead */
  g_assert_cmpfloat (gtk_adjustment_get_value (sidebar), >, 0);

  /* focused, the slider takes the wheel */
  gtk_adjustment_set_value (sidebar, 0);
  gtk_widget_grab_focus (slider);
  spin (0.2);
  g_assert_true (wheel_over (slider, 1));
  g_test_message ("focused: creativity %.2f", gtk_adjustment_get_value (creativity));
  g_assert_cmpfloat (gtk_adjustment_get_value (creativity), !=, value);
  gtk_adjustment_set_value (creativity, value);
  gtk_window_set_focus (GTK_WINDOW (win), NULL);
  gtk_window_set_default_size (GTK_WINDOW (win), 1100, 720);
  spin (0.3);
  wait_for (not_running, "no job to be running");
#else
  g_test_skip ("not built with X11");
#endif
}

static EnlargeImage *keyboard_old_result;

static gboolean
keyboard_opened (void)
{
  return enlarge_window_get_input (win) != NULL && enlarge_window_get_input (win)->width == 120 &&
         !enlarge_window_get_loading (win);
}

static gboolean
new_result (void)
{
  return enlarge_window_get_result (win) != NULL && enlarge_window_get_result (win) != keyboard_old_result &&
         !enlarge_window_get_running (win);
}

/* The keyboard alone: Tab reaches each slider (not the row around it
 * first) and the before/after view; in the view, Left moves the divider;
 * Ctrl+Enter upscales and Ctrl+S saves. Real key events, no pointer. */
static void
test_keyboard (void)
{
#ifdef GDK_WINDOWING_X11
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autoptr (GPtrArray) visited = g_ptr_array_new ();
  EnlargeCompareView *view = enlarge_window_get_compare_view (win);
  GtkWidget *sliders[] = { GTK_WIDGET (win->creativity_scale), GTK_WIDGET (win->scale_scale),
                           GTK_WIDGET (win->target_scale) };
  double divider;
  g_autofree char *saved_name = NULL;

  if (!xtest_load ())
    {
      g_test_skip ("no X11 display with XTest");
      return;
    }
  g_assert_nonnull (enlarge_window_get_result (win));
  gtk_window_present (GTK_WINDOW (win));
  gtk_window_set_focus (GTK_WINDOW (win), NULL);
  spin (0.3);
  for (int i = 0; i < 40; i++)
    {
      GtkWidget *focus;

      g_assert_true (press_key (GDK_KEY_Tab, 0));
      focus = gtk_window_get_focus (GTK_WINDOW (win));
      if (focus != NULL)
        g_ptr_array_add (visited, focus);
    }
  g_test_message ("Tab visited %u widgets", visited->len);
  for (guint i = 0; i < G_N_ELEMENTS (sliders); i++)
    {
      GtkWidget *row = gtk_widget_get_ancestor (sliders[i], ADW_TYPE_PREFERENCES_ROW);

      g_assert_true (g_ptr_array_find (visited, sliders[i], NULL));
      g_assert_false (g_ptr_array_find (visited, row, NULL));
    }
  g_assert_true (g_ptr_array_find (visited, view, NULL));

  /* the divider from the keyboard */
  gtk_widget_grab_focus (GTK_WIDGET (view));
  divider = enlarge_compare_view_get_divider (view);
  g_assert_true (press_key (GDK_KEY_Left, 0));
  g_test_message ("divider %.2f → %.2f", divider, enlarge_compare_view_get_divider (view));
  g_assert_cmpfloat_with_epsilon (enlarge_compare_view_get_divider (view), divider - 0.05, 1e-9);
  g_assert_true (press_key (GDK_KEY_Right, 0));
  g_assert_cmpfloat_with_epsilon (enlarge_compare_view_get_divider (view), divider, 1e-9);

  /* upscale and save */
  g_settings_set_string (settings, "output-folder", tmp_dir);
  keyboard_old_result = enlarge_window_get_result (win);
  g_assert_true (press_key (GDK_KEY_Return, GDK_CONTROL_MASK));
  wait_for (new_result, "the upscale from the keyboard");
  g_assert_true (enlarge_window_get_unsaved (win));
  g_assert_true (press_key (GDK_KEY_s, GDK_CONTROL_MASK));
  wait_for (not_saving, "the save to finish");
  g_assert_false (enlarge_window_get_unsaved (win));
  {
    g_autoptr (GDir) dir = g_dir_open (tmp_dir, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name (dir)))
      if (g_str_has_prefix (name, "coffee-96x72-enlarged-") && g_str_has_suffix (name, ".png"))
        saved_name = g_build_filename (tmp_dir, name, NULL);
  }
  g_assert_nonnull (saved_name);
  g_test_message ("saved from the keyboard: %s", saved_name);
  g_unlink (saved_name);
  g_settings_reset (settings, "output-folder");
#else
  g_test_skip ("not built with X11");
#endif
}

/* A preset suggested by the picture: a transparent logo and a drawing in
 * flat colours are illustrations, dark strokes on light paper are text, a
 * photo keeps the user's choice; Custom is never replaced. */
static void
test_preset_suggestion (void)
{
  g_autoptr (EnlargeImage) logo = enlarge_image_new (200, 120, 4, NULL);
  g_autoptr (EnlargeImage) drawing = enlarge_image_new (300, 200, 3, NULL);
  g_autoptr (EnlargeImage) coffee = enlarge_image_load (golden ("coffee-96x72.png"), NULL);
  g_autoptr (EnlargeImage) chelsea = enlarge_image_load (golden ("chelsea-200x150.png"), NULL);
  g_autoptr (EnlargeImage) text = enlarge_image_load (golden ("text-120x64.png"), NULL);
  g_autofree char *logo_path = g_build_filename (tmp_dir, "logo.png", NULL);

  /* a disc on a see-through ground */
  for (int y = 0; y < logo->height; y++)
    for (int x = 0; x < logo->width; x++)
      {
        guint8 *p = enlarge_image_pixel (logo, x, y);
        gboolean in = (x - 100) * (x - 100) + (y - 60) * (y - 60) < 50 * 50;
        p[0] = 200; p[1] = 40; p[2] = 60; p[3] = in ? 255 : 0;
      }
  /* three flat areas with a soft edge */
  for (int y = 0; y < drawing->height; y++)
    for (int x = 0; x < drawing->width; x++)
      {
        guint8 *p = enlarge_image_pixel (drawing, x, y);
        p[0] = x < 100 ? 250 : x < 101 ? 180 : 30;
        p[1] = y < 80 ? 200 : 90;
        p[2] = 120;
      }
  g_assert_cmpstr (enlarge_app_preset_suggest (logo), ==, "illustration");
  g_assert_cmpstr (enlarge_app_preset_suggest (drawing), ==, "illustration");
  g_assert_cmpstr (enlarge_app_preset_suggest (text), ==, "text");
  g_assert_null (enlarge_app_preset_suggest (coffee));
  g_assert_null (enlarge_app_preset_suggest (chelsea));

  /* in the window: from Portrait to Illustration, said in a toast */
  g_assert_null (enlarge_window_get_result (win));
  enlarge_window_set_preset (win, "portrait");
  g_assert_true (enlarge_image_save (logo, logo_path, NULL, NULL));
  open_and_wait (logo_path);
  g_assert_null (enlarge_window_get_question (win));
  g_assert_cmpstr (enlarge_window_get_preset (win), ==, "illustration");
  g_test_message ("toast: %s", enlarge_window_get_last_toast (win));
  g_assert_nonnull (strstr (enlarge_window_get_last_toast (win), "Illustration"));
  /* a checkerboard shows where it is see-through */
  {
    guint light = count_grey (GTK_WIDGET (win), 204), dark = count_grey (GTK_WIDGET (win), 153);

    g_test_message ("checkerboard: %u light and %u dark pixels", light, dark);
    g_assert_cmpuint (light, >, 1000);
    g_assert_cmpuint (dark, >, 1000);
    save_screenshot ("enlarge-window-transparent.png");
  }
  /* a photo keeps it, and has no checkerboard */
  open_and_wait (golden ("coffee-96x72.png"));
  g_assert_cmpstr (enlarge_window_get_preset (win), ==, "illustration");
  g_assert_cmpuint (count_grey (GTK_WIDGET (win), 153), <, 1000);
  /* Custom stays Custom */
  gtk_adjustment_set_value (enlarge_window_get_creativity_adjustment (win), 0.45);
  g_assert_cmpstr (enlarge_window_get_preset (win), ==, "custom");
  open_and_wait (golden ("text-120x64.png"));
  g_assert_cmpstr (enlarge_window_get_preset (win), ==, "custom");
  open_and_wait (golden ("coffee-96x72.png"));
}

/* Opening through the keyboard alone: Ctrl+O, Ctrl+L, the path typed,
 * Enter; the chooser is GTK's own dialog here (no portal). */
static gboolean
type_text (const char *text)
{
  for (const char *p = text; *p; p++)
    {
      guint keyval = gdk_unicode_to_keyval ((guchar) *p);

      if (!press_key (keyval, 0))
        return FALSE;
    }
  return TRUE;
}

static void
test_keyboard_open (void)
{
#ifdef GDK_WINDOWING_X11
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "enlarge-keyboard-open.png", NULL);
  g_autoptr (EnlargeImage) image = enlarge_image_load (golden ("text-120x64.png"), NULL);

  if (!xtest_load ())
    {
      g_test_skip ("no X11 display with XTest");
      return;
    }
  /* typed as plain keys: letters, digits and / . - only (no Shift) */
  for (const char *p = path; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && !strchr ("/.-", *p))
      {
        g_test_skip ("the temporary folder's name needs Shift to type");
        return;
      }
  g_assert_true (enlarge_image_save (image, path, NULL, NULL));
  g_assert_false (enlarge_window_get_unsaved (win));
  gtk_window_present (GTK_WINDOW (win));
  spin (0.3);
  g_assert_true (press_key (GDK_KEY_o, GDK_CONTROL_MASK));
  spin (1.0);
  g_assert_true (press_key (GDK_KEY_l, GDK_CONTROL_MASK));
  spin (0.3);
  g_assert_true (type_text (path));
  spin (0.3);
  g_assert_true (press_key (GDK_KEY_Return, 0));
  wait_for (keyboard_opened, "the image opened from the keyboard");
  g_test_message ("opened from the keyboard: %d × %d", enlarge_window_get_input (win)->width,
                  enlarge_window_get_input (win)->height);
  g_unlink (path);
#else
  g_test_skip ("not built with X11");
#endif
}

static void
test_presets (void)
{
  GtkAdjustment *creativity = enlarge_window_get_creativity_adjustment (win);
  GtkAdjustment *scale = enlarge_window_get_scale_adjustment (win);
  GtkAdjustment *target = enlarge_window_get_target_adjustment (win);

  enlarge_window_set_preset (win, "illustration");
  g_assert_cmpstr (enlarge_window_get_preset (win), ==, "illustration");
  g_assert_cmpstr (enlarge_window_get_model (win), ==, "realesr-animevideov3-x4");
  /* each choice says what it is for */
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (win->preset_row)), ==,
                   "Drawings, anime, logos and flat colours");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (win->model_row)), ==,
                   enlarge_model_lookup ("realesr-animevideov3-x4")->description);
  /* and a screen reader hears the current choice */
  g_assert_null (gtk_test_accessible_check_property (GTK_ACCESSIBLE (win->preset_row),
                                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                     "Illustration: Drawings, anime, logos and flat colours"));
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (creativity), 0.35, 1e-9);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (scale), 4, 1e-9);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (target), 0, 1e-9);

  enlarge_window_set_preset (win, "ai-generated");
  g_assert_cmpstr (enlarge_window_get_preset (win), ==, "ai-generated");
  g_assert_cmpstr (enlarge_window_get_model (win), ==, "realesrgan-x4plus");
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (creativity), 0.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (target), 0.35, 1e-9);

  enlarge_window_set_preset (win, "text");
  g_assert_cmpstr (enlarge_window_get_model (win), ==, "realesrgan-x4fast");
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (creativity), 0.25, 1e-9);

  /* moving a slider makes it Custom, and keeps the other values */
  gtk_adjustment_set_value (creativity, 0.7);
  g_assert_cmpstr (enlarge_window_get_preset (win), ==, "custom");
  g_assert_cmpstr (enlarge_window_get_model (win), ==, "realesrgan-x4fast");

  enlarge_window_set_preset (win, "portrait");
  gtk_adjustment_set_value (scale, 8);
  g_assert_cmpstr (enlarge_window_get_preset (win), ==, "custom");
  enlarge_window_set_preset (win, "landscape");
  enlarge_window_set_model (win, "realesr-animevideov3-x2");
  g_assert_cmpstr (enlarge_window_get_preset (win), ==, "custom");
}

static void
test_settings_survive (void)
{
  EnlargeCompareView *view;

  enlarge_window_set_model (win, "realesr-animevideov3-x4");
  gtk_adjustment_set_value (enlarge_window_get_creativity_adjustment (win), 0.42);
  gtk_adjustment_set_value (enlarge_window_get_scale_adjustment (win), 3.5);
  gtk_adjustment_set_value (enlarge_window_get_target_adjustment (win), 1.25);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.compare-mode", "s", "side-by-side"));
  g_assert_cmpint (enlarge_compare_view_get_mode (enlarge_window_get_compare_view (win)), ==,
                   ENLARGE_COMPARE_SIDE_BY_SIDE);

  destroy_window ();
  new_window ();

  g_assert_cmpstr (enlarge_window_get_preset (win), ==, "custom");
  g_assert_cmpstr (enlarge_window_get_model (win), ==, "realesr-animevideov3-x4");
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (enlarge_window_get_creativity_adjustment (win)), 0.42, 1e-9);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (enlarge_window_get_scale_adjustment (win)), 3.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (enlarge_window_get_target_adjustment (win)), 1.25, 1e-9);
  view = enlarge_window_get_compare_view (win);
  g_assert_cmpint (enlarge_compare_view_get_mode (view), ==, ENLARGE_COMPARE_SIDE_BY_SIDE);

  /* a preset again, and the split view for what follows */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.compare-mode", "s", "split"));
  g_assert_cmpint (enlarge_compare_view_get_mode (view), ==, ENLARGE_COMPARE_SPLIT);
  enlarge_window_set_preset (win, "illustration");
}

static void
check_bad_file (const char *name, const char *contents, gssize length, const char *reason)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  guint toasts = enlarge_window_get_toast_count (win);
  EnlargeImage *input = enlarge_window_get_input (win);

  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  open_and_wait (path);
  g_assert_cmpuint (enlarge_window_get_toast_count (win), ==, toasts + 1);
  g_test_message ("%s: %s", name, enlarge_window_get_last_toast (win));
  g_assert_nonnull (strstr (enlarge_window_get_last_toast (win), name));
  /* and says what is wrong with it */
  g_assert_nonnull (strstr (enlarge_window_get_last_toast (win), reason));
  /* the image shown before stays */
  g_assert_true (enlarge_window_get_input (win) == input);
}

static void
test_bad_files (void)
{
  static const char corrupt_png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10garbage garbage";

  check_bad_file ("not-an-image.txt", "Hello, this is text, not a picture.\n", -1, "not an image");
  check_bad_file ("corrupt.png", corrupt_png, sizeof corrupt_png - 1, "damaged or incomplete");
  check_bad_file ("empty.png", "", 0, "empty");

  /* still usable */
  open_and_wait (golden ("coffee-96x72.png"));
  g_assert_nonnull (enlarge_window_get_input (win));
  g_assert_cmpint (enlarge_window_get_input (win)->width, ==, 96);
}

/* How many pixels of the window are exactly this grey. */
static guint
count_grey (GtkWidget *window, guint8 v)
{
  g_autoptr (GdkTexture) texture = render_window (window);
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_autofree guint8 *data = g_malloc ((gsize) w * h * 4);
  guint n = 0;

  /* premultiplied BGRA or ARGB: a grey is the same in any channel order */
  gdk_texture_download (texture, data, (gsize) w * 4);
  for (gsize i = 0; i < (gsize) w * h; i++)
    if (data[4 * i] == v && data[4 * i + 1] == v && data[4 * i + 2] == v)
      n++;
  return n;
}

static void
save_screenshot (const char *name)
{
  save_window_screenshot (GTK_WIDGET (win), name);
}

static void
test_screenshot (void)
{
  if (enlarge_window_get_result (win) == NULL)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.upscale", NULL));
      wait_for (not_running, "the upscale to finish");
    }
  g_assert_nonnull (enlarge_window_get_result (win));
  enlarge_compare_view_set_divider (enlarge_window_get_compare_view (win), 0.5);
  spin (0.5);
  save_screenshot ("enlarge-window-split.png");
  /* what it shows, in words, for screen readers */
  {
    EnlargeCompareView *view = enlarge_window_get_compare_view (win);
    g_autofree char *error = NULL;

    error = gtk_test_accessible_check_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                "Before and after, split at 50 %, fitted to the view");
    g_assert_null (error);
    enlarge_compare_view_set_divider (view, 0.4);
    enlarge_compare_view_set_zoom (view, 2);
    error = gtk_test_accessible_check_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                "Before and after, split at 40 %, zoom 200 %");
    g_assert_null (error);
    enlarge_compare_view_zoom_fit (view);
    enlarge_compare_view_set_divider (view, 0.5);
  }
}

/* Save uses the output-format preference for the default name and the
 * file, with the quality setting. */
static void
test_save_format (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autoptr (GDir) dir = NULL;
  g_autofree char *found = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (EnlargeImage) saved = NULL;
  g_autoptr (GError) error = NULL;
  EnlargeImage *result = enlarge_window_get_result (win);
  const char *name;
  gsize length;

  g_assert_nonnull (result);
  g_assert_cmpstr (g_settings_get_string (settings, "output-format"), ==, "png");
  g_assert_cmpint (g_settings_get_int (settings, "output-quality"), ==, 95);
  g_settings_set_string (settings, "output-folder", tmp_dir);
  g_settings_set_string (settings, "output-format", "jpeg");
  g_settings_set_int (settings, "output-quality", 80);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.save", NULL));
  wait_for (not_saving, "the save to finish");
  g_assert_false (enlarge_window_get_unsaved (win));

  dir = g_dir_open (tmp_dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)))
    if (g_str_has_prefix (name, "coffee-96x72-enlarged-") && g_str_has_suffix (name, ".jpg"))
      found = g_build_filename (tmp_dir, name, NULL);
  g_assert_nonnull (found);
  g_test_message ("saved %s", found);
  /* the default name says which model made it */
  g_assert_true (g_str_has_suffix (found, "x-realesr-animevideov3-x4.jpg"));
  g_assert_true (g_file_get_contents (found, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 3);
  g_assert_cmpint ((guint8) contents[0], ==, 0xff);
  g_assert_cmpint ((guint8) contents[1], ==, 0xd8);
  saved = enlarge_image_load (found, &error);
  g_assert_no_error (error);
  g_assert_cmpint (saved->width, ==, result->width);
  g_assert_cmpfloat (enlarge_image_psnr (saved, result), >, 30);

  /* the Preferences rows: quality for lossy WebP, lossless switch */
  {
    GtkWidget *prefs = enlarge_preferences_window_new (GTK_WINDOW (win));

    g_settings_set_string (settings, "output-format", "webp");
    gtk_window_present (GTK_WINDOW (prefs));
    spin (0.5);
    save_window_screenshot (prefs, "preferences.png");
    gtk_window_destroy (GTK_WINDOW (prefs));
  }

  g_settings_reset (settings, "output-folder");
  g_settings_reset (settings, "output-format");
  g_settings_reset (settings, "output-quality");
}

/* At the narrowest size the sidebar folds over the picture. */
static void
test_narrow (void)
{
  gtk_window_set_default_size (GTK_WINDOW (win), 360, 640);
  spin (0.5);
  g_test_message ("narrow window: %d px", gtk_widget_get_width (GTK_WIDGET (win)));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (win)), <=, 380);
  /* the sidebar over the picture folds away when a job starts */
  g_assert_true (adw_flap_get_folded (win->flap));
  adw_flap_set_reveal_flap (win->flap, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.upscale", NULL));
  g_assert_true (enlarge_window_get_running (win));
  g_assert_false (adw_flap_get_reveal_flap (win->flap));
  wait_for (not_running, "the upscale to finish");
  save_screenshot ("enlarge-window-narrow.png");
  gtk_window_set_default_size (GTK_WINDOW (win), 1100, 720);
  spin (0.3);
}

static EnlargeCompareWindow *compare;

static gboolean compare_idle (void) { return !enlarge_compare_window_get_running (compare); }
static gboolean compare_first (void) { return enlarge_compare_window_get_n_results (compare) >= 1; }
static gboolean compare_mapped (void) { return gtk_widget_get_mapped (GTK_WIDGET (compare)); }

/* Compare Models: three models on the proposed region, labelled results,
 * "Use This" sets the main window's model, Stop keeps what finished. */
static void
test_compare_models (void)
{
  static const char *models[] = { "realesr-animevideov3-x4", "realesrgan-x4fast",
                                  "realesr-animevideov3-x2", NULL };
  GtkAdjustment *creativity = enlarge_window_get_creativity_adjustment (win);
  EnlargeRect region;

  for (guint i = 0; models[i]; i++)
    if (!enlarge_model_is_installed (enlarge_model_lookup (models[i])))
      {
        g_test_skip (enlarge_model_install_hint ());
        return;
      }
  g_assert_nonnull (enlarge_window_get_input (win));
  enlarge_window_set_model (win, "realesr-animevideov3-x4");
  gtk_adjustment_set_value (creativity, 0.5);
  gtk_adjustment_set_value (enlarge_window_get_scale_adjustment (win), 4);
  gtk_adjustment_set_value (enlarge_window_get_target_adjustment (win), 0);
  wait_for (not_running, "no job to be running");

  g_assert_null (enlarge_window_get_compare_window (win));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.compare", NULL));
  compare = enlarge_window_get_compare_window (win);
  g_assert_nonnull (compare);
  wait_for (compare_mapped, "the compare window to be mapped");
  spin (0.3);
  /* before the first run, a hint says what to do */
  save_window_screenshot (GTK_WIDGET (compare), "compare-empty.png");
  /* the proposed region: 128 × 128, clamped to the 96 × 72 image */
  region = enlarge_compare_window_get_region (compare);
  g_assert_cmpint (region.width, ==, 96);
  g_assert_cmpint (region.height, ==, 72);

  enlarge_compare_window_set_models (compare, models);
  enlarge_compare_window_run (compare);
  g_assert_true (enlarge_compare_window_get_running (compare));
  wait_for (compare_idle, "the comparison to finish");
  g_assert_cmpuint (enlarge_compare_window_get_n_results (compare), ==, 3);
  /* the cells follow the list of models; each is labelled with its own */
  guint seen = 0;
  int fast_cell = -1;
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *label = enlarge_compare_window_get_label (compare, i);

      g_assert_nonnull (label);
      g_test_message ("result %u: %s", i, label);
      for (guint m = 0; models[m]; m++)
        {
          const EnlargeModelInfo *info = enlarge_model_lookup (models[m]);
          if (g_str_has_prefix (label, info->title ? info->title : info->id) &&
              label[strlen (info->title ? info->title : info->id)] == '\n')
            {
              seen |= 1u << m;
              if (m == 1)
                fast_cell = (int) i;
            }
        }
      g_assert_nonnull (strstr (label, "creativity 0.50"));
      g_assert_nonnull (strstr (label, " s · fidelity "));
      g_assert_true (g_str_has_suffix (label, " dB"));
    }
  g_assert_cmpuint (seen, ==, 7);
  g_assert_null (enlarge_compare_window_get_label (compare, 3));
  spin (0.5);
  save_window_screenshot (GTK_WIDGET (compare), "compare.png");

  /* "Use This" on realesrgan-x4fast sets the main window's model, names
   * it by its title there and closes the comparison */
  g_assert_true (enlarge_compare_window_use (compare, (guint) fast_cell));
  spin (0.3);
  g_assert_cmpstr (enlarge_window_get_model (win), ==, "realesrgan-x4fast");
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (creativity), 0.5, 1e-9);
  g_test_message ("toast: %s", enlarge_window_get_last_toast (win));
  g_assert_nonnull (strstr (enlarge_window_get_last_toast (win),
                            enlarge_model_lookup ("realesrgan-x4fast")->title));
  g_assert_null (enlarge_window_get_compare_window (win));

  /* one model at three creativity values; Stop after the first result
   * keeps it */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.compare", NULL));
  compare = enlarge_window_get_compare_window (win);
  g_assert_nonnull (compare);
  wait_for (compare_mapped, "the compare window to be mapped again");
  enlarge_compare_window_set_vary_creativity (compare, TRUE);
  enlarge_compare_window_run (compare);
  wait_for (compare_first, "the first creativity result");
  enlarge_compare_window_cancel (compare);
  wait_for (compare_idle, "the comparison to stop");
  g_assert_cmpuint (enlarge_compare_window_get_n_results (compare), >=, 1);
  {
    g_autofree char *label = enlarge_compare_window_get_label (compare, 0);
    g_assert_nonnull (label);
    g_test_message ("after Stop, %u results; first: %s",
                    enlarge_compare_window_get_n_results (compare), label);
    g_assert_nonnull (strstr (label, "creativity 0.20"));
  }
  g_assert_true (enlarge_compare_window_use (compare, 0));
  compare = NULL;
  spin (0.3);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (creativity), 0.2, 1e-9);
  g_assert_null (enlarge_window_get_compare_window (win));
}

static guint preview_target;

static gboolean
preview_reached (void)
{
  return enlarge_window_get_preview_count (win) >= preview_target &&
         !enlarge_window_get_preview_busy (win);
}

/* Preview Region: the preview of a region equals the same region of a
 * full run; moving a slider runs a new one; the main loop keeps running. */
static void
test_preview_region (void)
{
  const char *model = "realesr-animevideov3-x4";
  const EnlargeRect region = { 20, 12, 48, 40 };
  GtkAdjustment *creativity = enlarge_window_get_creativity_adjustment (win);
  EnlargeCompareView *view = enlarge_window_get_compare_view (win);
  g_autoptr (EnlargeImage) preview = NULL;
  g_autoptr (EnlargeImage) crop = NULL;
  g_autoptr (GError) error = NULL;
  EnlargeRect got, out_rect;
  EnlargeImage *result;
  double seconds = -1, psnr, elapsed_ms;
  guint count, timer;
  gint64 start;

  if (!enlarge_model_is_installed (enlarge_model_lookup (model)))
    {
      g_test_skip (enlarge_model_install_hint ());
      return;
    }
  /* the path a drop takes */
  open_and_wait (golden ("coffee-96x72.png"));
  g_assert_null (enlarge_window_get_result (win));
  enlarge_window_set_model (win, model);
  gtk_adjustment_set_value (creativity, 0.5);
  gtk_adjustment_set_value (enlarge_window_get_scale_adjustment (win), 4);
  gtk_adjustment_set_value (enlarge_window_get_target_adjustment (win), 0);
  wait_for (not_running, "no job to be running");

  g_assert_false (enlarge_window_get_preview_mode (win));
  g_assert_false (enlarge_window_get_preview_region (win, NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.preview-region", NULL));
  g_assert_true (enlarge_window_get_preview_mode (win));
  /* the proposed region: 256 × 256, clamped to the 96 × 72 image */
  g_assert_true (enlarge_window_get_preview_region (win, &got));
  g_assert_cmpint (got.width, ==, 96);
  g_assert_cmpint (got.height, ==, 72);

  /* as if the user dragged it */
  count = enlarge_window_get_preview_count (win);
  enlarge_window_set_preview_region (win, &region);
  g_assert_true (enlarge_window_get_preview_region (win, &got));
  g_assert_true (memcmp (&got, &region, sizeof got) == 0);
  g_assert_true (enlarge_window_get_preview_busy (win));
  preview_target = count + 1;
  wait_for (preview_reached, "the first preview");
  g_assert_nonnull (enlarge_window_get_preview (win, &out_rect, &seconds));
  g_test_message ("preview of %d × %d at %d, %d: %.3f s", region.width, region.height,
                  region.x, region.y, seconds);
  g_assert_cmpint (out_rect.x, ==, region.x * 4);
  g_assert_cmpint (out_rect.y, ==, region.y * 4);
  g_assert_cmpint (out_rect.width, ==, region.width * 4);
  g_assert_cmpint (out_rect.height, ==, region.height * 4);
  g_assert_cmpfloat (seconds, >=, 0);
  g_assert_nonnull (enlarge_compare_view_get_preview (view));
  /* the picture says how to pick the region */
  g_assert_true (gtk_widget_get_mapped (win->preview_hint));
  save_screenshot ("enlarge-window-preview.png");

#ifdef GDK_WINDOWING_X11
  /* a new region drawn by dragging outside the old one, with the mouse */
  if (xtest_load ())
    {
      /* the fitted 96 × 72 picture: its scale and where it starts */
      double w = gtk_widget_get_width (GTK_WIDGET (view)), h = gtk_widget_get_height (GTK_WIDGET (view));
      double m = MIN (w / 96, h / 72), ox = (w - 96 * m) / 2, oy = (h - 72 * m) / 2;
      EnlargeRect drawn;

      count = enlarge_window_get_preview_count (win);
      /* from input (70, 50) to (90, 66): right of and below the region */
      g_assert_true (drag_over (GTK_WIDGET (view), ox + 70.5 * m, oy + 50.5 * m, ox + 90.5 * m, oy + 66.5 * m));
      g_assert_true (enlarge_window_get_preview_region (win, &drawn));
      g_test_message ("drawn region: %d, %d, %d × %d", drawn.x, drawn.y, drawn.width, drawn.height);
      g_assert_cmpint (ABS (drawn.x - 70), <=, 1);
      g_assert_cmpint (ABS (drawn.y - 50), <=, 1);
      g_assert_cmpint (ABS (drawn.width - 20), <=, 2);
      g_assert_cmpint (ABS (drawn.height - 16), <=, 2);
      preview_target = count + 1;
      wait_for (preview_reached, "the preview of the drawn region");
      /* back to the region the rest of the test checks */
      count = enlarge_window_get_preview_count (win);
      enlarge_window_set_preview_region (win, &region);
      preview_target = count + 1;
      wait_for (preview_reached, "the preview of the region again");
    }
#endif

  /* a slider runs a new preview, once, and the main loop keeps running */
  count = enlarge_window_get_preview_count (win);
  start_timer (&timer);
  start = g_get_monotonic_time ();
  gtk_adjustment_set_value (creativity, 0.6);
  g_assert_true (enlarge_window_get_preview_busy (win));
  preview_target = count + 1;
  wait_for (preview_reached, "the preview after the slider moved");
  elapsed_ms = (g_get_monotonic_time () - start) / 1000.0;
  g_source_remove (timer);
  g_test_message ("debounced preview took %.0f ms; the 16 ms timer fired %u times, longest gap %.0f ms",
                  elapsed_ms, timer_calls, timer_max_gap);
  g_assert_cmpuint (timer_calls, >=, 2);
  g_assert_cmpfloat (timer_max_gap, <, elapsed_ms / 2);
  spin (0.5);
  g_assert_cmpuint (enlarge_window_get_preview_count (win), ==, count + 1);
  preview = enlarge_image_ref (enlarge_window_get_preview (win, &out_rect, NULL));

  /* the full run, one click away, replaces the preview */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.upscale", NULL));
  g_assert_true (enlarge_window_get_running (win));
  wait_for (not_running, "the upscale to finish");
  result = enlarge_window_get_result (win);
  g_assert_nonnull (result);
  g_assert_cmpint (result->width, ==, 384);
  g_assert_null (enlarge_window_get_preview (win, NULL, NULL));
  g_assert_null (enlarge_compare_view_get_preview (view));
  g_assert_false (enlarge_window_get_preview_busy (win));

  crop = enlarge_image_crop (result, &out_rect, &error);
  g_assert_no_error (error);
  psnr = enlarge_image_psnr (crop, preview);
  g_test_message ("preview against the crop of a full run: %.2f dB", psnr);
  g_assert_cmpfloat (psnr, >=, 45.0);

  /* Escape leaves the mode */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.cancel", NULL));
  g_assert_false (enlarge_window_get_preview_mode (win));
  g_assert_false (enlarge_window_get_preview_region (win, NULL));
  gtk_adjustment_set_value (creativity, 0.5);
  spin (0.5);
  g_assert_false (enlarge_window_get_preview_busy (win));
}

static gboolean batch_idle (void) { return !enlarge_window_get_batch_running (win); }

static gboolean
thumbnails_loaded (void)
{
  for (int i = 0; i < 2; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (win->queue_list, i);
      GdkPaintable *thumbnail = row ? enlarge_queue_row_get_thumbnail (ENLARGE_QUEUE_ROW (row)) : NULL;

      if (thumbnail == NULL)
        return FALSE;
      g_assert_cmpint (gdk_paintable_get_intrinsic_width (thumbnail), >, 0);
    }
  return TRUE;
}

static char *
copy_to_tmp (const char *src, const char *name)
{
  g_autofree char *contents = NULL;
  gsize length;
  char *path = g_build_filename (tmp_dir, name, NULL);

  g_assert_true (g_file_get_contents (src, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  return path;
}

static void
assert_same_file (const char *a, const char *b)
{
  g_autofree char *ca = NULL, *cb = NULL;
  gsize la, lb;

  g_assert_true (g_file_get_contents (a, &ca, &la, NULL));
  g_assert_true (g_file_get_contents (b, &cb, &lb, NULL));
  g_assert_cmpmem (ca, la, cb, lb);
}

/* Several files, as a drop gives them: queued, the first shown; Upscale
 * All saves each beside its original and marks the broken one failed. */
static void
test_upscale_all (void)
{
  static const char corrupt_png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10garbage garbage";
  static const struct { const char *name; int width, height; } good[] = {
    { "coffee-96x72.png", 384, 288 },
    { "text-120x64.png", 480, 256 },
  };
  g_autofree char *broken = g_build_filename (tmp_dir, "broken-queue.png", NULL);
  g_autofree char *paths[2] = { NULL, NULL };
  GSList *files = NULL;

  if (!enlarge_model_is_installed (enlarge_model_lookup ("realesr-animevideov3-x4")))
    {
      g_test_skip (enlarge_model_install_hint ());
      return;
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("queue-%s", good[i].name);
      paths[i] = copy_to_tmp (golden (good[i].name), name);
    }
  g_assert_true (g_file_set_contents (broken, corrupt_png, sizeof corrupt_png - 1, NULL));

  enlarge_window_set_model (win, "realesr-animevideov3-x4");
  gtk_adjustment_set_value (enlarge_window_get_creativity_adjustment (win), 0.5);
  gtk_adjustment_set_value (enlarge_window_get_scale_adjustment (win), 4);
  gtk_adjustment_set_value (enlarge_window_get_target_adjustment (win), 0);
  wait_for (not_running, "no job to be running");

  files = g_slist_append (files, g_file_new_for_path (paths[0]));
  files = g_slist_append (files, g_file_new_for_path (paths[1]));
  files = g_slist_append (files, g_file_new_for_path (broken));
  enlarge_window_open_files (win, files);
  g_slist_free_full (files, g_object_unref);
  wait_for (not_loading, "the first file to load");
  /* the preview test left an unsaved result */
  answer ("discard");
  /* the queue does not widen the sidebar */
  spin (0.3);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (win->queue_group)));
  g_test_message ("sidebar with the queue: %d px", gtk_widget_get_width (win->sidebar));
  g_assert_cmpint (gtk_widget_get_width (win->sidebar), <=, 330);
  /* thumbnails of the two images; none for the broken file */
  wait_for (thumbnails_loaded, "the thumbnails");
  g_assert_null (enlarge_queue_row_get_thumbnail (ENLARGE_QUEUE_ROW (gtk_list_box_get_row_at_index (win->queue_list, 2))));
  /* one entry removed and added again */
  {
    g_autoptr (GFile) file = g_file_new_for_path (broken);
    g_autofree char *uri = g_file_get_uri (file);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.queue-remove", "s", uri));
    g_assert_cmpuint (enlarge_window_get_queue_length (win), ==, 2);
    files = g_slist_append (NULL, g_file_new_for_path (paths[0]));
    files = g_slist_append (files, g_object_ref (file));
    enlarge_window_open_files (win, files);
    g_slist_free_full (files, g_object_unref);
    wait_for (not_loading, "the first file to load again");
    g_assert_cmpuint (enlarge_window_get_queue_length (win), ==, 3);
    g_assert_true (g_file_equal (enlarge_window_get_queue_file (win, 2), file));
  }
  {
    GtkAdjustment *sidebar = gtk_scrolled_window_get_vadjustment (win->sidebar_scroller);

    spin (0.3);
    gtk_adjustment_set_value (sidebar, gtk_adjustment_get_upper (sidebar));
    save_screenshot ("enlarge-window-queue-thumbnails.png");
    gtk_adjustment_set_value (sidebar, 0);
  }
  g_assert_cmpuint (enlarge_window_get_queue_length (win), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (enlarge_window_get_queue_state (win, i), ==, ENLARGE_QUEUE_WAITING);
  /* the first one is shown */
  g_assert_cmpint (enlarge_window_get_input (win)->width, ==, 96);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.upscale-all", NULL));
  g_assert_true (enlarge_window_get_batch_running (win));
  /* the batch holds the device: no region preview meanwhile */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (win), "preview-region"));
  /* closing during the batch asks, and Cancel lets it run on */
  gtk_window_close (GTK_WINDOW (win));
  g_assert_nonnull (enlarge_window_get_question (win));
  g_test_message ("question: %s", adw_message_dialog_get_body (enlarge_window_get_question (win)));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (enlarge_window_get_question (win)), "Upscale All"));
  answer ("cancel");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (win)));
  g_assert_true (enlarge_window_get_batch_running (win));
  wait_for (batch_idle, "Upscale All to finish");
  save_screenshot ("enlarge-window-queue.png");

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *stem = g_strndup (good[i].name, strlen (good[i].name) - 4);
      g_autofree char *expected = g_strdup_printf ("queue-%s-enlarged-4x-realesr-animevideov3-x4.png", stem);
      g_autofree char *out = g_build_filename (tmp_dir, expected, NULL);
      GFile *output = enlarge_window_get_queue_output (win, i);
      g_autofree char *output_path = NULL;
      g_autoptr (EnlargeImage) image = NULL;
      g_autoptr (GError) error = NULL;

      g_test_message ("entry %u: %s", i, enlarge_window_get_queue_detail (win, i));
      g_assert_cmpint (enlarge_window_get_queue_state (win, i), ==, ENLARGE_QUEUE_DONE);
      g_assert_cmpstr (enlarge_window_get_queue_detail (win, i), ==, expected);
      g_assert_nonnull (output);
      output_path = g_file_get_path (output);
      g_assert_cmpstr (output_path, ==, out);
      image = enlarge_image_load (out, &error);
      g_assert_no_error (error);
      g_assert_cmpint (image->width, ==, good[i].width);
      g_assert_cmpint (image->height, ==, good[i].height);
      /* the original is untouched */
      assert_same_file (paths[i], golden (good[i].name));
    }
  g_test_message ("entry 2: %s", enlarge_window_get_queue_detail (win, 2));
  g_assert_cmpint (enlarge_window_get_queue_state (win, 2), ==, ENLARGE_QUEUE_FAILED);
  g_assert_nonnull (enlarge_window_get_queue_detail (win, 2));
  {
    g_autofree char *contents = NULL;
    gsize length;
    g_assert_true (g_file_get_contents (broken, &contents, &length, NULL));
    g_assert_cmpmem (contents, length, corrupt_png, sizeof corrupt_png - 1);
  }
  /* nothing left to do but the failed one: a second run retries it only,
   * and Cancel stops a run */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.upscale-all", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.cancel", NULL));
  g_assert_false (enlarge_window_get_batch_running (win));
  spin (0.3);
  g_assert_cmpint (enlarge_window_get_queue_state (win, 0), ==, ENLARGE_QUEUE_DONE);
  g_assert_cmpint (enlarge_window_get_queue_state (win, 1), ==, ENLARGE_QUEUE_DONE);
}

/* ---- accessibility -------------------------------------------------------- */

static gboolean
is_control (GtkWidget *w)
{
  return GTK_IS_BUTTON (w) || GTK_IS_MENU_BUTTON (w) || GTK_IS_RANGE (w) || GTK_IS_SWITCH (w) ||
         GTK_IS_CHECK_BUTTON (w) || GTK_IS_SPIN_BUTTON (w) || GTK_IS_DROP_DOWN (w) ||
         ADW_IS_COMBO_ROW (w) || ADW_IS_ENTRY_ROW (w) || GTK_IS_ENTRY (w);
}

/* Whether @w has a name a screen reader reads, as far as GTK 4.8 lets a
 * test see it. A button is labelled by its child, which names it only
 * when that is a label: an icon button needs the label property (else it
 * is read as "GtkImage"). Other controls: the label property, or a
 * labelled-by relation (a mnemonic label), or their own text. */
static gboolean
has_name (GtkWidget *w)
{
  const char *text = NULL;

  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (w), GTK_ACCESSIBLE_PROPERTY_LABEL))
    return TRUE;
  if (GTK_IS_BUTTON (w))
    {
      GtkWidget *child = gtk_button_get_child (GTK_BUTTON (w));

      if (gtk_button_get_icon_name (GTK_BUTTON (w)) == NULL)
        text = gtk_button_get_label (GTK_BUTTON (w));
      if ((text == NULL || text[0] == '\0') && GTK_IS_LABEL (child))
        text = gtk_label_get_text (GTK_LABEL (child));
    }
  else if (GTK_IS_MENU_BUTTON (w))
    text = gtk_menu_button_get_label (GTK_MENU_BUTTON (w));
  else if (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (w), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  else if (GTK_IS_CHECK_BUTTON (w))
    text = gtk_check_button_get_label (GTK_CHECK_BUTTON (w));
  else if (ADW_IS_PREFERENCES_ROW (w))
    text = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w));
  return text != NULL && text[0] != '\0';
}

/* Walks the shown widgets of @root: every control has a name, and a slider
 * is not named twice (a label and a labelled-by read "Creativity
 * Creativity"). Returns how many controls were checked. */
static guint
check_names (GtkWidget *root, GString *missing)
{
  guint n = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      /* scrollbars are the pointer's, the keyboard scrolls their view; a
       * toast's close button is libadwaita 1.2's own and has no name there
       * (toasts time out by themselves) */
      if (!gtk_widget_get_mapped (c) || GTK_IS_SCROLLBAR (c) ||
          g_str_equal (G_OBJECT_TYPE_NAME (c), "AdwToastWidget"))
        continue;
      if (!is_control (c))
        {
          n += check_names (c, missing);
          continue;
        }
      n++;
      if (!has_name (c))
        g_string_append_printf (missing, " %s in %s (%s)", G_OBJECT_TYPE_NAME (c),
                                G_OBJECT_TYPE_NAME (gtk_widget_get_parent (c)),
                                gtk_widget_get_tooltip_text (c) ? gtk_widget_get_tooltip_text (c) : "");
      if (GTK_IS_RANGE (c) &&
          gtk_test_accessible_has_property (GTK_ACCESSIBLE (c), GTK_ACCESSIBLE_PROPERTY_LABEL) &&
          gtk_test_accessible_has_relation (GTK_ACCESSIBLE (c), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
        g_string_append_printf (missing, " %s named twice", G_OBJECT_TYPE_NAME (c));
      /* a control's insides (a menu button's toggle) are not controls of their own */
      if (ADW_IS_PREFERENCES_ROW (c))
        n += check_names (c, missing);
    }
  return n;
}

/* @at_least: the controls @window shows for sure, so that a walk that
 * found nothing cannot pass */
static void
assert_named (GtkWidget *window, const char *what, guint at_least)
{
  g_autoptr (GString) missing = g_string_new (NULL);
  guint n = check_names (window, missing);

  g_test_message ("%s: %u controls checked%s%s", what, n, missing->len ? "; unnamed:" : "", missing->str);
  g_assert_cmpuint (n, >=, at_least);
  g_assert_cmpstr (missing->str, ==, "");
}

/* Every control of every window has a name for screen readers; the
 * sliders say their value with its unit. */
static void
test_accessible_names (void)
{
  EnlargeCompareWindow *cw;
  GtkWidget *prefs;

  g_assert_nonnull (enlarge_window_get_input (win));
  /* what it shows with an image and a queue of three: the walk found 25 */
  g_assert_cmpuint (enlarge_window_get_queue_length (win), ==, 3);
  assert_named (GTK_WIDGET (win), "main window", 25);

  g_assert_true (gtk_test_accessible_check_property (GTK_ACCESSIBLE (win->scale_scale),
                                                     GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT,
                                                     "4.0×") == NULL);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.compare", NULL));
  cw = enlarge_window_get_compare_window (win);
  compare = cw;
  wait_for (compare_mapped, "the compare window to be mapped");
  assert_named (GTK_WIDGET (cw), "compare window", 8);
  gtk_window_close (GTK_WINDOW (cw));
  compare = NULL;

  prefs = enlarge_preferences_window_new (GTK_WINDOW (win));
  gtk_window_present (GTK_WINDOW (prefs));
  spin (0.5);
  assert_named (prefs, "preferences", 6);
  gtk_window_destroy (GTK_WINDOW (prefs));
  spin (0.2);
}

/* The window under the high-contrast style and with text 1.5 times larger:
 * screenshots to look at (nothing clipped, the plan line wraps). */
static void
test_contrast_and_large_text (void)
{
  GtkSettings *settings = gtk_settings_get_default ();
  AdwStyleManager *style = adw_style_manager_get_default ();
  int dpi = 0;

  g_assert_nonnull (enlarge_window_get_input (win));
  g_object_get (settings, "gtk-xft-dpi", &dpi, NULL);

  /* without a portal, libadwaita follows the GNOME accessibility setting
   * (the memory backend here), as the Settings app sets it */
  {
    GSettingsSchema *schema = g_settings_schema_source_lookup (g_settings_schema_source_get_default (),
                                                               "org.gnome.desktop.a11y.interface", TRUE);
    if (schema != NULL)
      {
        g_autoptr (GSettings) a11y = g_settings_new ("org.gnome.desktop.a11y.interface");

        g_settings_set_boolean (a11y, "high-contrast", TRUE);
        spin (0.5);
        g_test_message ("high contrast: %d", adw_style_manager_get_high_contrast (style));
        g_assert_true (adw_style_manager_get_high_contrast (style));
        save_screenshot ("enlarge-window-high-contrast.png");
        g_settings_reset (a11y, "high-contrast");
        spin (0.3);
        g_settings_schema_unref (schema);
      }
  }

  /* text scaling 1.5: the DPI setting in 1024ths of a dot per inch */
  g_object_set (settings, "gtk-xft-dpi", 96 * 1024 * 3 / 2, NULL);
  spin (0.5);
  save_screenshot ("enlarge-window-large-text.png");
  /* the plan line wraps within the sidebar instead of widening it */
  g_assert_cmpint (gtk_widget_get_width (win->sidebar), <=, 330);
  g_assert_true (gtk_label_get_wrap (win->summary_label));
  g_object_set (settings, "gtk-xft-dpi", dpi, NULL);
  spin (0.3);
}

/* Devices named as people call them, not as OpenCL drivers do. */
static void
test_device_labels (void)
{
  static const struct { EnlargeDeviceKind kind; const char *name, *label; } cases[] = {
    { ENLARGE_DEVICE_CPU, "pthread-skylake-avx512-AMD EPYC", "Processor: AMD EPYC" },
    { ENLARGE_DEVICE_CPU, "cpu-haswell-Intel(R) Core(TM) i7-4770 CPU @ 3.40GHz", "Processor: Intel Core i7-4770" },
    { ENLARGE_DEVICE_CPU, "pthread-znver3-AMD Ryzen 7 5800X 8-Core Processor", "Processor: AMD Ryzen 7 5800X 8-Core" },
    { ENLARGE_DEVICE_GPU, "NVIDIA GeForce RTX 3060", "Graphics card: NVIDIA GeForce RTX 3060" },
    { ENLARGE_DEVICE_REFERENCE, "Reference C implementation (CPU, slow)",
      "Built-in, without OpenCL (slowest, always works)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      EnlargeDeviceInfo info = { 0 };
      g_autofree char *label = NULL;

      info.kind = cases[i].kind;
      info.name = (char *) cases[i].name;
      label = enlarge_preferences_device_label (&info);
      g_assert_cmpstr (label, ==, cases[i].label);
    }
}

/* An image wider than a texture may be is drawn from a grid of tiles. */
static void
test_large_image (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "wide-5000x300.png", NULL);
  g_autoptr (EnlargeImage) image = NULL;
  g_autoptr (GError) error = NULL;
  EnlargeCompareView *view = enlarge_window_get_compare_view (win);

  image = enlarge_image_new (5000, 300, 3, &error);
  g_assert_no_error (error);
  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      {
        guint8 *p = enlarge_image_pixel (image, x, y);
        p[0] = (guint8) (x * 255 / (image->width - 1));
        p[1] = (guint8) (y * 255 / (image->height - 1));
        p[2] = (x / 50 + y / 50) % 2 ? 200 : 40;
      }
  g_assert_true (enlarge_image_save (image, path, NULL, &error));
  g_assert_no_error (error);

  open_and_wait (path);
  if (enlarge_window_get_question (win) != NULL)
    answer ("discard");
  g_assert_cmpint (enlarge_window_get_input (win)->width, ==, 5000);
  g_assert_null (enlarge_compare_view_get_after (view));
  g_test_message ("a 5000 × 300 image is drawn from %u textures",
                  enlarge_compare_view_get_n_textures (view));
  g_assert_cmpuint (enlarge_compare_view_get_n_textures (view), ==, 2);
  /* fitted, then magnified across the seam between the tiles; a GTK
   * warning would be fatal here */
  save_screenshot ("enlarge-window-wide.png");
  enlarge_compare_view_set_view (view, 3, 4096, 150, FALSE);
  save_screenshot ("enlarge-window-wide-seam.png");
  enlarge_compare_view_zoom_fit (view);
}

static void
test_close_window (void)
{
  destroy_window ();
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  tmp_dir = g_dir_make_tmp ("enlarge-test-app-XXXXXX", &error);
  g_assert_no_error (error);

  app = GTK_APPLICATION (enlarge_application_new ());
  /* no session bus under xvfb-run: do not try to be the single instance */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/app/window-opens", test_window_opens);
  g_test_add_func ("/app/open-shows-image", test_open_shows_image);
  g_test_add_func ("/app/upscale-matches-cli", test_upscale_matches_cli);
  g_test_add_func ("/app/cancel-keeps-result", test_cancel_keeps_result);
  g_test_add_func ("/app/open-asks", test_open_asks);
  g_test_add_func ("/app/close-asks-during-job", test_close_asks_during_job);
  g_test_add_func ("/app/huge-asks", test_huge_asks);
  g_test_add_func ("/app/wheel-over-sliders", test_wheel_over_sliders);
  g_test_add_func ("/app/screenshot", test_screenshot);
  g_test_add_func ("/app/outdated", test_outdated);
  g_test_add_func ("/app/save-format", test_save_format);
  g_test_add_func ("/app/narrow", test_narrow);
  g_test_add_func ("/app/keyboard", test_keyboard);
  g_test_add_func ("/app/keyboard-open", test_keyboard_open);
  g_test_add_func ("/app/presets", test_presets);
  g_test_add_func ("/app/settings-survive", test_settings_survive);
  g_test_add_func ("/app/bad-files", test_bad_files);
  g_test_add_func ("/app/preset-suggestion", test_preset_suggestion);
  g_test_add_func ("/app/compare-models", test_compare_models);
  g_test_add_func ("/app/preview-region", test_preview_region);
  g_test_add_func ("/app/upscale-all", test_upscale_all);
  g_test_add_func ("/app/accessible-names", test_accessible_names);
  g_test_add_func ("/app/contrast-and-large-text", test_contrast_and_large_text);
  g_test_add_func ("/app/device-labels", test_device_labels);
  g_test_add_func ("/app/large-image", test_large_image);
  g_test_add_func ("/app/close-window", test_close_window);

  ret = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  {
    g_autoptr (GDir) d = g_dir_open (tmp_dir, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name (d)))
      {
        g_autofree char *p = g_build_filename (tmp_dir, name, NULL);
        g_unlink (p);
      }
    g_rmdir (tmp_dir);
  }
  g_free (tmp_dir);
  return ret;
}
