/* The built-in layer types: the one list of their names. */

#include <string.h>

#include "enlarge-error.h"
#include "enlarge-op.h"

static const EnlargeOp * const builtin[] = {
  &enlarge_op_input,
  &enlarge_op_split,
  &enlarge_op_convolution,
  &enlarge_op_prelu,
  &enlarge_op_concat,
  &enlarge_op_eltwise,
  &enlarge_op_pixelshuffle,
  &enlarge_op_interp,
  &enlarge_op_binaryop,
  &enlarge_op_pixelunshuffle,
  &enlarge_op_crop,
  &enlarge_op_deconvolution,
  &enlarge_op_innerproduct,
  &enlarge_op_pooling,
  &enlarge_op_sigmoid,
  &enlarge_op_layernorm,
  &enlarge_op_gelu,
  &enlarge_op_window_attention,
  &enlarge_op_pad_multiple,
  &enlarge_op_crop_like,
};

const EnlargeOp *
enlarge_op_lookup (const char *name, const EnlargeOp * const *extra)
{
  for (guint i = 0; i < G_N_ELEMENTS (builtin); i++)
    if (strcmp (builtin[i]->name, name) == 0)
      return builtin[i];
  for (int i = 0; extra != NULL && extra[i] != NULL; i++)
    if (strcmp (extra[i]->name, name) == 0)
      return extra[i];
  return NULL;
}

gboolean
enlarge_op_shape_fail (const EnlargeLayer *l, GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_SHAPE, "layer %s (%s): %s", l->name,
               l->type_name, message);
  return FALSE;
}
