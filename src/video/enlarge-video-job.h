/* Upscaling a video or an animation, shared by enlarge-cli (src/cli/
 * enlarge-video.c) and the app (src/app/enlarge-window-video.c): the input
 * decoded, every frame upscaled by the "enlarge" GStreamer element, encoded
 * into the output's container with the audio and subtitles passed through,
 * written to a temporary file beside the output and renamed into place. */

#pragma once

#include <gio/gio.h>

#include "enlarge.h"

G_BEGIN_DECLS

/* Whether @path goes the video way: its name ends in a video extension
 * (.mp4, .mkv, .webm, .mov, …), or it is an animated GIF or WebP. */
gboolean enlarge_video_is_video (const char *path);

/* "clip.mp4" → "clip-enlarged-2x.mp4" beside it, in the input's container
 * (.gif and .webp stay animations; others unknown to the writer → .mp4). */
char *enlarge_video_default_output (const char *input, double scale);

typedef struct {
  const char *model;    /* an id of the manifest (enlarge_model_lookup) */
  double scale;         /* 0 = the model's factor */
  double creativity;
  int tile;             /* 0 = automatic */
  const char *device;   /* NULL = "auto" */
  int quality;          /* 1 … 100, 0 = the container's default */
  gboolean lossless;
} EnlargeVideoSettings;

/* Called for what is dropped or changed (a stream the container cannot
 * hold, audio re-encoded); from any thread. */
typedef void (*EnlargeVideoWarningFunc) (const char *message, gpointer user_data);

typedef struct _EnlargeVideoJob EnlargeVideoJob;

/* Checks everything that can be known before any work: the model, the
 * output's container, that the output is not the input by any name
 * (enlarge_output_check), the input's size and frame count (GstDiscoverer,
 * or the animation's own reader), the output size against the encoder.
 * @output NULL = enlarge_video_default_output. Mistakes of the caller's
 * (a model that is not an id, an output that cannot be a video, an odd size
 * for H.264) are ENLARGE_ERROR_INVALID_ARGUMENT; an unreadable input is
 * ENLARGE_ERROR_IMAGE_LOAD. Blocking (it reads the input's headers). */
EnlargeVideoJob *enlarge_video_job_new (const char                 *input,
                                        const char                 *output,
                                        const EnlargeVideoSettings *settings,
                                        GError                    **error);
void             enlarge_video_job_free (EnlargeVideoJob *job);

const char *enlarge_video_job_get_output (EnlargeVideoJob *job);
void        enlarge_video_job_get_size   (EnlargeVideoJob *job,
                                          int *width, int *height,
                                          int *out_width, int *out_height);
/* From the container's duration and frame rate, or the animation's frame
 * count; -1 when not known. */
gint64      enlarge_video_job_get_frames_total (EnlargeVideoJob *job);
/* Frames upscaled so far; may be read from any thread while it runs. */
int         enlarge_video_job_get_frames_done  (EnlargeVideoJob *job);
/* The animation's loop count (0 = forever, -1 = plays once, no loop
 * extension), or 0 for a video. */
int         enlarge_video_job_get_loop_count   (EnlargeVideoJob *job);

/* Runs the job to the end on the calling thread, iterating its
 * thread-default main context (the caller's sources attached there run
 * meanwhile: a progress timer, signal handlers). The output is written to
 * a hidden temporary file beside it and renamed at the end; on an error
 * or when @cancellable is cancelled (G_IO_ERROR_CANCELLED) nothing is left.
 * Once only. */
gboolean enlarge_video_job_run (EnlargeVideoJob        *job,
                                GCancellable           *cancellable,
                                EnlargeVideoWarningFunc warning,
                                gpointer                warning_data,
                                GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlargeVideoJob, enlarge_video_job_free)

G_END_DECLS
