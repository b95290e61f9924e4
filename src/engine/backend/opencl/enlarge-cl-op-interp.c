/* The OpenCL dispatch of Interp: nearest (a fast kernel for 2× and 4×),
 * bilinear and bicubic with coefficients computed on the host. */

#include "enlarge-cl-op.h"
#include "enlarge-cl-private.h"
#include "enlarge-ops.h"

gboolean
run_interp (ClPriv *p, const EnlargeInterpParams *ip, cl_mem in, const EnlargeShape *is,
            cl_mem out, const EnlargeShape *os, GError **error)
{
  size_t g[3] = { os->w, os->h, os->c };

  if (ip->mode == ENLARGE_INTERP_NEAREST && ip->output_width == 0 && ip->output_height == 0 &&
      ip->width_scale == ip->height_scale && (ip->width_scale == 2.f || ip->width_scale == 4.f) &&
      os->w == is->w * (int) ip->width_scale && os->h == is->h * (int) ip->width_scale)
    {
      cl_kernel k = cl_kernel_get (p, "interp_nearest_pow2");
      const size_t g2[3] = { (size_t) (is->w + 7) / 8, os->h, os->c };
      ARG (k, 0, in); ARG (k, 1, out); ARG (k, 2, (cl_int) os->c);
      ARG (k, 3, (cl_int) is->h); ARG (k, 4, (cl_int) is->w);
      ARG (k, 5, (cl_int) ip->width_scale);
      return enqueue (p, k, 3, g2, "interp_nearest_pow2", error);
    }
  if (ip->mode == ENLARGE_INTERP_NEAREST)
    {
      cl_kernel k = cl_kernel_get (p, "interp_nearest");
      float ws = ip->output_width ? (float) is->w / os->w : 1.f / ip->width_scale;
      float hs = ip->output_height ? (float) is->h / os->h : 1.f / ip->height_scale;
      ARG (k, 0, in); ARG (k, 1, out); ARG (k, 2, (cl_int) os->c);
      ARG (k, 3, (cl_int) is->h); ARG (k, 4, (cl_int) is->w);
      ARG (k, 5, (cl_int) os->h); ARG (k, 6, (cl_int) os->w);
      ARG (k, 7, (cl_float) hs); ARG (k, 8, (cl_float) ws);
      return enqueue (p, k, 3, g, "interp_nearest", error);
    }

  const gboolean cubic = ip->mode == ENLARGE_INTERP_BICUBIC;
  const int taps = cubic ? 4 : 1;
  g_autofree int *xo = g_new (int, os->w);
  g_autofree int *yo = g_new (int, os->h);
  g_autofree float *xa = g_new (float, (gsize) taps * os->w);
  g_autofree float *ya = g_new (float, (gsize) taps * os->h);
  cl_mem bufs[4] = { 0 };
  cl_kernel k = cl_kernel_get (p, cubic ? "interp_bicubic" : "interp_bilinear");
  gboolean ok = FALSE;

  if (cubic)
    {
      enlarge_cubic_coeffs (is->w, os->w, ip->align_corner, xo, xa);
      enlarge_cubic_coeffs (is->h, os->h, ip->align_corner, yo, ya);
    }
  else
    {
      enlarge_linear_coeffs (is->w, os->w, ip->align_corner, xo, xa);
      enlarge_linear_coeffs (is->h, os->h, ip->align_corner, yo, ya);
    }
  bufs[0] = upload_const (p, xo, sizeof (int) * os->w, error);
  bufs[1] = bufs[0] ? upload_const (p, xa, sizeof (float) * taps * os->w, error) : NULL;
  bufs[2] = bufs[1] ? upload_const (p, yo, sizeof (int) * os->h, error) : NULL;
  bufs[3] = bufs[2] ? upload_const (p, ya, sizeof (float) * taps * os->h, error) : NULL;
  if (bufs[3])
    {
      cl_int e = 0;
      e |= clSetKernelArg (k, 0, sizeof in, &in);
      e |= clSetKernelArg (k, 1, sizeof out, &out);
      e |= clSetKernelArg (k, 2, sizeof (cl_int), &os->c);
      e |= clSetKernelArg (k, 3, sizeof (cl_int), &is->h);
      e |= clSetKernelArg (k, 4, sizeof (cl_int), &is->w);
      e |= clSetKernelArg (k, 5, sizeof (cl_int), &os->h);
      e |= clSetKernelArg (k, 6, sizeof (cl_int), &os->w);
      for (int i = 0; i < 4; i++)
        e |= clSetKernelArg (k, 7 + i, sizeof (cl_mem), &bufs[i]);
      ok = cl_check (e, "clSetKernelArg", error) &&
           enqueue (p, k, 3, g, cubic ? "interp_bicubic" : "interp_bilinear", error);
    }
  /* the kernel still reads the coefficient buffers: the release is
   * deferred by OpenCL until it has run */
  for (int i = 0; i < 4; i++)
    if (bufs[i])
      clReleaseMemObject (bufs[i]);
  return ok;
}


static gboolean
run_interp_layer (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l, cl_mem *in,
                  const EnlargeShape *is, cl_mem *out, const EnlargeShape *os, GError **error)
{
  return run_interp (self->priv, &l->p.interp, in[0], &is[0], out[0], os, error);
}

const EnlargeClOp enlarge_cl_op_interp = { "Interp", NULL, run_interp_layer };
