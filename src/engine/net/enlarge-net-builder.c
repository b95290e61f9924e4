/* Building a network in code; see enlarge-net-builder.h. */

#include <string.h>

#include "enlarge-error.h"
#include "enlarge-net-builder.h"
#include "enlarge-net-private.h"

struct _EnlargeNetBuilder {
  GArray *layers;        /* EnlargeLayer */
  int n_blobs;
  int input_blob;
};

EnlargeNetBuilder *
enlarge_net_builder_new (void)
{
  EnlargeNetBuilder *b = g_new0 (EnlargeNetBuilder, 1);
  b->layers = g_array_new (FALSE, TRUE, sizeof (EnlargeLayer));
  b->input_blob = -1;
  return b;
}

void
enlarge_net_builder_free (EnlargeNetBuilder *b)
{
  if (b == NULL)
    return;
  for (guint i = 0; i < b->layers->len; i++)
    enlarge_layer_clear (&g_array_index (b->layers, EnlargeLayer, i));
  g_array_unref (b->layers);
  g_free (b);
}

static EnlargeLayer *
add_layer (EnlargeNetBuilder *b, const EnlargeOp *op, const char *name, int n_in,
           const int *in, int n_out)
{
  EnlargeLayer l = { 0 };

  l.op = op;
  l.type = op->type;
  l.type_name = g_strdup (op->name);
  l.name = g_strdup (name);
  l.n_inputs = n_in;
  l.n_outputs = n_out;
  l.inputs = g_new0 (int, MAX (n_in, 1));
  l.outputs = g_new0 (int, MAX (n_out, 1));
  if (n_in > 0)
    memcpy (l.inputs, in, sizeof (int) * n_in);
  for (int k = 0; k < n_out; k++)
    l.outputs[k] = b->n_blobs++;
  g_array_append_val (b->layers, l);
  return &g_array_index (b->layers, EnlargeLayer, b->layers->len - 1);
}

int
enlarge_net_builder_input (EnlargeNetBuilder *b)
{
  g_return_val_if_fail (b->input_blob < 0, b->input_blob);
  b->input_blob = add_layer (b, &enlarge_op_input, "input", 0, NULL, 1)->outputs[0];
  return b->input_blob;
}

EnlargeLayer *
enlarge_net_builder_add (EnlargeNetBuilder *b, const EnlargeOp *op, const char *name,
                         int n_inputs, const int *inputs, int *output)
{
  EnlargeLayer *l = add_layer (b, op, name, n_inputs, inputs, 1);
  *output = l->outputs[0];
  return l;
}

int
enlarge_net_builder_conv (EnlargeNetBuilder *b, const char *name, int input, int num_output,
                          int num_input, int kernel, float *weight, float *bias,
                          EnlargeActivation activation, float slope)
{
  int out;
  EnlargeConvParams *c = &enlarge_net_builder_add (b, &enlarge_op_convolution, name, 1, &input,
                                                   &out)->p.conv;
  /* the parameters an ncnn file of a PyTorch Conv2d(k, padding=k/2) has */
  c->num_output = num_output;
  c->num_input = num_input;
  c->kernel_w = c->kernel_h = kernel;
  c->dilation_w = c->dilation_h = 1;
  c->stride_w = c->stride_h = 1;
  c->pad_left = c->pad_right = c->pad_top = c->pad_bottom = kernel / 2;
  c->bias_term = bias != NULL;
  c->weight_data_size = num_output * num_input * kernel * kernel;
  c->activation = activation;
  c->act_params[0] = slope;
  c->weight = weight;
  c->bias = bias;
  return out;
}

int
enlarge_net_builder_prelu (EnlargeNetBuilder *b, const char *name, int input, int num_slope,
                           float *slope)
{
  int out;
  EnlargePReluParams *p = &enlarge_net_builder_add (b, &enlarge_op_prelu, name, 1, &input,
                                                    &out)->p.prelu;
  p->num_slope = num_slope;
  p->slope = slope;
  return out;
}

int
enlarge_net_builder_concat (EnlargeNetBuilder *b, const char *name, int n_inputs,
                            const int *inputs)
{
  int out;
  enlarge_net_builder_add (b, &enlarge_op_concat, name, n_inputs, inputs, &out)->p.concat.axis = 0;
  return out;
}

int
enlarge_net_builder_sum (EnlargeNetBuilder *b, const char *name, int x, int y, float cx,
                         float cy)
{
  const int in[2] = { x, y };
  int out;
  EnlargeEltwiseParams *e = &enlarge_net_builder_add (b, &enlarge_op_eltwise, name, 2, in,
                                                      &out)->p.eltwise;
  e->op = ENLARGE_ELTWISE_SUM;
  e->n_coeffs = 2;
  e->coeffs = g_new (float, 2);
  e->coeffs[0] = cx;
  e->coeffs[1] = cy;
  return out;
}

int
enlarge_net_builder_add_blobs (EnlargeNetBuilder *b, const char *name, int x, int y)
{
  return enlarge_net_builder_binary (b, name, x, y, ENLARGE_BINARY_ADD);
}

int
enlarge_net_builder_binary (EnlargeNetBuilder *b, const char *name, int x, int y,
                            EnlargeBinaryOp op)
{
  const int in[2] = { x, y };
  int out;
  enlarge_net_builder_add (b, &enlarge_op_binaryop, name, 2, in, &out)->p.binary.op = op;
  return out;
}

int
enlarge_net_builder_binary_scalar (EnlargeNetBuilder *b, const char *name, int x,
                                   EnlargeBinaryOp op, float value)
{
  int out;
  EnlargeBinaryParams *p = &enlarge_net_builder_add (b, &enlarge_op_binaryop, name, 1, &x,
                                                     &out)->p.binary;
  p->op = op;
  p->with_scalar = TRUE;
  p->b = value;
  return out;
}

int
enlarge_net_builder_upsample (EnlargeNetBuilder *b, const char *name, int input, int factor)
{
  int out;
  EnlargeInterpParams *ip = &enlarge_net_builder_add (b, &enlarge_op_interp, name, 1, &input,
                                                      &out)->p.interp;
  ip->mode = ENLARGE_INTERP_NEAREST;
  ip->height_scale = ip->width_scale = (float) factor;
  return out;
}

int
enlarge_net_builder_pixelshuffle (EnlargeNetBuilder *b, const char *name, int input, int factor)
{
  int out;
  enlarge_net_builder_add (b, &enlarge_op_pixelshuffle, name, 1, &input, &out)
    ->p.pixelshuffle.factor = factor;
  return out;
}

int
enlarge_net_builder_pixelunshuffle (EnlargeNetBuilder *b, const char *name, int input,
                                    int factor)
{
  int out;
  enlarge_net_builder_add (b, &enlarge_op_pixelunshuffle, name, 1, &input, &out)
    ->p.pixelshuffle.factor = factor;
  return out;
}

/* Blobs with several readers get a Split right after the layer that makes
 * them, one output per reader; as in ncnn's files, the first reader gets
 * the last output. */
static void
insert_splits (EnlargeNetBuilder *b, EnlargeNet *net)
{
  const int n_old = b->n_blobs;
  g_autofree int *readers = g_new0 (int, n_old);
  g_autofree int *first = g_new0 (int, n_old);   /* first new blob of its split */
  g_autofree int *taken = g_new0 (int, n_old);
  g_autoptr (GArray) out = g_array_new (FALSE, TRUE, sizeof (EnlargeLayer));
  int n_blobs = n_old;

  for (guint i = 0; i < b->layers->len; i++)
    {
      const EnlargeLayer *l = &g_array_index (b->layers, EnlargeLayer, i);
      for (int k = 0; k < l->n_inputs; k++)
        readers[l->inputs[k]]++;
    }
  for (guint i = 0; i < b->layers->len; i++)
    {
      EnlargeLayer l = g_array_index (b->layers, EnlargeLayer, i);
      for (int k = 0; k < l.n_inputs; k++)
        {
          const int in = l.inputs[k];
          if (readers[in] > 1)
            l.inputs[k] = first[in] + readers[in] - 1 - taken[in]++;
        }
      g_array_append_val (out, l);
      for (int k = 0; k < l.n_outputs; k++)
        {
          const int blob = l.outputs[k];
          if (readers[blob] < 2)
            continue;
          EnlargeLayer s = { 0 };
          s.op = &enlarge_op_split;
          s.type = ENLARGE_OP_SPLIT;
          s.type_name = g_strdup ("Split");
          s.name = g_strdup_printf ("splitncnn_%d", blob);
          s.n_inputs = 1;
          s.inputs = g_new (int, 1);
          s.inputs[0] = blob;
          s.n_outputs = readers[blob];
          s.outputs = g_new (int, s.n_outputs);
          first[blob] = n_blobs;
          for (int j = 0; j < s.n_outputs; j++)
            s.outputs[j] = n_blobs++;
          g_array_append_val (out, s);
        }
    }
  /* the layers moved to @out */
  g_array_set_size (b->layers, 0);

  net->n_layers = out->len;
  net->layers = (EnlargeLayer *) (void *) g_array_free (g_steal_pointer (&out), FALSE);
  net->n_blobs = n_blobs;
  net->blob_names = g_new0 (char *, n_blobs);
  for (int i = 0; i < n_blobs; i++)
    net->blob_names[i] = g_strdup_printf ("%d", i);
}

EnlargeNet *
enlarge_net_builder_finish (EnlargeNetBuilder *b, const char *name, GError **error)
{
  g_autoptr (EnlargeNetBuilder) owned = b;
  g_autoptr (EnlargeNet) net = g_new0 (EnlargeNet, 1);

  net->ref_count = 1;
  net->input_blob = b->input_blob;
  insert_splits (b, net);
  if (!enlarge_net_analyse (net, name, error))
    return NULL;
  enlarge_net_fuse (net);
  return g_steal_pointer (&net);
}
