/* What the app tests share (test-app.c, test-app-video.c). */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef gboolean (*Condition) (void);

/* Runs the main loop for @seconds. */
void atu_spin (double seconds);
/* Runs the main loop until @cond holds; fails after 300 s. */
void atu_wait_for (Condition cond, const char *what);
/* What @window shows, rendered as on screen. */
GdkTexture *atu_render_window (GtkWidget *window);
/* Saves it as @name in $ENLARGE_ARTIFACT_DIR (or here). */
void atu_save_window_screenshot (GtkWidget *window, const char *name);

G_END_DECLS
