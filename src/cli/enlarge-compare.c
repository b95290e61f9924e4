/* enlarge-cli --compare: several models on one region, as a labelled
 * contact sheet and a table (see enlarge-compare.h). */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gi18n.h>

#include "enlarge.h"
#include "enlarge-cli-common.h"
#include "enlarge-compare.h"
#include "enlarge-environment.h"

#define SUGGESTED_SIZE 64   /* small: the CPU path is slow */
#define MAX_MODELS 12
#define PAD 8
#define CAPTION 44

/* ---- a 5 × 7 pixel font ----------------------------------------------------
 *
 * Enough for model ids, numbers and units; no font library needed. Each
 * glyph is 7 rows of 5 columns, '#' = ink. Capitals other than B use the
 * small letter. */

typedef struct {
  char c;
  const char *rows[7];
} Glyph;

static const Glyph font[] = {
  { '0', { " ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### " } },
  { '1', { "  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### " } },
  { '2', { " ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####" } },
  { '3', { "#####", "   # ", "  #  ", "   # ", "    #", "#   #", " ### " } },
  { '4', { "   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # " } },
  { '5', { "#####", "#    ", "#### ", "    #", "    #", "#   #", " ### " } },
  { '6', { "  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### " } },
  { '7', { "#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   " } },
  { '8', { " ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### " } },
  { '9', { " ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  " } },
  { 'a', { "     ", "     ", " ### ", "    #", " ####", "#   #", " ####" } },
  { 'b', { "#    ", "#    ", "# ## ", "##  #", "#   #", "#   #", "#### " } },
  { 'c', { "     ", "     ", " ### ", "#    ", "#    ", "#   #", " ### " } },
  { 'd', { "    #", "    #", " ## #", "#  ##", "#   #", "#   #", " ####" } },
  { 'e', { "     ", "     ", " ### ", "#   #", "#####", "#    ", " ### " } },
  { 'f', { "  ## ", " #  #", " #   ", "###  ", " #   ", " #   ", " #   " } },
  { 'g', { "     ", "     ", " ####", "#   #", " ####", "    #", "#### " } },
  { 'h', { "#    ", "#    ", "# ## ", "##  #", "#   #", "#   #", "#   #" } },
  { 'i', { "  #  ", "     ", " ##  ", "  #  ", "  #  ", "  #  ", " ### " } },
  { 'j', { "   # ", "     ", "  ## ", "   # ", "   # ", "#  # ", " ##  " } },
  { 'k', { "#    ", "#    ", "#  # ", "# #  ", "##   ", "# #  ", "#  # " } },
  { 'l', { " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### " } },
  { 'm', { "     ", "     ", "## # ", "# # #", "# # #", "#   #", "#   #" } },
  { 'n', { "     ", "     ", "# ## ", "##  #", "#   #", "#   #", "#   #" } },
  { 'o', { "     ", "     ", " ### ", "#   #", "#   #", "#   #", " ### " } },
  { 'p', { "     ", "     ", "#### ", "#   #", "#### ", "#    ", "#    " } },
  { 'q', { "     ", "     ", " ## #", "#  ##", " ####", "    #", "    #" } },
  { 'r', { "     ", "     ", "# ## ", "##  #", "#    ", "#    ", "#    " } },
  { 's', { "     ", "     ", " ####", "#    ", " ### ", "    #", "#### " } },
  { 't', { " #   ", " #   ", "###  ", " #   ", " #   ", " #  #", "  ## " } },
  { 'u', { "     ", "     ", "#   #", "#   #", "#   #", "#  ##", " ## #" } },
  { 'v', { "     ", "     ", "#   #", "#   #", "#   #", " # # ", "  #  " } },
  { 'w', { "     ", "     ", "#   #", "#   #", "# # #", "# # #", " # # " } },
  { 'x', { "     ", "     ", "#   #", " # # ", "  #  ", " # # ", "#   #" } },
  { 'y', { "     ", "     ", "#   #", "#   #", " ####", "    #", " ### " } },
  { 'z', { "     ", "     ", "#####", "   # ", "  #  ", " #   ", "#####" } },
  { 'B', { "#### ", "#   #", "#   #", "#### ", "#   #", "#   #", "#### " } },
  { '.', { "     ", "     ", "     ", "     ", "     ", " ##  ", " ##  " } },
  { ',', { "     ", "     ", "     ", "     ", " ##  ", "  #  ", " #   " } },
  { ':', { "     ", " ##  ", " ##  ", "     ", " ##  ", " ##  ", "     " } },
  { '-', { "     ", "     ", "     ", "#####", "     ", "     ", "     " } },
  { '+', { "     ", "  #  ", "  #  ", "#####", "  #  ", "  #  ", "     " } },
  { '_', { "     ", "     ", "     ", "     ", "     ", "     ", "#####" } },
  { '/', { "     ", "    #", "   # ", "  #  ", " #   ", "#    ", "     " } },
  { '(', { "   # ", "  #  ", " #   ", " #   ", " #   ", "  #  ", "   # " } },
  { ')', { " #   ", "  #  ", "   # ", "   # ", "   # ", "  #  ", " #   " } },
  { '%', { "##   ", "##  #", "   # ", "  #  ", " #   ", "#  ##", "   ##" } },
  { '?', { " ### ", "#   #", "    #", "   # ", "  #  ", "     ", "  #  " } },
};

#define GLYPH_ADVANCE 6   /* 5 columns and a space, in font pixels */
#define GLYPH_HEIGHT 7

static const Glyph *
find_glyph (gunichar c)
{
  if (c == 0x00D7)  /* × */
    c = 'x';
  if (c < 128 && g_ascii_isupper (c) && c != 'B')
    c = g_ascii_tolower (c);
  for (guint i = 0; i < G_N_ELEMENTS (font); i++)
    if ((gunichar) font[i].c == c)
      return &font[i];
  return c == ' ' ? NULL : &font[G_N_ELEMENTS (font) - 1];   /* '?' */
}

static int
text_width (const char *text, int scale)
{
  return (int) g_utf8_strlen (text, -1) * GLYPH_ADVANCE * scale;
}

/* Draws @text with its top-left corner at (x, y), @scale image pixels per
 * font pixel, clipped to @clip_right. */
static void
draw_text (EnlargeImage *img, const char *text, int x, int y, int scale, int clip_right,
           const guint8 ink[3])
{
  for (const char *p = text; *p; p = g_utf8_next_char (p), x += GLYPH_ADVANCE * scale)
    {
      const Glyph *g = find_glyph (g_utf8_get_char (p));
      if (g == NULL)
        continue;
      for (int r = 0; r < GLYPH_HEIGHT; r++)
        for (int c = 0; c < 5; c++)
          if (g->rows[r][c] == '#')
            for (int dy = 0; dy < scale; dy++)
              for (int dx = 0; dx < scale; dx++)
                {
                  int px = x + c * scale + dx, py = y + r * scale + dy;
                  if (px >= 0 && px < MIN (clip_right, img->width) && py >= 0 && py < img->height)
                    memcpy (enlarge_image_pixel (img, px, py), ink, 3);
                }
    }
}

/* ---- the sheet ------------------------------------------------------------ */

/* Copies @tile (RGB or RGBA over white) to (x, y) of the RGB @sheet. */
static void
blit (EnlargeImage *sheet, const EnlargeImage *tile, int x, int y)
{
  for (int j = 0; j < tile->height && y + j < sheet->height; j++)
    for (int i = 0; i < tile->width && x + i < sheet->width; i++)
      {
        const guint8 *s = enlarge_image_pixel (tile, i, j);
        guint8 *d = enlarge_image_pixel (sheet, x + i, y + j);
        int a = tile->n_channels == 4 ? s[3] : 255;
        for (int c = 0; c < 3; c++)
          d[c] = (guint8) ((s[c] * a + 255 * (255 - a) + 127) / 255);
      }
}

static void
draw_caption (EnlargeImage *sheet, int x, int y, int width, int scale,
              const char *line1, const char *line2)
{
  static const guint8 ink[3] = { 0x20, 0x20, 0x20 };
  static const guint8 dim[3] = { 0x60, 0x60, 0x60 };

  draw_text (sheet, line1, x, y + 6, scale, x + width, ink);
  draw_text (sheet, line2, x, y + 6 + (GLYPH_HEIGHT + 4) * scale, scale, x + width, dim);
}

static char *
format_number (const char *format, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* C locale: the table and the JSON are for machines too */
  return g_strdup (g_ascii_formatd (buf, sizeof buf, format, value));
}

static char *
format_db (double db)
{
  return isinf (db) ? g_strdup ("inf") : format_number ("%.2f", db);
}

static EnlargeImage *
make_sheet (const EnlargeImage *original, const GPtrArray *results, GError **error)
{
  const guint n = results->len;
  int tw = 0, th = 0;
  EnlargeImage *sheet;

  for (guint i = 0; i < n; i++)
    {
      const EnlargeCompareResult *r = g_ptr_array_index ((GPtrArray *) results, i);
      tw = MAX (tw, r->image->width);
      th = MAX (th, r->image->height);
    }
  /* Twice the font's size when every caption fits its tile, else its own
   * size: one size for all, so the captions read as a row. The longest
   * second line is "SECONDS s  FIDELITY dB", about 18 characters. */
  int scale = text_width ("original", 2) <= tw && text_width ("000.00 s  00.00 dB", 2) <= tw ? 2 : 1;
  for (guint i = 0; i < n; i++)
    {
      const EnlargeCompareResult *r = g_ptr_array_index ((GPtrArray *) results, i);
      if (text_width (r->model, 2) > tw)
        scale = 1;
    }

  sheet = enlarge_image_new ((n + 1) * tw + (n + 2) * PAD, th + CAPTION + 2 * PAD, 3, error);
  if (sheet == NULL)
    return NULL;
  memset (sheet->pixels, 255, (gsize) sheet->width * sheet->height * 3);

  {
    g_autoptr (EnlargeImage) big = enlarge_resample (original, tw, th, ENLARGE_FILTER_NEAREST, error);
    g_autofree char *line2 = NULL;
    if (big == NULL)
      {
        enlarge_image_unref (sheet);
        return NULL;
      }
    blit (sheet, big, PAD, PAD);
    line2 = g_strdup_printf ("%d×%d nearest", original->width, original->height);
    draw_caption (sheet, PAD, PAD + th, tw, scale, "original", line2);
  }
  for (guint i = 0; i < n; i++)
    {
      const EnlargeCompareResult *r = g_ptr_array_index ((GPtrArray *) results, i);
      int x = PAD + (int) (i + 1) * (tw + PAD);
      g_autofree char *s = format_number ("%.2f", r->seconds);
      g_autofree char *db = format_db (r->fidelity_db);
      g_autofree char *line2 = g_strdup_printf ("%s s  %s dB", s, db);

      blit (sheet, r->image, x, PAD);
      draw_caption (sheet, x, PAD + th, tw, scale, r->model, line2);
    }
  return sheet;
}

/* ---- output --------------------------------------------------------------- */

static void
print_json (const char *input, const char *output, const EnlargeRect *region,
            double scale, double creativity, const EnlargeImage *sheet, const GPtrArray *results)
{
  g_autoptr (GString) s = g_string_new ("{\n  \"input\": ");
  g_autofree char *sc = format_number ("%g", scale);
  g_autofree char *cr = format_number ("%g", creativity);

  json_append_string (s, input);
  g_string_append (s, ",\n  \"sheet\": ");
  json_append_string (s, output);
  g_string_append_printf (s, ",\n  \"sheet_size\": [%d, %d]", sheet->width, sheet->height);
  g_string_append_printf (s, ",\n  \"region\": [%d, %d, %d, %d]",
                          region->x, region->y, region->width, region->height);
  g_string_append_printf (s, ",\n  \"scale\": %s,\n  \"creativity\": %s,\n  \"results\": [", sc, cr);
  for (guint i = 0; i < results->len; i++)
    {
      const EnlargeCompareResult *r = g_ptr_array_index ((GPtrArray *) results, i);
      g_autofree char *sec = format_number ("%.3f", r->seconds);
      /* JSON has no infinity: an identical result has no finite PSNR */
      g_autofree char *db = isinf (r->fidelity_db) ? g_strdup ("null") : format_number ("%.2f", r->fidelity_db);

      g_string_append (s, i ? ",\n    {" : "\n    {");
      g_string_append (s, "\"model\": ");
      json_append_string (s, r->model);
      g_string_append_printf (s, ", \"order\": %u, \"seconds\": %s, \"fidelity_db\": %s, "
                                 "\"width\": %d, \"height\": %d}",
                              r->completion, sec, db, r->image->width, r->image->height);
    }
  g_string_append (s, "\n  ]\n}\n");
  fputs (s->str, stdout);
}

static void
print_table (const GPtrArray *results)
{
  printf ("%-26s %8s %12s\n", "MODEL", "SECONDS", "FIDELITY_DB");
  for (guint i = 0; i < results->len; i++)
    {
      const EnlargeCompareResult *r = g_ptr_array_index ((GPtrArray *) results, i);
      g_autofree char *sec = format_number ("%.3f", r->seconds);
      g_autofree char *db = format_db (r->fidelity_db);
      printf ("%-26s %8s %12s\n", r->model, sec, db);
    }
}

/* ---- the command ------------------------------------------------------------ */

static gboolean
parse_region (const char *text, EnlargeRect *r)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  gint64 v[4];

  if (g_strv_length (parts) != 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      g_strstrip (parts[i]);
      if (!g_ascii_string_to_signed (parts[i], 10, 0, G_MAXINT / 2, &v[i], NULL))
        return FALSE;
    }
  *r = (EnlargeRect) { (int) v[0], (int) v[1], (int) v[2], (int) v[3] };
  return r->width > 0 && r->height > 0;
}

static void
on_result (const EnlargeCompareResult *r, gpointer data)
{
  g_autofree char *sec = format_number ("%.2f", r->seconds);
  g_autofree char *db = format_db (r->fidelity_db);

  if (GPOINTER_TO_INT (data))
    return;  /* quiet */
  fprintf (stderr, "%s: %s s, %s dB\n", r->model, sec, db);
}

int
enlarge_cli_compare (const char *models_csv, const char *region_text, gboolean json,
                     const char *input_path, const char *output, const char *device,
                     double creativity, double scale, double target_mp,
                     const EnlargeLoadOptions *load, gboolean quiet, GCancellable *cancellable)
{
  g_auto (GStrv) ids = g_strsplit (models_csv, ",", -1);
  g_autoptr (GPtrArray) models = g_ptr_array_new ();
  g_autoptr (GPtrArray) nets = g_ptr_array_new_with_free_func ((GDestroyNotify) enlarge_net_unref);
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) enlarge_compare_result_free);
  g_autoptr (EnlargeImage) input = NULL;
  g_autoptr (EnlargeImage) original = NULL;
  g_autoptr (EnlargeImage) sheet = NULL;
  g_autoptr (EnlargeBackend) backend = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree EnlargeCompareEntry *entries = NULL;
  EnlargeRect region;
  int max_scale = 1;

  /* model files, loaded first for their scale (NULL for manifest ids) */
  g_autoptr (GPtrArray) file_nets = g_ptr_array_new_with_free_func ((GDestroyNotify) enlarge_net_unref);

  /* usage first: nothing runs for a mistyped model or region */
  for (guint i = 0; ids[i]; i++)
    {
      const EnlargeModelInfo *info;
      g_strstrip (ids[i]);
      if (*ids[i] == '\0')
        return usage_error (_("--compare takes model ids separated by commas, not “%s”"), models_csv);
      if (enlarge_model_is_file (ids[i]))
        {
          EnlargeNet *net = enlarge_model_load_file (ids[i], &error);
          if (net == NULL)
            {
              print_error ("%s", error->message);
              return EXIT_FAILED;
            }
          max_scale = MAX (max_scale, net->scale);
          g_ptr_array_add (file_nets, net);
          /* captioned by the file's name, not its folder */
          char *base = g_path_get_basename (ids[i]);
          g_free (ids[i]);
          ids[i] = base;
          g_ptr_array_add (models, ids[i]);
          continue;
        }
      g_ptr_array_add (file_nets, NULL);
      info = enlarge_model_lookup (ids[i]);
      if (info == NULL)
        return usage_error (_("unknown model “%s” in --compare; see --list-models"), ids[i]);
      max_scale = MAX (max_scale, info->scale);
      g_ptr_array_add (models, ids[i]);
    }
  if (models->len == 0 || models->len > MAX_MODELS)
    return usage_error (ngettext ("--compare takes 1 to %d model", "--compare takes 1 to %d models",
                                  MAX_MODELS), MAX_MODELS);
  if (input_path == NULL)
    return usage_error (_("--compare needs one input image"));
  if (output == NULL)
    return usage_error (_("--compare needs the contact sheet's name: -o SHEET.png"));
  if (enlarge_image_format_for_path (output) == NULL)
    return usage_error (_("cannot tell the image format of “%s”: use a name ending in .png, .jpg, "
                          ".tif or .webp"), output);
  /* The same check as every writer: by device and inode, so a symbolic
   * or hard link to the input is the input. */
  const char *inputs[] = { input_path, NULL };
  if (!enlarge_output_check (output, inputs, &error))
    return usage_error ("%s", error->message);
  if (region_text != NULL && !parse_region (region_text, &region))
    return usage_error (_("--region must be X,Y,W,H in input pixels (W, H > 0), not “%s”"), region_text);
  if (isnan (scale) || scale <= 0)
    scale = max_scale;  /* one size for every tile */
  if (isnan (creativity))
    creativity = 0.5;
  if (isnan (target_mp))
    target_mp = 0;

  input = cli_load_input (input_path, load, &error);
  if (input == NULL)
    {
      print_error ("%s", error->message);
      return EXIT_FAILED;
    }
  if (region_text == NULL)
    region = enlarge_suggest_region (input, SUGGESTED_SIZE);
  else if (region.x + region.width > input->width || region.y + region.height > input->height)
    return usage_error (_("--region %d,%d %d×%d is not inside the %d×%d image"), region.x, region.y,
                        region.width, region.height, input->width, input->height);

  backend = enlarge_environment_backend_new (device, &error);
  if (backend == NULL)
    {
      print_error ("%s", error->message);
      return g_error_matches (error, ENLARGE_ERROR, ENLARGE_ERROR_NO_DEVICE) ? EXIT_USAGE : EXIT_FAILED;
    }

  entries = g_new0 (EnlargeCompareEntry, models->len);
  for (guint i = 0; i < models->len; i++)
    {
      EnlargeSettings s = ENLARGE_SETTINGS_INIT;
      EnlargeNet *net = file_nets->pdata[i] != NULL
                          ? enlarge_net_ref (file_nets->pdata[i])
                          : cli_model_load (g_ptr_array_index (models, i), &error);
      if (net == NULL)
        {
          print_error ("%s", error->message);
          return EXIT_FAILED;
        }
      g_ptr_array_add (nets, net);
      s.creativity = creativity;
      s.scale = scale;
      s.target_mp = target_mp;
      entries[i] = (EnlargeCompareEntry) { g_ptr_array_index (models, i), net, s };
    }

  if (!quiet)
    /* Translators: enlarge-cli: comparing N models on X,Y W×H at SCALE× */
    fprintf (stderr, ngettext ("%s: comparing %u model on %d,%d %d×%d at %g×\n",
                               "%s: comparing %u models on %d,%d %d×%d at %g×\n", models->len),
             PROGRAM_NAME,
             models->len, region.x, region.y, region.width, region.height, scale);
  if (!enlarge_compare_run (backend, entries, models->len, input, &region, on_result,
                            GINT_TO_POINTER (quiet), results, cancellable, &error))
    {
      print_error ("%s", error->message);
      return g_error_matches (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT) ? EXIT_USAGE : EXIT_FAILED;
    }

  original = enlarge_image_crop (input, &region, &error);
  if (original != NULL)
    sheet = make_sheet (original, results, &error);
  EnlargeSaveOptions save = ENLARGE_SAVE_OPTIONS_INIT;
  save.cancellable = cancellable;
  if (sheet == NULL || !enlarge_image_save_full (sheet, output, &save, &error))
    {
      print_error ("%s", error->message);
      return EXIT_FAILED;
    }

  if (json)
    print_json (input_path, output, &region, scale, creativity, sheet, results);
  else
    {
      g_autofree char *absolute = g_canonicalize_filename (output, NULL);
      print_table (results);
      printf ("wrote %s\n", absolute);
    }
  return EXIT_OK;
}
