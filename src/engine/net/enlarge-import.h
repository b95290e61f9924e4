#pragma once

/* Networks from PyTorch state dicts: the architecture is recognised from
 * the tensors' names and shapes (the way spandrel does it), and the
 * network built layer by layer into the same graph the ncnn loader makes
 * of the official conversion of that architecture.
 *
 * Supported: ESRGAN (RRDBNet) in its three key layouts — the original
 * ("old", model.0 / model.1.sub.N.RDB1…), basicsr's ("new", conv_first /
 * body.N.rdb1…) and BSRGAN/RealSR's (RRDB_trunk.N.RDB1…) — with any
 * block count, width, growth, number of 2× upsamplings and the
 * pixel-unshuffle input of the 1× and 2× models; and Compact
 * (SRVGGNetCompact, body.N, PReLU) with any conv count and scale; and
 * SPAN (conv_1, block_1…6, conv_cat, conv_2, upsampler) with any width
 * and scale, its Conv3XC blocks fused into one 3×3 convolution each. */

#include "enlarge-net.h"
#include "enlarge-weights.h"

G_BEGIN_DECLS

/* The network of the state dict @weights. @name (the file's) goes into
 * error messages. Sets EnlargeNet.architecture ("ESRGAN", "Compact", "SPAN") and
 * EnlargeNet.variant. A state dict of another architecture is
 * ENLARGE_ERROR_UNSUPPORTED naming it when it is known ("unsupported
 * architecture OmniSR") or some of its keys when not; a tensor missing or
 * of the wrong shape is ENLARGE_ERROR_WEIGHT_MISMATCH naming the key. */
EnlargeNet *enlarge_import_weights (EnlargeWeights *weights, const char *name, GError **error);

G_END_DECLS
