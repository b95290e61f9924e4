#pragma once

/* Byte-level work on image metadata, for enlarge-image.c: finding the ICC
 * profile, EXIF block and bit depth in PNG, JPEG and WebP files, editing an
 * EXIF block for an output image, and building the PNG chunks and JPEG
 * segments that carry them.
 *
 * The EXIF block is kept as the raw TIFF structure ("II*\0…" or "MM\0*…"),
 * the form JPEG's APP1 (after "Exif\0\0"), PNG's eXIf chunk and WebP's EXIF
 * chunk all carry. It is never re-laid out, so that the offsets inside
 * maker notes (which point at absolute positions in the block) stay valid:
 * an output's block keeps only what it needs, each part at its old offset
 * (enlarge_exif_for_output). Every read is bounds-checked: a block from a
 * file is untrusted, and a malformed one is dropped, never a reason to
 * fail. */

#include <glib.h>

G_BEGIN_DECLS

/* Metadata found in an encoded file (the parts GdkPixbuf does not expose). */
typedef struct {
  GBytes *icc_profile;   /* WebP ICCP chunk; PNG/JPEG/TIFF come from GdkPixbuf */
  GBytes *exif;          /* validated TIFF-structured block, or NULL */
  int bits_per_sample;   /* 16 for a 16-bit PNG or TIFF, else 8 (0 = unknown) */
} EnlargeFileMetadata;

void enlarge_file_metadata_clear (EnlargeFileMetadata *meta);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EnlargeFileMetadata, enlarge_file_metadata_clear)

/* Never fails: what cannot be found or is malformed is left NULL. */
void enlarge_file_metadata_scan (const guint8 *data, gsize len, EnlargeFileMetadata *meta);

/* TRUE when @exif starts with a TIFF header whose first IFD is in bounds. */
gboolean enlarge_exif_is_valid (GBytes *exif);

/* The Orientation tag (1 … 8) of IFD0; 1 when absent or invalid. */
int enlarge_exif_get_orientation (GBytes *exif);

/* An ASCII tag of IFD0 (0x010f Make, 0x0110 Model, 0x0132 DateTime, …),
 * or NULL when absent. */
char *enlarge_exif_get_string (GBytes *exif, guint16 tag);

/* Whether IFD0 points at a GPS IFD. */
gboolean enlarge_exif_has_gps (GBytes *exif);

/* PixelXDimension / PixelYDimension of the Exif IFD; FALSE when absent. */
gboolean enlarge_exif_get_pixel_size (GBytes *exif, guint32 *width, guint32 *height);

/* A block fit for an output image of @width × @height, rebuilt from what
 * is kept: the header, IFD0, the Exif and Interoperability IFDs and the
 * values they point at (the GPS IFD too with @keep_gps), copied at their
 * old offsets into a block of zeros of the same length. Orientation is
 * set to 1 (the pixels were rotated on load), PixelXDimension and
 * PixelYDimension to the output size; the thumbnail (IFD1, which shows
 * the input, unrotated) and, unless @keep_gps, the GPS IFD are neither
 * linked nor copied, so the location is gone from the file even behind a
 * damaged pointer. NULL when @exif is malformed, or when the GPS data
 * overlaps what is kept. */
GBytes *enlarge_exif_for_output (GBytes *exif, int width, int height, gboolean keep_gps);

/* Writes @v big-endian at @p (4 bytes). */
void enlarge_put_be32 (guint8 *p, guint32 v);

/* Appends a PNG chunk (length, type, data, CRC) to @out. */
void enlarge_png_append_chunk (GByteArray *out, const char type[4],
                               const guint8 *data, gsize len);

/* Appends an iCCP chunk holding @icc (zlib-compressed, as PNG requires). */
gboolean enlarge_png_append_iccp (GByteArray *out, GBytes *icc, GError **error);

/* Offset at which chunks that must precede the image data (iCCP, eXIf)
 * go: the first IDAT. -1 = more data needed, -2 = not a PNG. */
gssize enlarge_png_insert_offset (const guint8 *data, gsize len);

/* Offset after SOI and a JFIF APP0 segment, where an Exif APP1 goes.
 * -1 = more data needed, -2 = not a JPEG. */
gssize enlarge_jpeg_insert_offset (const guint8 *data, gsize len);

/* Appends an APP1 segment with "Exif\0\0" and @exif; FALSE (nothing
 * appended) when the block does not fit a segment (64 KiB). */
gboolean enlarge_jpeg_append_exif (GByteArray *out, GBytes *exif);

G_END_DECLS
