/* enlarge-queue-item.c: one file of the queue. A GObject rather than a
 * plain struct so that the list box rows can follow it through notify,
 * and so that a save finishing after Cancel (which holds a reference)
 * still marks its entry done. */

#include "config.h"

#include "enlarge-queue-item.h"

G_DEFINE_ENUM_TYPE (EnlargeQueueState, enlarge_queue_state,
  G_DEFINE_ENUM_VALUE (ENLARGE_QUEUE_WAITING, "waiting"),
  G_DEFINE_ENUM_VALUE (ENLARGE_QUEUE_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (ENLARGE_QUEUE_DONE, "done"),
  G_DEFINE_ENUM_VALUE (ENLARGE_QUEUE_FAILED, "failed"))

struct _EnlargeQueueItem
{
  GObject parent_instance;

  GFile             *file;
  EnlargeQueueState  state;
  double             progress;
  gboolean           saving;
  char              *detail;
  GFile             *output;
};

G_DEFINE_FINAL_TYPE (EnlargeQueueItem, enlarge_queue_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FILE,
  PROP_STATE,
  PROP_PROGRESS,
  PROP_SAVING,
  PROP_DETAIL,
  PROP_OUTPUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
enlarge_queue_item_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  EnlargeQueueItem *self = ENLARGE_QUEUE_ITEM (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_SAVING:
      g_value_set_boolean (value, self->saving);
      break;
    case PROP_DETAIL:
      g_value_set_string (value, self->detail);
      break;
    case PROP_OUTPUT:
      g_value_set_object (value, self->output);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlarge_queue_item_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  EnlargeQueueItem *self = ENLARGE_QUEUE_ITEM (object);

  switch (prop_id)
    {
    case PROP_FILE:
      self->file = g_value_dup_object (value);
      break;
    case PROP_STATE:
      enlarge_queue_item_set_state (self, g_value_get_enum (value));
      break;
    case PROP_PROGRESS:
      enlarge_queue_item_set_progress (self, g_value_get_double (value));
      break;
    case PROP_SAVING:
      enlarge_queue_item_set_saving (self, g_value_get_boolean (value));
      break;
    case PROP_DETAIL:
      enlarge_queue_item_set_detail (self, g_value_get_string (value));
      break;
    case PROP_OUTPUT:
      enlarge_queue_item_set_output (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enlarge_queue_item_finalize (GObject *object)
{
  EnlargeQueueItem *self = ENLARGE_QUEUE_ITEM (object);

  g_clear_object (&self->file);
  g_clear_object (&self->output);
  g_clear_pointer (&self->detail, g_free);

  G_OBJECT_CLASS (enlarge_queue_item_parent_class)->finalize (object);
}

static void
enlarge_queue_item_class_init (EnlargeQueueItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = enlarge_queue_item_get_property;
  object_class->set_property = enlarge_queue_item_set_property;
  object_class->finalize = enlarge_queue_item_finalize;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, ENLARGE_TYPE_QUEUE_STATE, ENLARGE_QUEUE_WAITING,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0, 1, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SAVING] =
    g_param_spec_boolean ("saving", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DETAIL] =
    g_param_spec_string ("detail", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OUTPUT] =
    g_param_spec_object ("output", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
enlarge_queue_item_init (EnlargeQueueItem *self)
{
  self->state = ENLARGE_QUEUE_WAITING;
}

EnlargeQueueItem *
enlarge_queue_item_new (GFile *file)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  return g_object_new (ENLARGE_TYPE_QUEUE_ITEM, "file", file, NULL);
}

GFile *
enlarge_queue_item_get_file (EnlargeQueueItem *self)
{
  g_return_val_if_fail (ENLARGE_IS_QUEUE_ITEM (self), NULL);
  return self->file;
}

EnlargeQueueState
enlarge_queue_item_get_state (EnlargeQueueItem *self)
{
  g_return_val_if_fail (ENLARGE_IS_QUEUE_ITEM (self), ENLARGE_QUEUE_FAILED);
  return self->state;
}

void
enlarge_queue_item_set_state (EnlargeQueueItem *self,
                              EnlargeQueueState state)
{
  g_return_if_fail (ENLARGE_IS_QUEUE_ITEM (self));

  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

double
enlarge_queue_item_get_progress (EnlargeQueueItem *self)
{
  g_return_val_if_fail (ENLARGE_IS_QUEUE_ITEM (self), 0);
  return self->progress;
}

void
enlarge_queue_item_set_progress (EnlargeQueueItem *self,
                                 double            progress)
{
  g_return_if_fail (ENLARGE_IS_QUEUE_ITEM (self));

  if (self->progress == progress)
    return;
  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

gboolean
enlarge_queue_item_get_saving (EnlargeQueueItem *self)
{
  g_return_val_if_fail (ENLARGE_IS_QUEUE_ITEM (self), FALSE);
  return self->saving;
}

void
enlarge_queue_item_set_saving (EnlargeQueueItem *self,
                               gboolean          saving)
{
  g_return_if_fail (ENLARGE_IS_QUEUE_ITEM (self));

  saving = !!saving;
  if (self->saving == saving)
    return;
  self->saving = saving;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVING]);
}

const char *
enlarge_queue_item_get_detail (EnlargeQueueItem *self)
{
  g_return_val_if_fail (ENLARGE_IS_QUEUE_ITEM (self), NULL);
  return self->detail;
}

void
enlarge_queue_item_set_detail (EnlargeQueueItem *self,
                               const char       *detail)
{
  g_return_if_fail (ENLARGE_IS_QUEUE_ITEM (self));

  /* g_set_str() is GLib 2.76; Debian 12 has 2.74 */
  if (g_strcmp0 (self->detail, detail) == 0)
    return;
  g_free (self->detail);
  self->detail = g_strdup (detail);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DETAIL]);
}

GFile *
enlarge_queue_item_get_output (EnlargeQueueItem *self)
{
  g_return_val_if_fail (ENLARGE_IS_QUEUE_ITEM (self), NULL);
  return self->output;
}

void
enlarge_queue_item_set_output (EnlargeQueueItem *self,
                               GFile            *output)
{
  g_return_if_fail (ENLARGE_IS_QUEUE_ITEM (self));

  if (g_set_object (&self->output, output))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTPUT]);
}
