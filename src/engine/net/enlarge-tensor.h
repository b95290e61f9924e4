#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A float tensor in planar channel-height-width order, as ncnn lays out a
 * 3-D blob (without its per-channel padding). */
typedef struct {
  int c, h, w;
  float *data;
} EnlargeTensor;

EnlargeTensor *enlarge_tensor_new (int c, int h, int w, GError **error);
EnlargeTensor *enlarge_tensor_new0 (int c, int h, int w, GError **error);
void           enlarge_tensor_free (EnlargeTensor *t);

static inline gsize
enlarge_tensor_size (const EnlargeTensor *t)
{
  return (gsize) t->c * t->h * t->w;
}

static inline float *
enlarge_tensor_channel (const EnlargeTensor *t, int c)
{
  return t->data + (gsize) c * t->h * t->w;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlargeTensor, enlarge_tensor_free)

G_END_DECLS
