/* Hostile input (issue 16): every case of the campaign that found a
 * defect, each asserting the real outcome — exit status, message, no file
 * left behind, the input's SHA-256 unchanged — and, for the pixel limit,
 * the time and memory a refusal takes. Inputs are made here, byte by
 * byte, so the cases are short to read and need no data files. */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <zlib.h>

#include "enlarge-test-utils.h"
#include "enlarge-metadata.h"

#define TEMP_DIR_TEMPLATE "enlarge-hostile-XXXXXX"
/* The cheapest model; the cases that run the CLI mostly use -s 1, which
 * skips the network, and the reference device, which needs no OpenCL. */
#define MODEL "realesr-animevideov3-x4"

/* ---- helpers ------------------------------------------------------------ */

static char *
sha256_of (const char *path)
{
  g_autoptr (GBytes) bytes = etu_read_file (path);
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

static gboolean
bytes_contain (GBytes *bytes, const void *needle, gsize len)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  return memmem (data, size, needle, len) != NULL;
}

/* A @width × @height RGB image with some detail, written as PNG. */
static char *
write_image (const char *dir, const char *name, int width, int height)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) image = enlarge_image_new (width, height, 3, &error);
  g_assert_no_error (error);

  for (gsize i = 0; i < (gsize) width * height * 3; i++)
    {
      guint32 x = (guint32) i * 2654435761u;
      x ^= x >> 15;
      image->pixels[i] = (guint8) x;
    }
  char *path = g_build_filename (dir, name, NULL);
  enlarge_image_save (image, path, NULL, &error);
  g_assert_no_error (error);
  return path;
}

/* A PNG file: signature, IHDR, then @idat as one IDAT chunk (when not
 * NULL), any @extra chunks, IEND. */
static GBytes *
make_png (guint32 width, guint32 height, int interlace, GBytes *idat, GByteArray *extra)
{
  static const guint8 magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 ihdr[13];
  GByteArray *out = g_byte_array_new ();

  enlarge_put_be32 (ihdr, width);
  enlarge_put_be32 (ihdr + 4, height);
  ihdr[8] = 8;      /* bits per sample */
  ihdr[9] = 2;      /* RGB */
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = interlace;
  g_byte_array_append (out, magic, 8);
  enlarge_png_append_chunk (out, "IHDR", ihdr, sizeof ihdr);
  if (extra != NULL)
    g_byte_array_append (out, extra->data, extra->len);
  if (idat != NULL)
    enlarge_png_append_chunk (out, "IDAT", g_bytes_get_data (idat, NULL), g_bytes_get_size (idat));
  enlarge_png_append_chunk (out, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (out);
}

/* @len bytes deflated into one complete zlib stream. */
static GBytes *
deflate_bytes (const guint8 *data, gsize len)
{
  uLongf out_len = compressBound (len);
  guint8 *out = g_malloc (out_len);

  g_assert_cmpint (compress (out, &out_len, data, len), ==, Z_OK);
  return g_bytes_new_take (out, out_len);
}

/* The filtered rows of a @width × @height RGB image, non-interlaced: a
 * filter byte of 0 and a gradient. */
static GByteArray *
png_rows (int width, int height)
{
  GByteArray *rows = g_byte_array_new ();

  for (int y = 0; y < height; y++)
    {
      guint8 filter = 0;
      g_byte_array_append (rows, &filter, 1);
      for (int x = 0; x < width * 3; x++)
        {
          guint8 v = (guint8) (x * 3 + y * 5);
          g_byte_array_append (rows, &v, 1);
        }
    }
  return rows;
}

static char *
write_bytes (const char *dir, const char *name, GBytes *bytes)
{
  char *path = g_build_filename (dir, name, NULL);
  etu_write_file (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return path;
}

/* Runs the CLI as a child of its own so that its peak memory (wait4's
 * rusage) and time are its alone. */
typedef struct {
  int status;         /* exit status; -1 when killed */
  int killed_by;      /* the signal that killed it, else 0 */
  double seconds;
  glong max_rss_kib;
  char *err;
} Measured;

static void
measured_clear (Measured *m)
{
  g_clear_pointer (&m->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Measured, measured_clear)

static void
run_measured (Measured *m, const char *cwd, const char * const *args)
{
  g_autoptr (GPtrArray) argv = etu_cli_argv (args);
  g_autoptr (GError) error = NULL;
  GPid pid;
  int err_fd, wait_status;
  struct rusage usage;

  g_autofree char *command = g_strjoinv (" ", (char **) argv->pdata);
  g_test_message ("running: %s", command);

  gint64 start = g_get_monotonic_time ();
  g_spawn_async_with_pipes (cwd, (char **) argv->pdata, NULL,
                            G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                            NULL, NULL, &pid, NULL, NULL, &err_fd, &error);
  g_assert_no_error (error);

  /* stderr holds a line or two; read it all before reaping */
  GString *err = g_string_new (NULL);
  char buf[4096];
  gssize n;
  while ((n = read (err_fd, buf, sizeof buf)) > 0)
    g_string_append_len (err, buf, n);
  close (err_fd);
  g_assert_cmpint (wait4 (pid, &wait_status, 0, &usage), ==, pid);

  m->seconds = (g_get_monotonic_time () - start) / 1e6;
  m->max_rss_kib = usage.ru_maxrss;
  m->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  m->killed_by = WIFSIGNALED (wait_status) ? WTERMSIG (wait_status) : 0;
  m->err = g_string_free (err, FALSE);
  g_test_message ("status %d, signal %d, %.2f s, %ld KiB peak\nstderr:\n%s",
                  m->status, m->killed_by, m->seconds, m->max_rss_kib, m->err);
}

/* ---- 1. --compare must not overwrite its input through a link ----------- */

static void
test_compare_through_link (gconstpointer data)
{
  gboolean hard = GPOINTER_TO_INT (data);
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *real = write_image (tmp.path, "real.png", 48, 40);
  g_autofree char *alias = g_build_filename (tmp.path, "link.png", NULL);
  g_autofree char *before = sha256_of (real);

  if (hard)
    g_assert_cmpint (link (real, alias), ==, 0);
  else
    g_assert_cmpint (symlink ("real.png", alias), ==, 0);

  /* --compare, then the normal path, with the input named through the
   * link and the output named directly */
  const char *compare[] = { "-q", "--compare", MODEL, "--device", "reference",
                            "link.png", "-o", "real.png", NULL };
  const char *normal[] = { "-q", "-m", MODEL, "--device", "reference", "-s", "1",
                           "link.png", "-o", "real.png", NULL };
  const char * const *cases[] = { compare, normal };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (EtuCliResult) r = { 0 };
      etu_run_cli_argv (&r, tmp.path, cases[i]);
      g_assert_cmpint (r.status, ==, 2);
      etu_assert_contains (r.err, "refusing to overwrite the input file “link.png”");

      g_autofree char *after = sha256_of (real);
      g_assert_cmpstr (after, ==, before);
      g_autofree char *listing = etu_list_dir (tmp.path);
      g_assert_cmpstr (listing, ==, "link.png,real.png");
    }
}

/* The shared check itself: every way of naming the same file. */
static void
test_output_check (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *real = write_image (tmp.path, "real.png", 8, 8);
  g_autofree char *sym = g_build_filename (tmp.path, "sym.png", NULL);
  g_autofree char *hard = g_build_filename (tmp.path, "hard.png", NULL);
  g_autofree char *dotted = g_build_filename (tmp.path, ".", "real.png", NULL);
  g_autofree char *other = g_build_filename (tmp.path, "other.png", NULL);
  g_assert_cmpint (symlink ("real.png", sym), ==, 0);
  g_assert_cmpint (link (real, hard), ==, 0);

  const char *inputs[] = { real, NULL };
  const char *same[] = { real, sym, hard, dotted };
  for (gsize i = 0; i < G_N_ELEMENTS (same); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (enlarge_output_check (same[i], inputs, &error));
      g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT);
    }
  /* the input named through a link, the output directly */
  const char *via_link[] = { sym, NULL };
  g_autoptr (GError) error = NULL;
  g_assert_false (enlarge_output_check (real, via_link, &error));
  g_clear_error (&error);

  g_assert_true (enlarge_output_check (other, inputs, &error));
  g_assert_no_error (error);
  g_assert_false (enlarge_output_check (tmp.path, inputs, &error));
  g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT);
}

/* ---- 2. the pixel limit, from the header -------------------------------- */

/* A PNG header claiming @width × @height over a few bytes of data. */
static GBytes *
huge_png (guint32 width, guint32 height)
{
  guint8 zeros[256] = { 0 };
  g_autoptr (GBytes) idat = deflate_bytes (zeros, sizeof zeros);
  return make_png (width, height, 0, idat, NULL);
}

/* A small JPEG (GdkPixbuf's saver) with its frame header patched to
 * claim @width × @height. */
static GBytes *
huge_jpeg (guint16 width, guint16 height)
{
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 16, 16);
  g_autoptr (GError) error = NULL;
  char *data;
  gsize len;

  gdk_pixbuf_fill (pixbuf, 0x80808000);
  gdk_pixbuf_save_to_buffer (pixbuf, &data, &len, "jpeg", &error, NULL);
  g_assert_no_error (error);
  guint8 *p = (guint8 *) data;
  gsize pos = 2;
  while (pos + 9 < len && !(p[pos] == 0xff && (p[pos + 1] == 0xc0 || p[pos + 1] == 0xc2)))
    pos += 2 + ((p[pos + 2] << 8) | p[pos + 3]);
  g_assert_cmpuint (pos + 9, <, len);
  p[pos + 5] = height >> 8;
  p[pos + 6] = height & 0xff;
  p[pos + 7] = width >> 8;
  p[pos + 8] = width & 0xff;
  return g_bytes_new_take (data, len);
}

/* A GIF whose screen and image claim @width × @height. */
static GBytes *
huge_gif (guint16 width, guint16 height)
{
  const guint8 gif[] = {
    'G', 'I', 'F', '8', '9', 'a', width & 0xff, width >> 8, height & 0xff, height >> 8,
    0x80, 0, 0,                       /* a global palette of 2 colours */
    0, 0, 0, 255, 255, 255,
    0x2c, 0, 0, 0, 0, width & 0xff, width >> 8, height & 0xff, height >> 8, 0,
    2, 2, 0x4c, 0x01, 0,              /* LZW: a few codes */
    0x3b,
  };
  return g_bytes_new (gif, sizeof gif);
}

typedef GBytes *(*HugeMaker) (guint16 width, guint16 height);

static GBytes *
huge_png16 (guint16 width, guint16 height)
{
  return huge_png (width, height);
}

static void
test_pixel_limit_engine (void)
{
  static const struct {
    const char *what;
    HugeMaker make;
  } makers[] = {
    { "png", huge_png16 },
    { "jpeg", huge_jpeg },
    { "gif", huge_gif },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (makers); i++)
    {
      g_autoptr (GBytes) bytes = makers[i].make (60000, 60000);
      g_autoptr (GError) error = NULL;
      struct rusage before, after;

      g_test_message ("%s header claiming 60000 × 60000 (%" G_GSIZE_FORMAT " bytes)",
                      makers[i].what, g_bytes_get_size (bytes));
      getrusage (RUSAGE_SELF, &before);
      gint64 start = g_get_monotonic_time ();
      g_autoptr (EnlargeImage) image = enlarge_image_load_bytes (bytes, &error);
      double seconds = (g_get_monotonic_time () - start) / 1e6;
      getrusage (RUSAGE_SELF, &after);

      g_assert_null (image);
      g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_TOO_LARGE);
      etu_assert_contains (error->message, "60000 × 60000");
      etu_assert_contains (error->message, "limit of 128 MP");
      /* refused from the header: no pixels were ever allocated */
      g_test_message ("%.3f s, peak RSS %ld → %ld KiB", seconds, before.ru_maxrss, after.ru_maxrss);
      g_assert_cmpfloat (seconds, <, 1.0);
      g_assert_cmpint (after.ru_maxrss - before.ru_maxrss, <, 64 * 1024);
    }

  /* the limit is the caller's: a 64 × 40 image against 1000 pixels */
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *small = write_image (tmp.path, "small.png", 64, 40);
  EnlargeLoadOptions options = ENLARGE_LOAD_OPTIONS_INIT;
  options.max_pixels = 1000;
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) refused = enlarge_image_load_full (small, &options, &error);
  g_assert_null (refused);
  g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_TOO_LARGE);
  etu_assert_contains (error->message, "64 × 40");
  g_clear_error (&error);
  options.max_pixels = 64 * 40;
  g_autoptr (EnlargeImage) loaded = enlarge_image_load_full (small, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (loaded->width, ==, 64);
}

static void
test_pixel_limit_cli (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autoptr (GBytes) huge = huge_png (60000, 60000);
  g_autoptr (GBytes) big = huge_png (16000, 16000);
  g_autofree char *huge_path = write_bytes (tmp.path, "huge.png", huge);
  g_autofree char *big_path = write_bytes (tmp.path, "big.png", big);
  g_autofree char *small = write_image (tmp.path, "small.png", 64, 40);
  g_autofree char *huge_sum = sha256_of (huge_path);

  /* the campaign's two: a run and a --dry-run */
  const char *run[] = { "-q", "-m", MODEL, "--device", "reference", "huge.png", NULL };
  const char *dry[] = { "--dry-run", "-m", MODEL, "big.png", NULL };
  const char *limited[] = { "-q", "-m", MODEL, "--device", "reference",
                            "--max-megapixels", "0.001", "small.png", NULL };
  const char * const *cases[] = { run, dry, limited };
  const char *sizes[] = { "60000 × 60000", "16000 × 16000", "64 × 40" };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (Measured) m = { 0 };
      run_measured (&m, tmp.path, cases[i]);
      g_assert_cmpint (m.status, ==, 1);
      etu_assert_contains (m.err, sizes[i]);
      etu_assert_contains (m.err, "more than the limit of");
      etu_assert_contains (m.err, "--max-megapixels");
      /* before the fix: 10.5 GB for 77 s, and 1.5 GB for the dry run */
      g_assert_cmpfloat (m.seconds, <, 10.0);
      g_assert_cmpint (m.max_rss_kib, <, 300 * 1024);
    }
  g_autofree char *listing = etu_list_dir (tmp.path);
  g_assert_cmpstr (listing, ==, "big.png,huge.png,small.png");
  g_autofree char *after = sha256_of (huge_path);
  g_assert_cmpstr (after, ==, huge_sum);

  g_auto (EtuCliResult) r = { 0 };
  etu_run_cli (&r, tmp.path, "--max-megapixels", "nan", "small.png", NULL);
  g_assert_cmpint (r.status, ==, 2);
}

/* ---- 3. image data that ends early, with IEND after it ------------------ */

/* enlarge-cli on @bytes written as @name in @dir: exit 1, "damaged or
 * incomplete", the input unchanged and nothing written beside it (the
 * folder holds @listing). */
static void
cli_refuses_damaged (const char *dir, const char *name, GBytes *bytes, const char *listing)
{
  g_autofree char *path = write_bytes (dir, name, bytes);
  g_autofree char *before = sha256_of (path);
  g_auto (EtuCliResult) r = { 0 };

  etu_run_cli (&r, dir, "-q", "-m", MODEL, "--device", "reference", name, NULL);
  g_assert_cmpint (r.status, ==, 1);
  etu_assert_contains (r.err, name);
  etu_assert_contains (r.err, "damaged or incomplete");
  g_autofree char *names = etu_list_dir (dir);
  g_assert_cmpstr (names, ==, listing);
  g_autofree char *after = sha256_of (path);
  g_assert_cmpstr (after, ==, before);
}

static void
test_incomplete_png (void)
{
  g_autoptr (GByteArray) rows = png_rows (64, 64);
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };

  /* the whole image, for contrast; then a complete zlib stream holding
   * only the first 42 % of the rows, as in the campaign; then the same
   * image interlaced, cut in its last pass */
  g_autoptr (GBytes) full_idat = deflate_bytes (rows->data, rows->len);
  g_autoptr (GBytes) cut_idat = deflate_bytes (rows->data, rows->len * 42 / 100);
  g_autoptr (GBytes) full = make_png (64, 64, 0, full_idat, NULL);
  g_autoptr (GBytes) cut = make_png (64, 64, 0, cut_idat, NULL);
  /* Adam7 of 64 × 64 RGB needs 12 408 bytes (zeros: filter 0, black);
   * 12 000 end in pass 7, 13 000 are too many */
  g_autofree guint8 *zeros = g_malloc0 (13000);
  g_autoptr (GBytes) interlaced_idat = deflate_bytes (zeros, 12408);
  g_autoptr (GBytes) interlaced = make_png (64, 64, 1, interlaced_idat, NULL);
  g_autoptr (GBytes) cut_interlaced_idat = deflate_bytes (zeros, 12000);
  g_autoptr (GBytes) cut_interlaced = make_png (64, 64, 1, cut_interlaced_idat, NULL);
  g_autoptr (GBytes) too_long_idat = deflate_bytes (zeros, 13000);
  g_autoptr (GBytes) interlaced_too_long = make_png (64, 64, 1, too_long_idat, NULL);

  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) image = enlarge_image_load_bytes (full, &error);
  g_assert_no_error (error);
  g_assert_cmpint (image->height, ==, 64);
  g_autoptr (EnlargeImage) adam7 = enlarge_image_load_bytes (interlaced, &error);
  g_assert_no_error (error);
  g_assert_cmpint (adam7->height, ==, 64);

  GBytes *bad[] = { cut, cut_interlaced, interlaced_too_long };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (EnlargeImage) none = enlarge_image_load_bytes (bad[i], &error);
      g_assert_null (none);
      g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD);
      etu_assert_contains (error->message, "damaged or incomplete");
      g_clear_error (&error);
    }

  cli_refuses_damaged (tmp.path, "cut.png", cut, "cut.png");
}

/* A JPEG whose entropy-coded data is cut at 40 % and closed with an EOI:
 * libjpeg fills the rest with grey and only warns. */
static void
test_incomplete_jpeg (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *png = write_image (tmp.path, "noise.png", 64, 64);
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) noise = enlarge_image_load (png, &error);
  g_assert_no_error (error);
  g_autofree char *jpeg_path = g_build_filename (tmp.path, "full.jpg", NULL);
  enlarge_image_save (noise, jpeg_path, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) full = etu_read_file (jpeg_path);

  gsize len;
  const guint8 *p = g_bytes_get_data (full, &len);
  gsize sos = 2;
  while (sos + 4 < len && !(p[sos] == 0xff && p[sos + 1] == 0xda))
    sos += 2 + ((p[sos + 2] << 8) | p[sos + 3]);
  g_assert_cmpuint (sos + 4, <, len);
  gsize data_start = sos + 2 + ((p[sos + 2] << 8) | p[sos + 3]);
  gsize cut_at = data_start + (len - data_start) * 4 / 10;
  g_autoptr (GByteArray) cut = g_byte_array_new ();
  g_byte_array_append (cut, p, cut_at);
  g_byte_array_append (cut, (const guint8 *) "\xff\xd9", 2);
  g_autoptr (GBytes) cut_bytes = g_bytes_new (cut->data, cut->len);

  g_autoptr (EnlargeImage) whole = enlarge_image_load_bytes (full, &error);
  g_assert_no_error (error);
  g_autoptr (EnlargeImage) none = enlarge_image_load_bytes (cut_bytes, &error);
  g_assert_null (none);
  g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD);
  etu_assert_contains (error->message, "damaged or incomplete");

  cli_refuses_damaged (tmp.path, "cut.jpg", cut_bytes, "cut.jpg,full.jpg,noise.png");
}

/* ---- 4. a signal during the save leaves no temporary file -------------- */

static void
test_signal_during_save (gconstpointer data)
{
  int signum = GPOINTER_TO_INT (data);
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *input = write_image (tmp.path, "in.png", 2560, 2560);
  g_autofree char *out_dir = g_build_filename (tmp.path, "out", NULL);
  g_autofree char *before = sha256_of (input);
  g_autoptr (GError) error = NULL;
  GPid pid;
  int wait_status;

  g_assert_cmpint (g_mkdir (out_dir, 0755), ==, 0);
  /* -s 1 skips the network: the time goes to loading and to the TIFF
   * encoder, during which the temporary file exists (~1 s here, more
   * under load or a sanitizer) */
  const char *argv[] = { etu_get_cli_path (), "-q", "-m", MODEL, "--device", "reference",
                         "-s", "1", "in.png", "-o", "out/o.tif", NULL };
  g_spawn_async (tmp.path, (char **) argv, NULL,
                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                 NULL, NULL, &pid, &error);
  g_assert_no_error (error);

  /* wait for the temporary file, then signal */
  gboolean seen = FALSE;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!seen && g_get_monotonic_time () < deadline)
    {
      g_autofree char *listing = etu_list_dir (out_dir);
      if (listing[0] == '.')
        seen = TRUE;
      else if (waitpid (pid, &wait_status, WNOHANG) == pid)
        g_error ("enlarge-cli ended before its temporary file was seen (status %d)", wait_status);
      else
        g_usleep (2000);
    }
  g_assert_true (seen);
  g_assert_cmpint (kill (pid, signum), ==, 0);
  g_assert_cmpint (waitpid (pid, &wait_status, 0), ==, pid);

  /* ended by the signal, as before (the shell shows 128 + N) */
  g_assert_true (WIFSIGNALED (wait_status));
  g_assert_cmpint (WTERMSIG (wait_status), ==, signum);
  g_autofree char *listing = etu_list_dir (out_dir);
  g_assert_cmpstr (listing, ==, "");
  g_autofree char *after = sha256_of (input);
  g_assert_cmpstr (after, ==, before);
}

/* ---- 5. NaN is not "not given" ------------------------------------------ */

static void
test_nan_options (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *input = write_image (tmp.path, "in.png", 16, 16);
  const char *options[] = { "-s", "--scale", "-c", "--creativity", "--target-mp" };
  const char *values[] = { "nan", "NaN", "inf", "-inf", "1e999", "2x", "" };

  for (gsize i = 0; i < G_N_ELEMENTS (options); i++)
    for (gsize j = 0; j < G_N_ELEMENTS (values); j++)
      {
        g_auto (EtuCliResult) r = { 0 };
        etu_run_cli (&r, tmp.path, "-q", "-m", MODEL, "--device", "reference",
                     options[i], values[j], "in.png", NULL);
        g_assert_cmpint (r.status, ==, 2);
        etu_assert_contains (r.err, options[i]);
        etu_assert_contains (r.err, "needs a number");
      }
  g_autofree char *listing = etu_list_dir (tmp.path);
  g_assert_cmpstr (listing, ==, "in.png");
}

/* ---- 6. long output names are settled before the work ------------------- */

static void
test_long_names (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *input = write_image (tmp.path, "in.png", 24, 16);

  /* 248 … 255 bytes fit the file system; the temporary name must too */
  for (int len = 248; len <= 255; len += 7)
    {
      g_autofree char *stem = g_strnfill (len - 4, 'n');
      g_autofree char *name = g_strconcat (stem, ".png", NULL);
      g_auto (EtuCliResult) r = { 0 };
      etu_run_cli (&r, tmp.path, "-q", "-m", MODEL, "--device", "reference", "-s", "1",
                   "in.png", "-o", name, NULL);
      g_assert_cmpint (r.status, ==, 0);
      g_autofree char *path = g_build_filename (tmp.path, name, NULL);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      g_remove (path);
    }

  /* 256 bytes: refused before anything is loaded or run */
  g_autofree char *stem = g_strnfill (252, 'n');
  g_autofree char *name = g_strconcat (stem, ".png", NULL);
  const char *args[] = { "-q", "-m", MODEL, "--device", "reference", "in.png", "-o", name, NULL };
  g_auto (Measured) m = { 0 };
  run_measured (&m, tmp.path, args);
  g_assert_cmpint (m.status, ==, 2);
  etu_assert_contains (m.err, "its name is 256 bytes long");
  g_assert_cmpfloat (m.seconds, <, 5.0);
  g_autofree char *listing = etu_list_dir (tmp.path);
  g_assert_cmpstr (listing, ==, "in.png");
}

/* ---- 7. GPS behind an invalid pointer ----------------------------------- */

/* The latitude bytes the test looks for in the output file. */
static const guint8 secret[24] = { 51, 0, 0, 0, 1, 0, 0, 0, 30, 0, 0, 0,
                                   0x4f, 0x0d, 0x04, 0, 0x10, 0x27, 0, 0, 'G', 'P', 'S', '!' };

/* Little-endian EXIF: IFD0 with Make and a GPS pointer of @gps_pointer
 * (0 = the real offset), then a GPS IFD with a latitude, then its value. */
static GBytes *
exif_with_gps (guint32 gps_pointer)
{
  GByteArray *b = g_byte_array_new ();
  const guint32 ifd0 = 8, gps = ifd0 + 2 + 2 * 12 + 4, make = gps + 2 + 12 + 4, lat = make + 8;
  guint8 le[4];
#define U16(v) (le[0] = (v) & 0xff, le[1] = ((v) >> 8) & 0xff, g_byte_array_append (b, le, 2))
#define U32(v) (le[0] = (v) & 0xff, le[1] = ((v) >> 8) & 0xff, le[2] = ((v) >> 16) & 0xff, \
                le[3] = ((v) >> 24) & 0xff, g_byte_array_append (b, le, 4))

  g_byte_array_append (b, (const guint8 *) "II*\0", 4);
  U32 (ifd0);
  U16 (2);
  U16 (0x010f); U16 (2); U32 (8); U32 (make);            /* Make */
  U16 (0x8825); U16 (4); U32 (1); U32 (gps_pointer ? gps_pointer : gps);
  U32 (0);
  g_assert_cmpuint (b->len, ==, gps);
  U16 (1);
  U16 (0x0002); U16 (5); U32 (3); U32 (lat);             /* GPSLatitude */
  U32 (0);
  g_assert_cmpuint (b->len, ==, make);
  g_byte_array_append (b, (const guint8 *) "HostCam", 8);
  g_byte_array_append (b, secret, sizeof secret);
#undef U16
#undef U32
  return g_byte_array_free_to_bytes (b);
}

static void
test_gps_bad_pointer (void)
{
  g_autoptr (GBytes) bad = exif_with_gps (0xfffffff0);
  g_autoptr (GBytes) good = exif_with_gps (0);
  GBytes *blocks[] = { bad, good };

  for (gsize i = 0; i < G_N_ELEMENTS (blocks); i++)
    {
      g_assert_true (bytes_contain (blocks[i], secret, sizeof secret));
      g_autoptr (GBytes) out = enlarge_exif_for_output (blocks[i], 100, 80, FALSE);
      g_assert_nonnull (out);
      g_assert_false (bytes_contain (out, secret, sizeof secret));
      g_assert_false (enlarge_exif_has_gps (out));
      g_autofree char *make = enlarge_exif_get_string (out, 0x010f);
      g_assert_cmpstr (make, ==, "HostCam");
    }
  /* --keep-gps keeps it where the pointer is valid */
  g_autoptr (GBytes) kept = enlarge_exif_for_output (good, 100, 80, TRUE);
  g_assert_true (bytes_contain (kept, secret, sizeof secret));

  /* end to end: a PNG with that eXIf chunk through the CLI */
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autoptr (GByteArray) rows = png_rows (16, 16);
  g_autoptr (GBytes) idat = deflate_bytes (rows->data, rows->len);
  g_autoptr (GByteArray) chunk = g_byte_array_new ();
  enlarge_png_append_chunk (chunk, "eXIf", g_bytes_get_data (bad, NULL), g_bytes_get_size (bad));
  g_autoptr (GBytes) png = make_png (16, 16, 0, idat, chunk);
  g_autofree char *input = write_bytes (tmp.path, "gps.png", png);
  g_auto (EtuCliResult) r = { 0 };
  etu_run_cli (&r, tmp.path, "-q", "-m", MODEL, "--device", "reference", "-s", "2",
               "gps.png", "-o", "out.png", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_autofree char *output = g_build_filename (tmp.path, "out.png", NULL);
  g_autoptr (GBytes) written = etu_read_file (output);
  g_assert_true (bytes_contain (written, "HostCam", 7));
  g_assert_false (bytes_contain (written, secret, sizeof secret));
}

/* ---- 2b. inputs that never end or are larger than any image ----------- */

static void
test_endless_input (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *sparse = g_build_filename (tmp.path, "sparse.png", NULL);
  g_autoptr (GBytes) header = huge_png (100, 100);
  etu_write_file (sparse, g_bytes_get_data (header, NULL), g_bytes_get_size (header));
  /* 3 GiB, most of it a hole: refused from its size, never read */
  g_assert_cmpint (truncate (sparse, G_GINT64_CONSTANT (3) << 30), ==, 0);

  const char *device[] = { "-q", "-m", MODEL, "--device", "reference", "/dev/zero",
                           "-o", "zero.png", NULL };
  const char *big[] = { "-q", "-m", MODEL, "--device", "reference", "sparse.png", NULL };
  const char * const *cases[] = { device, big };
  const char *messages[] = { "it is not a file", "more than any image within the pixel limit" };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (Measured) m = { 0 };
      run_measured (&m, tmp.path, cases[i]);
      g_assert_cmpint (m.status, ==, 1);
      etu_assert_contains (m.err, messages[i]);
      g_assert_cmpfloat (m.seconds, <, 10.0);
      g_assert_cmpint (m.max_rss_kib, <, 300 * 1024);
    }
  g_autofree char *listing = etu_list_dir (tmp.path);
  g_assert_cmpstr (listing, ==, "sparse.png");
}

/* ---- minor: animations are reduced to their first frame, with a warning */

static void
test_animation_warns (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autoptr (GBytes) gif = etu_animated_gif ();
  g_autofree char *input = write_bytes (tmp.path, "anim.gif", gif);

  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) image = enlarge_image_load (input, &error);
  g_assert_no_error (error);
  g_assert_true (image->meta.animated);

  g_auto (EtuCliResult) r = { 0 };
  etu_run_cli (&r, tmp.path, "-q", "-m", MODEL, "--device", "reference", "-s", "2",
               "anim.gif", "-o", "still.png", NULL);
  g_assert_cmpint (r.status, ==, 0);
  etu_assert_contains (r.err, "warning: anim.gif is an animation; only its first frame is enlarged");

  /* a still image says nothing */
  g_autofree char *still = g_build_filename (tmp.path, "still.png", NULL);
  g_autoptr (EnlargeImage) result = enlarge_image_load (still, &error);
  g_assert_no_error (error);
  g_assert_false (result->meta.animated);
}

/* ---- minor: -v says which model files were used ------------------------ */

static void
test_verbose_model_files (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir (TEMP_DIR_TEMPLATE) };
  g_autofree char *input = write_image (tmp.path, "in.png", 8, 8);
  g_autofree char *empty = g_build_filename (tmp.path, "models", NULL);
  g_autofree char *env_path = g_strconcat ("ENLARGE_MODEL_PATH=", empty, NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (GError) error = NULL;
  int wait_status;

  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  /* the first folder lacks the files: they come from a later one, and
   * -v says which */
  const char *argv[] = { "env", env_path, etu_get_cli_path (), "-v", "-q", "-m", MODEL,
                         "--device", "reference", "-s", "1", "in.png", "-o", "out.png", NULL };
  g_spawn_sync (tmp.path, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                &out, &err, &wait_status, &error);
  g_assert_no_error (error);
  g_test_message ("stderr:\n%s", err);
  g_assert_true (WIFEXITED (wait_status) && WEXITSTATUS (wait_status) == 0);
  g_autofree char *param = enlarge_model_find_file (MODEL ".param");
  g_assert_nonnull (param);
  g_autofree char *line = g_strdup_printf ("model %s: %s\n", MODEL, param);
  etu_assert_contains (err, line);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  const char *cli_path = g_getenv ("ENLARGE_CLI");
  if (cli_path == NULL || !g_file_test (cli_path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_printerr ("Set ENLARGE_CLI to the built enlarge-cli program.\n");
      return 77;
    }
  etu_set_cli_path (cli_path);
  if (!etu_require_model (MODEL))
    return 77;

  g_test_add_data_func ("/hostile/1-output/compare-symlink", GINT_TO_POINTER (FALSE),
                        test_compare_through_link);
  g_test_add_data_func ("/hostile/1-output/compare-hardlink", GINT_TO_POINTER (TRUE),
                        test_compare_through_link);
  g_test_add_func ("/hostile/1-output/check", test_output_check);
  g_test_add_func ("/hostile/2-pixel-limit/engine", test_pixel_limit_engine);
  g_test_add_func ("/hostile/2-pixel-limit/cli", test_pixel_limit_cli);
  g_test_add_func ("/hostile/2-pixel-limit/endless-input", test_endless_input);
  g_test_add_func ("/hostile/3-incomplete/png", test_incomplete_png);
  g_test_add_func ("/hostile/3-incomplete/jpeg", test_incomplete_jpeg);
  g_test_add_data_func ("/hostile/4-signal/term", GINT_TO_POINTER (SIGTERM), test_signal_during_save);
  g_test_add_data_func ("/hostile/4-signal/int", GINT_TO_POINTER (SIGINT), test_signal_during_save);
  g_test_add_data_func ("/hostile/4-signal/hup", GINT_TO_POINTER (SIGHUP), test_signal_during_save);
  g_test_add_func ("/hostile/5-nan", test_nan_options);
  g_test_add_func ("/hostile/6-long-names", test_long_names);
  g_test_add_func ("/hostile/7-gps-bad-pointer", test_gps_bad_pointer);
  g_test_add_func ("/hostile/minor/animation-warns", test_animation_warns);
  g_test_add_func ("/hostile/minor/verbose-model-files", test_verbose_model_files);

  return g_test_run ();
}
