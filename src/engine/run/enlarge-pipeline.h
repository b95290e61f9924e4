#pragma once

#include "enlarge-upscaler.h"

G_BEGIN_DECLS

/* What the user's controls ask for. */
typedef struct {
  double creativity;   /* 0 … 1; 0.5 = the model's own output */
  double scale;        /* 1 … 16, fractional allowed; 0 = the model's factor */
  double target_mp;    /* prescale the input to this many megapixels
                          (1 MP = 1024 × 1024); 0 = off */
  EnlargeAlphaMode alpha;
  gboolean tta;        /* average the 8 flips/transposes (8× the time) */
} EnlargeSettings;

#define ENLARGE_SETTINGS_INIT { 0.5, 0.0, 0.0, ENLARGE_ALPHA_MODEL, FALSE }

/* How the settings become work, for an input size and a model. */
typedef struct {
  int in_width, in_height;
  int pre_width, pre_height;     /* after the target-megapixel prescale */
  int model_scale;
  int passes;                    /* model passes, chained */
  int model_width, model_height; /* after the passes */
  int out_width, out_height;     /* after the final resample */
  double scale;                  /* the factor applied after prescaling */
  double creativity;
} EnlargePlan;

/* Checks the settings (clear errors for values out of range) and computes
 * the plan. Target megapixels: s = sqrt(MP × 1024² / (w × h)),
 * W = round(w × s), H = round(h × s), at least 1. Scale: model passes
 * while their product is below the factor, except a last one that would
 * make more than twice the result's pixels, then a resample to exactly
 * round(W × f) × round(H × f); f ≤ 1 runs no model. */
gboolean enlarge_plan_compute (const EnlargeSettings *settings, int model_scale,
                               int width, int height, EnlargePlan *plan, GError **error);

/* "1024 × 768 → prescale to 0.35 MP (683 × 512) → 4× model → 2732 × 2048, 5.6 MP" */
char *enlarge_plan_describe (const EnlargePlan *plan);

/* Runs the plan: prescale (area averaging when shrinking, Lanczos-3 when
 * enlarging), model passes tile by tile, creativity, final Lanczos-3
 * resample. Progress counts tiles over all passes. */
EnlargeImage *enlarge_pipeline_run (EnlargeBackend              *backend,
                                    EnlargeNet                  *net,
                                    const EnlargeSettings       *settings,
                                    const EnlargeImage          *input,
                                    const EnlargeUpscaleOptions *options,
                                    GCancellable                *cancellable,
                                    GError                     **error);

/* The stages of enlarge_pipeline_run, for callers that run a part of an
 * image (enlarge-preview.c). The prescale of the settings' target
 * megapixels, on the whole input: */
EnlargeImage *enlarge_pipeline_prescale (const EnlargeSettings *settings, int model_scale,
                                         const EnlargeImage *input, GError **error);

/* The model passes and creativity on an already prescaled @x (the
 * settings' target_mp is ignored), without the final resample: the result
 * is @x times the passes' product. */
EnlargeImage *enlarge_pipeline_run_model (EnlargeBackend              *backend,
                                          EnlargeNet                  *net,
                                          const EnlargeSettings       *settings,
                                          const EnlargeImage          *x,
                                          const EnlargeUpscaleOptions *options,
                                          GCancellable                *cancellable,
                                          GError                     **error);

/* Creativity applied to a model result @y of input @x (an integer factor
 * apart): see enlarge-pipeline.c for the method. Exposed for tests. */
EnlargeImage *enlarge_apply_creativity (const EnlargeImage *x, const EnlargeImage *y,
                                        double creativity, GError **error);

/* Area-average downscale by an integer factor (the consistency measure). */
EnlargeImage *enlarge_downscale_area (const EnlargeImage *image, int factor, GError **error);


/* Presets: defined once here, used by the CLI and the app. */
typedef struct {
  const char *name;
  const char *title;
  const char *description;
  const char *model;
  double creativity;
  double scale;
  double target_mp;
  const char *why;
} EnlargePreset;

const EnlargePreset *enlarge_preset_list (guint *n_presets);
const EnlargePreset *enlarge_preset_lookup (const char *name);

G_END_DECLS
