#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ENLARGE_ERROR (enlarge_error_quark ())

/* Every run-time failure of the engine is reported as a GError in this
 * domain; the code tells callers (and tests) what kind of failure it was. */
typedef enum {
  ENLARGE_ERROR_FAILED,
  ENLARGE_ERROR_INVALID_ARGUMENT,
  ENLARGE_ERROR_NO_MEMORY,
  /* model files */
  ENLARGE_ERROR_MODEL_NOT_FOUND,
  ENLARGE_ERROR_MODEL_CORRUPT,
  ENLARGE_ERROR_UNKNOWN_MODEL,
  /* ncnn loader */
  ENLARGE_ERROR_BAD_MAGIC,
  ENLARGE_ERROR_PARAM_SYNTAX,
  ENLARGE_ERROR_UNKNOWN_LAYER,
  ENLARGE_ERROR_UNKNOWN_BLOB,
  ENLARGE_ERROR_WEIGHT_MISMATCH,
  ENLARGE_ERROR_TRUNCATED,
  ENLARGE_ERROR_UNSUPPORTED,
  ENLARGE_ERROR_SHAPE,
  /* devices */
  ENLARGE_ERROR_NO_DEVICE,
  ENLARGE_ERROR_OPENCL,
  ENLARGE_ERROR_DEVICE_MEMORY,
  /* images */
  ENLARGE_ERROR_IMAGE_LOAD,
  ENLARGE_ERROR_IMAGE_SAVE,
  /* an image above the pixel limit (EnlargeLoadOptions.max_pixels) */
  ENLARGE_ERROR_TOO_LARGE,
} EnlargeError;

GQuark enlarge_error_quark (void);

G_END_DECLS
