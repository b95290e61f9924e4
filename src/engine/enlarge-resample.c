/* Separable image resampling: area averaging, Lanczos-3 and cubic. */

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
enlarge_resample_plane (const float *in, int in_w, int in_h,
                        float *out, int width, int height, EnlargeFilter filter)
{
  Kernel kx, ky;
  g_autofree float *rows = g_new (float, (gsize) in_h * width);

  kernel_init (&kx, in_w, width, filter);
  kernel_init (&ky, in_h, height, filter);
  for (int y = 0; y < in_h; y++)
    for (int x = 0; x < width; x++)
      {
        const Taps *t = &kx.taps[x];
        float acc = 0;
        for (int j = 0; j < t->n; j++)
          acc += t->w[j] * in[(gsize) y * in_w + CLAMP (t->first + j, 0, in_w - 1)];
        rows[(gsize) y * width + x] = acc;
      }
  for (int y = 0; y < height; y++)
    {
      const Taps *t = &ky.taps[y];
      for (int x = 0; x < width; x++)
        {
          float acc = 0;
          for (int j = 0; j < t->n; j++)
            acc += t->w[j] * rows[(gsize) CLAMP (t->first + j, 0, in_h - 1) * width + x];
          out[(gsize) y * width + x] = acc;
        }
    }
  kernel_clear (&kx);
  kernel_clear (&ky);
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
  out = enlarge_image_new (width, height, nc, error);
  if (out == NULL)
    return NULL;
  if (width == img->width && height == img->height)
    {
      memcpy (out->pixels, img->pixels, (gsize) width * height * nc);
      return g_steal_pointer (&out);
    }

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
                  const guint8 *p = enlarge_image_pixel (img, CLAMP (tx->first + i, 0, img->width - 1), sy);
                  for (int c = 0; c < nc; c++)
                    acc[c] += tx->w[i] * p[c];
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
          guint8 *o = enlarge_image_pixel (out, x, y);
          for (int c = 0; c < nc; c++)
            o[c] = (guint8) CLAMP (floorf (acc[c] + 0.5f), 0.f, 255.f);
        }
    }

  g_free (ring);
  g_free (ring_row);
  kernel_clear (&kx);
  kernel_clear (&ky);
  return g_steal_pointer (&out);
}
