/* enlarge-compare-view.c: before/after view with split and side-by-side
 * modes, synchronized zoom and pan. */

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "enlarge-compare-view.h"

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
} RegionHit;

G_DEFINE_ENUM_TYPE (EnlargeCompareMode, enlarge_compare_mode,
  G_DEFINE_ENUM_VALUE (ENLARGE_COMPARE_SPLIT, "split"),
  G_DEFINE_ENUM_VALUE (ENLARGE_COMPARE_SIDE_BY_SIDE, "side-by-side"),
  G_DEFINE_ENUM_VALUE (ENLARGE_COMPARE_SINGLE, "single"))

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

G_DEFINE_FINAL_TYPE (EnlargeCompareView, enlarge_compare_view, GTK_TYPE_WIDGET)

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

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_VIEW_CHANGED,
  SIGNAL_REGION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
view_changed (EnlargeCompareView *self)
{
  g_signal_emit (self, signals[SIGNAL_VIEW_CHANGED], 0);
}

/* ---- geometry ----------------------------------------------------------- */

static gboolean
image_size (EnlargeCompareView *self, double *w, double *h)
{
  GdkTexture *t = self->after ? self->after : self->before;

  if (self->preview != NULL)
    {
      *w = self->preview_width;
      *h = self->preview_height;
      return TRUE;
    }
  if (t == NULL)
    return FALSE;
  *w = gdk_texture_get_width (t);
  *h = gdk_texture_get_height (t);
  return TRUE;
}

/* Whether there is something to show on the after side. */
static gboolean
has_after (EnlargeCompareView *self)
{
  return self->after != NULL || self->preview != NULL;
}

static int
n_panes (EnlargeCompareView *self)
{
  return self->mode == ENLARGE_COMPARE_SIDE_BY_SIDE && has_after (self) ? 2 : 1;
}

static graphene_rect_t
pane_rect (EnlargeCompareView *self, int pane)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));

  if (n_panes (self) == 1)
    return GRAPHENE_RECT_INIT (0, 0, w, h);
  double pw = MAX (1, (w - PANE_GAP) / 2);
  return GRAPHENE_RECT_INIT (pane * (pw + PANE_GAP), 0, pw, h);
}

static double
fit_zoom (EnlargeCompareView *self)
{
  graphene_rect_t r = pane_rect (self, 0);
  double iw, ih;

  if (!image_size (self, &iw, &ih) || r.size.width < 1 || r.size.height < 1)
    return 1.0;
  return MIN (r.size.width / iw, r.size.height / ih);
}

double
enlarge_compare_view_get_zoom (EnlargeCompareView *self)
{
  g_return_val_if_fail (ENLARGE_IS_COMPARE_VIEW (self), 1.0);
  return self->fit ? fit_zoom (self) : self->zoom;
}

gboolean
enlarge_compare_view_get_fit (EnlargeCompareView *self)
{
  g_return_val_if_fail (ENLARGE_IS_COMPARE_VIEW (self), TRUE);
  return self->fit;
}

/* Keeps the image on screen: centred where it is smaller than the pane. */
static void
clamp_center (EnlargeCompareView *self)
{
  graphene_rect_t r = pane_rect (self, 0);
  double iw, ih, z = enlarge_compare_view_get_zoom (self);

  if (!image_size (self, &iw, &ih))
    return;
  double hw = r.size.width / 2 / z, hh = r.size.height / 2 / z;
  self->cx = iw <= 2 * hw ? iw / 2 : CLAMP (self->cx, hw, iw - hw);
  self->cy = ih <= 2 * hh ? ih / 2 : CLAMP (self->cy, hh, ih - hh);
}

static void
get_center (EnlargeCompareView *self, double *cx, double *cy)
{
  double iw, ih;

  if (self->fit && image_size (self, &iw, &ih))
    {
      *cx = iw / 2;
      *cy = ih / 2;
    }
  else
    {
      *cx = self->cx;
      *cy = self->cy;
    }
}

/* The rectangle the whole image covers in widget coordinates. */
static graphene_rect_t
image_rect (EnlargeCompareView *self, int pane)
{
  graphene_rect_t r = pane_rect (self, pane);
  double iw = 1, ih = 1, cx, cy, z = enlarge_compare_view_get_zoom (self);

  image_size (self, &iw, &ih);
  get_center (self, &cx, &cy);
  /* whole screen pixels, so that 100 % lands on the pixel grid */
  double x = round (r.origin.x + r.size.width / 2 - cx * z);
  double y = round (r.origin.y + r.size.height / 2 - cy * z);
  return GRAPHENE_RECT_INIT (x, y, iw * z, ih * z);
}

static void
set_zoom_at (EnlargeCompareView *self, double zoom, double px, double py)
{
  graphene_rect_t r;
  double cx, cy, z = enlarge_compare_view_get_zoom (self);
  int pane = 0;

  if (n_panes (self) == 2 && px >= pane_rect (self, 1).origin.x)
    pane = 1;
  r = pane_rect (self, pane);
  get_center (self, &cx, &cy);
  zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);

  /* keep the image point under (px, py) where it is */
  double ix = cx + (px - (r.origin.x + r.size.width / 2)) / z;
  double iy = cy + (py - (r.origin.y + r.size.height / 2)) / z;
  self->fit = FALSE;
  self->zoom = zoom;
  self->cx = ix - (px - (r.origin.x + r.size.width / 2)) / zoom;
  self->cy = iy - (py - (r.origin.y + r.size.height / 2)) / zoom;
  clamp_center (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIT]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  view_changed (self);
}

static void
set_zoom_centered (EnlargeCompareView *self, double zoom)
{
  graphene_rect_t r = pane_rect (self, 0);

  set_zoom_at (self, zoom, r.origin.x + r.size.width / 2, r.origin.y + r.size.height / 2);
}

void
enlarge_compare_view_set_zoom (EnlargeCompareView *self, double zoom)
{
  g_return_if_fail (ENLARGE_IS_COMPARE_VIEW (self));
  set_zoom_centered (self, zoom);
}

void
enlarge_compare_view_zoom_fit (EnlargeCompareView *self)
{
  g_return_if_fail (ENLARGE_IS_COMPARE_VIEW (self));
  self->fit = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIT]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  view_changed (self);
}

void
enlarge_compare_view_zoom_in (EnlargeCompareView *self)
{
  double z = enlarge_compare_view_get_zoom (self);

  /* stop at 100 % on the way */
  set_zoom_centered (self, z < 1 && z * ZOOM_STEP > 1 ? 1 : z * ZOOM_STEP);
}

void
enlarge_compare_view_zoom_out (EnlargeCompareView *self)
{
  double z = enlarge_compare_view_get_zoom (self);

  set_zoom_centered (self, z > 1 && z / ZOOM_STEP < 1 ? 1 : z / ZOOM_STEP);
}

/* ---- drawing ------------------------------------------------------------ */

#if !GTK_CHECK_VERSION (4, 10, 0)
static void
magnified_clear (Magnified *m)
{
  g_clear_object (&m->source);
  g_clear_object (&m->magnified);
}

static const guint8 *
texture_pixels (GdkTexture *texture)
{
  GBytes *bytes = g_object_get_data (G_OBJECT (texture), "enlarge-pixels");

  if (bytes == NULL)
    {
      int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
      guint8 *data = g_malloc ((gsize) w * h * 4);

      /* cairo ARGB32: premultiplied, native endian = GDK_MEMORY_DEFAULT */
      gdk_texture_download (texture, data, (gsize) w * 4);
      bytes = g_bytes_new_take (data, (gsize) w * h * 4);
      g_object_set_data_full (G_OBJECT (texture), "enlarge-pixels", bytes,
                              (GDestroyNotify) g_bytes_unref);
    }
  return g_bytes_get_data (bytes, NULL);
}
#endif

/* Draws @texture stretched over @bounds (widget coordinates), clipped to
 * @clip; magnified textures show their pixels as squares. */
static void
draw_texture (EnlargeCompareView    *self,
              GtkSnapshot           *snapshot,
              GdkTexture            *texture,
              const graphene_rect_t *bounds,
              const graphene_rect_t *clip,
              gboolean               nearest)
{
  int tw = gdk_texture_get_width (texture), th = gdk_texture_get_height (texture);
  double m = bounds->size.width / tw;   /* screen pixels per texture pixel */

#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_snapshot_append_scaled_texture (snapshot, texture,
                                      nearest && m >= 1 ? GSK_SCALING_FILTER_NEAREST
                                                        : GSK_SCALING_FILTER_TRILINEAR,
                                      bounds);
#else
  /* GTK 4.8 has no scaling filter for texture nodes (it came with 4.10's
   * gtk_snapshot_append_scaled_texture): every texture is drawn with linear
   * filtering. To show true pixels when magnifying, the visible part is
   * enlarged here by a whole factor k ≥ m with nearest neighbour, so that
   * GTK only shrinks it by m / k ∈ (½, 1]: edges stay within a screen pixel. */
  graphene_rect_t vis;

  if (!nearest || m <= 1.01 || !graphene_rect_intersection (bounds, clip, &vis))
    {
      gtk_snapshot_append_texture (snapshot, texture, bounds);
      return;
    }

  int x0 = CLAMP ((int) floor ((vis.origin.x - bounds->origin.x) / m), 0, tw - 1);
  int y0 = CLAMP ((int) floor ((vis.origin.y - bounds->origin.y) / m), 0, th - 1);
  int x1 = CLAMP ((int) ceil ((vis.origin.x + vis.size.width - bounds->origin.x) / m), x0 + 1, tw);
  int y1 = CLAMP ((int) ceil ((vis.origin.y + vis.size.height - bounds->origin.y) / m), y0 + 1, th);
  int sw = x1 - x0, sh = y1 - y0;
  int k = (int) ceil (m - 1e-6);

  while (k > 1 && ((gint64) sw * k > MAX_MAGNIFIED || (gint64) sh * k > MAX_MAGNIFIED))
    k--;

  Magnified *c = NULL;
  for (guint i = 0; i < N_MAGNIFIED && c == NULL; i++)
    {
      Magnified *e = &self->magnified[i];
      if (e->source == texture && e->x == x0 && e->y == y0 && e->width == sw &&
          e->height == sh && e->factor == k)
        c = e;
    }
  if (c == NULL)
    {
      c = &self->magnified[self->next_magnified];
      self->next_magnified = (self->next_magnified + 1) % N_MAGNIFIED;
      const guint8 *src = texture_pixels (texture);
      gsize stride = (gsize) sw * k * 4;
      guint8 *data = g_malloc (stride * sh * k);

      for (int y = 0; y < sh; y++)
        {
          guint32 *row = (guint32 *) (data + (gsize) y * k * stride);
          const guint32 *s = (const guint32 *) (src + ((gsize) (y0 + y) * tw + x0) * 4);
          for (int x = 0; x < sw; x++)
            for (int i = 0; i < k; i++)
              row[x * k + i] = s[x];
          for (int i = 1; i < k; i++)
            memcpy (data + ((gsize) y * k + i) * stride, row, stride);
        }
      magnified_clear (c);
      g_autoptr (GBytes) bytes = g_bytes_new_take (data, stride * sh * k);
      c->magnified = gdk_memory_texture_new (sw * k, sh * k, GDK_MEMORY_DEFAULT, bytes, stride);
      c->source = g_object_ref (texture);
      c->x = x0;
      c->y = y0;
      c->width = sw;
      c->height = sh;
      c->factor = k;
    }
  gtk_snapshot_append_texture (snapshot, c->magnified,
                               &GRAPHENE_RECT_INIT (bounds->origin.x + x0 * m,
                                                    bounds->origin.y + y0 * m,
                                                    sw * m, sh * m));
#endif
}

/* The grid of textures an image is drawn from: the texture itself when it
 * is small enough, else tiles of at most TILE_SIZE a side, TILE_STEP
 * apart, that share one copy of its pixels. Kept with the texture
 * (textures are immutable). */
typedef struct {
  int cols, rows;
  GdkTexture **tiles;   /* row by row */
} Tiles;

static void
tiles_free (Tiles *t)
{
  for (int i = 0; i < t->cols * t->rows; i++)
    g_clear_object (&t->tiles[i]);
  g_free (t->tiles);
  g_free (t);
}

static Tiles *
get_tiles (GdkTexture *texture)
{
  Tiles *t = g_object_get_data (G_OBJECT (texture), "enlarge-tiles");
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);

  if (t != NULL)
    return t;
  t = g_new0 (Tiles, 1);
  t->cols = 1 + (MAX (w - TILE_SIZE, 0) + TILE_STEP - 1) / TILE_STEP;
  t->rows = 1 + (MAX (h - TILE_SIZE, 0) + TILE_STEP - 1) / TILE_STEP;
  t->tiles = g_new0 (GdkTexture *, t->cols * t->rows);
  if (t->cols * t->rows == 1)
    t->tiles[0] = g_object_ref (texture);
  else
    {
      gsize stride = (gsize) w * 4;
      guint8 *data = g_try_malloc (stride * h);
      g_autoptr (GBytes) all = NULL;

      if (data == NULL)
        {
          g_warning ("Not enough memory to show a %d × %d image", w, h);
          t->cols = t->rows = 0;
          g_object_set_data_full (G_OBJECT (texture), "enlarge-tiles", t, (GDestroyNotify) tiles_free);
          return t;
        }
      /* premultiplied, native endian: GDK_MEMORY_DEFAULT */
      gdk_texture_download (texture, data, stride);
      all = g_bytes_new_take (data, stride * h);
      for (int r = 0; r < t->rows; r++)
        for (int c = 0; c < t->cols; c++)
          {
            int x = c * TILE_STEP, y = r * TILE_STEP;
            int tw = MIN (TILE_SIZE, w - x), th = MIN (TILE_SIZE, h - y);
            gsize offset = (gsize) y * stride + (gsize) x * 4;
            g_autoptr (GBytes) part = g_bytes_new_from_bytes (all, offset,
                                                              (gsize) (th - 1) * stride + (gsize) tw * 4);

            t->tiles[r * t->cols + c] = gdk_memory_texture_new (tw, th, GDK_MEMORY_DEFAULT, part, stride);
          }
    }
  g_object_set_data_full (G_OBJECT (texture), "enlarge-tiles", t, (GDestroyNotify) tiles_free);
  return t;
}

/* draw_texture for an image of any size: each tile at its place. */
static void
draw_image (EnlargeCompareView    *self,
            GtkSnapshot           *snapshot,
            GdkTexture            *texture,
            const graphene_rect_t *bounds,
            const graphene_rect_t *clip,
            gboolean               nearest)
{
  Tiles *t = get_tiles (texture);
  double mx = bounds->size.width / gdk_texture_get_width (texture);
  double my = bounds->size.height / gdk_texture_get_height (texture);

  if (t->cols * t->rows == 1)
    {
      draw_texture (self, snapshot, texture, bounds, clip, nearest);
      return;
    }
  for (int r = 0; r < t->rows; r++)
    for (int c = 0; c < t->cols; c++)
      {
        GdkTexture *tile = t->tiles[r * t->cols + c];
        graphene_rect_t tb = GRAPHENE_RECT_INIT (bounds->origin.x + c * TILE_STEP * mx,
                                                 bounds->origin.y + r * TILE_STEP * my,
                                                 gdk_texture_get_width (tile) * mx,
                                                 gdk_texture_get_height (tile) * my);

        if (graphene_rect_intersection (&tb, clip, NULL))
          draw_texture (self, snapshot, tile, &tb, clip, nearest);
      }
}

static void
draw_label (EnlargeCompareView *self,
            GtkSnapshot        *snapshot,
            PangoLayout        *layout,
            double              x,
            double              y,
            gboolean            align_right)
{
  int lw, lh;
  const double pad = 6;
  GdkRGBA bg = { 0, 0, 0, 0.6 };
  GdkRGBA fg = { 1, 1, 1, 1 };
  GskRoundedRect rr;

  pango_layout_get_pixel_size (layout, &lw, &lh);
  if (align_right)
    x -= lw + 2 * pad;
  graphene_rect_t r = GRAPHENE_RECT_INIT (x, y, lw + 2 * pad, lh + pad);
  gsk_rounded_rect_init_from_rect (&rr, &r, (lh + pad) / 2);
  gtk_snapshot_push_rounded_clip (snapshot, &rr);
  gtk_snapshot_append_color (snapshot, &bg, &r);
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + pad, y + pad / 2));
  gtk_snapshot_append_layout (snapshot, layout, &fg);
  gtk_snapshot_restore (snapshot);
}

static void
draw_images (EnlargeCompareView    *self,
             GtkSnapshot           *snapshot,
             const graphene_rect_t *bounds,
             const graphene_rect_t *clip,
             gboolean               show_after)
{
  gtk_snapshot_push_clip (snapshot, clip);
  if (show_after && self->preview)
    {
      /* the before image dimmed, the preview at its place */
      GdkRGBA dim = { 0, 0, 0, 0.55 };
      double m = bounds->size.width / MAX (self->preview_width, 1);
      graphene_rect_t pr = GRAPHENE_RECT_INIT (bounds->origin.x + self->preview_rect.x * m,
                                               bounds->origin.y + self->preview_rect.y * m,
                                               self->preview_rect.width * m,
                                               self->preview_rect.height * m);

      draw_image (self, snapshot, self->before, bounds, clip, FALSE);
      gtk_snapshot_append_color (snapshot, &dim, bounds);
      draw_image (self, snapshot, self->preview, &pr, clip, TRUE);
      gtk_snapshot_pop (snapshot);
      return;
    }
  if (!show_after || self->partial || self->after == NULL)
    draw_image (self, snapshot, self->before, bounds, clip, FALSE);
  if (show_after && self->after)
    draw_image (self, snapshot, self->after, bounds, clip, TRUE);
  gtk_snapshot_pop (snapshot);
}

/* The region in widget coordinates, for @pane. */
static graphene_rect_t
region_rect (EnlargeCompareView *self, int pane)
{
  graphene_rect_t ir = image_rect (self, pane);
  double m = ir.size.width / MAX (gdk_texture_get_width (self->before), 1);

  return GRAPHENE_RECT_INIT (ir.origin.x + self->region.x * m, ir.origin.y + self->region.y * m,
                             self->region.width * m, self->region.height * m);
}

static void
draw_region (EnlargeCompareView *self,
             GtkSnapshot        *snapshot,
             int                 pane)
{
  graphene_rect_t clip = pane_rect (self, pane);
  graphene_rect_t r = region_rect (self, pane);
  GdkRGBA light = { 1, 1, 1, 0.95 };
  GdkRGBA dark = { 0, 0, 0, 0.6 };
  GskRoundedRect outer, inner;
  const double hs = 4;   /* half a corner handle */

  r.origin.x = round (r.origin.x);
  r.origin.y = round (r.origin.y);
  r.size.width = MAX (round (r.size.width), 2);
  r.size.height = MAX (round (r.size.height), 2);

  gtk_snapshot_push_clip (snapshot, &clip);
  /* a white line between two dark ones, so it shows on any picture */
  gsk_rounded_rect_init_from_rect (&outer, &GRAPHENE_RECT_INIT (r.origin.x - 2, r.origin.y - 2,
                                                                r.size.width + 4, r.size.height + 4), 0);
  gtk_snapshot_append_border (snapshot, &outer, (float[4]) { 1, 1, 1, 1 },
                              (GdkRGBA[4]) { dark, dark, dark, dark });
  gsk_rounded_rect_init_from_rect (&inner, &GRAPHENE_RECT_INIT (r.origin.x - 1, r.origin.y - 1,
                                                                r.size.width + 2, r.size.height + 2), 0);
  gtk_snapshot_append_border (snapshot, &inner, (float[4]) { 2, 2, 2, 2 },
                              (GdkRGBA[4]) { light, light, light, light });
  for (int i = 0; i < 4; i++)
    {
      double cx = i & 1 ? r.origin.x + r.size.width : r.origin.x;
      double cy = i & 2 ? r.origin.y + r.size.height : r.origin.y;
      graphene_rect_t h = GRAPHENE_RECT_INIT (cx - hs - 1, cy - hs - 1, 2 * hs + 2, 2 * hs + 2);

      gtk_snapshot_append_color (snapshot, &dark, &h);
      gtk_snapshot_append_color (snapshot, &light,
                                 &GRAPHENE_RECT_INIT (cx - hs, cy - hs, 2 * hs, 2 * hs));
    }
  gtk_snapshot_pop (snapshot);
}

static void draw_view (EnlargeCompareView *self, GtkSnapshot *snapshot);

static void
enlarge_compare_view_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  EnlargeCompareView *self = ENLARGE_COMPARE_VIEW (widget);

  if (self->before == NULL)
    return;
  draw_view (self, snapshot);
  if (self->has_region)
    for (int pane = 0; pane < n_panes (self); pane++)
      draw_region (self, snapshot, pane);
}

static void
draw_view (EnlargeCompareView *self,
           GtkSnapshot        *snapshot)
{
  GtkWidget *widget = GTK_WIDGET (self);
  double w = gtk_widget_get_width (widget);
  double h = gtk_widget_get_height (widget);

  if (self->before == NULL || w < 1 || h < 1)
    return;

  if (!self->fit)
    clamp_center (self);

  if (n_panes (self) == 2)
    {
      for (int pane = 0; pane < 2; pane++)
        {
          graphene_rect_t pr = pane_rect (self, pane);
          graphene_rect_t ir = image_rect (self, pane);

          draw_images (self, snapshot, &ir, &pr, pane == 1);
          draw_label (self, snapshot, pane ? self->after_layout : self->before_layout,
                      pr.origin.x + 12, 12, FALSE);
        }
      return;
    }

  graphene_rect_t ir = image_rect (self, 0);
  if (self->mode == ENLARGE_COMPARE_SINGLE && self->preview)
    {
      draw_images (self, snapshot, &ir, &GRAPHENE_RECT_INIT (0, 0, w, h), TRUE);
      return;
    }
  if (self->mode == ENLARGE_COMPARE_SINGLE)
    {
      gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
      draw_image (self, snapshot, self->after ? self->after : self->before, &ir,
                    &GRAPHENE_RECT_INIT (0, 0, w, h), TRUE);
      gtk_snapshot_pop (snapshot);
      return;
    }
  if (!has_after (self))
    {
      draw_images (self, snapshot, &ir, &GRAPHENE_RECT_INIT (0, 0, w, h), FALSE);
      return;
    }

  double dx = round (self->divider * w);
  draw_images (self, snapshot, &ir, &GRAPHENE_RECT_INIT (0, 0, dx, h), FALSE);
  draw_images (self, snapshot, &ir, &GRAPHENE_RECT_INIT (dx, 0, w - dx, h), TRUE);

  /* the divider: a light line with a dark edge, and a round handle */
  GdkRGBA light = { 1, 1, 1, 0.95 };
  GdkRGBA dark = { 0, 0, 0, 0.35 };
  gtk_snapshot_append_color (snapshot, &dark, &GRAPHENE_RECT_INIT (dx - 2, 0, 4, h));
  gtk_snapshot_append_color (snapshot, &light, &GRAPHENE_RECT_INIT (dx - 1, 0, 2, h));

  const double r = 14;
  GskRoundedRect handle;
  gsk_rounded_rect_init_from_rect (&handle, &GRAPHENE_RECT_INIT (dx - r, h / 2 - r, 2 * r, 2 * r), r);
  gtk_snapshot_push_rounded_clip (snapshot, &handle);
  gtk_snapshot_append_color (snapshot, &light, &handle.bounds);
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_append_border (snapshot, &handle, (float[4]) { 1, 1, 1, 1 },
                              (GdkRGBA[4]) { dark, dark, dark, dark });
  /* two small arrows on the handle */
  GdkRGBA ink = { 0.2, 0.2, 0.2, 1 };
  for (int i = 0; i < 4; i++)
    {
      double len = 2 * (4 - i);
      gtk_snapshot_append_color (snapshot, &ink,
                                 &GRAPHENE_RECT_INIT (dx - 9 + i, h / 2 - len / 2, 1, len));
      gtk_snapshot_append_color (snapshot, &ink,
                                 &GRAPHENE_RECT_INIT (dx + 8 - i, h / 2 - len / 2, 1, len));
    }

  if (dx > 80)
    draw_label (self, snapshot, self->before_layout, 12, 12, FALSE);
  if (w - dx > 80)
    draw_label (self, snapshot, self->after_layout, w - 12, 12, TRUE);
}

static void
enlarge_compare_view_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  *minimum = 64;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 360;
}

/* ---- input -------------------------------------------------------------- */

static void
begin_pan (EnlargeCompareView *self)
{
  if (self->fit)
    {
      double cx, cy;
      get_center (self, &cx, &cy);
      self->zoom = fit_zoom (self);
      self->cx = cx;
      self->cy = cy;
    }
}

static int
pane_at (EnlargeCompareView *self, double x)
{
  return n_panes (self) == 2 && x >= pane_rect (self, 1).origin.x ? 1 : 0;
}

/* What a drag starting at (@x, @y) does to the region. */
static RegionHit
region_hit (EnlargeCompareView *self, double x, double y)
{
  graphene_rect_t r;

  if (!self->has_region || self->before == NULL)
    return REGION_NONE;
  r = region_rect (self, pane_at (self, x));
  for (int i = 0; i < 4; i++)
    {
      double cx = i & 1 ? r.origin.x + r.size.width : r.origin.x;
      double cy = i & 2 ? r.origin.y + r.size.height : r.origin.y;

      if (fabs (x - cx) <= CORNER_GRAB && fabs (y - cy) <= CORNER_GRAB)
        return REGION_TOP_LEFT + i;
    }
  if (graphene_rect_contains_point (&r, &GRAPHENE_POINT_INIT (x, y)))
    return REGION_MOVE;
  return REGION_NONE;
}

/* Widget point → before-image pixels, in @pane. */
static void
to_input (EnlargeCompareView *self, int pane, double x, double y, double *ix, double *iy)
{
  graphene_rect_t ir = image_rect (self, pane);
  double m = ir.size.width / MAX (gdk_texture_get_width (self->before), 1);

  *ix = (x - ir.origin.x) / m;
  *iy = (y - ir.origin.y) / m;
}

static gboolean
on_divider (EnlargeCompareView *self, double x)
{
  return n_panes (self) == 1 && has_after (self) && self->mode != ENLARGE_COMPARE_SINGLE &&
         fabs (x - self->divider * gtk_widget_get_width (GTK_WIDGET (self))) <= DIVIDER_GRAB;
}

static void
on_drag_begin (GtkGestureDrag     *gesture,
               double              x,
               double              y,
               EnlargeCompareView *self)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));

  if (self->before == NULL)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  /* a corner of the region, then the divider, then inside the region */
  self->region_drag = region_hit (self, x, y);
  self->dragging_divider = FALSE;
  if (self->region_drag == REGION_MOVE && on_divider (self, x))
    self->region_drag = REGION_NONE;
  if (self->region_drag != REGION_NONE)
    {
      self->drag_region = self->region;
      self->drag_pane = pane_at (self, x);
      return;
    }
  self->dragging_divider = fabs (x - self->divider * w) <= DIVIDER_GRAB && on_divider (self, x);
  if (!self->dragging_divider)
    {
      begin_pan (self);
      get_center (self, &self->drag_cx, &self->drag_cy);
    }
}

static void
on_drag_update (GtkGestureDrag     *gesture,
                double              dx,
                double              dy,
                EnlargeCompareView *self)
{
  double sx, sy;

  gtk_gesture_drag_get_start_point (gesture, &sx, &sy);
  if (self->region_drag != REGION_NONE)
    {
      double x0, y0, x1, y1;
      int bw = gdk_texture_get_width (self->before), bh = gdk_texture_get_height (self->before);
      EnlargeRect s = self->drag_region, r = s;

      to_input (self, self->drag_pane, sx, sy, &x0, &y0);
      to_input (self, self->drag_pane, sx + dx, sy + dy, &x1, &y1);
      if (self->region_drag == REGION_MOVE)
        {
          r.x = CLAMP (s.x + (int) round (x1 - x0), 0, bw - s.width);
          r.y = CLAMP (s.y + (int) round (y1 - y0), 0, bh - s.height);
        }
      else
        {
          /* the opposite corner stays where it is */
          int i = self->region_drag - REGION_TOP_LEFT;
          int px = CLAMP ((int) round (x1), 0, bw), py = CLAMP ((int) round (y1), 0, bh);
          int left = s.x, right = s.x + s.width, top = s.y, bottom = s.y + s.height;

          if (i & 1)
            right = MIN (MAX (px, left + MIN_REGION), bw);
          else
            left = MAX (MIN (px, right - MIN_REGION), 0);
          if (i & 2)
            bottom = MIN (MAX (py, top + MIN_REGION), bh);
          else
            top = MAX (MIN (py, bottom - MIN_REGION), 0);
          r = (EnlargeRect) { left, top, right - left, bottom - top };
        }
      enlarge_compare_view_set_region (self, &r);
      return;
    }
  if (self->dragging_divider)
    {
      double w = gtk_widget_get_width (GTK_WIDGET (self));
      enlarge_compare_view_set_divider (self, (sx + dx) / MAX (w, 1));
      return;
    }

  double z = enlarge_compare_view_get_zoom (self);
  if (self->fit)
    {
      /* panning a fitted image only makes sense once it is larger */
      double iw, ih;
      graphene_rect_t r = pane_rect (self, 0);
      if (!image_size (self, &iw, &ih) ||
          (iw * z <= r.size.width + 0.5 && ih * z <= r.size.height + 0.5))
        return;
      self->fit = FALSE;
      self->zoom = z;
    }
  self->cx = self->drag_cx - dx / z;
  self->cy = self->drag_cy - dy / z;
  clamp_center (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  view_changed (self);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           EnlargeCompareView       *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  double z = enlarge_compare_view_get_zoom (self);

  if (self->before == NULL)
    return FALSE;

  if (state & GDK_CONTROL_MASK)
    {
      if (self->pointer_x >= 0)
        set_zoom_at (self, z * pow (ZOOM_STEP, -dy), self->pointer_x, self->pointer_y);
      else
        set_zoom_centered (self, z * pow (ZOOM_STEP, -dy));
      return TRUE;
    }

  if (self->fit)
    return FALSE;
  self->cx += dx * 40 / z;
  self->cy += dy * 40 / z;
  clamp_center (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  view_changed (self);
  return TRUE;
}

static void
on_zoom_begin (GtkGesture         *gesture,
               GdkEventSequence   *sequence,
               EnlargeCompareView *self)
{
  self->zoom_start = enlarge_compare_view_get_zoom (self);
}

static void
on_zoom_scale_changed (GtkGestureZoom     *gesture,
                       double              scale,
                       EnlargeCompareView *self)
{
  double x, y;

  if (gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    set_zoom_at (self, self->zoom_start * scale, x, y);
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           EnlargeCompareView       *self)
{
  static const char *cursors[] = { NULL, "move", "nwse-resize", "nesw-resize",
                                   "nesw-resize", "nwse-resize" };
  RegionHit hit = region_hit (self, x, y);
  gboolean divider = on_divider (self, x);

  self->pointer_x = x;
  self->pointer_y = y;
  if (hit == REGION_MOVE && divider)
    hit = REGION_NONE;
  if (hit != REGION_NONE)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), cursors[hit]);
  else
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), divider ? "col-resize" : "grab");
}

static void
on_leave (GtkEventControllerMotion *controller,
          EnlargeCompareView       *self)
{
  self->pointer_x = self->pointer_y = -1;
}

/* ---- GObject ------------------------------------------------------------ */

static void
enlarge_compare_view_dispose (GObject *object)
{
  EnlargeCompareView *self = ENLARGE_COMPARE_VIEW (object);

  g_clear_object (&self->before);
  g_clear_object (&self->after);
  g_clear_object (&self->preview);
  g_clear_object (&self->before_layout);
  g_clear_object (&self->after_layout);
  for (guint i = 0; i < N_MAGNIFIED; i++)
    {
      g_clear_object (&self->magnified[i].source);
      g_clear_object (&self->magnified[i].magnified);
    }

  G_OBJECT_CLASS (enlarge_compare_view_parent_class)->dispose (object);
}

static void
enlarge_compare_view_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  EnlargeCompareView *self = ENLARGE_COMPARE_VIEW (object);

  switch (prop_id)
    {
    case PROP_BEFORE:
      g_value_set_object (value, self->before);
      break;
    case PROP_AFTER:
      g_value_set_object (value, self->after);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_DIVIDER:
      g_value_set_double (value, self->divider);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, enlarge_compare_view_get_zoom (self));
      break;
    case PROP_FIT:
      g_value_set_boolean (value, self->fit);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlarge_compare_view_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  EnlargeCompareView *self = ENLARGE_COMPARE_VIEW (object);

  switch (prop_id)
    {
    case PROP_BEFORE:
      enlarge_compare_view_set_before (self, g_value_get_object (value));
      break;
    case PROP_AFTER:
      enlarge_compare_view_set_after (self, g_value_get_object (value), FALSE);
      break;
    case PROP_MODE:
      enlarge_compare_view_set_mode (self, g_value_get_enum (value));
      break;
    case PROP_DIVIDER:
      enlarge_compare_view_set_divider (self, g_value_get_double (value));
      break;
    case PROP_ZOOM:
      enlarge_compare_view_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_FIT:
      if (g_value_get_boolean (value))
        enlarge_compare_view_zoom_fit (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlarge_compare_view_class_init (EnlargeCompareViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enlarge_compare_view_dispose;
  object_class->get_property = enlarge_compare_view_get_property;
  object_class->set_property = enlarge_compare_view_set_property;

  widget_class->snapshot = enlarge_compare_view_snapshot;
  widget_class->measure = enlarge_compare_view_measure;

  properties[PROP_BEFORE] =
    g_param_spec_object ("before", NULL, NULL, GDK_TYPE_TEXTURE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_AFTER] =
    g_param_spec_object ("after", NULL, NULL, GDK_TYPE_TEXTURE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, ENLARGE_TYPE_COMPARE_MODE, ENLARGE_COMPARE_SPLIT,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DIVIDER] =
    g_param_spec_double ("divider", NULL, NULL, 0, 1, 0.5,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, MIN_ZOOM, MAX_ZOOM, 1,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FIT] =
    g_param_spec_boolean ("fit", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * EnlargeCompareView::view-changed:
   *
   * The user panned or zoomed (see enlarge_compare_view_set_view).
   */
  signals[SIGNAL_VIEW_CHANGED] =
    g_signal_new ("view-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * EnlargeCompareView::region-changed:
   *
   * The region was moved, resized, shown or hidden.
   */
  signals[SIGNAL_REGION_CHANGED] =
    g_signal_new ("region-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "compare-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
enlarge_compare_view_init (EnlargeCompareView *self)
{
  GtkGesture *drag, *zoom;
  GtkEventController *scroll, *motion;

  self->fit = TRUE;
  self->zoom = 1;
  self->divider = 0.5;
  self->pointer_x = self->pointer_y = -1;
  self->mode = ENLARGE_COMPARE_SPLIT;

  self->before_layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), _("Before"));
  self->after_layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), _("After"));

  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  zoom = gtk_gesture_zoom_new ();
  g_signal_connect (zoom, "begin", G_CALLBACK (on_zoom_begin), self);
  g_signal_connect (zoom, "scale-changed", G_CALLBACK (on_zoom_scale_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (zoom));
  gtk_gesture_group (zoom, drag);

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}

GtkWidget *
enlarge_compare_view_new (void)
{
  return g_object_new (ENLARGE_TYPE_COMPARE_VIEW, NULL);
}

void
enlarge_compare_view_set_before (EnlargeCompareView *self, GdkTexture *before)
{
  g_return_if_fail (ENLARGE_IS_COMPARE_VIEW (self));

  if (g_set_object (&self->before, before))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BEFORE]);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

GdkTexture *
enlarge_compare_view_get_before (EnlargeCompareView *self)
{
  g_return_val_if_fail (ENLARGE_IS_COMPARE_VIEW (self), NULL);
  return self->before;
}

/* The image coordinates changed scale from @old_w wide: keep showing the
 * same part of the picture at the same size on screen. */
static void
keep_view (EnlargeCompareView *self, double old_w)
{
  double old_h, new_w;

  if (!self->fit && old_w > 0 && image_size (self, &new_w, &old_h) && new_w != old_w)
    {
      /* the image coordinates changed scale: keep showing the same part
       * of the picture at the same size on screen */
      double k = new_w / old_w;
      self->zoom = CLAMP (self->zoom / k, MIN_ZOOM, MAX_ZOOM);
      self->cx *= k;
      self->cy *= k;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
    }
}

void
enlarge_compare_view_set_after (EnlargeCompareView *self,
                                GdkTexture         *after,
                                gboolean            partial)
{
  double old_w = 0, old_h;

  g_return_if_fail (ENLARGE_IS_COMPARE_VIEW (self));

  image_size (self, &old_w, &old_h);
  self->partial = partial;
  if (g_set_object (&self->after, after))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AFTER]);
  keep_view (self, old_w);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GdkTexture *
enlarge_compare_view_get_after (EnlargeCompareView *self)
{
  g_return_val_if_fail (ENLARGE_IS_COMPARE_VIEW (self), NULL);
  return self->after;
}

void
enlarge_compare_view_set_mode (EnlargeCompareView *self, EnlargeCompareMode mode)
{
  g_return_if_fail (ENLARGE_IS_COMPARE_VIEW (self));

  if (self->mode == mode)
    return;
  self->mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

EnlargeCompareMode
enlarge_compare_view_get_mode (EnlargeCompareView *self)
{
  g_return_val_if_fail (ENLARGE_IS_COMPARE_VIEW (self), ENLARGE_COMPARE_SPLIT);
  return self->mode;
}

void
enlarge_compare_view_set_divider (EnlargeCompareView *self, double position)
{
  g_return_if_fail (ENLARGE_IS_COMPARE_VIEW (self));

  position = CLAMP (position, 0, 1);
  if (self->divider == position)
    return;
  self->divider = position;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIVIDER]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
enlarge_compare_view_get_divider (EnlargeCompareView *self)
{
  g_return_val_if_fail (ENLARGE_IS_COMPARE_VIEW (self), 0.5);
  return self->divider;
}

void
enlarge_compare_view_get_view (EnlargeCompareView *self, double *zoom,
                               double *center_x, double *center_y, gboolean *fit)
{
  g_return_if_fail (ENLARGE_IS_COMPARE_VIEW (self));

  *zoom = enlarge_compare_view_get_zoom (self);
  get_center (self, center_x, center_y);
  *fit = self->fit;
}

void
enlarge_compare_view_set_view (EnlargeCompareView *self, double zoom,
                               double center_x, double center_y, gboolean fit)
{
  g_return_if_fail (ENLARGE_IS_COMPARE_VIEW (self));

  self->fit = fit;
  if (!fit)
    {
      self->zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);
      self->cx = center_x;
      self->cy = center_y;
      clamp_center (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIT]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
enlarge_compare_view_get_n_textures (EnlargeCompareView *self)
{
  guint n = 0;

  g_return_val_if_fail (ENLARGE_IS_COMPARE_VIEW (self), 0);
  if (self->before)
    {
      Tiles *t = get_tiles (self->before);
      n += t->cols * t->rows;
    }
  if (self->after)
    {
      Tiles *t = get_tiles (self->after);
      n += t->cols * t->rows;
    }
  return n;
}

void
enlarge_compare_view_set_region (EnlargeCompareView *self, const EnlargeRect *region)
{
  EnlargeRect r = { 0 };

  g_return_if_fail (ENLARGE_IS_COMPARE_VIEW (self));

  if (region != NULL)
    {
      int bw = self->before ? gdk_texture_get_width (self->before) : region->x + region->width;
      int bh = self->before ? gdk_texture_get_height (self->before) : region->y + region->height;

      r.width = CLAMP (region->width, MIN (MIN_REGION, bw), bw);
      r.height = CLAMP (region->height, MIN (MIN_REGION, bh), bh);
      r.x = CLAMP (region->x, 0, bw - r.width);
      r.y = CLAMP (region->y, 0, bh - r.height);
    }
  if ((region != NULL) == self->has_region &&
      (!self->has_region || memcmp (&r, &self->region, sizeof r) == 0))
    return;
  self->has_region = region != NULL;
  self->region = r;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_REGION_CHANGED], 0);
}

gboolean
enlarge_compare_view_get_region (EnlargeCompareView *self, EnlargeRect *region)
{
  g_return_val_if_fail (ENLARGE_IS_COMPARE_VIEW (self), FALSE);

  if (region != NULL)
    *region = self->region;
  return self->has_region;
}

void
enlarge_compare_view_set_preview (EnlargeCompareView *self,
                                  GdkTexture         *preview,
                                  const EnlargeRect  *rect,
                                  int                 width,
                                  int                 height)
{
  double old_w = 0, old_h;

  g_return_if_fail (ENLARGE_IS_COMPARE_VIEW (self));
  g_return_if_fail (preview == NULL || (rect != NULL && width > 0 && height > 0));

  image_size (self, &old_w, &old_h);
  g_set_object (&self->preview, preview);
  if (preview != NULL)
    {
      self->preview_rect = *rect;
      self->preview_width = width;
      self->preview_height = height;
    }
  keep_view (self, old_w);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GdkTexture *
enlarge_compare_view_get_preview (EnlargeCompareView *self)
{
  g_return_val_if_fail (ENLARGE_IS_COMPARE_VIEW (self), NULL);
  return self->preview;
}
