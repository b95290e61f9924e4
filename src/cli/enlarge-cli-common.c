/* Exit statuses and error messages shared by enlarge-cli's modes; see
 * enlarge-cli-common.h. */

#include "config.h"

#include "enlarge-cli-common.h"

#include <stdarg.h>
#include <stdio.h>

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
  fprintf (stderr, "Try “%s --help” for more information.\n", PROGRAM_NAME);
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
