#pragma once

#include "enlarge-image.h"
#include "enlarge-tiler.h"

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
  /* nearest neighbour: output pixel o takes source pixel o * in / out
   * (rounded down), values copied unchanged; for showing pixels as they
   * are, never for a result */
  ENLARGE_FILTER_NEAREST,
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

/* Only output rows @y0 … @y1 - 1 of that resample, into @out (which holds
 * (y1 - y0) * width floats); the same values the whole plane would have.
 * Lets large results be produced a strip at a time. */
void enlarge_resample_plane_rows (const float *in, int in_w, int in_h,
                                  float *out, int width, int height, EnlargeFilter filter,
                                  int y0, int y1);

/* One window of a resample: @part is the part at (@part_x, @part_y) of a
 * @full_width × @full_height image; the result is the pixels of @window of
 * that image resampled to @width × @height, equal bit for bit to the same
 * window of enlarge_resample on the whole image. @part must hold every
 * source pixel the window reads (see enlarge_resample_window_source); an
 * error otherwise. */
EnlargeImage *enlarge_resample_window (const EnlargeImage *part, int part_x, int part_y,
                                       int full_width, int full_height,
                                       int width, int height,
                                       const EnlargeRect *window,
                                       EnlargeFilter filter, GError **error);

/* The source pixels (edges clamped) that @window of that resample reads. */
void enlarge_resample_window_source (int full_width, int full_height, int width, int height,
                                     const EnlargeRect *window, EnlargeFilter filter,
                                     EnlargeRect *source);

G_END_DECLS
