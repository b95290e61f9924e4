/* Convolution: any kernel size, stride, dilation and padding (ncnn's SAME
 * paddings -233/-234 included), bias and activation; and what the loader
 * folds into it: a following PReLU, up to two Eltwise sums, and a 2×
 * nearest upsampling of its input. */

#include <math.h>
#include <string.h>

#include "enlarge-error.h"
#include "enlarge-op.h"
#include "enlarge-ops.h"

static gboolean
conv_load (EnlargeLayer *l, const EnlargeOpLoader *ld, GError **error)
{
  EnlargeConvParams *c = &l->p.conv;
  c->num_output = enlarge_op_loader_int (ld, 0, 0);
  c->kernel_w = enlarge_op_loader_int (ld, 1, 0);
  c->kernel_h = enlarge_op_loader_int (ld, 11, c->kernel_w);
  c->dilation_w = enlarge_op_loader_int (ld, 2, 1);
  c->dilation_h = enlarge_op_loader_int (ld, 12, c->dilation_w);
  c->stride_w = enlarge_op_loader_int (ld, 3, 1);
  c->stride_h = enlarge_op_loader_int (ld, 13, c->stride_w);
  c->pad_left = enlarge_op_loader_int (ld, 4, 0);
  c->pad_right = enlarge_op_loader_int (ld, 15, c->pad_left);
  c->pad_top = enlarge_op_loader_int (ld, 14, c->pad_left);
  c->pad_bottom = enlarge_op_loader_int (ld, 16, c->pad_top);
  c->pad_value = enlarge_op_loader_float (ld, 18, 0.f);
  c->bias_term = enlarge_op_loader_int (ld, 5, 0) != 0;
  c->weight_data_size = enlarge_op_loader_int (ld, 6, 0);
  c->activation = enlarge_op_loader_int (ld, 9, 0);

  if (enlarge_op_loader_int (ld, 8, 0) != 0 || enlarge_op_loader_int (ld, 19, 0) != 0)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_UNSUPPORTED, "int8 or dynamic-weight convolutions are not supported");
  if (c->num_output <= 0 || c->num_output > 65536)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_PARAM_SYNTAX, "bad output channel count %d", c->num_output);
  if (c->kernel_w <= 0 || c->kernel_h <= 0 || c->kernel_w > 31 || c->kernel_h > 31)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_PARAM_SYNTAX, "bad kernel size %d×%d", c->kernel_w, c->kernel_h);
  if (c->dilation_w <= 0 || c->dilation_h <= 0 || c->dilation_w > 64 || c->dilation_h > 64 ||
      c->stride_w <= 0 || c->stride_h <= 0 || c->stride_w > 64 || c->stride_h > 64)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_PARAM_SYNTAX, "bad stride or dilation");
  {
    int pads[4] = { c->pad_left, c->pad_right, c->pad_top, c->pad_bottom };
    for (int i = 0; i < 4; i++)
      if ((pads[i] < 0 && pads[i] != -233 && pads[i] != -234) || pads[i] > 1024)
        return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_PARAM_SYNTAX, "bad padding %d", pads[i]);
  }
  if (c->activation < 0 || c->activation > 4)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_UNSUPPORTED, "activation type %d is not supported", c->activation);
  {
    int n = 0;
    const float *a = enlarge_op_loader_array (ld, 10, &n);
    for (int i = 0; a != NULL && i < MIN (n, 2); i++)
      c->act_params[i] = a[i];
    if (c->activation == ENLARGE_ACT_CLIP && (a == NULL || n < 2))
      return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_PARAM_SYNTAX,
                                     "clip activation needs two parameters");
  }

  gint64 per_in = (gint64) c->num_output * c->kernel_w * c->kernel_h;
  if (c->weight_data_size <= 0 || c->weight_data_size % per_in != 0)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_WEIGHT_MISMATCH,
                "weight count %d is not a multiple of %d outputs × %d×%d kernel",
                c->weight_data_size, c->num_output, c->kernel_w, c->kernel_h);
  c->num_input = (int) (c->weight_data_size / per_in);

  c->weight = enlarge_op_loader_weights (ld, l, c->weight_data_size, error);
  if (c->weight == NULL)
    return FALSE;
  if (c->bias_term)
    {
      c->bias = enlarge_op_loader_raw (ld, l, c->num_output, "bias", error);
      if (c->bias == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
conv_clear (EnlargeLayer *l)
{
  g_free (l->p.conv.weight);
  g_free (l->p.conv.bias);
  g_free (l->p.conv.slope);
}

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

static gboolean
conv_shape (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out, GError **error)
{
  const EnlargeConvParams *c = &l->p.conv;
  const int up = MAX (c->upsample, 1);
  int p0;
  if (in[0].c != c->num_input)
    return enlarge_op_shape_fail (l, error, "input has %d channels, the weights expect %d",
                                  in[0].c, c->num_input);
  if (in[0].w > G_MAXINT / 8 / up || in[0].h > G_MAXINT / 8 / up)
    return enlarge_op_shape_fail (l, error, "output too large");
  out[0].c = c->num_output;
  out[0].w = conv_out_size (in[0].w * up, c->kernel_w, c->dilation_w, c->stride_w,
                            c->pad_left, c->pad_right, &p0);
  out[0].h = conv_out_size (in[0].h * up, c->kernel_h, c->dilation_h, c->stride_h,
                            c->pad_top, c->pad_bottom, &p0);
  if (out[0].w <= 0 || out[0].h <= 0)
    return enlarge_op_shape_fail (l, error, "input %d×%d is smaller than the kernel", in[0].w,
                                  in[0].h);
  if (l->n_inputs != 1 + c->n_residual)
    return enlarge_op_shape_fail (l, error, "%d inputs for %d residuals", l->n_inputs,
                                  c->n_residual);
  for (int k = 1; k < l->n_inputs; k++)
    if (in[k].c != out[0].c || in[k].h != out[0].h || in[k].w != out[0].w)
      return enlarge_op_shape_fail (l, error, "residual %d×%d×%d differs from the output %d×%d×%d",
                                    in[k].c, in[k].w, in[k].h, out[0].c, out[0].w, out[0].h);
  return TRUE;
}

static double
conv_reach (const EnlargeLayer *l, double sc_in, double sc_out)
{
  return MAX (l->p.conv.dilation_w * (l->p.conv.kernel_w - 1),
              l->p.conv.dilation_h * (l->p.conv.kernel_h - 1)) / 2.0 / sc_in;
}

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

static gboolean
conv_reference (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out, GError **error)
{
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
  return TRUE;
}

const EnlargeOp enlarge_op_convolution = {
  .name = "Convolution",
  .type = ENLARGE_OP_CONVOLUTION,
  .n_inputs = 1,
  .load = conv_load,
  .clear = conv_clear,
  .shape = conv_shape,
  .reference = conv_reference,
  .reach = conv_reach,
};
