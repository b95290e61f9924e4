/* Whole-image statistics for tiled runs (see enlarge-tile-stats.h).
 *
 * A network without padding (Real-CUGAN) run on a tile's extent gives, in
 * every blob, an exact crop of the blob of one untiled run, as long as
 * the extent starts on the network's alignment grid and the global means
 * before it are the untiled ones. A blob of r pixels per input pixel that
 * loses L input pixels on each side has its pixel j centred on input
 * x = X + L + (j + ½) / r for a tile read from X; the untiled blob's
 * pixels therefore fall to the tiles whose cores hold their centres. */

#include <math.h>
#include <string.h>

#include "enlarge-error.h"
#include "enlarge-op-unet.h"
#include "enlarge-tile-stats.h"

gboolean
enlarge_tile_stats_needed (EnlargeNet *net)
{
  for (int i = 0; i < net->n_layers; i++)
    if (enlarge_op_is_global_mean (&net->layers[i]))
      return TRUE;
  return FALSE;
}

/* Pixels per input pixel and input pixels lost per side of blob @b, from
 * two aligned probes */
static gboolean
blob_geometry (EnlargeNet *net, int b, double *ratio, double *lost, GError **error)
{
  const int m1 = 64 * net->align, m2 = 128 * net->align;
  const int n1 = m1 + 2 * net->border, n2 = m2 + 2 * net->border;
  g_autofree EnlargeShape *s1 = g_new0 (EnlargeShape, net->n_blobs);
  g_autofree EnlargeShape *s2 = g_new0 (EnlargeShape, net->n_blobs);

  if (!enlarge_net_infer_shapes (net, n1, n1, s1, error) ||
      !enlarge_net_infer_shapes (net, n2, n2, s2, error))
    return FALSE;
  *ratio = (double) (s2[b].w - s1[b].w) / (n2 - n1);
  if (*ratio <= 0)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                   "blob %s does not grow with the input", net->blob_names[b]);
      return FALSE;
    }
  *lost = (n1 - s1[b].w / *ratio) / 2;
  return TRUE;
}

/* [lo, hi) of the blob pixels along one axis whose centres fall in
 * [c0, c1) */
static void
owned_range (double origin, double lost, double ratio, int size, double c0, double c1, int *lo,
             int *hi)
{
  /* centre(j) = origin + lost + (j + ½) / ratio ≥ c0 ⇔ j ≥ (c0 - origin - lost)·ratio - ½ */
  double a = ceil ((c0 - origin - lost) * ratio - 0.5);
  double b = ceil ((c1 - origin - lost) * ratio - 0.5);
  *lo = (int) CLAMP (a, 0, size);
  *hi = (int) CLAMP (b, 0, size);
}

GPtrArray *
enlarge_tile_stats_compute (EnlargeBackend *backend, EnlargeNet *net, int width, int height,
                            const EnlargeRect *cores, const EnlargeRect *extents, int n,
                            EnlargeTileReadFunc read, gpointer data,
                            GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) stats = g_ptr_array_new_full (net->n_layers,
                                                      (GDestroyNotify) enlarge_tensor_free);

  g_ptr_array_set_size (stats, net->n_layers);

  for (int li = 0; li < net->n_layers; li++)
    {
      const EnlargeLayer *l = &net->layers[li];
      const int b = l->inputs[0];
      double ratio, lost, count = 0;
      g_autofree double *sums = NULL;
      int channels = 0;

      if (!enlarge_op_is_global_mean (l))
        continue;
      if (!blob_geometry (net, b, &ratio, &lost, error))
        return NULL;
      for (int t = 0; t < n; t++)
        {
          const EnlargeRect *c = &cores[t], *e = &extents[t];
          g_autoptr (EnlargeTensor) in = read (e, data, error);
          g_autoptr (EnlargeTensor) blob = NULL;
          int x0, x1, y0, y1;

          if (in == NULL)
            return NULL;
          blob = enlarge_backend_run_partial (backend, net, in, (EnlargeTensor **) stats->pdata, b,
                                              cancellable, error);
          if (blob == NULL)
            return NULL;
          if (sums == NULL)
            {
              channels = blob->c;
              sums = g_new0 (double, channels);
            }
          owned_range (e->x, lost, ratio, blob->w, c->x == 0 ? -INFINITY : c->x,
                       c->x + c->width >= width ? INFINITY : c->x + c->width, &x0, &x1);
          owned_range (e->y, lost, ratio, blob->h, c->y == 0 ? -INFINITY : c->y,
                       c->y + c->height >= height ? INFINITY : c->y + c->height, &y0, &y1);
          for (int ch = 0; ch < channels; ch++)
            {
              const float *p = enlarge_tensor_channel (blob, ch);
              double s = 0;
              for (int y = y0; y < y1; y++)
                for (int x = x0; x < x1; x++)
                  s += p[(gsize) y * blob->w + x];
              sums[ch] += s;
            }
          count += (double) MAX (x1 - x0, 0) * MAX (y1 - y0, 0);
        }
      if (count <= 0 || sums == NULL)
        {
          g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_SHAPE,
                       "layer %s: no pixels to average", l->name);
          return NULL;
        }
      EnlargeTensor *mean = enlarge_tensor_new (channels, 1, 1, error);
      if (mean == NULL)
        return NULL;
      for (int ch = 0; ch < channels; ch++)
        mean->data[ch] = (float) (sums[ch] / count);
      stats->pdata[li] = mean;
    }
  return g_steal_pointer (&stats);
}
