/* enlarge-window-controls.c: the main window's presets, model and sliders,
 * bound to GSettings; a preset sets the others, moving one makes it
 * Custom. */

#include "config.h"

#include <glib/gi18n.h>

#include "enlarge-estimate.h"
#include "enlarge-model-catalog.h"
#include "enlarge-presets.h"
#include "enlarge-combo-row-value.h"
#include "enlarge-window-private.h"

const char *
enlarge_window_get_model (EnlargeWindow *self)
{
  guint i = adw_combo_row_get_selected (self->model_row);

  if (self->model_ids == NULL || i >= self->model_ids->len)
    return NULL;
  return g_ptr_array_index (self->model_ids, i);
}

void
enlarge_window_set_model (EnlargeWindow *self,
              const char    *id)
{
  for (guint i = 0; i < self->model_ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->model_ids, i), id) == 0)
      {
        adw_combo_row_set_selected (self->model_row, i);
        return;
      }
}

EnlargeJobSettings *
_enlarge_window_collect_settings (EnlargeWindow *self)
{
  EnlargeJobSettings s = { 0 };
  g_autofree char *device = g_settings_get_string (self->settings, "device");

  s.model = (char *) enlarge_window_get_model (self);
  s.scale = gtk_adjustment_get_value (self->scale_adjustment);
  s.creativity = gtk_adjustment_get_value (self->creativity_adjustment);
  s.target_mp = gtk_adjustment_get_value (self->target_adjustment);
  s.tile_size = g_settings_get_int (self->settings, "tile-size");
  s.device = device;
  return enlarge_job_settings_copy (&s);
}

void
_enlarge_window_update_summary (EnlargeWindow *self)
{
  g_autoptr (EnlargeJobSettings) s = _enlarge_window_collect_settings (self);
  g_autofree char *text = NULL;
  g_autofree char *details = NULL;
  EnlargeEstimate estimate;

  if (s->model == NULL)
    text = g_strdup (_("No models are installed. Install them with “enlarge-install-models”."));
  else if (self->input == NULL)
    text = g_strdup (_("Open an image to see what will happen."));
  else
    {
      g_autofree char *plain = enlarge_job_settings_describe_plain (s, self->input->width,
                                                                    self->input->height);
      g_autofree char *plan = enlarge_job_settings_describe (s, self->input->width,
                                                             self->input->height);

      if (enlarge_estimate_compute (s, self->settings, self->input->width, self->input->height,
                                    self->input->n_channels, &estimate))
        {
          g_autofree char *cost = enlarge_estimate_format (&estimate);
          g_autofree char *rate = g_strdup_printf ("%.0f", estimate.ms_per_mp);

          /* Translators: the plan, then how long it takes and how much
           * memory, e.g. "… Takes about 40 s, 1.2 GB." */
          text = g_strdup_printf (_("%s Takes %s."), plain, cost);
          /* Translators: the engine's plan; then a speed in milliseconds
           * per megapixel and where it comes from */
          details = g_strdup_printf (_("%s\nSpeed: %s ms per megapixel of input, %s; "
                                       "%.2f megapixels go through the model."),
                                     plan, rate,
                                     estimate.measured ? _("measured on this computer at the last upscale")
                                                       : _("the benchmark’s figure for a typical processor "
                                                           "(an upscale measures this computer’s)"),
                                     estimate.work_mp);
        }
      else
        {
          text = g_steal_pointer (&plain);
          details = g_steal_pointer (&plan);
        }
    }
  gtk_label_set_label (self->summary_label, text);
  gtk_label_set_label (self->details_label, details ? details : "");
  gtk_widget_set_visible (GTK_WIDGET (self->details_button), details != NULL);
}

static char *
format_creativity (double value)
{
  return g_strdup_printf ("%.2f", value);
}

static char *
format_scale (double value)
{
  /* Translators: a scale factor, e.g. 4.0× */
  return g_strdup_printf (_("%.1f×"), value);
}

static char *
format_target (double value)
{
  if (value <= 0)
    return g_strdup (C_("target size", "Off"));
  /* Translators: megapixels */
  return g_strdup_printf (_("%.2f MP"), value);
}

void
_enlarge_window_update_values (EnlargeWindow *self)
{
  g_autofree char *c = format_creativity (gtk_adjustment_get_value (self->creativity_adjustment));
  g_autofree char *f = format_scale (gtk_adjustment_get_value (self->scale_adjustment));
  g_autofree char *t = format_target (gtk_adjustment_get_value (self->target_adjustment));

  double target = gtk_adjustment_get_value (self->target_adjustment);
  /* Translators: the target size slider's value for screen readers */
  g_autofree char *t_spoken = target > 0 ? g_strdup_printf (_("%.2f megapixels"), target)
                                         : g_strdup (C_("target size", "Off"));

  guint n;
  const EnlargeAppPreset *presets = enlarge_app_presets_get (&n);
  guint preset = adw_combo_row_get_selected (self->preset_row);
  const char *model = enlarge_window_get_model (self);
  const EnlargeModelEntry *info = enlarge_model_catalog_lookup (enlarge_model_catalog_get_default (), model);

  gtk_label_set_label (self->creativity_value, c);
  gtk_label_set_label (self->scale_value, f);
  gtk_label_set_label (self->target_value, t);
  /* what the choices are good for, under them; a screen reader hears the
   * choice and what it is for */
  if (preset < n)
    {
      g_autofree char *spoken = g_strdup_printf ("%s: %s", _(presets[preset].title),
                                                 _(presets[preset].description));

      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->preset_row), _(presets[preset].description));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->preset_row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, spoken, -1);
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->model_row), info ? info->description : NULL);
  if (info)
    {
      g_autofree char *spoken = g_strdup_printf ("%s: %s", info->title ? info->title : info->id,
                                                 info->description ? info->description : "");

      gtk_accessible_update_property (GTK_ACCESSIBLE (self->model_row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, spoken, -1);
    }
  /* a screen reader says the value with its unit, not the bare number */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->creativity_scale),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, c, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->scale_scale),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, f, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->target_scale),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, t_spoken, -1);
}

static void
on_preset_selected (EnlargeWindow *self)
{
  guint n;
  const EnlargeAppPreset *presets = enlarge_app_presets_get (&n);
  guint i = adw_combo_row_get_selected (self->preset_row);

  if (!self->applying && i < n && presets[i].model != NULL)
    {
      const EnlargeModelInfo *info = enlarge_model_lookup (presets[i].model);

      self->applying = TRUE;
      enlarge_window_set_model (self, presets[i].model);
      gtk_adjustment_set_value (self->creativity_adjustment, presets[i].creativity);
      if (info)
        gtk_adjustment_set_value (self->scale_adjustment, info->scale);
      gtk_adjustment_set_value (self->target_adjustment, presets[i].target_mp);
      self->applying = FALSE;
      if (g_strcmp0 (enlarge_window_get_model (self), presets[i].model) != 0)
        _enlarge_window_show_toast (self, _("The preset’s model is not installed"));
    }
  _enlarge_window_settings_changed (self);
}

/* The user moved a control: the preset no longer describes the settings. */
static void
on_control_changed (EnlargeWindow *self)
{
  if (!self->applying)
    {
      self->applying = TRUE;
      adw_combo_row_set_selected (self->preset_row, enlarge_app_preset_index (ENLARGE_PRESET_CUSTOM));
      self->applying = FALSE;
    }
  _enlarge_window_settings_changed (self);
}

static gboolean
preset_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  g_value_set_uint (value, enlarge_app_preset_index (g_variant_get_string (variant, NULL)));
  return TRUE;
}

static GVariant *
preset_set_mapping (const GValue *value, const GVariantType *type, gpointer user_data)
{
  guint n;
  const EnlargeAppPreset *presets = enlarge_app_presets_get (&n);
  guint i = g_value_get_uint (value);

  return g_variant_new_string (i < n ? presets[i].id : ENLARGE_PRESET_CUSTOM);
}

static gboolean
model_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  EnlargeWindow *self = user_data;
  const char *id = g_variant_get_string (variant, NULL);

  g_value_set_uint (value, 0);
  for (guint i = 0; i < self->model_ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->model_ids, i), id) == 0)
      g_value_set_uint (value, i);
  return TRUE;
}

static GVariant *
model_set_mapping (const GValue *value, const GVariantType *type, gpointer user_data)
{
  EnlargeWindow *self = user_data;
  guint i = g_value_get_uint (value);

  if (i >= self->model_ids->len)
    return NULL;
  return g_variant_new_string (g_ptr_array_index (self->model_ids, i));
}

void
_enlarge_window_suggest_preset (EnlargeWindow *self)
{
  const char *id = self->input ? enlarge_app_preset_suggest (self->input) : NULL;
  const char *current = enlarge_window_get_preset (self);
  const EnlargeAppPreset *preset;
  g_autofree char *text = NULL;

  /* Custom is the user's own work: never overwritten; a photo keeps the
   * last choice (faces are not detected) */
  if (id == NULL || g_str_equal (current, ENLARGE_PRESET_CUSTOM) || g_str_equal (current, id))
    return;
  preset = enlarge_app_preset_lookup (id);
  enlarge_window_set_preset (self, id);
  /* Translators: a preset was chosen from what the picture looks like */
  text = g_strdup_printf (_("Preset “%s” chosen for this picture"), _(preset->title));
  _enlarge_window_show_toast (self, text);
}

/* A wheel over a slider scrolls the sidebar: the slider takes the wheel
 * only while it has the focus (clicked or reached with Tab), so scrolling
 * down the sidebar never changes a value on the way. */
static void
sync_wheel (GtkWidget *scale)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (scale);
  gboolean focused = gtk_widget_has_focus (scale);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_SCROLL (controller))
        gtk_event_controller_set_propagation_phase (controller,
                                                    focused ? GTK_PHASE_BUBBLE : GTK_PHASE_NONE);
    }
}

/* The model list: each name with what the model is good for under it (the
 * row itself shows the name only, so that it is not cut short). */
static void
setup_model_item (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  EnlargeWindow            *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *description = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (description), 0);
  gtk_label_set_wrap (GTK_LABEL (description), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (description), 40);
  gtk_widget_add_css_class (description, "caption");
  gtk_widget_add_css_class (description, "dim-label");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), description);
  gtk_list_item_set_child (item, box);
}

static void
bind_model_item (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 EnlargeWindow            *self)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  guint i = gtk_list_item_get_position (item);
  const EnlargeModelEntry *info = i < self->model_ids->len ?
                                  enlarge_model_catalog_lookup (enlarge_model_catalog_get_default (),
                                                                g_ptr_array_index (self->model_ids, i)) : NULL;

  gtk_label_set_label (GTK_LABEL (gtk_widget_get_first_child (box)),
                       gtk_string_object_get_string (gtk_list_item_get_item (item)));
  gtk_label_set_label (GTK_LABEL (gtk_widget_get_last_child (box)),
                       info && info->description ? info->description : "");
}

/* The usable models of the catalogue into the model list. */
static void
fill_models (EnlargeWindow *self)
{
  EnlargeModelCatalog *catalog = enlarge_model_catalog_get_default ();
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);

  g_ptr_array_set_size (self->model_ids, 0);
  for (guint i = 0; i < enlarge_model_catalog_get_n_entries (catalog); i++)
    {
      const EnlargeModelEntry *e = enlarge_model_catalog_get_entry (catalog, i);

      if (!enlarge_model_entry_usable (e))
        continue;
      g_ptr_array_add (self->model_ids, g_strdup (e->id));
      gtk_string_list_append (names, e->title);
    }
  adw_combo_row_set_model (self->model_row, G_LIST_MODEL (names));
  gtk_widget_set_sensitive (GTK_WIDGET (self->model_row), self->model_ids->len > 0);
}

/* A model was imported or removed: the list follows, the choice stays
 * (or falls to the first model when the chosen one went). */
static void
on_catalog_changed (EnlargeWindow *self)
{
  g_autofree char *current = g_strdup (enlarge_window_get_model (self));

  self->applying = TRUE;
  fill_models (self);
  enlarge_window_set_model (self, current);
  self->applying = FALSE;
  _enlarge_window_settings_changed (self);
}

void
_enlarge_window_controls_init (EnlargeWindow *self)
{
  g_autoptr (GtkStringList) preset_names = gtk_string_list_new (NULL);
  const EnlargeAppPreset *presets;
  guint n;

  presets = enlarge_app_presets_get (&n);
  for (guint i = 0; i < n; i++)
    gtk_string_list_append (preset_names, _(presets[i].title));
  adw_combo_row_set_model (self->preset_row, G_LIST_MODEL (preset_names));
  /* "Porträt", "Portrait" beside the preset's description: not "Port…" */
  enlarge_combo_row_wrap_value (self->preset_row);

  self->model_ids = g_ptr_array_new_with_free_func (g_free);
  fill_models (self);
  {
    g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

    g_signal_connect (factory, "setup", G_CALLBACK (setup_model_item), self);
    g_signal_connect (factory, "bind", G_CALLBACK (bind_model_item), self);
    adw_combo_row_set_list_factory (self->model_row, factory);
  }
  g_signal_connect_object (enlarge_model_catalog_get_default (), "changed",
                           G_CALLBACK (on_catalog_changed), self, G_CONNECT_SWAPPED);

  {
    GtkWidget *scales[] = { GTK_WIDGET (self->creativity_scale), GTK_WIDGET (self->scale_scale),
                            GTK_WIDGET (self->target_scale) };

    for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
      {
        sync_wheel (scales[i]);
        g_signal_connect (scales[i], "notify::has-focus", G_CALLBACK (sync_wheel), NULL);
      }
  }

  /* named by their mnemonic labels; described once */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->creativity_scale),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Faithful to the original, or richer invented detail; "
                                    "0.5 is the model’s own output"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->scale_scale),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("How many times larger the result is"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->target_scale),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Resize the input to this many megapixels first"), -1);

  gtk_scale_add_mark (self->creativity_scale, 0.5, GTK_POS_BOTTOM, NULL);
  for (guint i = 0; i < 5; i++)
    {
      static const int marks[] = { 2, 3, 4, 8, 16 };
      /* 3× has a mark but no label: it would overlap its neighbours */
      g_autofree char *label = marks[i] != 3 ? g_strdup_printf ("%d×", marks[i]) : NULL;
      gtk_scale_add_mark (self->scale_scale, marks[i], GTK_POS_BOTTOM, label);
    }
  gtk_scale_add_mark (self->target_scale, 0.35, GTK_POS_BOTTOM, NULL);
  gtk_scale_add_mark (self->target_scale, 1, GTK_POS_BOTTOM, NULL);
  gtk_scale_add_mark (self->target_scale, 4, GTK_POS_BOTTOM, NULL);

  /* Restoring the settings moves the controls: not a user change. */
  self->applying = TRUE;
  g_settings_bind_with_mapping (self->settings, "model", self->model_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, model_get_mapping, model_set_mapping,
                                self, NULL);
  g_settings_bind (self->settings, "creativity", self->creativity_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "scale", self->scale_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "target-mp", self->target_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "preset", self->preset_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, preset_get_mapping, preset_set_mapping,
                                NULL, NULL);
  g_settings_bind (self->settings, "compare-mode", self->compare_view, "mode",
                   G_SETTINGS_BIND_DEFAULT);
  self->applying = FALSE;
  _enlarge_window_size_init (self);

  g_signal_connect_swapped (self->preset_row, "notify::selected",
                            G_CALLBACK (on_preset_selected), self);
  g_signal_connect_swapped (self->model_row, "notify::selected",
                            G_CALLBACK (on_control_changed), self);
  g_signal_connect_swapped (self->creativity_adjustment, "value-changed",
                            G_CALLBACK (on_control_changed), self);
  g_signal_connect_swapped (self->scale_adjustment, "value-changed",
                            G_CALLBACK (on_control_changed), self);
  g_signal_connect_swapped (self->target_adjustment, "value-changed",
                            G_CALLBACK (on_control_changed), self);
  g_signal_connect_swapped (self->settings, "changed::device",
                            G_CALLBACK (_enlarge_window_settings_changed), self);
  g_signal_connect_swapped (self->settings, "changed::tile-size",
                            G_CALLBACK (_enlarge_window_settings_changed), self);
}

const char *
enlarge_window_get_preset (EnlargeWindow *self)
{
  guint n;
  const EnlargeAppPreset *presets = enlarge_app_presets_get (&n);
  guint i = adw_combo_row_get_selected (self->preset_row);

  return i < n ? presets[i].id : ENLARGE_PRESET_CUSTOM;
}

void
enlarge_window_set_preset (EnlargeWindow *self, const char *preset)
{
  adw_combo_row_set_selected (self->preset_row, enlarge_app_preset_index (preset));
}

GtkAdjustment *
enlarge_window_get_creativity_adjustment (EnlargeWindow *self)
{
  return self->creativity_adjustment;
}

GtkAdjustment *
enlarge_window_get_scale_adjustment (EnlargeWindow *self)
{
  return self->scale_adjustment;
}

GtkAdjustment *
enlarge_window_get_target_adjustment (EnlargeWindow *self)
{
  return self->target_adjustment;
}
