#pragma once

/* The ENLARGE_* environment variables, read once by the programs (CLI,
 * app, bench) and handed to the engine as options: the engine itself
 * reads no environment. */

#include "enlarge-backend.h"

G_BEGIN_DECLS

/* Fills @options from ENLARGE_WINOGRAD (split | f4 | off), ENLARGE_NO_WINOGRAD,
 * ENLARGE_FP16 (0 | 1), ENLARGE_LOCAL_MEM (bytes, with an optional K or M),
 * ENLARGE_PROFILE (1 | layers), ENLARGE_TAIL_ROWS and ENLARGE_KERNEL_CACHE;
 * unset variables leave the defaults. The strings stay owned by the
 * environment. */
void enlarge_environment_backend_options (EnlargeBackendOptions *options);

/* The folders of $ENLARGE_MODEL_PATH (colon separated), searched before
 * the XDG ones; an empty list when unset. Read once. */
const char * const *enlarge_environment_model_dirs (void);

/* Binds the program's message catalog: from $ENLARGE_LOCALEDIR when set
 * (the build folder's po/, for tests and meson devenv), else from the
 * installed locale folder. Call after setlocale(). */
void enlarge_environment_bind_textdomain (void);

/* The backend for @spec configured from the environment. */
EnlargeBackend *enlarge_environment_backend_new (const char *spec, GError **error);

G_END_DECLS
