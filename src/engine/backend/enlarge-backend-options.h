#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How a backend is configured: everything that used to come from
 * environment variables. The engine reads none; programs fill this from
 * their command line or (src/common/enlarge-environment.c) from the
 * documented ENLARGE_* variables. */

typedef enum {
  ENLARGE_WINOGRAD_AUTO,   /* the fused CPU kernels on CPUs, three kernels on GPUs */
  ENLARGE_WINOGRAD_OFF,    /* every 3×3 layer on the direct kernels */
  ENLARGE_WINOGRAD_SPLIT,  /* the GPUs' three-kernel path, whatever the device */
  ENLARGE_WINOGRAD_F4,     /* the fused kernels without F(6×6, 3×3) */
} EnlargeWinogradMode;

typedef enum {
  ENLARGE_FP16_AUTO,  /* half storage of the three-kernel path on GPUs only */
  ENLARGE_FP16_OFF,
  ENLARGE_FP16_ON,
} EnlargeFp16Mode;

typedef enum {
  ENLARGE_PROFILE_NONE,
  ENLARGE_PROFILE_OPS,     /* time per op type, one line a run */
  ENLARGE_PROFILE_LAYERS,  /* and every convolution's */
} EnlargeProfileMode;

/* an OpenCL dispatch of an op from outside the engine (opencl/enlarge-cl-op.h) */
typedef struct _EnlargeClOp EnlargeClOp;

typedef struct {
  EnlargeWinogradMode winograd;
  EnlargeFp16Mode fp16;
  /* at most this much local memory is planned with (0: what the device
   * reports): how tests and users give a device the caps of another */
  guint64 local_mem_cap;
  EnlargeProfileMode profile;
  /* strip height of an upsampling tail; 0: no strips, -1: the default */
  int tail_rows;
  /* where compiled kernels are kept; NULL: $XDG_CACHE_HOME/enlarge/kernels */
  const char *kernel_cache_dir;
  /* OpenCL dispatches of ops besides the built-in ones (NULL-terminated) */
  const EnlargeClOp * const *extra_cl_ops;
  /* plan and launch as on a device of this kind (an EnlargeDeviceKind;
   * 0: the kind the device reports), like local_mem_cap: oclgrind, which
   * reports every type, runs the CPU kernels so (tests/test-oclgrind.c).
   * The kernels are still built for the device's own kind. */
  int plan_kind;
  /* plan with this preferred float vector width and this many compute
   * units (0: what the device reports), like local_mem_cap */
  int vector_width;
  int compute_units;
} EnlargeBackendOptions;

#define ENLARGE_BACKEND_OPTIONS_INIT \
  ((EnlargeBackendOptions) { ENLARGE_WINOGRAD_AUTO, ENLARGE_FP16_AUTO, 0, ENLARGE_PROFILE_NONE, -1, NULL, NULL, 0, 0, 0 })

G_END_DECLS
