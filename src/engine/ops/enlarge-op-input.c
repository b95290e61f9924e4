/* Input: the network's input blob, made by the executor; Split: one blob
 * under several names (no copy on a device, copies on the reference). */

#include <math.h>
#include <string.h>

#include "enlarge-error.h"
#include "enlarge-op.h"
#include "enlarge-ops.h"

static gboolean
input_shape (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out, GError **error)
{
  return TRUE; /* set by the caller */
}

static gboolean
input_reference (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out, GError **error)
{
  return TRUE;
}

const EnlargeOp enlarge_op_input = {
  .name = "Input",
  .type = ENLARGE_OP_INPUT,
  .n_inputs = 0,
  .shape = input_shape,
  .reference = input_reference,
};

static gboolean
split_shape (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out, GError **error)
{
  for (int i = 0; i < l->n_outputs; i++)
    out[i] = in[0];
  return TRUE;
}

static gboolean
split_reference (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out, GError **error)
{
  for (int k = 0; k < l->n_outputs; k++)
    memcpy (out[k]->data, in[0]->data, enlarge_tensor_size (in[0]) * sizeof (float));
  return TRUE;
}

const EnlargeOp enlarge_op_split = {
  .name = "Split",
  .type = ENLARGE_OP_SPLIT,
  .n_inputs = 1,
  .many_outputs = TRUE,
  .shape = split_shape,
  .reference = split_reference,
};
