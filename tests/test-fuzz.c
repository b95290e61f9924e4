/* Deterministic fuzzing of everything that reads image files: decoding
 * through GdkPixbuf with the engine's checks around it (pixel limit,
 * completeness, TIFF unpremultiplying, orientation), the metadata scan of
 * PNG, JPEG, WebP and TIFF files, EXIF editing and the writers fed what
 * was read (PNG encoder, JPEG EXIF segment, WebP chunks).
 *
 * Seeds: small PNG (RGB, RGBA, interlaced, with eXIf and iCCP), JPEG,
 * WebP (lossy and lossless, with EXIF and ICCP), TIFF, 16-bit PNG and
 * TIFF (RGB, RGBA, and an interlaced gray PNG with tRNS and eXIf: the
 * libpng and libtiff decoders) and an animated GIF, all made here. Each case mutates one seed (bit flips, interesting
 * bytes and 32-bit values, truncation, insertions, repeated slices; PNG
 * chunk CRCs are fixed half the time so that mutations get past libpng's
 * checks) with a GRand seeded by the case number, so a failure names the
 * case that reproduces it. Every buffer is an exact-size copy, so an
 * AddressSanitizer build catches any over-read.
 *
 * The count: $ENLARGE_FUZZ_CASES cases of files and as many of EXIF
 * blocks (default 10000 each, the CI's; under AddressSanitizer too). A
 * long local run:
 *   ENLARGE_FUZZ_CASES=100000 meson test -C _build fuzz --timeout-multiplier 20
 * and one case alone: ENLARGE_FUZZ_FIRST=N ENLARGE_FUZZ_CASES=1. */

#include "config.h"

#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <zlib.h>

#include "enlarge-test-utils.h"
#include "enlarge-metadata.h"

#define DEFAULT_CASES 10000

/* Decoding is bounded by the pixel limit: 2 MP (1 MP = 1024²) keeps a
 * mutated size from making one case take seconds. */
#define FUZZ_MAX_PIXELS (G_GUINT64_CONSTANT (2) << 20)

static guint n_cases;
static guint first_case;
static char *save_dir;

/* ---- seeds -------------------------------------------------------------- */

typedef struct {
  const char *name;
  GBytes *bytes;
} Seed;

static GPtrArray *seeds;   /* of Seed * */

static void
seed_free (Seed *seed)
{
  g_bytes_unref (seed->bytes);
  g_free (seed);
}

static void
add_seed (const char *name, GBytes *bytes)
{
  Seed *seed = g_new0 (Seed, 1);
  seed->name = name;
  seed->bytes = bytes;
  g_ptr_array_add (seeds, seed);
}

static void
le16 (GByteArray *b, guint16 v)
{
  guint8 p[2] = { v & 0xff, v >> 8 };
  g_byte_array_append (b, p, 2);
}

static void
le32 (GByteArray *b, guint32 v)
{
  le16 (b, v & 0xffff);
  le16 (b, v >> 16);
}

static void
entry (GByteArray *b, guint16 tag, guint16 type, guint32 count, guint32 value)
{
  le16 (b, tag);
  le16 (b, type);
  le32 (b, count);
  le32 (b, value);
}

/* A little-endian EXIF block with every part the editor touches: IFD0
 * (Make, Orientation, ImageWidth, Exif and GPS pointers, an IFD1 link),
 * an Exif IFD (PixelX/YDimension, an Interoperability pointer, a maker
 * note), an Interoperability IFD, a GPS IFD and a thumbnail IFD. */
static GBytes *
make_exif (void)
{
  GByteArray *b = g_byte_array_new ();
  const guint32 ifd0 = 8, exif = ifd0 + 2 + 6 * 12 + 4, interop = exif + 2 + 4 * 12 + 4;
  const guint32 gps = interop + 2 + 12 + 4, ifd1 = gps + 2 + 2 * 12 + 4;
  const guint32 make = ifd1 + 2 + 12 + 4, note = make + 8, lat = note + 16;

  g_byte_array_append (b, (const guint8 *) "II*\0", 4);
  le32 (b, ifd0);
  le16 (b, 6);
  entry (b, 0x0100, 3, 1, 64);
  entry (b, 0x010f, 2, 8, make);
  entry (b, 0x0112, 3, 1, 6);
  entry (b, 0x0132, 2, 4, 0x00303032);
  entry (b, 0x8769, 4, 1, exif);
  entry (b, 0x8825, 4, 1, gps);
  le32 (b, ifd1);
  le16 (b, 4);
  entry (b, 0x927c, 7, 16, note);
  entry (b, 0xa002, 4, 1, 64);
  entry (b, 0xa003, 3, 1, 48);
  entry (b, 0xa005, 4, 1, interop);
  le32 (b, 0);
  le16 (b, 1);
  entry (b, 0x0001, 2, 4, 0x00383952);
  le32 (b, 0);
  le16 (b, 2);
  entry (b, 0x0001, 2, 2, 0x4e);
  entry (b, 0x0002, 5, 3, lat);
  le32 (b, 0);
  le16 (b, 1);
  entry (b, 0x0201, 4, 1, 0);
  le32 (b, 0);
  g_assert_cmpuint (b->len, ==, make);
  g_byte_array_append (b, (const guint8 *) "FuzzCam", 8);
  g_byte_array_append (b, (const guint8 *) "Maker\0\0\0\1\0\2\0\3\0\4\0", 16);
  for (guint32 v = 1; v <= 6; v++)
    le32 (b, v * 7);
  return g_byte_array_free_to_bytes (b);
}

/* Bytes standing in for an ICC profile: the engine copies profiles byte
 * for byte and never parses them. */
static GBytes *
make_icc (void)
{
  guint8 icc[200];
  for (gsize i = 0; i < sizeof icc; i++)
    icc[i] = (guint8) (i * 13);
  return g_bytes_new (icc, sizeof icc);
}

static EnlargeImage *
make_image (int width, int height, int n_channels)
{
  g_autoptr (GError) error = NULL;
  EnlargeImage *image = enlarge_image_new (width, height, n_channels, &error);
  g_assert_no_error (error);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = enlarge_image_pixel (image, x, y);
        p[0] = x * 4;
        p[1] = y * 5;
        p[2] = (x ^ y) * 8;
        if (n_channels == 4)
          p[3] = (x + y) * 6;
      }
  return image;
}

/* @image at 16 bits a sample, the low bytes varied too */
static EnlargeImage *
make_image16 (int width, int height, int n_channels)
{
  g_autoptr (EnlargeImage) image8 = make_image (width, height, n_channels);
  g_autoptr (GError) error = NULL;
  EnlargeImage *image = enlarge_image_convert_depth (image8, 16, &error);
  g_assert_no_error (error);
  guint16 *p = (guint16 *) (gpointer) image->pixels;
  for (gsize i = 0; i < (gsize) width * height * n_channels; i++)
    p[i] ^= (guint16) (i * 37 % 256);
  return image;
}

/* @image written by the engine as @name (the format from its extension),
 * read back. */
static GBytes *
saved (EnlargeImage *image, const char *name, gboolean lossless)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (save_dir, name, NULL);
  EnlargeSaveOptions options = ENLARGE_SAVE_OPTIONS_INIT;

  options.lossless = lossless;
  options.keep_gps = TRUE;
  enlarge_image_save_full (image, path, &options, &error);
  g_assert_no_error (error);
  GBytes *bytes = etu_read_file (path);
  g_remove (path);
  return bytes;
}

static void
set_metadata (EnlargeImage *image, GBytes *exif, GBytes *icc)
{
  image->meta.exif = g_bytes_ref (exif);
  image->meta.icc_profile = g_bytes_ref (icc);
  image->meta.dpi_x = image->meta.dpi_y = 300;
}

static void
make_seeds (void)
{
  g_autoptr (EnlargeImage) rgb = make_image (40, 30, 3);
  g_autoptr (EnlargeImage) rgba = make_image (24, 20, 4);
  g_autoptr (GBytes) exif = make_exif ();
  g_autoptr (GBytes) icc = make_icc ();

  seeds = g_ptr_array_new_with_free_func ((GDestroyNotify) seed_free);
  add_seed ("exif", g_bytes_ref (exif));

  set_metadata (rgb, exif, icc);
  add_seed ("png", saved (rgb, "seed.png", FALSE));
  add_seed ("jpeg", saved (rgb, "seed.jpg", FALSE));
  add_seed ("webp-lossy", saved (rgb, "seed.webp", FALSE));
  add_seed ("webp-lossless", saved (rgba, "seed.webp", TRUE));
  add_seed ("tiff", saved (rgb, "seed.tif", FALSE));
  add_seed ("tiff-alpha", saved (rgba, "seed.tif", FALSE));
  add_seed ("png-alpha", saved (rgba, "seed.png", FALSE));
  add_seed ("gif", etu_animated_gif ());

  g_autoptr (EnlargeImage) rgb16 = make_image16 (30, 20, 3);
  g_autoptr (EnlargeImage) rgba16 = make_image16 (20, 16, 4);
  set_metadata (rgb16, exif, icc);
  const char *names16[][2] = { { "png-16", "seed.png" }, { "tiff-16", "seed.tif" },
                               { "png-16-alpha", "seed.png" }, { "tiff-16-alpha", "seed.tif" } };
  for (guint i = 0; i < G_N_ELEMENTS (names16); i++)
    add_seed (names16[i][0], saved (i < 2 ? rgb16 : rgba16, names16[i][1], FALSE));

  /* an interlaced PNG: GdkPixbuf's saver makes none, so its rows are
   * written here (all filter 0) */
  g_autoptr (GByteArray) png = g_byte_array_new ();
  static const guint8 magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 ihdr[13] = { 0, 0, 0, 16, 0, 0, 0, 12, 8, 2, 0, 0, 1 };
  guint8 raw[1000];
  for (gsize i = 0; i < sizeof raw; i++)
    raw[i] = i % 49 == 0 ? 0 : (guint8) i;
  /* Adam7 of 16 × 12 RGB: 4 + 4 + 4 + 8 + 8 + 16 + 16 … rows; 628 bytes */
  uLongf len = compressBound (628);
  guint8 idat[1200];
  g_assert_cmpint (compress (idat, &len, raw, 628), ==, Z_OK);
  g_byte_array_append (png, magic, 8);
  enlarge_png_append_chunk (png, "IHDR", ihdr, sizeof ihdr);
  enlarge_png_append_chunk (png, "eXIf", g_bytes_get_data (exif, NULL), g_bytes_get_size (exif));
  enlarge_png_append_chunk (png, "IDAT", idat, len);
  enlarge_png_append_chunk (png, "IEND", NULL, 0);
  add_seed ("png-interlaced", g_bytes_new (png->data, png->len));

  /* 16-bit gray, interlaced, with a transparent value: libpng's
   * expansions to RGBA */
  g_byte_array_set_size (png, 0);
  guint8 ihdr16[13] = { 0, 0, 0, 12, 0, 0, 0, 10, 16, 0, 0, 0, 1 };
  const guint8 trns[2] = { 0x12, 0x34 };
  /* Adam7 of 12 × 10 gray, 2 bytes a pixel: each pass's rows, filter 0 */
  static const int x0[7] = { 0, 4, 0, 2, 0, 1, 0 }, dx[7] = { 8, 8, 4, 4, 2, 2, 1 };
  static const int y0[7] = { 0, 0, 4, 0, 2, 0, 1 }, dy[7] = { 8, 8, 8, 4, 4, 2, 2 };
  gsize n_raw = 0;
  for (int pass = 0; pass < 7; pass++)
    for (int y = y0[pass]; y < 10; y += dy[pass])
      {
        raw[n_raw++] = 0;
        for (int x = x0[pass]; x < 12; x += dx[pass], n_raw += 2)
          raw[n_raw] = (guint8) (x * 20), raw[n_raw + 1] = (guint8) (y * 25);
      }
  g_assert_cmpuint (n_raw, ==, 260);
  len = compressBound (n_raw);
  g_assert_cmpint (compress (idat, &len, raw, n_raw), ==, Z_OK);
  g_byte_array_append (png, magic, 8);
  enlarge_png_append_chunk (png, "IHDR", ihdr16, sizeof ihdr16);
  enlarge_png_append_chunk (png, "tRNS", trns, sizeof trns);
  enlarge_png_append_chunk (png, "eXIf", g_bytes_get_data (exif, NULL), g_bytes_get_size (exif));
  enlarge_png_append_chunk (png, "IDAT", idat, len);
  enlarge_png_append_chunk (png, "IEND", NULL, 0);
  add_seed ("png-16-gray-interlaced", g_bytes_new (png->data, png->len));

  /* the 16-bit seeds reach the 16-bit decoders */
  for (guint i = 0; i < seeds->len; i++)
    {
      const Seed *seed = g_ptr_array_index (seeds, i);
      if (strstr (seed->name, "-16") == NULL)
        continue;
      g_autoptr (GError) error = NULL;
      g_autoptr (EnlargeImage) image = enlarge_image_load_bytes (seed->bytes, &error);
      g_assert_no_error (error);
      g_assert_cmpint (image->bits, ==, 16);
    }

  /* the golden inputs: real photographs' PNG encoding */
  const char *golden[] = { "astronaut-face-64.png", "text-120x64.png" };
  for (gsize i = 0; i < G_N_ELEMENTS (golden); i++)
    {
      g_autofree char *path = etu_golden_path (golden[i]);
      add_seed (golden[i], etu_read_file (path));
    }
}

/* ---- mutations ---------------------------------------------------------- */

static const guint32 interesting32[] = {
  0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
  0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff, 60000, 16384, 65536 * 3,
};

static void
insert_bytes (GByteArray *b, guint at, const guint8 *data, guint n)
{
  guint old = b->len;

  g_byte_array_set_size (b, old + n);
  memmove (b->data + at + n, b->data + at, old - at);
  memcpy (b->data + at, data, n);
}

static void
mutate (GRand *rand, GByteArray *b)
{
  guint len = b->len;

  switch (g_rand_int_range (rand, 0, 7))
    {
    case 0:   /* bit flips */
      for (int n = g_rand_int_range (rand, 1, 9); n > 0 && len > 0; n--)
        b->data[g_rand_int_range (rand, 0, len)] ^= 1 << g_rand_int_range (rand, 0, 8);
      break;
    case 1:   /* interesting bytes */
      for (int n = g_rand_int_range (rand, 1, 5); n > 0 && len > 0; n--)
        {
          static const guint8 bytes[] = { 0, 1, 0x7f, 0x80, 0xff, 0xfe };
          b->data[g_rand_int_range (rand, 0, len)] = bytes[g_rand_int_range (rand, 0, 6)];
        }
      break;
    case 2:   /* an interesting 32-bit value, either byte order */
      if (len >= 4)
        {
          guint32 v = interesting32[g_rand_int_range (rand, 0, G_N_ELEMENTS (interesting32))];
          guint at = g_rand_int_range (rand, 0, len - 3);
          gboolean be = g_rand_boolean (rand);
          for (int k = 0; k < 4; k++)
            b->data[at + k] = be ? v >> (24 - 8 * k) : v >> (8 * k);
        }
      break;
    case 3:   /* truncation */
      if (len > 0)
        g_byte_array_set_size (b, g_rand_int_range (rand, 0, len));
      break;
    case 4:   /* random bytes inserted */
      {
        guint8 junk[16];
        guint n = g_rand_int_range (rand, 1, sizeof junk + 1);
        for (guint i = 0; i < n; i++)
          junk[i] = g_rand_int (rand);
        insert_bytes (b, g_rand_int_range (rand, 0, len + 1), junk, n);
      }
      break;
    case 5:   /* a slice repeated */
      if (len > 1)
        {
          guint from = g_rand_int_range (rand, 0, len - 1);
          guint n = g_rand_int_range (rand, 1, MIN (len - from, 64u) + 1);
          g_autofree guint8 *slice = g_memdup2 (b->data + from, n);
          insert_bytes (b, g_rand_int_range (rand, 0, len + 1), slice, n);
        }
      break;
    default:  /* a slice removed */
      if (len > 1)
        {
          guint from = g_rand_int_range (rand, 0, len - 1);
          g_byte_array_remove_range (b, from, g_rand_int_range (rand, 1, MIN (len - from, 64u) + 1));
        }
      break;
    }
}

/* Recomputes the CRC of every whole chunk of a PNG, so that a mutation
 * inside a chunk reaches the code reading it. */
static void
fix_png_crcs (GByteArray *b)
{
  gsize pos = 8;

  if (b->len < 8 || memcmp (b->data, "\x89PNG", 4) != 0)
    return;
  while (b->len - pos >= 12)
    {
      guint32 length = ((guint32) b->data[pos] << 24) | (b->data[pos + 1] << 16) |
                       (b->data[pos + 2] << 8) | b->data[pos + 3];
      if (length > b->len - pos - 12)
        break;
      guint32 crc = crc32 (0, b->data + pos + 4, length + 4);
      enlarge_put_be32 (b->data + pos + 8 + length, crc);
      pos += 12 + (gsize) length;
    }
}

/* ---- one case ----------------------------------------------------------- */

typedef struct {
  guint loaded;
  guint refused;      /* ENLARGE_ERROR_IMAGE_LOAD */
  guint too_large;
  guint saved;
  guint exif_kept;
} Stats;

/* What a loaded image must hold, and the writers fed what was read. */
static void
check_image (EnlargeImage *image, guint case_no, Stats *stats)
{
  g_assert_cmpint (image->width, >, 0);
  g_assert_cmpint (image->height, >, 0);
  g_assert_cmpuint ((guint64) image->width * image->height, <=, FUZZ_MAX_PIXELS);
  g_assert_true (image->n_channels == 3 || image->n_channels == 4);

  /* touch every pixel: an image shorter than it says shows here */
  guint sum = 0;
  g_assert_true (image->bits == 8 || image->bits == 16);
  for (gsize i = 0; i < (gsize) image->width * image->height * image->n_channels * (image->bits / 8); i++)
    sum += image->pixels[i];
  (void) sum;

  if (image->meta.exif != NULL)
    {
      g_autoptr (GBytes) out = enlarge_exif_for_output (image->meta.exif, image->width * 4,
                                                        image->height * 4, case_no % 2);
      if (out != NULL)
        {
          stats->exif_kept++;
          g_assert_cmpuint (g_bytes_get_size (out), ==, g_bytes_get_size (image->meta.exif));
          g_autoptr (GByteArray) app1 = g_byte_array_new ();
          enlarge_jpeg_append_exif (app1, out);
        }
    }

  /* A save a case in 64, in turn PNG, JPEG and WebP: the writers read the
   * metadata that was read from the damaged file. */
  if (case_no % 64 == 0)
    {
      static const char *names[] = { "out.png", "out.jpg", "out.webp" };
      const char *name = names[(case_no / 64) % G_N_ELEMENTS (names)];
      g_autofree char *path = g_build_filename (save_dir, name, NULL);
      g_autoptr (GError) error = NULL;
      if (enlarge_image_save (image, path, NULL, &error))
        {
          stats->saved++;
          g_autoptr (EnlargeImage) back = enlarge_image_load (path, &error);
          g_assert_no_error (error);
          g_assert_cmpint (back->width, ==, image->width);
          g_remove (path);
        }
      else
        g_error ("case %u: saving what was loaded failed: %s", case_no, error->message);
    }
}

static void
fuzz_file (const Seed *seed, guint case_no, Stats *stats)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (case_no);
  g_autoptr (GByteArray) b = g_byte_array_new ();

  g_byte_array_append (b, g_bytes_get_data (seed->bytes, NULL), g_bytes_get_size (seed->bytes));
  for (int n = g_rand_int_range (rand, 1, 4); n > 0; n--)
    mutate (rand, b);
  if (g_rand_boolean (rand))
    fix_png_crcs (b);

  /* an exact-size copy: an over-read is an AddressSanitizer report */
  g_autoptr (GBytes) bytes = g_bytes_new (b->data, b->len);

  EnlargeFileMetadata found = { NULL, NULL, 0 };
  enlarge_file_metadata_scan (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &found);
  if (found.exif != NULL)
    g_assert_true (enlarge_exif_is_valid (found.exif));
  enlarge_file_metadata_clear (&found);

  EnlargeLoadOptions options = ENLARGE_LOAD_OPTIONS_INIT;
  options.max_pixels = FUZZ_MAX_PIXELS;
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) image = b->len > 0 ? enlarge_image_load_bytes_full (bytes, &options, &error)
                                              : NULL;
  if (image != NULL)
    {
      g_assert_no_error (error);
      stats->loaded++;
      check_image (image, case_no, stats);
      return;
    }
  if (b->len == 0)
    {
      stats->refused++;
      return;
    }
  if (error == NULL)
    g_error ("case %u (%s): no image and no error", case_no, seed->name);
  if (error->domain != ENLARGE_ERROR ||
      (error->code != ENLARGE_ERROR_IMAGE_LOAD && error->code != ENLARGE_ERROR_TOO_LARGE &&
       error->code != ENLARGE_ERROR_NO_MEMORY))
    g_error ("case %u (%s): unexpected error %s %d: %s", case_no, seed->name,
             g_quark_to_string (error->domain), error->code, error->message);
  if (error->code == ENLARGE_ERROR_TOO_LARGE)
    stats->too_large++;
  else
    stats->refused++;
}

static void
test_fuzz_files (void)
{
  Stats stats = { 0 };
  g_autoptr (GTimer) timer = g_timer_new ();

  for (guint i = 0; i < n_cases; i++)
    {
      guint case_no = first_case + i;
      /* the EXIF seed is for the other test */
      const Seed *seed = g_ptr_array_index (seeds, 1 + case_no % (seeds->len - 1));
      fuzz_file (seed, case_no, &stats);
    }
  g_test_message ("%u file cases in %.1f s: %u loaded, %u refused, %u above the limit, "
                  "%u saved and read back, %u EXIF blocks edited",
                  n_cases, g_timer_elapsed (timer, NULL), stats.loaded, stats.refused,
                  stats.too_large, stats.saved, stats.exif_kept);
  /* the mutations must leave some files loadable, or nothing past the
   * decoder's first check was tested */
  g_assert_cmpuint (stats.loaded, >, n_cases / 20);
}

/* EXIF blocks straight into the readers and the editor. */
static void
test_fuzz_exif (void)
{
  const Seed *seed = g_ptr_array_index (seeds, 0);
  g_autoptr (GTimer) timer = g_timer_new ();
  guint valid = 0, edited = 0;

  for (guint i = 0; i < n_cases; i++)
    {
      guint case_no = first_case + i;
      g_autoptr (GRand) rand = g_rand_new_with_seed (case_no ^ 0x5eed);
      g_autoptr (GByteArray) b = g_byte_array_new ();

      g_byte_array_append (b, g_bytes_get_data (seed->bytes, NULL), g_bytes_get_size (seed->bytes));
      for (int n = g_rand_int_range (rand, 1, 4); n > 0; n--)
        mutate (rand, b);
      g_autoptr (GBytes) exif = g_bytes_new (b->data, b->len);

      if (!enlarge_exif_is_valid (exif))
        continue;
      valid++;
      int orientation = enlarge_exif_get_orientation (exif);
      g_assert_cmpint (orientation, >=, 1);
      g_assert_cmpint (orientation, <=, 8);
      g_free (enlarge_exif_get_string (exif, 0x010f));
      guint32 w, h;
      enlarge_exif_get_pixel_size (exif, &w, &h);
      enlarge_exif_has_gps (exif);

      for (int keep_gps = 0; keep_gps < 2; keep_gps++)
        {
          g_autoptr (GBytes) out = enlarge_exif_for_output (exif, 1 << 16, 3, keep_gps);
          if (out == NULL)
            continue;
          edited++;
          g_assert_cmpuint (g_bytes_get_size (out), ==, b->len);
          g_assert_true (enlarge_exif_is_valid (out));
          g_assert_cmpint (enlarge_exif_get_orientation (out), ==, 1);
          if (!keep_gps)
            g_assert_false (enlarge_exif_has_gps (out));
          /* an edited block is a valid input again (a second run of
           * the CLI on its own output) */
          g_autoptr (GBytes) again = enlarge_exif_for_output (out, 1 << 16, 3, keep_gps);
          g_assert_nonnull (again);
          if (!keep_gps)
            g_assert_false (enlarge_exif_has_gps (again));
          g_autoptr (GByteArray) chunk = g_byte_array_new ();
          enlarge_png_append_chunk (chunk, "eXIf", g_bytes_get_data (out, NULL),
                                    g_bytes_get_size (out));
        }
    }
  g_test_message ("%u EXIF cases in %.1f s: %u valid, %u edited",
                  n_cases, g_timer_elapsed (timer, NULL), valid, edited);
  g_assert_cmpuint (valid, >, n_cases / 4);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  const char *cases = g_getenv ("ENLARGE_FUZZ_CASES");
  const char *first = g_getenv ("ENLARGE_FUZZ_FIRST");
  n_cases = cases != NULL ? (guint) g_ascii_strtoull (cases, NULL, 10) : DEFAULT_CASES;
  first_case = first != NULL ? (guint) g_ascii_strtoull (first, NULL, 10) : 0;

  g_auto (EtuTempDir) tmp = { etu_make_temp_dir ("enlarge-fuzz-XXXXXX") };
  save_dir = tmp.path;
  make_seeds ();

  g_test_add_func ("/fuzz/files", test_fuzz_files);
  g_test_add_func ("/fuzz/exif", test_fuzz_exif);
  int status = g_test_run ();
  g_ptr_array_unref (seeds);
  return status;
}
