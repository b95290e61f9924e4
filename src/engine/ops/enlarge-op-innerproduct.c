/* InnerProduct: a fully connected layer over the whole input blob
 * (flattened in c, h, w order) into a num_output×1×1 blob, with bias and
 * activation. Weights: [num_output][num_input]. */

#include <string.h>

#include "enlarge-error.h"
#include "enlarge-op.h"
#include "enlarge-op-unet.h"
#include "enlarge-ops.h"

static gboolean
innerproduct_load (EnlargeLayer *l, const EnlargeOpLoader *ld, GError **error)
{
  EnlargeInnerProductParams *p = g_new0 (EnlargeInnerProductParams, 1);
  int weight_data_size;

  l->data = p;
  p->num_output = enlarge_op_loader_int (ld, 0, 0);
  weight_data_size = enlarge_op_loader_int (ld, 2, 0);
  if (enlarge_op_loader_int (ld, 8, 0) != 0)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_UNSUPPORTED,
                                   "int8 inner products are not supported");
  if (p->num_output <= 0 || p->num_output > 65536)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_PARAM_SYNTAX,
                                   "bad output count %d", p->num_output);
  if (weight_data_size <= 0 || weight_data_size % p->num_output != 0)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_WEIGHT_MISMATCH,
                                   "weight count %d is not a multiple of %d outputs",
                                   weight_data_size, p->num_output);
  p->num_input = weight_data_size / p->num_output;
  if (!enlarge_op_load_activation (ld, l, &p->activation, p->act_params, error))
    return FALSE;
  p->weight = enlarge_op_loader_weights (ld, l, weight_data_size, error);
  if (p->weight == NULL)
    return FALSE;
  if (enlarge_op_loader_int (ld, 1, 0) != 0)
    {
      p->bias = enlarge_op_loader_raw (ld, l, p->num_output, "bias", error);
      if (p->bias == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
innerproduct_clear (EnlargeLayer *l)
{
  EnlargeInnerProductParams *p = l->data;
  if (p == NULL)
    return;
  g_free (p->weight);
  g_free (p->bias);
  g_clear_pointer (&l->data, g_free);
}

static gboolean
innerproduct_shape (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out,
                    GError **error)
{
  const EnlargeInnerProductParams *p = l->data;
  if ((gint64) in[0].c * in[0].h * in[0].w != p->num_input)
    return enlarge_op_shape_fail (l, error, "input %d×%d×%d is not the %d values the weights expect",
                                  in[0].c, in[0].h, in[0].w, p->num_input);
  *out = (EnlargeShape) { p->num_output, 1, 1 };
  return TRUE;
}

static gboolean
innerproduct_reference (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out,
                        GError **error)
{
  const EnlargeInnerProductParams *p = l->data;
  for (int o = 0; o < p->num_output; o++)
    {
      const float *w = p->weight + (gsize) o * p->num_input;
      float sum = p->bias ? p->bias[o] : 0.f;
      for (int i = 0; i < p->num_input; i++)
        sum += w[i] * in[0]->data[i];
      out[0]->data[o] = enlarge_activate (sum, p->activation, p->act_params);
    }
  return TRUE;
}

const EnlargeOp enlarge_op_innerproduct = {
  .name = "InnerProduct",
  .type = ENLARGE_OP_OTHER,
  .n_inputs = 1,
  .load = innerproduct_load,
  .clear = innerproduct_clear,
  .shape = innerproduct_shape,
  .reference = innerproduct_reference,
};
