#pragma once

#include <adwaita.h>

#include "enlarge-queue-item.h"

G_BEGIN_DECLS

/* A queue entry in the sidebar: the file's name, what is happening to it
 * (or its output, or why it failed) and an icon for its state, following
 * the item as it changes. */
#define ENLARGE_TYPE_QUEUE_ROW (enlarge_queue_row_get_type ())
G_DECLARE_FINAL_TYPE (EnlargeQueueRow, enlarge_queue_row, ENLARGE, QUEUE_ROW, AdwActionRow)

GtkWidget        *enlarge_queue_row_new      (EnlargeQueueItem *item);
EnlargeQueueItem *enlarge_queue_row_get_item (EnlargeQueueRow  *self);
/* The thumbnail, NULL until it is loaded (or when the file is no image). */
GdkPaintable     *enlarge_queue_row_get_thumbnail (EnlargeQueueRow *self);

G_END_DECLS
