/* Writes state dicts as safetensors, PyTorch zip and legacy PyTorch files,
 * byte for byte the way safetensors and torch.save lay them out, so the
 * weight readers are tested without Python or torch: the reader tests use
 * it for fixtures with known contents and as fuzzing seeds; the importer
 * tests can use it to write an ncnn model's weights in PyTorch layouts. */

#pragma once

#include "enlarge-weights.h"

G_BEGIN_DECLS

typedef struct {
  char *name;
  EnlargeDtype dtype;
  guint n_dims;
  gint64 shape[ENLARGE_WEIGHTS_MAX_DIMS];
  float *values;          /* numel values in row-major order */
  /* Pickle formats only: */
  gboolean transposed;    /* 2-D, stored column-major with stride (1, rows) */
  gboolean parameter;     /* wrapped in torch._utils._rebuild_parameter */
  gboolean shared;        /* stored after the previous tensor, in its storage */
} WwTensor;

/* Where the state dict sits in the checkpoint (pickle formats). */
typedef enum {
  WW_WRAP_NONE,           /* the OrderedDict itself, as torch.save(state_dict) */
  WW_WRAP_PARAMS_EMA,     /* {"params": {...decoy}, "params_ema": sd, "iter": 5} */
  WW_WRAP_STATE_DICT,     /* {"epoch": 3, "state_dict": sd, "optimizer": {}} */
  WW_WRAP_NESTED,         /* {"generator": {"model": sd, "note": "..."}} */
} WwWrap;

typedef struct {
  WwWrap wrap;
  const char *prefix;     /* put before every name, e.g. "module." */
  gboolean protocol4;     /* FRAME, SHORT_BINUNICODE, STACK_GLOBAL, MEMOIZE */
  gboolean deflate;       /* zip: deflated entries instead of stored ones */
  gboolean zip64;         /* zip: 32-bit fields set to all ones, values in zip64 records */
  gboolean reverse_data;  /* safetensors data / legacy storages in reverse order */
} WwOptions;

typedef struct {
  GPtrArray *tensors;     /* WwTensor *, owned */
} WwDict;

WwDict *ww_dict_new (void);
void    ww_dict_free (WwDict *dict);

/* Adds a tensor with @n_dims dimensions given as the trailing gint64s;
 * its values are @values (copied) or, when NULL, a known pattern. */
WwTensor *ww_dict_add (WwDict *dict, const char *name, EnlargeDtype dtype,
                       const float *values, guint n_dims, ...);

gsize ww_tensor_numel (const WwTensor *t);

/* The values of the tensor called @prefix@suffix (a test's own dict:
 * a missing one is a fatal error) */
const float *ww_dict_get (const WwDict *d, const char *prefix, const char *suffix);

/* The value @t holds after a round trip through its dtype. */
float ww_stored_value (const WwTensor *t, gsize i);

GBytes *ww_write_safetensors (const WwDict *dict, const WwOptions *options);
GBytes *ww_write_torch_zip (const WwDict *dict, const WwOptions *options);
GBytes *ww_write_torch_legacy (const WwDict *dict, const WwOptions *options);

/* ---- pieces for hand-made malformed files ---- */

/* The data.pkl ww_write_torch_zip writes, and a zip with another one. */
GBytes *ww_pickle_state_dict (const WwDict *dict, const WwOptions *options);
GBytes *ww_write_torch_zip_pickle (const WwDict *dict, const WwOptions *options, GBytes *pickle);

/* A stored zip of @n entries (names and contents), torch's layout. */
GBytes *ww_zip (const char *const *names, GBytes *const *contents, guint n, const WwOptions *options);

guint16 ww_f32_to_f16 (float f);
guint16 ww_f32_to_bf16 (float f);

/* ---- the standard fixtures ---- */

/* Each dtype, a scalar, an empty tensor, and (pickle formats) a Parameter,
 * two tensors sharing a storage and a transposed view. */
WwDict *ww_sample_dict (void);

/* Wrappers, prefixes, protocol 4, zip64, deflate, reordered data. */
extern const WwOptions ww_sample_variants[];
extern const guint ww_n_sample_variants;

/* ww_sample_dict in each variant and format as DIR/fixtureN.{zip.pth,
 * legacy.pth,safetensors}, and DIR/expected.txt: one line per tensor,
 * "name dtype value…", the values as stored. */
gboolean ww_write_fixtures (const char *dir, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WwDict, ww_dict_free)

G_END_DECLS
