/* The OpenCL program: the kernels' sources from the engine's resources,
 * built for the device, and the compiled binary cached on disk. */

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "enlarge-cl-private.h"
#include "enlarge-ops.h"

static int
compare_ops (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 ((*(const EnlargeClOp **) a)->op, (*(const EnlargeClOp **) b)->op);
}

static char *
load_kernel_source (GHashTable *ops, GError **error)
{
  /* the fused Winograd files are templates: 16 lanes, then 8 */
  static const struct { const char *file, *prefix; } files[] = {
    { "ops.cl", "" }, { "conv.cl", "" }, { "winograd.cl", "" },
    { "winograd-fused.cl", "" }, { "winograd-fused.cl", "#define WF_W 8\n" },
    { "winograd63-fused.cl", "" }, { "winograd63-fused.cl", "#define W6_W 8\n" },
    { "transformer.cl", "" },
  };
  GString *src = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_strconcat ("kernels/", files[i].file, NULL);
      g_autoptr (GBytes) bytes = enlarge_engine_lookup (path, error);
      if (bytes == NULL)
        {
          g_string_free (src, TRUE);
          return NULL;
        }
      g_string_append_printf (src, "%s#line 1 \"%s\"\n", files[i].prefix, files[i].file);
      g_string_append_len (src, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_string_append_c (src, '\n');
    }
  /* the ops' own kernels, in a fixed order so the cache key is stable */
  {
    g_autoptr (GPtrArray) list = g_ptr_array_new ();
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init (&iter, ops);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      g_ptr_array_add (list, value);
    g_ptr_array_sort (list, compare_ops);
    for (guint i = 0; i < list->len; i++)
      {
        const EnlargeClOp *op = list->pdata[i];
        if (op->source != NULL)
          g_string_append_printf (src, "#line 1 \"%s\"\n%s\n", op->op, op->source);
      }
  }
  return g_string_free (src, FALSE);
}

/* ---------- compiled-program cache ----------
 * A file is "ENLK", a format version, the payload length, the payload's
 * SHA-256 and the payload (the program binary). Anything that does not
 * check out is rebuilt from source, never trusted. */

#define CACHE_MAGIC "ENLK"
#define CACHE_VERSION 1
#define CACHE_HEADER (4 + 4 + 8 + 32)

static char *
cache_file (EnlargeBackend *self, const char *dir, const char *source, const char *options)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *default_dir = NULL;

  g_checksum_update (sum, (const guchar *) source, -1);
  g_checksum_update (sum, (const guchar *) options, -1);
  g_checksum_update (sum, (const guchar *) self->device->name, -1);
  g_checksum_update (sum, (const guchar *) self->device->platform, -1);
  g_checksum_update (sum, (const guchar *) self->device->driver, -1);
  if (dir == NULL || *dir == '\0')
    dir = default_dir = g_build_filename (g_get_user_cache_dir (), "enlarge", "kernels", NULL);
  return g_strdup_printf ("%s/%s.bin", dir, g_checksum_get_string (sum));
}

static GBytes *
cache_read (const char *path)
{
  g_autofree char *data = NULL;
  gsize len;
  guint32 version;
  guint64 payload;
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  if (!g_file_get_contents (path, &data, &len, NULL) || len < CACHE_HEADER ||
      memcmp (data, CACHE_MAGIC, 4) != 0)
    return NULL;
  memcpy (&version, data + 4, 4);
  memcpy (&payload, data + 8, 8);
  if (version != CACHE_VERSION || payload != len - CACHE_HEADER)
    return NULL;
  g_checksum_update (sum, (const guchar *) data + CACHE_HEADER, (gssize) payload);
  g_checksum_get_digest (sum, digest, &digest_len);
  if (memcmp (digest, data + 16, 32) != 0)
    return NULL;
  return g_bytes_new (data + CACHE_HEADER, payload);
}

static void
cache_write (const char *path, const guint8 *bin, gsize len)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *data = g_malloc (CACHE_HEADER + len);
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint32 version = CACHE_VERSION;
  guint64 payload = len;
  gsize digest_len = 32;
  g_autoptr (GError) error = NULL;

  memcpy (data, CACHE_MAGIC, 4);
  memcpy (data + 4, &version, 4);
  memcpy (data + 8, &payload, 8);
  g_checksum_update (sum, bin, (gssize) len);
  g_checksum_get_digest (sum, (guint8 *) data + 16, &digest_len);
  memcpy (data + CACHE_HEADER, bin, len);
  /* a cache that cannot be written only costs time later */
  if (g_mkdir_with_parents (dir, 0755) != 0 ||
      !g_file_set_contents (path, data, (gssize) (CACHE_HEADER + len), &error))
    g_debug ("Cannot store compiled kernels in %s: %s", path,
             error ? error->message : g_strerror (errno));
}

/* The binary of a built program, to store. */
static GBytes *
program_binary (ClPriv *p)
{
  size_t size = 0;
  guint8 *bin;

  if (clGetProgramInfo (p->program, CL_PROGRAM_BINARY_SIZES, sizeof size, &size, NULL) != CL_SUCCESS ||
      size == 0)
    return NULL;
  bin = g_malloc (size);
  if (clGetProgramInfo (p->program, CL_PROGRAM_BINARIES, sizeof bin, &bin, NULL) != CL_SUCCESS)
    {
      g_free (bin);
      return NULL;
    }
  return g_bytes_new_take (bin, size);
}

static gboolean
build_from_binary (EnlargeBackend *self, GBytes *binary, const char *options)
{
  ClPriv *p = self->priv;
  const unsigned char *data = g_bytes_get_data (binary, NULL);
  size_t len = g_bytes_get_size (binary);
  cl_int status = CL_SUCCESS, err;

  p->program = clCreateProgramWithBinary (p->context, 1, &p->device, &len, &data, &status, &err);
  if (err == CL_SUCCESS && status == CL_SUCCESS &&
      clBuildProgram (p->program, 1, &p->device, options, NULL, NULL) == CL_SUCCESS)
    return TRUE;
  if (p->program)
    clReleaseProgram (p->program);
  p->program = NULL;
  return FALSE;
}

gboolean
enlarge_cl_build_program (EnlargeBackend *self, const char *cache_dir, GHashTable *ops,
                          GError **error)
{
  ClPriv *p = self->priv;
  g_autofree char *source = load_kernel_source (ops, error);
  g_autofree char *options =
    g_strconcat ("-cl-std=CL1.2", p->caps.half ? " -DWINO_HALF" : "",
                 self->device->kind == ENLARGE_DEVICE_CPU ? " -DENLARGE_CPU" : "", NULL);
  g_autofree char *cache = NULL;
  g_autoptr (GBytes) cached = NULL;
  cl_int err;

  if (source == NULL)
    return FALSE;
  cache = cache_file (self, cache_dir, source, options);
  if (g_file_test (cache, G_FILE_TEST_EXISTS))
    {
      cached = cache_read (cache);
      if (cached != NULL && build_from_binary (self, cached, options))
        self->kernel_source = ENLARGE_KERNELS_CACHED;
      else
        {
          g_info ("The cached kernels in %s are damaged or refused; rebuilding", cache);
          g_unlink (cache);
          self->kernel_source = ENLARGE_KERNELS_REBUILT;
        }
    }
  else
    self->kernel_source = ENLARGE_KERNELS_BUILT;

  if (p->program == NULL)
    {
      p->program = clCreateProgramWithSource (p->context, 1, (const char **) &source, NULL, &err);
      if (!cl_check (err, "clCreateProgramWithSource", error))
        return FALSE;
      err = clBuildProgram (p->program, 1, &p->device, options, NULL, NULL);
      if (err != CL_SUCCESS)
        {
          size_t len = 0;
          g_autofree char *log = NULL;
          clGetProgramBuildInfo (p->program, p->device, CL_PROGRAM_BUILD_LOG, 0, NULL, &len);
          log = g_malloc0 (len + 1);
          clGetProgramBuildInfo (p->program, p->device, CL_PROGRAM_BUILD_LOG, len, log, NULL);
          g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_OPENCL,
                       "OpenCL: building the kernels for %s failed (%s):\n%s",
                       self->device->name, cl_error_name (err), log);
          return FALSE;
        }
      {
        g_autoptr (GBytes) bin = program_binary (p);
        if (bin != NULL)
          cache_write (cache, g_bytes_get_data (bin, NULL), g_bytes_get_size (bin));
      }
    }

  {
    cl_uint n = 0;
    g_autofree cl_kernel *kernels = NULL;
    if (!cl_check (clCreateKernelsInProgram (p->program, 0, NULL, &n), "clCreateKernelsInProgram", error))
      return FALSE;
    kernels = g_new0 (cl_kernel, MAX (n, 1));
    if (!cl_check (clCreateKernelsInProgram (p->program, n, kernels, NULL), "clCreateKernelsInProgram", error))
      return FALSE;
    for (cl_uint i = 0; i < n; i++)
      {
        size_t len = 0;
        char *name;
        clGetKernelInfo (kernels[i], CL_KERNEL_FUNCTION_NAME, 0, NULL, &len);
        name = g_malloc0 (len + 1);
        clGetKernelInfo (kernels[i], CL_KERNEL_FUNCTION_NAME, len, name, NULL);
        g_hash_table_insert (p->kernels, name, kernels[i]);
      }
  }
  return TRUE;
}
