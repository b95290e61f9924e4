/* span-writer.c: random-weight SPAN state dicts in the official key
 * layout (spandrel's architectures/SPAN), for test-import-span.c and for
 * make-span-model (a file for enlarge-bench). */

#include <math.h>

#include "span-writer.h"

static void
add_random (WwDict *d, GRand *rand, const char *name, float amplitude, guint n_dims,
            gint64 d0, gint64 d1, gint64 k)
{
  gsize n = n_dims == 1 ? (gsize) d0 : (gsize) (d0 * d1 * k * k);
  g_autofree float *v = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    v[i] = (float) g_rand_double_range (rand, -amplitude, amplitude);
  if (n_dims == 1)
    ww_dict_add (d, name, ENLARGE_DTYPE_F32, v, 1, d0);
  else
    ww_dict_add (d, name, ENLARGE_DTYPE_F32, v, 4, d0, d1, k, k);
}

/* prefix.weight [out, in, k, k] with amplitude @a/√fan-in, prefix.bias */
static void
add_conv (WwDict *d, GRand *rand, const char *prefix, gint64 out, gint64 in, gint64 k,
          float a)
{
  g_autofree char *w = g_strconcat (prefix, ".weight", NULL);
  g_autofree char *b = g_strconcat (prefix, ".bias", NULL);
  add_random (d, rand, w, a / sqrtf ((float) (in * k * k)), 4, out, in, k);
  add_random (d, rand, b, 0.1f, 1, out, 0, 0);
}

static void
add_conv3xc (WwDict *d, GRand *rand, const SpanCase *sc, const char *prefix, gint64 in,
             gint64 out, float a)
{
  g_autofree char *sk = g_strconcat (prefix, ".sk", NULL);
  g_autofree char *c0 = g_strconcat (prefix, ".conv.0", NULL);
  g_autofree char *c1 = g_strconcat (prefix, ".conv.1", NULL);
  g_autofree char *c2 = g_strconcat (prefix, ".conv.2", NULL);
  g_autofree char *ev = g_strconcat (prefix, ".eval_conv", NULL);

  if (!sc->eval_only)
    {
      add_conv (d, rand, sk, out, in, 1, a);
      add_conv (d, rand, c0, 2 * in, in, 1, 1.f);
      add_conv (d, rand, c1, 2 * out, 2 * in, 3, 1.f);
      add_conv (d, rand, c2, out, 2 * out, 1, a);
    }
  /* with the branches, eval_conv is stale: whatever it holds is replaced */
  add_conv (d, rand, ev, out, in, 3, sc->eval_only ? 1.5f * a : 50.f);
}

WwDict *
span_dict (const SpanCase *sc, guint32 seed)
{
  WwDict *d = ww_dict_new ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  const gint64 nf = sc->nf;
  /* the normalised input spans ±140 */
  const float in_amp = sc->no_norm ? 10.f : 1.f / 10;

  if (sc->no_norm)
    ww_dict_add (d, "no_norm", ENLARGE_DTYPE_F32, (const float[]) { 0.f }, 1, (gint64) 1);
  add_conv3xc (d, rand, sc, "conv_1", 3, nf, in_amp);
  for (int i = 1; i <= 6; i++)
    for (int j = 1; j <= 3; j++)
      {
        g_autofree char *p = g_strdup_printf ("block_%d.c%d_r", i, j);
        /* c3_r wide enough that the gate σ − ½ does not just halve */
        add_conv3xc (d, rand, sc, p, nf, nf, j == 3 ? 3.f : 2.f);
      }
  add_conv (d, rand, "conv_cat", nf, 4 * nf, 1, 1.f);
  add_conv3xc (d, rand, sc, "conv_2", nf, nf, 1.f);
  add_conv (d, rand, "upsampler.0", 3 * sc->scale * sc->scale, nf, 3, 1.f);
  return d;
}

