/* Helpers of the GUI tests, run under Xvfb. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define WAIT_TIMEOUT_S 300

typedef gboolean (*Condition) (void);

/* Runs the main loop for @seconds. */
void spin (double seconds);

/* Runs the main loop until @cond holds; fails after WAIT_TIMEOUT_S. */
void wait_for (Condition cond, const char *what);

/* What @window shows, rendered as on screen. */
GdkTexture *render_window (GtkWidget *window);

/* Saves what @window shows as $ENLARGE_ARTIFACT_DIR/@name (PNG). */
void save_window_screenshot (GtkWidget *window, const char *name);

G_END_DECLS
