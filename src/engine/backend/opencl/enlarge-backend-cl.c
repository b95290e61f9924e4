/* The OpenCL backend: its lifecycle, its vtable and the entry point the
 * registry calls. Devices, memory, the program, the convolutions and the
 * other ops are in the enlarge-cl-*.c files beside it. */

#include "enlarge-cl-private.h"
#include "enlarge-op.h"

static void
cl_finalize (EnlargeBackend *self)
{
  ClPriv *p = self->priv;
  if (p == NULL)
    return;
  g_clear_pointer (&p->weights, g_hash_table_unref);
  g_clear_pointer (&p->nets, g_ptr_array_unref);
  pool_drain (p);
  if (p->wino_v)
    clReleaseMemObject (p->wino_v);
  if (p->wino_m)
    clReleaseMemObject (p->wino_m);
  g_clear_pointer (&p->kernels, g_hash_table_unref);
  g_clear_pointer (&p->ops, g_hash_table_unref);
  if (p->program)
    clReleaseProgram (p->program);
  if (p->queue)
    clReleaseCommandQueue (p->queue);
  if (p->context)
    clReleaseContext (p->context);
  g_free (p);
}

static gboolean
cl_finish (EnlargeBackend *self, GError **error)
{
  ClPriv *p = self->priv;
  return cl_check (clFinish (p->queue), "clFinish", error);
}

static gboolean
cl_layer (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l,
          gpointer *in, const EnlargeShape *is, gpointer *out, const EnlargeShape *os,
          GError **error)
{
  ClPriv *p = self->priv;
  const EnlargeClOp *op = g_hash_table_lookup (p->ops, l->op->name);

  if (op == NULL)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                   "layer %s: no OpenCL implementation of %s", l->name, l->op->name);
      return FALSE;
    }
  return op->run (self, net, l, (cl_mem *) in, is, (cl_mem *) out, os, error);
}

static const EnlargeBackendVTable cl_vtable = {
  .name = "opencl",
  .finalize = cl_finalize,
  .buffer_new = cl_buffer_new,
  .buffer_free = cl_buffer_free,
  .upload = cl_upload,
  .download = cl_download,
  .layer = cl_layer,
  .finish = cl_finish,
  .buffer_view = cl_buffer_view,
  .view_free = cl_view_free,
};

static void
release_kernel (gpointer kernel)
{
  clReleaseKernel (kernel);
}

EnlargeBackend *
enlarge_cl_backend_new (const EnlargeDeviceInfo *device, const EnlargeBackendOptions *options,
                        GError **error)
{
  g_autoptr (EnlargeBackend) self = NULL;
  cl_platform_id platform;
  cl_device_id dev;
  EnlargeDeviceInfo *info;
  ClPriv *p;
  cl_int err;

  if (!enlarge_cl_find_device (device->id, &platform, &dev))
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_NO_DEVICE,
                   "OpenCL device %s is gone", device->id);
      return NULL;
    }

  info = g_new0 (EnlargeDeviceInfo, 1);
  *info = *device;
  info->id = g_strdup (device->id);
  info->name = g_strdup (device->name);
  info->platform = g_strdup (device->platform);
  info->driver = g_strdup (device->driver);
  /* the backend plans with the capped local memory, and says so */
  if (options->local_mem_cap > 0)
    info->local_mem = MIN (info->local_mem, options->local_mem_cap);
  if (options->vector_width > 0)
    info->vector_width = options->vector_width;
  if (options->compute_units > 0)
    info->compute_units = options->compute_units;
  self = enlarge_backend_alloc (&cl_vtable, info, options);
  p = self->priv = g_new0 (ClPriv, 1);
  p->platform = platform;
  p->device = dev;
  p->kernels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, release_kernel);
  p->ops = enlarge_cl_op_table_new (options->extra_cl_ops);
  p->weights = g_hash_table_new_full (NULL, NULL, NULL, conv_weights_free);
  p->nets = g_ptr_array_new_with_free_func ((GDestroyNotify) enlarge_net_unref);
  g_queue_init (&p->pool);
  p->launches = self->launches;
  p->caps.kind = options->plan_kind > ENLARGE_DEVICE_REFERENCE &&
                 options->plan_kind <= ENLARGE_DEVICE_ACCELERATOR
                   ? (EnlargeDeviceKind) options->plan_kind : device->kind;
  p->caps.local_mem = info->local_mem;
  p->caps.vector_width = info->vector_width;
  p->caps.compute_units = info->compute_units;
  self->width_block = enlarge_conv_width_block (&p->caps);
  p->caps.winograd = options->winograd;
  p->caps.half = options->fp16 == ENLARGE_FP16_AUTO ? p->caps.kind == ENLARGE_DEVICE_GPU
                                                    : options->fp16 == ENLARGE_FP16_ON;
  {
    cl_uint bits = 0;
    if (clGetDeviceInfo (dev, CL_DEVICE_MEM_BASE_ADDR_ALIGN, sizeof bits, &bits, NULL) ==
          CL_SUCCESS && bits >= 8)
      self->view_align = bits / 8;
  }

  cl_context_properties props[] = { CL_CONTEXT_PLATFORM, (cl_context_properties) platform, 0 };
  p->context = clCreateContext (props, 1, &dev, NULL, NULL, &err);
  if (!cl_check (err, "clCreateContext", error))
    return NULL;
  p->queue = clCreateCommandQueue (p->context, dev, 0, &err);
  if (!cl_check (err, "clCreateCommandQueue", error))
    return NULL;
  if (!enlarge_cl_build_program (self, options->kernel_cache_dir, p->ops, error))
    return NULL;
  return g_steal_pointer (&self);
}

gboolean
enlarge_cl_backend_get_caps (EnlargeBackend *self, EnlargeClCaps *caps)
{
  if (self->vt != &cl_vtable)
    return FALSE;
  *caps = ((ClPriv *) self->priv)->caps;
  return TRUE;
}
