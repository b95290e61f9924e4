/* Concat along channels (axis 0 only). On devices the executor places
 * the inputs inside the output, so most concats copy nothing. */

#include <math.h>
#include <string.h>

#include "enlarge-error.h"
#include "enlarge-op.h"
#include "enlarge-ops.h"

#define MAX_CHANNELS (1 << 20)

static gboolean
concat_load (EnlargeLayer *l, const EnlargeOpLoader *ld, GError **error)
{
  l->p.concat.axis = enlarge_op_loader_int (ld, 0, 0);
  if (l->p.concat.axis != 0)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_UNSUPPORTED,
                                   "concatenation along axis %d is not supported", l->p.concat.axis);
  if (l->n_inputs < 1)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_PARAM_SYNTAX,
                                   "needs at least one input");
  return TRUE;
}

static gboolean
concat_shape (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out, GError **error)
{
  gint64 c = 0;
  for (int i = 0; i < l->n_inputs; i++)
    {
      if (in[i].w != in[0].w || in[i].h != in[0].h)
        return enlarge_op_shape_fail (l, error, "inputs differ in size");
      c += in[i].c;
    }
  if (c > MAX_CHANNELS)
    return enlarge_op_shape_fail (l, error, "%" G_GINT64_FORMAT " output channels, more than %d",
                                  c, MAX_CHANNELS);
  out[0] = in[0];
  out[0].c = (int) c;
  return TRUE;
}

static void
concat_ref (int n, EnlargeTensor **in, EnlargeTensor *out)
{
  gsize off = 0;
  for (int k = 0; k < n; k++)
    {
      gsize sz = enlarge_tensor_size (in[k]);
      memcpy (out->data + off, in[k]->data, sz * sizeof (float));
      off += sz;
    }
}

static gboolean
concat_reference (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out, GError **error)
{
  concat_ref (l->n_inputs, in, out[0]);
  return TRUE;
}

const EnlargeOp enlarge_op_concat = {
  .name = "Concat",
  .type = ENLARGE_OP_CONCAT,
  .n_inputs = -1,
  .load = concat_load,
  .shape = concat_shape,
  .reference = concat_reference,
};
