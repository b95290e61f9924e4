/* How two pictures compare: the measures the tests, the comparison grid
 * and the pipeline share, in one place. */

#include <math.h>
#include <stdlib.h>

#include "enlarge-metrics.h"
#include "enlarge-resample.h"

double
enlarge_image_psnr (const EnlargeImage *a, const EnlargeImage *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, -1);

  int color_a = a->n_channels >= 3 ? 3 : 1;
  int color_b = b->n_channels >= 3 ? 3 : 1;
  if (a->width != b->width || a->height != b->height || color_a != color_b)
    return -1;

  if (a->bits != 8 || b->bits != 8)
    {
      /* in 8-bit units, so the figures of both depths read alike */
      const double ka = 255.0 / enlarge_image_max_value (a), kb = 255.0 / enlarge_image_max_value (b);
      double dsum = 0;
      for (int y = 0; y < a->height; y++)
        for (int x = 0; x < a->width; x++)
          for (int c = 0; c < color_a; c++)
            {
              double d = ka * enlarge_image_sample (a, enlarge_image_sample_index (a, x, y, c)) -
                         kb * enlarge_image_sample (b, enlarge_image_sample_index (b, x, y, c));
              dsum += d * d;
            }
      if (dsum == 0)
        return INFINITY;
      return 10.0 * log10 (255.0 * 255.0 / (dsum / ((double) a->width * a->height * color_a)));
    }

  guint64 sum = 0;
  for (int y = 0; y < a->height; y++)
    {
      const guint8 *pa = enlarge_image_pixel (a, 0, y);
      const guint8 *pb = enlarge_image_pixel (b, 0, y);
      for (int x = 0; x < a->width; x++)
        {
          for (int c = 0; c < color_a; c++)
            {
              int d = (int) pa[c] - (int) pb[c];
              sum += (guint64) (d * d);
            }
          pa += a->n_channels;
          pb += b->n_channels;
        }
    }

  if (sum == 0)
    return INFINITY;
  double mse = (double) sum / ((double) a->width * a->height * color_a);
  return 10.0 * log10 (255.0 * 255.0 / mse);
}

int
enlarge_image_max_difference (const EnlargeImage *a, const EnlargeImage *b)
{
  int worst = 0;

  g_return_val_if_fail (a != NULL && b != NULL, -1);
  if (a->width != b->width || a->height != b->height || (a->n_channels >= 3) != (b->n_channels >= 3) ||
      a->bits != b->bits)
    return -1;
  for (int y = 0; y < a->height; y++)
    for (int x = 0; x < a->width; x++)
      for (int c = 0; c < MIN (a->n_channels, 3); c++)
        worst = MAX (worst, (int) fabsf (enlarge_image_sample (a, enlarge_image_sample_index (a, x, y, c)) -
                                         enlarge_image_sample (b, enlarge_image_sample_index (b, x, y, c))));
  return worst;
}

double
enlarge_fidelity_db (const EnlargeImage *original, const EnlargeImage *result)
{
  g_autoptr (EnlargeImage) down = NULL;

  if (original == NULL || result == NULL || original->width <= 0 || original->height <= 0)
    return -1;
  down = enlarge_resample (result, original->width, original->height, ENLARGE_FILTER_AREA, NULL);
  if (down == NULL)
    return -1;
  return enlarge_image_psnr (original, down);
}

double
enlarge_image_laplacian_energy (const EnlargeImage *img)
{
  double sum = 0;
  gsize n = 0;
#define S(x, y) enlarge_image_sample (img, enlarge_image_sample_index (img, x, y, c))
  for (int y = 1; y < img->height - 1; y++)
    for (int x = 1; x < img->width - 1; x++)
      for (int c = 0; c < 3; c++)
        {
          float v = 4 * S (x, y) - S (x - 1, y) - S (x + 1, y) - S (x, y - 1) - S (x, y + 1);
          sum += ABS (v);
          n++;
        }
#undef S
  /* in 8-bit units */
  return n ? sum / n * (255.0 / enlarge_image_max_value (img)) : 0;
}
