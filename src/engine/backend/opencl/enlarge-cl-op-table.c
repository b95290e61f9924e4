/* The OpenCL dispatches of the built-in ops: the one list of them. */

#include "enlarge-cl-op.h"
#include "enlarge-cl-private.h"

static const EnlargeClOp * const builtin[] = {
  &enlarge_cl_op_convolution,
  &enlarge_cl_op_prelu,
  &enlarge_cl_op_concat,
  &enlarge_cl_op_eltwise,
  &enlarge_cl_op_pixelshuffle,
  &enlarge_cl_op_interp,
  &enlarge_cl_op_binaryop,
  &enlarge_cl_op_pixelunshuffle,
  &enlarge_cl_op_crop,
  &enlarge_cl_op_deconvolution,
  &enlarge_cl_op_innerproduct,
  &enlarge_cl_op_pooling,
  &enlarge_cl_op_sigmoid,
  &enlarge_cl_op_layernorm,
  &enlarge_cl_op_gelu,
  &enlarge_cl_op_window_attention,
  &enlarge_cl_op_pad_multiple,
  &enlarge_cl_op_crop_like,
};

/* op name → EnlargeClOp: the built-in ones, then @extra (NULL-terminated) */
GHashTable *
enlarge_cl_op_table_new (const EnlargeClOp * const *extra)
{
  GHashTable *table = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < G_N_ELEMENTS (builtin); i++)
    g_hash_table_insert (table, (gpointer) builtin[i]->op, (gpointer) builtin[i]);
  for (int i = 0; extra != NULL && extra[i] != NULL; i++)
    g_hash_table_insert (table, (gpointer) extra[i]->op, (gpointer) extra[i]);
  return table;
}

cl_kernel
enlarge_cl_kernel (EnlargeBackend *self, const char *name)
{
  return cl_kernel_get (self->priv, name);
}

gboolean
enlarge_cl_launch (EnlargeBackend *self, cl_kernel kernel, int dims, const size_t *global,
                   const char *name, GError **error)
{
  return enqueue (self->priv, kernel, dims, global, name, error);
}
