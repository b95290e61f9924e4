/* Helpers shared by the engine and CLI tests; see enlarge-test-utils.h. */

#include "config.h"

#include "enlarge-test-utils.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

/* ---- files and folders -------------------------------------------------- */

GBytes *
etu_read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents;
  gsize len;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

void
etu_write_file (const char *path, const void *data, gsize len)
{
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

char *
etu_make_temp_dir (const char *tmpl)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);
  g_assert_no_error (error);
  return dir;
}

void
etu_remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          etu_remove_tree (child);
        }
    }
  g_remove (path);
}

void
etu_temp_dir_clear (EtuTempDir *dir)
{
  if (dir->path != NULL)
    etu_remove_tree (dir->path);
  g_clear_pointer (&dir->path, g_free);
}

GBytes *
etu_animated_gif (void)
{
  static const guint8 gif[] = {
    'G', 'I', 'F', '8', '9', 'a', 4, 0, 4, 0, 0x80, 0, 0,
    0, 0, 0, 255, 255, 255,
    0x21, 0xff, 11, 'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0', 3, 1, 0, 0, 0,
    0x21, 0xf9, 4, 0, 10, 0, 0, 0,
    0x2c, 0, 0, 0, 0, 4, 0, 4, 0, 0, 2, 5, 0x84, 0x8f, 0xa9, 0xcb, 0x5d, 0,
    0x21, 0xf9, 4, 0, 10, 0, 0, 0,
    0x2c, 0, 0, 0, 0, 4, 0, 4, 0, 0, 2, 5, 0x84, 0x1d, 0x81, 0x7a, 0x50, 0,
    0x3b,
  };
  return g_bytes_new_static (gif, sizeof gif);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

char *
etu_list_dir (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = g_dir_open (path, 0, &error);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (char **) names->pdata);
}

void
etu_assert_contains (const char *haystack, const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("expected “%s” in:\n%s", needle, haystack);
}

void
etu_assert_not_contains (const char *haystack, const char *needle)
{
  if (strstr (haystack, needle) != NULL)
    g_error ("did not expect “%s” in:\n%s", needle, haystack);
}

/* ---- golden data -------------------------------------------------------- */

const char *
etu_test_data_dir (void)
{
  const char *dir = g_getenv ("ENLARGE_TEST_DATA");

  return dir != NULL ? dir : ENLARGE_SOURCE_DIR "/tests/data";
}

char *
etu_golden_path (const char *name)
{
  return g_build_filename (etu_test_data_dir (), "golden", name, NULL);
}

EnlargeImage *
etu_load_golden (const char *name)
{
  g_autofree char *path = etu_golden_path (name);
  g_autoptr (GError) error = NULL;
  EnlargeImage *img = enlarge_image_load (path, &error);
  g_assert_no_error (error);
  return img;
}

/* ---- models and backends ------------------------------------------------ */

gboolean
etu_require_model (const char *model)
{
  const EnlargeModelInfo *info = enlarge_model_lookup (model);

  g_assert_nonnull (info);
  if (!enlarge_model_is_installed (info))
    {
      g_autofree char *message = g_strdup_printf ("model %s is not installed; install it with: %s",
                                                  model, enlarge_model_install_hint ());
      g_test_skip (message);
      return FALSE;
    }
  return TRUE;
}

EnlargeNet *
etu_load_or_skip (const char *id)
{
  g_autoptr (GError) error = NULL;
  EnlargeNet *net;

  if (!etu_require_model (id))
    return NULL;
  net = enlarge_model_load (id, &error);
  g_assert_no_error (error);
  return net;
}

char *
etu_test_model_or_skip (const char *file)
{
  const char *dir = g_getenv ("ENLARGE_TEST_MODELS");
  g_autofree char *path = dir != NULL && *dir != '\0'
                            ? g_build_filename (dir, file, NULL)
                            : g_build_filename (g_get_user_data_dir (), "enlarge", "test-models",
                                                file, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *msg = g_strdup_printf ("%s is not installed: models/install-models.py "
                                              "--test-weights", path);
      g_test_skip (msg);
      return NULL;
    }
  return g_steal_pointer (&path);
}

EnlargeBackend *
etu_opencl_or_skip (void)
{
  g_autoptr (GError) error = NULL;
  EnlargeBackend *b = enlarge_backend_new ("cpu", &error);
  if (b == NULL)
    b = enlarge_backend_new ("gpu", NULL);
  if (b == NULL)
    {
      g_autofree char *msg = g_strdup_printf ("no OpenCL device: %s", error->message);
      g_test_skip (msg);
    }
  return b;
}

/* ---- running enlarge-cli ------------------------------------------------ */

static const char *cli_path;

void
etu_set_cli_path (const char *path)
{
  cli_path = path;
}

const char *
etu_get_cli_path (void)
{
  return cli_path != NULL ? cli_path : g_getenv ("ENLARGE_CLI");
}

void
etu_cli_result_clear (EtuCliResult *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

GPtrArray *
etu_cli_argv (const char * const *args)
{
  GPtrArray *argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (char *) etu_get_cli_path ());
  for (gsize i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  return argv;
}

void
etu_run_cli_argv (EtuCliResult *result, const char *cwd, const char * const *args)
{
  g_autoptr (GPtrArray) argv = etu_cli_argv (args);
  g_autoptr (GError) error = NULL;
  int wait_status = -1;

  g_autofree char *command = g_strjoinv (" ", (char **) argv->pdata);
  g_test_message ("running: %s", command);

  gboolean ok = g_spawn_sync (cwd, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT,
                              NULL, NULL, &result->out, &result->err,
                              &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  result->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  g_test_message ("exit status %d\nstdout:\n%s\nstderr:\n%s",
                  result->status, result->out, result->err);
}

void
etu_run_cli (EtuCliResult *result, const char *cwd, ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  va_list ap;
  const char *arg;

  va_start (ap, cwd);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  etu_run_cli_argv (result, cwd, (const char * const *) args->pdata);
}

int
etu_run_cli_capture (const char * const *args, char **out, char **err)
{
  EtuCliResult result = { 0 };

  etu_run_cli_argv (&result, NULL, args);
  *out = g_steal_pointer (&result.out);
  *err = g_steal_pointer (&result.err);
  return result.status;
}

EnlargeTensor *
etu_gradient_tensor (int w, int h, guint32 seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  EnlargeTensor *t = enlarge_tensor_new (3, h, w, NULL);
  for (int c = 0; c < 3; c++)
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        enlarge_tensor_channel (t, c)[y * w + x] =
          (float) CLAMP (0.5 + 0.4 * sin (0.3 * x + c) * cos (0.2 * y) +
                         g_rand_double_range (rand, -0.1, 0.1), 0, 1);
  return t;
}

/* PSNR of @b against @a, unclamped, the peak being @a's range; asserts
 * that range is not trivially small */
double
etu_tensor_psnr_range (const EnlargeTensor *a, const EnlargeTensor *b)
{
  const gsize n = enlarge_tensor_size (a);
  float lo = a->data[0], hi = a->data[0];
  double se = 0;

  g_assert_cmpint (a->c, ==, b->c);
  g_assert_cmpint (a->h, ==, b->h);
  g_assert_cmpint (a->w, ==, b->w);
  for (gsize i = 0; i < n; i++)
    {
      const double e = (double) a->data[i] - b->data[i];
      g_assert_false (isnan (a->data[i]) || isnan (b->data[i]));
      lo = MIN (lo, a->data[i]);
      hi = MAX (hi, a->data[i]);
      se += e * e;
    }
  g_assert_cmpfloat (hi - lo, >, 0.1);
  return se == 0 ? 999 : 10 * log10 ((double) (hi - lo) * (hi - lo) * n / se);
}

EnlargeTensor *
etu_random_tensor (GRand *rand, int c, int h, int w, float lo, float hi)
{
  EnlargeTensor *t = enlarge_tensor_new (c, h, w, NULL);
  g_assert_nonnull (t);
  for (gsize i = 0; i < enlarge_tensor_size (t); i++)
    t->data[i] = (float) g_rand_double_range (rand, lo, hi);
  return t;
}

float *
etu_random_floats (GRand *rand, int n, float lo, float hi)
{
  float *v = g_new (float, MAX (n, 1));
  for (int i = 0; i < n; i++)
    v[i] = (float) g_rand_double_range (rand, lo, hi);
  return v;
}

EnlargeImage *
etu_wave_image (int w, int h, guint32 seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  EnlargeImage *image = enlarge_image_new (w, h, 3, NULL);

  g_assert_nonnull (image);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < 3; c++)
        image->pixels[(y * w + x) * 3 + c] =
          (guint8) CLAMP (128 + 90 * sin (0.2 * x + c) * cos (0.15 * y) +
                          g_rand_int_range (rand, -20, 20), 0, 255);
  return image;
}

double
etu_opencl_against_reference (EnlargeBackend *ref, EnlargeBackend *cl, EnlargeNet *net,
                              const EnlargeTensor *in)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeTensor) a = enlarge_backend_run (ref, net, in, NULL, &error);
  g_autoptr (EnlargeTensor) b = NULL;

  g_assert_no_error (error);
  b = enlarge_backend_run (cl, net, in, NULL, &error);
  g_assert_no_error (error);
  return etu_tensor_psnr_range (a, b);
}
