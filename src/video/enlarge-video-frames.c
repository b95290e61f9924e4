/* The frames of a video or an animation; see enlarge-video-frames.h.
 *
 * A video: playbin (video only) into an appsink taking RGB at square
 * pixels, held in PAUSED; a frame is an accurate flushing seek and the
 * sample the sink prerolls. An animation: enlarge-animation.c's reader,
 * read again from the first frame for each request (animations are short,
 * and GStreamer's GIF decoder gives every frame the same time). */

#include "config.h"

#include "enlarge-video-frames.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "enlarge-animation.h"

/* how long a preroll may take before the file counts as unreadable */
#define PREROLL_TIMEOUT (30 * GST_SECOND)

struct _EnlargeVideoFrames {
  GMutex lock;
  char *path;
  double duration, frame_duration;
  int n_frames;
  /* a video */
  GstElement *playbin;
  GstElement *sink;
  /* an animation: the frames' start times (ms), n_frames + 1 with the end */
  int *starts;
  gboolean alpha;
};

void
enlarge_video_frames_free (EnlargeVideoFrames *frames)
{
  if (frames->playbin != NULL)
    {
      gst_element_set_state (frames->playbin, GST_STATE_NULL);
      gst_object_unref (frames->playbin);
    }
  g_free (frames->starts);
  g_free (frames->path);
  g_mutex_clear (&frames->lock);
  g_free (frames);
}

/* Waits for the pipeline to settle after a state change or a seek. */
static gboolean
wait_preroll (EnlargeVideoFrames *frames, GError **error)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (frames->playbin);
  g_autoptr (GstMessage) message =
    gst_bus_timed_pop_filtered (bus, PREROLL_TIMEOUT, GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_ERROR);

  if (message == NULL)
    {
      g_set_error_literal (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD,
                           _("the video did not decode in time"));
      return FALSE;
    }
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr (GError) gst_error = NULL;
      gst_message_parse_error (message, &gst_error, NULL);
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD, "%s", gst_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
open_animation (EnlargeVideoFrames *frames, GError **error)
{
  g_autoptr (EnlargeAnimReader) reader = enlarge_anim_reader_new (frames->path, error);
  const guint8 *rgba;
  int delay, width, height, i = 0;

  if (reader == NULL)
    return FALSE;
  enlarge_anim_reader_get_size (reader, &width, &height);
  frames->n_frames = enlarge_anim_reader_get_n_frames (reader);
  frames->starts = g_new0 (int, frames->n_frames + 1);
  frames->frame_duration = G_MAXDOUBLE;
  while (i < frames->n_frames && enlarge_anim_reader_next (reader, &rgba, &delay))
    {
      frames->starts[i + 1] = frames->starts[i] + delay;
      frames->frame_duration = MIN (frames->frame_duration, delay / 1000.0);
      for (gsize p = 0; !frames->alpha && p < (gsize) width * height; p++)
        frames->alpha = rgba[p * 4 + 3] != 255;
      i++;
    }
  frames->n_frames = i;
  if (i == 0)
    {
      g_set_error_literal (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD, _("the animation has no frames"));
      return FALSE;
    }
  frames->duration = frames->starts[i] / 1000.0;
  return TRUE;
}

static gboolean
open_video (EnlargeVideoFrames *frames, GError **error)
{
  frames->playbin = gst_element_factory_make ("playbin", NULL);
  frames->sink = gst_element_factory_make ("appsink", NULL);
  if (frames->playbin == NULL || frames->sink == NULL)
    {
      g_clear_object (&frames->sink);
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                   _("GStreamer’s playbin or appsink is not installed (see README.md, Videos)"));
      return FALSE;
    }
  gst_object_ref_sink (frames->playbin);
  g_autoptr (GstCaps) caps = gst_caps_from_string ("video/x-raw,format=RGB,pixel-aspect-ratio=1/1");
  g_object_set (frames->sink, "caps", caps, "sync", FALSE, NULL);
  g_autoptr (GFile) file = g_file_new_for_path (frames->path);
  g_autofree char *uri = g_file_get_uri (file);
  GstElement *no_audio = gst_element_factory_make ("fakesink", NULL);
  g_object_set (frames->playbin, "uri", uri, "video-sink", frames->sink, "audio-sink", no_audio, NULL);
  /* pictures only: no audio device is opened, no subtitles drawn */
  gst_util_set_object_arg (G_OBJECT (frames->playbin), "flags", "video");

  if (gst_element_set_state (frames->playbin, GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE &&
      !wait_preroll (frames, error))
    return FALSE;
  if (!wait_preroll (frames, error))
    return FALSE;

  gint64 duration = 0;
  if (!gst_element_query_duration (frames->playbin, GST_FORMAT_TIME, &duration) || duration <= 0)
    duration = 0;
  frames->duration = duration / (double) GST_SECOND;
  frames->frame_duration = 0.1;
  frames->n_frames = -1;
  g_autoptr (GstPad) pad = gst_element_get_static_pad (frames->sink, "sink");
  g_autoptr (GstCaps) current = gst_pad_get_current_caps (pad);
  GstVideoInfo info;
  if (current != NULL && gst_video_info_from_caps (&info, current) && info.fps_n > 0 && info.fps_d > 0)
    {
      frames->frame_duration = (double) info.fps_d / info.fps_n;
      frames->n_frames = (int) llround (frames->duration / frames->frame_duration);
      /* the container's duration may count audio past the last frame */
      frames->duration = frames->n_frames * frames->frame_duration;
    }
  return TRUE;
}

EnlargeVideoFrames *
enlarge_video_frames_open (const char *path, GError **error)
{
  g_autoptr (EnlargeVideoFrames) frames = g_new0 (EnlargeVideoFrames, 1);

  g_mutex_init (&frames->lock);
  frames->path = g_strdup (path);
  gst_init (NULL, NULL);
  if (enlarge_animation_is_animated (path) ? !open_animation (frames, error) : !open_video (frames, error))
    return NULL;
  return g_steal_pointer (&frames);
}

double
enlarge_video_frames_get_duration (EnlargeVideoFrames *frames)
{
  return frames->duration;
}

double
enlarge_video_frames_get_frame_duration (EnlargeVideoFrames *frames)
{
  return frames->frame_duration;
}

double
enlarge_video_frames_get_last_start (EnlargeVideoFrames *frames)
{
  if (frames->starts != NULL)
    return frames->starts[frames->n_frames - 1] / 1000.0;
  return MAX (frames->duration - frames->frame_duration, 0);
}

int
enlarge_video_frames_get_n_frames (EnlargeVideoFrames *frames)
{
  return frames->n_frames;
}

static EnlargeImage *
animation_frame (EnlargeVideoFrames *frames, double seconds, double *start, GError **error)
{
  g_autoptr (EnlargeAnimReader) reader = enlarge_anim_reader_new (frames->path, error);
  int ms = (int) floor (seconds * 1000 + 0.5), width, height, delay, i = 0;
  const guint8 *rgba = NULL;

  if (reader == NULL)
    return NULL;
  /* the last frame that starts at or before @seconds */
  int wanted = 0;
  while (wanted + 1 < frames->n_frames && frames->starts[wanted + 1] <= ms)
    wanted++;
  for (i = 0; i <= wanted; i++)
    if (!enlarge_anim_reader_next (reader, &rgba, &delay))
      {
        g_set_error_literal (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD, _("the animation ends early"));
        return NULL;
      }
  enlarge_anim_reader_get_size (reader, &width, &height);
  int n = frames->alpha ? 4 : 3;
  EnlargeImage *image = enlarge_image_new (width, height, n, error);
  if (image == NULL)
    return NULL;
  for (gsize p = 0; p < (gsize) width * height; p++)
    memcpy (image->pixels + p * n, rgba + p * 4, n);
  if (start != NULL)
    *start = frames->starts[wanted] / 1000.0;
  return image;
}

static EnlargeImage *
video_frame (EnlargeVideoFrames *frames, double seconds, double *start, GError **error)
{
  /* past the last frame's start, an accurate seek finds nothing: stay at
   * most there */
  double last = enlarge_video_frames_get_last_start (frames);
  GstClockTime position = (GstClockTime) llround (CLAMP (seconds, 0, last) * GST_SECOND);

  if (!gst_element_seek_simple (frames->playbin, GST_FORMAT_TIME,
                                GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, (gint64) position) ||
      !wait_preroll (frames, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD, _("cannot seek in the video"));
      return NULL;
    }
  g_autoptr (GstSample) sample = gst_app_sink_try_pull_preroll (GST_APP_SINK (frames->sink), PREROLL_TIMEOUT);
  GstVideoInfo info;
  GstVideoFrame frame;
  if (sample == NULL || !gst_video_info_from_caps (&info, gst_sample_get_caps (sample)) ||
      !gst_video_frame_map (&frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ))
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD, _("no frame at %.2f s"), seconds);
      return NULL;
    }
  int width = GST_VIDEO_FRAME_WIDTH (&frame), height = GST_VIDEO_FRAME_HEIGHT (&frame);
  EnlargeImage *image = enlarge_image_new (width, height, 3, error);
  if (image != NULL)
    for (int y = 0; y < height; y++)
      memcpy (image->pixels + (gsize) y * width * 3,
              (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0) + (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0),
              (gsize) width * 3);
  /* in stream time, as the seek: an MP4 edit list can put the first
   * frame's timestamp later (0.2 s in the test clip from x264) */
  GstClockTime pts = GST_BUFFER_PTS (gst_sample_get_buffer (sample));
  guint64 stream_time = gst_segment_to_stream_time (gst_sample_get_segment (sample), GST_FORMAT_TIME, pts);
  gst_video_frame_unmap (&frame);
  if (start != NULL)
    *start = GST_CLOCK_TIME_IS_VALID (stream_time) ? stream_time / (double) GST_SECOND : seconds;
  return image;
}

EnlargeImage *
enlarge_video_frames_get (EnlargeVideoFrames *frames, double seconds, double *start, GError **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&frames->lock);

  return frames->playbin != NULL ? video_frame (frames, seconds, start, error)
                                 : animation_frame (frames, seconds, start, error);
}
