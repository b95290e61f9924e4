/* Runs a network over an image tile by tile.
 *
 * Each tile is read with a margin of context on every side, run through
 * the network, and only its core is kept. Inside the image the margin is
 * real image content; at the image's edges it is either absent (the
 * network zero-pads, as in one untiled run: the default, because that is
 * what the reference outputs are and mirroring costs ~10 dB against them
 * on the deep RRDB models) or mirrored. Either way an untiled run is just
 * a plan with one tile, so with a wide enough margin the result does not
 * depend on where tile borders fall. */

#include <math.h>
#include <string.h>

#include "enlarge-error.h"
#include "enlarge-upscaler.h"

#define MIN_TILE 32

int
enlarge_upscale_auto_margin (EnlargeNet *net)
{
  /* The compact nets see 18–34 px; 16 px of context keeps their tiled
   * output ≥ 58 dB from untiled. The deep RRDB nets see hundreds of
   * pixels, but the influence of far pixels fades: measured on
   * realesrgan-x4plus with 32 px tiles, 16 px gives 37 dB, 24 px 51 dB. */
  return MIN (net->receptive_radius, net->receptive_radius > 64 ? 24 : 16);
}

int
enlarge_upscale_auto_tile_size (EnlargeBackend *backend, EnlargeNet *net)
{
  const EnlargeDeviceInfo *dev = enlarge_backend_get_device (backend);
  const guint64 budget = enlarge_backend_get_memory_budget (backend);
  const int margin = enlarge_upscale_auto_margin (net);
  /* Larger tiles waste less on margins, smaller ones report progress and
   * react to cancel sooner; CPUs gain nothing past a few hundred pixels. */
  int cap = dev->kind == ENLARGE_DEVICE_GPU ? 512
          : dev->kind == ENLARGE_DEVICE_REFERENCE ? 128 : 256;

  for (int t = cap; t > MIN_TILE; t -= 16)
    {
      int side = t + 2 * margin;
      guint64 peak = enlarge_net_peak_bytes (net, side, side);
      guint64 biggest = (guint64) 192 * side * net->scale * side * net->scale * 4;
      if (peak > 0 && peak <= budget && (dev->max_alloc == 0 || biggest / 8 <= dev->max_alloc))
        return t;
    }
  return MIN_TILE;
}

/* The input region a tile runs on: the read region, widened by the
 * mirrored padding when the border mode asks for it. */
static EnlargeRect
tile_extent (const EnlargeTile *t, EnlargeBorder border)
{
  if (border == ENLARGE_BORDER_MIRROR)
    return (EnlargeRect) { t->read.x - t->pad_left, t->read.y - t->pad_top,
                           t->read.width + t->pad_left + t->pad_right,
                           t->read.height + t->pad_top + t->pad_bottom };
  return t->read;
}

/* Fills a planar RGB tensor in [0, 1] from the tile's extent; coordinates
 * outside the image (mirror mode only) fold back inside. */
static EnlargeTensor *
tile_input (const EnlargeImage *img, const EnlargeRect *r, GError **error)
{
  EnlargeTensor *in = enlarge_tensor_new (3, r->height, r->width, error);
  if (in == NULL)
    return NULL;
  for (int y = 0; y < r->height; y++)
    {
      const int sy = enlarge_mirror_index (r->y + y, img->height);
      for (int x = 0; x < r->width; x++)
        {
          const int sx = enlarge_mirror_index (r->x + x, img->width);
          const guint8 *p = enlarge_image_pixel (img, sx, sy);
          for (int c = 0; c < 3; c++)
            enlarge_tensor_channel (in, c)[(gsize) y * r->width + x] = p[c] / 255.f;
        }
    }
  return in;
}

static void
tile_output (EnlargeImage *out, const EnlargeTensor *t, const EnlargeTile *tile,
             const EnlargeRect *extent, int scale)
{
  const int ox = tile->core.x * scale, oy = tile->core.y * scale;
  const int ow = tile->core.width * scale, oh = tile->core.height * scale;
  const int offx = (tile->core.x - extent->x) * scale;
  const int offy = (tile->core.y - extent->y) * scale;

  for (int y = 0; y < oh; y++)
    for (int x = 0; x < ow; x++)
      {
        guint8 *p = enlarge_image_pixel (out, ox + x, oy + y);
        for (int c = 0; c < 3; c++)
          {
            /* ncnn's reference program: v × 255, rounded, clamped */
            float v = enlarge_tensor_channel (t, c)[(gsize) (y + offy) * t->w + x + offx];
            float q = floorf (v * 255.f + 0.5f);
            p[c] = (guint8) CLAMP (q, 0.f, 255.f);
          }
      }
}

static gboolean
copy_alpha (EnlargeImage *out, const EnlargeImage *in, GError **error)
{
  g_autoptr (EnlargeImage) scaled = enlarge_image_resample (in, out->width, out->height, error);
  if (scaled == NULL)
    return FALSE;
  for (int y = 0; y < out->height; y++)
    for (int x = 0; x < out->width; x++)
      enlarge_image_pixel (out, x, y)[3] = enlarge_image_pixel (scaled, x, y)[3];
  return TRUE;
}

EnlargeImage *
enlarge_upscale (EnlargeBackend *backend, EnlargeNet *net, const EnlargeImage *input,
                 const EnlargeUpscaleOptions *options, GCancellable *cancellable,
                 GError **error)
{
  EnlargeUpscaleOptions defaults = ENLARGE_UPSCALE_OPTIONS_INIT;
  g_autoptr (EnlargeBackend) active = enlarge_backend_ref (backend);
  g_autoptr (EnlargeImage) out = NULL;
  g_autoptr (GTimer) timer = g_timer_new ();
  const int scale = net->scale;
  int margin, tile_size;

  if (options == NULL)
    options = &defaults;
  if (input->n_channels != 3 && input->n_channels != 4)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   "Images must be RGB or RGBA");
      return NULL;
    }
  if ((gint64) input->width * scale > G_MAXINT / 8 || (gint64) input->height * scale > G_MAXINT / 8)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   "A %d×%d image is too large to enlarge %d×", input->width, input->height, scale);
      return NULL;
    }
  out = enlarge_image_new (input->width * scale, input->height * scale, input->n_channels, error);
  if (out == NULL)
    return NULL;

  margin = options->margin >= 0 ? options->margin : enlarge_upscale_auto_margin (net);
  tile_size = options->tile_size > 0 ? options->tile_size
                                     : enlarge_upscale_auto_tile_size (active, net);

restart:
  {
    g_autoptr (EnlargeTilePlan) plan = enlarge_tile_plan_new (input->width, input->height,
                                                              tile_size, margin, 1);
    for (int i = 0; i < plan->n_tiles; i++)
      {
        const EnlargeTile *t = &plan->tiles[i];
        g_autoptr (GError) local_error = NULL;
        g_autoptr (EnlargeTensor) in = NULL;
        g_autoptr (EnlargeTensor) res = NULL;

        if (g_cancellable_set_error_if_cancelled (cancellable, error))
          return NULL;
        const EnlargeRect extent = tile_extent (t, options->border);
        in = tile_input (input, &extent, error);
        if (in == NULL)
          return NULL;
        res = enlarge_backend_run (active, net, in, cancellable, &local_error);

        if (res == NULL)
          {
            if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
                enlarge_backend_is_reference (active))
              {
                g_propagate_error (error, g_steal_pointer (&local_error));
                return NULL;
              }
            if (g_error_matches (local_error, ENLARGE_ERROR, ENLARGE_ERROR_DEVICE_MEMORY) &&
                tile_size > MIN_TILE && options->tile_size == 0)
              {
                /* Too big for the device: smaller tiles give the same
                 * pixels, so start over with half the size. */
                tile_size = MAX (tile_size / 2, MIN_TILE);
                g_info ("Out of device memory, retrying with %d px tiles", tile_size);
                goto restart;
              }
            g_warning ("%s failed (%s); continuing on the reference path",
                       enlarge_backend_get_device (active)->name, local_error->message);
            g_clear_pointer (&active, enlarge_backend_unref);
            active = enlarge_backend_new_reference ();
            i--;
            continue;
          }

        if (res->c != 3 || res->w != in->w * scale || res->h != in->h * scale)
          {
            g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_SHAPE,
                         "The network gave a %d×%d×%d output for a %d×%d tile",
                         res->c, res->h, res->w, in->h, in->w);
            return NULL;
          }
        tile_output (out, res, t, &extent, scale);

        if (options->progress)
          {
            EnlargeProgress p = { 0 };
            p.tiles_done = i + 1;
            p.tiles_total = plan->n_tiles;
            p.elapsed_s = g_timer_elapsed (timer, NULL);
            p.eta_s = p.elapsed_s / p.tiles_done * (p.tiles_total - p.tiles_done);
            p.region = (EnlargeRect) { t->core.x * scale, t->core.y * scale,
                                       t->core.width * scale, t->core.height * scale };
            p.output = out;
            options->progress (&p, options->progress_data);
          }
      }
  }

  if (input->n_channels == 4 && !copy_alpha (out, input, error))
    return NULL;
  return g_steal_pointer (&out);
}
