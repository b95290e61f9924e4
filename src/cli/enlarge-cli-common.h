/* What enlarge-cli's main program and its --compare mode share: the exit
 * statuses and the way messages go to stderr. */

#pragma once

#include <gio/gio.h>

#include "enlarge.h"

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

/* enlarge_image_load_full, with a hint at --max-megapixels when the
 * image is above the limit and a warning on stderr for an animation, of
 * which only the first frame is loaded. */
EnlargeImage *cli_load_input (const char *path, const EnlargeLoadOptions *load, GError **error);

/* With -v: enlarge_model_load prints which file of which folder it took
 * (a file missing from the first folder of the search path is taken from
 * a later one without a word otherwise). */
void cli_set_verbose (gboolean verbose);

/* enlarge_model_load, saying with -v where its files came from. */
EnlargeNet *cli_model_load (const char *id, GError **error);

/* Watches SIGINT, SIGTERM and SIGHUP (a GLib unix signal source on a
 * thread of its own, since the work runs on the main thread) and cancels
 * the returned cancellable when one arrives, so that the run stops and
 * the save removes its temporary file. A second signal ends the program
 * at once. Call once; the cancellable lives as long as the program. */
GCancellable *cli_signals_watch (void);

/* When a watched signal arrived: ends the program as that signal does by
 * default (the shell sees 130, 143 or 129). Returns otherwise. */
void cli_signals_exit_if_received (void);

/* Parses a finite number for a GOption callback; "nan" and "inf" are
 * refused, since NAN means "not given" inside the CLI. */
gboolean cli_parse_finite (const char *option_name, const char *value, double *result,
                           GError **error);

G_END_DECLS
