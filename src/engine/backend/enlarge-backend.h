#pragma once

#include <gio/gio.h>
#include "enlarge-net.h"
#include "enlarge-backend-options.h"

G_BEGIN_DECLS

typedef enum {
  ENLARGE_DEVICE_REFERENCE, /* the plain C path: always there */
  ENLARGE_DEVICE_CPU,
  ENLARGE_DEVICE_GPU,
  ENLARGE_DEVICE_ACCELERATOR,
} EnlargeDeviceKind;

typedef struct {
  char *id;          /* "reference", or "cl:P:D" for OpenCL platform P, device D */
  char *name;
  char *platform;
  char *driver;
  EnlargeDeviceKind kind;
  guint64 global_mem;
  guint64 max_alloc;
  int compute_units;
  guint64 local_mem; /* per work-group; 0 on the reference path */
  int vector_width;  /* preferred float vector width; 0 on the reference path */
} EnlargeDeviceInfo;

void enlarge_device_info_free (EnlargeDeviceInfo *info);

/* Every usable device, best first (GPUs, then accelerators, then CPUs, then
 * the reference path, which is always last and always present). An OpenCL
 * installation without platforms just yields the reference entry. */
GPtrArray *enlarge_device_list (void);

/* Human kind name: "GPU", "CPU", "reference". */
const char *enlarge_device_kind_to_string (EnlargeDeviceKind kind);

typedef struct _EnlargeBackend EnlargeBackend;

/* @spec: NULL or "auto" = the best device, "reference" = the plain C path,
 * "cpu" / "gpu" = the first OpenCL device of that kind, an index into
 * enlarge_device_list() as decimal, or a device id. With "auto", an OpenCL
 * device that cannot be opened falls back to the reference path with a
 * warning; an explicitly named device that fails is an error. */
EnlargeBackend *enlarge_backend_new (const char *spec, GError **error);
/* the same with @options (NULL: the defaults) */
EnlargeBackend *enlarge_backend_new_full (const char *spec, const EnlargeBackendOptions *options,
                                          GError **error);
EnlargeBackend *enlarge_backend_new_reference (void);

EnlargeBackend *enlarge_backend_ref (EnlargeBackend *backend);
void            enlarge_backend_unref (EnlargeBackend *backend);

const EnlargeDeviceInfo *enlarge_backend_get_device (EnlargeBackend *backend);
gboolean enlarge_backend_is_reference (EnlargeBackend *backend);

/* Runs the whole network on @input (planar RGB, values 0..1) and returns
 * its output blob. Checks @cancellable between layers. */
EnlargeTensor *enlarge_backend_run (EnlargeBackend *backend,
                                    EnlargeNet     *net,
                                    const EnlargeTensor *input,
                                    GCancellable   *cancellable,
                                    GError        **error);

/* The same, with the outputs of some layers given instead of computed
 * (@fixed: NULL or one entry per layer, NULL = run the layer; Real-CUGAN's
 * whole-image means), running only as far as blob @out_blob (-1: the
 * network's output), which it returns. No tail strips. */
EnlargeTensor *enlarge_backend_run_partial (EnlargeBackend      *backend,
                                            EnlargeNet          *net,
                                            const EnlargeTensor *input,
                                            EnlargeTensor * const *fixed,
                                            int                  out_blob,
                                            GCancellable        *cancellable,
                                            GError             **error);

/* Runs one layer on host tensors (tests compare backends op by op). */
gboolean enlarge_backend_run_layer (EnlargeBackend      *backend,
                                    const EnlargeLayer  *layer,
                                    EnlargeTensor      **inputs,
                                    EnlargeTensor      **outputs,
                                    GError             **error);

/* Where the compiled OpenCL program came from: the kernels are compiled
 * once per source, options, device and driver and the binary is kept in
 * $XDG_CACHE_HOME/enlarge/kernels (EnlargeBackendOptions.kernel_cache_dir
 * overrides). */
typedef enum {
  ENLARGE_KERNELS_NONE,     /* the reference path: nothing to compile */
  ENLARGE_KERNELS_BUILT,    /* compiled from source (and stored) */
  ENLARGE_KERNELS_CACHED,   /* loaded from the cache */
  ENLARGE_KERNELS_REBUILT,  /* the cached binary was damaged or refused:
                               compiled again and replaced */
} EnlargeKernelSource;

EnlargeKernelSource enlarge_backend_get_kernel_source (EnlargeBackend *backend);

/* How often the OpenCL kernel @kernel ("wino_fused", "wino_gemm", …) was
 * launched: tests check that the kernels of a plan ran. */
guint enlarge_backend_get_launches (EnlargeBackend *backend, const char *kernel);

/* Bytes of device memory a tile may use (for the automatic tile size);
 * tests lower it to force the allocation-failure path. 0 = from device. */
void    enlarge_backend_set_memory_budget (EnlargeBackend *backend, guint64 bytes);
guint64 enlarge_backend_get_memory_budget (EnlargeBackend *backend);
/* The width, in pixels, a layer's rows are computed in blocks of (1: any):
 * tiles whose widths are multiples of it waste nothing on partial blocks */
int enlarge_backend_get_width_block (EnlargeBackend *backend);

/* For a program's main(): large allocations (activations, images) get
 * pages of their own that go back to the system when freed, instead of
 * fragments of the heap that stay resident (realesrgan-x4plus, 512² in
 * tiles: 1213 MiB peak resident otherwise, 1037 with this). */
void enlarge_tune_malloc (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlargeBackend, enlarge_backend_unref)

G_END_DECLS
