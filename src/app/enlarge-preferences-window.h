#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ENLARGE_TYPE_PREFERENCES_WINDOW (enlarge_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (EnlargePreferencesWindow, enlarge_preferences_window,
                      ENLARGE, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *enlarge_preferences_window_new (GtkWindow *parent);

G_END_DECLS
