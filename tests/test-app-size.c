/* test-app-size.c: the result's size chosen directly (2×, 4×, fit in a box,
 * snapped), the time and memory estimate before a job and its question,
 * and a running job on a transparent picture. Under Xvfb with the memory
 * GSettings backend, as test-app.c. */

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "enlarge.h"
#include "app-test-utils.h"
#include "enlarge-application.h"
#include "enlarge-compare-view-private.h"
#include "enlarge-estimate.h"
#include "enlarge-window-private.h"

#define MODEL "realesr-animevideov3-x4"

static GtkApplication *app;
static EnlargeWindow *win;
static GSettings *settings;
static char *tmp_dir;

static gboolean not_running (void) { return !enlarge_window_get_running (win); }

static void
open_and_wait (const char *path)
{
  atu_open_and_wait (win, path);
  /* a result not saved: nothing of it is needed here */
  if (enlarge_window_get_question (win) != NULL)
    {
      adw_message_dialog_response (enlarge_window_get_question (win), "discard");
      atu_spin (0.1);
    }
  g_assert_null (enlarge_window_get_question (win));
}

/* Upscales with the controls as they are and returns the result. */
static EnlargeImage *
upscale (void)
{
  g_assert_null (enlarge_window_get_question (win));
  atu_wait_for (not_running, "no job to be running");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.upscale", NULL));
  g_assert_null (enlarge_window_get_question (win));
  atu_wait_for (not_running, "the upscale to finish");
  g_assert_nonnull (enlarge_window_get_result (win));
  return enlarge_window_get_result (win);
}

static void
choose_size (const char *mode)
{
  g_settings_set_string (settings, "size-mode", mode);
  atu_spin (0.05);
}

/* 2× and 4× from the size list give exactly that; moving the slider by
 * hand makes it "Scale Factor". */
static void
test_two_and_four (void)
{
  GtkAdjustment *scale = enlarge_window_get_scale_adjustment (win);
  EnlargeImage *result;

  open_and_wait (atu_golden ("coffee-96x72.png"));
  enlarge_window_set_model (win, MODEL);
  choose_size ("2x");
  g_assert_cmpuint (adw_combo_row_get_selected (win->size_row), ==, 0);
  g_assert_cmpfloat (gtk_adjustment_get_value (scale), ==, 2);
  result = upscale ();
  g_test_message ("2×: %d × %d", result->width, result->height);
  g_assert_cmpint (result->width, ==, 192);
  g_assert_cmpint (result->height, ==, 144);
  /* a preset keeps the size chosen */
  enlarge_window_set_preset (win, "illustration");
  g_assert_cmpfloat (gtk_adjustment_get_value (scale), ==, 2);
  g_assert_cmpstr (g_settings_get_string (settings, "size-mode"), ==, "2x");

  choose_size ("4x");
  g_assert_cmpfloat (gtk_adjustment_get_value (scale), ==, 4);
  enlarge_window_set_model (win, MODEL);
  result = upscale ();
  g_assert_cmpint (result->width, ==, 384);
  g_assert_cmpint (result->height, ==, 288);

  /* the slider by hand */
  gtk_adjustment_set_value (scale, 3.5);
  g_assert_cmpuint (adw_combo_row_get_selected (win->size_row), ==, 2);
  {
    g_autofree char *mode = g_settings_get_string (settings, "size-mode");
    g_assert_cmpstr (mode, ==, "factor");
  }
}

/* Fit in W × H: the largest result inside the box, exactly the size the
 * plan line and the note under the box show; snapped, the model's own
 * factor that fits. */
static void
test_fit (void)
{
  GtkAdjustment *scale = enlarge_window_get_scale_adjustment (win);
  EnlargeImage *result;
  const char *note;

  open_and_wait (atu_golden ("coffee-96x72.png"));
  enlarge_window_set_model (win, MODEL);
  g_settings_set_int (settings, "fit-width", 300);
  g_settings_set_int (settings, "fit-height", 200);
  g_settings_set_boolean (settings, "fit-snap", FALSE);
  choose_size ("fit");
  g_assert_true (gtk_widget_get_visible (win->fit_row));
  /* 96 × 72 in 300 × 200: the height decides, 200 / 72 */
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (scale), 200.0 / 72, 1e-9);
  note = gtk_label_get_label (win->fit_note);
  g_test_message ("fit 300 × 200: %s — %s", note, gtk_label_get_label (win->summary_label));
  g_assert_nonnull (strstr (note, "267 × 200"));
  g_assert_nonnull (strstr (gtk_label_get_label (win->summary_label), "267 × 200"));
  atu_spin (0.3);
  atu_save_window_screenshot (GTK_WIDGET (win), "enlarge-size-fit.png");
  result = upscale ();
  g_assert_cmpint (result->width, ==, 267);
  g_assert_cmpint (result->height, ==, 200);

  /* a box the exact shape of the picture gives the box */
  g_settings_set_int (settings, "fit-width", 300);
  g_settings_set_int (settings, "fit-height", 225);
  atu_spin (0.05);
  result = upscale ();
  g_assert_cmpint (result->width, ==, 300);
  g_assert_cmpint (result->height, ==, 225);

  /* snapped: 500 × 400 would be 5.2×; the model's own 4× fits */
  g_settings_set_int (settings, "fit-width", 500);
  g_settings_set_int (settings, "fit-height", 400);
  g_settings_set_boolean (settings, "fit-snap", TRUE);
  atu_spin (0.05);
  g_assert_cmpfloat (gtk_adjustment_get_value (scale), ==, 4);
  note = gtk_label_get_label (win->fit_note);
  g_test_message ("snapped in 500 × 400: %s", note);
  g_assert_nonnull (strstr (note, "384 × 288"));
  g_assert_nonnull (strstr (note, "exactly what the model draws"));
  result = upscale ();
  g_assert_cmpint (result->width, ==, 384);
  g_assert_cmpint (result->height, ==, 288);

  /* snapping that cannot fit the model's size: the plain fit, said so */
  g_settings_set_int (settings, "fit-width", 250);
  atu_spin (0.05);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (scale), 250.0 / 96, 1e-9);
  g_assert_nonnull (strstr (gtk_label_get_label (win->fit_note), "larger than the box"));

  /* the fit follows the picture */
  g_settings_set_boolean (settings, "fit-snap", FALSE);
  open_and_wait (atu_golden ("text-120x64.png"));
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (scale), 250.0 / 120, 1e-9);
  choose_size ("factor");
  g_assert_false (gtk_widget_get_visible (win->fit_row));
}

/* The plan line says how long and how much memory, in words; the details
 * say where the speed comes from; a job stores this computer's speed. */
static void
test_estimate (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "grey-512.png", NULL);
  g_autoptr (EnlargeImage) image = enlarge_image_new (512, 512, 3, NULL);
  g_autoptr (EnlargeJobSettings) job = NULL;
  EnlargeEstimate estimate;
  g_autofree char *cost = NULL;
  const char *summary;
  double measured;

  for (gsize i = 0; i < (gsize) 512 * 512 * 3; i++)
    image->pixels[i] = (guint8) (i * 7 % 251);
  g_assert_true (enlarge_image_save (image, path, NULL, NULL));
  g_settings_reset (settings, "measured-rates");
  open_and_wait (path);
  enlarge_window_set_model (win, MODEL);
  gtk_adjustment_set_value (enlarge_window_get_scale_adjustment (win), 4);
  gtk_adjustment_set_value (enlarge_window_get_target_adjustment (win), 0);

  job = _enlarge_window_collect_settings (win);
  g_assert_true (enlarge_estimate_compute (job, settings, 512, 512, 3, &estimate));
  g_assert_false (estimate.measured);
  g_assert_cmpfloat (estimate.ms_per_mp, ==, 3850);
  g_assert_cmpfloat_with_epsilon (estimate.work_mp, 0.262144, 1e-9);
  g_assert_cmpfloat_with_epsilon (estimate.seconds, 0.262144 * 3.85, 1e-9);
  cost = enlarge_estimate_format (&estimate);
  summary = gtk_label_get_label (win->summary_label);
  g_test_message ("plan line: %s", summary);
  g_test_message ("details: %s", gtk_label_get_label (win->details_label));
  g_assert_nonnull (strstr (summary, cost));
  /* no jargon by default; the plan's words behind Details */
  g_assert_null (strstr (summary, "Lanczos"));
  g_assert_null (strstr (summary, "pass"));
  g_assert_nonnull (strstr (gtk_label_get_label (win->details_label), "3850 ms per megapixel"));
  g_assert_nonnull (strstr (gtk_label_get_label (win->details_label), "benchmark"));

  /* small tiles chosen in Preferences cost their margins: 32 px tiles of
   * a compact net (16 px margins) are (64 / 32)² / (544 / 512)² slower */
  {
    EnlargeEstimate small;

    job->tile_size = 32;
    g_assert_true (enlarge_estimate_compute (job, settings, 512, 512, 3, &small));
    g_assert_cmpfloat_with_epsilon (small.seconds / estimate.seconds, 4.0 / (544.0 * 544 / (512.0 * 512)), 1e-9);
    job->tile_size = 0;
  }
  /* RGBA runs the network twice */
  g_assert_cmpfloat_with_epsilon (enlarge_estimate_work_mp (job, 512, 512, 4), 2 * 0.262144, 1e-9);
  /* 10× (one pass and a resample, then not a second pass) and 16× (two) */
  job->scale = 16;
  g_assert_cmpfloat_with_epsilon (enlarge_estimate_work_mp (job, 512, 512, 3), 0.262144 * 17, 1e-9);

  /* a job stores its rate, and the estimate uses it */
  upscale ();
  measured = enlarge_estimate_measured_rate (settings, "auto", MODEL);
  g_test_message ("measured: %.0f ms per megapixel", measured);
  g_assert_cmpfloat (measured, >, 0);
  g_assert_true (isfinite (measured));
  g_assert_nonnull (strstr (gtk_label_get_label (win->details_label), "measured on this computer"));
  job->scale = 4;
  g_assert_true (enlarge_estimate_compute (job, settings, 512, 512, 3, &estimate));
  g_assert_true (estimate.measured);
  g_assert_cmpfloat (estimate.ms_per_mp, ==, measured);
  /* too small a job to measure: its fixed costs would swamp the rate */
  g_assert_false (enlarge_estimate_store_rate (settings, job, 1, 0.01));
  g_assert_cmpfloat (enlarge_estimate_measured_rate (settings, "auto", MODEL), ==, measured);
  atu_spin (0.3);
  gtk_toggle_button_set_active (win->details_button, TRUE);
  atu_save_window_screenshot (GTK_WIDGET (win), "enlarge-size-estimate.png");
  gtk_toggle_button_set_active (win->details_button, FALSE);
}

/* The question before a long job uses the estimate: with a threshold of
 * a few milliseconds every job asks, and says how long and how much. */
static void
test_estimate_asks (void)
{
  g_autoptr (EnlargeJobSettings) job = _enlarge_window_collect_settings (win);
  EnlargeImage *input = enlarge_window_get_input (win);
  AdwMessageDialog *question;
  EnlargeEstimate estimate;
  g_autofree char *time = NULL;
  g_autofree char *memory = NULL;

  g_assert_nonnull (input);
  g_assert_true (enlarge_estimate_compute (job, settings, input->width, input->height,
                                           input->n_channels, &estimate));
  time = enlarge_estimate_format_duration (estimate.seconds);
  memory = g_format_size (estimate.bytes);
  /* the default, 10 minutes: no question */
  g_assert_cmpfloat (g_settings_get_double (settings, "ask-above-minutes"), ==, 10);
  g_assert_true (enlarge_estimate_memory_limit () > estimate.bytes);

  g_settings_set_double (settings, "ask-above-minutes", 1e-6);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.upscale", NULL));
  question = enlarge_window_get_question (win);
  g_assert_nonnull (question);
  g_test_message ("question: %s — %s", adw_message_dialog_get_heading (question),
                  adw_message_dialog_get_body (question));
  g_assert_false (enlarge_window_get_running (win));
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (question), time));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (question), time));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (question), memory));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (question), "this computer"));
  atu_spin (0.3);
  atu_save_window_screenshot (GTK_WIDGET (question), "enlarge-size-question.png");
  adw_message_dialog_response (question, "cancel");
  gtk_window_destroy (GTK_WINDOW (question));
  atu_spin (0.1);
  g_assert_false (enlarge_window_get_running (win));

  /* Upscale in the question starts it */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.upscale", NULL));
  question = enlarge_window_get_question (win);
  g_assert_nonnull (question);
  adw_message_dialog_response (question, "upscale");
  gtk_window_destroy (GTK_WINDOW (question));
  g_assert_true (enlarge_window_get_running (win));
  atu_wait_for (not_running, "the upscale to finish");

  /* 0: never for the time */
  g_settings_set_double (settings, "ask-above-minutes", 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.upscale", NULL));
  g_assert_null (enlarge_window_get_question (win));
  atu_wait_for (not_running, "the upscale to finish");
  g_settings_reset (settings, "ask-above-minutes");
}

static EnlargeCompareView *view;

static gboolean
tiles_shown (void)
{
  return enlarge_compare_view_get_after (view) != NULL;
}

/* A running job on a transparent picture: in the After pane, where the
 * picture is see-through the checkerboard shows, in the tiles already done
 * and in the rest; no opaque block. */
static void
test_rgba_running (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "logo-128x96.png", NULL);
  g_autoptr (EnlargeImage) logo = enlarge_image_new (128, 96, 4, NULL);
  g_autoptr (GdkTexture) shot = NULL;
  g_autofree guint8 *pixels = NULL;
  graphene_rect_t bounds, ir, pane;
  guint checked = 0, grey = 0, others = 0;
  int sw, sh;

  /* a red disc on a see-through ground */
  for (int y = 0; y < logo->height; y++)
    for (int x = 0; x < logo->width; x++)
      {
        guint8 *p = enlarge_image_pixel (logo, x, y);
        gboolean in = (x - 64) * (x - 64) + (y - 48) * (y - 48) < 24 * 24;

        p[0] = 220; p[1] = 30; p[2] = 40; p[3] = in ? 255 : 0;
      }
  g_assert_true (enlarge_image_save (logo, path, NULL, NULL));
  open_and_wait (path);
  view = enlarge_window_get_compare_view (win);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.compare-mode", "s", "side-by-side"));
  choose_size ("4x");
  /* many small tiles of the slowest model: still running at the screenshot */
  g_settings_set_int (settings, "tile-size", 8);
  enlarge_window_set_model (win, "realesrgan-x4plus");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.upscale", NULL));
  atu_wait_for (tiles_shown, "the first tiles");
  g_assert_true (enlarge_window_get_running (win));
  shot = atu_render_window (GTK_WIDGET (win));
  g_assert_true (enlarge_window_get_running (win));
  atu_save_window_screenshot (GTK_WIDGET (win), "enlarge-size-rgba-running.png");

  sw = gdk_texture_get_width (shot);
  sh = gdk_texture_get_height (shot);
  pixels = g_malloc ((gsize) sw * sh * 4);
  gdk_texture_download (shot, pixels, (gsize) sw * 4);
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (view), GTK_WIDGET (win), &bounds));
  /* the screenshot is the surface, with the decorations' margin */
  {
    double sx, sy;

    gtk_native_get_surface_transform (GTK_NATIVE (win), &sx, &sy);
    bounds.origin.x += sx;
    bounds.origin.y += sy;
  }
  ir = _ecv_image_rect (view, 1);
  pane = _ecv_pane_rect (view, 1);
  g_test_message ("view at %.3f, %.3f; After pane %.1f,%.1f %.1f × %.1f; picture %.2f,%.2f %.2f × %.2f", bounds.origin.x, bounds.origin.y, pane.origin.x,
                  pane.origin.y, pane.size.width, pane.size.height, ir.origin.x, ir.origin.y,
                  ir.size.width, ir.size.height);
  /* every screen pixel of the After pane over a see-through part of the
   * picture (4 input pixels from the disc at least) */
  for (int y = (int) ceil (ir.origin.y); y < ir.origin.y + ir.size.height; y++)
    for (int x = (int) ceil (MAX (ir.origin.x, pane.origin.x)); x < ir.origin.x + ir.size.width; x++)
      {
        double ix = (x + 0.5 - ir.origin.x) / ir.size.width * logo->width;
        double iy = (y + 0.5 - ir.origin.y) / ir.size.height * logo->height;
        int wx = (int) (bounds.origin.x + x), wy = (int) (bounds.origin.y + y);
        const guint8 *p;

        if (hypot (ix - 64, iy - 48) < 24 + 4 || ix < 1 || iy < 1 || ix > logo->width - 1 ||
            iy > logo->height - 1 || x >= pane.origin.x + pane.size.width || wx >= sw || wy >= sh)
          continue;
        p = pixels + ((gsize) wy * sw + wx) * 4;
        checked++;
        if (p[0] == p[1] && p[1] == p[2] && (p[0] == 204 || p[0] == 153))
          grey++;
        else if (others++ < 10)
          g_test_message ("not the checkerboard at %d, %d: %u %u %u %u", wx, wy, p[0], p[1], p[2], p[3]);
      }
  g_test_message ("%u of %u see-through pixels show the checkerboard", grey, checked);
  g_assert_cmpuint (checked, >, 10000);
  g_assert_cmpuint (grey, ==, checked);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.cancel", NULL));
  g_settings_set_int (settings, "tile-size", 0);
  enlarge_window_set_model (win, MODEL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.compare-mode", "s", "split"));
}

int
main (int argc, char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app = atu_app_start ("enlarge-test-app-size-XXXXXX", &tmp_dir);
  settings = g_settings_new (APP_ID);

  win = atu_new_window (app);

  g_test_add_func ("/app-size/two-and-four", test_two_and_four);
  g_test_add_func ("/app-size/fit", test_fit);
  g_test_add_func ("/app-size/estimate", test_estimate);
  g_test_add_func ("/app-size/estimate-asks", test_estimate_asks);
  g_test_add_func ("/app-size/rgba-running", test_rgba_running);
  ret = g_test_run ();

  /* nothing unsaved to ask about */
  g_clear_object (&settings);
  gtk_window_destroy (GTK_WINDOW (win));
  atu_app_stop (g_steal_pointer (&app), g_steal_pointer (&tmp_dir));
  return ret;
}
