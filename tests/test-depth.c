/* 16-bit images in and out: 16-bit PNG and TIFF files (written here, the
 * PNG chunk by chunk and the TIFF with libtiff, not by the engine) are
 * read with 16 bits, go through the model, the creativity stage and the
 * resample, and come out as 16-bit PNG and TIFF (the file header says
 * so) with far more than 256 levels; JPEG, WebP and --depth=8 give 8 bits;
 * damaged 16-bit files are "damaged or incomplete"; 8-bit images keep the
 * arithmetic they always had. */

#include <string.h>

#include <glib/gstdio.h>
#include <tiffio.h>
#include <zlib.h>

#include "enlarge.h"
#include "enlarge-metadata.h"
#include "enlarge-test-utils.h"

#define MODEL "realesr-animevideov3-x2"

static char *tmp_dir;

/* A smooth 16-bit gradient, different in each channel, with alpha (when
 * @n_channels is 4) running from clear to opaque across the image: the
 * kind of picture that shows banding at 8 bits. */
static guint16
gradient_value (int x, int y, int c, int w, int h)
{
  switch (c)
    {
    case 0: return (guint16) ((x * 65535.0) / (w - 1));
    case 1: return (guint16) ((y * 65535.0) / (h - 1));
    case 2: return (guint16) (((x + y) * 65535.0) / (w + h - 2));
    default: return (guint16) (4096 + (x * 61439.0) / (w - 1));
    }
}

static GBytes *
png16_bytes (int w, int h, int n_channels, const GByteArray *extra_chunks)
{
  static const guint8 magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr (GByteArray) png = g_byte_array_new ();
  g_autoptr (GByteArray) raw = g_byte_array_new ();
  guint8 ihdr[13] = { 0 };

  enlarge_put_be32 (ihdr, w);
  enlarge_put_be32 (ihdr + 4, h);
  ihdr[8] = 16;
  ihdr[9] = n_channels == 4 ? 6 : 2;
  for (int y = 0; y < h; y++)
    {
      g_byte_array_append (raw, (const guint8 *) "", 1);   /* filter: none */
      for (int x = 0; x < w; x++)
        for (int c = 0; c < n_channels; c++)
          {
            guint16 v = gradient_value (x, y, c, w, h);
            guint8 be[2] = { v >> 8, v & 0xff };
            g_byte_array_append (raw, be, 2);
          }
    }
  uLongf len = compressBound (raw->len);
  g_autofree guint8 *z = g_malloc (len);
  g_assert_cmpint (compress (z, &len, raw->data, raw->len), ==, Z_OK);

  g_byte_array_append (png, magic, 8);
  enlarge_png_append_chunk (png, "IHDR", ihdr, sizeof ihdr);
  if (extra_chunks != NULL)
    g_byte_array_append (png, extra_chunks->data, extra_chunks->len);
  enlarge_png_append_chunk (png, "IDAT", z, len);
  enlarge_png_append_chunk (png, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (g_steal_pointer (&png));
}

static char *
write_png16 (const char *name, int w, int h, int n_channels)
{
  g_autoptr (GBytes) bytes = png16_bytes (w, h, n_channels, NULL);
  char *path = g_build_filename (tmp_dir, name, NULL);
  etu_write_file (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return path;
}

/* With libtiff itself; @orientation 1 … 8 */
static char *
write_tiff16 (const char *name, int w, int h, int n_channels, int orientation)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  TIFF *tif = TIFFOpen (path, "w");
  g_autofree guint16 *row = g_new (guint16, (gsize) w * n_channels);

  g_assert_nonnull (tif);
  TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, w);
  TIFFSetField (tif, TIFFTAG_IMAGELENGTH, h);
  TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, 16);
  TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, n_channels);
  TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
  TIFFSetField (tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField (tif, TIFFTAG_ORIENTATION, orientation);
  TIFFSetField (tif, TIFFTAG_COMPRESSION, COMPRESSION_LZW);
  TIFFSetField (tif, TIFFTAG_ROWSPERSTRIP, 8);
  if (n_channels == 4)
    {
      guint16 extra = EXTRASAMPLE_UNASSALPHA;
      TIFFSetField (tif, TIFFTAG_EXTRASAMPLES, 1, &extra);
    }
  for (int y = 0; y < h; y++)
    {
      for (int x = 0; x < w; x++)
        for (int c = 0; c < n_channels; c++)
          row[x * n_channels + c] = gradient_value (x, y, c, w, h);
      g_assert_cmpint (TIFFWriteScanline (tif, row, y, 0), ==, 1);
    }
  TIFFClose (tif);
  return path;
}

static EnlargeImage *
load (const char *path, int depth)
{
  EnlargeLoadOptions options = ENLARGE_LOAD_OPTIONS_INIT;
  g_autoptr (GError) error = NULL;

  options.depth = depth;
  EnlargeImage *image = enlarge_image_load_full (path, &options, &error);
  g_assert_no_error (error);
  return image;
}

static guint
distinct_levels (const EnlargeImage *image, int c)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);

  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      g_hash_table_add (seen, GUINT_TO_POINTER (1 + (guint) enlarge_image_sample (
                                  image, enlarge_image_sample_index (image, x, y, c))));
  return g_hash_table_size (seen);
}

/* The bits per sample the file's header states: PNG's IHDR, TIFF's tag
 * read by libtiff, JPEG's SOF. */
static int
file_bits (const char *path)
{
  g_autoptr (GBytes) bytes = etu_read_file (path);
  gsize len;
  const guint8 *d = g_bytes_get_data (bytes, &len);

  if (len > 24 && memcmp (d + 1, "PNG", 3) == 0)
    return d[24];
  if (len > 4 && (memcmp (d, "II*\0", 4) == 0 || memcmp (d, "MM\0*", 4) == 0))
    {
      TIFF *tif = TIFFOpen (path, "r");
      guint16 bits = 0;
      g_assert_nonnull (tif);
      TIFFGetFieldDefaulted (tif, TIFFTAG_BITSPERSAMPLE, &bits);
      TIFFClose (tif);
      return bits;
    }
  for (gsize i = 2; i + 4 < len; i++)
    if (d[i] == 0xff && (d[i + 1] == 0xc0 || d[i + 1] == 0xc2))
      return d[i + 4];
  return 0;
}

/* ---- loading ------------------------------------------------------------- */

static void
test_load (gconstpointer data)
{
  const gboolean tiff = GPOINTER_TO_INT (data);
  const int w = 37, h = 23;

  for (int nc = 3; nc <= 4; nc++)
    {
      g_autofree char *path = tiff ? write_tiff16 ("in.tif", w, h, nc, 1)
                                   : write_png16 ("in.png", w, h, nc);
      g_autoptr (EnlargeImage) image = load (path, 0);

      g_assert_cmpint (image->bits, ==, 16);
      g_assert_cmpint (image->meta.bits_per_sample, ==, 16);
      g_assert_cmpint (image->n_channels, ==, nc);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          for (int c = 0; c < nc; c++)
            g_assert_cmpint (enlarge_image_pixel16 (image, x, y)[c], ==, gradient_value (x, y, c, w, h));
      g_assert_cmpuint (distinct_levels (image, 0), ==, w);

      /* depth 8: the 8-bit reading of before (GdkPixbuf's), about the high
       * byte of each sample (less exactly under TIFF's translucent pixels,
       * which GdkPixbuf premultiplies) */
      g_autoptr (EnlargeImage) narrow = load (path, 8);
      g_assert_cmpint (narrow->bits, ==, 8);
      g_assert_cmpint (narrow->meta.bits_per_sample, ==, 16);
      for (int x = 0; x < w && !(tiff && nc == 4); x++)
        g_assert_cmpint (ABS (enlarge_image_pixel (narrow, x, 5)[0] - (gradient_value (x, 5, 0, w, h) >> 8)), <=, 1);
    }
}

/* Turned upright as the 8-bit path turns it: the TIFF Orientation tag,
 * and a PNG's EXIF (eXIf chunk) Orientation. */
static void
test_orientation (void)
{
  const int w = 20, h = 12;

  for (int o = 1; o <= 8; o++)
    {
      g_autofree char *name = g_strdup_printf ("o%d.tif", o);
      g_autofree char *path = write_tiff16 (name, w, h, 3, o);
      g_autoptr (EnlargeImage) wide = load (path, 0);
      g_autoptr (EnlargeImage) narrow = load (path, 8);
      g_autoptr (EnlargeImage) reduced = enlarge_image_convert_depth (wide, 8, NULL);

      g_assert_cmpint (wide->width, ==, o >= 5 ? h : w);
      g_assert_cmpint (enlarge_image_max_difference (reduced, narrow), <=, 1);
    }

  /* PNG: the same gradient with EXIF Orientation 6 */
  static const guint8 exif[] = {
    'I', 'I', 42, 0, 8, 0, 0, 0,
    1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0,   /* Orientation = 6 */
    0, 0, 0, 0,
  };
  g_autoptr (GByteArray) chunks = g_byte_array_new ();
  enlarge_png_append_chunk (chunks, "eXIf", exif, sizeof exif);
  g_autoptr (GBytes) png = png16_bytes (w, h, 3, chunks);
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) wide = enlarge_image_load_bytes (png, &error);
  g_assert_no_error (error);
  EnlargeLoadOptions options = ENLARGE_LOAD_OPTIONS_INIT;
  options.depth = 8;
  g_autoptr (EnlargeImage) narrow = enlarge_image_load_bytes_full (png, &options, &error);
  g_assert_no_error (error);
  g_autoptr (EnlargeImage) reduced = enlarge_image_convert_depth (wide, 8, NULL);
  g_assert_cmpint (wide->width, ==, h);
  g_assert_cmpint (wide->height, ==, w);
  g_assert_cmpint (enlarge_image_max_difference (reduced, narrow), <=, 1);
}

/* Cut short or with a bit flipped in the image data: an error naming the
 * damage, from the engine and from enlarge-cli (status 1, no file). */
static void
test_damaged (void)
{
  g_autofree char *png = write_png16 ("d.png", 40, 30, 3);
  g_autofree char *tif = write_tiff16 ("d.tif", 40, 30, 4, 1);
  const char *paths[] = { png, tif };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (GBytes) whole = etu_read_file (paths[i]);
      gsize len = g_bytes_get_size (whole);
      const guint8 *d = g_bytes_get_data (whole, NULL);
      g_autofree char *cut = g_strdup_printf ("%s/cut-%u.%s", tmp_dir, i, i == 0 ? "png" : "tif");
      g_autofree char *out = g_strdup_printf ("%s/cut-%u-out.png", tmp_dir, i);
      g_autoptr (GError) error = NULL;

      /* a PNG without the end of its IDAT; a TIFF without the end of its
       * last strip (the directory comes first in libtiff's files? no:
       * after the strips, so cut inside the strips and keep the IFD) */
      if (i == 0)
        etu_write_file (cut, d, len * 2 / 3);
      else
        {
          guint32 ifd = d[4] | (d[5] << 8) | (d[6] << 16) | ((guint32) d[7] << 24);
          g_autofree guint8 *copy = g_memdup2 (d, len);
          g_assert_cmpuint (ifd, >, 200);
          /* the strips' bytes, before the directory, become zeros: LZW
           * data that decodes to nothing */
          memset (copy + 8, 0, ifd - 8 - 100);
          etu_write_file (cut, copy, len);
        }
      g_autoptr (EnlargeImage) image = enlarge_image_load (cut, &error);
      g_assert_null (image);
      g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD);
      etu_assert_contains (error->message, "damaged or incomplete");

      g_auto (EtuCliResult) r = { 0 };
      etu_run_cli (&r, NULL, "-q", "--device", "reference", "-m", MODEL, cut, "-o", out, NULL);
      g_assert_cmpint (r.status, ==, 1);
      etu_assert_contains (r.err, "damaged or incomplete");
      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    }
}

/* A few hundred bytes claiming 60000 × 60000 16-bit pixels (28 GB) are
 * refused from the header, before libpng allocates anything. */
static void
test_too_large (void)
{
  g_autoptr (GBytes) small = png16_bytes (4, 4, 3, NULL);
  g_autoptr (GByteArray) png = g_byte_array_new ();
  const guint8 *d = g_bytes_get_data (small, NULL);
  guint8 ihdr[13];
  g_autoptr (GError) error = NULL;

  /* the same file with another IHDR: magic, IHDR, the rest */
  memcpy (ihdr, d + 16, 13);
  enlarge_put_be32 (ihdr, 60000);
  enlarge_put_be32 (ihdr + 4, 60000);
  g_byte_array_append (png, d, 8);
  enlarge_png_append_chunk (png, "IHDR", ihdr, sizeof ihdr);
  g_byte_array_append (png, d + 33, g_bytes_get_size (small) - 33);
  g_autoptr (GBytes) bytes = g_byte_array_free_to_bytes (g_steal_pointer (&png));
  g_autoptr (GTimer) timer = g_timer_new ();
  g_autoptr (EnlargeImage) image = enlarge_image_load_bytes (bytes, &error);
  g_assert_null (image);
  g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_TOO_LARGE);
  etu_assert_contains (error->message, "60000 × 60000");
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 1.0);
}

/* ---- through the model ----------------------------------------------------- */

static void
check_16_bit_output (const char *path, int width, int height, int n_channels)
{
  g_assert_cmpint (file_bits (path), ==, 16);
  g_autoptr (EnlargeImage) back = load (path, 0);
  g_assert_cmpint (back->bits, ==, 16);
  g_assert_cmpint (back->width, ==, width);
  g_assert_cmpint (back->height, ==, height);
  g_assert_cmpint (back->n_channels, ==, n_channels);
  /* a 2× result of a ramp 160 pixels wide: far more than 8 bits hold */
  g_test_message ("%s: %u, %u, %u levels", path, distinct_levels (back, 0),
                  distinct_levels (back, 1), distinct_levels (back, 2));
  for (int c = 0; c < n_channels; c++)
    g_assert_cmpuint (distinct_levels (back, c), >, 256);
}

/* The engine: pipeline runs (model, creativity both ways, a resample) on
 * the gradient, saved as PNG and TIFF. */
static void
test_engine_round_trip (gconstpointer data)
{
  const gboolean tiff = GPOINTER_TO_INT (data);
  g_autoptr (EnlargeNet) net = etu_load_or_skip (MODEL);
  g_autoptr (EnlargeBackend) backend = enlarge_backend_new_reference ();
  const double creativity[] = { 0.5, 0.2, 0.8 };
  const double scale[] = { 0, 0, 2.5 };

  if (net == NULL)
    return;
  /* RGB through every stage; RGBA (its alpha through the model too) once */
  for (int nc = 3; nc <= 4; nc++)
    for (guint k = 0; k < (nc == 3 ? G_N_ELEMENTS (creativity) : 1); k++)
      {
        g_autofree char *path = tiff ? write_tiff16 ("e.tif", 160, 24, nc, 1)
                                     : write_png16 ("e.png", 160, 24, nc);
        g_autoptr (EnlargeImage) in = load (path, 0);
        EnlargeSettings s = ENLARGE_SETTINGS_INIT;
        g_autoptr (GError) error = NULL;

        s.creativity = creativity[k];
        s.scale = scale[k];
        g_autoptr (EnlargeImage) out = enlarge_pipeline_run (backend, net, &s, in, NULL, NULL, &error);
        g_assert_no_error (error);
        g_assert_cmpint (out->bits, ==, 16);
        enlarge_image_copy_metadata (out, in);

        g_autofree char *saved = g_build_filename (tmp_dir, tiff ? "e-out.tif" : "e-out.png", NULL);
        g_autoptr (EnlargeImage) before = enlarge_image_copy (out, NULL);
        g_assert_true (enlarge_image_save (out, saved, NULL, &error));
        g_assert_no_error (error);
        /* saving leaves the pixels alone (libtiff's predictor works in
         * place on the rows it is given) */
        g_assert_cmpint (memcmp (before->pixels, out->pixels, (gsize) out->width * out->height * nc * 2), ==, 0);
        check_16_bit_output (saved, out->width, out->height, nc);

        /* the same run on the input rounded to 8 bits is close to the
         * 16-bit one, reduced (the model turns the rounding's pattern into
         * a little texture: 36-40 dB measured; test_8_bit_unchanged shows
         * that equal inputs give equal results) */
        g_autoptr (EnlargeImage) in8 = enlarge_image_convert_depth (in, 8, NULL);
        g_autoptr (EnlargeImage) out8 = enlarge_pipeline_run (backend, net, &s, in8, NULL, NULL, &error);
        g_assert_no_error (error);
        g_autoptr (EnlargeImage) reduced = enlarge_image_convert_depth (out, 8, NULL);
        double psnr = enlarge_image_psnr (reduced, out8);
        g_test_message ("creativity %.1f, %d channels: 16-bit vs 8-bit run %.1f dB", creativity[k], nc, psnr);
        g_assert_cmpfloat (psnr, >, 30.0);

        /* asked for 8 bits, or JPEG: an 8-bit file */
        EnlargeSaveOptions options = ENLARGE_SAVE_OPTIONS_INIT;
        options.depth = 8;
        g_assert_true (enlarge_image_save_full (out, saved, &options, &error));
        g_assert_cmpint (file_bits (saved), ==, 8);
        g_autofree char *jpeg = g_build_filename (tmp_dir, "e-out.jpg", NULL);
        g_assert_true (enlarge_image_save (out, jpeg, NULL, &error));
        g_assert_no_error (error);
        g_assert_cmpint (file_bits (jpeg), ==, 8);
      }
}

/* 8-bit inputs stay 8-bit all the way, and converting one to 16 bits
 * first changes its result by at most a level once reduced again (the
 * stages compute the same values; only the last rounding differs). */
static void
test_8_bit_unchanged (void)
{
  g_autoptr (EnlargeNet) net = etu_load_or_skip (MODEL);
  g_autoptr (EnlargeBackend) backend = enlarge_backend_new_reference ();

  if (net == NULL)
    return;
  g_autoptr (EnlargeImage) in = etu_load_golden ("coffee-96x72.png");
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) wide = enlarge_image_convert_depth (in, 16, &error);
  g_assert_no_error (error);
  g_assert_cmpint (in->bits, ==, 8);

  EnlargeSettings s = ENLARGE_SETTINGS_INIT;
  g_autoptr (EnlargeImage) out = enlarge_pipeline_run (backend, net, &s, in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (out->bits, ==, 8);
  g_autoptr (EnlargeImage) out16 = enlarge_pipeline_run (backend, net, &s, wide, NULL, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (EnlargeImage) reduced = enlarge_image_convert_depth (out16, 8, NULL);
  g_assert_cmpint (enlarge_image_max_difference (reduced, out), <=, 1);

  g_autofree char *png = g_build_filename (tmp_dir, "8.png", NULL);
  g_autofree char *tif = g_build_filename (tmp_dir, "8.tif", NULL);
  g_assert_true (enlarge_image_save (out, png, NULL, &error));
  g_assert_true (enlarge_image_save (out, tif, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (file_bits (png), ==, 8);
  g_assert_cmpint (file_bits (tif), ==, 8);
}

/* enlarge-cli: PNG and TIFF in, PNG and TIFF out at 16 bits; --depth=8
 * and JPEG at 8; --depth=16 of an 8-bit input; --depth=16 to JPEG and
 * --depth=12 are usage errors. */
static void
test_cli (void)
{
  if (!etu_require_model (MODEL))
    return;

  g_autofree char *png = write_png16 ("c.png", 200, 30, 4);
  g_autofree char *tif = write_tiff16 ("c.tif", 200, 30, 3, 1);
  const char *inputs[] = { png, tif };
  const char *outs[] = { "c-out.png", "c-out.tif" };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    for (guint j = 0; j < G_N_ELEMENTS (outs); j++)
      {
        g_autofree char *out = g_build_filename (tmp_dir, outs[j], NULL);
        g_auto (EtuCliResult) r = { 0 };
        etu_run_cli (&r, NULL, "-q", "--device", "reference", "-m", MODEL, "-c", "0.3",
                     inputs[i], "-o", out, NULL);
        g_assert_cmpint (r.status, ==, 0);
        etu_assert_not_contains (r.err, "banding");
        check_16_bit_output (out, 400, 60, i == 0 ? 4 : 3);
        g_remove (out);
      }

  g_autofree char *out = g_build_filename (tmp_dir, "c8.png", NULL);
  g_autofree char *jpeg = g_build_filename (tmp_dir, "c8.jpg", NULL);
  {
    g_auto (EtuCliResult) r = { 0 };
    etu_run_cli (&r, NULL, "-q", "--device", "reference", "-m", MODEL, "--depth", "8", png, "-o", out, NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpint (file_bits (out), ==, 8);
  }
  {
    g_auto (EtuCliResult) r = { 0 };
    etu_run_cli (&r, NULL, "-q", "--device", "reference", "-m", MODEL, tif, "-o", jpeg, NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpint (file_bits (jpeg), ==, 8);
  }
  {
    /* 8 bits in, 16 asked for */
    g_autofree char *out16 = g_build_filename (tmp_dir, "c16.tif", NULL);
    g_auto (EtuCliResult) r = { 0 };
    etu_run_cli (&r, NULL, "-q", "--device", "reference", "-m", MODEL, "--depth", "16", out, "-o", out16, NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpint (file_bits (out16), ==, 16);
  }
  {
    g_autofree char *bad = g_build_filename (tmp_dir, "bad.jpg", NULL);
    g_auto (EtuCliResult) r = { 0 };
    etu_run_cli (&r, NULL, "-q", "-m", MODEL, "--depth", "16", png, "-o", bad, NULL);
    g_assert_cmpint (r.status, ==, 2);
    etu_assert_contains (r.err, "--depth=16");
    g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
  }
  {
    g_auto (EtuCliResult) r = { 0 };
    etu_run_cli (&r, NULL, "-q", "-m", MODEL, "--depth", "12", png, NULL);
    g_assert_cmpint (r.status, ==, 2);
    etu_assert_contains (r.err, "--depth must be 8 or 16");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir ("enlarge-depth-XXXXXX") };
  tmp_dir = tmp.path;

  g_test_add_data_func ("/depth/load/png", GINT_TO_POINTER (FALSE), test_load);
  g_test_add_data_func ("/depth/load/tiff", GINT_TO_POINTER (TRUE), test_load);
  g_test_add_func ("/depth/load/orientation", test_orientation);
  g_test_add_func ("/depth/load/damaged", test_damaged);
  g_test_add_func ("/depth/load/too-large", test_too_large);
  g_test_add_data_func ("/depth/engine/png", GINT_TO_POINTER (FALSE), test_engine_round_trip);
  g_test_add_data_func ("/depth/engine/tiff", GINT_TO_POINTER (TRUE), test_engine_round_trip);
  g_test_add_func ("/depth/engine/8-bit", test_8_bit_unchanged);
  g_test_add_func ("/depth/cli", test_cli);
  return g_test_run ();
}
