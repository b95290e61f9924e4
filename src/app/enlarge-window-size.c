/* enlarge-window-size.c: the result's size, chosen directly: twice or four
 * times as large, the scale factor slider, or as large as fits in a box of
 * W × H pixels (optionally snapped to a size the model draws by itself).
 * The scale factor slider stays the one value the job reads: each choice
 * sets it, and moving it by hand makes the choice "any factor". */

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "enlarge-estimate.h"
#include "enlarge-window-private.h"

/* The rows of the size list and their GSettings values, in order. */
static const struct {
  const char *id;
  const char *title;
  double      scale;   /* 0: not a fixed factor */
} sizes[] = {
  /* short: the row shows the choice beside its title in 320 px */
  { "2x", N_("2× Larger"), 2 },
  { "4x", N_("4× Larger"), 4 },
  { "factor", N_("Any Factor"), 0 },
  { "fit", N_("Fit in a Size"), 0 },
};

enum { SIZE_2X, SIZE_4X, SIZE_FACTOR, SIZE_FIT };

static guint
size_mode (EnlargeWindow *self)
{
  guint i = adw_combo_row_get_selected (self->size_row);

  return i < G_N_ELEMENTS (sizes) ? i : SIZE_FACTOR;
}

/* Moves the scale factor without making the preset Custom or the choice
 * "any factor": the size is chosen apart from the look. */
static void
set_scale (EnlargeWindow *self, double scale)
{
  gboolean applying = self->applying;

  self->applying = TRUE;
  self->sizing = TRUE;
  gtk_adjustment_set_value (self->scale_adjustment, scale);
  self->sizing = FALSE;
  self->applying = applying;
}

static void
update_fit_note (EnlargeWindow *self, double scale, gboolean snapped)
{
  g_autoptr (EnlargeJobSettings) s = _enlarge_window_collect_settings (self);
  int bw = (int) gtk_adjustment_get_value (self->fit_width_adjustment);
  int bh = (int) gtk_adjustment_get_value (self->fit_height_adjustment);
  const EnlargeModelInfo *info = s->model ? enlarge_model_lookup (s->model) : NULL;
  int w, h;
  g_autofree char *text = NULL;

  if (self->input == NULL ||
      !enlarge_job_settings_output_size (s, self->input->width, self->input->height, &w, &h))
    text = g_strdup (_("Open an image to see its size."));
  else if (snapped)
    /* Translators: a result size; the model's own factor */
    text = g_strdup_printf (_("%d × %d px: exactly what the model draws (%.0f×), "
                              "nothing stretched or shrunk afterwards"), w, h, scale);
  else if (gtk_check_button_get_active (self->fit_snap_check) && info != NULL)
    text = g_strdup_printf (_("%d × %d px: the model’s own size (%d×) is larger than the box, "
                              "so its result is shrunk to fit"), w, h, info->scale);
  else if (scale >= 16 && (w < bw && h < bh))
    text = g_strdup_printf (_("%d × %d px: 16× is the most, smaller than the box"), w, h);
  else if (scale <= 1 && (w > bw || h > bh))
    text = g_strdup_printf (_("%d × %d px: the picture is already larger than the box; "
                              "Target Size makes it smaller"), w, h);
  else
    /* Translators: the size of the result in pixels */
    text = g_strdup_printf (_("%d × %d px, as large as fits"), w, h);
  gtk_label_set_label (self->fit_note, text);
}

void
_enlarge_window_apply_size (EnlargeWindow *self)
{
  guint mode = size_mode (self);

  if (self->sizing)
    return;
  gtk_widget_set_visible (self->fit_row, mode == SIZE_FIT);
  if (sizes[mode].scale > 0)
    set_scale (self, sizes[mode].scale);
  else if (mode == SIZE_FIT)
    {
      g_autoptr (EnlargeJobSettings) s = _enlarge_window_collect_settings (self);
      gboolean snapped = FALSE;
      double scale;

      if (self->input == NULL || s->model == NULL)
        {
          update_fit_note (self, 0, FALSE);
          return;
        }
      scale = enlarge_estimate_fit_scale (s, self->input->width, self->input->height,
                                          (int) gtk_adjustment_get_value (self->fit_width_adjustment),
                                          (int) gtk_adjustment_get_value (self->fit_height_adjustment),
                                          gtk_check_button_get_active (self->fit_snap_check),
                                          &snapped);
      set_scale (self, scale);
      update_fit_note (self, scale, snapped);
    }
}

/* The slider moved: by hand, the size is "any factor" (2× and 4× named
 * when it lands on them); by a preset or restored settings, the size
 * choice stands and is applied again afterwards. */
static void
on_scale_changed (EnlargeWindow *self)
{
  double value = gtk_adjustment_get_value (self->scale_adjustment);
  guint mode;

  if (self->sizing || self->applying)
    return;
  mode = value == 2 ? SIZE_2X : value == 4 ? SIZE_4X : SIZE_FACTOR;
  self->sizing = TRUE;
  adw_combo_row_set_selected (self->size_row, mode);
  gtk_widget_set_visible (self->fit_row, FALSE);
  self->sizing = FALSE;
}

static void
on_size_chosen (EnlargeWindow *self)
{
  if (self->sizing || self->applying)
    return;
  _enlarge_window_settings_changed (self);
}

static gboolean
size_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  const char *id = g_variant_get_string (variant, NULL);

  g_value_set_uint (value, SIZE_FACTOR);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    if (g_str_equal (sizes[i].id, id))
      g_value_set_uint (value, i);
  return TRUE;
}

static GVariant *
size_set_mapping (const GValue *value, const GVariantType *type, gpointer user_data)
{
  guint i = g_value_get_uint (value);

  return g_variant_new_string (sizes[i < G_N_ELEMENTS (sizes) ? i : SIZE_FACTOR].id);
}

void
_enlarge_window_size_init (EnlargeWindow *self)
{
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  gboolean applying = self->applying;

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    gtk_string_list_append (names, _(sizes[i].title));
  adw_combo_row_set_model (self->size_row, G_LIST_MODEL (names));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->size_row),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("How large the result is: 2× or 4× larger, the scale factor "
                                    "slider’s value, or as large as fits in a width and height in pixels"),
                                  -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->fit_snap_check),
                               _("A 4× model draws pictures exactly 4× or 16× larger. Snapping picks "
                                 "the largest of these that fits in the box, so nothing is stretched "
                                 "or shrunk afterwards; the result may be smaller than the box."));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->fit_snap_check),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Use the largest size the model draws by itself that fits in the box"),
                                  -1);

  self->applying = TRUE;
  g_settings_bind_with_mapping (self->settings, "size-mode", self->size_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, size_get_mapping, size_set_mapping,
                                NULL, NULL);
  g_settings_bind (self->settings, "fit-width", self->fit_width_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "fit-height", self->fit_height_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "fit-snap", self->fit_snap_check, "active",
                   G_SETTINGS_BIND_DEFAULT);
  self->applying = applying;
  gtk_widget_set_visible (self->fit_row, size_mode (self) == SIZE_FIT);

  /* before the handler that makes the preset Custom */
  g_signal_connect_swapped (self->scale_adjustment, "value-changed",
                            G_CALLBACK (on_scale_changed), self);
  g_signal_connect_swapped (self->size_row, "notify::selected", G_CALLBACK (on_size_chosen), self);
  g_signal_connect_swapped (self->fit_width_adjustment, "value-changed",
                            G_CALLBACK (on_size_chosen), self);
  g_signal_connect_swapped (self->fit_height_adjustment, "value-changed",
                            G_CALLBACK (on_size_chosen), self);
  g_signal_connect_swapped (self->fit_snap_check, "toggled", G_CALLBACK (on_size_chosen), self);
}
