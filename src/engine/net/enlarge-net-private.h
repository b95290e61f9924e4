#pragma once

/* Internal to net/: what the loader and the graph passes share. */

#include "enlarge-net.h"

G_BEGIN_DECLS

/* For each blob, how many layers read it (@readers) and which layer makes
 * it (@producer, -1: none); either may be NULL. Split outputs count as
 * reads of their input. */
void enlarge_net_blob_usage (const EnlargeNet *net, int *readers, int *producer);

/* Frees what a layer holds (its op's parameters included), not the layer. */
void enlarge_layer_clear (EnlargeLayer *l);

/* Finds the output blob, the channel counts, the scale and the receptive
 * field, and checks the graph runs on a small input; errors name @name. */
gboolean enlarge_net_analyse (EnlargeNet *net, const char *name, GError **error);

/* The loader's fusion passes, in order. */
void enlarge_net_fuse (EnlargeNet *net);

G_END_DECLS
