/* SPAN, the Swift Parameter-free Attention Network (Wan et al., 2024), as
 * spandrel defines it (architectures/SPAN): its state dict, and the
 * forward pass
 *
 *   x    = (x − rgb_mean) · img_range           unless “no_norm” is stored
 *   f    = conv_1 (x)                           Conv3XC, 3 → nf
 *   bᵢ   = SPABᵢ (bᵢ₋₁), b₀ = f, i = 1…6
 *   out  = upsampler (conv_cat (cat (f, conv_2 (b₆), b₁, o₁ of SPAB₆)))
 *
 * where SPAB (x) = (o₃ + x) · (σ(o₃) − ½) with o₁ = c1_r (x),
 * o₂ = c2_r (SiLU (o₁)), o₃ = c3_r (SiLU (o₂)); conv_cat is a 1×1
 * convolution and the upsampler a 3×3 one to 3·scale² channels and a
 * pixel shuffle. The output is not shifted back by the mean. img_range
 * (255) and rgb_mean (0.4488, 0.4371, 0.4040) are not stored in files;
 * spandrel uses these defaults, and so does this.
 *
 * Conv3XC holds a 1×1 skip (sk), a 1×1 → 3×3 → 1×1 chain (conv.0/1/2)
 * and eval_conv, a 3×3 convolution with padding 1 that its forward pass
 * recomputes from the other two before every use (update_params); a
 * stored eval_conv is therefore ignored when the branches are there, and
 * the branches are fused into one 3×3 convolution here in the same way.
 * A file with only eval_conv runs with it.
 *
 * SiLU (y) is y · Sigmoid (y), BinaryOp multiply, and the gate
 * Sigmoid (o₃) − ½: the Sigmoid op of the convolution's output (a
 * sigmoid activation of the convolution would need it computed twice). The normalisation is a 1×1
 * convolution (a diagonal 255 and a bias −255·mean), which zero padding
 * cannot distort as it would folded into conv_1's 3×3. */

#include <string.h>

#include "enlarge-error.h"
#include "enlarge-import-private.h"
#include "enlarge-net-builder.h"

#define SPAN_N_BLOCKS 6
#define SPAN_MAX_FEATURES 4096
#define SPAN_MAX_SCALE 16

static const float span_img_range = 255.f;
static const float span_rgb_mean[3] = { 0.4488f, 0.4371f, 0.4040f };

/* The tensor prefix.part.weight exists */
static gboolean
has_weight (const EnlargeImporter *im, const char *prefix, const char *part)
{
  g_autofree char *k = g_strdup_printf ("%s.%s.weight", prefix, part);
  return enlarge_importer_find (im, k) != NULL;
}

gboolean
enlarge_import_is_span (const EnlargeImporter *im)
{
  return (has_weight (im, "conv_1", "sk") || has_weight (im, "conv_1", "eval_conv")) &&
         (has_weight (im, "block_1.c1_r", "sk") || has_weight (im, "block_1.c1_r", "eval_conv")) &&
         enlarge_importer_find (im, "upsampler.0.weight") != NULL;
}

/* prefix.part.weight [out, in, k, k] and prefix.part.bias [out]; no
 * .part when @part is NULL */
static gboolean
take_conv (const EnlargeImporter *im, const char *prefix, const char *part, gint64 out,
           gint64 in, gint64 k, float **weight, float **bias, GError **error)
{
  g_autofree char *p = part ? g_strdup_printf ("%s.%s", prefix, part) : g_strdup (prefix);
  g_autofree char *wk = g_strconcat (p, ".weight", NULL);
  g_autofree char *bk = g_strconcat (p, ".bias", NULL);
  const gint64 ws[4] = { out, in, k, k }, bs[1] = { out };

  *weight = enlarge_importer_take (im, wk, 4, ws, error);
  if (*weight == NULL)
    return FALSE;
  *bias = enlarge_importer_take (im, bk, 1, bs, error);
  if (*bias == NULL)
    {
      g_clear_pointer (weight, g_free);
      return FALSE;
    }
  return TRUE;
}

/* The 3×3 convolution (weight [cout, cin, 3, 3], bias [cout]) the
 * Conv3XC at @prefix computes */
static gboolean
conv3xc (const EnlargeImporter *im, const char *prefix, gint64 cin, gint64 cout,
         float **weight, float **bias, GError **error)
{
  g_autofree char *w1k = g_strdup_printf ("%s.conv.0.weight", prefix);
  g_autofree char *w2k = g_strdup_printf ("%s.conv.1.weight", prefix);
  g_autofree float *w1 = NULL, *b1 = NULL, *w2 = NULL, *b2 = NULL, *w3 = NULL, *b3 = NULL;
  g_autofree float *sk = NULL, *skb = NULL, *a = NULL, *ab = NULL;
  g_autofree float *ew = NULL, *eb = NULL;
  gint64 m1, m2;

  if (!has_weight (im, prefix, "sk"))
    return take_conv (im, prefix, "eval_conv", cout, cin, 3, weight, bias, error);

  /* the widths inside the chain: cin·gain and cout·gain (gain 2 in
   * SPAN, up to 4 accepted; a wider one would only make the fusion's
   * temporaries large) */
  m1 = enlarge_importer_dim (im, w1k, 0);
  m2 = enlarge_importer_dim (im, w2k, 0);
  if (m1 < 1 || m1 > 4 * cin)
    m1 = 2 * cin;   /* the error below names the tensor */
  if (m2 < 1 || m2 > 4 * cout)
    m2 = 2 * cout;
  if (!take_conv (im, prefix, "sk", cout, cin, 1, &sk, &skb, error) ||
      !take_conv (im, prefix, "conv.0", m1, cin, 1, &w1, &b1, error) ||
      !take_conv (im, prefix, "conv.1", m2, m1, 3, &w2, &b2, error) ||
      !take_conv (im, prefix, "conv.2", cout, m2, 1, &w3, &b3, error))
    return FALSE;
  /* eval_conv, when stored, must fit, but its values are recomputed */
  if (has_weight (im, prefix, "eval_conv") &&
      !take_conv (im, prefix, "eval_conv", cout, cin, 3, &ew, &eb, error))
    return FALSE;

  /* conv.1 ∘ conv.0: a [m2, cin, 3, 3], ab [m2]; conv.0 is 1×1 and
   * unpadded, so its bias passes through every tap of conv.1 */
  a = g_new0 (float, m2 * cin * 9);
  ab = g_new (float, m2);
  for (gint64 m = 0; m < m2; m++)
    {
      double acc = b2[m];
      for (gint64 n = 0; n < m1; n++)
        {
          const float *w2mn = &w2[(m * m1 + n) * 9];
          for (int k = 0; k < 9; k++)
            {
              acc += (double) w2mn[k] * b1[n];
              for (gint64 i = 0; i < cin; i++)
                a[(m * cin + i) * 9 + k] += w2mn[k] * w1[n * cin + i];
            }
        }
      ab[m] = (float) acc;
    }
  /* conv.2 ∘ that, plus the skip at the centre tap */
  *weight = g_new0 (float, cout * cin * 9);
  *bias = g_new (float, cout);
  for (gint64 o = 0; o < cout; o++)
    {
      double acc = (double) b3[o] + skb[o];
      for (gint64 m = 0; m < m2; m++)
        {
          const float w = w3[o * m2 + m];
          acc += (double) w * ab[m];
          for (gint64 j = 0; j < cin * 9; j++)
            (*weight)[o * cin * 9 + j] += w * a[m * cin * 9 + j];
        }
      (*bias)[o] = (float) acc;
      for (gint64 i = 0; i < cin; i++)
        (*weight)[(o * cin + i) * 9 + 4] += sk[o * cin + i];
    }
  return TRUE;
}

/* A convolution of copies of @weight and @bias */
static int
conv_copy (EnlargeNetBuilder *b, const char *name, int input, gint64 out, gint64 in, int k,
           const float *weight, const float *bias, EnlargeActivation act)
{
  return enlarge_net_builder_conv (b, name, input, (int) out, (int) in, k,
                                   g_memdup2 (weight, sizeof (float) * out * in * k * k),
                                   g_memdup2 (bias, sizeof (float) * out), act, 0.f);
}

static int
sigmoid (EnlargeNetBuilder *b, const char *name, int input)
{
  int out;
  enlarge_net_builder_add (b, &enlarge_op_sigmoid, name, 1, &input, &out);
  return out;
}

/* conv (x) and, when @silu, SiLU of it: conv (x) · σ(conv (x)); -1 on error */
static int
span_conv (EnlargeNetBuilder *b, const EnlargeImporter *im, const char *prefix, int input,
           gint64 n, gboolean silu, int *linear, GError **error)
{
  g_autofree float *w = NULL, *bias = NULL;
  g_autofree char *sig = g_strdup_printf ("%s.sigmoid", prefix);
  g_autofree char *mul = g_strdup_printf ("%s.silu", prefix);
  int y, s;

  if (!conv3xc (im, prefix, n, n, &w, &bias, error))
    return -1;
  y = conv_copy (b, prefix, input, n, n, 3, w, bias, ENLARGE_ACT_NONE);
  if (linear)
    *linear = y;
  if (!silu)
    return y;
  s = sigmoid (b, sig, y);
  return enlarge_net_builder_binary (b, mul, y, s, ENLARGE_BINARY_MUL);
}

/* One SPAB; its output, and its first convolution's in @out1 */
static int
spab (EnlargeNetBuilder *b, const EnlargeImporter *im, int i, int x, gint64 nf, int *out1,
      GError **error)
{
  g_autofree char *c1 = g_strdup_printf ("block_%d.c1_r", i);
  g_autofree char *c2 = g_strdup_printf ("block_%d.c2_r", i);
  g_autofree char *c3 = g_strdup_printf ("block_%d.c3_r", i);
  g_autofree char *sig = g_strdup_printf ("block_%d.c3_r.sigmoid", i);
  g_autofree char *att = g_strdup_printf ("block_%d.attention", i);
  g_autofree char *res = g_strdup_printf ("block_%d.residual", i);
  g_autofree char *out = g_strdup_printf ("block_%d.output", i);
  g_autofree float *w = NULL, *bias = NULL;
  int y, o3, s;

  y = span_conv (b, im, c1, x, nf, TRUE, out1, error);
  if (y < 0)
    return -1;
  y = span_conv (b, im, c2, y, nf, TRUE, NULL, error);
  if (y < 0 || !conv3xc (im, c3, nf, nf, &w, &bias, error))
    return -1;
  o3 = conv_copy (b, c3, y, nf, nf, 3, w, bias, ENLARGE_ACT_NONE);
  s = sigmoid (b, sig, o3);
  s = enlarge_net_builder_binary_scalar (b, att, s, ENLARGE_BINARY_SUB, 0.5f);
  y = enlarge_net_builder_add_blobs (b, res, o3, x);
  return enlarge_net_builder_binary (b, out, y, s, ENLARGE_BINARY_MUL);
}

EnlargeNet *
enlarge_import_span (const EnlargeImporter *im, GError **error)
{
  g_autoptr (EnlargeNetBuilder) b = enlarge_net_builder_new ();
  const char *first = has_weight (im, "conv_1", "sk") ? "conv_1.sk.weight"
                                                      : "conv_1.eval_conv.weight";
  const gint64 nf = enlarge_importer_dim (im, first, 0);
  const gint64 in_nc = enlarge_importer_dim (im, first, 1);
  const gint64 up_out = enlarge_importer_dim (im, "upsampler.0.weight", 0);
  const gboolean norm = enlarge_importer_find (im, "no_norm") == NULL;
  const gboolean fused = has_weight (im, "conv_1", "sk");
  int scale = 0, x, f, y, b1 = -1, o1_6 = -1, cat[4];
  EnlargeNet *net;

  for (int s = 1; s <= SPAN_MAX_SCALE; s++)
    if (up_out == 3 * s * s)
      scale = s;
  if (in_nc != 3 || nf < 1 || nf > SPAN_MAX_FEATURES)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                   "%s: SPAN with %" G_GINT64_FORMAT " input channels and %" G_GINT64_FORMAT
                   " features (“%s”) is not supported (RGB, 1 to %d features)",
                   im->name, in_nc, nf, first, SPAN_MAX_FEATURES);
      return NULL;
    }
  if (scale == 0)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                   "%s: “upsampler.0.weight” has %" G_GINT64_FORMAT " output channels, not "
                   "3 × scale² (RGB, scale 1 to %d)", im->name, up_out, SPAN_MAX_SCALE);
      return NULL;
    }
  if (!norm)
    {
      const gint64 one[1] = { 1 };
      g_autofree float *v = enlarge_importer_take (im, "no_norm", 1, one, error);
      if (v == NULL)
        return NULL;
    }

  x = enlarge_net_builder_input (b);
  if (norm)
    {
      float *w = g_new0 (float, 9), *bias = g_new (float, 3);
      for (int c = 0; c < 3; c++)
        {
          w[c * 3 + c] = span_img_range;
          bias[c] = -span_img_range * span_rgb_mean[c];
        }
      x = enlarge_net_builder_conv (b, "normalise", x, 3, 3, 1, w, bias, ENLARGE_ACT_NONE, 0.f);
    }
  {
    g_autofree float *w = NULL, *bias = NULL;
    if (!conv3xc (im, "conv_1", 3, nf, &w, &bias, error))
      return NULL;
    f = conv_copy (b, "conv_1", x, nf, 3, 3, w, bias, ENLARGE_ACT_NONE);
  }
  y = f;
  for (int i = 1; i <= SPAN_N_BLOCKS; i++)
    {
      int o1;
      y = spab (b, im, i, y, nf, &o1, error);
      if (y < 0)
        return NULL;
      if (i == 1)
        b1 = y;
      if (i == SPAN_N_BLOCKS)
        o1_6 = o1;
    }
  y = span_conv (b, im, "conv_2", y, nf, FALSE, NULL, error);
  if (y < 0)
    return NULL;
  cat[0] = f;
  cat[1] = y;
  cat[2] = b1;
  cat[3] = o1_6;
  y = enlarge_net_builder_concat (b, "cat", 4, cat);
  {
    g_autofree float *w = NULL, *bias = NULL;
    if (!take_conv (im, "conv_cat", NULL, nf, 4 * nf, 1, &w, &bias, error))
      return NULL;
    y = enlarge_net_builder_conv (b, "conv_cat", y, (int) nf, (int) (4 * nf), 1,
                                  g_steal_pointer (&w), g_steal_pointer (&bias),
                                  ENLARGE_ACT_NONE, 0.f);
  }
  {
    g_autofree float *w = NULL, *bias = NULL;
    if (!take_conv (im, "upsampler", "0", up_out, nf, 3, &w, &bias, error))
      return NULL;
    y = enlarge_net_builder_conv (b, "upsampler.0", y, (int) up_out, (int) nf, 3,
                                  g_steal_pointer (&w), g_steal_pointer (&bias),
                                  ENLARGE_ACT_NONE, 0.f);
  }
  if (scale > 1)
    enlarge_net_builder_pixelshuffle (b, "upsampler.1", y, scale);

  net = enlarge_net_builder_finish (g_steal_pointer (&b), im->name, error);
  if (net == NULL)
    return NULL;
  net->architecture = g_strdup ("SPAN");
  net->variant = g_strdup_printf ("%" G_GINT64_FORMAT " features, %s, %s", nf,
                                  fused ? "Conv3XC branches fused" : "eval_conv weights",
                                  norm ? "mean-shifted input" : "no_norm");
  return net;
}
