/* Image I/O: colour profiles, EXIF (orientation, camera data, GPS), DPI,
 * 16-bit input, and the output formats — through the engine and the CLI. */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "enlarge.h"
#include "enlarge-test-utils.h"
#include "enlarge-metadata.h"
#include "enlarge-png.h"

/* A real, non-sRGB profile from Debian's icc-profiles-free. */
#define ICC_PATH "/usr/share/color/icc/compatibleWithAdobeRGB1998.icc"
#define CLI_MODEL "realesr-animevideov3-x4"

#define TEMP_DIR_TEMPLATE "enlarge-image-test-XXXXXX"

/* ---- helpers ------------------------------------------------------------ */

/* The test profile, or NULL with the test skipped. */
static GBytes *
require_icc (void)
{
  char *contents;
  gsize len;

  if (!g_file_get_contents (ICC_PATH, &contents, &len, NULL))
    {
      g_test_skip (ICC_PATH " is missing; install icc-profiles-free");
      return NULL;
    }
  return g_bytes_new_take (contents, len);
}

static gboolean
format_readable (const char *name)
{
  g_autoptr (GSList) formats = gdk_pixbuf_get_formats ();

  for (GSList *l = formats; l != NULL; l = l->next)
    {
      g_autofree char *fname = gdk_pixbuf_format_get_name (l->data);
      if (g_str_equal (fname, name))
        return TRUE;
    }
  return FALSE;
}

/* WebP is written with libwebp, but read back through the GdkPixbuf
 * loader (webp-pixbuf-loader). */
static gboolean
require_format (const char *format)
{
  if (!enlarge_image_format_is_writable (format) ||
      !format_readable (enlarge_image_format_from_name (format)))
    {
      g_autofree char *message = g_strdup_printf ("%s images cannot be written and read here", format);
      g_test_skip (message);
      return FALSE;
    }
  return TRUE;
}

/* Smooth gradients with some detail; the alpha (when @n is 4) has opaque,
 * transparent and partly transparent parts. */
static EnlargeImage *
make_image (int width, int height, int n)
{
  g_autoptr (GError) error = NULL;
  EnlargeImage *image = enlarge_image_new (width, height, n, &error);
  g_assert_no_error (error);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = enlarge_image_pixel (image, x, y);
        p[0] = x * 255 / MAX (width - 1, 1);
        p[1] = y * 255 / MAX (height - 1, 1);
        p[2] = 128 + 60 * sin (x * 0.3) * cos (y * 0.2);
        if (n == 4)
          p[3] = x < width / 3 ? 255 : x < 2 * width / 3 ? 0 : 40 + y * 3;
      }
  return image;
}

static void
assert_bytes_equal (GBytes *a, GBytes *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpmem (g_bytes_get_data (a, NULL), g_bytes_get_size (a),
                   g_bytes_get_data (b, NULL), g_bytes_get_size (b));
}

static gboolean
contains (GBytes *haystack, const void *needle, gsize len)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (haystack, &size);

  for (gsize i = 0; size >= len && i <= size - len; i++)
    if (memcmp (data + i, needle, len) == 0)
      return TRUE;
  return FALSE;
}

static EnlargeImage *
load (const char *path)
{
  g_autoptr (GError) error = NULL;
  EnlargeImage *image = enlarge_image_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (image);
  return image;
}

static void
save (const EnlargeImage *image, const char *path, const EnlargeSaveOptions *options)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = enlarge_image_save_full (image, path, options, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

/* ---- EXIF built byte by byte --------------------------------------------- */

typedef struct {
  GByteArray *b;
  gboolean be;
} Tiff;

static void
tiff_u16 (Tiff *t, guint16 v)
{
  guint8 bytes[2] = { t->be ? v >> 8 : v & 0xff, t->be ? v & 0xff : v >> 8 };
  g_byte_array_append (t->b, bytes, 2);
}

static void
tiff_u32 (Tiff *t, guint32 v)
{
  if (t->be)
    tiff_u16 (t, v >> 16), tiff_u16 (t, v & 0xffff);
  else
    tiff_u16 (t, v & 0xffff), tiff_u16 (t, v >> 16);
}

static void
tiff_entry (Tiff *t, guint16 tag, guint16 type, guint32 count, guint32 value)
{
  tiff_u16 (t, tag);
  tiff_u16 (t, type);
  tiff_u32 (t, count);
  if (type == 3 && count == 1)
    tiff_u16 (t, value), tiff_u16 (t, 0);   /* a SHORT is left-justified */
  else
    tiff_u32 (t, value);
}

#define MAKE "TestCam"
#define MODEL "Model X-1"
#define DATE "2024:05:06 07:08:09"

/* The GPS latitude as it is stored: the test looks for these bytes in the
 * output files to prove the location is gone, not just unlinked. */
static void
gps_latitude (gboolean be, guint8 out[24])
{
  static const guint32 values[6] = { 51, 1, 30, 1, 265487, 10000 };
  for (int i = 0; i < 6; i++)
    for (int k = 0; k < 4; k++)
      out[i * 4 + k] = be ? values[i] >> (24 - 8 * k) : values[i] >> (8 * k);
}

/* IFD0 (Make, Model, Orientation, DateTime, Exif and GPS pointers), an Exif
 * IFD (PixelX/YDimension), a GPS IFD (version, latitude ref, latitude),
 * then the out-of-line values. */
static GBytes *
build_exif (gboolean be, int orientation, int width, int height)
{
  Tiff t = { g_byte_array_new (), be };
  const guint32 ifd0 = 8, exif_ifd = ifd0 + 2 + 6 * 12 + 4, gps_ifd = exif_ifd + 2 + 2 * 12 + 4;
  const guint32 make = gps_ifd + 2 + 3 * 12 + 4, model = make + sizeof MAKE;
  const guint32 date = model + sizeof MODEL, latitude = date + sizeof DATE;

  g_byte_array_append (t.b, (const guint8 *) (be ? "MM" : "II"), 2);
  tiff_u16 (&t, 42);
  tiff_u32 (&t, ifd0);

  tiff_u16 (&t, 6);
  tiff_entry (&t, 0x010f, 2, sizeof MAKE, make);
  tiff_entry (&t, 0x0110, 2, sizeof MODEL, model);
  tiff_entry (&t, 0x0112, 3, 1, orientation);
  tiff_entry (&t, 0x0132, 2, sizeof DATE, date);
  tiff_entry (&t, 0x8769, 4, 1, exif_ifd);
  tiff_entry (&t, 0x8825, 4, 1, gps_ifd);
  tiff_u32 (&t, 0);
  g_assert_cmpuint (t.b->len, ==, exif_ifd);

  tiff_u16 (&t, 2);
  tiff_entry (&t, 0xa002, 4, 1, width);
  tiff_entry (&t, 0xa003, 4, 1, height);
  tiff_u32 (&t, 0);
  g_assert_cmpuint (t.b->len, ==, gps_ifd);

  tiff_u16 (&t, 3);
  g_byte_array_append (t.b, (const guint8 *) (be ? "\0\0\0\1\0\0\0\4\2\3\0\0" : "\0\0\1\0\4\0\0\0\2\3\0\0"), 12);
  tiff_u16 (&t, 0x0001);   /* GPSLatitudeRef "N" */
  tiff_u16 (&t, 2);
  tiff_u32 (&t, 2);
  g_byte_array_append (t.b, (const guint8 *) "N\0\0\0", 4);
  tiff_entry (&t, 0x0002, 5, 3, latitude);
  tiff_u32 (&t, 0);
  g_assert_cmpuint (t.b->len, ==, make);

  g_byte_array_append (t.b, (const guint8 *) MAKE, sizeof MAKE);
  g_byte_array_append (t.b, (const guint8 *) MODEL, sizeof MODEL);
  g_byte_array_append (t.b, (const guint8 *) DATE, sizeof DATE);
  guint8 lat[24];
  gps_latitude (be, lat);
  g_byte_array_append (t.b, lat, sizeof lat);

  return g_byte_array_free_to_bytes (t.b);
}

/* @jpeg with an APP1 "Exif\0\0" segment holding @exif after SOI and APP0. */
static GBytes *
jpeg_with_exif (GBytes *jpeg, GBytes *exif)
{
  gsize len, exif_len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);
  const guint8 *block = g_bytes_get_data (exif, &exif_len);
  gsize at = 2;

  g_assert_true (data[0] == 0xff && data[1] == 0xd8);
  if (data[2] == 0xff && data[3] == 0xe0)
    at += 2 + ((data[4] << 8) | data[5]);

  GByteArray *out = g_byte_array_new ();
  gsize seg = exif_len + 8;
  guint8 marker[4] = { 0xff, 0xe1, seg >> 8, seg & 0xff };
  g_byte_array_append (out, data, at);
  g_byte_array_append (out, marker, 4);
  g_byte_array_append (out, (const guint8 *) "Exif\0\0", 6);
  g_byte_array_append (out, block, exif_len);
  g_byte_array_append (out, data + at, len - at);
  return g_byte_array_free_to_bytes (out);
}

/* A 48 × 32 JPEG, gray with a red 16 × 16 block in its top-left corner. */
static GBytes *
marked_jpeg (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 48, 32);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  char *buffer;
  gsize len;

  for (int y = 0; y < 32; y++)
    for (int x = 0; x < 48; x++)
      {
        guint8 *p = pixels + y * stride + x * 3;
        gboolean red = x < 16 && y < 16;
        p[0] = red ? 230 : 128;
        p[1] = red ? 20 : 128;
        p[2] = red ? 20 : 128;
      }
  gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, "jpeg", &error, "quality", "95", NULL);
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, len);
}

static gboolean
is_red (const EnlargeImage *image, int x, int y)
{
  const guint8 *p = enlarge_image_pixel (image, x, y);
  return p[0] > 180 && p[1] < 80 && p[2] < 80;
}

static gboolean
is_gray (const EnlargeImage *image, int x, int y)
{
  const guint8 *p = enlarge_image_pixel (image, x, y);
  return ABS (p[0] - 128) < 20 && ABS (p[1] - 128) < 20 && ABS (p[2] - 128) < 20;
}

/* ---- ICC profiles --------------------------------------------------------- */

/* The profile GdkPixbuf's own loaders (libpng, libjpeg, libtiff) see: an
 * independent check of what the engine wrote. */
static GBytes *
pixbuf_icc (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (path, &error);
  g_assert_no_error (error);
  const char *b64 = gdk_pixbuf_get_option (pixbuf, "icc-profile");
  if (b64 == NULL)
    return NULL;
  gsize len;
  guchar *data = g_base64_decode (b64, &len);
  return g_bytes_new_take (data, len);
}

static void
test_icc (gconstpointer data)
{
  const char *ext = data;
  g_autoptr (GBytes) icc = require_icc ();
  if (icc == NULL || !require_format (ext))
    return;

  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *first = g_strdup_printf ("%s/first.%s", tmp.path, ext);
  g_autofree char *second = g_strdup_printf ("%s/second.%s", tmp.path, ext);

  /* An input carrying the profile … */
  g_autoptr (EnlargeImage) image = make_image (32, 24, 3);
  image->meta.icc_profile = g_bytes_ref (icc);
  save (image, first, NULL);
  if (!g_str_equal (ext, "webp"))
    {
      g_autoptr (GBytes) seen = pixbuf_icc (first);
      assert_bytes_equal (seen, icc);
    }

  /* … comes out of load → save with the identical bytes. */
  g_autoptr (EnlargeImage) loaded = load (first);
  assert_bytes_equal (loaded->meta.icc_profile, icc);
  g_autoptr (EnlargeImage) copy = enlarge_image_copy (loaded, NULL);
  save (copy, second, NULL);
  g_autoptr (EnlargeImage) again = load (second);
  assert_bytes_equal (again->meta.icc_profile, icc);

  /* An image without a profile gets none. */
  g_autoptr (EnlargeImage) plain = make_image (8, 8, 3);
  save (plain, second, NULL);
  g_autoptr (EnlargeImage) plain_loaded = load (second);
  g_assert_null (plain_loaded->meta.icc_profile);
}

/* PNG → JPEG, JPEG → PNG: the profile crosses formats. */
static void
test_icc_across_formats (void)
{
  g_autoptr (GBytes) icc = require_icc ();
  if (icc == NULL)
    return;

  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *png = g_build_filename (tmp.path, "a.png", NULL);
  g_autofree char *jpg = g_build_filename (tmp.path, "b.jpg", NULL);
  g_autofree char *png2 = g_build_filename (tmp.path, "c.png", NULL);
  g_autoptr (EnlargeImage) image = make_image (20, 10, 3);
  image->meta.icc_profile = g_bytes_ref (icc);
  save (image, png, NULL);

  g_autoptr (EnlargeImage) a = load (png);
  save (a, jpg, NULL);
  g_autoptr (EnlargeImage) b = load (jpg);
  save (b, png2, NULL);
  g_autoptr (GBytes) seen = pixbuf_icc (png2);
  assert_bytes_equal (seen, icc);
}

/* ---- EXIF ----------------------------------------------------------------- */

static void
check_output_exif (const char *path, int width, int height, gboolean be, gboolean gps)
{
  g_autoptr (EnlargeImage) out = load (path);
  /* not turned a second time */
  g_assert_cmpint (out->width, ==, width);
  g_assert_cmpint (out->height, ==, height);

  GBytes *exif = out->meta.exif;
  g_assert_nonnull (exif);
  g_assert_cmpint (enlarge_exif_get_orientation (exif), ==, 1);
  g_autofree char *make = enlarge_exif_get_string (exif, 0x010f);
  g_autofree char *model = enlarge_exif_get_string (exif, 0x0110);
  g_autofree char *date = enlarge_exif_get_string (exif, 0x0132);
  g_assert_cmpstr (make, ==, MAKE);
  g_assert_cmpstr (model, ==, MODEL);
  g_assert_cmpstr (date, ==, DATE);
  guint32 pw, ph;
  g_assert_true (enlarge_exif_get_pixel_size (exif, &pw, &ph));
  g_assert_cmpuint (pw, ==, width);
  g_assert_cmpuint (ph, ==, height);

  /* GPS: unlinked and its bytes gone from the whole file, or kept. */
  g_autoptr (GBytes) file = etu_read_file (path);
  guint8 lat[24];
  gps_latitude (be, lat);
  g_assert_cmpint (enlarge_exif_has_gps (exif), ==, gps);
  g_assert_cmpint (contains (file, lat, sizeof lat), ==, gps);
}

static void
test_orientation (gconstpointer data)
{
  gboolean be = GPOINTER_TO_INT (data);
  g_autoptr (GBytes) jpeg = marked_jpeg ();
  g_autoptr (GBytes) exif = build_exif (be, 6, 48, 32);
  g_autoptr (GBytes) input = jpeg_with_exif (jpeg, exif);
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *in_path = g_build_filename (tmp.path, "in.jpg", NULL);
  etu_write_file (in_path, g_bytes_get_data (input, NULL), g_bytes_get_size (input));

  /* Orientation 6: turned 90° clockwise, the top-left corner of the stored
   * pixels ends up top-right. */
  g_autoptr (EnlargeImage) image = load (in_path);
  g_assert_cmpint (image->width, ==, 32);
  g_assert_cmpint (image->height, ==, 48);
  g_assert_true (is_red (image, 24, 8));
  g_assert_true (is_gray (image, 8, 8));
  g_assert_true (is_gray (image, 24, 40));
  g_assert_true (is_gray (image, 8, 40));
  g_assert_nonnull (image->meta.exif);
  g_assert_cmpint (enlarge_exif_get_orientation (image->meta.exif), ==, 6);

  const char *exts[] = { "jpg", "png", "webp" };
  for (gsize i = 0; i < G_N_ELEMENTS (exts); i++)
    {
      if (g_str_equal (exts[i], "webp") && !format_readable ("webp"))
        continue;
      g_autofree char *out = g_strdup_printf ("%s/out.%s", tmp.path, exts[i]);
      g_autofree char *kept = g_strdup_printf ("%s/kept.%s", tmp.path, exts[i]);
      EnlargeSaveOptions options = ENLARGE_SAVE_OPTIONS_INIT;

      g_test_message ("EXIF in %s", exts[i]);
      save (image, out, &options);
      check_output_exif (out, 32, 48, be, FALSE);

      options.keep_gps = TRUE;
      save (image, kept, &options);
      check_output_exif (kept, 32, 48, be, TRUE);
    }

  /* GdkPixbuf's JPEG loader agrees the output is upright. */
  g_autofree char *out = g_build_filename (tmp.path, "out.jpg", NULL);
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (out, NULL);
  g_assert_cmpstr (gdk_pixbuf_get_option (pixbuf, "orientation"), ==, "1");

  /* The input's own block is unchanged (the edit is on a copy). */
  g_assert_cmpint (enlarge_exif_get_orientation (image->meta.exif), ==, 6);
  g_assert_true (enlarge_exif_has_gps (image->meta.exif));
}

/* PNG's loader does not read eXIf; the engine applies its orientation. */
static void
test_png_exif_orientation (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *plain = g_build_filename (tmp.path, "plain.png", NULL);
  g_autofree char *with_exif = g_build_filename (tmp.path, "exif.png", NULL);
  g_autoptr (EnlargeImage) image = make_image (30, 20, 3);
  guint8 *corner = enlarge_image_pixel (image, 0, 0);
  corner[0] = 255, corner[1] = 0, corner[2] = 0;
  save (image, plain, NULL);

  /* eXIf before IDAT, built with the engine's chunk writer */
  g_autoptr (GBytes) file = etu_read_file (plain);
  g_autoptr (GBytes) exif = build_exif (FALSE, 6, 30, 20);
  gsize len;
  const guint8 *data = g_bytes_get_data (file, &len);
  gssize at = enlarge_png_insert_offset (data, len);
  g_assert_cmpint (at, >, 8);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_byte_array_append (out, data, at);
  enlarge_png_append_chunk (out, "eXIf", g_bytes_get_data (exif, NULL), g_bytes_get_size (exif));
  g_byte_array_append (out, data + at, len - at);
  etu_write_file (with_exif, out->data, out->len);

  g_autoptr (EnlargeImage) loaded = load (with_exif);
  g_assert_cmpint (loaded->width, ==, 20);
  g_assert_cmpint (loaded->height, ==, 30);
  const guint8 *p = enlarge_image_pixel (loaded, 19, 0);
  g_assert_cmpint (p[0], ==, 255);
  g_assert_cmpint (p[1], ==, 0);
  g_autofree char *make = enlarge_exif_get_string (loaded->meta.exif, 0x010f);
  g_assert_cmpstr (make, ==, MAKE);
}

/* Damaged EXIF never makes loading or saving fail. */
static void
test_malformed_exif (void)
{
  g_autoptr (GBytes) jpeg = marked_jpeg ();
  g_autoptr (GBytes) good = build_exif (g_test_rand_bit (), 6, 48, 32);
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *in_path = g_build_filename (tmp.path, "in.jpg", NULL);
  gsize good_len;
  const guint8 *good_data = g_bytes_get_data (good, &good_len);

  for (int round = 0; round < 300; round++)
    {
      g_autoptr (GByteArray) bad = g_byte_array_new ();
      g_byte_array_append (bad, good_data, good_len);
      if (round < 60)
        g_byte_array_set_size (bad, round * good_len / 60);        /* truncated */
      else
        for (int k = 0; k < 1 + round % 8; k++)                     /* flipped bytes */
          bad->data[g_test_rand_int_range (0, bad->len)] = g_test_rand_int_range (0, 256);

      g_autoptr (GBytes) exif = g_bytes_new (bad->data, bad->len);
      g_autoptr (GBytes) input = jpeg_with_exif (jpeg, exif);
      etu_write_file (in_path, g_bytes_get_data (input, NULL), g_bytes_get_size (input));

      g_autoptr (EnlargeImage) image = load (in_path);
      g_assert_cmpint (image->width * image->height, ==, 48 * 32);
      g_autofree char *png = g_build_filename (tmp.path, "out.png", NULL);
      g_autofree char *jpg = g_build_filename (tmp.path, "out.jpg", NULL);
      save (image, png, NULL);
      save (image, jpg, NULL);
      g_autoptr (EnlargeImage) back = load (png);
      g_assert_cmpint (back->width, ==, image->width);
      if (back->meta.exif != NULL)
        g_assert_cmpint (enlarge_exif_get_orientation (back->meta.exif), ==, 1);
    }
}

/* ---- DPI, 16-bit ------------------------------------------------------------ */

static void
test_dpi (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  const char *exts[] = { "png", "jpg", "tif" };

  for (gsize i = 0; i < G_N_ELEMENTS (exts); i++)
    {
      if (!enlarge_image_format_is_writable (exts[i]))
        continue;
      g_autofree char *path = g_strdup_printf ("%s/dpi.%s", tmp.path, exts[i]);
      g_autoptr (EnlargeImage) image = make_image (16, 16, 3);
      image->meta.dpi_x = image->meta.dpi_y = 300;
      save (image, path, NULL);
      g_autoptr (EnlargeImage) loaded = load (path);
      g_assert_cmpint (loaded->meta.dpi_x, ==, 300);
      g_assert_cmpint (loaded->meta.dpi_y, ==, 300);
    }
}

/* The parallel PNG encoder: libpng (through GdkPixbuf) reads back every
 * pixel, CRCs and the Adler-32 of the joined pieces included, and the
 * file is about as small as GdkPixbuf's own at the same level. */
static void
png_encoder_case (int w, int h, int n_channels)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (w * 31 + h);
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, n_channels == 4, 8, w, h);
  g_autoptr (GError) error = NULL;
  const int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint8 *px = gdk_pixbuf_get_pixels (pixbuf);

  /* smooth shapes plus noise, like a photograph: every filter gets used */
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < n_channels; c++)
        {
          double v = 128 + 90 * sin (x * 0.02 * (c + 1) + y * 0.013) * cos (y * 0.031);
          px[(gsize) y * stride + x * n_channels + c] =
            (guint8) CLAMP (v + g_rand_int_range (rand, -6, 7), 0, 255);
        }

  g_autoptr (GBytes) png = enlarge_png_encode (px, w, h, stride, n_channels, 6, NULL, 0, 0, &error);
  g_assert_no_error (error);
  g_autoptr (GInputStream) in = g_memory_input_stream_new_from_bytes (png);
  g_autoptr (GdkPixbuf) back = gdk_pixbuf_new_from_stream (in, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (back), ==, w);
  g_assert_cmpint (gdk_pixbuf_get_height (back), ==, h);
  g_assert_cmpint (gdk_pixbuf_get_n_channels (back), ==, n_channels);
  for (int y = 0; y < h; y++)
    g_assert_cmpmem (gdk_pixbuf_get_pixels (back) + (gsize) y * gdk_pixbuf_get_rowstride (back),
                     (gsize) w * n_channels, px + (gsize) y * stride, (gsize) w * n_channels);

  gchar *buf = NULL;
  gsize len = 0;
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buf, &len, "png", &error,
                                            "compression", "6", NULL));
  g_test_message ("%d×%d×%d: %" G_GSIZE_FORMAT " bytes, GdkPixbuf %" G_GSIZE_FORMAT,
                  w, h, n_channels, g_bytes_get_size (png), len);
  g_assert_cmpfloat ((double) g_bytes_get_size (png), <=, 1.03 * len + 64);
  g_free (buf);
}

static void
test_png_encoder (void)
{
  png_encoder_case (1, 1, 3);
  png_encoder_case (3, 2000, 4);    /* narrow: many rows a piece */
  png_encoder_case (1200, 900, 3);  /* 3.2 MB: seven pieces */
  png_encoder_case (701, 499, 4);
}

static void
test_16_bit_png (void)
{
  static const guint8 magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  const int w = 5, h = 3;
  g_autoptr (GByteArray) png = g_byte_array_new ();
  g_autoptr (GByteArray) raw = g_byte_array_new ();

  g_byte_array_append (png, magic, 8);
  guint8 ihdr[13] = { 0, 0, 0, w, 0, 0, 0, h, 16, 2, 0, 0, 0 };   /* 16-bit RGB */
  enlarge_png_append_chunk (png, "IHDR", ihdr, sizeof ihdr);
  for (int y = 0; y < h; y++)
    {
      g_byte_array_append (raw, (const guint8 *) "", 1);   /* filter: none */
      for (int x = 0; x < w; x++)
        for (int c = 0; c < 3; c++)
          {
            guint16 v = (x * 13000 + y * 3000 + c * 700) & 0xffff;
            guint8 be[2] = { v >> 8, v & 0xff };
            g_byte_array_append (raw, be, 2);
          }
    }
  g_autoptr (GZlibCompressor) zlib = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 6);
  guint8 compressed[4096];
  gsize n_read, written;
  g_autoptr (GError) error = NULL;
  GConverterResult r = g_converter_convert (G_CONVERTER (zlib), raw->data, raw->len,
                                            compressed, sizeof compressed,
                                            G_CONVERTER_INPUT_AT_END, &n_read, &written, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r, ==, G_CONVERTER_FINISHED);
  enlarge_png_append_chunk (png, "IDAT", compressed, written);
  enlarge_png_append_chunk (png, "IEND", NULL, 0);

  g_autoptr (GBytes) bytes = g_byte_array_free_to_bytes (g_steal_pointer (&png));
  g_autoptr (EnlargeImage) image = enlarge_image_load_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpint (image->meta.bits_per_sample, ==, 16);
  g_assert_cmpint (image->width, ==, w);
  /* read with its 16 bits (tests/test-depth.c has the rest) */
  g_assert_cmpint (image->bits, ==, 16);
  for (int x = 0; x < w; x++)
    g_assert_cmpint (enlarge_image_pixel16 (image, x, 2)[0], ==, (guint16) (x * 13000 + 2 * 3000));
}

/* ---- output formats ------------------------------------------------------- */

typedef struct {
  const char *ext;
  int channels;
  gboolean lossless;
  int quality;
  gboolean exact;      /* FALSE: PSNR ≥ 30 dB (and alpha within 8) */
  gboolean premultiplied;   /* exact where opaque, within rounding elsewhere */
} FormatCase;

static const FormatCase format_cases[] = {
  { "png", 3, FALSE, 0, TRUE },
  { "png", 4, FALSE, 0, TRUE },
  { "tif", 3, FALSE, 0, TRUE },
  { "tiff", 4, FALSE, 0, FALSE, TRUE },
  { "jpg", 3, FALSE, 0, FALSE },
  { "jpeg", 3, FALSE, 80, FALSE },
  { "webp", 3, FALSE, 0, FALSE },
  { "webp", 4, FALSE, 90, FALSE },
  { "webp", 3, TRUE, 0, TRUE },
  { "webp", 4, TRUE, 0, TRUE },
};

static EnlargeImage *
flatten (const EnlargeImage *image)
{
  EnlargeImage *out = enlarge_image_new (image->width, image->height, 3, NULL);

  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      {
        const guint8 *s = enlarge_image_pixel (image, x, y);
        guint a = image->n_channels == 4 ? s[3] : 255;
        for (int c = 0; c < 3; c++)
          enlarge_image_pixel (out, x, y)[c] = (s[c] * a + 255 * (255 - a) + 127) / 255;
      }
  return out;
}

static void
test_format (gconstpointer data)
{
  const FormatCase *fc = data;
  if (!require_format (fc->ext))
    return;

  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *path = g_strdup_printf ("%s/out.%s", tmp.path, fc->ext);
  g_autoptr (EnlargeImage) image = make_image (64, 48, fc->channels);
  EnlargeSaveOptions options = { NULL, fc->quality, fc->lossless, FALSE };
  save (image, path, &options);

  g_autoptr (EnlargeImage) back = load (path);
  g_assert_cmpint (back->width, ==, 64);
  g_assert_cmpint (back->height, ==, 48);
  if (fc->premultiplied)
    {
      /* GdkPixbuf reads TIFF alpha through libtiff's premultiplied RGBA,
       * undone on load: colour is exact where opaque, and to within the
       * rounding of premultiplication elsewhere (nothing where a = 0). */
      g_assert_cmpint (back->n_channels, ==, 4);
      for (int y = 0; y < 48; y++)
        for (int x = 0; x < 64; x++)
          {
            const guint8 *a = enlarge_image_pixel (back, x, y);
            const guint8 *b = enlarge_image_pixel (image, x, y);
            g_assert_cmpint (a[3], ==, b[3]);
            for (int c = 0; c < 3 && b[3] > 0; c++)
              g_assert_cmpint (ABS (a[c] - b[c]), <=, b[3] == 255 ? 0 : 128 / b[3] + 1);
          }
    }
  else if (fc->exact)
    {
      g_assert_cmpint (back->n_channels, ==, fc->channels);
      g_assert_cmpmem (back->pixels, (gsize) 64 * 48 * fc->channels,
                       image->pixels, (gsize) 64 * 48 * image->n_channels);
    }
  else
    {
      /* Lossy WebP need not keep the colour under transparent pixels:
       * compare what is seen, over white. */
      g_autoptr (EnlargeImage) seen_back = flatten (back);
      g_autoptr (EnlargeImage) seen = flatten (image);
      double psnr = enlarge_image_psnr (seen_back, seen);
      g_test_message ("%s quality %d: PSNR %.2f dB", fc->ext, fc->quality, psnr);
      g_assert_cmpfloat (psnr, >=, 30.0);
      if (fc->channels == 4)
        {
          g_assert_cmpint (back->n_channels, ==, 4);
          for (int y = 0; y < 48; y++)
            for (int x = 0; x < 64; x++)
              g_assert_cmpint (ABS (enlarge_image_pixel (back, x, y)[3] -
                                    enlarge_image_pixel (image, x, y)[3]), <=, 8);
        }
    }
}

/* The format from the options wins over the extension; quality matters. */
static void
test_save_options (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autoptr (EnlargeImage) image = make_image (96, 64, 3);
  g_autofree char *noext = g_build_filename (tmp.path, "noext", NULL);
  g_autofree char *low = g_build_filename (tmp.path, "low.jpg", NULL);
  g_autofree char *high = g_build_filename (tmp.path, "high.jpg", NULL);
  g_autoptr (GError) error = NULL;

  EnlargeSaveOptions options = { "jpeg", 20, FALSE, FALSE };
  save (image, noext, &options);
  g_autoptr (GBytes) bytes = etu_read_file (noext);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (bytes, NULL))[0], ==, 0xff);

  options.format = NULL;
  save (image, low, &options);
  options.quality = 98;
  save (image, high, &options);
  g_autoptr (GBytes) low_bytes = etu_read_file (low);
  g_autoptr (GBytes) high_bytes = etu_read_file (high);
  g_assert_cmpuint (g_bytes_get_size (low_bytes), <, g_bytes_get_size (high_bytes));

  options.quality = 101;
  g_assert_false (enlarge_image_save_full (image, high, &options, &error));
  g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  options.quality = 0;
  options.lossless = TRUE;
  g_assert_false (enlarge_image_save_full (image, high, &options, &error));
  g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  options.lossless = FALSE;
  options.format = "gif";
  g_assert_false (enlarge_image_save_full (image, high, &options, &error));
  g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* the failed saves left nothing behind and the earlier file intact */
  g_autoptr (GBytes) still = etu_read_file (high);
  assert_bytes_equal (still, high_bytes);

  g_assert_cmpstr (enlarge_image_format_from_name ("JPG"), ==, "jpeg");
  g_assert_cmpstr (enlarge_image_format_from_name ("tif"), ==, "tiff");
  g_assert_null (enlarge_image_format_from_name ("bmp"));
  g_assert_cmpstr (enlarge_image_format_extension ("jpeg"), ==, "jpg");
}

/* ---- the CLI -------------------------------------------------------------- */

static void
test_cli_usage (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *input = g_build_filename (tmp.path, "in.png", NULL);
  g_autoptr (EnlargeImage) image = make_image (12, 8, 3);
  save (image, input, NULL);

  const char *bad[][4] = {
    { "--format", "gif", NULL },
    { "--format", "png", "-o", "out.jpg" },
    { "--format", "webp", "-o", "out.tif" },
    { "--quality", "0", NULL },
    { "--quality", "101", NULL },
    { "--alpha", "nearest", NULL },
    { "--lossless", "-o", "out.jpg", NULL },
    { "--format", "jpeg", "--lossless", NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto (EtuCliResult) r = { 0 };
      etu_run_cli (&r, tmp.path, "-m", CLI_MODEL, "--dry-run", "in.png",
               bad[i][0], bad[i][1], bad[i][2], bad[i][3], NULL);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_nonnull (strstr (r.err, "--help"));
    }

  /* Default names follow --format; a name without extension takes it. */
  struct { const char *args[4]; const char *ending; } good[] = {
    { { NULL }, "/in-enlarged-4x.png\n" },
    { { "--format", "webp", NULL }, "/in-enlarged-4x.webp\n" },
    { { "--format", "JPG", NULL }, "/in-enlarged-4x.jpg\n" },
    { { "--format", "tiff", NULL }, "/in-enlarged-4x.tif\n" },
    { { "--format", "jpeg", "-o", "result" }, "→ result\n" },
    { { "--format", "jpeg", "-o", "result.JPEG" }, "→ result.JPEG\n" },
    { { "--quality", "50", "--alpha", "fast" }, "-enlarged-4x.png\n" },
    { { "--tta", "--keep-gps", "--lossless", NULL }, "-enlarged-4x.png\n" },
    { { "--lossless", "-o", "x.webp", NULL }, "→ x.webp\n" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_auto (EtuCliResult) r = { 0 };
      etu_run_cli (&r, tmp.path, "-m", CLI_MODEL, "--dry-run", "in.png",
               good[i].args[0], good[i].args[1], good[i].args[2], good[i].args[3], NULL);
      g_assert_cmpint (r.status, ==, 0);
      g_assert_true (g_str_has_suffix (r.out, good[i].ending));
    }

  g_auto (EtuCliResult) help = { 0 };
  etu_run_cli (&help, NULL, "--help", NULL);
  const char *documented[] = { "--format=FORMAT", "--quality=Q", "--lossless", "--keep-gps",
                               "--alpha=MODE", "--tta" };
  for (gsize i = 0; i < G_N_ELEMENTS (documented); i++)
    {
      g_autofree char *needle = g_strdup_printf ("\n  %s ", documented[i]);
      g_assert_nonnull (strstr (help.out, needle));
    }
}

/* A real model run: the ICC profile and EXIF survive; orientation is
 * applied once. */
static void
test_cli_metadata (void)
{
  g_autoptr (GBytes) icc = require_icc ();
  if (icc == NULL || !etu_require_model (CLI_MODEL))
    return;

  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };

  /* PNG 32 × 24 with the profile → JPEG and WebP */
  g_autofree char *png = g_build_filename (tmp.path, "in.png", NULL);
  g_autoptr (EnlargeImage) image = make_image (32, 24, 3);
  image->meta.icc_profile = g_bytes_ref (icc);
  save (image, png, NULL);
  {
    g_auto (EtuCliResult) r = { 0 };
    etu_run_cli (&r, tmp.path, "-q", "-m", CLI_MODEL, "in.png", "-o", "out.jpg", "--quality", "90", NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_autofree char *out = g_build_filename (tmp.path, "out.jpg", NULL);
    g_autoptr (EnlargeImage) result = load (out);
    g_assert_cmpint (result->width, ==, 128);
    g_assert_cmpint (result->height, ==, 96);
    assert_bytes_equal (result->meta.icc_profile, icc);
    g_autoptr (GBytes) seen = pixbuf_icc (out);
    assert_bytes_equal (seen, icc);
  }

  /* JPEG with the profile, orientation 6 and GPS → PNG */
  g_autoptr (GBytes) jpeg = marked_jpeg ();
  g_autoptr (GBytes) exif = build_exif (TRUE, 6, 48, 32);
  g_autoptr (GBytes) with_exif = jpeg_with_exif (jpeg, exif);
  g_autofree char *jpg = g_build_filename (tmp.path, "in.jpg", NULL);
  etu_write_file (jpg, g_bytes_get_data (with_exif, NULL), g_bytes_get_size (with_exif));
  g_autoptr (EnlargeImage) oriented = load (jpg);
  g_autofree char *jpg_icc = g_build_filename (tmp.path, "in-icc.jpg", NULL);
  oriented->meta.icc_profile = g_bytes_ref (icc);
  /* saved upright (orientation 1) with the profile and the GPS data */
  EnlargeSaveOptions keep = { NULL, 0, FALSE, TRUE };
  save (oriented, jpg_icc, &keep);
  g_autoptr (EnlargeImage) upright = load (jpg_icc);
  assert_bytes_equal (upright->meta.icc_profile, icc);
  g_assert_true (enlarge_exif_has_gps (upright->meta.exif));
  {
    g_auto (EtuCliResult) r = { 0 };
    etu_run_cli (&r, tmp.path, "-q", "-m", CLI_MODEL, "in-icc.jpg", "-o", "out.png", NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_autofree char *out = g_build_filename (tmp.path, "out.png", NULL);
    check_output_exif (out, 128, 192, TRUE, FALSE);
    g_autoptr (EnlargeImage) result = load (out);
    assert_bytes_equal (result->meta.icc_profile, icc);
    g_autoptr (GBytes) seen = pixbuf_icc (out);
    assert_bytes_equal (seen, icc);
    g_assert_true (is_red (result, 100, 30));
    g_assert_true (is_gray (result, 30, 30));
  }
  {
    g_auto (EtuCliResult) r = { 0 };
    etu_run_cli (&r, tmp.path, "-q", "-m", CLI_MODEL, "in.jpg", "--keep-gps", "--format", "webp",
             "--lossless", NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_autofree char *out = g_build_filename (tmp.path, "in-enlarged-4x.webp", NULL);
    if (format_readable ("webp"))
      check_output_exif (out, 128, 192, TRUE, TRUE);
  }
}

/* NEAREST copies source pixels unchanged: output pixel (x, y) is source
 * pixel (x * w / W, y * h / H), enlarging and shrinking, with alpha; and a
 * window of it is that window of the whole, as for the other filters. */
static void
test_resample_nearest (void)
{
  static const struct { int width, height; } sizes[] = { { 7, 5 }, { 2, 1 }, { 13, 2 } };
  g_autoptr (EnlargeImage) src = enlarge_image_new (3, 4, 4, NULL);

  for (int y = 0; y < src->height; y++)
    for (int x = 0; x < src->width; x++)
      {
        guint8 *p = enlarge_image_pixel (src, x, y);
        /* values that any averaging would change */
        p[0] = (guint8) (x * 97 + y * 31);
        p[1] = (guint8) (255 - x * 40 - y * 50);
        p[2] = (guint8) ((x + y) % 2 ? 250 : 3);
        p[3] = (guint8) (y * 80 + 10);
      }
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      int w = sizes[s].width, h = sizes[s].height;
      g_autoptr (GError) error = NULL;
      g_autoptr (EnlargeImage) out = enlarge_resample (src, w, h, ENLARGE_FILTER_NEAREST, &error);

      g_assert_no_error (error);
      g_assert_cmpint (out->width, ==, w);
      g_assert_cmpint (out->n_channels, ==, 4);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          g_assert_cmpmem (enlarge_image_pixel (out, x, y), 4,
                           enlarge_image_pixel (src, x * src->width / w, y * src->height / h), 4);
    }

  {
    const EnlargeRect window = { 2, 1, 4, 3 };
    g_autoptr (EnlargeImage) full = enlarge_resample (src, 7, 5, ENLARGE_FILTER_NEAREST, NULL);
    g_autoptr (EnlargeImage) part = NULL;
    g_autoptr (EnlargeImage) got = NULL;
    g_autoptr (GError) error = NULL;
    EnlargeRect source;

    enlarge_resample_window_source (3, 4, 7, 5, &window, ENLARGE_FILTER_NEAREST, &source);
    /* output columns 2 … 5 read source columns 0 … 2, rows 1 … 3 read 0 … 2 */
    g_assert_cmpint (source.x, ==, 0);
    g_assert_cmpint (source.width, ==, 3);
    g_assert_cmpint (source.y, ==, 0);
    g_assert_cmpint (source.height, ==, 3);
    part = enlarge_image_crop (src, &source, &error);
    g_assert_no_error (error);
    got = enlarge_resample_window (part, source.x, source.y, 3, 4, 7, 5, &window,
                                   ENLARGE_FILTER_NEAREST, &error);
    g_assert_no_error (error);
    for (int y = 0; y < window.height; y++)
      g_assert_cmpmem (enlarge_image_pixel (got, 0, y), 4 * window.width,
                       enlarge_image_pixel (full, window.x, window.y + y), 4 * window.width);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("ENLARGE_CLI") == NULL)
    etu_set_cli_path ("src/cli/enlarge-cli");

  g_test_add_data_func ("/image/icc/png", "png", test_icc);
  g_test_add_data_func ("/image/icc/jpeg", "jpg", test_icc);
  g_test_add_data_func ("/image/icc/tiff", "tif", test_icc);
  g_test_add_data_func ("/image/icc/webp", "webp", test_icc);
  g_test_add_func ("/image/icc/across-formats", test_icc_across_formats);
  g_test_add_data_func ("/image/exif/orientation-little-endian", GINT_TO_POINTER (FALSE), test_orientation);
  g_test_add_data_func ("/image/exif/orientation-big-endian", GINT_TO_POINTER (TRUE), test_orientation);
  g_test_add_func ("/image/exif/png-orientation", test_png_exif_orientation);
  g_test_add_func ("/image/exif/malformed", test_malformed_exif);
  g_test_add_func ("/image/dpi", test_dpi);
  g_test_add_func ("/image/png-encoder", test_png_encoder);
  g_test_add_func ("/image/resample/nearest", test_resample_nearest);
  g_test_add_func ("/image/16-bit-png", test_16_bit_png);
  for (gsize i = 0; i < G_N_ELEMENTS (format_cases); i++)
    {
      const FormatCase *fc = &format_cases[i];
      g_autofree char *path = g_strdup_printf ("/image/format/%s-%s%s%s", fc->ext,
                                               fc->channels == 4 ? "rgba" : "rgb",
                                               fc->lossless ? "-lossless" : "",
                                               fc->quality ? "-q" : "");
      if (fc->quality)
        {
          g_autofree char *q = g_strdup_printf ("%s%d", path, fc->quality);
          g_test_add_data_func (q, fc, test_format);
        }
      else
        g_test_add_data_func (path, fc, test_format);
    }
  g_test_add_func ("/image/format/options", test_save_options);
  g_test_add_func ("/image/cli/usage", test_cli_usage);
  g_test_add_func ("/image/cli/metadata", test_cli_metadata);

  return g_test_run ();
}
