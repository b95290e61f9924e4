#pragma once

/* Shared by the weight-file readers: the state dict they fill in, and
 * little helpers for reading untrusted little-endian bytes. */

#include "enlarge-error.h"
#include "enlarge-weights.h"

G_BEGIN_DECLS

struct _EnlargeWeights {
  gint ref_count;
  EnlargeWeightsFormat format;
  GBytes *bytes;              /* the file; most tensors point into it */
  GPtrArray *tensors;         /* EnlargeWeightsTensor *, file order */
  GHashTable *by_name;        /* name → tensor (not owned) */
  GPtrArray *buffers;         /* inflated entries, gathered strided tensors */
  const char *file_name;      /* for messages while loading; not kept */
};

/* Adds a tensor. @name must be valid UTF-8; @shape has @n_dims entries,
 * each ≥ 0, whose product times the element size is exactly @n_bytes
 * (the caller has checked that @data has that many bytes). Fails naming
 * the tensor on a duplicate name. */
gboolean enlarge_weights_add (EnlargeWeights *weights, const char *name, EnlargeDtype dtype,
                              guint n_dims, const gint64 *shape, const guint8 *data,
                              gsize n_bytes, GError **error);

/* Keeps @buffer (g_free'd with the weights) and returns it. */
gpointer enlarge_weights_keep (EnlargeWeights *weights, gpointer buffer);

/* The product of @shape in elements and in bytes, FALSE on a negative
 * dimension or on overflow past G_MAXSIZE. */
gboolean enlarge_weights_shape_size (const gint64 *shape, guint n_dims, EnlargeDtype dtype,
                                     gsize *numel, gsize *n_bytes);

/* The readers. Each fills an empty @weights from @data/@len. */
gboolean enlarge_safetensors_read (EnlargeWeights *weights, const guint8 *data, gsize len,
                                   GError **error);
gboolean enlarge_torch_zip_read (EnlargeWeights *weights, const guint8 *data, gsize len,
                                 GError **error);
gboolean enlarge_torch_legacy_read (EnlargeWeights *weights, const guint8 *data, gsize len,
                                    GError **error);

static inline guint16
ew_u16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static inline guint32
ew_u32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static inline guint64
ew_u64 (const guint8 *p)
{
  return (guint64) ew_u32 (p) | ((guint64) ew_u32 (p + 4) << 32);
}

#define EW_CORRUPT(error, ...) \
  g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_MODEL_CORRUPT, __VA_ARGS__)
#define EW_UNSUPPORTED(error, ...) \
  g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED, __VA_ARGS__)

G_END_DECLS
