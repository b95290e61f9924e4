/* enlarge-combo-row-value.c: see enlarge-combo-row-value.h. */

#include "config.h"

#include "enlarge-combo-row-value.h"

static void
setup_item (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  wrap)
{
  GtkWidget *label = gtk_label_new (NULL);

  if (GPOINTER_TO_INT (wrap))
    {
      /* whole words only: the narrowest the value gets is its longest word */
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 14);
      gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
      gtk_label_set_xalign (GTK_LABEL (label), 1);
    }
  else
    gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
bind_item (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  wrap)
{
  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)),
                       gtk_string_object_get_string (gtk_list_item_get_item (item)));
}

static GtkListItemFactory *
factory_new (gboolean wrap)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_item), GINT_TO_POINTER (wrap));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_item), GINT_TO_POINTER (wrap));
  return factory;
}

void
enlarge_combo_row_wrap_value (AdwComboRow *row)
{
  g_autoptr (GtkListItemFactory) shown = factory_new (TRUE);
  g_autoptr (GtkListItemFactory) listed = factory_new (FALSE);

  adw_combo_row_set_factory (row, shown);
  adw_combo_row_set_list_factory (row, listed);
}
