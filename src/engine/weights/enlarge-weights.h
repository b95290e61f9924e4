#pragma once

/* State dicts read from PyTorch and safetensors weight files, without
 * Python and without executing anything from the file.
 *
 * Three formats, told apart by their content rather than the file name:
 * safetensors, PyTorch zip checkpoints (torch.save since 1.6) and the
 * legacy PyTorch pickle stream. Whatever the format, the result is the
 * same ordered map from tensor name to tensor. Checkpoint wrappers
 * (params_ema, params, state_dict, model, net, single-key dicts) are
 * unwrapped and the `module.` / `netG.` prefixes that DataParallel and
 * GAN trainers add are stripped, so callers see the names the network's
 * own definition uses. */

#include <glib.h>

G_BEGIN_DECLS

#define ENLARGE_WEIGHTS_MAX_DIMS 8

typedef enum {
  ENLARGE_WEIGHTS_SAFETENSORS,
  ENLARGE_WEIGHTS_TORCH_ZIP,
  ENLARGE_WEIGHTS_TORCH_LEGACY,
} EnlargeWeightsFormat;

/* Element types as stored in the file. Super-resolution weights are
 * floats; the integer types appear for buffers such as BatchNorm's
 * num_batches_tracked and are kept so such files still load. */
typedef enum {
  ENLARGE_DTYPE_F32,
  ENLARGE_DTYPE_F16,
  ENLARGE_DTYPE_BF16,
  ENLARGE_DTYPE_F64,
  ENLARGE_DTYPE_I64,
  ENLARGE_DTYPE_I32,
  ENLARGE_DTYPE_I16,
  ENLARGE_DTYPE_I8,
  ENLARGE_DTYPE_U8,
  ENLARGE_DTYPE_BOOL,
} EnlargeDtype;

typedef struct {
  const char *name;          /* after unwrapping and prefix stripping */
  EnlargeDtype dtype;
  guint n_dims;              /* 0 for a scalar */
  gint64 shape[ENLARGE_WEIGHTS_MAX_DIMS];
  gsize numel;               /* product of the shape; 1 for a scalar */
  /* numel elements, little-endian, contiguous in row-major order. Not
   * necessarily aligned: read it through enlarge_weights_tensor_to_f32. */
  const guint8 *data;
} EnlargeWeightsTensor;

typedef struct _EnlargeWeights EnlargeWeights;

/* Reads @path; the format is detected from the first bytes. */
EnlargeWeights *enlarge_weights_load (const char *path, GError **error);

/* The same from a buffer, which the result keeps a reference on (tensors
 * point into it). @name is used in error messages only. */
EnlargeWeights *enlarge_weights_load_from_bytes (GBytes *bytes, const char *name,
                                                 GError **error);

EnlargeWeights *enlarge_weights_ref (EnlargeWeights *weights);
void            enlarge_weights_unref (EnlargeWeights *weights);

EnlargeWeightsFormat enlarge_weights_get_format (EnlargeWeights *weights);
const char          *enlarge_weights_format_name (EnlargeWeightsFormat format);
const char          *enlarge_dtype_name (EnlargeDtype dtype);
gsize                enlarge_dtype_size (EnlargeDtype dtype);

/* Tensors in file order: 0 ≤ @index < enlarge_weights_get_n_tensors. */
guint                       enlarge_weights_get_n_tensors (EnlargeWeights *weights);
const EnlargeWeightsTensor *enlarge_weights_get_nth (EnlargeWeights *weights, guint index);

/* NULL when there is no tensor named @name. */
const EnlargeWeightsTensor *enlarge_weights_lookup (EnlargeWeights *weights, const char *name);

/* Converts @tensor's numel elements to floats in @dst. */
void enlarge_weights_tensor_to_f32 (const EnlargeWeightsTensor *tensor, float *dst);

/* A new array of the tensor's values as floats (numel of them, stored in
 * @n_values when not NULL), or NULL with ENLARGE_ERROR_WEIGHT_MISMATCH
 * naming @name when the file has no such tensor. */
float *enlarge_weights_get_f32 (EnlargeWeights *weights, const char *name,
                                gsize *n_values, GError **error);

/* IEEE half-precision bits to a float, exactly. The ncnn reader's fp16
 * weights are the same format. */
float enlarge_f16_to_f32 (guint16 half);

/* "[64, 3, 3, 3]", for messages. */
char *enlarge_weights_tensor_shape_string (const EnlargeWeightsTensor *tensor);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlargeWeights, enlarge_weights_unref)

G_END_DECLS
