/* enlarge-compare-view.c: before/after view with split and side-by-side
 * modes, synchronized zoom and pan: its properties and API. Drawing,
 * input and geometry are in enlarge-compare-view-draw.c, -input.c and
 * -zoom.c. */

#include "config.h"

#include <glib/gi18n.h>

#include "enlarge-compare-view-private.h"

G_DEFINE_ENUM_TYPE (EnlargeCompareMode, enlarge_compare_mode,
  G_DEFINE_ENUM_VALUE (ENLARGE_COMPARE_SPLIT, "split"),
  G_DEFINE_ENUM_VALUE (ENLARGE_COMPARE_SIDE_BY_SIDE, "side-by-side"),
  G_DEFINE_ENUM_VALUE (ENLARGE_COMPARE_SINGLE, "single"))

G_DEFINE_FINAL_TYPE (EnlargeCompareView, enlarge_compare_view, GTK_TYPE_WIDGET)

GParamSpec *_ecv_properties[N_PROPS];

enum {
  SIGNAL_VIEW_CHANGED,
  SIGNAL_REGION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
_ecv_view_changed (EnlargeCompareView *self)
{
  g_signal_emit (self, signals[SIGNAL_VIEW_CHANGED], 0);
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

/* What the view shows, for screen readers: the role is an image, so its
 * description is what a sighted user sees at a glance. */
static void
update_description (EnlargeCompareView *self)
{
  g_autofree char *zoom = NULL;
  g_autofree char *text = NULL;

  if (self->fit)
    zoom = g_strdup (_("fitted to the view"));
  else
    /* Translators: a zoom level, for screen readers */
    zoom = g_strdup_printf (_("zoom %.0f %%"), enlarge_compare_view_get_zoom (self) * 100);

  if (self->before == NULL)
    text = g_strdup (_("No image"));
  else if (self->after == NULL && self->preview == NULL)
    /* Translators: the view shows the input alone; then the zoom */
    text = g_strdup_printf (_("The original, %s"), zoom);
  else if (self->mode == ENLARGE_COMPARE_SINGLE)
    text = g_strdup_printf (_("The result, %s"), zoom);
  else if (self->mode == ENLARGE_COMPARE_SIDE_BY_SIDE)
    text = g_strdup_printf (_("Before and after side by side, %s"), zoom);
  else
    /* Translators: where the divider of the split view is, then the zoom */
    text = g_strdup_printf (_("Before and after, split at %.0f %%, %s"), self->divider * 100, zoom);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

static void
enlarge_compare_view_class_init (EnlargeCompareViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enlarge_compare_view_dispose;
  object_class->get_property = enlarge_compare_view_get_property;
  object_class->set_property = enlarge_compare_view_set_property;

  widget_class->snapshot = _ecv_snapshot;
  widget_class->measure = _ecv_measure;

  _ecv_properties[PROP_BEFORE] =
    g_param_spec_object ("before", NULL, NULL, GDK_TYPE_TEXTURE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  _ecv_properties[PROP_AFTER] =
    g_param_spec_object ("after", NULL, NULL, GDK_TYPE_TEXTURE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  _ecv_properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, ENLARGE_TYPE_COMPARE_MODE, ENLARGE_COMPARE_SPLIT,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  _ecv_properties[PROP_DIVIDER] =
    g_param_spec_double ("divider", NULL, NULL, 0, 1, 0.5,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  _ecv_properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, MIN_ZOOM, MAX_ZOOM, 1,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  _ecv_properties[PROP_FIT] =
    g_param_spec_boolean ("fit", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, _ecv_properties);

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
  self->fit = TRUE;
  self->zoom = 1;
  self->divider = 0.5;
  self->pointer_x = self->pointer_y = -1;
  self->mode = ENLARGE_COMPARE_SPLIT;

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Before and After"), -1);
  for (guint i = 0; i < 6; i++)
    {
      static const char *props[] = { "notify::before", "notify::after", "notify::mode",
                                      "notify::divider", "notify::zoom", "notify::fit" };
      g_signal_connect (self, props[i], G_CALLBACK (update_description), NULL);
    }
  update_description (self);

  self->before_layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), _("Before"));
  self->after_layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), _("After"));

  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  _ecv_input_init (self);
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
      g_object_notify_by_pspec (G_OBJECT (self), _ecv_properties[PROP_BEFORE]);
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

  if (!self->fit && old_w > 0 && _ecv_image_size (self, &new_w, &old_h) && new_w != old_w)
    {
      /* the image coordinates changed scale: keep showing the same part
       * of the picture at the same size on screen */
      double k = new_w / old_w;
      self->zoom = CLAMP (self->zoom / k, MIN_ZOOM, MAX_ZOOM);
      self->cx *= k;
      self->cy *= k;
      g_object_notify_by_pspec (G_OBJECT (self), _ecv_properties[PROP_ZOOM]);
    }
}

void
enlarge_compare_view_set_after (EnlargeCompareView *self,
                                GdkTexture         *after,
                                gboolean            partial)
{
  double old_w = 0, old_h;

  g_return_if_fail (ENLARGE_IS_COMPARE_VIEW (self));

  _ecv_image_size (self, &old_w, &old_h);
  self->partial = partial;
  if (g_set_object (&self->after, after))
    g_object_notify_by_pspec (G_OBJECT (self), _ecv_properties[PROP_AFTER]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _ecv_properties[PROP_MODE]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _ecv_properties[PROP_DIVIDER]);
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
  _ecv_get_center (self, center_x, center_y);
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
      _ecv_clamp_center (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), _ecv_properties[PROP_ZOOM]);
  g_object_notify_by_pspec (G_OBJECT (self), _ecv_properties[PROP_FIT]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
enlarge_compare_view_get_n_textures (EnlargeCompareView *self)
{
  guint n = 0;

  g_return_val_if_fail (ENLARGE_IS_COMPARE_VIEW (self), 0);
  if (self->before)
    {
      Tiles *t = _ecv_get_tiles (self->before);
      n += t->cols * t->rows;
    }
  if (self->after)
    {
      Tiles *t = _ecv_get_tiles (self->after);
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

  _ecv_image_size (self, &old_w, &old_h);
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
