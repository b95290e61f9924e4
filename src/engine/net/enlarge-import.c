/* Architecture detection and the two network builders; see
 * enlarge-import.h. The graphs follow the official ncnn conversions line
 * by line (realesrgan-x4plus-anime.param for ESRGAN,
 * realesr-animevideov3-x4.param for Compact), which is what the
 * cross-format tests pin them to. */

#include <math.h>
#include <string.h>

#include "enlarge-error.h"
#include "enlarge-import.h"
#include "enlarge-import-private.h"
#include "enlarge-net-builder.h"

#define LRELU_SLOPE 0.2f
#define MAX_ESRGAN_UPSAMPLINGS 4

typedef EnlargeImporter Importer;

const EnlargeWeightsTensor *
enlarge_importer_find (const Importer *im, const char *key)
{
  return enlarge_weights_lookup (im->w, key);
}

static gboolean
has (const Importer *im, const char *key)
{
  return enlarge_importer_find (im, key) != NULL;
}

static gboolean
shape_is (const EnlargeWeightsTensor *t, guint n_dims, const gint64 *shape)
{
  if (t->n_dims != n_dims)
    return FALSE;
  for (guint i = 0; i < n_dims; i++)
    if (t->shape[i] != shape[i])
      return FALSE;
  return TRUE;
}

static float *
fail_shape (const Importer *im, const char *key, const EnlargeWeightsTensor *t,
            guint n_dims, const gint64 *shape, GError **error)
{
  g_autofree char *got = t ? enlarge_weights_tensor_shape_string (t) : NULL;
  g_autoptr (GString) want = g_string_new ("[");
  for (guint i = 0; i < n_dims; i++)
    g_string_append_printf (want, "%s%" G_GINT64_FORMAT, i ? ", " : "", shape[i]);
  g_string_append_c (want, ']');
  if (t == NULL)
    g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_WEIGHT_MISMATCH,
                 "%s: tensor “%s” is missing (expected %s)", im->name, key, want->str);
  else
    g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_WEIGHT_MISMATCH,
                 "%s: tensor “%s” has shape %s, expected %s", im->name, key, got, want->str);
  return NULL;
}

/* The values of @key, which must have the given shape */
float *
enlarge_importer_take (const Importer *im, const char *key, guint n_dims, const gint64 *shape,
                       GError **error)
{
  const EnlargeWeightsTensor *t = enlarge_importer_find (im, key);
  float *v;

  if (t == NULL || !shape_is (t, n_dims, shape))
    return fail_shape (im, key, t, n_dims, shape, error);
  v = g_new (float, MAX (t->numel, 1));
  enlarge_weights_tensor_to_f32 (t, v);
  g_hash_table_add (im->used, (gpointer) t->name);
  return v;
}

/* A 3×3 Conv2d with bias, @prefix.weight [out, in, 3, 3] and
 * @prefix.bias [out], as a convolution layer named @prefix; -1 on error */
static int
conv (EnlargeNetBuilder *b, const Importer *im, const char *prefix, int input, int out,
      int in, EnlargeActivation act, GError **error)
{
  g_autofree char *wk = g_strconcat (prefix, ".weight", NULL);
  g_autofree char *bk = g_strconcat (prefix, ".bias", NULL);
  const gint64 ws[4] = { out, in, 3, 3 }, bs[1] = { out };
  g_autofree float *weight = enlarge_importer_take (im, wk, 4, ws, error);
  g_autofree float *bias = weight ? enlarge_importer_take (im, bk, 1, bs, error) : NULL;

  if (bias == NULL)
    return -1;
  return enlarge_net_builder_conv (b, prefix, input, out, in, 3, g_steal_pointer (&weight),
                                   g_steal_pointer (&bias), act,
                                   act == ENLARGE_ACT_LEAKYRELU ? LRELU_SLOPE : 0.f);
}

/* A 4-D weight's dimension @dim, or -1 */
gint64
enlarge_importer_dim (const Importer *im, const char *key, guint dim)
{
  const EnlargeWeightsTensor *t = enlarge_importer_find (im, key);
  return t != NULL && t->n_dims == 4 ? t->shape[dim] : -1;
}

/* ---------- ESRGAN ---------- */

typedef enum { LAYOUT_OLD, LAYOUT_NEW, LAYOUT_BSRGAN } EsrganLayout;

static const char *const layout_names[] = { "old keys", "basicsr keys", "BSRGAN/RealSR keys" };

/* The name of each convolution in each layout; @n_up: the number of
 * upsamplings, which places the old layout's last two */
typedef enum { K_FIRST, K_RDB, K_TRUNK, K_UP, K_HR, K_LAST } EsrganPart;

static char *
esrgan_key (EsrganLayout layout, EsrganPart part, int block, int rdb, int conv_i, int n_up)
{
  static const char *const first[] = { "model.0", "conv_first", "conv_first" };
  static const char *const rdbs[] = { "model.1.sub.%d.RDB%d.conv%d.0", "body.%d.rdb%d.conv%d",
                                      "RRDB_trunk.%d.RDB%d.conv%d" };
  static const char *const trunk[] = { "model.1.sub.%d", "conv_body", "trunk_conv" };
  static const char *const up[] = { "model.%d", "conv_up%d", "upconv%d" };
  static const char *const hr[] = { "model.%d", "conv_hr", "HRconv" };
  static const char *const last[] = { "model.%d", "conv_last", "conv_last" };

  switch (part)
    {
    case K_FIRST:
      return g_strdup (first[layout]);
    case K_RDB:
      return g_strdup_printf (rdbs[layout], block, rdb, conv_i);
    case K_TRUNK:
      return g_strdup_printf (trunk[layout], block);
    case K_UP:
      /* old: model.3, model.6, …: each upsampling is Upsample, conv, act */
      return g_strdup_printf (up[layout], layout == LAYOUT_OLD ? 3 * (block + 1) : block + 1);
    case K_HR:
      return g_strdup_printf (hr[layout], 3 * n_up + 2);
    case K_LAST:
    default:
      return g_strdup_printf (last[layout], 3 * n_up + 4);
    }
}

static gboolean
key_has_weight (const Importer *im, const char *prefix)
{
  g_autofree char *k = g_strconcat (prefix, ".weight", NULL);
  return has (im, k);
}

static EnlargeNet *
build_esrgan (const Importer *im, EsrganLayout layout, GError **error)
{
  g_autoptr (EnlargeNetBuilder) b = enlarge_net_builder_new ();
  g_autofree char *first_key = esrgan_key (layout, K_FIRST, 0, 0, 0, 0);
  g_autofree char *first_w = g_strconcat (first_key, ".weight", NULL);
  g_autofree char *g_key = esrgan_key (layout, K_RDB, 0, 1, 1, 0);
  g_autofree char *g_w = g_strconcat (g_key, ".weight", NULL);
  const gint64 nf = enlarge_importer_dim (im, first_w, 0);
  const gint64 in_nc = enlarge_importer_dim (im, first_w, 1);
  const gint64 gc = enlarge_importer_dim (im, g_w, 0);
  int n_blocks = 0, n_up = 0, shuffle, x, fea, t, y;
  EnlargeNet *net;

  if (nf < 1 || nf > 4096 || gc < 1 || gc > 4096)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_WEIGHT_MISMATCH,
                   "%s: “%s” and “%s” must be 4-D convolution weights of at most 4096 "
                   "channels", im->name, first_w, g_w);
      return NULL;
    }
  for (;; n_blocks++)
    {
      g_autofree char *k = esrgan_key (layout, K_RDB, n_blocks, 1, 1, 0);
      if (!key_has_weight (im, k))
        break;
    }
  for (; n_up <= MAX_ESRGAN_UPSAMPLINGS; n_up++)
    {
      g_autofree char *k = esrgan_key (layout, K_UP, n_up, 0, 0, 0);
      if (!key_has_weight (im, k))
        break;
    }
  /* pixel-unshuffled input: 4 or 16 times the image's 3 channels */
  shuffle = in_nc == 3 ? 1 : in_nc == 12 ? 2 : in_nc == 48 ? 4 : 0;
  if (shuffle == 0 || n_up > MAX_ESRGAN_UPSAMPLINGS || (1 << n_up) % shuffle != 0)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                   "%s: ESRGAN with %" G_GINT64_FORMAT " input channels and %d upsamplings "
                   "is not supported (3 channels, or 12/48 for a pixel-unshuffled input)",
                   im->name, in_nc, n_up);
      return NULL;
    }
  {
    /* ESRGAN+ adds a 1×1 convolution beside conv1 of each dense block:
     * "…conv1.0" / "…conv1" become "…conv1x1" */
    const int stem = (int) strlen (g_key) - (layout == LAYOUT_OLD ? 3 : 1);
    g_autofree char *conv1x1 = g_strdup_printf ("%.*s1x1.weight", stem, g_key);
    if (has (im, conv1x1))
      {
        g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                     "%s: unsupported architecture ESRGAN+ (“%s”)", im->name, conv1x1);
        return NULL;
      }
  }

  x = enlarge_net_builder_input (b);
  if (shuffle > 1)
    x = enlarge_net_builder_pixelunshuffle (b, "pixel_unshuffle", x, shuffle);
  fea = conv (b, im, first_key, x, nf, in_nc, ENLARGE_ACT_NONE, error);
  if (fea < 0)
    return NULL;
  t = fea;
  for (int i = 0; i < n_blocks; i++)
    {
      int r = t;
      for (int j = 1; j <= 3; j++)
        {
          /* dense block: conv k reads x0…x(k-1) concatenated */
          int xs[6] = { r };
          for (int k = 1; k <= 5; k++)
            {
              g_autofree char *key = esrgan_key (layout, K_RDB, i, j, k, 0);
              g_autofree char *cat = g_strdup_printf ("%s.cat", key);
              int in = k == 1 ? r : enlarge_net_builder_concat (b, cat, k, xs);
              xs[k] = conv (b, im, key, in, k < 5 ? gc : nf, nf + (k - 1) * gc,
                            k < 5 ? ENLARGE_ACT_LEAKYRELU : ENLARGE_ACT_NONE, error);
              if (xs[k] < 0)
                return NULL;
            }
          g_autofree char *sum = g_strdup_printf ("block%d.rdb%d.residual", i, j);
          r = enlarge_net_builder_sum (b, sum, xs[5], xs[0], 0.2f, 1.f);
        }
      g_autofree char *sum = g_strdup_printf ("block%d.residual", i);
      t = enlarge_net_builder_sum (b, sum, r, t, 0.2f, 1.f);
    }
  {
    g_autofree char *k = esrgan_key (layout, K_TRUNK, n_blocks, 0, 0, 0);
    t = conv (b, im, k, t, nf, nf, ENLARGE_ACT_NONE, error);
    if (t < 0)
      return NULL;
    y = enlarge_net_builder_add_blobs (b, "trunk.residual", fea, t);
  }
  for (int u = 0; u < n_up; u++)
    {
      g_autofree char *k = esrgan_key (layout, K_UP, u, 0, 0, 0);
      g_autofree char *up = g_strdup_printf ("%s.upsample", k);
      y = enlarge_net_builder_upsample (b, up, y, 2);
      y = conv (b, im, k, y, nf, nf, ENLARGE_ACT_LEAKYRELU, error);
      if (y < 0)
        return NULL;
    }
  {
    g_autofree char *hr = esrgan_key (layout, K_HR, 0, 0, 0, n_up);
    g_autofree char *last = esrgan_key (layout, K_LAST, 0, 0, 0, n_up);
    g_autofree char *last_w = g_strconcat (last, ".weight", NULL);
    y = conv (b, im, hr, y, nf, nf, ENLARGE_ACT_LEAKYRELU, error);
    if (y < 0 || conv (b, im, last, y, 3, nf, ENLARGE_ACT_NONE, error) < 0)
      {
        const gint64 out_nc = enlarge_importer_dim (im, last_w, 0);
        if (y >= 0 && out_nc > 0 && out_nc != 3)
          {
            g_clear_error (error);
            g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                         "%s: ESRGAN with %" G_GINT64_FORMAT " output channels (“%s”) is not "
                         "supported, only RGB", im->name, out_nc, last_w);
          }
        return NULL;
      }
  }
  net = enlarge_net_builder_finish (g_steal_pointer (&b), im->name, error);
  if (net == NULL)
    return NULL;
  net->architecture = g_strdup ("ESRGAN");
  net->variant = g_strdup_printf ("%s, %d blocks, %" G_GINT64_FORMAT " features, "
                                  "%" G_GINT64_FORMAT " growth%s", layout_names[layout],
                                  n_blocks, nf, gc,
                                  shuffle > 1 ? ", pixel-unshuffled input" : "");
  return net;
}

/* ---------- Compact (SRVGGNetCompact) ---------- */

static EnlargeNet *
build_compact (const Importer *im, GError **error)
{
  g_autoptr (EnlargeNetBuilder) b = enlarge_net_builder_new ();
  const gint64 nf = enlarge_importer_dim (im, "body.0.weight", 0);
  const gint64 in_nc = enlarge_importer_dim (im, "body.0.weight", 1);
  int last = 0, x, y, scale, out_nc;
  EnlargeNet *net;

  /* body.0, 2, 4, … are the convolutions, body.1, 3, … their PReLUs; the
   * last convolution has no activation. The highest 4-D body.N.weight is
   * the last, so a gap in the numbering is a missing tensor, named below. */
  for (guint i = 0; i < enlarge_weights_get_n_tensors (im->w); i++)
    {
      const EnlargeWeightsTensor *t = enlarge_weights_get_nth (im->w, i);
      char *end;
      gint64 idx;
      if (t->n_dims != 4 || !g_str_has_prefix (t->name, "body."))
        continue;
      idx = g_ascii_strtoll (t->name + 5, &end, 10);
      if (end != t->name + 5 && strcmp (end, ".weight") == 0 && idx % 2 == 0 && idx >= 0 &&
          idx <= 2 * 4096)
        last = MAX (last, (int) idx);
    }
  if (in_nc != 3 || nf < 1 || nf > 4096 || last < 2)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                   "%s: Compact with %" G_GINT64_FORMAT " input channels and %d convolutions "
                   "is not supported (RGB, two or more)", im->name, in_nc, last / 2 + 1);
      return NULL;
    }
  {
    g_autofree char *lk = g_strdup_printf ("body.%d.weight", last);
    const gint64 lo = enlarge_importer_dim (im, lk, 0);
    out_nc = 3;
    scale = (int) lround (sqrt ((double) MAX (lo, 0) / out_nc));
    if (lo < 3 || scale < 1 || scale > 16 || (gint64) scale * scale * out_nc != lo)
      {
        g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_WEIGHT_MISMATCH,
                     "%s: “%s” has %" G_GINT64_FORMAT " output channels, not 3 × scale²",
                     im->name, lk, lo);
        return NULL;
      }
  }
  if (!has (im, "body.1.weight"))
    {
      /* the ReLU and LeakyReLU variants store no activation, so the file
       * does not say which it is */
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                   "%s: Compact without PReLU slopes (“body.1.weight”): the ReLU/LeakyReLU "
                   "variants are not supported", im->name);
      return NULL;
    }

  x = enlarge_net_builder_input (b);
  y = x;
  for (int i = 0; i <= last; i += 2)
    {
      g_autofree char *k = g_strdup_printf ("body.%d", i);
      y = conv (b, im, k, y, i == last ? out_nc * scale * scale : nf, i == 0 ? in_nc : nf,
                ENLARGE_ACT_NONE, error);
      if (y < 0)
        return NULL;
      if (i < last)
        {
          g_autofree char *pk = g_strdup_printf ("body.%d.weight", i + 1);
          g_autofree char *pn = g_strdup_printf ("body.%d", i + 1);
          const gint64 ps[1] = { nf };
          float *slope = enlarge_importer_take (im, pk, 1, ps, error);
          if (slope == NULL)
            return NULL;
          y = enlarge_net_builder_prelu (b, pn, y, nf, slope);
        }
    }
  if (scale > 1)
    {
      y = enlarge_net_builder_pixelshuffle (b, "upsampler", y, scale);
      x = enlarge_net_builder_upsample (b, "base", x, scale);
    }
  enlarge_net_builder_add_blobs (b, "output", y, x);

  net = enlarge_net_builder_finish (g_steal_pointer (&b), im->name, error);
  if (net == NULL)
    return NULL;
  net->architecture = g_strdup ("Compact");
  net->variant = g_strdup_printf ("SRVGGNetCompact, %d convolutions, %" G_GINT64_FORMAT
                                  " features", last / 2 + 1, nf);
  return net;
}

/* ---------- detection ---------- */

/* Architectures recognised but not supported, by a key each has */
static const struct {
  const char *key;
  const char *name;
} unsupported[] = {
  { "residual_layer.0.residual_layer.0.layer.0.fn.0.weight", "OmniSR" },
  { "layers.0.residual_group.overlap_attn.relative_position_bias_table", "HAT" },
  { "block_1.c1_r.weight", "SPAN without Conv3XC blocks" },
  { "unet1.conv1.conv.0.weight", "Real-CUGAN" },
};

/* A tensor the network did not take means the file holds more than the
 * architecture detected (another variant, a block missing in the middle
 * of the numbering): refused rather than run without it. */
static EnlargeNet *
check_all_used (const Importer *im, EnlargeNet *net, GError **error)
{
  if (net == NULL)
    return NULL;
  for (guint i = 0; i < enlarge_weights_get_n_tensors (im->w); i++)
    {
      const EnlargeWeightsTensor *t = enlarge_weights_get_nth (im->w, i);
      if (!g_hash_table_contains (im->used, t->name))
        {
          g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_WEIGHT_MISMATCH,
                       "%s: tensor “%s” is not part of the %s network the other tensors "
                       "describe (%s)", im->name, t->name, net->architecture, net->variant);
          enlarge_net_unref (net);
          return NULL;
        }
    }
  return net;
}

EnlargeNet *
enlarge_import_weights (EnlargeWeights *weights, const char *name, GError **error)
{
  g_autoptr (GHashTable) used = g_hash_table_new (g_str_hash, g_str_equal);
  const Importer im = { weights, name ? name : "weights", used };
  guint n = enlarge_weights_get_n_tensors (weights);

  if (has (&im, "model.0.weight") && has (&im, "model.1.sub.0.RDB1.conv1.0.weight"))
    return check_all_used (&im, build_esrgan (&im, LAYOUT_OLD, error), error);
  if (has (&im, "conv_first.weight") && has (&im, "body.0.rdb1.conv1.weight"))
    return check_all_used (&im, build_esrgan (&im, LAYOUT_NEW, error), error);
  if (has (&im, "conv_first.weight") && has (&im, "RRDB_trunk.0.RDB1.conv1.weight"))
    return check_all_used (&im, build_esrgan (&im, LAYOUT_BSRGAN, error), error);
  if (has (&im, "body.0.weight") && enlarge_importer_dim (&im, "body.0.weight", 0) > 0 &&
      !has (&im, "conv_first.weight"))
    return check_all_used (&im, build_compact (&im, error), error);
  if (enlarge_import_is_span (&im))
    return check_all_used (&im, enlarge_import_span (&im, error), error);
  if (enlarge_import_is_swinir (&im))
    return check_all_used (&im, enlarge_import_swinir (&im, error), error);

  for (guint i = 0; i < G_N_ELEMENTS (unsupported); i++)
    if (has (&im, unsupported[i].key))
      {
        g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                     "%s: unsupported architecture %s (recognised by “%s”); Enlarge runs "
                     "ESRGAN, Compact, SPAN and SwinIR models", im.name, unsupported[i].name,
                     unsupported[i].key);
        return NULL;
      }

  {
    g_autoptr (GString) keys = g_string_new (NULL);
    for (guint i = 0; i < MIN (n, 4); i++)
      g_string_append_printf (keys, "%s“%s”", i ? ", " : "",
                              enlarge_weights_get_nth (weights, i)->name);
    g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                 "%s: unknown architecture: %u tensors (%s%s) match none of ESRGAN, "
                 "Compact, SPAN and SwinIR", im.name, n, n ? keys->str : "none", n > 4 ? ", …" : "");
  }
  return NULL;
}
