#pragma once

/* What the architecture importers share: the state dict being read, the
 * tensors taken from it, and the lookups that name a missing or
 * misshapen tensor in their errors. One file per architecture
 * (enlarge-import-NAME.c) builds on these. */

#include "enlarge-net.h"
#include "enlarge-weights.h"

G_BEGIN_DECLS

typedef struct {
  EnlargeWeights *w;
  const char *name;      /* the file, for messages */
  GHashTable *used;      /* the names of the tensors the network took */
} EnlargeImporter;

const EnlargeWeightsTensor *enlarge_importer_find (const EnlargeImporter *im, const char *key);

/* The values of @key as floats (g_free them), which must have the given
 * shape; NULL and ENLARGE_ERROR_WEIGHT_MISMATCH naming the key if it is
 * missing or has another shape. The tensor counts as used. */
float *enlarge_importer_take (const EnlargeImporter *im, const char *key, guint n_dims,
                              const gint64 *shape, GError **error);

/* A 4-D weight's dimension @dim, or -1 */
gint64 enlarge_importer_dim (const EnlargeImporter *im, const char *key, guint dim);

/* SPAN (enlarge-import-span.c); recognised by conv_1 and block_1.c1_r */
gboolean    enlarge_import_is_span (const EnlargeImporter *im);
EnlargeNet *enlarge_import_span (const EnlargeImporter *im, GError **error);

/* SwinIR (enlarge-import-swinir.c); recognised by conv_first and the
 * first Swin block's norm1, attention table and mlp.fc1 */
gboolean    enlarge_import_is_swinir (const EnlargeImporter *im);
EnlargeNet *enlarge_import_swinir (const EnlargeImporter *im, GError **error);

G_END_DECLS
