/* BinaryOp: a with b element by element, b a scalar, a blob of a's shape
 * or one value per channel. */

#include <math.h>
#include <string.h>

#include "enlarge-error.h"
#include "enlarge-op.h"
#include "enlarge-ops.h"

static gboolean
binaryop_load (EnlargeLayer *l, const EnlargeOpLoader *ld, GError **error)
{
  int n_in;
  l->p.binary.op = enlarge_op_loader_int (ld, 0, 0);
  l->p.binary.with_scalar = enlarge_op_loader_int (ld, 1, 0) != 0;
  l->p.binary.b = enlarge_op_loader_float (ld, 2, 0.f);
  if (l->p.binary.op < 0 || l->p.binary.op > 5)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_UNSUPPORTED,
                                   "binary operation %d is not supported", l->p.binary.op);
  n_in = l->p.binary.with_scalar ? 1 : 2;
  if (l->n_inputs != n_in)
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_PARAM_SYNTAX,
                                   "has %d inputs, expected %d", l->n_inputs, n_in);
  return TRUE;
}

static gboolean
binaryop_shape (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out, GError **error)
{
  out[0] = in[0];
  if (!l->p.binary.with_scalar)
    {
      const EnlargeShape *a = &in[0], *b = &in[1];
      gboolean same = a->c == b->c && a->w == b->w && a->h == b->h;
      gboolean per_channel = b->c == a->c && b->w == 1 && b->h == 1;
      if (!same && !per_channel)
        return enlarge_op_shape_fail (l, error, "cannot broadcast %d×%d×%d with %d×%d×%d",
                                      a->c, a->h, a->w, b->c, b->h, b->w);
    }
  return TRUE;
}

static inline float
binary (EnlargeBinaryOp op, float a, float b)
{
  switch (op)
    {
    case ENLARGE_BINARY_SUB: return a - b;
    case ENLARGE_BINARY_MUL: return a * b;
    case ENLARGE_BINARY_DIV: return a / b;
    case ENLARGE_BINARY_MAX: return MAX (a, b);
    case ENLARGE_BINARY_MIN: return MIN (a, b);
    case ENLARGE_BINARY_ADD:
    default: return a + b;
    }
}

static void
binary_ref (const EnlargeBinaryParams *p, EnlargeTensor *a, EnlargeTensor *b, EnlargeTensor *out)
{
  const gsize plane = (gsize) a->h * a->w;
  for (int ch = 0; ch < a->c; ch++)
    {
      const float *pa = enlarge_tensor_channel (a, ch);
      float *o = enlarge_tensor_channel (out, ch);
      if (p->with_scalar)
        for (gsize i = 0; i < plane; i++)
          o[i] = binary (p->op, pa[i], p->b);
      else if (b->w == 1 && b->h == 1 && plane != 1)
        for (gsize i = 0; i < plane; i++)
          o[i] = binary (p->op, pa[i], b->data[ch]);
      else
        {
          const float *pb = enlarge_tensor_channel (b, ch);
          for (gsize i = 0; i < plane; i++)
            o[i] = binary (p->op, pa[i], pb[i]);
        }
    }
}

static gboolean
binaryop_reference (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out,
                    GError **error)
{
  binary_ref (&l->p.binary, in[0], l->p.binary.with_scalar ? NULL : in[1], out[0]);
  return TRUE;
}

const EnlargeOp enlarge_op_binaryop = {
  .name = "BinaryOp",
  .type = ENLARGE_OP_BINARYOP,
  .n_inputs = -1,
  .load = binaryop_load,
  .shape = binaryop_shape,
  .reference = binaryop_reference,
};
