/* enlarge-compare-view-zoom.c: where the images lie in an
 * EnlargeCompareView: panes, the fitting zoom, the centre, zooming about a
 * point. */

#include "config.h"

#include "enlarge-compare-view-private.h"

gboolean
_ecv_image_size (EnlargeCompareView *self, double *w, double *h)
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
gboolean
_ecv_has_after (EnlargeCompareView *self)
{
  return self->after != NULL || self->preview != NULL;
}

int
_ecv_n_panes (EnlargeCompareView *self)
{
  return self->mode == ENLARGE_COMPARE_SIDE_BY_SIDE && _ecv_has_after (self) ? 2 : 1;
}

graphene_rect_t
_ecv_pane_rect (EnlargeCompareView *self, int pane)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));

  if (_ecv_n_panes (self) == 1)
    return GRAPHENE_RECT_INIT (0, 0, w, h);
  double pw = MAX (1, (w - PANE_GAP) / 2);
  return GRAPHENE_RECT_INIT (pane * (pw + PANE_GAP), 0, pw, h);
}

double
_ecv_fit_zoom (EnlargeCompareView *self)
{
  graphene_rect_t r = _ecv_pane_rect (self, 0);
  double iw, ih;

  if (!_ecv_image_size (self, &iw, &ih) || r.size.width < 1 || r.size.height < 1)
    return 1.0;
  return MIN (r.size.width / iw, r.size.height / ih);
}

double
enlarge_compare_view_get_zoom (EnlargeCompareView *self)
{
  g_return_val_if_fail (ENLARGE_IS_COMPARE_VIEW (self), 1.0);
  return self->fit ? _ecv_fit_zoom (self) : self->zoom;
}

gboolean
enlarge_compare_view_get_fit (EnlargeCompareView *self)
{
  g_return_val_if_fail (ENLARGE_IS_COMPARE_VIEW (self), TRUE);
  return self->fit;
}

/* Keeps the image on screen: centred where it is smaller than the pane. */
void
_ecv_clamp_center (EnlargeCompareView *self)
{
  graphene_rect_t r = _ecv_pane_rect (self, 0);
  double iw, ih, z = enlarge_compare_view_get_zoom (self);

  if (!_ecv_image_size (self, &iw, &ih))
    return;
  double hw = r.size.width / 2 / z, hh = r.size.height / 2 / z;
  self->cx = iw <= 2 * hw ? iw / 2 : CLAMP (self->cx, hw, iw - hw);
  self->cy = ih <= 2 * hh ? ih / 2 : CLAMP (self->cy, hh, ih - hh);
}

void
_ecv_get_center (EnlargeCompareView *self, double *cx, double *cy)
{
  double iw, ih;

  if (self->fit && _ecv_image_size (self, &iw, &ih))
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
graphene_rect_t
_ecv_image_rect (EnlargeCompareView *self, int pane)
{
  graphene_rect_t r = _ecv_pane_rect (self, pane);
  double iw = 1, ih = 1, cx, cy, z = enlarge_compare_view_get_zoom (self);

  _ecv_image_size (self, &iw, &ih);
  _ecv_get_center (self, &cx, &cy);
  /* whole screen pixels, so that 100 % lands on the pixel grid */
  double x = round (r.origin.x + r.size.width / 2 - cx * z);
  double y = round (r.origin.y + r.size.height / 2 - cy * z);
  return GRAPHENE_RECT_INIT (x, y, iw * z, ih * z);
}

void
_ecv_set_zoom_at (EnlargeCompareView *self, double zoom, double px, double py)
{
  graphene_rect_t r;
  double cx, cy, z = enlarge_compare_view_get_zoom (self);
  int pane = 0;

  if (_ecv_n_panes (self) == 2 && px >= _ecv_pane_rect (self, 1).origin.x)
    pane = 1;
  r = _ecv_pane_rect (self, pane);
  _ecv_get_center (self, &cx, &cy);
  zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);

  /* keep the image point under (px, py) where it is */
  double ix = cx + (px - (r.origin.x + r.size.width / 2)) / z;
  double iy = cy + (py - (r.origin.y + r.size.height / 2)) / z;
  self->fit = FALSE;
  self->zoom = zoom;
  self->cx = ix - (px - (r.origin.x + r.size.width / 2)) / zoom;
  self->cy = iy - (py - (r.origin.y + r.size.height / 2)) / zoom;
  _ecv_clamp_center (self);

  g_object_notify_by_pspec (G_OBJECT (self), _ecv_properties[PROP_ZOOM]);
  g_object_notify_by_pspec (G_OBJECT (self), _ecv_properties[PROP_FIT]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  _ecv_view_changed (self);
}

void
_ecv_set_zoom_centered (EnlargeCompareView *self, double zoom)
{
  graphene_rect_t r = _ecv_pane_rect (self, 0);

  _ecv_set_zoom_at (self, zoom, r.origin.x + r.size.width / 2, r.origin.y + r.size.height / 2);
}

void
enlarge_compare_view_set_zoom (EnlargeCompareView *self, double zoom)
{
  g_return_if_fail (ENLARGE_IS_COMPARE_VIEW (self));
  _ecv_set_zoom_centered (self, zoom);
}

void
enlarge_compare_view_zoom_fit (EnlargeCompareView *self)
{
  g_return_if_fail (ENLARGE_IS_COMPARE_VIEW (self));
  self->fit = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), _ecv_properties[PROP_ZOOM]);
  g_object_notify_by_pspec (G_OBJECT (self), _ecv_properties[PROP_FIT]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  _ecv_view_changed (self);
}

void
enlarge_compare_view_zoom_in (EnlargeCompareView *self)
{
  double z = enlarge_compare_view_get_zoom (self);

  /* stop at 100 % on the way */
  _ecv_set_zoom_centered (self, z < 1 && z * ZOOM_STEP > 1 ? 1 : z * ZOOM_STEP);
}

void
enlarge_compare_view_zoom_out (EnlargeCompareView *self)
{
  double z = enlarge_compare_view_get_zoom (self);

  _ecv_set_zoom_centered (self, z > 1 && z / ZOOM_STEP < 1 ? 1 : z / ZOOM_STEP);
}
