/* app-test-utils.c: see app-test-utils.h. */

#include "config.h"

#include <glib/gstdio.h>

#include "app-test-utils.h"
#include "enlarge-application.h"
#include "enlarge-window-private.h"

GtkApplication *
atu_app_start (const char *tmp_template, char **tmp_dir)
{
  g_autoptr (GError) error = NULL;
  GtkApplication *app;

  *tmp_dir = g_dir_make_tmp (tmp_template, &error);
  g_assert_no_error (error);
  app = GTK_APPLICATION (enlarge_application_new ());
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_hold (G_APPLICATION (app));
  return app;
}

void
atu_app_stop (GtkApplication *app, char *tmp_dir)
{
  g_autoptr (GDir) d = g_dir_open (tmp_dir, 0, NULL);
  const char *name;

  g_application_release (G_APPLICATION (app));
  g_object_unref (app);
  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *p = g_build_filename (tmp_dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
}

const char *
atu_golden (const char *name)
{
  static char path[4096];
  const char *dir = g_getenv ("ENLARGE_TEST_DATA");

  g_snprintf (path, sizeof path, "%s/golden/%s", dir ? dir : ENLARGE_SOURCE_DIR "/tests/data", name);
  return path;
}

static gboolean
on_wake (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
atu_spin (double seconds)
{
  gboolean done = FALSE;

  g_timeout_add ((guint) (seconds * 1000), on_wake, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

void
atu_wait_for (Condition cond, const char *what)
{
  gint64 end = g_get_monotonic_time () + ATU_WAIT_TIMEOUT_S * G_USEC_PER_SEC;

  while (!cond ())
    {
      gboolean tick = FALSE;
      guint id = g_timeout_add (50, on_wake, &tick);

      g_main_context_iteration (NULL, TRUE);
      if (!tick)
        g_source_remove (id);
      if (g_get_monotonic_time () > end)
        g_error ("Timed out waiting for %s", what);
    }
}

/* the window the conditions below look at */
static EnlargeWindow *current;

static gboolean is_mapped (void) { return gtk_widget_get_mapped (GTK_WIDGET (current)); }
static gboolean not_loading (void) { return !enlarge_window_get_loading (current); }

EnlargeWindow *
atu_new_window (GtkApplication *app)
{
  current = enlarge_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (current), 1100, 720);
  gtk_window_present (GTK_WINDOW (current));
  atu_wait_for (is_mapped, "the window to be mapped");
  return current;
}

void
atu_open_and_wait (EnlargeWindow *win, const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);

  current = win;
  enlarge_window_open_file (win, file);
  g_assert_true (enlarge_window_get_loading (win));
  atu_wait_for (not_loading, "the image to load");
}

typedef struct {
  GtkWidget     *window;
  GskRenderNode *node;
  int            width, height;
} Shot;

/* The frame clock's last phase: the window was just laid out and drawn,
 * and nothing else has run since, so no widget waits for an allocation.
 * Under load a frame can come before the window is mapped or sized (a
 * dialog just presented): such frames are skipped. */
static void
on_after_paint (GdkFrameClock *clock,
                Shot          *shot)
{
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GtkSnapshot) snapshot = NULL;

  if (shot->node != NULL || !gtk_widget_get_mapped (shot->window))
    return;
  if (gtk_widget_get_width (shot->window) <= 0 || gtk_widget_get_height (shot->window) <= 0)
    return;
  paintable = gtk_widget_paintable_new (shot->window);
  /* at its own size, which for a window with client-side decorations
   * includes their margin: any other size scales it, and a screenshot's
   * pixels would be blends of the window's */
  shot->width = gdk_paintable_get_intrinsic_width (paintable);
  shot->height = gdk_paintable_get_intrinsic_height (paintable);
  if (shot->width <= 0 || shot->height <= 0)
    return;
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), shot->width, shot->height);
  shot->node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
}

GdkTexture *
atu_render_window (GtkWidget *window)
{
  Shot shot = { window, NULL, 0, 0 };
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  GdkFrameClock *clock = NULL;
  gulong id = 0;
  GdkTexture *texture;

  while (shot.node == NULL)
    {
      GdkFrameClock *now = gtk_widget_get_frame_clock (window);

      /* the clock comes with the surface, once the window is realized */
      if (now != clock)
        {
          if (clock != NULL)
            g_signal_handler_disconnect (clock, id);
          clock = now;
          id = clock ? g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &shot) : 0;
        }
      /* ask for a frame, and wait for it */
      gtk_widget_queue_draw (window);
      atu_spin (0.02);
      if (g_get_monotonic_time () > end)
        g_error ("No frame of %s was drawn in 60 s", G_OBJECT_TYPE_NAME (window));
    }
  if (clock != NULL)
    g_signal_handler_disconnect (clock, id);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), shot.node,
                                         &GRAPHENE_RECT_INIT (0, 0, shot.width, shot.height));
  gsk_render_node_unref (shot.node);
  return texture;
}

void
atu_save_window_screenshot (GtkWidget *window, const char *name)
{
  const char *dir = g_getenv ("ENLARGE_ARTIFACT_DIR");
  g_autofree char *path = g_build_filename (dir ? dir : ".", name, NULL);
  g_autoptr (GdkTexture) texture = atu_render_window (window);

  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s (%d × %d)", path, gdk_texture_get_width (texture),
                  gdk_texture_get_height (texture));
}

guint
atu_count_grey (GtkWidget *window, guint8 v)
{
  g_autoptr (GdkTexture) texture = atu_render_window (window);
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
