#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  ENLARGE_QUEUE_WAITING,
  ENLARGE_QUEUE_RUNNING,
  ENLARGE_QUEUE_DONE,
  ENLARGE_QUEUE_FAILED,
} EnlargeQueueState;

#define ENLARGE_TYPE_QUEUE_STATE (enlarge_queue_state_get_type ())
GType enlarge_queue_state_get_type (void);

/* One file of the queue (EnlargeQueue): its state, its progress while it
 * runs, and afterwards the output or the reason it failed. Every property
 * notifies, which is what the sidebar rows follow; only the queue sets
 * them. */
#define ENLARGE_TYPE_QUEUE_ITEM (enlarge_queue_item_get_type ())
G_DECLARE_FINAL_TYPE (EnlargeQueueItem, enlarge_queue_item, ENLARGE, QUEUE_ITEM, GObject)

EnlargeQueueItem *enlarge_queue_item_new (GFile *file);

GFile            *enlarge_queue_item_get_file     (EnlargeQueueItem *self);
EnlargeQueueState enlarge_queue_item_get_state    (EnlargeQueueItem *self);
void              enlarge_queue_item_set_state    (EnlargeQueueItem *self,
                                                   EnlargeQueueState state);
/* 0 … 1 while running */
double            enlarge_queue_item_get_progress (EnlargeQueueItem *self);
void              enlarge_queue_item_set_progress (EnlargeQueueItem *self,
                                                   double            progress);
/* Running, and its result being written. */
gboolean          enlarge_queue_item_get_saving   (EnlargeQueueItem *self);
void              enlarge_queue_item_set_saving   (EnlargeQueueItem *self,
                                                   gboolean          saving);
/* The output's file name when done, the reason when failed. */
const char       *enlarge_queue_item_get_detail   (EnlargeQueueItem *self);
void              enlarge_queue_item_set_detail   (EnlargeQueueItem *self,
                                                   const char       *detail);
GFile            *enlarge_queue_item_get_output   (EnlargeQueueItem *self);
void              enlarge_queue_item_set_output   (EnlargeQueueItem *self,
                                                   GFile            *output);

G_END_DECLS
