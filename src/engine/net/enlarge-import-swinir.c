/* SwinIR (Liang et al., 2021) in its official key layout, as the
 * published code (JingyunLiang/SwinIR, models/network_swinir.py) defines
 * it and spandrel reads it (architectures/SwinIR):
 *
 *   x    = reflect-pad the image at its bottom and right to whole windows
 *   x    = (x − rgb_mean) · img_range
 *   f    = conv_first (x)                                3×3, 3 → E
 *   t    = patch_embed.norm (f)                          when patch_norm
 *   t    = RSTBᵢ (t), i = 0 … layers − 1
 *   body = conv_after_body (norm (t)) + f
 *   out  = upsampler (body) / img_range + rgb_mean, cut to the image × scale
 *
 * RSTB (t) = conv (blocks (t)) + t, its conv a 3×3 (“1conv”) or 3×3 to
 * E/4, LeakyReLU 0.2, 1×1, LeakyReLU 0.2, 3×3 back to E (“3conv”); a
 * Swin block is t += proj (WindowAttention (qkv (norm1 (t)))), then
 * t += fc2 (GELU (fc1 (norm2 (t)))), the odd blocks of each RSTB with
 * windows shifted by window / 2 (mask −100 across the rolled plane's
 * bands). The linear layers are 1×1 convolutions; the attention's
 * definition is in ops/enlarge-op-attention.h.
 *
 * Upsamplers: “pixelshuffle” (conv_before_upsample.0 + LeakyReLU 0.01,
 * then per 2× (or one 3×) upsample.2k a 3×3 to 4·nf and a pixel shuffle,
 * then conv_last), “pixelshuffledirect” (upsample.0 to 3·scale², pixel
 * shuffle), “nearest+conv” (conv_before_upsample.0 + LeakyReLU 0.01, then
 * 2× nearest + conv_up1 (+ conv_up2) with LeakyReLU 0.2, conv_hr with
 * LeakyReLU 0.2, conv_last) and none (1×: x + conv_last (body), x being
 * the normalised image). Denormalising is folded into the last
 * convolution (its weights / img_range, its biases / img_range + mean);
 * 1× gives padded image + conv_last (body) / img_range.
 *
 * What the file does not say is taken as spandrel takes it: img_range 255
 * for window 7 (the JPEG models), else 1; qk scale head_dim^−½; no
 * absolute position embedding (refused when present). The buffers
 * relative_position_index and attn_mask are checked for their shapes and
 * recomputed. */

#include <math.h>
#include <string.h>

#include "enlarge-error.h"
#include "enlarge-import-private.h"
#include "enlarge-net-builder.h"
#include "enlarge-op-attention.h"

#define SWINIR_MAX_DIM 4096
#define SWINIR_MAX_LAYERS 64
#define SWINIR_MAX_WINDOW 32

static const float rgb_mean[3] = { 0.4488f, 0.4371f, 0.4040f };

typedef struct {
  const EnlargeImporter *im;
  EnlargeNetBuilder *b;
  gint64 dim;
  int window;
  gboolean three;          /* 3conv residual connections, else 1conv */
  GError **error;
} Swin;

static gboolean
has (const EnlargeImporter *im, const char *key)
{
  return enlarge_importer_find (im, key) != NULL;
}

static gboolean
fail (const Swin *s, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (const Swin *s, const char *format, ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (s->error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED, "%s: SwinIR: %s",
               s->im->name, msg);
  return FALSE;
}

gboolean
enlarge_import_is_swinir (const EnlargeImporter *im)
{
  return has (im, "conv_first.weight") &&
         has (im, "layers.0.residual_group.blocks.0.norm1.weight") &&
         has (im, "layers.0.residual_group.blocks.0.attn.relative_position_bias_table") &&
         has (im, "layers.0.residual_group.blocks.0.mlp.fc1.weight");
}

/* prefix.weight [out, in, k, k] (2-D [out, in] when @linear) and
 * prefix.bias [out] as a convolution; -1 on error */
static int
conv (Swin *s, const char *prefix, int input, gint64 out, gint64 in, int k, gboolean linear,
      EnlargeActivation act, float slope)
{
  g_autofree char *wk = g_strconcat (prefix, ".weight", NULL);
  g_autofree char *bk = g_strconcat (prefix, ".bias", NULL);
  const gint64 ws[4] = { out, in, k, k }, bs[1] = { out };
  g_autofree float *w = enlarge_importer_take (s->im, wk, linear ? 2 : 4, ws, s->error);
  g_autofree float *bias = w ? enlarge_importer_take (s->im, bk, 1, bs, s->error) : NULL;

  if (bias == NULL)
    return -1;
  return enlarge_net_builder_conv (s->b, prefix, input, (int) out, (int) in, k,
                                   g_steal_pointer (&w), g_steal_pointer (&bias), act, slope);
}

static int
layernorm (Swin *s, const char *prefix, int input)
{
  g_autofree char *wk = g_strconcat (prefix, ".weight", NULL);
  g_autofree char *bk = g_strconcat (prefix, ".bias", NULL);
  const gint64 shape[1] = { s->dim };
  g_autofree float *gamma = enlarge_importer_take (s->im, wk, 1, shape, s->error);
  g_autofree float *beta = gamma ? enlarge_importer_take (s->im, bk, 1, shape, s->error) : NULL;
  EnlargeLayerNormParams *p;
  int out;

  if (beta == NULL)
    return -1;
  p = g_new0 (EnlargeLayerNormParams, 1);
  p->channels = (int) s->dim;
  p->eps = 1e-5f;   /* nn.LayerNorm's default, which SwinIR keeps */
  p->gamma = g_steal_pointer (&gamma);
  p->beta = g_steal_pointer (&beta);
  enlarge_net_builder_add (s->b, &enlarge_op_layernorm, prefix, 1, &input, &out)->data = p;
  return out;
}

/* A buffer the network recomputes: it must have the shape it implies */
static gboolean
buffer (Swin *s, const char *key, guint n_dims, const gint64 *shape)
{
  const EnlargeWeightsTensor *t = enlarge_importer_find (s->im, key);
  if (t == NULL)
    return TRUE;
  for (guint i = 0; i < n_dims; i++)
    if (t->n_dims != n_dims || t->shape[i] != shape[i])
      {
        g_autofree char *got = enlarge_weights_tensor_shape_string (t);
        g_set_error (s->error, ENLARGE_ERROR, ENLARGE_ERROR_WEIGHT_MISMATCH,
                     "%s: tensor “%s” has shape %s, not that of window %d", s->im->name, key,
                     got, s->window);
        return FALSE;
      }
  g_hash_table_add (s->im->used, (gpointer) t->name);
  return TRUE;
}

/* One Swin block: attention, then the MLP, each with its residual */
static int
swin_block (Swin *s, const char *p, int t, int heads, int shift)
{
  const int ws = s->window, tw = 2 * ws - 1;
  const gint64 E = s->dim;
  g_autofree char *n1 = g_strconcat (p, ".norm1", NULL);
  g_autofree char *n2 = g_strconcat (p, ".norm2", NULL);
  g_autofree char *qkv = g_strconcat (p, ".attn.qkv", NULL);
  g_autofree char *proj = g_strconcat (p, ".attn.proj", NULL);
  g_autofree char *att = g_strconcat (p, ".attn", NULL);
  g_autofree char *fc1 = g_strconcat (p, ".mlp.fc1", NULL);
  g_autofree char *fc2 = g_strconcat (p, ".mlp.fc2", NULL);
  g_autofree char *fc1w = g_strconcat (fc1, ".weight", NULL);
  g_autofree char *act = g_strconcat (p, ".mlp.act", NULL);
  g_autofree char *tk = g_strconcat (p, ".attn.relative_position_bias_table", NULL);
  g_autofree char *ik = g_strconcat (p, ".attn.relative_position_index", NULL);
  g_autofree char *mk = g_strconcat (p, ".attn_mask", NULL);
  g_autofree char *r1 = g_strconcat (p, ".residual1", NULL);
  g_autofree char *r2 = g_strconcat (p, ".residual2", NULL);
  const gint64 ts[2] = { (gint64) tw * tw, heads }, is[2] = { ws * ws, ws * ws };
  const EnlargeWeightsTensor *f1 = enlarge_importer_find (s->im, fc1w);
  const gint64 hidden = f1 != NULL && f1->n_dims == 2 ? f1->shape[0] : E;
  EnlargeAttentionParams *ap;
  float *table;
  int y, a;

  if (hidden < 1 || hidden > 16 * E)
    return fail (s, "“%s” has %" G_GINT64_FORMAT " outputs for %" G_GINT64_FORMAT
                 " channels", fc1w, hidden, E), -1;
  if (!buffer (s, ik, 2, is))
    return -1;
  /* the mask of a shifted block: one (ws², ws²) per window of img_size */
  {
    const EnlargeWeightsTensor *m = enlarge_importer_find (s->im, mk);
    if (m != NULL)
      {
        const gint64 ms[3] = { m->n_dims == 3 ? m->shape[0] : -1, ws * ws, ws * ws };
        if (shift == 0)
          return fail (s, "“%s”: an unshifted block with a mask", mk), -1;
        if (!buffer (s, mk, 3, ms))
          return -1;
      }
  }
  table = enlarge_importer_take (s->im, tk, 2, ts, s->error);
  if (table == NULL)
    return -1;

  y = layernorm (s, n1, t);
  if (y < 0 || (y = conv (s, qkv, y, 3 * E, E, 1, TRUE, ENLARGE_ACT_NONE, 0.f)) < 0)
    {
      g_free (table);
      return -1;
    }
  ap = g_new0 (EnlargeAttentionParams, 1);
  ap->heads = heads;
  ap->window = ws;
  ap->shift = shift;
  ap->scale = (float) pow ((double) (E / heads), -0.5);
  ap->bias_table = table;
  enlarge_net_builder_add (s->b, &enlarge_op_window_attention, att, 1, &y, &a)->data = ap;
  if ((a = conv (s, proj, a, E, E, 1, TRUE, ENLARGE_ACT_NONE, 0.f)) < 0)
    return -1;
  t = enlarge_net_builder_add_blobs (s->b, r1, t, a);

  if ((y = layernorm (s, n2, t)) < 0 ||
      (y = conv (s, fc1, y, hidden, E, 1, TRUE, ENLARGE_ACT_NONE, 0.f)) < 0)
    return -1;
  enlarge_net_builder_add (s->b, &enlarge_op_gelu, act, 1, &y, &y);
  if ((y = conv (s, fc2, y, E, hidden, 1, TRUE, ENLARGE_ACT_NONE, 0.f)) < 0)
    return -1;
  return enlarge_net_builder_add_blobs (s->b, r2, t, y);
}

/* The 1conv or 3conv at @prefix */
static int
resi_conv (Swin *s, const char *prefix, int x, gboolean three)
{
  const gint64 E = s->dim;
  g_autofree char *c0 = g_strconcat (prefix, ".0", NULL);
  g_autofree char *c2 = g_strconcat (prefix, ".2", NULL);
  g_autofree char *c4 = g_strconcat (prefix, ".4", NULL);

  if (!three)
    return conv (s, prefix, x, E, E, 3, FALSE, ENLARGE_ACT_NONE, 0.f);
  if ((x = conv (s, c0, x, E / 4, E, 3, FALSE, ENLARGE_ACT_LEAKYRELU, 0.2f)) < 0 ||
      (x = conv (s, c2, x, E / 4, E / 4, 1, FALSE, ENLARGE_ACT_LEAKYRELU, 0.2f)) < 0)
    return -1;
  return conv (s, c4, x, E, E / 4, 3, FALSE, ENLARGE_ACT_NONE, 0.f);
}

/* The last convolution with the output's denormalisation folded in:
 * output channel o is colour o / @per_colour */
static int
last_conv (Swin *s, const char *prefix, int x, gint64 out, gint64 in, int per_colour,
           float img_range, gboolean add_mean)
{
  g_autofree char *wk = g_strconcat (prefix, ".weight", NULL);
  g_autofree char *bk = g_strconcat (prefix, ".bias", NULL);
  const gint64 ws[4] = { out, in, 3, 3 }, bs[1] = { out };
  g_autofree float *w = enlarge_importer_take (s->im, wk, 4, ws, s->error);
  g_autofree float *bias = w ? enlarge_importer_take (s->im, bk, 1, bs, s->error) : NULL;

  if (bias == NULL)
    return -1;
  for (gint64 i = 0; i < out * in * 9; i++)
    w[i] /= img_range;
  for (gint64 o = 0; o < out; o++)
    bias[o] = bias[o] / img_range + (add_mean ? rgb_mean[o / per_colour] : 0.f);
  return enlarge_net_builder_conv (s->b, prefix, x, (int) out, (int) in, 3,
                                   g_steal_pointer (&w), g_steal_pointer (&bias),
                                   ENLARGE_ACT_NONE, 0.f);
}

static gint64
dim0 (const EnlargeImporter *im, const char *key)
{
  const EnlargeWeightsTensor *t = enlarge_importer_find (im, key);
  return t != NULL && t->n_dims >= 1 ? t->shape[0] : -1;
}

/* The RSTBs from @t on; their depths and heads appended to @desc */
static int
layers (Swin *s, int t, GString *desc)
{
  int n_layers = 0;

  for (;; n_layers++)
    {
      g_autofree char *lk = g_strdup_printf ("layers.%d.residual_group.blocks.0.norm1.weight",
                                             n_layers);
      g_autofree char *tk = g_strdup_printf ("layers.%d.residual_group.blocks.0.attn."
                                             "relative_position_bias_table", n_layers);
      g_autofree char *ck = g_strdup_printf ("layers.%d.conv", n_layers);
      g_autofree char *rk = g_strdup_printf ("layers.%d.residual", n_layers);
      const EnlargeWeightsTensor *table;
      int r = t, heads, n_blocks = 0;

      if (!has (s->im, lk))
        break;
      if (n_layers >= SWINIR_MAX_LAYERS)
        return fail (s, "more than %d layers", SWINIR_MAX_LAYERS), -1;
      table = enlarge_importer_find (s->im, tk);
      heads = table != NULL && table->n_dims == 2 ? (int) table->shape[1] : 0;
      if (heads < 1 || s->dim % heads != 0 || s->dim / heads > ENLARGE_ATTENTION_MAX_HEAD_DIM)
        return fail (s, "“%s” gives %d heads for %" G_GINT64_FORMAT " channels (at most %d "
                     "a head)", tk, heads, s->dim, ENLARGE_ATTENTION_MAX_HEAD_DIM), -1;
      for (;; n_blocks++)
        {
          g_autofree char *p = g_strdup_printf ("layers.%d.residual_group.blocks.%d", n_layers,
                                                n_blocks);
          g_autofree char *nk = g_strconcat (p, ".norm1.weight", NULL);
          if (!has (s->im, nk))
            break;
          /* SwinIR shifts the odd blocks by half a window */
          if ((t = swin_block (s, p, t, heads, n_blocks % 2 ? s->window / 2 : 0)) < 0)
            return -1;
        }
      g_string_append_printf (desc, "%s%d×%d", n_layers ? ", " : "", n_blocks, heads);
      if ((t = resi_conv (s, ck, t, s->three)) < 0)
        return -1;
      t = enlarge_net_builder_add_blobs (s->b, rk, t, r);
    }
  if (n_layers == 0)
    return fail (s, "no layers"), -1;
  return t;
}

/* The upsampler; @xp the padded image (1×) */
static int
upsampler (Swin *s, const char *kind, int t, int xp, int scale, gint64 nf, float img_range)
{
  if (strcmp (kind, "none") == 0)
    {
      if ((t = last_conv (s, "conv_last", t, 3, s->dim, 1, img_range, FALSE)) < 0)
        return -1;
      return enlarge_net_builder_add_blobs (s->b, "output", xp, t);
    }
  if (strcmp (kind, "pixelshuffledirect") == 0)
    {
      if ((t = last_conv (s, "upsample.0", t, 3 * scale * scale, s->dim, scale * scale,
                          img_range, TRUE)) < 0)
        return -1;
      return enlarge_net_builder_pixelshuffle (s->b, "upsample.1", t, scale);
    }
  /* nn.LeakyReLU () after conv_before_upsample: PyTorch's slope 0.01 */
  if ((t = conv (s, "conv_before_upsample.0", t, nf, s->dim, 3, FALSE, ENLARGE_ACT_LEAKYRELU,
                 0.01f)) < 0)
    return -1;
  if (strcmp (kind, "pixelshuffle") == 0)
    {
      const int step = scale == 3 ? 3 : 2;
      for (int k = 0, done = 1; done < scale; k++, done *= step)
        {
          g_autofree char *ck = g_strdup_printf ("upsample.%d", 2 * k);
          g_autofree char *pk = g_strdup_printf ("upsample.%d", 2 * k + 1);
          if ((t = conv (s, ck, t, step * step * nf, nf, 3, FALSE, ENLARGE_ACT_NONE, 0.f)) < 0)
            return -1;
          t = enlarge_net_builder_pixelshuffle (s->b, pk, t, step);
        }
    }
  else
    {
      for (int k = 1; k <= (scale == 4 ? 2 : 1); k++)
        {
          g_autofree char *ck = g_strdup_printf ("conv_up%d", k);
          g_autofree char *uk = g_strdup_printf ("conv_up%d.upsample", k);
          t = enlarge_net_builder_upsample (s->b, uk, t, 2);
          if ((t = conv (s, ck, t, nf, nf, 3, FALSE, ENLARGE_ACT_LEAKYRELU, 0.2f)) < 0)
            return -1;
        }
      if ((t = conv (s, "conv_hr", t, nf, nf, 3, FALSE, ENLARGE_ACT_LEAKYRELU, 0.2f)) < 0)
        return -1;
    }
  return last_conv (s, "conv_last", t, 3, nf, 1, img_range, TRUE);
}

EnlargeNet *
enlarge_import_swinir (const EnlargeImporter *im, GError **error)
{
  g_autoptr (EnlargeNetBuilder) b = enlarge_net_builder_new ();
  Swin s = { im, b, enlarge_importer_dim (im, "conv_first.weight", 0), 0,
             !has (im, "conv_after_body.weight"), error };
  const gint64 in_nc = enlarge_importer_dim (im, "conv_first.weight", 1);
  const gint64 n_table = dim0 (im, "layers.0.residual_group.blocks.0.attn.relative_position_bias_table");
  const gboolean patch_norm = has (im, "patch_embed.norm.weight");
  g_autoptr (GString) desc = g_string_new (NULL);
  const char *kind;
  int scale = 1, x, xp, input, f, t;
  gint64 nf = 64;
  float img_range;
  EnlargeNet *net;

  for (int w = 1; w <= SWINIR_MAX_WINDOW; w++)
    if (n_table == (gint64) (2 * w - 1) * (2 * w - 1))
      s.window = w;
  if (s.window < 2)
    return fail (&s, "“layers.0.residual_group.blocks.0.attn.relative_position_bias_table” "
                 "has %" G_GINT64_FORMAT " rows, not (2·window − 1)² for a window of 2 to %d",
                 n_table, SWINIR_MAX_WINDOW), NULL;
  if (in_nc != 3 || s.dim < 4 || s.dim > SWINIR_MAX_DIM)
    return fail (&s, "“conv_first.weight” takes %" G_GINT64_FORMAT " channels to %"
                 G_GINT64_FORMAT " (RGB to 4 … %d supported)", in_nc, s.dim, SWINIR_MAX_DIM), NULL;
  if (has (im, "absolute_pos_embed"))
    return fail (&s, "an absolute position embedding (“absolute_pos_embed”) ties the network "
                 "to one image size"), NULL;
  if (has (im, "conv_first.1.weight"))
    return fail (&s, "pixel-unshuffled input (“conv_first.1.weight”) is not supported"), NULL;
  if (s.three && s.dim % 4 != 0)
    return fail (&s, "a 3conv connection needs a width divisible by 4, not %" G_GINT64_FORMAT,
                 s.dim), NULL;
  img_range = s.window == 7 ? 255.f : 1.f;

  if (has (im, "conv_before_upsample.0.weight"))
    kind = has (im, "conv_up1.weight") ? "nearest+conv" : "pixelshuffle";
  else if (has (im, "upsample.0.weight"))
    kind = "pixelshuffledirect";
  else
    kind = "none";
  /* num_feat: 64 in the published configurations, whatever the file has */
  if (has (im, "conv_before_upsample.0.weight"))
    nf = enlarge_importer_dim (im, "conv_before_upsample.0.weight", 0);
  if (strcmp (kind, "nearest+conv") == 0)
    scale = has (im, "conv_up2.weight") ? 4 : 2;
  else if (strcmp (kind, "pixelshuffle") == 0)
    {
      const gint64 u0 = enlarge_importer_dim (im, "upsample.0.weight", 0);
      if (nf >= 1 && u0 == 9 * nf)
        scale = 3;
      else if (nf >= 1 && u0 == 4 * nf)
        for (int k = 0; k < 4; k++)
          {
            g_autofree char *key = g_strdup_printf ("upsample.%d.weight", 2 * k);
            if (has (im, key))
              scale *= 2;
          }
      else
        return fail (&s, "“upsample.0.weight” has %" G_GINT64_FORMAT " outputs, not 4 or 9 "
                     "times %" G_GINT64_FORMAT, u0, nf), NULL;
    }
  else if (strcmp (kind, "pixelshuffledirect") == 0)
    {
      const gint64 u0 = enlarge_importer_dim (im, "upsample.0.weight", 0);
      for (int r = 1; r <= 16; r++)
        if (u0 == 3 * r * r)
          scale = r;
      if (u0 != 3 * scale * scale)
        return fail (&s, "“upsample.0.weight” has %" G_GINT64_FORMAT " outputs, not "
                     "3 × scale²", u0), NULL;
    }
  if (nf < 1 || nf > SWINIR_MAX_DIM)
    return fail (&s, "“conv_before_upsample.0.weight” has %" G_GINT64_FORMAT " outputs", nf), NULL;

  input = enlarge_net_builder_input (b);
  {
    EnlargePadParams *pp = g_new0 (EnlargePadParams, 1);
    pp->multiple = s.window;
    enlarge_net_builder_add (b, &enlarge_op_pad_multiple, "check_image_size", 1, &input,
                             &xp)->data = pp;
  }
  {
    float *w = g_new0 (float, 9), *bias = g_new (float, 3);
    for (int c = 0; c < 3; c++)
      {
        w[c * 3 + c] = img_range;
        bias[c] = -img_range * rgb_mean[c];
      }
    x = enlarge_net_builder_conv (b, "normalise", xp, 3, 3, 1, w, bias, ENLARGE_ACT_NONE, 0.f);
  }
  if ((f = conv (&s, "conv_first", x, s.dim, 3, 3, FALSE, ENLARGE_ACT_NONE, 0.f)) < 0)
    return NULL;
  t = f;
  if (patch_norm && (t = layernorm (&s, "patch_embed.norm", t)) < 0)
    return NULL;
  if ((t = layers (&s, t, desc)) < 0 || (t = layernorm (&s, "norm", t)) < 0 ||
      (t = resi_conv (&s, "conv_after_body", t, s.three)) < 0)
    return NULL;
  t = enlarge_net_builder_add_blobs (b, "conv_after_body.residual", t, f);
  if ((t = upsampler (&s, kind, t, xp, scale, nf, img_range)) < 0)
    return NULL;
  {
    EnlargeCropLikeParams *cp = g_new0 (EnlargeCropLikeParams, 1);
    const int in[2] = { t, input };
    cp->factor = scale;
    enlarge_net_builder_add (b, &enlarge_op_crop_like, "crop", 2, in, &t)->data = cp;
  }

  net = enlarge_net_builder_finish (g_steal_pointer (&b), im->name, error);
  if (net == NULL)
    return NULL;
  net->architecture = g_strdup ("SwinIR");
  net->variant = g_strdup_printf ("%s, %" G_GINT64_FORMAT " dim, blocks×heads [%s], window %d, "
                                  "%s%s", strcmp (kind, "none") == 0 ? "no upsampler (1×)" : kind,
                                  s.dim, desc->str, s.window, s.three ? "3conv" : "1conv",
                                  patch_norm ? ", patch norm" : "");
  return net;
}
