#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ENLARGE_TYPE_WINDOW (enlarge_window_get_type ())
G_DECLARE_FINAL_TYPE (EnlargeWindow, enlarge_window, ENLARGE, WINDOW, AdwApplicationWindow)

EnlargeWindow *enlarge_window_new (GtkApplication *application);

/* Loads @file off the main thread and shows it; the path a drop, the Open
 * dialog, the clipboard and the command line all take. Failures are shown
 * as a toast. */
void enlarge_window_open_file (EnlargeWindow *self, GFile *file);

/* Several files (a drop, the Open dialog, the command line): one file is
 * opened as above; two or more are added to the queue, which "Upscale All"
 * (win.upscale-all) works through, and the first of them is shown. */
void enlarge_window_open_files (EnlargeWindow *self, GSList *files);

G_END_DECLS
