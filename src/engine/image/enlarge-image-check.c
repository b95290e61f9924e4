/* Whether an image file's data is all there, before a decoder that
 * accepts truncated files gets it. */

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <webp/demux.h>
#include <zlib.h>
#include <jpeglib.h>
#include <jerror.h>

#include "enlarge-image-private.h"

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
gboolean
enlarge_image_png_data_is_complete (const guint8 *data, gsize len)
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

gboolean
enlarge_image_jpeg_data_is_complete (const guint8 *data, gsize len)
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

gboolean
enlarge_image_data_is_complete (const guint8 *data, gsize len)
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
