#pragma once

#include <glib.h>
#include "enlarge-tensor.h"

G_BEGIN_DECLS

typedef enum {
  ENLARGE_OP_INPUT,
  ENLARGE_OP_SPLIT,
  ENLARGE_OP_CONVOLUTION,
  ENLARGE_OP_PRELU,
  ENLARGE_OP_CONCAT,
  ENLARGE_OP_ELTWISE,
  ENLARGE_OP_PIXELSHUFFLE,
  ENLARGE_OP_INTERP,
  ENLARGE_OP_BINARYOP,
  ENLARGE_OP_PIXELUNSHUFFLE,
  ENLARGE_OP_OTHER,   /* an op module from outside the built-in table */
} EnlargeOpType;

typedef struct _EnlargeOp EnlargeOp;

/* ncnn's activation_type of Convolution */
typedef enum {
  ENLARGE_ACT_NONE = 0,
  ENLARGE_ACT_RELU = 1,
  ENLARGE_ACT_LEAKYRELU = 2, /* slope in act_params[0] */
  ENLARGE_ACT_CLIP = 3,      /* min, max in act_params */
  ENLARGE_ACT_SIGMOID = 4,
  /* not in ncnn files: a following PReLU layer folded into the
   * convolution at load time (slopes in EnlargeConvParams.slope) */
  ENLARGE_ACT_PRELU = 5,
} EnlargeActivation;

typedef enum {
  ENLARGE_ELTWISE_PROD = 0,
  ENLARGE_ELTWISE_SUM = 1,
  ENLARGE_ELTWISE_MAX = 2,
} EnlargeEltwiseOp;

typedef enum {
  ENLARGE_BINARY_ADD = 0,
  ENLARGE_BINARY_SUB = 1,
  ENLARGE_BINARY_MUL = 2,
  ENLARGE_BINARY_DIV = 3,
  ENLARGE_BINARY_MAX = 4,
  ENLARGE_BINARY_MIN = 5,
} EnlargeBinaryOp;

typedef enum {
  ENLARGE_INTERP_NEAREST = 1,
  ENLARGE_INTERP_BILINEAR = 2,
  ENLARGE_INTERP_BICUBIC = 3,
} EnlargeInterpMode;

typedef struct {
  int num_output;
  int num_input;           /* derived from the weight count */
  int kernel_w, kernel_h;
  int dilation_w, dilation_h;
  int stride_w, stride_h;
  int pad_left, pad_right, pad_top, pad_bottom; /* -233/-234: SAME padding */
  float pad_value;
  gboolean bias_term;
  int weight_data_size;
  EnlargeActivation activation;
  float act_params[2];
  float *weight;           /* [num_output][num_input][kernel_h][kernel_w] */
  float *bias;             /* [num_output] or NULL */
  float *slope;            /* ENLARGE_ACT_PRELU: [num_slope] */
  int num_slope;           /* 1 or num_output */
  /* not in ncnn files: up to two Eltwise sums of the output folded in at
   * load time. The layer's inputs 1 and 2 are the other addends, of the
   * output's shape: y = res_coeff[0]·conv + res_coeff[1]·in₁, then with
   * a second, y = res_coeff[2]·y + res_coeff[3]·in₂ (after activation) */
  int n_residual;
  float res_coeff[4];
  /* not in ncnn files: a 2× nearest Interp folded in at load time. The
   * convolution reads its input as if upsampled (pixel (x, y) of the
   * upsampled input is (x / 2, y / 2)); 0 or 1: not upsampled */
  int upsample;
} EnlargeConvParams;

typedef struct {
  int num_slope;
  float *slope;
} EnlargePReluParams;

typedef struct {
  int axis;
} EnlargeConcatParams;

typedef struct {
  EnlargeEltwiseOp op;
  int n_coeffs;
  float *coeffs;           /* NULL: all 1 */
} EnlargeEltwiseParams;

/* PixelShuffle, and PixelUnshuffle (its inverse; mode 0) */
typedef struct {
  int factor;
  int mode;
} EnlargePixelShuffleParams;

typedef struct {
  EnlargeInterpMode mode;
  float height_scale, width_scale;
  int output_height, output_width;
  gboolean align_corner;
} EnlargeInterpParams;

typedef struct {
  EnlargeBinaryOp op;
  gboolean with_scalar;
  float b;
} EnlargeBinaryParams;

typedef struct {
  const EnlargeOp *op;     /* the layer's op module (ops/enlarge-op.h) */
  EnlargeOpType type;      /* op->type */
  char *type_name;
  char *name;
  int n_inputs, n_outputs;
  int *inputs;             /* blob indices */
  int *outputs;
  union {
    EnlargeConvParams conv;
    EnlargePReluParams prelu;
    EnlargeConcatParams concat;
    EnlargeEltwiseParams eltwise;
    EnlargePixelShuffleParams pixelshuffle;
    EnlargeInterpParams interp;
    EnlargeBinaryParams binary;
  } p;
  gpointer data;           /* the parameters of ops outside the table */
} EnlargeLayer;

typedef struct {
  int c, h, w;
} EnlargeShape;

/* A loaded network: layers in execution order (ncnn files list them
 * topologically), blobs by index. Immutable after loading, so one net can
 * serve several threads. Reference counted. */
typedef struct {
  EnlargeLayer *layers;
  int n_layers;
  char **blob_names;
  int n_blobs;
  int input_blob;
  int output_blob;
  int in_channels;
  int out_channels;
  int scale;             /* output size / input size, from shape inference */
  int receptive_radius;  /* input pixels around a pixel that influence it */
  /* the input's sides must be multiples of this (a PixelUnshuffle's
   * factor); the upscaler pads tiles to it */
  int size_multiple;
  /* the result depends on where a tile starts modulo this many input
   * pixels (attention windows: SwinIR); the upscaler starts tiles on it.
   * The network pads itself, unlike for @size_multiple */
  int grid;
  /* imported networks (enlarge-import.h): "ESRGAN", "Compact" and what
   * the file told of it ("old keys, 6 blocks, …"); NULL for ncnn files */
  char *architecture;
  char *variant;
  /* Networks without padding (Real-CUGAN) lose @border input pixels on
   * each side: an input of (m + 2·border)² gives (scale·m)², for m a
   * multiple of @align. 0 and 1 for the padded ones. */
  int border;
  int align;
  /* the output is a residual: the network's result is its output plus the
   * input upsampled (nearest) to the output's size (Real-CUGAN 4×; from
   * the manifest) */
  gboolean residual;
  /*< private >*/
  gint ref_count;
} EnlargeNet;

/* Parses an ncnn .param text and .bin weights. Malformed input is an error
 * saying what is wrong and where (line, layer, byte offset); it never reads
 * past either buffer. */
EnlargeNet *enlarge_net_load_from_data (const char *param, gsize param_len,
                                        const guint8 *bin, gsize bin_len,
                                        const char *param_name,
                                        GError **error);
EnlargeNet *enlarge_net_load (const char *param_path, const char *bin_path,
                              GError **error);
/* the same, knowing the op modules in @extra_ops (NULL-terminated) besides
 * the built-in ones */
EnlargeNet *enlarge_net_load_from_data_full (const char *param, gsize param_len,
                                             const guint8 *bin, gsize bin_len,
                                             const char *param_name,
                                             const EnlargeOp * const *extra_ops,
                                             GError **error);

EnlargeNet *enlarge_net_ref (EnlargeNet *net);
void        enlarge_net_unref (EnlargeNet *net);

/* Shapes of every blob for an input of width x height; FALSE with an error
 * when the graph cannot run on it. @shapes has n_blobs entries. */
gboolean enlarge_net_infer_shapes (const EnlargeNet *net, int width, int height,
                                   EnlargeShape *shapes, GError **error);

/* The output shape of one layer given its input shapes. */
gboolean enlarge_layer_infer_shape (const EnlargeLayer *layer,
                                    const EnlargeShape *in_shapes,
                                    EnlargeShape *out_shapes,
                                    GError **error);

/* Direct-convolution FLOP count (2 x multiply-adds of every convolution)
 * for an input of width x height. */
double enlarge_net_flops (const EnlargeNet *net, int width, int height);

/* The upsampling tail of a network: the last layers, from @first on, form
 * one chain of 'same'-padded stride-1 convolutions and integer nearest
 * upsamplings, with at least one upsampling (realesrgan-x4plus: 2×, conv,
 * 2×, three convs). Each output pixel of the chain depends only on blob
 * @input (the input of layer @first) within @halo pixels, so the executor
 * runs the chain in strips of @input rows: at 4× its activations are 16×
 * the trunk's. @scale is the chain's upsampling factor. FALSE: no tail. */
typedef struct {
  int first;
  int input;
  int halo;
  int scale;
} EnlargeNetTail;

gboolean enlarge_net_get_tail (const EnlargeNet *net, EnlargeNetTail *tail);

/* Rows of the tail's input blob per strip. */
#define ENLARGE_TAIL_STRIP_ROWS 48

/* Peak bytes of float activations alive at once for an input of
 * width x height (the executor frees a blob after its last use; a tail
 * counts at its strip size when the executor would cut it in strips). */
guint64 enlarge_net_peak_bytes (const EnlargeNet *net, int width, int height);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlargeNet, enlarge_net_unref)

G_END_DECLS
