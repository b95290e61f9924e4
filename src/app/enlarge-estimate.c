/* enlarge-estimate.c: time and memory of a job before it runs, and the
 * factor that fits a box. */

#include "config.h"

#include <math.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "enlarge-estimate.h"

/* ms per input megapixel (10⁶ pixels) on a CPU through PoCL: the quiet
 * 2-core Zen 5 VM of bench/RESULTS.md (2026-12-02, evening), the 1024²
 * rows where there is one (they include the tiles' margins as a real image
 * does), else the 256² row. A GPU is faster: its first job stores its own
 * rate, which replaces these. */
static const struct {
  const char *model;
  double      ms_per_mp;
} default_rates[] = {
  { "realesrgan-x4plus", 154719 },
  { "realesrgan-x4plus-anime", 31107 },
  { "realesrgan-x4fast", 8939 },
  { "realesr-animevideov3-x4", 3850 },
  /* the same network body as -x4 (1.24 TFLOP/MP): its 256² row */
  { "realesr-animevideov3-x3", 3990 },
  { "realesr-animevideov3-x2", 3990 },
};

/* By architecture, for the models the benchmark has no row for. Real-CUGAN
 * has no benchmark figure yet: x4plus-anime's rate (a heavier network than
 * the compact ones) until a job measures it. */
static const struct {
  const char *architecture;
  double      ms_per_mp;
  guint64     working_mib;   /* the engine's own memory: weights, tiles */
  int         margin;        /* context read around each tile, px */
} architectures[] = {
  /* peak RSS at 1024² with 512 px tiles: 1481 MiB (x4plus), 561–573 MiB
   * (the compact ones), the images included; margins as
   * enlarge_upscale_auto_margin gives them (x4plus 40, the compact nets
   * 16; Real-CUGAN reads its border, about as much as x4plus-anime's 32) */
  { "RRDBNet", 154719, 1300, 40 },
  { "SRVGGNetCompact", 8939, 450, 16 },
  { "Real-CUGAN SE", 31107, 1300, 32 },
};

#define FALLBACK_RATE 154719.0
#define FALLBACK_WORKING_MIB 1300
#define FALLBACK_MARGIN 40
/* the automatic tile size on a CPU, which the benchmark's rates ran at */
#define BENCH_TILE 512.0

static int
architecture_index (const char *model)
{
  const EnlargeModelInfo *info = model ? enlarge_model_lookup (model) : NULL;

  for (guint i = 0; info && info->architecture && i < G_N_ELEMENTS (architectures); i++)
    if (g_str_equal (architectures[i].architecture, info->architecture))
      return (int) i;
  return -1;
}

double
enlarge_estimate_default_rate (const char *model)
{
  int a = architecture_index (model);

  for (guint i = 0; model && i < G_N_ELEMENTS (default_rates); i++)
    if (g_str_equal (default_rates[i].model, model))
      return default_rates[i].ms_per_mp;
  return a >= 0 ? architectures[a].ms_per_mp : FALLBACK_RATE;
}

static guint64
working_bytes (const char *model)
{
  int i = architecture_index (model);

  return (guint64) (i >= 0 ? architectures[i].working_mib : FALLBACK_WORKING_MIB) << 20;
}

/* A tile size chosen in Preferences below the benchmark's: every tile also
 * computes its margin, so small tiles cost more per pixel — ((t + 2m) / t)²
 * against the benchmark's ((512 + 2m) / 512)². 32 px tiles of x4plus are
 * 9.2× slower by this. */
static double
tile_factor (const EnlargeJobSettings *job)
{
  int i = architecture_index (job->model);
  double m = i >= 0 ? architectures[i].margin : FALLBACK_MARGIN;
  double t = job->tile_size;

  if (t <= 0 || t >= BENCH_TILE)
    return 1;
  return ((t + 2 * m) * (t + 2 * m) / (t * t)) /
         ((BENCH_TILE + 2 * m) * (BENCH_TILE + 2 * m) / (BENCH_TILE * BENCH_TILE));
}

/* The key of a rate: the device setting and the model, as one string. */
static char *
rate_key (const char *device, const char *model)
{
  return g_strdup_printf ("%s|%s", device && *device ? device : "auto", model);
}

double
enlarge_estimate_measured_rate (GSettings  *settings,
                                const char *device,
                                const char *model)
{
  g_autoptr (GVariant) rates = NULL;
  g_autofree char *key = NULL;
  double rate = 0;

  if (settings == NULL || model == NULL)
    return 0;
  rates = g_settings_get_value (settings, "measured-rates");
  key = rate_key (device, model);
  if (!g_variant_lookup (rates, key, "d", &rate) || !(rate > 0) || !isfinite (rate))
    return 0;
  return rate;
}

gboolean
enlarge_estimate_store_rate (GSettings                *settings,
                             const EnlargeJobSettings *job,
                             double                    seconds,
                             double                    work_mp)
{
  g_autoptr (GVariant) rates = NULL;
  g_autofree char *key = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *k;
  double v;

  if (settings == NULL || job->model == NULL || !(work_mp >= ENLARGE_ESTIMATE_MIN_MP) ||
      !(seconds > 0) || !isfinite (seconds))
    return FALSE;
  rates = g_settings_get_value (settings, "measured-rates");
  key = rate_key (job->device, job->model);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sd}"));
  g_variant_iter_init (&iter, rates);
  while (g_variant_iter_next (&iter, "{&sd}", &k, &v))
    if (!g_str_equal (k, key))
      g_variant_builder_add (&builder, "{sd}", k, v);
  /* the latest job: the machine's speed changes (another device, a new
   * driver, a busy CPU), and the latest is what the next job will meet */
  /* as if at the benchmark's tile size, which estimates scale from */
  g_variant_builder_add (&builder, "{sd}", key, seconds * 1000.0 / (work_mp * tile_factor (job)));
  return g_settings_set_value (settings, "measured-rates", g_variant_builder_end (&builder));
}

double
enlarge_estimate_work_mp (const EnlargeJobSettings *settings,
                          int width, int height, int n_channels)
{
  EnlargePlan plan;
  double work = 0, w, h;

  if (!enlarge_job_settings_plan (settings, width, height, &plan))
    return 0;
  w = plan.pre_width;
  h = plan.pre_height;
  for (int p = 0; p < plan.passes; p++)
    {
      work += w * h / 1e6;
      w *= plan.model_scale;
      h *= plan.model_scale;
    }
  /* alpha goes through the network as a second image */
  return n_channels == 4 ? 2 * work : work;
}

gboolean
enlarge_estimate_compute (const EnlargeJobSettings *job,
                          GSettings                *settings,
                          int width, int height, int n_channels,
                          EnlargeEstimate          *estimate)
{
  EnlargePlan plan;
  double measured;
  guint64 pre, model, out;

  if (!enlarge_job_settings_plan (job, width, height, &plan))
    return FALSE;
  measured = enlarge_estimate_measured_rate (settings, job->device, job->model);
  estimate->measured = measured > 0;
  estimate->ms_per_mp = measured > 0 ? measured : enlarge_estimate_default_rate (job->model);
  estimate->work_mp = enlarge_estimate_work_mp (job, width, height, n_channels);
  estimate->seconds = estimate->work_mp * estimate->ms_per_mp * tile_factor (job) / 1000.0;

  /* 4 bytes a pixel: the input as prescaled; the model's output three
   * times (the pass's own, creativity's copy, the progress preview); the
   * result three times (the final resample, the picture shown, its
   * copy for drawing). Plus the network's working memory. */
  pre = (guint64) plan.pre_width * plan.pre_height;
  model = (guint64) plan.model_width * plan.model_height;
  out = (guint64) plan.out_width * plan.out_height;
  estimate->bytes = 4 * (pre + 3 * model + 3 * out) + working_bytes (job->model);
  return TRUE;
}

char *
enlarge_estimate_format_duration (double seconds)
{
  if (seconds < 1)
    return g_strdup (_("under a second"));
  if (seconds < 60)
    /* Translators: an estimated duration in seconds */
    return g_strdup_printf (_("about %.0f s"), seconds);
  if (seconds < 3600)
    /* Translators: an estimated duration in minutes */
    return g_strdup_printf (_("about %.0f min"), seconds / 60);
  /* Translators: an estimated duration in hours */
  return g_strdup_printf (_("about %.1f h"), seconds / 3600);
}

char *
enlarge_estimate_format (const EnlargeEstimate *estimate)
{
  g_autofree char *time = enlarge_estimate_format_duration (estimate->seconds);
  g_autofree char *memory = g_format_size (estimate->bytes);

  /* Translators: how long a job takes and how much memory it needs,
   * e.g. "about 40 s, 1.2 GB" */
  return g_strdup_printf (_("%s, %s"), time, memory);
}

guint64
enlarge_estimate_memory_limit (void)
{
  long pages = sysconf (_SC_PHYS_PAGES), size = sysconf (_SC_PAGESIZE);

  if (pages <= 0 || size <= 0)
    return G_MAXUINT64;
  return (guint64) pages * (guint64) size / 2;
}

double
enlarge_estimate_fit_scale (const EnlargeJobSettings *job,
                            int width, int height,
                            int box_width, int box_height,
                            gboolean snap, gboolean *snapped)
{
  EnlargeJobSettings s = *job;
  EnlargePlan plan;
  double f;

  if (snapped)
    *snapped = FALSE;
  s.scale = 1;
  if (box_width < 1 || box_height < 1 || !enlarge_job_settings_plan (&s, width, height, &plan))
    return 1;
  f = MIN ((double) box_width / plan.pre_width, (double) box_height / plan.pre_height);
  /* the result is round(w × f): a hair under the box's side rounds to it */
  f = CLAMP (f, 1.0, 16.0);
  if (snap && plan.model_scale > 1)
    {
      double own = 0;

      for (double k = plan.model_scale; k <= f + 1e-9 && k <= 16; k *= plan.model_scale)
        own = k;
      if (own > 0)
        {
          f = own;
          if (snapped)
            *snapped = TRUE;
        }
    }
  return f;
}
