/* Animated GIF and WebP for the video jobs (enlarge-video-job.c): which
 * files are animations, how many frames they have and how often they loop,
 * a reader of their frames (GdkPixbuf for GIF, libwebp's WebPAnimDecoder
 * for WebP), and writers: animated WebP (WebPAnimEncoder) and GIF (giflib,
 * a median-cut palette per frame). */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The extension of @path's file name in lower case ("mp4"), or NULL. */
char *enlarge_animation_extension (const char *path);

/* A .gif file that GdkPixbuf reads as more than one frame, or a .webp
 * file of more than one ANMF frame. */
gboolean enlarge_animation_is_animated (const char *path);

/* The frames of a GIF (image descriptors) or an animated WebP (ANMF
 * chunks), or -1 when the file is neither. */
int enlarge_animation_frame_count (const char *path);

/* How often an animation plays: 0 = forever, n = the loop count as the
 * file stores it (GIF's NETSCAPE2.0 extension, WebP's ANIM chunk), -1 = a
 * GIF without the extension, which plays once. */
int enlarge_animation_loop_count (const char *path);

/* The frames of an animated GIF or WebP, in order, composited onto the
 * canvas as a viewer shows them. */
typedef struct _EnlargeAnimReader EnlargeAnimReader;

EnlargeAnimReader *enlarge_anim_reader_new (const char *path, GError **error);
void enlarge_anim_reader_get_size (EnlargeAnimReader *reader, int *width, int *height);
int  enlarge_anim_reader_get_n_frames (EnlargeAnimReader *reader);
/* The next frame: RGBA rows of width × 4 bytes, owned by the reader until
 * the next call, and how long it shows (ms; a delay of 0 is read as
 * 100 ms, as GdkPixbuf and browsers do). FALSE after the last. */
gboolean enlarge_anim_reader_next (EnlargeAnimReader *reader, const guint8 **rgba, int *delay_ms);
void enlarge_anim_reader_free (EnlargeAnimReader *reader);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlargeAnimReader, enlarge_anim_reader_free)

typedef struct _EnlargeWebpAnimWriter EnlargeWebpAnimWriter;

/* @quality 1 … 100 (0 = 95), or @lossless; @loop_count as
 * enlarge_animation_loop_count gives it (-1 is written as 1: once). */
EnlargeWebpAnimWriter *enlarge_webp_anim_writer_new (int quality, gboolean lossless, int loop_count);

/* Adds an RGBA frame shown from @timestamp_ms (from 0, increasing). */
gboolean enlarge_webp_anim_writer_add (EnlargeWebpAnimWriter *writer, const guint8 *rgba,
                                       int width, int height, int stride, int timestamp_ms);

/* Ends the last frame at @end_ms and writes the file to @path. */
gboolean enlarge_webp_anim_writer_finish (EnlargeWebpAnimWriter *writer, int end_ms,
                                          const char *path, GError **error);

void enlarge_webp_anim_writer_free (EnlargeWebpAnimWriter *writer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlargeWebpAnimWriter, enlarge_webp_anim_writer_free)

/* An animated GIF written frame by frame into @path as they come (bounded
 * memory): each frame gets its own 256-colour palette by median cut
 * (giflib's GifQuantizeBuffer), pixels under half opacity become the
 * transparent index. @loop_count as enlarge_animation_loop_count gives it
 * (-1 and 1 = no loop extension: plays once). */
typedef struct _EnlargeGifWriter EnlargeGifWriter;

EnlargeGifWriter *enlarge_gif_writer_new (const char *path, int loop_count, GError **error);
/* Adds an RGBA frame shown from @timestamp_ms (from 0, increasing); the
 * frame before it is written with the delay up to this one. */
gboolean enlarge_gif_writer_add (EnlargeGifWriter *writer, const guint8 *rgba, int width, int height,
                                 int stride, int timestamp_ms, GError **error);
/* Ends the last frame at @end_ms and closes the file. */
gboolean enlarge_gif_writer_finish (EnlargeGifWriter *writer, int end_ms, GError **error);
void enlarge_gif_writer_free (EnlargeGifWriter *writer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlargeGifWriter, enlarge_gif_writer_free)

G_END_DECLS
