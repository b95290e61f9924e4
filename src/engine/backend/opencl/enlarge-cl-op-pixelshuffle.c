/* The OpenCL dispatch of PixelShuffle: eight output pixels a work-item. */

#include "enlarge-cl-op.h"
#include "enlarge-cl-private.h"

static gboolean
run_pixelshuffle (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l, cl_mem *in,
                  const EnlargeShape *is, cl_mem *out, const EnlargeShape *os, GError **error)
{
  ClPriv *p = self->priv;
  cl_mem o = out[0];
  cl_kernel k = cl_kernel_get (p, "pixelshuffle");
  const int r = l->p.pixelshuffle.factor;
  size_t g[3] = { (size_t) (os->w / r + 7) / 8, os->h, os->c };
  ARG (k, 0, in[0]); ARG (k, 1, o); ARG (k, 2, (cl_int) os->c);
  ARG (k, 3, (cl_int) os->h); ARG (k, 4, (cl_int) os->w);
  ARG (k, 5, (cl_int) l->p.pixelshuffle.factor);
  return enqueue (p, k, 3, g, "pixelshuffle", error);
}

const EnlargeClOp enlarge_cl_op_pixelshuffle = { "PixelShuffle", NULL, run_pixelshuffle };
