/* What the video tests share (test-video.c, test-app-video.c): GStreamer
 * pipelines that make clips and GIFs and read back what a file holds. */

#include "config.h"

#include <string.h>

#include <glib.h>
#include <gio/gio.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>

#include "enlarge.h"
#include "enlarge-test-utils.h"
#include "video-test-utils.h"

#define TIMEOUT (300 * GST_SECOND)

/* The elements of @names (NULL-terminated) all installed, else the test
 * skipped naming the first one missing and where it comes from. */
gboolean
vtu_require_elements (const char * const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr (GstElementFactory) factory = gst_element_factory_find (names[i]);
      if (factory == NULL)
        {
          g_autofree char *message =
            g_strdup_printf ("GStreamer element %s is not installed (gstreamer1.0-plugins-base, "
                             "-good, -bad, -ugly and gstreamer1.0-libav; build-aux/dev.sh setup)",
                             names[i]);
          g_test_skip (message);
          return FALSE;
        }
    }
  return TRUE;
}

/* "cpu" when an OpenCL CPU device works here, else the reference path. */
const char *
vtu_test_device (void)
{
  static const char *device;

  if (device == NULL)
    {
      g_autoptr (EnlargeBackend) backend = enlarge_backend_new ("cpu", NULL);
      device = backend != NULL ? "cpu" : "reference";
    }
  return device;
}

/* Runs @pipeline to EOS; fails the test on an error or a timeout. */
void
vtu_run_to_eos (GstElement *pipeline)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  g_autoptr (GstMessage) message = gst_bus_timed_pop_filtered (bus, TIMEOUT,
                                                               GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr (GError) error = NULL;
      gst_message_parse_error (message, &error, NULL);
      g_assert_no_error (error);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

void
vtu_launch (const char *description)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = gst_parse_launch (description, &error);

  g_assert_no_error (error);
  vtu_run_to_eos (pipeline);
}

/* A clip of @frames frames, 64 × 48 at 10 fps, H.264 with AAC audio of
 * the same length, in MP4. */
void
vtu_make_clip (const char *path, int frames)
{
  g_autofree char *description = g_strdup_printf (
    "videotestsrc num-buffers=%d pattern=ball ! video/x-raw,width=64,height=48,framerate=10/1 "
    "! x264enc ! h264parse ! mp4mux name=m ! filesink location=\"%s\" "
    "audiotestsrc num-buffers=%d samplesperbuffer=4800 ! audio/x-raw,rate=48000,channels=1 "
    "! avenc_aac ! m.", frames, path, frames);
  vtu_launch (description);
}

const char *const vtu_clip_elements[] = {
  "videotestsrc", "audiotestsrc", "x264enc", "h264parse", "mp4mux", "avenc_aac", "qtdemux",
  "avdec_h264", "avdec_aac", "parsebin", "decodebin", "videoconvert", "audioconvert", NULL
};


static void
on_video_frame (GstElement *sink, GstBuffer *buffer, GstPad *pad, gpointer user_data)
{
  Streams *s = user_data;

  if (s->frames++ == 0)
    {
      g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
      GstStructure *st = gst_caps_get_structure (caps, 0);
      gst_structure_get_int (st, "width", &s->width);
      gst_structure_get_int (st, "height", &s->height);
      gst_structure_get_fraction (st, "framerate", &s->fps_n, &s->fps_d);
    }
  if (s->frames <= 16)
    s->pts[s->frames - 1] = GST_BUFFER_PTS (buffer);
  if (s->frames == 1 || GST_BUFFER_PTS (buffer) < s->video_start)
    s->video_start = GST_BUFFER_PTS (buffer);
  if (GST_BUFFER_PTS_IS_VALID (buffer) && GST_BUFFER_DURATION_IS_VALID (buffer))
    s->video_end = MAX (s->video_end, GST_BUFFER_PTS (buffer) + GST_BUFFER_DURATION (buffer));
}

static void
on_subtitle (GstElement *sink, GstBuffer *buffer, GstPad *pad, gpointer user_data)
{
  Streams *s = user_data;

  if (s->subtitles < 4)
    s->subtitle_pts[s->subtitles] = GST_BUFFER_PTS (buffer);
  if (s->subtitles == 0)
    gst_buffer_extract (buffer, 0, s->subtitle_text,
                        MIN (gst_buffer_get_size (buffer), sizeof s->subtitle_text - 1));
  s->subtitles++;
}

static void
on_audio_buffer (GstElement *sink, GstBuffer *buffer, GstPad *pad, gpointer user_data)
{
  Streams *s = user_data;

  if (s->audio_rate == 0)
    {
      g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
      gst_structure_get_int (gst_caps_get_structure (caps, 0), "rate", &s->audio_rate);
    }
  s->audio_samples += gst_buffer_get_size (buffer) / 2;
}

typedef struct {
  GstElement *pipeline;
  Streams *streams;
} Reader;

/* decodebin's pads: video → fakesink, audio → audioconvert ! S16 mono ! fakesink */
static void
on_decoded (GstElement *decodebin, GstPad *pad, gpointer user_data)
{
  Reader *reader = user_data;
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  const char *type = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  gboolean video = g_str_has_prefix (type, "video/");
  gboolean text = g_str_has_prefix (type, "text/");
  g_autoptr (GError) error = NULL;
  GstElement *branch = gst_parse_bin_from_description (
    video || text ? "queue ! fakesink name=sink signal-handoffs=true sync=false"
          : "queue ! audioconvert ! audio/x-raw,format=S16LE,channels=1 "
            "! fakesink name=sink signal-handoffs=true sync=false", TRUE, &error);
  g_assert_no_error (error);
  gst_bin_add (GST_BIN (reader->pipeline), branch);
  g_autoptr (GstElement) sink = gst_bin_get_by_name (GST_BIN (branch), "sink");
  g_signal_connect (sink, "handoff",
                    G_CALLBACK (video ? on_video_frame : text ? on_subtitle : on_audio_buffer),
                    reader->streams);
  gst_element_sync_state_with_parent (branch);
  g_autoptr (GstPad) in = gst_element_get_static_pad (branch, "sink");
  g_assert_cmpint (gst_pad_link (pad, in), ==, GST_PAD_LINK_OK);
}

void
vtu_read_streams (const char *path, Streams *s)
{
  g_autofree char *description = g_strdup_printf ("filesrc location=\"%s\" ! decodebin name=d", path);
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);

  memset (s, 0, sizeof *s);
  Reader reader = { pipeline, s };
  g_autoptr (GstElement) decodebin = gst_bin_get_by_name (GST_BIN (pipeline), "d");
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (on_decoded), &reader);
  vtu_run_to_eos (pipeline);
}

GstClockTime
vtu_discovered_duration (const char *path, gboolean *has_audio)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstDiscoverer) discoverer = gst_discoverer_new (60 * GST_SECOND, &error);
  g_assert_no_error (error);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);
  g_autoptr (GstDiscovererInfo) info = gst_discoverer_discover_uri (discoverer, uri, &error);
  g_assert_no_error (error);

  GList *audio = gst_discoverer_info_get_audio_streams (info);
  *has_audio = audio != NULL;
  gst_discoverer_stream_info_list_free (audio);
  return gst_discoverer_info_get_duration (info);
}

GStrv
vtu_list_dir (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_strv_builder_add (names, name);
  return g_strv_builder_end (names);
}

/* ---- a minimal animated GIF writer -------------------------------------- */

static void
put16 (GByteArray *out, int v)
{
  guint8 b[2] = { v & 0xff, (v >> 8) & 0xff };
  g_byte_array_append (out, b, 2);
}

static void
put8 (GByteArray *out, int v)
{
  guint8 b = (guint8) v;
  g_byte_array_append (out, &b, 1);
}

/* An animated GIF of @n frames of @width × @height, frame i showing a
 * pattern shifted by i, lasting @delays_cs[i] hundredths of a second,
 * looping forever. 128 colours; the LZW stream sends every pixel as a
 * literal and a clear code every 100, so codes stay 8 bits wide. */
void
vtu_write_gif (const char *path, int width, int height, int n, const int *delays_cs, int loop)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();

  g_byte_array_append (out, (const guint8 *) "GIF89a", 6);
  put16 (out, width);
  put16 (out, height);
  put8 (out, 0xf6);   /* global colour table of 2^(6+1) entries */
  put8 (out, 0);
  put8 (out, 0);
  for (int k = 0; k < 128; k++)
    {
      put8 (out, k * 2);
      put8 (out, 255 - k * 2);
      put8 (out, (k * 37) & 0xff);
    }
  if (loop >= 0)
    {
      g_byte_array_append (out, (const guint8 *) "\x21\xff\x0bNETSCAPE2.0\x03\x01", 16);
      put16 (out, loop);
      put8 (out, 0);
    }

  for (int i = 0; i < n; i++)
    {
      g_byte_array_append (out, (const guint8 *) "\x21\xf9\x04\x04", 4);
      put16 (out, delays_cs[i]);
      put8 (out, 0);
      put8 (out, 0);
      put8 (out, 0x2c);
      put16 (out, 0);
      put16 (out, 0);
      put16 (out, width);
      put16 (out, height);
      put8 (out, 0);
      put8 (out, 7);    /* LZW minimum code size */

      g_autoptr (GByteArray) codes = g_byte_array_new ();
      guint32 acc = 0;
      int bits = 0;
      int npix = width * height;
      for (int p = 0; p <= npix; p++)
        {
          int code;
          if (p == npix)
            code = 129;                       /* end of information */
          else
            code = ((p % width) / 4 + (p / width) / 4 * 3 + i * 9) % 128;
          if (p < npix && p % 100 == 0)
            {
              acc |= 128u << bits;            /* clear */
              bits += 8;
            }
          acc |= (guint32) code << bits;
          bits += 8;
          while (bits >= 8)
            {
              put8 (codes, acc & 0xff);
              acc >>= 8;
              bits -= 8;
            }
        }
      for (guint off = 0; off < codes->len; off += 255)
        {
          guint len = MIN (255, codes->len - off);
          put8 (out, (int) len);
          g_byte_array_append (out, codes->data + off, len);
        }
      put8 (out, 0);
    }
  put8 (out, 0x3b);
  etu_write_file (path, out->data, out->len);
}
