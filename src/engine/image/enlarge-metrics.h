#pragma once

#include "enlarge-image.h"

G_BEGIN_DECLS

/* Peak signal-to-noise ratio over the RGB samples of two images of equal
 * size (alpha ignored), in 8-bit units whatever their depths; INFINITY when
 * identical, -1 on a size mismatch. */
double enlarge_image_psnr (const EnlargeImage *a, const EnlargeImage *b);

/* The largest difference of one colour value, in levels of the images'
 * depth; -1 when the images cannot be compared (size or depth differ). */
int enlarge_image_max_difference (const EnlargeImage *a, const EnlargeImage *b);

/* How far @result departs from @original: PSNR in dB between @original and
 * @result scaled back down to @original's size by area averaging.
 * INFINITY when equal, -1 when the sizes are invalid. */
double enlarge_fidelity_db (const EnlargeImage *original, const EnlargeImage *result);

/* Mean absolute Laplacian of the colour channels: how much fine detail a
 * picture holds. */
double enlarge_image_laplacian_energy (const EnlargeImage *image);

G_END_DECLS
