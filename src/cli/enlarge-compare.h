#pragma once

#include <gio/gio.h>

#include "enlarge.h"

G_BEGIN_DECLS

/* enlarge-cli --compare MODEL,MODEL,… [--region X,Y,W,H] INPUT -o SHEET [--json]
 *
 * Runs each model on one region of INPUT (enlarge_compare_run; without
 * @region the most detailed 64 × 64, from enlarge_suggest_region), writes
 * a contact sheet to @output and prints one line per model — MODEL,
 * SECONDS, FIDELITY_DB under a header line — or, with @json, one JSON
 * object. All models run at one factor: @scale, or when it is NaN or 0
 * the largest of the models' own factors, so the tiles have one size.
 *
 * The sheet: a white row of tiles of the region's output size (tw × th),
 * the original first (nearest-neighbour enlarged), then one per model in
 * the order given, 8 px apart and from the edges, each with a 44 px
 * caption below it (the model, then "SECONDS s  FIDELITY dB"), drawn with
 * a built-in 5 × 7 pixel font: (n + 1) · tw + (n + 2) · 8 wide,
 * th + 44 + 2 · 8 high.
 *
 * The input is loaded with @load (the pixel limit); @cancellable stops
 * the run and the save (a signal).
 *
 * Returns the exit status: 0 written, 1 failed (input, model, device),
 * 2 bad usage (unknown model, bad region or output name). */
int enlarge_cli_compare (const char *models_csv,
                         const char *region,
                         gboolean    json,
                         const char *input,
                         const char *output,
                         const char *device,
                         double      creativity,
                         double      scale,
                         double      target_mp,
                         const EnlargeLoadOptions *load,
                         gboolean    quiet,
                         GCancellable *cancellable);

G_END_DECLS
