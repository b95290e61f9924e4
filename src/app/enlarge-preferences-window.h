#pragma once

#include <adwaita.h>

#include "enlarge.h"
#include "enlarge-models-page.h"

G_BEGIN_DECLS

#define ENLARGE_TYPE_PREFERENCES_WINDOW (enlarge_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (EnlargePreferencesWindow, enlarge_preferences_window,
                      ENLARGE, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *enlarge_preferences_window_new (GtkWindow *parent);

/* A device as the device list names it: "Processor: AMD EPYC",
 * "Graphics card: …", the reference path in words. */
char      *enlarge_preferences_device_label (const EnlargeDeviceInfo *info);

/* Its Models page. */
EnlargeModelsPage *enlarge_preferences_window_get_models_page (EnlargePreferencesWindow *self);

G_END_DECLS
