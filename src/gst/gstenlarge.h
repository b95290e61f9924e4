/* The "enlarge" GStreamer element: upscales raw RGB/RGBA video frame by
 * frame with the Enlarge engine, through the same pipeline as stills
 * (enlarge_pipeline_run: model passes, creativity, any scale, alpha). */

#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>
#include <gst/video/gstvideofilter.h>

G_BEGIN_DECLS

#define GST_TYPE_ENLARGE (gst_enlarge_get_type ())
G_DECLARE_FINAL_TYPE (GstEnlarge, gst_enlarge, GST, ENLARGE, GstVideoFilter)

#define GST_ENLARGE_DEFAULT_MODEL "realesr-animevideov3-x2"

/* Registers the element as "enlarge" with @plugin (NULL: statically, for
 * programs such as enlarge-cli that link the element in). */
gboolean gst_enlarge_register (GstPlugin *plugin);

G_END_DECLS
