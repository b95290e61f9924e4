/* enlarge-estimate.h: how long a job will take and how much memory it
 * needs, before it starts, from per-model rates: the rate measured on
 * this device by the last job of that model, else a default from
 * bench/RESULTS.md. Also the factor that fits a result in a box. */

#pragma once

#include <gio/gio.h>
#include "enlarge-job.h"

G_BEGIN_DECLS

typedef struct {
  double  seconds;       /* model passes, the alpha pass included */
  guint64 bytes;         /* peak memory of the app while the job runs */
  double  work_mp;       /* input megapixels (1e6) of all model passes */
  double  ms_per_mp;     /* the rate used */
  gboolean measured;     /* the rate was measured on this device */
} EnlargeEstimate;

/* The benchmark's rate for @model on a CPU (ms per input megapixel,
 * 1 MP = 10⁶ pixels, as enlarge-bench's ms/MP column). */
double enlarge_estimate_default_rate (const char *model);

/* The rate measured for @model on @device (a device setting, "auto" …)
 * by an earlier job, stored in @settings' "measured-rates"; 0 if none. */
double enlarge_estimate_measured_rate (GSettings  *settings,
                                       const char *device,
                                       const char *model);
/* Stores the rate of @job (its device and model): @seconds of model work
 * for @work_mp megapixels, at the benchmark's tile size (a smaller tile
 * size of @job's is taken out).
 * Jobs under ENLARGE_ESTIMATE_MIN_MP (a 512 × 512 picture) are not stored:
 * their fixed costs (kernels, weights, the first tile) swamp the rate — a
 * 256 × 256 job measured 10–16 times the benchmark's rate on a loaded
 * 2-core machine. */
#define ENLARGE_ESTIMATE_MIN_MP 0.25
gboolean enlarge_estimate_store_rate (GSettings                *settings,
                                      const EnlargeJobSettings *job,
                                      double                    seconds,
                                      double                    work_mp);

/* Input megapixels all model passes of @settings read, for a @width ×
 * @height image of @n_channels (RGBA runs the network twice). */
double enlarge_estimate_work_mp (const EnlargeJobSettings *settings,
                                 int width, int height, int n_channels);

/* The estimate for @settings on a @width × @height × @n_channels image;
 * @settings (GSettings, may be NULL) gives the measured rates. FALSE when
 * the model is unknown. */
gboolean enlarge_estimate_compute (const EnlargeJobSettings *job,
                                   GSettings                *settings,
                                   int width, int height, int n_channels,
                                   EnlargeEstimate          *estimate);

/* "about 40 s, 1.2 GB" */
char *enlarge_estimate_format (const EnlargeEstimate *estimate);
/* "about 40 s", "about 12 min", "about 1.5 h", "under a second" */
char *enlarge_estimate_format_duration (double seconds);

/* Half the physical memory: a job whose estimate is over this is asked
 * about before it starts. */
guint64 enlarge_estimate_memory_limit (void);

/* The factor (1 … 16) that makes the result of @job on a @width ×
 * @height image as large as fits in @box_width × @box_height (after the
 * target size, if any). With @snap, the largest of the model's own factors
 * (n, n², …) that fits, so the result is exactly what the model draws
 * with nothing stretched or shrunk afterwards, when one fits (*@snapped
 * says whether it did). */
double enlarge_estimate_fit_scale (const EnlargeJobSettings *job,
                                   int width, int height,
                                   int box_width, int box_height,
                                   gboolean snap, gboolean *snapped);

G_END_DECLS
