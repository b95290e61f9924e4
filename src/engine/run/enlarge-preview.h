#pragma once

#include "enlarge-pipeline.h"

G_BEGIN_DECLS

/* ---- region preview ------------------------------------------------------
 *
 * The output of a full run for one region of the input, computed from a
 * crop: the region widened by a context margin, clamped to the image.
 *
 * What is exact: the prescale of target_mp runs on the whole input (as in
 * a full run), the model passes and creativity run on the crop, and the
 * final Lanczos-3 resample (any scale, fractional included) is computed for
 * the region's output pixels with the full image's weights
 * (enlarge_resample_window), so the only difference from cropping a full
 * run is the model's context at the crop's edges: the margin is the
 * upscaler's own (enlarge_upscale_auto_margin), doubled with several
 * passes, plus room for creativity and the resample's taps (more below
 * creativity 0.5, whose back-projection reaches further). Measured on
 * chelsea-200x150 (tests/test-preview.c): 68–98 dB against the crop of a
 * full run, which is itself tiled, for creativity 0.2, 0.5 and 0.8 and a
 * fractional scale. An RGBA input's hidden colours are filled in from the
 * crop, not the whole image.
 *
 * Where the region's output lies: with factor f (the settings' scale, or
 * the model's) and the input of size w × h prescaled to W × H, the region
 * x … x + width maps to X0 = round(x · W / w), X1 = round((x + width) · W /
 * w) in the prescaled image (the identity without target_mp), then to
 * round(X0 · f) … round(X1 · f) in the output, and likewise vertically:
 * for an integer f without target_mp, simply x · f … (x + width) · f. */

/* The output rectangle of @region (see above). FALSE with an error for
 * settings out of range or a region that is empty or outside the image. */
gboolean enlarge_preview_output_rect (const EnlargeSettings *settings,
                                      int                    model_scale,
                                      int                    width,
                                      int                    height,
                                      const EnlargeRect     *region,
                                      EnlargeRect           *output_rect,
                                      GError               **error);

/* Runs @settings on @region of @input only; @output_rect (may be NULL)
 * receives where the result lies in the full output. */
EnlargeImage *enlarge_region_preview (EnlargeBackend              *backend,
                                      EnlargeNet                  *net,
                                      const EnlargeSettings       *settings,
                                      const EnlargeImage          *input,
                                      const EnlargeRect           *region,
                                      const EnlargeUpscaleOptions *options,
                                      EnlargeRect                 *output_rect,
                                      GCancellable                *cancellable,
                                      GError                     **error);

/* The most detailed @size × @size window of @input (clamped to the image):
 * the one with the highest mean local variance of luminance, the variance
 * taken over the cells of a coarse grid (so texture counts, not one large
 * edge). Deterministic; on a flat image, the centred window. */
EnlargeRect enlarge_suggest_region (const EnlargeImage *input, int size);



/* ---- model comparison ---------------------------------------------------- */

typedef struct {
  const char *model;          /* model id */
  EnlargeNet *net;            /* the loaded model, or NULL to load @model */
  EnlargeSettings settings;
} EnlargeCompareEntry;

typedef struct {
  guint entry;                /* index into the entries */
  guint completion;           /* 0 for the first result to finish, 1, … */
  char *model;
  EnlargeSettings settings;
  EnlargeImage *image;        /* the region's output */
  EnlargeRect output_rect;    /* where it lies in a full run's output */
  double seconds;             /* the run on the region (model loading and
                                 the backend's one-time set-up excluded) */
  double fidelity_db;         /* enlarge_fidelity_db (input region, image) */
} EnlargeCompareResult;

EnlargeCompareResult *enlarge_compare_result_copy (const EnlargeCompareResult *result);
void                  enlarge_compare_result_free (EnlargeCompareResult *result);

/* Called on the thread running the comparison as each result finishes;
 * @result belongs to the caller of enlarge_compare_run (copy it to keep it). */
typedef void (*EnlargeCompareFunc) (const EnlargeCompareResult *result, gpointer user_data);

/* Runs every entry on @region of @input, one after another, on @backend.
 * Each finished result goes to @callback and is appended to @results (when
 * not NULL; an array with enlarge_compare_result_free as free function).
 * @cancellable is checked between runs and within them; on cancel or
 * failure FALSE with the error, and the results that finished stay in
 * @results. */
gboolean enlarge_compare_run (EnlargeBackend            *backend,
                              const EnlargeCompareEntry *entries,
                              guint                      n_entries,
                              const EnlargeImage        *input,
                              const EnlargeRect         *region,
                              EnlargeCompareFunc         callback,
                              gpointer                   user_data,
                              GPtrArray                 *results,
                              GCancellable              *cancellable,
                              GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlargeCompareResult, enlarge_compare_result_free)

G_END_DECLS
