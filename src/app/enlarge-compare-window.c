/* enlarge-compare-window.c: "Compare Models": several models (or one model
 * at several creativity values) on one region of the open image, side by
 * side in a grid that zooms and pans as one, each labelled with what ran,
 * how long it took and how faithful it is to the original. */

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "enlarge-compare-view.h"
#include "enlarge-compare-window.h"
#include "enlarge-job.h"
#include "enlarge-a11y.h"
#include "enlarge-model-catalog.h"

/* The region proposed: large enough to judge texture, small enough that a
 * fast model runs on it in a second or two on a CPU. */
#define REGION_SIZE 128
#define MIN_MODELS 2
#define MAX_MODELS 6

static const double creativity_values[] = { 0.2, 0.5, 0.8 };

typedef struct {
  GtkWidget *box;
  EnlargeCompareView *view;
  GtkLabel *title;
  GtkLabel *detail;
  GtkWidget *use_button;
  GtkSpinner *spinner;           /* spins while the entry waits or runs */
  EnlargeCompareResult *result;  /* NULL while waiting (and for the original) */
} Cell;

struct _EnlargeCompareWindow
{
  AdwWindow parent_instance;

  GSettings *settings;
  EnlargeImage *input;
  EnlargeRect region;

  GPtrArray *model_ids;          /* installed models, as listed */
  GPtrArray *checks;             /* their GtkCheckButtons */
  /* template */
  AdwPreferencesGroup *models_group;
  AdwActionRow *vary_row;
  GtkSwitch *vary_switch;
  AdwToastOverlay *toasts;
  AdwWindowTitle *title;
  GtkWidget *run_button;
  GtkWidget *cancel_button;
  GtkLabel *status_label;
  GtkStack *results_stack;
  GtkGrid *grid;
  /* the rows under the pictures, one height for all, so that every
   * picture has one size and fits at one zoom */
  GtkSizeGroup *row_sizes;

  GPtrArray *cells;              /* Cell *: the original first, then the entries */
  GCancellable *cancellable;
  guint n_entries;
  guint n_results;
  gboolean running;
  gboolean syncing;
};

G_DEFINE_FINAL_TYPE (EnlargeCompareWindow, enlarge_compare_window, ADW_TYPE_WINDOW)

enum {
  SIGNAL_USED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
cell_free (Cell *cell)
{
  g_clear_pointer (&cell->result, enlarge_compare_result_free);
  g_free (cell);
}

/* ---- state ---------------------------------------------------------------- */

static guint
n_checked (EnlargeCompareWindow *self)
{
  guint n = 0;

  for (guint i = 0; i < self->checks->len; i++)
    n += gtk_check_button_get_active (g_ptr_array_index (self->checks, i));
  return n;
}

/* The model the main window uses (GSettings), when it is installed. */
static char *
current_model (EnlargeCompareWindow *self)
{
  g_autofree char *model = g_settings_get_string (self->settings, "model");

  for (guint i = 0; i < self->model_ids->len; i++)
    if (g_str_equal (g_ptr_array_index (self->model_ids, i), model))
      return g_steal_pointer (&model);
  return NULL;
}

static void
update_state (EnlargeCompareWindow *self)
{
  gboolean vary = gtk_switch_get_active (self->vary_switch);
  guint n = n_checked (self);
  g_autofree char *model = current_model (self);
  gboolean ready = self->input != NULL &&
                   (vary ? model != NULL : n >= MIN_MODELS && n <= MAX_MODELS);
  g_autofree char *status = NULL;

  gtk_widget_set_sensitive (self->run_button, ready && !self->running);
  gtk_widget_set_visible (self->cancel_button, self->running);
  for (guint i = 0; i < self->checks->len; i++)
    gtk_widget_set_sensitive (g_ptr_array_index (self->checks, i), !vary && !self->running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->vary_switch), !self->running);

  if (self->running)
    /* Translators: progress of a model comparison */
    status = g_strdup_printf (_("%u of %u done…"), self->n_results, self->n_entries);
  else if (!vary && n < MIN_MODELS)
    status = g_strdup (_("Pick at least two models."));
  else if (!vary && n > MAX_MODELS)
    status = g_strdup_printf (ngettext ("Pick at most %d model.", "Pick at most %d models.",
                                                MAX_MODELS), MAX_MODELS);
  else if (self->n_entries > 0 && self->n_results < self->n_entries)
    status = g_strdup_printf (_("Stopped: %u of %u done."), self->n_results, self->n_entries);
  else if (self->n_entries > 0)
    status = g_strdup (_("Drag to pan and Ctrl+scroll to zoom: every picture follows."));
  else
    status = g_strdup (_("Each model runs on the region shown, one after another."));
  gtk_label_set_label (self->status_label, status);
}

/* ---- the grid --------------------------------------------------------------- */

/* Every cell shows the same part at the same zoom as the one moved. */
static void
on_view_changed (EnlargeCompareView *view, EnlargeCompareWindow *self)
{
  double zoom, cx, cy;
  gboolean fit;

  if (self->syncing)
    return;
  self->syncing = TRUE;
  enlarge_compare_view_get_view (view, &zoom, &cx, &cy, &fit);
  for (guint i = 0; i < self->cells->len; i++)
    {
      Cell *cell = g_ptr_array_index (self->cells, i);
      if (cell->view != view)
        enlarge_compare_view_set_view (cell->view, zoom, cx, cy, fit);
    }
  self->syncing = FALSE;
}

static void
on_use_clicked (GtkButton *button, EnlargeCompareWindow *self)
{
  Cell *cell = g_object_get_data (G_OBJECT (button), "enlarge-cell");
  const EnlargeModelEntry *info;

  if (cell == NULL || cell->result == NULL)
    return;
  info = enlarge_model_catalog_lookup (enlarge_model_catalog_get_default (), cell->result->model);
  /* the main window follows its settings */
  g_settings_set_string (self->settings, "model", cell->result->model);
  g_settings_set_double (self->settings, "creativity", cell->result->settings.creativity);
  /* the choice is made: back to the main window, which says what it uses */
  g_signal_emit (self, signals[SIGNAL_USED], 0,
                 info && info->title ? info->title : cell->result->model);
  gtk_window_close (GTK_WINDOW (self));
}

static Cell *
add_cell (EnlargeCompareWindow *self, const char *title, const char *detail, gboolean usable)
{
  Cell *cell = g_new0 (Cell, 1);
  guint index = self->cells->len;
  guint n = self->n_entries + 1;
  guint columns = n <= 3 ? n : n == 4 ? 2 : 3;

  cell->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  cell->view = ENLARGE_COMPARE_VIEW (enlarge_compare_view_new ());
  enlarge_compare_view_set_mode (cell->view, ENLARGE_COMPARE_SINGLE);
  gtk_widget_set_hexpand (GTK_WIDGET (cell->view), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (cell->view), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (cell->view), 160, 160);
  gtk_widget_add_css_class (GTK_WIDGET (cell->view), "card");
  g_signal_connect (cell->view, "view-changed", G_CALLBACK (on_view_changed), self);
  {
    GtkWidget *overlay = gtk_overlay_new ();

    gtk_overlay_set_child (GTK_OVERLAY (overlay), GTK_WIDGET (cell->view));
    if (usable)
      {
        cell->spinner = GTK_SPINNER (gtk_spinner_new ());
        gtk_widget_set_size_request (GTK_WIDGET (cell->spinner), 32, 32);
        gtk_widget_set_halign (GTK_WIDGET (cell->spinner), GTK_ALIGN_CENTER);
        gtk_widget_set_valign (GTK_WIDGET (cell->spinner), GTK_ALIGN_CENTER);
        gtk_widget_set_can_target (GTK_WIDGET (cell->spinner), FALSE);
        gtk_spinner_start (cell->spinner);
        gtk_overlay_add_overlay (GTK_OVERLAY (overlay), GTK_WIDGET (cell->spinner));
      }
    gtk_box_append (GTK_BOX (cell->box), overlay);
  }

  /* the title on a line of its own: model names differ at their ends */
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  cell->title = GTK_LABEL (gtk_label_new (title));
  gtk_label_set_xalign (cell->title, 0);
  gtk_label_set_ellipsize (cell->title, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (cell->title), "heading");
  cell->detail = GTK_LABEL (gtk_label_new (detail));
  gtk_label_set_xalign (cell->detail, 0);
  /* wrapped, not cut: the fidelity comes last and matters most */
  gtk_label_set_wrap (cell->detail, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (cell->detail), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (cell->detail), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (cell->detail), "numeric");
  gtk_widget_set_hexpand (GTK_WIDGET (cell->detail), TRUE);
  gtk_box_append (GTK_BOX (cell->box), GTK_WIDGET (cell->title));
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (cell->detail));
  if (usable)
    {
      cell->use_button = gtk_button_new_with_mnemonic (_("_Use This"));
      gtk_widget_set_valign (cell->use_button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (cell->use_button, "flat");
      gtk_widget_set_tooltip_text (cell->use_button,
                                   _("Set the main window’s model and creativity to these"));
      gtk_widget_set_sensitive (cell->use_button, FALSE);
      g_object_set_data (G_OBJECT (cell->use_button), "enlarge-cell", cell);
      g_signal_connect (cell->use_button, "clicked", G_CALLBACK (on_use_clicked), self);
      gtk_box_append (GTK_BOX (row), cell->use_button);
    }
  gtk_box_append (GTK_BOX (cell->box), row);
  gtk_size_group_add_widget (self->row_sizes, row);

  gtk_grid_attach (self->grid, cell->box, index % columns, index / columns, 1, 1);
  g_ptr_array_add (self->cells, cell);
  return cell;
}

static void
clear_cells (EnlargeCompareWindow *self)
{
  GtkWidget *child;

  for (guint i = 0; i < self->cells->len; i++)
    {
      Cell *cell = g_ptr_array_index (self->cells, i);
      gtk_size_group_remove_widget (self->row_sizes, gtk_widget_get_last_child (cell->box));
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid))) != NULL)
    gtk_grid_remove (self->grid, child);
  g_ptr_array_set_size (self->cells, 0);
}

/* The input region, enlarged with nearest neighbour to the results' size
 * so that every cell has the same image coordinates. */
static GdkTexture *
original_texture (EnlargeCompareWindow *self, int width, int height)
{
  g_autoptr (EnlargeImage) crop = enlarge_image_crop (self->input, &self->region, NULL);
  g_autoptr (EnlargeImage) big = NULL;

  if (crop != NULL)
    big = enlarge_resample (crop, width, height, ENLARGE_FILTER_NEAREST, NULL);
  return big != NULL ? enlarge_texture_new_for_image (big) : NULL;
}

static char *
describe_settings (const EnlargeSettings *s)
{
  /* Translators: creativity and scale of a result, e.g. "creativity 0.50 · 4.0×" */
  return g_strdup_printf (_("creativity %.2f · %.1f×"), s->creativity, s->scale);
}

static void
on_result (GObject *source, EnlargeCompareResult *result)
{
  EnlargeCompareWindow *self = ENLARGE_COMPARE_WINDOW (source);
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *settings = NULL;
  g_autofree char *detail = NULL;
  Cell *cell, *original;

  /* Results are delivered before their run's end (both go through the main
   * context in order), so one that comes while nothing runs is stale. */
  cell = self->cells->len > result->entry + 1 ? g_ptr_array_index (self->cells, result->entry + 1) : NULL;
  if (!self->running || cell == NULL || cell->result != NULL)
    {
      enlarge_compare_result_free (result);
      return;
    }

  texture = enlarge_texture_new_for_image (result->image);
  enlarge_compare_view_set_before (cell->view, texture);
  settings = describe_settings (&result->settings);
  if (isinf (result->fidelity_db))
    /* Translators: settings, seconds taken, fidelity (identical to the input) */
    detail = g_strdup_printf (_("%s · %.2f s · fidelity: identical"), settings, result->seconds);
  else
    /* Translators: settings, seconds taken, fidelity in decibels */
    detail = g_strdup_printf (_("%s · %.2f s · fidelity %.1f dB"), settings, result->seconds,
                              result->fidelity_db);
  gtk_label_set_label (cell->detail, detail);
  gtk_spinner_stop (cell->spinner);
  gtk_widget_set_visible (GTK_WIDGET (cell->spinner), FALSE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (cell->detail),
                               _("Time on this region, and fidelity: how close the result, "
                                 "scaled back down, is to the original (higher is closer)"));
  cell->result = result;
  gtk_widget_set_sensitive (cell->use_button, TRUE);
  self->n_results++;

  /* the original's cell, at the results' size, with the first result */
  original = g_ptr_array_index (self->cells, 0);
  if (enlarge_compare_view_get_before (original->view) == NULL)
    {
      g_autoptr (GdkTexture) orig = original_texture (self, result->image->width, result->image->height);
      enlarge_compare_view_set_before (original->view, orig);
    }
  /* a new cell starts where the others are */
  on_view_changed (original->view, self);
  update_state (self);
}

static void
on_compare_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  EnlargeCompareWindow *self = ENLARGE_COMPARE_WINDOW (source);
  GCancellable *run = user_data;
  g_autoptr (GError) error = NULL;

  enlarge_job_compare_finish (source, res, &error);
  if (run != self->cancellable)
    {
      g_object_unref (run);
      return;  /* a newer comparison has started */
    }
  g_object_unref (run);
  self->running = FALSE;
  for (guint i = 1; i < self->cells->len; i++)
    {
      Cell *cell = g_ptr_array_index (self->cells, i);
      if (cell->result == NULL)
        {
          gtk_label_set_label (cell->detail, _("Not run"));
          gtk_spinner_stop (cell->spinner);
          gtk_widget_set_visible (GTK_WIDGET (cell->spinner), FALSE);
        }
    }
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
  update_state (self);
}

/* ---- running ---------------------------------------------------------------- */

void
enlarge_compare_window_run (EnlargeCompareWindow *self)
{
  g_autoptr (GArray) entries = g_array_new (FALSE, TRUE, sizeof (EnlargeCompareEntry));
  g_autofree char *device = NULL;
  g_autofree char *model = NULL;
  EnlargeSettings s = ENLARGE_SETTINGS_INIT;
  gboolean vary;

  g_return_if_fail (ENLARGE_IS_COMPARE_WINDOW (self));
  if (self->running || self->input == NULL)
    return;

  /* the main window's settings: the results are what Upscale would give */
  device = g_settings_get_string (self->settings, "device");
  s.creativity = g_settings_get_double (self->settings, "creativity");
  s.scale = g_settings_get_double (self->settings, "scale");
  s.target_mp = g_settings_get_double (self->settings, "target-mp");
  vary = gtk_switch_get_active (self->vary_switch);
  if (vary)
    {
      model = current_model (self);
      if (model == NULL)
        return;
      for (guint i = 0; i < G_N_ELEMENTS (creativity_values); i++)
        {
          EnlargeCompareEntry e = { model, NULL, s };
          e.settings.creativity = creativity_values[i];
          g_array_append_val (entries, e);
        }
    }
  else
    for (guint i = 0; i < self->checks->len; i++)
      if (gtk_check_button_get_active (g_ptr_array_index (self->checks, i)))
        {
          EnlargeCompareEntry e = { g_ptr_array_index (self->model_ids, i), NULL, s };
          g_array_append_val (entries, e);
        }
  if (!vary && (entries->len < MIN_MODELS || entries->len > MAX_MODELS))
    {
      update_state (self);
      return;
    }

  clear_cells (self);
  gtk_stack_set_visible_child_name (self->results_stack, "grid");
  self->n_entries = entries->len;
  self->n_results = 0;
  add_cell (self, _("Original"), _("Nearest neighbour"), FALSE);
  for (guint i = 0; i < entries->len; i++)
    {
      const EnlargeCompareEntry *e = &g_array_index (entries, EnlargeCompareEntry, i);
      const EnlargeModelEntry *info = enlarge_model_catalog_lookup (enlarge_model_catalog_get_default (),
                                                                    e->model);
      g_autofree char *detail = describe_settings (&e->settings);
      g_autofree char *waiting = g_strdup_printf (_("%s · waiting…"), detail);
      Cell *cell = add_cell (self, info && info->title ? info->title : e->model, waiting, TRUE);
      gtk_widget_set_tooltip_text (GTK_WIDGET (cell->title), e->model);
    }

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->running = TRUE;
  enlarge_job_compare_async (G_OBJECT (self), device, (EnlargeCompareEntry *) entries->data,
                             entries->len, self->input, &self->region, on_result,
                             self->cancellable, on_compare_done, g_object_ref (self->cancellable));
  update_state (self);
}

void
enlarge_compare_window_cancel (EnlargeCompareWindow *self)
{
  g_return_if_fail (ENLARGE_IS_COMPARE_WINDOW (self));

  /* the finished results stay; the done callback updates the labels */
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
}

/* ---- construction ------------------------------------------------------------ */

static void
on_check_toggled (EnlargeCompareWindow *self)
{
  update_state (self);
}

static void
set_region_subtitle (EnlargeCompareWindow *self)
{
  g_autofree char *text = NULL;

  if (self->input == NULL)
    return;
  /* Translators: the region compared: size, position, image size */
  text = g_strdup_printf (_("Region %d × %d at %d, %d of %d × %d"),
                          self->region.width, self->region.height, self->region.x,
                          self->region.y, self->input->width, self->input->height);
  adw_window_title_set_subtitle (self->title, text);
}

static gboolean
close_request (GtkWindow *window)
{
  EnlargeCompareWindow *self = ENLARGE_COMPARE_WINDOW (window);

  enlarge_compare_window_cancel (self);
  return GTK_WINDOW_CLASS (enlarge_compare_window_parent_class)->close_request (window);
}

static void
enlarge_compare_window_dispose (GObject *object)
{
  EnlargeCompareWindow *self = ENLARGE_COMPARE_WINDOW (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->settings)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_pointer (&self->cells, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENLARGE_TYPE_COMPARE_WINDOW);

  G_OBJECT_CLASS (enlarge_compare_window_parent_class)->dispose (object);
}

static void
enlarge_compare_window_finalize (GObject *object)
{
  EnlargeCompareWindow *self = ENLARGE_COMPARE_WINDOW (object);

  g_clear_pointer (&self->input, enlarge_image_unref);
  g_clear_pointer (&self->model_ids, g_ptr_array_unref);
  g_clear_pointer (&self->checks, g_ptr_array_unref);
  g_clear_object (&self->row_sizes);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (enlarge_compare_window_parent_class)->finalize (object);
}

static void
enlarge_compare_window_class_init (EnlargeCompareWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enlarge_compare_window_dispose;
  object_class->finalize = enlarge_compare_window_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/enlarge/Enlarge/enlarge-compare-window.ui");
  gtk_widget_class_bind_template_child (widget_class, EnlargeCompareWindow, models_group);
  gtk_widget_class_bind_template_child (widget_class, EnlargeCompareWindow, vary_row);
  gtk_widget_class_bind_template_child (widget_class, EnlargeCompareWindow, vary_switch);
  gtk_widget_class_bind_template_child (widget_class, EnlargeCompareWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, EnlargeCompareWindow, title);
  gtk_widget_class_bind_template_child (widget_class, EnlargeCompareWindow, run_button);
  gtk_widget_class_bind_template_child (widget_class, EnlargeCompareWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, EnlargeCompareWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, EnlargeCompareWindow, grid);
  gtk_widget_class_bind_template_child (widget_class, EnlargeCompareWindow, results_stack);

  /* "Use This" chose @title's model (and its creativity); the window closes */
  signals[SIGNAL_USED] =
    g_signal_new ("used", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  gtk_widget_class_bind_template_callback (widget_class, enlarge_compare_window_run);
  gtk_widget_class_bind_template_callback (widget_class, enlarge_compare_window_cancel);
  gtk_widget_class_bind_template_callback (widget_class, update_state);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
enlarge_compare_window_init (EnlargeCompareWindow *self)
{
  EnlargeModelCatalog *catalog = enlarge_model_catalog_get_default ();
  g_autofree char *subtitle = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  enlarge_a11y_name_toasts (self->toasts);
  enlarge_a11y_name_controls (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  self->cells = g_ptr_array_new_with_free_func ((GDestroyNotify) cell_free);
  self->row_sizes = gtk_size_group_new (GTK_SIZE_GROUP_VERTICAL);
  self->model_ids = g_ptr_array_new_with_free_func (g_free);
  self->checks = g_ptr_array_new ();

  /* the models as they are when the window opens, imported ones
   * included (one imported while it is open shows the next time) */
  for (guint i = 0; i < enlarge_model_catalog_get_n_entries (catalog); i++)
    {
      const EnlargeModelEntry *info = enlarge_model_catalog_get_entry (catalog, i);
      GtkWidget *row, *check;

      if (!enlarge_model_entry_usable (info))
        continue;
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), info->title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), info->id);
      check = gtk_check_button_new ();
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (on_check_toggled), self);
      adw_preferences_group_add (self->models_group, row);
      g_ptr_array_add (self->model_ids, g_strdup (info->id));
      g_ptr_array_add (self->checks, check);
    }

  subtitle = g_strdup_printf (_("The main window’s model at creativity %.1f, %.1f and %.1f"),
                              creativity_values[0], creativity_values[1], creativity_values[2]);
  adw_action_row_set_subtitle (self->vary_row, subtitle);
  /* "Compare Creativity Instead" runs the main window's current model */
  g_signal_connect_swapped (self->settings, "changed::model", G_CALLBACK (update_state), self);
}

EnlargeCompareWindow *
enlarge_compare_window_new (GtkWindow    *parent,
                            EnlargeImage *input)
{
  EnlargeCompareWindow *self = g_object_new (ENLARGE_TYPE_COMPARE_WINDOW,
                                             "transient-for", parent,
                                             "destroy-with-parent", TRUE,
                                             NULL);
  g_autofree char *model = g_settings_get_string (self->settings, "model");
  guint checked = 0;

  if (input != NULL)
    {
      self->input = enlarge_image_ref (input);
      self->region = enlarge_suggest_region (input, REGION_SIZE);
      set_region_subtitle (self);
    }

  /* a first choice to start from: the main window's model and the two
   * fastest others, so that Compare gives something at once */
  for (guint i = 0; i < self->model_ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->model_ids, i), model) == 0)
      {
        gtk_check_button_set_active (g_ptr_array_index (self->checks, i), TRUE);
        checked++;
      }
  {
    static const char *fast[] = { "realesrgan-x4fast", "realesr-animevideov3-x4", "realesr-animevideov3-x2" };
    for (guint f = 0; f < G_N_ELEMENTS (fast) && checked < 3; f++)
      for (guint i = 0; i < self->model_ids->len; i++)
        if (g_str_equal (g_ptr_array_index (self->model_ids, i), fast[f]) &&
            !gtk_check_button_get_active (g_ptr_array_index (self->checks, i)))
          {
            gtk_check_button_set_active (g_ptr_array_index (self->checks, i), TRUE);
            checked++;
          }
  }
  update_state (self);
  return self;
}

/* ---- accessors -------------------------------------------------------------- */

void
enlarge_compare_window_set_models (EnlargeCompareWindow *self, const char * const *ids)
{
  g_return_if_fail (ENLARGE_IS_COMPARE_WINDOW (self));

  for (guint i = 0; i < self->model_ids->len; i++)
    gtk_check_button_set_active (g_ptr_array_index (self->checks, i),
                                 g_strv_contains (ids, g_ptr_array_index (self->model_ids, i)));
}

void
enlarge_compare_window_set_vary_creativity (EnlargeCompareWindow *self, gboolean vary)
{
  g_return_if_fail (ENLARGE_IS_COMPARE_WINDOW (self));
  gtk_switch_set_active (self->vary_switch, vary);
}

gboolean
enlarge_compare_window_get_running (EnlargeCompareWindow *self)
{
  g_return_val_if_fail (ENLARGE_IS_COMPARE_WINDOW (self), FALSE);
  return self->running;
}

EnlargeRect
enlarge_compare_window_get_region (EnlargeCompareWindow *self)
{
  return self->region;
}

guint
enlarge_compare_window_get_n_results (EnlargeCompareWindow *self)
{
  g_return_val_if_fail (ENLARGE_IS_COMPARE_WINDOW (self), 0);
  return self->n_results;
}

static Cell *
entry_cell (EnlargeCompareWindow *self, guint i)
{
  Cell *cell = i + 1 < self->cells->len ? g_ptr_array_index (self->cells, i + 1) : NULL;

  return cell != NULL && cell->result != NULL ? cell : NULL;
}

char *
enlarge_compare_window_get_label (EnlargeCompareWindow *self, guint i)
{
  Cell *cell = entry_cell (self, i);

  if (cell == NULL)
    return NULL;
  return g_strdup_printf ("%s\n%s", gtk_label_get_label (cell->title),
                          gtk_label_get_label (cell->detail));
}

gboolean
enlarge_compare_window_use (EnlargeCompareWindow *self, guint i)
{
  Cell *cell = entry_cell (self, i);

  if (cell == NULL || !gtk_widget_is_sensitive (cell->use_button))
    return FALSE;
  g_signal_emit_by_name (cell->use_button, "clicked");
  return TRUE;
}
