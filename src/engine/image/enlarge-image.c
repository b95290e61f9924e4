#include "enlarge-image.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <webp/encode.h>
#include <webp/demux.h>
#include <webp/mux.h>
#include <zlib.h>
#include <jpeglib.h>
#include <jerror.h>

#include "enlarge-error.h"
#include "enlarge-metadata.h"
#include "enlarge-output.h"
#include "enlarge-png.h"

EnlargeImage *
enlarge_image_new (int width, int height, int n_channels, GError **error)
{
  gsize row, size;

  if (width <= 0 || height <= 0 || n_channels < 1 || n_channels > 4)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   "Invalid image size %d×%d with %d channels",
                   width, height, n_channels);
      return NULL;
    }

  /* GdkPixbuf addresses rows with an int stride, so a wider row could not
   * be saved or resampled even if it fitted in memory. */
  if (!g_size_checked_mul (&row, (gsize) width, (gsize) n_channels) ||
      row > G_MAXINT ||
      !g_size_checked_mul (&size, row, (gsize) height))
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_NO_MEMORY,
                   "An image of %d×%d pixels is too large", width, height);
      return NULL;
    }

  g_autofree guint8 *pixels = g_try_malloc0 (size);
  if (pixels == NULL)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_NO_MEMORY,
                   "Not enough memory for an image of %d×%d pixels (%" G_GSIZE_FORMAT " MiB)",
                   width, height, size >> 20);
      return NULL;
    }

  EnlargeImage *image = g_new0 (EnlargeImage, 1);
  image->width = width;
  image->height = height;
  image->n_channels = n_channels;
  image->pixels = g_steal_pointer (&pixels);
  image->ref_count = 1;
  return image;
}

EnlargeImage *
enlarge_image_ref (EnlargeImage *image)
{
  g_return_val_if_fail (image != NULL, NULL);
  g_atomic_int_inc (&image->ref_count);
  return image;
}

void
enlarge_image_unref (EnlargeImage *image)
{
  if (image == NULL)
    return;
  if (g_atomic_int_dec_and_test (&image->ref_count))
    {
      g_clear_pointer (&image->meta.icc_profile, g_bytes_unref);
      g_clear_pointer (&image->meta.exif, g_bytes_unref);
      g_free (image->pixels);
      g_free (image);
    }
}

void
enlarge_image_copy_metadata (EnlargeImage *dst, const EnlargeImage *src)
{
  g_return_if_fail (dst != NULL && src != NULL);

  if (dst == src)
    return;
  /* ref before unref: @src's bytes may be @dst's */
  GBytes *icc = src->meta.icc_profile != NULL ? g_bytes_ref (src->meta.icc_profile) : NULL;
  GBytes *exif = src->meta.exif != NULL ? g_bytes_ref (src->meta.exif) : NULL;
  g_clear_pointer (&dst->meta.icc_profile, g_bytes_unref);
  g_clear_pointer (&dst->meta.exif, g_bytes_unref);
  dst->meta = src->meta;
  dst->meta.icc_profile = icc;
  dst->meta.exif = exif;
}

static gsize
image_size (const EnlargeImage *image)
{
  return (gsize) image->width * image->height * image->n_channels;
}

EnlargeImage *
enlarge_image_copy (const EnlargeImage *image, GError **error)
{
  g_return_val_if_fail (image != NULL, NULL);

  EnlargeImage *copy = enlarge_image_new (image->width, image->height,
                                          image->n_channels, error);
  if (copy != NULL)
    {
      memcpy (copy->pixels, image->pixels, image_size (image));
      enlarge_image_copy_metadata (copy, image);
    }
  return copy;
}

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

/* The loaders hand back a partly decoded image, without an error, for some
 * truncated files (PNG cut in the pixel data, JPEG, WebP), so the container
 * structure is checked first: a half-downloaded photo must be an error,
 * not an upscaled image with a grey band. */

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static guint32
read_le32 (const guint8 *p)
{
  return ((guint32) p[3] << 24) | ((guint32) p[2] << 16) | ((guint32) p[1] << 8) | p[0];
}

static gboolean
png_is_complete (const guint8 *data, gsize len)
{
  gsize pos = 8;

  while (len - pos >= 12)
    {
      guint32 length = read_be32 (data + pos);
      if (memcmp (data + pos + 4, "IEND", 4) == 0)
        return TRUE;
      if (length > len - pos - 12)
        return FALSE;
      pos += 12 + (gsize) length;
    }
  return FALSE;
}

/* Bytes of filtered image data an IHDR calls for: a filter byte and the
 * packed samples of every row of every pass (Adam7 has seven). FALSE for
 * an invalid header. */
static gboolean
png_expected_data (const guint8 *ihdr, guint64 *expected)
{
  static const int start_x[7] = { 0, 4, 0, 2, 0, 1, 0 }, step_x[7] = { 8, 8, 4, 4, 2, 2, 1 };
  static const int start_y[7] = { 0, 0, 4, 0, 2, 0, 1 }, step_y[7] = { 8, 8, 8, 4, 4, 2, 2 };
  guint64 width = read_be32 (ihdr), height = read_be32 (ihdr + 4);
  int depth = ihdr[8], color = ihdr[9], interlace = ihdr[12];
  int samples;

  switch (color)
    {
    case 0: samples = 1; break;
    case 2: samples = 3; break;
    case 3: samples = 1; break;
    case 4: samples = 2; break;
    case 6: samples = 4; break;
    default: return FALSE;
    }
  if (width == 0 || height == 0 || width > G_MAXINT32 || height > G_MAXINT32 ||
      (depth != 1 && depth != 2 && depth != 4 && depth != 8 && depth != 16) || interlace > 1)
    return FALSE;

  /* A row is at most 2^31 × 64 bits, but rows × height can pass 2^64. */
  guint64 bits = (guint64) samples * depth;
  *expected = 0;
  for (int pass = 0; pass < (interlace ? 7 : 1); pass++)
    {
      guint64 w = interlace ? (width + step_x[pass] - 1 - start_x[pass]) / step_x[pass] : width;
      guint64 h = interlace ? (height + step_y[pass] - 1 - start_y[pass]) / step_y[pass] : height;
      guint64 bytes;
      if (interlace && (width <= (guint64) start_x[pass] || height <= (guint64) start_y[pass]))
        continue;
      if (!g_uint64_checked_mul (&bytes, h, 1 + (w * bits + 7) / 8) ||
          !g_uint64_checked_add (expected, *expected, bytes))
        return FALSE;
    }
  return TRUE;
}

/* GdkPixbuf's PNG loader takes a file whose image data ends early but that
 * still has its IEND chunk, and leaves the missing rows grey; inflating the
 * IDAT data and counting the bytes is the only sure way to know. */
static gboolean
png_data_is_complete (const guint8 *data, gsize len)
{
  gsize pos = 8;
  guint64 expected = 0, produced = 0;
  gboolean have_header = FALSE, ended = FALSE;
  z_stream z = { 0 };
  guint8 scratch[16384];

  if (inflateInit (&z) != Z_OK)
    return TRUE;   /* cannot check; the loader still decodes */

  while (len - pos >= 12 && !ended)
    {
      guint32 length = read_be32 (data + pos);
      const guint8 *type = data + pos + 4;
      if (length > len - pos - 12)
        break;
      if (memcmp (type, "IHDR", 4) == 0 && length >= 13)
        have_header = png_expected_data (data + pos + 8, &expected);
      else if (memcmp (type, "IEND", 4) == 0)
        break;
      else if (memcmp (type, "IDAT", 4) == 0 && have_header)
        {
          z.next_in = (Bytef *) data + pos + 8;
          z.avail_in = length;
          while (z.avail_in > 0 && !ended)
            {
              z.next_out = scratch;
              z.avail_out = sizeof scratch;
              int ret = inflate (&z, Z_NO_FLUSH);
              produced += sizeof scratch - z.avail_out;
              if (ret == Z_STREAM_END)
                ended = TRUE;
              else if (ret != Z_OK && ret != Z_BUF_ERROR)
                break;
              else if (ret == Z_BUF_ERROR && z.avail_out > 0)
                break;
              /* more than the header calls for is damage too, and
               * inflating it all would only waste time */
              if (produced > expected)
                break;
            }
          if (!ended && z.avail_in > 0)
            break;
        }
      pos += 12 + (gsize) length;
    }
  inflateEnd (&z);
  return !have_header || (ended && produced == expected);
}

/* libjpeg supplies grey for image data that is missing, with a warning
 * that GdkPixbuf's loader ignores: a JPEG cut in its data and closed with
 * an EOI (as a resumed download can be) loads without an error. So the
 * data is decoded once more here, at 1/8 scale (the entropy decoding is
 * all there is to check; the small IDCT keeps it cheap), and the two
 * warnings of missing data make it incomplete. Other warnings (stray
 * bytes before a marker) come with many a usable file. */
typedef struct {
  struct jpeg_error_mgr mgr;
  jmp_buf jump;
  gboolean missing_data;
} JpegCheck;

static void
jpeg_check_error_exit (j_common_ptr cinfo)
{
  JpegCheck *check = (JpegCheck *) cinfo->err;
  longjmp (check->jump, 1);
}

static void
jpeg_check_message (j_common_ptr cinfo, int msg_level)
{
  JpegCheck *check = (JpegCheck *) cinfo->err;

  if (msg_level < 0 && (cinfo->err->msg_code == JWRN_JPEG_EOF ||
                        cinfo->err->msg_code == JWRN_HIT_MARKER))
    check->missing_data = TRUE;
}

static gboolean
jpeg_data_is_complete (const guint8 *data, gsize len)
{
  struct jpeg_decompress_struct cinfo;
  JpegCheck check = { { 0 } };
  gboolean complete = FALSE;

  cinfo.err = jpeg_std_error (&check.mgr);
  check.mgr.error_exit = jpeg_check_error_exit;
  check.mgr.emit_message = jpeg_check_message;
  jpeg_create_decompress (&cinfo);
  if (setjmp (check.jump) == 0)
    {
      jpeg_mem_src (&cinfo, data, len);
      jpeg_read_header (&cinfo, TRUE);
      cinfo.scale_num = 1;
      cinfo.scale_denom = 8;
      cinfo.dct_method = JDCT_IFAST;
      cinfo.do_fancy_upsampling = FALSE;
      jpeg_start_decompress (&cinfo);
      JSAMPARRAY row = (*cinfo.mem->alloc_sarray) ((j_common_ptr) &cinfo, JPOOL_IMAGE,
                                                   cinfo.output_width * cinfo.output_components, 1);
      while (cinfo.output_scanline < cinfo.output_height && !check.missing_data)
        jpeg_read_scanlines (&cinfo, row, 1);
      complete = !check.missing_data;
    }
  else
    {
      /* a fatal error: GdkPixbuf's loader reports it in its own words */
      complete = TRUE;
    }
  jpeg_destroy_decompress (&cinfo);
  return complete;
}

/* Walks the marker segments up to EOI; anything after EOI (some phones
 * append a video) is ignored. */
static gboolean
jpeg_is_complete (const guint8 *data, gsize len)
{
  gsize pos = 2;

  while (pos < len)
    {
      if (data[pos] != 0xff)
        {
          /* entropy-coded data */
          const guint8 *next = memchr (data + pos, 0xff, len - pos);
          if (next == NULL)
            return FALSE;
          pos = next - data;
          continue;
        }
      if (len - pos < 2)
        return FALSE;

      guint8 marker = data[pos + 1];
      if (marker == 0xd9)
        return TRUE;
      if (marker == 0x00 || marker == 0xff || (marker >= 0xd0 && marker <= 0xd7) || marker == 0x01)
        {
          /* stuffed byte, fill byte or restart marker: no length follows */
          pos += marker == 0xff ? 1 : 2;
          continue;
        }
      if (len - pos < 4)
        return FALSE;
      gsize seg = ((gsize) data[pos + 2] << 8) | data[pos + 3];
      if (seg < 2 || seg > len - pos - 2)
        return FALSE;
      pos += 2 + seg;
    }
  return FALSE;
}

/* The RIFF size, then libwebp's own parse of the chunks and frames:
 * webp-pixbuf-loader hands a damaged animation to GdkPixbuf with a NULL
 * frame iterator (critical warnings, then an image or not). */
static gboolean
webp_is_complete (const guint8 *data, gsize len)
{
  if (len < 12 || (guint64) read_le32 (data + 4) + 8 > len)
    return FALSE;

  WebPData webp = { data, len };
  WebPDemuxer *demux = WebPDemux (&webp);
  if (demux == NULL)
    return FALSE;
  gboolean ok = WebPDemuxGetI (demux, WEBP_FF_FRAME_COUNT) > 0;
  WebPDemuxDelete (demux);
  return ok;
}

/* Skips a chain of GIF data sub-blocks (a size byte, then that many
 * bytes, until a size of 0); FALSE when the data ends first. */
static gboolean
gif_skip_sub_blocks (const guint8 *data, gsize len, gsize *pos)
{
  while (*pos < len)
    {
      guint8 size = data[(*pos)++];
      if (size == 0)
        return TRUE;
      if (size > len - *pos)
        return FALSE;
      *pos += size;
    }
  return FALSE;
}

/* Walks the blocks of a GIF: every frame must have a size (GdkPixbuf
 * 2.42's loader asks for a 0-pixel buffer otherwise, a critical warning)
 * and the data must not end inside a block. A missing trailer after a
 * whole block is allowed; encoders that forget it exist. */
static gboolean
gif_is_complete (const guint8 *data, gsize len)
{
  gsize pos = 13;
  gboolean frames = FALSE;

  if (len < 13)
    return FALSE;
  if (data[10] & 0x80)
    pos += 3 * ((gsize) 2 << (data[10] & 7));
  while (pos < len)
    {
      guint8 block = data[pos++];
      if (block == 0x3b)
        return frames;
      if (block == 0x21)
        {
          if (pos >= len)
            return FALSE;
          pos++;   /* the extension's label */
          if (!gif_skip_sub_blocks (data, len, &pos))
            return FALSE;
        }
      else if (block == 0x2c)
        {
          if (len - pos < 10)
            return FALSE;
          guint width = data[pos + 4] | (data[pos + 5] << 8);
          guint height = data[pos + 6] | (data[pos + 7] << 8);
          guint8 flags = data[pos + 8];
          if (width == 0 || height == 0)
            return FALSE;
          pos += 9;
          if (flags & 0x80)
            pos += 3 * ((gsize) 2 << (flags & 7));
          pos++;   /* the LZW minimum code size */
          if (pos > len || !gif_skip_sub_blocks (data, len, &pos))
            return FALSE;
          frames = TRUE;
        }
      else
        return FALSE;
    }
  return frames && pos == len;
}

static gboolean
data_is_complete (const guint8 *data, gsize len)
{
  static const guint8 png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  if (len >= 8 && memcmp (data, png_magic, 8) == 0)
    return png_is_complete (data, len);
  if (len >= 2 && data[0] == 0xff && data[1] == 0xd8)
    return jpeg_is_complete (data, len);
  if (len >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return webp_is_complete (data, len);
  if (len >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
    return gif_is_complete (data, len);
  return TRUE;
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

static void
set_too_large (GError **error, const char *name, const SizeGuard *guard)
{
  g_autofree char *size = format_mp ((double) guard->width * guard->height);
  g_autofree char *limit = format_mp (guard->max_pixels);

  g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_TOO_LARGE,
               "Could not load %s: the image is %d × %d pixels (%s), more than the limit of %s",
               name, guard->width, guard->height, size, limit);
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
  if (!data_is_complete (data, len))
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
  static const guint8 png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  if ((len >= 8 && memcmp (data, png_magic, 8) == 0 && !png_data_is_complete (data, len)) ||
      (len >= 2 && data[0] == 0xff && data[1] == 0xd8 && !jpeg_data_is_complete (data, len)))
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD,
                   "Could not load %s: the file is damaged or incomplete (its image data ends early)",
                   name);
      return NULL;
    }

  GdkPixbufAnimation *animation = gdk_pixbuf_loader_get_animation (loader);
  gboolean animated = animation != NULL && !gdk_pixbuf_animation_is_static_image (animation);

  EnlargeFileMetadata found = { NULL, NULL, 0 };
  enlarge_file_metadata_scan (data, len, &found);

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
      enlarge_file_metadata_clear (&found);
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
  enlarge_file_metadata_clear (&found);
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
  if (options->lossless && is_jpeg)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   "Could not save “%s”: JPEG cannot be lossless; use PNG, TIFF or WebP",
                   display);
      return FALSE;
    }

  gboolean has_alpha = image->n_channels == 2 || image->n_channels == 4;
  g_autoptr (GdkPixbuf) pixbuf = pixbuf_for_image (image, is_jpeg && has_alpha);
  if (pixbuf == NULL)
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

