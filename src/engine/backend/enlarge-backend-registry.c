/* The registry: every device of every backend, best first, and the
 * backend for a device spec. It calls each backend's entry points; the
 * backends know only the core. */

#include "enlarge-backend-private.h"
#include "enlarge-error.h"

static int
kind_rank (EnlargeDeviceKind k)
{
  switch (k)
    {
    case ENLARGE_DEVICE_GPU: return 0;
    case ENLARGE_DEVICE_ACCELERATOR: return 1;
    case ENLARGE_DEVICE_CPU: return 2;
    case ENLARGE_DEVICE_REFERENCE:
    default: return 3;
    }
}

static int
compare_devices (gconstpointer a, gconstpointer b)
{
  const EnlargeDeviceInfo *da = *(EnlargeDeviceInfo **) a;
  const EnlargeDeviceInfo *db = *(EnlargeDeviceInfo **) b;
  int r = kind_rank (da->kind) - kind_rank (db->kind);
  if (r != 0)
    return r;
  /* more memory first among devices of one kind: usually the discrete GPU */
  return da->global_mem < db->global_mem ? 1 : da->global_mem > db->global_mem ? -1 : 0;
}

GPtrArray *
enlarge_device_list (void)
{
  GPtrArray *list = enlarge_cl_list_devices ();
  g_ptr_array_sort (list, compare_devices);
  g_ptr_array_add (list, enlarge_reference_device_info ());
  return list;
}

static gboolean
spec_matches (const EnlargeDeviceInfo *d, const char *spec, int index)
{
  gint64 n;
  if (g_strcmp0 (spec, d->id) == 0)
    return TRUE;
  if (g_ascii_strcasecmp (spec, "cpu") == 0)
    return d->kind == ENLARGE_DEVICE_CPU;
  if (g_ascii_strcasecmp (spec, "gpu") == 0)
    return d->kind == ENLARGE_DEVICE_GPU;
  if (g_ascii_string_to_signed (spec, 10, 0, G_MAXINT, &n, NULL))
    return n == index;
  return FALSE;
}

EnlargeBackend *
enlarge_backend_new (const char *spec, GError **error)
{
  return enlarge_backend_new_full (spec, NULL, error);
}

EnlargeBackend *
enlarge_backend_new_reference (void)
{
  return enlarge_reference_backend_new (&ENLARGE_BACKEND_OPTIONS_INIT);
}

EnlargeBackend *
enlarge_backend_new_full (const char *spec, const EnlargeBackendOptions *options,
                          GError **error)
{
  const EnlargeBackendOptions defaults = ENLARGE_BACKEND_OPTIONS_INIT;
  g_autoptr (GPtrArray) devices = enlarge_device_list ();
  gboolean automatic = spec == NULL || *spec == '\0' || g_ascii_strcasecmp (spec, "auto") == 0;

  if (options == NULL)
    options = &defaults;

  if (!automatic && g_ascii_strcasecmp (spec, "reference") == 0)
    return enlarge_reference_backend_new (options);

  for (guint i = 0; i < devices->len; i++)
    {
      const EnlargeDeviceInfo *d = devices->pdata[i];
      g_autoptr (GError) local_error = NULL;
      EnlargeBackend *backend;

      if (!automatic && !spec_matches (d, spec, (int) i))
        continue;
      if (d->kind == ENLARGE_DEVICE_REFERENCE)
        return enlarge_reference_backend_new (options);

      backend = enlarge_cl_backend_new (d, options, &local_error);
      if (backend != NULL)
        return backend;
      if (!automatic)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      "Cannot use device %s (%s): ", d->id, d->name);
          return NULL;
        }
      g_warning ("OpenCL device “%s” is not usable, trying the next one: %s",
                 d->name, local_error->message);
    }

  if (automatic)
    return enlarge_reference_backend_new (options);

  g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_NO_DEVICE,
               "No device matches “%s”; see the device list (enlarge-cli --list-devices)", spec);
  return NULL;
}

