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
#include "enlarge-resample.h"
#include "enlarge-tile-stats.h"
#include "enlarge-upscaler.h"

#define MIN_TILE 32

int
enlarge_upscale_auto_margin (EnlargeNet *net)
{
  /* The compact nets see 18–34 px: 16 px of context keeps 32 px tiles
   * within 61 dB and 4 levels of the untiled result. The deep RRDB nets
   * see hundreds of pixels, but the influence of far pixels fades; on the
   * coffee crop in 32 px tiles (tests/test-seams.c):
   *   x4plus-anime (radius 95):  24 px 52.8 dB, 19 levels; 32 px 64.6 dB, 4
   *   x4plus (radius 350):       24 px 48.5 dB, 19 levels; 32 px 54.1 dB, 8;
   *                              40 px 58.7 dB, 4
   * A wider margin costs its area: at 512 px tiles 40 px instead of 24 is
   * 12 % more pixels a tile, 32 px 6 %. */
  const int r = net->receptive_radius;
  return r <= 64 ? MIN (r, 16) : r <= 128 ? 32 : 40;
}

int
enlarge_upscale_auto_tile_size (EnlargeBackend *backend, EnlargeNet *net)
{
  const EnlargeDeviceInfo *dev = enlarge_backend_get_device (backend);
  const guint64 budget = enlarge_backend_get_memory_budget (backend);
  const int margin = enlarge_upscale_auto_margin (net);
  /* Larger tiles waste less on margins (realesrgan-x4fast, 1024² on PoCL:
   * 10.2 s in 256 px tiles, 7.8 s in 512 px, 7.9 s untiled), smaller ones
   * report progress and react to cancel sooner. */
  int cap = dev->kind == ENLARGE_DEVICE_REFERENCE ? 128 : 512;

  for (int t = cap; t > MIN_TILE; t -= 16)
    {
      /* a network without padding reads its border instead of a margin */
      int side = net->border > 0 ? t + 2 * net->border + net->align : t + 2 * margin;
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

/* For a network without padding (EnlargeNet.border): the region whose
 * output a tile keeps (its core, widened by the margin inside the image,
 * on the network's alignment grid) and the input region it runs on (that
 * plus the border the network loses, mirrored past the image's edges, as
 * realcugan-ncnn-vulkan pads). One tile covering the image is exactly the
 * untiled run. */
static void
bordered_extent (const EnlargeNet *net, const EnlargeTile *t, int margin, int width, int height,
                 EnlargeRect *extent, EnlargeRect *kept)
{
  const int a = MAX (net->align, 1);
  const int wa = (width + a - 1) / a * a, ha = (height + a - 1) / a * a;
  int x0 = t->core.x == 0 ? 0 : (t->core.x - margin) / a * a;
  int y0 = t->core.y == 0 ? 0 : (t->core.y - margin) / a * a;
  int x1 = MIN (wa, (t->core.x + t->core.width + margin + a - 1) / a * a);
  int y1 = MIN (ha, (t->core.y + t->core.height + margin + a - 1) / a * a);

  x0 = MAX (x0, 0);
  y0 = MAX (y0, 0);
  *kept = (EnlargeRect) { x0, y0, x1 - x0, y1 - y0 };
  *extent = (EnlargeRect) { x0 - net->border, y0 - net->border, x1 - x0 + 2 * net->border,
                            y1 - y0 + 2 * net->border };
}

static int
lcm (int a, int b)
{
  int x = a, y = b;
  while (y != 0)
    {
      const int t = x % y;
      x = y;
      y = t;
    }
  return a / x * b;
}

/* Which channels of the source image a pass runs on. */
typedef enum {
  PASS_RGB,
  PASS_ALPHA,   /* alpha replicated into R, G and B */
} PassKind;

/* Fills a planar RGB tensor in [0, 1] from the tile's extent (v / 255, or
 * v / 65535 for 16-bit pixels); coordinates outside the image (mirror
 * mode only) fold back inside. */
static EnlargeTensor *
tile_input (const EnlargeImage *img, const EnlargeRect *r, PassKind kind, GError **error)
{
  EnlargeTensor *in = enlarge_tensor_new (3, r->height, r->width, error);
  const float max_value = enlarge_image_max_value (img);
  if (in == NULL)
    return NULL;
  for (int y = 0; y < r->height; y++)
    {
      const int sy = enlarge_mirror_index (r->y + y, img->height);
      for (int x = 0; x < r->width; x++)
        {
          const int sx = enlarge_mirror_index (r->x + x, img->width);
          const gsize p = enlarge_image_sample_index (img, sx, sy, 0);
          for (int c = 0; c < 3; c++)
            enlarge_tensor_channel (in, c)[(gsize) y * r->width + x] =
              enlarge_image_sample (img, p + (kind == PASS_ALPHA ? 3 : c)) / max_value;
        }
    }
  return in;
}

static void
tile_output (EnlargeImage *out, const EnlargeTensor *t, const EnlargeTile *tile,
             const EnlargeRect *extent, int scale, PassKind kind)
{
  const int ox = tile->core.x * scale, oy = tile->core.y * scale;
  const int ow = tile->core.width * scale, oh = tile->core.height * scale;
  const int offx = (tile->core.x - extent->x) * scale;
  const int offy = (tile->core.y - extent->y) * scale;
  const float max_value = enlarge_image_max_value (out);

  for (int y = 0; y < oh; y++)
    for (int x = 0; x < ow; x++)
      {
        const gsize p = enlarge_image_sample_index (out, ox + x, oy + y, 0);
        const gsize i = (gsize) (y + offy) * t->w + x + offx;
        if (kind == PASS_ALPHA)
          {
            /* the three outputs of a gray input agree closely: average */
            float v = (t->data[i] + enlarge_tensor_channel (t, 1)[i] +
                       enlarge_tensor_channel (t, 2)[i]) / 3.f;
            enlarge_image_set_sample (out, p + 3,
                                      CLAMP (floorf (v * max_value + 0.5f), 0.f, max_value));
            continue;
          }
        for (int c = 0; c < 3; c++)
          {
            /* ncnn's reference program: v × 255, rounded, clamped (× 65535
             * for 16-bit pixels) */
            float q = floorf (enlarge_tensor_channel (t, c)[i] * max_value + 0.5f);
            enlarge_image_set_sample (out, p + c, CLAMP (q, 0.f, max_value));
          }
      }
}

/* Transform k of the 8 flips/transposes, applied to (or undone from) a
 * tensor. Bit 0: flip x, bit 1: flip y, bit 2: transpose (applied last,
 * so undoing transposes first). */
static EnlargeTensor *
tensor_transform (const EnlargeTensor *t, int k, gboolean inverse, GError **error)
{
  const gboolean tr = (k & 4) != 0;
  const int w = tr ? t->h : t->w, h = tr ? t->w : t->h;
  EnlargeTensor *o = enlarge_tensor_new (t->c, h, w, error);
  if (o == NULL)
    return NULL;
  for (int c = 0; c < t->c; c++)
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        {
          int sx, sy;
          if (!inverse)
            {
              /* o = T(F(t)) */
              int fx = tr ? y : x, fy = tr ? x : y;
              sx = (k & 1) ? t->w - 1 - fx : fx;
              sy = (k & 2) ? t->h - 1 - fy : fy;
            }
          else
            {
              /* o = F⁻¹(T⁻¹(t)): flip o's coordinates, then transpose */
              int fx = (k & 1) ? w - 1 - x : x, fy = (k & 2) ? h - 1 - y : y;
              sx = tr ? fy : fx;
              sy = tr ? fx : fy;
            }
          enlarge_tensor_channel (o, c)[(gsize) y * w + x] =
            enlarge_tensor_channel (t, c)[(gsize) sy * t->w + sx];
        }
  return o;
}

/* One run of the network, with the whole-image means @stats when given */
static EnlargeTensor *
run_once (EnlargeBackend *backend, EnlargeNet *net, const EnlargeTensor *in,
          EnlargeTensor **stats, GCancellable *cancellable, GError **error)
{
  if (stats != NULL)
    return enlarge_backend_run_partial (backend, net, in, stats, -1, cancellable, error);
  return enlarge_backend_run (backend, net, in, cancellable, error);
}

/* A network that needs sides of a multiple of m (a pixel-unshuffled
 * input) gets the tile with its last row and column repeated up to it,
 * and its output cut back to the tile's. */
static EnlargeTensor *
run_padded (EnlargeBackend *backend, EnlargeNet *net, const EnlargeTensor *in,
            EnlargeTensor **stats, GCancellable *cancellable, GError **error)
{
  const int m = MAX (net->size_multiple, 1), s = net->scale;
  const int w = (in->w + m - 1) / m * m, h = (in->h + m - 1) / m * m;
  g_autoptr (EnlargeTensor) padded = NULL;
  g_autoptr (EnlargeTensor) res = NULL;
  EnlargeTensor *out;

  if (w == in->w && h == in->h)
    return run_once (backend, net, in, stats, cancellable, error);
  if ((padded = enlarge_tensor_new (in->c, h, w, error)) == NULL)
    return NULL;
  for (int c = 0; c < in->c; c++)
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        enlarge_tensor_channel (padded, c)[(gsize) y * w + x] =
          enlarge_tensor_channel (in, c)[(gsize) MIN (y, in->h - 1) * in->w + MIN (x, in->w - 1)];
  res = run_once (backend, net, padded, stats, cancellable, error);
  if (res == NULL || (out = enlarge_tensor_new (res->c, in->h * s, in->w * s, error)) == NULL)
    return NULL;
  for (int c = 0; c < res->c; c++)
    for (int y = 0; y < out->h; y++)
      memcpy (enlarge_tensor_channel (out, c) + (gsize) y * out->w,
              enlarge_tensor_channel (res, c) + (gsize) y * res->w, sizeof (float) * out->w);
  return out;
}


/* One tile through the network, or its 8 variants averaged. The
 * whole-image means @stats, when given, are the untransformed image's and
 * serve all 8 variants: close to, not exactly, what an untiled run of
 * each flipped image would take (the networks are not exactly equivariant
 * to flips). */
static EnlargeTensor *
run_tile (EnlargeBackend *backend, EnlargeNet *net, const EnlargeTensor *in, gboolean tta,
          EnlargeTensor **stats, GCancellable *cancellable, GError **error)
{
  g_autoptr (EnlargeTensor) sum = NULL;

  if (!tta)
    return run_padded (backend, net, in, stats, cancellable, error);
  for (int k = 0; k < 8; k++)
    {
      g_autoptr (EnlargeTensor) tin = tensor_transform (in, k, FALSE, error);
      g_autoptr (EnlargeTensor) tout = NULL;
      g_autoptr (EnlargeTensor) back = NULL;
      if (tin == NULL || (tout = run_padded (backend, net, tin, stats, cancellable, error)) == NULL ||
          (back = tensor_transform (tout, k, TRUE, error)) == NULL)
        return NULL;
      if (sum == NULL)
        sum = g_steal_pointer (&back);
      else
        for (gsize i = 0; i < enlarge_tensor_size (sum); i++)
          sum->data[i] += back->data[i];
    }
  for (gsize i = 0; i < enlarge_tensor_size (sum); i++)
    sum->data[i] *= 1.f / 8.f;
  return g_steal_pointer (&sum);
}

/* A residual network's result: its output plus the input (past the
 * border) upsampled nearest */
static void
add_residual (EnlargeTensor *res, const EnlargeTensor *in, int border, int scale)
{
  for (int c = 0; c < res->c; c++)
    for (int y = 0; y < res->h; y++)
      {
        const float *src = enlarge_tensor_channel (in, c) + (gsize) (y / scale + border) * in->w + border;
        float *dst = enlarge_tensor_channel (res, c) + (gsize) y * res->w;
        for (int x = 0; x < res->w; x++)
          dst[x] += src[x / scale];
      }
}

typedef struct {
  const EnlargeImage *source;
  PassKind kind;
} ReadData;

static EnlargeTensor *
read_tile (const EnlargeRect *extent, gpointer data, GError **error)
{
  const ReadData *rd = data;
  return tile_input (rd->source, extent, rd->kind, error);
}

/* The whole-image statistics of one pass over the tiles of @plan */
static gboolean
pass_stats (EnlargeBackend *backend, EnlargeNet *net, const EnlargeTilePlan *plan, int margin,
            const EnlargeImage *source, PassKind kind, int width, int height, GPtrArray **stats,
            GCancellable *cancellable, GError **error)
{
  g_autofree EnlargeRect *cores = g_new (EnlargeRect, plan->n_tiles);
  g_autofree EnlargeRect *extents = g_new (EnlargeRect, plan->n_tiles);
  ReadData rd = { source, kind };

  for (int i = 0; i < plan->n_tiles; i++)
    {
      EnlargeRect kept;
      cores[i] = plan->tiles[i].core;
      bordered_extent (net, &plan->tiles[i], margin, width, height, &extents[i], &kept);
    }
  *stats = enlarge_tile_stats_compute (backend, net, width, height, cores, extents, plan->n_tiles,
                                       read_tile, &rd, cancellable, error);
  return *stats != NULL;
}

/* The colour under fully transparent pixels is arbitrary (often black);
 * a network would blend it into visible edges. Grow the visible colours
 * outward into the transparent area instead, a ring per pass. */
static EnlargeImage *
fill_transparent (const EnlargeImage *img, int passes, GError **error)
{
  g_autoptr (EnlargeImage) out = enlarge_image_copy (img, error);
  g_autofree guint8 *known = NULL;
  g_autofree guint8 *next = NULL;
  const int w = img->width, h = img->height;

  if (out == NULL)
    return NULL;
  known = g_malloc ((gsize) w * h);
  next = g_malloc ((gsize) w * h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      known[(gsize) y * w + x] = enlarge_image_sample (img, enlarge_image_sample_index (img, x, y, 3)) > 0;

  for (int pass = 0; pass < passes; pass++)
    {
      gboolean changed = FALSE;
      memcpy (next, known, (gsize) w * h);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          {
            gint64 sum[3] = { 0, 0, 0 }, n = 0;
            if (known[(gsize) y * w + x])
              continue;
            for (int dy = -1; dy <= 1; dy++)
              for (int dx = -1; dx <= 1; dx++)
                {
                  int nx = x + dx, ny = y + dy;
                  if (nx < 0 || ny < 0 || nx >= w || ny >= h || !known[(gsize) ny * w + nx])
                    continue;
                  const gsize q = enlarge_image_sample_index (out, nx, ny, 0);
                  for (int c = 0; c < 3; c++)
                    sum[c] += (gint64) enlarge_image_sample (out, q + c);
                  n++;
                }
            if (n == 0)
              continue;
            const gsize p = enlarge_image_sample_index (out, x, y, 0);
            for (int c = 0; c < 3; c++)
              enlarge_image_set_sample (out, p + c, (float) ((sum[c] + n / 2) / n));
            next[(gsize) y * w + x] = 1;
            changed = TRUE;
          }
      memcpy (known, next, (gsize) w * h);
      if (!changed)
        break;
    }
  return g_steal_pointer (&out);
}

static gboolean
resample_alpha (EnlargeImage *out, const EnlargeImage *in, GError **error)
{
  /* Catmull-Rom: sharp without the ringing Lanczos leaves on hard edges */
  g_autoptr (EnlargeImage) scaled = enlarge_resample (in, out->width, out->height,
                                                      ENLARGE_FILTER_CUBIC, error);
  if (scaled == NULL)
    return FALSE;
  for (int y = 0; y < out->height; y++)
    for (int x = 0; x < out->width; x++)
      {
        const gsize i = enlarge_image_sample_index (out, x, y, 3);
        enlarge_image_set_sample (out, i, enlarge_image_sample (scaled, i));
      }
  return TRUE;
}

static int
channel_passes (int n_channels, EnlargeAlphaMode alpha)
{
  return n_channels == 4 && alpha == ENLARGE_ALPHA_MODEL ? 2 : 1;
}

/* Big tiles waste the least on margins, but the first result would take
 * seconds: realesrgan-x4plus needs 3.8 s for a 512 × 64 tile on a 2-core
 * CPU. A small first tile, then a first row as high, shows it within a
 * second for one more row of margins (3 % on realesrgan-x4fast, 1024² in
 * 512 px tiles): 40 × 40 with the compact nets' margins; with the wider
 * margins of the deep ones, as much smaller as keeps the first tile's
 * read region (core + one margin, at the image's corner) 64 px, as it was
 * with x4plus's former 24 px margin (0.77 s). */
static int
lead_size (int margin)
{
  return margin <= 24 ? 40 : MAX (16, 64 - margin);
}

static EnlargeTilePlan *
plan_tiles (int width, int height, int tile_size, int margin, int block)
{
  return enlarge_tile_plan_new_blocked (width, height, tile_size, margin, 1,
                                        tile_size >= 256 ? lead_size (margin) : 0, block);
}

int
enlarge_upscale_count_tiles (int width, int height, int n_channels, int tile_size,
                             EnlargeAlphaMode alpha)
{
  g_autoptr (EnlargeTilePlan) plan = plan_tiles (width, height, tile_size, 0, 1);
  return plan->n_tiles * channel_passes (n_channels, alpha);
}

EnlargeImage *
enlarge_upscale (EnlargeBackend *backend, EnlargeNet *net, const EnlargeImage *input,
                 const EnlargeUpscaleOptions *options, GCancellable *cancellable,
                 GError **error)
{
  EnlargeUpscaleOptions defaults = ENLARGE_UPSCALE_OPTIONS_INIT;
  g_autoptr (EnlargeBackend) active = enlarge_backend_ref (backend);
  g_autoptr (EnlargeImage) out = NULL;
  g_autoptr (EnlargeImage) source = NULL;
  g_autoptr (GTimer) timer = g_timer_new ();
  const int scale = net->scale;
  int margin, tile_size, n_passes;

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
  out = enlarge_image_new_full (input->width * scale, input->height * scale, input->n_channels,
                                input->bits, error);
  if (out == NULL)
    return NULL;
  if (input->n_channels == 4)
    {
      source = fill_transparent (input, 2 * enlarge_upscale_auto_margin (net) + 4, error);
      if (source == NULL)
        return NULL;
      /* opaque until the alpha pass has run, for progressive display */
      for (gsize i = 0; i < (gsize) out->width * out->height; i++)
        enlarge_image_set_sample (out, i * 4 + 3, enlarge_image_max_value (out));
    }
  else
    source = enlarge_image_ref ((EnlargeImage *) input);
  n_passes = channel_passes (input->n_channels, options->alpha);

  margin = options->margin >= 0 ? options->margin : enlarge_upscale_auto_margin (net);
  /* a network without padding reads its border of context anyway */
  if (net->border > 0 && options->margin < 0)
    margin = 0;
  tile_size = options->tile_size > 0 ? options->tile_size
                                     : enlarge_upscale_auto_tile_size (active, net);

restart:
  {
    g_autoptr (EnlargeTilePlan) plan = plan_tiles (input->width, input->height, tile_size, margin,
                                                       enlarge_backend_get_width_block (active));
    const int total = plan->n_tiles * n_passes;
    g_autoptr (GPtrArray) stats = NULL;
    for (int j = 0; j < total; j++)
      {
        const int i = j % plan->n_tiles;
        const PassKind kind = j < plan->n_tiles ? PASS_RGB : PASS_ALPHA;
        const EnlargeTile *t = &plan->tiles[i];
        g_autoptr (GError) local_error = NULL;
        g_autoptr (EnlargeTensor) in = NULL;
        g_autoptr (EnlargeTensor) res = NULL;

        if (g_cancellable_set_error_if_cancelled (cancellable, error))
          return NULL;
        EnlargeRect extent = tile_extent (t, options->border), kept;
        if (net->size_multiple > 1 || net->grid > 1)
          {
            /* tiles start on the unshuffle's grid (or the attention
             * windows'), so each sees the blocks an untiled run sees */
            const int m = lcm (MAX (net->size_multiple, 1), MAX (net->grid, 1));
            const int dx = ((extent.x % m) + m) % m, dy = ((extent.y % m) + m) % m;
            extent.x -= dx;
            extent.width += dx;
            extent.y -= dy;
            extent.height += dy;
          }
        kept = extent;
        if (net->border > 0 || net->align > 1)
          bordered_extent (net, t, margin, input->width, input->height, &extent, &kept);
        if (j % plan->n_tiles == 0)
          {
            /* each pass (RGB, alpha) over its own image's statistics */
            g_clear_pointer (&stats, g_ptr_array_unref);
            if (!options->tile_stats && plan->n_tiles > 1 && enlarge_tile_stats_needed (net) &&
                !pass_stats (active, net, plan, margin, source, kind, input->width,
                             input->height, &stats, cancellable, &local_error))
              {
                if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
                    enlarge_backend_is_reference (active))
                  {
                    g_propagate_error (error, g_steal_pointer (&local_error));
                    return NULL;
                  }
                /* as for a tile: the rest on the reference path */
                g_warning ("%s failed (%s); continuing on the reference path",
                           enlarge_backend_get_device (active)->name, local_error->message);
                g_clear_error (&local_error);
                g_clear_pointer (&active, enlarge_backend_unref);
                active = enlarge_backend_new_reference ();
                if (!pass_stats (active, net, plan, margin, source, kind, input->width,
                                 input->height, &stats, cancellable, error))
                  return NULL;
              }
          }
        in = tile_input (source, &extent, kind, error);
        if (in == NULL)
          return NULL;
        res = run_tile (active, net, in, options->tta,
                        stats != NULL ? (EnlargeTensor **) stats->pdata : NULL, cancellable,
                        &local_error);

        if (res == NULL)
          {
            if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
                enlarge_backend_is_reference (active))
              {
                g_propagate_error (error, g_steal_pointer (&local_error));
                return NULL;
              }
            if (g_error_matches (local_error, ENLARGE_ERROR, ENLARGE_ERROR_DEVICE_MEMORY) &&
                tile_size > MIN_TILE)
              {
                /* Too big for the device: smaller tiles give the same
                 * pixels, so start over with half the size (a tile size
                 * the user chose included: a result beats an error). */
                tile_size = MAX (tile_size / 2, MIN_TILE);
                g_info ("Out of device memory, retrying with %d px tiles", tile_size);
                goto restart;
              }
            g_warning ("%s failed (%s); continuing on the reference path",
                       enlarge_backend_get_device (active)->name, local_error->message);
            g_clear_pointer (&active, enlarge_backend_unref);
            active = enlarge_backend_new_reference ();
            j--;
            continue;
          }

        if (res->c != 3 || res->w != kept.width * scale || res->h != kept.height * scale)
          {
            g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_SHAPE,
                         "The network gave a %d×%d×%d output for a %d×%d tile",
                         res->c, res->h, res->w, in->h, in->w);
            return NULL;
          }
        if (net->residual)
          add_residual (res, in, net->border, scale);
        tile_output (out, res, t, &kept, scale, kind);

        if (options->progress)
          {
            EnlargeProgress p = { 0 };
            p.tiles_done = j + 1;
            p.tiles_total = total;
            p.elapsed_s = g_timer_elapsed (timer, NULL);
            p.eta_s = p.elapsed_s / p.tiles_done * (p.tiles_total - p.tiles_done);
            p.region = (EnlargeRect) { t->core.x * scale, t->core.y * scale,
                                       t->core.width * scale, t->core.height * scale };
            p.output = out;
            options->progress (&p, options->progress_data);
          }
      }
  }

  if (input->n_channels == 4 && options->alpha == ENLARGE_ALPHA_FAST &&
      !resample_alpha (out, input, error))
    return NULL;
  return g_steal_pointer (&out);
}
