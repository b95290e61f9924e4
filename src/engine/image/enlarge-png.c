#include "enlarge-png.h"

#include <math.h>
#include <string.h>
#include <zlib.h>

#include "enlarge-error.h"
#include "enlarge-metadata.h"

/* Filtered bytes a piece holds at least: big enough that priming each
 * with the previous 32 KiB costs next to nothing in size. */
#define PIECE_BYTES ((gsize) 512 << 10)
#define WINDOW ((gsize) 32 << 10)
#define IDAT_MAX ((gsize) 8 << 20)

typedef struct {
  const guint8 *pixels;
  gsize rowstride;
  int width, height, bpp;
  gsize line;          /* filter byte + width × bpp */
  int level;
  guint8 *filtered;    /* height × line */
  int n_pieces, rows_per_piece;
  GByteArray **deflated;
  guint32 *adler;
  gint next;           /* the next piece to take, for both passes */
  gint failed;
  int pass;            /* 0: filter, 1: deflate */
} PngJob;

static inline int
paeth (int a, int b, int c)
{
  const int p = a + b - c;
  const int pa = abs (p - a), pb = abs (p - b), pc = abs (p - c);
  return (pa <= pb && pa <= pc) ? a : pb <= pc ? b : c;
}

/* One row, with the filter libpng's default heuristic picks: the smallest
 * sum of the filtered bytes read as signed values. One loop per filter,
 * without a branch inside, so the compiler vectorises the simple ones. */
static void
filter_row (const PngJob *job, int y, guint8 *scratch)
{
  const guint8 *cur = job->pixels + (gsize) y * job->rowstride;
  const guint8 *up = y > 0 ? cur - job->rowstride : NULL;
  const gsize n = job->line - 1, bpp = job->bpp;
  guint8 *dst = job->filtered + (gsize) y * job->line;
  guint8 *f[5];
  guint64 sum[5] = { 0 };
  int best = 0;

  for (int k = 0; k < 5; k++)
    f[k] = k == 0 ? (guint8 *) cur : scratch + (gsize) (k - 1) * n;
  for (gsize i = 0; i < bpp; i++)
    {
      const int b = up ? up[i] : 0;
      f[1][i] = cur[i];
      f[2][i] = (guint8) (cur[i] - b);
      f[3][i] = (guint8) (cur[i] - (b >> 1));
      f[4][i] = (guint8) (cur[i] - b); /* Paeth of (0, b, 0) is b */
    }
  for (gsize i = bpp; i < n; i++)
    f[1][i] = (guint8) (cur[i] - cur[i - bpp]);
  if (up != NULL)
    {
      for (gsize i = bpp; i < n; i++)
        f[2][i] = (guint8) (cur[i] - up[i]);
      for (gsize i = bpp; i < n; i++)
        f[3][i] = (guint8) (cur[i] - ((cur[i - bpp] + up[i]) >> 1));
      for (gsize i = bpp; i < n; i++)
        f[4][i] = (guint8) (cur[i] - paeth (cur[i - bpp], up[i], up[i - bpp]));
    }
  else
    {
      /* no row above: Up is None, Average halves the left, Paeth is Sub */
      memcpy (f[2] + bpp, cur + bpp, n - bpp);
      for (gsize i = bpp; i < n; i++)
        f[3][i] = (guint8) (cur[i] - (cur[i - bpp] >> 1));
      memcpy (f[4] + bpp, f[1] + bpp, n - bpp);
    }
  for (int k = 0; k < 5; k++)
    {
      guint64 s = 0;
      for (gsize i = 0; i < n; i++)
        s += (guint64) abs ((gint8) f[k][i]);
      sum[k] = s;
      if (s < sum[best])
        best = k;
    }
  dst[0] = (guint8) best;
  memcpy (dst + 1, f[best], n);
}

static gboolean
deflate_piece (PngJob *job, int k)
{
  const int y0 = k * job->rows_per_piece;
  const int y1 = MIN (job->height, y0 + job->rows_per_piece);
  const guint8 *data = job->filtered + (gsize) y0 * job->line;
  const gsize len = (gsize) (y1 - y0) * job->line;
  const gboolean last = k == job->n_pieces - 1;
  z_stream zs;
  int ret;

  memset (&zs, 0, sizeof zs);
  if (deflateInit2 (&zs, job->level, Z_DEFLATED, -15, 8, Z_FILTERED) != Z_OK)
    return FALSE;
  if (k > 0)
    {
      /* back-references into the previous piece stay valid: a decoder has
       * it in its window */
      const gsize dict = MIN (WINDOW, (gsize) y0 * job->line);
      deflateSetDictionary (&zs, data - dict, (uInt) dict);
    }

  GByteArray *out = g_byte_array_new ();
  gsize cap = deflateBound (&zs, len) + 64;
  g_byte_array_set_size (out, (guint) cap);
  zs.next_in = (Bytef *) data;
  zs.avail_in = (uInt) len;
  zs.next_out = out->data;
  zs.avail_out = (uInt) cap;
  for (;;)
    {
      /* a sync flush ends the piece on a byte boundary without marking
       * its last block final, so the pieces concatenate */
      ret = deflate (&zs, last ? Z_FINISH : Z_SYNC_FLUSH);
      if (last ? ret == Z_STREAM_END : (ret == Z_OK && zs.avail_in == 0 && zs.avail_out > 0))
        break;
      if ((ret != Z_OK && ret != Z_BUF_ERROR) || zs.avail_out > 0)
        {
          deflateEnd (&zs);
          g_byte_array_unref (out);
          return FALSE;
        }
      cap *= 2;
      g_byte_array_set_size (out, (guint) cap);
      zs.next_out = out->data + zs.total_out;
      zs.avail_out = (uInt) (cap - zs.total_out);
    }
  g_byte_array_set_size (out, (guint) zs.total_out);
  deflateEnd (&zs);
  job->deflated[k] = out;
  job->adler[k] = (guint32) adler32 (adler32 (0L, Z_NULL, 0), data, (uInt) len);
  return TRUE;
}

static gpointer
png_worker (gpointer data)
{
  PngJob *job = data;
  g_autofree guint8 *scratch = job->pass == 0 ? g_malloc (4 * (job->line - 1)) : NULL;
  int k;

  while ((k = g_atomic_int_add (&job->next, 1)) < job->n_pieces)
    {
      if (job->pass == 0)
        {
          const int y1 = MIN (job->height, (k + 1) * job->rows_per_piece);
          for (int y = k * job->rows_per_piece; y < y1; y++)
            filter_row (job, y, scratch);
        }
      else if (!deflate_piece (job, k))
        g_atomic_int_set (&job->failed, 1);
    }
  return NULL;
}

static void
run_pass (PngJob *job, int pass)
{
  const int n_threads = MIN ((int) g_get_num_processors (), job->n_pieces);
  g_autofree GThread **threads = g_new0 (GThread *, n_threads);

  job->pass = pass;
  job->next = 0;
  /* this thread works too */
  for (int i = 1; i < n_threads; i++)
    threads[i] = g_thread_try_new ("enlarge-png", png_worker, job, NULL);
  png_worker (job);
  for (int i = 1; i < n_threads; i++)
    if (threads[i] != NULL)
      g_thread_join (threads[i]);
}

GBytes *
enlarge_png_encode (const guint8 *pixels, int width, int height, gsize rowstride,
                    int n_channels, int level, const GByteArray *chunks,
                    int dpi_x, int dpi_y, GError **error)
{
  return enlarge_png_encode_full (pixels, width, height, rowstride, n_channels, 8, level,
                                  chunks, dpi_x, dpi_y, error);
}

GBytes *
enlarge_png_encode_full (const guint8 *pixels, int width, int height, gsize rowstride,
                         int n_channels, int bits, int level, const GByteArray *chunks,
                         int dpi_x, int dpi_y, GError **error)
{
  static const guint8 magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  PngJob job = { 0 };
  gsize total = 0;
  GBytes *result = NULL;

  g_return_val_if_fail (n_channels == 3 || n_channels == 4, NULL);
  g_return_val_if_fail (bits == 8 || bits == 16, NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);

  job.pixels = pixels;
  job.rowstride = rowstride;
  job.width = width;
  job.height = height;
  /* PNG filters work on bytes, a pixel's width apart, whatever the depth */
  job.bpp = n_channels * bits / 8;
  job.line = 1 + (gsize) width * job.bpp;
  job.level = CLAMP (level, 0, 9);
  job.filtered = g_try_malloc ((gsize) height * job.line);
  if (job.filtered == NULL)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_NO_MEMORY,
                   "Not enough memory to encode a %d×%d PNG image", width, height);
      return NULL;
    }
  job.rows_per_piece = (int) CLAMP (PIECE_BYTES / job.line, 1, (gsize) height);
  job.n_pieces = (height + job.rows_per_piece - 1) / job.rows_per_piece;
  job.deflated = g_new0 (GByteArray *, job.n_pieces);
  job.adler = g_new0 (guint32, job.n_pieces);

  run_pass (&job, 0);
  run_pass (&job, 1);
  if (job.failed)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_NO_MEMORY,
                   "Could not compress a %d×%d PNG image (out of memory?)", width, height);
      goto out;
    }

  /* one zlib stream: header, the pieces, the Adler-32 of all the data */
  for (int k = 0; k < job.n_pieces; k++)
    total += job.deflated[k]->len;
  {
    g_autoptr (GByteArray) z = g_byte_array_sized_new (total + 6);
    g_autoptr (GByteArray) png = g_byte_array_sized_new (total + 1024 + (chunks ? chunks->len : 0));
    const guint8 cmf = 0x78;
    guint8 flg = (guint8) ((job.level < 2 ? 0 : job.level < 6 ? 1 : job.level == 6 ? 2 : 3) << 6);
    guint32 adler = job.adler[0];
    guint8 ihdr[13], tail[4];

    flg += 31 - ((cmf << 8) + flg) % 31;
    g_byte_array_append (z, &cmf, 1);
    g_byte_array_append (z, &flg, 1);
    for (int k = 0; k < job.n_pieces; k++)
      {
        g_byte_array_append (z, job.deflated[k]->data, job.deflated[k]->len);
        if (k > 0)
          {
            const int y0 = k * job.rows_per_piece;
            const int y1 = MIN (height, y0 + job.rows_per_piece);
            adler = (guint32) adler32_combine (adler, job.adler[k], (z_off_t) ((gsize) (y1 - y0) * job.line));
          }
      }
    enlarge_put_be32 (tail, adler);
    g_byte_array_append (z, tail, 4);

    g_byte_array_append (png, magic, 8);
    enlarge_put_be32 (ihdr, (guint32) width);
    enlarge_put_be32 (ihdr + 4, (guint32) height);
    ihdr[8] = (guint8) bits;             /* bits per sample */
    ihdr[9] = n_channels == 4 ? 6 : 2;   /* RGBA or RGB */
    ihdr[10] = ihdr[11] = ihdr[12] = 0;  /* deflate, adaptive filters, no interlace */
    enlarge_png_append_chunk (png, "IHDR", ihdr, sizeof ihdr);
    if (chunks != NULL && chunks->len > 0)
      g_byte_array_append (png, chunks->data, chunks->len);
    if (dpi_x > 0 && dpi_y > 0)
      {
        guint8 phys[9];
        enlarge_put_be32 (phys, (guint32) lround (dpi_x / 0.0254));
        enlarge_put_be32 (phys + 4, (guint32) lround (dpi_y / 0.0254));
        phys[8] = 1; /* per metre */
        enlarge_png_append_chunk (png, "pHYs", phys, sizeof phys);
      }
    for (gsize pos = 0; pos < z->len; pos += IDAT_MAX)
      enlarge_png_append_chunk (png, "IDAT", z->data + pos, MIN (IDAT_MAX, z->len - pos));
    enlarge_png_append_chunk (png, "IEND", NULL, 0);
    result = g_byte_array_free_to_bytes (g_steal_pointer (&png));
  }

out:
  for (int k = 0; k < job.n_pieces; k++)
    if (job.deflated[k] != NULL)
      g_byte_array_unref (job.deflated[k]);
  g_free (job.deflated);
  g_free (job.adler);
  g_free (job.filtered);
  return result;
}
