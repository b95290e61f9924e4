/* SwinIR checkpoints (net/enlarge-import-swinir.c).
 *
 * Random-weight state dicts in the official key layout (network_swinir.py:
 * conv_first, patch_embed.norm, layers.i.residual_group.blocks.j.{norm1,
 * attn.{relative_position_bias_table, qkv, proj}, norm2, mlp.{fc1, fc2}},
 * layers.i.conv, norm, conv_after_body, and each upsampler's convs; the
 * buffers relative_position_index and attn_mask in some files, as official
 * releases carry them) are written as .pth zip and .safetensors files. The
 * imported network must reproduce, on the reference backend, a forward
 * pass written below straight from PyTorch's semantics, in tokens × channels
 * layout as the published code computes it: F.pad reflect, torch.roll,
 * window_partition / window_reverse, the mask built from img_mask slices as
 * calculate_mask does, relative_position_index built from coordinates,
 * q · scale @ kᵀ + bias + mask, softmax, nn.GELU, nn.LayerNorm, the
 * upsamplers' convs and pixel shuffles, and the crop. Then OpenCL against
 * the reference, tiles against one tile, and the importer's errors. */

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "enlarge.h"
#include "enlarge-op.h"
#include "enlarge-op-attention.h"
#include "enlarge-test-utils.h"
#include "weights-writer.h"

typedef enum { UP_NONE, UP_PS, UP_PSD, UP_NC } Up;

static const char *const up_names[] = { "no upsampler (1×)", "pixelshuffle", "pixelshuffledirect",
                                        "nearest+conv" };

typedef struct {
  int dim, n_layers, depth, heads, window, scale;
  Up up;
  gboolean three;        /* 3conv, else 1conv */
  gboolean patch_norm;
  gboolean buffers;      /* relative_position_index and attn_mask stored */
  gboolean zip;          /* .pth zip, else .safetensors */
} SwinCase;

static const SwinCase cases[] = {
  { 12, 2, 2, 2, 4, 2, UP_PS, FALSE, TRUE, TRUE, TRUE },
  { 16, 2, 2, 2, 4, 4, UP_PSD, TRUE, TRUE, FALSE, FALSE },
  { 18, 2, 2, 3, 8, 4, UP_NC, FALSE, TRUE, TRUE, TRUE },
  { 12, 2, 2, 3, 4, 1, UP_NONE, FALSE, TRUE, FALSE, FALSE },
  { 16, 1, 2, 2, 4, 2, UP_NC, TRUE, FALSE, FALSE, TRUE },
  { 12, 1, 2, 2, 4, 4, UP_PS, FALSE, TRUE, FALSE, FALSE },
  { 12, 1, 2, 2, 7, 3, UP_PS, FALSE, TRUE, TRUE, FALSE },   /* window 7: img_range 255 */
  { 16, 2, 2, 2, 4, 2, UP_PSD, FALSE, TRUE, TRUE, TRUE },
};

#define NF 16            /* num_feat of the conv upsamplers */
#define IMG_SIZE 64      /* the img_size the stored attn_mask is for */

/* ---------- the checkpoint ---------- */

static void
add_random (WwDict *d, GRand *rand, const char *name, float lo, float hi, guint n_dims,
            gint64 d0, gint64 d1, gint64 k)
{
  const gsize n = (gsize) d0 * (n_dims > 1 ? d1 : 1) * (n_dims > 2 ? k * k : 1);
  g_autofree float *v = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    v[i] = (float) g_rand_double_range (rand, lo, hi);
  if (n_dims == 1)
    ww_dict_add (d, name, ENLARGE_DTYPE_F32, v, 1, d0);
  else if (n_dims == 2)
    ww_dict_add (d, name, ENLARGE_DTYPE_F32, v, 2, d0, d1);
  else
    ww_dict_add (d, name, ENLARGE_DTYPE_F32, v, 4, d0, d1, k, k);
}

/* prefix.weight ([out, in] for k 0, else [out, in, k, k]) of amplitude
 * @a/√fan-in, and prefix.bias */
static void
add_layer (WwDict *d, GRand *rand, const char *prefix, gint64 out, gint64 in, gint64 k, float a)
{
  g_autofree char *w = g_strconcat (prefix, ".weight", NULL);
  g_autofree char *b = g_strconcat (prefix, ".bias", NULL);
  const float amp = a / sqrtf ((float) (in * MAX (k, 1) * MAX (k, 1)));
  add_random (d, rand, w, -amp, amp, k == 0 ? 2 : 4, out, in, k);
  add_random (d, rand, b, -0.1f, 0.1f, 1, out, 0, 0);
}

static void
add_norm (WwDict *d, GRand *rand, const char *prefix, gint64 c)
{
  g_autofree char *w = g_strconcat (prefix, ".weight", NULL);
  g_autofree char *b = g_strconcat (prefix, ".bias", NULL);
  add_random (d, rand, w, 0.5f, 1.5f, 1, c, 0, 0);
  add_random (d, rand, b, -0.2f, 0.2f, 1, c, 0, 0);
}

static void
add_resi (WwDict *d, GRand *rand, const SwinCase *sc, const char *prefix)
{
  const int E = sc->dim;
  g_autofree char *c0 = g_strconcat (prefix, ".0", NULL);
  g_autofree char *c2 = g_strconcat (prefix, ".2", NULL);
  g_autofree char *c4 = g_strconcat (prefix, ".4", NULL);

  if (!sc->three)
    {
      add_layer (d, rand, prefix, E, E, 3, 1.f);
      return;
    }
  add_layer (d, rand, c0, E / 4, E, 3, 1.5f);
  add_layer (d, rand, c2, E / 4, E / 4, 1, 1.5f);
  add_layer (d, rand, c4, E, E / 4, 3, 1.f);
}

/* relative_position_index as the published code builds it */
static void
rel_index (int ws, gint64 *idx)
{
  const int n = ws * ws;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      {
        /* coords_flatten[:, i] − coords_flatten[:, j], shifted and folded */
        const int dh = i / ws - j / ws + ws - 1, dw = i % ws - j % ws + ws - 1;
        idx[i * n + j] = (gint64) dh * (2 * ws - 1) + dw;
      }
}

/* calculate_mask ((H, W)) for window @ws and shift @s: [nW][N][N] */
static float *
calc_mask (int H, int W, int ws, int s, int *n_windows)
{
  const int N = ws * ws, nwx = W / ws, nw = (H / ws) * nwx;
  g_autofree int *img = g_new0 (int, H * W);
  float *mask = g_new (float, (gsize) nw * N * N);
  /* h_slices = (slice (0, −ws), slice (−ws, −s), slice (−s, None)) */
  const int hb[4] = { 0, H - ws, H - s, H }, wb[4] = { 0, W - ws, W - s, W };
  int cnt = 0;

  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++, cnt++)
      for (int y = hb[a]; y < hb[a + 1]; y++)
        for (int x = wb[b]; x < wb[b + 1]; x++)
          img[y * W + x] = cnt;
  for (int w = 0; w < nw; w++)
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++)
        {
          const int wy = w / nwx * ws, wx = w % nwx * ws;
          const int mi = img[(wy + i / ws) * W + wx + i % ws];
          const int mj = img[(wy + j / ws) * W + wx + j % ws];
          /* mask_windows.unsqueeze (1) − mask_windows.unsqueeze (2): [w, j, i]… the
           * difference is 0 or not either way */
          mask[((gsize) w * N + i) * N + j] = mi != mj ? -100.f : 0.f;
        }
  *n_windows = nw;
  return mask;
}

static WwDict *
swin_dict (const SwinCase *sc, guint32 seed)
{
  WwDict *d = ww_dict_new ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  const int E = sc->dim, ws = sc->window, tw = 2 * ws - 1;
  /* the output is divided by img_range (255 for window 7) */
  const float out_amp = ws == 7 ? 1.5f * 255 : 1.5f;

  add_layer (d, rand, "conv_first", E, 3, 3, sc->window == 7 ? 0.02f : 3.f);
  if (sc->patch_norm)
    add_norm (d, rand, "patch_embed.norm", E);
  for (int i = 0; i < sc->n_layers; i++)
    {
      for (int j = 0; j < sc->depth; j++)
        {
          g_autofree char *p = g_strdup_printf ("layers.%d.residual_group.blocks.%d", i, j);
          g_autofree char *n1 = g_strconcat (p, ".norm1", NULL);
          g_autofree char *n2 = g_strconcat (p, ".norm2", NULL);
          g_autofree char *tk = g_strconcat (p, ".attn.relative_position_bias_table", NULL);
          g_autofree char *qkv = g_strconcat (p, ".attn.qkv", NULL);
          g_autofree char *proj = g_strconcat (p, ".attn.proj", NULL);
          g_autofree char *fc1 = g_strconcat (p, ".mlp.fc1", NULL);
          g_autofree char *fc2 = g_strconcat (p, ".mlp.fc2", NULL);

          add_norm (d, rand, n1, E);
          if (sc->buffers)
            {
              g_autofree char *ik = g_strconcat (p, ".attn.relative_position_index", NULL);
              g_autofree gint64 *idx = g_new (gint64, ws * ws * ws * ws);
              g_autofree float *v = g_new (float, ws * ws * ws * ws);
              rel_index (ws, idx);
              for (int k = 0; k < ws * ws * ws * ws; k++)
                v[k] = (float) idx[k];
              ww_dict_add (d, ik, ENLARGE_DTYPE_I64, v, 2, (gint64) ws * ws, (gint64) ws * ws);
            }
          add_random (d, rand, tk, -1.f, 1.f, 2, tw * tw, sc->heads, 0);
          add_layer (d, rand, qkv, 3 * E, E, 0, 3.f);
          add_layer (d, rand, proj, E, E, 0, 1.f);
          add_norm (d, rand, n2, E);
          add_layer (d, rand, fc1, 2 * E, E, 0, 2.f);
          add_layer (d, rand, fc2, E, 2 * E, 0, 1.f);
          if (sc->buffers && j % 2 == 1)
            {
              g_autofree char *mk = g_strconcat (p, ".attn_mask", NULL);
              const int size = IMG_SIZE / ws * ws;
              int nw;
              g_autofree float *m = calc_mask (size, size, ws, ws / 2, &nw);
              ww_dict_add (d, mk, ENLARGE_DTYPE_F32, m, 3, (gint64) nw, (gint64) ws * ws,
                           (gint64) ws * ws);
            }
        }
      {
        g_autofree char *ck = g_strdup_printf ("layers.%d.conv", i);
        add_resi (d, rand, sc, ck);
      }
    }
  add_norm (d, rand, "norm", E);
  add_resi (d, rand, sc, "conv_after_body");
  switch (sc->up)
    {
    case UP_NONE:
      add_layer (d, rand, "conv_last", 3, E, 3, 0.3f);
      break;
    case UP_PSD:
      add_layer (d, rand, "upsample.0", 3 * sc->scale * sc->scale, E, 3, 0.3f);
      break;
    case UP_PS:
      add_layer (d, rand, "conv_before_upsample.0", NF, E, 3, 1.f);
      if (sc->scale == 3)
        add_layer (d, rand, "upsample.0", 9 * NF, NF, 3, 1.f);
      for (int k = 0; sc->scale != 3 && (1 << k) < sc->scale; k++)
        {
          g_autofree char *uk = g_strdup_printf ("upsample.%d", 2 * k);
          add_layer (d, rand, uk, 4 * NF, NF, 3, 1.f);
        }
      add_layer (d, rand, "conv_last", 3, NF, 3, out_amp);
      break;
    case UP_NC:
    default:
      add_layer (d, rand, "conv_before_upsample.0", NF, E, 3, 1.f);
      add_layer (d, rand, "conv_up1", NF, NF, 3, 1.f);
      if (sc->scale == 4)
        add_layer (d, rand, "conv_up2", NF, NF, 3, 1.f);
      add_layer (d, rand, "conv_hr", NF, NF, 3, 1.f);
      add_layer (d, rand, "conv_last", 3, NF, 3, out_amp);
      break;
    }
  return d;
}

/* ---------- the published forward pass, in tokens × channels ---------- */

/* B = 1: an H × W × C tensor, x.view (B, H, W, C) of the tokens */
typedef struct {
  int h, w, c;
  double *v;
} Tok;

static Tok
tok_new (int h, int w, int c)
{
  return (Tok) { h, w, c, g_new0 (double, (gsize) h * w * c) };
}

#define T(t, y, x, ch) ((t).v[((gsize) (y) * (t).w + (x)) * (t).c + (ch)])

static void
tok_replace (Tok *t, Tok n)
{
  g_free (t->v);
  *t = n;
}

/* nn.Linear: x @ Wᵀ + b */
static Tok
linear (const WwDict *d, const char *prefix, Tok x, int out)
{
  const float *w = ww_dict_get (d, prefix, ".weight"), *b = ww_dict_get (d, prefix, ".bias");
  Tok y = tok_new (x.h, x.w, out);
  for (gsize l = 0; l < (gsize) x.h * x.w; l++)
    for (int o = 0; o < out; o++)
      {
        double acc = b[o];
        for (int i = 0; i < x.c; i++)
          acc += (double) w[o * x.c + i] * x.v[l * x.c + i];
        y.v[l * out + o] = acc;
      }
  return y;
}

/* nn.Conv2d (in, out, k, 1, k / 2) on the image the tokens unembed to */
static Tok
conv (const WwDict *d, const char *prefix, Tok x, int out, int k)
{
  const float *w = ww_dict_get (d, prefix, ".weight"), *b = ww_dict_get (d, prefix, ".bias");
  Tok y = tok_new (x.h, x.w, out);
  for (int oy = 0; oy < x.h; oy++)
    for (int ox = 0; ox < x.w; ox++)
      for (int o = 0; o < out; o++)
        {
          double acc = b[o];
          for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
              {
                const int iy = oy + ky - k / 2, ix = ox + kx - k / 2;
                if (iy < 0 || iy >= x.h || ix < 0 || ix >= x.w)
                  continue;
                for (int i = 0; i < x.c; i++)
                  acc += (double) w[((o * x.c + i) * k + ky) * k + kx] * T (x, iy, ix, i);
              }
          T (y, oy, ox, o) = acc;
        }
  return y;
}

static void
leaky (Tok *x, double slope)
{
  for (gsize i = 0; i < (gsize) x->h * x->w * x->c; i++)
    if (x->v[i] < 0)
      x->v[i] *= slope;
}

/* nn.LayerNorm (C): biased variance, eps 1e-5 */
static Tok
layer_norm (const WwDict *d, const char *prefix, Tok x)
{
  const float *g = ww_dict_get (d, prefix, ".weight"), *b = ww_dict_get (d, prefix, ".bias");
  Tok y = tok_new (x.h, x.w, x.c);
  for (gsize l = 0; l < (gsize) x.h * x.w; l++)
    {
      double mean = 0, var = 0;
      for (int i = 0; i < x.c; i++)
        mean += x.v[l * x.c + i];
      mean /= x.c;
      for (int i = 0; i < x.c; i++)
        var += (x.v[l * x.c + i] - mean) * (x.v[l * x.c + i] - mean);
      var /= x.c;
      for (int i = 0; i < x.c; i++)
        y.v[l * x.c + i] = (x.v[l * x.c + i] - mean) / sqrt (var + 1e-5) * g[i] + b[i];
    }
  return y;
}

static void
add_into (Tok *x, Tok y)
{
  for (gsize i = 0; i < (gsize) x->h * x->w * x->c; i++)
    x->v[i] += y.v[i];
  g_free (y.v);
}

/* torch.roll (x, shifts=(sh, sh), dims=(1, 2)): out[i] = in[i − sh] */
static Tok
roll (Tok x, int sh)
{
  Tok y = tok_new (x.h, x.w, x.c);
  for (int yy = 0; yy < x.h; yy++)
    for (int xx = 0; xx < x.w; xx++)
      memcpy (&T (y, yy, xx, 0),
              &T (x, ((yy - sh) % x.h + x.h) % x.h, ((xx - sh) % x.w + x.w) % x.w, 0),
              sizeof (double) * x.c);
  return y;
}

/* WindowAttention on the windows of @x (already rolled), with @mask
 * ([nW][N][N]) or NULL; returns attn @ v before proj, window_reverse'd */
static Tok
window_attention (const WwDict *d, const char *p, Tok x, int ws, int heads, const float *mask)
{
  const int C = x.c, hd = C / heads, N = ws * ws, nwx = x.w / ws, nw = x.h / ws * nwx;
  g_autofree char *qkv_k = g_strconcat (p, ".attn.qkv", NULL);
  g_autofree char *tk = g_strconcat (p, ".attn.relative_position_bias_table", NULL);
  const float *table = ww_dict_get (d, tk, "");
  const double scale = pow (hd, -0.5);
  g_autofree gint64 *rpi = g_new (gint64, N * N);
  g_autofree double *attn = g_new (double, N);
  Tok qkv = linear (d, qkv_k, x, 3 * C), out = tok_new (x.h, x.w, C);

  rel_index (ws, rpi);
  for (int w = 0; w < nw; w++)
    {
      /* window_partition: windows in row-major order, tokens row-major within */
      const int wy = w / nwx * ws, wx = w % nwx * ws;
      for (int h = 0; h < heads; h++)
        for (int n = 0; n < N; n++)
          {
            /* qkv.reshape (B_, N, 3, heads, C / heads): channel s·C + h·hd + e */
            const double *q = &T (qkv, wy + n / ws, wx + n % ws, h * hd);
            double max = -INFINITY, sum = 0;
            for (int m = 0; m < N; m++)
              {
                const double *k = &T (qkv, wy + m / ws, wx + m % ws, C + h * hd);
                double a = 0;
                for (int e = 0; e < hd; e++)
                  a += q[e] * scale * k[e];
                a += table[rpi[n * N + m] * heads + h];
                if (mask != NULL)
                  a += mask[((gsize) w * N + n) * N + m];
                attn[m] = a;
                max = MAX (max, a);
              }
            for (int m = 0; m < N; m++)
              sum += attn[m] = exp (attn[m] - max);
            for (int e = 0; e < hd; e++)
              {
                double acc = 0;
                for (int m = 0; m < N; m++)
                  acc += attn[m] / sum * T (qkv, wy + m / ws, wx + m % ws, 2 * C + h * hd + e);
                /* (attn @ v).transpose (1, 2).reshape (B_, N, C) */
                T (out, wy + n / ws, wx + n % ws, h * hd + e) = acc;
              }
          }
    }
  g_free (qkv.v);
  return out;
}

static void
swin_block (const WwDict *d, const char *p, Tok *x, int ws, int heads, int shift)
{
  g_autofree char *n1 = g_strconcat (p, ".norm1", NULL);
  g_autofree char *n2 = g_strconcat (p, ".norm2", NULL);
  g_autofree char *proj = g_strconcat (p, ".attn.proj", NULL);
  g_autofree char *fc1 = g_strconcat (p, ".mlp.fc1", NULL);
  g_autofree char *fc2 = g_strconcat (p, ".mlp.fc2", NULL);
  g_autofree float *mask = NULL;
  Tok y = layer_norm (d, n1, *x), a, h;
  int nw;

  if (shift > 0)
    {
      tok_replace (&y, roll (y, -shift));
      mask = calc_mask (x->h, x->w, ws, shift, &nw);
    }
  a = window_attention (d, p, y, ws, heads, mask);
  tok_replace (&a, linear (d, proj, a, x->c));
  if (shift > 0)
    tok_replace (&a, roll (a, shift));
  add_into (x, a);
  g_free (y.v);
  /* x + mlp (norm2 (x)), nn.GELU () exact */
  y = layer_norm (d, n2, *x);
  h = linear (d, fc1, y, 2 * x->c);
  for (gsize i = 0; i < (gsize) h.h * h.w * h.c; i++)
    h.v[i] = 0.5 * h.v[i] * (1 + erf (h.v[i] / sqrt (2.0)));
  add_into (x, linear (d, fc2, h, x->c));
  g_free (y.v);
  g_free (h.v);
}

static Tok
resi (const WwDict *d, const SwinCase *sc, const char *prefix, Tok x)
{
  g_autofree char *c0 = g_strconcat (prefix, ".0", NULL);
  g_autofree char *c2 = g_strconcat (prefix, ".2", NULL);
  g_autofree char *c4 = g_strconcat (prefix, ".4", NULL);
  Tok y;

  if (!sc->three)
    return conv (d, prefix, x, x.c, 3);
  y = conv (d, c0, x, x.c / 4, 3);
  leaky (&y, 0.2);
  tok_replace (&y, conv (d, c2, y, x.c / 4, 1));
  leaky (&y, 0.2);
  tok_replace (&y, conv (d, c4, y, x.c, 3));
  return y;
}

/* nn.PixelShuffle (r): out[c, y·r + i, x·r + j] = in[c·r² + i·r + j, y, x] */
static Tok
pixel_shuffle (Tok x, int r)
{
  Tok y = tok_new (x.h * r, x.w * r, x.c / (r * r));
  for (int yy = 0; yy < x.h; yy++)
    for (int xx = 0; xx < x.w; xx++)
      for (int c = 0; c < y.c; c++)
        for (int i = 0; i < r; i++)
          for (int j = 0; j < r; j++)
            T (y, yy * r + i, xx * r + j, c) = T (x, yy, xx, c * r * r + i * r + j);
  return y;
}

static Tok
nearest2 (Tok x)
{
  Tok y = tok_new (x.h * 2, x.w * 2, x.c);
  for (int yy = 0; yy < y.h; yy++)
    for (int xx = 0; xx < y.w; xx++)
      memcpy (&T (y, yy, xx, 0), &T (x, yy / 2, xx / 2, 0), sizeof (double) * x.c);
  return y;
}

static int
reflect (int i, int n)
{
  return i < n ? i : 2 * (n - 1) - i;
}

static EnlargeTensor *
swin_forward (const WwDict *d, const SwinCase *sc, const EnlargeTensor *in)
{
  static const double mean[3] = { 0.4488, 0.4371, 0.4040 };
  const int ws = sc->window, s = sc->scale, E = sc->dim;
  const double range = ws == 7 ? 255.0 : 1.0;
  /* check_image_size: F.pad (x, (0, pw, 0, ph), 'reflect') */
  const int H = (in->h + ws - 1) / ws * ws, W = (in->w + ws - 1) / ws * ws;
  Tok x = tok_new (H, W, 3), f, t, y;
  EnlargeTensor *out;

  for (int yy = 0; yy < H; yy++)
    for (int xx = 0; xx < W; xx++)
      for (int c = 0; c < 3; c++)
        T (x, yy, xx, c) = (enlarge_tensor_channel (in, c)[reflect (yy, in->h) * in->w +
                                                            reflect (xx, in->w)] - mean[c]) * range;
  f = conv (d, "conv_first", x, E, 3);
  /* forward_features: patch_embed (+ norm), layers, norm */
  t = sc->patch_norm ? layer_norm (d, "patch_embed.norm", f) : tok_new (H, W, E);
  if (!sc->patch_norm)
    memcpy (t.v, f.v, sizeof (double) * H * W * E);
  for (int i = 0; i < sc->n_layers; i++)
    {
      g_autofree char *ck = g_strdup_printf ("layers.%d.conv", i);
      Tok r = tok_new (H, W, E);
      memcpy (r.v, t.v, sizeof (double) * H * W * E);
      for (int j = 0; j < sc->depth; j++)
        {
          g_autofree char *p = g_strdup_printf ("layers.%d.residual_group.blocks.%d", i, j);
          swin_block (d, p, &t, ws, sc->heads, j % 2 == 0 ? 0 : ws / 2);
        }
      /* patch_embed (conv (patch_unembed (…))) + x */
      tok_replace (&t, resi (d, sc, ck, t));
      add_into (&t, r);
    }
  tok_replace (&t, layer_norm (d, "norm", t));
  y = resi (d, sc, "conv_after_body", t);
  add_into (&y, f);   /* frees f */
  f.v = NULL;
  g_free (t.v);
  switch (sc->up)
    {
    case UP_NONE:
      /* x + conv_last (res) */
      tok_replace (&y, conv (d, "conv_last", y, 3, 3));
      add_into (&y, x);
      x.v = NULL;
      break;
    case UP_PSD:
      tok_replace (&y, conv (d, "upsample.0", y, 3 * s * s, 3));
      tok_replace (&y, pixel_shuffle (y, s));
      break;
    case UP_PS:
      tok_replace (&y, conv (d, "conv_before_upsample.0", y, NF, 3));
      leaky (&y, 0.01);   /* nn.LeakyReLU (inplace=True) */
      for (int k = 0, done = 1; done < s; k++, done *= s == 3 ? 3 : 2)
        {
          g_autofree char *uk = g_strdup_printf ("upsample.%d", 2 * k);
          const int r = s == 3 ? 3 : 2;
          tok_replace (&y, conv (d, uk, y, r * r * NF, 3));
          tok_replace (&y, pixel_shuffle (y, r));
        }
      tok_replace (&y, conv (d, "conv_last", y, 3, 3));
      break;
    case UP_NC:
    default:
      tok_replace (&y, conv (d, "conv_before_upsample.0", y, NF, 3));
      leaky (&y, 0.01);
      for (int k = 1; k <= (s == 4 ? 2 : 1); k++)
        {
          g_autofree char *ck = g_strdup_printf ("conv_up%d", k);
          Tok u = nearest2 (y);
          tok_replace (&y, conv (d, ck, u, NF, 3));
          g_free (u.v);
          leaky (&y, 0.2);
        }
      tok_replace (&y, conv (d, "conv_hr", y, NF, 3));
      leaky (&y, 0.2);
      tok_replace (&y, conv (d, "conv_last", y, 3, 3));
      break;
    }
  /* x / img_range + mean, then x[:, :, :H·s, :W·s] */
  out = enlarge_tensor_new (3, in->h * s, in->w * s, NULL);
  for (int c = 0; c < 3; c++)
    for (int yy = 0; yy < out->h; yy++)
      for (int xx = 0; xx < out->w; xx++)
        enlarge_tensor_channel (out, c)[yy * out->w + xx] =
          (float) (T (y, yy, xx, c) / range + mean[c]);
  g_free (x.v);
  g_free (f.v);
  g_free (y.v);
  return out;
}

/* ---------- tests ---------- */

static GBytes *
write_case (const SwinCase *sc, const WwDict *d)
{
  const WwOptions opt = { 0 };
  return sc->zip ? ww_write_torch_zip (d, &opt) : ww_write_safetensors (d, &opt);
}

static EnlargeNet *
import_case (const SwinCase *sc, WwDict **dict_out)
{
  g_autoptr (WwDict) d = swin_dict (sc, (guint32) (sc->dim * 100 + sc->window * 10 + sc->scale));
  g_autoptr (GBytes) bytes = write_case (sc, d);
  const char *name = sc->zip ? "swinir.pth" : "swinir.safetensors";
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeWeights) w = enlarge_weights_load_from_bytes (bytes, name, &error);
  EnlargeNet *net;

  g_assert_no_error (error);
  net = enlarge_import_weights (w, name, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (net->architecture, ==, "SwinIR");
  g_assert_cmpint (net->scale, ==, sc->scale);
  g_assert_cmpint (net->grid, ==, sc->window);
  g_assert_nonnull (strstr (net->variant, up_names[sc->up]));
  g_test_message ("%s: SwinIR %d×, %s; receptive radius %d", name, net->scale, net->variant,
                  net->receptive_radius);
  if (dict_out)
    *dict_out = g_steal_pointer (&d);
  return net;
}

static void
test_reference (void)
{
  g_autoptr (EnlargeBackend) ref = enlarge_backend_new_reference ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (WwDict) d = NULL;
      g_autoptr (EnlargeNet) net = import_case (&cases[i], &d);
      /* 13 × 10: not a multiple of any window, so the padding counts */
      g_autoptr (EnlargeTensor) in = etu_gradient_tensor (13, 10, i);
      g_autoptr (EnlargeTensor) want = swin_forward (d, &cases[i], in);
      g_autoptr (GError) error = NULL;
      g_autoptr (EnlargeTensor) got = enlarge_backend_run (ref, net, in, NULL, &error);
      double db;

      g_assert_no_error (error);
      db = etu_tensor_psnr_range (want, got);
      g_test_message ("SwinIR dim %d, window %d, %s %d×: reference backend against the "
                      "published forward pass %.1f dB", cases[i].dim, cases[i].window,
                      up_names[cases[i].up], cases[i].scale, db);
      g_assert_cmpfloat (db, >=, 90);
    }
}

/* The comparison is not blind: the shifted blocks' mask, the bias table,
 * the roll's direction and the padding each move the result */
static void
test_sensitive (void)
{
  const SwinCase *sc = &cases[0];
  g_autoptr (EnlargeBackend) ref = enlarge_backend_new_reference ();
  g_autoptr (WwDict) d = NULL;
  g_autoptr (EnlargeNet) net = import_case (sc, &d);
  g_autoptr (EnlargeTensor) in = etu_gradient_tensor (13, 10, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeTensor) got = enlarge_backend_run (ref, net, in, NULL, &error);
  static const char *const what[] = { "bias table of a shifted block", "roll the other way",
                                       "no shift" };

  g_assert_no_error (error);
  for (guint k = 0; k < G_N_ELEMENTS (what); k++)
    {
      g_autoptr (EnlargeNet) other = import_case (sc, NULL);
      g_autoptr (EnlargeTensor) out = NULL;
      double db;
      for (int i = 0; i < other->n_layers; i++)
        {
          EnlargeLayer *l = &other->layers[i];
          EnlargeAttentionParams *p = l->data;
          if (l->op != &enlarge_op_window_attention || p->shift == 0)
            continue;
          if (k == 0)
            p->bias_table[5 * p->heads] += 2.f;
          else if (k == 1)
            p->shift = p->window - p->shift + 1;
          else
            p->shift = 0;
        }
      out = enlarge_backend_run (ref, other, in, NULL, &error);
      g_assert_no_error (error);
      db = etu_tensor_psnr_range (got, out);
      g_test_message ("%s: %.1f dB", what[k], db);
      g_assert_cmpfloat (db, <, 60);
    }
}

static void
test_opencl (void)
{
  g_autoptr (EnlargeBackend) ref = enlarge_backend_new_reference ();
  g_autoptr (EnlargeBackend) cl = etu_opencl_or_skip ();

  if (cl == NULL)
    return;
  g_test_message ("OpenCL device: %s", enlarge_backend_get_device (cl)->name);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (EnlargeNet) net = import_case (&cases[i], NULL);
      g_autoptr (EnlargeTensor) in = etu_gradient_tensor (37, 26, i);
      const double db = etu_opencl_against_reference (ref, cl, net, in);

      g_test_message ("SwinIR dim %d, window %d, %s %d× on 37×26: OpenCL against the "
                      "reference %.1f dB", cases[i].dim, cases[i].window,
                      up_names[cases[i].up], cases[i].scale, db);
      g_assert_cmpfloat (db, >=, 90);
    }
}

static void
test_tiled (void)
{
  g_autoptr (EnlargeBackend) backend = enlarge_backend_new ("auto", NULL);
  static const guint which[] = { 0, 2, 3 };

  for (guint n = 0; n < G_N_ELEMENTS (which); n++)
    {
      const SwinCase *sc = &cases[which[n]];
      g_autoptr (EnlargeNet) net = import_case (sc, NULL);
      g_autoptr (EnlargeImage) image = etu_wave_image (75, 53, n);
      g_autoptr (EnlargeImage) whole = NULL;
      g_autoptr (GError) error = NULL;
      EnlargeUpscaleOptions options = ENLARGE_UPSCALE_OPTIONS_INIT;
      const int margin = enlarge_upscale_auto_margin (net);

      options.tile_size = 1024;
      whole = enlarge_upscale (backend, net, image, &options, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (whole->width, ==, 75 * sc->scale);
      g_assert_cmpint (whole->height, ==, 53 * sc->scale);
      /* the automatic margin, and the tiles where the grid would be lost */
      for (int unaligned = 0; unaligned < 2; unaligned++)
        {
          g_autoptr (EnlargeImage) tiled = NULL;
          double db;
          options.tile_size = 32;
          options.margin = margin;
          if (unaligned)
            net->grid = 1;
          tiled = enlarge_upscale (backend, net, image, &options, NULL, &error);
          g_assert_no_error (error);
          db = enlarge_image_psnr (whole, tiled);
          g_test_message ("SwinIR window %d, %s %d× on 75×53: 32 px tiles, margin %d (radius "
                          "%d), %s: %.1f dB against one tile", sc->window, up_names[sc->up],
                          sc->scale, margin, net->receptive_radius,
                          unaligned ? "tiles off the window grid" : "tiles on the window grid",
                          db);
          if (!unaligned)
            g_assert_cmpfloat (db, >=, 45);
          net->grid = sc->window;
        }
    }
}

/* A wrong shape or a missing tensor names it and the file */
static void
test_errors (void)
{
  g_autoptr (WwDict) d = swin_dict (&cases[0], 1);
  const WwOptions opt = { 0 };
  static const char *const wrong[] = {
    "layers.1.residual_group.blocks.1.attn.qkv.weight",
    "layers.0.residual_group.blocks.0.attn.relative_position_bias_table",
    "layers.0.residual_group.blocks.1.attn.relative_position_index",
    "layers.1.conv.weight", "norm.weight", "conv_last.weight", "upsample.0.weight",
  };

  for (guint k = 0; k < G_N_ELEMENTS (wrong) + 1; k++)
    {
      g_autoptr (WwDict) e = ww_dict_new ();
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (EnlargeWeights) w = NULL;
      g_autoptr (EnlargeNet) net = NULL;
      g_autoptr (GError) error = NULL;

      for (guint i = 0; i < d->tensors->len; i++)
        {
          const WwTensor *t = d->tensors->pdata[i];
          WwTensor *c;
          /* the last case: a tensor the network does not have */
          if (k < G_N_ELEMENTS (wrong) && strcmp (t->name, wrong[k]) == 0)
            c = ww_dict_add (e, t->name, t->dtype, NULL, 1, (gint64) ww_tensor_numel (t) + 1);
          else
            c = ww_dict_add (e, t->name, t->dtype, t->values, 1, (gint64) ww_tensor_numel (t));
          c->n_dims = t->n_dims;
          memcpy (c->shape, t->shape, sizeof t->shape);
          if (k < G_N_ELEMENTS (wrong) && strcmp (t->name, wrong[k]) == 0)
            c->shape[0]++;
        }
      if (k == G_N_ELEMENTS (wrong))
        ww_dict_add (e, "layers.0.residual_group.blocks.0.attn.extra", ENLARGE_DTYPE_F32, NULL, 1,
                     (gint64) 3);
      bytes = ww_write_safetensors (e, &opt);
      w = enlarge_weights_load_from_bytes (bytes, "bad.safetensors", &error);
      g_assert_no_error (error);
      net = enlarge_import_weights (w, "bad.safetensors", &error);
      g_assert_null (net);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, "bad.safetensors"));
      g_assert_nonnull (strstr (error->message, k < G_N_ELEMENTS (wrong) ? wrong[k] : "extra"));
    }
}

/* SwinIR-light (embed 60, depths [6, 6, 6, 6], 6 heads, window 8,
 * pixelshuffledirect ×4) on 64 × 64: seconds on the reference path and on
 * OpenCL, and 48 px tiles against one tile. -m perf only. */
static void
test_speed (void)
{
  static const SwinCase light = { 60, 4, 6, 6, 8, 4, UP_PSD, FALSE, TRUE, TRUE, TRUE };
  g_autoptr (EnlargeBackend) ref = enlarge_backend_new_reference ();
  g_autoptr (EnlargeBackend) cl = NULL;
  g_autoptr (EnlargeNet) net = NULL;
  g_autoptr (EnlargeTensor) in = etu_gradient_tensor (64, 64, 3);
  g_autoptr (EnlargeTensor) a = NULL;
  g_autoptr (EnlargeTensor) b = NULL;
  g_autoptr (GError) error = NULL;
  gint64 t0;
  double t_ref, t_cl = 0;

  if (!g_test_perf ())
    {
      g_test_skip ("a measurement: -m perf");
      return;
    }
  net = import_case (&light, NULL);
  t0 = g_get_monotonic_time ();
  a = enlarge_backend_run (ref, net, in, NULL, &error);
  g_assert_no_error (error);
  t_ref = (g_get_monotonic_time () - t0) / 1e6;
  g_test_message ("SwinIR-light 4× on 64×64: reference %.2f s", t_ref);
  {
    /* the time of each op type on the CPU device, on stderr */
    EnlargeBackendOptions o = ENLARGE_BACKEND_OPTIONS_INIT;
    o.profile = ENLARGE_PROFILE_OPS;
    cl = enlarge_backend_new_full ("cpu", &o, NULL);
  }
  if (cl == NULL)
    {
      g_test_skip ("no OpenCL CPU device");
      return;
    }
  for (int k = 0; k < 2; k++)
    {
      /* the first run builds the kernels and uploads the weights */
      g_clear_pointer (&b, enlarge_tensor_free);
      t0 = g_get_monotonic_time ();
      b = enlarge_backend_run (cl, net, in, NULL, &error);
      g_assert_no_error (error);
      t_cl = (g_get_monotonic_time () - t0) / 1e6;
      g_test_message ("SwinIR-light 4× on 64×64: OpenCL (%s) run %d %.2f s",
                      enlarge_backend_get_device (cl)->name, k + 1, t_cl);
    }
  g_test_message ("OpenCL against the reference %.1f dB", etu_tensor_psnr_range (a, b));

  {
    g_autoptr (EnlargeImage) image = enlarge_image_new (96, 80, 3, NULL);
    g_autoptr (EnlargeImage) whole = NULL;
    EnlargeUpscaleOptions options = ENLARGE_UPSCALE_OPTIONS_INIT;
    for (gsize i = 0; i < (gsize) 96 * 80 * 3; i++)
      image->pixels[i] = (guint8) (128 + 100 * sin (i * 0.013) * cos (i * 0.0007));
    options.tile_size = 1024;
    whole = enlarge_upscale (cl, net, image, &options, NULL, &error);
    g_assert_no_error (error);
    for (int margin = 16; margin <= 64; margin += 24)
      {
        g_autoptr (EnlargeImage) tiled = NULL;
        options.tile_size = 48;
        options.margin = margin;
        t0 = g_get_monotonic_time ();
        tiled = enlarge_upscale (cl, net, image, &options, NULL, &error);
        g_assert_no_error (error);
        g_test_message ("SwinIR-light on 96×80: 48 px tiles, margin %d (radius %d): %.1f dB "
                        "against one tile, %.2f s", margin, net->receptive_radius,
                        enlarge_image_psnr (whole, tiled),
                        (g_get_monotonic_time () - t0) / 1e6);
      }
  }
}

/* enlarge-cli -m FILE: the plan names SwinIR and its scale; the run
 * writes an image of that scale */
static void
test_cli (void)
{
  g_auto (EtuTempDir) tmp = { etu_make_temp_dir ("enlarge-swinir-XXXXXX") };
  static const guint which[] = { 1, 3 };

  for (guint n = 0; n < G_N_ELEMENTS (which); n++)
    {
      const SwinCase *sc = &cases[which[n]];
      g_autoptr (WwDict) d = swin_dict (sc, 7);
      g_autoptr (GBytes) bytes = write_case (sc, d);
      g_autofree char *model = g_build_filename (tmp.path, sc->zip ? "m.pth" : "m.safetensors",
                                                 NULL);
      g_autofree char *input = g_build_filename (tmp.path, "in.png", NULL);
      g_autofree char *output = g_build_filename (tmp.path, "out.png", NULL);
      g_autofree char *want = g_strdup_printf ("(SwinIR, %d×): 29 × 21 → %d× model → %d × %d",
                                               sc->scale, sc->scale, 29 * sc->scale,
                                               21 * sc->scale);
      g_autoptr (EnlargeImage) image = enlarge_image_new (29, 21, 3, NULL);
      g_autoptr (EnlargeImage) out = NULL;
      g_autoptr (GError) error = NULL;
      g_auto (EtuCliResult) plan = { 0 };
      g_auto (EtuCliResult) run = { 0 };

      etu_write_file (model, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      for (gsize i = 0; i < (gsize) 29 * 21 * 3; i++)
        image->pixels[i] = (guint8) (i * 7 % 251);
      g_assert_true (enlarge_image_save (image, input, NULL, &error));
      g_assert_no_error (error);
      etu_run_cli (&plan, tmp.path, "-m", model, "--dry-run", "in.png", NULL);
      g_assert_cmpint (plan.status, ==, 0);
      g_test_message ("%s", plan.out);
      etu_assert_contains (plan.out, want);
      etu_run_cli (&run, tmp.path, "-q", "-m", model, "in.png", "-o", "out.png", NULL);
      g_assert_cmpint (run.status, ==, 0);
      out = enlarge_image_load (output, &error);
      g_assert_no_error (error);
      g_assert_cmpint (out->width, ==, 29 * sc->scale);
      g_assert_cmpint (out->height, ==, 21 * sc->scale);
      g_assert_cmpint (g_unlink (output), ==, 0);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/import/swinir/reference", test_reference);
  g_test_add_func ("/import/swinir/sensitive", test_sensitive);
  g_test_add_func ("/import/swinir/opencl", test_opencl);
  g_test_add_func ("/import/swinir/tiled", test_tiled);
  g_test_add_func ("/import/swinir/errors", test_errors);
  g_test_add_func ("/import/swinir/cli", test_cli);
  g_test_add_func ("/import/swinir/speed", test_speed);
  return g_test_run ();
}
