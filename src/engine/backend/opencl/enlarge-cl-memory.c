/* Memory and launches of the OpenCL backend: the activation pool, views,
 * transfers, constant buffers, scratch, and kernel launches (counted). */

#include "enlarge-cl-private.h"

#define POOL_MAX_BYTES ((gsize) 384 << 20)

typedef struct {
  cl_mem mem;
  gsize bytes;
} PoolEntry;

static void
pool_evict_oldest (ClPriv *p)
{
  PoolEntry *e = g_queue_pop_head (&p->pool);
  clReleaseMemObject (e->mem);
  p->pool_bytes -= e->bytes;
  g_free (e);
}

void
pool_drain (ClPriv *p)
{
  while (!g_queue_is_empty (&p->pool))
    pool_evict_oldest (p);
}

gpointer
cl_buffer_new (EnlargeBackend *self, const EnlargeShape *s, GError **error)
{
  ClPriv *p = self->priv;
  cl_int err;
  gsize bytes = (gsize) s->c * s->h * s->w * sizeof (float);
  cl_mem mem;

  if (self->device->max_alloc > 0 && bytes > self->device->max_alloc)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_DEVICE_MEMORY,
                   "OpenCL: a %d×%d×%d activation (%" G_GSIZE_FORMAT " MiB) exceeds the "
                   "device's largest allocation", s->c, s->h, s->w, bytes >> 20);
      return NULL;
    }
  /* an explicit budget (enlarge_backend_set_memory_budget) is a hard
   * limit, so a run can be made to hit the out-of-memory path on purpose */
  if (self->memory_budget > 0 && p->live_bytes + bytes > self->memory_budget)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_DEVICE_MEMORY,
                   "OpenCL: a %d×%d×%d activation does not fit the memory budget "
                   "(%" G_GUINT64_FORMAT " MiB)", s->c, s->h, s->w, self->memory_budget >> 20);
      return NULL;
    }
  /* the smallest pooled buffer that holds @bytes, up to a quarter more:
   * a plan's tiles differ by a few rows */
  {
    GList *best = NULL;
    for (GList *l = p->pool.head; l != NULL; l = l->next)
      {
        const PoolEntry *e = l->data;
        if (e->bytes >= bytes && e->bytes <= bytes + bytes / 4 &&
            (best == NULL || e->bytes < ((PoolEntry *) best->data)->bytes))
          best = l;
      }
    if (best != NULL)
      {
        PoolEntry *e = best->data;
        mem = e->mem;
        p->pool_bytes -= e->bytes;
        p->live_bytes += e->bytes;
        g_queue_delete_link (&p->pool, best);
        g_free (e);
        return mem;
      }
  }
  /* what is pooled would only sit beside a buffer that big, resident
   * (realesrgan-x4plus's upsampling tail, one 304² tile: 1536 MiB peak
   * instead of 1316) */
  if (bytes > POOL_MAX_BYTES / 2)
    pool_drain (p);
  mem = clCreateBuffer (p->context, CL_MEM_READ_WRITE, bytes, NULL, &err);
  if (err == CL_MEM_OBJECT_ALLOCATION_FAILURE || err == CL_OUT_OF_RESOURCES ||
      err == CL_OUT_OF_HOST_MEMORY)
    {
      /* memory held for reuse may be what is missing */
      pool_drain (p);
      mem = clCreateBuffer (p->context, CL_MEM_READ_WRITE, bytes, NULL, &err);
    }
  if (!cl_check (err, "clCreateBuffer", error))
    return NULL;
  /* counted: tests check that a repeated run takes all from the pool */
  count_launch (p, "buffer_create");
  p->live_bytes += bytes;
  return mem;
}

void
cl_buffer_free (EnlargeBackend *self, gpointer buffer)
{
  ClPriv *p = self->priv;
  size_t bytes = 0;
  PoolEntry *e;

  clGetMemObjectInfo (buffer, CL_MEM_SIZE, sizeof bytes, &bytes, NULL);
  p->live_bytes -= MIN (bytes, p->live_bytes);
  if (bytes == 0 || bytes > POOL_MAX_BYTES)
    {
      clReleaseMemObject (buffer);
      return;
    }
  while (p->pool_bytes + bytes > POOL_MAX_BYTES)
    pool_evict_oldest (p);
  e = g_new (PoolEntry, 1);
  e->mem = buffer;
  e->bytes = bytes;
  g_queue_push_tail (&p->pool, e);
  p->pool_bytes += bytes;
}

gpointer
cl_buffer_view (EnlargeBackend *self, gpointer parent, gsize offset, const EnlargeShape *s,
                GError **error)
{
  const cl_buffer_region region = { offset, (size_t) s->c * s->h * s->w * sizeof (float) };
  cl_int err;
  cl_mem view = clCreateSubBuffer (parent, CL_MEM_READ_WRITE, CL_BUFFER_CREATE_TYPE_REGION,
                                   &region, &err);
  if (!cl_check (err, "clCreateSubBuffer", error))
    return NULL;
  return view;
}

void
cl_view_free (EnlargeBackend *self, gpointer view)
{
  clReleaseMemObject (view);
}

gboolean
cl_upload (EnlargeBackend *self, gpointer buffer, const EnlargeTensor *t, GError **error)
{
  ClPriv *p = self->priv;
  return cl_check (clEnqueueWriteBuffer (p->queue, buffer, CL_TRUE, 0,
                                         enlarge_tensor_size (t) * sizeof (float), t->data,
                                         0, NULL, NULL),
                   "clEnqueueWriteBuffer", error);
}

gboolean
cl_download (EnlargeBackend *self, gpointer buffer, EnlargeTensor *t, GError **error)
{
  ClPriv *p = self->priv;
  return cl_check (clEnqueueReadBuffer (p->queue, buffer, CL_TRUE, 0,
                                        enlarge_tensor_size (t) * sizeof (float), t->data,
                                        0, NULL, NULL),
                   "clEnqueueReadBuffer", error);
}

cl_mem
upload_const (ClPriv *p, const void *data, gsize bytes, GError **error)
{
  cl_int err;
  cl_mem mem = clCreateBuffer (p->context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                               MAX (bytes, 4), (void *) data, &err);
  if (!cl_check (err, "clCreateBuffer (constant)", error))
    return NULL;
  return mem;
}


/* @name: a static string */
void
count_launch (ClPriv *p, const char *name)
{
  g_hash_table_insert (p->launches, (gpointer) name,
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (p->launches, name)) + 1));
}

/* @local NULL lets the driver choose the work-group size. */
gboolean
enqueue_local (ClPriv *p, cl_kernel k, int dims, const size_t *global, const size_t *local,
               const char *name, GError **error)
{
  size_t g[3];
  for (int i = 0; i < dims; i++)
    {
      g[i] = MAX (global[i], 1);
      if (local)
        g[i] = (g[i] + local[i] - 1) / local[i] * local[i];
    }
  cl_int err = clEnqueueNDRangeKernel (p->queue, k, dims, NULL, g, local, 0, NULL, NULL);
  if (err == CL_SUCCESS)
    count_launch (p, name);
  return cl_check (err, name, error);
}

gboolean
enqueue (ClPriv *p, cl_kernel k, int dims, const size_t *global, const char *name,
         GError **error)
{
  return enqueue_local (p, k, dims, global, NULL, name, error);
}

/* Scratch buffers shared by all layers: the queue is in order, so a layer
 * never overwrites what the previous one still reads. */
cl_mem
scratch (ClPriv *p, cl_mem *buf, gsize *size, gsize bytes, GError **error)
{
  cl_int err;

  if (*buf != NULL && *size >= bytes)
    return *buf;
  if (*buf != NULL)
    {
      clFinish (p->queue);
      clReleaseMemObject (*buf);
    }
  *buf = clCreateBuffer (p->context, CL_MEM_READ_WRITE, bytes, NULL, &err);
  *size = *buf ? bytes : 0;
  if (!cl_check (err, "clCreateBuffer (Winograd scratch)", error))
    {
      *buf = NULL;
      return NULL;
    }
  return *buf;
}

/* The program's kernels by name: a backend's ops ask for theirs by the
 * name in their .cl file. */
cl_kernel
cl_kernel_get (ClPriv *p, const char *name)
{
  return g_hash_table_lookup (p->kernels, name);
}
