/* Seams: every installed model gives the same picture in the smallest
 * tiles as in one piece, within 45 dB and 8 levels, with its automatic
 * margin; and without a margin it would not, so the check is not
 * vacuous. */

#include <stdio.h>

#include "enlarge-test-utils.h"

static void
test_seams (gconstpointer data)
{
  const char *model = data;
  g_autoptr (EnlargeNet) net = etu_load_or_skip (model);
  g_autoptr (EnlargeBackend) backend = NULL;
  g_autoptr (EnlargeImage) in = NULL;
  g_autoptr (EnlargeImage) whole = NULL;
  g_autoptr (EnlargeImage) tiled = NULL;
  g_autoptr (EnlargeImage) bare = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GTimer) timer = g_timer_new ();
  EnlargeUpscaleOptions opts = ENLARGE_UPSCALE_OPTIONS_INIT;
  double t_whole, t_tiled, psnr;
  int diff;

  if (net == NULL || (backend = etu_opencl_or_skip ()) == NULL)
    return;
  if (net->border > 0)
    {
      /* Real-CUGAN: its tiles need the whole image's statistics, not a
       * margin; tests/test-cugan.c checks them (2 to 4 min a model here) */
      g_test_skip ("a network without padding: see test-cugan");
      return;
    }
  in = etu_load_golden ("coffee-96x72.png");
  opts.tile_size = 4096;
  whole = enlarge_upscale (backend, net, in, &opts, NULL, &error);
  g_assert_no_error (error);
  t_whole = g_timer_elapsed (timer, NULL);
  g_timer_start (timer);
  opts.tile_size = 32;
  tiled = enlarge_upscale (backend, net, in, &opts, NULL, &error);
  g_assert_no_error (error);
  t_tiled = g_timer_elapsed (timer, NULL);
  psnr = enlarge_image_psnr (whole, tiled);
  diff = enlarge_image_max_difference (whole, tiled);
  printf ("# %s: 32 px tiles, margin %d (receptive radius %d): %.2f dB, at most %d levels; "
          "%.2f s against %.2f s untiled\n", model, enlarge_upscale_auto_margin (net),
          net->receptive_radius, psnr, diff, t_tiled, t_whole);
  g_assert_cmpfloat (psnr, >=, 45.0);
  g_assert_cmpint (diff, <=, 8);

  opts.margin = 0;
  bare = enlarge_upscale (backend, net, in, &opts, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (enlarge_image_psnr (whole, bare) < 45.0 || enlarge_image_max_difference (whole, bare) > 8);
}

int
main (int argc, char **argv)
{
  const GPtrArray *models = enlarge_model_list ();

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < models->len; i++)
    {
      const EnlargeModelInfo *m = models->pdata[i];
      g_autofree char *path = g_strdup_printf ("/seams/%s", m->id);
      g_test_add_data_func (path, m->id, test_seams);
    }
  return g_test_run ();
}
