/* What enlarge-cli's main program and its --compare mode share: the exit
 * statuses and the way messages go to stderr. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PROGRAM_NAME "enlarge-cli"

enum {
  EXIT_OK = 0,
  EXIT_FAILED = 1,
  EXIT_USAGE = 2,
};

/* Prints "enlarge-cli: MESSAGE" to stderr. */
void print_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* Prints "enlarge-cli: MESSAGE" and a pointer to --help to stderr; returns
 * EXIT_USAGE. */
int usage_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

G_END_DECLS
