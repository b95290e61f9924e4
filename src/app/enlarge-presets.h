#pragma once

#include <glib.h>

#include "enlarge.h"

G_BEGIN_DECLS

/* A use-case preset as the app shows it: the engine's values (model and
 * starting values for the sliders, enlarge_preset_lookup) with a
 * translatable title and description. */
typedef struct {
  const char *id;
  const char *title;        /* translatable, N_() */
  const char *description;  /* what it is for, one line, N_() */
  const char *model;
  double creativity;
  double target_mp;         /* 0 = leave the input's size */
} EnlargeAppPreset;

#define ENLARGE_PRESET_CUSTOM "custom"

/* The presets in display order, followed by "custom" (model NULL). */
const EnlargeAppPreset *enlarge_app_presets_get (guint *n_presets);
const EnlargeAppPreset *enlarge_app_preset_lookup (const char *id);
/* The index of @id in enlarge_app_presets_get(), or the custom entry's. */
guint enlarge_app_preset_index (const char *id);

/* A preset suggested by what @image looks like: "illustration" for
 * transparency or a few flat colours, "text" for dark strokes on a plain
 * light ground, NULL when it cannot tell (a photo: faces are not
 * detected, the user's choice stays). Looks at a sample of at most 64 k
 * pixels, so it is quick on any size. */
const char *enlarge_app_preset_suggest (const EnlargeImage *image);

G_END_DECLS
