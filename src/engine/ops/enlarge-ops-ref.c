/* The reference path of a layer: its op module's plain C implementation.
 * The modules follow ncnn's definitions (padding, interpolation
 * coefficients) so results match ncnn's; tests compare every backend with
 * them, and they are the fallback when no OpenCL device works. */

#include "enlarge-error.h"
#include "enlarge-op.h"
#include "enlarge-ops.h"

gboolean
enlarge_ref_layer (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out,
                   GError **error)
{
  if (l->op == NULL || l->op->reference == NULL)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                   "layer %s: the reference path has no such operation", l->name);
      return FALSE;
    }
  return l->op->reference (l, in, out, error);
}
