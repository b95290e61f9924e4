/* Loading images: GdkPixbuf decoders (libpng and libtiff for 16-bit PNG
 * and TIFF) behind the pixel limit and the completeness check, with their
 * metadata. */

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "enlarge-error.h"
#include "enlarge-image-private.h"
#include "enlarge-metadata.h"

/* ---- loading ---------------------------------------------------------- */

static EnlargeImage *
image_from_pixbuf (GdkPixbuf *pixbuf, const char *name, GError **error)
{
  if (gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB ||
      gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 ||
      (gdk_pixbuf_get_n_channels (pixbuf) != 3 && gdk_pixbuf_get_n_channels (pixbuf) != 4))
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD,
                   "Could not load %s: unsupported pixel format", name);
      return NULL;
    }

  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int src_channels = gdk_pixbuf_get_n_channels (pixbuf);
  gsize rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  /* read_pixels, unlike get_pixels, does not force a copy of a pixbuf that
   * is backed by read-only bytes. */
  const guint8 *src = gdk_pixbuf_read_pixels (pixbuf);

  gboolean opaque = TRUE;
  if (src_channels == 4)
    {
      for (int y = 0; y < height && opaque; y++)
        {
          const guint8 *p = src + y * rowstride;
          for (int x = 0; x < width; x++)
            if (p[x * 4 + 3] != 255)
              {
                opaque = FALSE;
                break;
              }
        }
    }
  int dst_channels = (src_channels == 4 && !opaque) ? 4 : 3;

  g_autoptr (GError) local_error = NULL;
  EnlargeImage *image = enlarge_image_new (width, height, dst_channels, &local_error);
  if (image == NULL)
    {
      g_set_error (error, ENLARGE_ERROR, local_error->code,
                   "Could not load %s: %s", name, local_error->message);
      return NULL;
    }

  /* Only width × channels bytes of each source row are touched: the last
   * row of a GdkPixbuf is not padded out to the rowstride. */
  for (int y = 0; y < height; y++)
    {
      const guint8 *s = src + y * rowstride;
      guint8 *d = image->pixels + (gsize) y * width * dst_channels;

      if (src_channels == dst_channels)
        memcpy (d, s, (gsize) width * dst_channels);
      else
        for (int x = 0; x < width; x++)
          {
            d[x * 3 + 0] = s[x * 4 + 0];
            d[x * 3 + 1] = s[x * 4 + 1];
            d[x * 3 + 2] = s[x * 4 + 2];
          }
    }

  return image;
}

/* GdkPixbuf's TIFF loader reads through libtiff's RGBA interface, which
 * premultiplies the colour by the alpha; GdkPixbuf's pixels are not
 * premultiplied, so undo it (semi-transparent pixels lose some precision). */
static void
unpremultiply (EnlargeImage *image)
{
  gsize n = (gsize) image->width * image->height;

  for (gsize i = 0; i < n; i++)
    {
      guint8 *p = image->pixels + i * 4;
      guint a = p[3];
      if (a == 0 || a == 255)
        continue;
      for (int c = 0; c < 3; c++)
        p[c] = MIN (255u, (p[c] * 255u + a / 2) / a);
    }
}

static int
option_dpi (GdkPixbuf *pixbuf, const char *key)
{
  const char *value = gdk_pixbuf_get_option (pixbuf, key);
  gint64 dpi;

  if (value == NULL || !g_ascii_string_to_signed (value, 10, 1, 65535, &dpi, NULL))
    return 0;
  return dpi;
}

/* GdkPixbuf's options give the ICC profile (PNG, JPEG, TIFF) and the DPI;
 * the scan of the file gives the rest (enlarge-metadata.c). */
static void
set_metadata (EnlargeImage *image, GdkPixbuf *pixbuf, EnlargeFileMetadata *found)
{
  const char *icc = gdk_pixbuf_get_option (pixbuf, "icc-profile");

  if (icc != NULL)
    {
      gsize len = 0;
      guchar *profile = g_base64_decode (icc, &len);
      if (len > 0)
        image->meta.icc_profile = g_bytes_new_take (profile, len);
      else
        g_free (profile);
    }
  if (image->meta.icc_profile == NULL && found->icc_profile != NULL)
    image->meta.icc_profile = g_bytes_ref (found->icc_profile);
  if (found->exif != NULL)
    image->meta.exif = g_bytes_ref (found->exif);

  image->meta.dpi_x = option_dpi (pixbuf, "x-dpi");
  image->meta.dpi_y = option_dpi (pixbuf, "y-dpi");
  if (image->meta.dpi_y == 0)
    image->meta.dpi_y = image->meta.dpi_x;
  if (image->meta.dpi_x == 0)
    image->meta.dpi_x = image->meta.dpi_y;

  image->meta.bits_per_sample = found->bits_per_sample > 0 ? found->bits_per_sample : 8;
  if (image->meta.bits_per_sample > 8)
    g_debug ("%d-bit image: read with 8 bits per channel", image->meta.bits_per_sample);
}

/* Refuses an image above the limit from its size, which every GdkPixbuf
 * loader reports before it allocates the pixels: a size of 0 × 0 makes
 * them stop with an error (as in gdk_pixbuf_get_file_info). */
typedef struct {
  guint64 max_pixels;
  int width;
  int height;
  gboolean too_large;
} SizeGuard;

static gboolean
size_guard_check (SizeGuard *guard, int width, int height)
{
  guard->width = width;
  guard->height = height;
  guard->too_large = width <= 0 || height <= 0 ||
                     (guint64) width * (guint64) height > guard->max_pixels;
  return !guard->too_large;
}

static void
on_size_prepared (GdkPixbufLoader *loader, int width, int height, gpointer user_data)
{
  SizeGuard *guard = user_data;
  GdkPixbufFormat *format = gdk_pixbuf_loader_get_format (loader);
  g_autofree char *name = format != NULL ? gdk_pixbuf_format_get_name (format) : NULL;

  /* GdkPixbuf 2.42's GIF loader asks for a pixbuf of the size set here
   * even when it is 0 × 0 (a critical warning); GIF sizes are checked
   * from the header instead, before the loader sees the file. */
  if (!size_guard_check (guard, width, height) && g_strcmp0 (name, "gif") != 0)
    gdk_pixbuf_loader_set_size (loader, 0, 0);
}

/* Megapixels (1024² pixels) with as many decimals as small values need. */
static char *
format_mp (double pixels)
{
  double mp = pixels / (1 << 20);

  return g_strdup_printf ("%.*f MP", mp >= 10 ? 0 : mp >= 1 ? 1 : 3, mp);
}

void
enlarge_image_set_too_large (GError **error, const char *name, int width, int height,
                             guint64 max_pixels)
{
  g_autofree char *size = format_mp ((double) width * height);
  g_autofree char *limit = format_mp (max_pixels);

  g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_TOO_LARGE,
               "Could not load %s: the image is %d × %d pixels (%s), more than the limit of %s",
               name, width, height, size, limit);
}

static void
set_too_large (GError **error, const char *name, const SizeGuard *guard)
{
  enlarge_image_set_too_large (error, name, guard->width, guard->height, guard->max_pixels);
}

static gboolean
png_data_is_damaged (const guint8 *data, gsize len, const char *name, GError **error)
{
  static const guint8 png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  if (len >= 8 && memcmp (data, png_magic, 8) == 0 && !enlarge_image_png_data_is_complete (data, len))
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD,
                   "Could not load %s: the file is damaged or incomplete (its image data ends early)",
                   name);
      return TRUE;
    }
  return FALSE;
}

/* A 16-bit PNG or TIFF through libpng or libtiff (enlarge-image16.c),
 * with what the GdkPixbuf path gets from the pixbuf's options; NULL with
 * *@handled FALSE for a layout left to GdkPixbuf. */
static EnlargeImage *
load_16bit (const guint8 *data, gsize len, const char *name, guint64 max_pixels,
            EnlargeFileMetadata *found, gboolean *handled, GError **error)
{
  EnlargeImage16Info info;
  g_autoptr (EnlargeImage) image = enlarge_image_decode16 (data, len, name, max_pixels,
                                                          &info, handled, error);
  if (image == NULL)
    return NULL;
  if (png_data_is_damaged (data, len, name, error))
    {
      g_clear_pointer (&info.icc_profile, g_bytes_unref);
      return NULL;
    }

  int orientation = info.orientation > 0 ? info.orientation
                    : found->exif != NULL ? enlarge_exif_get_orientation (found->exif) : 1;
  image = enlarge_image_orient (g_steal_pointer (&image), orientation, error);
  if (image == NULL)
    {
      g_clear_pointer (&info.icc_profile, g_bytes_unref);
      return NULL;
    }
  image->meta.icc_profile = info.icc_profile != NULL ? info.icc_profile
                            : found->icc_profile != NULL ? g_bytes_ref (found->icc_profile) : NULL;
  if (found->exif != NULL)
    image->meta.exif = g_bytes_ref (found->exif);
  image->meta.dpi_x = info.dpi_x > 0 ? info.dpi_x : info.dpi_y;
  image->meta.dpi_y = info.dpi_y > 0 ? info.dpi_y : info.dpi_x;
  image->meta.bits_per_sample = 16;
  return g_steal_pointer (&image);
}

static EnlargeImage *
load_data (const guint8             *data,
           gsize                     len,
           const char               *name,
           const EnlargeLoadOptions *options,
           GError                  **error)
{
  g_autoptr (GError) local_error = NULL;
  SizeGuard guard = { ENLARGE_IMAGE_DEFAULT_MAX_PIXELS, 0, 0, FALSE };

  if (options != NULL && options->max_pixels > 0)
    guard.max_pixels = options->max_pixels;

  if (len == 0)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD,
                   "Could not load %s: the file is empty", name);
      return NULL;
    }

  /* Before decoding: libjpeg's complaint about a cut file is cryptic. */
  if (!enlarge_image_data_is_complete (data, len))
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD,
                   "Could not load %s: the file is damaged or incomplete (truncated)", name);
      return NULL;
    }

  /* GIF: the logical screen, which every frame is drawn into */
  if (len >= 10 && memcmp (data, "GIF8", 4) == 0 &&
      !size_guard_check (&guard, data[6] | (data[7] << 8), data[8] | (data[9] << 8)))
    {
      set_too_large (error, name, &guard);
      return NULL;
    }

  g_auto (EnlargeFileMetadata) found = { NULL, NULL, 0 };
  enlarge_file_metadata_scan (data, len, &found);
  if (found.bits_per_sample == 16 && (options == NULL || options->depth != 8))
    {
      gboolean handled = FALSE;
      EnlargeImage *image = load_16bit (data, len, name, guard.max_pixels, &found, &handled, error);
      if (image != NULL || handled)
        return image;
    }

  g_autoptr (GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), &guard);

  /* In pieces, so that nothing more is fed once the size is refused. */
  const gsize piece = 256 * 1024;
  gboolean ok = TRUE;
  for (gsize pos = 0; pos < len && ok && !guard.too_large; pos += piece)
    ok = gdk_pixbuf_loader_write (loader, data + pos, MIN (piece, len - pos), &local_error);
  /* A loader must be closed even after a failed write; the write's error
   * is the one worth reporting. */
  if (!gdk_pixbuf_loader_close (loader, ok && !guard.too_large ? &local_error : NULL))
    ok = FALSE;
  if (guard.too_large)
    {
      set_too_large (error, name, &guard);
      return NULL;
    }
  if (!ok)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD,
                   "Could not load %s: %s", name,
                   local_error != NULL ? local_error->message : "unknown error");
      return NULL;
    }

  GdkPixbuf *pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD,
                   "Could not load %s: not a supported image", name);
      return NULL;
    }

  /* After decoding, so that an image above the limit is reported as that
   * rather than as incomplete. */
  if (png_data_is_damaged (data, len, name, error))
    return NULL;
  if (len >= 2 && data[0] == 0xff && data[1] == 0xd8 && !enlarge_image_jpeg_data_is_complete (data, len))
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD,
                   "Could not load %s: the file is damaged or incomplete (its image data ends early)",
                   name);
      return NULL;
    }

  GdkPixbufAnimation *animation = gdk_pixbuf_loader_get_animation (loader);
  gboolean animated = animation != NULL && !gdk_pixbuf_animation_is_static_image (animation);

  /* The JPEG and TIFF loaders turn the orientation into an option; those
   * for PNG and WebP do not read EXIF, so the scanned block says it. */
  if (gdk_pixbuf_get_option (pixbuf, "orientation") == NULL && found.exif != NULL)
    {
      int orientation = enlarge_exif_get_orientation (found.exif);
      if (orientation != 1)
        {
          char value[2] = { '0' + orientation, '\0' };
          gdk_pixbuf_set_option (pixbuf, "orientation", value);
        }
    }

  g_autoptr (GdkPixbuf) oriented = gdk_pixbuf_apply_embedded_orientation (pixbuf);
  if (oriented == NULL)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_NO_MEMORY,
                   "Could not load %s: not enough memory to rotate the image", name);
      return NULL;
    }

  EnlargeImage *image = image_from_pixbuf (oriented, name, error);
  if (image != NULL && image->n_channels == 4 && len >= 4 &&
      (memcmp (data, "II*\0", 4) == 0 || memcmp (data, "MM\0*", 4) == 0))
    unpremultiply (image);
  if (image != NULL)
    {
      set_metadata (image, pixbuf, &found);
      image->meta.animated = animated;
    }
  return image;
}

EnlargeImage *
enlarge_image_load (const char *path, GError **error)
{
  return enlarge_image_load_full (path, NULL, error);
}

EnlargeImage *
enlarge_image_load_full (const char *path, const EnlargeLoadOptions *options, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *name = g_strdup_printf ("“%s”", display);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD,
                   "Could not load %s: it is a folder, not an image", name);
      return NULL;
    }

  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD,
                   "Could not open %s: %s", name, g_strerror (saved_errno));
      return NULL;
    }

  /* A device (/dev/zero, /dev/urandom) never ends; a regular file or a
   * pipe (a download through <(…)) does. */
  GStatBuf st;
  if (fstat (fd, &st) != 0 || !(S_ISREG (st.st_mode) || S_ISFIFO (st.st_mode)))
    {
      close (fd);
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD,
                   "Could not load %s: it is not a file", name);
      return NULL;
    }

  /* No image within the pixel limit takes more than 8 bytes a pixel
   * (16-bit RGBA, uncompressed) plus its metadata, so a larger file is
   * refused before it is read into memory. */
  guint64 max_pixels = options != NULL && options->max_pixels > 0
                       ? options->max_pixels : ENLARGE_IMAGE_DEFAULT_MAX_PIXELS;
  guint64 max_bytes = MIN (max_pixels, G_MAXUINT32 / 8) * 8 + (64 << 20);
  max_bytes = MIN (max_bytes, G_MAXUINT32);
  if (S_ISREG (st.st_mode) && (guint64) st.st_size > max_bytes)
    {
      close (fd);
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_TOO_LARGE,
                   "Could not load %s: the file is %" G_GUINT64_FORMAT " MiB, more than any "
                   "image within the pixel limit needs", name, (guint64) st.st_size >> 20);
      return NULL;
    }

  /* read() rather than g_file_get_contents so the reason ("Permission
   * denied", "Is a directory") can be phrased around the file name. */
  g_autoptr (GByteArray) contents = g_byte_array_sized_new (S_ISREG (st.st_mode) ? st.st_size : 0);
  const gsize chunk = 64 * 1024;
  g_autofree guint8 *buffer = g_malloc (chunk);
  for (;;)
    {
      gssize n = read (fd, buffer, chunk);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;
          close (fd);
          g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD,
                       "Could not read %s: %s", name, g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0)
        break;
      if (contents->len + (guint64) n > max_bytes)
        {
          close (fd);
          g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_TOO_LARGE,
                       "Could not load %s: the data is more than any image within the pixel "
                       "limit needs (%" G_GUINT64_FORMAT " MiB)", name, max_bytes >> 20);
          return NULL;
        }
      g_byte_array_append (contents, buffer, n);
    }
  close (fd);

  return load_data (contents->data, contents->len, name, options, error);
}

EnlargeImage *
enlarge_image_load_bytes (GBytes *bytes, GError **error)
{
  return enlarge_image_load_bytes_full (bytes, NULL, error);
}

EnlargeImage *
enlarge_image_load_bytes_full (GBytes *bytes, const EnlargeLoadOptions *options, GError **error)
{
  g_return_val_if_fail (bytes != NULL, NULL);

  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  return load_data (data, len, "the image data", options, error);
}
