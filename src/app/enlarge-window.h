#pragma once

#include <adwaita.h>

#include "enlarge.h"
#include "enlarge-compare-view.h"
#include "enlarge-compare-window.h"
#include "enlarge-queue.h"

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

/* The queue (EnlargeQueue), for tests: its length, each entry's file and state, and the
 * detail (the output's file name when done, the reason when failed). */
guint             enlarge_window_get_queue_length (EnlargeWindow *self);
GFile            *enlarge_window_get_queue_file   (EnlargeWindow *self, guint i);
EnlargeQueueState enlarge_window_get_queue_state  (EnlargeWindow *self, guint i);
const char       *enlarge_window_get_queue_detail (EnlargeWindow *self, guint i);
GFile            *enlarge_window_get_queue_output (EnlargeWindow *self, guint i);
gboolean          enlarge_window_get_batch_running (EnlargeWindow *self);
gboolean          enlarge_window_get_saving       (EnlargeWindow *self);

/* State, for tests and the application. */
EnlargeImage       *enlarge_window_get_input        (EnlargeWindow *self);
EnlargeImage       *enlarge_window_get_result       (EnlargeWindow *self);
gboolean            enlarge_window_get_loading      (EnlargeWindow *self);
gboolean            enlarge_window_get_running      (EnlargeWindow *self);
gboolean            enlarge_window_get_unsaved      (EnlargeWindow *self);
guint               enlarge_window_get_toast_count  (EnlargeWindow *self);
const char         *enlarge_window_get_last_toast   (EnlargeWindow *self);
EnlargeCompareView *enlarge_window_get_compare_view (EnlargeWindow *self);
/* The "Compare Models" window (win.compare, Ctrl+M) while it is open. */
EnlargeCompareWindow *enlarge_window_get_compare_window (EnlargeWindow *self);

/* "Preview Region" (win.preview-region, Ctrl+R), for tests: whether it
 * is on; its region in input pixels (set_region as if the user dragged
 * it); whether a preview is waiting or running; how many have finished;
 * the last one shown (NULL when none), with where it lies in the full
 * output and how long it took. */
gboolean      enlarge_window_get_preview_mode   (EnlargeWindow *self);
void          enlarge_window_set_preview_region (EnlargeWindow *self, const EnlargeRect *region);
gboolean      enlarge_window_get_preview_region (EnlargeWindow *self, EnlargeRect *region);
gboolean      enlarge_window_get_preview_busy   (EnlargeWindow *self);
guint         enlarge_window_get_preview_count  (EnlargeWindow *self);
EnlargeImage *enlarge_window_get_preview        (EnlargeWindow *self,
                                                 EnlargeRect   *output_rect,
                                                 double        *seconds);

const char    *enlarge_window_get_preset (EnlargeWindow *self);
void           enlarge_window_set_preset (EnlargeWindow *self, const char *preset);
const char    *enlarge_window_get_model  (EnlargeWindow *self);
void           enlarge_window_set_model  (EnlargeWindow *self, const char *model);
GtkAdjustment *enlarge_window_get_creativity_adjustment (EnlargeWindow *self);
GtkAdjustment *enlarge_window_get_scale_adjustment      (EnlargeWindow *self);
GtkAdjustment *enlarge_window_get_target_adjustment     (EnlargeWindow *self);

G_END_DECLS
