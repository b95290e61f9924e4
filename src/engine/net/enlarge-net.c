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
#include "enlarge-net-private.h"
#include "enlarge-op.h"
#include "enlarge-ops.h"
#include "enlarge-weights.h"

#define NCNN_MAGIC 7767517
#define MAX_PARAM_ID 32
#define MAX_LAYERS 100000
#define MAX_BLOBS_PER_LAYER 1024
#define MAX_ARRAY 4096
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
        out[i] = enlarge_f16_to_f32 ((guint16) (p[2 * i] | (p[2 * i + 1] << 8)));
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

struct _EnlargeOpLoader {
  const ParamDict *pd;
  const ParamReader *r;
  BinReader *b;
};

int
enlarge_op_loader_int (const EnlargeOpLoader *ld, int id, int def)
{
  return id >= 0 && id < MAX_PARAM_ID ? pd_int (ld->pd, id, def) : def;
}

float
enlarge_op_loader_float (const EnlargeOpLoader *ld, int id, float def)
{
  return id >= 0 && id < MAX_PARAM_ID ? pd_float (ld->pd, id, def) : def;
}

const float *
enlarge_op_loader_array (const EnlargeOpLoader *ld, int id, int *n)
{
  *n = 0;
  if (id < 0 || id >= MAX_PARAM_ID || !ld->pd->v[id].set || ld->pd->v[id].n_array < 0)
    return NULL;
  *n = ld->pd->v[id].n_array;
  return ld->pd->v[id].array;
}

float *
enlarge_op_loader_weights (const EnlargeOpLoader *ld, const EnlargeLayer *l, int count,
                           GError **error)
{
  return bin_load_tagged (ld->b, count, l->name, error);
}

float *
enlarge_op_loader_raw (const EnlargeOpLoader *ld, const EnlargeLayer *l, int count,
                       const char *what, GError **error)
{
  return bin_load_raw (ld->b, count, l->name, what, error);
}

gboolean
enlarge_op_loader_fail (const EnlargeOpLoader *ld, const EnlargeLayer *l, GError **error,
                        int code, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, ENLARGE_ERROR, code, "%s:%d: layer %s (%s): %s", ld->r->name,
               ld->r->line + 1, l->name, l->type_name, message);
  return FALSE;
}

void
enlarge_layer_clear (EnlargeLayer *l)
{
  if (l->op != NULL && l->op->clear != NULL)
    l->op->clear (l);
  g_free (l->type_name);
  g_free (l->name);
  g_free (l->inputs);
  g_free (l->outputs);
}

/* The checks every layer gets, then its op's own parameters */
static gboolean
layer_setup (EnlargeLayer *l, const ParamDict *pd, const ParamReader *r,
             BinReader *b, GError **error)
{
  const EnlargeOpLoader ld = { pd, r, b };

  if (l->op->load != NULL && !l->op->load (l, &ld, error))
    return FALSE;
  if (l->op->n_inputs >= 0 && l->n_inputs != l->op->n_inputs)
    return enlarge_op_loader_fail (&ld, l, error, ENLARGE_ERROR_PARAM_SYNTAX,
                                   "has %d inputs, expected %d", l->n_inputs, l->op->n_inputs);
  if (l->op->many_outputs ? l->n_outputs < 1 : l->n_outputs != 1)
    return enlarge_op_loader_fail (&ld, l, error, ENLARGE_ERROR_PARAM_SYNTAX,
                                   "has %d outputs", l->n_outputs);
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
    enlarge_layer_clear (&net->layers[i]);
  g_free (net->layers);
  for (int i = 0; i < net->n_blobs; i++)
    g_free (net->blob_names[i]);
  g_free (net->blob_names);
  g_free (net->architecture);
  g_free (net->variant);
  g_free (net);
}

EnlargeNet *
enlarge_net_load_from_data (const char *param, gsize param_len,
                            const guint8 *bin, gsize bin_len,
                            const char *param_name, GError **error)
{
  return enlarge_net_load_from_data_full (param, param_len, bin, bin_len, param_name, NULL,
                                          error);
}

EnlargeNet *
enlarge_net_load_from_data_full (const char *param, gsize param_len,
                                 const guint8 *bin, gsize bin_len, const char *param_name,
                                 const EnlargeOp * const *extra_ops, GError **error)
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
      const EnlargeOp *op;
      int n_in, n_out;
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

      op = enlarge_op_lookup (tok->pdata[0], extra_ops);
      if (op == NULL)
        {
          g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNKNOWN_LAYER,
                       "%s:%d: unknown layer type “%s” (layer %s)",
                       param_name, r.line + 1, (char *) tok->pdata[0], (char *) tok->pdata[1]);
          return NULL;
        }

      net->n_layers++; /* from here on layer_clear() owns what l holds */
      l->op = op;
      l->type = op->type;
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

  if (!enlarge_net_analyse (net, param_name, error))
    return NULL;
  enlarge_net_fuse (net);
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

gboolean
enlarge_layer_infer_shape (const EnlargeLayer *l, const EnlargeShape *in,
                           EnlargeShape *out, GError **error)
{
  return l->op->shape (l, in, out, error);
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

/* A network without padding: from the output sizes of two probes, the
 * scale and the input pixels it loses on each side; then the smallest
 * alignment of the kept size that every probe of it runs with. @s gets
 * the shapes of the first probe. */
static gboolean
net_find_border (EnlargeNet *net, EnlargeShape *s, GError **error)
{
  const int n1 = 128, n2 = 256;
  g_autofree EnlargeShape *s2 = g_new0 (EnlargeShape, net->n_blobs);
  int scale, lost;

  if (!enlarge_net_infer_shapes (net, n2, n2, s2, error) ||
      !enlarge_net_infer_shapes (net, n1, n1, s, error))
    return FALSE;
  const EnlargeShape *o1 = &s[net->output_blob], *o2 = &s2[net->output_blob];
  scale = (o2->w - o1->w) / (n2 - n1);
  lost = scale * n1 - o1->w;
  if (o1->w != o1->h || o2->w != o2->h || scale < 1 || (o2->w - o1->w) % (n2 - n1) != 0 ||
      lost <= 0 || lost % (2 * scale) != 0 || lost / (2 * scale) > 64)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                   "not an image-to-image network with an integer scale "
                   "(%d² and %d² inputs give %d×%d and %d×%d)", n1, n2, o1->h, o1->w, o2->h, o2->w);
      return FALSE;
    }
  net->scale = scale;
  net->out_channels = o1->c;
  net->border = lost / (2 * scale);
  for (int align = 1; align <= 8; align *= 2)
    {
      gboolean all = TRUE;
      for (int m = 64; all && m < 72; m += align)
        all = enlarge_net_infer_shapes (net, m + 2 * net->border, m + 2 * net->border, s2, NULL) &&
              s2[net->output_blob].w == scale * m && s2[net->output_blob].h == scale * m;
      if (all)
        {
          net->align = align;
          return TRUE;
        }
    }
  g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
               "the network runs on no regular sizes of input");
  return FALSE;
}

/* Finds the output blob, the channel counts, the scale and the receptive
 * field, and checks the graph runs on a small input. */
gboolean
enlarge_net_analyse (EnlargeNet *net, const char *name, GError **error)
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

  /* The first convolution tells the input's channel count when it reads
   * the input itself (through Splits); one after a PixelUnshuffle reads
   * r² times as many. */
  net->in_channels = 3;
  for (int i = 0; i < net->n_layers; i++)
    if (net->layers[i].type == ENLARGE_OP_CONVOLUTION)
      {
        int blob = net->layers[i].inputs[0], j = i - 1;
        for (; j >= 0; j--)
          {
            const EnlargeLayer *p = &net->layers[j];
            gboolean makes = FALSE;
            for (int k = 0; k < p->n_outputs; k++)
              makes |= p->outputs[k] == blob;
            if (!makes)
              continue;
            if (p->type != ENLARGE_OP_SPLIT || p->op != &enlarge_op_split)
              break;
            blob = p->inputs[0];
          }
        if (blob == net->input_blob)
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
  net->border = 0;
  net->align = 1;
  {
    g_autoptr (GError) probe_error = NULL;
    gboolean probed = enlarge_net_infer_shapes (net, probe, probe, s, &probe_error);
    const EnlargeShape *o = &s[net->output_blob];
    if (probed && o->w % probe == 0 && o->h % probe == 0 && o->w == o->h && o->c == 3)
      {
        net->out_channels = o->c;
        net->scale = o->w / probe;
      }
    else if (!net_find_border (net, s, NULL))
      {
        /* the first probe's complaint: networks without padding are rare */
        if (!probed)
          {
            g_propagate_prefixed_error (error, g_steal_pointer (&probe_error), "%s: ", name);
            return FALSE;
          }
        g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                     "%s: not an image-to-image network with an integer scale "
                     "(%d×%d input gives %d×%d×%d)", name, probe, probe, o->c, o->h, o->w);
        return FALSE;
      }
    else if (s[net->output_blob].c != 3)
      {
        g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                     "%s: not an image-to-image network (%d output channels)", name,
                     s[net->output_blob].c);
        return FALSE;
      }
  }

  /* Layers on a grid (attention windows) pad their blob to it: the
   * resolutions below are the shapes' ratios only on a probe whose sides
   * are multiples of the grid. */
  {
    int g = 1;
    for (int i = 0; i < net->n_layers; i++)
      if (net->layers[i].op->grid != NULL)
        {
          const int lg = MAX (net->layers[i].op->grid (&net->layers[i]), 1);
          int a = g, b = lg;
          while (b != 0)
            {
              const int t = a % b;
              a = b;
              b = t;
            }
          g = g / a * lg;
        }
    if (g > 1 && probe % g != 0 && !enlarge_net_infer_shapes (net, probe * g, probe * g, s, error))
      return FALSE;
  }

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
      if (l->op->reach != NULL)
        r += l->op->reach (l, sc, sc_out);
      for (int k = 0; k < l->n_outputs; k++)
        {
          radius[l->outputs[k]] = r;
          scale[l->outputs[k]] = sc_out;
        }
    }
  net->receptive_radius = net->border > 0 ? net->border : (int) ceil (radius[net->output_blob]);
  net->size_multiple = 1;
  net->grid = 1;
  for (int i = 0; i < net->n_layers; i++)
    if (net->layers[i].op->grid != NULL)
      {
        /* in input pixels, as for the unshuffle below */
        const int g = (int) lround (net->layers[i].op->grid (&net->layers[i]) /
                                    MAX (scale[net->layers[i].inputs[0]], 1e-6));
        net->grid = MAX (net->grid, g);
      }
  for (int i = 0; i < net->n_layers; i++)
    if (net->layers[i].type == ENLARGE_OP_PIXELUNSHUFFLE)
      {
        /* in input pixels: the factor times the resolution it works at */
        const int f = (int) lround (net->layers[i].p.pixelshuffle.factor /
                                    MAX (scale[net->layers[i].inputs[0]], 1e-6));
        net->size_multiple = MAX (net->size_multiple, f);
      }
  return TRUE;
}
