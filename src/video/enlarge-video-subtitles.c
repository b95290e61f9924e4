/* Subtitles for enlarge-cli's videos; see enlarge-video-subtitles.h. */

#include "config.h"

#include "enlarge-video-subtitles.h"

/* Pango markup → plain UTF-8 text: the five entities unescaped, tags such
 * as <i> kept (SRT and Matroska's S_TEXT/UTF8 use them too). */
static GstBuffer *
markup_to_text (GstBuffer *buffer)
{
  static const char *const entities[][2] = {
    { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" }, { "&apos;", "'" },
  };
  GstMapInfo map;

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return buffer;
  g_autoptr (GString) text = g_string_new_len ((const char *) map.data, (gssize) map.size);
  gst_buffer_unmap (buffer, &map);
  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    g_string_replace (text, entities[i][0], entities[i][1], 0);

  GstBuffer *plain = gst_buffer_new_memdup (text->str, text->len);
  gst_buffer_copy_into (plain, buffer, GST_BUFFER_COPY_METADATA, 0, -1);
  gst_buffer_unref (buffer);
  return plain;
}

/* On parsebin's pad: subtitles in Pango markup (what demuxers give for
 * UTF-8 text) leave as text/x-raw, format=utf8, which muxers take. */
static GstPadProbeReturn
on_markup_subtitles (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    info->data = markup_to_text (GST_PAD_PROBE_INFO_BUFFER (info));
  else if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_CAPS)
    {
      g_autoptr (GstCaps) utf8 = gst_caps_from_string ("text/x-raw, format=utf8");
      gst_event_unref (GST_PAD_PROBE_INFO_EVENT (info));
      info->data = gst_event_new_caps (utf8);
    }
  return GST_PAD_PROBE_OK;
}

void
enlarge_video_subtitles_as_utf8 (GstPad *pad)
{
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                     on_markup_subtitles, NULL, NULL);
}
