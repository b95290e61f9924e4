/* enlarge-presets.c: the use-case presets as the app shows them.
 *
 * The values (model, creativity, target size) are the engine's
 * (enlarge_preset_list); this table only adds translatable titles and the
 * display order, and checks at start-up that both agree. */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "enlarge-presets.h"
#include "enlarge.h"

static const EnlargeAppPreset presets[] = {
  { "portrait", N_("Portrait"),
    N_("Faces and skin: natural detail, a little added texture"),
    "realesrgan-x4plus",       0.55, 0.0 },
  { "product", N_("Product Photography"),
    N_("Objects and packaging: faithful, clean edges, nothing invented"),
    "realesrgan-x4plus",       0.30, 0.0 },
  { "landscape", N_("Landscape"),
    N_("Nature and cities: richer texture in leaves, rock and water"),
    "realesrgan-x4plus",       0.60, 0.0 },
  { "illustration", N_("Illustration"),
    N_("Drawings, anime, logos and flat colours"),
    "realesr-animevideov3-x4", 0.35, 0.0 },
  { "ai-generated", N_("AI-Generated Image"),
    N_("Pictures from image generators, made smaller first"),
    "realesrgan-x4plus",       0.50, 0.35 },
  { "text", N_("Text and Screenshots"),
    N_("Screenshots, documents and text: sharp letters"),
    "realesrgan-x4fast",       0.25, 0.0 },
  { ENLARGE_PRESET_CUSTOM, N_("Custom"),
    N_("Your own model and sliders"),
    NULL,                      0.50, 0.0 },
};

static EnlargeAppPreset merged[G_N_ELEMENTS (presets)];

const EnlargeAppPreset *
enlarge_app_presets_get (guint *n_presets)
{
  static gsize once;

  /* fill in the engine's values once; titles stay the translatable ones */
  if (g_once_init_enter (&once))
    {
      for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
        {
          const EnlargePreset *p = enlarge_preset_lookup (presets[i].id);
          merged[i] = presets[i];
          if (p != NULL)
            {
              merged[i].model = p->model;
              merged[i].creativity = p->creativity;
              merged[i].target_mp = p->target_mp;
            }
        }
      g_once_init_leave (&once, 1);
    }
  *n_presets = G_N_ELEMENTS (merged);
  return merged;
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
  guint n;
  const EnlargeAppPreset *list = enlarge_app_presets_get (&n);

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (list[i].id, id) == 0)
      return &list[i];
  return NULL;
}
