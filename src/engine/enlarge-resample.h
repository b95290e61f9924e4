#pragma once

#include "enlarge-image.h"

G_BEGIN_DECLS

typedef enum {
  /* exact area averaging: each output pixel is the mean of the input area
   * it covers (for shrinking) */
  ENLARGE_FILTER_AREA,
  /* Lanczos, 3 lobes, widened by the shrink factor so it also
   * anti-aliases when shrinking */
  ENLARGE_FILTER_LANCZOS3,
  /* Catmull-Rom style cubic (a = -0.5) */
  ENLARGE_FILTER_CUBIC,
} EnlargeFilter;

/* Separable resample of every channel to @width x @height. Works on the
 * stored (sRGB-encoded) values, like the models themselves; rows are
 * streamed through a small ring so memory stays about one input row per
 * filter tap plus the output. */
EnlargeImage *enlarge_resample (const EnlargeImage *image, int width, int height,
                                EnlargeFilter filter, GError **error);

/* The same on a float plane (one channel, row-major). @out must hold
 * width * height floats. */
void enlarge_resample_plane (const float *in, int in_w, int in_h,
                             float *out, int width, int height, EnlargeFilter filter);

G_END_DECLS
