/* The OpenCL dispatch of PixelUnshuffle: one input row of r² output rows
 * a work-item. */

#include "enlarge-cl-op.h"
#include "enlarge-cl-private.h"

static gboolean
run_pixelunshuffle (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l, cl_mem *in,
                    const EnlargeShape *is, cl_mem *out, const EnlargeShape *os, GError **error)
{
  ClPriv *p = self->priv;
  cl_kernel k = cl_kernel_get (p, "pixelunshuffle");
  const int r = l->p.pixelshuffle.factor;
  size_t g[3] = { (size_t) (os->w + 7) / 8, is->h, is->c };
  ARG (k, 0, in[0]); ARG (k, 1, out[0]); ARG (k, 2, (cl_int) is->c);
  ARG (k, 3, (cl_int) is->h); ARG (k, 4, (cl_int) is->w); ARG (k, 5, (cl_int) r);
  return enqueue (p, k, 3, g, "pixelunshuffle", error);
}

const EnlargeClOp enlarge_cl_op_pixelunshuffle = { "PixelUnshuffle", NULL, run_pixelunshuffle };
