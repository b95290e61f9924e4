/* The reference implementation of every operation: plain C, written to be
 * read and trusted. Tests compare the OpenCL kernels against it, and it is
 * the fallback when no OpenCL device works. It follows ncnn's definitions
 * (padding, interpolation coefficients) so results match ncnn's. */

#include <math.h>
#include <string.h>

#include "enlarge-error.h"
#include "enlarge-ops.h"

static inline float
activate (float v, const EnlargeConvParams *c, int oc)
{
  switch (c->activation)
    {
    case ENLARGE_ACT_PRELU:
      return v > 0.f ? v : v * c->slope[c->num_slope == 1 ? 0 : oc];
    case ENLARGE_ACT_RELU:
      return v > 0.f ? v : 0.f;
    case ENLARGE_ACT_LEAKYRELU:
      return v > 0.f ? v : v * c->act_params[0];
    case ENLARGE_ACT_CLIP:
      return CLAMP (v, c->act_params[0], c->act_params[1]);
    case ENLARGE_ACT_SIGMOID:
      return 1.f / (1.f + expf (-v));
    case ENLARGE_ACT_NONE:
    default:
      return v;
    }
}

static void
conv_ref (const EnlargeConvParams *c, const EnlargeTensor *in, EnlargeTensor *out)
{
  const int kw = c->kernel_w, kh = c->kernel_h;
  const int ic_n = c->num_input;
  int pl, pt;

  enlarge_conv_padding (c, in->w, in->h, &pl, &pt);

  /* One output channel per iteration; the innermost loop runs along a
   * row so the compiler can vectorise it. Out-of-image taps read the pad
   * value, exactly as ncnn pads the input with copy_make_border. */
#pragma omp parallel for schedule(dynamic)
  for (int oc = 0; oc < out->c; oc++)
    {
      float *o = enlarge_tensor_channel (out, oc);
      const float bias = c->bias ? c->bias[oc] : 0.f;
      for (gsize i = 0; i < (gsize) out->h * out->w; i++)
        o[i] = bias;

      for (int ic = 0; ic < ic_n; ic++)
        {
          const float *src = enlarge_tensor_channel (in, ic);
          for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
              {
                const float wv = c->weight[(((gsize) oc * ic_n + ic) * kh + ky) * kw + kx];
                const int dx = kx * c->dilation_w - pl;
                const int dy = ky * c->dilation_h - pt;
                for (int y = 0; y < out->h; y++)
                  {
                    const int iy = y * c->stride_h + dy;
                    float *orow = o + (gsize) y * out->w;
                    if (iy < 0 || iy >= in->h)
                      {
                        if (c->pad_value != 0.f)
                          for (int x = 0; x < out->w; x++)
                            orow[x] += wv * c->pad_value;
                        continue;
                      }
                    const float *irow = src + (gsize) iy * in->w;
                    if (c->stride_w == 1)
                      {
                        /* the x range whose tap lands inside the row */
                        int x0 = MAX (0, -dx), x1 = MIN (out->w, in->w - dx);
                        if (c->pad_value != 0.f)
                          {
                            for (int x = 0; x < MIN (x0, out->w); x++)
                              orow[x] += wv * c->pad_value;
                            for (int x = MAX (x1, 0); x < out->w; x++)
                              orow[x] += wv * c->pad_value;
                          }
                        for (int x = x0; x < x1; x++)
                          orow[x] += wv * irow[x + dx];
                      }
                    else
                      for (int x = 0; x < out->w; x++)
                        {
                          int ix = x * c->stride_w + dx;
                          orow[x] += wv * (ix >= 0 && ix < in->w ? irow[ix] : c->pad_value);
                        }
                  }
              }
        }

      if (c->activation != ENLARGE_ACT_NONE)
        for (gsize i = 0; i < (gsize) out->h * out->w; i++)
          o[i] = activate (o[i], c, oc);
    }
}

/* Nearest upsampling by an integer factor: the Interp a convolution may
 * have folded in */
static EnlargeTensor *
upsample_ref (const EnlargeTensor *in, int f, GError **error)
{
  EnlargeTensor *out = enlarge_tensor_new (in->c, in->h * f, in->w * f, error);
  if (out == NULL)
    return NULL;
  for (int c = 0; c < in->c; c++)
    for (int y = 0; y < out->h; y++)
      {
        const float *src = enlarge_tensor_channel (in, c) + (gsize) (y / f) * in->w;
        float *dst = enlarge_tensor_channel (out, c) + (gsize) y * out->w;
        for (int x = 0; x < out->w; x++)
          dst[x] = src[x / f];
      }
  return out;
}

/* The sums folded into a convolution, in the order and form of the
 * Eltwise layers they replace (eltwise_ref below) */
static void
residual_ref (const EnlargeConvParams *c, EnlargeTensor **in, EnlargeTensor *out)
{
  const float *k = c->res_coeff;
  for (int r = 0; r < c->n_residual; r++)
    for (gsize i = 0; i < enlarge_tensor_size (out); i++)
      out->data[i] = 0.f + k[2 * r] * out->data[i] + k[2 * r + 1] * in[1 + r]->data[i];
}

static void
prelu_ref (const EnlargePReluParams *p, const EnlargeTensor *in, EnlargeTensor *out)
{
  const gsize plane = (gsize) in->h * in->w;
  for (int ch = 0; ch < in->c; ch++)
    {
      const float s = p->slope[p->num_slope == 1 ? 0 : ch];
      const float *a = enlarge_tensor_channel (in, ch);
      float *o = enlarge_tensor_channel (out, ch);
      for (gsize i = 0; i < plane; i++)
        o[i] = a[i] > 0.f ? a[i] : a[i] * s;
    }
}

static void
concat_ref (int n, EnlargeTensor **in, EnlargeTensor *out)
{
  gsize off = 0;
  for (int k = 0; k < n; k++)
    {
      gsize sz = enlarge_tensor_size (in[k]);
      memcpy (out->data + off, in[k]->data, sz * sizeof (float));
      off += sz;
    }
}

static void
eltwise_ref (const EnlargeEltwiseParams *p, int n, EnlargeTensor **in, EnlargeTensor *out)
{
  const gsize sz = enlarge_tensor_size (out);
  for (gsize i = 0; i < sz; i++)
    {
      float acc;
      switch (p->op)
        {
        case ENLARGE_ELTWISE_PROD:
          acc = 1.f;
          for (int k = 0; k < n; k++)
            acc *= in[k]->data[i];
          break;
        case ENLARGE_ELTWISE_MAX:
          acc = in[0]->data[i];
          for (int k = 1; k < n; k++)
            acc = MAX (acc, in[k]->data[i]);
          break;
        case ENLARGE_ELTWISE_SUM:
        default:
          acc = 0.f;
          for (int k = 0; k < n; k++)
            acc += (p->coeffs ? p->coeffs[k] : 1.f) * in[k]->data[i];
          break;
        }
      out->data[i] = acc;
    }
}

static void
pixelshuffle_ref (int r, const EnlargeTensor *in, EnlargeTensor *out)
{
  for (int oc = 0; oc < out->c; oc++)
    for (int y = 0; y < out->h; y++)
      for (int x = 0; x < out->w; x++)
        {
          int ic = oc * r * r + (y % r) * r + (x % r);
          enlarge_tensor_channel (out, oc)[(gsize) y * out->w + x] =
            enlarge_tensor_channel (in, ic)[(gsize) (y / r) * in->w + x / r];
        }
}

void
enlarge_cubic_coeffs (int in_size, int out_size, gboolean align_corner,
                      int *first, float *weights)
{
  double scale = (double) in_size / out_size;
  if (align_corner)
    scale = out_size > 1 ? (double) (in_size - 1) / (out_size - 1) : 0.0;

  for (int d = 0; d < out_size; d++)
    {
      float fx = align_corner ? (float) (d * scale) : (float) ((d + 0.5) * scale - 0.5);
      int sx = (int) floorf (fx);
      const float A = -0.75f;
      float *c = weights + 4 * d;
      fx -= sx;
      float f0 = fx + 1, f1 = fx, f2 = 1 - fx;
      c[0] = A * f0 * f0 * f0 - 5 * A * f0 * f0 + 8 * A * f0 - 4 * A;
      c[1] = (A + 2) * f1 * f1 * f1 - (A + 3) * f1 * f1 + 1;
      c[2] = (A + 2) * f2 * f2 * f2 - (A + 3) * f2 * f2 + 1;
      c[3] = 1.f - c[0] - c[1] - c[2];
      first[d] = sx - 1;
    }
}

void
enlarge_linear_coeffs (int in_size, int out_size, gboolean align_corner,
                       int *first, float *weights)
{
  double scale = (double) in_size / out_size;
  if (align_corner)
    scale = out_size > 1 ? (double) (in_size - 1) / (out_size - 1) : 0.0;

  for (int d = 0; d < out_size; d++)
    {
      float fx = align_corner ? (float) (d * scale) : (float) ((d + 0.5) * scale - 0.5);
      int sx = (int) floorf (fx);
      fx -= sx;
      /* ncnn's edge rules */
      if (sx < 0)
        {
          sx = 0;
          fx = 0.f;
        }
      if (sx >= in_size - 1)
        {
          sx = MAX (in_size - 2, 0);
          fx = in_size > 1 ? 1.f : 0.f;
        }
      first[d] = sx;
      weights[d] = fx;
    }
}

static void
interp_ref (const EnlargeInterpParams *ip, const EnlargeTensor *in, EnlargeTensor *out)
{
  const int iw = in->w, ih = in->h, ow = out->w, oh = out->h;

  if (ip->mode == ENLARGE_INTERP_NEAREST)
    {
      const float ws = ip->output_width ? (float) iw / ow : 1.f / ip->width_scale;
      const float hs = ip->output_height ? (float) ih / oh : 1.f / ip->height_scale;
      for (int ch = 0; ch < in->c; ch++)
        for (int y = 0; y < oh; y++)
          {
            int sy = MIN ((int) (y * hs), ih - 1);
            for (int x = 0; x < ow; x++)
              {
                int sx = MIN ((int) (x * ws), iw - 1);
                enlarge_tensor_channel (out, ch)[(gsize) y * ow + x] =
                  enlarge_tensor_channel (in, ch)[(gsize) sy * iw + sx];
              }
          }
      return;
    }

  if (ip->mode == ENLARGE_INTERP_BILINEAR)
    {
      g_autofree int *xo = g_new (int, ow);
      g_autofree int *yo = g_new (int, oh);
      g_autofree float *xa = g_new (float, ow);
      g_autofree float *ya = g_new (float, oh);
      enlarge_linear_coeffs (iw, ow, ip->align_corner, xo, xa);
      enlarge_linear_coeffs (ih, oh, ip->align_corner, yo, ya);
      for (int ch = 0; ch < in->c; ch++)
        {
          const float *s = enlarge_tensor_channel (in, ch);
          float *o = enlarge_tensor_channel (out, ch);
          for (int y = 0; y < oh; y++)
            {
              int y0 = yo[y], y1 = MIN (y0 + 1, ih - 1);
              for (int x = 0; x < ow; x++)
                {
                  int x0 = xo[x], x1 = MIN (x0 + 1, iw - 1);
                  float top = s[(gsize) y0 * iw + x0] * (1 - xa[x]) + s[(gsize) y0 * iw + x1] * xa[x];
                  float bot = s[(gsize) y1 * iw + x0] * (1 - xa[x]) + s[(gsize) y1 * iw + x1] * xa[x];
                  o[(gsize) y * ow + x] = top * (1 - ya[y]) + bot * ya[y];
                }
            }
        }
      return;
    }

  /* bicubic, separable: rows first, then columns, as ncnn does */
  g_autofree int *xo = g_new (int, ow);
  g_autofree int *yo = g_new (int, oh);
  g_autofree float *xa = g_new (float, 4 * ow);
  g_autofree float *ya = g_new (float, 4 * oh);
  g_autofree float *rows = g_new (float, (gsize) ih * ow);
  enlarge_cubic_coeffs (iw, ow, ip->align_corner, xo, xa);
  enlarge_cubic_coeffs (ih, oh, ip->align_corner, yo, ya);
  for (int ch = 0; ch < in->c; ch++)
    {
      const float *s = enlarge_tensor_channel (in, ch);
      float *o = enlarge_tensor_channel (out, ch);
      for (int y = 0; y < ih; y++)
        for (int x = 0; x < ow; x++)
          {
            float acc = 0.f;
            for (int k = 0; k < 4; k++)
              acc += xa[4 * x + k] * s[(gsize) y * iw + CLAMP (xo[x] + k, 0, iw - 1)];
            rows[(gsize) y * ow + x] = acc;
          }
      for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
          {
            float acc = 0.f;
            for (int k = 0; k < 4; k++)
              acc += ya[4 * y + k] * rows[(gsize) CLAMP (yo[y] + k, 0, ih - 1) * ow + x];
            o[(gsize) y * ow + x] = acc;
          }
    }
}

static inline float
binary (EnlargeBinaryOp op, float a, float b)
{
  switch (op)
    {
    case ENLARGE_BINARY_SUB: return a - b;
    case ENLARGE_BINARY_MUL: return a * b;
    case ENLARGE_BINARY_DIV: return a / b;
    case ENLARGE_BINARY_MAX: return MAX (a, b);
    case ENLARGE_BINARY_MIN: return MIN (a, b);
    case ENLARGE_BINARY_ADD:
    default: return a + b;
    }
}

static void
binary_ref (const EnlargeBinaryParams *p, EnlargeTensor *a, EnlargeTensor *b, EnlargeTensor *out)
{
  const gsize plane = (gsize) a->h * a->w;
  for (int ch = 0; ch < a->c; ch++)
    {
      const float *pa = enlarge_tensor_channel (a, ch);
      float *o = enlarge_tensor_channel (out, ch);
      if (p->with_scalar)
        for (gsize i = 0; i < plane; i++)
          o[i] = binary (p->op, pa[i], p->b);
      else if (b->w == 1 && b->h == 1 && plane != 1)
        for (gsize i = 0; i < plane; i++)
          o[i] = binary (p->op, pa[i], b->data[ch]);
      else
        {
          const float *pb = enlarge_tensor_channel (b, ch);
          for (gsize i = 0; i < plane; i++)
            o[i] = binary (p->op, pa[i], pb[i]);
        }
    }
}

gboolean
enlarge_ref_layer (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out,
                   GError **error)
{
  switch (l->type)
    {
    case ENLARGE_OP_INPUT:
      break;
    case ENLARGE_OP_SPLIT:
      for (int k = 0; k < l->n_outputs; k++)
        memcpy (out[k]->data, in[0]->data, enlarge_tensor_size (in[0]) * sizeof (float));
      break;
    case ENLARGE_OP_CONVOLUTION:
      if (l->p.conv.upsample > 1)
        {
          /* the folded Interp, as the layer it replaces */
          g_autoptr (EnlargeTensor) up = upsample_ref (in[0], l->p.conv.upsample, error);
          if (up == NULL)
            return FALSE;
          conv_ref (&l->p.conv, up, out[0]);
        }
      else
        conv_ref (&l->p.conv, in[0], out[0]);
      residual_ref (&l->p.conv, in, out[0]);
      break;
    case ENLARGE_OP_PRELU:
      prelu_ref (&l->p.prelu, in[0], out[0]);
      break;
    case ENLARGE_OP_CONCAT:
      concat_ref (l->n_inputs, in, out[0]);
      break;
    case ENLARGE_OP_ELTWISE:
      eltwise_ref (&l->p.eltwise, l->n_inputs, in, out[0]);
      break;
    case ENLARGE_OP_PIXELSHUFFLE:
      pixelshuffle_ref (l->p.pixelshuffle.factor, in[0], out[0]);
      break;
    case ENLARGE_OP_INTERP:
      interp_ref (&l->p.interp, in[0], out[0]);
      break;
    case ENLARGE_OP_BINARYOP:
      binary_ref (&l->p.binary, in[0], l->p.binary.with_scalar ? NULL : in[1], out[0]);
      break;
    default:
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                   "layer %s: the reference path has no such operation", l->name);
      return FALSE;
    }
  return TRUE;
}
