#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where results may be written. Every writer (enlarge-cli, its --compare
 * mode, the app's save and queue) asks the same question before it does
 * any work, so that none of them can destroy an input. */

/* Whether @a and @b name the same file: the same device and inode when
 * both exist (so symbolic and hard links count), else the same name once
 * "." and ".." are resolved. */
gboolean enlarge_output_same_file (const char *a, const char *b);

/* Whether @output can be written through enlarge_image_save_full: it does
 * not name any of the NULL-terminated @inputs (see
 * enlarge_output_same_file), is not a folder, and its name and the
 * temporary name the save uses beside it fit the file system's limits.
 * ENLARGE_ERROR_INVALID_ARGUMENT with a message naming the file
 * otherwise. */
gboolean enlarge_output_check (const char         *output,
                               const char * const *inputs,
                               GError            **error);

/* The mkstemp template of the temporary file enlarge_image_save_full
 * writes before renaming it to @path: a hidden ".NAME.XXXXXX" beside it,
 * or a shorter ".enlarge.XXXXXX" when that would be too long a name. */
char *enlarge_output_temp_template (const char *path);

G_END_DECLS
