/* The OpenCL dispatch of the ops other than the convolution. */

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


gboolean
enlarge_cl_run_op (EnlargeBackend *self, const EnlargeLayer *l, gpointer *in,
                   const EnlargeShape *is, gpointer *out, const EnlargeShape *os, GError **error)
{
  ClPriv *p = self->priv;
  const cl_int n = os->c * os->h * os->w;
  size_t g1[1] = { (size_t) n };
  cl_mem o = out[0];

  switch (l->type)
    {
    case ENLARGE_OP_PRELU:
      {
        cl_kernel k = cl_kernel_get (p, "prelu");
        cl_mem slope = upload_const (p, l->p.prelu.slope, sizeof (float) * l->p.prelu.num_slope, error);
        gboolean ok;
        if (slope == NULL)
          return FALSE;
        ok = clSetKernelArg (k, 0, sizeof (cl_mem), &in[0]) == CL_SUCCESS &&
             clSetKernelArg (k, 1, sizeof (cl_mem), &o) == CL_SUCCESS &&
             clSetKernelArg (k, 2, sizeof (cl_mem), &slope) == CL_SUCCESS &&
             clSetKernelArg (k, 3, sizeof (cl_int), &(cl_int) { is->h * is->w }) == CL_SUCCESS &&
             clSetKernelArg (k, 4, sizeof (cl_int), &l->p.prelu.num_slope) == CL_SUCCESS &&
             clSetKernelArg (k, 5, sizeof (cl_int), &n) == CL_SUCCESS;
        if (!ok)
          g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_OPENCL, "OpenCL: cannot set prelu arguments");
        else
          ok = enqueue (p, k, 1, g1, "prelu", error);
        clReleaseMemObject (slope);
        return ok;
      }

    case ENLARGE_OP_CONCAT:
      {
        /* the driver's own copy: a plain memcpy on CPU devices, a DMA on
         * GPUs — far faster than a copy kernel */
        size_t offset = 0;
        /* counted: tests check that the dense blocks copy nothing */
        count_launch (p, "concat_copy");
        for (int i = 0; i < l->n_inputs; i++)
          {
            size_t bytes = sizeof (float) * is[i].c * is[i].h * is[i].w;
            cl_int err = clEnqueueCopyBuffer (p->queue, in[i], o, 0, offset, bytes, 0, NULL, NULL);
            if (!cl_check (err, "clEnqueueCopyBuffer (concat)", error))
              return FALSE;
            offset += bytes;
          }
        return TRUE;
      }

    case ENLARGE_OP_ELTWISE:
      {
        const EnlargeEltwiseParams *e = &l->p.eltwise;
        cl_kernel k = cl_kernel_get (p, "eltwise2");
        for (int i = 1; i < l->n_inputs; i++)
          {
            cl_mem a = i == 1 ? in[0] : o;
            float ca = i == 1 && e->coeffs ? e->coeffs[0] : 1.f;
            float cb = e->coeffs ? e->coeffs[i] : 1.f;
            ARG (k, 0, a); ARG (k, 1, (cl_mem) in[i]); ARG (k, 2, o);
            ARG (k, 3, (cl_float) ca); ARG (k, 4, (cl_float) cb);
            ARG (k, 5, (cl_int) e->op); ARG (k, 6, n);
            if (!enqueue (p, k, 1, g1, "eltwise2", error))
              return FALSE;
          }
        return TRUE;
      }

    case ENLARGE_OP_PIXELSHUFFLE:
      {
        cl_kernel k = cl_kernel_get (p, "pixelshuffle");
        const int r = l->p.pixelshuffle.factor;
        size_t g[3] = { (size_t) (os->w / r + 7) / 8, os->h, os->c };
        ARG (k, 0, (cl_mem) in[0]); ARG (k, 1, o); ARG (k, 2, (cl_int) os->c);
        ARG (k, 3, (cl_int) os->h); ARG (k, 4, (cl_int) os->w);
        ARG (k, 5, (cl_int) l->p.pixelshuffle.factor);
        return enqueue (p, k, 3, g, "pixelshuffle", error);
      }

    case ENLARGE_OP_INTERP:
      return run_interp (p, &l->p.interp, in[0], &is[0], o, os, error);

    case ENLARGE_OP_BINARYOP:
      {
        const EnlargeBinaryParams *bp = &l->p.binary;
        cl_kernel k = cl_kernel_get (p, "binary_op");
        cl_int mode = bp->with_scalar ? 1
                      : (is[1].w == 1 && is[1].h == 1 && is[0].h * is[0].w != 1) ? 2 : 0;
        cl_mem b = bp->with_scalar ? in[0] : in[1];
        ARG (k, 0, (cl_mem) in[0]); ARG (k, 1, b); ARG (k, 2, o);
        ARG (k, 3, (cl_int) bp->op); ARG (k, 4, mode); ARG (k, 5, (cl_float) bp->b);
        ARG (k, 6, (cl_int) (is[0].h * is[0].w)); ARG (k, 7, n);
        return enqueue (p, k, 1, g1, "binary_op", error);
      }

    case ENLARGE_OP_INPUT:
    case ENLARGE_OP_SPLIT:
    default:
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                   "layer %s: no OpenCL implementation", l->name);
      return FALSE;
    }
}

