#pragma once

/* An allow-listed unpickler for PyTorch state dicts.
 *
 * It understands the opcodes torch.save emits for a state dict and the
 * few globals that make one (OrderedDict, the tensor and parameter
 * rebuilders, the typed storage classes) and refuses everything else,
 * naming the opcode or global: nothing from the file is ever executed or
 * looked up by name. Tensors come out as descriptions (storage key,
 * offset, shape, stride); the caller finds their bytes. */

#include "enlarge-weights-private.h"

G_BEGIN_DECLS

typedef enum {
  PV_NONE,
  PV_BOOL,
  PV_INT,
  PV_FLOAT,
  PV_STR,
  PV_TUPLE,
  PV_LIST,
  PV_DICT,       /* items: key, value, key, value… in insertion order */
  PV_GLOBAL,     /* one of the allow-listed callables or storage types */
  PV_STORAGE,
  PV_TENSOR,
} PklKind;

typedef enum {
  PG_ORDERED_DICT,
  PG_REBUILD_TENSOR,         /* _rebuild_tensor and _rebuild_tensor_v2 */
  PG_REBUILD_PARAMETER,      /* _rebuild_parameter(_with_state) */
  PG_STORAGE_TYPE,
} PklGlobalKind;

typedef struct _PklValue PklValue;

struct _PklValue {
  PklKind kind;
  union {
    gint64 i;                /* PV_BOOL, PV_INT */
    double f;
    char *str;               /* NUL-terminated, valid UTF-8, no NULs inside */
    GPtrArray *items;        /* PV_TUPLE, PV_LIST, PV_DICT; not owning */
    struct {
      PklGlobalKind kind;
      EnlargeDtype dtype;    /* PG_STORAGE_TYPE */
    } global;
    struct {
      EnlargeDtype dtype;
      char *key;
      gint64 numel;
      const guint8 *data;    /* found by the caller; NULL until then */
    } storage;
    struct {
      PklValue *storage;
      gint64 offset;
      guint n_dims;
      gint64 shape[ENLARGE_WEIGHTS_MAX_DIMS];
      gint64 stride[ENLARGE_WEIGHTS_MAX_DIMS];
    } tensor;
  };
};

/* Owns every value of one or more pickles (values point at each other
 * freely, cycles included, so they are freed all at once). */
typedef struct _Pkl Pkl;

Pkl  *pkl_new (void);
void  pkl_free (Pkl *pkl);

/* Unpickles the stream at @data (@len bytes at most) and returns its value;
 * *@consumed is set to the bytes up to and including STOP. @base is the
 * stream's offset in the file, for messages. */
PklValue *pkl_load (Pkl *pkl, const guint8 *data, gsize len, gsize base,
                    gsize *consumed, GError **error);

/* The storages the pickles referred to, by key, in first-seen order. */
GPtrArray *pkl_storages (Pkl *pkl);
PklValue  *pkl_lookup_storage (Pkl *pkl, const char *key);

/* Finds the bytes of @storage (numel elements) and sets storage.data, or
 * fails naming @tensor, the first tensor that uses it. */
typedef gboolean (*PklResolve) (gpointer user_data, PklValue *storage, const char *tensor,
                                GError **error);

/* Unwraps checkpoint wrappers around the state dict in @root and adds its
 * tensors to @weights in order, calling @resolve (if not NULL) for each
 * storage whose data is not set yet. */
gboolean pkl_add_state_dict (Pkl *pkl, PklValue *root, EnlargeWeights *weights,
                             PklResolve resolve, gpointer user_data, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pkl, pkl_free)

G_END_DECLS
