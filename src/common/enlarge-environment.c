/* The only place the ENLARGE_* variables are read. */

#include "config.h"

#include <glib/gi18n.h>

#include "enlarge-environment.h"

static guint64
parse_size (const char *s)
{
  char *end = NULL;
  guint64 v = g_ascii_strtoull (s, &end, 10);
  if (end != NULL && (*end == 'K' || *end == 'k'))
    v <<= 10;
  else if (end != NULL && (*end == 'M' || *end == 'm'))
    v <<= 20;
  return v;
}

void
enlarge_environment_backend_options (EnlargeBackendOptions *o)
{
  const char *v;

  if ((v = g_getenv ("ENLARGE_WINOGRAD")) != NULL)
    {
      if (g_str_equal (v, "split"))
        o->winograd = ENLARGE_WINOGRAD_SPLIT;
      else if (g_str_equal (v, "f4"))
        o->winograd = ENLARGE_WINOGRAD_F4;
      else if (g_str_equal (v, "off") || g_str_equal (v, "0"))
        o->winograd = ENLARGE_WINOGRAD_OFF;
    }
  if (g_getenv ("ENLARGE_NO_WINOGRAD") != NULL)
    o->winograd = ENLARGE_WINOGRAD_OFF;
  if ((v = g_getenv ("ENLARGE_FP16")) != NULL)
    o->fp16 = g_str_equal (v, "1") ? ENLARGE_FP16_ON : ENLARGE_FP16_OFF;
  if ((v = g_getenv ("ENLARGE_LOCAL_MEM")) != NULL && *v != '\0')
    o->local_mem_cap = parse_size (v);
  if ((v = g_getenv ("ENLARGE_VECTOR_WIDTH")) != NULL && *v != '\0')
    o->vector_width = (int) CLAMP (g_ascii_strtoll (v, NULL, 10), 0, 64);
  if ((v = g_getenv ("ENLARGE_COMPUTE_UNITS")) != NULL && *v != '\0')
    o->compute_units = (int) CLAMP (g_ascii_strtoll (v, NULL, 10), 0, 1 << 20);
  if ((v = g_getenv ("ENLARGE_PROFILE")) != NULL)
    o->profile = g_str_equal (v, "layers") ? ENLARGE_PROFILE_LAYERS : ENLARGE_PROFILE_OPS;
  if ((v = g_getenv ("ENLARGE_TAIL_ROWS")) != NULL && *v != '\0')
    o->tail_rows = (int) CLAMP (g_ascii_strtoll (v, NULL, 10), 0, G_MAXINT);
  if ((v = g_getenv ("ENLARGE_KERNEL_CACHE")) != NULL && *v != '\0')
    o->kernel_cache_dir = v;
}

EnlargeBackend *
enlarge_environment_backend_new (const char *spec, GError **error)
{
  EnlargeBackendOptions options = ENLARGE_BACKEND_OPTIONS_INIT;
  enlarge_environment_backend_options (&options);
  return enlarge_backend_new_full (spec, &options, error);
}

const char * const *
enlarge_environment_model_dirs (void)
{
  static gsize once;
  static GStrv dirs;

  if (g_once_init_enter (&once))
    {
      const char *env = g_getenv ("ENLARGE_MODEL_PATH");
      dirs = env != NULL && *env != '\0' ? g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1)
                                         : g_new0 (char *, 1);
      g_once_init_leave (&once, 1);
    }
  return (const char * const *) dirs;
}

void
enlarge_environment_bind_textdomain (void)
{
  const char *dir = g_getenv ("ENLARGE_LOCALEDIR");

  bindtextdomain (GETTEXT_PACKAGE, dir != NULL && *dir != '\0' ? dir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
