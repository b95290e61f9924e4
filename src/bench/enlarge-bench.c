/* enlarge-bench: times each installed model on a synthetic image and
 * prints milliseconds per input megapixel and effective GFLOPS (the
 * network's direct-convolution FLOP count divided by wall time, tiles and
 * overheads included). Built, never run by the tests. */

#include <math.h>
#include <stdio.h>

#include "enlarge.h"

static char *opt_device;
static char **opt_models;
static int opt_size = 128;
static int opt_tile;
static int opt_repeat = 1;

static const GOptionEntry entries[] = {
  { "device", 'd', 0, G_OPTION_ARG_STRING, &opt_device, "Device (auto, cpu, gpu, reference, index or id)", "ID" },
  { "model", 'm', 0, G_OPTION_ARG_STRING_ARRAY, &opt_models, "Model to time (repeatable; default: every installed one)", "NAME" },
  { "size", 's', 0, G_OPTION_ARG_INT, &opt_size, "Side of the square synthetic input in pixels (default 128)", "PX" },
  { "tile", 't', 0, G_OPTION_ARG_INT, &opt_tile, "Tile size (0 = automatic)", "PX" },
  { "repeat", 'r', 0, G_OPTION_ARG_INT, &opt_repeat, "Timed runs per model; the best is reported (default 1)", "N" },
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

static int
bench_model (EnlargeBackend *backend, const char *id, EnlargeImage *img)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeNet) net = enlarge_model_load (id, &error);
  EnlargeUpscaleOptions opts = ENLARGE_UPSCALE_OPTIONS_INIT;
  double best = INFINITY;

  if (net == NULL)
    {
      g_printerr ("%s: %s\n", id, error->message);
      return 1;
    }
  opts.tile_size = opt_tile;
  for (int r = 0; r < MAX (opt_repeat, 1); r++)
    {
      g_autoptr (GTimer) timer = g_timer_new ();
      g_autoptr (EnlargeImage) out = enlarge_upscale (backend, net, img, &opts, NULL, &error);
      double s = g_timer_elapsed (timer, NULL);
      if (out == NULL)
        {
          g_printerr ("%s: %s\n", id, error->message);
          return 1;
        }
      best = MIN (best, s);
    }

  double mp = (double) img->width * img->height / 1e6;
  double flops = enlarge_net_flops (net, img->width, img->height);
  printf ("%-26s %4d×%-4d  tile %-4d  %8.2f s  %10.0f ms/MP  %8.2f TFLOP/MP  %7.2f GFLOPS\n",
          id, img->width, img->height,
          opt_tile ? opt_tile : enlarge_upscale_auto_tile_size (backend, net),
          best, best * 1000 / mp, flops / mp / 1e12, flops / best / 1e9);
  fflush (stdout);
  return 0;
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new ("— time the upscaling models");
  g_autoptr (GError) error = NULL;
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
  backend = enlarge_backend_new (opt_device, &error);
  if (backend == NULL)
    {
      g_printerr ("enlarge-bench: %s\n", error->message);
      return 1;
    }
  printf ("device: %s (%s, %s)\n", enlarge_backend_get_device (backend)->name,
          enlarge_device_kind_to_string (enlarge_backend_get_device (backend)->kind),
          enlarge_backend_get_device (backend)->driver);
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
          if (enlarge_model_is_installed (m))
            failures += bench_model (backend, m->id, img);
        }
    }
  return failures ? 1 : 0;
}
