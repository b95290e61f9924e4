/* main.c: the enlarge executable. */

#include "config.h"

#include <locale.h>

#include "enlarge.h"
#include "enlarge-application.h"
#include "enlarge-environment.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (EnlargeApplication) app = NULL;

  setlocale (LC_ALL, "");
  enlarge_tune_malloc ();
  enlarge_environment_bind_textdomain ();

  app = enlarge_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
