/* Deconvolution (transposed convolution): any kernel size, stride and
 * dilation, the full output cut by the paddings and grown by the output
 * paddings, bias and activation. ncnn's weight order: [out][in][ky][kx];
 * input pixel (y, x) adds its value × weight (ky, kx) to output pixel
 * (y·stride + ky·dilation - pad_top, x·stride + kx·dilation - pad_left). */

#include <string.h>

#include "enlarge-error.h"
#include "enlarge-op.h"
#include "enlarge-op-unet.h"
#include "enlarge-ops.h"

static gboolean
deconv_load (EnlargeLayer *l, const EnlargeOpLoader *ld, GError **error)
{
  EnlargeDeconvParams *d = g_new0 (EnlargeDeconvParams, 1);
  int weight_data_size;
  gint64 per_in;

  l->data = d;
  d->num_output = enlarge_op_loader_int (ld, 0, 0);
  d->kernel_w = enlarge_op_loader_int (ld, 1, 0);
  d->kernel_h = enlarge_op_loader_int (ld, 11, d->kernel_w);
  d->dilation_w = enlarge_op_loader_int (ld, 2, 1);
  d->dilation_h = enlarge_op_loader_int (ld, 12, d->dilation_w);
  d->stride_w = enlarge_op_loader_int (ld, 3, 1);
  d->stride_h = enlarge_op_loader_int (ld, 13, d->stride_w);
  d->pad_left = enlarge_op_loader_int (ld, 4, 0);
  d->pad_right = enlarge_op_loader_int (ld, 15, d->pad_left);
  d->pad_top = enlarge_op_loader_int (ld, 14, d->pad_left);
  d->pad_bottom = enlarge_op_loader_int (ld, 16, d->pad_top);
  d->output_pad_right = enlarge_op_loader_int (ld, 18, 0);
  d->output_pad_bottom = enlarge_op_loader_int (ld, 19, d->output_pad_right);
  weight_data_size = enlarge_op_loader_int (ld, 6, 0);

  if (enlarge_op_loader_int (ld, 20, 0) != 0 || enlarge_op_loader_int (ld, 21, 0) != 0 ||
      enlarge_op_loader_int (ld, 28, 0) != 0)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_UNSUPPORTED,
                                   "fixed output sizes or dynamic weights are not supported");
  if (d->num_output <= 0 || d->num_output > 65536)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_PARAM_SYNTAX,
                                   "bad output channel count %d", d->num_output);
  if (d->kernel_w <= 0 || d->kernel_h <= 0 || d->kernel_w > 31 || d->kernel_h > 31)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_PARAM_SYNTAX,
                                   "bad kernel size %d×%d", d->kernel_w, d->kernel_h);
  if (d->dilation_w <= 0 || d->dilation_h <= 0 || d->dilation_w > 64 || d->dilation_h > 64 ||
      d->stride_w <= 0 || d->stride_h <= 0 || d->stride_w > 64 || d->stride_h > 64)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_PARAM_SYNTAX,
                                   "bad stride or dilation");
  {
    int pads[6] = { d->pad_left, d->pad_right, d->pad_top, d->pad_bottom,
                    d->output_pad_right, d->output_pad_bottom };
    for (int i = 0; i < 6; i++)
      if (pads[i] < 0 || pads[i] > 1024)
        return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_UNSUPPORTED,
                                       "padding %d is not supported", pads[i]);
  }
  if (!enlarge_op_load_activation (ld, l, &d->activation, d->act_params, error))
    return FALSE;

  per_in = (gint64) d->num_output * d->kernel_w * d->kernel_h;
  if (weight_data_size <= 0 || weight_data_size % per_in != 0)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_WEIGHT_MISMATCH,
                                   "weight count %d is not a multiple of %d outputs × %d×%d kernel",
                                   weight_data_size, d->num_output, d->kernel_w, d->kernel_h);
  d->num_input = (int) (weight_data_size / per_in);
  d->weight = enlarge_op_loader_weights (ld, l, weight_data_size, error);
  if (d->weight == NULL)
    return FALSE;
  if (enlarge_op_loader_int (ld, 5, 0) != 0)
    {
      d->bias = enlarge_op_loader_raw (ld, l, d->num_output, "bias", error);
      if (d->bias == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
deconv_clear (EnlargeLayer *l)
{
  EnlargeDeconvParams *d = l->data;
  if (d == NULL)
    return;
  g_free (d->weight);
  g_free (d->bias);
  g_clear_pointer (&l->data, g_free);
}

static gboolean
deconv_shape (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out, GError **error)
{
  const EnlargeDeconvParams *d = l->data;
  gint64 w, h;

  if (in[0].c != d->num_input)
    return enlarge_op_shape_fail (l, error, "input has %d channels, weights expect %d",
                                  in[0].c, d->num_input);
  w = (gint64) (in[0].w - 1) * d->stride_w + (gint64) (d->kernel_w - 1) * d->dilation_w + 1 +
      d->output_pad_right - d->pad_left - d->pad_right;
  h = (gint64) (in[0].h - 1) * d->stride_h + (gint64) (d->kernel_h - 1) * d->dilation_h + 1 +
      d->output_pad_bottom - d->pad_top - d->pad_bottom;
  if (in[0].w <= 0 || in[0].h <= 0 || w <= 0 || h <= 0)
    return enlarge_op_shape_fail (l, error, "input %d×%d gives no output", in[0].h, in[0].w);
  if (w > G_MAXINT / 4 || h > G_MAXINT / 4)
    return enlarge_op_shape_fail (l, error, "output too large");
  *out = (EnlargeShape) { d->num_output, (int) h, (int) w };
  return TRUE;
}

/* The output pixels' view: each gathers the input pixels whose taps land
 * on it, the same order of sums as the OpenCL kernel. */
static gboolean
deconv_reference (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out,
                  GError **error)
{
  const EnlargeDeconvParams *d = l->data;
  const EnlargeTensor *src = in[0];
  EnlargeTensor *dst = out[0];
  const int kw = d->kernel_w, kh = d->kernel_h;

#pragma omp parallel for schedule(dynamic)
  for (int oc = 0; oc < dst->c; oc++)
    for (int y = 0; y < dst->h; y++)
      for (int x = 0; x < dst->w; x++)
        {
          float sum = d->bias ? d->bias[oc] : 0.f;
          for (int ic = 0; ic < d->num_input; ic++)
            {
              const float *plane = enlarge_tensor_channel (src, ic);
              const float *wk = d->weight + ((gsize) oc * d->num_input + ic) * kh * kw;
              for (int ky = 0; ky < kh; ky++)
                {
                  int ty = y + d->pad_top - ky * d->dilation_h;
                  if (ty < 0 || ty % d->stride_h != 0 || ty / d->stride_h >= src->h)
                    continue;
                  for (int kx = 0; kx < kw; kx++)
                    {
                      int tx = x + d->pad_left - kx * d->dilation_w;
                      if (tx < 0 || tx % d->stride_w != 0 || tx / d->stride_w >= src->w)
                        continue;
                      sum += plane[(gsize) (ty / d->stride_h) * src->w + tx / d->stride_w] *
                             wk[ky * kw + kx];
                    }
                }
            }
          enlarge_tensor_channel (dst, oc)[(gsize) y * dst->w + x] =
            enlarge_activate (sum, d->activation, d->act_params);
        }
  return TRUE;
}

/* An output pixel sees input pixels within (extent - 1) / stride of the
 * one below it */
static double
deconv_reach (const EnlargeLayer *l, double sc_in, double sc_out)
{
  const EnlargeDeconvParams *d = l->data;
  int ext = MAX ((d->kernel_w - 1) * d->dilation_w, (d->kernel_h - 1) * d->dilation_h);
  int stride = MIN (d->stride_w, d->stride_h);
  return ((double) ext / stride / 2 + 1) / MAX (sc_in, 1e-6);
}

const EnlargeOp enlarge_op_deconvolution = {
  .name = "Deconvolution",
  .type = ENLARGE_OP_OTHER,
  .n_inputs = 1,
  .load = deconv_load,
  .clear = deconv_clear,
  .shape = deconv_shape,
  .reference = deconv_reference,
  .reach = deconv_reach,
};
