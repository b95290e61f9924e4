/* Region previews and model comparisons: what a full run would give for a
 * part of the picture, in a fraction of the time (see enlarge-preview.h for
 * what is exact). */

#include <math.h>
#include <string.h>

#include "enlarge-error.h"
#include "enlarge-metrics.h"
#include "enlarge-model.h"
#include "enlarge-preview.h"
#include "enlarge-resample.h"

/* Context beyond the upscaler's margin, in (prescaled) input pixels:
 * creativity reads a cubic upscale (2 px) and a 3×3 neighbourhood, and
 * the final resample's taps are already part of the region's source. */
#define EXTRA_MARGIN 8
/* The back-projection of creativity < 0.5 spreads a correction over many
 * pixels (40 iterations of a 7-tap kernel); its influence fades quickly,
 * and this much more context keeps the preview close to the full run. */
#define BACKPROJECTION_MARGIN 16

/* The region in the prescaled image and in the output. */
static gboolean
map_region (const EnlargePlan *plan, const EnlargeRect *region,
            EnlargeRect *pre, EnlargeRect *out, GError **error)
{
  const double kx = (double) plan->pre_width / plan->in_width;
  const double ky = (double) plan->pre_height / plan->in_height;

  if (region->width <= 0 || region->height <= 0 || region->x < 0 || region->y < 0 ||
      region->x + region->width > plan->in_width || region->y + region->height > plan->in_height)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   "The region %d,%d %d×%d is not inside the %d×%d image",
                   region->x, region->y, region->width, region->height,
                   plan->in_width, plan->in_height);
      return FALSE;
    }

  int px0 = (int) round (region->x * kx), px1 = (int) round ((region->x + region->width) * kx);
  int py0 = (int) round (region->y * ky), py1 = (int) round ((region->y + region->height) * ky);
  px0 = CLAMP (px0, 0, plan->pre_width - 1);
  py0 = CLAMP (py0, 0, plan->pre_height - 1);
  px1 = CLAMP (px1, px0 + 1, plan->pre_width);
  py1 = CLAMP (py1, py0 + 1, plan->pre_height);
  *pre = (EnlargeRect) { px0, py0, px1 - px0, py1 - py0 };

  /* round(X · f), as the plan's own round(W · f) for the whole image */
  int ox0 = (int) round (px0 * plan->scale), ox1 = (int) round (px1 * plan->scale);
  int oy0 = (int) round (py0 * plan->scale), oy1 = (int) round (py1 * plan->scale);
  ox0 = CLAMP (ox0, 0, plan->out_width - 1);
  oy0 = CLAMP (oy0, 0, plan->out_height - 1);
  ox1 = CLAMP (ox1, ox0 + 1, plan->out_width);
  oy1 = CLAMP (oy1, oy0 + 1, plan->out_height);
  *out = (EnlargeRect) { ox0, oy0, ox1 - ox0, oy1 - oy0 };
  return TRUE;
}

gboolean
enlarge_preview_output_rect (const EnlargeSettings *settings, int model_scale,
                             int width, int height, const EnlargeRect *region,
                             EnlargeRect *output_rect, GError **error)
{
  EnlargePlan plan;
  EnlargeRect pre;

  return enlarge_plan_compute (settings, model_scale, width, height, &plan, error) &&
         map_region (&plan, region, &pre, output_rect, error);
}

EnlargeImage *
enlarge_region_preview (EnlargeBackend *backend, EnlargeNet *net, const EnlargeSettings *settings,
                        const EnlargeImage *input, const EnlargeRect *region,
                        const EnlargeUpscaleOptions *options, EnlargeRect *output_rect,
                        GCancellable *cancellable, GError **error)
{
  g_autoptr (EnlargeImage) pre_image = NULL;
  g_autoptr (EnlargeImage) crop_image = NULL;
  g_autoptr (EnlargeImage) model_out = NULL;
  EnlargePlan plan;
  EnlargeRect pre, out, need, crop;
  gboolean resample;
  int factor, margin;

  if (!enlarge_plan_compute (settings, net->scale, input->width, input->height, &plan, error) ||
      !map_region (&plan, region, &pre, &out, error))
    return NULL;

  /* the prescale is global: it runs on the whole input, as in a full run */
  if (plan.pre_width != input->width || plan.pre_height != input->height)
    {
      pre_image = enlarge_pipeline_prescale (settings, net->scale, input, error);
      if (pre_image == NULL)
        return NULL;
    }
  else
    pre_image = enlarge_image_ref ((EnlargeImage *) input);

  /* The model-resolution pixels the region's output reads: the region
   * itself, or the final resample's taps. */
  factor = plan.model_width / plan.pre_width;
  resample = plan.model_width != plan.out_width || plan.model_height != plan.out_height;
  if (resample)
    {
      EnlargeRect src;
      enlarge_resample_window_source (plan.model_width, plan.model_height,
                                      plan.out_width, plan.out_height, &out,
                                      ENLARGE_FILTER_LANCZOS3, &src);
      need.x = src.x / factor;
      need.y = src.y / factor;
      need.width = (src.x + src.width + factor - 1) / factor - need.x;
      need.height = (src.y + src.height + factor - 1) / factor - need.y;
    }
  else
    need = pre;

  margin = 0;
  if (plan.passes > 0)
    {
      /* a second pass sees the first one's margin again, at a finer scale */
      margin = enlarge_upscale_auto_margin (net) * (plan.passes > 1 ? 2 : 1) + EXTRA_MARGIN;
      if (settings->creativity < 0.5)
        margin += BACKPROJECTION_MARGIN;
    }
  crop.x = MAX (0, need.x - margin);
  crop.y = MAX (0, need.y - margin);
  crop.width = MIN (plan.pre_width, need.x + need.width + margin) - crop.x;
  crop.height = MIN (plan.pre_height, need.y + need.height + margin) - crop.y;

  crop_image = enlarge_image_crop (pre_image, &crop, error);
  if (crop_image == NULL)
    return NULL;
  model_out = enlarge_pipeline_run_model (backend, net, settings, crop_image, options,
                                          cancellable, error);
  if (model_out == NULL)
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (output_rect)
    *output_rect = out;
  if (resample)
    return enlarge_resample_window (model_out, crop.x * factor, crop.y * factor,
                                    plan.model_width, plan.model_height,
                                    plan.out_width, plan.out_height, &out,
                                    ENLARGE_FILTER_LANCZOS3, error);
  return enlarge_image_crop (model_out,
                             &(EnlargeRect) { out.x - crop.x * factor, out.y - crop.y * factor,
                                              out.width, out.height },
                             error);
}

/* ---- the most detailed region -------------------------------------------- */

/* Mean of the cell variances of the cells wholly inside the window. */
static double
window_score (const double *sat, int gw, int cell, int x, int y, int w, int h)
{
  int cx0 = (x + cell - 1) / cell, cy0 = (y + cell - 1) / cell;
  int cx1 = (x + w) / cell, cy1 = (y + h) / cell;

  if (cx1 <= cx0 || cy1 <= cy0)
    return 0;
#define SAT(i, j) sat[(gsize) (j) * (gw + 1) + (i)]
  double sum = SAT (cx1, cy1) - SAT (cx0, cy1) - SAT (cx1, cy0) + SAT (cx0, cy0);
#undef SAT
  return sum / ((double) (cx1 - cx0) * (cy1 - cy0));
}

EnlargeRect
enlarge_suggest_region (const EnlargeImage *input, int size)
{
  const int W = input->width, H = input->height;
  const int w = CLAMP (size, 1, W), h = CLAMP (size, 1, H);
  /* cells of about 1/16 of the window: fine enough to find texture, coarse
   * enough that the search is a few thousand sums */
  const int cell = CLAMP (size / 16, 2, 16);
  const int gw = W / cell, gh = H / cell;
  EnlargeRect best = { (W - w) / 2, (H - h) / 2, w, h };
  g_autofree double *sat = g_new0 (double, (gsize) (gw + 1) * (gh + 1));
  double best_score;

  for (int j = 0; j < gh; j++)
    for (int i = 0; i < gw; i++)
      {
        double s = 0, s2 = 0, n = (double) cell * cell;
        for (int y = j * cell; y < (j + 1) * cell; y++)
          for (int x = i * cell; x < (i + 1) * cell; x++)
            {
              /* in 8-bit units whatever the depth, so that a 16-bit copy
               * of an image gets the same region */
              const gsize p = enlarge_image_sample_index (input, x, y, 0);
              const double k = 255.0 / enlarge_image_max_value (input);
              double l = k * (0.299 * enlarge_image_sample (input, p) +
                              0.587 * enlarge_image_sample (input, p + 1) +
                              0.114 * enlarge_image_sample (input, p + 2));
              s += l;
              s2 += l * l;
            }
        double var = MAX (0.0, s2 / n - (s / n) * (s / n));
        sat[(gsize) (j + 1) * (gw + 1) + i + 1] = var + sat[(gsize) j * (gw + 1) + i + 1] +
                                                  sat[(gsize) (j + 1) * (gw + 1) + i] -
                                                  sat[(gsize) j * (gw + 1) + i];
      }

  /* Candidates on the cell grid plus the last position along each axis;
   * only a strictly better score replaces the centred start, so the
   * answer does not depend on anything but the pixels. */
  best_score = window_score (sat, gw, cell, best.x, best.y, w, h);
  for (int y = 0;; y = MIN (y + cell, H - h))
    {
      for (int x = 0;; x = MIN (x + cell, W - w))
        {
          double s = window_score (sat, gw, cell, x, y, w, h);
          if (s > best_score)
            {
              best_score = s;
              best = (EnlargeRect) { x, y, w, h };
            }
          if (x >= W - w)
            break;
        }
      if (y >= H - h)
        break;
    }
  return best;
}

/* ---- comparison ---------------------------------------------------------- */

EnlargeCompareResult *
enlarge_compare_result_copy (const EnlargeCompareResult *result)
{
  EnlargeCompareResult *copy = g_new (EnlargeCompareResult, 1);

  *copy = *result;
  copy->model = g_strdup (result->model);
  copy->image = result->image ? enlarge_image_ref (result->image) : NULL;
  return copy;
}

void
enlarge_compare_result_free (EnlargeCompareResult *result)
{
  if (result == NULL)
    return;
  g_free (result->model);
  g_clear_pointer (&result->image, enlarge_image_unref);
  g_free (result);
}

gboolean
enlarge_compare_run (EnlargeBackend *backend, const EnlargeCompareEntry *entries, guint n_entries,
                     const EnlargeImage *input, const EnlargeRect *region,
                     EnlargeCompareFunc callback, gpointer user_data, GPtrArray *results,
                     GCancellable *cancellable, GError **error)
{
  g_autoptr (EnlargeImage) original = enlarge_image_crop (input, region, error);
  guint completed = 0;

  if (original == NULL)
    return FALSE;

  /* The first run of a size on a backend builds kernels and buffers for
   * it (≈ 1 s on PoCL, more than a 64 × 64 run takes): one untimed run
   * first, of the same size, so that the times compare the models, not
   * their order. */
  if (n_entries > 0)
    {
      g_autoptr (EnlargeNet) net = entries[0].net ? enlarge_net_ref (entries[0].net)
                                                  : enlarge_model_load (entries[0].model, error);
      g_autoptr (EnlargeImage) warm = NULL;
      EnlargeSettings s = entries[0].settings;

      if (net == NULL)
        return FALSE;
      warm = enlarge_region_preview (backend, net, &s, input, region, NULL, NULL, cancellable, error);
      if (warm == NULL)
        return FALSE;
    }

  /* One after another: a device runs one model at a time anyway, and each
   * result can be shown as soon as it is there. */
  for (guint i = 0; i < n_entries; i++)
    {
      const EnlargeCompareEntry *e = &entries[i];
      g_autoptr (EnlargeNet) net = NULL;
      g_autoptr (EnlargeCompareResult) r = g_new0 (EnlargeCompareResult, 1);
      gint64 start;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      net = e->net ? enlarge_net_ref (e->net) : enlarge_model_load (e->model, error);
      if (net == NULL)
        return FALSE;

      start = g_get_monotonic_time ();
      r->image = enlarge_region_preview (backend, net, &e->settings, input, region, NULL,
                                         &r->output_rect, cancellable, error);
      if (r->image == NULL)
        return FALSE;
      r->seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
      r->entry = i;
      r->completion = completed++;
      r->model = g_strdup (e->model);
      r->settings = e->settings;
      r->fidelity_db = enlarge_fidelity_db (original, r->image);

      if (callback)
        callback (r, user_data);
      if (results)
        g_ptr_array_add (results, g_steal_pointer (&r));
    }
  return TRUE;
}
