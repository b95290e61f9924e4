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
  if (a->width != b->width || a->height != b->height || (a->n_channels >= 3) != (b->n_channels >= 3))
    return -1;
  for (int y = 0; y < a->height; y++)
    for (int x = 0; x < a->width; x++)
      for (int c = 0; c < MIN (a->n_channels, 3); c++)
        worst = MAX (worst, abs (enlarge_image_pixel (a, x, y)[c] - enlarge_image_pixel (b, x, y)[c]));
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
  for (int y = 1; y < img->height - 1; y++)
    for (int x = 1; x < img->width - 1; x++)
      for (int c = 0; c < 3; c++)
        {
          int v = 4 * enlarge_image_pixel (img, x, y)[c] - enlarge_image_pixel (img, x - 1, y)[c] -
                  enlarge_image_pixel (img, x + 1, y)[c] - enlarge_image_pixel (img, x, y - 1)[c] -
                  enlarge_image_pixel (img, x, y + 1)[c];
          sum += ABS (v);
          n++;
        }
  return n ? sum / n : 0;
}
