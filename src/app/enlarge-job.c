/* enlarge-job.c: one upscale, run on a worker thread.
 *
 * This is the only file of the app that calls the engine: it loads the
 * model, opens the device and runs the engine's pipeline, which gives every
 * control (creativity, scale factor, target megapixels) its meaning. The
 * summary line comes from the same plan, so what it says is what runs. */

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include <glib/gstdio.h>

#include "enlarge-job.h"
#include "enlarge-environment.h"
#include "enlarge-model-catalog.h"

/* At most this often the preview texture is rebuilt (µs). */
#define PREVIEW_INTERVAL_US (100 * 1000)

/* ---- settings ----------------------------------------------------------- */

EnlargeJobSettings *
enlarge_job_settings_copy (const EnlargeJobSettings *settings)
{
  EnlargeJobSettings *copy = g_new0 (EnlargeJobSettings, 1);

  *copy = *settings;
  copy->model = g_strdup (settings->model);
  copy->device = g_strdup (settings->device);
  return copy;
}

void
enlarge_job_settings_free (EnlargeJobSettings *settings)
{
  if (settings == NULL)
    return;
  g_free (settings->model);
  g_free (settings->device);
  g_free (settings);
}

gboolean
enlarge_job_settings_equal (const EnlargeJobSettings *a,
                            const EnlargeJobSettings *b)
{
  return enlarge_job_settings_same_result (a, b) &&
         g_strcmp0 (a->device, b->device) == 0 &&
         a->tile_size == b->tile_size;
}

gboolean
enlarge_job_settings_same_result (const EnlargeJobSettings *a,
                                  const EnlargeJobSettings *b)
{
  return g_strcmp0 (a->model, b->model) == 0 &&
         a->scale == b->scale &&
         a->creativity == b->creativity &&
         a->target_mp == b->target_mp;
}

static EnlargeSettings
engine_settings (const EnlargeJobSettings *settings)
{
  EnlargeSettings s = ENLARGE_SETTINGS_INIT;

  s.creativity = CLAMP (settings->creativity, 0.0, 1.0);
  s.scale = settings->scale >= 1.0 ? MIN (settings->scale, 16.0) : 0.0;
  s.target_mp = MAX (settings->target_mp, 0.0);
  return s;
}

/* The model's native factor, bundled or imported; 0 when unknown. */
static int
model_scale (const char *id)
{
  const EnlargeModelEntry *e = enlarge_model_catalog_lookup (enlarge_model_catalog_get_default (), id);

  return enlarge_model_entry_usable (e) ? e->scale : 0;
}

gboolean
enlarge_job_settings_plan (const EnlargeJobSettings *settings, int width, int height, EnlargePlan *plan)
{
  int scale = model_scale (settings->model);
  EnlargeSettings s = engine_settings (settings);

  return scale > 0 && enlarge_plan_compute (&s, scale, width, height, plan, NULL);
}

double
enlarge_job_settings_effective_scale (const EnlargeJobSettings *settings)
{
  if (settings->scale >= 1.0)
    return settings->scale;
  return model_scale (settings->model);
}

gboolean
enlarge_job_settings_output_size (const EnlargeJobSettings *settings,
                                  int width, int height,
                                  int *out_width, int *out_height)
{
  EnlargePlan plan;

  if (!enlarge_job_settings_plan (settings, width, height, &plan))
    return FALSE;
  *out_width = plan.out_width;
  *out_height = plan.out_height;
  return TRUE;
}

char *
enlarge_job_settings_describe_plain (const EnlargeJobSettings *settings,
                                     int width, int height)
{
  EnlargePlan plan;
  GString *text;
  int model_total = 1;
  double mp;

  if (!enlarge_job_settings_plan (settings, width, height, &plan))
    return g_strdup (_("No model selected"));
  text = g_string_new (NULL);
  mp = (double) plan.out_width * plan.out_height / 1e6;
  /* Translators: the size of the result, in pixels and megapixels */
  g_string_append_printf (text, _("The result: %d × %d pixels (%.*f megapixels)."),
                          plan.out_width, plan.out_height, mp < 1 ? 2 : 1, mp);
  if (plan.pre_width != plan.in_width || plan.pre_height != plan.in_height)
    g_string_append_printf (text, " %s", _("The picture is resized to the target size first."));
  for (int i = 0; i < plan.passes; i++)
    model_total *= plan.model_scale;
  if (plan.passes == 0)
    g_string_append_printf (text, " %s", _("The model does not run: the picture is only resized."));
  else if (plan.pre_width * model_total == plan.out_width && plan.pre_height * model_total == plan.out_height)
    /* Translators: how many times larger the model makes the picture */
    g_string_append_printf (text, _(" The model makes it %d× larger."), model_total);
  else if (plan.pre_width * model_total > plan.out_width)
    g_string_append_printf (text, _(" The model makes it %d× larger, then it is reduced to the exact size."),
                            model_total);
  else
    g_string_append_printf (text, _(" The model makes it %d× larger, then it is stretched to the exact size."),
                            model_total);
  return g_string_free (text, FALSE);
}

char *
enlarge_job_settings_describe (const EnlargeJobSettings *settings,
                               int width, int height)
{
  EnlargePlan plan;

  if (!enlarge_job_settings_plan (settings, width, height, &plan))
    return g_strdup (_("No model selected"));
  return enlarge_plan_describe (&plan);
}

/* ---- engine objects shared between jobs --------------------------------- */

/* One job at a time uses the devices; the lock also guards the caches. */
static GMutex device_lock;
static GHashTable *backends;  /* device spec → EnlargeBackend */
static GHashTable *nets;      /* model id → EnlargeNet */

static EnlargeBackend *
get_backend (const char *spec, GError **error)
{
  EnlargeBackend *backend;

  if (spec == NULL || *spec == '\0')
    spec = "auto";
  if (backends == NULL)
    backends = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) enlarge_backend_unref);
  backend = g_hash_table_lookup (backends, spec);
  if (backend == NULL)
    {
      backend = enlarge_environment_backend_new (spec, error);
      if (backend == NULL)
        return NULL;
      g_hash_table_insert (backends, g_strdup (spec), backend);
    }
  return enlarge_backend_ref (backend);
}

/* An imported model (its id is its file's name in the model folder) is
 * cached under its size and time too: one removed and imported again
 * under the same name is another network. */
static EnlargeNet *
get_net (const char *id, GError **error)
{
  g_autofree char *path = NULL;
  g_autofree char *key = NULL;
  EnlargeNet *net;

  if (nets == NULL)
    nets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                  (GDestroyNotify) enlarge_net_unref);
  if (enlarge_model_is_file (id))
    {
      g_autofree char *folder = enlarge_model_folder_default ();
      g_autofree char *name = g_path_get_basename (id);
      GStatBuf st;

      path = g_build_filename (folder, name, NULL);
      if (g_stat (path, &st) != 0)
        {
          g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_MODEL_NOT_FOUND,
                       _("The model “%s” is no longer installed"), name);
          return NULL;
        }
      key = g_strdup_printf ("%s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT, path,
                             (gint64) st.st_size, (gint64) st.st_mtime);
    }
  else
    key = g_strdup (id);
  net = g_hash_table_lookup (nets, key);
  if (net == NULL)
    {
      net = path != NULL ? enlarge_model_load_file (path, error)
                         : enlarge_model_load_in (enlarge_environment_model_dirs (), id, error);
      if (net == NULL)
        return NULL;
      g_hash_table_insert (nets, g_steal_pointer (&key), net);
    }
  return enlarge_net_ref (net);
}

/* ---- the job ------------------------------------------------------------ */

struct _EnlargeJob
{
  GObject parent_instance;

  EnlargeJobSettings *settings;
  EnlargeImage *input;
  GError *input_error;

  GMainContext *context;

  /* Written by the worker under the lock, read by the main thread. */
  GMutex lock;
  EnlargeImage *preview;      /* RGBA, alpha 0 where no tile is done yet */
  gboolean preview_dirty;
  gboolean update_pending;
  gint64 last_update;
  int tiles_done, tiles_total;
  double elapsed, eta;
  double run_seconds;         /* written by the worker before it returns */

  /* Main thread copies. */
  GdkTexture *preview_texture;
  int shown_done, shown_total;
  double shown_elapsed, shown_eta;
};

G_DEFINE_FINAL_TYPE (EnlargeJob, enlarge_job, G_TYPE_OBJECT)

enum {
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
enlarge_job_finalize (GObject *object)
{
  EnlargeJob *self = ENLARGE_JOB (object);

  enlarge_job_settings_free (self->settings);
  g_clear_pointer (&self->input, enlarge_image_unref);
  g_clear_error (&self->input_error);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->preview, enlarge_image_unref);
  g_clear_object (&self->preview_texture);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (enlarge_job_parent_class)->finalize (object);
}

static void
enlarge_job_class_init (EnlargeJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = enlarge_job_finalize;

  /**
   * EnlargeJob::progress:
   *
   * Emitted on the main context after tiles finished.
   */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
enlarge_job_init (EnlargeJob *self)
{
  g_mutex_init (&self->lock);
  self->shown_eta = -1;
}

EnlargeJob *
enlarge_job_new (const EnlargeJobSettings *settings,
                 const EnlargeImage       *input)
{
  EnlargeJob *self = g_object_new (ENLARGE_TYPE_JOB, NULL);

  g_return_val_if_fail (settings != NULL, NULL);
  g_return_val_if_fail (input != NULL, NULL);

  self->settings = enlarge_job_settings_copy (settings);
  self->input = enlarge_image_copy (input, &self->input_error);
  return self;
}

const EnlargeJobSettings *
enlarge_job_get_settings (EnlargeJob *self)
{
  g_return_val_if_fail (ENLARGE_IS_JOB (self), NULL);
  return self->settings;
}

GdkTexture *
enlarge_texture_new_for_image (const EnlargeImage *image16)
{
  g_autoptr (GBytes) bytes = NULL;
  /* shown at 8 bits: the views read the texture's bytes as such, and the
   * screen has no more */
  g_autoptr (EnlargeImage) image = enlarge_image_convert_depth (image16, 8, NULL);
  if (image == NULL)
    return NULL;
  gsize stride = (gsize) image->width * image->n_channels;

  GdkTexture *texture;

  bytes = g_bytes_new (image->pixels, stride * image->height);
  texture = gdk_memory_texture_new (image->width, image->height,
                                    image->n_channels == 4 ? GDK_MEMORY_R8G8B8A8
                                                           : GDK_MEMORY_R8G8B8,
                                    bytes, stride);
  /* GTK 4.8 cannot tell a texture's format: the view draws a checkerboard
   * behind the ones marked */
  if (image->n_channels == 4)
    g_object_set_data (G_OBJECT (texture), ENLARGE_TEXTURE_HAS_ALPHA, GINT_TO_POINTER (TRUE));
  return texture;
}

/* Main thread: turn what the worker left under the lock into a texture. */
static gboolean
dispatch_progress (gpointer data)
{
  EnlargeJob *self = data;
  g_autoptr (GBytes) bytes = NULL;
  int width = 0, height = 0;

  g_mutex_lock (&self->lock);
  self->update_pending = FALSE;
  self->shown_done = self->tiles_done;
  self->shown_total = self->tiles_total;
  self->shown_elapsed = self->elapsed;
  self->shown_eta = self->eta;
  if (self->preview_dirty && self->preview != NULL)
    {
      width = self->preview->width;
      height = self->preview->height;
      bytes = g_bytes_new (self->preview->pixels, (gsize) width * height * 4);
      self->preview_dirty = FALSE;
    }
  g_mutex_unlock (&self->lock);

  if (bytes != NULL)
    {
      g_clear_object (&self->preview_texture);
      self->preview_texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8,
                                                      bytes, (gsize) width * 4);
      /* so that the view draws the checkerboard behind its see-through parts */
      if (self->input != NULL && self->input->n_channels == 4)
        g_object_set_data (G_OBJECT (self->preview_texture), ENLARGE_TEXTURE_HAS_ALPHA,
                           GINT_TO_POINTER (TRUE));
    }

  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0);
  return G_SOURCE_REMOVE;
}

/* Worker thread, after each tile. */
/* sample @i of @image at 8 bits, as 16-bit images' textures show it */
static guint8
eight_bits (const EnlargeImage *image, gsize i)
{
  return image->bits == 16 ? (guint8) (((guint) enlarge_image_sample (image, i) * 255u + 32767u) / 65535u)
                           : image->pixels[i];
}

static void
on_progress (const EnlargeProgress *p,
             gpointer               user_data)
{
  EnlargeJob *self = user_data;
  const EnlargeImage *out = p->output;
  gint64 now = g_get_monotonic_time ();
  gboolean post = FALSE;

  g_mutex_lock (&self->lock);
  if (self->preview == NULL ||
      self->preview->width != out->width || self->preview->height != out->height)
    {
      g_clear_pointer (&self->preview, enlarge_image_unref);
      self->preview = enlarge_image_new (out->width, out->height, 4, NULL);
      if (self->preview != NULL)
        memset (self->preview->pixels, 0, (gsize) out->width * out->height * 4);
    }
  if (self->preview != NULL)
    {
      const EnlargeRect *r = &p->region;
      const EnlargeImage *in = self->input;
      const gboolean alpha = in->n_channels == 4;

      for (int y = r->y; y < r->y + r->height && y < out->height; y++)
        {
          /* the engine keeps a pass's output opaque until its alpha pass
           * (and fills see-through areas with their neighbours' colours):
           * shown as is, a logo's tiles are opaque blocks. The input's own
           * alpha, at the nearest input pixel, stands in until the result. */
          const int iy = MIN ((int) (((gint64) y * in->height) / out->height), in->height - 1);

          for (int x = r->x; x < r->x + r->width && x < out->width; x++)
            {
              const gsize s = enlarge_image_sample_index (out, x, y, 0);
              guint8 *d = enlarge_image_pixel (self->preview, x, y);
              /* 16-bit results are shown at 8 bits, as their textures are */
              for (int c = 0; c < 3; c++)
                d[c] = eight_bits (out, s + c);
              if (alpha)
                {
                  const int ix = MIN ((int) (((gint64) x * in->width) / out->width), in->width - 1);
                  d[3] = eight_bits (in, enlarge_image_sample_index (in, ix, iy, 3));
                }
              else
                d[3] = 255;
            }
        }
      self->preview_dirty = TRUE;
    }
  self->tiles_done = p->tiles_done;
  self->tiles_total = p->tiles_total;
  self->elapsed = p->elapsed_s;
  self->eta = p->eta_s;
  if (!self->update_pending &&
      (now - self->last_update >= PREVIEW_INTERVAL_US || p->tiles_done == p->tiles_total))
    {
      self->update_pending = TRUE;
      self->last_update = now;
      post = TRUE;
    }
  g_mutex_unlock (&self->lock);

  if (post)
    g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT,
                                dispatch_progress, g_object_ref (self), g_object_unref);
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  EnlargeJob *self = source_object;
  EnlargeUpscaleOptions options = ENLARGE_UPSCALE_OPTIONS_INIT;
  g_autoptr (EnlargeBackend) backend = NULL;
  g_autoptr (EnlargeNet) net = NULL;
  g_autoptr (GError) error = NULL;
  EnlargeImage *result;

  if (self->input == NULL)
    {
      g_task_return_error (task, g_error_copy (self->input_error));
      return;
    }

  g_mutex_lock (&device_lock);

  if (g_task_return_error_if_cancelled (task))
    goto out;

  backend = get_backend (self->settings->device, &error);
  if (backend == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      goto out;
    }
  net = get_net (self->settings->model, &error);
  if (net == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      goto out;
    }

  options.tile_size = self->settings->tile_size;
  options.progress = on_progress;
  options.progress_data = self;
  {
    EnlargeSettings s = engine_settings (self->settings);
    gint64 start = g_get_monotonic_time ();

    result = enlarge_pipeline_run (backend, net, &s, self->input, &options, cancellable, &error);
    g_mutex_lock (&self->lock);
    self->run_seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
    g_mutex_unlock (&self->lock);
  }
  if (result == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, result, (GDestroyNotify) enlarge_image_unref);

out:
  g_mutex_unlock (&device_lock);
}

void
enlarge_job_run_async (EnlargeJob          *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (ENLARGE_IS_JOB (self));
  g_return_if_fail (self->context == NULL);

  self->context = g_main_context_ref_thread_default ();
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlarge_job_run_async);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, run_thread);
}

EnlargeImage *
enlarge_job_run_finish (EnlargeJob    *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

int
enlarge_job_get_tiles_done (EnlargeJob *self)
{
  return self->shown_done;
}

int
enlarge_job_get_tiles_total (EnlargeJob *self)
{
  return self->shown_total;
}

double
enlarge_job_get_elapsed (EnlargeJob *self)
{
  return self->shown_elapsed;
}

double
enlarge_job_get_eta (EnlargeJob *self)
{
  return self->shown_eta;
}

double
enlarge_job_get_run_seconds (EnlargeJob *self)
{
  double seconds;

  g_mutex_lock (&self->lock);
  seconds = self->run_seconds;
  g_mutex_unlock (&self->lock);
  return seconds;
}

GdkTexture *
enlarge_job_get_preview (EnlargeJob *self)
{
  return self->preview_texture;
}

/* ---- a job slot ------------------------------------------------------- */

typedef struct {
  GObject            *owner;
  EnlargeJobSlot     *slot;
  EnlargeJobSlotDone  done;
} SlotRun;

static void
slot_job_done (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  SlotRun *run = user_data;
  EnlargeJob *job = ENLARGE_JOB (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) result = enlarge_job_run_finish (job, res, &error);

  /* stale when cancelled or replaced: the slot holds another job or none */
  if (job == run->slot->job)
    {
      g_autoptr (EnlargeJob) finished = g_steal_pointer (&run->slot->job);

      g_clear_signal_handler (&run->slot->progress_id, finished);
      g_clear_object (&run->slot->cancellable);
      run->done (run->owner, finished, g_steal_pointer (&result), error);
    }
  g_object_unref (run->owner);
  g_free (run);
}

void
enlarge_job_slot_start (EnlargeJobSlot           *slot,
                        GObject                  *owner,
                        const EnlargeJobSettings *settings,
                        const EnlargeImage       *input,
                        GCancellable             *cancellable,
                        GCallback                 on_progress,
                        EnlargeJobSlotDone        done)
{
  SlotRun *run = g_new0 (SlotRun, 1);

  enlarge_job_slot_stop (slot);
  slot->job = enlarge_job_new (settings, input);
  slot->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  if (on_progress)
    slot->progress_id = g_signal_connect (slot->job, "progress", on_progress, owner);
  run->owner = g_object_ref (owner);
  run->slot = slot;
  run->done = done;
  enlarge_job_run_async (slot->job, slot->cancellable, slot_job_done, run);
}

void
enlarge_job_slot_stop (EnlargeJobSlot *slot)
{
  if (slot->job == NULL)
    return;
  g_cancellable_cancel (slot->cancellable);
  g_clear_signal_handler (&slot->progress_id, slot->job);
  g_clear_object (&slot->job);
  g_clear_object (&slot->cancellable);
}

/* ---- model comparison ---------------------------------------------------- */

typedef struct {
  char *device;
  EnlargeCompareEntry *entries;   /* models strdup'd, nets filled in on the worker */
  guint n_entries;
  EnlargeImage *input;
  EnlargeRect region;
  GMainContext *context;
  GObject *source;
  EnlargeCompareResultFunc on_result;
} CompareData;

static void
compare_data_free (CompareData *d)
{
  for (guint i = 0; i < d->n_entries; i++)
    {
      g_free ((char *) d->entries[i].model);
      g_clear_pointer (&d->entries[i].net, enlarge_net_unref);
    }
  g_free (d->entries);
  g_free (d->device);
  g_clear_pointer (&d->input, enlarge_image_unref);
  g_clear_pointer (&d->context, g_main_context_unref);
  g_clear_object (&d->source);
  g_free (d);
}

typedef struct {
  GObject *source;
  EnlargeCompareResultFunc on_result;
  EnlargeCompareResult *result;
} CompareDelivery;

static void
compare_delivery_free (CompareDelivery *d)
{
  g_clear_object (&d->source);
  g_clear_pointer (&d->result, enlarge_compare_result_free);
  g_free (d);
}

static gboolean
deliver_result (gpointer data)
{
  CompareDelivery *d = data;

  d->on_result (d->source, g_steal_pointer (&d->result));
  return G_SOURCE_REMOVE;
}

/* Worker thread: hand a copy to the main context at once, so that each
 * result shows while the next one runs. */
static void
on_compare_result (const EnlargeCompareResult *result, gpointer user_data)
{
  CompareData *data = user_data;
  CompareDelivery *d = g_new0 (CompareDelivery, 1);

  d->source = g_object_ref (data->source);
  d->on_result = data->on_result;
  d->result = enlarge_compare_result_copy (result);
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, deliver_result, d,
                              (GDestroyNotify) compare_delivery_free);
}

static void
compare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  CompareData *data = task_data;
  g_autoptr (EnlargeBackend) backend = NULL;
  g_autoptr (GError) error = NULL;

  g_mutex_lock (&device_lock);
  if (g_task_return_error_if_cancelled (task))
    goto out;
  backend = get_backend (data->device, &error);
  if (backend == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      goto out;
    }
  for (guint i = 0; i < data->n_entries; i++)
    {
      data->entries[i].net = get_net (data->entries[i].model, &error);
      if (data->entries[i].net == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          goto out;
        }
    }
  if (enlarge_compare_run (backend, data->entries, data->n_entries, data->input, &data->region,
                           on_compare_result, data, NULL, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));

out:
  g_mutex_unlock (&device_lock);
}

void
enlarge_job_compare_async (GObject                   *source,
                           const char                *device,
                           const EnlargeCompareEntry *entries,
                           guint                      n_entries,
                           const EnlargeImage        *input,
                           const EnlargeRect         *region,
                           EnlargeCompareResultFunc   on_result,
                           GCancellable              *cancellable,
                           GAsyncReadyCallback        callback,
                           gpointer                   user_data)
{
  g_autoptr (GTask) task = NULL;
  CompareData *data = g_new0 (CompareData, 1);

  g_return_if_fail (G_IS_OBJECT (source));
  g_return_if_fail (input != NULL && region != NULL && on_result != NULL);

  data->device = g_strdup (device);
  data->entries = g_new0 (EnlargeCompareEntry, MAX (n_entries, 1));
  data->n_entries = n_entries;
  for (guint i = 0; i < n_entries; i++)
    {
      data->entries[i].model = g_strdup (entries[i].model);
      data->entries[i].settings = entries[i].settings;
    }
  /* the window may replace its image while this runs */
  data->input = enlarge_image_ref ((EnlargeImage *) input);
  data->region = *region;
  data->context = g_main_context_ref_thread_default ();
  data->source = g_object_ref (source);
  data->on_result = on_result;

  task = g_task_new (source, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlarge_job_compare_async);
  g_task_set_task_data (task, data, (GDestroyNotify) compare_data_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, compare_thread);
}

gboolean
enlarge_job_compare_finish (GObject       *source,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- region preview ------------------------------------------------------ */

typedef struct {
  EnlargeJobSettings *settings;
  EnlargeImage *input;
  EnlargeRect region;
  EnlargeRect output_rect;   /* filled in on the worker */
  double seconds;
} PreviewData;

static void
preview_data_free (PreviewData *d)
{
  enlarge_job_settings_free (d->settings);
  g_clear_pointer (&d->input, enlarge_image_unref);
  g_free (d);
}

static void
preview_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PreviewData *data = task_data;
  EnlargeUpscaleOptions options = ENLARGE_UPSCALE_OPTIONS_INIT;
  EnlargeSettings s = engine_settings (data->settings);
  g_autoptr (EnlargeBackend) backend = NULL;
  g_autoptr (EnlargeNet) net = NULL;
  g_autoptr (GError) error = NULL;
  EnlargeImage *image;
  gint64 start;

  g_mutex_lock (&device_lock);
  if (g_task_return_error_if_cancelled (task))
    goto out;
  backend = get_backend (data->settings->device, &error);
  if (backend != NULL && data->settings->model != NULL)
    net = get_net (data->settings->model, &error);
  else if (backend != NULL)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("No model selected"));
  if (net == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      goto out;
    }
  options.tile_size = data->settings->tile_size;
  start = g_get_monotonic_time ();
  image = enlarge_region_preview (backend, net, &s, data->input, &data->region, &options,
                                  &data->output_rect, cancellable, &error);
  data->seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  if (image == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, image, (GDestroyNotify) enlarge_image_unref);

out:
  g_mutex_unlock (&device_lock);
}

void
enlarge_job_preview_async (GObject                  *source,
                           const EnlargeJobSettings *settings,
                           const EnlargeImage       *input,
                           const EnlargeRect        *region,
                           GCancellable             *cancellable,
                           GAsyncReadyCallback       callback,
                           gpointer                  user_data)
{
  g_autoptr (GTask) task = NULL;
  PreviewData *data;

  g_return_if_fail (G_IS_OBJECT (source));
  g_return_if_fail (settings != NULL && input != NULL && region != NULL);

  data = g_new0 (PreviewData, 1);
  data->settings = enlarge_job_settings_copy (settings);
  /* the window may replace its image while this runs */
  data->input = enlarge_image_ref ((EnlargeImage *) input);
  data->region = *region;

  task = g_task_new (source, cancellable, callback, user_data);
  g_task_set_source_tag (task, enlarge_job_preview_async);
  g_task_set_task_data (task, data, (GDestroyNotify) preview_data_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, preview_thread);
}

EnlargeImage *
enlarge_job_preview_finish (GObject       *source,
                            GAsyncResult  *result,
                            EnlargeRect   *output_rect,
                            double        *seconds,
                            GError       **error)
{
  PreviewData *data;
  EnlargeImage *image;

  g_return_val_if_fail (g_task_is_valid (result, source), NULL);
  image = g_task_propagate_pointer (G_TASK (result), error);
  data = g_task_get_task_data (G_TASK (result));
  if (image != NULL && output_rect != NULL)
    *output_rect = data->output_rect;
  if (image != NULL && seconds != NULL)
    *seconds = data->seconds;
  return image;
}
