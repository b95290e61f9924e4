#pragma once

/* Internal to image/: what the loading, checking and saving files share. */

#include "enlarge-image.h"

G_BEGIN_DECLS

/* FALSE when an image file of a format we can tell (PNG, JPEG, WebP, GIF)
 * ends before its image data does; TRUE for complete files and formats we
 * cannot tell. */
gboolean enlarge_image_data_is_complete (const guint8 *data, gsize len);

/* The pixel data itself, after decoding: a PNG's IDAT inflates to all the
 * rows its header asks for; a JPEG decodes without "premature end". */
gboolean enlarge_image_png_data_is_complete (const guint8 *data, gsize len);
gboolean enlarge_image_jpeg_data_is_complete (const guint8 *data, gsize len);

G_END_DECLS
