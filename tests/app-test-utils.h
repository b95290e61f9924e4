/* app-test-utils.h: what the GTK tests (test-app.c, test-app-i18n.c)
 * share: running the main loop, waiting for a state, screenshots. */

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

/* Saves what @window shows as NAME in $ENLARGE_ARTIFACT_DIR (or the
 * current folder). */
void save_window_screenshot (GtkWidget *window, const char *name);

/* The application, registered and held, as the tests use it: not unique
 * (there is no session bus under xvfb-run). */
GtkApplication *app_test_application_new (void);

G_END_DECLS
