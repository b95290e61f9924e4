/* The OpenCL dispatch of Concat: the driver's copies, where the executor
 * could not place the inputs inside the output. */

#include "enlarge-cl-op.h"
#include "enlarge-cl-private.h"

static gboolean
run_concat (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l, cl_mem *in,
            const EnlargeShape *is, cl_mem *out, const EnlargeShape *os, GError **error)
{
  ClPriv *p = self->priv;
  cl_mem o = out[0];
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

const EnlargeClOp enlarge_cl_op_concat = { "Concat", NULL, run_concat };
