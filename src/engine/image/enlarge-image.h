#pragma once

#include <glib.h>
#include <gio/gio.h>

G_BEGIN_DECLS

/* A rectangle of pixels */
typedef struct {
  int x, y, width, height;
} EnlargeRect;

/* What a file says about its pixels beyond the pixels themselves, carried
 * from load to save (see enlarge_image_copy_metadata).
 *
 * icc_profile: the embedded ICC profile's bytes, written back byte for byte
 *   (PNG iCCP, JPEG APP2, TIFF, WebP ICCP). NULL = none (sRGB implied).
 * exif: the EXIF block as raw TIFF-structured bytes ("II*\0…"/"MM\0*…"),
 *   as read from JPEG APP1, PNG eXIf or WebP EXIF. It is kept as read (the
 *   Orientation tag included); saving writes an edited copy: Orientation 1
 *   (the pixels are turned upright on load), PixelX/YDimension set to the
 *   output's size, no thumbnail, and no GPS unless asked. JPEG, PNG and WebP
 *   outputs carry it; TIFF outputs do not, nor is it read from TIFF inputs.
 * dpi_x, dpi_y: the resolution (PNG pHYs, JPEG JFIF density, TIFF), 0 =
 *   unknown. Kept as is when saving, so an enlarged image prints larger at
 *   the same density — which is what enlarging for print is for.
 * animated: TRUE for an animated GIF or WebP, of which only the first
 *   frame is loaded (callers warn: animations are not supported yet).
 * bits_per_sample: of the source file (8, or 16 for a 16-bit PNG/TIFF);
 *   0 for an image not loaded from a file. A 16-bit PNG or TIFF is loaded
 *   with 16-bit pixels (EnlargeImage.bits), everything else with 8. */
typedef struct {
  GBytes *icc_profile;
  GBytes *exif;
  int dpi_x;
  int dpi_y;
  int bits_per_sample;
  gboolean animated;   /* the file is an animation (GIF, WebP): only its
                          first frame was loaded */
} EnlargeImageMetadata;

/* An image in memory: RGB (3 channels) or RGBA (4), rows of
 * width * n_channels samples with no padding, and the metadata of the file
 * it came from (empty for a new image). Samples are 8-bit (guint8), or
 * with @bits 16 guint16 in the machine's byte order (0 … 65535, alpha
 * included): the pixels of a 16-bit PNG or TIFF, and of every stage that
 * follows one through the pipeline. Reference counted; the metadata's
 * GBytes are owned by the image (set them with g_bytes_ref). */
typedef struct {
  int width;
  int height;
  int n_channels;
  guint8 *pixels;    /* guint16 samples when bits is 16 */
  EnlargeImageMetadata meta;
  int bits;          /* bits per sample: 8 or 16 */
  /*< private >*/
  gint ref_count;
} EnlargeImage;

/* Fails (ENLARGE_ERROR_NO_MEMORY) instead of aborting when the buffer cannot
 * be allocated, so huge requests are an error, not a crash. */
EnlargeImage *enlarge_image_new (int width, int height, int n_channels, GError **error);
/* The same with @bits 8 or 16 bits per sample. */
EnlargeImage *enlarge_image_new_full (int width, int height, int n_channels, int bits,
                                      GError **error);
EnlargeImage *enlarge_image_ref (EnlargeImage *image);
void          enlarge_image_unref (EnlargeImage *image);
/* Pixels and metadata. */
EnlargeImage *enlarge_image_copy (const EnlargeImage *image, GError **error);

/* Replaces @dst's metadata with (references to) @src's: the pipeline calls
 * this so an output carries its input's ICC profile, EXIF and DPI. */
void          enlarge_image_copy_metadata (EnlargeImage *dst, const EnlargeImage *src);

/* The first byte of pixel (x, y); of a 16-bit image, read it through
 * enlarge_image_pixel16 or the sample functions below. */
static inline guint8 *
enlarge_image_pixel (const EnlargeImage *image, int x, int y)
{
  return image->pixels + ((gsize) y * image->width + x) * image->n_channels * (image->bits >> 3);
}

static inline guint16 *
enlarge_image_pixel16 (const EnlargeImage *image, int x, int y)
{
  return (guint16 *) (gpointer) enlarge_image_pixel (image, x, y);
}

/* The largest sample value: 255 or 65535. */
static inline float
enlarge_image_max_value (const EnlargeImage *image)
{
  return image->bits == 16 ? 65535.f : 255.f;
}

/* Sample @i of the image (pixel i / n_channels, channel i % n_channels),
 * whatever its depth: the float stages (model input, resampling,
 * creativity) read through this and write through set_sample, so an 8-bit
 * image goes through exactly the arithmetic it always did. */
static inline float
enlarge_image_sample (const EnlargeImage *image, gsize i)
{
  return image->bits == 16 ? (float) ((const guint16 *) (gconstpointer) image->pixels)[i]
                           : (float) image->pixels[i];
}

/* Stores @v, already rounded and within 0 … enlarge_image_max_value. */
static inline void
enlarge_image_set_sample (EnlargeImage *image, gsize i, float v)
{
  if (image->bits == 16)
    ((guint16 *) (gpointer) image->pixels)[i] = (guint16) v;
  else
    image->pixels[i] = (guint8) v;
}

static inline gsize
enlarge_image_sample_index (const EnlargeImage *image, int x, int y, int c)
{
  return ((gsize) y * image->width + x) * image->n_channels + c;
}

/* A copy at @bits (8 or 16) bits per sample, metadata included; a new
 * reference when the image already has that depth. 16 → 8 rounds to the
 * nearest value (v × 255 / 65535), 8 → 16 is exact (v × 257). */
EnlargeImage *enlarge_image_convert_depth (const EnlargeImage *image, int bits, GError **error);

/* The largest image loaded by default: 128 MP (1 MP = 1024² pixels, as
 * for --target-mp), a 13 000 × 10 000 photograph; decoded as RGBA it takes
 * 512 MiB, and a 4× result of it 6 GiB as RGB. */
#define ENLARGE_IMAGE_DEFAULT_MAX_PIXELS (G_GUINT64_CONSTANT (128) << 20)

typedef struct {
  /* Images with more pixels are refused from their header, before
   * anything is decoded or allocated: a file of a few hundred bytes can
   * claim 60000 × 60000. 0 = ENLARGE_IMAGE_DEFAULT_MAX_PIXELS. */
  guint64 max_pixels;
  /* 8: 16-bit files come back with 8-bit pixels (for callers that only
   * show or measure them); 0 = the file's depth. */
  int depth;
} EnlargeLoadOptions;

#define ENLARGE_LOAD_OPTIONS_INIT { 0, 0 }

/* Loads PNG, JPEG, TIFF, WebP (when the loader is installed), … through
 * GdkPixbuf, applying the EXIF orientation (JPEG, PNG eXIf, WebP EXIF, TIFF);
 * a 16-bit PNG or TIFF (which GdkPixbuf would reduce to 8 bits) is decoded
 * by libpng or libtiff into a 16-bit image.
 * Grayscale comes back as RGB. An alpha channel that is fully opaque is
 * dropped. The metadata is filled in; metadata that is malformed is
 * dropped (g_debug), never a reason to fail. A file cut short or damaged
 * (image data that ends early, even with a proper end marker) is an
 * ENLARGE_ERROR_IMAGE_LOAD error saying "damaged or incomplete"; an image
 * above @options' max_pixels is ENLARGE_ERROR_TOO_LARGE. @options may be
 * NULL for the defaults. */
EnlargeImage *enlarge_image_load_full (const char               *path,
                                       const EnlargeLoadOptions *options,
                                       GError                  **error);
EnlargeImage *enlarge_image_load_bytes_full (GBytes                   *bytes,
                                             const EnlargeLoadOptions *options,
                                             GError                  **error);
/* The same with the default options. */
EnlargeImage *enlarge_image_load (const char *path, GError **error);
EnlargeImage *enlarge_image_load_bytes (GBytes *bytes, GError **error);

/* The format name ("png", "jpeg", "tiff", "webp") for a file name's
 * extension, or NULL when the extension is not a writable format. */
const char *enlarge_image_format_for_path (const char *path);

/* The canonical format name for a user's "png", "jpg", "JPEG", "tif", …,
 * or NULL when it is none of the output formats. */
const char *enlarge_image_format_from_name (const char *name);

/* Whether this system can write @format (a canonical name). WebP is
 * written with libwebp, the others through GdkPixbuf. */
gboolean    enlarge_image_format_is_writable (const char *format);

/* The usual extension for a canonical format name ("jpeg" → "jpg"). */
const char *enlarge_image_format_extension (const char *format);

typedef struct {
  const char *format;  /* "png", "jpeg", "webp", "tiff" (or an alias);
                          NULL = from the file name's extension */
  int quality;         /* JPEG and lossy WebP, 1 … 100; 0 = the default, 95 */
  gboolean lossless;   /* WebP: lossless instead of lossy; an error for
                          JPEG; PNG and TIFF are always lossless */
  gboolean keep_gps;   /* keep the EXIF GPS location (dropped by default) */
  GCancellable *cancellable;  /* checked while writing; on cancel the
                                 temporary file is removed and the error
                                 is G_IO_ERROR_CANCELLED. NULL = none */
  int depth;           /* bits per sample of the file: 0 = the image's own
                          (16-bit images stay 16-bit in PNG and TIFF;
                          JPEG and WebP are always 8), 8 = reduce to 8,
                          16 = PNG and TIFF at 16 even from 8-bit pixels */
} EnlargeSaveOptions;

#define ENLARGE_SAVE_OPTIONS_INIT { NULL, 0, FALSE, FALSE, NULL, 0 }

/* Writes @image with its metadata (see EnlargeImageMetadata: ICC profile
 * in every format; EXIF in JPEG, PNG and WebP; DPI in PNG, JPEG and TIFF),
 * at 16 bits per sample for a 16-bit image in PNG or TIFF (see depth),
 * to a temporary file beside @path and renames it into place, so a failure
 * never leaves a partial file. An alpha channel is composited over white
 * for JPEG. */
gboolean enlarge_image_save_full (const EnlargeImage       *image,
                                  const char               *path,
                                  const EnlargeSaveOptions *options,
                                  GError                  **error);

/* enlarge_image_save_full with default options and @format (NULL = from
 * the extension). */
gboolean enlarge_image_save (const EnlargeImage *image,
                             const char         *path,
                             const char         *format,
                             GError            **error);


G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlargeImage, enlarge_image_unref)

/* The part of @image inside @rect (clamped to the image), or NULL with an
 * error when nothing is left. */
EnlargeImage *enlarge_image_crop (const EnlargeImage *image, const EnlargeRect *rect,
                                  GError **error);

G_END_DECLS
