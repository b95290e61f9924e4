/* The model manifest and finding, verifying and loading model files. */

#include <string.h>

#include <gio/gio.h>

#include "enlarge-engine-resources.h"
#include "enlarge-error.h"
#include "enlarge-import.h"
#include "enlarge-model.h"
#include "enlarge-ops.h"

#define RESOURCE_PREFIX "/io/github/enlarge/Enlarge/engine/"

/* Looked up in the engine's own GResource rather than the global table:
 * in a static library nothing else guarantees it was registered. */
GBytes *
enlarge_engine_lookup (const char *name, GError **error)
{
  g_autofree char *path = g_strconcat (RESOURCE_PREFIX, name, NULL);
  return g_resource_lookup_data (enlarge_engine_get_resource (), path, 0, error);
}

static void
model_info_free (EnlargeModelInfo *m)
{
  g_free (m->id);
  g_free (m->title);
  g_free (m->description);
  g_free (m->architecture);
  g_free (m->param_file);
  g_free (m->bin_file);
  g_free (m->param_sha256);
  g_free (m->bin_sha256);
  g_free (m->license);
  g_free (m->package);
  g_free (m);
}

static GPtrArray *
parse_manifest (void)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) model_info_free);
  g_autoptr (GBytes) bytes = enlarge_engine_lookup ("models.ini", NULL);
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_auto (GStrv) groups = NULL;

  /* The manifest is compiled in: failing to read it is a build defect,
   * and an empty list is the honest answer. */
  if (bytes == NULL || !g_key_file_load_from_bytes (kf, bytes, G_KEY_FILE_NONE, NULL))
    return list;

  groups = g_key_file_get_groups (kf, NULL);
  for (int i = 0; groups[i]; i++)
    {
      EnlargeModelInfo *m = g_new0 (EnlargeModelInfo, 1);
      const char *g = groups[i];
      m->id = g_strdup (g);
      m->title = g_key_file_get_string (kf, g, "title", NULL);
      m->description = g_key_file_get_string (kf, g, "description", NULL);
      m->architecture = g_key_file_get_string (kf, g, "architecture", NULL);
      m->scale = g_key_file_get_integer (kf, g, "scale", NULL);
      m->param_file = g_key_file_get_string (kf, g, "param", NULL);
      m->bin_file = g_key_file_get_string (kf, g, "bin", NULL);
      m->param_sha256 = g_key_file_get_string (kf, g, "param-sha256", NULL);
      m->bin_sha256 = g_key_file_get_string (kf, g, "bin-sha256", NULL);
      m->license = g_key_file_get_string (kf, g, "license", NULL);
      m->package = g_key_file_get_string (kf, g, "package", NULL);
      {
        g_autofree char *residual = g_key_file_get_string (kf, g, "residual", NULL);
        m->residual = g_strcmp0 (residual, "nearest") == 0;
      }
      if (m->param_file == NULL || m->bin_file == NULL || m->title == NULL)
        {
          model_info_free (m);
          continue;
        }
      g_ptr_array_add (list, m);
    }
  return list;
}

const GPtrArray *
enlarge_model_list (void)
{
  static gsize once;
  static GPtrArray *list;

  /* read-only after the first call: the manifest is immutable */
  if (g_once_init_enter (&once))
    {
      list = parse_manifest ();
      g_once_init_leave (&once, 1);
    }
  return list;
}

const EnlargeModelInfo *
enlarge_model_lookup (const char *id)
{
  const GPtrArray *list = enlarge_model_list ();
  for (guint i = 0; i < list->len; i++)
    {
      const EnlargeModelInfo *m = list->pdata[i];
      if (g_strcmp0 (m->id, id) == 0)
        return m;
    }
  return NULL;
}

GStrv
enlarge_model_search_path_in (const char * const *extra)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  const char * const *dirs = g_get_system_data_dirs ();

  for (int i = 0; extra != NULL && extra[i]; i++)
    if (*extra[i])
      g_strv_builder_add (b, extra[i]);
  {
    g_autofree char *user = g_build_filename (g_get_user_data_dir (), "enlarge", "models", NULL);
    g_strv_builder_add (b, user);
  }
  for (int i = 0; dirs[i]; i++)
    {
      g_autofree char *sys = g_build_filename (dirs[i], "enlarge", "models", NULL);
      g_strv_builder_add (b, sys);
    }
  return g_strv_builder_end (b);
}

GStrv
enlarge_model_search_path (void)
{
  return enlarge_model_search_path_in (NULL);
}

char *
enlarge_model_find_file_in (const char * const *dirs, const char *file_name)
{
  g_auto (GStrv) path = enlarge_model_search_path_in (dirs);
  for (int i = 0; path[i]; i++)
    {
      g_autofree char *f = g_build_filename (path[i], file_name, NULL);
      if (g_file_test (f, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&f);
    }
  return NULL;
}

char *
enlarge_model_find_file (const char *file_name)
{
  return enlarge_model_find_file_in (NULL, file_name);
}

gboolean
enlarge_model_is_installed_in (const char * const *dirs, const EnlargeModelInfo *info)
{
  g_autofree char *p = enlarge_model_find_file_in (dirs, info->param_file);
  g_autofree char *b = enlarge_model_find_file_in (dirs, info->bin_file);
  return p != NULL && b != NULL;
}

gboolean
enlarge_model_is_installed (const EnlargeModelInfo *info)
{
  return enlarge_model_is_installed_in (NULL, info);
}

const char *
enlarge_model_architecture_family (const char *architecture)
{
  static const char *const names[][2] = {
    { "RRDBNet", "ESRGAN" },
    { "SRVGGNetCompact", "Compact" },
    { "Real-CUGAN SE", "Real-CUGAN" },
  };

  for (guint i = 0; architecture != NULL && i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (architecture, names[i][0]))
      return names[i][1];
  return architecture;
}

const char *
enlarge_model_install_hint (void)
{
  return "Install the models with “enlarge-install-models” "
         "(in a source checkout: “python3 models/install-models.py”).";
}

static gboolean
read_verified (const char * const *dirs, const EnlargeModelInfo *m, const char *file,
               const char *sha, char **contents, gsize *len, GError **error)
{
  g_autofree char *path = enlarge_model_find_file_in (dirs, file);
  g_autofree char *actual = NULL;

  if (path == NULL)
    {
      g_auto (GStrv) search = enlarge_model_search_path_in (dirs);
      g_autofree char *where = g_strjoinv (", ", search);
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_MODEL_NOT_FOUND,
                   "Model file “%s” of %s is not installed (looked in %s). %s",
                   file, m->id, where, enlarge_model_install_hint ());
      return FALSE;
    }
  if (!g_file_get_contents (path, contents, len, error))
    return FALSE;
  actual = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) *contents, *len);
  if (sha != NULL && g_ascii_strcasecmp (actual, sha) != 0)
    {
      g_clear_pointer (contents, g_free);
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_MODEL_CORRUPT,
                   "Model file “%s” is damaged (SHA-256 %s, expected %s). "
                   "Delete it and reinstall. %s", path, actual, sha,
                   enlarge_model_install_hint ());
      return FALSE;
    }
  return TRUE;
}

EnlargeNet *
enlarge_model_load (const char *id, GError **error)
{
  return enlarge_model_load_in (NULL, id, error);
}

EnlargeNet *
enlarge_model_load_in (const char * const *dirs, const char *id, GError **error)
{
  const EnlargeModelInfo *m = enlarge_model_lookup (id);
  g_autofree char *param = NULL;
  g_autofree char *bin = NULL;
  gsize param_len, bin_len;
  EnlargeNet *net;

  if (m == NULL)
    {
      const GPtrArray *list = enlarge_model_list ();
      g_autoptr (GString) known = g_string_new (NULL);
      for (guint i = 0; i < list->len; i++)
        g_string_append_printf (known, "%s%s", i ? ", " : "",
                                ((EnlargeModelInfo *) list->pdata[i])->id);
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNKNOWN_MODEL,
                   "Unknown model “%s”; known models: %s", id, known->str);
      return NULL;
    }

  if (!read_verified (dirs, m, m->param_file, m->param_sha256, &param, &param_len, error) ||
      !read_verified (dirs, m, m->bin_file, m->bin_sha256, &bin, &bin_len, error))
    return NULL;

  net = enlarge_net_load_from_data (param, param_len, (const guint8 *) bin, bin_len,
                                    m->param_file, error);
  if (net != NULL && m->scale > 0 && net->scale != m->scale)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_MODEL_CORRUPT,
                   "Model %s scales by %d, the manifest says %d", id, net->scale, m->scale);
      enlarge_net_unref (net);
      return NULL;
    }
  if (net != NULL)
    net->residual = m->residual;
  return net;
}

gboolean
enlarge_model_is_file (const char *name)
{
  static const char *const ext[] = { ".param", ".pth", ".pt", ".ckpt", ".safetensors" };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  if (strchr (name, G_DIR_SEPARATOR) != NULL)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (ext); i++)
    if (g_str_has_suffix (lower, ext[i]))
      return TRUE;
  return FALSE;
}

EnlargeNet *
enlarge_model_load_file (const char *path, GError **error)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr (EnlargeWeights) weights = NULL;

  if (g_str_has_suffix (lower, ".param"))
    {
      /* its weights beside it, as ncnn names them */
      g_autofree char *bin = g_strdup_printf ("%.*s.bin", (int) strlen (path) - 6, path);
      return enlarge_net_load (path, bin, error);
    }
  if (!g_str_has_suffix (lower, ".pth") && !g_str_has_suffix (lower, ".pt") &&
      !g_str_has_suffix (lower, ".ckpt") && !g_str_has_suffix (lower, ".safetensors"))
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNKNOWN_MODEL,
                   "%s: not a model file Enlarge knows (.param with its .bin, .pth, .pt, "
                   ".ckpt or .safetensors)", base);
      return NULL;
    }
  weights = enlarge_weights_load (path, error);
  if (weights == NULL)
    return NULL;
  return enlarge_import_weights (weights, base, error);
}
