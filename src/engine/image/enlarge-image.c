/* Images in memory: 8-bit pixels with their metadata, reference counted. */

#include "enlarge-image.h"

#include <string.h>

#include "enlarge-error.h"
#include "enlarge-metadata.h"

EnlargeImage *
enlarge_image_new (int width, int height, int n_channels, GError **error)
{
  gsize row, size;

  if (width <= 0 || height <= 0 || n_channels < 1 || n_channels > 4)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   "Invalid image size %d×%d with %d channels",
                   width, height, n_channels);
      return NULL;
    }

  /* GdkPixbuf addresses rows with an int stride, so a wider row could not
   * be saved or resampled even if it fitted in memory. */
  if (!g_size_checked_mul (&row, (gsize) width, (gsize) n_channels) ||
      row > G_MAXINT ||
      !g_size_checked_mul (&size, row, (gsize) height))
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_NO_MEMORY,
                   "An image of %d×%d pixels is too large", width, height);
      return NULL;
    }

  g_autofree guint8 *pixels = g_try_malloc0 (size);
  if (pixels == NULL)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_NO_MEMORY,
                   "Not enough memory for an image of %d×%d pixels (%" G_GSIZE_FORMAT " MiB)",
                   width, height, size >> 20);
      return NULL;
    }

  EnlargeImage *image = g_new0 (EnlargeImage, 1);
  image->width = width;
  image->height = height;
  image->n_channels = n_channels;
  image->pixels = g_steal_pointer (&pixels);
  image->ref_count = 1;
  return image;
}

EnlargeImage *
enlarge_image_ref (EnlargeImage *image)
{
  g_return_val_if_fail (image != NULL, NULL);
  g_atomic_int_inc (&image->ref_count);
  return image;
}

void
enlarge_image_unref (EnlargeImage *image)
{
  if (image == NULL)
    return;
  if (g_atomic_int_dec_and_test (&image->ref_count))
    {
      g_clear_pointer (&image->meta.icc_profile, g_bytes_unref);
      g_clear_pointer (&image->meta.exif, g_bytes_unref);
      g_free (image->pixels);
      g_free (image);
    }
}

void
enlarge_image_copy_metadata (EnlargeImage *dst, const EnlargeImage *src)
{
  g_return_if_fail (dst != NULL && src != NULL);

  if (dst == src)
    return;
  /* ref before unref: @src's bytes may be @dst's */
  GBytes *icc = src->meta.icc_profile != NULL ? g_bytes_ref (src->meta.icc_profile) : NULL;
  GBytes *exif = src->meta.exif != NULL ? g_bytes_ref (src->meta.exif) : NULL;
  g_clear_pointer (&dst->meta.icc_profile, g_bytes_unref);
  g_clear_pointer (&dst->meta.exif, g_bytes_unref);
  dst->meta = src->meta;
  dst->meta.icc_profile = icc;
  dst->meta.exif = exif;
}

static gsize
image_size (const EnlargeImage *image)
{
  return (gsize) image->width * image->height * image->n_channels;
}

EnlargeImage *
enlarge_image_copy (const EnlargeImage *image, GError **error)
{
  g_return_val_if_fail (image != NULL, NULL);

  EnlargeImage *copy = enlarge_image_new (image->width, image->height,
                                          image->n_channels, error);
  if (copy != NULL)
    {
      memcpy (copy->pixels, image->pixels, image_size (image));
      enlarge_image_copy_metadata (copy, image);
    }
  return copy;
}

EnlargeImage *
enlarge_image_crop (const EnlargeImage *image, const EnlargeRect *rect, GError **error)
{
  int x0 = CLAMP (rect->x, 0, image->width), y0 = CLAMP (rect->y, 0, image->height);
  int x1 = CLAMP (rect->x + rect->width, 0, image->width);
  int y1 = CLAMP (rect->y + rect->height, 0, image->height);
  const int nc = image->n_channels;
  EnlargeImage *out;

  if (x1 <= x0 || y1 <= y0)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   "The region %d,%d %d×%d is outside the %d×%d image",
                   rect->x, rect->y, rect->width, rect->height, image->width, image->height);
      return NULL;
    }
  out = enlarge_image_new (x1 - x0, y1 - y0, nc, error);
  if (out == NULL)
    return NULL;
  for (int y = y0; y < y1; y++)
    memcpy (enlarge_image_pixel (out, 0, y - y0), enlarge_image_pixel (image, x0, y),
            (gsize) (x1 - x0) * nc);
  return out;
}
