/* Helpers shared by the app tests (test-app.c, test-app-size.c): the main
 * loop, golden files and screenshots of real windows under Xvfb. */

#pragma once

#include <gtk/gtk.h>

#include "enlarge-window.h"

G_BEGIN_DECLS

#define ATU_WAIT_TIMEOUT_S 300

/* The app as the tests run it: not the single instance (no session bus
 * under xvfb-run), registered and held; and a new temporary folder from
 * @tmp_template in *@tmp_dir. */
GtkApplication *atu_app_start (const char *tmp_template, char **tmp_dir);
/* Releases @app, then empties, removes and frees @tmp_dir. */
void atu_app_stop (GtkApplication *app, char *tmp_dir);

/* tests/data/golden/@name ($ENLARGE_TEST_DATA overrides tests/data);
 * a static buffer, valid until the next call. */
const char *atu_golden (const char *name);

/* Runs the main loop for @seconds. */
void atu_spin (double seconds);

typedef gboolean (*Condition) (void);

/* Runs the main loop until @cond holds; fails after ATU_WAIT_TIMEOUT_S. */
void atu_wait_for (Condition cond, const char *what);

/* A main window of @app at 1100 × 720, presented and mapped. */
EnlargeWindow *atu_new_window (GtkApplication *app);

/* Opens @path in @win and waits until it has loaded (a question it asks
 * stays open). */
void atu_open_and_wait (EnlargeWindow *win, const char *path);

/* What @window shows, rendered as on screen: taken right after a frame
 * the window itself drew, so every widget in it is mapped and allocated
 * (a snapshot between a resize and the next layout warns "Trying to
 * snapshot … without a current allocation", fatal in tests). */
GdkTexture *atu_render_window (GtkWidget *window);

/* Saves atu_render_window (@window) as @name in $ENLARGE_ARTIFACT_DIR. */
void atu_save_window_screenshot (GtkWidget *window, const char *name);

/* How many pixels of @window are exactly the grey @v. */
guint atu_count_grey (GtkWidget *window, guint8 v);

G_END_DECLS
