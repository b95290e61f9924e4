/* enlarge-a11y.h: screen-reader names that GTK 4.8 and libadwaita 1.2 get
 * wrong by themselves. */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void enlarge_a11y_name_toasts    (AdwToastOverlay *overlay);
void enlarge_a11y_name_controls (GtkWidget       *root);

G_END_DECLS
