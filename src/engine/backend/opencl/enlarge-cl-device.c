/* OpenCL devices: discovery (what enlarge_device_list shows) and the
 * errors of the OpenCL API as GErrors. */

#include "enlarge-cl-private.h"

const char *
cl_error_name (cl_int err)
{
  switch (err)
    {
    case CL_DEVICE_NOT_FOUND: return "CL_DEVICE_NOT_FOUND";
    case CL_DEVICE_NOT_AVAILABLE: return "CL_DEVICE_NOT_AVAILABLE";
    case CL_COMPILER_NOT_AVAILABLE: return "CL_COMPILER_NOT_AVAILABLE";
    case CL_MEM_OBJECT_ALLOCATION_FAILURE: return "CL_MEM_OBJECT_ALLOCATION_FAILURE";
    case CL_OUT_OF_RESOURCES: return "CL_OUT_OF_RESOURCES";
    case CL_OUT_OF_HOST_MEMORY: return "CL_OUT_OF_HOST_MEMORY";
    case CL_BUILD_PROGRAM_FAILURE: return "CL_BUILD_PROGRAM_FAILURE";
    case CL_INVALID_VALUE: return "CL_INVALID_VALUE";
    case CL_INVALID_BUFFER_SIZE: return "CL_INVALID_BUFFER_SIZE";
    case CL_INVALID_KERNEL_ARGS: return "CL_INVALID_KERNEL_ARGS";
    case CL_INVALID_WORK_GROUP_SIZE: return "CL_INVALID_WORK_GROUP_SIZE";
    case CL_INVALID_GLOBAL_WORK_SIZE: return "CL_INVALID_GLOBAL_WORK_SIZE";
    case CL_INVALID_ARG_SIZE: return "CL_INVALID_ARG_SIZE";
    case CL_INVALID_ARG_VALUE: return "CL_INVALID_ARG_VALUE";
    case CL_INVALID_MEM_OBJECT: return "CL_INVALID_MEM_OBJECT";
    case -1001: return "CL_PLATFORM_NOT_FOUND_KHR";
    default: return "OpenCL error";
    }
}

gboolean
cl_check (cl_int err, const char *what, GError **error)
{
  if (err == CL_SUCCESS)
    return TRUE;
  /* Allocation failures get their own code: the caller can retry smaller. */
  g_set_error (error, ENLARGE_ERROR,
               err == CL_MEM_OBJECT_ALLOCATION_FAILURE || err == CL_OUT_OF_RESOURCES ||
               err == CL_OUT_OF_HOST_MEMORY || err == CL_INVALID_BUFFER_SIZE
                 ? ENLARGE_ERROR_DEVICE_MEMORY : ENLARGE_ERROR_OPENCL,
               "OpenCL: %s failed: %s (%d)", what, cl_error_name (err), err);
  return FALSE;
}

/* CL_DEVICE_* and CL_PLATFORM_* strings, through one reader */
typedef cl_int (*InfoFunc) (gpointer object, cl_uint param, size_t size, void *value,
                            size_t *size_ret);

static cl_int
device_info (gpointer object, cl_uint param, size_t size, void *value, size_t *size_ret)
{
  return clGetDeviceInfo (object, param, size, value, size_ret);
}

static cl_int
platform_info (gpointer object, cl_uint param, size_t size, void *value, size_t *size_ret)
{
  return clGetPlatformInfo (object, param, size, value, size_ret);
}

static char *
info_string (InfoFunc func, gpointer object, cl_uint param)
{
  size_t len = 0;
  if (func (object, param, 0, NULL, &len) != CL_SUCCESS || len == 0)
    return g_strdup ("");
  char *s = g_malloc0 (len + 1);
  func (object, param, len, s, NULL);
  return g_strstrip (s);
}

#define device_string(d, param) info_string (device_info, (d), (param))
#define platform_string(p, param) info_string (platform_info, (p), (param))

/* Walks platforms and devices; calls @func for each, stops when it
 * returns TRUE. */
typedef gboolean (*DeviceFunc) (cl_platform_id p, cl_device_id d, EnlargeDeviceInfo *info,
                                gpointer data);

static void
foreach_device (DeviceFunc func, gpointer data)
{
  cl_uint n_platforms = 0;
  g_autofree cl_platform_id *platforms = NULL;

  /* No ICD installed is a normal situation: the reference path remains. */
  if (clGetPlatformIDs (0, NULL, &n_platforms) != CL_SUCCESS || n_platforms == 0)
    return;
  platforms = g_new0 (cl_platform_id, n_platforms);
  if (clGetPlatformIDs (n_platforms, platforms, NULL) != CL_SUCCESS)
    return;

  for (cl_uint p = 0; p < n_platforms; p++)
    {
      cl_uint n_devices = 0;
      g_autofree cl_device_id *devices = NULL;
      g_autofree char *pname = NULL;

      if (clGetDeviceIDs (platforms[p], CL_DEVICE_TYPE_ALL, 0, NULL, &n_devices) != CL_SUCCESS ||
          n_devices == 0)
        continue;
      devices = g_new0 (cl_device_id, n_devices);
      if (clGetDeviceIDs (platforms[p], CL_DEVICE_TYPE_ALL, n_devices, devices, NULL) != CL_SUCCESS)
        continue;
      pname = platform_string (platforms[p], CL_PLATFORM_NAME);

      for (cl_uint d = 0; d < n_devices; d++)
        {
          EnlargeDeviceInfo *info = g_new0 (EnlargeDeviceInfo, 1);
          cl_device_type type = 0;
          cl_ulong mem = 0, max_alloc = 0, local_mem = 0;
          cl_uint cu = 0, vw = 0;
          g_autofree char *version = device_string (devices[d], CL_DEVICE_VERSION);
          g_autofree char *driver = device_string (devices[d], CL_DRIVER_VERSION);

          clGetDeviceInfo (devices[d], CL_DEVICE_TYPE, sizeof type, &type, NULL);
          clGetDeviceInfo (devices[d], CL_DEVICE_GLOBAL_MEM_SIZE, sizeof mem, &mem, NULL);
          clGetDeviceInfo (devices[d], CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof max_alloc, &max_alloc, NULL);
          clGetDeviceInfo (devices[d], CL_DEVICE_MAX_COMPUTE_UNITS, sizeof cu, &cu, NULL);
          clGetDeviceInfo (devices[d], CL_DEVICE_LOCAL_MEM_SIZE, sizeof local_mem, &local_mem, NULL);
          clGetDeviceInfo (devices[d], CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT, sizeof vw, &vw, NULL);
          info->id = g_strdup_printf ("cl:%u:%u", p, d);
          info->name = device_string (devices[d], CL_DEVICE_NAME);
          info->platform = g_strdup (pname);
          info->driver = g_strdup_printf ("%s, driver %s", version, driver);
          info->kind = (type & CL_DEVICE_TYPE_GPU) ? ENLARGE_DEVICE_GPU
                     : (type & CL_DEVICE_TYPE_ACCELERATOR) ? ENLARGE_DEVICE_ACCELERATOR
                     : ENLARGE_DEVICE_CPU;
          info->global_mem = mem;
          info->max_alloc = max_alloc;
          info->compute_units = (int) cu;
          info->local_mem = local_mem;
          info->vector_width = (int) vw;
          if (func (platforms[p], devices[d], info, data))
            return;
        }
    }
}

static gboolean
collect_device (cl_platform_id p, cl_device_id d, EnlargeDeviceInfo *info, gpointer data)
{
  g_ptr_array_add (data, info);
  return FALSE;
}

GPtrArray *
enlarge_cl_list_devices (void)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) enlarge_device_info_free);
  foreach_device (collect_device, list);
  return list;
}

typedef struct {
  const char *id;
  cl_platform_id platform;
  cl_device_id device;
} FindDevice;

static gboolean
find_device (cl_platform_id p, cl_device_id d, EnlargeDeviceInfo *info, gpointer data)
{
  FindDevice *f = data;
  gboolean match = g_strcmp0 (info->id, f->id) == 0;
  if (match)
    {
      f->platform = p;
      f->device = d;
    }
  enlarge_device_info_free (info);
  return match;
}

gboolean
enlarge_cl_find_device (const char *id, cl_platform_id *platform, cl_device_id *device)
{
  FindDevice f = { id, NULL, NULL };
  foreach_device (find_device, &f);
  *platform = f.platform;
  *device = f.device;
  return f.device != NULL;
}
