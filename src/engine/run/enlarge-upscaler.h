#pragma once

#include <gio/gio.h>
#include "enlarge-backend.h"
#include "enlarge-image.h"
#include "enlarge-net.h"
#include "enlarge-tiler.h"

G_BEGIN_DECLS

typedef struct {
  int tiles_done;
  int tiles_total;
  double elapsed_s;
  double eta_s;          /* < 0 while unknown */
  /* the output region just finished, for progressive display */
  EnlargeRect region;
  const EnlargeImage *output;
} EnlargeProgress;

/* Called on the thread that runs the upscale, after each tile. */
typedef void (*EnlargeProgressFunc) (const EnlargeProgress *progress,
                                     gpointer               user_data);

/* What a tile sees past the image's edge. */
typedef enum {
  /* Nothing: the network's own zero padding, exactly as when the whole
   * image runs as one tile (ncnn's and PyTorch's reference results). */
  ENLARGE_BORDER_NONE,
  /* The margin mirrored from inside the image, as realesrgan-ncnn-vulkan
   * does; it changes a band along the edges (about 10 dB PSNR against the
   * reference on realesrgan-x4plus). */
  ENLARGE_BORDER_MIRROR,
} EnlargeBorder;

typedef enum {
  ENLARGE_ALPHA_MODEL,  /* alpha goes through the model as a gray image */
  ENLARGE_ALPHA_FAST,   /* alpha is resampled with a high-quality filter */
} EnlargeAlphaMode;

typedef struct {
  int tile_size;        /* input pixels a side; 0 = automatic */
  int margin;           /* context pixels per side; < 0 = automatic */
  EnlargeBorder border;
  EnlargeAlphaMode alpha;
  gboolean tta;         /* average the 8 flips/transposes of every tile */
  EnlargeProgressFunc progress;
  gpointer progress_data;
  /* networks with whole-image means (Real-CUGAN): take each tile's own
   * means instead of a first pass over all tiles (faster, but the tiles
   * differ; for comparisons) */
  gboolean tile_stats;
} EnlargeUpscaleOptions;

#define ENLARGE_UPSCALE_OPTIONS_INIT { 0, -1, ENLARGE_BORDER_NONE, ENLARGE_ALPHA_MODEL, FALSE, NULL, NULL }

/* Runs @net over @input tile by tile on @backend and returns the image
 * @net->scale times larger. RGB goes through the network; alpha, when
 * present, goes through it too as a gray image (or is resampled with a
 * high-quality filter with ENLARGE_ALPHA_FAST); the colour of fully
 * transparent pixels is first filled in from their visible neighbours so
 * edges do not pick up the dark fringe of "transparent black". With @tta
 * each tile runs in its 8 flipped/transposed versions and the results are
 * averaged (8× the time, a little less noise). When the OpenCL path
 * fails (not for a cancel), the rest of the job runs on the reference path
 * with a warning. */
EnlargeImage *enlarge_upscale (EnlargeBackend              *backend,
                               EnlargeNet                  *net,
                               const EnlargeImage          *input,
                               const EnlargeUpscaleOptions *options,
                               GCancellable                *cancellable,
                               GError                     **error);

/* How many tiles (progress steps) enlarge_upscale() runs for an image of
 * this size and channel count with @tile_size (resolved, not 0): RGBA
 * images whose alpha goes through the model take two passes. */
int enlarge_upscale_count_tiles (int width, int height, int n_channels, int tile_size,
                                 EnlargeAlphaMode alpha);

/* The tile size the automatic choice gives for this backend and net. */
int enlarge_upscale_auto_tile_size (EnlargeBackend *backend, EnlargeNet *net);

/* The context margin used when options->margin < 0. */
int enlarge_upscale_auto_margin (EnlargeNet *net);

G_END_DECLS
