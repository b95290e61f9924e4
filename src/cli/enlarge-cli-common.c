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
