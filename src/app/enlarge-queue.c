/* enlarge-queue.c: the queue of several files and "Upscale All": loads
 * each waiting file, runs it through an EnlargeJob and saves the result,
 * one file at a time. The window shows the entries (as a GListModel) and
 * follows the batch through signals. */

#include "config.h"

#include <glib/gi18n.h>

#include "enlarge-file-io.h"
#include "enlarge-queue.h"

struct _EnlargeQueue
{
  GObject parent_instance;

  GSettings *settings;
  GPtrArray *items;                      /* EnlargeQueueItem */
  gboolean   has_work;

  /* the batch */
  GCancellable       *cancellable;       /* set while the batch runs */
  EnlargeJobSettings *job_settings;
  EnlargeJobSlot      job;
  EnlargeQueueItem   *item;              /* the one running */
  guint               done;
  guint               failed;
};

static void enlarge_queue_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (EnlargeQueue, enlarge_queue, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      enlarge_queue_list_model_init))

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_HAS_WORK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ITEM_STARTED,
  ITEM_PROGRESS,
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- GListModel ---------------------------------------------------------- */

static GType
enlarge_queue_get_item_type (GListModel *model)
{
  return ENLARGE_TYPE_QUEUE_ITEM;
}

static guint
enlarge_queue_get_n_items (GListModel *model)
{
  return ENLARGE_QUEUE (model)->items->len;
}

static gpointer
enlarge_queue_list_get_item (GListModel *model,
                             guint       position)
{
  EnlargeQueue *self = ENLARGE_QUEUE (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
enlarge_queue_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = enlarge_queue_get_item_type;
  iface->get_n_items = enlarge_queue_get_n_items;
  iface->get_item = enlarge_queue_list_get_item;
}

/* ---- state --------------------------------------------------------------- */

/* has-work follows the entries' states; called after each change. */
static void
sync_has_work (EnlargeQueue *self)
{
  gboolean has_work = FALSE;

  for (guint i = 0; i < self->items->len; i++)
    if (enlarge_queue_item_get_state (g_ptr_array_index (self->items, i)) != ENLARGE_QUEUE_DONE)
      has_work = TRUE;
  if (has_work == self->has_work)
    return;
  self->has_work = has_work;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_WORK]);
}

static void
set_state (EnlargeQueue      *self,
           EnlargeQueueItem  *item,
           EnlargeQueueState  state)
{
  enlarge_queue_item_set_state (item, state);
  sync_has_work (self);
}

/* ---- the batch ----------------------------------------------------------- */

static void batch_next (EnlargeQueue *self);

static void
item_failed (EnlargeQueue *self,
             const char   *reason)
{
  EnlargeQueueItem *item = self->item;

  g_object_freeze_notify (G_OBJECT (item));
  enlarge_queue_item_set_saving (item, FALSE);
  enlarge_queue_item_set_detail (item, reason);
  set_state (self, item, ENLARGE_QUEUE_FAILED);
  g_object_thaw_notify (G_OBJECT (item));
  self->failed++;
  self->item = NULL;
}

static void
batch_finish (EnlargeQueue *self)
{
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->job_settings, enlarge_job_settings_free);
  self->item = NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[FINISHED], 0, self->done, self->failed);
}

static void
on_saved (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  EnlargeQueue *self = ENLARGE_QUEUE (source);
  /* held by the save: one that finishes after Cancel still marks its entry */
  g_autoptr (EnlargeQueueItem) item = user_data;
  gboolean current = g_task_get_cancellable (G_TASK (res)) == self->cancellable &&
                     self->item == item;
  g_autoptr (GError) error = NULL;

  if (enlarge_file_io_save_finish (res, &error))
    {
      GFile *file = enlarge_file_io_save_get_file (res);
      g_autofree char *name = enlarge_file_io_display_name (file);

      /* saved even when Cancel came meanwhile: finished files stay */
      g_object_freeze_notify (G_OBJECT (item));
      enlarge_queue_item_set_saving (item, FALSE);
      enlarge_queue_item_set_output (item, file);
      enlarge_queue_item_set_detail (item, name);
      set_state (self, item, ENLARGE_QUEUE_DONE);
      g_object_thaw_notify (G_OBJECT (item));
      if (current)
        {
          self->done++;
          self->item = NULL;
        }
    }
  else if (current)
    item_failed (self, error->message);
  else if (enlarge_queue_item_get_state (item) == ENLARGE_QUEUE_RUNNING)
    {
      /* cancelled while saving, and the save failed: it waits again */
      g_object_freeze_notify (G_OBJECT (item));
      enlarge_queue_item_set_saving (item, FALSE);
      set_state (self, item, ENLARGE_QUEUE_WAITING);
      g_object_thaw_notify (G_OBJECT (item));
    }
  if (current)
    batch_next (self);
}

static void
on_progress (EnlargeJob   *job,
             EnlargeQueue *self)
{
  int done = enlarge_job_get_tiles_done (job);
  int total = enlarge_job_get_tiles_total (job);

  if (self->item == NULL || total <= 0)
    return;
  enlarge_queue_item_set_progress (self->item, (double) done / total);
  g_signal_emit (self, signals[ITEM_PROGRESS], 0, self->item, done, total);
}

static void
on_job_done (GObject      *owner,
             EnlargeJob   *job,
             EnlargeImage *image,
             const GError *error)
{
  EnlargeQueue *self = ENLARGE_QUEUE (owner);
  g_autoptr (EnlargeImage) result = image;
  g_autoptr (GFile) output = NULL;

  if (result == NULL)
    {
      item_failed (self, error->message);
      batch_next (self);
      return;
    }

  output = enlarge_file_io_output_file_for (self->settings,
                                            enlarge_queue_item_get_file (self->item),
                                            enlarge_job_settings_effective_scale (self->job_settings),
                                            self->job_settings->model);
  enlarge_queue_item_set_saving (self->item, TRUE);
  enlarge_file_io_save_input_async (self, self->settings, output,
                                    enlarge_queue_item_get_file (self->item), result,
                                    self->cancellable, on_saved, g_object_ref (self->item));
}

static void
on_loaded (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  EnlargeQueue *self = ENLARGE_QUEUE (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) image = enlarge_file_io_load_finish (res, NULL, &error);

  if (g_task_get_cancellable (G_TASK (res)) != self->cancellable || self->item == NULL)
    return;  /* cancelled */
  if (image == NULL)
    {
      /* the reason is in the user's words already */
      item_failed (self, error->message);
      batch_next (self);
      return;
    }

  enlarge_job_slot_start (&self->job, G_OBJECT (self), self->job_settings, image,
                          self->cancellable, G_CALLBACK (on_progress), on_job_done);
}

/* Starts the next waiting entry, or ends the batch. */
static void
batch_next (EnlargeQueue *self)
{
  EnlargeQueueItem *item = NULL;
  guint index = 0, n = self->items->len;

  for (guint i = 0; i < n && item == NULL; i++)
    if (enlarge_queue_item_get_state (g_ptr_array_index (self->items, i)) == ENLARGE_QUEUE_WAITING)
      {
        item = g_ptr_array_index (self->items, i);
        index = i;
      }
  if (item == NULL)
    {
      batch_finish (self);
      return;
    }

  self->item = item;
  g_object_freeze_notify (G_OBJECT (item));
  enlarge_queue_item_set_progress (item, 0);
  enlarge_queue_item_set_saving (item, FALSE);
  set_state (self, item, ENLARGE_QUEUE_RUNNING);
  g_object_thaw_notify (G_OBJECT (item));
  g_signal_emit (self, signals[ITEM_STARTED], 0, item, index, n);

  enlarge_file_io_load_async (self, enlarge_queue_item_get_file (item), NULL, NULL,
                              self->cancellable, on_loaded, NULL);
}

void
enlarge_queue_run (EnlargeQueue             *self,
                   const EnlargeJobSettings *settings)
{
  g_return_if_fail (ENLARGE_IS_QUEUE (self));
  g_return_if_fail (settings != NULL && settings->model != NULL);

  if (self->cancellable != NULL)
    return;
  self->job_settings = enlarge_job_settings_copy (settings);
  for (guint i = 0; i < self->items->len; i++)
    {
      EnlargeQueueItem *item = g_ptr_array_index (self->items, i);
      if (enlarge_queue_item_get_state (item) == ENLARGE_QUEUE_FAILED)
        set_state (self, item, ENLARGE_QUEUE_WAITING);
    }
  self->done = self->failed = 0;
  self->cancellable = g_cancellable_new ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  batch_next (self);
}

void
enlarge_queue_cancel (EnlargeQueue *self)
{
  g_return_if_fail (ENLARGE_IS_QUEUE (self));

  if (self->cancellable == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  enlarge_job_slot_stop (&self->job);
  if (self->item && enlarge_queue_item_get_state (self->item) == ENLARGE_QUEUE_RUNNING &&
      !enlarge_queue_item_get_saving (self->item))
    set_state (self, self->item, ENLARGE_QUEUE_WAITING);
  self->item = NULL;
  g_clear_pointer (&self->job_settings, enlarge_job_settings_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

gboolean
enlarge_queue_get_running (EnlargeQueue *self)
{
  g_return_val_if_fail (ENLARGE_IS_QUEUE (self), FALSE);
  return self->cancellable != NULL;
}

/* ---- the entries --------------------------------------------------------- */

EnlargeQueueItem *
enlarge_queue_add (EnlargeQueue *self,
                   GFile        *file)
{
  EnlargeQueueItem *item;

  g_return_val_if_fail (ENLARGE_IS_QUEUE (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  for (guint i = 0; i < self->items->len; i++)
    {
      item = g_ptr_array_index (self->items, i);
      if (g_file_equal (enlarge_queue_item_get_file (item), file))
        return item;
    }

  item = enlarge_queue_item_new (file);
  g_ptr_array_add (self->items, item);
  g_list_model_items_changed (G_LIST_MODEL (self), self->items->len - 1, 0, 1);
  sync_has_work (self);
  return item;
}

EnlargeQueueItem *
enlarge_queue_get_item (EnlargeQueue *self,
                        guint         position)
{
  g_return_val_if_fail (ENLARGE_IS_QUEUE (self), NULL);

  if (position >= self->items->len)
    return NULL;
  return g_ptr_array_index (self->items, position);
}

void
enlarge_queue_clear (EnlargeQueue *self)
{
  guint n;

  g_return_if_fail (ENLARGE_IS_QUEUE (self));

  n = self->items->len;
  if (self->cancellable != NULL || n == 0)
    return;
  g_ptr_array_set_size (self->items, 0);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);
  sync_has_work (self);
}

gboolean
enlarge_queue_remove (EnlargeQueue *self,
                      GFile        *file)
{
  g_return_val_if_fail (ENLARGE_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  for (guint i = 0; i < self->items->len; i++)
    {
      EnlargeQueueItem *item = g_ptr_array_index (self->items, i);

      if (!g_file_equal (enlarge_queue_item_get_file (item), file))
        continue;
      /* the entry being worked on stays until it is done or cancelled */
      if (item == self->item)
        return FALSE;
      g_ptr_array_remove_index (self->items, i);
      g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 0);
      sync_has_work (self);
      return TRUE;
    }
  return FALSE;
}

gboolean
enlarge_queue_get_has_work (EnlargeQueue *self)
{
  g_return_val_if_fail (ENLARGE_IS_QUEUE (self), FALSE);
  return self->has_work;
}

/* ---- GObject ------------------------------------------------------------- */

static void
enlarge_queue_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  EnlargeQueue *self = ENLARGE_QUEUE (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, enlarge_queue_get_running (self));
      break;
    case PROP_HAS_WORK:
      g_value_set_boolean (value, self->has_work);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlarge_queue_dispose (GObject *object)
{
  EnlargeQueue *self = ENLARGE_QUEUE (object);

  enlarge_queue_cancel (self);

  G_OBJECT_CLASS (enlarge_queue_parent_class)->dispose (object);
}

static void
enlarge_queue_finalize (GObject *object)
{
  EnlargeQueue *self = ENLARGE_QUEUE (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (enlarge_queue_parent_class)->finalize (object);
}

static void
enlarge_queue_class_init (EnlargeQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = enlarge_queue_get_property;
  object_class->dispose = enlarge_queue_dispose;
  object_class->finalize = enlarge_queue_finalize;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_WORK] =
    g_param_spec_boolean ("has-work", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ITEM_STARTED] =
    g_signal_new ("item-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  ENLARGE_TYPE_QUEUE_ITEM, G_TYPE_UINT, G_TYPE_UINT);
  signals[ITEM_PROGRESS] =
    g_signal_new ("item-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  ENLARGE_TYPE_QUEUE_ITEM, G_TYPE_INT, G_TYPE_INT);
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
enlarge_queue_init (EnlargeQueue *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

EnlargeQueue *
enlarge_queue_new (GSettings *settings)
{
  EnlargeQueue *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (ENLARGE_TYPE_QUEUE, NULL);
  self->settings = g_object_ref (settings);
  return self;
}
