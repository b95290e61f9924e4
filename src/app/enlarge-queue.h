#pragma once

#include <gio/gio.h>

#include "enlarge-job.h"
#include "enlarge-queue-item.h"

G_BEGIN_DECLS

/* Several files and "Upscale All": a GListModel of EnlargeQueueItem, and
 * the batch that works through the waiting ones with one EnlargeJob at a
 * time, saving each result beside its original (or in the output folder).
 *
 * Signals, for the window's progress bar and toasts:
 *   item-started  (EnlargeQueueItem *item, guint index, guint n_items)
 *   item-progress (EnlargeQueueItem *item, int tiles_done, int tiles_total)
 *   finished      (guint n_done, guint n_failed)   the batch ran to its end
 * and notify::running, notify::has-work for the window's actions. */
#define ENLARGE_TYPE_QUEUE (enlarge_queue_get_type ())
G_DECLARE_FINAL_TYPE (EnlargeQueue, enlarge_queue, ENLARGE, QUEUE, GObject)

/* @settings gives the output folder, format, quality and lossless. */
EnlargeQueue     *enlarge_queue_new          (GSettings *settings);

/* Appends @file as waiting; a file already queued is not added again.
 * Returns its entry (owned by the queue). */
EnlargeQueueItem *enlarge_queue_add          (EnlargeQueue *self,
                                              GFile        *file);
/* Entry @position, owned by the queue; NULL past the end. */
EnlargeQueueItem *enlarge_queue_get_item     (EnlargeQueue *self,
                                              guint         position);
/* Removes @file's entry, unless the batch is working on it; FALSE when
 * nothing was removed. */
gboolean          enlarge_queue_remove       (EnlargeQueue *self,
                                              GFile        *file);
/* Empties the queue; nothing happens while the batch runs. */
void              enlarge_queue_clear        (EnlargeQueue *self);
/* Whether any entry is not done yet. */
gboolean          enlarge_queue_get_has_work (EnlargeQueue *self);

/* Starts the batch with @settings (which must name a model): failed
 * entries are retried, then every waiting one runs in order. Does nothing
 * while it runs already. */
void              enlarge_queue_run          (EnlargeQueue             *self,
                                              const EnlargeJobSettings *settings);
/* Stops the batch; what was saved stays saved, the entry that was
 * running waits again. */
void              enlarge_queue_cancel       (EnlargeQueue *self);
gboolean          enlarge_queue_get_running  (EnlargeQueue *self);

G_END_DECLS
