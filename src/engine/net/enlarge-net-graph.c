/* The loaded graph: its upsampling tail, its peak memory, and the fusion
 * passes the loader runs (a PReLU, Eltwise sums and a 2× upsampling
 * folded into the convolutions next to them). */

#include <math.h>
#include <string.h>

#include "enlarge-net.h"
#include "enlarge-net-private.h"
#include "enlarge-op.h"

/* The blob whose buffer a blob shares: Split outputs alias their input. */
static int
blob_root (const EnlargeNet *net, const int *alias, int blob)
{
  while (alias[blob] != blob)
    blob = alias[blob];
  return blob;
}

/* How many layer inputs read each blob, and (@producer may be NULL) the
 * layer that makes it, -1 for none */
void
enlarge_net_blob_usage (const EnlargeNet *net, int *readers, int *producer)
{
  for (int b = 0; b < net->n_blobs; b++)
    {
      readers[b] = 0;
      if (producer)
        producer[b] = -1;
    }
  for (int i = 0; i < net->n_layers; i++)
    {
      for (int k = 0; k < net->layers[i].n_inputs; k++)
        readers[net->layers[i].inputs[k]]++;
      for (int k = 0; producer && k < net->layers[i].n_outputs; k++)
        producer[net->layers[i].outputs[k]] = i;
    }
}

gboolean
enlarge_net_get_tail (const EnlargeNet *net, EnlargeNetTail *tail)
{
  g_autofree int *consumers = g_new (int, net->n_blobs);
  int blob = net->output_blob, i, scale = 1, upsamplings = 0;
  double radius = 0;

  enlarge_net_blob_usage (net, consumers, NULL);
  for (i = net->n_layers - 1; i > 0; i--)
    {
      const EnlargeLayer *l = &net->layers[i];
      gboolean ok = l->n_inputs == 1 && l->n_outputs == 1 && l->outputs[0] == blob &&
                    consumers[l->inputs[0]] == 1;
      if (ok && l->type == ENLARGE_OP_CONVOLUTION)
        {
          const EnlargeConvParams *c = &l->p.conv;
          ok = c->kernel_w == c->kernel_h && c->kernel_w % 2 == 1 && c->stride_w == 1 &&
               c->stride_h == 1 && c->dilation_w == 1 && c->dilation_h == 1 &&
               c->pad_left == c->kernel_w / 2 && c->pad_right == c->pad_left &&
               c->pad_top == c->pad_left && c->pad_bottom == c->pad_left && c->pad_value == 0.f;
        }
      else if (ok && l->type == ENLARGE_OP_INTERP)
        {
          const EnlargeInterpParams *ip = &l->p.interp;
          ok = ip->mode == ENLARGE_INTERP_NEAREST && ip->output_width == 0 &&
               ip->output_height == 0 && ip->width_scale == ip->height_scale &&
               ip->width_scale >= 2.f && ip->width_scale == (float) (int) ip->width_scale;
        }
      else
        ok = FALSE;
      if (!ok)
        break;
      blob = l->inputs[0];
    }
  tail->first = i + 1;
  tail->input = blob;
  if (tail->first >= net->n_layers || net->layers[i].type == ENLARGE_OP_INPUT)
    return FALSE;
  /* the reach of the chain, in pixels of its input */
  for (int j = tail->first; j < net->n_layers; j++)
    {
      const EnlargeLayer *l = &net->layers[j];
      if (l->type == ENLARGE_OP_INTERP)
        {
          scale *= (int) l->p.interp.width_scale;
          upsamplings++;
        }
      else
        {
          if (l->p.conv.upsample > 1)
            {
              scale *= l->p.conv.upsample;
              upsamplings++;
            }
          radius += (double) (l->p.conv.kernel_w / 2) / scale;
        }
    }
  tail->scale = scale;
  tail->halo = (int) ceil (radius) + 1;
  return upsamplings > 0;
}

guint64
enlarge_net_peak_bytes (const EnlargeNet *net, int width, int height)
{
  g_autofree EnlargeShape *s = g_new0 (EnlargeShape, net->n_blobs);
  g_autofree int *last_use = g_new (int, net->n_blobs);
  g_autofree int *alias = g_new (int, net->n_blobs);
  guint64 live = 0, peak = 0;

  if (!enlarge_net_infer_shapes (net, width, height, s, NULL))
    return 0;
  for (int b = 0; b < net->n_blobs; b++)
    {
      last_use[b] = -1;
      alias[b] = b;
    }
  for (int i = 0; i < net->n_layers; i++)
    {
      const EnlargeLayer *l = &net->layers[i];
      if (l->type == ENLARGE_OP_SPLIT)
        for (int k = 0; k < l->n_outputs; k++)
          alias[l->outputs[k]] = l->inputs[0];
    }
  for (int i = 0; i < net->n_layers; i++)
    {
      const EnlargeLayer *l = &net->layers[i];
      for (int k = 0; k < l->n_inputs; k++)
        {
          int r = blob_root (net, alias, l->inputs[k]);
          last_use[r] = MAX (last_use[r], i);
        }
    }
  last_use[blob_root (net, alias, net->output_blob)] = net->n_layers;

  EnlargeNetTail tail;
  int end = net->n_layers;
  if (enlarge_net_get_tail (net, &tail) && s[tail.input].h > ENLARGE_TAIL_STRIP_ROWS)
    {
      /* the chain runs on strips: a layer's input and output at strip height */
      const double strip = (double) (ENLARGE_TAIL_STRIP_ROWS + 2 * tail.halo) / s[tail.input].h;
      end = tail.first;
      for (int i = tail.first; i < net->n_layers; i++)
        {
          const EnlargeShape *a = &s[net->layers[i].inputs[0]], *b = &s[net->layers[i].outputs[0]];
          peak = MAX (peak, (guint64) (((double) a->c * a->h * a->w + (double) b->c * b->h * b->w) * 4 * strip));
        }
    }
  for (int i = 0; i < end; i++)
    {
      const EnlargeLayer *l = &net->layers[i];
      if (l->type != ENLARGE_OP_SPLIT)
        for (int k = 0; k < l->n_outputs; k++)
          live += (guint64) s[l->outputs[k]].c * s[l->outputs[k]].h * s[l->outputs[k]].w * 4;
      peak = MAX (peak, live);
      for (int b = 0; b < net->n_blobs; b++)
        if (alias[b] == b && last_use[b] == i)
          live -= (guint64) s[b].c * s[b].h * s[b].w * 4;
    }
  return peak;
}

/* A PReLU that alone reads a plain convolution's output becomes that
 * convolution's activation, saving a pass over the activations (the
 * compact models have one after every convolution). The PReLU layer is
 * left as a one-output Split, which the executor turns into an alias. */
static void
fuse_prelu (EnlargeNet *net)
{
  g_autofree int *readers = g_new (int, net->n_blobs);
  g_autofree int *producer = g_new (int, net->n_blobs);

  enlarge_net_blob_usage (net, readers, producer);
  for (int i = 0; i < net->n_layers; i++)
    {
      EnlargeLayer *l = &net->layers[i];
      int b, src;
      if (l->type != ENLARGE_OP_PRELU)
        continue;
      b = l->inputs[0];
      src = producer[b];
      if (src < 0 || readers[b] != 1 || b == net->output_blob ||
          net->layers[src].type != ENLARGE_OP_CONVOLUTION ||
          net->layers[src].p.conv.activation != ENLARGE_ACT_NONE)
        continue;
      EnlargeConvParams *c = &net->layers[src].p.conv;
      if (l->p.prelu.num_slope != 1 && l->p.prelu.num_slope != c->num_output)
        continue;
      c->activation = ENLARGE_ACT_PRELU;
      c->num_slope = l->p.prelu.num_slope;
      c->slope = g_steal_pointer (&l->p.prelu.slope);
      l->type = ENLARGE_OP_SPLIT;
    }
}

/* An Eltwise sum of two blobs, one of them made by a convolution (after
 * its activation) and read by nothing else, becomes part of that
 * convolution: the other blob is added as the convolution stores its
 * output, saving a pass that reads two activations and writes a third
 * (realesrgan-x4plus: 92 of them per tile, 7 % of its time on PoCL), and
 * the convolution's own output buffer. A second sum of that result (the
 * RRDB's residual after its third dense block's) folds in the same way.
 * The Eltwise layer is left as a one-output Split: an alias. */
static void
fuse_residual (EnlargeNet *net)
{
  g_autofree int *readers = g_new (int, net->n_blobs);
  g_autofree int *producer = g_new (int, net->n_blobs);

  enlarge_net_blob_usage (net, readers, producer);
  for (int i = 0; i < net->n_layers; i++)
    {
      EnlargeLayer *l = &net->layers[i];
      if (l->type != ENLARGE_OP_ELTWISE || l->p.eltwise.op != ENLARGE_ELTWISE_SUM ||
          l->n_inputs != 2 || l->inputs[0] == l->inputs[1])
        continue;
      for (int k = 0; k < 2; k++)
        {
          const int b = l->inputs[k], other = l->inputs[1 - k];
          int src = producer[b];
          /* through the alias a previous fusion left */
          if (src >= 0 && net->layers[src].type == ENLARGE_OP_SPLIT &&
              net->layers[src].n_outputs == 1 && readers[net->layers[src].inputs[0]] == 1)
            src = producer[net->layers[src].inputs[0]];
          if (src < 0 || readers[b] != 1 || b == net->output_blob ||
              net->layers[src].type != ENLARGE_OP_CONVOLUTION)
            continue;
          EnlargeLayer *conv = &net->layers[src];
          EnlargeConvParams *c = &conv->p.conv;
          if (c->n_residual >= 2 || (c->n_residual == 1 && producer[b] == src))
            continue;
          const float ck = l->p.eltwise.coeffs ? l->p.eltwise.coeffs[k] : 1.f;
          const float co = l->p.eltwise.coeffs ? l->p.eltwise.coeffs[1 - k] : 1.f;
          c->res_coeff[2 * c->n_residual] = ck;
          c->res_coeff[2 * c->n_residual + 1] = co;
          c->n_residual++;
          conv->inputs = g_renew (int, conv->inputs, conv->n_inputs + 1);
          conv->inputs[conv->n_inputs++] = other;
          /* the Eltwise now reads only its own first input */
          g_clear_pointer (&l->p.eltwise.coeffs, g_free);
          l->inputs[0] = b;
          l->n_inputs = 1;
          l->type = ENLARGE_OP_SPLIT;
          break;
        }
    }
}

/* A 2× nearest Interp read only by a convolution is folded into it: the
 * convolution reads its input through the upsampling, so the upsampled
 * activation (4× the input, 64 channels at 4× a tile's size in
 * realesrgan-x4plus's tail) is never written nor read back. The Interp
 * layer is removed. */
static void
fuse_upsample (EnlargeNet *net)
{
  g_autofree int *readers = g_new (int, net->n_blobs);
  int n = 0;

  enlarge_net_blob_usage (net, readers, NULL);
  for (int i = 0; i < net->n_layers; i++)
    {
      EnlargeLayer *l = &net->layers[i];
      const EnlargeInterpParams *ip = &l->p.interp;
      EnlargeLayer *conv = NULL;
      if (l->type == ENLARGE_OP_INTERP && ip->mode == ENLARGE_INTERP_NEAREST &&
          ip->output_width == 0 && ip->output_height == 0 && ip->width_scale == 2.f &&
          ip->height_scale == 2.f && readers[l->outputs[0]] == 1 &&
          l->outputs[0] != net->output_blob)
        for (int j = i + 1; j < net->n_layers && conv == NULL; j++)
          if (net->layers[j].n_inputs > 0 && net->layers[j].inputs[0] == l->outputs[0] &&
              net->layers[j].type == ENLARGE_OP_CONVOLUTION && net->layers[j].p.conv.upsample <= 1)
            conv = &net->layers[j];
      if (conv == NULL)
        {
          net->layers[n++] = *l;
          continue;
        }
      conv->inputs[0] = l->inputs[0];
      conv->p.conv.upsample = 2;
      enlarge_layer_clear (l);
    }
  net->n_layers = n;
}

void
enlarge_net_fuse (EnlargeNet *net)
{
  fuse_prelu (net);
  fuse_residual (net);
  fuse_upsample (net);
}
