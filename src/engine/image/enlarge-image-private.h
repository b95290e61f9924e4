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

/* What a 16-bit decoder found besides the pixels. */
typedef struct {
  GBytes *icc_profile;
  int dpi_x, dpi_y;
  int orientation;   /* TIFF's Orientation tag; 0 for PNG (see its EXIF) */
} EnlargeImage16Info;

/* A 16-bit PNG or TIFF decoded with 16 bits per sample (enlarge-image-
 * load16.c). *@handled is FALSE (and NULL returned, no error) for what
 * it leaves to GdkPixbuf: other formats and TIFF layouts other than 16-bit
 * gray/RGB(A) in strips. Data the library refuses is a "damaged or
 * incomplete" ENLARGE_ERROR_IMAGE_LOAD, a size above @max_pixels
 * ENLARGE_ERROR_TOO_LARGE (from the header, before allocating). */
EnlargeImage *enlarge_image_decode16 (const guint8 *data, gsize len, const char *name,
                                      guint64 max_pixels, EnlargeImage16Info *info,
                                      gboolean *handled, GError **error);

/* @image turned upright after an EXIF/TIFF orientation (1 … 8): @image
 * itself for 1, else a new image, @image's reference taken either way. */
EnlargeImage *enlarge_image_orient (EnlargeImage *image, int orientation, GError **error);

/* A 16-bit image encoded as PNG (RGB or RGBA, 16 bits, with @chunks and
 * the image's DPI) or as TIFF (deflate, with the ICC profile and DPI). */
GBytes *enlarge_image_encode_png16 (const EnlargeImage *image, const GByteArray *chunks,
                                    int level, GError **error);
GBytes *enlarge_image_encode_tiff16 (const EnlargeImage *image, GCancellable *cancellable,
                                     GError **error);

/* The ENLARGE_ERROR_TOO_LARGE error of an image above the pixel limit. */
void enlarge_image_set_too_large (GError **error, const char *name, int width, int height,
                                  guint64 max_pixels);

G_END_DECLS
