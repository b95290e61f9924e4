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
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <webp/demux.h>
#include <webp/encode.h>
#include <webp/mux.h>

#include "enlarge.h"
#include "enlarge-environment.h"
#include "enlarge-test-utils.h"
#include "gstenlarge.h"
#include "video-test-utils.h"

#define MODEL "realesr-animevideov3-x2"
#define TEMP_DIR_TEMPLATE "enlarge-video-test-XXXXXX"
#define TIMEOUT (300 * GST_SECOND)

/* ---- enlarge-cli ---------------------------------------------------------- */

/* A 2-second clip → 128 × 96, same frames, duration and audio. */
static void
test_cli_clip (void)
{
  if (!vtu_require_elements (vtu_clip_elements) || !etu_require_model (MODEL))
    return;
  g_auto (EtuTempDir) dir = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *clip = g_build_filename (dir.path, "clip.mp4", NULL);
  g_autofree char *out = g_build_filename (dir.path, "out.mp4", NULL);
  vtu_make_clip (clip, 20);

  g_auto (EtuCliResult) result = { 0 };
  etu_run_cli (&result, NULL, "-m", MODEL, "--device", vtu_test_device (), clip, "-o", out, NULL);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_nonnull (strstr (result.out, "wrote "));
  /* the last progress line: frames and frames per second */
  g_assert_nonnull (strstr (result.err, "20 frames in"));
  g_assert_nonnull (strstr (result.err, "frames/s"));

  Streams in, enlarged;
  vtu_read_streams (clip, &in);
  vtu_read_streams (out, &enlarged);
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
  GstClockTime in_duration = vtu_discovered_duration (clip, &in_audio);
  GstClockTime out_duration = vtu_discovered_duration (out, &out_audio);
  g_assert_true (in_audio);
  g_assert_true (out_audio);
  g_assert_cmpuint (out_duration, ==, in_duration);
}

/* Ctrl+C in the middle: status 130, nothing but the input left. */
static void
test_cli_cancel (void)
{
  if (!vtu_require_elements (vtu_clip_elements) || !etu_require_model (MODEL))
    return;
  g_auto (EtuTempDir) dir = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *clip = g_build_filename (dir.path, "clip.mp4", NULL);
  g_autofree char *out = g_build_filename (dir.path, "out.mp4", NULL);
  vtu_make_clip (clip, 300);

  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process =
    g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                      etu_get_cli_path (), "-m", MODEL, "--device", vtu_test_device (), "--scale", "4",
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

  g_auto (GStrv) left = vtu_list_dir (dir.path);
  g_assert_cmpuint (g_strv_length (left), ==, 1);
  g_assert_cmpstr (left[0], ==, "clip.mp4");
}

/* Writes a 5-frame 40 × 30 GIF with @delays into @dir and enlarges it 2×
 * into @dir/@name; returns the output's path. */
static char *
enlarge_gif_looping (const char *dir, const char *name, const int *delays, int loop, const char *extra)
{
  g_autofree char *gif = g_build_filename (dir, "anim.gif", NULL);
  char *out = g_build_filename (dir, name, NULL);
  vtu_write_gif (gif, 40, 30, 5, delays, loop);

  g_auto (EtuCliResult) result = { 0 };
  etu_run_cli (&result, NULL, "-m", MODEL, "--device", vtu_test_device (), gif, "-o", out, extra, NULL);
  g_assert_cmpint (result.status, ==, 0);
  return out;
}

static char *
enlarge_gif (const char *dir, const char *name, const int *delays)
{
  return enlarge_gif_looping (dir, name, delays, 0, NULL);
}

/* An animated GIF of 5 frames → 5 frames, each shown when the GIF shows it. */
static void
test_cli_gif (void)
{
  const char *const elements[] = { "avdec_gif", "x264enc", "h264parse", "matroskamux", "parsebin",
                                   "decodebin", "videoconvert", NULL };
  const int delays[] = { 10, 20, 30, 15, 25 };

  if (!vtu_require_elements (elements) || !etu_require_model (MODEL))
    return;
  g_auto (EtuTempDir) dir = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *out = enlarge_gif (dir.path, "anim.mkv", delays);

  Streams s;
  vtu_read_streams (out, &s);
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

  if (!vtu_require_elements (elements) || !etu_require_model (MODEL))
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

/* ---- GIF output, animated WebP input ------------------------------------ */

/* What a GIF's blocks say, read here without giflib or GdkPixbuf. */
typedef struct {
  int width, height, frames, loop;   /* loop -1: no NETSCAPE2.0 extension */
  int delays_cs[16];
  int local_tables;                  /* frames with their own palette */
} GifBlocks;

static void
read_gif_blocks (const char *path, GifBlocks *g)
{
  g_autoptr (GBytes) bytes = etu_read_file (path);
  gsize len, p = 13;
  const guint8 *d = g_bytes_get_data (bytes, &len);

  memset (g, 0, sizeof *g);
  g->loop = -1;
  g_assert_cmpuint (len, >, 13);
  g_assert_true (memcmp (d, "GIF89a", 6) == 0);
  g->width = d[6] | d[7] << 8;
  g->height = d[8] | d[9] << 8;
  if (d[10] & 0x80)
    p += 3u << ((d[10] & 7) + 1);
  while (p < len && d[p] != 0x3b)
    {
      guint8 block = d[p++];
      if (block == 0x21)
        {
          guint8 label = d[p++];
          if (label == 0xf9)
            g->delays_cs[MIN (g->frames, 15)] = d[p + 2] | d[p + 3] << 8;
          else if (label == 0xff && memcmp (d + p + 1, "NETSCAPE2.0", 11) == 0)
            g->loop = d[p + 14] | d[p + 15] << 8;
        }
      else
        {
          g_assert_cmpint (block, ==, 0x2c);
          guint8 flags = d[p + 8];
          p += 9;
          if (flags & 0x80)
            {
              p += 3u << ((flags & 7) + 1);
              g->local_tables++;
            }
          p++;
          g->frames++;
        }
      while (p < len && d[p] != 0)
        p += d[p] + 1u;
      p++;
    }
  g_assert_cmpuint (p, <, len);   /* the trailer */
}

/* The frames of an animated WebP as libwebp composes them, RGB (GdkPixbuf's
 * WebP loader repeats and skips frames when stepped by their delays) */
static GPtrArray *
decode_webp_frames (const char *path, int n)
{
  g_autoptr (GBytes) bytes = etu_read_file (path);
  WebPData data = { g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes) };
  WebPAnimDecoderOptions options;
  WebPAnimInfo info;
  g_assert_true (WebPAnimDecoderOptionsInit (&options));
  options.color_mode = MODE_RGBA;
  WebPAnimDecoder *decoder = WebPAnimDecoderNew (&data, &options);
  g_assert_nonnull (decoder);
  g_assert_true (WebPAnimDecoderGetInfo (decoder, &info));
  GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify) enlarge_image_unref);
  for (int i = 0; i < n; i++)
    {
      guint8 *buf;
      int timestamp;
      g_assert_true (WebPAnimDecoderGetNext (decoder, &buf, &timestamp));
      EnlargeImage *image = enlarge_image_new ((int) info.canvas_width, (int) info.canvas_height, 3, NULL);
      for (gsize p = 0; p < (gsize) image->width * image->height; p++)
        memcpy (image->pixels + p * 3, buf + p * 4, 3);
      g_ptr_array_add (frames, image);
    }
  WebPAnimDecoderDelete (decoder);
  return frames;
}

/* The frames of an animated GIF as GdkPixbuf shows them, RGB */
static GPtrArray *
decode_gif_frames (const char *path, int n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkPixbufAnimation) animation = gdk_pixbuf_animation_new_from_file (path, &error);
  g_assert_no_error (error);
  GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify) enlarge_image_unref);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GTimeVal t = { 0, 0 };
  g_autoptr (GdkPixbufAnimationIter) iter = gdk_pixbuf_animation_get_iter (animation, &t);
  for (int i = 0; i < n; i++)
    {
      GdkPixbuf *pixbuf = gdk_pixbuf_animation_iter_get_pixbuf (iter);
      int w = gdk_pixbuf_get_width (pixbuf), h = gdk_pixbuf_get_height (pixbuf);
      int c = gdk_pixbuf_get_n_channels (pixbuf), stride = gdk_pixbuf_get_rowstride (pixbuf);
      EnlargeImage *image = enlarge_image_new (w, h, 3, NULL);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          memcpy (enlarge_image_pixel (image, x, y), gdk_pixbuf_read_pixels (pixbuf) + y * stride + x * c, 3);
      g_ptr_array_add (frames, image);
      glong ms = t.tv_sec * 1000 + t.tv_usec / 1000 + gdk_pixbuf_animation_iter_get_delay_time (iter);
      t.tv_sec = ms / 1000;
      t.tv_usec = ms % 1000 * 1000;
      gdk_pixbuf_animation_iter_advance (iter, &t);
    }
  G_GNUC_END_IGNORE_DEPRECATIONS
  return frames;
}

/* A GIF of 5 frames looping 3 times → a GIF of 5 frames at twice the
 * size, the same delays and loop count, a palette per frame; its frames
 * against the lossless WebP of the same run ≥ 32 dB (what the 256-colour
 * palette costs: 34.1 dB measured, 26.0 with giflib's median cut alone). A GIF without a loop extension plays once, and so does
 * its output. */
static void
test_cli_gif_to_gif (gconstpointer data)
{
  const int delays[] = { 10, 20, 30, 15, 25 };
  const char *const elements[] = { "appsrc", "appsink", "videoconvert", NULL };
  int loop = GPOINTER_TO_INT (data);

  if (!vtu_require_elements (elements) || !etu_require_model (MODEL))
    return;
  g_auto (EtuTempDir) dir = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *out = enlarge_gif_looping (dir.path, "out.gif", delays, loop, NULL);
  g_autofree char *webp = enlarge_gif_looping (dir.path, "out.webp", delays, loop, "--lossless");

  GifBlocks g;
  read_gif_blocks (out, &g);
  g_assert_cmpint (g.width, ==, 80);
  g_assert_cmpint (g.height, ==, 60);
  g_assert_cmpint (g.frames, ==, 5);
  g_assert_cmpint (g.local_tables, ==, 5);
  g_assert_cmpint (g.loop, ==, loop);
  for (int i = 0; i < 5; i++)
    g_assert_cmpint (g.delays_cs[i], ==, delays[i]);

  g_autoptr (GPtrArray) gif_frames = decode_gif_frames (out, 5);
  g_autoptr (GPtrArray) webp_frames = decode_webp_frames (webp, 5);
  double worst = INFINITY;
  for (int i = 0; i < 5; i++)
    {
      double db = enlarge_image_psnr (gif_frames->pdata[i], webp_frames->pdata[i]);
      g_test_message ("frame %d: %.1f dB", i, db);
      worst = MIN (worst, db);
    }
  g_test_message ("GIF frames against the lossless WebP: %.1f dB at worst", worst);
  g_assert_cmpfloat (worst, >=, 32.0);
  /* consecutive frames differ: every frame is its own, not the first repeated */
  g_assert_cmpfloat (enlarge_image_psnr (gif_frames->pdata[0], gif_frames->pdata[1]), <, 30.0);
}

/* An animated WebP of 4 frames of @delays_ms, looping @loop times, frame
 * i a pattern shifted by i, half transparent in frame 2 */
static void
write_anim_webp (const char *path, int width, int height, const int *delays_ms, int n, int loop)
{
  WebPAnimEncoderOptions options;
  g_assert_true (WebPAnimEncoderOptionsInit (&options));
  options.anim_params.loop_count = loop;
  WebPAnimEncoder *encoder = WebPAnimEncoderNew (width, height, &options);
  WebPConfig config;
  g_assert_true (WebPConfigInit (&config));
  config.lossless = 1;
  int t = 0;
  g_autofree guint8 *rgba = g_malloc ((gsize) width * height * 4);
  for (int i = 0; i < n; i++)
    {
      for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
          {
            guint8 *p = rgba + ((gsize) y * width + x) * 4;
            p[0] = (guint8) ((x + i * 7) * 9);
            p[1] = (guint8) (y * 11 + i * 40);
            p[2] = (guint8) (((x / 5 + y / 5 + i) & 1) * 200);
            p[3] = 255;
          }
      WebPPicture picture;
      g_assert_true (WebPPictureInit (&picture));
      picture.use_argb = 1;
      picture.width = width;
      picture.height = height;
      g_assert_true (WebPPictureImportRGBA (&picture, rgba, width * 4));
      g_assert_true (WebPAnimEncoderAdd (encoder, &picture, t, &config));
      WebPPictureFree (&picture);
      t += delays_ms[i];
    }
  WebPData out;
  WebPDataInit (&out);
  g_assert_true (WebPAnimEncoderAdd (encoder, NULL, t, NULL));
  g_assert_true (WebPAnimEncoderAssemble (encoder, &out));
  etu_write_file (path, out.bytes, out.size);
  WebPDataClear (&out);
  WebPAnimEncoderDelete (encoder);
}

/* An animated WebP in (4 frames, 100, 250, 50 and 300 ms, looping twice)
 * → an animated WebP, a GIF and a Matroska file with those frames at those
 * times, twice the size, the loop count kept in the animations. */
static void
test_cli_webp_in (void)
{
  const int delays[] = { 100, 250, 50, 300 };
  const char *const elements[] = { "appsrc", "appsink", "videoconvert", "x264enc", "h264parse",
                                   "matroskamux", "decodebin", NULL };

  if (!vtu_require_elements (elements) || !etu_require_model (MODEL))
    return;
  g_auto (EtuTempDir) dir = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *in = g_build_filename (dir.path, "anim.webp", NULL);
  write_anim_webp (in, 30, 20, delays, 4, 2);

  /* no -o: beside it, still an animated WebP */
  g_auto (EtuCliResult) r = { 0 };
  etu_run_cli (&r, NULL, "-m", MODEL, "--device", vtu_test_device (), in, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_autofree char *webp = g_build_filename (dir.path, "anim-enlarged-2x.webp", NULL);
  g_autoptr (GBytes) bytes = etu_read_file (webp);
  WebPData data = { g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes) };
  WebPAnimDecoderOptions options;
  g_assert_true (WebPAnimDecoderOptionsInit (&options));
  WebPAnimDecoder *decoder = WebPAnimDecoderNew (&data, &options);
  g_assert_nonnull (decoder);
  WebPAnimInfo info;
  g_assert_true (WebPAnimDecoderGetInfo (decoder, &info));
  g_assert_cmpuint (info.canvas_width, ==, 60);
  g_assert_cmpuint (info.canvas_height, ==, 40);
  g_assert_cmpuint (info.frame_count, ==, 4);
  g_assert_cmpuint (info.loop_count, ==, 2);
  int end = 0;
  for (int i = 0; i < 4; i++)
    {
      guint8 *buf;
      int timestamp;
      g_assert_true (WebPAnimDecoderGetNext (decoder, &buf, &timestamp));
      end += delays[i];
      g_assert_cmpint (timestamp, ==, end);
    }
  WebPAnimDecoderDelete (decoder);

  g_autofree char *gif = g_build_filename (dir.path, "out.gif", NULL);
  g_auto (EtuCliResult) r2 = { 0 };
  etu_run_cli (&r2, NULL, "-m", MODEL, "--device", vtu_test_device (), in, "-o", gif, NULL);
  g_assert_cmpint (r2.status, ==, 0);
  GifBlocks g;
  read_gif_blocks (gif, &g);
  g_assert_cmpint (g.frames, ==, 4);
  g_assert_cmpint (g.width, ==, 60);
  g_assert_cmpint (g.loop, ==, 2);
  for (int i = 0; i < 4; i++)
    g_assert_cmpint (g.delays_cs[i] * 10, ==, delays[i]);

  g_autofree char *mkv = g_build_filename (dir.path, "out.mkv", NULL);
  g_auto (EtuCliResult) r3 = { 0 };
  etu_run_cli (&r3, NULL, "-m", MODEL, "--device", vtu_test_device (), in, "-o", mkv, NULL);
  g_assert_cmpint (r3.status, ==, 0);
  Streams s;
  vtu_read_streams (mkv, &s);
  g_assert_cmpint (s.frames, ==, 4);
  g_assert_cmpint (s.width, ==, 60);
  GstClockTime t = s.pts[0];
  for (int i = 0; i < 4; i++)
    {
      g_assert_cmpuint (s.pts[i], ==, t);
      t += delays[i] * GST_MSECOND;
    }
}

/* Subtitles (text in Matroska, which demuxes as Pango markup) pass into
 * .mkv and .mp4 with their times. */
static void
test_cli_subtitles (gconstpointer data)
{
  const char *extension = data;
  const char *const elements[] = { "videotestsrc", "x264enc", "h264parse", "matroskamux", "mp4mux",
                                   "subparse", "parsebin", "decodebin", "videoconvert", NULL };

  if (!vtu_require_elements (elements) || !etu_require_model (MODEL))
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
  vtu_launch (description);

  g_auto (EtuCliResult) result = { 0 };
  etu_run_cli (&result, NULL, "-m", MODEL, "--device", vtu_test_device (), clip, "-o", out, NULL);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_null (strstr (result.err, "dropped"));

  Streams s;
  vtu_read_streams (out, &s);
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
  if (!vtu_require_elements (vtu_clip_elements))
    return;
  g_auto (EtuTempDir) dir = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *clip = g_build_filename (dir.path, "clip.mp4", NULL);
  vtu_make_clip (clip, 5);
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
  g_auto (GStrv) left = vtu_list_dir (dir.path);
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

  if (!vtu_require_elements (elements) || !etu_require_model (MODEL))
    return;
  double f = g_ascii_strtod (scale, NULL);
  g_autofree char *description = g_strdup_printf (
    "videotestsrc num-buffers=3 pattern=smpte ! video/x-raw,format=RGBx,width=64,height=48,framerate=10/1 "
    "! enlarge model=" MODEL " device=%s scale=%s ! appsink name=sink sync=false", vtu_test_device (), scale);
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

  if (!vtu_require_elements (elements) || !etu_require_model (MODEL))
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
    "! enlarge model=" MODEL " device=%s ! appsink name=sink sync=false", vtu_test_device ());
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

  if (!vtu_require_elements (elements) || !etu_require_model (MODEL))
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
    "! appsink name=sink sync=false", width, height, vtu_test_device ());
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
  g_autoptr (EnlargeBackend) backend = enlarge_environment_backend_new (vtu_test_device (), &error);
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

  if (!vtu_require_elements (elements))
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
  g_test_add_data_func ("/video/cli/gif-to-gif/loop-3", GINT_TO_POINTER (3), test_cli_gif_to_gif);
  g_test_add_data_func ("/video/cli/gif-to-gif/once", GINT_TO_POINTER (-1), test_cli_gif_to_gif);
  g_test_add_func ("/video/cli/webp-in", test_cli_webp_in);
  g_test_add_data_func ("/video/cli/subtitles/mkv", "mkv", test_cli_subtitles);
  g_test_add_data_func ("/video/cli/subtitles/mp4", "mp4", test_cli_subtitles);
  return g_test_run ();
}
