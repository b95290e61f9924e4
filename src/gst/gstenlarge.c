/* The "enlarge" video filter; see gstenlarge.h.
 *
 * The model and the device are opened in start() (READY → PAUSED), so a
 * model that is not installed or a device that does not exist fails the
 * state change with an error message on the bus. Each frame is copied
 * into an EnlargeImage (RGB, or RGBA for formats with alpha), run through
 * enlarge_pipeline_run() on the streaming thread, and copied into the
 * output frame. The tile size is resolved once, when the engine opens, so
 * every frame is cut along the same grid as every other frame and as a
 * still of the same size: no seams that move from frame to frame, and a
 * static scene stays static (the pipeline has no random step). */

#include "config.h"

#include <math.h>
#include <string.h>

#include "gstenlarge.h"

#include "enlarge.h"
#include "enlarge-environment.h"

GST_DEBUG_CATEGORY_STATIC (gst_enlarge_debug);
#define GST_CAT_DEFAULT gst_enlarge_debug

#define DEFAULT_SCALE 0.0
#define DEFAULT_CREATIVITY 0.5
#define DEFAULT_DEVICE "auto"
#define DEFAULT_TILE 0

enum {
  PROP_0,
  PROP_MODEL,
  PROP_SCALE,
  PROP_CREATIVITY,
  PROP_DEVICE,
  PROP_TILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

struct _GstEnlarge {
  GstVideoFilter parent;

  /* properties, under the object lock */
  char *model;
  double scale;
  double creativity;
  char *device;
  int tile;

  /* from start() to stop(), used on the streaming thread */
  EnlargeNet *net;
  EnlargeBackend *backend;
  int tile_size;        /* resolved: the same for every frame */
  GCancellable *cancellable;
};

G_DEFINE_TYPE (GstEnlarge, gst_enlarge, GST_TYPE_VIDEO_FILTER)

#define FORMATS "{ RGB, BGR, RGBA, BGRA, ARGB, ABGR, RGBx, BGRx, xRGB, xBGR }"
#define CAPS_STR GST_VIDEO_CAPS_MAKE (FORMATS)

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
  GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (CAPS_STR));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
  GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (CAPS_STR));

/* Posts @error (an ENLARGE_ERROR or any other domain) as the element's
 * error message, domain and code kept so that applications can tell a
 * missing model from a failed device. */
static void
post_error (GstEnlarge *self, const GError *error, const char *debug)
{
  gst_element_message_full (GST_ELEMENT (self), GST_MESSAGE_ERROR, error->domain, error->code,
                            g_strdup (error->message), g_strdup (debug),
                            __FILE__, G_STRFUNC, __LINE__);
}

/* The total factor for the current properties: scale, or the model's own. */
static double
current_factor (GstEnlarge *self)
{
  double factor;

  GST_OBJECT_LOCK (self);
  factor = self->scale;
  if (factor <= 0.0)
    {
      const EnlargeModelInfo *info = enlarge_model_lookup (self->model);
      factor = info != NULL ? info->scale : 1.0;
    }
  GST_OBJECT_UNLOCK (self);
  return factor;
}

static int
scaled (int size, double factor)
{
  /* as enlarge_plan_compute: round (w × f), at least 1 */
  return (int) MAX (1.0, MIN (round (size * factor), (double) G_MAXINT));
}

static void
scale_field (GstStructure *s, const char *field, double factor, gboolean forward)
{
  const GValue *value = gst_structure_get_value (s, field);

  if (value == NULL)
    return;
  if (!forward)
    {
      /* Upstream of a given output size: any input (fixate picks). */
      gst_structure_set (s, field, GST_TYPE_INT_RANGE, 1, G_MAXINT, NULL);
      return;
    }
  if (G_VALUE_HOLDS_INT (value))
    gst_structure_set (s, field, G_TYPE_INT, scaled (g_value_get_int (value), factor), NULL);
  else if (GST_VALUE_HOLDS_INT_RANGE (value))
    {
      int min = scaled (gst_value_get_int_range_min (value), factor);
      int max = scaled (gst_value_get_int_range_max (value), factor);
      gst_structure_set (s, field, GST_TYPE_INT_RANGE, min, MAX (min + 1, max), NULL);
    }
  else
    gst_structure_set (s, field, GST_TYPE_INT_RANGE, 1, G_MAXINT, NULL);
}

static GstCaps *
gst_enlarge_transform_caps (GstBaseTransform *trans, GstPadDirection direction,
                            GstCaps *caps, GstCaps *filter)
{
  GstEnlarge *self = GST_ENLARGE (trans);
  double factor = current_factor (self);
  GstCaps *result = gst_caps_new_empty ();

  for (guint i = 0; i < gst_caps_get_size (caps); i++)
    {
      GstStructure *s = gst_structure_copy (gst_caps_get_structure (caps, i));

      scale_field (s, "width", factor, direction == GST_PAD_SINK);
      scale_field (s, "height", factor, direction == GST_PAD_SINK);
      gst_caps_append_structure_full (result, s,
                                      gst_caps_features_copy (gst_caps_get_features (caps, i)));
    }

  if (filter != NULL)
    {
      GstCaps *filtered = gst_caps_intersect_full (filter, result, GST_CAPS_INTERSECT_FIRST);
      gst_caps_unref (result);
      result = filtered;
    }
  GST_DEBUG_OBJECT (self, "%s %" GST_PTR_FORMAT " → %" GST_PTR_FORMAT,
                    direction == GST_PAD_SINK ? "sink" : "src", caps, result);
  return result;
}

static GstCaps *
gst_enlarge_fixate_caps (GstBaseTransform *trans, GstPadDirection direction,
                         GstCaps *caps, GstCaps *othercaps)
{
  GstEnlarge *self = GST_ENLARGE (trans);

  othercaps = gst_caps_truncate (gst_caps_make_writable (othercaps));
  if (direction == GST_PAD_SINK)
    {
      GstStructure *in = gst_caps_get_structure (caps, 0);
      GstStructure *out = gst_caps_get_structure (othercaps, 0);
      double factor = current_factor (self);
      int width, height;

      if (gst_structure_get_int (in, "width", &width) &&
          gst_structure_get_int (in, "height", &height))
        {
          gst_structure_fixate_field_nearest_int (out, "width", scaled (width, factor));
          gst_structure_fixate_field_nearest_int (out, "height", scaled (height, factor));
        }
    }
  return gst_caps_fixate (othercaps);
}

static gboolean
gst_enlarge_start (GstBaseTransform *trans)
{
  GstEnlarge *self = GST_ENLARGE (trans);
  g_autoptr (GError) error = NULL;
  g_autofree char *model = NULL;
  g_autofree char *device = NULL;
  int tile;

  GST_OBJECT_LOCK (self);
  model = g_strdup (self->model);
  device = g_strdup (self->device);
  tile = self->tile;
  GST_OBJECT_UNLOCK (self);

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  /* The device first: a mistyped device is reported at once. */
  g_autoptr (EnlargeBackend) backend = enlarge_environment_backend_new (device, &error);
  if (backend == NULL)
    {
      post_error (self, error, "opening the device");
      return FALSE;
    }
  g_autoptr (EnlargeNet) net = enlarge_model_load_in (enlarge_environment_model_dirs (), model,
                                                      &error);
  if (net == NULL)
    {
      post_error (self, error, "loading the model");
      return FALSE;
    }

  self->tile_size = tile > 0 ? tile : enlarge_upscale_auto_tile_size (backend, net);
  self->net = g_steal_pointer (&net);
  self->backend = g_steal_pointer (&backend);
  GST_INFO_OBJECT (self, "model %s, device %s, tile %d", model, device, self->tile_size);
  return TRUE;
}

static gboolean
gst_enlarge_stop (GstBaseTransform *trans)
{
  GstEnlarge *self = GST_ENLARGE (trans);

  g_clear_pointer (&self->net, enlarge_net_unref);
  g_clear_pointer (&self->backend, enlarge_backend_unref);
  return TRUE;
}

static gboolean
gst_enlarge_set_info (GstVideoFilter *filter, GstCaps *incaps, GstVideoInfo *in_info,
                      GstCaps *outcaps, GstVideoInfo *out_info)
{
  if (GST_VIDEO_INFO_FORMAT (in_info) != GST_VIDEO_INFO_FORMAT (out_info))
    {
      GST_ERROR_OBJECT (filter, "the input and output formats differ");
      return FALSE;
    }
  return TRUE;
}

/* Frame → EnlargeImage: RGB, or RGBA when the format has alpha. */
static EnlargeImage *
frame_to_image (const GstVideoFrame *frame, GError **error)
{
  const GstVideoFormatInfo *finfo = frame->info.finfo;
  gboolean alpha = GST_VIDEO_FORMAT_INFO_HAS_ALPHA (finfo);
  int width = GST_VIDEO_FRAME_WIDTH (frame);
  int height = GST_VIDEO_FRAME_HEIGHT (frame);
  int pstride = GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, 0);
  int stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  const guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
  int n = alpha ? 4 : 3;
  EnlargeImage *image = enlarge_image_new (width, height, n, error);

  if (image == NULL)
    return NULL;
  for (int y = 0; y < height; y++)
    {
      const guint8 *src = data + (gsize) y * stride;
      guint8 *dst = image->pixels + (gsize) y * width * n;
      for (int x = 0; x < width; x++, src += pstride, dst += n)
        for (int c = 0; c < n; c++)
          dst[c] = src[GST_VIDEO_FORMAT_INFO_POFFSET (finfo, c)];
    }
  return image;
}

/* EnlargeImage → frame of the same format as the input; an alpha the
 * engine dropped (fully opaque) and the padding byte of x formats are 255. */
static void
image_to_frame (const EnlargeImage *image, GstVideoFrame *frame)
{
  const GstVideoFormatInfo *finfo = frame->info.finfo;
  int width = MIN (image->width, GST_VIDEO_FRAME_WIDTH (frame));
  int height = MIN (image->height, GST_VIDEO_FRAME_HEIGHT (frame));
  int pstride = GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, 0);
  int stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
  int n = image->n_channels;

  if (pstride == 4)
    for (int y = 0; y < GST_VIDEO_FRAME_HEIGHT (frame); y++)
      memset (data + (gsize) y * stride, 0xff, (gsize) GST_VIDEO_FRAME_WIDTH (frame) * 4);
  for (int y = 0; y < height; y++)
    {
      const guint8 *src = image->pixels + (gsize) y * image->width * n;
      guint8 *dst = data + (gsize) y * stride;
      for (int x = 0; x < width; x++, src += n, dst += pstride)
        for (int c = 0; c < MIN (n, 3 + GST_VIDEO_FORMAT_INFO_HAS_ALPHA (finfo)); c++)
          dst[GST_VIDEO_FORMAT_INFO_POFFSET (finfo, c)] = src[c];
    }
}

static GstFlowReturn
gst_enlarge_transform_frame (GstVideoFilter *filter, GstVideoFrame *inframe,
                             GstVideoFrame *outframe)
{
  GstEnlarge *self = GST_ENLARGE (filter);
  g_autoptr (GError) error = NULL;
  EnlargeSettings settings = ENLARGE_SETTINGS_INIT;
  EnlargeUpscaleOptions options = ENLARGE_UPSCALE_OPTIONS_INIT;

  GST_OBJECT_LOCK (self);
  settings.creativity = self->creativity;
  GST_OBJECT_UNLOCK (self);
  /* The factor the caps were negotiated with: round (w × f) × round (h × f),
   * which the pipeline's plan gives too. */
  settings.scale = current_factor (self);
  options.tile_size = self->tile_size;
  if (scaled (GST_VIDEO_FRAME_WIDTH (inframe), settings.scale) != GST_VIDEO_FRAME_WIDTH (outframe) ||
      scaled (GST_VIDEO_FRAME_HEIGHT (inframe), settings.scale) != GST_VIDEO_FRAME_HEIGHT (outframe))
    {
      GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, ("The scale changed while the stream ran"),
                         ("%d×%d → %d×%d is not a factor of %g", GST_VIDEO_FRAME_WIDTH (inframe),
                          GST_VIDEO_FRAME_HEIGHT (inframe), GST_VIDEO_FRAME_WIDTH (outframe),
                          GST_VIDEO_FRAME_HEIGHT (outframe), settings.scale));
      return GST_FLOW_NOT_NEGOTIATED;
    }

  g_autoptr (EnlargeImage) input = frame_to_image (inframe, &error);
  g_autoptr (EnlargeImage) output = NULL;
  if (input != NULL)
    output = enlarge_pipeline_run (self->backend, self->net, &settings, input, &options,
                                   self->cancellable, &error);
  if (output == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return GST_FLOW_FLUSHING;
      post_error (self, error, "upscaling a frame");
      return GST_FLOW_ERROR;
    }
  if (output->width != GST_VIDEO_FRAME_WIDTH (outframe) ||
      output->height != GST_VIDEO_FRAME_HEIGHT (outframe))
    {
      GST_ELEMENT_ERROR (self, STREAM, FAILED, ("The upscaled frame has the wrong size"),
                         ("%d×%d, the caps say %d×%d", output->width, output->height,
                          GST_VIDEO_FRAME_WIDTH (outframe), GST_VIDEO_FRAME_HEIGHT (outframe)));
      return GST_FLOW_ERROR;
    }
  image_to_frame (output, outframe);
  return GST_FLOW_OK;
}

static gboolean
gst_enlarge_sink_event (GstBaseTransform *trans, GstEvent *event)
{
  GstEnlarge *self = GST_ENLARGE (trans);

  /* A flush (a seek) stops the frame in progress; the next one runs. */
  if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_START && self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  else if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP)
    {
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
    }
  return GST_BASE_TRANSFORM_CLASS (gst_enlarge_parent_class)->sink_event (trans, event);
}

static GstStateChangeReturn
gst_enlarge_change_state (GstElement *element, GstStateChange transition)
{
  GstEnlarge *self = GST_ENLARGE (element);

  /* Going down stops the frame in progress instead of waiting for it. */
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY && self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  return GST_ELEMENT_CLASS (gst_enlarge_parent_class)->change_state (element, transition);
}

static void
gst_enlarge_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  GstEnlarge *self = GST_ENLARGE (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id)
    {
    case PROP_MODEL:
      g_free (self->model);
      self->model = g_value_dup_string (value);
      if (self->model == NULL)
        self->model = g_strdup (GST_ENLARGE_DEFAULT_MODEL);
      break;
    case PROP_SCALE:
      self->scale = g_value_get_double (value);
      break;
    case PROP_CREATIVITY:
      self->creativity = g_value_get_double (value);
      break;
    case PROP_DEVICE:
      g_free (self->device);
      self->device = g_value_dup_string (value);
      if (self->device == NULL)
        self->device = g_strdup (DEFAULT_DEVICE);
      break;
    case PROP_TILE:
      self->tile = g_value_get_int (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  GST_OBJECT_UNLOCK (self);
  if (prop_id == PROP_SCALE || prop_id == PROP_MODEL)
    gst_base_transform_reconfigure_src (GST_BASE_TRANSFORM (self));
}

static void
gst_enlarge_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GstEnlarge *self = GST_ENLARGE (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case PROP_SCALE:
      g_value_set_double (value, self->scale);
      break;
    case PROP_CREATIVITY:
      g_value_set_double (value, self->creativity);
      break;
    case PROP_DEVICE:
      g_value_set_string (value, self->device);
      break;
    case PROP_TILE:
      g_value_set_int (value, self->tile);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_enlarge_finalize (GObject *object)
{
  GstEnlarge *self = GST_ENLARGE (object);

  g_free (self->model);
  g_free (self->device);
  g_clear_pointer (&self->net, enlarge_net_unref);
  g_clear_pointer (&self->backend, enlarge_backend_unref);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (gst_enlarge_parent_class)->finalize (object);
}

static void
gst_enlarge_class_init (GstEnlargeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstVideoFilterClass *filter_class = GST_VIDEO_FILTER_CLASS (klass);

  object_class->set_property = gst_enlarge_set_property;
  object_class->get_property = gst_enlarge_get_property;
  object_class->finalize = gst_enlarge_finalize;

  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  properties[PROP_MODEL] =
    g_param_spec_string ("model", "Model",
                         "The model's id (see enlarge-cli --list-models); read when the "
                         "element starts", GST_ENLARGE_DEFAULT_MODEL, flags);
  properties[PROP_SCALE] =
    g_param_spec_double ("scale", "Scale",
                         "Total factor 1 … 16, fractional allowed; 0 = the model's own",
                         0.0, 16.0, DEFAULT_SCALE, flags);
  properties[PROP_CREATIVITY] =
    g_param_spec_double ("creativity", "Creativity",
                         "0 conservative … 0.5 the model's output … 1 creative",
                         0.0, 1.0, DEFAULT_CREATIVITY, flags);
  properties[PROP_DEVICE] =
    g_param_spec_string ("device", "Device",
                         "auto, gpu, cpu, reference, an index or an id (see enlarge-cli "
                         "--list-devices); read when the element starts", DEFAULT_DEVICE, flags);
  properties[PROP_TILE] =
    g_param_spec_int ("tile", "Tile size",
                      "Tile size in input pixels, 0 = automatic; one grid for every frame",
                      0, 65536, DEFAULT_TILE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gst_element_class_set_static_metadata (element_class, "Enlarge upscaler",
                                         "Filter/Effect/Video/Scaler",
                                         "Upscales video with Real-ESRGAN models (the Enlarge engine)",
                                         "Enlarge contributors");
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  element_class->change_state = gst_enlarge_change_state;

  trans_class->passthrough_on_same_caps = FALSE;
  trans_class->transform_caps = gst_enlarge_transform_caps;
  trans_class->fixate_caps = gst_enlarge_fixate_caps;
  trans_class->start = gst_enlarge_start;
  trans_class->stop = gst_enlarge_stop;
  trans_class->sink_event = gst_enlarge_sink_event;
  filter_class->set_info = gst_enlarge_set_info;
  filter_class->transform_frame = gst_enlarge_transform_frame;
}

static void
gst_enlarge_init (GstEnlarge *self)
{
  self->model = g_strdup (GST_ENLARGE_DEFAULT_MODEL);
  self->scale = DEFAULT_SCALE;
  self->creativity = DEFAULT_CREATIVITY;
  self->device = g_strdup (DEFAULT_DEVICE);
  self->tile = DEFAULT_TILE;
  /* Every frame is worth its time: never dropped for lateness. */
  gst_base_transform_set_qos_enabled (GST_BASE_TRANSFORM (self), FALSE);
}

gboolean
gst_enlarge_register (GstPlugin *plugin)
{
  if (gst_enlarge_debug == NULL)
    GST_DEBUG_CATEGORY_INIT (gst_enlarge_debug, "enlarge", 0, "Enlarge upscaler");
  return gst_element_register (plugin, "enlarge", GST_RANK_NONE, GST_TYPE_ENLARGE);
}
