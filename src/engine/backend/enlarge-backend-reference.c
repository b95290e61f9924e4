/* The reference backend: the ops' plain C implementations on host
 * tensors. Always there, and what every other backend is tested against. */

#include <string.h>

#include "enlarge-backend-private.h"
#include "enlarge-ops.h"
#include "config.h"

EnlargeDeviceInfo *
enlarge_reference_device_info (void)
{
  EnlargeDeviceInfo *info = g_new0 (EnlargeDeviceInfo, 1);
  info->id = g_strdup ("reference");
  info->name = g_strdup ("Reference C implementation (CPU, slow)");
  info->platform = g_strdup ("Enlarge");
  info->driver = g_strdup (PACKAGE_VERSION);
  info->kind = ENLARGE_DEVICE_REFERENCE;
  info->compute_units = (int) g_get_num_processors ();
  return info;
}

static gpointer
ref_buffer_new (EnlargeBackend *self, const EnlargeShape *s, GError **error)
{
  return enlarge_tensor_new (s->c, s->h, s->w, error);
}

static void
ref_buffer_free (EnlargeBackend *self, gpointer buffer)
{
  enlarge_tensor_free (buffer);
}

static gboolean
ref_upload (EnlargeBackend *self, gpointer buffer, const EnlargeTensor *t, GError **error)
{
  memcpy (((EnlargeTensor *) buffer)->data, t->data, enlarge_tensor_size (t) * sizeof (float));
  return TRUE;
}

static gboolean
ref_download (EnlargeBackend *self, gpointer buffer, EnlargeTensor *t, GError **error)
{
  memcpy (t->data, ((EnlargeTensor *) buffer)->data, enlarge_tensor_size (t) * sizeof (float));
  return TRUE;
}

static gboolean
ref_layer (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *layer,
           gpointer *in, const EnlargeShape *in_shapes,
           gpointer *out, const EnlargeShape *out_shapes, GError **error)
{
  return enlarge_ref_layer (layer, (EnlargeTensor **) in, (EnlargeTensor **) out, error);
}

static gpointer
ref_buffer_view (EnlargeBackend *self, gpointer parent, gsize offset, const EnlargeShape *s,
                 GError **error)
{
  EnlargeTensor *view = g_new0 (EnlargeTensor, 1);
  view->c = s->c;
  view->h = s->h;
  view->w = s->w;
  view->data = ((EnlargeTensor *) parent)->data + offset / sizeof (float);
  return view;
}

static void
ref_view_free (EnlargeBackend *self, gpointer view)
{
  g_free (view);
}

static const EnlargeBackendVTable ref_vtable = {
  .name = "reference",
  .buffer_new = ref_buffer_new,
  .buffer_free = ref_buffer_free,
  .buffer_view = ref_buffer_view,
  .view_free = ref_view_free,
  .upload = ref_upload,
  .download = ref_download,
  .layer = ref_layer,
};

EnlargeBackend *
enlarge_reference_backend_new (const EnlargeBackendOptions *options)
{
  EnlargeBackend *self = enlarge_backend_alloc (&ref_vtable, enlarge_reference_device_info (),
                                                options);
  self->view_align = sizeof (float);
  return self;
}

