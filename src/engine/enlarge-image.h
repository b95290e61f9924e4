#pragma once

#include <glib.h>
#include <gio/gio.h>

G_BEGIN_DECLS

/* An 8-bit image in memory: RGB (3 channels) or RGBA (4), rows of
 * width * n_channels bytes with no padding. Reference counted. */
typedef struct {
  int width;
  int height;
  int n_channels;
  guint8 *pixels;
  /*< private >*/
  gint ref_count;
} EnlargeImage;

/* Fails (ENLARGE_ERROR_NO_MEMORY) instead of aborting when the buffer cannot
 * be allocated, so huge requests are an error, not a crash. */
EnlargeImage *enlarge_image_new (int width, int height, int n_channels, GError **error);
EnlargeImage *enlarge_image_ref (EnlargeImage *image);
void          enlarge_image_unref (EnlargeImage *image);
EnlargeImage *enlarge_image_copy (const EnlargeImage *image, GError **error);

static inline guint8 *
enlarge_image_pixel (const EnlargeImage *image, int x, int y)
{
  return image->pixels + ((gsize) y * image->width + x) * image->n_channels;
}

/* Loads PNG, JPEG, TIFF, WebP (when the loader is installed), … through
 * GdkPixbuf, applying the EXIF orientation. Grayscale comes back as RGB.
 * An alpha channel that is fully opaque is dropped. */
EnlargeImage *enlarge_image_load (const char *path, GError **error);
EnlargeImage *enlarge_image_load_bytes (GBytes *bytes, GError **error);

/* The GdkPixbuf format name ("png", "jpeg", "tiff", "webp") for a file
 * name's extension, or NULL when the extension is not a writable format. */
const char *enlarge_image_format_for_path (const char *path);

/* Writes to a temporary file beside @path and renames it into place, so a
 * failure never leaves a partial file. @format NULL = from the extension. */
gboolean enlarge_image_save (const EnlargeImage *image,
                             const char         *path,
                             const char         *format,
                             GError            **error);

/* Peak signal-to-noise ratio over the RGB samples of two images of equal
 * size (alpha ignored); INFINITY when identical, -1 on a size mismatch. */
double enlarge_image_psnr (const EnlargeImage *a, const EnlargeImage *b);

/* High-quality resample of one channel-interleaved image to a new size
 * (used for alpha until it goes through the model). */
EnlargeImage *enlarge_image_resample (const EnlargeImage *image,
                                      int                 width,
                                      int                 height,
                                      GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlargeImage, enlarge_image_unref)

G_END_DECLS
