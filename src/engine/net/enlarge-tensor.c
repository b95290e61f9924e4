#include "enlarge-tensor.h"
#include "enlarge-error.h"

static EnlargeTensor *
tensor_alloc (int c, int h, int w, gboolean zero, GError **error)
{
  if (c <= 0 || h <= 0 || w <= 0)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   "Invalid tensor shape %d×%d×%d", c, h, w);
      return NULL;
    }
  gsize n = (gsize) c * (gsize) h;
  if (n > G_MAXSIZE / (gsize) w || n * w > G_MAXSIZE / sizeof (float))
    goto oom;

  EnlargeTensor *t = g_new0 (EnlargeTensor, 1);
  t->c = c;
  t->h = h;
  t->w = w;
  /* Large activations must fail cleanly, not abort the process. */
  t->data = zero ? g_try_malloc0 (n * w * sizeof (float))
                 : g_try_malloc (n * w * sizeof (float));
  if (t->data == NULL)
    {
      g_free (t);
      goto oom;
    }
  return t;

oom:
  g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_NO_MEMORY,
               "Out of memory for a %d×%d×%d tensor", c, h, w);
  return NULL;
}

EnlargeTensor *
enlarge_tensor_new (int c, int h, int w, GError **error)
{
  return tensor_alloc (c, h, w, FALSE, error);
}

EnlargeTensor *
enlarge_tensor_new0 (int c, int h, int w, GError **error)
{
  return tensor_alloc (c, h, w, TRUE, error);
}

void
enlarge_tensor_free (EnlargeTensor *t)
{
  if (t == NULL)
    return;
  g_free (t->data);
  g_free (t);
}
