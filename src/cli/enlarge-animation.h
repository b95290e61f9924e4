/* Animated GIF and WebP for enlarge-cli's videos (enlarge-video.c): which
 * files are animations, how many frames they have, and an animated WebP
 * writer (libwebp's WebPAnimEncoder). */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The extension of @path's file name in lower case ("mp4"), or NULL. */
char *enlarge_animation_extension (const char *path);

/* A .gif file that GdkPixbuf reads as more than one frame (animated WebP
 * inputs are not read as animations yet: see enlarge-animation.c). */
gboolean enlarge_animation_is_animated (const char *path);

/* The frames of a GIF (image descriptors) or an animated WebP (ANMF
 * chunks), or -1 when the file is neither. */
int enlarge_animation_frame_count (const char *path);

typedef struct _EnlargeWebpAnimWriter EnlargeWebpAnimWriter;

/* @quality 1 … 100 (0 = 95), or @lossless; loops forever. */
EnlargeWebpAnimWriter *enlarge_webp_anim_writer_new (int quality, gboolean lossless);

/* Adds an RGBA frame shown from @timestamp_ms (from 0, increasing). */
gboolean enlarge_webp_anim_writer_add (EnlargeWebpAnimWriter *writer, const guint8 *rgba,
                                       int width, int height, int stride, int timestamp_ms);

/* Ends the last frame at @end_ms and writes the file to @path. */
gboolean enlarge_webp_anim_writer_finish (EnlargeWebpAnimWriter *writer, int end_ms,
                                          const char *path, GError **error);

void enlarge_webp_anim_writer_free (EnlargeWebpAnimWriter *writer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlargeWebpAnimWriter, enlarge_webp_anim_writer_free)

G_END_DECLS
