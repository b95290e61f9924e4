/* The ncnn model loader: .param text into layers, .bin into weights.
 *
 * Both files come from outside, so every count and offset is checked
 * before it is used; a malformed file is a GError naming the file, the
 * line or byte offset and what was expected. */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "enlarge-error.h"
#include "enlarge-net.h"
#include "enlarge-ops.h"

#define NCNN_MAGIC 7767517
#define MAX_PARAM_ID 32
#define MAX_LAYERS 100000
#define MAX_BLOBS_PER_LAYER 1024
#define MAX_ARRAY 4096
#define MAX_CHANNELS (1 << 20)
#define FP16_TAG 0x01306B47u

typedef struct {
  gboolean set;
  gboolean is_float;
  int i;
  float f;
  int n_array;       /* -1: not an array */
  float *array;
} ParamValue;

typedef struct {
  ParamValue v[MAX_PARAM_ID];
} ParamDict;

static void
param_dict_clear (ParamDict *pd)
{
  for (int i = 0; i < MAX_PARAM_ID; i++)
    g_free (pd->v[i].array);
  memset (pd, 0, sizeof *pd);
}

static int
pd_int (const ParamDict *pd, int id, int def)
{
  if (!pd->v[id].set || pd->v[id].n_array >= 0)
    return def;
  if (pd->v[id].is_float)
    {
      float f = pd->v[id].f;
      /* NaN or out of int's range: a value every caller rejects */
      if (!(f > -2147483648.f && f < 2147483648.f))
        return G_MININT;
      return (int) f;
    }
  return pd->v[id].i;
}

static float
pd_float (const ParamDict *pd, int id, float def)
{
  if (!pd->v[id].set || pd->v[id].n_array >= 0)
    return def;
  return pd->v[id].is_float ? pd->v[id].f : (float) pd->v[id].i;
}

/* ---------- .param tokenizer ---------- */

typedef struct {
  const char *name;     /* file name for messages */
  char **lines;
  int n_lines;
  int line;             /* index into lines, 0-based */
} ParamReader;

static gboolean
parse_int (const char *s, int *out)
{
  char *end;
  gint64 v;

  if (s == NULL || *s == '\0')
    return FALSE;
  v = g_ascii_strtoll (s, &end, 10);
  if (*end != '\0' || v < G_MININT || v > G_MAXINT)
    return FALSE;
  *out = (int) v;
  return TRUE;
}

static gboolean
parse_number (const char *s, gboolean *is_float, int *i, float *f)
{
  char *end;

  if (s == NULL || *s == '\0')
    return FALSE;
  if (strpbrk (s, ".eE") != NULL || g_ascii_strcasecmp (s, "nan") == 0 ||
      g_ascii_strcasecmp (s, "inf") == 0 || g_ascii_strcasecmp (s, "-inf") == 0)
    {
      double d = g_ascii_strtod (s, &end);
      if (*end != '\0')
        return FALSE;
      *is_float = TRUE;
      *f = (float) d;
      return TRUE;
    }
  *is_float = FALSE;
  return parse_int (s, i);
}

static gboolean
parse_param_token (const char *tok, ParamDict *pd, const ParamReader *r,
                   GError **error)
{
  const char *eq = strchr (tok, '=');
  g_autofree char *key_str = NULL;
  int key, id;
  gboolean is_array;

  if (eq == NULL)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_PARAM_SYNTAX,
                   "%s:%d: expected key=value, got “%s”", r->name, r->line + 1, tok);
      return FALSE;
    }
  key_str = g_strndup (tok, eq - tok);
  if (!parse_int (key_str, &key))
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_PARAM_SYNTAX,
                   "%s:%d: bad parameter key “%s”", r->name, r->line + 1, key_str);
      return FALSE;
    }
  is_array = key <= -23300;
  id = is_array ? -key - 23300 : key;
  if (id < 0 || id >= MAX_PARAM_ID)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_PARAM_SYNTAX,
                   "%s:%d: parameter id %d out of range", r->name, r->line + 1, key);
      return FALSE;
    }

  ParamValue *pv = &pd->v[id];
  g_clear_pointer (&pv->array, g_free);
  pv->set = TRUE;
  pv->n_array = -1;

  if (!is_array)
    {
      if (!parse_number (eq + 1, &pv->is_float, &pv->i, &pv->f))
        {
          g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_PARAM_SYNTAX,
                       "%s:%d: bad value in “%s”", r->name, r->line + 1, tok);
          return FALSE;
        }
      return TRUE;
    }

  g_auto (GStrv) items = g_strsplit (eq + 1, ",", -1);
  int n;
  guint n_items = g_strv_length (items);
  if (n_items < 1 || !parse_int (items[0], &n) || n < 0 || n > MAX_ARRAY ||
      (guint) n != n_items - 1)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_PARAM_SYNTAX,
                   "%s:%d: bad array “%s” (count does not match its values)",
                   r->name, r->line + 1, tok);
      return FALSE;
    }
  pv->n_array = n;
  pv->array = g_new0 (float, MAX (n, 1));
  for (int k = 0; k < n; k++)
    {
      gboolean is_float;
      int iv;
      float fv;
      if (!parse_number (items[k + 1], &is_float, &iv, &fv))
        {
          g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_PARAM_SYNTAX,
                       "%s:%d: bad array value “%s”", r->name, r->line + 1, items[k + 1]);
          return FALSE;
        }
      pv->array[k] = is_float ? fv : (float) iv;
    }
  return TRUE;
}

/* ---------- .bin reader ---------- */

typedef struct {
  const char *name;
  const guint8 *data;
  gsize len;
  gsize off;
} BinReader;

static float
half_to_float (guint16 h)
{
  guint32 sign = (guint32) (h & 0x8000) << 16;
  guint32 exp = (h >> 10) & 0x1f;
  guint32 mant = h & 0x3ff;
  guint32 bits;
  float f;

  if (exp == 0)
    {
      if (mant == 0)
        bits = sign;
      else
        {
          /* subnormal: renormalise */
          exp = 1;
          while ((mant & 0x400) == 0)
            {
              mant <<= 1;
              exp--;
            }
          mant &= 0x3ff;
          bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
        }
    }
  else if (exp == 31)
    bits = sign | 0x7f800000u | (mant << 13);
  else
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  memcpy (&f, &bits, sizeof f);
  return f;
}

static gboolean
bin_need (BinReader *b, gsize n, const char *layer, const char *what, GError **error)
{
  if (n > b->len - b->off)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_TRUNCATED,
                   "%s: truncated: layer %s needs %" G_GSIZE_FORMAT " bytes of %s "
                   "at offset %" G_GSIZE_FORMAT ", only %" G_GSIZE_FORMAT " left",
                   b->name, layer, n, what, b->off, b->len - b->off);
      return FALSE;
    }
  return TRUE;
}

/* ncnn's ModelBin::load(w, 1): plain little-endian fp32, no tag. */
static float *
bin_load_raw (BinReader *b, int count, const char *layer, const char *what,
              GError **error)
{
  gsize n = (gsize) count * 4;
  if (!bin_need (b, n, layer, what, error))
    return NULL;
  float *out = g_new (float, MAX (count, 1));
  memcpy (out, b->data + b->off, n);
#if G_BYTE_ORDER == G_BIG_ENDIAN
  for (int i = 0; i < count; i++)
    {
      guint32 v;
      memcpy (&v, &out[i], 4);
      v = GUINT32_SWAP_LE_BE (v);
      memcpy (&out[i], &v, 4);
    }
#endif
  b->off += n;
  return out;
}

/* ncnn's ModelBin::load(w, 0): a 4-byte tag says how the block is stored. */
static float *
bin_load_tagged (BinReader *b, int count, const char *layer, GError **error)
{
  guint32 tag;
  gsize tag_off = b->off;

  if (!bin_need (b, 4, layer, "weight tag", error))
    return NULL;
  memcpy (&tag, b->data + b->off, 4);
  tag = GUINT32_FROM_LE (tag);
  b->off += 4;

  if (tag == FP16_TAG)
    {
      gsize n = (gsize) count * 2;
      gsize aligned = (n + 3) & ~(gsize) 3;
      if (!bin_need (b, aligned, layer, "fp16 weights", error))
        return NULL;
      float *out = g_new (float, MAX (count, 1));
      const guint8 *p = b->data + b->off;
      for (int i = 0; i < count; i++)
        out[i] = half_to_float ((guint16) (p[2 * i] | (p[2 * i + 1] << 8)));
      b->off += aligned;
      return out;
    }
  if (tag == 0)
    return bin_load_raw (b, count, layer, "fp32 weights", error);

  g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
               "%s: layer %s: weight block at offset %" G_GSIZE_FORMAT " has storage tag "
               "0x%08x; only fp32 (0) and fp16 (0x01306b47) weights are supported",
               b->name, layer, tag_off, tag);
  return NULL;
}

/* ---------- layers ---------- */

static const struct {
  const char *name;
  EnlargeOpType type;
} op_names[] = {
  { "Input", ENLARGE_OP_INPUT },
  { "Split", ENLARGE_OP_SPLIT },
  { "Convolution", ENLARGE_OP_CONVOLUTION },
  { "PReLU", ENLARGE_OP_PRELU },
  { "Concat", ENLARGE_OP_CONCAT },
  { "Eltwise", ENLARGE_OP_ELTWISE },
  { "PixelShuffle", ENLARGE_OP_PIXELSHUFFLE },
  { "Interp", ENLARGE_OP_INTERP },
  { "BinaryOp", ENLARGE_OP_BINARYOP },
};

static void
layer_clear (EnlargeLayer *l)
{
  g_free (l->type_name);
  g_free (l->name);
  g_free (l->inputs);
  g_free (l->outputs);
  switch (l->type)
    {
    case ENLARGE_OP_CONVOLUTION:
      g_free (l->p.conv.weight);
      g_free (l->p.conv.bias);
      g_free (l->p.conv.slope);
      break;
    case ENLARGE_OP_PRELU:
      g_free (l->p.prelu.slope);
      break;
    case ENLARGE_OP_ELTWISE:
      g_free (l->p.eltwise.coeffs);
      break;
    default:
      break;
    }
}

#define LAYER_FAIL(code, ...)                                              \
  G_STMT_START {                                                           \
    g_autofree char *_m = g_strdup_printf (__VA_ARGS__);                   \
    g_set_error (error, ENLARGE_ERROR, code, "%s:%d: layer %s (%s): %s",   \
                 r->name, r->line + 1, l->name, l->type_name, _m);         \
    return FALSE;                                                          \
  } G_STMT_END

static gboolean
layer_setup (EnlargeLayer *l, const ParamDict *pd, const ParamReader *r,
             BinReader *b, GError **error)
{
  int n_in_expected = -1;

  switch (l->type)
    {
    case ENLARGE_OP_INPUT:
      n_in_expected = 0;
      break;

    case ENLARGE_OP_SPLIT:
      n_in_expected = 1;
      break;

    case ENLARGE_OP_CONVOLUTION:
      {
        EnlargeConvParams *c = &l->p.conv;
        n_in_expected = 1;
        c->num_output = pd_int (pd, 0, 0);
        c->kernel_w = pd_int (pd, 1, 0);
        c->kernel_h = pd_int (pd, 11, c->kernel_w);
        c->dilation_w = pd_int (pd, 2, 1);
        c->dilation_h = pd_int (pd, 12, c->dilation_w);
        c->stride_w = pd_int (pd, 3, 1);
        c->stride_h = pd_int (pd, 13, c->stride_w);
        c->pad_left = pd_int (pd, 4, 0);
        c->pad_right = pd_int (pd, 15, c->pad_left);
        c->pad_top = pd_int (pd, 14, c->pad_left);
        c->pad_bottom = pd_int (pd, 16, c->pad_top);
        c->pad_value = pd_float (pd, 18, 0.f);
        c->bias_term = pd_int (pd, 5, 0) != 0;
        c->weight_data_size = pd_int (pd, 6, 0);
        c->activation = pd_int (pd, 9, 0);

        if (pd_int (pd, 8, 0) != 0 || pd_int (pd, 19, 0) != 0)
          LAYER_FAIL (ENLARGE_ERROR_UNSUPPORTED, "int8 or dynamic-weight convolutions are not supported");
        if (c->num_output <= 0 || c->num_output > 65536)
          LAYER_FAIL (ENLARGE_ERROR_PARAM_SYNTAX, "bad output channel count %d", c->num_output);
        if (c->kernel_w <= 0 || c->kernel_h <= 0 || c->kernel_w > 31 || c->kernel_h > 31)
          LAYER_FAIL (ENLARGE_ERROR_PARAM_SYNTAX, "bad kernel size %d×%d", c->kernel_w, c->kernel_h);
        if (c->dilation_w <= 0 || c->dilation_h <= 0 || c->dilation_w > 64 || c->dilation_h > 64 ||
            c->stride_w <= 0 || c->stride_h <= 0 || c->stride_w > 64 || c->stride_h > 64)
          LAYER_FAIL (ENLARGE_ERROR_PARAM_SYNTAX, "bad stride or dilation");
        {
          int pads[4] = { c->pad_left, c->pad_right, c->pad_top, c->pad_bottom };
          for (int i = 0; i < 4; i++)
            if ((pads[i] < 0 && pads[i] != -233 && pads[i] != -234) || pads[i] > 1024)
              LAYER_FAIL (ENLARGE_ERROR_PARAM_SYNTAX, "bad padding %d", pads[i]);
        }
        if (c->activation < 0 || c->activation > 4)
          LAYER_FAIL (ENLARGE_ERROR_UNSUPPORTED, "activation type %d is not supported", c->activation);
        if (pd->v[10].set && pd->v[10].n_array >= 0)
          for (int i = 0; i < MIN (pd->v[10].n_array, 2); i++)
            c->act_params[i] = pd->v[10].array[i];
        if (c->activation == ENLARGE_ACT_CLIP && pd->v[10].n_array < 2)
          LAYER_FAIL (ENLARGE_ERROR_PARAM_SYNTAX, "clip activation needs two parameters");

        gint64 per_in = (gint64) c->num_output * c->kernel_w * c->kernel_h;
        if (c->weight_data_size <= 0 || c->weight_data_size % per_in != 0)
          LAYER_FAIL (ENLARGE_ERROR_WEIGHT_MISMATCH,
                      "weight count %d is not a multiple of %d outputs × %d×%d kernel",
                      c->weight_data_size, c->num_output, c->kernel_w, c->kernel_h);
        c->num_input = (int) (c->weight_data_size / per_in);

        c->weight = bin_load_tagged (b, c->weight_data_size, l->name, error);
        if (c->weight == NULL)
          return FALSE;
        if (c->bias_term)
          {
            c->bias = bin_load_raw (b, c->num_output, l->name, "bias", error);
            if (c->bias == NULL)
              return FALSE;
          }
        break;
      }

    case ENLARGE_OP_PRELU:
      n_in_expected = 1;
      l->p.prelu.num_slope = pd_int (pd, 0, 0);
      if (l->p.prelu.num_slope <= 0 || l->p.prelu.num_slope > 65536)
        LAYER_FAIL (ENLARGE_ERROR_PARAM_SYNTAX, "bad slope count %d", l->p.prelu.num_slope);
      l->p.prelu.slope = bin_load_raw (b, l->p.prelu.num_slope, l->name, "slopes", error);
      if (l->p.prelu.slope == NULL)
        return FALSE;
      break;

    case ENLARGE_OP_CONCAT:
      l->p.concat.axis = pd_int (pd, 0, 0);
      if (l->p.concat.axis != 0)
        LAYER_FAIL (ENLARGE_ERROR_UNSUPPORTED, "concatenation along axis %d is not supported", l->p.concat.axis);
      if (l->n_inputs < 1)
        LAYER_FAIL (ENLARGE_ERROR_PARAM_SYNTAX, "needs at least one input");
      break;

    case ENLARGE_OP_ELTWISE:
      l->p.eltwise.op = pd_int (pd, 0, 0);
      if (l->p.eltwise.op < 0 || l->p.eltwise.op > 2)
        LAYER_FAIL (ENLARGE_ERROR_UNSUPPORTED, "eltwise operation %d is not supported", l->p.eltwise.op);
      if (l->n_inputs < 2)
        LAYER_FAIL (ENLARGE_ERROR_PARAM_SYNTAX, "needs at least two inputs");
      if (pd->v[1].set && pd->v[1].n_array > 0)
        {
          if (pd->v[1].n_array != l->n_inputs)
            LAYER_FAIL (ENLARGE_ERROR_PARAM_SYNTAX, "%d coefficients for %d inputs",
                        pd->v[1].n_array, l->n_inputs);
          l->p.eltwise.n_coeffs = pd->v[1].n_array;
          l->p.eltwise.coeffs = g_memdup2 (pd->v[1].array, sizeof (float) * pd->v[1].n_array);
        }
      break;

    case ENLARGE_OP_PIXELSHUFFLE:
      n_in_expected = 1;
      l->p.pixelshuffle.factor = pd_int (pd, 0, 1);
      l->p.pixelshuffle.mode = pd_int (pd, 1, 0);
      if (l->p.pixelshuffle.factor < 1 || l->p.pixelshuffle.factor > 16)
        LAYER_FAIL (ENLARGE_ERROR_PARAM_SYNTAX, "bad upscale factor %d", l->p.pixelshuffle.factor);
      if (l->p.pixelshuffle.mode != 0)
        LAYER_FAIL (ENLARGE_ERROR_UNSUPPORTED, "pixel shuffle mode %d is not supported", l->p.pixelshuffle.mode);
      break;

    case ENLARGE_OP_INTERP:
      {
        EnlargeInterpParams *ip = &l->p.interp;
        n_in_expected = 1;
        ip->mode = pd_int (pd, 0, 0);
        ip->height_scale = pd_float (pd, 1, 1.f);
        ip->width_scale = pd_float (pd, 2, 1.f);
        ip->output_height = pd_int (pd, 3, 0);
        ip->output_width = pd_int (pd, 4, 0);
        ip->align_corner = pd_int (pd, 6, 0) != 0;
        if (ip->mode < 1 || ip->mode > 3)
          LAYER_FAIL (ENLARGE_ERROR_UNSUPPORTED, "interpolation mode %d is not supported", ip->mode);
        if (!(ip->height_scale > 0.f && ip->height_scale <= 64.f) ||
            !(ip->width_scale > 0.f && ip->width_scale <= 64.f) ||
            ip->output_height < 0 || ip->output_width < 0 ||
            ip->output_height > 1 << 20 || ip->output_width > 1 << 20)
          LAYER_FAIL (ENLARGE_ERROR_PARAM_SYNTAX, "bad scale or output size");
        if (pd_int (pd, 5, 0) != 0)
          LAYER_FAIL (ENLARGE_ERROR_UNSUPPORTED, "dynamic output size is not supported");
        break;
      }

    case ENLARGE_OP_BINARYOP:
      l->p.binary.op = pd_int (pd, 0, 0);
      l->p.binary.with_scalar = pd_int (pd, 1, 0) != 0;
      l->p.binary.b = pd_float (pd, 2, 0.f);
      if (l->p.binary.op < 0 || l->p.binary.op > 5)
        LAYER_FAIL (ENLARGE_ERROR_UNSUPPORTED, "binary operation %d is not supported", l->p.binary.op);
      n_in_expected = l->p.binary.with_scalar ? 1 : 2;
      break;
    }

  if (n_in_expected >= 0 && l->n_inputs != n_in_expected)
    LAYER_FAIL (ENLARGE_ERROR_PARAM_SYNTAX, "has %d inputs, expected %d", l->n_inputs, n_in_expected);
  if (l->type == ENLARGE_OP_SPLIT ? l->n_outputs < 1 : l->n_outputs != 1)
    LAYER_FAIL (ENLARGE_ERROR_PARAM_SYNTAX, "has %d outputs", l->n_outputs);
  return TRUE;
}

static int
find_blob (GHashTable *names, const char *name)
{
  gpointer v;
  if (!g_hash_table_lookup_extended (names, name, NULL, &v))
    return -1;
  return GPOINTER_TO_INT (v);
}

EnlargeNet *
enlarge_net_ref (EnlargeNet *net)
{
  g_atomic_int_inc (&net->ref_count);
  return net;
}

void
enlarge_net_unref (EnlargeNet *net)
{
  if (net == NULL || !g_atomic_int_dec_and_test (&net->ref_count))
    return;
  for (int i = 0; i < net->n_layers; i++)
    layer_clear (&net->layers[i]);
  g_free (net->layers);
  for (int i = 0; i < net->n_blobs; i++)
    g_free (net->blob_names[i]);
  g_free (net->blob_names);
  g_free (net);
}

static gboolean net_analyse (EnlargeNet *net, const char *name, GError **error);
static void fuse_prelu (EnlargeNet *net);
static void fuse_residual (EnlargeNet *net);
static void fuse_upsample (EnlargeNet *net);

EnlargeNet *
enlarge_net_load_from_data (const char *param, gsize param_len,
                            const guint8 *bin, gsize bin_len,
                            const char *param_name, GError **error)
{
  g_autoptr (EnlargeNet) net = NULL;
  g_autofree char *text = NULL;
  g_autofree char *bin_name = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GHashTable) blob_index = NULL;
  ParamReader r = { 0 };
  BinReader b = { 0 };
  int layer_count, blob_count;

  if (param == NULL)
    param = "";
  if (param_name == NULL)
    param_name = "model.param";
  if (g_str_has_suffix (param_name, ".param"))
    bin_name = g_strdup_printf ("%.*s.bin", (int) strlen (param_name) - 6, param_name);
  else
    bin_name = g_strdup_printf ("%s.bin", param_name);

  if (memchr (param, '\0', param_len) != NULL)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_PARAM_SYNTAX,
                   "%s: not a text file (contains NUL bytes)", param_name);
      return NULL;
    }
  /* A private NUL-terminated copy: no parser below can run off the end. */
  text = g_strndup (param, param_len);
  lines = g_strsplit (text, "\n", -1);
  r.name = param_name;
  r.lines = lines;
  r.n_lines = g_strv_length (lines);
  b.name = bin_name;
  b.data = bin;
  b.len = bin_len;

  if (r.n_lines == 0 || *g_strstrip (lines[0]) == '\0')
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_BAD_MAGIC,
                   "%s:1: not an ncnn .param file (magic number missing, expected %d)",
                   param_name, NCNN_MAGIC);
      return NULL;
    }
  {
    g_auto (GStrv) tok = g_strsplit_set (lines[0], " \t\r", -1);
    int magic;
    if (!parse_int (tok[0], &magic) || magic != NCNN_MAGIC)
      {
        g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_BAD_MAGIC,
                     "%s:1: not an ncnn .param file (magic number %s, expected %d)",
                     param_name, tok[0] && *tok[0] ? tok[0] : "missing", NCNN_MAGIC);
        return NULL;
      }
  }

  r.line = 1;
  {
    g_auto (GStrv) tok = NULL;
    if (r.n_lines < 2)
      goto truncated_param;
    tok = g_strsplit_set (g_strstrip (lines[1]), " \t\r", -1);
    if (g_strv_length (tok) != 2 || !parse_int (tok[0], &layer_count) ||
        !parse_int (tok[1], &blob_count) || layer_count <= 0 || blob_count <= 0 ||
        layer_count > MAX_LAYERS || blob_count > MAX_LAYERS * 4)
      {
        g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_PARAM_SYNTAX,
                     "%s:2: expected “LAYER_COUNT BLOB_COUNT”", param_name);
        return NULL;
      }
  }

  net = g_new0 (EnlargeNet, 1);
  net->ref_count = 1;
  net->layers = g_new0 (EnlargeLayer, layer_count);
  net->blob_names = g_new0 (char *, blob_count);
  net->input_blob = -1;
  blob_index = g_hash_table_new (g_str_hash, g_str_equal);

  r.line = 2;
  while (net->n_layers < layer_count)
    {
      g_autoptr (GPtrArray) tok = g_ptr_array_new ();
      g_auto (GStrv) raw = NULL;
      ParamDict pd = { 0 };
      EnlargeLayer *l;
      int n_in, n_out, t;
      gboolean ok;

      if (r.line >= r.n_lines)
        goto truncated_param;
      raw = g_strsplit_set (lines[r.line], " \t\r", -1);
      for (int i = 0; raw[i]; i++)
        if (*raw[i])
          g_ptr_array_add (tok, raw[i]);
      if (tok->len == 0)
        {
          r.line++;
          continue;
        }

      l = &net->layers[net->n_layers];
      if (tok->len < 4 || !parse_int (tok->pdata[2], &n_in) || !parse_int (tok->pdata[3], &n_out) ||
          n_in < 0 || n_out < 0 || n_in > MAX_BLOBS_PER_LAYER || n_out > MAX_BLOBS_PER_LAYER ||
          tok->len < 4 + (guint) n_in + (guint) n_out)
        {
          g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_PARAM_SYNTAX,
                       "%s:%d: expected “TYPE NAME N_IN N_OUT INPUTS… OUTPUTS… PARAMS…”",
                       param_name, r.line + 1);
          return NULL;
        }

      for (t = 0; t < (int) G_N_ELEMENTS (op_names); t++)
        if (strcmp (op_names[t].name, tok->pdata[0]) == 0)
          break;
      if (t == G_N_ELEMENTS (op_names))
        {
          g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNKNOWN_LAYER,
                       "%s:%d: unknown layer type “%s” (layer %s)",
                       param_name, r.line + 1, (char *) tok->pdata[0], (char *) tok->pdata[1]);
          return NULL;
        }

      net->n_layers++; /* from here on layer_clear() owns what l holds */
      l->type = op_names[t].type;
      l->type_name = g_strdup (tok->pdata[0]);
      l->name = g_strdup (tok->pdata[1]);
      l->n_inputs = n_in;
      l->n_outputs = n_out;
      l->inputs = g_new0 (int, MAX (n_in, 1));
      l->outputs = g_new0 (int, MAX (n_out, 1));

      for (int i = 0; i < n_in; i++)
        {
          const char *bn = tok->pdata[4 + i];
          int idx = find_blob (blob_index, bn);
          if (idx < 0)
            {
              g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNKNOWN_BLOB,
                           "%s:%d: layer %s reads blob “%s” before any layer produces it",
                           param_name, r.line + 1, l->name, bn);
              return NULL;
            }
          l->inputs[i] = idx;
        }
      for (int i = 0; i < n_out; i++)
        {
          const char *bn = tok->pdata[4 + n_in + i];
          if (find_blob (blob_index, bn) >= 0)
            {
              g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_PARAM_SYNTAX,
                           "%s:%d: layer %s produces blob “%s” a second time",
                           param_name, r.line + 1, l->name, bn);
              return NULL;
            }
          if (net->n_blobs >= blob_count)
            {
              g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_PARAM_SYNTAX,
                           "%s:%d: more blobs than the %d declared on line 2",
                           param_name, r.line + 1, blob_count);
              return NULL;
            }
          net->blob_names[net->n_blobs] = g_strdup (bn);
          g_hash_table_insert (blob_index, net->blob_names[net->n_blobs],
                               GINT_TO_POINTER (net->n_blobs));
          l->outputs[i] = net->n_blobs++;
        }

      ok = TRUE;
      for (guint i = 4 + n_in + n_out; ok && i < tok->len; i++)
        ok = parse_param_token (tok->pdata[i], &pd, &r, error);
      if (ok)
        ok = layer_setup (l, &pd, &r, &b, error);
      param_dict_clear (&pd);
      if (!ok)
        return NULL;

      if (l->type == ENLARGE_OP_INPUT)
        {
          if (net->input_blob >= 0)
            {
              g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                           "%s:%d: more than one Input layer", param_name, r.line + 1);
              return NULL;
            }
          net->input_blob = l->outputs[0];
        }
      r.line++;
    }

  if (b.off != b.len)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_WEIGHT_MISMATCH,
                   "%s: %" G_GSIZE_FORMAT " bytes left over after the last layer's weights "
                   "(the .bin does not belong to %s)", bin_name, b.len - b.off, param_name);
      return NULL;
    }

  if (!net_analyse (net, param_name, error))
    return NULL;
  fuse_prelu (net);
  fuse_residual (net);
  fuse_upsample (net);
  return g_steal_pointer (&net);

truncated_param:
  g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_TRUNCATED,
               "%s: truncated: %d of %d layers present", param_name,
               net ? net->n_layers : 0, net ? layer_count : 0);
  return NULL;
}

EnlargeNet *
enlarge_net_load (const char *param_path, const char *bin_path, GError **error)
{
  g_autofree char *param = NULL;
  g_autofree char *bin = NULL;
  g_autofree char *base = g_path_get_basename (param_path);
  gsize param_len, bin_len;

  if (!g_file_get_contents (param_path, &param, &param_len, error))
    return NULL;
  if (!g_file_get_contents (bin_path, &bin, &bin_len, error))
    return NULL;
  return enlarge_net_load_from_data (param, param_len, (const guint8 *) bin, bin_len,
                                     base, error);
}

/* ---------- shapes ---------- */

static int
conv_out_size (int in, int k, int dil, int stride, int pad0, int pad1, int *p0)
{
  int ke = dil * (k - 1) + 1;
  if (pad0 == -233 || pad0 == -234)
    {
      /* SAME: output = ceil(in / stride), extra pad to the end (-233) or start */
      int out = (in + stride - 1) / stride;
      int total = MAX ((out - 1) * stride + ke - in, 0);
      *p0 = pad0 == -233 ? total / 2 : total - total / 2;
      return out;
    }
  *p0 = pad0;
  if (in + pad0 + pad1 < ke)
    return 0;
  return (in + pad0 + pad1 - ke) / stride + 1;
}

/* The effective left/top padding for an input size (SAME padding depends
 * on it); returns FALSE when the input is too small. */
int
enlarge_conv_padding (const EnlargeConvParams *c, int in_w, int in_h,
                      int *pad_left, int *pad_top)
{
  int ow = conv_out_size (in_w, c->kernel_w, c->dilation_w, c->stride_w,
                          c->pad_left, c->pad_right, pad_left);
  int oh = conv_out_size (in_h, c->kernel_h, c->dilation_h, c->stride_h,
                          c->pad_top, c->pad_bottom, pad_top);
  return ow > 0 && oh > 0;
}

gboolean
enlarge_layer_infer_shape (const EnlargeLayer *l, const EnlargeShape *in,
                           EnlargeShape *out, GError **error)
{
#define SHAPE_FAIL(...)                                                     \
  G_STMT_START {                                                            \
    g_autofree char *_m = g_strdup_printf (__VA_ARGS__);                    \
    g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_SHAPE,                 \
                 "layer %s (%s): %s", l->name, l->type_name, _m);           \
    return FALSE;                                                           \
  } G_STMT_END

  switch (l->type)
    {
    case ENLARGE_OP_INPUT:
      return TRUE; /* set by the caller */

    case ENLARGE_OP_SPLIT:
      for (int i = 0; i < l->n_outputs; i++)
        out[i] = in[0];
      return TRUE;

    case ENLARGE_OP_CONVOLUTION:
      {
        const EnlargeConvParams *c = &l->p.conv;
        const int up = MAX (c->upsample, 1);
        int p0;
        if (in[0].c != c->num_input)
          SHAPE_FAIL ("input has %d channels, the weights expect %d", in[0].c, c->num_input);
        if (in[0].w > G_MAXINT / 8 / up || in[0].h > G_MAXINT / 8 / up)
          SHAPE_FAIL ("output too large");
        out[0].c = c->num_output;
        out[0].w = conv_out_size (in[0].w * up, c->kernel_w, c->dilation_w, c->stride_w,
                                  c->pad_left, c->pad_right, &p0);
        out[0].h = conv_out_size (in[0].h * up, c->kernel_h, c->dilation_h, c->stride_h,
                                  c->pad_top, c->pad_bottom, &p0);
        if (out[0].w <= 0 || out[0].h <= 0)
          SHAPE_FAIL ("input %d×%d is smaller than the kernel", in[0].w, in[0].h);
        if (l->n_inputs != 1 + c->n_residual)
          SHAPE_FAIL ("%d inputs for %d residuals", l->n_inputs, c->n_residual);
        for (int k = 1; k < l->n_inputs; k++)
          if (in[k].c != out[0].c || in[k].h != out[0].h || in[k].w != out[0].w)
            SHAPE_FAIL ("residual %d×%d×%d differs from the output %d×%d×%d", in[k].c,
                        in[k].w, in[k].h, out[0].c, out[0].w, out[0].h);
        return TRUE;
      }

    case ENLARGE_OP_PRELU:
      if (l->p.prelu.num_slope != 1 && l->p.prelu.num_slope != in[0].c)
        SHAPE_FAIL ("%d slopes for %d channels", l->p.prelu.num_slope, in[0].c);
      out[0] = in[0];
      return TRUE;

    case ENLARGE_OP_CONCAT:
      {
        gint64 c = 0;
        for (int i = 0; i < l->n_inputs; i++)
          {
            if (in[i].w != in[0].w || in[i].h != in[0].h)
              SHAPE_FAIL ("inputs differ in size");
            c += in[i].c;
          }
        if (c > MAX_CHANNELS)
          SHAPE_FAIL ("%" G_GINT64_FORMAT " output channels, more than %d", c, MAX_CHANNELS);
        out[0] = in[0];
        out[0].c = (int) c;
        return TRUE;
      }

    case ENLARGE_OP_ELTWISE:
      for (int i = 1; i < l->n_inputs; i++)
        if (in[i].c != in[0].c || in[i].w != in[0].w || in[i].h != in[0].h)
          SHAPE_FAIL ("inputs differ in shape");
      out[0] = in[0];
      return TRUE;

    case ENLARGE_OP_PIXELSHUFFLE:
      {
        int r = l->p.pixelshuffle.factor;
        if (in[0].c % (r * r) != 0)
          SHAPE_FAIL ("%d channels are not divisible by %d²", in[0].c, r);
        if ((gint64) in[0].w * r > G_MAXINT / 4 || (gint64) in[0].h * r > G_MAXINT / 4)
          SHAPE_FAIL ("output too large");
        out[0].c = in[0].c / (r * r);
        out[0].w = in[0].w * r;
        out[0].h = in[0].h * r;
        return TRUE;
      }

    case ENLARGE_OP_INTERP:
      {
        const EnlargeInterpParams *ip = &l->p.interp;
        out[0].c = in[0].c;
        if (ip->output_width > 0 && ip->output_height > 0)
          {
            out[0].w = ip->output_width;
            out[0].h = ip->output_height;
          }
        else
          {
            /* ncnn truncates w × scale to int */
            float w = in[0].w * ip->width_scale;
            float h = in[0].h * ip->height_scale;
            if (!(w < G_MAXINT / 4 && h < G_MAXINT / 4))
              SHAPE_FAIL ("output too large");
            out[0].w = (int) w;
            out[0].h = (int) h;
          }
        if (out[0].w <= 0 || out[0].h <= 0)
          SHAPE_FAIL ("output would be empty");
        return TRUE;
      }

    case ENLARGE_OP_BINARYOP:
      out[0] = in[0];
      if (!l->p.binary.with_scalar)
        {
          const EnlargeShape *a = &in[0], *b = &in[1];
          gboolean same = a->c == b->c && a->w == b->w && a->h == b->h;
          gboolean per_channel = b->c == a->c && b->w == 1 && b->h == 1;
          if (!same && !per_channel)
            SHAPE_FAIL ("cannot broadcast %d×%d×%d with %d×%d×%d",
                        a->c, a->h, a->w, b->c, b->h, b->w);
        }
      return TRUE;
    }
  SHAPE_FAIL ("unknown operation");
#undef SHAPE_FAIL
}

gboolean
enlarge_net_infer_shapes (const EnlargeNet *net, int width, int height,
                          EnlargeShape *shapes, GError **error)
{
  EnlargeShape in[MAX_BLOBS_PER_LAYER];

  memset (shapes, 0, sizeof (EnlargeShape) * net->n_blobs);
  for (int i = 0; i < net->n_layers; i++)
    {
      const EnlargeLayer *l = &net->layers[i];
      if (l->type == ENLARGE_OP_INPUT)
        {
          shapes[l->outputs[0]] = (EnlargeShape) { net->in_channels ? net->in_channels : 3, height, width };
          continue;
        }
      for (int k = 0; k < l->n_inputs; k++)
        in[k] = shapes[l->inputs[k]];
      EnlargeShape out[MAX_BLOBS_PER_LAYER];
      if (!enlarge_layer_infer_shape (l, in, out, error))
        return FALSE;
      for (int k = 0; k < l->n_outputs; k++)
        shapes[l->outputs[k]] = out[k];
    }
  return TRUE;
}

double
enlarge_net_flops (const EnlargeNet *net, int width, int height)
{
  g_autofree EnlargeShape *s = g_new0 (EnlargeShape, net->n_blobs);
  double flops = 0;

  if (!enlarge_net_infer_shapes (net, width, height, s, NULL))
    return 0;
  for (int i = 0; i < net->n_layers; i++)
    {
      const EnlargeLayer *l = &net->layers[i];
      if (l->type != ENLARGE_OP_CONVOLUTION)
        continue;
      const EnlargeShape *o = &s[l->outputs[0]];
      flops += 2.0 * o->c * (double) o->h * o->w * l->p.conv.num_input *
               l->p.conv.kernel_w * l->p.conv.kernel_h;
    }
  return flops;
}

/* The blob whose buffer a blob shares: Split outputs alias their input. */
static int
blob_root (const EnlargeNet *net, const int *alias, int blob)
{
  while (alias[blob] != blob)
    blob = alias[blob];
  return blob;
}

/* How many layer inputs read each blob, and (@producer may be NULL) the
 * layer that makes it, -1 for none */
static void
blob_usage (const EnlargeNet *net, int *readers, int *producer)
{
  for (int b = 0; b < net->n_blobs; b++)
    {
      readers[b] = 0;
      if (producer)
        producer[b] = -1;
    }
  for (int i = 0; i < net->n_layers; i++)
    {
      for (int k = 0; k < net->layers[i].n_inputs; k++)
        readers[net->layers[i].inputs[k]]++;
      for (int k = 0; producer && k < net->layers[i].n_outputs; k++)
        producer[net->layers[i].outputs[k]] = i;
    }
}

gboolean
enlarge_net_get_tail (const EnlargeNet *net, EnlargeNetTail *tail)
{
  g_autofree int *consumers = g_new (int, net->n_blobs);
  int blob = net->output_blob, i, scale = 1, upsamplings = 0;
  double radius = 0;

  blob_usage (net, consumers, NULL);
  for (i = net->n_layers - 1; i > 0; i--)
    {
      const EnlargeLayer *l = &net->layers[i];
      gboolean ok = l->n_inputs == 1 && l->n_outputs == 1 && l->outputs[0] == blob &&
                    consumers[l->inputs[0]] == 1;
      if (ok && l->type == ENLARGE_OP_CONVOLUTION)
        {
          const EnlargeConvParams *c = &l->p.conv;
          ok = c->kernel_w == c->kernel_h && c->kernel_w % 2 == 1 && c->stride_w == 1 &&
               c->stride_h == 1 && c->dilation_w == 1 && c->dilation_h == 1 &&
               c->pad_left == c->kernel_w / 2 && c->pad_right == c->pad_left &&
               c->pad_top == c->pad_left && c->pad_bottom == c->pad_left && c->pad_value == 0.f;
        }
      else if (ok && l->type == ENLARGE_OP_INTERP)
        {
          const EnlargeInterpParams *ip = &l->p.interp;
          ok = ip->mode == ENLARGE_INTERP_NEAREST && ip->output_width == 0 &&
               ip->output_height == 0 && ip->width_scale == ip->height_scale &&
               ip->width_scale >= 2.f && ip->width_scale == (float) (int) ip->width_scale;
        }
      else
        ok = FALSE;
      if (!ok)
        break;
      blob = l->inputs[0];
    }
  tail->first = i + 1;
  tail->input = blob;
  if (tail->first >= net->n_layers || net->layers[i].type == ENLARGE_OP_INPUT)
    return FALSE;
  /* the reach of the chain, in pixels of its input */
  for (int j = tail->first; j < net->n_layers; j++)
    {
      const EnlargeLayer *l = &net->layers[j];
      if (l->type == ENLARGE_OP_INTERP)
        {
          scale *= (int) l->p.interp.width_scale;
          upsamplings++;
        }
      else
        {
          if (l->p.conv.upsample > 1)
            {
              scale *= l->p.conv.upsample;
              upsamplings++;
            }
          radius += (double) (l->p.conv.kernel_w / 2) / scale;
        }
    }
  tail->scale = scale;
  tail->halo = (int) ceil (radius) + 1;
  return upsamplings > 0;
}

guint64
enlarge_net_peak_bytes (const EnlargeNet *net, int width, int height)
{
  g_autofree EnlargeShape *s = g_new0 (EnlargeShape, net->n_blobs);
  g_autofree int *last_use = g_new (int, net->n_blobs);
  g_autofree int *alias = g_new (int, net->n_blobs);
  guint64 live = 0, peak = 0;

  if (!enlarge_net_infer_shapes (net, width, height, s, NULL))
    return 0;
  for (int b = 0; b < net->n_blobs; b++)
    {
      last_use[b] = -1;
      alias[b] = b;
    }
  for (int i = 0; i < net->n_layers; i++)
    {
      const EnlargeLayer *l = &net->layers[i];
      if (l->type == ENLARGE_OP_SPLIT)
        for (int k = 0; k < l->n_outputs; k++)
          alias[l->outputs[k]] = l->inputs[0];
    }
  for (int i = 0; i < net->n_layers; i++)
    {
      const EnlargeLayer *l = &net->layers[i];
      for (int k = 0; k < l->n_inputs; k++)
        {
          int r = blob_root (net, alias, l->inputs[k]);
          last_use[r] = MAX (last_use[r], i);
        }
    }
  last_use[blob_root (net, alias, net->output_blob)] = net->n_layers;

  EnlargeNetTail tail;
  int end = net->n_layers;
  if (enlarge_net_get_tail (net, &tail) && s[tail.input].h > ENLARGE_TAIL_STRIP_ROWS)
    {
      /* the chain runs on strips: a layer's input and output at strip height */
      const double strip = (double) (ENLARGE_TAIL_STRIP_ROWS + 2 * tail.halo) / s[tail.input].h;
      end = tail.first;
      for (int i = tail.first; i < net->n_layers; i++)
        {
          const EnlargeShape *a = &s[net->layers[i].inputs[0]], *b = &s[net->layers[i].outputs[0]];
          peak = MAX (peak, (guint64) (((double) a->c * a->h * a->w + (double) b->c * b->h * b->w) * 4 * strip));
        }
    }
  for (int i = 0; i < end; i++)
    {
      const EnlargeLayer *l = &net->layers[i];
      if (l->type != ENLARGE_OP_SPLIT)
        for (int k = 0; k < l->n_outputs; k++)
          live += (guint64) s[l->outputs[k]].c * s[l->outputs[k]].h * s[l->outputs[k]].w * 4;
      peak = MAX (peak, live);
      for (int b = 0; b < net->n_blobs; b++)
        if (alias[b] == b && last_use[b] == i)
          live -= (guint64) s[b].c * s[b].h * s[b].w * 4;
    }
  return peak;
}

/* A PReLU that alone reads a plain convolution's output becomes that
 * convolution's activation, saving a pass over the activations (the
 * compact models have one after every convolution). The PReLU layer is
 * left as a one-output Split, which the executor turns into an alias. */
static void
fuse_prelu (EnlargeNet *net)
{
  g_autofree int *readers = g_new (int, net->n_blobs);
  g_autofree int *producer = g_new (int, net->n_blobs);

  blob_usage (net, readers, producer);
  for (int i = 0; i < net->n_layers; i++)
    {
      EnlargeLayer *l = &net->layers[i];
      int b, src;
      if (l->type != ENLARGE_OP_PRELU)
        continue;
      b = l->inputs[0];
      src = producer[b];
      if (src < 0 || readers[b] != 1 || b == net->output_blob ||
          net->layers[src].type != ENLARGE_OP_CONVOLUTION ||
          net->layers[src].p.conv.activation != ENLARGE_ACT_NONE)
        continue;
      EnlargeConvParams *c = &net->layers[src].p.conv;
      if (l->p.prelu.num_slope != 1 && l->p.prelu.num_slope != c->num_output)
        continue;
      c->activation = ENLARGE_ACT_PRELU;
      c->num_slope = l->p.prelu.num_slope;
      c->slope = g_steal_pointer (&l->p.prelu.slope);
      l->type = ENLARGE_OP_SPLIT;
    }
}

/* An Eltwise sum of two blobs, one of them made by a convolution (after
 * its activation) and read by nothing else, becomes part of that
 * convolution: the other blob is added as the convolution stores its
 * output, saving a pass that reads two activations and writes a third
 * (realesrgan-x4plus: 92 of them per tile, 7 % of its time on PoCL), and
 * the convolution's own output buffer. A second sum of that result (the
 * RRDB's residual after its third dense block's) folds in the same way.
 * The Eltwise layer is left as a one-output Split: an alias. */
static void
fuse_residual (EnlargeNet *net)
{
  g_autofree int *readers = g_new (int, net->n_blobs);
  g_autofree int *producer = g_new (int, net->n_blobs);

  blob_usage (net, readers, producer);
  for (int i = 0; i < net->n_layers; i++)
    {
      EnlargeLayer *l = &net->layers[i];
      if (l->type != ENLARGE_OP_ELTWISE || l->p.eltwise.op != ENLARGE_ELTWISE_SUM ||
          l->n_inputs != 2 || l->inputs[0] == l->inputs[1])
        continue;
      for (int k = 0; k < 2; k++)
        {
          const int b = l->inputs[k], other = l->inputs[1 - k];
          int src = producer[b];
          /* through the alias a previous fusion left */
          if (src >= 0 && net->layers[src].type == ENLARGE_OP_SPLIT &&
              net->layers[src].n_outputs == 1 && readers[net->layers[src].inputs[0]] == 1)
            src = producer[net->layers[src].inputs[0]];
          if (src < 0 || readers[b] != 1 || b == net->output_blob ||
              net->layers[src].type != ENLARGE_OP_CONVOLUTION)
            continue;
          EnlargeLayer *conv = &net->layers[src];
          EnlargeConvParams *c = &conv->p.conv;
          if (c->n_residual >= 2 || (c->n_residual == 1 && producer[b] == src))
            continue;
          const float ck = l->p.eltwise.coeffs ? l->p.eltwise.coeffs[k] : 1.f;
          const float co = l->p.eltwise.coeffs ? l->p.eltwise.coeffs[1 - k] : 1.f;
          c->res_coeff[2 * c->n_residual] = ck;
          c->res_coeff[2 * c->n_residual + 1] = co;
          c->n_residual++;
          conv->inputs = g_renew (int, conv->inputs, conv->n_inputs + 1);
          conv->inputs[conv->n_inputs++] = other;
          /* the Eltwise now reads only its own first input */
          g_clear_pointer (&l->p.eltwise.coeffs, g_free);
          l->inputs[0] = b;
          l->n_inputs = 1;
          l->type = ENLARGE_OP_SPLIT;
          break;
        }
    }
}

/* A 2× nearest Interp read only by a convolution is folded into it: the
 * convolution reads its input through the upsampling, so the upsampled
 * activation (4× the input, 64 channels at 4× a tile's size in
 * realesrgan-x4plus's tail) is never written nor read back. The Interp
 * layer is removed. */
static void
fuse_upsample (EnlargeNet *net)
{
  g_autofree int *readers = g_new (int, net->n_blobs);
  int n = 0;

  blob_usage (net, readers, NULL);
  for (int i = 0; i < net->n_layers; i++)
    {
      EnlargeLayer *l = &net->layers[i];
      const EnlargeInterpParams *ip = &l->p.interp;
      EnlargeLayer *conv = NULL;
      if (l->type == ENLARGE_OP_INTERP && ip->mode == ENLARGE_INTERP_NEAREST &&
          ip->output_width == 0 && ip->output_height == 0 && ip->width_scale == 2.f &&
          ip->height_scale == 2.f && readers[l->outputs[0]] == 1 &&
          l->outputs[0] != net->output_blob)
        for (int j = i + 1; j < net->n_layers && conv == NULL; j++)
          if (net->layers[j].n_inputs > 0 && net->layers[j].inputs[0] == l->outputs[0] &&
              net->layers[j].type == ENLARGE_OP_CONVOLUTION && net->layers[j].p.conv.upsample <= 1)
            conv = &net->layers[j];
      if (conv == NULL)
        {
          net->layers[n++] = *l;
          continue;
        }
      conv->inputs[0] = l->inputs[0];
      conv->p.conv.upsample = 2;
      layer_clear (l);
    }
  net->n_layers = n;
}

/* Finds the output blob, the channel counts, the scale and the receptive
 * field, and checks the graph runs on a small input. */
static gboolean
net_analyse (EnlargeNet *net, const char *name, GError **error)
{
  g_autofree gboolean *consumed = g_new0 (gboolean, net->n_blobs);
  g_autofree EnlargeShape *s = NULL;
  g_autofree double *radius = NULL;
  g_autofree double *scale = NULL;
  const int probe = 24;

  if (net->input_blob < 0)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                   "%s: the network has no Input layer", name);
      return FALSE;
    }
  for (int i = 0; i < net->n_layers; i++)
    for (int k = 0; k < net->layers[i].n_inputs; k++)
      consumed[net->layers[i].inputs[k]] = TRUE;
  net->output_blob = -1;
  for (int b = 0; b < net->n_blobs; b++)
    if (!consumed[b] && b != net->input_blob)
      {
        if (net->output_blob >= 0)
          {
            g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                         "%s: the network has more than one output (%s, %s)", name,
                         net->blob_names[net->output_blob], net->blob_names[b]);
            return FALSE;
          }
        net->output_blob = b;
      }
  if (net->output_blob < 0)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                   "%s: the network has no output", name);
      return FALSE;
    }

  /* The first convolution reading the input tells its channel count. */
  net->in_channels = 3;
  for (int i = 0; i < net->n_layers; i++)
    if (net->layers[i].type == ENLARGE_OP_CONVOLUTION)
      {
        net->in_channels = net->layers[i].p.conv.num_input;
        break;
      }
  if (net->in_channels != 3)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                   "%s: the network takes %d channels; only RGB networks are supported",
                   name, net->in_channels);
      return FALSE;
    }

  s = g_new0 (EnlargeShape, net->n_blobs);
  if (!enlarge_net_infer_shapes (net, probe, probe, s, error))
    {
      g_prefix_error (error, "%s: ", name);
      return FALSE;
    }
  const EnlargeShape *o = &s[net->output_blob];
  net->out_channels = o->c;
  if (o->w % probe != 0 || o->h % probe != 0 || o->w != o->h || o->c != 3)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                   "%s: not an image-to-image network with an integer scale "
                   "(%d×%d input gives %d×%d×%d)", name, probe, probe, o->c, o->h, o->w);
      return FALSE;
    }
  net->scale = o->w / probe;

  /* Receptive field, in input pixels: each layer widens it by its own
   * reach divided by the resolution of the blob it works on. */
  radius = g_new0 (double, net->n_blobs);
  scale = g_new0 (double, net->n_blobs);
  for (int i = 0; i < net->n_layers; i++)
    {
      const EnlargeLayer *l = &net->layers[i];
      double r = 0, sc = 1;
      for (int k = 0; k < l->n_inputs; k++)
        {
          r = MAX (r, radius[l->inputs[k]]);
          sc = scale[l->inputs[k]];
        }
      if (l->type == ENLARGE_OP_INPUT)
        sc = 1;
      double sc_out = l->n_outputs > 0 && s[l->outputs[0]].w > 0 && l->n_inputs > 0
                        ? sc * s[l->outputs[0]].w / MAX (s[l->inputs[0]].w, 1)
                        : sc;
      if (l->type == ENLARGE_OP_CONVOLUTION)
        r += MAX (l->p.conv.dilation_w * (l->p.conv.kernel_w - 1),
                  l->p.conv.dilation_h * (l->p.conv.kernel_h - 1)) / 2.0 / sc;
      else if (l->type == ENLARGE_OP_INTERP)
        r += (l->p.interp.mode == ENLARGE_INTERP_BICUBIC ? 2.0 : 1.0) / MIN (sc, sc_out);
      for (int k = 0; k < l->n_outputs; k++)
        {
          radius[l->outputs[k]] = r;
          scale[l->outputs[k]] = sc_out;
        }
    }
  net->receptive_radius = (int) ceil (radius[net->output_blob]);
  return TRUE;
}
