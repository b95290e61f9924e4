#pragma once

/* The parameters of the layer types Real-CUGAN's U-Nets add (Deconvolution,
 * Crop, Pooling, InnerProduct). They are op modules like the others but keep
 * their parameters in EnlargeLayer.data, in these structs, so the shared
 * EnlargeLayer union does not grow; the OpenCL dispatches read them too. */

#include <math.h>

#include "enlarge-error.h"
#include "enlarge-net.h"
#include "enlarge-op.h"

G_BEGIN_DECLS

typedef struct {
  int num_output;
  int num_input;           /* derived from the weight count */
  int kernel_w, kernel_h;
  int dilation_w, dilation_h;
  int stride_w, stride_h;
  int pad_left, pad_right, pad_top, pad_bottom; /* cut from the full output */
  int output_pad_right, output_pad_bottom;      /* added to it */
  EnlargeActivation activation;
  float act_params[2];
  float *weight;           /* [num_output][num_input][kernel_h][kernel_w] */
  float *bias;             /* [num_output] or NULL */
} EnlargeDeconvParams;

/* A crop of a c×h×w blob; ends are resolved against the input shape
 * (negative: from the end) */
typedef struct {
  int start[3];            /* c, h, w */
  int end[3];              /* G_MAXINT: to the end; < 0: dim + end */
} EnlargeCropParams;

typedef enum {
  ENLARGE_POOL_MAX = 0,
  ENLARGE_POOL_AVG = 1,
} EnlargePoolType;

/* Global pooling: one value per channel, a c×1×1 blob */
typedef struct {
  EnlargePoolType type;
} EnlargePoolingParams;

typedef struct {
  int num_output;
  int num_input;           /* derived from the weight count */
  EnlargeActivation activation;
  float act_params[2];
  float *weight;           /* [num_output][num_input] */
  float *bias;             /* [num_output] or NULL */
} EnlargeInnerProductParams;

/* TRUE for a layer whose output is the mean of each channel of its input
 * over the whole plane (global average Pooling): what a tiled run must
 * compute over the whole image (run/enlarge-tile-stats.c) */
gboolean enlarge_op_is_global_mean (const EnlargeLayer *l);

/* ncnn's activation_type 0…4 (no PReLU) */
static inline float
enlarge_activate (float v, EnlargeActivation a, const float *p)
{
  switch (a)
    {
    case ENLARGE_ACT_RELU: return v > 0.f ? v : 0.f;
    case ENLARGE_ACT_LEAKYRELU: return v > 0.f ? v : v * p[0];
    case ENLARGE_ACT_CLIP: return v < p[0] ? p[0] : v > p[1] ? p[1] : v;
    case ENLARGE_ACT_SIGMOID: return 1.f / (1.f + expf (-v));
    default: return v;
    }
}

/* Reads activation_type (9) and its parameters (10); FALSE with an error
 * when unsupported */
static inline gboolean
enlarge_op_load_activation (const EnlargeOpLoader *ld, EnlargeLayer *l, EnlargeActivation *act,
                            float *params, GError **error)
{
  int n = 0;
  const float *a = enlarge_op_loader_array (ld, 10, &n);
  *act = enlarge_op_loader_int (ld, 9, 0);
  if (*act < ENLARGE_ACT_NONE || *act > ENLARGE_ACT_SIGMOID)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_UNSUPPORTED,
                                   "activation type %d is not supported", *act);
  params[0] = params[1] = 0.f;
  for (int i = 0; a != NULL && i < MIN (n, 2); i++)
    params[i] = a[i];
  if ((*act == ENLARGE_ACT_CLIP && (a == NULL || n < 2)) ||
      (*act == ENLARGE_ACT_LEAKYRELU && (a == NULL || n < 1)))
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_PARAM_SYNTAX,
                                   "activation %d lacks its parameters", *act);
  return TRUE;
}

G_END_DECLS
