#pragma once

/* Internal: the plain C reference implementation of every operation, and
 * helpers the backends share. Not part of the public interface. */

#include "enlarge-net.h"

G_BEGIN_DECLS

/* Runs one layer on host tensors. @out holds tensors of the shapes
 * enlarge_layer_infer_shape() gives (Split outputs included: they are
 * copies here). */
gboolean enlarge_ref_layer (const EnlargeLayer *layer,
                            EnlargeTensor     **in,
                            EnlargeTensor     **out,
                            GError            **error);

/* Effective left/top padding of a convolution for an input size. */
int enlarge_conv_padding (const EnlargeConvParams *c, int in_w, int in_h,
                          int *pad_left, int *pad_top);

/* ncnn's bicubic coefficients (A = -0.75, half-pixel centres, edges
 * clamped): for each output x, the first of 4 source indices (clamped
 * per tap by the caller) and the 4 weights. */
void enlarge_cubic_coeffs (int in_size, int out_size, gboolean align_corner,
                           int *first, float *weights);

/* ncnn's bilinear coefficients: source index and weight of the right tap. */
void enlarge_linear_coeffs (int in_size, int out_size, gboolean align_corner,
                            int *first, float *weights);

/* A file of the engine's resources ("models.ini", "kernels/conv.cl"). */
GBytes *enlarge_engine_lookup (const char *name, GError **error);

G_END_DECLS
