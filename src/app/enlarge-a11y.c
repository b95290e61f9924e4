/* enlarge-a11y.c: two names that the accessibility bus (AT-SPI, what Orca
 * reads) got wrong on Debian 12, found by tests/a11y-walk.py:
 *
 * - libadwaita 1.2 gives a toast's close button an icon and nothing else,
 *   so it is read by its class name ("GtkButton");
 * - GTK 4.8 names a button with a mnemonic twice, by its label property as
 *   written and by its mnemonic label: "_Upscale Upscale" (an icon and
 *   label button, the Models page's "Import Model…", the same way). The
 *   GTK test backend the app tests use does not show this;
 * - AdwPreferencesWindow's search entry has no name ("GtkSearchEntry").
 *
 * Both set the name a screen reader should read; newer libraries that name
 * these right get the same text. */

#include "config.h"

#include <glib/gi18n.h>

#include "enlarge-a11y.h"

static void
name_close_button (GtkWidget *toast)
{
  for (GtkWidget *c = gtk_widget_get_first_child (toast); c; c = gtk_widget_get_next_sibling (c))
    {
      /* the icon, not the position, tells it from the action button; a
       * libadwaita that explains the button with a tooltip named it too */
      if (!GTK_IS_BUTTON (c) ||
          g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (c)), "window-close-symbolic") != 0 ||
          gtk_widget_get_tooltip_text (c) != NULL)
        continue;
      gtk_accessible_update_property (GTK_ACCESSIBLE (c),
                                      /* Translators: the close button of a message at the
                                       * bottom of the window, for screen readers */
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Dismiss Message"),
                                      -1);
    }
}

static void
on_overlay_children_changed (GListModel *children,
                             guint       position,
                             guint       removed,
                             guint       added,
                             gpointer    user_data)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (GtkWidget) child = g_list_model_get_item (children, i);

      /* AdwToastWidget is private: known by its type name */
      if (g_str_equal (G_OBJECT_TYPE_NAME (child), "AdwToastWidget"))
        name_close_button (child);
    }
}

/* Names the close button of every toast @overlay shows from now on. The
 * toast widgets are the overlay's own children, created when a toast is
 * shown (a queued one later than adw_toast_overlay_add_toast), so the
 * overlay's children are watched; that bookkeeping covers the overlay's
 * direct children only (its content and the toasts). */
void
enlarge_a11y_name_toasts (AdwToastOverlay *overlay)
{
  GListModel *children;

  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));

  children = gtk_widget_observe_children (GTK_WIDGET (overlay));
  g_signal_connect (children, "items-changed", G_CALLBACK (on_overlay_children_changed), NULL);
  g_object_set_data_full (G_OBJECT (overlay), "enlarge-toast-children", children, g_object_unref);
}

/* The label that shows @button's text with a mnemonic: its own child, or
 * the label inside an AdwButtonContent (an icon and a label), which GTK
 * 4.8 reads twice the same way; NULL for a button without one. */
static GtkLabel *
mnemonic_label (GtkButton *button)
{
  GtkWidget *child = gtk_button_get_child (button);

  if (gtk_button_get_use_underline (button) && GTK_IS_LABEL (child))
    return GTK_LABEL (child);
  if (ADW_IS_BUTTON_CONTENT (child) && adw_button_content_get_use_underline (ADW_BUTTON_CONTENT (child)))
    for (GtkWidget *c = gtk_widget_get_first_child (child); c; c = gtk_widget_get_next_sibling (c))
      if (GTK_IS_LABEL (c))
        return GTK_LABEL (c);
  return NULL;
}

static void
name_controls (GtkWidget *root)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkLabel *label = GTK_IS_BUTTON (c) ? mnemonic_label (GTK_BUTTON (c)) : NULL;

      if (label != NULL)
        {
          /* the text as shown, without the underscore */
          const char *text = gtk_label_get_text (label);

          if (text != NULL && text[0] != '\0')
            {
              gtk_accessible_reset_relation (GTK_ACCESSIBLE (c), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
              gtk_accessible_update_property (GTK_ACCESSIBLE (c), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
            }
          continue;
        }
      /* a preferences window's search entry is named by nothing */
      if (GTK_IS_SEARCH_ENTRY (c))
        gtk_accessible_update_property (GTK_ACCESSIBLE (c), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        /* Translators: the search field, for screen readers */
                                        _("Search"), -1);
      name_controls (c);
    }
}

static void
on_map (GtkWidget *root,
        gpointer   user_data)
{
  name_controls (root);
}

/* Names each button with a mnemonic under @root by its text (and a search
 * entry as such), once now and
 * again whenever @root is mapped: a message dialog's response buttons are
 * added after it is created. */
void
enlarge_a11y_name_controls (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  name_controls (root);
  g_signal_connect (root, "map", G_CALLBACK (on_map), NULL);
}
