/* enlarge-compare-view-input.c: pointer and touch input of an
 * EnlargeCompareView: drag to pan, move the divider or the region;
 * Ctrl+scroll and pinch to zoom. */

#include "config.h"

#include <math.h>

#include "enlarge-compare-view-private.h"

static void
begin_pan (EnlargeCompareView *self)
{
  if (self->fit)
    {
      double cx, cy;
      _ecv_get_center (self, &cx, &cy);
      self->zoom = _ecv_fit_zoom (self);
      self->cx = cx;
      self->cy = cy;
    }
}

static int
pane_at (EnlargeCompareView *self, double x)
{
  return _ecv_n_panes (self) == 2 && x >= _ecv_pane_rect (self, 1).origin.x ? 1 : 0;
}

/* What a drag starting at (@x, @y) does to the region. */
static RegionHit
region_hit (EnlargeCompareView *self, double x, double y)
{
  graphene_rect_t r;

  if (!self->has_region || self->before == NULL)
    return REGION_NONE;
  r = _ecv_region_rect (self, pane_at (self, x));
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
  graphene_rect_t ir = _ecv_image_rect (self, pane);
  double m = ir.size.width / MAX (gdk_texture_get_width (self->before), 1);

  *ix = (x - ir.origin.x) / m;
  *iy = (y - ir.origin.y) / m;
}

static gboolean
on_divider (EnlargeCompareView *self, double x)
{
  return _ecv_n_panes (self) == 1 && _ecv_has_after (self) && self->mode != ENLARGE_COMPARE_SINGLE &&
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
  /* outside the region a drag draws a new one: on a fitted image, where
   * there is nothing to pan, or with Shift on a magnified one */
  if (!self->dragging_divider && self->has_region &&
      (self->fit || (gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture)) &
                     GDK_SHIFT_MASK)))
    {
      self->region_drag = REGION_DRAW;
      self->drag_pane = pane_at (self, x);
      return;
    }
  if (!self->dragging_divider)
    {
      begin_pan (self);
      _ecv_get_center (self, &self->drag_cx, &self->drag_cy);
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
      if (self->region_drag == REGION_DRAW)
        {
          /* the rectangle between the two points, at least MIN_REGION a side */
          int ax = CLAMP ((int) round (x0), 0, bw), ay = CLAMP ((int) round (y0), 0, bh);
          int bx = CLAMP ((int) round (x1), 0, bw), by = CLAMP ((int) round (y1), 0, bh);
          int left = MIN (ax, bx), top = MIN (ay, by);
          int width = MAX (ABS (bx - ax), MIN_REGION), height = MAX (ABS (by - ay), MIN_REGION);

          left = CLAMP (left, 0, MAX (bw - width, 0));
          top = CLAMP (top, 0, MAX (bh - height, 0));
          r = (EnlargeRect) { left, top, MIN (width, bw), MIN (height, bh) };
        }
      else if (self->region_drag == REGION_MOVE)
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
      graphene_rect_t r = _ecv_pane_rect (self, 0);
      if (!_ecv_image_size (self, &iw, &ih) ||
          (iw * z <= r.size.width + 0.5 && ih * z <= r.size.height + 0.5))
        return;
      self->fit = FALSE;
      self->zoom = z;
    }
  self->cx = self->drag_cx - dx / z;
  self->cy = self->drag_cy - dy / z;
  _ecv_clamp_center (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  _ecv_view_changed (self);
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
        _ecv_set_zoom_at (self, z * pow (ZOOM_STEP, -dy), self->pointer_x, self->pointer_y);
      else
        _ecv_set_zoom_centered (self, z * pow (ZOOM_STEP, -dy));
      return TRUE;
    }

  if (self->fit)
    return FALSE;
  self->cx += dx * 40 / z;
  self->cy += dy * 40 / z;
  _ecv_clamp_center (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  _ecv_view_changed (self);
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
    _ecv_set_zoom_at (self, self->zoom_start * scale, x, y);
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

/* The keyboard: in the split view Left and Right move the divider; the
 * arrows (with Ctrl in the split view) pan a magnified image. */
static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                EnlargeCompareView    *self)
{
  gboolean ctrl = (state & GDK_CONTROL_MASK) != 0;
  double dx = 0, dy = 0;

  if (self->before == NULL)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Left: case GDK_KEY_KP_Left:   dx = -1; break;
    case GDK_KEY_Right: case GDK_KEY_KP_Right: dx = 1; break;
    case GDK_KEY_Up: case GDK_KEY_KP_Up:       dy = -1; break;
    case GDK_KEY_Down: case GDK_KEY_KP_Down:   dy = 1; break;
    default: return FALSE;
    }
  if (dx != 0 && !ctrl && self->mode == ENLARGE_COMPARE_SPLIT && _ecv_has_after (self))
    {
      /* Shift for a fine step */
      double step = (state & GDK_SHIFT_MASK) ? 0.01 : 0.05;
      enlarge_compare_view_set_divider (self, CLAMP (self->divider + dx * step, 0, 1));
      return TRUE;
    }
  if (self->fit)
    return FALSE;
  {
    graphene_rect_t pane = _ecv_pane_rect (self, 0);

    /* an eighth of the pane a press, in image pixels */
    self->cx += dx * pane.size.width / 8 / self->zoom;
    self->cy += dy * pane.size.height / 8 / self->zoom;
    _ecv_clamp_center (self);
    gtk_widget_queue_draw (GTK_WIDGET (self));
    _ecv_view_changed (self);
  }
  return TRUE;
}

void
_ecv_input_init (EnlargeCompareView *self)
{
  GtkGesture *drag, *zoom;
  GtkEventController *scroll, *motion, *key;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);

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
