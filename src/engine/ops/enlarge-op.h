#pragma once

/* A layer type is one op module: its parameters read from the model file,
 * its output shape and its plain C reference, in one file of ops/, with
 * one entry in enlarge-op-table.c. Each backend adds one dispatch for it
 * (the OpenCL backend: backend/opencl/enlarge-cl-op-*.c). Nothing else
 * learns its name.
 *
 * Built-in ops keep their parameters in EnlargeLayer.p; others in
 * EnlargeLayer.data (allocated by their load, freed by their clear). */

#include "enlarge-net.h"

G_BEGIN_DECLS

/* One layer's line of an ncnn .param file and its part of the .bin */
typedef struct _EnlargeOpLoader EnlargeOpLoader;

struct _EnlargeOp {
  const char *name;        /* the ncnn layer type */
  EnlargeOpType type;      /* built-ins: their own; others ENLARGE_OP_OTHER */
  int n_inputs;            /* inputs a layer takes; -1: load checks */
  gboolean many_outputs;   /* one or more outputs (Split); else exactly one */
  /* NULL: no parameters */
  gboolean (*load)      (EnlargeLayer *l, const EnlargeOpLoader *ld, GError **error);
  void     (*clear)     (EnlargeLayer *l);
  gboolean (*shape)     (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out,
                         GError **error);
  /* @out holds tensors of the shapes of shape() */
  gboolean (*reference) (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out,
                         GError **error);
  /* how far (in pixels of the blob it reads, whose resolution is @sc_in
   * times the input's; @sc_out for its output) an output pixel sees: the
   * receptive field; NULL: 0 */
  double   (*reach)     (const EnlargeLayer *l, double sc_in, double sc_out);
  /* the result depends on where the blob's origin lies modulo this many
   * of its pixels (attention windows): the tiler starts tiles on that
   * grid; NULL: 1 */
  int      (*grid)      (const EnlargeLayer *l);
};

/* The built-in op called @name, else the one in @extra (NULL-terminated,
 * may be NULL); NULL when none is. */
const EnlargeOp *enlarge_op_lookup (const char *name, const EnlargeOp * const *extra);

/* The parameters of the layer's line, ncnn's id=value pairs */
int          enlarge_op_loader_int (const EnlargeOpLoader *ld, int id, int def);
float        enlarge_op_loader_float (const EnlargeOpLoader *ld, int id, float def);
/* an array parameter (id=-23300-…), NULL when absent */
const float *enlarge_op_loader_array (const EnlargeOpLoader *ld, int id, int *n);
/* @count weights from the .bin: a tagged block (fp32 or fp16), or raw fp32 */
float       *enlarge_op_loader_weights (const EnlargeOpLoader *ld, const EnlargeLayer *l,
                                        int count, GError **error);
float       *enlarge_op_loader_raw (const EnlargeOpLoader *ld, const EnlargeLayer *l, int count,
                                    const char *what, GError **error);
/* sets an error naming the file, line and layer; returns FALSE */
gboolean     enlarge_op_loader_fail (const EnlargeOpLoader *ld, const EnlargeLayer *l,
                                     GError **error, int code, const char *format, ...)
                                     G_GNUC_PRINTF (5, 6);
/* a shape error naming the layer; returns FALSE */
gboolean     enlarge_op_shape_fail (const EnlargeLayer *l, GError **error,
                                    const char *format, ...) G_GNUC_PRINTF (3, 4);

extern const EnlargeOp enlarge_op_input;
extern const EnlargeOp enlarge_op_split;
extern const EnlargeOp enlarge_op_convolution;
extern const EnlargeOp enlarge_op_prelu;
extern const EnlargeOp enlarge_op_concat;
extern const EnlargeOp enlarge_op_eltwise;
extern const EnlargeOp enlarge_op_pixelshuffle;
extern const EnlargeOp enlarge_op_interp;
extern const EnlargeOp enlarge_op_binaryop;
extern const EnlargeOp enlarge_op_pixelunshuffle;
extern const EnlargeOp enlarge_op_crop;
extern const EnlargeOp enlarge_op_deconvolution;
extern const EnlargeOp enlarge_op_innerproduct;
extern const EnlargeOp enlarge_op_pooling;
extern const EnlargeOp enlarge_op_sigmoid;
extern const EnlargeOp enlarge_op_layernorm;
extern const EnlargeOp enlarge_op_gelu;
extern const EnlargeOp enlarge_op_window_attention;
extern const EnlargeOp enlarge_op_pad_multiple;
extern const EnlargeOp enlarge_op_crop_like;

G_END_DECLS
