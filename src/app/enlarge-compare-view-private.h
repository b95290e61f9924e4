/* enlarge-compare-view-private.h: what the files of EnlargeCompareView
 * share (enlarge-compare-view.c and its -draw, -input and -zoom parts). */

#pragma once

#include "enlarge-compare-view.h"
#include "enlarge-job.h"

G_BEGIN_DECLS

#define MIN_ZOOM 0.02
#define MAX_ZOOM 32.0
#define ZOOM_STEP 1.25
#define PANE_GAP 2.0
#define DIVIDER_GRAB 16.0
/* On GTK 4.8, magnified parts are enlarged on the CPU up to this size. */
#define MAX_MAGNIFIED 4096
/* Images are drawn from textures of at most this size a side, a grid of
 * them for larger images: GL renderers cannot upload a texture larger
 * than their maximum size (16384 or 8192 on GTK 4.8, less on some GPUs). */
#define TILE_SIZE 4096
/* Neighbouring tiles share this many pixels, and each is drawn over the
 * one before: where a tile's edge falls between screen pixels, the tile
 * below shows through its antialiased edge instead of the background (a
 * visible hairline otherwise). */
#define TILE_OVERLAP 2
#define TILE_STEP (TILE_SIZE - TILE_OVERLAP)
/* Magnified parts kept, a few tiles' worth. */
#define N_MAGNIFIED 4
/* The region: corners grab this far (screen pixels), and it is at least
 * this many input pixels a side. */
#define CORNER_GRAB 12.0
#define MIN_REGION 8

typedef enum {
  REGION_NONE,
  REGION_MOVE,
  REGION_TOP_LEFT,
  REGION_TOP_RIGHT,
  REGION_BOTTOM_LEFT,
  REGION_BOTTOM_RIGHT,
  REGION_DRAW,          /* a new region, from where the drag began */
} RegionHit;

typedef struct {
  /* what the cached texture was made from */
  GdkTexture *source;
  int x, y, width, height, factor;
  GdkTexture *magnified;
} Magnified;

struct _EnlargeCompareView
{
  GtkWidget parent_instance;

  GdkTexture *before;
  GdkTexture *after;
  gboolean partial;
  EnlargeCompareMode mode;

  gboolean fit;
  double zoom;        /* when !fit */
  double cx, cy;      /* image point at the centre of a pane, when !fit */
  double divider;

  /* gestures */
  gboolean dragging_divider;
  double drag_cx, drag_cy;
  double zoom_start;
  double pointer_x, pointer_y;   /* -1 when outside */
  RegionHit region_drag;         /* what the drag does to the region */
  EnlargeRect drag_region;       /* the region when the drag began */
  int drag_pane;

  /* the region rectangle, in before-image pixels */
  gboolean has_region;
  EnlargeRect region;

  /* a result for part of the output */
  GdkTexture *preview;
  EnlargeRect preview_rect;
  int preview_width, preview_height;

  PangoLayout *before_layout;
  PangoLayout *after_layout;

  Magnified magnified[N_MAGNIFIED];
  guint next_magnified;
};


enum {
  PROP_0,
  PROP_BEFORE,
  PROP_AFTER,
  PROP_MODE,
  PROP_DIVIDER,
  PROP_ZOOM,
  PROP_FIT,
  N_PROPS
};

/* The grid of textures an image is drawn from: the texture itself when it
 * is small enough, else tiles of at most TILE_SIZE a side, TILE_STEP
 * apart, that share one copy of its pixels. Kept with the texture
 * (textures are immutable). */
typedef struct {
  int cols, rows;
  GdkTexture **tiles;   /* row by row */
} Tiles;

extern GParamSpec *_ecv_properties[N_PROPS];

/* enlarge-compare-view.c */
void _ecv_view_changed (EnlargeCompareView *self);

/* enlarge-compare-view-zoom.c: geometry, in widget coordinates */
gboolean        _ecv_image_size        (EnlargeCompareView *self, double *w, double *h);
gboolean        _ecv_has_after         (EnlargeCompareView *self);
int             _ecv_n_panes           (EnlargeCompareView *self);
graphene_rect_t _ecv_pane_rect         (EnlargeCompareView *self, int pane);
double          _ecv_fit_zoom          (EnlargeCompareView *self);
void            _ecv_clamp_center      (EnlargeCompareView *self);
void            _ecv_get_center        (EnlargeCompareView *self, double *cx, double *cy);
graphene_rect_t _ecv_image_rect        (EnlargeCompareView *self, int pane);
void            _ecv_set_zoom_at       (EnlargeCompareView *self, double zoom, double px, double py);
void            _ecv_set_zoom_centered (EnlargeCompareView *self, double zoom);

/* enlarge-compare-view-draw.c */
void            _ecv_snapshot    (GtkWidget *widget, GtkSnapshot *snapshot);
void            _ecv_measure     (GtkWidget *widget, GtkOrientation orientation, int for_size,
                                  int *minimum, int *natural,
                                  int *minimum_baseline, int *natural_baseline);
Tiles          *_ecv_get_tiles   (GdkTexture *texture);
graphene_rect_t _ecv_region_rect (EnlargeCompareView *self, int pane);

/* enlarge-compare-view-input.c */
void _ecv_input_init (EnlargeCompareView *self);

G_END_DECLS
