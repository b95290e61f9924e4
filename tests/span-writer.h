#pragma once

#include "weights-writer.h"

G_BEGIN_DECLS

typedef struct {
  int nf, scale;
  gboolean eval_only;   /* only eval_conv in each Conv3XC, no branches */
  gboolean no_norm;
  gboolean zip;         /* .pth zip, else .safetensors */
} SpanCase;

/* SPAN's state dict for @sc with random weights from @seed: conv_1,
 * block_1…6 of three Conv3XC each (with their branches, or only
 * eval_conv), conv_cat, conv_2, upsampler.0, and no_norm when asked. */
WwDict *span_dict (const SpanCase *sc, guint32 seed);

G_END_DECLS
