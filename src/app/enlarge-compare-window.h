#pragma once

#include <adwaita.h>
#include "enlarge.h"

G_BEGIN_DECLS

#define ENLARGE_TYPE_COMPARE_WINDOW (enlarge_compare_window_get_type ())
G_DECLARE_FINAL_TYPE (EnlargeCompareWindow, enlarge_compare_window, ENLARGE, COMPARE_WINDOW, AdwWindow)

/* "Compare Models": runs 2–6 models (or one model at three creativity
 * values) on one region of @input, one after another on the worker, and
 * shows the results in a grid that zooms and pans as one. The settings
 * (model, creativity, scale, target size, device) are the app's GSettings,
 * which the main window follows: "Use This" writes the model and
 * creativity there, emits "used" (the model's title) and closes. */
EnlargeCompareWindow *enlarge_compare_window_new (GtkWindow    *parent,
                                                  EnlargeImage *input);

/* For tests and the window's own buttons. */
void        enlarge_compare_window_set_models       (EnlargeCompareWindow *self,
                                                     const char * const   *ids);
void        enlarge_compare_window_set_vary_creativity (EnlargeCompareWindow *self,
                                                        gboolean              vary);
void        enlarge_compare_window_run              (EnlargeCompareWindow *self);
void        enlarge_compare_window_cancel           (EnlargeCompareWindow *self);
gboolean    enlarge_compare_window_get_running      (EnlargeCompareWindow *self);
EnlargeRect enlarge_compare_window_get_region       (EnlargeCompareWindow *self);
guint       enlarge_compare_window_get_n_results    (EnlargeCompareWindow *self);
/* The labels of the cell of entry @i: model, then settings, time and
 * fidelity; NULL while it has no result. */
char       *enlarge_compare_window_get_label        (EnlargeCompareWindow *self,
                                                     guint                 i);
/* Clicks the "Use This" button of entry @i (which closes the window);
 * FALSE while it has no result. */
gboolean    enlarge_compare_window_use              (EnlargeCompareWindow *self,
                                                     guint                 i);

G_END_DECLS
