/* enlarge-presets.c: the use-case presets as the app shows them.
 *
 * The values (model, creativity, target size) are the engine's, listed
 * once in enlarge_preset_list; this table only adds translatable titles,
 * descriptions and the display order. */

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "enlarge-presets.h"
#include "enlarge.h"

static const EnlargeAppPreset presets[] = {
  { "portrait", N_("Portrait"),
    N_("Faces and skin: natural detail, a little added texture") },
  { "product", N_("Product Photography"),
    N_("Objects and packaging: faithful, clean edges, nothing invented") },
  { "landscape", N_("Landscape"),
    N_("Nature and cities: richer texture in leaves, rock and water") },
  { "illustration", N_("Illustration"),
    N_("Drawings, anime, logos and flat colours") },
  { "ai-generated", N_("AI-Generated Image"),
    N_("Pictures from image generators, made smaller first") },
  { "text", N_("Text and Screenshots"),
    N_("Screenshots, documents and text: sharp letters") },
  { ENLARGE_PRESET_CUSTOM, N_("Custom"),
    N_("Your own model and sliders"), NULL, 0.50, 0.0 },
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

/* 5 bits a channel: flat areas of a drawing fall into one bucket, the
 * noise of a photo into many */
#define BUCKET(p) ((((p)[0] >> 3) << 10) | (((p)[1] >> 3) << 5) | ((p)[2] >> 3))

const char *
enlarge_app_preset_suggest (const EnlargeImage *image16)
{
  /* the thresholds below are in 8-bit levels */
  g_autoptr (EnlargeImage) image = enlarge_image_convert_depth (image16, 8, NULL);
  if (image == NULL)
    return NULL;
  gint64 n_pixels = (gint64) image->width * image->height;
  int step = (int) MAX (1, ceil (sqrt ((double) n_pixels / 65536.0)));
  g_autofree guint32 *counts = g_new0 (guint32, 1 << 15);
  guint histogram[256] = { 0 };
  guint sampled = 0, transparent = 0, gray = 0, n_colours = 0, top = 0, median = 0;
  guint near_ground = 0, ink = 0, acc = 0;
  guint32 best[8] = { 0 };

  for (int y = 0; y < image->height; y += step)
    for (int x = 0; x < image->width; x += step)
      {
        const guint8 *p = enlarge_image_pixel (image, x, y);
        int lo = MIN (p[0], MIN (p[1], p[2])), hi = MAX (p[0], MAX (p[1], p[2]));

        sampled++;
        if (image->n_channels == 4 && p[3] < 250)
          transparent++;
        if (hi - lo < 20)
          gray++;
        if (counts[BUCKET (p)]++ == 0)
          n_colours++;
        histogram[(p[0] * 77 + p[1] * 150 + p[2] * 29) >> 8]++;
      }
  if (sampled == 0)
    return NULL;

  /* a logo or a sticker: part of it is see-through */
  if (transparent > sampled / 100)
    return "illustration";

  /* text: nearly gray, most pixels close to one light ground, some dark ink */
  for (median = 0; median < 256; median++)
    if ((acc += histogram[median]) >= sampled / 2)
      break;
  for (int v = 0; v < 256; v++)
    {
      if (ABS (v - (int) median) <= 25)
        near_ground += histogram[v];
      if (v < (int) median - 60)
        ink += histogram[v];
    }
  if (gray >= sampled * 97 / 100 && median >= 128 && near_ground >= sampled * 6 / 10 &&
      ink >= sampled * 15 / 1000)
    return "text";

  /* flat colours: few of them, and the eight commonest cover three
   * quarters of the pixels (a smooth photo of a cup: 57 %) */
  for (guint i = 0; i < 1 << 15; i++)
    for (guint j = 0; j < G_N_ELEMENTS (best); j++)
      if (counts[i] > best[j])
        {
          memmove (best + j + 1, best + j, (G_N_ELEMENTS (best) - j - 1) * sizeof best[0]);
          best[j] = counts[i];
          break;
        }
  for (guint j = 0; j < G_N_ELEMENTS (best); j++)
    top += best[j];
  if (n_colours < 512 && top > sampled * 3 / 4)
    return "illustration";
  return NULL;
}
