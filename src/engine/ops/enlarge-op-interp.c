/* Interp: nearest, bilinear or bicubic resizing by scale factors or to a
 * fixed size, with ncnn's coefficients. */

#include <math.h>
#include <string.h>

#include "enlarge-error.h"
#include "enlarge-op.h"
#include "enlarge-ops.h"

static gboolean
interp_load (EnlargeLayer *l, const EnlargeOpLoader *ld, GError **error)
{
  EnlargeInterpParams *ip = &l->p.interp;
  ip->mode = enlarge_op_loader_int (ld, 0, 0);
  ip->height_scale = enlarge_op_loader_float (ld, 1, 1.f);
  ip->width_scale = enlarge_op_loader_float (ld, 2, 1.f);
  ip->output_height = enlarge_op_loader_int (ld, 3, 0);
  ip->output_width = enlarge_op_loader_int (ld, 4, 0);
  ip->align_corner = enlarge_op_loader_int (ld, 6, 0) != 0;
  if (ip->mode < 1 || ip->mode > 3)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_UNSUPPORTED,
                                   "interpolation mode %d is not supported", ip->mode);
  if (!(ip->height_scale > 0.f && ip->height_scale <= 64.f) ||
      !(ip->width_scale > 0.f && ip->width_scale <= 64.f) ||
      ip->output_height < 0 || ip->output_width < 0 ||
      ip->output_height > 1 << 20 || ip->output_width > 1 << 20)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_PARAM_SYNTAX,
                                   "bad scale or output size");
  if (enlarge_op_loader_int (ld, 5, 0) != 0)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_UNSUPPORTED,
                                   "dynamic output size is not supported");
  return TRUE;
}

static gboolean
interp_shape (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out, GError **error)
{
  const EnlargeInterpParams *ip = &l->p.interp;
  out[0].c = in[0].c;
  if (ip->output_width > 0 && ip->output_height > 0)
    {
      out[0].w = ip->output_width;
      out[0].h = ip->output_height;
    }
  else
    {
      /* ncnn truncates w × scale to int */
      float w = in[0].w * ip->width_scale;
      float h = in[0].h * ip->height_scale;
      if (!(w < G_MAXINT / 4 && h < G_MAXINT / 4))
        return enlarge_op_shape_fail (l, error, "output too large");
      out[0].w = (int) w;
      out[0].h = (int) h;
    }
  if (out[0].w <= 0 || out[0].h <= 0)
    return enlarge_op_shape_fail (l, error, "output would be empty");
  return TRUE;
}

static double
interp_reach (const EnlargeLayer *l, double sc_in, double sc_out)
{
  return (l->p.interp.mode == ENLARGE_INTERP_BICUBIC ? 2.0 : 1.0) / MIN (sc_in, sc_out);
}

/* ncnn's source position of output @d: the step between output pixels
 * (@align_corner: the end pixels map onto each other), then the left tap
 * @sx and the fraction @fx past it */
static double
source_step (int in_size, int out_size, gboolean align_corner)
{
  if (align_corner)
    return out_size > 1 ? (double) (in_size - 1) / (out_size - 1) : 0.0;
  return (double) in_size / out_size;
}

static void
source_position (int d, double step, gboolean align_corner, int *sx, float *fx)
{
  float x = align_corner ? (float) (d * step) : (float) ((d + 0.5) * step - 0.5);
  *sx = (int) floorf (x);
  *fx = x - *sx;
}

void
enlarge_cubic_coeffs (int in_size, int out_size, gboolean align_corner,
                      int *first, float *weights)
{
  const double scale = source_step (in_size, out_size, align_corner);

  for (int d = 0; d < out_size; d++)
    {
      int sx;
      float fx;
      const float A = -0.75f;
      float *c = weights + 4 * d;
      source_position (d, scale, align_corner, &sx, &fx);
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
  const double scale = source_step (in_size, out_size, align_corner);

  for (int d = 0; d < out_size; d++)
    {
      int sx;
      float fx;
      source_position (d, scale, align_corner, &sx, &fx);
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

static gboolean
interp_reference (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out, GError **error)
{
  interp_ref (&l->p.interp, in[0], out[0]);
  return TRUE;
}

const EnlargeOp enlarge_op_interp = {
  .name = "Interp",
  .type = ENLARGE_OP_INTERP,
  .n_inputs = 1,
  .load = interp_load,
  .shape = interp_shape,
  .reference = interp_reference,
  .reach = interp_reach,
};
