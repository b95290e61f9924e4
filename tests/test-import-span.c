/* SPAN checkpoints (enlarge-import-span.c).
 *
 * Random-weight state dicts in the official key layout (spandrel's
 * architectures/SPAN: conv_1, block_1…6 of three Conv3XC each, conv_cat,
 * conv_2, upsampler.0, and no_norm when the input is not normalised) are
 * written as .pth zip and .safetensors files. The imported network must
 * reproduce, on the reference backend, a forward pass written out below
 * from the published definition without the importer's shortcuts: each
 * Conv3XC evaluated as its branches (a 1×1 skip plus 1×1 → unpadded 3×3
 * → 1×1 on the input zero-padded by one, which is what the 3×3 eval_conv
 * spandrel rebuilds from them computes), SiLU and the sigmoid gate
 * computed directly, PyTorch's pixel shuffle index by index. Then OpenCL
 * against the reference, and 32 px tiles against one tile. */

#include <math.h>
#include <string.h>

#include "enlarge.h"
#include "enlarge-op.h"
#include "enlarge-test-utils.h"
#include "span-writer.h"
#include "weights-writer.h"

static const SpanCase cases[] = {
  { 16, 2, FALSE, FALSE, TRUE },
  { 24, 4, FALSE, FALSE, FALSE },
  { 16, 4, FALSE, FALSE, TRUE },
  { 24, 2, FALSE, TRUE, FALSE },
  { 16, 2, TRUE, FALSE, FALSE },
  { 24, 1, FALSE, FALSE, TRUE },    /* 1×: no pixel shuffle */
};

/* ---------- the published forward pass, straightforwardly ---------- */

typedef struct {
  int c, h, w;
  float *v;
} Map;

static Map
map_new (int c, int h, int w)
{
  return (Map) { c, h, w, g_new0 (float, (gsize) c * h * w) };
}

#define AT(m, ch, y, x) ((m).v[((gsize) (ch) * (m).h + (y)) * (m).w + (x)])

/* nn.Conv2d (in, out, k, padding=pad) on @x: output size h + 2·pad − k + 1 */
static Map
conv2d (Map x, const float *w, const float *b, int out, int k, int pad)
{
  Map y = map_new (out, x.h + 2 * pad - k + 1, x.w + 2 * pad - k + 1);
  for (int o = 0; o < out; o++)
    for (int oy = 0; oy < y.h; oy++)
      for (int ox = 0; ox < y.w; ox++)
        {
          double acc = b[o];
          for (int i = 0; i < x.c; i++)
            for (int ky = 0; ky < k; ky++)
              for (int kx = 0; kx < k; kx++)
                {
                  const int iy = oy + ky - pad, ix = ox + kx - pad;
                  if (iy >= 0 && iy < x.h && ix >= 0 && ix < x.w)
                    acc += (double) w[((o * x.c + i) * k + ky) * k + kx] * AT (x, i, iy, ix);
                }
          AT (y, o, oy, ox) = (float) acc;
        }
  return y;
}

static Map
conv (const WwDict *d, const char *prefix, Map x, int out, int k)
{
  return conv2d (x, ww_dict_get (d, prefix, ".weight"), ww_dict_get (d, prefix, ".bias"), out, k, k / 2);
}

/* Conv3XC: eval_conv alone, or sk (x) + conv.2 (conv.1 (conv.0 (pad₁ x))) */
static Map
conv3xc (const WwDict *d, const SpanCase *sc, const char *prefix, Map x, int out)
{
  g_autofree char *ev = g_strconcat (prefix, ".eval_conv", NULL);
  g_autofree char *sk = g_strconcat (prefix, ".sk", NULL);
  g_autofree char *c0 = g_strconcat (prefix, ".conv.0", NULL);
  g_autofree char *c1 = g_strconcat (prefix, ".conv.1", NULL);
  g_autofree char *c2 = g_strconcat (prefix, ".conv.2", NULL);
  Map padded, a, b, c, s;

  if (sc->eval_only)
    return conv (d, ev, x, out, 3);
  padded = map_new (x.c, x.h + 2, x.w + 2);
  for (int i = 0; i < x.c; i++)
    for (int y = 0; y < x.h; y++)
      for (int xx = 0; xx < x.w; xx++)
        AT (padded, i, y + 1, xx + 1) = AT (x, i, y, xx);
  a = conv2d (padded, ww_dict_get (d, c0, ".weight"), ww_dict_get (d, c0, ".bias"), 2 * x.c, 1, 0);
  b = conv2d (a, ww_dict_get (d, c1, ".weight"), ww_dict_get (d, c1, ".bias"), 2 * out, 3, 0);
  c = conv2d (b, ww_dict_get (d, c2, ".weight"), ww_dict_get (d, c2, ".bias"), out, 1, 0);
  s = conv2d (x, ww_dict_get (d, sk, ".weight"), ww_dict_get (d, sk, ".bias"), out, 1, 0);
  g_assert_cmpint (c.h, ==, x.h);
  for (gsize i = 0; i < (gsize) out * x.h * x.w; i++)
    c.v[i] += s.v[i];
  g_free (padded.v);
  g_free (a.v);
  g_free (b.v);
  g_free (s.v);
  return c;
}

static double
sigmoid (double v)
{
  return 1 / (1 + exp (-v));
}

/* SPAB: returns out, sets *out1 */
static Map
spab (const WwDict *d, const SpanCase *sc, int i, Map x, Map *out1)
{
  g_autofree char *p1 = g_strdup_printf ("block_%d.c1_r", i);
  g_autofree char *p2 = g_strdup_printf ("block_%d.c2_r", i);
  g_autofree char *p3 = g_strdup_printf ("block_%d.c3_r", i);
  const gsize n = (gsize) x.c * x.h * x.w;
  Map o1 = conv3xc (d, sc, p1, x, x.c), a1 = map_new (x.c, x.h, x.w), o2, a2, o3, out;

  for (gsize j = 0; j < n; j++)
    a1.v[j] = (float) (o1.v[j] * sigmoid (o1.v[j]));   /* SiLU */
  o2 = conv3xc (d, sc, p2, a1, x.c);
  a2 = map_new (x.c, x.h, x.w);
  for (gsize j = 0; j < n; j++)
    a2.v[j] = (float) (o2.v[j] * sigmoid (o2.v[j]));
  o3 = conv3xc (d, sc, p3, a2, x.c);
  out = map_new (x.c, x.h, x.w);
  for (gsize j = 0; j < n; j++)
    out.v[j] = (float) ((o3.v[j] + x.v[j]) * (sigmoid (o3.v[j]) - 0.5));
  *out1 = o1;
  g_free (a1.v);
  g_free (o2.v);
  g_free (a2.v);
  g_free (o3.v);
  return out;
}

static EnlargeTensor *
span_forward (const WwDict *d, const SpanCase *sc, const EnlargeTensor *in)
{
  static const double mean[3] = { 0.4488, 0.4371, 0.4040 };
  Map x = map_new (3, in->h, in->w), f, b, b1 = { 0 }, o1_6 = { 0 }, c2, cat, cc, up;
  const int r = sc->scale, nf = sc->nf;
  EnlargeTensor *out;

  for (int c = 0; c < 3; c++)
    for (int i = 0; i < in->h * in->w; i++)
      x.v[c * in->h * in->w + i] =
        sc->no_norm ? in->data[c * in->h * in->w + i]
                    : (float) ((in->data[c * in->h * in->w + i] - mean[c]) * 255.0);
  f = conv3xc (d, sc, "conv_1", x, nf);
  b = f;
  for (int i = 1; i <= 6; i++)
    {
      Map o1, next = spab (d, sc, i, b, &o1);
      if (i == 6)
        o1_6 = o1;
      else
        g_free (o1.v);
      if (i == 1)
        b1 = next;
      else if (b.v != f.v && b.v != b1.v)
        g_free (b.v);
      b = next;
    }
  c2 = conv3xc (d, sc, "conv_2", b, nf);
  /* torch.cat ([out_feature, out_b6, out_b1, out_b5_2], 1) */
  cat = map_new (4 * nf, x.h, x.w);
  {
    const Map parts[4] = { f, c2, b1, o1_6 };
    const gsize plane = (gsize) nf * x.h * x.w;
    for (int k = 0; k < 4; k++)
      memcpy (cat.v + k * plane, parts[k].v, plane * sizeof (float));
  }
  cc = conv (d, "conv_cat", cat, nf, 1);
  up = conv (d, "upsampler.0", cc, 3 * r * r, 3);
  /* nn.PixelShuffle (r): out[c, y·r + i, x·r + j] = in[c·r² + i·r + j, y, x] */
  out = enlarge_tensor_new (3, x.h * r, x.w * r, NULL);
  for (int c = 0; c < 3; c++)
    for (int y = 0; y < x.h; y++)
      for (int xx = 0; xx < x.w; xx++)
        for (int i = 0; i < r; i++)
          for (int j = 0; j < r; j++)
            enlarge_tensor_channel (out, c)[(y * r + i) * out->w + xx * r + j] =
              AT (up, c * r * r + i * r + j, y, xx);
  g_free (x.v);
  g_free (f.v);
  g_free (b.v);
  g_free (b1.v);
  g_free (o1_6.v);
  g_free (c2.v);
  g_free (cat.v);
  g_free (cc.v);
  g_free (up.v);
  return out;
}

/* ---------- helpers ---------- */

static EnlargeNet *
import_case (const SpanCase *sc, WwDict **dict_out)
{
  g_autoptr (WwDict) d = span_dict (sc, (guint32) (sc->nf * 10 + sc->scale));
  const WwOptions opt = { 0 };
  g_autoptr (GBytes) bytes = sc->zip ? ww_write_torch_zip (d, &opt)
                                      : ww_write_safetensors (d, &opt);
  const char *name = sc->zip ? "span.pth" : "span.safetensors";
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeWeights) w = enlarge_weights_load_from_bytes (bytes, name, &error);
  EnlargeNet *net;

  g_assert_no_error (error);
  net = enlarge_import_weights (w, name, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (net->architecture, ==, "SPAN");
  g_assert_cmpint (net->scale, ==, sc->scale);
  g_assert_cmpint (net->in_channels, ==, 3);
  g_test_message ("%s: SPAN %d×, %s", name, net->scale, net->variant);
  if (dict_out)
    *dict_out = g_steal_pointer (&d);
  return net;
}

/* ---------- tests ---------- */

static void
test_reference (void)
{
  g_autoptr (EnlargeBackend) ref = enlarge_backend_new_reference ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (WwDict) d = NULL;
      g_autoptr (EnlargeNet) net = import_case (&cases[i], &d);
      g_autoptr (EnlargeTensor) in = etu_gradient_tensor (13, 10, i);
      g_autoptr (EnlargeTensor) want = span_forward (d, &cases[i], in);
      g_autoptr (GError) error = NULL;
      g_autoptr (EnlargeTensor) got = enlarge_backend_run (ref, net, in, NULL, &error);
      double db;

      g_assert_no_error (error);
      db = etu_tensor_psnr_range (want, got);
      g_test_message ("SPAN nf %d %d×%s%s: reference backend against the published forward "
                      "pass %.1f dB", cases[i].nf, cases[i].scale,
                      cases[i].eval_only ? ", eval_conv only" : "",
                      cases[i].no_norm ? ", no_norm" : "", db);
      g_assert_cmpfloat (db, >=, 60);
    }
}

/* A changed value in one SPAB changes the output: the comparison above
 * is not blind to the blocks */
static void
test_sensitive (void)
{
  const SpanCase *sc = &cases[0];
  g_autoptr (EnlargeBackend) ref = enlarge_backend_new_reference ();
  g_autoptr (WwDict) d = NULL;
  g_autoptr (EnlargeNet) net = import_case (sc, &d);
  g_autoptr (EnlargeTensor) in = etu_gradient_tensor (13, 10, 0);
  g_autoptr (EnlargeTensor) want = NULL;
  g_autoptr (EnlargeTensor) got = NULL;
  g_autoptr (GError) error = NULL;
  double db;

  for (guint i = 0; i < d->tensors->len; i++)
    {
      WwTensor *t = d->tensors->pdata[i];
      if (strcmp (t->name, "block_4.c3_r.conv.2.bias") == 0)
        for (gsize j = 0; j < ww_tensor_numel (t); j++)
          t->values[j] += 1.f;
    }
  want = span_forward (d, sc, in);
  got = enlarge_backend_run (ref, net, in, NULL, &error);
  g_assert_no_error (error);
  db = etu_tensor_psnr_range (want, got);
  g_test_message ("block_4.c3_r.conv.2.bias + 1: %.1f dB", db);
  g_assert_cmpfloat (db, <, 60);
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
      g_autoptr (EnlargeTensor) in = etu_gradient_tensor (40, 28, i);
      const double db = etu_opencl_against_reference (ref, cl, net, in);

      g_test_message ("SPAN nf %d %d×: OpenCL against the reference %.1f dB", cases[i].nf,
                      cases[i].scale, db);
      g_assert_cmpfloat (db, >=, 50);
    }
}

static void
test_tiled (void)
{
  g_autoptr (EnlargeBackend) backend = enlarge_backend_new ("auto", NULL);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (EnlargeNet) net = import_case (&cases[i], NULL);
      g_autoptr (EnlargeImage) image = etu_wave_image (75, 53, i);
      g_autoptr (EnlargeImage) whole = NULL;
      g_autoptr (EnlargeImage) tiled = NULL;
      g_autoptr (GError) error = NULL;
      EnlargeUpscaleOptions options = ENLARGE_UPSCALE_OPTIONS_INIT;
      int lo = 255, hi = 0;
      double db;

      options.tile_size = 1024;
      whole = enlarge_upscale (backend, net, image, &options, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (whole->width, ==, 75 * cases[i].scale);
      for (gsize j = 0; j < (gsize) whole->width * whole->height * 3; j++)
        {
          lo = MIN (lo, whole->pixels[j]);
          hi = MAX (hi, whole->pixels[j]);
        }
      g_assert_cmpint (hi - lo, >, 32);
      options.tile_size = 32;
      tiled = enlarge_upscale (backend, net, image, &options, NULL, &error);
      g_assert_no_error (error);
      db = enlarge_image_psnr (whole, tiled);
      g_test_message ("SPAN nf %d %d× on 75×53: 32 px tiles (margin %d) against one tile "
                      "%.1f dB", cases[i].nf, cases[i].scale, net->receptive_radius, db);
      g_assert_cmpfloat (db, >=, 45);
    }
}

static void
test_errors (void)
{
  g_autoptr (WwDict) d = span_dict (&cases[0], 1);
  const WwOptions opt = { 0 };
  static const char *const wrong[] = { "block_3.c2_r.conv.1.weight", "conv_cat.weight",
                                       "upsampler.0.weight", "block_6.c3_r.eval_conv.weight" };

  for (guint k = 0; k < G_N_ELEMENTS (wrong); k++)
    {
      g_autoptr (WwDict) e = ww_dict_new ();
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (EnlargeWeights) w = NULL;
      g_autoptr (EnlargeNet) net = NULL;
      g_autoptr (GError) error = NULL;

      for (guint i = 0; i < d->tensors->len; i++)
        {
          const WwTensor *t = d->tensors->pdata[i];
          if (strcmp (t->name, wrong[k]) == 0)
            ww_dict_add (e, t->name, t->dtype, NULL, 4, t->shape[0] + 1, t->shape[1],
                         t->shape[2], t->shape[3]);
          else
            ww_dict_add (e, t->name, t->dtype, t->values, t->n_dims, t->shape[0],
                         t->shape[1], t->shape[2], t->shape[3]);
        }
      bytes = ww_write_safetensors (e, &opt);
      w = enlarge_weights_load_from_bytes (bytes, "bad.safetensors", &error);
      g_assert_no_error (error);
      net = enlarge_import_weights (w, "bad.safetensors", &error);
      g_assert_null (net);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, "bad.safetensors"));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/import/span/reference", test_reference);
  g_test_add_func ("/import/span/sensitive", test_sensitive);
  g_test_add_func ("/import/span/opencl", test_opencl);
  g_test_add_func ("/import/span/tiled", test_tiled);
  g_test_add_func ("/import/span/errors", test_errors);
  return g_test_run ();
}
