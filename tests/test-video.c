/* Videos: the "enlarge" GStreamer element (src/gst) driven in pipelines,
 * and enlarge-cli taking a video (src/cli/enlarge-video.c). Skipped, with
 * the missing element named, where GStreamer's plugins are not installed. */

#include "config.h"

#include <math.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>
#include <gst/pbutils/pbutils.h>

#include "enlarge.h"
#include "enlarge-environment.h"
#include "enlarge-test-utils.h"
#include "gstenlarge.h"

#define MODEL "realesr-animevideov3-x2"
#define TEMP_DIR_TEMPLATE "enlarge-video-test-XXXXXX"
#define TIMEOUT (300 * GST_SECOND)

/* The elements of @names (NULL-terminated) all installed, else the test
 * skipped naming the first one missing and where it comes from. */
static gboolean
require_elements (const char * const *names)
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
static const char *
test_device (void)
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
static void
run_to_eos (GstElement *pipeline)
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

static void
launch (const char *description)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = gst_parse_launch (description, &error);

  g_assert_no_error (error);
  run_to_eos (pipeline);
}

/* A clip of @frames frames, 64 × 48 at 10 fps, H.264 with AAC audio of
 * the same length, in MP4. */
static void
make_clip (const char *path, int frames)
{
  g_autofree char *description = g_strdup_printf (
    "videotestsrc num-buffers=%d pattern=ball ! video/x-raw,width=64,height=48,framerate=10/1 "
    "! x264enc ! h264parse ! mp4mux name=m ! filesink location=\"%s\" "
    "audiotestsrc num-buffers=%d samplesperbuffer=4800 ! audio/x-raw,rate=48000,channels=1 "
    "! avenc_aac ! m.", frames, path, frames);
  launch (description);
}

static const char *const clip_elements[] = {
  "videotestsrc", "audiotestsrc", "x264enc", "h264parse", "mp4mux", "avenc_aac", "qtdemux",
  "avdec_h264", "avdec_aac", "parsebin", "decodebin", "videoconvert", "audioconvert", NULL
};

/* What a file holds, decoded. */
typedef struct {
  int frames;
  int width, height;
  int fps_n, fps_d;
  GstClockTime video_start;  /* the first frame's PTS */
  GstClockTime video_end;    /* the last frame's PTS + duration */
  GstClockTime pts[16];      /* of the first 16 frames */
  guint64 audio_samples;     /* mono S16 at the stream's rate */
  int audio_rate;
  int subtitles;             /* text buffers */
  GstClockTime subtitle_pts[4];
  char subtitle_text[64];    /* the first one's */
} Streams;

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

static void
read_streams (const char *path, Streams *s)
{
  g_autofree char *description = g_strdup_printf ("filesrc location=\"%s\" ! decodebin name=d", path);
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);

  memset (s, 0, sizeof *s);
  Reader reader = { pipeline, s };
  g_autoptr (GstElement) decodebin = gst_bin_get_by_name (GST_BIN (pipeline), "d");
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (on_decoded), &reader);
  run_to_eos (pipeline);
}

static GstClockTime
discovered_duration (const char *path, gboolean *has_audio)
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

static GStrv
list_dir (const char *path)
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
static void
write_gif (const char *path, int width, int height, int n, const int *delays_cs)
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
  g_byte_array_append (out, (const guint8 *) "\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00", 19);

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

/* ---- enlarge-cli ---------------------------------------------------------- */

/* A 2-second clip → 128 × 96, same frames, duration and audio. */
static void
test_cli_clip (void)
{
  if (!require_elements (clip_elements) || !etu_require_model (MODEL))
    return;
  g_auto (EtuTempDir) dir = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *clip = g_build_filename (dir.path, "clip.mp4", NULL);
  g_autofree char *out = g_build_filename (dir.path, "out.mp4", NULL);
  make_clip (clip, 20);

  g_auto (EtuCliResult) result = { 0 };
  etu_run_cli (&result, NULL, "-m", MODEL, "--device", test_device (), clip, "-o", out, NULL);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_nonnull (strstr (result.out, "wrote "));
  /* the last progress line: frames and frames per second */
  g_assert_nonnull (strstr (result.err, "20 frames in"));
  g_assert_nonnull (strstr (result.err, "frames/s"));

  Streams in, enlarged;
  read_streams (clip, &in);
  read_streams (out, &enlarged);
  g_assert_cmpint (in.frames, ==, 20);
  g_assert_cmpint (in.width, ==, 64);
  g_assert_cmpint (enlarged.width, ==, 128);
  g_assert_cmpint (enlarged.height, ==, 96);
  g_assert_cmpint (enlarged.frames, ==, in.frames);
  g_assert_cmpint (enlarged.fps_n * in.fps_d, ==, in.fps_n * enlarged.fps_d);
  g_assert_cmpuint (enlarged.video_end, ==, in.video_end);
  g_assert_cmpuint (enlarged.video_start, ==, in.video_start);
  g_assert_cmpuint (enlarged.video_end - enlarged.video_start, ==, 2 * GST_SECOND);
  /* the audio, remuxed as it was: the same samples */
  g_assert_cmpuint (in.audio_samples, >, 0);
  g_assert_cmpint (enlarged.audio_rate, ==, in.audio_rate);
  g_assert_cmpuint (enlarged.audio_samples, ==, in.audio_samples);

  gboolean in_audio, out_audio;
  GstClockTime in_duration = discovered_duration (clip, &in_audio);
  GstClockTime out_duration = discovered_duration (out, &out_audio);
  g_assert_true (in_audio);
  g_assert_true (out_audio);
  g_assert_cmpuint (out_duration, ==, in_duration);
}

/* Ctrl+C in the middle: status 130, nothing but the input left. */
static void
test_cli_cancel (void)
{
  if (!require_elements (clip_elements) || !etu_require_model (MODEL))
    return;
  g_auto (EtuTempDir) dir = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *clip = g_build_filename (dir.path, "clip.mp4", NULL);
  g_autofree char *out = g_build_filename (dir.path, "out.mp4", NULL);
  make_clip (clip, 300);

  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process =
    g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                      etu_get_cli_path (), "-m", MODEL, "--device", test_device (), "--scale", "4",
                      clip, "-o", out, NULL);
  g_assert_no_error (error);
  g_autoptr (GDataInputStream) err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (process));
  gboolean started = FALSE;
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);
      g_assert_no_error (error);
      if (line == NULL)
        break;
      g_test_message ("%s", line);
      /* the first progress line with at least one frame done */
      if (strstr (line, ": frame ") != NULL && strstr (line, ": frame 0") == NULL)
        {
          started = TRUE;
          break;
        }
    }
  g_assert_true (started);
  g_subprocess_send_signal (process, SIGINT);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 130);

  g_auto (GStrv) left = list_dir (dir.path);
  g_assert_cmpuint (g_strv_length (left), ==, 1);
  g_assert_cmpstr (left[0], ==, "clip.mp4");
}

/* Writes a 5-frame 40 × 30 GIF with @delays into @dir and enlarges it 2×
 * into @dir/@name; returns the output's path. */
static char *
enlarge_gif (const char *dir, const char *name, const int *delays)
{
  g_autofree char *gif = g_build_filename (dir, "anim.gif", NULL);
  char *out = g_build_filename (dir, name, NULL);
  write_gif (gif, 40, 30, 5, delays);

  g_auto (EtuCliResult) result = { 0 };
  etu_run_cli (&result, NULL, "-m", MODEL, "--device", test_device (), gif, "-o", out, NULL);
  g_assert_cmpint (result.status, ==, 0);
  return out;
}

/* An animated GIF of 5 frames → 5 frames, each shown when the GIF shows it. */
static void
test_cli_gif (void)
{
  const char *const elements[] = { "avdec_gif", "x264enc", "h264parse", "matroskamux", "parsebin",
                                   "decodebin", "videoconvert", NULL };
  const int delays[] = { 10, 20, 30, 15, 25 };

  if (!require_elements (elements) || !etu_require_model (MODEL))
    return;
  g_auto (EtuTempDir) dir = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *out = enlarge_gif (dir.path, "anim.mkv", delays);

  Streams s;
  read_streams (out, &s);
  g_assert_cmpint (s.frames, ==, 5);
  g_assert_cmpint (s.width, ==, 80);
  g_assert_cmpint (s.height, ==, 60);
  GstClockTime t = s.pts[0];
  for (int i = 0; i < 5; i++)
    {
      g_assert_cmpuint (s.pts[i], ==, t);
      t += delays[i] * GST_MSECOND * 10;
    }
  /* Matroska stores no duration for the last frame: its delay is not
   * checked (MP4 would, but mp4mux drops the last frame of a stream
   * without a frame rate; see README.md, Videos) */
}

/* A GIF of 5 frames → an animated WebP of 5 frames, twice the size, the
 * same delays (the last one included), looping forever. */
static void
test_cli_gif_to_webp (void)
{
  const int delays[] = { 10, 20, 30, 15, 25 };
  const char *const elements[] = { "appsrc", "appsink", "decodebin", "videoconvert", NULL };

  if (!require_elements (elements) || !etu_require_model (MODEL))
    return;
  g_auto (EtuTempDir) dir = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *out = enlarge_gif (dir.path, "anim.webp", delays);

  g_autoptr (GBytes) bytes = etu_read_file (out);
  gsize len;
  const guint8 *d = g_bytes_get_data (bytes, &len);
  g_assert_cmpuint (len, >, 30);
  g_assert_true (memcmp (d, "RIFF", 4) == 0 && memcmp (d + 8, "WEBP", 4) == 0);
  int frames = 0, loops = -1, width = 0, height = 0;
  for (gsize p = 12; p + 8 <= len;)
    {
      guint32 size = d[p + 4] | d[p + 5] << 8 | d[p + 6] << 16 | (guint32) d[p + 7] << 24;
      const guint8 *c = d + p + 8;
      if (memcmp (d + p, "VP8X", 4) == 0)
        {
          width = 1 + (c[4] | c[5] << 8 | c[6] << 16);
          height = 1 + (c[7] | c[8] << 8 | c[9] << 16);
        }
      else if (memcmp (d + p, "ANIM", 4) == 0)
        loops = c[4] | c[5] << 8;
      else if (memcmp (d + p, "ANMF", 4) == 0)
        {
          g_assert_cmpint (frames, <, 5);
          g_assert_cmpint (c[12] | c[13] << 8 | c[14] << 16, ==, delays[frames] * 10);
          frames++;
        }
      p += 8 + (gsize) size + (size & 1);
    }
  g_assert_cmpint (width, ==, 80);
  g_assert_cmpint (height, ==, 60);
  g_assert_cmpint (loops, ==, 0);
  g_assert_cmpint (frames, ==, 5);
}

/* Subtitles (text in Matroska, which demuxes as Pango markup) pass into
 * .mkv and .mp4 with their times. */
static void
test_cli_subtitles (gconstpointer data)
{
  const char *extension = data;
  const char *const elements[] = { "videotestsrc", "x264enc", "h264parse", "matroskamux", "mp4mux",
                                   "subparse", "parsebin", "decodebin", "videoconvert", NULL };

  if (!require_elements (elements) || !etu_require_model (MODEL))
    return;
  g_auto (EtuTempDir) dir = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *srt = g_build_filename (dir.path, "subs.srt", NULL);
  g_autofree char *clip = g_build_filename (dir.path, "clip.mkv", NULL);
  g_autofree char *name = g_strconcat ("out.", extension, NULL);
  g_autofree char *out = g_build_filename (dir.path, name, NULL);
  const char srt_text[] = "1\n00:00:00,000 --> 00:00:01,000\nFish & chips\n\n"
                          "2\n00:00:01,200 --> 00:00:02,000\n<i>World</i>\n\n";
  etu_write_file (srt, srt_text, sizeof srt_text - 1);
  g_autofree char *description = g_strdup_printf (
    "videotestsrc num-buffers=20 ! video/x-raw,width=64,height=48,framerate=10/1 ! x264enc "
    "! h264parse ! matroskamux name=m ! filesink location=\"%s\" "
    "filesrc location=\"%s\" ! subparse ! m.", clip, srt);
  launch (description);

  g_auto (EtuCliResult) result = { 0 };
  etu_run_cli (&result, NULL, "-m", MODEL, "--device", test_device (), clip, "-o", out, NULL);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_null (strstr (result.err, "dropped"));

  Streams s;
  read_streams (out, &s);
  g_assert_cmpint (s.frames, ==, 20);
  g_assert_cmpint (s.subtitles, ==, 2);
  g_assert_cmpuint (s.subtitle_pts[0], ==, 0);
  g_assert_cmpuint (s.subtitle_pts[1], ==, 1200 * GST_MSECOND);
  /* the text as written: Matroska's demuxer escapes it as markup again,
   * MP4's gives it plain; never escaped twice */
  g_test_message ("first subtitle: %s", s.subtitle_text);
  g_assert_cmpstr (s.subtitle_text, ==, g_str_equal (extension, "mkv") ? "Fish &amp; chips" : "Fish & chips");
}

/* -o the input itself: refused before any work, the input untouched. */
static void
test_cli_refuses_input (void)
{
  if (!require_elements (clip_elements))
    return;
  g_auto (EtuTempDir) dir = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *clip = g_build_filename (dir.path, "clip.mp4", NULL);
  make_clip (clip, 5);
  g_autoptr (GBytes) before = etu_read_file (clip);

  g_auto (EtuCliResult) result = { 0 };
  etu_run_cli (&result, dir.path, "-m", MODEL, "clip.mp4", "-o", "./clip.mp4", NULL);
  g_assert_cmpint (result.status, ==, 2);
  g_assert_nonnull (strstr (result.err, "refusing to overwrite"));
  g_autoptr (GBytes) after = etu_read_file (clip);
  g_assert_true (g_bytes_equal (before, after));

  /* a hard link to it is the input too */
  g_autofree char *link_path = g_build_filename (dir.path, "link.mp4", NULL);
  g_assert_cmpint (link (clip, link_path), ==, 0);
  g_auto (EtuCliResult) linked = { 0 };
  etu_run_cli (&linked, dir.path, "-m", MODEL, "clip.mp4", "-o", "link.mp4", NULL);
  g_assert_cmpint (linked.status, ==, 2);
  g_assert_cmpint (g_unlink (link_path), ==, 0);

  /* not a video: status 1, a clear message, no output */
  g_autofree char *junk = g_build_filename (dir.path, "junk.mp4", NULL);
  etu_write_file (junk, "not a video\n", 12);
  g_auto (EtuCliResult) unreadable = { 0 };
  etu_run_cli (&unreadable, dir.path, "-m", MODEL, "junk.mp4", "-o", "out.mp4", NULL);
  g_assert_cmpint (unreadable.status, ==, 1);
  g_assert_nonnull (strstr (unreadable.err, "cannot read it as a video"));
  g_assert_null (strstr (unreadable.err, "WARNING"));
  g_assert_cmpint (g_unlink (junk), ==, 0);

  /* a device that does not exist: status 2 as for stills, nothing left */
  g_auto (EtuCliResult) no_device = { 0 };
  etu_run_cli (&no_device, dir.path, "-m", MODEL, "--device", "no-such-device", "clip.mp4",
               "-o", "out.mp4", NULL);
  g_assert_cmpint (no_device.status, ==, 2);
  g_assert_nonnull (strstr (no_device.err, "no-such-device"));

  /* an odd size for H.264: refused before any work */
  g_auto (EtuCliResult) odd = { 0 };
  etu_run_cli (&odd, dir.path, "-m", MODEL, "-s", "1.53", "clip.mp4", "-o", "out.mp4", NULL);
  g_assert_cmpint (odd.status, ==, 2);
  g_assert_nonnull (strstr (odd.err, "98 × 73"));

  g_auto (EtuCliResult) bad = { 0 };
  etu_run_cli (&bad, dir.path, "-m", MODEL, "clip.mp4", "-o", "out.avi", NULL);
  g_assert_cmpint (bad.status, ==, 2);
  g_auto (GStrv) left = list_dir (dir.path);
  g_assert_cmpuint (g_strv_length (left), ==, 1);
}

/* ---- the element ---------------------------------------------------------- */

static GstElement *
parse_pipeline (const char *description)
{
  g_autoptr (GError) error = NULL;
  GstElement *pipeline = gst_parse_launch (description, &error);

  g_assert_no_error (error);
  return pipeline;
}

static GstSample *
pull (GstElement *pipeline)
{
  g_autoptr (GstElement) sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  return gst_app_sink_try_pull_sample (GST_APP_SINK (sink), TIMEOUT);
}

static gboolean
sink_is_eos (GstElement *pipeline)
{
  g_autoptr (GstElement) sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  return gst_app_sink_is_eos (GST_APP_SINK (sink));
}

/* scale 2, 4, 2.5 and 1.53: output caps round (w × f) × round (h × f),
 * the same format and frame rate, every frame through, then EOS. */
static void
test_element_caps (gconstpointer data)
{
  const char *scale = data;
  const char *const elements[] = { "videotestsrc", "appsink", NULL };

  if (!require_elements (elements) || !etu_require_model (MODEL))
    return;
  double f = g_ascii_strtod (scale, NULL);
  g_autofree char *description = g_strdup_printf (
    "videotestsrc num-buffers=3 pattern=smpte ! video/x-raw,format=RGBx,width=64,height=48,framerate=10/1 "
    "! enlarge model=" MODEL " device=%s scale=%s ! appsink name=sink sync=false", test_device (), scale);
  g_autoptr (GstElement) pipeline = parse_pipeline (description);
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=, GST_STATE_CHANGE_FAILURE);

  for (int i = 0; i < 3; i++)
    {
      g_autoptr (GstSample) sample = pull (pipeline);
      g_assert_nonnull (sample);
      GstStructure *s = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
      int width, height, fps_n, fps_d;
      g_assert_true (gst_structure_get_int (s, "width", &width));
      g_assert_true (gst_structure_get_int (s, "height", &height));
      g_assert_true (gst_structure_get_fraction (s, "framerate", &fps_n, &fps_d));
      g_assert_cmpint (width, ==, (int) round (64 * f));
      g_assert_cmpint (height, ==, (int) round (48 * f));
      g_assert_cmpint (fps_n, ==, 10);
      g_assert_cmpint (fps_d, ==, 1);
      g_assert_cmpstr (gst_structure_get_string (s, "format"), ==, "RGBx");
      GstBuffer *buffer = gst_sample_get_buffer (sample);
      g_assert_cmpuint (GST_BUFFER_PTS (buffer), ==, i * GST_SECOND / 10);
    }
  g_autoptr (GstSample) none = pull (pipeline);
  g_assert_null (none);
  g_assert_true (sink_is_eos (pipeline));
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

/* Pushes @frame (RGB or RGBA) @n times into the appsrc "src", then EOS. */
static void
push_frames (GstElement *pipeline, const EnlargeImage *frame, int n)
{
  g_autoptr (GstElement) src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  GstVideoInfo info;

  gst_video_info_set_format (&info, frame->n_channels == 4 ? GST_VIDEO_FORMAT_RGBA : GST_VIDEO_FORMAT_RGB,
                             frame->width, frame->height);
  for (int i = 0; i < n; i++)
    {
      /* GStreamer pads RGB rows to 4 bytes */
      GstBuffer *buffer = gst_buffer_new_allocate (NULL, info.size, NULL);
      GstMapInfo map;
      gsize row = (gsize) frame->width * frame->n_channels;
      gst_buffer_map (buffer, &map, GST_MAP_WRITE);
      for (int y = 0; y < frame->height; y++)
        memcpy (map.data + y * info.stride[0], frame->pixels + y * row, row);
      gst_buffer_unmap (buffer, &map);
      GST_BUFFER_PTS (buffer) = i * GST_SECOND / 10;
      GST_BUFFER_DURATION (buffer) = GST_SECOND / 10;
      g_assert_cmpint (gst_app_src_push_buffer (GST_APP_SRC (src), buffer), ==, GST_FLOW_OK);
    }
  gst_app_src_end_of_stream (GST_APP_SRC (src));
}

/* A sample's pixels as an EnlargeImage (the rows' padding removed). */
static EnlargeImage *
sample_image (GstSample *sample, int n_channels)
{
  GstVideoInfo info;
  GstMapInfo map;
  g_autoptr (GError) error = NULL;

  g_assert_true (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)));
  EnlargeImage *image = enlarge_image_new (info.width, info.height, n_channels, &error);
  g_assert_no_error (error);
  g_assert_true (gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ));
  g_assert_cmpuint (map.size, >=, info.size);
  for (int y = 0; y < info.height; y++)
    memcpy (image->pixels + (gsize) y * info.width * n_channels, map.data + y * info.stride[0],
            (gsize) info.width * n_channels);
  gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
  return image;
}

/* RGBA: the alpha goes through the model with the colour. */
static void
test_element_alpha (void)
{
  const char *const elements[] = { "appsrc", "appsink", NULL };

  if (!require_elements (elements) || !etu_require_model (MODEL))
    return;
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) frame = enlarge_image_new (24, 20, 4, &error);
  g_assert_no_error (error);
  double in_sum = 0;
  for (int y = 0; y < 20; y++)
    for (int x = 0; x < 24; x++)
      {
        guint8 *p = enlarge_image_pixel (frame, x, y);
        p[0] = 200, p[1] = (guint8) (x * 10), p[2] = 50;
        p[3] = x < 12 ? 255 : 60;
        in_sum += p[3];
      }

  g_autofree char *description = g_strdup_printf (
    "appsrc name=src format=time caps=video/x-raw,format=RGBA,width=24,height=20,framerate=10/1 "
    "! enlarge model=" MODEL " device=%s ! appsink name=sink sync=false", test_device ());
  g_autoptr (GstElement) pipeline = parse_pipeline (description);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  push_frames (pipeline, frame, 1);

  g_autoptr (GstSample) sample = pull (pipeline);
  g_assert_nonnull (sample);
  GstStructure *s = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
  g_assert_cmpstr (gst_structure_get_string (s, "format"), ==, "RGBA");
  g_autoptr (EnlargeImage) out = sample_image (sample, 4);
  g_assert_cmpint (out->width, ==, 48);
  double sum = 0;
  for (int y = 0; y < out->height; y++)
    for (int x = 0; x < out->width; x++)
      sum += enlarge_image_pixel (out, x, y)[3];
  g_test_message ("mean alpha %.2f in, %.2f out", in_sum / (24 * 20), sum / (48 * 40));
  g_assert_cmpfloat (fabs (sum / (48 * 40) - in_sum / (24 * 20)), <, 4);
  g_assert_cmpint (enlarge_image_pixel (out, 4, 20)[3], >, 245);
  g_assert_cmpint (abs (enlarge_image_pixel (out, 44, 20)[3] - 60), <, 8);
  g_assert_true (sink_is_eos (pipeline) || pull (pipeline) == NULL);
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

/* The same frame twice through the element: two identical outputs, equal
 * to the still-image pipeline's result on that frame (≥ 45 dB), with
 * several tiles and creativity away from 0.5. */
static void
test_element_still (void)
{
  const char *const elements[] = { "appsrc", "appsink", NULL };
  const int width = 53, height = 41;

  if (!require_elements (elements) || !etu_require_model (MODEL))
    return;
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) frame = enlarge_image_new (width, height, 3, &error);
  g_assert_no_error (error);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = enlarge_image_pixel (frame, x, y);
        p[0] = (guint8) (128 + 100 * sin (x * 0.4) * cos (y * 0.3));
        p[1] = (guint8) ((x * 5 + y * 3) & 0xff);
        p[2] = (x / 8 + y / 8) % 2 ? 220 : 30;
      }

  g_autofree char *description = g_strdup_printf (
    "appsrc name=src format=time caps=video/x-raw,format=RGB,width=%d,height=%d,framerate=10/1 "
    "! enlarge model=" MODEL " device=%s tile=16 creativity=0.8 "
    "! appsink name=sink sync=false", width, height, test_device ());
  g_autoptr (GstElement) pipeline = parse_pipeline (description);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  push_frames (pipeline, frame, 2);

  g_autoptr (GstSample) first = pull (pipeline);
  g_autoptr (GstSample) second = pull (pipeline);
  g_assert_nonnull (first);
  g_assert_nonnull (second);
  g_autoptr (EnlargeImage) video = sample_image (first, 3);
  g_autoptr (EnlargeImage) again = sample_image (second, 3);
  g_assert_cmpint (video->width, ==, 2 * width);
  g_assert_true (memcmp (video->pixels, again->pixels, (gsize) 2 * width * 2 * height * 3) == 0);

  /* the still path: enlarge_pipeline_run on the same frame */
  g_autoptr (EnlargeBackend) backend = enlarge_environment_backend_new (test_device (), &error);
  g_assert_no_error (error);
  g_autoptr (EnlargeNet) net = enlarge_model_load_in (enlarge_environment_model_dirs (), MODEL, &error);
  g_assert_no_error (error);
  EnlargeSettings settings = ENLARGE_SETTINGS_INIT;
  settings.creativity = 0.8;
  EnlargeUpscaleOptions options = ENLARGE_UPSCALE_OPTIONS_INIT;
  options.tile_size = 16;
  g_autoptr (EnlargeImage) still = enlarge_pipeline_run (backend, net, &settings, frame, &options,
                                                         NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (still->width, ==, 2 * width);

  double psnr = enlarge_image_psnr (video, still);
  g_test_message ("frame vs still: %.2f dB", psnr);
  g_assert_cmpfloat (psnr, >=, 45.0);
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

/* A model or device that does not exist: an error message from the
 * element, with the engine's domain and code, and a failed state change. */
static void
test_element_error (gconstpointer data)
{
  const char *property = data;
  const char *const elements[] = { "videotestsrc", "fakesink", NULL };

  if (!require_elements (elements))
    return;
  g_autofree char *description = g_strdup_printf (
    "videotestsrc num-buffers=1 ! video/x-raw,format=RGB ! enlarge name=e %s ! fakesink", property);
  g_autoptr (GstElement) pipeline = parse_pipeline (description);
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), ==, GST_STATE_CHANGE_FAILURE);

  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr (GstMessage) message = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND, GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpstr (GST_OBJECT_NAME (GST_MESSAGE_SRC (message)), ==, "e");
  g_autoptr (GError) error = NULL;
  gst_message_parse_error (message, &error, NULL);
  g_test_message ("%s", error->message);
  g_assert_true (error->domain == ENLARGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  gst_enlarge_register (NULL);

  g_test_add_data_func ("/video/element/caps/2", "2", test_element_caps);
  g_test_add_data_func ("/video/element/caps/4", "4", test_element_caps);
  g_test_add_data_func ("/video/element/caps/2.5", "2.5", test_element_caps);
  /* 64 × 48 → 98 × 73: the frames run at 1.53, not at 98 / 64 (which gives 74 rows) */
  g_test_add_data_func ("/video/element/caps/1.53", "1.53", test_element_caps);
  g_test_add_func ("/video/element/alpha", test_element_alpha);
  g_test_add_func ("/video/element/still", test_element_still);
  g_test_add_data_func ("/video/element/error/model", "model=no-such-model", test_element_error);
  g_test_add_data_func ("/video/element/error/device", "device=no-such-device", test_element_error);
  g_test_add_func ("/video/cli/clip", test_cli_clip);
  g_test_add_func ("/video/cli/cancel", test_cli_cancel);
  g_test_add_func ("/video/cli/refuses-input", test_cli_refuses_input);
  g_test_add_func ("/video/cli/gif", test_cli_gif);
  g_test_add_func ("/video/cli/gif-to-webp", test_cli_gif_to_webp);
  g_test_add_data_func ("/video/cli/subtitles/mkv", "mkv", test_cli_subtitles);
  g_test_add_data_func ("/video/cli/subtitles/mp4", "mp4", test_cli_subtitles);
  return g_test_run ();
}
