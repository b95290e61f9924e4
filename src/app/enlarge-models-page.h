#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The Models page of Preferences: the installed models with their
 * architecture, scale, size and licence; importing a model file (a file
 * chooser) and removing an imported one (after a question). */
#define ENLARGE_TYPE_MODELS_PAGE (enlarge_models_page_get_type ())
G_DECLARE_FINAL_TYPE (EnlargeModelsPage, enlarge_models_page, ENLARGE, MODELS_PAGE, AdwPreferencesPage)

GtkWidget *enlarge_models_page_new (void);

/* What the file chooser's answer does: imports @file off the main thread,
 * then says how it went (a toast, or a dialog with the reason). */
void enlarge_models_page_import (EnlargeModelsPage *self,
                                 GFile             *file);

/* Asks whether to remove the imported model @id; "remove" removes it. */
void enlarge_models_page_ask_remove (EnlargeModelsPage *self,
                                     const char        *id);

/* ---- for tests ---- */

/* imports still running */
guint             enlarge_models_page_get_importing   (EnlargeModelsPage *self);
/* the last toast or error shown, NULL when none */
const char       *enlarge_models_page_get_last_message (EnlargeModelsPage *self);
/* the question or error dialog shown, NULL when none */
AdwMessageDialog *enlarge_models_page_get_dialog      (EnlargeModelsPage *self);
/* the row of model @id, NULL when not listed */
AdwActionRow     *enlarge_models_page_get_row         (EnlargeModelsPage *self,
                                                       const char        *id);

G_END_DECLS
