#pragma once

#include <gtk/gtk.h>
#include "enlarge.h"

G_BEGIN_DECLS

/* Everything a job needs to know about what to do. The GUI fills it from
 * its controls; the job runner decides what the values mean. */
typedef struct {
  char  *model;        /* model id */
  double scale;        /* requested factor, 1 … 16 */
  double creativity;   /* 0 … 1, 0.5 = the model's own output */
  double target_mp;    /* prescale the input to this many MP; 0 = off */
  int    tile_size;    /* input pixels a side; 0 = automatic */
  char  *device;       /* device spec for enlarge_backend_new(), NULL = auto */
} EnlargeJobSettings;

EnlargeJobSettings *enlarge_job_settings_copy (const EnlargeJobSettings *settings);
void                enlarge_job_settings_free (EnlargeJobSettings *settings);
gboolean            enlarge_job_settings_equal (const EnlargeJobSettings *a,
                                                const EnlargeJobSettings *b);
/* Whether @a and @b give the same image: model, scale, creativity and
 * target size (the device and the tile size only change how fast). */
gboolean            enlarge_job_settings_same_result (const EnlargeJobSettings *a,
                                                      const EnlargeJobSettings *b);

/* The engine's plan for a @width × @height input; FALSE when the model is
 * unknown. */
gboolean enlarge_job_settings_plan (const EnlargeJobSettings *settings,
                                    int width, int height,
                                    EnlargePlan *plan);

/* The size the job will produce for a @width × @height input; FALSE when
 * the model is unknown. */
gboolean enlarge_job_settings_output_size (const EnlargeJobSettings *settings,
                                           int width, int height,
                                           int *out_width, int *out_height);

/* The factor the output will carry relative to the input (for file names). */
double enlarge_job_settings_effective_scale (const EnlargeJobSettings *settings);

/* What will happen in a photographer's words: the result's size, whether
 * the picture is resized first, how much larger the model makes it. */
char *enlarge_job_settings_describe_plain (const EnlargeJobSettings *settings,
                                           int width, int height);

/* The same as the engine's plan, e.g.
 * "1024 × 768 → 4× model → 4096 × 3072, 12.6 MP": the details. */
char *enlarge_job_settings_describe (const EnlargeJobSettings *settings,
                                     int width, int height);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlargeJobSettings, enlarge_job_settings_free)

#define ENLARGE_TYPE_JOB (enlarge_job_get_type ())
G_DECLARE_FINAL_TYPE (EnlargeJob, enlarge_job, ENLARGE, JOB, GObject)

/* The job keeps its own copy of @input and @settings. */
EnlargeJob *enlarge_job_new (const EnlargeJobSettings *settings,
                             const EnlargeImage       *input);

const EnlargeJobSettings *enlarge_job_get_settings (EnlargeJob *self);

/* Runs on a worker thread; one job at a time uses the devices (a second
 * job waits for the first to finish). The "progress" signal is emitted on
 * the calling thread's main context, at most about ten times a second. */
void          enlarge_job_run_async  (EnlargeJob          *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
EnlargeImage *enlarge_job_run_finish (EnlargeJob    *self,
                                      GAsyncResult  *result,
                                      GError       **error);

/* The job an owner (the window, the queue) runs: starting one forgets
 * the one before, whose result is then dropped, so that an owner sees the
 * end of its current job only. A zeroed struct is an empty slot. */
typedef struct {
  EnlargeJob   *job;
  GCancellable *cancellable;
  gulong        progress_id;
} EnlargeJobSlot;

/* The end of the slot's current job, on the main context, the slot
 * already empty: @result (the callee's) or @error (cancelled or failed). */
typedef void (*EnlargeJobSlotDone) (GObject      *owner,
                                    EnlargeJob   *job,
                                    EnlargeImage *result,
                                    const GError *error);

/* Runs @settings on @input in @slot, which @owner holds (and keeps alive
 * until the job ends); @cancellable is the job's (a new one when NULL);
 * @on_progress (EnlargeJob *, @owner) is connected to "progress". */
void enlarge_job_slot_start (EnlargeJobSlot           *slot,
                             GObject                  *owner,
                             const EnlargeJobSettings *settings,
                             const EnlargeImage       *input,
                             GCancellable             *cancellable,
                             GCallback                 on_progress,
                             EnlargeJobSlotDone        done);
/* Cancels the slot's job and forgets it: its end is not reported. */
void enlarge_job_slot_stop  (EnlargeJobSlot *slot);

/* Valid in a "progress" handler (main thread). */
int        enlarge_job_get_tiles_done  (EnlargeJob *self);
int        enlarge_job_get_tiles_total (EnlargeJob *self);
double     enlarge_job_get_elapsed     (EnlargeJob *self);
double     enlarge_job_get_eta         (EnlargeJob *self);
/* After the job: the seconds its pipeline ran, the device and the model
 * already loaded (what enlarge-estimate.c's rates measure). */
double     enlarge_job_get_run_seconds (EnlargeJob *self);
/* The output so far: finished tiles as they will be (an RGBA input's
 * transparency, drawn from the input's alpha until the alpha pass has
 * run), the rest fully transparent. Carries ENLARGE_TEXTURE_HAS_ALPHA for
 * an RGBA input. */
GdkTexture *enlarge_job_get_preview    (EnlargeJob *self);

/* A model comparison (enlarge_compare_run) on the worker thread, under the
 * same device lock as jobs and with their cached models and devices.
 * @on_result is called on the calling thread's main context with @source
 * for each result as it finishes (the result is the callee's to keep);
 * @callback when all have run, were cancelled or one failed. */
typedef void (*EnlargeCompareResultFunc) (GObject              *source,
                                          EnlargeCompareResult *result);

void     enlarge_job_compare_async  (GObject                   *source,
                                     const char                *device,
                                     const EnlargeCompareEntry *entries,
                                     guint                      n_entries,
                                     const EnlargeImage        *input,
                                     const EnlargeRect         *region,
                                     EnlargeCompareResultFunc   on_result,
                                     GCancellable              *cancellable,
                                     GAsyncReadyCallback        callback,
                                     gpointer                   user_data);
gboolean enlarge_job_compare_finish (GObject       *source,
                                     GAsyncResult  *result,
                                     GError       **error);

/* A region preview (enlarge_region_preview) of @settings on @region of
 * @input, on the worker thread under the same device lock as jobs and with
 * their cached models and devices. The finish function returns the
 * region's output, where it lies in a full run's output (@output_rect) and
 * how long the run took (@seconds, model loading excluded). */
void          enlarge_job_preview_async  (GObject                  *source,
                                          const EnlargeJobSettings *settings,
                                          const EnlargeImage       *input,
                                          const EnlargeRect        *region,
                                          GCancellable             *cancellable,
                                          GAsyncReadyCallback       callback,
                                          gpointer                  user_data);
EnlargeImage *enlarge_job_preview_finish (GObject       *source,
                                          GAsyncResult  *result,
                                          EnlargeRect   *output_rect,
                                          double        *seconds,
                                          GError       **error);

/* Makes a texture of an engine image (copies the pixels). One with an
 * alpha channel carries this data key, for the views. */
#define ENLARGE_TEXTURE_HAS_ALPHA "enlarge-has-alpha"

GdkTexture *enlarge_texture_new_for_image (const EnlargeImage *image);

G_END_DECLS
