/* test-app-video.c: videos in the app (issue 17), under Xvfb with the
 * memory GSettings backend, like test-app.c: a 2-second clip made here
 * with videotestsrc and audiotestsrc is opened, scrubbed, its frame
 * upscaled (before/after), and the whole video upscaled beside it. */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>
#include <gst/gst.h>

#include "enlarge.h"
#include "enlarge-application.h"
#include "enlarge-window-private.h"
#include "app-test-utils.h"
#include "enlarge-test-utils.h"
#include "video-test-utils.h"

#define MODEL "realesr-animevideov3-x2"

static GtkApplication *app;
static EnlargeWindow *win;

static gboolean not_loading (void) { return !enlarge_window_get_loading (win); }
static gboolean not_running (void) { return !enlarge_window_get_running (win); }
static gboolean video_idle (void) { return !enlarge_window_get_video_running (win); }
static gboolean is_mapped (void) { return gtk_widget_get_mapped (GTK_WIDGET (win)); }

static guint frames_before;
static gboolean frame_shown (void)
{
  return enlarge_window_get_video_frames_shown (win) > frames_before && !enlarge_window_get_video_seeking (win);
}

/* A frame shown after the scrubber moves to @seconds (as if dragged) */
static EnlargeImage *
scrub_to (double seconds)
{
  frames_before = enlarge_window_get_video_frames_shown (win);
  gtk_adjustment_set_value (enlarge_window_get_video_adjustment (win), seconds);
  atu_wait_for (frame_shown, "the frame to be shown");
  return enlarge_image_ref (enlarge_window_get_input (win));
}

static gboolean
same_pixels (const EnlargeImage *a, const EnlargeImage *b)
{
  return a->width == b->width && a->height == b->height && a->n_channels == b->n_channels &&
         memcmp (a->pixels, b->pixels, (gsize) a->width * a->height * a->n_channels) == 0;
}

static void
test_video (void)
{
  const char *const players[] = { "playbin", "appsink", NULL };

  if (!vtu_require_elements (vtu_clip_elements) || !vtu_require_elements (players) ||
      !etu_require_model (MODEL))
    return;
  g_auto (EtuTempDir) dir = { etu_make_temp_dir ("enlarge-app-video-XXXXXX") };
  g_autofree char *clip = g_build_filename (dir.path, "clip.mp4", NULL);
  vtu_make_clip (clip, 20);

  win = enlarge_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (win), 1100, 720);
  gtk_window_present (GTK_WINDOW (win));
  atu_wait_for (is_mapped, "the window to be mapped");
  enlarge_window_set_model (win, MODEL);
  gtk_adjustment_set_value (enlarge_window_get_scale_adjustment (win), 2);

  /* open: the first frame is the input, the scrubber shows */
  g_autoptr (GFile) file = g_file_new_for_path (clip);
  enlarge_window_open_file (win, file);
  g_assert_true (enlarge_window_get_loading (win));
  atu_wait_for (not_loading, "the video to open");
  g_assert_true (enlarge_window_get_video (win));
  g_assert_true (gtk_widget_get_visible (win->video_bar));
  g_assert_true (gtk_widget_get_visible (win->upscale_video_button));
  g_assert_cmpstr (gtk_button_get_label (win->upscale_button), ==, "Upscale _Frame");
  g_autoptr (EnlargeImage) first = enlarge_image_ref (enlarge_window_get_input (win));
  g_assert_cmpint (first->width, ==, 64);
  g_assert_cmpint (first->height, ==, 48);
  GtkAdjustment *adjustment = enlarge_window_get_video_adjustment (win);
  /* one step is one frame (10 fps); the last frame starts at 1.9 s */
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_step_increment (adjustment), 0.1, 1e-6);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_upper (adjustment), 1.9, 1e-3);
  g_assert_cmpstr (gtk_label_get_label (win->video_time), ==, "0:00.0 / 0:02.0");

  /* scrub: another frame (the ball moved), the time says where */
  g_autoptr (EnlargeImage) later = scrub_to (1.0);
  g_assert_cmpint (later->width, ==, 64);
  g_assert_false (same_pixels (first, later));
  g_assert_cmpstr (gtk_label_get_label (win->video_time), ==, "0:01.0 / 0:02.0");
  /* a screen reader hears the scrubber's name and the time as its value */
  g_autofree char *name_error = gtk_test_accessible_check_property (GTK_ACCESSIBLE (win->video_scale),
                                                                     GTK_ACCESSIBLE_PROPERTY_LABEL,
                                                                     "Frame Position");
  g_assert_null (name_error);
  g_autofree char *value_error = gtk_test_accessible_check_property (GTK_ACCESSIBLE (win->video_scale),
                                                                      GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT,
                                                                      "0:01.0 / 0:02.0");
  g_assert_null (value_error);
  /* back to 0: the first frame again, as decoded */
  g_autoptr (EnlargeImage) again = scrub_to (0);
  g_assert_true (same_pixels (first, again));

  /* the keyboard: the scrubber takes the focus, and an arrow key's binding
   * (move-slider, step) moves one frame */
  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (win->video_scale)));
  frames_before = enlarge_window_get_video_frames_shown (win);
  g_signal_emit_by_name (win->video_scale, "move-slider", GTK_SCROLL_STEP_RIGHT);
  atu_wait_for (frame_shown, "the next frame");
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (adjustment), 0.1, 1e-6);
  g_assert_cmpstr (gtk_label_get_label (win->video_time), ==, "0:00.1 / 0:02.0");
  g_autoptr (EnlargeImage) second = enlarge_image_ref (enlarge_window_get_input (win));
  g_assert_false (same_pixels (first, second));

  /* the frame as a still: Upscale gives before/after at twice the size */
  scrub_to (1.0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.upscale", NULL));
  atu_wait_for (not_running, "the frame's upscale");
  EnlargeImage *result = enlarge_window_get_result (win);
  g_assert_nonnull (result);
  g_assert_cmpint (result->width, ==, 128);
  g_assert_cmpint (result->height, ==, 96);
  atu_save_window_screenshot (GTK_WIDGET (win), "enlarge-window-video.png");

  /* Upscale Video: beside the input, 128 × 96, every frame */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.upscale-video", NULL));
  g_assert_true (enlarge_window_get_video_running (win));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (win->progress_box)));
  atu_spin (1.5);
  atu_save_window_screenshot (GTK_WIDGET (win), "enlarge-window-video-progress.png");
  g_test_message ("progress: %s · %s", gtk_progress_bar_get_text (win->progress_bar),
                  gtk_label_get_label (win->progress_label));
  atu_wait_for (video_idle, "Upscale Video");
  g_test_message ("toast: %s", enlarge_window_get_last_toast (win));
  GFile *output = enlarge_window_get_video_output (win);
  g_assert_nonnull (output);
  g_autofree char *out_path = g_file_get_path (output);
  g_autofree char *expected = g_build_filename (dir.path, "clip-enlarged-2x.mp4", NULL);
  g_assert_cmpstr (out_path, ==, expected);
  Streams in, out;
  vtu_read_streams (clip, &in);
  vtu_read_streams (out_path, &out);
  g_assert_cmpint (out.frames, ==, 20);
  g_assert_cmpint (out.frames, ==, in.frames);
  g_assert_cmpint (out.width, ==, 128);
  g_assert_cmpint (out.height, ==, 96);
  /* the audio passes through */
  g_assert_cmpuint (out.audio_samples, ==, in.audio_samples);

  /* again: a new name, never the first output; Cancel leaves nothing */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.upscale-video", NULL));
  /* at once: 20 frames of 64 × 48 can be done within half a second, and
   * then there is nothing left to cancel (seen once under load) */
  g_assert_true (enlarge_window_get_video_running (win));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.cancel", NULL));
  atu_wait_for (video_idle, "the cancelled Upscale Video");
  g_assert_cmpstr (enlarge_window_get_last_toast (win), ==, "Upscale Video cancelled; nothing was written");
  g_auto (GStrv) left = vtu_list_dir (dir.path);
  g_autofree char *listing = g_strjoinv (" ", left);
  g_test_message ("left: %s", listing);
  g_assert_cmpuint (g_strv_length (left), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *) left, "clip.mp4"));
  g_assert_true (g_strv_contains ((const char * const *) left, "clip-enlarged-2x.mp4"));

  /* a still afterwards: no scrubber, as before */
  g_autofree char *still = g_build_filename (dir.path, "still.png", NULL);
  g_assert_true (enlarge_image_save (first, still, "png", NULL));
  g_autoptr (GFile) still_file = g_file_new_for_path (still);
  enlarge_window_open_file (win, still_file);
  atu_wait_for (not_loading, "the still to open");
  /* the unsaved frame result asks first */
  if (enlarge_window_get_question (win) != NULL)
    {
      adw_message_dialog_response (enlarge_window_get_question (win), "discard");
      atu_spin (0.2);
    }
  g_assert_false (enlarge_window_get_video (win));
  g_assert_false (gtk_widget_get_visible (win->video_bar));
  g_assert_false (gtk_widget_get_visible (win->upscale_video_button));
  g_assert_cmpstr (gtk_button_get_label (win->upscale_button), ==, "_Upscale");
  g_assert_cmpint (enlarge_window_get_input (win)->width, ==, 64);
  g_assert_true (same_pixels (enlarge_window_get_input (win), first));
  g_unlink (still);

  /* an animated GIF: frames at their delays (0.1, 0.2, 0.3, 0.15, 0.25 s) */
  const int delays[] = { 10, 20, 30, 15, 25 };
  g_autofree char *gif = g_build_filename (dir.path, "anim.gif", NULL);
  vtu_write_gif (gif, 40, 30, 5, delays, 0);
  g_autoptr (GFile) gif_file = g_file_new_for_path (gif);
  enlarge_window_open_file (win, gif_file);
  atu_wait_for (not_loading, "the GIF to open");
  g_assert_true (enlarge_window_get_video (win));
  g_assert_cmpint (enlarge_window_get_input (win)->width, ==, 40);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_upper (adjustment), 0.75, 1e-6);
  g_assert_cmpstr (gtk_label_get_label (win->video_time), ==, "0:00.0 / 0:01.0");
  g_autoptr (EnlargeImage) gif_first = enlarge_image_ref (enlarge_window_get_input (win));
  /* 0.35 s is within the third frame, which starts at 0.3 s */
  g_autoptr (EnlargeImage) gif_third = scrub_to (0.35);
  g_assert_false (same_pixels (gif_first, gif_third));
  g_assert_cmpstr (gtk_label_get_label (win->video_time), ==, "0:00.3 / 0:01.0");

  gtk_window_destroy (GTK_WINDOW (win));
  win = NULL;
  atu_spin (0.2);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  gst_init (NULL, NULL);

  app = GTK_APPLICATION (enlarge_application_new ());
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/app/video", test_video);
  return g_test_run ();
}
