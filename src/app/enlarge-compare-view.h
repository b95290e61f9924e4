#pragma once

#include <gtk/gtk.h>
#include "enlarge.h"

G_BEGIN_DECLS

typedef enum {
  ENLARGE_COMPARE_SPLIT,         /* one image, before left of a divider */
  ENLARGE_COMPARE_SIDE_BY_SIDE,  /* two panes */
  ENLARGE_COMPARE_SINGLE,        /* the after image alone (the before one
                                    while there is none), true pixels when
                                    magnified: a cell of the model grid */
} EnlargeCompareMode;

GType enlarge_compare_mode_get_type (void);
#define ENLARGE_TYPE_COMPARE_MODE (enlarge_compare_mode_get_type ())

#define ENLARGE_TYPE_COMPARE_VIEW (enlarge_compare_view_get_type ())
G_DECLARE_FINAL_TYPE (EnlargeCompareView, enlarge_compare_view, ENLARGE, COMPARE_VIEW, GtkWidget)

GtkWidget *enlarge_compare_view_new (void);

/* The input. It is drawn at the after image's size so that the same point
 * of both lines up. */
void        enlarge_compare_view_set_before (EnlargeCompareView *self, GdkTexture *before);
GdkTexture *enlarge_compare_view_get_before (EnlargeCompareView *self);
/* The result; @partial: still being computed, so transparent parts show
 * the before image. */
void        enlarge_compare_view_set_after  (EnlargeCompareView *self,
                                             GdkTexture         *after,
                                             gboolean            partial);
GdkTexture *enlarge_compare_view_get_after  (EnlargeCompareView *self);

void               enlarge_compare_view_set_mode (EnlargeCompareView *self, EnlargeCompareMode mode);
EnlargeCompareMode enlarge_compare_view_get_mode (EnlargeCompareView *self);

/* Position of the split divider, 0 … 1 of the width. */
void   enlarge_compare_view_set_divider (EnlargeCompareView *self, double position);
double enlarge_compare_view_get_divider (EnlargeCompareView *self);

/* Screen pixels per after-image pixel, whether fitting or not. */
double   enlarge_compare_view_get_zoom (EnlargeCompareView *self);
gboolean enlarge_compare_view_get_fit  (EnlargeCompareView *self);
void     enlarge_compare_view_set_zoom (EnlargeCompareView *self, double zoom);
void     enlarge_compare_view_zoom_fit (EnlargeCompareView *self);
void     enlarge_compare_view_zoom_in  (EnlargeCompareView *self);
void     enlarge_compare_view_zoom_out (EnlargeCompareView *self);

/* What is shown: zoom, the image point at the centre, whether fitting.
 * "view-changed" is emitted when the user pans or zooms; set_view does not
 * emit it, so views of images of one size can follow each other. */
void enlarge_compare_view_get_view (EnlargeCompareView *self, double *zoom,
                                    double *center_x, double *center_y, gboolean *fit);
void enlarge_compare_view_set_view (EnlargeCompareView *self, double zoom,
                                    double center_x, double center_y, gboolean fit);

/* The region rectangle, in before-image (input) pixels, drawn over the
 * image; the user moves it by dragging inside it and resizes it by
 * dragging a corner. NULL hides it. "region-changed" is emitted whenever
 * it changes, by the user or by set_region. get_region is FALSE when it
 * is hidden. */
void     enlarge_compare_view_set_region (EnlargeCompareView *self, const EnlargeRect *region);
gboolean enlarge_compare_view_get_region (EnlargeCompareView *self, EnlargeRect *region);

/* A result for part of the output only: @preview covers @rect of a
 * @width × @height output. While set, the after side shows the before
 * image dimmed with @preview at its place, at the output's scale (it
 * takes the place of the after image). NULL removes it. */
void        enlarge_compare_view_set_preview (EnlargeCompareView *self,
                                              GdkTexture         *preview,
                                              const EnlargeRect  *rect,
                                              int                 width,
                                              int                 height);
GdkTexture *enlarge_compare_view_get_preview (EnlargeCompareView *self);

/* How many textures the before and after images are drawn from: one each,
 * or a grid of tiles of at most 4096 × 4096 for larger images. */
guint enlarge_compare_view_get_n_textures (EnlargeCompareView *self);

G_END_DECLS
