#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Encodes RGB (@n_channels 3) or RGBA (4) pixels of @bits 8 or 16 bits
 * per sample (16: big-endian, as PNG stores them) as a PNG file,
 * with @chunks (complete chunks such as iCCP and eXIf, or NULL) right
 * after IHDR and a pHYs chunk when @dpi_x and @dpi_y are > 0.
 *
 * Rows are filtered as libpng does by default (per row, the filter with
 * the smallest sum of absolute differences) and deflated at @level in
 * pieces on every core: each piece is primed with the 32 KiB before it
 * and ends on a byte boundary, so together they are one zlib stream
 * that any decoder reads, nearly as small as a serial one. A 4096²
 * result took 4 s to save through GdkPixbuf on one core. */
GBytes *enlarge_png_encode (const guint8 *pixels, int width, int height, gsize rowstride,
                            int n_channels, int level, const GByteArray *chunks,
                            int dpi_x, int dpi_y, GError **error);
GBytes *enlarge_png_encode_full (const guint8 *pixels, int width, int height, gsize rowstride,
                                 int n_channels, int bits, int level, const GByteArray *chunks,
                                 int dpi_x, int dpi_y, GError **error);

G_END_DECLS
