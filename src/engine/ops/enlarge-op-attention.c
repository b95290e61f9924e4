/* WindowAttention: multi-head self-attention within (shifted) square
 * windows with a relative-position bias, Swin's W-MSA / SW-MSA without
 * its linear layers (those are 1×1 convolutions before and after); the
 * definition is in enlarge-op-attention.h. */

#include <math.h>

#include "enlarge-op.h"
#include "enlarge-op-attention.h"
#include "enlarge-ops.h"

static void
attention_clear (EnlargeLayer *l)
{
  EnlargeAttentionParams *p = l->data;
  if (p == NULL)
    return;
  g_free (p->bias_table);
  g_clear_pointer (&l->data, g_free);
}

static gboolean
attention_shape (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out,
                 GError **error)
{
  const EnlargeAttentionParams *p = l->data;
  if (p->heads < 1 || p->window < 1 || p->window > 64 || p->shift < 0 || p->shift >= p->window)
    return enlarge_op_shape_fail (l, error, "bad attention parameters (%d heads, window %d, "
                                  "shift %d)", p->heads, p->window, p->shift);
  if (in[0].c % (3 * p->heads) != 0 || in[0].c / (3 * p->heads) > ENLARGE_ATTENTION_MAX_HEAD_DIM)
    return enlarge_op_shape_fail (l, error, "%d channels are not queries, keys and values of "
                                  "%d heads of at most %d", in[0].c, p->heads,
                                  ENLARGE_ATTENTION_MAX_HEAD_DIM);
  *out = (EnlargeShape) { in[0].c / 3, in[0].h, in[0].w };
  return TRUE;
}

/* One head at one pixel: the window's keys, their softmax and the sum of
 * the values. @logit has window² entries. */
static void
attend (const EnlargeAttentionParams *p, const EnlargeTensor *qkv, EnlargeTensor *o, int h,
        int y, int x, float *logit)
{
  const int ws = p->window, s = p->shift, C = qkv->c / 3, d = C / p->heads;
  const int hp = (qkv->h + ws - 1) / ws * ws, wp = (qkv->w + ws - 1) / ws * ws;
  const gsize plane = (gsize) qkv->h * qkv->w;
  /* the query's place in the rolled plane, its window and its band */
  const int ry = (y - s + hp) % hp, rx = (x - s + wp) % wp;
  const int wy = ry / ws * ws, wx = rx / ws * ws;
  const int band = enlarge_attention_band (ry, hp, ws, s) * 3 + enlarge_attention_band (rx, wp, ws, s);
  const float *q = qkv->data + (gsize) h * d * plane + (gsize) y * qkv->w + x;
  float max = -INFINITY, sum = 0.f;

  for (int j = 0; j < ws * ws; j++)
    {
      const int rky = wy + j / ws, rkx = wx + j % ws;
      const int ky = (rky + s) % hp, kx = (rkx + s) % wp;
      const float *k;
      float dot = 0.f;
      int dy, dx;

      logit[j] = -INFINITY;
      if (ky >= qkv->h || kx >= qkv->w)
        continue;
      k = qkv->data + (gsize) (C + h * d) * plane + (gsize) ky * qkv->w + kx;
      for (int c = 0; c < d; c++)
        dot += q[c * plane] * k[c * plane];
      dy = ry - rky + ws - 1;
      dx = rx - rkx + ws - 1;
      logit[j] = dot * p->scale + p->bias_table[(dy * (2 * ws - 1) + dx) * p->heads + h];
      if (band != enlarge_attention_band (rky, hp, ws, s) * 3 + enlarge_attention_band (rkx, wp, ws, s))
        logit[j] -= 100.f;
      max = MAX (max, logit[j]);
    }
  for (int j = 0; j < ws * ws; j++)
    {
      logit[j] = isinf (logit[j]) ? 0.f : expf (logit[j] - max);
      sum += logit[j];
    }
  for (int c = 0; c < d; c++)
    {
      float acc = 0.f;
      for (int j = 0; j < ws * ws; j++)
        {
          const int ky = (wy + j / ws + s) % hp, kx = (wx + j % ws + s) % wp;
          if (ky < qkv->h && kx < qkv->w)
            acc += logit[j] * qkv->data[(gsize) (2 * C + h * d + c) * plane +
                                         (gsize) ky * qkv->w + kx];
        }
      o->data[(gsize) (h * d + c) * plane + (gsize) y * qkv->w + x] = acc / sum;
    }
}

static gboolean
attention_reference (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out,
                     GError **error)
{
  const EnlargeAttentionParams *p = l->data;
  g_autofree float *logit = g_new (float, p->window * p->window);

  for (int h = 0; h < p->heads; h++)
    for (int y = 0; y < in[0]->h; y++)
      for (int x = 0; x < in[0]->w; x++)
        attend (p, in[0], out[0], h, y, x, logit);
  return TRUE;
}

static double
attention_reach (const EnlargeLayer *l, double sc_in, double sc_out)
{
  return (((const EnlargeAttentionParams *) l->data)->window - 1) / sc_in;
}

static int
attention_grid (const EnlargeLayer *l)
{
  return ((const EnlargeAttentionParams *) l->data)->window;
}

const EnlargeOp enlarge_op_window_attention = {
  .name = "WindowAttention",
  .type = ENLARGE_OP_OTHER,
  .n_inputs = 1,
  .load = enlarge_op_load_refused,
  .clear = attention_clear,
  .shape = attention_shape,
  .reference = attention_reference,
  .reach = attention_reach,
  .grid = attention_grid,
};
