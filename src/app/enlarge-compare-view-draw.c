/* enlarge-compare-view-draw.c: drawing an EnlargeCompareView: the images
 * (tiled when larger than a texture may be, magnified pixels as squares),
 * the divider, the labels, the region and a partial preview. */

#include "config.h"

#include <math.h>
#include <string.h>

#include "enlarge-compare-view-private.h"

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

static void
tiles_free (Tiles *t)
{
  for (int i = 0; i < t->cols * t->rows; i++)
    g_clear_object (&t->tiles[i]);
  g_free (t->tiles);
  g_free (t);
}

Tiles *
_ecv_get_tiles (GdkTexture *texture)
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
  Tiles *t = _ecv_get_tiles (texture);
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

/* Grey squares where an image is see-through, as image editors show it,
 * instead of the view's background passing for the picture's. Each
 * square is its own node on whole pixels, only where @clip shows them: a
 * repeat node drifts off the pixel grid in GTK 4.8's cairo renderer (its
 * pattern scaled by the fractional size of a fitted picture), which
 * blurred every square's edge. */
static void
draw_checkerboard (GtkSnapshot           *snapshot,
                   const graphene_rect_t *bounds,
                   const graphene_rect_t *clip)
{
  const GdkRGBA light = { 0.80, 0.80, 0.80, 1 }, dark = { 0.60, 0.60, 0.60, 1 };
  const int step = 8;
  graphene_rect_t area;
  double x0 = floor (bounds->origin.x), y0 = floor (bounds->origin.y);

  if (!graphene_rect_intersection (bounds, clip, &area))
    return;
  gtk_snapshot_append_color (snapshot, &light, &area);
  for (int j = (int) floor ((area.origin.y - y0) / step); y0 + j * step < area.origin.y + area.size.height; j++)
    for (int i = (int) floor ((area.origin.x - x0) / step); x0 + i * step < area.origin.x + area.size.width; i++)
      if ((i + j) % 2 == 0)
        {
          graphene_rect_t square = GRAPHENE_RECT_INIT (x0 + i * step, y0 + j * step, step, step), visible;

          if (graphene_rect_intersection (&square, &area, &visible))
            gtk_snapshot_append_color (snapshot, &dark, &visible);
        }
}

static gboolean
has_alpha (GdkTexture *texture)
{
  return texture != NULL && g_object_get_data (G_OBJECT (texture), ENLARGE_TEXTURE_HAS_ALPHA) != NULL;
}

static void
draw_images (EnlargeCompareView    *self,
             GtkSnapshot           *snapshot,
             const graphene_rect_t *bounds,
             const graphene_rect_t *clip,
             gboolean               show_after)
{
  gtk_snapshot_push_clip (snapshot, clip);
  if (has_alpha (self->before) || (show_after && has_alpha (self->after)))
    draw_checkerboard (snapshot, bounds, clip);
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
graphene_rect_t
_ecv_region_rect (EnlargeCompareView *self, int pane)
{
  graphene_rect_t ir = _ecv_image_rect (self, pane);
  double m = ir.size.width / MAX (gdk_texture_get_width (self->before), 1);

  return GRAPHENE_RECT_INIT (ir.origin.x + self->region.x * m, ir.origin.y + self->region.y * m,
                             self->region.width * m, self->region.height * m);
}

static void
draw_region (EnlargeCompareView *self,
             GtkSnapshot        *snapshot,
             int                 pane)
{
  graphene_rect_t clip = _ecv_pane_rect (self, pane);
  graphene_rect_t r = _ecv_region_rect (self, pane);
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

void
_ecv_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  EnlargeCompareView *self = ENLARGE_COMPARE_VIEW (widget);

  if (self->before == NULL)
    return;
  draw_view (self, snapshot);
  if (self->has_region)
    for (int pane = 0; pane < _ecv_n_panes (self); pane++)
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
    _ecv_clamp_center (self);

  if (_ecv_n_panes (self) == 2)
    {
      for (int pane = 0; pane < 2; pane++)
        {
          graphene_rect_t pr = _ecv_pane_rect (self, pane);
          graphene_rect_t ir = _ecv_image_rect (self, pane);

          draw_images (self, snapshot, &ir, &pr, pane == 1);
          draw_label (self, snapshot, pane ? self->after_layout : self->before_layout,
                      pr.origin.x + 12, 12, FALSE);
        }
      return;
    }

  graphene_rect_t ir = _ecv_image_rect (self, 0);
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
  if (!_ecv_has_after (self))
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

void
_ecv_measure (GtkWidget      *widget,
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
