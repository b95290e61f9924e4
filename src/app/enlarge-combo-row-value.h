/* enlarge-combo-row-value.h: the chosen value of an AdwComboRow shown
 * whole. */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Makes @row (a row over a GtkStringList) show its chosen value on as many
 * lines as its words need instead of cutting it short with an ellipsis
 * ("Port…"), which a long subtitle beside it does at a narrow width and in
 * longer languages. The popover's list keeps one line per item. */
void enlarge_combo_row_wrap_value (AdwComboRow *row);

G_END_DECLS
