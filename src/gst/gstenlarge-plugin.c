/* The GStreamer plugin that holds the "enlarge" element. */

#include "config.h"

#include <gst/gst.h>

#include "gstenlarge.h"

#define PACKAGE "enlarge"

static gboolean
plugin_init (GstPlugin *plugin)
{
  return gst_enlarge_register (plugin);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, enlarge,
                   "Upscales video with the Enlarge engine (Real-ESRGAN models)",
                   plugin_init, PACKAGE_VERSION, "GPL", "enlarge",
                   "https://github.com/enlarge/enlarge")
