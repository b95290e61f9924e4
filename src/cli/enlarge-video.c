/* enlarge-cli's videos and animations; see enlarge-video.h.
 *
 * The pipeline:
 *
 *   filesrc ! parsebin ─ video ─ queue ! decodebin ! videoconvert ! enlarge
 *                      │           ! videoconvert ! encoder [! parser] ! mux
 *                      ├ audio ─── queue ! mux  (or, when the container cannot
 *                      │           hold it: decodebin ! audioconvert ! encoder ! mux)
 *                      ├ subtitles queue ! mux  (dropped, with a warning, when
 *                      │           the container cannot hold them)
 *                      └ other ─── fakesink
 *   mux ! filesink location=.NAME.XXXXXX   (renamed to NAME at the end)
 *
 * Audio and subtitles are remuxed as they are, not re-encoded, where the
 * container allows it. Memory is bounded: the queues hold at most 64 MiB
 * of compressed data each and raw frames exist only between the decoder
 * and the encoder, on one streaming thread. */

#include "config.h"

#include "enlarge-video.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>

#include "enlarge.h"
#include "enlarge-animation.h"

static const char *const video_extensions[] = {
  "mp4", "m4v", "mov", "mkv", "webm", "avi", "ogv", "mpg", "mpeg", "ts", "mts", "wmv", "flv", NULL
};

gboolean
enlarge_video_wanted (const Options *options)
{
  for (guint i = 0; options->inputs != NULL && options->inputs[i] != NULL; i++)
    {
      g_autofree char *ext = enlarge_animation_extension (options->inputs[i]);
      if (ext != NULL && g_strv_contains (video_extensions, ext))
        return TRUE;
      if (enlarge_animation_is_animated (options->inputs[i]))
        {
          /* an animation asked to become a still (--format, or an output
           * named .png, .jpg or .tif) is its first frame, with a warning,
           * as without video support */
          const char *still = options->format != NULL ? options->format
                              : options->output != NULL
                                ? enlarge_image_format_for_path (options->output) : NULL;
          return still == NULL || g_str_equal (still, "webp");
        }
    }
  return FALSE;
}

#if !HAVE_GSTREAMER

int
enlarge_video_run (const Options *options)
{
  print_error (_("this enlarge-cli was built without GStreamer, so it cannot read videos; "
                 "install GStreamer's development files and build again"));
  return EXIT_FAILED;
}

#else

#include <glib-unix.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/pbutils/pbutils.h>
#include <gst/video/video.h>

#include "gstenlarge.h"
#include "enlarge-video-subtitles.h"

/* 64 MiB of compressed data per stream; time and buffer counts unlimited
 * so that a badly interleaved file cannot stall the muxer. */
#define QUEUE_BYTES (64u << 20)

typedef struct {
  const char *extension;
  const char *muxer;
  const char *video_encoder;   /* x264enc or vp9enc */
  const char *video_parser;    /* NULL = none */
  const char *const *audio_encoders;   /* for audio the container cannot hold as is */
} Container;

static const char *const aac_encoders[] = { "avenc_aac", "fdkaacenc", "voaacenc", NULL };
static const char *const opus_encoders[] = { "opusenc", "vorbisenc", NULL };
static const char *const mkv_audio_encoders[] = { "opusenc", "flacenc", "vorbisenc", NULL };

static const Container containers[] = {
  { "mp4", "mp4mux", "x264enc", "h264parse", aac_encoders },
  { "m4v", "mp4mux", "x264enc", "h264parse", aac_encoders },
  { "mov", "qtmux", "x264enc", "h264parse", aac_encoders },
  { "mkv", "matroskamux", "x264enc", "h264parse", mkv_audio_encoders },
  { "webm", "webmmux", "vp9enc", NULL, opus_encoders },
  /* animated WebP: frames from an appsink into libwebp (enlarge-animation.c) */
  { "webp", NULL, NULL, NULL, NULL },
};

typedef struct {
  const Options *options;
  const Container *container;
  GMainLoop *loop;
  GstElement *pipeline;
  GstElement *mux;
  GstElement *enlarge;
  gboolean have_video;
  GError *error;           /* the first error */
  int interrupted;          /* the signal that stopped the run, or 0 */
  int status;

  /* an animated GIF, read with GdkPixbuf and pushed into an appsrc: GStreamer's
   * own GIF demuxer loses the frame delays */
  GdkPixbufAnimation *gif;
  GdkPixbufAnimationIter *gif_iter;
  int gif_frames, gif_pushed;
  GstClockTime gif_time;

  /* animated WebP output */
  EnlargeWebpAnimWriter *webp;
  GstClockTime webp_start, webp_end;
  gboolean webp_failed;

  /* progress */
  char *name;
  gint frames_done;        /* atomic: counted on the streaming thread */
  gint64 frames_total;     /* -1 = unknown */
  gint64 start_us;
  int last_printed;
  gboolean tty;
  gboolean line_open;
} Video;

static void
video_fail (Video *video, GError *error)
{
  if (video->error == NULL)
    video->error = error;
  else
    g_error_free (error);
  g_main_loop_quit (video->loop);
}

static GstElement *
make (Video *video, const char *factory)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (element == NULL)
    {
      /* from any thread: through the bus */
      g_autoptr (GError) error = g_error_new (GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
                                              _("the GStreamer element “%s” is not installed "
                                                "(see README.md, Videos)"), factory);
      gst_element_post_message (video->pipeline,
                                gst_message_new_error (GST_OBJECT (video->pipeline), error, NULL));
      return NULL;
    }
  gst_bin_add (GST_BIN (video->pipeline), element);
  return element;
}

static GstElement *
make_queue (Video *video)
{
  GstElement *queue = make (video, "queue");

  g_object_set (queue, "max-size-buffers", 0, "max-size-time", (guint64) 0,
                "max-size-bytes", QUEUE_BYTES, NULL);
  return queue;
}

/* Links a chain of elements and brings them to the pipeline's state. */
static gboolean
link_and_start (GstElement **chain, guint n)
{
  for (guint i = 0; i + 1 < n; i++)
    if (!gst_element_link (chain[i], chain[i + 1]))
      return FALSE;
  for (guint i = n; i-- > 0;)
    gst_element_sync_state_with_parent (chain[i]);
  return TRUE;
}

static gboolean
link_pad (GstPad *src, GstElement *sink)
{
  g_autoptr (GstPad) pad = gst_element_get_static_pad (sink, "sink");
  return gst_pad_link (src, pad) == GST_PAD_LINK_OK;
}

static GstPadProbeReturn
count_frame (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  Video *video = user_data;

  g_atomic_int_inc (&video->frames_done);
  return GST_PAD_PROBE_OK;
}

/* decodebin's raw pad, on the video branch */
static void
on_decoded_pad (GstElement *decodebin, GstPad *pad, gpointer user_data)
{
  GstElement *convert = user_data;
  g_autoptr (GstPad) sink = gst_element_get_static_pad (convert, "sink");

  if (!gst_pad_is_linked (sink))
    gst_pad_link (pad, sink);
}

/* decodebin ! audioconvert ! audioresample ! ENCODER ! mux, for audio the
 * container cannot hold as it is */
static gboolean
add_audio_transcode (Video *video, GstElement *queue, GstPad *mux_pad)
{
  const char *factory = NULL;

  for (guint i = 0; video->container->audio_encoders[i] != NULL && factory == NULL; i++)
    {
      g_autoptr (GstElementFactory) f = gst_element_factory_find (video->container->audio_encoders[i]);
      if (f != NULL)
        factory = video->container->audio_encoders[i];
    }
  if (factory == NULL)
    return FALSE;

  GstElement *decode = make (video, "decodebin");
  GstElement *convert = make (video, "audioconvert");
  GstElement *resample = make (video, "audioresample");
  GstElement *encode = make (video, factory);
  if (decode == NULL || convert == NULL || resample == NULL || encode == NULL)
    return FALSE;
  g_signal_connect (decode, "pad-added", G_CALLBACK (on_decoded_pad), convert);
  GstElement *chain[] = { convert, resample, encode };
  g_autoptr (GstPad) encoded = gst_element_get_static_pad (encode, "src");
  if (!link_and_start (chain, G_N_ELEMENTS (chain)) || gst_pad_link (encoded, mux_pad) != GST_PAD_LINK_OK ||
      !gst_element_link (queue, decode))
    return FALSE;
  gst_element_sync_state_with_parent (decode);
  print_error (_("warning: %s: the audio is re-encoded with %s (.%s cannot hold it as it is)"),
               video->name, factory, video->container->extension);
  return TRUE;
}

/* appsink's new-sample, for animated WebP: the frame into the writer, at
 * its time from the first frame's */
static GstFlowReturn
on_webp_sample (GstAppSink *sink, gpointer user_data)
{
  Video *video = user_data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  GstVideoInfo info;
  GstVideoFrame frame;

  if (sample == NULL)
    return GST_FLOW_EOS;
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample)) ||
      !gst_video_frame_map (&frame, &info, buffer, GST_MAP_READ))
    return GST_FLOW_ERROR;
  GstClockTime pts = GST_BUFFER_PTS (buffer);
  if (!GST_CLOCK_TIME_IS_VALID (video->webp_start))
    video->webp_start = pts;
  gboolean ok = enlarge_webp_anim_writer_add (video->webp, GST_VIDEO_FRAME_PLANE_DATA (&frame, 0),
                                              GST_VIDEO_FRAME_WIDTH (&frame), GST_VIDEO_FRAME_HEIGHT (&frame),
                                              GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0),
                                              (int) ((pts - video->webp_start) / GST_MSECOND));
  gst_video_frame_unmap (&frame);
  video->webp_end = pts + (GST_BUFFER_DURATION_IS_VALID (buffer) ? GST_BUFFER_DURATION (buffer)
                                                                  : 100 * GST_MSECOND);
  if (!ok)
    {
      video->webp_failed = TRUE;
      return GST_FLOW_ERROR;
    }
  return GST_FLOW_OK;
}

/* ... ! capsfilter RGBA ! appsink, for animated WebP */
static gboolean
add_webp_sink (Video *video, GstElement *convert_out)
{
  GstElement *format = make (video, "capsfilter");
  GstElement *sink = make (video, "appsink");
  if (format == NULL || sink == NULL)
    return FALSE;
  g_autoptr (GstCaps) rgba = gst_caps_from_string ("video/x-raw,format=RGBA");
  g_object_set (format, "caps", rgba, NULL);
  g_object_set (sink, "sync", FALSE, "max-buffers", 2, NULL);
  GstAppSinkCallbacks callbacks = { .new_sample = on_webp_sample };
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, video, NULL);
  video->webp = enlarge_webp_anim_writer_new (video->options->quality, video->options->lossless);
  video->webp_start = GST_CLOCK_TIME_NONE;
  GstElement *chain[] = { convert_out, format, sink };
  return link_and_start (chain, G_N_ELEMENTS (chain));
}

static gboolean
add_video_branch (Video *video, GstPad *pad)
{
  const Options *options = video->options;
  GstElement *queue = make_queue (video);
  GstElement *decode = make (video, "decodebin");
  GstElement *convert_in = make (video, "videoconvert");
  GstElement *enlarge = make (video, "enlarge");
  GstElement *convert_out = make (video, "videoconvert");
  if (queue == NULL || decode == NULL || convert_in == NULL || enlarge == NULL || convert_out == NULL)
    return FALSE;

  g_object_set (enlarge, "model", options->model, "scale", options->scale,
                "creativity", options->creativity, "tile", options->tile,
                "device", options->device != NULL ? options->device : "auto", NULL);
  video->enlarge = enlarge;
  g_autoptr (GstPad) counted = gst_element_get_static_pad (enlarge, "src");
  gst_pad_add_probe (counted, GST_PAD_PROBE_TYPE_BUFFER, count_frame, video, NULL);
  GstElement *head[] = { queue, decode };
  GstElement *middle[] = { convert_in, enlarge };
  g_signal_connect (decode, "pad-added", G_CALLBACK (on_decoded_pad), convert_in);

  if (video->container->muxer == NULL)
    return add_webp_sink (video, convert_out) && link_and_start (middle, G_N_ELEMENTS (middle)) &&
           gst_element_link (enlarge, convert_out) && link_and_start (head, G_N_ELEMENTS (head)) &&
           link_pad (pad, queue);

  GstElement *encode = make (video, video->container->video_encoder);
  GstElement *parse = video->container->video_parser != NULL
                      ? make (video, video->container->video_parser) : NULL;
  if (encode == NULL || (video->container->video_parser != NULL && parse == NULL))
    return FALSE;

  /* 4:2:0 as players expect; --lossless: QP 0 in 4:4:4 */
  GstElement *format = make (video, "capsfilter");
  if (format == NULL)
    return FALSE;
  g_autoptr (GstCaps) format_caps = gst_caps_from_string (options->lossless ? "video/x-raw,format=Y444"
                                                                            : "video/x-raw,format=I420");
  g_object_set (format, "caps", format_caps, NULL);

  GstElement *last = encode;
  if (g_str_equal (video->container->video_encoder, "x264enc"))
    {
      /* quality-based (CRF): 18 by default, visually lossless; --quality Q
       * gives CRF round (51 × (100 − Q) / 100) */
      if (options->lossless)
        {
          gst_util_set_object_arg (G_OBJECT (encode), "pass", "quant");
          g_object_set (encode, "quantizer", 0, NULL);
        }
      else
        {
          gst_util_set_object_arg (G_OBJECT (encode), "pass", "qual");
          g_object_set (encode, "quantizer",
                        options->quality > 0 ? (guint) lround (51.0 * (100 - options->quality) / 100.0) : 18u,
                        NULL);
        }
      gst_util_set_object_arg (G_OBJECT (encode), "speed-preset", "medium");
      /* A GIF's frames come at irregular times (framerate 0/1): without
       * B-frames every frame keeps its own timestamp in MP4. */
      if (video->gif != NULL)
        g_object_set (encode, "bframes", 0, NULL);
    }
  else
    {
      /* VP9 in constant-quality mode */
      gst_util_set_object_arg (G_OBJECT (encode), "end-usage", "q");
      g_object_set (encode, "cq-level",
                    options->quality > 0 ? (int) lround (63.0 * (100 - options->quality) / 100.0) : 24,
                    "deadline", (gint64) 1, "cpu-used", 4, "threads", (int) g_get_num_processors (),
                    "row-mt", TRUE, NULL);
    }
  if (parse != NULL)
    {
      if (!gst_element_link (encode, parse))
        return FALSE;
      last = parse;
    }

  GstElement *chain[] = { convert_in, enlarge, convert_out, format, encode };
  if (!link_and_start (chain, G_N_ELEMENTS (chain)) || !gst_element_link (last, video->mux))
    return FALSE;
  if (parse != NULL)
    gst_element_sync_state_with_parent (parse);
  if (!link_and_start (head, G_N_ELEMENTS (head)) || !link_pad (pad, queue))
    return FALSE;
  return TRUE;
}

/* queue ! fakesink for a stream that is not written: the queue, so that
 * the sink waiting in PAUSED for the pipeline to preroll does not block
 * the demuxer before the video's first frame is through */
static void
add_fakesink (Video *video, GstPad *pad)
{
  GstElement *queue = make_queue (video);
  GstElement *sink = make (video, "fakesink");

  if (queue != NULL && sink != NULL)
    {
      g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
      GstElement *chain[] = { queue, sink };
      if (link_and_start (chain, G_N_ELEMENTS (chain)))
        link_pad (pad, queue);
    }
}

/* appsrc's need-data: the next frame of the GIF, composited, with its
 * delay as duration; then EOS. */
static void
on_gif_need_data (GstElement *appsrc, guint length, gpointer user_data)
{
  Video *video = user_data;
  GstFlowReturn ret;

  if (video->gif_pushed >= video->gif_frames)
    {
      g_signal_emit_by_name (appsrc, "end-of-stream", &ret);
      return;
    }
  GdkPixbuf *pixbuf = gdk_pixbuf_animation_iter_get_pixbuf (video->gif_iter);
  int width = gdk_pixbuf_get_width (pixbuf), height = gdk_pixbuf_get_height (pixbuf);
  int n = gdk_pixbuf_get_n_channels (pixbuf), stride = gdk_pixbuf_get_rowstride (pixbuf);
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, (gsize) width * height * 4, NULL);
  GstMapInfo map;

  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *d = map.data + ((gsize) y * width + x) * 4;
        const guint8 *s = pixels + (gsize) y * stride + (gsize) x * n;
        d[0] = s[0], d[1] = s[1], d[2] = s[2], d[3] = n == 4 ? s[3] : 255;
      }
  gst_buffer_unmap (buffer, &map);

  int delay_ms = gdk_pixbuf_animation_iter_get_delay_time (video->gif_iter);
  if (delay_ms <= 0)
    delay_ms = 100;
  GST_BUFFER_PTS (buffer) = video->gif_time;
  GST_BUFFER_DURATION (buffer) = delay_ms * GST_MSECOND;
  video->gif_time += delay_ms * GST_MSECOND;
  video->gif_pushed++;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GTimeVal now = { (glong) (video->gif_time / GST_SECOND),
                   (glong) (video->gif_time % GST_SECOND / 1000) };
  gdk_pixbuf_animation_iter_advance (video->gif_iter, &now);
  G_GNUC_END_IGNORE_DEPRECATIONS

  g_signal_emit_by_name (appsrc, "push-buffer", buffer, &ret);
  gst_buffer_unref (buffer);
}

/* parsebin's pads: one per stream of the input, parsed, not decoded */
static void
on_stream_pad (GstElement *parsebin, GstPad *pad, gpointer user_data)
{
  Video *video = user_data;
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  const char *type = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  gboolean ok = TRUE;

  if ((g_str_has_prefix (type, "video/") || g_str_has_prefix (type, "image/")) && !video->have_video)
    {
      video->have_video = TRUE;
      ok = add_video_branch (video, pad);
    }
  else if (video->mux == NULL)
    {
      print_error (_("warning: %s: a stream of type %s is dropped: .%s holds only pictures"),
                   video->name, type, video->container->extension);
      add_fakesink (video, pad);
    }
  else if (g_str_has_prefix (type, "audio/") || g_str_has_prefix (type, "text/") ||
           g_str_has_prefix (type, "subpicture/") || g_str_has_prefix (type, "application/x-ssa") ||
           g_str_has_prefix (type, "application/x-ass"))
    {
      gboolean audio = g_str_has_prefix (type, "audio/");
      gboolean markup = g_str_equal (type, "text/x-raw") &&
                        g_strcmp0 (gst_structure_get_string (gst_caps_get_structure (caps, 0), "format"),
                                   "pango-markup") == 0;
      g_autoptr (GstCaps) utf8 = gst_caps_from_string ("text/x-raw, format=utf8");
      /* as it is when the container can hold it */
      GstPad *mux_pad = NULL;
      if (!markup)
        mux_pad = gst_element_get_compatible_pad (video->mux, pad, caps);
      else if (gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (video->mux), "subtitle_%u") != NULL)
        {
          /* the pad's own caps say markup: ask for the muxer's subtitle pad */
          mux_pad = gst_element_request_pad_simple (video->mux, "subtitle_%u");
          if (mux_pad != NULL && !gst_pad_query_accept_caps (mux_pad, utf8))
            {
              gst_element_release_request_pad (video->mux, mux_pad);
              g_clear_object (&mux_pad);
            }
        }
      if (mux_pad != NULL)
        {
          GstElement *queue = make_queue (video);
          g_autoptr (GstPad) out = gst_element_get_static_pad (queue, "src");
          /* on parsebin's pad, so that the queue sees utf8 caps too */
          if (markup)
            enlarge_video_subtitles_as_utf8 (pad);
          /* markup: the probe turns the caps into utf8, which the pad takes */
          ok = queue != NULL && link_pad (pad, queue) &&
               gst_pad_link_full (out, mux_pad, markup ? GST_PAD_LINK_CHECK_NOTHING
                                                       : GST_PAD_LINK_CHECK_DEFAULT) == GST_PAD_LINK_OK;
          if (ok)
            gst_element_sync_state_with_parent (queue);
          gst_object_unref (mux_pad);
        }
      else if (audio)
        {
          GstElement *queue = make_queue (video);
          g_autoptr (GstPad) pad_for_audio = gst_element_request_pad_simple (video->mux, "audio_%u");
          ok = queue != NULL && pad_for_audio != NULL && add_audio_transcode (video, queue, pad_for_audio) &&
               link_pad (pad, queue);
          if (ok)
            gst_element_sync_state_with_parent (queue);
        }
      else
        {
          print_error (_("warning: %s: a subtitle stream (%s) is dropped: .%s cannot hold it"),
                       video->name, type, video->container->extension);
          add_fakesink (video, pad);
        }
    }
  else
    {
      print_error (_("warning: %s: a stream of type %s is dropped"), video->name, type);
      add_fakesink (video, pad);
    }

  if (!ok)
    {
      g_autofree char *caps_text = gst_caps_to_string (caps);
      GError *error = g_error_new (GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
                                   _("cannot pass the stream %s into a .%s file"),
                                   caps_text, video->container->extension);
      /* from a streaming thread: through the bus */
      gst_element_post_message (video->pipeline,
                                gst_message_new_error (GST_OBJECT (video->pipeline), error, NULL));
      g_error_free (error);
    }
}

static void
print_progress (Video *video, gboolean last)
{
  int done = g_atomic_int_get (&video->frames_done);
  double elapsed = (g_get_monotonic_time () - video->start_us) / 1e6;
  double fps = elapsed > 0 ? done / elapsed : 0;
  g_autofree char *total = video->frames_total > 0
                           ? g_strdup_printf ("/%" G_GINT64_FORMAT, video->frames_total)
                           : g_strdup ("");
  g_autofree char *eta = video->frames_total > done && done > 0
                         ? g_strdup_printf (_(", ETA %.0f s"), (video->frames_total - done) / fps)
                         : g_strdup ("");
  g_autofree char *line = last
    ? g_strdup_printf (ngettext ("%s: %d frame in %.1f s, %.2f frames/s",
                                 "%s: %d frames in %.1f s, %.2f frames/s", done),
                       video->name, done, elapsed, fps)
    /* Translators: FILE: frame DONE/TOTAL (or DONE), FPS frames/s,
     * SECONDS s elapsed, then the ETA or nothing */
    : g_strdup_printf (_("%s: frame %d%s, %.2f frames/s, %.1f s elapsed%s"), video->name, done,
                       total, fps, elapsed, eta);

  if (video->options->quiet || (!last && done == video->last_printed))
    return;
  video->last_printed = done;
  if (video->tty)
    {
      fprintf (stderr, "\r%s\033[K", line);
      video->line_open = !last;
      if (last)
        fputc ('\n', stderr);
    }
  else
    fprintf (stderr, "%s\n", line);
  fflush (stderr);
}

static gboolean
on_tick (gpointer user_data)
{
  print_progress (user_data, FALSE);
  return G_SOURCE_CONTINUE;
}

static gboolean
interrupt (Video *video, int signum)
{
  video->interrupted = signum;
  g_main_loop_quit (video->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigint (gpointer user_data)
{
  return interrupt (user_data, SIGINT);
}

static gboolean
on_sigterm (gpointer user_data)
{
  return interrupt (user_data, SIGTERM);
}

static gboolean
on_sighup (gpointer user_data)
{
  return interrupt (user_data, SIGHUP);
}

static gboolean
on_bus_message (GstBus *bus, GstMessage *message, gpointer user_data)
{
  Video *video = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_EOS:
      g_main_loop_quit (video->loop);
      break;
    case GST_MESSAGE_ERROR:
      {
        GError *error = NULL;
        g_autofree char *debug = NULL;
        gst_message_parse_error (message, &error, &debug);
        g_debug ("%s", debug != NULL ? debug : "");
        video_fail (video, error);
        break;
      }
    case GST_MESSAGE_WARNING:
      {
        g_autoptr (GError) error = NULL;
        gst_message_parse_warning (message, &error, NULL);
        print_error (_("warning: %s: %s"), video->name, error->message);
        break;
      }
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

/* Frame count, size and rate from GstDiscoverer, before any work. */
static gboolean
discover (Video *video, const char *input, int *width, int *height, GError **error)
{
  g_autoptr (GstDiscoverer) discoverer = gst_discoverer_new (30 * GST_SECOND, error);
  if (discoverer == NULL)
    return FALSE;
  g_autoptr (GFile) file = g_file_new_for_path (input);
  g_autofree char *uri = g_file_get_uri (file);
  /* A failed discovery can return an info and an error both. */
  GError *discover_error = NULL;
  g_autoptr (GstDiscovererInfo) info = gst_discoverer_discover_uri (discoverer, uri, &discover_error);
  if (info == NULL || discover_error != NULL)
    {
      if (discover_error == NULL)
        g_set_error_literal (&discover_error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD, _("unreadable"));
      g_propagate_error (error, discover_error);
      return FALSE;
    }

  GList *streams = gst_discoverer_info_get_video_streams (info);
  if (streams == NULL)
    {
      g_set_error_literal (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD, _("no video stream"));
      return FALSE;
    }
  GstDiscovererVideoInfo *vinfo = streams->data;
  *width = gst_discoverer_video_info_get_width (vinfo);
  *height = gst_discoverer_video_info_get_height (vinfo);
  guint num = gst_discoverer_video_info_get_framerate_num (vinfo);
  guint den = gst_discoverer_video_info_get_framerate_denom (vinfo);
  GstClockTime duration = gst_discoverer_info_get_duration (info);
  video->frames_total = num > 0 && den > 0 && GST_CLOCK_TIME_IS_VALID (duration)
                        ? (gint64) llround ((double) duration * num / den / GST_SECOND) : -1;
  gst_discoverer_stream_info_list_free (streams);
  return TRUE;
}

/* "clip.mp4" → "clip-enlarged-2x.mp4" (an animated GIF → .mkv) */
static char *
default_output (const char *input, double scale)
{
  g_autofree char *dir = g_path_get_dirname (input);
  g_autofree char *base = g_path_get_basename (input);
  g_autofree char *ext = enlarge_animation_extension (input);
  char *dot = strrchr (base, '.');
  char factor[G_ASCII_DTOSTR_BUF_SIZE];
  const char *out_ext = ext != NULL && g_str_equal (ext, "gif") ? "mkv" : "mp4";

  for (guint i = 0; ext != NULL && i < G_N_ELEMENTS (containers); i++)
    if (g_str_equal (containers[i].extension, ext))
      out_ext = ext;
  if (dot != NULL && dot != base)
    *dot = '\0';
  g_ascii_formatd (factor, sizeof factor, "%.3g", scale);
  g_autofree char *name = g_strdup_printf ("%s-enlarged-%sx.%s", base, factor, out_ext);
  return g_build_filename (dir, name, NULL);
}

/* appsrc ! (the video branch) for an animated GIF */
static gboolean
add_gif_source (Video *video, GstElement *appsrc)
{
  GdkPixbuf *first = gdk_pixbuf_animation_iter_get_pixbuf (video->gif_iter);
  g_autoptr (GstCaps) caps = gst_caps_new_simple ("video/x-raw",
                                                  "format", G_TYPE_STRING, "RGBA",
                                                  "width", G_TYPE_INT, gdk_pixbuf_get_width (first),
                                                  "height", G_TYPE_INT, gdk_pixbuf_get_height (first),
                                                  "framerate", GST_TYPE_FRACTION, 0, 1,
                                                  NULL);
  g_object_set (appsrc, "caps", caps, "format", GST_FORMAT_TIME, "max-bytes", (guint64) QUEUE_BYTES, NULL);
  g_signal_connect (appsrc, "need-data", G_CALLBACK (on_gif_need_data), video);
  g_autoptr (GstPad) pad = gst_element_get_static_pad (appsrc, "src");
  video->have_video = TRUE;
  return add_video_branch (video, pad);
}

/* Runs the pipeline into @tmp; returns the exit status. */
static int
run_pipeline (Video *video, const char *input, const char *tmp)
{
  video->pipeline = gst_pipeline_new ("enlarge-video");
  GstElement *src = make (video, video->gif != NULL ? "appsrc" : "filesrc");
  GstElement *parse = video->gif != NULL ? NULL : make (video, "parsebin");
  gboolean muxed = video->container->muxer != NULL;
  video->mux = muxed ? make (video, video->container->muxer) : NULL;
  GstElement *sink = muxed ? make (video, "filesink") : NULL;
  if (src == NULL || (video->gif == NULL && parse == NULL) || (muxed && (video->mux == NULL || sink == NULL)) ||
      (video->gif != NULL && !add_gif_source (video, src)))
    {
      g_autoptr (GstBus) bus = gst_element_get_bus (video->pipeline);
      g_autoptr (GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      g_autoptr (GError) error = NULL;
      if (message != NULL)
        gst_message_parse_error (message, &error, NULL);
      print_error ("%s: %s", video->name,
                   error != NULL ? error->message : _("cannot build the GStreamer pipeline"));
      return EXIT_FAILED;
    }
  if (muxed)
    {
      g_object_set (sink, "location", tmp, NULL);
      gst_element_link (video->mux, sink);
    }
  if (parse != NULL)
    {
      g_object_set (src, "location", input, NULL);
      gst_element_link (src, parse);
      g_signal_connect (parse, "pad-added", G_CALLBACK (on_stream_pad), video);
    }

  g_autoptr (GstBus) bus = gst_element_get_bus (video->pipeline);
  guint bus_watch = gst_bus_add_watch (bus, on_bus_message, video);
  guint sigint = g_unix_signal_add (SIGINT, on_sigint, video);
  guint sigterm = g_unix_signal_add (SIGTERM, on_sigterm, video);
  guint sighup = g_unix_signal_add (SIGHUP, on_sighup, video);
  guint tick = g_timeout_add (video->tty ? 250 : 1000, on_tick, video);

  video->start_us = g_get_monotonic_time ();
  if (gst_element_set_state (video->pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE ||
      video->error == NULL)
    g_main_loop_run (video->loop);
  /* the error message of a failed state change is still on the bus */
  while (video->error == NULL && !video->interrupted)
    {
      g_autoptr (GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      if (message == NULL)
        break;
      on_bus_message (bus, message, video);
    }

  /* Down to NULL: the element stops the frame in progress. */
  gst_element_set_state (video->pipeline, GST_STATE_NULL);
  g_source_remove (tick);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_source_remove (sighup);
  g_source_remove (bus_watch);

  if (video->interrupted)
    {
      if (video->line_open)
        fputc ('\n', stderr);
      print_error (_("%s: interrupted; nothing written"), video->name);
      return 128 + video->interrupted;   /* what the shell shows for the signal */
    }
  if (video->error != NULL)
    {
      if (video->line_open)
        fputc ('\n', stderr);
      print_error ("%s: %s", video->name, video->error->message);
      return video->error->domain == ENLARGE_ERROR ? fatal_exit_status (video->error) : EXIT_FAILED;
    }
  g_autoptr (GError) error = NULL;
  if (video->webp != NULL &&
      !enlarge_webp_anim_writer_finish (video->webp,
                                        (int) ((video->webp_end - video->webp_start) / GST_MSECOND),
                                        tmp, &error))
    {
      print_error ("%s: %s", video->name, error->message);
      return EXIT_FAILED;
    }
  print_progress (video, TRUE);
  return EXIT_OK;
}

int
enlarge_video_run (const Options *options)
{
  if (g_strv_length (options->inputs) != 1)
    return usage_error (_("videos are enlarged one at a time: give one input with -o"));
  if (options->tta || options->target_mp > 0 || options->alpha_mode != ENLARGE_ALPHA_MODEL)
    return usage_error (_("--tta, --target-mp and --alpha do not apply to videos"));

  const char *input = options->inputs[0];
  const EnlargeModelInfo *model = enlarge_model_lookup (options->model);
  if (model == NULL)
    return usage_error (_("videos take a model of --list-models, not “%s”"), options->model);
  g_autofree char *output = default_output (input, options->scale);
  if (options->output != NULL && g_file_test (options->output, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *name = g_path_get_basename (output);
      g_free (output);
      output = g_build_filename (options->output, name, NULL);
    }
  else if (options->output != NULL)
    {
      g_free (output);
      output = g_strdup (options->output);
    }
  g_autofree char *out_ext = enlarge_animation_extension (output);
  const Container *container = NULL;
  for (guint i = 0; out_ext != NULL && i < G_N_ELEMENTS (containers); i++)
    if (g_str_equal (containers[i].extension, out_ext))
      container = &containers[i];
  if (container == NULL)
    return usage_error (_("cannot write the video “%s”: use a name ending in .mp4, .mov, .mkv, .webm "
                          "or .webp (animated)"),
                        output);
  if (options->lossless && g_strcmp0 (container->video_encoder, "vp9enc") == 0)
    return usage_error (_("--lossless needs H.264: write .mkv or .mp4, not .webm"));
  if (options->format != NULL)
    return usage_error (_("--format is for images; a video's container comes from the output name"));
  {
    /* the check every writer makes: links to the input, folders, names
     * too long for the file system */
    const char *inputs[] = { input, NULL };
    g_autoptr (GError) error = NULL;
    if (!enlarge_output_check (output, inputs, &error))
      return usage_error ("%s", error->message);
  }

  gst_init (NULL, NULL);
  gst_enlarge_register (NULL);

  Video video = { options, container };
  video.name = g_path_get_basename (input);
  video.tty = isatty (STDERR_FILENO);
  video.frames_total = -1;
  video.last_printed = -1;
  int status;
  int width = 0, height = 0;
  g_autoptr (GError) error = NULL;

  if (enlarge_animation_is_animated (input))
    {
      video.gif = gdk_pixbuf_animation_new_from_file (input, &error);
      video.gif_frames = enlarge_animation_frame_count (input);
      if (video.gif != NULL && video.gif_frames <= 0)
        g_set_error_literal (&error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD, _("a damaged GIF"));
      if (error == NULL)
        {
          G_GNUC_BEGIN_IGNORE_DEPRECATIONS
          GTimeVal zero = { 0, 0 };
          video.gif_iter = gdk_pixbuf_animation_get_iter (video.gif, &zero);
          G_GNUC_END_IGNORE_DEPRECATIONS
          width = gdk_pixbuf_animation_get_width (video.gif);
          height = gdk_pixbuf_animation_get_height (video.gif);
          video.frames_total = video.gif_frames;
        }
    }
  if (error != NULL || (video.gif == NULL && !discover (&video, input, &width, &height, &error)))
    {
      print_error (_("%s: cannot read it as a video: %s"), input, error->message);
      g_free (video.name);
      return EXIT_FAILED;
    }

  /* x264 in 4:2:0 cannot take odd sizes: say so before any work */
  EnlargeSettings size_settings = { options->creativity, options->scale, 0, ENLARGE_ALPHA_MODEL, FALSE };
  EnlargePlan size_plan;
  if (g_strcmp0 (container->video_encoder, "x264enc") == 0 &&
      enlarge_plan_compute (&size_settings, model->scale, width, height,
                            &size_plan, NULL) &&
      (size_plan.out_width % 2 != 0 || size_plan.out_height % 2 != 0))
    {
      g_clear_object (&video.gif_iter);
      g_clear_object (&video.gif);
      g_free (video.name);
      return usage_error (_("H.264 needs an even width and height, and %d × %d → %d × %d is not; "
                            "choose another --scale, or write .webm or .webp"),
                          width, height, size_plan.out_width, size_plan.out_height);
    }

  if (options->dry_run)
    {
      EnlargeSettings settings = { options->creativity, options->scale, 0, ENLARGE_ALPHA_MODEL, FALSE };
      EnlargePlan plan;
      if (!enlarge_plan_compute (&settings, model->scale, width, height, &plan, &error))
        status = usage_error ("%s", error->message);
      else
        {
          g_autofree char *text = enlarge_plan_describe (&plan);
          /* Translators: INPUT: PLAN, N frames → OUTPUT */
          printf (ngettext ("%s: %s, %" PRId64 " frame → %s\n", "%s: %s, %" PRId64 " frames → %s\n",
                            (unsigned long) MAX (video.frames_total, 0)),
                  input, text, (int64_t) video.frames_total, output);
          status = EXIT_OK;
        }
      g_free (video.name);
      return status;
    }

  g_autofree char *dir = g_path_get_dirname (output);
  g_autofree char *base = g_path_get_basename (output);
  g_autofree char *tmp = g_strdup_printf ("%s%s.%s.XXXXXX", dir, G_DIR_SEPARATOR_S, base);
  int fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      int saved = errno;
      print_error (_("cannot write into “%s”: %s"), dir, g_strerror (saved));
      g_free (video.name);
      return EXIT_FAILED;
    }
  close (fd);

  if (!options->quiet)
    /* Translators: FILE: WIDTH × HEIGHT, N frames → OUTPUT */
    fprintf (stderr, ngettext ("%s: %d × %d, %" PRId64 " frame → %s\n",
                               "%s: %d × %d, %" PRId64 " frames → %s\n",
                               (unsigned long) MAX (video.frames_total, 0)),
             video.name, width, height, (int64_t) video.frames_total, output);
  video.loop = g_main_loop_new (NULL, FALSE);
  status = run_pipeline (&video, input, tmp);

  if (status == EXIT_OK && !video.have_video)
    {
      print_error (_("%s: no video stream"), input);
      status = EXIT_FAILED;
    }
  if (status == EXIT_OK && g_rename (tmp, output) != 0)
    {
      int saved = errno;
      print_error (_("cannot write “%s”: %s"), output, g_strerror (saved));
      status = EXIT_FAILED;
    }
  if (status != EXIT_OK)
    g_unlink (tmp);
  else
    {
      g_autofree char *absolute = g_canonicalize_filename (output, NULL);
      printf ("wrote %s\n", absolute);
    }

  g_clear_object (&video.pipeline);
  g_clear_pointer (&video.loop, g_main_loop_unref);
  g_clear_error (&video.error);
  g_clear_object (&video.gif_iter);
  g_clear_pointer (&video.webp, enlarge_webp_anim_writer_free);
  g_clear_object (&video.gif);
  g_free (video.name);
  return status;
}

#endif
