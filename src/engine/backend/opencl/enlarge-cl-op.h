#pragma once

/* One OpenCL dispatch per op module (ops/enlarge-op.h), found by the op's
 * name: enlarge-cl-op-table.c lists the built-in ones; a program or a
 * test adds its own through EnlargeBackendOptions.extra_cl_ops, with the
 * OpenCL C of its kernels, which is built into the backend's program. */

#include <CL/cl.h>

#include "enlarge-backend.h"

G_BEGIN_DECLS

struct _EnlargeClOp {
  const char *op;          /* the op module's name */
  const char *source;      /* OpenCL C of its kernels; NULL: in kernels/ */
  /* one layer: @in its inputs, @out its outputs, on the backend's queue */
  gboolean (*run) (EnlargeBackend *self, EnlargeNet *net, const EnlargeLayer *l, cl_mem *in,
                   const EnlargeShape *is, cl_mem *out, const EnlargeShape *os,
                   GError **error);
};

/* For dispatches outside the backend: a kernel of the program by name
 * (NULL when there is none), and a launch of it over @global (counted
 * under @name, see enlarge_backend_get_launches) */
cl_kernel enlarge_cl_kernel (EnlargeBackend *backend, const char *name);
gboolean  enlarge_cl_launch (EnlargeBackend *backend, cl_kernel kernel, int dims,
                             const size_t *global, const char *name, GError **error);

extern const EnlargeClOp enlarge_cl_op_convolution;
extern const EnlargeClOp enlarge_cl_op_prelu;
extern const EnlargeClOp enlarge_cl_op_concat;
extern const EnlargeClOp enlarge_cl_op_eltwise;
extern const EnlargeClOp enlarge_cl_op_pixelshuffle;
extern const EnlargeClOp enlarge_cl_op_interp;
extern const EnlargeClOp enlarge_cl_op_binaryop;
extern const EnlargeClOp enlarge_cl_op_pixelunshuffle;
extern const EnlargeClOp enlarge_cl_op_crop;
extern const EnlargeClOp enlarge_cl_op_deconvolution;
extern const EnlargeClOp enlarge_cl_op_innerproduct;
extern const EnlargeClOp enlarge_cl_op_pooling;
extern const EnlargeClOp enlarge_cl_op_sigmoid;
extern const EnlargeClOp enlarge_cl_op_layernorm;
extern const EnlargeClOp enlarge_cl_op_gelu;
extern const EnlargeClOp enlarge_cl_op_window_attention;
extern const EnlargeClOp enlarge_cl_op_pad_multiple;
extern const EnlargeClOp enlarge_cl_op_crop_like;

G_END_DECLS
