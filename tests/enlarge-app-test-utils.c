/* enlarge-app-test-utils.c: what the GUI tests (test-app.c,
 * test-app-models.c) share: running the main loop until something holds,
 * and rendering a window as on screen. */

#include "enlarge-app-test-utils.h"

static gboolean
on_wake (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @seconds. */
void
spin (double seconds)
{
  gboolean done = FALSE;

  g_timeout_add ((guint) (seconds * 1000), on_wake, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Runs the main loop until @cond holds; fails after WAIT_TIMEOUT_S. */
void
wait_for (Condition cond, const char *what)
{
  gint64 end = g_get_monotonic_time () + WAIT_TIMEOUT_S * G_USEC_PER_SEC;

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

/* What @window shows, rendered as on screen. */
GdkTexture *
render_window (GtkWidget *window)
{
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GtkSnapshot) snapshot = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  GskRenderer *renderer;
  int w = 0, h = 0;

  /* The paintable is empty while a relayout is pending: let a frame be
   * laid out and drawn first. */
  for (int i = 0; node == NULL && i < 100; i++)
    {
      spin (0.02);
      w = gtk_widget_get_width (window);
      h = gtk_widget_get_height (window);
      g_clear_object (&paintable);
      paintable = gtk_widget_paintable_new (window);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
}

void
save_window_screenshot (GtkWidget *window, const char *name)
{
  const char *dir = g_getenv ("ENLARGE_ARTIFACT_DIR");
  g_autofree char *path = g_build_filename (dir ? dir : ".", name, NULL);
  g_autoptr (GdkTexture) texture = render_window (window);

  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s (%d × %d)", path, gdk_texture_get_width (texture),
                  gdk_texture_get_height (texture));
}

