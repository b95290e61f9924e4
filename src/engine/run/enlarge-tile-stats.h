#pragma once

/* Whole-image statistics for tiled runs: the global means some networks
 * take (Real-CUGAN's squeeze-excitation blocks), computed over all tiles
 * so that a tiled run gives what one untiled run gives. */

#include <gio/gio.h>

#include "enlarge-backend.h"
#include "enlarge-net.h"
#include "enlarge-tiler.h"

G_BEGIN_DECLS

/* A tile's network input for an input region (coordinates outside the
 * image fold back inside) */
typedef EnlargeTensor *(*EnlargeTileReadFunc) (const EnlargeRect *extent, gpointer data,
                                               GError **error);

/* Whether @net has layers whose output depends on the whole image. */
gboolean enlarge_tile_stats_needed (EnlargeNet *net);

/* One tensor per layer of @net (NULL for most; the array frees them): the output each global
 * mean layer has in an untiled run of the image, computed in one pass over
 * the @n tiles per such layer, in layer order (each pass with the means
 * before it fixed). Tile i runs on @extents[i] (its core @cores[i] plus
 * context, as read by @read); its blobs are exact crops of the untiled
 * run's, and each blob pixel counts for the tile whose core holds its
 * centre (the outer tiles' cores reaching past the image), so every pixel
 * of the untiled blob is counted once. */
GPtrArray *enlarge_tile_stats_compute (EnlargeBackend *backend, EnlargeNet *net,
                                       int width, int height, const EnlargeRect *cores,
                                       const EnlargeRect *extents, int n,
                                       EnlargeTileReadFunc read, gpointer data,
                                       GCancellable *cancellable, GError **error);

G_END_DECLS
