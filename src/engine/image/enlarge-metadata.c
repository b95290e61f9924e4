#include "enlarge-metadata.h"

#include <zlib.h>

#include <string.h>

#include <gio/gio.h>

/* ---- byte helpers ------------------------------------------------------ */

static guint32
be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static guint32
le32 (const guint8 *p)
{
  return ((guint32) p[3] << 24) | ((guint32) p[2] << 16) | ((guint32) p[1] << 8) | p[0];
}

void
enlarge_put_be32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

/* ---- TIFF structure (EXIF) --------------------------------------------- */

enum {
  TAG_IMAGE_WIDTH = 0x0100,
  TAG_IMAGE_LENGTH = 0x0101,
  TAG_BITS_PER_SAMPLE = 0x0102,
  TAG_ORIENTATION = 0x0112,
  TAG_EXIF_IFD = 0x8769,
  TAG_GPS_IFD = 0x8825,
  TAG_PIXEL_X = 0xa002,
  TAG_PIXEL_Y = 0xa003,
  TAG_INTEROP_IFD = 0xa005,
};

enum {
  TYPE_SHORT = 3,
  TYPE_LONG = 4,
};

typedef struct {
  guint8 *data;   /* writable only in enlarge_exif_for_output's copy */
  gsize len;
  gboolean be;
} Tiff;

static guint16
t16 (const Tiff *t, gsize off)
{
  const guint8 *p = t->data + off;
  return t->be ? (p[0] << 8) | p[1] : (p[1] << 8) | p[0];
}

static guint32
t32 (const Tiff *t, gsize off)
{
  return t->be ? be32 (t->data + off) : le32 (t->data + off);
}

static void
w16 (Tiff *t, gsize off, guint16 v)
{
  guint8 *p = t->data + off;
  if (t->be)
    p[0] = v >> 8, p[1] = v;
  else
    p[0] = v, p[1] = v >> 8;
}

static void
w32 (Tiff *t, gsize off, guint32 v)
{
  guint8 *p = t->data + off;
  if (t->be)
    enlarge_put_be32 (p, v);
  else
    p[0] = v, p[1] = v >> 8, p[2] = v >> 16, p[3] = v >> 24;
}

static gboolean
tiff_open (Tiff *t, const guint8 *data, gsize len)
{
  t->data = (guint8 *) data;
  t->len = len;
  if (data == NULL || len < 8)
    return FALSE;
  if (memcmp (data, "II*\0", 4) == 0)
    t->be = FALSE;
  else if (memcmp (data, "MM\0*", 4) == 0)
    t->be = TRUE;
  else
    return FALSE;
  return TRUE;
}

/* An IFD at @off with its entry count and, when in bounds, its next-IFD
 * pointer; FALSE when the entries run past the end. */
static gboolean
ifd_get (const Tiff *t, guint32 off, guint *count)
{
  if (off < 8 || off > t->len || t->len - off < 2)
    return FALSE;
  *count = t16 (t, off);
  return (gsize) *count * 12 <= t->len - off - 2;
}

static gboolean
ifd_has_next (const Tiff *t, guint32 off, guint count)
{
  return t->len - off - 2 - (gsize) count * 12 >= 4;
}

static gsize
entry_offset (guint32 ifd, guint i)
{
  return (gsize) ifd + 2 + (gsize) i * 12;
}

/* Index of @tag in the IFD, or -1. */
static int
ifd_find (const Tiff *t, guint32 ifd, guint count, guint16 tag)
{
  for (guint i = 0; i < count; i++)
    if (t16 (t, entry_offset (ifd, i)) == tag)
      return i;
  return -1;
}

static gsize
type_size (guint16 type)
{
  switch (type)
    {
    case 1: case 2: case 6: case 7: return 1;
    case 3: case 8: return 2;
    case 4: case 9: case 11: case 13: return 4;
    case 5: case 10: case 12: return 8;
    default: return 0;
    }
}

/* Where an entry's value lies and how long it is; FALSE when it is out of
 * bounds or of an unknown type. */
static gboolean
entry_value (const Tiff *t, gsize entry, gsize *value_off, gsize *value_len)
{
  gsize size = type_size (t16 (t, entry + 2));
  guint32 count = t32 (t, entry + 4);

  if (size == 0 || count > t->len / size)
    return FALSE;
  *value_len = size * count;
  if (*value_len <= 4)
    {
      *value_off = entry + 8;
      return TRUE;
    }
  *value_off = t32 (t, entry + 8);
  return *value_off <= t->len && *value_len <= t->len - *value_off;
}

/* The first value of a SHORT or LONG entry. */
static gboolean
entry_uint (const Tiff *t, gsize entry, guint32 *value)
{
  guint16 type = t16 (t, entry + 2);
  gsize off, len;

  if ((type != TYPE_SHORT && type != TYPE_LONG) || !entry_value (t, entry, &off, &len) || len == 0)
    return FALSE;
  *value = type == TYPE_SHORT ? t16 (t, off) : t32 (t, off);
  return TRUE;
}

/* Rewrites an entry as one inline value. */
static void
entry_set_uint (Tiff *t, gsize entry, guint16 type, guint32 value)
{
  w16 (t, entry + 2, type);
  w32 (t, entry + 4, 1);
  if (type == TYPE_SHORT)
    {
      w16 (t, entry + 8, value);
      w16 (t, entry + 10, 0);
    }
  else
    w32 (t, entry + 8, value);
}

static gboolean
exif_open (GBytes *exif, Tiff *t, guint32 *ifd0, guint *count)
{
  gsize len = 0;
  const guint8 *data = exif != NULL ? g_bytes_get_data (exif, &len) : NULL;

  if (!tiff_open (t, data, len))
    return FALSE;
  *ifd0 = t32 (t, 4);
  return ifd_get (t, *ifd0, count);
}

gboolean
enlarge_exif_is_valid (GBytes *exif)
{
  Tiff t;
  guint32 ifd0;
  guint count;

  return exif_open (exif, &t, &ifd0, &count);
}

static gboolean
ifd0_uint (GBytes *exif, guint16 tag, guint32 *value)
{
  Tiff t;
  guint32 ifd0;
  guint count;
  int i;

  if (!exif_open (exif, &t, &ifd0, &count) || (i = ifd_find (&t, ifd0, count, tag)) < 0)
    return FALSE;
  return entry_uint (&t, entry_offset (ifd0, i), value);
}

int
enlarge_exif_get_orientation (GBytes *exif)
{
  guint32 v;

  if (ifd0_uint (exif, TAG_ORIENTATION, &v) && v >= 1 && v <= 8)
    return v;
  return 1;
}

char *
enlarge_exif_get_string (GBytes *exif, guint16 tag)
{
  Tiff t;
  guint32 ifd0;
  guint count;
  gsize off, len;
  int i;

  if (!exif_open (exif, &t, &ifd0, &count) || (i = ifd_find (&t, ifd0, count, tag)) < 0)
    return NULL;
  gsize entry = entry_offset (ifd0, i);
  if (t16 (&t, entry + 2) != 2 || !entry_value (&t, entry, &off, &len))
    return NULL;
  return g_strndup ((const char *) t.data + off, len);
}

gboolean
enlarge_exif_has_gps (GBytes *exif)
{
  Tiff t;
  guint32 ifd0;
  guint count;

  return exif_open (exif, &t, &ifd0, &count) && ifd_find (&t, ifd0, count, TAG_GPS_IFD) >= 0;
}

gboolean
enlarge_exif_get_pixel_size (GBytes *exif, guint32 *width, guint32 *height)
{
  Tiff t;
  guint32 ifd0, exif_ifd;
  guint count, n;
  int ix, iy;

  if (!exif_open (exif, &t, &ifd0, &count) || !ifd0_uint (exif, TAG_EXIF_IFD, &exif_ifd) ||
      !ifd_get (&t, exif_ifd, &n))
    return FALSE;
  ix = ifd_find (&t, exif_ifd, n, TAG_PIXEL_X);
  iy = ifd_find (&t, exif_ifd, n, TAG_PIXEL_Y);
  return ix >= 0 && iy >= 0 &&
         entry_uint (&t, entry_offset (exif_ifd, ix), width) &&
         entry_uint (&t, entry_offset (exif_ifd, iy), height);
}

static gboolean
ranges_overlap (gsize a, gsize a_len, gsize b, gsize b_len)
{
  return a < b + b_len && b < a + a_len;
}

/* The output's EXIF block is rebuilt from what is kept rather than
 * patched: a block of the same length, zero but for the ranges copied here,
 * at their old offsets (so maker notes, whose offsets are absolute, stay
 * valid). Whatever nothing kept points at (the GPS IFD behind a damaged
 * pointer, the thumbnail, stray bytes) is gone from the file. */
typedef struct {
  const Tiff *src;
  Tiff dst;
  guint8 *kept;   /* one byte per byte of the block: copied or not */
} Rebuild;

static void
keep_range (Rebuild *r, gsize off, gsize len)
{
  if (off > r->src->len || len > r->src->len - off)
    return;
  memcpy (r->dst.data + off, r->src->data + off, len);
  memset (r->kept + off, 1, len);
}

/* The IFD's table and next pointer and the values its entries point at,
 * but for those of the entry tagged @drop (0 = none), which is removed
 * afterwards: a GPS pointer of another type than LONG points at bytes of
 * the GPS data. FALSE when it cannot be read. */
static gboolean
keep_ifd (Rebuild *r, guint32 ifd, guint16 drop, guint *count)
{
  if (!ifd_get (r->src, ifd, count))
    return FALSE;
  keep_range (r, ifd, 2 + (gsize) *count * 12 + (ifd_has_next (r->src, ifd, *count) ? 4 : 0));
  for (guint i = 0; i < *count; i++)
    {
      gsize entry = entry_offset (ifd, i), off, len;
      if (drop != 0 && t16 (r->src, entry) == drop)
        continue;
      if (entry_value (r->src, entry, &off, &len) && off != entry + 8)
        keep_range (r, off, len);
    }
  return TRUE;
}

/* Whether any byte of the IFD at @ifd or of its values was kept. */
static gboolean
ifd_overlaps_kept (const Rebuild *r, guint32 ifd)
{
  guint count;

  if (!ifd_get (r->src, ifd, &count))
    return FALSE;   /* nothing readable there; it was not copied either */
  gsize table_len = 2 + (gsize) count * 12 + (ifd_has_next (r->src, ifd, count) ? 4 : 0);
  if (memchr (r->kept + ifd, 1, table_len) != NULL)
    return TRUE;
  for (guint i = 0; i < count; i++)
    {
      gsize entry = entry_offset (ifd, i), off, len;
      if (entry_value (r->src, entry, &off, &len) && len > 0 && memchr (r->kept + off, 1, len) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
ifd_remove_entry (Tiff *t, guint32 ifd, guint *count, guint i)
{
  gsize entry = entry_offset (ifd, i);
  gsize tail = (gsize) (*count - 1 - i) * 12 + (ifd_has_next (t, ifd, *count) ? 4 : 0);

  memmove (t->data + entry, t->data + entry + 12, tail);
  memset (t->data + entry + tail, 0, 12);
  (*count)--;
  w16 (t, ifd, *count);
}

static void
set_dimension (Tiff *t, gsize entry, guint32 value)
{
  entry_set_uint (t, entry, value <= G_MAXUINT16 ? TYPE_SHORT : TYPE_LONG, value);
}

GBytes *
enlarge_exif_for_output (GBytes *exif, int width, int height, gboolean keep_gps)
{
  Tiff src;
  guint32 ifd0, sub, gps = 0;
  guint count, n;
  int i;

  if (!exif_open (exif, &src, &ifd0, &count))
    return NULL;

  g_autofree guint8 *kept = g_malloc0 (src.len);
  Rebuild r = { &src, { g_malloc0 (src.len), src.len, src.be }, kept };
  Tiff *t = &r.dst;

  keep_range (&r, 0, 8);
  keep_ifd (&r, ifd0, keep_gps ? 0 : TAG_GPS_IFD, &count);
  guint32 interop;
  if ((i = ifd_find (&src, ifd0, count, TAG_EXIF_IFD)) >= 0 &&
      entry_uint (&src, entry_offset (ifd0, i), &sub) && keep_ifd (&r, sub, 0, &n) &&
      (i = ifd_find (&src, sub, n, TAG_INTEROP_IFD)) >= 0 &&
      entry_uint (&src, entry_offset (sub, i), &interop))
    keep_ifd (&r, interop, 0, &n);

  gboolean has_gps = (i = ifd_find (&src, ifd0, count, TAG_GPS_IFD)) >= 0 &&
                     entry_uint (&src, entry_offset (ifd0, i), &gps);
  if (keep_gps && has_gps)
    keep_ifd (&r, gps, 0, &n);
  else if (has_gps && ifd_overlaps_kept (&r, gps))
    {
      /* a crafted block: the location would be copied with what is kept */
      g_debug ("EXIF: the GPS data overlaps the data kept; dropping all EXIF");
      g_free (t->data);
      return NULL;
    }
  /* every one: a crafted IFD0 can name the tag twice */
  while (!keep_gps && (i = ifd_find (t, ifd0, count, TAG_GPS_IFD)) >= 0)
    ifd_remove_entry (t, ifd0, &count, i);

  /* Orientation 1: the pixels were turned upright on load. */
  if ((i = ifd_find (t, ifd0, count, TAG_ORIENTATION)) >= 0)
    entry_set_uint (t, entry_offset (ifd0, i), TYPE_SHORT, 1);

  /* Some writers put the size in IFD0 as well as in the Exif IFD. */
  if ((i = ifd_find (t, ifd0, count, TAG_IMAGE_WIDTH)) >= 0)
    set_dimension (t, entry_offset (ifd0, i), width);
  if ((i = ifd_find (t, ifd0, count, TAG_IMAGE_LENGTH)) >= 0)
    set_dimension (t, entry_offset (ifd0, i), height);

  if ((i = ifd_find (t, ifd0, count, TAG_EXIF_IFD)) >= 0 &&
      entry_uint (t, entry_offset (ifd0, i), &sub) && ifd_get (t, sub, &n) &&
      !ranges_overlap (sub, 2 + (gsize) n * 12, ifd0, 2 + (gsize) count * 12))
    {
      int ix = ifd_find (t, sub, n, TAG_PIXEL_X);
      int iy = ifd_find (t, sub, n, TAG_PIXEL_Y);
      if (ix >= 0)
        set_dimension (t, entry_offset (sub, ix), width);
      if (iy >= 0)
        set_dimension (t, entry_offset (sub, iy), height);
    }

  /* The thumbnail (IFD1) shows the input as stored, not as turned upright;
   * it was not copied, and the pointer to it goes too. */
  if (ifd_has_next (t, ifd0, count))
    w32 (t, entry_offset (ifd0, count), 0);

  return g_bytes_new_take (t->data, t->len);
}

/* ---- scanning files ---------------------------------------------------- */

void
enlarge_file_metadata_clear (EnlargeFileMetadata *meta)
{
  g_clear_pointer (&meta->icc_profile, g_bytes_unref);
  g_clear_pointer (&meta->exif, g_bytes_unref);
  meta->bits_per_sample = 0;
}

static void
take_exif (EnlargeFileMetadata *meta, const guint8 *data, gsize len, const char *where)
{
  /* Some writers keep JPEG's "Exif\0\0" prefix in PNG and WebP too. */
  if (len >= 6 && memcmp (data, "Exif\0\0", 6) == 0)
    data += 6, len -= 6;

  g_autoptr (GBytes) exif = g_bytes_new (data, len);
  if (!enlarge_exif_is_valid (exif))
    {
      g_debug ("Ignoring malformed EXIF data in the %s", where);
      return;
    }
  if (meta->exif == NULL)
    meta->exif = g_steal_pointer (&exif);
}

static void
scan_png (const guint8 *data, gsize len, EnlargeFileMetadata *meta)
{
  gsize pos = 8;

  while (len - pos >= 12)
    {
      guint32 length = be32 (data + pos);
      const guint8 *type = data + pos + 4;
      const guint8 *body = data + pos + 8;

      if (length > len - pos - 12)
        break;
      if (memcmp (type, "IHDR", 4) == 0 && length >= 13)
        meta->bits_per_sample = body[8] == 16 ? 16 : 8;
      else if (memcmp (type, "eXIf", 4) == 0)
        take_exif (meta, body, length, "PNG eXIf chunk");
      else if (memcmp (type, "IDAT", 4) == 0 || memcmp (type, "IEND", 4) == 0)
        break;   /* eXIf after IDAT is allowed, but no more scanning of pixel data */
      pos += 12 + (gsize) length;
    }
}

static void
scan_jpeg (const guint8 *data, gsize len, EnlargeFileMetadata *meta)
{
  gsize pos = 2;

  meta->bits_per_sample = 8;
  /* The APPn segments come before the first frame header. */
  while (len - pos >= 4 && data[pos] == 0xff)
    {
      guint8 marker = data[pos + 1];
      gsize seg = ((gsize) data[pos + 2] << 8) | data[pos + 3];

      if (marker == 0xff)
        {
          pos++;
          continue;
        }
      if (marker == 0xda || marker == 0xd9 || seg < 2 || seg > len - pos - 2)
        break;
      if (marker == 0xe1 && seg >= 8 && memcmp (data + pos + 4, "Exif\0\0", 6) == 0)
        take_exif (meta, data + pos + 10, seg - 8, "JPEG APP1 segment");
      pos += 2 + seg;
    }
}

static void
scan_webp (const guint8 *data, gsize len, EnlargeFileMetadata *meta)
{
  gsize pos = 12;
  gsize end = MIN (len, (gsize) le32 (data + 4) + 8);

  meta->bits_per_sample = 8;
  while (end >= 8 && pos <= end - 8)
    {
      guint32 size = le32 (data + pos + 4);
      const guint8 *body = data + pos + 8;

      if (size > end - pos - 8)
        break;
      if (memcmp (data + pos, "ICCP", 4) == 0 && meta->icc_profile == NULL && size > 0)
        meta->icc_profile = g_bytes_new (body, size);
      else if (memcmp (data + pos, "EXIF", 4) == 0)
        take_exif (meta, body, size, "WebP EXIF chunk");
      pos += 8 + (gsize) size + (size & 1);   /* chunks are padded to even sizes */
    }
}

static void
scan_tiff (const guint8 *data, gsize len, EnlargeFileMetadata *meta)
{
  Tiff t;
  guint32 ifd0, bits;
  guint count;
  int i;

  meta->bits_per_sample = 8;
  if (!tiff_open (&t, data, len) || !ifd_get (&t, ifd0 = t32 (&t, 4), &count))
    return;
  if ((i = ifd_find (&t, ifd0, count, TAG_BITS_PER_SAMPLE)) >= 0 &&
      entry_uint (&t, entry_offset (ifd0, i), &bits) && bits > 8)
    meta->bits_per_sample = bits;
}

void
enlarge_file_metadata_scan (const guint8 *data, gsize len, EnlargeFileMetadata *meta)
{
  static const guint8 png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  if (len >= 8 && memcmp (data, png_magic, 8) == 0)
    scan_png (data, len, meta);
  else if (len >= 2 && data[0] == 0xff && data[1] == 0xd8)
    scan_jpeg (data, len, meta);
  else if (len >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    scan_webp (data, len, meta);
  else if (len >= 8 && (memcmp (data, "II*\0", 4) == 0 || memcmp (data, "MM\0*", 4) == 0))
    scan_tiff (data, len, meta);
}

/* ---- writing ----------------------------------------------------------- */

void
enlarge_png_append_chunk (GByteArray *out, const char type[4], const guint8 *data, gsize len)
{
  guint8 word[4];

  g_return_if_fail (len <= G_MAXINT32);
  enlarge_put_be32 (word, len);
  g_byte_array_append (out, word, 4);
  g_byte_array_append (out, (const guint8 *) type, 4);
  if (len > 0)
    g_byte_array_append (out, data, len);

  /* zlib's CRC-32 (PNG's own), sliced: IDAT chunks are megabytes */
  uLong crc = crc32 (crc32 (0L, Z_NULL, 0), (const Bytef *) type, 4);
  if (len > 0)
    crc = crc32 (crc, data, (uInt) len);
  enlarge_put_be32 (word, crc);
  g_byte_array_append (out, word, 4);
}

gboolean
enlarge_png_append_iccp (GByteArray *out, GBytes *icc, GError **error)
{
  static const char name[] = "ICC profile";
  g_autoptr (GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr (GZlibCompressor) zlib = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
  g_autoptr (GOutputStream) stream = g_converter_output_stream_new (memory, G_CONVERTER (zlib));
  gsize len;
  const guint8 *data = g_bytes_get_data (icc, &len);

  if (!g_output_stream_write_all (stream, data, len, NULL, NULL, error) ||
      !g_output_stream_close (stream, NULL, error))
    return FALSE;

  /* name, NUL, compression method 0 (zlib), compressed profile */
  g_autoptr (GByteArray) body = g_byte_array_new ();
  g_byte_array_append (body, (const guint8 *) name, sizeof name);
  g_byte_array_append (body, (const guint8 *) "", 1);
  g_byte_array_append (body,
                       g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (memory)),
                       g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (memory)));
  enlarge_png_append_chunk (out, "iCCP", body->data, body->len);
  return TRUE;
}

gssize
enlarge_png_insert_offset (const guint8 *data, gsize len)
{
  static const guint8 png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  gsize pos = 8;

  if (len < 8)
    return -1;
  if (memcmp (data, png_magic, 8) != 0)
    return -2;
  for (;;)
    {
      if (len - pos < 8)
        return -1;
      if (memcmp (data + pos + 4, "IDAT", 4) == 0 || memcmp (data + pos + 4, "IEND", 4) == 0)
        return pos;
      guint32 length = be32 (data + pos);
      if (length > G_MAXINT32)
        return -2;
      pos += 12 + (gsize) length;
      if (pos > len)
        return -1;
    }
}

gssize
enlarge_jpeg_insert_offset (const guint8 *data, gsize len)
{
  if (len < 4)
    return -1;
  if (data[0] != 0xff || data[1] != 0xd8)
    return -2;
  if (data[2] != 0xff || data[3] != 0xe0)
    return 2;
  if (len < 6)
    return -1;
  gsize end = 4 + (((gsize) data[4] << 8) | data[5]);
  return end <= len ? (gssize) end : -1;
}

gboolean
enlarge_jpeg_append_exif (GByteArray *out, GBytes *exif)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (exif, &len);

  if (len > 0xffff - 2 - 6)
    return FALSE;

  gsize seg = len + 2 + 6;
  guint8 header[4] = { 0xff, 0xe1, seg >> 8, seg & 0xff };
  g_byte_array_append (out, header, 4);
  g_byte_array_append (out, (const guint8 *) "Exif\0\0", 6);
  g_byte_array_append (out, data, len);
  return TRUE;
}
