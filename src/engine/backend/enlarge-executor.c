/* The executor shared by all backends: walks the graph layer by layer
 * with the backend's vtable, places concatenated blobs in place, runs an
 * upsampling tail in strips, and times layers when profiling. */

#include <string.h>

#include "enlarge-backend-private.h"
#include "enlarge-error.h"
#include "enlarge-op.h"
#include "enlarge-ops.h"

typedef struct _Slot Slot;
struct _Slot {
  gpointer buffer;
  int refs;
  Slot *parent;   /* a view into this slot's buffer (holds a reference) */
};

static void
slot_release (EnlargeBackend *self, Slot *slot)
{
  if (slot == NULL || --slot->refs > 0)
    return;
  if (slot->parent != NULL)
    {
      self->vt->view_free (self, slot->buffer);
      slot_release (self, slot->parent);
    }
  else
    self->vt->buffer_free (self, slot->buffer);
  g_free (slot);
}

/* Concatenations without copies. The dense blocks of the RRDB networks
 * concatenate the block input with each conv output as it comes (64, 96,
 * 128, 160, 192 channels): copied, that is 4.5 channel planes moved per
 * plane computed, 18 % of realesrgan-x4plus on PoCL. Instead every input
 * of a channel concat is placed at its offset inside the concat's output
 * (its root) and written there by the layer that makes it; a concat whose
 * inputs lie in order inside a bigger one's root is a view of that root,
 * and an elided concat does nothing at all. Concats are planned from the
 * last, so a blob goes where the outermost concat wants it; any conflict
 * (a blob wanted at two places, the network's input or output, a layer
 * that would write over what it reads, a misaligned offset) leaves that
 * concat, or the whole network, to plain copies.
 *
 * @root[b] is the blob whose buffer holds blob b (-1: its own), @offset[b]
 * its first channel there; @elided[i] marks concat layers that copy
 * nothing. Blobs are sources: Split outputs resolve to their input. */
typedef struct {
  int *src;
  int *root;
  int *offset;
  gboolean *elided;
} ConcatPlan;

static void
concat_plan_clear (ConcatPlan *plan)
{
  g_clear_pointer (&plan->src, g_free);
  g_clear_pointer (&plan->root, g_free);
  g_clear_pointer (&plan->offset, g_free);
  g_clear_pointer (&plan->elided, g_free);
}

static gboolean
concat_plan (EnlargeBackend *self, const EnlargeNet *net, const EnlargeShape *shapes,
             int end, int out_blob, ConcatPlan *plan)
{
  g_autofree int *producer = g_new (int, net->n_blobs);
  gboolean any = FALSE;

  if (self->view_align == 0 || self->vt->buffer_view == NULL)
    return FALSE;
  plan->src = g_new (int, net->n_blobs);
  plan->root = g_new (int, net->n_blobs);
  plan->offset = g_new0 (int, net->n_blobs);
  plan->elided = g_new0 (gboolean, net->n_layers);
  for (int b = 0; b < net->n_blobs; b++)
    {
      plan->src[b] = b;
      plan->root[b] = -1;
      producer[b] = -1;
    }
  for (int i = 0; i < net->n_layers; i++)
    {
      const EnlargeLayer *l = &net->layers[i];
      for (int k = 0; k < l->n_outputs; k++)
        {
          if (l->type == ENLARGE_OP_SPLIT)
            plan->src[l->outputs[k]] = plan->src[l->inputs[0]];
          producer[l->outputs[k]] = i;
        }
    }

  for (int i = end - 1; i >= 0; i--)
    {
      const EnlargeLayer *l = &net->layers[i];
      const int out = l->outputs[0];
      int r, base, c;
      gboolean ok = TRUE;

      if (l->type != ENLARGE_OP_CONCAT || l->p.concat.axis != 0 || out == out_blob)
        continue;
      if (plan->root[out] >= 0)
        {
          r = plan->root[out];
          base = plan->offset[out];
        }
      else
        {
          /* inputs already in order inside another root: a view of it */
          const int first = plan->src[l->inputs[0]];
          r = plan->root[first];
          base = plan->offset[first];
          c = 0;
          for (int k = 0; r >= 0 && ok && k < l->n_inputs; k++)
            {
              const int in = plan->src[l->inputs[k]];
              ok = plan->root[in] == r && plan->offset[in] == base + c;
              c += shapes[in].c;
            }
          if (r >= 0 && ok)
            {
              plan->root[out] = r;
              plan->offset[out] = base;
              plan->elided[i] = any = TRUE;
              continue;
            }
          r = out;
          base = 0;
          ok = TRUE;
        }
      c = base;
      for (int k = 0; ok && k < l->n_inputs; k++)
        {
          const int in = plan->src[l->inputs[k]];
          const int made_by = producer[in];
          if (plan->root[in] >= 0)
            ok = plan->root[in] == r && plan->offset[in] == c;
          else
            ok = in != r && in != out_blob && made_by >= 0 &&
                 net->layers[made_by].type != ENLARGE_OP_INPUT;
          /* the same blob twice in one concat: only one place */
          for (int j = 0; ok && j < k; j++)
            ok = plan->src[l->inputs[j]] != in;
          c += shapes[in].c;
        }
      if (!ok)
        continue;
      c = base;
      for (int k = 0; k < l->n_inputs; k++)
        {
          const int in = plan->src[l->inputs[k]];
          plan->root[in] = r;
          plan->offset[in] = c;
          c += shapes[in].c;
        }
      plan->elided[i] = any = TRUE;
    }

  /* a layer must not write into the region of a root it reads, and every
   * offset must suit the device */
  for (int i = 0; any && i < end; i++)
    {
      const EnlargeLayer *l = &net->layers[i];
      if (l->type == ENLARGE_OP_SPLIT || plan->elided[i])
        continue;
      for (int k = 0; k < l->n_outputs; k++)
        {
          const int out = l->outputs[k];
          const int r = plan->root[out];
          if (r < 0)
            continue;
          const gsize plane = (gsize) shapes[out].h * shapes[out].w * sizeof (float);
          if ((plan->offset[out] * plane) % self->view_align != 0)
            any = FALSE;
          for (int j = 0; any && j < l->n_inputs; j++)
            {
              const int in = plan->src[l->inputs[j]];
              if (in == r)
                any = FALSE;
              else if (plan->root[in] == r &&
                       plan->offset[in] < plan->offset[out] + shapes[out].c &&
                       plan->offset[out] < plan->offset[in] + shapes[in].c)
                any = FALSE;
            }
        }
    }
  if (!any)
    concat_plan_clear (plan);
  return any;
}

/* The slot for output blob @b: a view inside its root's buffer (made now
 * if this is the first blob to land there), or a buffer of its own. */
static Slot *
output_slot (EnlargeBackend *self, const ConcatPlan *plan, Slot **slots,
             const EnlargeShape *shapes, int b, GError **error)
{
  const int r = plan->root != NULL ? plan->root[b] : -1;
  Slot *s = g_new0 (Slot, 1);

  s->refs = 1;
  if (r < 0)
    s->buffer = self->vt->buffer_new (self, &shapes[b], error);
  else
    {
      if (slots[r] == NULL)
        {
          Slot *root = g_new0 (Slot, 1);
          root->refs = 1;   /* the root blob's own reference */
          root->buffer = self->vt->buffer_new (self, &shapes[r], error);
          if (root->buffer == NULL)
            {
              g_free (root);
              g_free (s);
              return NULL;
            }
          slots[r] = root;
        }
      const gsize plane = (gsize) shapes[b].h * shapes[b].w * sizeof (float);
      s->buffer = self->vt->buffer_view (self, slots[r]->buffer, plan->offset[b] * plane,
                                         &shapes[b], error);
      if (s->buffer != NULL)
        {
          s->parent = slots[r];
          s->parent->refs++;
        }
    }
  if (s->buffer == NULL)
    {
      g_free (s);
      return NULL;
    }
  return s;
}

static EnlargeTensor *backend_run_locked (EnlargeBackend *self, EnlargeNet *net,
                                          const EnlargeTensor *input,
                                          GCancellable *cancellable, GError **error);
static EnlargeTensor *run_range (EnlargeBackend *self, EnlargeNet *net, const EnlargeTensor *input,
                                 int in_blob, int first, int end, int out_blob,
                                 EnlargeTensor * const *fixed,
                                 GCancellable *cancellable, GError **error);

EnlargeTensor *
enlarge_backend_run (EnlargeBackend *self, EnlargeNet *net, const EnlargeTensor *input,
                     GCancellable *cancellable, GError **error)
{
  EnlargeTensor *result;

  g_mutex_lock (&self->lock);
  result = backend_run_locked (self, net, input, cancellable, error);
  g_mutex_unlock (&self->lock);
  return result;
}

EnlargeTensor *
enlarge_backend_run_partial (EnlargeBackend *self, EnlargeNet *net, const EnlargeTensor *input,
                             EnlargeTensor * const *fixed, int out_blob,
                             GCancellable *cancellable, GError **error)
{
  EnlargeTensor *result;
  int end = net->n_layers;

  if (out_blob < 0)
    out_blob = net->output_blob;
  for (int i = 0; i < net->n_layers; i++)
    for (int k = 0; k < net->layers[i].n_outputs; k++)
      if (net->layers[i].outputs[k] == out_blob)
        end = i + 1;
  g_mutex_lock (&self->lock);
  result = run_range (self, net, input, -1, 0, end, out_blob, fixed, cancellable, error);
  g_mutex_unlock (&self->lock);
  return result;
}

/* The whole network; an upsampling tail (enlarge_net_get_tail) runs in
 * strips of its input's rows, each read with the tail's halo of real rows
 * and cut back to its own, so that realesrgan-x4plus's 4× layers take a
 * strip's memory, not a tile's (1216² × 64 channels: 361 MB a buffer in
 * 256 px tiles). At the strips' outer edges the zero padding is the one an
 * uncut run sees. */
static EnlargeTensor *
backend_run_locked (EnlargeBackend *self, EnlargeNet *net, const EnlargeTensor *input,
                    GCancellable *cancellable, GError **error)
{
  EnlargeNetTail tail;
  g_autoptr (EnlargeTensor) trunk = NULL;
  g_autoptr (EnlargeTensor) out = NULL;
  const int rows = self->tail_rows;

  if (rows <= 0 || !enlarge_net_get_tail (net, &tail))
    return run_range (self, net, input, -1, 0, net->n_layers, net->output_blob, NULL, cancellable, error);
  trunk = run_range (self, net, input, -1, 0, tail.first, tail.input, NULL, cancellable, error);
  if (trunk == NULL)
    return NULL;
  if (trunk->h <= rows)
    return run_range (self, net, trunk, tail.input, tail.first, net->n_layers, net->output_blob,
                      NULL, cancellable, error);

  /* strips of one height, halo included, so that the buffers the first
   * strip takes from the pool serve all the others: the first and the
   * last strips read further in instead of less (rows of the image, so
   * their own rows stay exact). With a shorter first strip every buffer
   * of the tail was made twice, and first touched twice: the first two
   * strips of a 552 px tile took 0.8 and 1.0 s against 0.16 s for the
   * rest. */
  const int n_strips = (trunk->h + rows - 1) / rows;
  const int step = (trunk->h + n_strips - 1) / n_strips;
  const int height = MIN (trunk->h, step + 2 * tail.halo);
  for (int y0 = 0; y0 < trunk->h; y0 += step)
    {
      const int y1 = MIN (trunk->h, y0 + step);
      const int a = CLAMP (y0 - tail.halo, 0, trunk->h - height), b = a + height;
      g_autoptr (EnlargeTensor) strip = enlarge_tensor_new (trunk->c, b - a, trunk->w, error);
      g_autoptr (EnlargeTensor) res = NULL;

      if (strip == NULL)
        return NULL;
      for (int c = 0; c < trunk->c; c++)
        memcpy (enlarge_tensor_channel (strip, c),
                enlarge_tensor_channel (trunk, c) + (gsize) a * trunk->w,
                sizeof (float) * (gsize) (b - a) * trunk->w);
      res = run_range (self, net, strip, tail.input, tail.first, net->n_layers, net->output_blob,
                       NULL, cancellable, error);
      if (res == NULL)
        return NULL;
      if (res->h != (b - a) * tail.scale || res->w != trunk->w * tail.scale)
        {
          g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_SHAPE,
                       "The tail of the network gave a %d×%d strip for %d×%d", res->w, res->h,
                       trunk->w, b - a);
          return NULL;
        }
      if (out == NULL && (out = enlarge_tensor_new (res->c, trunk->h * tail.scale, res->w, error)) == NULL)
        return NULL;
      const gsize skip = (gsize) (y0 - a) * tail.scale * res->w;
      const gsize keep = (gsize) (y1 - y0) * tail.scale * res->w;
      for (int c = 0; c < res->c; c++)
        memcpy (enlarge_tensor_channel (out, c) + (gsize) y0 * tail.scale * res->w,
                enlarge_tensor_channel (res, c) + skip, sizeof (float) * keep);
    }
  return g_steal_pointer (&out);
}

/* Layers [@first, @end) on @input, which is blob @in_blob (-1: the
 * network's input); returns blob @out_blob. A layer with a tensor in
 * @fixed (NULL or n_layers entries) outputs that instead of running. */
static EnlargeTensor *
run_range (EnlargeBackend *self, EnlargeNet *net, const EnlargeTensor *input,
           int in_blob, int first, int end, int out_blob, EnlargeTensor * const *fixed,
           GCancellable *cancellable, GError **error)
{
  g_autofree EnlargeShape *shapes = g_new0 (EnlargeShape, net->n_blobs);
  g_autofree int *last_use = g_new (int, net->n_blobs);
  g_autofree Slot **slots = g_new0 (Slot *, net->n_blobs);
  g_autoptr (EnlargeTensor) result = NULL;
  gpointer in_bufs[64], out_bufs[64];
  EnlargeShape in_shapes[64];
  gboolean ok = TRUE;
  /* profiling: wait for each layer and report time per op type,
   * the first thing to look at when a network is slow */
  const gboolean profile = self->profile != ENLARGE_PROFILE_NONE;
  double op_time[ENLARGE_OP_OTHER + 1] = { 0 };
  const char *op_name[ENLARGE_OP_OTHER + 1] = { 0 };
  double conv_flops = 0;
  ConcatPlan plan = { 0 };

  if (in_blob < 0)
    {
      if (input->c != net->in_channels)
        {
          g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_SHAPE,
                       "The network takes %d channels, the input has %d", net->in_channels, input->c);
          return NULL;
        }
      if (!enlarge_net_infer_shapes (net, input->w, input->h, shapes, error))
        return NULL;
    }
  else
    {
      /* a part of the network: shapes from its input blob on */
      shapes[in_blob] = (EnlargeShape) { input->c, input->h, input->w };
      for (int i = first; i < end; i++)
        {
          const EnlargeLayer *l = &net->layers[i];
          EnlargeShape ins[64];
          for (int k = 0; k < l->n_inputs && k < 64; k++)
            ins[k] = shapes[l->inputs[k]];
          if (l->n_inputs > 64 || l->n_outputs > 64 ||
              !enlarge_layer_infer_shape (l, ins, &shapes[l->outputs[0]], error))
            {
              if (error != NULL && *error == NULL)
                g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                             "layer %s has too many inputs or outputs", l->name);
              return NULL;
            }
        }
    }

  for (int b = 0; b < net->n_blobs; b++)
    last_use[b] = -1;
  for (int i = first; i < end; i++)
    for (int k = 0; k < net->layers[i].n_inputs; k++)
      last_use[net->layers[i].inputs[k]] = i;
  last_use[out_blob] = end;
  /* an unused or failed plan stays all NULL: every blob gets its own buffer */
  const gboolean use_plan = in_blob < 0 && concat_plan (self, net, shapes, end, out_blob, &plan);
  if (in_blob >= 0)
    {
      Slot *s = g_new0 (Slot, 1);
      s->refs = 1;
      s->buffer = self->vt->buffer_new (self, &shapes[in_blob], error);
      if (s->buffer == NULL || !self->vt->upload (self, s->buffer, input, error))
        {
          if (s->buffer)
            self->vt->buffer_free (self, s->buffer);
          g_free (s);
          return NULL;
        }
      slots[in_blob] = s;
    }

  for (int i = first; ok && i < end; i++)
    {
      const EnlargeLayer *l = &net->layers[i];

      if (l->n_inputs > 64 || l->n_outputs > 64)
        {
          g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                       "layer %s has too many inputs or outputs", l->name);
          ok = FALSE;
          break;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }

      if (l->type == ENLARGE_OP_INPUT)
        {
          Slot *s = g_new0 (Slot, 1);
          s->refs = 1;
          s->buffer = self->vt->buffer_new (self, &shapes[l->outputs[0]], error);
          if (s->buffer == NULL || !self->vt->upload (self, s->buffer, input, error))
            {
              if (s->buffer)
                self->vt->buffer_free (self, s->buffer);
              g_free (s);
              ok = FALSE;
              break;
            }
          slots[l->outputs[0]] = s;
        }
      else if (l->type == ENLARGE_OP_SPLIT)
        {
          /* outputs share the input's buffer: nothing is copied */
          Slot *s = slots[l->inputs[0]];
          for (int k = 0; k < l->n_outputs; k++)
            {
              s->refs++;
              slots[l->outputs[k]] = s;
            }
        }
      else if (fixed != NULL && fixed[i] != NULL && l->n_outputs == 1)
        {
          const EnlargeShape *o = &shapes[l->outputs[0]];
          Slot *s = NULL;
          if (fixed[i]->c != o->c || fixed[i]->h != o->h || fixed[i]->w != o->w)
            {
              g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_SHAPE,
                           "layer %s: a given %d×%d×%d output for a %d×%d×%d one", l->name,
                           fixed[i]->c, fixed[i]->h, fixed[i]->w, o->c, o->h, o->w);
              ok = FALSE;
              break;
            }
          s = output_slot (self, &plan, slots, shapes, l->outputs[0], error);
          slots[l->outputs[0]] = s;
          ok = s != NULL && self->vt->upload (self, s->buffer, fixed[i], error);
        }
      else if (use_plan && plan.elided[i])
        {
          /* the inputs were written in place: the output is their root
           * (made by the first of them) or a view of a bigger one */
          const int out = l->outputs[0];
          if (slots[out] == NULL)
            {
              slots[out] = output_slot (self, &plan, slots, shapes, out, error);
              ok = slots[out] != NULL;
            }
        }
      else
        {
          for (int k = 0; k < l->n_inputs; k++)
            {
              in_bufs[k] = slots[l->inputs[k]]->buffer;
              in_shapes[k] = shapes[l->inputs[k]];
            }
          for (int k = 0; k < l->n_outputs; k++)
            {
              Slot *s = output_slot (self, &plan, slots, shapes,
                                     l->outputs[k], error);
              slots[l->outputs[k]] = s;
              if (s == NULL)
                {
                  ok = FALSE;
                  break;
                }
              out_bufs[k] = s->buffer;
            }
          gint64 t0 = profile ? g_get_monotonic_time () : 0;
          if (ok)
            ok = self->vt->layer (self, net, l, in_bufs, in_shapes, out_bufs,
                                  &shapes[l->outputs[0]], error);
          /* PoCL runs a long in-order queue of small kernels far slower
           * than the same kernels one at a time (3× on realesrgan-x4fast),
           * so CPU devices wait for each layer; GPUs keep a deeper queue */
          if (ok && self->vt->finish &&
              (profile || self->device->kind == ENLARGE_DEVICE_CPU || i % 16 == 15))
            ok = self->vt->finish (self, error);
          if (profile)
            {
              const double dt = (g_get_monotonic_time () - t0) / 1e6;
              op_time[l->type] += dt;
              op_name[l->type] = l->type == ENLARGE_OP_OTHER ? "other" : l->op->name;
              if (l->type == ENLARGE_OP_CONVOLUTION)
                {
                  const EnlargeShape *o = &shapes[l->outputs[0]];
                  const double f = 2.0 * o->c * o->h * o->w * l->p.conv.num_input *
                                   l->p.conv.kernel_w * l->p.conv.kernel_h;
                  conv_flops += f;
                  if (self->profile == ENLARGE_PROFILE_LAYERS)
                    g_message ("layer %d %s: %d→%d %d×%d %.2f ms, %.1f GFLOPS", i, l->name,
                               l->p.conv.num_input, o->c, o->w, o->h, dt * 1e3, f / dt / 1e9);
                }
            }
        }

      for (int k = 0; k < l->n_inputs; k++)
        if (last_use[l->inputs[k]] == i)
          {
            slot_release (self, slots[l->inputs[k]]);
            slots[l->inputs[k]] = NULL;
          }
      for (int k = 0; k < l->n_outputs; k++)
        if (last_use[l->outputs[k]] < 0 && slots[l->outputs[k]] != NULL)
          {
            slot_release (self, slots[l->outputs[k]]);
            slots[l->outputs[k]] = NULL;
          }
    }

  if (profile && ok)
    {
      g_autoptr (GString) line = g_string_new (NULL);
      for (guint t = 0; t < G_N_ELEMENTS (op_time); t++)
        if (op_time[t] > 0)
          g_string_append_printf (line, " %s %.3f s", op_name[t], op_time[t]);
      g_message ("profile %d×%d:%s; convolutions at %.1f GFLOPS", input->w, input->h,
                 line->str, conv_flops / MAX (op_time[ENLARGE_OP_CONVOLUTION], 1e-9) / 1e9);
    }

  if (ok)
    {
      const EnlargeShape *o = &shapes[out_blob];
      result = enlarge_tensor_new (o->c, o->h, o->w, error);
      ok = result != NULL && self->vt->download (self, slots[out_blob]->buffer, result, error);
    }

  for (int b = 0; b < net->n_blobs; b++)
    if (slots[b] != NULL)
      {
        Slot *s = slots[b];
        /* release every blob reference still pointing at this slot once */
        for (int c = b; c < net->n_blobs; c++)
          if (slots[c] == s)
            {
              slots[c] = NULL;
              slot_release (self, s);
            }
      }

  concat_plan_clear (&plan);
  return ok ? g_steal_pointer (&result) : NULL;
}

gboolean
enlarge_backend_run_layer (EnlargeBackend *self, const EnlargeLayer *layer,
                           EnlargeTensor **inputs, EnlargeTensor **outputs, GError **error)
{
  EnlargeShape in_shapes[64], out_shapes[64];
  gpointer in_bufs[64] = { 0 }, out_bufs[64] = { 0 };
  gboolean ok = TRUE;

  g_return_val_if_fail (layer->n_inputs <= 64 && layer->n_outputs <= 64, FALSE);

  for (int k = 0; k < layer->n_inputs; k++)
    in_shapes[k] = (EnlargeShape) { inputs[k]->c, inputs[k]->h, inputs[k]->w };
  if (!enlarge_layer_infer_shape (layer, in_shapes, out_shapes, error))
    return FALSE;
  for (int k = 0; k < layer->n_outputs; k++)
    if (outputs[k]->c != out_shapes[k].c || outputs[k]->h != out_shapes[k].h ||
        outputs[k]->w != out_shapes[k].w)
      {
        g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_SHAPE,
                     "output %d has the wrong shape", k);
        return FALSE;
      }
  if (layer->type == ENLARGE_OP_SPLIT || self->device->kind == ENLARGE_DEVICE_REFERENCE)
    return enlarge_ref_layer (layer, inputs, outputs, error);

  g_mutex_lock (&self->lock);
  for (int k = 0; ok && k < layer->n_inputs; k++)
    {
      in_bufs[k] = self->vt->buffer_new (self, &in_shapes[k], error);
      ok = in_bufs[k] != NULL && self->vt->upload (self, in_bufs[k], inputs[k], error);
    }
  for (int k = 0; ok && k < layer->n_outputs; k++)
    ok = (out_bufs[k] = self->vt->buffer_new (self, &out_shapes[k], error)) != NULL;
  if (ok)
    ok = self->vt->layer (self, NULL, layer, in_bufs, in_shapes, out_bufs, out_shapes, error);
  for (int k = 0; ok && k < layer->n_outputs; k++)
    ok = self->vt->download (self, out_bufs[k], outputs[k], error);

  for (int k = 0; k < layer->n_inputs; k++)
    if (in_bufs[k])
      self->vt->buffer_free (self, in_bufs[k]);
  for (int k = 0; k < layer->n_outputs; k++)
    if (out_bufs[k])
      self->vt->buffer_free (self, out_bufs[k]);
  g_mutex_unlock (&self->lock);
  return ok;
}
