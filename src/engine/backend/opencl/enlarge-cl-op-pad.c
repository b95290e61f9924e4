/* The OpenCL dispatches of PadToMultiple and CropLike: one work-item an
 * output value. */

#include "enlarge-cl-op.h"
#include "enlarge-cl-private.h"

static gboolean
run_copy (EnlargeBackend *self, const char *name, cl_mem in, const EnlargeShape *is, cl_mem out,
          const EnlargeShape *os, GError **error)
{
  ClPriv *p = self->priv;
  size_t g[3] = { (size_t) os->w, (size_t) os->h, (size_t) os->c };
  cl_kernel k = cl_kernel_get (p, name);

  ARG (k, 0, in); ARG (k, 1, out);
  ARG (k, 2, (cl_int) is->h); ARG (k, 3, (cl_int) is->w);
  ARG (k, 4, (cl_int) os->h); ARG (k, 5, (cl_int) os->w); ARG (k, 6, (cl_int) os->c);
  return enqueue (p, k, 3, g, name, error);
}

static gboolean
run_pad (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l, cl_mem *in,
         const EnlargeShape *is, cl_mem *out, const EnlargeShape *os, GError **error)
{
  return run_copy (self, "pad_reflect", in[0], &is[0], out[0], os, error);
}

static gboolean
run_crop_like (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l, cl_mem *in,
               const EnlargeShape *is, cl_mem *out, const EnlargeShape *os, GError **error)
{
  return run_copy (self, "crop_like", in[0], &is[0], out[0], os, error);
}

const EnlargeClOp enlarge_cl_op_pad_multiple = { "PadToMultiple", NULL, run_pad };
const EnlargeClOp enlarge_cl_op_crop_like = { "CropLike", NULL, run_crop_like };
