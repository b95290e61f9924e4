/* One frame of a video or an animation at a time, for the app's scrubber:
 * the frame shown at a time, as an image the engine takes like any still
 * (before/after, Preview Region and Compare Models work on it). */

#pragma once

#include <gio/gio.h>

#include "enlarge.h"

G_BEGIN_DECLS

typedef struct _EnlargeVideoFrames EnlargeVideoFrames;

/* Opens @path (a video GStreamer can play, or an animated GIF or WebP).
 * Blocking: prerolls the decoder. */
EnlargeVideoFrames *enlarge_video_frames_open (const char *path, GError **error);
void                enlarge_video_frames_free (EnlargeVideoFrames *frames);

/* Seconds from the first frame to the end of the last. */
double enlarge_video_frames_get_duration (EnlargeVideoFrames *frames);
/* How long one frame shows (1 / the frame rate; for an animation its
 * shortest delay): the scrubber's step. */
double enlarge_video_frames_get_frame_duration (EnlargeVideoFrames *frames);
/* When the last frame starts (seconds): the scrubber's end. */
double enlarge_video_frames_get_last_start (EnlargeVideoFrames *frames);
/* From the frame rate and the duration, or the animation's; -1 unknown. */
int    enlarge_video_frames_get_n_frames (EnlargeVideoFrames *frames);

/* The frame shown at @seconds (from 0), as an RGB image (RGBA for an
 * animation with transparency), and when it starts in *@start (seconds).
 * Blocking; one call at a time per @frames (calls wait for each other). */
EnlargeImage *enlarge_video_frames_get (EnlargeVideoFrames *frames, double seconds, double *start,
                                        GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlargeVideoFrames, enlarge_video_frames_free)

G_END_DECLS
