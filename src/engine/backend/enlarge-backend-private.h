#pragma once

/* Internal: a backend is a table of functions over opaque device buffers;
 * the executor in enlarge-backend.c walks the graph with it. */

#include "enlarge-backend.h"

G_BEGIN_DECLS

typedef struct {
  const char *name;
  void     (*finalize)   (EnlargeBackend *self);
  gpointer (*buffer_new) (EnlargeBackend *self, const EnlargeShape *shape, GError **error);
  void     (*buffer_free)(EnlargeBackend *self, gpointer buffer);
  gboolean (*upload)     (EnlargeBackend *self, gpointer buffer, const EnlargeTensor *t, GError **error);
  gboolean (*download)   (EnlargeBackend *self, gpointer buffer, EnlargeTensor *t, GError **error);
  /* @net is NULL for a one-off layer (no weight caching) */
  gboolean (*layer)      (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *layer,
                          gpointer *in, const EnlargeShape *in_shapes,
                          gpointer *out, const EnlargeShape *out_shapes, GError **error);
  /* waits for queued work, so cancellation is checked at a real point */
  gboolean (*finish)     (EnlargeBackend *self, GError **error);
  /* a buffer of @shape inside @parent from byte @offset (a multiple of
   * view_align), which layers read and write like any other; released
   * with view_free before its parent */
  gpointer (*buffer_view)(EnlargeBackend *self, gpointer parent, gsize offset,
                          const EnlargeShape *shape, GError **error);
  void     (*view_free)  (EnlargeBackend *self, gpointer view);
} EnlargeBackendVTable;

struct _EnlargeBackend {
  gint ref_count;
  const EnlargeBackendVTable *vt;
  EnlargeDeviceInfo *device;
  guint64 memory_budget;
  EnlargeKernelSource kernel_source;
  gsize view_align;     /* byte alignment of a view's offset (0: no views) */
  EnlargeProfileMode profile; /* time each layer (and print each convolution's) */
  int tail_rows;        /* strip height of an upsampling tail; 0: no strips */
  int width_block;      /* the row width its kernels work in (1: any) */
  GHashTable *launches; /* kernel name (static string) → launches */
  GMutex lock;   /* one job at a time on a device */
  gpointer priv;
};

EnlargeBackend *enlarge_backend_alloc (const EnlargeBackendVTable *vt, EnlargeDeviceInfo *device,
                                       const EnlargeBackendOptions *options);

/* The backends' entry points, called by the registry only. */
EnlargeDeviceInfo *enlarge_reference_device_info (void);
EnlargeBackend *enlarge_reference_backend_new (const EnlargeBackendOptions *options);
GPtrArray *enlarge_cl_list_devices (void);
EnlargeBackend *enlarge_cl_backend_new (const EnlargeDeviceInfo *device,
                                        const EnlargeBackendOptions *options, GError **error);

G_END_DECLS
