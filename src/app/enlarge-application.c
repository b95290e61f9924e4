/* enlarge-application.c: the single-instance application. */

#include "config.h"

#include <glib/gi18n.h>

#include "enlarge.h"
#include "enlarge-application.h"
#include "enlarge-preferences-window.h"
#include "enlarge-window.h"

struct _EnlargeApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (EnlargeApplication, enlarge_application, ADW_TYPE_APPLICATION)

static EnlargeWindow *
get_window (EnlargeApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (ENLARGE_IS_WINDOW (window))
    return ENLARGE_WINDOW (window);
  return enlarge_window_new (GTK_APPLICATION (self));
}

static void
enlarge_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_window (ENLARGE_APPLICATION (app))));
}

static void
enlarge_application_open (GApplication  *app,
                          GFile        **files,
                          int            n_files,
                          const char    *hint)
{
  EnlargeWindow *window = get_window (ENLARGE_APPLICATION (app));

  GSList *list = NULL;

  /* one file is opened, several are queued */
  for (int i = n_files; i > 0; i--)
    list = g_slist_prepend (list, files[i - 1]);
  enlarge_window_open_files (window, list);
  g_slist_free (list);
  gtk_window_present (GTK_WINDOW (window));
}

static void
quit_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *app = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (app));

  /* closing asks about unsaved results; the app ends with its last window */
  for (GList *l = windows; l; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
}

static void
about_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *app = user_data;
  static const char *developers[] = { "The Enlarge developers", NULL };

  GtkWidget *about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                                   "transient-for", gtk_application_get_active_window (app),
                                   "application-name", _("Enlarge"),
                                   "application-icon", APP_ID,
                                   "version", PACKAGE_VERSION,
                                   "developer-name", _("The Enlarge developers"),
                                   "developers", developers,
                                   "comments", _("Upscale images with neural networks, on your own computer"),
                                   "license-type", GTK_LICENSE_GPL_3_0,
                                   "website", "https://github.com/enlarge/enlarge",
                                   /* Translators: your names, one per line */
                                   "translator-credits", _("translator-credits"),
                                   NULL);
  const GPtrArray *models = enlarge_model_list ();

  /* the models are other people's work, under their own licences */
  for (guint i = 0; i < models->len; i++)
    {
      const EnlargeModelInfo *info = g_ptr_array_index ((GPtrArray *) models, i);
      gboolean realesrgan = g_str_has_prefix (info->id, "realesr");
      gboolean bsd = g_strcmp0 (info->license, "BSD-3-Clause") == 0;
      /* Translators: a model's licence, when it is not one GTK knows */
      g_autofree char *custom = bsd ? NULL : g_strdup_printf (_("Licence: %s"),
                                                             info->license ? info->license : "?");


      adw_about_window_add_legal_section (ADW_ABOUT_WINDOW (about), info->title ? info->title : info->id,
                                          realesrgan ?
                                            /* Translators: the authors of the Real-ESRGAN models */
                                            _("Weights by Xintao Wang and the Real-ESRGAN authors") :
                                            _("Weights by their authors"),
                                          bsd ? GTK_LICENSE_BSD_3 : GTK_LICENSE_CUSTOM, custom);
    }
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *app = user_data;
  GtkWidget *prefs = enlarge_preferences_window_new (gtk_application_get_active_window (app));

  gtk_window_present (GTK_WINDOW (prefs));
}

static void
shortcuts_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  if (window)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "preferences", preferences_action },
  { "shortcuts", shortcuts_action },
};

static void
enlarge_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };

  G_APPLICATION_CLASS (enlarge_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.shortcuts", shortcuts_accels);
}

static void
enlarge_application_class_init (EnlargeApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = enlarge_application_activate;
  app_class->open = enlarge_application_open;
  app_class->startup = enlarge_application_startup;
}

static void
enlarge_application_init (EnlargeApplication *self)
{
}

EnlargeApplication *
enlarge_application_new (void)
{
  return g_object_new (ENLARGE_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/enlarge/Enlarge",
                       NULL);
}
