/* The backend object: what every backend shares (device, reference
 * count, launch counts, memory budget, options). */

#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "enlarge-backend-private.h"

void
enlarge_device_info_free (EnlargeDeviceInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->id);
  g_free (info->name);
  g_free (info->platform);
  g_free (info->driver);
  g_free (info);
}

const char *
enlarge_device_kind_to_string (EnlargeDeviceKind kind)
{
  switch (kind)
    {
    case ENLARGE_DEVICE_GPU: return "GPU";
    case ENLARGE_DEVICE_CPU: return "CPU";
    case ENLARGE_DEVICE_ACCELERATOR: return "accelerator";
    case ENLARGE_DEVICE_REFERENCE:
    default: return "reference";
    }
}

EnlargeBackend *
enlarge_backend_alloc (const EnlargeBackendVTable *vt, EnlargeDeviceInfo *device,
                       const EnlargeBackendOptions *options)
{
  EnlargeBackend *self = g_new0 (EnlargeBackend, 1);
  self->ref_count = 1;
  self->vt = vt;
  self->device = device;
  self->profile = options->profile;
  self->tail_rows = options->tail_rows < 0 ? ENLARGE_TAIL_STRIP_ROWS : options->tail_rows;
  self->launches = g_hash_table_new (g_str_hash, g_str_equal);
  g_mutex_init (&self->lock);
  return self;
}

EnlargeBackend *
enlarge_backend_ref (EnlargeBackend *self)
{
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
enlarge_backend_unref (EnlargeBackend *self)
{
  if (self == NULL || !g_atomic_int_dec_and_test (&self->ref_count))
    return;
  if (self->vt->finalize)
    self->vt->finalize (self);
  enlarge_device_info_free (self->device);
  g_hash_table_unref (self->launches);
  g_mutex_clear (&self->lock);
  g_free (self);
}

const EnlargeDeviceInfo *
enlarge_backend_get_device (EnlargeBackend *self)
{
  return self->device;
}

gboolean
enlarge_backend_is_reference (EnlargeBackend *self)
{
  return self->device->kind == ENLARGE_DEVICE_REFERENCE;
}

EnlargeKernelSource
enlarge_backend_get_kernel_source (EnlargeBackend *self)
{
  return self->kernel_source;
}

void
enlarge_tune_malloc (void)
{
#ifdef __GLIBC__
  /* a fixed threshold also stops glibc from raising it after each free of
   * a large block, which is what leaves them on the heap */
  mallopt (M_MMAP_THRESHOLD, 4 << 20);
#endif
}

guint
enlarge_backend_get_launches (EnlargeBackend *self, const char *kernel)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->launches, kernel));
}

void
enlarge_backend_set_memory_budget (EnlargeBackend *self, guint64 bytes)
{
  self->memory_budget = bytes;
}

int
enlarge_backend_get_width_block (EnlargeBackend *self)
{
  return MAX (self->width_block, 1);
}

guint64
enlarge_backend_get_memory_budget (EnlargeBackend *self)
{
  if (self->memory_budget > 0)
    return self->memory_budget;
  if (self->device->kind == ENLARGE_DEVICE_REFERENCE || self->device->global_mem == 0)
    return (guint64) 2 << 30;
  /* leave room for the weights, the driver and other programs */
  return self->device->global_mem / 4;
}

