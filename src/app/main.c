/* main.c: the enlarge executable. */

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "enlarge.h"
#include "enlarge-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (EnlargeApplication) app = NULL;

  setlocale (LC_ALL, "");
  enlarge_tune_malloc ();
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = enlarge_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
