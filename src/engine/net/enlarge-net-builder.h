#pragma once

/* Networks built in code rather than read from an ncnn file: the
 * importers of PyTorch checkpoints add layers one by one over blob
 * indices, and enlarge_net_builder_finish() turns them into the graph the
 * ncnn loader makes of the same network — a Split wherever a blob has
 * several readers (as ncnn's converter writes them), then the loader's
 * own analysis (output, channels, scale, receptive field) and fusion
 * passes — so the executor, the tiler and the kernels cannot tell an
 * imported model from a converted one. */

#include "enlarge-net.h"
#include "enlarge-op.h"

G_BEGIN_DECLS

typedef struct _EnlargeNetBuilder EnlargeNetBuilder;

EnlargeNetBuilder *enlarge_net_builder_new (void);
void               enlarge_net_builder_free (EnlargeNetBuilder *builder);

/* The Input layer; its blob. Once, first. */
int enlarge_net_builder_input (EnlargeNetBuilder *builder);

/* A layer of @op reading the @n_inputs blobs @inputs, with one new output
 * blob (stored in @output). The layer is returned for its parameters
 * (EnlargeLayer.p, owned by the layer from then on); the pointer is valid
 * until the next layer is added. */
EnlargeLayer *enlarge_net_builder_add (EnlargeNetBuilder *builder, const EnlargeOp *op,
                                       const char *name, int n_inputs, const int *inputs,
                                       int *output);

/* The common layers; each takes ownership of the arrays it is given and
 * returns its output blob. */
int enlarge_net_builder_conv (EnlargeNetBuilder *builder, const char *name, int input,
                              int num_output, int num_input, int kernel, float *weight,
                              float *bias, EnlargeActivation activation, float slope);
int enlarge_net_builder_prelu (EnlargeNetBuilder *builder, const char *name, int input,
                               int num_slope, float *slope);
int enlarge_net_builder_concat (EnlargeNetBuilder *builder, const char *name, int n_inputs,
                                const int *inputs);
/* ca · a + cb · b */
int enlarge_net_builder_sum (EnlargeNetBuilder *builder, const char *name, int a, int b,
                             float ca, float cb);
/* a + b, ncnn's BinaryOp add (as the converters write a plain +) */
int enlarge_net_builder_add_blobs (EnlargeNetBuilder *builder, const char *name, int a, int b);
/* a @op b, both blobs of one shape (ncnn's BinaryOp) */
int enlarge_net_builder_binary (EnlargeNetBuilder *builder, const char *name, int a, int b,
                                EnlargeBinaryOp op);
/* a @op @value */
int enlarge_net_builder_binary_scalar (EnlargeNetBuilder *builder, const char *name, int a,
                                       EnlargeBinaryOp op, float value);
int enlarge_net_builder_upsample (EnlargeNetBuilder *builder, const char *name, int input,
                                  int factor);
int enlarge_net_builder_pixelshuffle (EnlargeNetBuilder *builder, const char *name, int input,
                                      int factor);
int enlarge_net_builder_pixelunshuffle (EnlargeNetBuilder *builder, const char *name, int input,
                                        int factor);

/* The network (the builder is spent either way); an error names @name
 * when the graph does not run on a small RGB input. */
EnlargeNet *enlarge_net_builder_finish (EnlargeNetBuilder *builder, const char *name,
                                        GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlargeNetBuilder, enlarge_net_builder_free)

G_END_DECLS
