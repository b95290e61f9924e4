/* enlarge-presets.c: the use-case presets (PRODUCT.md, "The controls"). */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "enlarge-presets.h"

static const EnlargeAppPreset presets[] = {
  { "portrait",     N_("Portrait"),              "realesrgan-x4plus",       0.55, 0.0 },
  { "product",      N_("Product Photography"),   "realesrgan-x4plus",       0.30, 0.0 },
  { "landscape",    N_("Landscape"),             "realesrgan-x4plus",       0.60, 0.0 },
  { "illustration", N_("Illustration"),          "realesr-animevideov3-x4", 0.35, 0.0 },
  { "ai-generated", N_("AI-Generated Image"),    "realesrgan-x4plus",       0.50, 0.35 },
  { "text",         N_("Text and Screenshots"),  "realesrgan-x4fast",       0.25, 0.0 },
  { ENLARGE_PRESET_CUSTOM, N_("Custom"),          NULL,                      0.50, 0.0 },
};

const EnlargeAppPreset *
enlarge_app_presets_get (guint *n_presets)
{
  *n_presets = G_N_ELEMENTS (presets);
  return presets;
}

guint
enlarge_app_preset_index (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_strcmp0 (presets[i].id, id) == 0)
      return i;
  return G_N_ELEMENTS (presets) - 1;
}

const EnlargeAppPreset *
enlarge_app_preset_lookup (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_strcmp0 (presets[i].id, id) == 0)
      return &presets[i];
  return NULL;
}
