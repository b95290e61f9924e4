/* The OpenCL backend: device discovery, program build from the kernels in
 * the engine's resources, and one dispatch per layer. */

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include <CL/cl.h>

#include "enlarge-backend-private.h"
#include "enlarge-error.h"
#include "enlarge-ops.h"


typedef enum {
  CONV_GENERIC,
  CONV_BLOCKED,   /* packed for conv3x3_b8 */
  CONV_WINOGRAD,  /* transformed for the wino_* kernels */
} ConvPath;

typedef struct {
  cl_mem weight;   /* for Winograd, U of F(4×4, 3×3) */
  cl_mem weight6;  /* and where wino63_fused may run, U of F(6×6, 3×3) */
  cl_mem bias;
  ConvPath path;
} ConvWeights;

typedef struct {
  cl_platform_id platform;
  cl_device_id device;
  cl_context context;
  cl_command_queue queue;
  cl_program program;
  cl_kernel k_conv_generic, k_conv3x3, k_prelu, k_eltwise2,
            k_pixelshuffle, k_interp_nearest, k_interp_nearest_pow2, k_interp_bilinear, k_interp_bicubic,
            k_binary, k_wino_input, k_wino_gemm, k_wino_output, k_wino_fused,
            k_wino_fused8, k_wino63_fused, k_wino63_fused8;
  /* Freed activation buffers by size, for reuse: tiles of one job
   * allocate the same sizes again and again, and fresh buffers cost page
   * faults and zeroing on CPU devices (concat copies ran 100× slower) */
  gboolean winograd;      /* FALSE with ENLARGE_NO_WINOGRAD, for comparisons */
  /* wino_fused on CPU devices, unless ENLARGE_WINOGRAD=split asks for the
   * three-kernel path (the GPUs' one) so tests can compare the two */
  gboolean wino_fused;
  /* wino63_fused for the layers whose V fits (ENLARGE_WINOGRAD=f4: never) */
  gboolean wino6;
  cl_ulong local_mem;     /* CL_DEVICE_LOCAL_MEM_SIZE */
  /* V and M of the three-kernel Winograd path stored as half: on GPUs by
   * default, elsewhere with ENLARGE_FP16=1 (ENLARGE_FP16=0: never) */
  gboolean wino_half;
  GHashTable *launches;   /* the backend's launch counts */
  GQueue pool;            /* PoolEntry: released buffers, oldest first */
  gsize pool_bytes;
  gsize live_bytes;       /* activations handed out and not yet freed */
  /* Winograd scratch, grown as needed and reused by every layer */
  cl_mem wino_v, wino_m;
  gsize wino_v_size, wino_m_size;
  /* weights on the device, per layer of the nets in @nets */
  GHashTable *weights;
  GPtrArray *nets;
} ClPriv;

static const char *
cl_error_name (cl_int err)
{
  switch (err)
    {
    case CL_DEVICE_NOT_FOUND: return "CL_DEVICE_NOT_FOUND";
    case CL_DEVICE_NOT_AVAILABLE: return "CL_DEVICE_NOT_AVAILABLE";
    case CL_COMPILER_NOT_AVAILABLE: return "CL_COMPILER_NOT_AVAILABLE";
    case CL_MEM_OBJECT_ALLOCATION_FAILURE: return "CL_MEM_OBJECT_ALLOCATION_FAILURE";
    case CL_OUT_OF_RESOURCES: return "CL_OUT_OF_RESOURCES";
    case CL_OUT_OF_HOST_MEMORY: return "CL_OUT_OF_HOST_MEMORY";
    case CL_BUILD_PROGRAM_FAILURE: return "CL_BUILD_PROGRAM_FAILURE";
    case CL_INVALID_VALUE: return "CL_INVALID_VALUE";
    case CL_INVALID_BUFFER_SIZE: return "CL_INVALID_BUFFER_SIZE";
    case CL_INVALID_KERNEL_ARGS: return "CL_INVALID_KERNEL_ARGS";
    case CL_INVALID_WORK_GROUP_SIZE: return "CL_INVALID_WORK_GROUP_SIZE";
    case CL_INVALID_GLOBAL_WORK_SIZE: return "CL_INVALID_GLOBAL_WORK_SIZE";
    case CL_INVALID_ARG_SIZE: return "CL_INVALID_ARG_SIZE";
    case CL_INVALID_ARG_VALUE: return "CL_INVALID_ARG_VALUE";
    case CL_INVALID_MEM_OBJECT: return "CL_INVALID_MEM_OBJECT";
    case -1001: return "CL_PLATFORM_NOT_FOUND_KHR";
    default: return "OpenCL error";
    }
}

static gboolean
cl_check (cl_int err, const char *what, GError **error)
{
  if (err == CL_SUCCESS)
    return TRUE;
  /* Allocation failures get their own code: the caller can retry smaller. */
  g_set_error (error, ENLARGE_ERROR,
               err == CL_MEM_OBJECT_ALLOCATION_FAILURE || err == CL_OUT_OF_RESOURCES ||
               err == CL_OUT_OF_HOST_MEMORY || err == CL_INVALID_BUFFER_SIZE
                 ? ENLARGE_ERROR_DEVICE_MEMORY : ENLARGE_ERROR_OPENCL,
               "OpenCL: %s failed: %s (%d)", what, cl_error_name (err), err);
  return FALSE;
}

static char *
device_string (cl_device_id dev, cl_device_info param)
{
  size_t len = 0;
  if (clGetDeviceInfo (dev, param, 0, NULL, &len) != CL_SUCCESS || len == 0)
    return g_strdup ("");
  char *s = g_malloc0 (len + 1);
  clGetDeviceInfo (dev, param, len, s, NULL);
  return g_strstrip (s);
}

static char *
platform_string (cl_platform_id p, cl_platform_info param)
{
  size_t len = 0;
  if (clGetPlatformInfo (p, param, 0, NULL, &len) != CL_SUCCESS || len == 0)
    return g_strdup ("");
  char *s = g_malloc0 (len + 1);
  clGetPlatformInfo (p, param, len, s, NULL);
  return g_strstrip (s);
}

/* Walks platforms and devices; calls @func for each, stops when it
 * returns TRUE. */
typedef gboolean (*DeviceFunc) (cl_platform_id p, cl_device_id d, EnlargeDeviceInfo *info,
                                gpointer data);

static void
foreach_device (DeviceFunc func, gpointer data)
{
  cl_uint n_platforms = 0;
  g_autofree cl_platform_id *platforms = NULL;

  /* No ICD installed is a normal situation: the reference path remains. */
  if (clGetPlatformIDs (0, NULL, &n_platforms) != CL_SUCCESS || n_platforms == 0)
    return;
  platforms = g_new0 (cl_platform_id, n_platforms);
  if (clGetPlatformIDs (n_platforms, platforms, NULL) != CL_SUCCESS)
    return;

  for (cl_uint p = 0; p < n_platforms; p++)
    {
      cl_uint n_devices = 0;
      g_autofree cl_device_id *devices = NULL;
      g_autofree char *pname = NULL;

      if (clGetDeviceIDs (platforms[p], CL_DEVICE_TYPE_ALL, 0, NULL, &n_devices) != CL_SUCCESS ||
          n_devices == 0)
        continue;
      devices = g_new0 (cl_device_id, n_devices);
      if (clGetDeviceIDs (platforms[p], CL_DEVICE_TYPE_ALL, n_devices, devices, NULL) != CL_SUCCESS)
        continue;
      pname = platform_string (platforms[p], CL_PLATFORM_NAME);

      for (cl_uint d = 0; d < n_devices; d++)
        {
          EnlargeDeviceInfo *info = g_new0 (EnlargeDeviceInfo, 1);
          cl_device_type type = 0;
          cl_ulong mem = 0, max_alloc = 0, local_mem = 0;
          cl_uint cu = 0;
          g_autofree char *version = device_string (devices[d], CL_DEVICE_VERSION);
          g_autofree char *driver = device_string (devices[d], CL_DRIVER_VERSION);

          clGetDeviceInfo (devices[d], CL_DEVICE_TYPE, sizeof type, &type, NULL);
          clGetDeviceInfo (devices[d], CL_DEVICE_GLOBAL_MEM_SIZE, sizeof mem, &mem, NULL);
          clGetDeviceInfo (devices[d], CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof max_alloc, &max_alloc, NULL);
          clGetDeviceInfo (devices[d], CL_DEVICE_MAX_COMPUTE_UNITS, sizeof cu, &cu, NULL);
          clGetDeviceInfo (devices[d], CL_DEVICE_LOCAL_MEM_SIZE, sizeof local_mem, &local_mem, NULL);
          info->id = g_strdup_printf ("cl:%u:%u", p, d);
          info->name = device_string (devices[d], CL_DEVICE_NAME);
          info->platform = g_strdup (pname);
          info->driver = g_strdup_printf ("%s, driver %s", version, driver);
          info->kind = (type & CL_DEVICE_TYPE_GPU) ? ENLARGE_DEVICE_GPU
                     : (type & CL_DEVICE_TYPE_ACCELERATOR) ? ENLARGE_DEVICE_ACCELERATOR
                     : ENLARGE_DEVICE_CPU;
          info->global_mem = mem;
          info->max_alloc = max_alloc;
          info->compute_units = (int) cu;
          info->local_mem = local_mem;
          if (func (platforms[p], devices[d], info, data))
            return;
        }
    }
}

static gboolean
collect_device (cl_platform_id p, cl_device_id d, EnlargeDeviceInfo *info, gpointer data)
{
  g_ptr_array_add (data, info);
  return FALSE;
}

GPtrArray *
enlarge_cl_list_devices (void)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) enlarge_device_info_free);
  foreach_device (collect_device, list);
  return list;
}

typedef struct {
  const char *id;
  cl_platform_id platform;
  cl_device_id device;
} FindDevice;

static gboolean
find_device (cl_platform_id p, cl_device_id d, EnlargeDeviceInfo *info, gpointer data)
{
  FindDevice *f = data;
  gboolean match = g_strcmp0 (info->id, f->id) == 0;
  if (match)
    {
      f->platform = p;
      f->device = d;
    }
  enlarge_device_info_free (info);
  return match;
}

/* ---------- backend ---------- */

static void
conv_weights_free (gpointer data)
{
  ConvWeights *cw = data;
  if (cw->weight)
    clReleaseMemObject (cw->weight);
  if (cw->weight6)
    clReleaseMemObject (cw->weight6);
  if (cw->bias)
    clReleaseMemObject (cw->bias);
  g_free (cw);
}

static void pool_drain (ClPriv *p);
static void count_launch (ClPriv *p, const char *name);

static void
cl_finalize (EnlargeBackend *self)
{
  ClPriv *p = self->priv;
  if (p == NULL)
    return;
  g_clear_pointer (&p->weights, g_hash_table_unref);
  g_clear_pointer (&p->nets, g_ptr_array_unref);
  pool_drain (p);
  cl_kernel *kernels[] = { &p->k_conv_generic, &p->k_conv3x3, &p->k_prelu,
                           &p->k_eltwise2, &p->k_pixelshuffle, &p->k_interp_nearest,
                           &p->k_interp_nearest_pow2,
                           &p->k_interp_bilinear, &p->k_interp_bicubic, &p->k_binary,
                           &p->k_wino_input, &p->k_wino_gemm, &p->k_wino_output,
                           &p->k_wino_fused, &p->k_wino_fused8, &p->k_wino63_fused,
                           &p->k_wino63_fused8 };
  if (p->wino_v)
    clReleaseMemObject (p->wino_v);
  if (p->wino_m)
    clReleaseMemObject (p->wino_m);
  for (guint i = 0; i < G_N_ELEMENTS (kernels); i++)
    if (*kernels[i])
      clReleaseKernel (*kernels[i]);
  if (p->program)
    clReleaseProgram (p->program);
  if (p->queue)
    clReleaseCommandQueue (p->queue);
  if (p->context)
    clReleaseContext (p->context);
  g_free (p);
}

/* Released activation buffers are kept for reuse: a fresh buffer costs a
 * page fault and a cleared page for every 4 KiB it is written, and the
 * dense blocks of realesrgan-x4plus release and ask for a 192-channel
 * buffer (220 MB in 536 px tiles) 69 times a tile. On a CPU the pool is
 * resident memory on top of the live activations, so it is capped, and
 * what was released longest ago goes first: buffers of the sizes a run
 * keeps asking for come back before they would be evicted. */
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

static void
pool_drain (ClPriv *p)
{
  while (!g_queue_is_empty (&p->pool))
    pool_evict_oldest (p);
}

static gpointer
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

static void
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

static gpointer
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

static void
cl_view_free (EnlargeBackend *self, gpointer view)
{
  clReleaseMemObject (view);
}

static gboolean
cl_upload (EnlargeBackend *self, gpointer buffer, const EnlargeTensor *t, GError **error)
{
  ClPriv *p = self->priv;
  return cl_check (clEnqueueWriteBuffer (p->queue, buffer, CL_TRUE, 0,
                                         enlarge_tensor_size (t) * sizeof (float), t->data,
                                         0, NULL, NULL),
                   "clEnqueueWriteBuffer", error);
}

static gboolean
cl_download (EnlargeBackend *self, gpointer buffer, EnlargeTensor *t, GError **error)
{
  ClPriv *p = self->priv;
  return cl_check (clEnqueueReadBuffer (p->queue, buffer, CL_TRUE, 0,
                                        enlarge_tensor_size (t) * sizeof (float), t->data,
                                        0, NULL, NULL),
                   "clEnqueueReadBuffer", error);
}

static gboolean
cl_finish (EnlargeBackend *self, GError **error)
{
  ClPriv *p = self->priv;
  return cl_check (clFinish (p->queue), "clFinish", error);
}

static cl_mem
upload_const (ClPriv *p, const void *data, gsize bytes, GError **error)
{
  cl_int err;
  cl_mem mem = clCreateBuffer (p->context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                               MAX (bytes, 4), (void *) data, &err);
  if (!cl_check (err, "clCreateBuffer (constant)", error))
    return NULL;
  return mem;
}

static gboolean
conv_is_3x3_s1 (const EnlargeConvParams *c)
{
  return c->kernel_w == 3 && c->kernel_h == 3 && c->stride_w == 1 && c->stride_h == 1 &&
         c->dilation_w == 1 && c->dilation_h == 1 && c->pad_value == 0.f;
}

static ConvPath
conv_path (const EnlargeConvParams *c, gboolean winograd, gboolean fused)
{
  if (!conv_is_3x3_s1 (c))
    return CONV_GENERIC;
  /* the transforms only pay for themselves with enough channels to sum;
   * in the fused CPU kernels even a few output channels gain, the input
   * transform being shared (realesrgan-x4plus's last layer, 64 → 3 at
   * 2048 × 212: 45 → 19 ms) */
  if (winograd && c->num_input >= 16 && c->num_output >= (fused ? 1 : 16))
    return CONV_WINOGRAD;
  return CONV_BLOCKED;
}

/* U = G g Gᵀ for F(4×4, 3×3) (n = 6) or F(6×6, 3×3) (n = 8), in double so
 * the only fp32 rounding is the final one; laid out [n²][OC/8][IC][8]. */
static float *
winograd_weights (const EnlargeConvParams *c, int ob_n, int n)
{
  static const double G4[6][3] = {
    { 1.0 / 4, 0, 0 },
    { -1.0 / 6, -1.0 / 6, -1.0 / 6 },
    { -1.0 / 6, 1.0 / 6, -1.0 / 6 },
    { 1.0 / 24, 1.0 / 12, 1.0 / 6 },
    { 1.0 / 24, -1.0 / 12, 1.0 / 6 },
    { 0, 0, 1 },
  };
  /* points 0, ±1, ±2, ±1/2, ∞; the ±1/2 rows carry 1/32 so that Aᵀ in
   * winograd63-fused.cl is integral */
  static const double G6[8][3] = {
    { 1, 0, 0 },
    { -2.0 / 9, -2.0 / 9, -2.0 / 9 },
    { -2.0 / 9, 2.0 / 9, -2.0 / 9 },
    { 1.0 / 90, 1.0 / 45, 2.0 / 45 },
    { 1.0 / 90, -1.0 / 45, 2.0 / 45 },
    { 1.0 / 45, 1.0 / 90, 1.0 / 180 },
    { 1.0 / 45, -1.0 / 90, 1.0 / 180 },
    { 0, 0, 1 },
  };
  const double (*G)[3] = n == 8 ? G6 : G4;
  const int ic_n = c->num_input;
  float *u = g_new0 (float, (gsize) n * n * ob_n * ic_n * 8);

  /* the 8 channels of a block as one vector: each element e is 8
   * adjacent floats (realesrgan-x4plus spent 0.8 s of its first tile here
   * with one channel, one double at a time) */
  typedef double d8 __attribute__ ((vector_size (64)));
  for (int ob = 0; ob < ob_n; ob++)
    for (int ic = 0; ic < ic_n; ic++)
      {
        d8 g[9] = { { 0 } }, tmp[8][3];
        for (int k = 0; k < 8 && ob * 8 + k < c->num_output; k++)
          for (int t = 0; t < 9; t++)
            g[t][k] = c->weight[((gsize) (ob * 8 + k) * ic_n + ic) * 9 + t];
        for (int i = 0; i < n; i++)
          for (int k = 0; k < 3; k++)
            tmp[i][k] = G[i][0] * g[0 * 3 + k] + G[i][1] * g[1 * 3 + k] + G[i][2] * g[2 * 3 + k];
        for (int i = 0; i < n; i++)
          for (int j = 0; j < n; j++)
            {
              const d8 v = tmp[i][0] * G[j][0] + tmp[i][1] * G[j][1] + tmp[i][2] * G[j][2];
              float *dst = u + (((gsize) (i * n + j) * ob_n + ob) * ic_n + ic) * 8;
              for (int k = 0; k < 8; k++)
                dst[k] = (float) v[k];
            }
      }
  return u;
}

/* wino63_fused's __local V [64][IC][32] and products [64][8][32] (its
 * 7 KB of rows come on top). It is taken where these use at most three
 * quarters of the local memory, which PoCL maps to the L2 cache: beyond
 * that the weights streamed for each block start to evict V. */
#define WINO6_M_BYTES (sizeof (float) * 64 * 8 * 32)
static gsize
wino6_local_bytes (int ic)
{
  return sizeof (float) * 64 * (gsize) ic * 32 + WINO6_M_BYTES + 8192;
}

static ConvWeights *
conv_weights_new (ClPriv *p, const EnlargeConvParams *c, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  ConvWeights *cw = g_new0 (ConvWeights, 1);
  const int ob_n = (c->num_output + 7) / 8, ic_n = c->num_input;
  /* bias, then (for a folded PReLU) the slopes, each padded to 8 */
  g_autofree float *bias = g_new0 (float, (gsize) ob_n * 16);

  cw->path = conv_path (c, p->winograd, p->wino_fused);
  for (int oc = 0; oc < c->num_output; oc++)
    {
      bias[oc] = c->bias ? c->bias[oc] : 0.f;
      if (c->activation == ENLARGE_ACT_PRELU)
        bias[ob_n * 8 + oc] = c->slope[c->num_slope == 1 ? 0 : oc];
    }

  if (cw->path == CONV_WINOGRAD)
    {
      g_autofree float *u = winograd_weights (c, ob_n, 6);
      cw->weight = upload_const (p, u, sizeof (float) * 36 * ob_n * ic_n * 8, &local_error);
      /* F(6×6) pays where the products dominate: with 32 output channels
       * (realesrgan-x4plus's dense blocks) the transforms, which it does
       * not shrink, are too large a share, and its U would add 110 MB */
      if (cw->weight && p->wino6 && c->num_output >= 48 &&
          wino6_local_bytes (ic_n) <= p->local_mem / 4 * 3)
        {
          g_autofree float *u6 = winograd_weights (c, ob_n, 8);
          cw->weight6 = upload_const (p, u6, sizeof (float) * 64 * ob_n * ic_n * 8, &local_error);
        }
    }
  else if (cw->path == CONV_BLOCKED)
    {
      g_autofree float *packed = g_new0 (float, (gsize) ob_n * ic_n * 72);
      for (int oc = 0; oc < c->num_output; oc++)
        for (int ic = 0; ic < ic_n; ic++)
          for (int k = 0; k < 9; k++)
            packed[(((gsize) (oc / 8) * ic_n + ic) * 9 + k) * 8 + oc % 8] =
              c->weight[((gsize) oc * ic_n + ic) * 9 + k];
      cw->weight = upload_const (p, packed, sizeof (float) * (gsize) ob_n * ic_n * 72, &local_error);
    }
  else
    cw->weight = upload_const (p, c->weight, sizeof (float) * c->weight_data_size, &local_error);
  if (cw->weight)
    cw->bias = upload_const (p, bias, sizeof (float) * (gsize) ob_n * 16, &local_error);

  if (local_error)
    {
      conv_weights_free (cw);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return cw;
}

#define ARG(k, i, v)                                                        \
  G_STMT_START {                                                            \
    __typeof__ (v) _v = (v);                                                \
    cl_int _e = clSetKernelArg ((k), (i), sizeof _v, &_v);                  \
    if (!cl_check (_e, "clSetKernelArg", error))                            \
      return FALSE;                                                         \
  } G_STMT_END

/* @name: a static string */
static void
count_launch (ClPriv *p, const char *name)
{
  g_hash_table_insert (p->launches, (gpointer) name,
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (p->launches, name)) + 1));
}

/* @local NULL lets the driver choose the work-group size. */
static gboolean
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

static gboolean
enqueue (ClPriv *p, cl_kernel k, int dims, const size_t *global, const char *name,
         GError **error)
{
  return enqueue_local (p, k, dims, global, NULL, name, error);
}

/* Scratch buffers shared by all layers: the queue is in order, so a layer
 * never overwrites what the previous one still reads. */
static cl_mem
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

/* Bytes of V a band may take: about the size of a CPU's last-level cache
 * share, so the GEMM reads it from cache; on GPUs bigger bands only help. */
#define WINO_BAND_BYTES_CPU ((gsize) 8 << 20)
#define WINO_BAND_BYTES_GPU ((gsize) 256 << 20)

/* What the loader folded into a convolution: Eltwise sums
 * (EnlargeConvParams.n_residual), which the fused CPU kernels add as they
 * store (@done: the path taken did), and a 2× upsampling of the input. */
typedef struct {
  cl_mem r[2];
  cl_int n;
  cl_float4 k;
  gboolean done;
  /* EnlargeConvParams.upsample, which only the fused CPU kernels read
   * through: 1 or 2 */
  cl_int up;
} Folded;

/* @out stands in for absent addends: a masked-off load from a NULL
 * pointer still costs a microcode assist on x86 */
static gboolean
set_folded_args (cl_kernel k, int first, Folded *res, cl_mem out, GError **error)
{
  ARG (k, first, res->n > 0 ? res->r[0] : out); ARG (k, first + 1, res->n > 1 ? res->r[1] : out);
  ARG (k, first + 2, res->n); ARG (k, first + 3, res->k); ARG (k, first + 4, res->up);
  res->done = TRUE;
  return TRUE;
}

/* @blocks columns of blocks of 2 tile rows × @lanes tile columns (96 or
 * 48 × 12 pixels) from tile column @tx0 */
static gboolean
run_winograd6 (ClPriv *p, ConvWeights *cw, cl_mem in, const EnlargeShape *is,
               cl_mem out, const EnlargeShape *os, int pl, int pt,
               int act, float a0, float a1, int lanes, int tx0, int blocks, Folded *res,
               GError **error)
{
  cl_kernel k = lanes == 16 ? p->k_wino63_fused : p->k_wino63_fused8;
  static const size_t one[2] = { 1, 1 };
  const size_t g[2] = { (size_t) blocks, (size_t) (os->h + 11) / 12 };
  const gsize v_bytes = sizeof (float) * 64 * (gsize) is->c * 2 * lanes;

  ARG (k, 0, in); ARG (k, 1, cw->weight6); ARG (k, 2, cw->bias); ARG (k, 3, out);
  ARG (k, 4, (cl_int) is->c); ARG (k, 5, (cl_int) is->h); ARG (k, 6, (cl_int) is->w);
  ARG (k, 7, (cl_int) os->c); ARG (k, 8, (cl_int) os->h); ARG (k, 9, (cl_int) os->w);
  ARG (k, 10, (cl_int) pl); ARG (k, 11, (cl_int) pt); ARG (k, 12, (cl_int) act);
  ARG (k, 13, (cl_float) a0); ARG (k, 14, (cl_float) a1); ARG (k, 15, (cl_int) tx0);
  return set_folded_args (k, 16, res, out, error) &&
         cl_check (clSetKernelArg (k, 21, v_bytes, NULL), "clSetKernelArg", error) &&
         cl_check (clSetKernelArg (k, 22, WINO6_M_BYTES / 16 * lanes, NULL), "clSetKernelArg", error) &&
         enqueue_local (p, k, 2, g, one, lanes == 16 ? "wino63_fused" : "wino63_fused8", error);
}

/* wino_fused's __local V [36][IC][32] and products [36][8][32] */
#define WINO4_M_BYTES (sizeof (float) * 36 * 8 * 32)
static gsize
wino4_v_bytes (int ic)
{
  return sizeof (float) * 36 * (gsize) ic * 32;
}

static gboolean
wino_fused_fits (ClPriv *p, int ic)
{
  return p->wino_fused && wino4_v_bytes (ic) + WINO4_M_BYTES + 8192 <= p->local_mem;
}

static gboolean
run_winograd (ClPriv *p, ConvWeights *cw, cl_mem in, const EnlargeShape *is,
              cl_mem out, const EnlargeShape *os, int pl, int pt,
              int act, float a0, float a1, gboolean cpu, Folded *res, GError **error)
{
  const gsize fused_v = wino4_v_bytes (is->c), fused_m = WINO4_M_BYTES;
  if (wino_fused_fits (p, is->c))
    {
      /* F(6×6) from the left, where it may run: 96-pixel blocks, a last
       * one at most a quarter empty still among them, then F(4×4) at its
       * finer grain (32 or 64 pixels), except where a 48-pixel F(6×6)
       * block costs less: a pixel of F(6×6) costs about 3/4 of one of
       * F(4×4), so 48 (36) beats a block of 64 for 33…48 pixels, and
       * 48 + 32 (68) beats 64 + 32 for 65…71 */
      int t0 = 0;
      if (cw->weight6)
        {
          int n6 = os->w / 96, rest = os->w - 96 * n6;
          if (rest >= 72)
            n6++, rest = 0;
          const int n48 = (rest > 32 && rest <= 48) || rest > 64;
          if (n6 > 0 && !run_winograd6 (p, cw, in, is, out, os, pl, pt, act, a0, a1, 16, 0, n6, res, error))
            return FALSE;
          if (n48 && !run_winograd6 (p, cw, in, is, out, os, pl, pt, act, a0, a1, 8, 16 * n6, 1, res, error))
            return FALSE;
          if (96 * n6 + 48 * n48 >= os->w)
            return TRUE;
          t0 = 24 * n6 + 12 * n48;
        }
      /* blocks of 16 tile columns; a last one of at most 8 in 8 lanes */
      const int tx = (os->w + 3) / 4, rest = (tx - t0) % 16;
      const int n16 = (tx - t0) / 16 + (rest > 8), n8 = rest > 0 && rest <= 8;
      const size_t rows = (size_t) (os->h + 7) / 8;
      for (int pass = 0; pass < 2; pass++)
        {
          const int wide = pass == 0, blocks = wide ? n16 : n8;
          cl_kernel k = wide ? p->k_wino_fused : p->k_wino_fused8;
          static const size_t one[2] = { 1, 1 };
          const size_t g[2] = { (size_t) blocks, rows };
          if (blocks == 0)
            continue;
          ARG (k, 0, in); ARG (k, 1, cw->weight); ARG (k, 2, cw->bias); ARG (k, 3, out);
          ARG (k, 4, (cl_int) is->c); ARG (k, 5, (cl_int) is->h); ARG (k, 6, (cl_int) is->w);
          ARG (k, 7, (cl_int) os->c); ARG (k, 8, (cl_int) os->h); ARG (k, 9, (cl_int) os->w);
          ARG (k, 10, (cl_int) pl); ARG (k, 11, (cl_int) pt); ARG (k, 12, (cl_int) act);
          ARG (k, 13, (cl_float) a0); ARG (k, 14, (cl_float) a1);
          ARG (k, 15, (cl_int) (wide ? t0 : t0 + n16 * 16));
          if (!set_folded_args (k, 16, res, out, error) ||
              !cl_check (clSetKernelArg (k, 21, wide ? fused_v : fused_v / 2, NULL), "clSetKernelArg", error) ||
              !cl_check (clSetKernelArg (k, 22, wide ? fused_m : fused_m / 2, NULL), "clSetKernelArg", error) ||
              !enqueue_local (p, k, 2, g, one, wide ? "wino_fused" : "wino_fused8", error))
            return FALSE;
        }
      return TRUE;
    }

  const gsize band_bytes = cpu ? WINO_BAND_BYTES_CPU : WINO_BAND_BYTES_GPU;
  /* PoCL runs a work-group per task; on realesrgan-x4fast a work-item per
   * group for the products (each owns 32 tiles) and eight channels a
   * group for the transforms beat its own choice by 20–30 % and 5–9 % */
  static const size_t gemm_local_cpu[2] = { 1, 1 };
  static const size_t transform_local_cpu[3] = { 1, 1, 8 };
  const cl_int tx = (os->w + 3) / 4, ty = (os->h + 3) / 4;
  const cl_int ocb = (os->c + 7) / 8, ocp = ocb * 8;
  const gsize elem = p->wino_half ? 2 : sizeof (float);
  const gsize row_bytes = elem * 36 * (gsize) MAX (is->c, ocp) * tx;
  const cl_int band = (cl_int) CLAMP (band_bytes / row_bytes, 1, (gsize) ty);
  const cl_int tp = (tx * band + 15) / 16 * 16;
  cl_mem v = scratch (p, &p->wino_v, &p->wino_v_size, elem * 36 * (gsize) is->c * tp, error);
  cl_mem m = v ? scratch (p, &p->wino_m, &p->wino_m_size, elem * 36 * (gsize) ocp * tp, error) : NULL;

  if (m == NULL)
    return FALSE;
  for (cl_int ty0 = 0; ty0 < ty; ty0 += band)
    {
      const cl_int rows = MIN (band, ty - ty0);
      const cl_int tpb = (tx * rows + 15) / 16 * 16;
      {
        cl_kernel k = p->k_wino_input;
        size_t g[3] = { (size_t) (tx + 3) / 4, (size_t) rows, (size_t) is->c };
        ARG (k, 0, in); ARG (k, 1, v); ARG (k, 2, (cl_int) is->c); ARG (k, 3, (cl_int) is->h);
        ARG (k, 4, (cl_int) is->w); ARG (k, 5, tx); ARG (k, 6, rows); ARG (k, 7, tpb);
        ARG (k, 8, (cl_int) pl); ARG (k, 9, (cl_int) pt); ARG (k, 10, ty0);
        if (!enqueue_local (p, k, 3, g, cpu ? transform_local_cpu : NULL, "wino_input", error))
          return FALSE;
      }
      {
        cl_kernel k = p->k_wino_gemm;
        size_t g[2] = { (size_t) (tpb + 31) / 32, 36 };
        ARG (k, 0, cw->weight); ARG (k, 1, v); ARG (k, 2, m); ARG (k, 3, (cl_int) is->c);
        ARG (k, 4, ocb); ARG (k, 5, tpb);
        if (!enqueue_local (p, k, 2, g, cpu ? gemm_local_cpu : NULL, "wino_gemm", error))
          return FALSE;
      }
      {
        cl_kernel k = p->k_wino_output;
        size_t g[3] = { (size_t) (tx + 3) / 4, (size_t) rows, (size_t) os->c };
        ARG (k, 0, m); ARG (k, 1, cw->bias); ARG (k, 2, out); ARG (k, 3, (cl_int) os->c);
        ARG (k, 4, (cl_int) os->h); ARG (k, 5, (cl_int) os->w); ARG (k, 6, tx); ARG (k, 7, rows);
        ARG (k, 8, tpb); ARG (k, 9, ocp); ARG (k, 10, (cl_int) act); ARG (k, 11, (cl_float) a0);
        ARG (k, 12, (cl_float) a1); ARG (k, 13, ty0);
        if (!enqueue_local (p, k, 3, g, cpu ? transform_local_cpu : NULL, "wino_output", error))
          return FALSE;
      }
    }
  return TRUE;
}

static gboolean run_interp (ClPriv *p, const EnlargeInterpParams *ip, cl_mem in,
                            const EnlargeShape *is, cl_mem out, const EnlargeShape *os,
                            GError **error);

/* out = k₀·out + k₁·r, in place: the folded sums where the kernel that
 * ran does not add them itself */
static gboolean
run_residual (ClPriv *p, const Folded *res, cl_mem out, const EnlargeShape *os, GError **error)
{
  const cl_int n = os->c * os->h * os->w;
  const size_t g1[1] = { (size_t) n };
  const float *k = (const float *) &res->k;
  cl_kernel kern = p->k_eltwise2;

  for (int r = 0; r < res->n; r++)
    {
      ARG (kern, 0, out); ARG (kern, 1, res->r[r]); ARG (kern, 2, out);
      ARG (kern, 3, (cl_float) k[2 * r]); ARG (kern, 4, (cl_float) k[2 * r + 1]);
      ARG (kern, 5, (cl_int) ENLARGE_ELTWISE_SUM); ARG (kern, 6, n);
      if (!enqueue (p, kern, 1, g1, "residual", error))
        return FALSE;
    }
  return TRUE;
}

/* @in: the input, then the residuals */
static gboolean
run_conv (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l,
          cl_mem *ins, const EnlargeShape *is, cl_mem out, const EnlargeShape *os,
          GError **error)
{
  cl_mem in = ins[0], upsampled = NULL;
  Folded res = { { NULL, NULL }, l->p.conv.n_residual, { { 0 } }, FALSE, 1 };
  ClPriv *p = self->priv;
  const EnlargeConvParams *c = &l->p.conv;
  ConvWeights *cw = net ? g_hash_table_lookup (p->weights, l) : NULL;
  g_autoptr (GError) local_error = NULL;
  ConvWeights *temp = NULL;
  int pl, pt;
  gboolean ok;

  if (cw == NULL)
    {
      cw = conv_weights_new (p, c, error);
      if (cw == NULL)
        return FALSE;
      if (net)
        {
          g_hash_table_insert (p->weights, (gpointer) l, cw);
          if (!g_ptr_array_find (p->nets, net, NULL))
            g_ptr_array_add (p->nets, enlarge_net_ref (net));
        }
      else
        temp = cw;
    }

  for (int r = 0; r < c->n_residual; r++)
    {
      res.r[r] = ins[1 + r];
      res.k.s[2 * r] = c->res_coeff[2 * r];
      res.k.s[2 * r + 1] = c->res_coeff[2 * r + 1];
    }
  /* a folded upsampling: read through by the fused CPU kernels, made
   * here for the others */
  const EnlargeShape us = { is->c, is->h * MAX (c->upsample, 1), is->w * MAX (c->upsample, 1) };
  if (c->upsample > 1)
    {
      if (c->upsample == 2 && cw->path == CONV_WINOGRAD && wino_fused_fits (p, is->c))
        res.up = 2;
      else if ((upsampled = cl_buffer_new (self, &us, error)) == NULL ||
               !run_interp (p, &(EnlargeInterpParams) { ENLARGE_INTERP_NEAREST, c->upsample, c->upsample, 0, 0, FALSE },
                            in, is, upsampled, &us, error))
        {
          if (upsampled)
            cl_buffer_free (self, upsampled);
          if (temp)
            conv_weights_free (temp);
          return FALSE;
        }
      else
        in = upsampled;
      is = &us;
    }
  enlarge_conv_padding (c, is->w, is->h, &pl, &pt);
  const int act = c->activation;
  const float a0 = c->act_params[0], a1 = c->act_params[1];

  if (cw->path == CONV_WINOGRAD)
    ok = run_winograd (p, cw, in, is, out, os, pl, pt, act, a0, a1,
                       self->device->kind == ENLARGE_DEVICE_CPU, &res, &local_error);
  else if (cw->path == CONV_BLOCKED)
    {
      cl_kernel k = p->k_conv3x3;
      size_t g[3] = { (os->w + 7) / 8, os->h, (os->c + 7) / 8 };
      ok = FALSE;
      do
        {
          ARG (k, 0, in); ARG (k, 1, cw->weight); ARG (k, 2, cw->bias); ARG (k, 3, out);
          ARG (k, 4, (cl_int) is->c); ARG (k, 5, (cl_int) is->h); ARG (k, 6, (cl_int) is->w);
          ARG (k, 7, (cl_int) os->c); ARG (k, 8, (cl_int) os->h); ARG (k, 9, (cl_int) os->w);
          ARG (k, 10, (cl_int) pl); ARG (k, 11, (cl_int) pt);
          ARG (k, 12, (cl_int) act); ARG (k, 13, (cl_float) a0); ARG (k, 14, (cl_float) a1);
          ok = enqueue (p, k, 3, g, "conv3x3_b8", &local_error);
        }
      while (0);
    }
  else
    {
      cl_kernel k = p->k_conv_generic;
      size_t g[3] = { os->w, os->h, os->c };
      ok = FALSE;
      do
        {
          ARG (k, 0, in); ARG (k, 1, cw->weight); ARG (k, 2, cw->bias); ARG (k, 3, out);
          ARG (k, 4, (cl_int) is->c); ARG (k, 5, (cl_int) is->h); ARG (k, 6, (cl_int) is->w);
          ARG (k, 7, (cl_int) os->c); ARG (k, 8, (cl_int) os->h); ARG (k, 9, (cl_int) os->w);
          ARG (k, 10, (cl_int) c->kernel_w); ARG (k, 11, (cl_int) c->kernel_h);
          ARG (k, 12, (cl_int) c->stride_w); ARG (k, 13, (cl_int) c->stride_h);
          ARG (k, 14, (cl_int) c->dilation_w); ARG (k, 15, (cl_int) c->dilation_h);
          ARG (k, 16, (cl_int) pl); ARG (k, 17, (cl_int) pt);
          ARG (k, 18, (cl_float) c->pad_value); ARG (k, 19, (cl_int) 1);
          ARG (k, 20, (cl_int) act); ARG (k, 21, (cl_float) a0); ARG (k, 22, (cl_float) a1);
          ok = enqueue (p, k, 3, g, "conv_generic", &local_error);
        }
      while (0);
    }

  if (ok && res.n > 0 && !res.done)
    ok = run_residual (p, &res, out, os, &local_error);
  /* pooled: in-order queue, so whatever reuses it runs after this layer */
  if (upsampled)
    cl_buffer_free (self, upsampled);
  if (temp)
    {
      /* one-off weights must outlive the kernel that reads them */
      clFinish (p->queue);
      conv_weights_free (temp);
    }
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}

static gboolean
run_interp (ClPriv *p, const EnlargeInterpParams *ip, cl_mem in, const EnlargeShape *is,
            cl_mem out, const EnlargeShape *os, GError **error)
{
  size_t g[3] = { os->w, os->h, os->c };

  if (ip->mode == ENLARGE_INTERP_NEAREST && ip->output_width == 0 && ip->output_height == 0 &&
      ip->width_scale == ip->height_scale && (ip->width_scale == 2.f || ip->width_scale == 4.f) &&
      os->w == is->w * (int) ip->width_scale && os->h == is->h * (int) ip->width_scale)
    {
      cl_kernel k = p->k_interp_nearest_pow2;
      const size_t g2[3] = { (size_t) (is->w + 7) / 8, os->h, os->c };
      ARG (k, 0, in); ARG (k, 1, out); ARG (k, 2, (cl_int) os->c);
      ARG (k, 3, (cl_int) is->h); ARG (k, 4, (cl_int) is->w);
      ARG (k, 5, (cl_int) ip->width_scale);
      return enqueue (p, k, 3, g2, "interp_nearest_pow2", error);
    }
  if (ip->mode == ENLARGE_INTERP_NEAREST)
    {
      cl_kernel k = p->k_interp_nearest;
      float ws = ip->output_width ? (float) is->w / os->w : 1.f / ip->width_scale;
      float hs = ip->output_height ? (float) is->h / os->h : 1.f / ip->height_scale;
      ARG (k, 0, in); ARG (k, 1, out); ARG (k, 2, (cl_int) os->c);
      ARG (k, 3, (cl_int) is->h); ARG (k, 4, (cl_int) is->w);
      ARG (k, 5, (cl_int) os->h); ARG (k, 6, (cl_int) os->w);
      ARG (k, 7, (cl_float) hs); ARG (k, 8, (cl_float) ws);
      return enqueue (p, k, 3, g, "interp_nearest", error);
    }

  const gboolean cubic = ip->mode == ENLARGE_INTERP_BICUBIC;
  const int taps = cubic ? 4 : 1;
  g_autofree int *xo = g_new (int, os->w);
  g_autofree int *yo = g_new (int, os->h);
  g_autofree float *xa = g_new (float, (gsize) taps * os->w);
  g_autofree float *ya = g_new (float, (gsize) taps * os->h);
  cl_mem bufs[4] = { 0 };
  cl_kernel k = cubic ? p->k_interp_bicubic : p->k_interp_bilinear;
  gboolean ok = FALSE;

  if (cubic)
    {
      enlarge_cubic_coeffs (is->w, os->w, ip->align_corner, xo, xa);
      enlarge_cubic_coeffs (is->h, os->h, ip->align_corner, yo, ya);
    }
  else
    {
      enlarge_linear_coeffs (is->w, os->w, ip->align_corner, xo, xa);
      enlarge_linear_coeffs (is->h, os->h, ip->align_corner, yo, ya);
    }
  bufs[0] = upload_const (p, xo, sizeof (int) * os->w, error);
  bufs[1] = bufs[0] ? upload_const (p, xa, sizeof (float) * taps * os->w, error) : NULL;
  bufs[2] = bufs[1] ? upload_const (p, yo, sizeof (int) * os->h, error) : NULL;
  bufs[3] = bufs[2] ? upload_const (p, ya, sizeof (float) * taps * os->h, error) : NULL;
  if (bufs[3])
    {
      cl_int e = 0;
      e |= clSetKernelArg (k, 0, sizeof in, &in);
      e |= clSetKernelArg (k, 1, sizeof out, &out);
      e |= clSetKernelArg (k, 2, sizeof (cl_int), &os->c);
      e |= clSetKernelArg (k, 3, sizeof (cl_int), &is->h);
      e |= clSetKernelArg (k, 4, sizeof (cl_int), &is->w);
      e |= clSetKernelArg (k, 5, sizeof (cl_int), &os->h);
      e |= clSetKernelArg (k, 6, sizeof (cl_int), &os->w);
      for (int i = 0; i < 4; i++)
        e |= clSetKernelArg (k, 7 + i, sizeof (cl_mem), &bufs[i]);
      ok = cl_check (e, "clSetKernelArg", error) &&
           enqueue (p, k, 3, g, cubic ? "interp_bicubic" : "interp_bilinear", error);
    }
  /* the kernel still reads the coefficient buffers: the release is
   * deferred by OpenCL until it has run */
  for (int i = 0; i < 4; i++)
    if (bufs[i])
      clReleaseMemObject (bufs[i]);
  return ok;
}

static gboolean
cl_layer (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l,
          gpointer *in, const EnlargeShape *is, gpointer *out, const EnlargeShape *os,
          GError **error)
{
  ClPriv *p = self->priv;
  const cl_int n = os->c * os->h * os->w;
  size_t g1[1] = { (size_t) n };
  cl_mem o = out[0];

  switch (l->type)
    {
    case ENLARGE_OP_CONVOLUTION:
      return run_conv (self, net, l, (cl_mem *) in, &is[0], o, os, error);

    case ENLARGE_OP_PRELU:
      {
        cl_kernel k = p->k_prelu;
        cl_mem slope = upload_const (p, l->p.prelu.slope, sizeof (float) * l->p.prelu.num_slope, error);
        gboolean ok;
        if (slope == NULL)
          return FALSE;
        ok = clSetKernelArg (k, 0, sizeof (cl_mem), &in[0]) == CL_SUCCESS &&
             clSetKernelArg (k, 1, sizeof (cl_mem), &o) == CL_SUCCESS &&
             clSetKernelArg (k, 2, sizeof (cl_mem), &slope) == CL_SUCCESS &&
             clSetKernelArg (k, 3, sizeof (cl_int), &(cl_int) { is->h * is->w }) == CL_SUCCESS &&
             clSetKernelArg (k, 4, sizeof (cl_int), &l->p.prelu.num_slope) == CL_SUCCESS &&
             clSetKernelArg (k, 5, sizeof (cl_int), &n) == CL_SUCCESS;
        if (!ok)
          g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_OPENCL, "OpenCL: cannot set prelu arguments");
        else
          ok = enqueue (p, k, 1, g1, "prelu", error);
        clReleaseMemObject (slope);
        return ok;
      }

    case ENLARGE_OP_CONCAT:
      {
        /* the driver's own copy: a plain memcpy on CPU devices, a DMA on
         * GPUs — far faster than a copy kernel */
        size_t offset = 0;
        /* counted: tests check that the dense blocks copy nothing */
        count_launch (p, "concat_copy");
        for (int i = 0; i < l->n_inputs; i++)
          {
            size_t bytes = sizeof (float) * is[i].c * is[i].h * is[i].w;
            cl_int err = clEnqueueCopyBuffer (p->queue, in[i], o, 0, offset, bytes, 0, NULL, NULL);
            if (!cl_check (err, "clEnqueueCopyBuffer (concat)", error))
              return FALSE;
            offset += bytes;
          }
        return TRUE;
      }

    case ENLARGE_OP_ELTWISE:
      {
        const EnlargeEltwiseParams *e = &l->p.eltwise;
        cl_kernel k = p->k_eltwise2;
        for (int i = 1; i < l->n_inputs; i++)
          {
            cl_mem a = i == 1 ? in[0] : o;
            float ca = i == 1 && e->coeffs ? e->coeffs[0] : 1.f;
            float cb = e->coeffs ? e->coeffs[i] : 1.f;
            ARG (k, 0, a); ARG (k, 1, (cl_mem) in[i]); ARG (k, 2, o);
            ARG (k, 3, (cl_float) ca); ARG (k, 4, (cl_float) cb);
            ARG (k, 5, (cl_int) e->op); ARG (k, 6, n);
            if (!enqueue (p, k, 1, g1, "eltwise2", error))
              return FALSE;
          }
        return TRUE;
      }

    case ENLARGE_OP_PIXELSHUFFLE:
      {
        cl_kernel k = p->k_pixelshuffle;
        const int r = l->p.pixelshuffle.factor;
        size_t g[3] = { (size_t) (os->w / r + 7) / 8, os->h, os->c };
        ARG (k, 0, (cl_mem) in[0]); ARG (k, 1, o); ARG (k, 2, (cl_int) os->c);
        ARG (k, 3, (cl_int) os->h); ARG (k, 4, (cl_int) os->w);
        ARG (k, 5, (cl_int) l->p.pixelshuffle.factor);
        return enqueue (p, k, 3, g, "pixelshuffle", error);
      }

    case ENLARGE_OP_INTERP:
      return run_interp (p, &l->p.interp, in[0], &is[0], o, os, error);

    case ENLARGE_OP_BINARYOP:
      {
        const EnlargeBinaryParams *bp = &l->p.binary;
        cl_kernel k = p->k_binary;
        cl_int mode = bp->with_scalar ? 1
                      : (is[1].w == 1 && is[1].h == 1 && is[0].h * is[0].w != 1) ? 2 : 0;
        cl_mem b = bp->with_scalar ? in[0] : in[1];
        ARG (k, 0, (cl_mem) in[0]); ARG (k, 1, b); ARG (k, 2, o);
        ARG (k, 3, (cl_int) bp->op); ARG (k, 4, mode); ARG (k, 5, (cl_float) bp->b);
        ARG (k, 6, (cl_int) (is[0].h * is[0].w)); ARG (k, 7, n);
        return enqueue (p, k, 1, g1, "binary_op", error);
      }

    case ENLARGE_OP_INPUT:
    case ENLARGE_OP_SPLIT:
    default:
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                   "layer %s: no OpenCL implementation", l->name);
      return FALSE;
    }
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

static char *
load_kernel_source (GError **error)
{
  /* the fused Winograd files are templates: 16 lanes, then 8 */
  static const struct { const char *file, *prefix; } files[] = {
    { "ops.cl", "" }, { "conv.cl", "" }, { "winograd.cl", "" },
    { "winograd-fused.cl", "" }, { "winograd-fused.cl", "#define WF_W 8\n" },
    { "winograd63-fused.cl", "" }, { "winograd63-fused.cl", "#define W6_W 8\n" },
  };
  GString *src = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_strconcat ("kernels/", files[i].file, NULL);
      g_autoptr (GBytes) bytes = enlarge_engine_lookup (path, error);
      if (bytes == NULL)
        {
          g_string_free (src, TRUE);
          return NULL;
        }
      g_string_append_printf (src, "%s#line 1 \"%s\"\n", files[i].prefix, files[i].file);
      g_string_append_len (src, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_string_append_c (src, '\n');
    }
  return g_string_free (src, FALSE);
}

/* ---------- compiled-program cache ----------
 * A file is "ENLK", a format version, the payload length, the payload's
 * SHA-256 and the payload (the program binary). Anything that does not
 * check out is rebuilt from source, never trusted. */

#define CACHE_MAGIC "ENLK"
#define CACHE_VERSION 1
#define CACHE_HEADER (4 + 4 + 8 + 32)

static char *
cache_file (EnlargeBackend *self, const char *source, const char *options)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  const char *dir = g_getenv ("ENLARGE_KERNEL_CACHE");
  g_autofree char *default_dir = NULL;

  g_checksum_update (sum, (const guchar *) source, -1);
  g_checksum_update (sum, (const guchar *) options, -1);
  g_checksum_update (sum, (const guchar *) self->device->name, -1);
  g_checksum_update (sum, (const guchar *) self->device->platform, -1);
  g_checksum_update (sum, (const guchar *) self->device->driver, -1);
  if (dir == NULL || *dir == '\0')
    dir = default_dir = g_build_filename (g_get_user_cache_dir (), "enlarge", "kernels", NULL);
  return g_strdup_printf ("%s/%s.bin", dir, g_checksum_get_string (sum));
}

static GBytes *
cache_read (const char *path)
{
  g_autofree char *data = NULL;
  gsize len;
  guint32 version;
  guint64 payload;
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  if (!g_file_get_contents (path, &data, &len, NULL) || len < CACHE_HEADER ||
      memcmp (data, CACHE_MAGIC, 4) != 0)
    return NULL;
  memcpy (&version, data + 4, 4);
  memcpy (&payload, data + 8, 8);
  if (version != CACHE_VERSION || payload != len - CACHE_HEADER)
    return NULL;
  g_checksum_update (sum, (const guchar *) data + CACHE_HEADER, (gssize) payload);
  g_checksum_get_digest (sum, digest, &digest_len);
  if (memcmp (digest, data + 16, 32) != 0)
    return NULL;
  return g_bytes_new (data + CACHE_HEADER, payload);
}

static void
cache_write (const char *path, const guint8 *bin, gsize len)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *data = g_malloc (CACHE_HEADER + len);
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint32 version = CACHE_VERSION;
  guint64 payload = len;
  gsize digest_len = 32;
  g_autoptr (GError) error = NULL;

  memcpy (data, CACHE_MAGIC, 4);
  memcpy (data + 4, &version, 4);
  memcpy (data + 8, &payload, 8);
  g_checksum_update (sum, bin, (gssize) len);
  g_checksum_get_digest (sum, (guint8 *) data + 16, &digest_len);
  memcpy (data + CACHE_HEADER, bin, len);
  /* a cache that cannot be written only costs time later */
  if (g_mkdir_with_parents (dir, 0755) != 0 ||
      !g_file_set_contents (path, data, (gssize) (CACHE_HEADER + len), &error))
    g_debug ("Cannot store compiled kernels in %s: %s", path,
             error ? error->message : g_strerror (errno));
}

/* The binary of a built program, to store. */
static GBytes *
program_binary (ClPriv *p)
{
  size_t size = 0;
  guint8 *bin;

  if (clGetProgramInfo (p->program, CL_PROGRAM_BINARY_SIZES, sizeof size, &size, NULL) != CL_SUCCESS ||
      size == 0)
    return NULL;
  bin = g_malloc (size);
  if (clGetProgramInfo (p->program, CL_PROGRAM_BINARIES, sizeof bin, &bin, NULL) != CL_SUCCESS)
    {
      g_free (bin);
      return NULL;
    }
  return g_bytes_new_take (bin, size);
}

static gboolean
build_from_binary (EnlargeBackend *self, GBytes *binary, const char *options)
{
  ClPriv *p = self->priv;
  const unsigned char *data = g_bytes_get_data (binary, NULL);
  size_t len = g_bytes_get_size (binary);
  cl_int status = CL_SUCCESS, err;

  p->program = clCreateProgramWithBinary (p->context, 1, &p->device, &len, &data, &status, &err);
  if (err == CL_SUCCESS && status == CL_SUCCESS &&
      clBuildProgram (p->program, 1, &p->device, options, NULL, NULL) == CL_SUCCESS)
    return TRUE;
  if (p->program)
    clReleaseProgram (p->program);
  p->program = NULL;
  return FALSE;
}

static gboolean
build_program (EnlargeBackend *self, GError **error)
{
  ClPriv *p = self->priv;
  g_autofree char *source = load_kernel_source (error);
  g_autofree char *options =
    g_strconcat ("-cl-std=CL1.2", p->wino_half ? " -DWINO_HALF" : "",
                 self->device->kind == ENLARGE_DEVICE_CPU ? " -DENLARGE_CPU" : "", NULL);
  g_autofree char *cache = NULL;
  g_autoptr (GBytes) cached = NULL;
  cl_int err;

  if (source == NULL)
    return FALSE;
  cache = cache_file (self, source, options);
  if (g_file_test (cache, G_FILE_TEST_EXISTS))
    {
      cached = cache_read (cache);
      if (cached != NULL && build_from_binary (self, cached, options))
        self->kernel_source = ENLARGE_KERNELS_CACHED;
      else
        {
          g_info ("The cached kernels in %s are damaged or refused; rebuilding", cache);
          g_unlink (cache);
          self->kernel_source = ENLARGE_KERNELS_REBUILT;
        }
    }
  else
    self->kernel_source = ENLARGE_KERNELS_BUILT;

  if (p->program == NULL)
    {
      p->program = clCreateProgramWithSource (p->context, 1, (const char **) &source, NULL, &err);
      if (!cl_check (err, "clCreateProgramWithSource", error))
        return FALSE;
      err = clBuildProgram (p->program, 1, &p->device, options, NULL, NULL);
      if (err != CL_SUCCESS)
        {
          size_t len = 0;
          g_autofree char *log = NULL;
          clGetProgramBuildInfo (p->program, p->device, CL_PROGRAM_BUILD_LOG, 0, NULL, &len);
          log = g_malloc0 (len + 1);
          clGetProgramBuildInfo (p->program, p->device, CL_PROGRAM_BUILD_LOG, len, log, NULL);
          g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_OPENCL,
                       "OpenCL: building the kernels for %s failed (%s):\n%s",
                       self->device->name, cl_error_name (err), log);
          return FALSE;
        }
      {
        g_autoptr (GBytes) bin = program_binary (p);
        if (bin != NULL)
          cache_write (cache, g_bytes_get_data (bin, NULL), g_bytes_get_size (bin));
      }
    }

  struct { cl_kernel *k; const char *name; } kernels[] = {
    { &p->k_conv_generic, "conv_generic" },
    { &p->k_conv3x3, "conv3x3_b8" },
    { &p->k_prelu, "prelu" },
    { &p->k_eltwise2, "eltwise2" },
    { &p->k_pixelshuffle, "pixelshuffle" },
    { &p->k_interp_nearest, "interp_nearest" },
    { &p->k_interp_nearest_pow2, "interp_nearest_pow2" },
    { &p->k_interp_bilinear, "interp_bilinear" },
    { &p->k_interp_bicubic, "interp_bicubic" },
    { &p->k_binary, "binary_op" },
    { &p->k_wino_input, "wino_input" },
    { &p->k_wino_gemm, "wino_gemm" },
    { &p->k_wino_output, "wino_output" },
    { &p->k_wino_fused, "wino_fused" },
    { &p->k_wino_fused8, "wino_fused8" },
    { &p->k_wino63_fused, "wino63_fused" },
    { &p->k_wino63_fused8, "wino63_fused8" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (kernels); i++)
    {
      *kernels[i].k = clCreateKernel (p->program, kernels[i].name, &err);
      if (!cl_check (err, kernels[i].name, error))
        return FALSE;
    }
  return TRUE;
}

EnlargeBackend *
enlarge_cl_backend_new (const EnlargeDeviceInfo *device, GError **error)
{
  FindDevice f = { device->id, NULL, NULL };
  g_autoptr (EnlargeBackend) self = NULL;
  EnlargeDeviceInfo *info;
  ClPriv *p;
  cl_int err;

  foreach_device (find_device, &f);
  if (f.device == NULL)
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
  self = enlarge_backend_alloc (&cl_vtable, info);
  p = self->priv = g_new0 (ClPriv, 1);
  p->platform = f.platform;
  p->device = f.device;
  p->weights = g_hash_table_new_full (NULL, NULL, NULL, conv_weights_free);
  p->nets = g_ptr_array_new_with_free_func ((GDestroyNotify) enlarge_net_unref);
  g_queue_init (&p->pool);
  p->launches = self->launches;
  p->winograd = g_getenv ("ENLARGE_NO_WINOGRAD") == NULL;
  p->wino_fused = device->kind == ENLARGE_DEVICE_CPU &&
                  g_strcmp0 (g_getenv ("ENLARGE_WINOGRAD"), "split") != 0;
  p->wino6 = p->wino_fused && g_strcmp0 (g_getenv ("ENLARGE_WINOGRAD"), "f4") != 0;
  clGetDeviceInfo (f.device, CL_DEVICE_LOCAL_MEM_SIZE, sizeof p->local_mem, &p->local_mem, NULL);
  {
    const char *fp16 = g_getenv ("ENLARGE_FP16");
    p->wino_half = fp16 != NULL ? g_str_equal (fp16, "1") : device->kind == ENLARGE_DEVICE_GPU;
  }
  {
    cl_uint bits = 0;
    if (clGetDeviceInfo (f.device, CL_DEVICE_MEM_BASE_ADDR_ALIGN, sizeof bits, &bits, NULL) ==
          CL_SUCCESS && bits >= 8)
      self->view_align = bits / 8;
  }

  cl_context_properties props[] = { CL_CONTEXT_PLATFORM, (cl_context_properties) f.platform, 0 };
  p->context = clCreateContext (props, 1, &f.device, NULL, NULL, &err);
  if (!cl_check (err, "clCreateContext", error))
    return NULL;
  p->queue = clCreateCommandQueue (p->context, f.device, 0, &err);
  if (!cl_check (err, "clCreateCommandQueue", error))
    return NULL;
  if (!build_program (self, error))
    return NULL;
  return g_steal_pointer (&self);
}
