/* enlarge-cli's videos and animations: the options mapped onto the video
 * job (src/video/enlarge-video-job.c: decode, upscale every frame with the
 * "enlarge" GStreamer element, encode, the audio and subtitles passed
 * through), its progress printed, SIGINT/SIGTERM/SIGHUP cancelling it. */

#pragma once

#include "enlarge-cli-common.h"

G_BEGIN_DECLS

/* Whether @options' inputs go the video way: an input whose name ends in
 * a video extension (.mp4, .mkv, .webm, .mov, …), or an animated GIF or
 * WebP not asked to become a still. */
gboolean enlarge_video_wanted (const Options *options);

/* Upscales the one video input of @options into options->output (or
 * NAME-enlarged-2x.EXT beside it): written to a temporary file renamed
 * into place at the end, removed on an error or Ctrl+C. Returns the exit
 * status. */
int enlarge_video_run (const Options *options);

G_END_DECLS
