/* The state dict shared by the three readers: format detection, name
 * normalisation, lookup and conversion to floats. */

#include <float.h>
#include <math.h>
#include <string.h>

#include "enlarge-weights-private.h"

static const struct {
  const char *name;
  gsize size;
} dtypes[] = {
  [ENLARGE_DTYPE_F32] = { "F32", 4 },
  [ENLARGE_DTYPE_F16] = { "F16", 2 },
  [ENLARGE_DTYPE_BF16] = { "BF16", 2 },
  [ENLARGE_DTYPE_F64] = { "F64", 8 },
  [ENLARGE_DTYPE_I64] = { "I64", 8 },
  [ENLARGE_DTYPE_I32] = { "I32", 4 },
  [ENLARGE_DTYPE_I16] = { "I16", 2 },
  [ENLARGE_DTYPE_I8] = { "I8", 1 },
  [ENLARGE_DTYPE_U8] = { "U8", 1 },
  [ENLARGE_DTYPE_BOOL] = { "BOOL", 1 },
};

const char *
enlarge_dtype_name (EnlargeDtype dtype)
{
  return (guint) dtype < G_N_ELEMENTS (dtypes) ? dtypes[dtype].name : "?";
}

gsize
enlarge_dtype_size (EnlargeDtype dtype)
{
  return (guint) dtype < G_N_ELEMENTS (dtypes) ? dtypes[dtype].size : 0;
}

const char *
enlarge_weights_format_name (EnlargeWeightsFormat format)
{
  switch (format)
    {
    case ENLARGE_WEIGHTS_SAFETENSORS:
      return "safetensors";
    case ENLARGE_WEIGHTS_TORCH_ZIP:
      return "PyTorch zip checkpoint";
    case ENLARGE_WEIGHTS_TORCH_LEGACY:
      return "PyTorch legacy pickle";
    }
  return "?";
}

static void
tensor_free (gpointer p)
{
  EnlargeWeightsTensor *t = p;
  g_free ((char *) t->name);
  g_free (t);
}

static EnlargeWeights *
weights_new (GBytes *bytes)
{
  EnlargeWeights *w = g_new0 (EnlargeWeights, 1);
  w->ref_count = 1;
  w->bytes = g_bytes_ref (bytes);
  w->tensors = g_ptr_array_new_with_free_func (tensor_free);
  w->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  w->buffers = g_ptr_array_new_with_free_func (g_free);
  return w;
}

EnlargeWeights *
enlarge_weights_ref (EnlargeWeights *weights)
{
  g_return_val_if_fail (weights != NULL, NULL);
  g_atomic_int_inc (&weights->ref_count);
  return weights;
}

void
enlarge_weights_unref (EnlargeWeights *weights)
{
  if (weights == NULL || !g_atomic_int_dec_and_test (&weights->ref_count))
    return;
  g_hash_table_unref (weights->by_name);
  g_ptr_array_unref (weights->tensors);
  g_ptr_array_unref (weights->buffers);
  g_bytes_unref (weights->bytes);
  g_free (weights);
}

gpointer
enlarge_weights_keep (EnlargeWeights *weights, gpointer buffer)
{
  g_ptr_array_add (weights->buffers, buffer);
  return buffer;
}

gboolean
enlarge_weights_shape_size (const gint64 *shape, guint n_dims, EnlargeDtype dtype,
                            gsize *numel, gsize *n_bytes)
{
  gsize n = 1;

  for (guint i = 0; i < n_dims; i++)
    {
      if (shape[i] < 0 || (guint64) shape[i] > G_MAXSIZE)
        return FALSE;
      if (!g_size_checked_mul (&n, n, (gsize) shape[i]))
        return FALSE;
    }
  *numel = n;
  return g_size_checked_mul (n_bytes, n, enlarge_dtype_size (dtype));
}

/* DataParallel wraps a model as `module`, GAN trainers save the generator
 * as `netG`: neither prefix is part of the network's own names. */
static const char *
strip_prefixes (const char *name)
{
  for (;;)
    {
      if (g_str_has_prefix (name, "module.") && name[7] != '\0')
        name += 7;
      else if (g_str_has_prefix (name, "netG.") && name[5] != '\0')
        name += 5;
      else
        return name;
    }
}

gboolean
enlarge_weights_add (EnlargeWeights *weights, const char *name, EnlargeDtype dtype,
                     guint n_dims, const gint64 *shape, const guint8 *data,
                     gsize n_bytes, GError **error)
{
  const char *stripped = strip_prefixes (name);
  EnlargeWeightsTensor *t, *old;
  gsize numel, expected;

  if (!g_utf8_validate (name, -1, NULL) || *name == '\0')
    {
      EW_CORRUPT (error, "a tensor name is empty or not valid UTF-8");
      return FALSE;
    }
  if (n_dims > ENLARGE_WEIGHTS_MAX_DIMS)
    {
      EW_UNSUPPORTED (error, "tensor %s has %u dimensions; at most %d are supported",
                      name, n_dims, ENLARGE_WEIGHTS_MAX_DIMS);
      return FALSE;
    }
  if (!enlarge_weights_shape_size (shape, n_dims, dtype, &numel, &expected) || expected != n_bytes)
    {
      EW_CORRUPT (error, "tensor %s: its shape does not match its %" G_GSIZE_FORMAT " bytes of data",
                  name, n_bytes);
      return FALSE;
    }
  old = g_hash_table_lookup (weights->by_name, stripped);
  if (old != NULL)
    {
      EW_CORRUPT (error, "tensor %s: a second tensor named %s", name, old->name);
      return FALSE;
    }

  t = g_new0 (EnlargeWeightsTensor, 1);
  t->name = g_strdup (stripped);
  t->dtype = dtype;
  t->n_dims = n_dims;
  memcpy (t->shape, shape, n_dims * sizeof *shape);
  t->numel = numel;
  t->data = data;
  g_ptr_array_add (weights->tensors, t);
  g_hash_table_insert (weights->by_name, (char *) t->name, t);
  return TRUE;
}

EnlargeWeights *
enlarge_weights_load_from_bytes (GBytes *bytes, const char *name, GError **error)
{
  g_autoptr (EnlargeWeights) w = NULL;
  const guint8 *data;
  gsize len;
  gboolean ok;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (bytes, &len);

  w = weights_new (bytes);
  w->file_name = name;
  /* By content, not by extension: people rename .pth to .pt, .ckpt, .bin. */
  if (len >= 4 && memcmp (data, "PK\x03\x04", 4) == 0)
    {
      w->format = ENLARGE_WEIGHTS_TORCH_ZIP;
      ok = enlarge_torch_zip_read (w, data, len, error);
    }
  /* safetensors before the pickle: its header length is little-endian,
   * so one of 128 + 256·k bytes starts with the pickle's 0x80 (while a
   * pickle's first 8 bytes read as a length far beyond any file) */
  else if (len >= 9 && ew_u64 (data) <= len - 8 && data[8] == '{')
    {
      w->format = ENLARGE_WEIGHTS_SAFETENSORS;
      ok = enlarge_safetensors_read (w, data, len, error);
    }
  else if (len >= 2 && data[0] == 0x80)
    {
      w->format = ENLARGE_WEIGHTS_TORCH_LEGACY;
      ok = enlarge_torch_legacy_read (w, data, len, error);
    }
  else
    {
      EW_UNSUPPORTED (error, "not a PyTorch checkpoint (.pth) or a safetensors file");
      ok = FALSE;
    }
  w->file_name = NULL;
  if (!ok)
    {
      g_prefix_error (error, "%s: ", name ? name : "weights");
      return NULL;
    }
  return g_steal_pointer (&w);
}

EnlargeWeights *
enlarge_weights_load (const char *path, GError **error)
{
  g_autoptr (GMappedFile) file = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *base = g_path_get_basename (path);
  GError *local = NULL;

  file = g_mapped_file_new (path, FALSE, &local);
  if (file == NULL)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_MODEL_NOT_FOUND, "%s", local->message);
      g_error_free (local);
      return NULL;
    }
  bytes = g_mapped_file_get_bytes (file);
  return enlarge_weights_load_from_bytes (bytes, base, error);
}

EnlargeWeightsFormat
enlarge_weights_get_format (EnlargeWeights *weights)
{
  return weights->format;
}

guint
enlarge_weights_get_n_tensors (EnlargeWeights *weights)
{
  return weights->tensors->len;
}

const EnlargeWeightsTensor *
enlarge_weights_get_nth (EnlargeWeights *weights, guint index)
{
  g_return_val_if_fail (index < weights->tensors->len, NULL);
  return g_ptr_array_index (weights->tensors, index);
}

const EnlargeWeightsTensor *
enlarge_weights_lookup (EnlargeWeights *weights, const char *name)
{
  return g_hash_table_lookup (weights->by_name, name);
}

/* By hand: bit-exact for every input, including subnormals, infinities
 * and NaNs, without depending on _Float16. */
float
enlarge_f16_to_f32 (guint16 h)
{
  guint32 sign = (guint32) (h & 0x8000) << 16;
  guint32 exp = (h >> 10) & 0x1f;
  guint32 mant = h & 0x3ff;
  guint32 bits;
  float f;

  if (exp == 0x1f)
    bits = sign | 0x7f800000u | (mant << 13);
  else if (exp != 0)
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  else if (mant == 0)
    bits = sign;
  else
    {
      /* subnormal half: normalise into the wider exponent range */
      exp = 113;
      while ((mant & 0x400) == 0)
        {
          mant <<= 1;
          exp--;
        }
      bits = sign | (exp << 23) | ((mant & 0x3ff) << 13);
    }
  memcpy (&f, &bits, 4);
  return f;
}

void
enlarge_weights_tensor_to_f32 (const EnlargeWeightsTensor *t, float *dst)
{
  const guint8 *p = t->data;

  for (gsize i = 0; i < t->numel; i++)
    {
      guint32 u;
      guint64 q;
      double d;

      switch (t->dtype)
        {
        case ENLARGE_DTYPE_F32:
          u = ew_u32 (p + 4 * i);
          memcpy (&dst[i], &u, 4);
          break;
        case ENLARGE_DTYPE_F16:
          dst[i] = enlarge_f16_to_f32 (ew_u16 (p + 2 * i));
          break;
        case ENLARGE_DTYPE_BF16:
          /* bfloat16 is the top half of a float */
          u = (guint32) ew_u16 (p + 2 * i) << 16;
          memcpy (&dst[i], &u, 4);
          break;
        case ENLARGE_DTYPE_F64:
          q = ew_u64 (p + 8 * i);
          memcpy (&d, &q, 8);
          /* out of float's range the cast would be undefined */
          dst[i] = d > FLT_MAX ? INFINITY : d < -FLT_MAX ? -INFINITY : (float) d;
          break;
        case ENLARGE_DTYPE_I64:
          dst[i] = (float) (gint64) ew_u64 (p + 8 * i);
          break;
        case ENLARGE_DTYPE_I32:
          dst[i] = (float) (gint32) ew_u32 (p + 4 * i);
          break;
        case ENLARGE_DTYPE_I16:
          dst[i] = (float) (gint16) ew_u16 (p + 2 * i);
          break;
        case ENLARGE_DTYPE_I8:
          dst[i] = (float) (gint8) p[i];
          break;
        case ENLARGE_DTYPE_U8:
          dst[i] = (float) p[i];
          break;
        case ENLARGE_DTYPE_BOOL:
          dst[i] = p[i] != 0 ? 1.0f : 0.0f;
          break;
        }
    }
}

float *
enlarge_weights_get_f32 (EnlargeWeights *weights, const char *name, gsize *n_values,
                         GError **error)
{
  const EnlargeWeightsTensor *t = enlarge_weights_lookup (weights, name);
  float *out;

  if (t == NULL)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_WEIGHT_MISMATCH,
                   "the weights have no tensor named %s", name);
      return NULL;
    }
  /* numel × element size was checked against the file, so this is at
   * most 4× bytes the file holds */
  out = g_new (float, MAX (t->numel, 1));
  enlarge_weights_tensor_to_f32 (t, out);
  if (n_values != NULL)
    *n_values = t->numel;
  return out;
}

char *
enlarge_weights_tensor_shape_string (const EnlargeWeightsTensor *t)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < t->n_dims; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? ", " : "", t->shape[i]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}
