#pragma once

/* The parameters of the layer types transformer networks (SwinIR) add:
 * LayerNorm over the channels of each pixel, GELU, windowed multi-head
 * self-attention, and the padding to a multiple of a size and the crop
 * back that such networks wrap around themselves. Like the U-Net ops they
 * keep their parameters in EnlargeLayer.data; the OpenCL dispatches read
 * them too. None of them is read from ncnn files: the importers build
 * them (a GELU of an ncnn file is read, when it is the exact one). */

#include "enlarge-error.h"
#include "enlarge-net.h"
#include "enlarge-op.h"

G_BEGIN_DECLS

/* y = (x − mean) / √(var + eps) · gamma + beta, the mean and the biased
 * variance taken over the @channels values of one pixel (PyTorch's
 * nn.LayerNorm over the last dimension of a tokens × channels tensor) */
typedef struct {
  int channels;
  float eps;
  float *gamma;            /* [channels] */
  float *beta;             /* [channels] */
} EnlargeLayerNormParams;

/* The head dimension the OpenCL kernel keeps in registers at most */
#define ENLARGE_ATTENTION_MAX_HEAD_DIM 64

/* Self-attention within square windows of a 3·C × H × W blob of queries,
 * keys and values (channels q₀…q_C, k₀…k_C, v₀…v_C; head h owns channels
 * h·d … h·d + d − 1 of each, d = C / heads) into a C × H × W blob:
 *
 *   out = softmax (scale · q·kᵀ + bias + mask) · v   over each window
 *
 * The blob is cut into windows of window² pixels from its origin after a
 * cyclic shift by −shift along both axes (torch.roll as Swin shifts);
 * bias is the relative-position table entry of the two pixels' offset
 * (table [(2·window − 1)², heads], index (Δy + window − 1)·(2·window − 1)
 * + Δx + window − 1), and with a shift the mask adds −100 between pixels
 * of different regions of the rolled plane (the three bands [0, H − window),
 * [H − window, H − shift), [H − shift, H) on each axis), as Swin's
 * calculate_mask does. The shift and the bands are taken over the size
 * rounded up to a multiple of the window; positions past the blob's edge
 * are no keys (SwinIR's networks pad the image first, so they see whole
 * windows). */
typedef struct {
  int heads;
  int window;
  int shift;               /* 0 … window − 1 */
  float scale;             /* head_dim^−½ in Swin */
  float *bias_table;       /* [(2·window − 1)²][heads] */
} EnlargeAttentionParams;

/* The blob padded at its bottom and right to multiples of @multiple by
 * reflection (PyTorch's F.pad (x, (0, pw, 0, ph), 'reflect'): row H + i
 * is row H − 2 − i), folding again where the padding is wider than the
 * blob */
typedef struct {
  int multiple;
} EnlargePadParams;

/* Input 0's top-left part of the size of input 1 times @factor */
typedef struct {
  int factor;
} EnlargeCropLikeParams;

/* The region label of position @r of a rolled axis of @size (a multiple
 * of @window) for Swin's shifted-window mask */
static inline int
enlarge_attention_band (int r, int size, int window, int shift)
{
  if (shift == 0 || r < size - window)
    return 0;
  return r < size - shift ? 1 : 2;
}

/* The load of the ops only importers build: an ncnn file naming one is
 * refused */
static inline gboolean
enlarge_op_load_refused (EnlargeLayer *l, const EnlargeOpLoader *ld, GError **error)
{
  return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_UNSUPPORTED,
                                 "%s layers are not read from ncnn files", l->type_name);
}

G_END_DECLS
