/* enlarge-bench: times each installed model (or the models and model
 * files given) on a synthetic image and prints, with the architecture,
 * milliseconds per input megapixel and effective GFLOPS (the
 * network's direct-convolution FLOP count divided by wall time, tiles and
 * overheads included). Built, never run by the tests. */

#include <math.h>
#include <stdio.h>
#include <sys/resource.h>

#ifdef HAVE_OPENBLAS
#include <cblas.h>
#endif

#include "enlarge.h"
#include "enlarge-environment.h"

static char *opt_device;
static char **opt_models;
static int opt_size = 128;
static int opt_tile;
static int opt_repeat = 1;
static gboolean opt_json;
static int opt_local_mem;
static int opt_vector_width;
static int opt_compute_units;
static gboolean opt_no_sgemm;

static const GOptionEntry entries[] = {
  { "device", 'd', 0, G_OPTION_ARG_STRING, &opt_device, "Device (auto, cpu, gpu, reference, index or id)", "ID" },
  { "model", 'm', 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_models, "Model to time: a name, or a model file (.pth, .safetensors, .param) (repeatable; default: every installed one)", "NAME" },
  { "size", 's', 0, G_OPTION_ARG_INT, &opt_size, "Side of the square synthetic input in pixels (default 128)", "PX" },
  { "tile", 't', 0, G_OPTION_ARG_INT, &opt_tile, "Tile size (0 = automatic)", "PX" },
  { "repeat", 'r', 0, G_OPTION_ARG_INT, &opt_repeat, "Timed runs per model; the best is reported (default 1)", "N" },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, "One JSON object per line instead of the table", NULL },
  { "local-mem", 0, 0, G_OPTION_ARG_INT, &opt_local_mem,
    "Plan with at most this much local memory (KiB; default: what the device reports)", "KIB" },
  { "vector-width", 0, 0, G_OPTION_ARG_INT, &opt_vector_width,
    "Plan for this preferred float vector width (default: what the device reports)", "N" },
  { "compute-units", 0, 0, G_OPTION_ARG_INT, &opt_compute_units,
    "Plan for this many compute units (default: what the device reports)", "N" },
  { "no-sgemm", 0, 0, G_OPTION_ARG_NONE, &opt_no_sgemm, "Skip the sgemm roofline measurement", NULL },
  { NULL }
};

/* Smooth gradients plus texture, so no layer sees a degenerate input. */
static EnlargeImage *
synthetic_image (int size)
{
  EnlargeImage *img = enlarge_image_new (size, size, 3, NULL);
  for (int y = 0; y < size; y++)
    for (int x = 0; x < size; x++)
      {
        guint8 *p = enlarge_image_pixel (img, x, y);
        p[0] = (guint8) (127 + 100 * sin (x * 0.11) * cos (y * 0.07));
        p[1] = (guint8) ((x * 255) / size);
        p[2] = (guint8) (((x ^ y) & 31) * 8);
      }
  return img;
}

/* The machine's single-precision GEMM rate, 2048³, best of 3: the
 * roofline effective throughput is compared against. Run with
 * OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset to get its native kernel. */
static double
sgemm_gflops (void)
{
#ifdef HAVE_OPENBLAS
  const int n = 2048;
  g_autofree float *a = g_new (float, (gsize) n * n);
  g_autofree float *b = g_new (float, (gsize) n * n);
  g_autofree float *c = g_new0 (float, (gsize) n * n);
  double best = INFINITY;

  for (gsize i = 0; i < (gsize) n * n; i++)
    {
      a[i] = (float) ((i * 7) % 13) / 13.f;
      b[i] = (float) ((i * 5) % 11) / 11.f;
    }
  for (int r = 0; r < 4; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.f, a, n, b, n, 0.f, c, n);
      double s = (g_get_monotonic_time () - t0) / 1e6;
      if (r > 0) /* the first call warms up threads and pages */
        best = MIN (best, s);
    }
  return 2.0 * n * n * (double) n / best / 1e9;
#else
  return 0;
#endif
}

static double sgemm_rate;

typedef struct {
  double first_tile_s;
  gint64 start;
} FirstTile;

static void
on_first_tile (const EnlargeProgress *p, gpointer data)
{
  FirstTile *ft = data;
  if (ft->first_tile_s < 0)
    ft->first_tile_s = (g_get_monotonic_time () - ft->start) / 1e6;
}

static double
peak_rss_mib (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}

static int
bench_model (EnlargeBackend *backend, const char *id, EnlargeImage *img)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeNet) net = enlarge_model_is_file (id)
                                 ? enlarge_model_load_file (id, &error)
                                 : enlarge_model_load_in (enlarge_environment_model_dirs (), id,
                                                          &error);
  EnlargeUpscaleOptions opts = ENLARGE_UPSCALE_OPTIONS_INIT;
  double best = INFINITY;

  if (net == NULL)
    {
      g_printerr ("%s: %s\n", id, error->message);
      return 1;
    }
  FirstTile ft = { -1, 0 };
  double first_tile = INFINITY;

  opts.tile_size = opt_tile;
  opts.progress = on_first_tile;
  opts.progress_data = &ft;
  for (int r = 0; r < MAX (opt_repeat, 1); r++)
    {
      g_autoptr (GTimer) timer = g_timer_new ();
      ft.first_tile_s = -1;
      ft.start = g_get_monotonic_time ();
      g_autoptr (EnlargeImage) out = enlarge_upscale (backend, net, img, &opts, NULL, &error);
      double s = g_timer_elapsed (timer, NULL);
      if (out == NULL)
        {
          g_printerr ("%s: %s\n", id, error->message);
          return 1;
        }
      best = MIN (best, s);
      first_tile = MIN (first_tile, ft.first_tile_s);
    }

  /* the family the importer found, or the manifest's for its ncnn files */
  const EnlargeModelInfo *info = enlarge_model_is_file (id) ? NULL : enlarge_model_lookup (id);
  const char *arch = net->architecture != NULL ? net->architecture
                     : info != NULL ? enlarge_model_architecture_family (info->architecture)
                     : "ncnn";
  g_autofree char *name = enlarge_model_is_file (id) ? g_path_get_basename (id) : g_strdup (id);
  double mp = (double) img->width * img->height / 1e6;
  double flops = enlarge_net_flops (net, img->width, img->height);
  double gflops = flops / best / 1e9;
  int tile = opt_tile ? opt_tile : enlarge_upscale_auto_tile_size (backend, net);
  if (opt_json)
    printf ("{\"model\": \"%s\", \"architecture\": \"%s\", \"device\": \"%s\", \"width\": %d, \"height\": %d, \"tile\": %d, "
            "\"seconds\": %.3f, \"ms_per_mp\": %.1f, \"tflop_per_mp\": %.3f, \"gflops\": %.2f, "
            "\"sgemm_gflops\": %.2f, \"ratio\": %.3f, \"peak_rss_mib\": %.0f, \"first_tile_s\": %.3f, "
            "\"local_mem_kib\": %" G_GUINT64_FORMAT "}\n",
            name, arch, enlarge_backend_get_device (backend)->id, img->width, img->height, tile, best,
            best * 1000 / mp, flops / mp / 1e12, gflops, sgemm_rate,
            sgemm_rate > 0 ? gflops / sgemm_rate : 0, peak_rss_mib (), first_tile,
            enlarge_backend_get_device (backend)->local_mem >> 10);
  else
    printf ("%-28s %-10s %5d×%-5d %5d %9.2f %11.0f %9.2f %8.2f %6.3f %8.0f %7.2f %9" G_GUINT64_FORMAT "\n",
            name, arch, img->width, img->height, tile, best, best * 1000 / mp, flops / mp / 1e12,
            gflops, sgemm_rate > 0 ? gflops / sgemm_rate : 0, peak_rss_mib (), first_tile,
            enlarge_backend_get_device (backend)->local_mem >> 10);
  fflush (stdout);
  return 0;
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new ("— time the upscaling models");
  g_autoptr (GError) error = NULL;

  enlarge_tune_malloc ();
  g_autoptr (EnlargeBackend) backend = NULL;
  g_autoptr (EnlargeImage) img = NULL;
  int failures = 0;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("enlarge-bench: %s\n", error->message);
      return 2;
    }
  if (opt_size < 16 || opt_size > 8192)
    {
      g_printerr ("enlarge-bench: --size must be 16…8192\n");
      return 2;
    }
  {
    EnlargeBackendOptions options = ENLARGE_BACKEND_OPTIONS_INIT;
    enlarge_environment_backend_options (&options);
    if (opt_local_mem > 0)
      options.local_mem_cap = (guint64) opt_local_mem << 10;
    options.vector_width = MAX (opt_vector_width, 0);
    options.compute_units = MAX (opt_compute_units, 0);
    backend = enlarge_backend_new_full (opt_device, &options, &error);
  }
  if (backend == NULL)
    {
      g_printerr ("enlarge-bench: %s\n", error->message);
      return 1;
    }
  if (!opt_no_sgemm)
    sgemm_rate = sgemm_gflops ();
  if (!opt_json)
    {
      const EnlargeDeviceInfo *dev = enlarge_backend_get_device (backend);
      printf ("device: %s (%s, %s), %d compute units, float vectors of %d\n", dev->name,
              enlarge_device_kind_to_string (dev->kind), dev->driver, dev->compute_units,
              dev->vector_width);
      printf ("sgemm (OpenBLAS, 2048³): %.1f GFLOPS%s\n", sgemm_rate,
              sgemm_rate > 0 ? "" : " (not measured)");
      printf ("%-28s %-10s %11s %5s %9s %11s %9s %8s %6s %8s %7s %9s\n", "model", "arch", "input", "tile",
              "seconds", "ms/MP", "TFLOP/MP", "GFLOPS", "÷sgemm", "RSS MiB", "1st s", "local KiB");
    }
  img = synthetic_image (opt_size);

  if (opt_models)
    for (int i = 0; opt_models[i]; i++)
      failures += bench_model (backend, opt_models[i], img);
  else
    {
      const GPtrArray *list = enlarge_model_list ();
      for (guint i = 0; i < list->len; i++)
        {
          const EnlargeModelInfo *m = list->pdata[i];
          if (enlarge_model_is_installed_in (enlarge_environment_model_dirs (), m))
            failures += bench_model (backend, m->id, img);
        }
    }
  return failures ? 1 : 0;
}
