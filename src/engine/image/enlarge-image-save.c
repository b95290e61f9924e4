/* Saving images: our PNG encoder, libwebp, GdkPixbuf's JPEG and TIFF
 * savers (libtiff for 16 bits), with the metadata spliced in, through a
 * temporary file. */

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <webp/encode.h>
#include <webp/mux.h>

#include "enlarge-error.h"
#include "enlarge-image-private.h"
#include "enlarge-metadata.h"
#include "enlarge-output.h"
#include "enlarge-png.h"

/* ---- saving ----------------------------------------------------------- */

static const struct {
  const char *name;
  const char *format;
} format_names[] = {
  { "png", "png" },
  { "jpeg", "jpeg" },
  { "jpg", "jpeg" },
  { "webp", "webp" },
  { "tiff", "tiff" },
  { "tif", "tiff" },
};

const char *
enlarge_image_format_from_name (const char *name)
{
  if (name == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (format_names); i++)
    if (g_ascii_strcasecmp (name, format_names[i].name) == 0)
      return format_names[i].format;
  return NULL;
}

const char *
enlarge_image_format_extension (const char *format)
{
  format = enlarge_image_format_from_name (format);
  if (format == NULL)
    return NULL;
  if (g_str_equal (format, "jpeg"))
    return "jpg";
  if (g_str_equal (format, "tiff"))
    return "tif";
  return format;
}

gboolean
enlarge_image_format_is_writable (const char *format)
{
  format = enlarge_image_format_from_name (format);
  if (format == NULL)
    return FALSE;
  if (g_str_equal (format, "webp"))
    return TRUE;   /* libwebp, not the GdkPixbuf loader */

  g_autoptr (GSList) formats = gdk_pixbuf_get_formats ();
  for (GSList *l = formats; l != NULL; l = l->next)
    {
      GdkPixbufFormat *f = l->data;
      g_autofree char *fname = gdk_pixbuf_format_get_name (f);
      if (g_strcmp0 (fname, format) == 0 && gdk_pixbuf_format_is_writable (f))
        return TRUE;
    }
  return FALSE;
}

static const char *
format_for_extension (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  const char *dot = strrchr (base, '.');

  if (dot == NULL || dot == base)
    return NULL;
  return enlarge_image_format_from_name (dot + 1);
}

const char *
enlarge_image_format_for_path (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  const char *format = format_for_extension (path);
  /* TIFF writing depends on which GdkPixbuf loaders are installed. */
  if (format == NULL || !enlarge_image_format_is_writable (format))
    return NULL;
  return format;
}

/* Where the encoded bytes go: the temporary file, with the metadata the
 * GdkPixbuf savers cannot write (PNG iCCP and eXIf, JPEG Exif APP1) spliced
 * in on the way. The bytes up to the insertion point (a few header chunks)
 * are held back until it is known; the rest streams straight through, so
 * a large image is never held encoded in memory. */
typedef struct {
  int fd;
  GByteArray *held;     /* NULL once the insertion point has passed */
  gssize (*insert_offset) (const guint8 *data, gsize len);
  GByteArray *insert;
  GCancellable *cancellable;
} SaveTarget;

static gboolean
write_all (int fd, const guint8 *buf, gsize count, GError **error)
{
  while (count > 0)
    {
      gssize n = write (fd, buf, count);
      if (n < 0)
        {
          int saved_errno = errno;
          if (saved_errno == EINTR)
            continue;
          g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                               g_strerror (saved_errno));
          return FALSE;
        }
      buf += n;
      count -= n;
    }
  return TRUE;
}

/* @offset < 0: no insertion point was found; the bytes go out unchanged. */
static gboolean
flush_held (SaveTarget *target, gssize offset, GError **error)
{
  g_autoptr (GByteArray) held = g_steal_pointer (&target->held);

  if (offset < 0)
    {
      g_debug ("No place for the metadata in the encoded image; written without it");
      return write_all (target->fd, held->data, held->len, error);
    }
  return write_all (target->fd, held->data, offset, error) &&
         write_all (target->fd, target->insert->data, target->insert->len, error) &&
         write_all (target->fd, held->data + offset, held->len - offset, error);
}

static gboolean
write_to_target (const gchar *buf, gsize count, GError **error, gpointer data)
{
  SaveTarget *target = data;

  /* A signal during a long encode (TIFF: seconds) stops it here, and the
   * caller removes the temporary file. */
  if (g_cancellable_set_error_if_cancelled (target->cancellable, error))
    return FALSE;
  if (target->held == NULL)
    return write_all (target->fd, (const guint8 *) buf, count, error);

  g_byte_array_append (target->held, (const guint8 *) buf, count);
  gssize offset = target->insert_offset (target->held->data, target->held->len);
  if (offset == -1)
    return TRUE;
  return flush_held (target, offset, error);
}

/* WebP goes through libwebp rather than the GdkPixbuf loader, which has
 * neither lossless mode nor EXIF; the ICC profile and EXIF become RIFF
 * chunks through libwebpmux. */
static GBytes *
encode_webp (GdkPixbuf *pixbuf, int quality, gboolean lossless,
             GBytes *icc, GBytes *exif, GError **error)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);

  if (width > WEBP_MAX_DIMENSION || height > WEBP_MAX_DIMENSION)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_SAVE,
                   "WebP images can be at most %d × %d pixels and this one is %d × %d; use PNG or TIFF",
                   WEBP_MAX_DIMENSION, WEBP_MAX_DIMENSION, width, height);
      return NULL;
    }

  WebPConfig config;
  WebPPicture picture;
  WebPMemoryWriter writer;
  if (!WebPConfigInit (&config) || !WebPPictureInit (&picture))
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_SAVE, "the WebP library is unusable");
      return NULL;
    }
  config.quality = lossless ? 75 : quality;   /* lossless: the effort */
  config.lossless = lossless;
  config.exact = lossless;                    /* keep RGB under transparent pixels */
  picture.use_argb = lossless;
  picture.width = width;
  picture.height = height;
  WebPMemoryWriterInit (&writer);
  picture.writer = WebPMemoryWrite;
  picture.custom_ptr = &writer;

  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int ok = gdk_pixbuf_get_has_alpha (pixbuf)
           ? WebPPictureImportRGBA (&picture, pixels, stride)
           : WebPPictureImportRGB (&picture, pixels, stride);
  ok = ok && WebPEncode (&config, &picture);
  int code = picture.error_code;
  WebPPictureFree (&picture);
  if (!ok)
    {
      WebPMemoryWriterClear (&writer);
      g_set_error (error, ENLARGE_ERROR,
                   code == VP8_ENC_ERROR_OUT_OF_MEMORY ? ENLARGE_ERROR_NO_MEMORY : ENLARGE_ERROR_IMAGE_SAVE,
                   "the WebP encoder failed (error %d)", code);
      return NULL;
    }

  if (icc == NULL && exif == NULL)
    {
      GBytes *bytes = g_bytes_new (writer.mem, writer.size);
      WebPMemoryWriterClear (&writer);
      return bytes;
    }

  WebPData image = { writer.mem, writer.size };
  WebPMux *mux = WebPMuxCreate (&image, 1);
  WebPMemoryWriterClear (&writer);
  WebPData assembled = { NULL, 0 };
  WebPMuxError err = mux != NULL ? WEBP_MUX_OK : WEBP_MUX_MEMORY_ERROR;
  if (err == WEBP_MUX_OK && icc != NULL)
    {
      WebPData chunk = { g_bytes_get_data (icc, NULL), g_bytes_get_size (icc) };
      err = WebPMuxSetChunk (mux, "ICCP", &chunk, 1);
    }
  if (err == WEBP_MUX_OK && exif != NULL)
    {
      WebPData chunk = { g_bytes_get_data (exif, NULL), g_bytes_get_size (exif) };
      err = WebPMuxSetChunk (mux, "EXIF", &chunk, 1);
    }
  if (err == WEBP_MUX_OK)
    err = WebPMuxAssemble (mux, &assembled);
  WebPMuxDelete (mux);
  if (err != WEBP_MUX_OK)
    {
      WebPDataClear (&assembled);
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_SAVE,
                   "could not add the colour profile and EXIF data to the WebP image (error %d)", err);
      return NULL;
    }
  GBytes *bytes = g_bytes_new (assembled.bytes, assembled.size);
  WebPDataClear (&assembled);
  return bytes;
}

/* JPEG has no alpha: composite over white rather than letting the saver
 * expose whatever colour the transparent pixels happen to hold. */
static GdkPixbuf *
flatten_on_white (const EnlargeImage *image)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8,
                                      image->width, image->height);
  if (pixbuf == NULL)
    return NULL;

  guint8 *dst = gdk_pixbuf_get_pixels (pixbuf);
  gsize stride = gdk_pixbuf_get_rowstride (pixbuf);
  int n = image->n_channels;
  int color = n >= 3 ? 3 : 1;

  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      {
        const guint8 *s = enlarge_image_pixel (image, x, y);
        guint8 *d = dst + y * stride + x * 3;
        guint a = (n == 2 || n == 4) ? s[n - 1] : 255;
        for (int c = 0; c < 3; c++)
          {
            guint v = s[color == 3 ? c : 0];
            d[c] = (v * a + 255 * (255 - a) + 127) / 255;
          }
      }
  return pixbuf;
}

static void
free_pixels (guchar *pixels, gpointer data)
{
  g_free (pixels);
}

/* A pixbuf showing @image; gray (1 or 2 channel) images are expanded since
 * GdkPixbuf only knows RGB. */
static GdkPixbuf *
pixbuf_for_image (const EnlargeImage *image, gboolean flatten)
{
  if (flatten)
    return flatten_on_white (image);

  if (image->n_channels >= 3)
    return gdk_pixbuf_new_from_data (image->pixels, GDK_COLORSPACE_RGB,
                                     image->n_channels == 4, 8,
                                     image->width, image->height,
                                     image->width * image->n_channels,
                                     NULL, NULL);

  gboolean alpha = image->n_channels == 2;
  int out_n = alpha ? 4 : 3;
  guint8 *data = g_try_malloc ((gsize) image->width * image->height * out_n);
  if (data == NULL)
    return NULL;
  for (gsize i = 0; i < (gsize) image->width * image->height; i++)
    {
      const guint8 *s = image->pixels + i * image->n_channels;
      guint8 *d = data + i * out_n;
      d[0] = d[1] = d[2] = s[0];
      if (alpha)
        d[3] = s[1];
    }
  return gdk_pixbuf_new_from_data (data, GDK_COLORSPACE_RGB, alpha, 8,
                                   image->width, image->height,
                                   image->width * out_n, free_pixels, NULL);
}

/* The GdkPixbuf saver options for @format. */
static void
add_option (GPtrArray *keys, GPtrArray *values, const char *key, char *value)
{
  g_ptr_array_add (keys, g_strdup (key));
  g_ptr_array_add (values, value);
}

gboolean
enlarge_image_save_full (const EnlargeImage       *image,
                         const char               *path,
                         const EnlargeSaveOptions *options,
                         GError                  **error)
{
  static const EnlargeSaveOptions defaults = ENLARGE_SAVE_OPTIONS_INIT;

  g_return_val_if_fail (image != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (options == NULL)
    options = &defaults;

  g_autofree char *display = g_filename_display_name (path);
  const char *format;

  if (options->format != NULL)
    {
      format = enlarge_image_format_from_name (options->format);
      if (format == NULL)
        {
          g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                       "Could not save “%s”: unknown image format “%s”; use png, jpeg, webp or tiff",
                       display, options->format);
          return FALSE;
        }
    }
  else
    {
      format = format_for_extension (path);
      if (format == NULL)
        {
          g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_SAVE,
                       "Could not save “%s”: unknown file type; use a name ending in .png, .jpg, .tif or .webp",
                       display);
          return FALSE;
        }
    }
  if (!enlarge_image_format_is_writable (format))
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_SAVE,
                   "Could not save “%s”: writing %s images is not supported on this system",
                   display, format);
      return FALSE;
    }

  int quality = options->quality == 0 ? 95 : options->quality;
  if (quality < 1 || quality > 100)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   "Could not save “%s”: the quality must be between 1 and 100, not %d",
                   display, options->quality);
      return FALSE;
    }

  gboolean is_jpeg = g_str_equal (format, "jpeg");
  gboolean is_png = g_str_equal (format, "png");
  gboolean is_webp = g_str_equal (format, "webp");
  gboolean is_tiff = g_str_equal (format, "tiff");
  if (options->lossless && is_jpeg)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   "Could not save “%s”: JPEG cannot be lossless; use PNG, TIFF or WebP",
                   display);
      return FALSE;
    }
  if (options->depth != 0 && options->depth != 8 && options->depth != 16)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   "Could not save “%s”: the depth must be 8 or 16 bits, not %d",
                   display, options->depth);
      return FALSE;
    }

  /* 16 bits a sample where the format has them and nobody asked for 8;
   * the 8-bit path below is the one 8-bit images always took. */
  const int bits = !(is_png || is_tiff) ? 8 : options->depth != 0 ? options->depth : image->bits;
  g_autoptr (EnlargeImage) converted = enlarge_image_convert_depth (image, bits, error);
  if (converted == NULL)
    return FALSE;
  image = converted;

  gboolean has_alpha = image->n_channels == 2 || image->n_channels == 4;
  g_autoptr (GdkPixbuf) pixbuf = bits == 16 ? NULL : pixbuf_for_image (image, is_jpeg && has_alpha);
  if (pixbuf == NULL && bits != 16)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_NO_MEMORY,
                   "Could not save “%s”: not enough memory", display);
      return FALSE;
    }

  const EnlargeImageMetadata *meta = &image->meta;
  g_autoptr (GBytes) exif = NULL;
  if (meta->exif != NULL && !g_str_equal (format, "tiff"))
    {
      exif = enlarge_exif_for_output (meta->exif, image->width, image->height, options->keep_gps);
      if (exif == NULL)
        g_debug ("Malformed EXIF data not written to “%s”", display);
    }

  /* What goes in through the saver's options, and what is spliced in. */
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GByteArray) insert = g_byte_array_new ();
  SaveTarget target = { -1, NULL, NULL, NULL, options->cancellable };
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GBytes) encoded = NULL;

  if (is_webp)
    {
      encoded = encode_webp (pixbuf, quality, options->lossless, meta->icc_profile, exif,
                             &local_error);
      if (encoded == NULL)
        {
          g_set_error (error, ENLARGE_ERROR, local_error->code,
                       "Could not save “%s”: %s", display, local_error->message);
          return FALSE;
        }
    }
  else if (is_tiff && bits == 16)
    {
      /* GdkPixbuf's saver has 8 bits only */
      encoded = enlarge_image_encode_tiff16 (image, options->cancellable, &local_error);
      if (encoded == NULL)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          g_set_error (error, ENLARGE_ERROR, local_error->code,
                       "Could not save “%s”: %s", display, local_error->message);
          return FALSE;
        }
    }
  else if (is_png)
    {
      /* GdkPixbuf 2.42's PNG saver rejects an RGB profile (it sets
       * iCCP before IHDR), so the chunk is made here. */
      if (meta->icc_profile != NULL &&
          !enlarge_png_append_iccp (insert, meta->icc_profile, &local_error))
        {
          g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_SAVE,
                       "Could not save “%s”: %s", display, local_error->message);
          return FALSE;
        }
      if (exif != NULL)
        enlarge_png_append_chunk (insert, "eXIf", g_bytes_get_data (exif, NULL),
                                  g_bytes_get_size (exif));
      /* Level 4 with zlib's filtered strategy: on a 4096² result of
       * realesr-animevideov3 (smooth, long matches) level 6 took 5.5 s on
       * two cores (9.8 s through GdkPixbuf) for a 3 % larger file than
       * level 4 in 1.5 s; on photographs level 4 is 3 % larger than 6 at
       * a third of the time. */
      if (bits == 16)
        encoded = enlarge_image_encode_png16 (image, insert, 4, &local_error);
      else
        encoded = enlarge_png_encode (gdk_pixbuf_get_pixels (pixbuf),
                                      gdk_pixbuf_get_width (pixbuf),
                                      gdk_pixbuf_get_height (pixbuf),
                                      gdk_pixbuf_get_rowstride (pixbuf),
                                      gdk_pixbuf_get_n_channels (pixbuf), 4, insert,
                                      meta->dpi_x, meta->dpi_y, &local_error);
      if (encoded == NULL)
        {
          g_set_error (error, ENLARGE_ERROR, local_error->code,
                       "Could not save “%s”: %s", display, local_error->message);
          return FALSE;
        }
    }
  else
    {
      if (is_jpeg)
        {
          add_option (keys, values, "quality", g_strdup_printf ("%d", quality));
          if (exif != NULL && !enlarge_jpeg_append_exif (insert, exif))
            g_debug ("EXIF data of %" G_GSIZE_FORMAT " bytes is too large for JPEG; not written to “%s”",
                     g_bytes_get_size (exif), display);
          target.insert_offset = enlarge_jpeg_insert_offset;
        }
      if (meta->icc_profile != NULL)
        add_option (keys, values, "icc-profile",
                    g_base64_encode (g_bytes_get_data (meta->icc_profile, NULL),
                                     g_bytes_get_size (meta->icc_profile)));
      if (meta->dpi_x > 0 && meta->dpi_y > 0)
        {
          add_option (keys, values, "x-dpi", g_strdup_printf ("%d", meta->dpi_x));
          add_option (keys, values, "y-dpi", g_strdup_printf ("%d", meta->dpi_y));
        }
      g_ptr_array_add (keys, NULL);
      g_ptr_array_add (values, NULL);
      if (insert->len > 0)
        {
          target.held = g_byte_array_new ();
          target.insert = insert;
        }
    }

  /* The temporary file lives beside the target (a rename cannot cross file
   * systems) and is hidden so file managers do not show it mid-write. */
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *tmp_path = enlarge_output_temp_template (path);

  if (g_cancellable_set_error_if_cancelled (options->cancellable, error))
    {
      g_clear_pointer (&target.held, g_byte_array_unref);
      return FALSE;
    }

  /* 0666 so the result gets the usual umask-derived mode, not mkstemp's
   * private 0600. */
  target.fd = g_mkstemp_full (tmp_path, O_RDWR | O_CLOEXEC, 0666);
  if (target.fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *dir_display = g_filename_display_name (dir);
      g_clear_pointer (&target.held, g_byte_array_unref);
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_SAVE,
                   "Could not save “%s”: cannot create a file in “%s”: %s",
                   display, dir_display, g_strerror (saved_errno));
      return FALSE;
    }

  gboolean ok;
  if (encoded != NULL)
    ok = write_all (target.fd, g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded),
                    &local_error);
  else
    {
      ok = gdk_pixbuf_save_to_callbackv (pixbuf, write_to_target, &target, format,
                                         (char **) keys->pdata, (char **) values->pdata,
                                         &local_error);
      /* A saver that never reached an insertion point (cannot happen with
       * the formats above) still gets its bytes written. */
      if (ok && target.held != NULL)
        ok = flush_held (&target, -2, &local_error);
      g_clear_pointer (&target.held, g_byte_array_unref);
    }

  /* Flushed to disk before the rename so a crash cannot leave an empty
   * file in place of a good one. */
  if (ok && fsync (target.fd) != 0 && errno != EINVAL && errno != EROFS)
    {
      int saved_errno = errno;
      ok = FALSE;
      g_set_error_literal (&local_error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
    }
  if (close (target.fd) != 0 && ok)
    {
      int saved_errno = errno;
      ok = FALSE;
      g_set_error_literal (&local_error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
    }
  if (ok && g_cancellable_set_error_if_cancelled (options->cancellable, &local_error))
    ok = FALSE;
  if (ok && g_rename (tmp_path, path) != 0)
    {
      int saved_errno = errno;
      ok = FALSE;
      g_set_error_literal (&local_error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
    }

  if (!ok)
    {
      g_unlink (tmp_path);
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_SAVE,
                   "Could not save “%s”: %s", display,
                   local_error != NULL ? local_error->message : "unknown error");
      return FALSE;
    }
  return TRUE;
}

gboolean
enlarge_image_save (const EnlargeImage *image,
                    const char         *path,
                    const char         *format,
                    GError            **error)
{
  EnlargeSaveOptions options = ENLARGE_SAVE_OPTIONS_INIT;

  options.format = format;
  return enlarge_image_save_full (image, path, &options, error);
}
