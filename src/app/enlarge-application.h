#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ENLARGE_TYPE_APPLICATION (enlarge_application_get_type ())
G_DECLARE_FINAL_TYPE (EnlargeApplication, enlarge_application, ENLARGE, APPLICATION, AdwApplication)

EnlargeApplication *enlarge_application_new (void);

G_END_DECLS
