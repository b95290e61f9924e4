/* The OpenCL dispatch of WindowAttention: one work-item a pixel and head,
 * the bias table uploaded for the launch. */

#include "enlarge-cl-op.h"
#include "enlarge-cl-private.h"
#include "enlarge-op-attention.h"

static gboolean
set_args (cl_kernel k, const EnlargeAttentionParams *ap, cl_mem in, cl_mem out, cl_mem table,
          const EnlargeShape *os, GError **error)
{
  ARG (k, 0, in); ARG (k, 1, out); ARG (k, 2, table);
  ARG (k, 3, (cl_int) os->h); ARG (k, 4, (cl_int) os->w); ARG (k, 5, (cl_int) ap->heads);
  ARG (k, 6, (cl_int) (os->c / ap->heads)); ARG (k, 7, (cl_int) ap->window);
  ARG (k, 8, (cl_int) ap->shift); ARG (k, 9, (cl_float) ap->scale);
  return TRUE;
}

static gboolean
run_attention (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l, cl_mem *in,
               const EnlargeShape *is, cl_mem *out, const EnlargeShape *os, GError **error)
{
  ClPriv *p = self->priv;
  const EnlargeAttentionParams *ap = l->data;
  const int tw = 2 * ap->window - 1;
  size_t g[3] = { (size_t) os->w, (size_t) os->h, (size_t) ap->heads };
  cl_kernel k = cl_kernel_get (p, "window_attention");
  cl_mem table;
  gboolean ok;

  table = upload_const (p, ap->bias_table, sizeof (float) * tw * tw * ap->heads, error);
  if (table == NULL)
    return FALSE;
  ok = set_args (k, ap, in[0], out[0], table, os, error) &&
       enqueue (p, k, 3, g, "window_attention", error);
  clReleaseMemObject (table);
  return ok;
}

const EnlargeClOp enlarge_cl_op_window_attention = { "WindowAttention", NULL, run_attention };
