#pragma once

/* Internal to the OpenCL backend: its state and the helpers its files
 * share. The backend core knows none of this; it reaches the backend
 * through its vtable and the entry points in enlarge-backend-private.h. */

#include <CL/cl.h>

#include "enlarge-backend-private.h"
#include "enlarge-cl-op.h"
#include "enlarge-conv-plan.h"
#include "enlarge-error.h"

G_BEGIN_DECLS

typedef struct {
  cl_platform_id platform;
  cl_device_id device;
  cl_context context;
  cl_command_queue queue;
  cl_program program;
  GHashTable *kernels;    /* kernel name → cl_kernel, every kernel of the program */
  GHashTable *ops;        /* op name → EnlargeClOp */
  /* what the plans are made for: the device's kind and local memory
   * (after the options' cap), the Winograd mode, half storage */
  EnlargeClCaps caps;
  GHashTable *launches;   /* the backend's launch counts */
  /* Freed activation buffers by size, for reuse: tiles of one job
   * allocate the same sizes again and again, and fresh buffers cost page
   * faults and zeroing on CPU devices (concat copies ran 100× slower) */
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

#define ARG(k, i, v)                                                        \
  G_STMT_START {                                                            \
    __typeof__ (v) _v = (v);                                                \
    cl_int _e = clSetKernelArg ((k), (i), sizeof _v, &_v);                  \
    if (!cl_check (_e, "clSetKernelArg", error))                            \
      return FALSE;                                                         \
  } G_STMT_END

/* enlarge-cl-device.c */
gboolean cl_check (cl_int err, const char *what, GError **error);
const char *cl_error_name (cl_int err);
gboolean enlarge_cl_find_device (const char *id, cl_platform_id *platform, cl_device_id *device);

/* enlarge-cl-memory.c */
gpointer cl_buffer_new (EnlargeBackend *self, const EnlargeShape *s, GError **error);
void     cl_buffer_free (EnlargeBackend *self, gpointer buffer);
gpointer cl_buffer_view (EnlargeBackend *self, gpointer parent, gsize offset,
                         const EnlargeShape *s, GError **error);
void     cl_view_free (EnlargeBackend *self, gpointer view);
gboolean cl_upload (EnlargeBackend *self, gpointer buffer, const EnlargeTensor *t, GError **error);
gboolean cl_download (EnlargeBackend *self, gpointer buffer, EnlargeTensor *t, GError **error);
void     pool_drain (ClPriv *p);
cl_mem   upload_const (ClPriv *p, const void *data, gsize bytes, GError **error);
cl_mem   scratch (ClPriv *p, cl_mem *buf, gsize *size, gsize bytes, GError **error);
void     count_launch (ClPriv *p, const char *name);
cl_kernel cl_kernel_get (ClPriv *p, const char *name);
gboolean enqueue_local (ClPriv *p, cl_kernel k, int dims, const size_t *global,
                        const size_t *local, const char *name, GError **error);
gboolean enqueue (ClPriv *p, cl_kernel k, int dims, const size_t *global, const char *name,
                  GError **error);

/* enlarge-cl-program.c: with the sources of @ops' kernels */
gboolean enlarge_cl_build_program (EnlargeBackend *self, const char *cache_dir, GHashTable *ops,
                                   GError **error);

/* enlarge-cl-op-table.c */
GHashTable *enlarge_cl_op_table_new (const EnlargeClOp * const *extra);

/* enlarge-cl-conv.c */
void     conv_weights_free (gpointer data);

/* enlarge-cl-op-interp.c: also for the convolution's folded upsampling */
gboolean run_interp (ClPriv *p, const EnlargeInterpParams *ip, cl_mem in, const EnlargeShape *is,
                     cl_mem out, const EnlargeShape *os, GError **error);

G_END_DECLS
