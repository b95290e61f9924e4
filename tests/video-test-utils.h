/* What the video tests share (test-video.c, test-app-video.c): GStreamer
 * pipelines that make clips and GIFs, and read back what a file holds. */

#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

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
/* The elements of @names (NULL-terminated) all installed, else the test
 * skipped naming the first one missing and where it comes from. */
gboolean vtu_require_elements (const char * const *names);
/* "cpu" when an OpenCL CPU device works here, else the reference path. */
const char *vtu_test_device (void);
/* Runs @pipeline to EOS; fails the test on an error or a timeout. */
void vtu_run_to_eos (GstElement *pipeline);
void vtu_launch (const char *description);
/* A clip of @frames frames, 64 × 48 at 10 fps, H.264 with AAC audio of
 * the same length, in MP4. */
void vtu_make_clip (const char *path, int frames);
/* what vtu_make_clip and reading it back need */
extern const char *const vtu_clip_elements[];
/* Decodes every stream of @path into @s. */
void vtu_read_streams (const char *path, Streams *s);
GstClockTime vtu_discovered_duration (const char *path, gboolean *has_audio);
GStrv vtu_list_dir (const char *path);
/* An animated GIF of @n frames of @width × @height, frame i showing a
 * pattern shifted by i, lasting @delays_cs[i] hundredths of a second,
 * looping @loop times (0 forever; -1: no NETSCAPE2.0 extension, once). */
void vtu_write_gif (const char *path, int width, int height, int n, const int *delays_cs, int loop);

G_END_DECLS
