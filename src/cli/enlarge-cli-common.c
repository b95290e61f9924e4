/* Exit statuses and error messages shared by enlarge-cli's modes; see
 * enlarge-cli-common.h. */

#include "config.h"

#include "enlarge-cli-common.h"
#include "enlarge-environment.h"

#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib/gi18n.h>
#include <unistd.h>

#include <glib-unix.h>

static void G_GNUC_PRINTF (1, 0)
vprint_error (const char *format, va_list args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);

  fprintf (stderr, "%s: %s\n", PROGRAM_NAME, message);
}

void
print_error (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  vprint_error (format, args);
  va_end (args);
}

int
usage_error (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  vprint_error (format, args);
  va_end (args);
  /* Translators: %s is the program name, enlarge-cli */
  fprintf (stderr, _("Try “%s --help” for more information.\n"), PROGRAM_NAME);
  return EXIT_USAGE;
}

int
fatal_exit_status (const GError *error)
{
  return g_error_matches (error, ENLARGE_ERROR, ENLARGE_ERROR_NO_DEVICE) ||
         g_error_matches (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT)
         ? EXIT_USAGE : EXIT_FAILED;
}

void
json_append_string (GString *s, const char *text)
{
  /* JSON is UTF-8: a file name that is not becomes valid with U+FFFD. */
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  g_string_append_c (s, '"');
  for (const char *p = valid; *p; p++)
    {
      guchar c = (guchar) *p;
      if (c == '"' || c == '\\')
        g_string_append_printf (s, "\\%c", c);
      else if (c < 0x20)
        g_string_append_printf (s, "\\u%04x", c);
      else
        g_string_append_c (s, (char) c);
    }
  g_string_append_c (s, '"');
}

EnlargeImage *
cli_load_input (const char *path, const EnlargeLoadOptions *load, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  EnlargeImage *image = enlarge_image_load_full (path, load, &local_error);

  if (g_error_matches (local_error, ENLARGE_ERROR, ENLARGE_ERROR_TOO_LARGE))
    g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_TOO_LARGE,
                 /* Translators: %s is the message that says the image is too large */
                 _("%s (--max-megapixels raises it)"), local_error->message);
  else if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  if (image != NULL && image->meta.animated)
    print_error (_("warning: %s is an animation; only its first frame is enlarged"), path);
  return image;
}

static gboolean verbose;

void
cli_set_verbose (gboolean value)
{
  verbose = value;
}

EnlargeNet *
cli_model_load (const char *id, GError **error)
{
  /* a .pth, .safetensors or .param named by its path */
  if (enlarge_model_is_file (id))
    return enlarge_model_load_file (id, error);

  const EnlargeModelInfo *info = enlarge_model_lookup (id);

  if (verbose && info != NULL)
    {
      const char *files[] = { info->param_file, info->bin_file };
      for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
        {
          g_autofree char *path = enlarge_model_find_file_in (enlarge_environment_model_dirs (),
                                                              files[i]);
          g_autofree char *display = path != NULL ? g_filename_display_name (path) : NULL;
          /* Translators: enlarge-cli: model ID: the file it was read from */
          fprintf (stderr, _("%s: model %s: %s\n"), PROGRAM_NAME, id,
                   display != NULL ? display : files[i]);
        }
    }
  return enlarge_model_load_in (enlarge_environment_model_dirs (), id, error);
}

/* ---- signals ------------------------------------------------------------ */

static GCancellable *signal_cancellable;
static gint signal_received;   /* the first watched signal, 0 = none */

/* Ends the program as @signum does by default. */
static void G_GNUC_NORETURN
die_by_signal (int signum)
{
  signal (signum, SIG_DFL);
  raise (signum);
  _exit (128 + signum);
}

/* The main thread did not wind down in time: it is blocked in a system
 * call (opening a FIFO nobody writes to) or in a long encode. */
static gboolean
on_grace_over (gpointer user_data)
{
  die_by_signal (g_atomic_int_get (&signal_received));
}

static gboolean
on_signal (gpointer user_data)
{
  int signum = GPOINTER_TO_INT (user_data);

  /* A second one: the user does not want to wait for the cleanup. */
  if (!g_atomic_int_compare_and_exchange (&signal_received, 0, signum))
    die_by_signal (signum);

  g_cancellable_cancel (signal_cancellable);
  /* A TIFF encode of a 4096² result, which only then sees the cancel,
   * takes about 3 s on a slow machine. */
  g_autoptr (GSource) grace = g_timeout_source_new_seconds (10);
  g_source_set_callback (grace, on_grace_over, NULL, NULL);
  g_source_attach (grace, g_main_context_get_thread_default ());
  return G_SOURCE_CONTINUE;
}

static gpointer
signal_thread (gpointer data)
{
  GMainContext *context = data;
  g_autoptr (GMainLoop) loop = g_main_loop_new (context, FALSE);

  g_main_context_push_thread_default (context);
  g_main_loop_run (loop);
  return NULL;
}

GCancellable *
cli_signals_watch (void)
{
  static const int signals[] = { SIGINT, SIGTERM, SIGHUP };

  g_return_val_if_fail (signal_cancellable == NULL, signal_cancellable);

  signal_cancellable = g_cancellable_new ();
  GMainContext *context = g_main_context_new ();
  for (gsize i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      g_autoptr (GSource) source = g_unix_signal_source_new (signals[i]);
      g_source_set_callback (source, on_signal, GINT_TO_POINTER (signals[i]), NULL);
      g_source_attach (source, context);
    }
  /* Runs until the program ends; never joined. */
  g_thread_unref (g_thread_new ("signals", signal_thread, context));
  return signal_cancellable;
}

void
cli_signals_exit_if_received (void)
{
  int signum = g_atomic_int_get (&signal_received);

  if (signum == 0)
    return;
  fflush (stdout);
  die_by_signal (signum);
}

/* ---- options ------------------------------------------------------------ */

gboolean
cli_parse_finite (const char *option_name, const char *value, double *result, GError **error)
{
  char *end = NULL;
  double v = g_ascii_strtod (value, &end);

  if (end == value || *end != '\0' || !isfinite (v))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s needs a number, not “%s”"), option_name, value);
      return FALSE;
    }
  *result = v;
  return TRUE;
}
