/* Separable image resampling: area averaging, Lanczos-3, cubic and
 * nearest neighbour. */

#include <math.h>
#include <string.h>

#include "enlarge-error.h"
#include "enlarge-resample.h"

typedef struct {
  int first;      /* first source index */
  int n;          /* taps */
  float *w;       /* n weights, summing to 1 */
} Taps;

typedef struct {
  Taps *taps;
  float *weights;
  int max_taps;
} Kernel;

static double
sinc (double x)
{
  if (fabs (x) < 1e-8)
    return 1.0;
  x *= G_PI;
  return sin (x) / x;
}

static double
filter_eval (EnlargeFilter f, double x)
{
  x = fabs (x);
  switch (f)
    {
    case ENLARGE_FILTER_LANCZOS3:
      return x < 3.0 ? sinc (x) * sinc (x / 3.0) : 0.0;
    case ENLARGE_FILTER_CUBIC:
      {
        const double a = -0.5;
        if (x < 1.0)
          return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2.0)
          return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
        return 0.0;
      }
    case ENLARGE_FILTER_AREA:
    default:
      return x <= 0.5 ? 1.0 : 0.0;
    }
}

static double
filter_support (EnlargeFilter f)
{
  return f == ENLARGE_FILTER_LANCZOS3 ? 3.0 : f == ENLARGE_FILTER_CUBIC ? 2.0 : 0.5;
}

/* Weights for one axis. Centres are aligned (pixel i covers [i, i+1)); the
 * edges clamp, which keeps flat borders flat. */
static void
kernel_init (Kernel *k, int in, int out, EnlargeFilter f)
{
  const double scale = (double) out / in;
  const double stretch = scale < 1.0 ? 1.0 / scale : 1.0;

  k->taps = g_new0 (Taps, out);

  if (f == ENLARGE_FILTER_NEAREST)
    {
      /* one tap of weight 1, so the weighted sums give the value back
       * exactly; integer arithmetic, so no rounding moves a pixel */
      k->max_taps = 1;
      k->weights = g_new0 (float, out);
      for (int o = 0; o < out; o++)
        {
          k->taps[o].first = (int) ((gint64) o * in / out);
          k->taps[o].n = 1;
          k->taps[o].w = k->weights + o;
          k->weights[o] = 1.0f;
        }
      return;
    }

  if (f == ENLARGE_FILTER_AREA)
    {
      /* exact coverage of [o/scale, (o+1)/scale) */
      k->max_taps = (int) ceil (1.0 / MIN (scale, 1.0)) + 2;
      k->weights = g_new0 (float, (gsize) out * k->max_taps);
      for (int o = 0; o < out; o++)
        {
          double a = o / scale, b = (o + 1) / scale;
          int first = (int) floor (a);
          Taps *t = &k->taps[o];
          t->first = first;
          t->w = k->weights + (gsize) o * k->max_taps;
          double total = 0;
          for (int i = first; i < b && t->n < k->max_taps; i++)
            {
              double cover = MIN (b, i + 1.0) - MAX (a, (double) i);
              t->w[t->n++] = (float) MAX (cover, 0.0);
              total += MAX (cover, 0.0);
            }
          for (int j = 0; j < t->n; j++)
            t->w[j] = (float) (t->w[j] / total);
        }
      return;
    }

  const double support = filter_support (f) * stretch;
  k->max_taps = (int) ceil (support * 2) + 2;
  k->weights = g_new0 (float, (gsize) out * k->max_taps);
  for (int o = 0; o < out; o++)
    {
      double centre = (o + 0.5) / scale;
      int first = (int) floor (centre - support + 0.5);
      int last = (int) floor (centre + support - 0.5);
      Taps *t = &k->taps[o];
      double total = 0;
      t->first = first;
      t->w = k->weights + (gsize) o * k->max_taps;
      for (int i = first; i <= last && t->n < k->max_taps; i++)
        {
          double v = filter_eval (f, (i + 0.5 - centre) / stretch);
          t->w[t->n++] = (float) v;
          total += v;
        }
      if (total != 0)
        for (int j = 0; j < t->n; j++)
          t->w[j] = (float) (t->w[j] / total);
    }
}

static void
kernel_clear (Kernel *k)
{
  g_free (k->taps);
  g_free (k->weights);
}

void
enlarge_resample_plane_rows (const float *in, int in_w, int in_h,
                             float *out, int width, int height, EnlargeFilter filter,
                             int y0, int y1)
{
  Kernel kx, ky;
  int first = in_h, last = -1;

  kernel_init (&kx, in_w, width, filter);
  kernel_init (&ky, in_h, height, filter);
  /* only the input rows these output rows read get the horizontal pass */
  for (int y = y0; y < y1; y++)
    {
      first = MIN (first, CLAMP (ky.taps[y].first, 0, in_h - 1));
      last = MAX (last, CLAMP (ky.taps[y].first + ky.taps[y].n - 1, 0, in_h - 1));
    }
  if (last >= first)
    {
      g_autofree float *rows = g_new (float, (gsize) (last - first + 1) * width);
      for (int y = first; y <= last; y++)
        for (int x = 0; x < width; x++)
          {
            const Taps *t = &kx.taps[x];
            float acc = 0;
            for (int j = 0; j < t->n; j++)
              acc += t->w[j] * in[(gsize) y * in_w + CLAMP (t->first + j, 0, in_w - 1)];
            rows[(gsize) (y - first) * width + x] = acc;
          }
      for (int y = y0; y < y1; y++)
        {
          const Taps *t = &ky.taps[y];
          for (int x = 0; x < width; x++)
            {
              float acc = 0;
              for (int j = 0; j < t->n; j++)
                acc += t->w[j] * rows[(gsize) (CLAMP (t->first + j, 0, in_h - 1) - first) * width + x];
              out[(gsize) (y - y0) * width + x] = acc;
            }
        }
    }
  kernel_clear (&kx);
  kernel_clear (&ky);
}

void
enlarge_resample_plane (const float *in, int in_w, int in_h,
                        float *out, int width, int height, EnlargeFilter filter)
{
  enlarge_resample_plane_rows (in, in_w, in_h, out, width, height, filter, 0, height);
}

EnlargeImage *
enlarge_resample (const EnlargeImage *img, int width, int height, EnlargeFilter filter,
                  GError **error)
{
  g_autoptr (EnlargeImage) out = NULL;
  const int nc = img->n_channels;
  Kernel kx, ky;
  float *ring;
  int *ring_row;
  int ring_n;

  if (width <= 0 || height <= 0)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   "Cannot resample to %d×%d", width, height);
      return NULL;
    }
  out = enlarge_image_new_full (width, height, nc, img->bits, error);
  if (out == NULL)
    return NULL;
  if (width == img->width && height == img->height)
    {
      memcpy (out->pixels, img->pixels, (gsize) width * height * nc * (img->bits / 8));
      return g_steal_pointer (&out);
    }
  const float max_value = enlarge_image_max_value (img);

  kernel_init (&kx, img->width, width, filter);
  kernel_init (&ky, img->height, height, filter);

  /* A ring of horizontally resampled input rows: output rows need input
   * rows in increasing order, each at most ky.max_taps of them at once. */
  ring_n = ky.max_taps + 1;
  ring = g_try_malloc ((gsize) ring_n * width * nc * sizeof (float));
  ring_row = g_new (int, ring_n);
  if (ring == NULL)
    {
      kernel_clear (&kx);
      kernel_clear (&ky);
      g_free (ring_row);
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_NO_MEMORY, "Out of memory while resampling");
      return NULL;
    }
  for (int i = 0; i < ring_n; i++)
    ring_row[i] = -1;

  for (int y = 0; y < height; y++)
    {
      const Taps *ty = &ky.taps[y];
      float acc[4];
      for (int j = 0; j < ty->n; j++)
        {
          int sy = CLAMP (ty->first + j, 0, img->height - 1);
          int slot = sy % ring_n;
          if (ring_row[slot] == sy)
            continue;
          float *r = ring + (gsize) slot * width * nc;
          for (int x = 0; x < width; x++)
            {
              const Taps *tx = &kx.taps[x];
              for (int c = 0; c < nc; c++)
                acc[c] = 0;
              for (int i = 0; i < tx->n; i++)
                {
                  const gsize p = enlarge_image_sample_index (img, CLAMP (tx->first + i, 0, img->width - 1), sy, 0);
                  for (int c = 0; c < nc; c++)
                    acc[c] += tx->w[i] * enlarge_image_sample (img, p + c);
                }
              for (int c = 0; c < nc; c++)
                r[x * nc + c] = acc[c];
            }
          ring_row[slot] = sy;
        }
      for (int x = 0; x < width; x++)
        {
          for (int c = 0; c < nc; c++)
            acc[c] = 0;
          for (int j = 0; j < ty->n; j++)
            {
              int sy = CLAMP (ty->first + j, 0, img->height - 1);
              const float *r = ring + (gsize) (sy % ring_n) * width * nc;
              for (int c = 0; c < nc; c++)
                acc[c] += ty->w[j] * r[x * nc + c];
            }
          const gsize o = enlarge_image_sample_index (out, x, y, 0);
          for (int c = 0; c < nc; c++)
            enlarge_image_set_sample (out, o + c, CLAMP (floorf (acc[c] + 0.5f), 0.f, max_value));
        }
    }

  g_free (ring);
  g_free (ring_row);
  kernel_clear (&kx);
  kernel_clear (&ky);
  return g_steal_pointer (&out);
}

EnlargeImage *
enlarge_resample_window (const EnlargeImage *part, int part_x, int part_y,
                         int full_width, int full_height, int width, int height,
                         const EnlargeRect *window, EnlargeFilter filter, GError **error)
{
  g_autoptr (EnlargeImage) out = NULL;
  g_autofree float *rows = NULL;
  const int nc = part->n_channels;
  const int wx = window->x, wy = window->y, ww = window->width, wh = window->height;
  Kernel kx, ky;
  int y_lo = G_MAXINT, y_hi = -1;

  if (ww <= 0 || wh <= 0 || wx < 0 || wy < 0 || wx + ww > width || wy + wh > height ||
      full_width <= 0 || full_height <= 0)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   "Cannot resample the window %d,%d %d×%d of a %d×%d result",
                   wx, wy, ww, wh, width, height);
      return NULL;
    }
  out = enlarge_image_new_full (ww, wh, nc, part->bits, error);
  if (out == NULL)
    return NULL;
  const float max_value = enlarge_image_max_value (part);

  /* The taps of the whole axes (a few floats per output pixel), so that
   * every weight is the one enlarge_resample uses. */
  kernel_init (&kx, full_width, width, filter);
  kernel_init (&ky, full_height, height, filter);

  /* Check that @part holds every source pixel the window reads. */
  for (int x = wx; x < wx + ww; x++)
    {
      const Taps *t = &kx.taps[x];
      for (int i = 0; i < t->n; i++)
        {
          int sx = CLAMP (t->first + i, 0, full_width - 1) - part_x;
          if (sx < 0 || sx >= part->width)
            goto outside;
        }
    }
  for (int y = wy; y < wy + wh; y++)
    {
      const Taps *t = &ky.taps[y];
      for (int j = 0; j < t->n; j++)
        {
          int sy = CLAMP (t->first + j, 0, full_height - 1) - part_y;
          if (sy < 0 || sy >= part->height)
            goto outside;
          y_lo = MIN (y_lo, sy);
          y_hi = MAX (y_hi, sy);
        }
    }

  /* Horizontal pass over the rows the window needs, then vertical, in the
   * same order and precision as enlarge_resample. */
  rows = g_try_malloc ((gsize) (y_hi - y_lo + 1) * ww * nc * sizeof (float));
  if (rows == NULL)
    {
      kernel_clear (&kx);
      kernel_clear (&ky);
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_NO_MEMORY, "Out of memory while resampling");
      return NULL;
    }
  for (int sy = y_lo; sy <= y_hi; sy++)
    for (int x = 0; x < ww; x++)
      {
        const Taps *tx = &kx.taps[wx + x];
        float acc[4] = { 0, 0, 0, 0 };
        for (int i = 0; i < tx->n; i++)
          {
            const gsize p = enlarge_image_sample_index (part, CLAMP (tx->first + i, 0, full_width - 1) - part_x, sy, 0);
            for (int c = 0; c < nc; c++)
              acc[c] += tx->w[i] * enlarge_image_sample (part, p + c);
          }
        for (int c = 0; c < nc; c++)
          rows[((gsize) (sy - y_lo) * ww + x) * nc + c] = acc[c];
      }
  for (int y = 0; y < wh; y++)
    {
      const Taps *ty = &ky.taps[wy + y];
      for (int x = 0; x < ww; x++)
        {
          float acc[4] = { 0, 0, 0, 0 };
          for (int j = 0; j < ty->n; j++)
            {
              int sy = CLAMP (ty->first + j, 0, full_height - 1) - part_y;
              const float *r = rows + ((gsize) (sy - y_lo) * ww + x) * nc;
              for (int c = 0; c < nc; c++)
                acc[c] += ty->w[j] * r[c];
            }
          const gsize o = enlarge_image_sample_index (out, x, y, 0);
          for (int c = 0; c < nc; c++)
            enlarge_image_set_sample (out, o + c, CLAMP (floorf (acc[c] + 0.5f), 0.f, max_value));
        }
    }
  kernel_clear (&kx);
  kernel_clear (&ky);
  return g_steal_pointer (&out);

outside:
  kernel_clear (&kx);
  kernel_clear (&ky);
  g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
               "The part %d,%d %d×%d does not cover the window %d,%d %d×%d",
               part_x, part_y, part->width, part->height, wx, wy, ww, wh);
  return NULL;
}

void
enlarge_resample_window_source (int full_width, int full_height, int width, int height,
                                const EnlargeRect *window, EnlargeFilter filter,
                                EnlargeRect *source)
{
  Kernel kx, ky;
  int x0 = G_MAXINT, x1 = -1, y0 = G_MAXINT, y1 = -1;

  kernel_init (&kx, full_width, width, filter);
  kernel_init (&ky, full_height, height, filter);
  for (int x = window->x; x < window->x + window->width; x++)
    for (int i = 0; i < kx.taps[x].n; i++)
      {
        int sx = CLAMP (kx.taps[x].first + i, 0, full_width - 1);
        x0 = MIN (x0, sx);
        x1 = MAX (x1, sx);
      }
  for (int y = window->y; y < window->y + window->height; y++)
    for (int j = 0; j < ky.taps[y].n; j++)
      {
        int sy = CLAMP (ky.taps[y].first + j, 0, full_height - 1);
        y0 = MIN (y0, sy);
        y1 = MAX (y1, sy);
      }
  kernel_clear (&kx);
  kernel_clear (&ky);
  source->x = x0;
  source->y = y0;
  source->width = x1 - x0 + 1;
  source->height = y1 - y0 + 1;
}
