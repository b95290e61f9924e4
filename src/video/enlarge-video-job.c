/* Upscaling videos and animations; see enlarge-video-job.h.
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
 * An animated GIF or WebP comes from an appsrc (enlarge-animation.c reads
 * its frames: GStreamer's GIF demuxer gives every frame the same timestamp,
 * and it has no animated WebP demuxer); an animated WebP or GIF output
 * goes from an appsink into libwebp or giflib.
 *
 * Audio and subtitles are remuxed as they are, not re-encoded, where the
 * container allows it. Memory is bounded: the queues hold at most 64 MiB
 * of compressed data each and raw frames exist only between the decoder
 * and the encoder, on one streaming thread. */

#include "config.h"

#include "enlarge-video-job.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/pbutils/pbutils.h>
#include <gst/video/video.h>

#include "enlarge-animation.h"
#include "enlarge-video-subtitles.h"
#include "gstenlarge.h"

static const char *const video_extensions[] = {
  "mp4", "m4v", "mov", "mkv", "webm", "avi", "ogv", "mpg", "mpeg", "ts", "mts", "wmv", "flv", NULL
};

gboolean
enlarge_video_is_video (const char *path)
{
  g_autofree char *ext = enlarge_animation_extension (path);

  return (ext != NULL && g_strv_contains (video_extensions, ext)) || enlarge_animation_is_animated (path);
}

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
  /* animations: frames from an appsink into libwebp or giflib
   * (enlarge-animation.c, enlarge-gif-writer.c) */
  { "webp", NULL, NULL, NULL, NULL },
  { "gif", NULL, NULL, NULL, NULL },
};

struct _EnlargeVideoJob {
  EnlargeVideoSettings settings;   /* its strings owned: */
  char *model, *device;
  char *input, *output;
  const Container *container;
  int width, height, out_width, out_height;
  int loop_count;
  gboolean ran;

  GMainLoop *loop;
  GstElement *pipeline;
  GstElement *mux;
  GstElement *enlarge;
  gboolean have_video;
  GError *error;           /* the first error */
  gboolean cancelled;
  EnlargeVideoWarningFunc warning;
  gpointer warning_data;

  /* an animated GIF or WebP, read by enlarge-animation.c and pushed into
   * an appsrc: GStreamer's own GIF demuxer loses the frame delays */
  EnlargeAnimReader *anim;
  int anim_frames, anim_pushed;
  GstClockTime anim_time;

  /* animated WebP or GIF output */
  EnlargeWebpAnimWriter *webp;
  EnlargeGifWriter *gif_out;
  char *tmp;
  GstClockTime anim_start, anim_end;

  char *name;
  gint frames_done;        /* atomic: counted on the streaming thread */
  gint64 frames_total;     /* -1 = unknown */
};

typedef EnlargeVideoJob Video;

static void warn (Video *video, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
warn (Video *video, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  if (video->warning != NULL)
    video->warning (message, video->warning_data);
}

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
  warn (video, _("%s: the audio is re-encoded with %s (.%s cannot hold it as it is)"),
               video->name, factory, video->container->extension);
  return TRUE;
}

/* appsink's new-sample, for animated WebP and GIF: the frame into the
 * writer, at its time from the first frame's */
static GstFlowReturn
on_anim_sample (GstAppSink *sink, gpointer user_data)
{
  Video *video = user_data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  GstVideoInfo info;
  GstVideoFrame frame;
  g_autoptr (GError) error = NULL;

  if (sample == NULL)
    return GST_FLOW_EOS;
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample)) ||
      !gst_video_frame_map (&frame, &info, buffer, GST_MAP_READ))
    return GST_FLOW_ERROR;
  GstClockTime pts = GST_BUFFER_PTS (buffer);
  if (!GST_CLOCK_TIME_IS_VALID (video->anim_start))
    video->anim_start = pts;
  const guint8 *rgba = GST_VIDEO_FRAME_PLANE_DATA (&frame, 0);
  int width = GST_VIDEO_FRAME_WIDTH (&frame), height = GST_VIDEO_FRAME_HEIGHT (&frame);
  int stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
  int ms = (int) ((pts - video->anim_start) / GST_MSECOND);
  gboolean ok;
  if (video->webp != NULL)
    {
      ok = enlarge_webp_anim_writer_add (video->webp, rgba, width, height, stride, ms);
      if (!ok)
        g_set_error_literal (&error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_SAVE,
                             _("Could not encode a frame of the WebP"));
    }
  else
    ok = enlarge_gif_writer_add (video->gif_out, rgba, width, height, stride, ms, &error);
  gst_video_frame_unmap (&frame);
  video->anim_end = pts + (GST_BUFFER_DURATION_IS_VALID (buffer) ? GST_BUFFER_DURATION (buffer)
                                                                  : 100 * GST_MSECOND);
  if (!ok)
    {
      GST_ELEMENT_ERROR (sink, RESOURCE, WRITE, ("%s", error->message), (NULL));
      return GST_FLOW_ERROR;
    }
  return GST_FLOW_OK;
}

/* ... ! capsfilter RGBA ! appsink, for animated WebP and GIF */
static gboolean
add_anim_sink (Video *video, GstElement *convert_out)
{
  GstElement *format = make (video, "capsfilter");
  GstElement *sink = make (video, "appsink");
  if (format == NULL || sink == NULL)
    return FALSE;
  g_autoptr (GstCaps) rgba = gst_caps_from_string ("video/x-raw,format=RGBA");
  g_object_set (format, "caps", rgba, NULL);
  g_object_set (sink, "sync", FALSE, "max-buffers", 2, NULL);
  GstAppSinkCallbacks callbacks = { .new_sample = on_anim_sample };
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, video, NULL);
  video->anim_start = GST_CLOCK_TIME_NONE;
  GstElement *chain[] = { convert_out, format, sink };
  return link_and_start (chain, G_N_ELEMENTS (chain));
}

static gboolean
add_video_branch (Video *video, GstPad *pad)
{
  const EnlargeVideoSettings *options = &video->settings;
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
    return add_anim_sink (video, convert_out) && link_and_start (middle, G_N_ELEMENTS (middle)) &&
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
      if (video->anim != NULL)
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

/* appsrc's need-data: the next frame of the animation, composited, with
 * its delay as duration; then EOS. */
static void
on_anim_need_data (GstElement *appsrc, guint length, gpointer user_data)
{
  Video *video = user_data;
  GstFlowReturn ret;
  const guint8 *rgba;
  int delay_ms;

  if (video->anim_pushed >= video->anim_frames || !enlarge_anim_reader_next (video->anim, &rgba, &delay_ms))
    {
      g_signal_emit_by_name (appsrc, "end-of-stream", &ret);
      return;
    }
  gsize size = (gsize) video->width * video->height * 4;
  GstBuffer *buffer = gst_buffer_new_memdup (rgba, size);
  GST_BUFFER_PTS (buffer) = video->anim_time;
  GST_BUFFER_DURATION (buffer) = delay_ms * GST_MSECOND;
  video->anim_time += delay_ms * GST_MSECOND;
  video->anim_pushed++;
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
      warn (video, _("%s: a stream of type %s is dropped: .%s holds only pictures"),
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
          warn (video, _("%s: a subtitle stream (%s) is dropped: .%s cannot hold it"),
                       video->name, type, video->container->extension);
          add_fakesink (video, pad);
        }
    }
  else
    {
      warn (video, _("%s: a stream of type %s is dropped"), video->name, type);
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
        warn (video, "%s: %s", video->name, error->message);
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

char *
enlarge_video_default_output (const char *input, double scale)
{
  g_autofree char *dir = g_path_get_dirname (input);
  g_autofree char *base = g_path_get_basename (input);
  g_autofree char *ext = enlarge_animation_extension (input);
  char *dot = strrchr (base, '.');
  char factor[G_ASCII_DTOSTR_BUF_SIZE];
  const char *out_ext = "mp4";

  for (guint i = 0; ext != NULL && i < G_N_ELEMENTS (containers); i++)
    if (g_str_equal (containers[i].extension, ext))
      out_ext = ext;
  if (dot != NULL && dot != base)
    *dot = '\0';
  g_ascii_formatd (factor, sizeof factor, "%.3g", scale);
  g_autofree char *name = g_strdup_printf ("%s-enlarged-%sx.%s", base, factor, out_ext);
  return g_build_filename (dir, name, NULL);
}

/* appsrc ! (the video branch) for an animation */
static gboolean
add_anim_source (Video *video, GstElement *appsrc)
{
  g_autoptr (GstCaps) caps = gst_caps_new_simple ("video/x-raw",
                                                  "format", G_TYPE_STRING, "RGBA",
                                                  "width", G_TYPE_INT, video->width,
                                                  "height", G_TYPE_INT, video->height,
                                                  "framerate", GST_TYPE_FRACTION, 0, 1,
                                                  NULL);
  g_object_set (appsrc, "caps", caps, "format", GST_FORMAT_TIME, "max-bytes", (guint64) QUEUE_BYTES, NULL);
  g_signal_connect (appsrc, "need-data", G_CALLBACK (on_anim_need_data), video);
  g_autoptr (GstPad) pad = gst_element_get_static_pad (appsrc, "src");
  video->have_video = TRUE;
  return add_video_branch (video, pad);
}

static void
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  Video *video = user_data;

  video->cancelled = TRUE;
  g_main_loop_quit (video->loop);
}

/* g_cancellable_connect runs the handler at once, on the calling thread,
 * when already cancelled; otherwise on the cancelling thread: the quit is
 * brought onto the job's context */
static gboolean
quit_idle (gpointer user_data)
{
  on_cancelled (NULL, user_data);
  return G_SOURCE_REMOVE;
}

static void
on_cancelled_any_thread (GCancellable *cancellable, gpointer user_data)
{
  Video *video = user_data;
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, quit_idle, video, NULL);
  g_source_attach (source, g_main_loop_get_context (video->loop));
  g_source_unref (source);
}

/* Runs the pipeline into video->tmp. */
static gboolean
run_pipeline (Video *video, GCancellable *cancellable, GError **error)
{
  video->pipeline = gst_pipeline_new ("enlarge-video");
  GstElement *src = make (video, video->anim != NULL ? "appsrc" : "filesrc");
  GstElement *parse = video->anim != NULL ? NULL : make (video, "parsebin");
  gboolean muxed = video->container->muxer != NULL;
  video->mux = muxed ? make (video, video->container->muxer) : NULL;
  GstElement *sink = muxed ? make (video, "filesink") : NULL;
  if (src == NULL || (video->anim == NULL && parse == NULL) || (muxed && (video->mux == NULL || sink == NULL)) ||
      (video->anim != NULL && !add_anim_source (video, src)))
    {
      g_autoptr (GstBus) bus = gst_element_get_bus (video->pipeline);
      g_autoptr (GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      g_autoptr (GError) pipeline_error = NULL;
      if (message != NULL)
        gst_message_parse_error (message, &pipeline_error, NULL);
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_FAILED, "%s",
                   pipeline_error != NULL ? pipeline_error->message
                                          : _("cannot build the GStreamer pipeline"));
      return FALSE;
    }
  if (muxed)
    {
      g_object_set (sink, "location", video->tmp, NULL);
      gst_element_link (video->mux, sink);
    }
  if (parse != NULL)
    {
      g_object_set (src, "location", video->input, NULL);
      gst_element_link (src, parse);
      g_signal_connect (parse, "pad-added", G_CALLBACK (on_stream_pad), video);
    }

  g_autoptr (GstBus) bus = gst_element_get_bus (video->pipeline);
  /* gst_bus_add_watch attaches to the thread-default context: the loop's */
  gst_bus_add_watch (bus, on_bus_message, video);
  gulong cancel_id = 0;
  if (cancellable != NULL)
    {
      if (g_cancellable_is_cancelled (cancellable))
        video->cancelled = TRUE;
      else
        cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled_any_thread), video, NULL);
    }

  if (!video->cancelled &&
      (gst_element_set_state (video->pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE ||
       video->error == NULL))
    g_main_loop_run (video->loop);
  /* the error message of a failed state change is still on the bus */
  while (video->error == NULL && !video->cancelled)
    {
      g_autoptr (GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      if (message == NULL)
        break;
      on_bus_message (bus, message, video);
    }

  /* Down to NULL: the element stops the frame in progress. */
  gst_element_set_state (video->pipeline, GST_STATE_NULL);
  if (cancel_id != 0)
    g_cancellable_disconnect (cancellable, cancel_id);
  /* not g_source_remove, which looks in the global default context */
  gst_bus_remove_watch (bus);
  /* an idle of a late cancellation may still wait on the context */
  while (g_main_context_iteration (g_main_loop_get_context (video->loop), FALSE))
    ;

  if (video->cancelled)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      return FALSE;
    }
  if (video->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&video->error));
      return FALSE;
    }
  if (!video->have_video)
    {
      g_set_error_literal (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD, _("no video stream"));
      return FALSE;
    }
  int end_ms = (int) ((video->anim_end - video->anim_start) / GST_MSECOND);
  if (video->webp != NULL && !enlarge_webp_anim_writer_finish (video->webp, end_ms, video->tmp, error))
    return FALSE;
  if (video->gif_out != NULL && !enlarge_gif_writer_finish (video->gif_out, end_ms, error))
    return FALSE;
  return TRUE;
}

void
enlarge_video_job_free (EnlargeVideoJob *video)
{
  if (video->tmp != NULL)
    g_unlink (video->tmp);
  g_free (video->tmp);
  g_clear_object (&video->pipeline);
  g_clear_pointer (&video->loop, g_main_loop_unref);
  g_clear_error (&video->error);
  g_clear_pointer (&video->anim, enlarge_anim_reader_free);
  g_clear_pointer (&video->webp, enlarge_webp_anim_writer_free);
  g_clear_pointer (&video->gif_out, enlarge_gif_writer_free);
  g_free (video->model);
  g_free (video->device);
  g_free (video->input);
  g_free (video->output);
  g_free (video->name);
  g_free (video);
}

EnlargeVideoJob *
enlarge_video_job_new (const char *input, const char *output, const EnlargeVideoSettings *settings,
                       GError **error)
{
  g_autoptr (EnlargeVideoJob) video = g_new0 (EnlargeVideoJob, 1);

  video->settings = *settings;
  video->model = g_strdup (settings->model);
  video->device = g_strdup (settings->device != NULL ? settings->device : "auto");
  video->settings.model = video->model;
  video->settings.device = video->device;
  video->input = g_strdup (input);
  video->output = output != NULL ? g_strdup (output) : enlarge_video_default_output (input, settings->scale);
  video->name = g_path_get_basename (input);
  video->frames_total = -1;

  const EnlargeModelInfo *model = enlarge_model_lookup (settings->model);
  if (model == NULL)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   _("videos take a model of --list-models, not “%s”"), settings->model);
      return NULL;
    }
  g_autofree char *out_ext = enlarge_animation_extension (video->output);
  for (guint i = 0; out_ext != NULL && i < G_N_ELEMENTS (containers); i++)
    if (g_str_equal (containers[i].extension, out_ext))
      video->container = &containers[i];
  if (video->container == NULL)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   _("cannot write the video “%s”: use a name ending in .mp4, .mov, .mkv, .webm, "
                     "or .webp or .gif (animated)"), video->output);
      return NULL;
    }
  if (settings->lossless && g_strcmp0 (video->container->video_encoder, "vp9enc") == 0)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   _("--lossless needs H.264: write .mkv or .mp4, not .webm"));
      return NULL;
    }
  {
    /* the check every writer makes: links to the input, folders, names
     * too long for the file system */
    const char *inputs[] = { input, NULL };
    g_autoptr (GError) check_error = NULL;
    if (!enlarge_output_check (video->output, inputs, &check_error))
      {
        g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT, "%s", check_error->message);
        return NULL;
      }
  }

  gst_init (NULL, NULL);
  gst_enlarge_register (NULL);

  g_autoptr (GError) read_error = NULL;
  gboolean read;
  if (enlarge_animation_is_animated (input))
    {
      video->anim = enlarge_anim_reader_new (input, &read_error);
      read = video->anim != NULL;
      if (read)
        {
          enlarge_anim_reader_get_size (video->anim, &video->width, &video->height);
          video->anim_frames = enlarge_anim_reader_get_n_frames (video->anim);
          video->frames_total = video->anim_frames;
          video->loop_count = enlarge_animation_loop_count (input);
        }
    }
  else
    read = discover (video, input, &video->width, &video->height, &read_error);
  if (!read)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD, _("%s: cannot read it as a video: %s"),
                   input, read_error->message);
      return NULL;
    }

  EnlargeSettings size_settings = { settings->creativity, settings->scale, 0, ENLARGE_ALPHA_MODEL, FALSE };
  EnlargePlan plan;
  if (!enlarge_plan_compute (&size_settings, model->scale, video->width, video->height, &plan, &read_error))
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT, "%s", read_error->message);
      return NULL;
    }
  video->out_width = plan.out_width;
  video->out_height = plan.out_height;
  /* x264 in 4:2:0 cannot take odd sizes: say so before any work */
  if (g_strcmp0 (video->container->video_encoder, "x264enc") == 0 &&
      (plan.out_width % 2 != 0 || plan.out_height % 2 != 0))
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   _("H.264 needs an even width and height, and %d × %d → %d × %d is not; "
                     "choose another --scale, or write .webm, .webp or .gif"),
                   video->width, video->height, plan.out_width, plan.out_height);
      return NULL;
    }
  return g_steal_pointer (&video);
}

const char *
enlarge_video_job_get_output (EnlargeVideoJob *job)
{
  return job->output;
}

void
enlarge_video_job_get_size (EnlargeVideoJob *job, int *width, int *height, int *out_width, int *out_height)
{
  if (width != NULL)
    *width = job->width;
  if (height != NULL)
    *height = job->height;
  if (out_width != NULL)
    *out_width = job->out_width;
  if (out_height != NULL)
    *out_height = job->out_height;
}

gint64
enlarge_video_job_get_frames_total (EnlargeVideoJob *job)
{
  return job->frames_total;
}

int
enlarge_video_job_get_frames_done (EnlargeVideoJob *job)
{
  return g_atomic_int_get (&job->frames_done);
}

int
enlarge_video_job_get_loop_count (EnlargeVideoJob *job)
{
  return job->anim != NULL ? job->loop_count : 0;
}

gboolean
enlarge_video_job_run (EnlargeVideoJob *video, GCancellable *cancellable, EnlargeVideoWarningFunc warning,
                       gpointer warning_data, GError **error)
{
  g_return_val_if_fail (!video->ran, FALSE);
  video->ran = TRUE;
  video->warning = warning;
  video->warning_data = warning_data;

  g_autofree char *dir = g_path_get_dirname (video->output);
  g_autofree char *base = g_path_get_basename (video->output);
  video->tmp = g_strdup_printf ("%s%s.%s.XXXXXX", dir, G_DIR_SEPARATOR_S, base);
  int fd = g_mkstemp_full (video->tmp, O_RDWR | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      int saved = errno;
      g_clear_pointer (&video->tmp, g_free);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("cannot write into “%s”: %s"), dir,
                   g_strerror (saved));
      return FALSE;
    }
  close (fd);

  /* an animation keeps its loop count; a video loops forever */
  int loop = video->anim != NULL ? video->loop_count : 0;
  if (g_str_equal (video->container->extension, "webp"))
    video->webp = enlarge_webp_anim_writer_new (video->settings.quality, video->settings.lossless, loop);
  else if (g_str_equal (video->container->extension, "gif") &&
           (video->gif_out = enlarge_gif_writer_new (video->tmp, loop, error)) == NULL)
    return FALSE;

  g_autoptr (GMainContext) context = g_main_context_ref_thread_default ();
  video->loop = g_main_loop_new (context, FALSE);
  if (!run_pipeline (video, cancellable, error))
    return FALSE;   /* the temporary file is removed by enlarge_video_job_free */
  if (g_rename (video->tmp, video->output) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("cannot write “%s”: %s"),
                   video->output, g_strerror (saved));
      return FALSE;
    }
  g_clear_pointer (&video->tmp, g_free);
  return TRUE;
}
