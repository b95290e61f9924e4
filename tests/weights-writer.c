/* Writers for the three weight formats (see weights-writer.h). The layouts
 * follow safetensors' serializer and torch.save (torch/serialization.py):
 * protocol-2 pickles with memoised globals, persistent ids for storages,
 * zip entries ARCHIVE/data.pkl and ARCHIVE/data/KEY aligned to 64 bytes
 * with zip64 end records, legacy streams of five pickles and raw storages. */

#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <zlib.h>

#include "weights-writer.h"

static void
tensor_free (gpointer p)
{
  WwTensor *t = p;
  g_free (t->name);
  g_free (t->values);
  g_free (t);
}

WwDict *
ww_dict_new (void)
{
  WwDict *d = g_new0 (WwDict, 1);
  d->tensors = g_ptr_array_new_with_free_func (tensor_free);
  return d;
}

void
ww_dict_free (WwDict *d)
{
  if (d == NULL)
    return;
  g_ptr_array_unref (d->tensors);
  g_free (d);
}

gsize
ww_tensor_numel (const WwTensor *t)
{
  gsize n = 1;
  for (guint i = 0; i < t->n_dims; i++)
    n *= (gsize) t->shape[i];
  return n;
}

static float
pattern (EnlargeDtype dtype, guint k, gsize i)
{
  switch (dtype)
    {
    case ENLARGE_DTYPE_F32:
    case ENLARGE_DTYPE_F64:
      return ((gint) ((i * 7 + k * 5) % 29) - 14) * 0.0625f + (i % 7) * 1e-3f;
    case ENLARGE_DTYPE_F16:
    case ENLARGE_DTYPE_BF16:
      return ((gint) ((i * 7 + k * 5) % 29) - 14) * 0.0625f;
    case ENLARGE_DTYPE_U8:
      return (float) ((i * 3 + k) % 200);
    case ENLARGE_DTYPE_BOOL:
      return (float) ((i + k) % 2);
    default:
      return (float) ((gint) ((i * 3 + k) % 50) - 10);
    }
}

WwTensor *
ww_dict_add (WwDict *d, const char *name, EnlargeDtype dtype, const float *values, guint n_dims, ...)
{
  WwTensor *t = g_new0 (WwTensor, 1);
  va_list ap;
  gsize n;

  t->name = g_strdup (name);
  t->dtype = dtype;
  t->n_dims = n_dims;
  va_start (ap, n_dims);
  for (guint i = 0; i < n_dims; i++)
    t->shape[i] = va_arg (ap, gint64);
  va_end (ap);
  n = ww_tensor_numel (t);
  t->values = g_new (float, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    t->values[i] = values ? values[i] : pattern (dtype, d->tensors->len, i);
  g_ptr_array_add (d->tensors, t);
  return t;
}

guint16
ww_f32_to_f16 (float f)
{
  guint32 x, mant, r, rem, half;
  guint16 sign;
  gint exp;

  memcpy (&x, &f, 4);
  sign = (x >> 16) & 0x8000;
  exp = (gint) ((x >> 23) & 0xff) - 127 + 15;
  mant = x & 0x7fffff;
  if (((x >> 23) & 0xff) == 0xff)
    return sign | 0x7c00 | (mant ? 0x200 : 0);
  if (exp >= 0x1f)
    return sign | 0x7c00;
  if (exp <= 0)
    {
      guint shift = (guint) (14 - exp);
      if (shift > 24)
        return sign;
      mant |= 0x800000;
      r = mant >> shift;
      rem = mant & ((1u << shift) - 1);
      half = 1u << (shift - 1);
    }
  else
    {
      r = ((guint32) exp << 10) | (mant >> 13);
      rem = mant & 0x1fff;
      half = 0x1000;
    }
  if (rem > half || (rem == half && (r & 1)))
    r++;
  return sign | (guint16) r;
}

guint16
ww_f32_to_bf16 (float f)
{
  guint32 x;

  memcpy (&x, &f, 4);
  if ((x & 0x7fffffff) > 0x7f800000)
    return (guint16) ((x >> 16) | 0x40);
  return (guint16) ((x + 0x7fff + ((x >> 16) & 1)) >> 16);
}

/* half → float by arithmetic, independent of the engine's bit twiddling */
static float
f16_value (guint16 h)
{
  int exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  float v;

  if (exp == 0x1f)
    v = mant ? NAN : INFINITY;
  else if (exp == 0)
    v = ldexpf ((float) mant, -24);
  else
    v = ldexpf ((float) (1024 + mant), exp - 25);
  return (h & 0x8000) ? -v : v;
}

float
ww_stored_value (const WwTensor *t, gsize i)
{
  float v = t->values[i];
  guint32 u;

  switch (t->dtype)
    {
    case ENLARGE_DTYPE_F16:
      return f16_value (ww_f32_to_f16 (v));
    case ENLARGE_DTYPE_BF16:
      u = (guint32) ww_f32_to_bf16 (v) << 16;
      memcpy (&v, &u, 4);
      return v;
    case ENLARGE_DTYPE_F64:
      return (float) (double) v;
    case ENLARGE_DTYPE_BOOL:
      return v != 0.0f;
    default:
      return v;
    }
}

static void
put_le (GByteArray *b, guint64 v, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      guint8 c = (v >> (8 * i)) & 0xff;
      g_byte_array_append (b, &c, 1);
    }
}

static void
put_value (GByteArray *b, EnlargeDtype dtype, float v)
{
  guint32 u;
  double d = v;
  guint64 q;

  switch (dtype)
    {
    case ENLARGE_DTYPE_F32:
      memcpy (&u, &v, 4);
      put_le (b, u, 4);
      break;
    case ENLARGE_DTYPE_F16:
      put_le (b, ww_f32_to_f16 (v), 2);
      break;
    case ENLARGE_DTYPE_BF16:
      put_le (b, ww_f32_to_bf16 (v), 2);
      break;
    case ENLARGE_DTYPE_F64:
      memcpy (&q, &d, 8);
      put_le (b, q, 8);
      break;
    case ENLARGE_DTYPE_BOOL:
      put_le (b, v != 0.0f, 1);
      break;
    default:
      put_le (b, (guint64) (gint64) v, enlarge_dtype_size (dtype));
      break;
    }
}

/* ---------- safetensors ---------- */

GBytes *
ww_write_safetensors (const WwDict *d, const WwOptions *o)
{
  g_autoptr (GString) json = g_string_new ("{\"__metadata__\":{\"format\":\"pt\",\"note\":\"a \\\"quoted\\\" \\u00e9\"}");
  g_autoptr (GByteArray) data = g_byte_array_new ();
  g_autofree gsize *begin = g_new0 (gsize, d->tensors->len + 1);
  GByteArray *out;

  for (guint k = 0; k < d->tensors->len; k++)
    {
      guint j = o && o->reverse_data ? d->tensors->len - 1 - k : k;
      const WwTensor *t = d->tensors->pdata[j];
      begin[j] = data->len;
      for (gsize i = 0; i < ww_tensor_numel (t); i++)
        put_value (data, t->dtype, t->values[i]);
    }
  for (guint j = 0; j < d->tensors->len; j++)
    {
      const WwTensor *t = d->tensors->pdata[j];
      gsize n = ww_tensor_numel (t) * enlarge_dtype_size (t->dtype);
      g_string_append_printf (json, ",\"%s%s\":{\"dtype\":\"%s\",\"shape\":[",
                              o && o->prefix ? o->prefix : "", t->name, enlarge_dtype_name (t->dtype));
      for (guint i = 0; i < t->n_dims; i++)
        g_string_append_printf (json, "%s%" G_GINT64_FORMAT, i ? "," : "", t->shape[i]);
      g_string_append_printf (json, "],\"data_offsets\":[%" G_GSIZE_FORMAT ",%" G_GSIZE_FORMAT "]}",
                              begin[j], begin[j] + n);
    }
  g_string_append_c (json, '}');
  /* the official writer pads the header with spaces to a multiple of 8 */
  while (json->len % 8 != 0)
    g_string_append_c (json, ' ');
  out = g_byte_array_new ();
  put_le (out, json->len, 8);
  g_byte_array_append (out, (const guint8 *) json->str, json->len);
  g_byte_array_append (out, data->data, data->len);
  return g_byte_array_free_to_bytes (out);
}

/* ---------- pickles ---------- */

typedef struct {
  GByteArray *b;
  gboolean p4;
  guint n_memo;
  gint od_memo, rebuild_memo, param_memo;   /* -1 until first written */
  gint storage_memo[ENLARGE_DTYPE_BOOL + 1];
} Pickler;

static void
op (Pickler *p, guint8 c)
{
  g_byte_array_append (p->b, &c, 1);
}

static void
pk_str (Pickler *p, const char *s)
{
  gsize n = strlen (s);

  if (p->p4 && n < 256)
    {
      op (p, 0x8c);
      op (p, (guint8) n);
    }
  else
    {
      op (p, 'X');
      put_le (p->b, n, 4);
    }
  g_byte_array_append (p->b, (const guint8 *) s, n);
}

static void
pk_int (Pickler *p, gint64 v)
{
  if (v >= 0 && v < 256)
    {
      op (p, 'K');
      op (p, (guint8) v);
    }
  else if (v >= 0 && v < 65536)
    {
      op (p, 'M');
      put_le (p->b, (guint64) v, 2);
    }
  else if (v >= G_MININT32 && v <= G_MAXINT32)
    {
      op (p, 'J');
      put_le (p->b, (guint64) v, 4);
    }
  else
    {
      op (p, 0x8a);
      op (p, 8);
      put_le (p->b, (guint64) v, 8);
    }
}

static void
pk_put (Pickler *p)
{
  if (p->p4)
    op (p, 0x94);
  else if (p->n_memo < 256)
    {
      op (p, 'q');
      op (p, (guint8) p->n_memo);
    }
  else
    {
      op (p, 'r');
      put_le (p->b, p->n_memo, 4);
    }
  p->n_memo++;
}

/* A global, memoised the first time and fetched from the memo after, as
 * pickle does for repeated objects. */
static void
pk_global (Pickler *p, gint *memo, const char *module, const char *name)
{
  if (*memo >= 0)
    {
      if (*memo < 256)
        {
          op (p, 'h');
          op (p, (guint8) *memo);
        }
      else
        {
          op (p, 'j');
          put_le (p->b, (guint64) *memo, 4);
        }
      return;
    }
  if (p->p4)
    {
      pk_str (p, module);
      pk_str (p, name);
      op (p, 0x93);
    }
  else
    {
      g_autofree char *line = g_strdup_printf ("c%s\n%s\n", module, name);
      g_byte_array_append (p->b, (const guint8 *) line, strlen (line));
    }
  *memo = (gint) p->n_memo;
  pk_put (p);
}

static void
pk_ordered_dict (Pickler *p)
{
  pk_global (p, &p->od_memo, "collections", "OrderedDict");
  op (p, ')');
  op (p, 'R');
}

static const char *const storage_classes[] = {
  [ENLARGE_DTYPE_F32] = "FloatStorage", [ENLARGE_DTYPE_F16] = "HalfStorage",
  [ENLARGE_DTYPE_BF16] = "BFloat16Storage", [ENLARGE_DTYPE_F64] = "DoubleStorage",
  [ENLARGE_DTYPE_I64] = "LongStorage", [ENLARGE_DTYPE_I32] = "IntStorage",
  [ENLARGE_DTYPE_I16] = "ShortStorage", [ENLARGE_DTYPE_I8] = "CharStorage",
  [ENLARGE_DTYPE_U8] = "ByteStorage", [ENLARGE_DTYPE_BOOL] = "BoolStorage",
};

/* Storages: one per tensor unless `shared`, in which case the tensor goes
 * after the previous one in its storage. */
typedef struct {
  char *key;
  EnlargeDtype dtype;
  GByteArray *bytes;
  gsize numel;
} Storage;

typedef struct {
  GPtrArray *storages;     /* Storage * */
  guint *storage_of;       /* tensor → storage index */
  gsize *offset_of;        /* tensor → element offset */
} Layout;

static void
storage_free (gpointer p)
{
  Storage *s = p;
  g_free (s->key);
  g_byte_array_unref (s->bytes);
  g_free (s);
}

static void
layout_clear (Layout *l)
{
  g_clear_pointer (&l->storages, g_ptr_array_unref);
  g_clear_pointer (&l->storage_of, g_free);
  g_clear_pointer (&l->offset_of, g_free);
}

static void
layout_init (Layout *l, const WwDict *d, gboolean legacy_keys)
{
  l->storages = g_ptr_array_new_with_free_func (storage_free);
  l->storage_of = g_new0 (guint, d->tensors->len + 1);
  l->offset_of = g_new0 (gsize, d->tensors->len + 1);
  for (guint k = 0; k < d->tensors->len; k++)
    {
      const WwTensor *t = d->tensors->pdata[k];
      gsize n = ww_tensor_numel (t);
      Storage *s;

      if (!t->shared || l->storages->len == 0)
        {
          s = g_new0 (Storage, 1);
          /* torch keys zip storages 0, 1, …; legacy ones by address */
          s->key = legacy_keys ? g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) (G_GUINT64_CONSTANT (140234567890000) + 96 * k))
                               : g_strdup_printf ("%u", l->storages->len);
          s->dtype = t->dtype;
          s->bytes = g_byte_array_new ();
          g_ptr_array_add (l->storages, s);
        }
      s = g_ptr_array_index (l->storages, l->storages->len - 1);
      g_assert (s->dtype == t->dtype);
      l->storage_of[k] = l->storages->len - 1;
      l->offset_of[k] = s->numel;
      for (gsize e = 0; e < n; e++)
        {
          gsize src = e;
          if (t->transposed)
            {
              /* element e of the column-major storage is (e % rows, e / rows) */
              gsize rows = (gsize) t->shape[0], cols = (gsize) t->shape[1];
              src = (e % rows) * cols + e / rows;
            }
          put_value (s->bytes, t->dtype, t->values[src]);
        }
      s->numel += n;
    }
}

static void
pk_tensor (Pickler *p, const WwTensor *t, const Storage *s, gsize offset, gboolean legacy)
{
  gint64 stride[ENLARGE_WEIGHTS_MAX_DIMS];

  if (t->parameter)
    pk_global (p, &p->param_memo, "torch._utils", "_rebuild_parameter");
  pk_global (p, &p->rebuild_memo, "torch._utils", "_rebuild_tensor_v2");
  op (p, '(');
  op (p, '(');
  pk_str (p, "storage");
  pk_global (p, &p->storage_memo[t->dtype], "torch", storage_classes[t->dtype]);
  pk_str (p, s->key);
  pk_str (p, "cpu");
  pk_int (p, (gint64) s->numel);
  if (legacy)
    op (p, 'N');              /* no view metadata */
  op (p, 't');
  op (p, 'Q');
  pk_int (p, (gint64) offset);
  op (p, '(');
  for (guint i = 0; i < t->n_dims; i++)
    pk_int (p, t->shape[i]);
  op (p, 't');
  if (t->transposed)
    {
      stride[0] = 1;
      stride[1] = t->shape[0];
    }
  else
    for (guint i = t->n_dims, acc = 1; i-- > 0;)
      {
        stride[i] = acc;
        acc *= (guint) t->shape[i];
      }
  op (p, '(');
  for (guint i = 0; i < t->n_dims; i++)
    pk_int (p, stride[i]);
  op (p, 't');
  op (p, 0x89);               /* requires_grad=False */
  pk_ordered_dict (p);        /* backward hooks */
  op (p, 't');
  op (p, 'R');
  if (t->parameter)
    {
      op (p, 0x88);
      pk_ordered_dict (p);
      op (p, 0x87);           /* TUPLE3 */
      op (p, 'R');
    }
}

static void
pk_state_dict (Pickler *p, const WwDict *d, const WwOptions *o, const Layout *l, gboolean legacy)
{
  pk_ordered_dict (p);
  pk_put (p);
  op (p, '(');
  for (guint k = 0; k < d->tensors->len; k++)
    {
      const WwTensor *t = d->tensors->pdata[k];
      g_autofree char *name = g_strconcat (o && o->prefix ? o->prefix : "", t->name, NULL);
      pk_str (p, name);
      pk_tensor (p, t, l->storages->pdata[l->storage_of[k]], l->offset_of[k], legacy);
    }
  op (p, 'u');
  /* state_dict() sets _metadata, which pickles as BUILD with a dict */
  op (p, '}');
  pk_str (p, "_metadata");
  pk_ordered_dict (p);
  pk_str (p, "");
  op (p, '}');
  pk_str (p, "version");
  pk_int (p, 1);
  op (p, 's');
  op (p, 's');
  op (p, 's');
  op (p, 'b');
}

static GByteArray *
pickle_checkpoint (const WwDict *d, const WwOptions *o, const Layout *l, gboolean legacy)
{
  Pickler p = { .b = g_byte_array_new (), .p4 = o && o->protocol4, .od_memo = -1,
                .rebuild_memo = -1, .param_memo = -1 };
  WwWrap wrap = o ? o->wrap : WW_WRAP_NONE;
  gsize frame_at = 0;

  for (guint i = 0; i < G_N_ELEMENTS (p.storage_memo); i++)
    p.storage_memo[i] = -1;
  op (&p, 0x80);
  op (&p, p.p4 ? 4 : 2);
  if (p.p4)
    {
      op (&p, 0x95);
      frame_at = p.b->len;
      put_le (p.b, 0, 8);
    }
  switch (wrap)
    {
    case WW_WRAP_NONE:
      pk_state_dict (&p, d, o, l, legacy);
      break;
    case WW_WRAP_PARAMS_EMA:
      op (&p, '}');
      op (&p, '(');
      pk_str (&p, "params");      /* a decoy: the EMA weights are the ones to use */
      op (&p, '}');
      pk_str (&p, "decoy");
      pk_int (&p, 7);
      op (&p, 's');
      pk_str (&p, "params_ema");
      pk_state_dict (&p, d, o, l, legacy);
      pk_str (&p, "iter");
      pk_int (&p, 300000);
      op (&p, 'u');
      break;
    case WW_WRAP_STATE_DICT:
      op (&p, '}');
      op (&p, '(');
      pk_str (&p, "epoch");
      pk_int (&p, 3);
      pk_str (&p, "state_dict");
      pk_state_dict (&p, d, o, l, legacy);
      pk_str (&p, "optimizer");
      op (&p, '}');
      op (&p, 'u');
      break;
    case WW_WRAP_NESTED:
      op (&p, '}');
      pk_str (&p, "generator");
      op (&p, '}');
      op (&p, '(');
      pk_str (&p, "model");
      pk_state_dict (&p, d, o, l, legacy);
      pk_str (&p, "note");
      pk_str (&p, "trained on anime");
      op (&p, 'u');
      op (&p, 's');
      break;
    }
  op (&p, '.');
  if (p.p4)
    {
      guint64 n = p.b->len - frame_at - 8;
      for (guint i = 0; i < 8; i++)
        p.b->data[frame_at + i] = (n >> (8 * i)) & 0xff;
    }
  return p.b;
}

/* ---------- zip ---------- */

typedef struct {
  guint32 crc;
  guint64 comp, size, offset;
  guint16 method;
} CdInfo;

GBytes *
ww_zip (const char *const *names, GBytes *const *contents, guint n, const WwOptions *o)
{
  GByteArray *b = g_byte_array_new ();
  g_autofree CdInfo *info = g_new0 (CdInfo, MAX (n, 1));
  gboolean z64 = o && o->zip64, deflated = o && o->deflate;
  guint64 cd_start, cd_size, eocd64;

  for (guint i = 0; i < n; i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (contents[i], &len);
      g_autofree guint8 *packed = NULL;
      gsize name_len = strlen (names[i]), pad;
      const guint8 *payload = data;

      info[i].crc = crc32_z (0, data, len);
      info[i].size = len;
      info[i].comp = len;
      info[i].offset = b->len;
      info[i].method = deflated ? 8 : 0;
      if (deflated)
        {
          z_stream zs = { 0 };
          uLong bound;

          g_assert (deflateInit2 (&zs, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
          bound = deflateBound (&zs, len);
          packed = g_malloc (bound);
          zs.next_in = (Bytef *) data;
          zs.avail_in = (uInt) len;
          zs.next_out = packed;
          zs.avail_out = (uInt) bound;
          g_assert (deflate (&zs, Z_FINISH) == Z_STREAM_END);
          info[i].comp = zs.total_out;
          deflateEnd (&zs);
          payload = packed;
        }
      /* local header; torch sets the data-descriptor flag and zero sizes,
       * and pads with an extra field so the data starts at 64 bytes */
      put_le (b, 0x04034b50, 4);
      put_le (b, 45, 2);
      put_le (b, 0x0808, 2);
      put_le (b, info[i].method, 2);
      put_le (b, 0, 4);
      put_le (b, 0, 4);
      put_le (b, 0, 4);
      put_le (b, 0, 4);
      put_le (b, name_len, 2);
      pad = (64 - (b->len + 2 + name_len + 4) % 64) % 64;
      put_le (b, 4 + pad, 2);
      g_byte_array_append (b, (const guint8 *) names[i], name_len);
      put_le (b, 0x4246, 2);   /* "FB", torch's padding field */
      put_le (b, pad, 2);
      for (gsize k = 0; k < pad; k++)
        put_le (b, 'Z', 1);
      g_byte_array_append (b, payload, info[i].comp);
      /* data descriptor */
      put_le (b, 0x08074b50, 4);
      put_le (b, info[i].crc, 4);
      put_le (b, info[i].comp, 4);
      put_le (b, info[i].size, 4);
    }

  cd_start = b->len;
  for (guint i = 0; i < n; i++)
    {
      gsize name_len = strlen (names[i]);
      put_le (b, 0x02014b50, 4);
      put_le (b, 0x031e, 2);
      put_le (b, 45, 2);
      put_le (b, 0x0808, 2);
      put_le (b, info[i].method, 2);
      put_le (b, 0, 4);
      put_le (b, info[i].crc, 4);
      put_le (b, z64 ? 0xffffffffu : info[i].comp, 4);
      put_le (b, z64 ? 0xffffffffu : info[i].size, 4);
      put_le (b, name_len, 2);
      put_le (b, z64 ? 28 : 0, 2);
      put_le (b, 0, 2);
      put_le (b, 0, 2);
      put_le (b, 0, 2);
      put_le (b, 0, 4);
      put_le (b, z64 ? 0xffffffffu : info[i].offset, 4);
      g_byte_array_append (b, (const guint8 *) names[i], name_len);
      if (z64)
        {
          put_le (b, 0x0001, 2);
          put_le (b, 24, 2);
          put_le (b, info[i].size, 8);
          put_le (b, info[i].comp, 8);
          put_le (b, info[i].offset, 8);
        }
    }
  cd_size = b->len - cd_start;

  /* torch writes the zip64 end records always; Python's zipfile only
   * when needed, so without @zip64 there are none */
  eocd64 = b->len;
  if (z64)
    {
      put_le (b, 0x06064b50, 4);
      put_le (b, 44, 8);
      put_le (b, 0x031e, 2);
      put_le (b, 45, 2);
      put_le (b, 0, 4);
      put_le (b, 0, 4);
      put_le (b, n, 8);
      put_le (b, n, 8);
      put_le (b, cd_size, 8);
      put_le (b, cd_start, 8);
      put_le (b, 0x07064b50, 4);
      put_le (b, 0, 4);
      put_le (b, eocd64, 8);
      put_le (b, 1, 4);
    }
  put_le (b, 0x06054b50, 4);
  put_le (b, 0, 2);
  put_le (b, 0, 2);
  put_le (b, z64 ? 0xffff : n, 2);
  put_le (b, z64 ? 0xffff : n, 2);
  put_le (b, z64 ? 0xffffffffu : cd_size, 4);
  put_le (b, z64 ? 0xffffffffu : cd_start, 4);
  put_le (b, 0, 2);
  return g_byte_array_free_to_bytes (b);
}

GBytes *
ww_pickle_state_dict (const WwDict *d, const WwOptions *o)
{
  Layout l;
  GByteArray *b;

  layout_init (&l, d, FALSE);
  b = pickle_checkpoint (d, o, &l, FALSE);
  layout_clear (&l);
  return g_byte_array_free_to_bytes (b);
}

GBytes *
ww_write_torch_zip_pickle (const WwDict *d, const WwOptions *o, GBytes *pickle)
{
  Layout l;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) contents = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GBytes *out;

  layout_init (&l, d, FALSE);
  g_ptr_array_add (names, g_strdup ("archive/data.pkl"));
  g_ptr_array_add (contents, pickle ? g_bytes_ref (pickle)
                             : g_byte_array_free_to_bytes (pickle_checkpoint (d, o, &l, FALSE)));
  g_ptr_array_add (names, g_strdup ("archive/byteorder"));
  g_ptr_array_add (contents, g_bytes_new_static ("little", 6));
  for (guint i = 0; i < l.storages->len; i++)
    {
      Storage *s = l.storages->pdata[i];
      g_ptr_array_add (names, g_strdup_printf ("archive/data/%s", s->key));
      g_ptr_array_add (contents, g_bytes_new (s->bytes->data, s->bytes->len));
    }
  g_ptr_array_add (names, g_strdup ("archive/version"));
  g_ptr_array_add (contents, g_bytes_new_static ("3\n", 2));
  out = ww_zip ((const char *const *) names->pdata, (GBytes *const *) contents->pdata,
                names->len, o);
  layout_clear (&l);
  return out;
}

static void
simple_pickle (GByteArray *b, const guint8 *body, gsize n)
{
  static const guint8 proto[] = { 0x80, 0x02 };
  g_byte_array_append (b, proto, 2);
  g_byte_array_append (b, body, n);
  g_byte_array_append (b, (const guint8 *) ".", 1);
}

GBytes *
ww_write_torch_legacy (const WwDict *d, const WwOptions *o)
{
  static const guint8 magic[] = { 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19 };
  static const guint8 version[] = { 'M', 0xe9, 0x03 };
  GByteArray *b = g_byte_array_new ();
  Layout l;
  Pickler p = { .b = g_byte_array_new (), .od_memo = -1 };
  GByteArray *main_pickle;

  layout_init (&l, d, TRUE);
  simple_pickle (b, magic, sizeof magic);
  simple_pickle (b, version, sizeof version);

  /* sys info */
  op (&p, '}');
  op (&p, '(');
  pk_str (&p, "protocol_version");
  pk_int (&p, 1001);
  pk_str (&p, "little_endian");
  op (&p, 0x88);
  pk_str (&p, "type_sizes");
  op (&p, '}');
  op (&p, '(');
  pk_str (&p, "short");
  pk_int (&p, 2);
  pk_str (&p, "int");
  pk_int (&p, 4);
  pk_str (&p, "long");
  pk_int (&p, 4);
  op (&p, 'u');
  op (&p, 'u');
  simple_pickle (b, p.b->data, p.b->len);

  main_pickle = pickle_checkpoint (d, o, &l, TRUE);
  g_byte_array_append (b, main_pickle->data, main_pickle->len);
  g_byte_array_unref (main_pickle);

  /* the storage keys, then each storage in that order */
  g_byte_array_set_size (p.b, 0);
  op (&p, ']');
  op (&p, '(');
  for (guint k = 0; k < l.storages->len; k++)
    {
      guint i = o && o->reverse_data ? l.storages->len - 1 - k : k;
      pk_str (&p, ((Storage *) l.storages->pdata[i])->key);
    }
  op (&p, 'e');
  simple_pickle (b, p.b->data, p.b->len);
  g_byte_array_unref (p.b);
  for (guint k = 0; k < l.storages->len; k++)
    {
      guint i = o && o->reverse_data ? l.storages->len - 1 - k : k;
      Storage *s = l.storages->pdata[i];
      put_le (b, s->numel, 8);
      g_byte_array_append (b, s->bytes->data, s->bytes->len);
    }
  layout_clear (&l);
  return g_byte_array_free_to_bytes (b);
}

GBytes *
ww_write_torch_zip (const WwDict *d, const WwOptions *o)
{
  return ww_write_torch_zip_pickle (d, o, NULL);
}

/* ---------- the standard fixtures ---------- */

/* The dict every format round-trips: each dtype, a scalar, an empty
 * tensor, and for the pickle formats a Parameter, two tensors sharing a
 * storage at different offsets and a transposed (strided) view. */
WwDict *
ww_sample_dict (void)
{
  WwDict *d = ww_dict_new ();

  ww_dict_add (d, "conv_first.weight", ENLARGE_DTYPE_F32, NULL, 4, 4, 3, 3, 3);
  ww_dict_add (d, "conv_first.bias", ENLARGE_DTYPE_F32, NULL, 1, 4);
  ww_dict_add (d, "body.0.weight", ENLARGE_DTYPE_F16, NULL, 4, 8, 4, 3, 3)->parameter = TRUE;
  ww_dict_add (d, "body.0.bias", ENLARGE_DTYPE_F16, NULL, 1, 8)->shared = TRUE;
  ww_dict_add (d, "body.1.weight", ENLARGE_DTYPE_BF16, NULL, 4, 2, 8, 1, 1);
  ww_dict_add (d, "body.1.alpha", ENLARGE_DTYPE_BF16, NULL, 1, 2)->shared = TRUE;
  ww_dict_add (d, "proj.weight", ENLARGE_DTYPE_F32, NULL, 2, 5, 3)->transposed = TRUE;
  ww_dict_add (d, "bn.num_batches_tracked", ENLARGE_DTYPE_I64, NULL, 0);
  ww_dict_add (d, "empty", ENLARGE_DTYPE_F32, NULL, 2, 0, 3);
  ww_dict_add (d, "mean", ENLARGE_DTYPE_F64, NULL, 1, 3);
  ww_dict_add (d, "index", ENLARGE_DTYPE_I32, NULL, 1, 3);
  ww_dict_add (d, "steps", ENLARGE_DTYPE_I16, NULL, 1, 2);
  ww_dict_add (d, "signs", ENLARGE_DTYPE_I8, NULL, 1, 2);
  ww_dict_add (d, "lut", ENLARGE_DTYPE_U8, NULL, 1, 4);
  ww_dict_add (d, "mask", ENLARGE_DTYPE_BOOL, NULL, 2, 2, 2);
  return d;
}

const WwOptions ww_sample_variants[] = {
  { 0 },
  { .wrap = WW_WRAP_PARAMS_EMA, .prefix = "module." },
  { .wrap = WW_WRAP_STATE_DICT, .prefix = "netG." },
  { .wrap = WW_WRAP_NESTED, .prefix = "netG.module." },
  { .protocol4 = TRUE, .wrap = WW_WRAP_PARAMS_EMA },
  { .zip64 = TRUE, .reverse_data = TRUE },
  { .deflate = TRUE, .wrap = WW_WRAP_STATE_DICT },
  { .deflate = TRUE, .zip64 = TRUE, .protocol4 = TRUE, .prefix = "module." },
};

const guint ww_n_sample_variants = G_N_ELEMENTS (ww_sample_variants);

gboolean
ww_write_fixtures (const char *dir, GError **error)
{
  g_autoptr (WwDict) d = ww_sample_dict ();
  g_autoptr (GString) expected = g_string_new (NULL);

  for (guint i = 0; i < ww_n_sample_variants; i++)
    {
      GBytes *files[3] = { ww_write_torch_zip (d, &ww_sample_variants[i]),
                           ww_write_torch_legacy (d, &ww_sample_variants[i]),
                           ww_write_safetensors (d, &ww_sample_variants[i]) };
      const char *ext[3] = { "zip.pth", "legacy.pth", "safetensors" };

      for (guint f = 0; f < 3; f++)
        {
          g_autofree char *name = g_strdup_printf ("%s/fixture%u.%s", dir, i, ext[f]);
          gboolean ok = g_file_set_contents (name, g_bytes_get_data (files[f], NULL),
                                             g_bytes_get_size (files[f]), error);
          g_bytes_unref (files[f]);
          if (!ok)
            return FALSE;
        }
    }
  for (guint k = 0; k < d->tensors->len; k++)
    {
      const WwTensor *t = d->tensors->pdata[k];
      g_string_append_printf (expected, "%s %s", t->name, enlarge_dtype_name (t->dtype));
      for (gsize i = 0; i < ww_tensor_numel (t); i++)
        g_string_append_printf (expected, " %.9g", ww_stored_value (t, i));
      g_string_append_c (expected, '\n');
    }
  {
    g_autofree char *name = g_build_filename (dir, "expected.txt", NULL);
    return g_file_set_contents (name, expected->str, expected->len, error);
  }
}

const float *
ww_dict_get (const WwDict *d, const char *prefix, const char *suffix)
{
  g_autofree char *name = g_strconcat (prefix, suffix, NULL);
  for (guint i = 0; i < d->tensors->len; i++)
    {
      const WwTensor *t = d->tensors->pdata[i];
      if (strcmp (t->name, name) == 0)
        return t->values;
    }
  g_error ("no tensor %s", name);
  return NULL;
}
