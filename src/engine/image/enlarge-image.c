/* Images in memory: 8- or 16-bit pixels with their metadata, reference
 * counted. */

#include "enlarge-image.h"

#include <string.h>

#include "enlarge-error.h"
#include "enlarge-metadata.h"

EnlargeImage *
enlarge_image_new (int width, int height, int n_channels, GError **error)
{
  return enlarge_image_new_full (width, height, n_channels, 8, error);
}

EnlargeImage *
enlarge_image_new_full (int width, int height, int n_channels, int bits, GError **error)
{
  gsize row, size;

  if (width <= 0 || height <= 0 || n_channels < 1 || n_channels > 4 ||
      (bits != 8 && bits != 16))
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_INVALID_ARGUMENT,
                   "Invalid image size %d×%d with %d channels of %d bits",
                   width, height, n_channels, bits);
      return NULL;
    }

  /* GdkPixbuf addresses rows with an int stride, so a wider row could not
   * be saved or resampled even if it fitted in memory. */
  if (!g_size_checked_mul (&row, (gsize) width, (gsize) n_channels * (bits / 8)) ||
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
  image->bits = bits;
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
  return (gsize) image->width * image->height * image->n_channels * (image->bits / 8);
}

EnlargeImage *
enlarge_image_copy (const EnlargeImage *image, GError **error)
{
  g_return_val_if_fail (image != NULL, NULL);

  EnlargeImage *copy = enlarge_image_new_full (image->width, image->height,
                                               image->n_channels, image->bits, error);
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
  out = enlarge_image_new_full (x1 - x0, y1 - y0, nc, image->bits, error);
  if (out == NULL)
    return NULL;
  for (int y = y0; y < y1; y++)
    memcpy (enlarge_image_pixel (out, 0, y - y0), enlarge_image_pixel (image, x0, y),
            (gsize) (x1 - x0) * nc * (image->bits / 8));
  return out;
}

EnlargeImage *
enlarge_image_convert_depth (const EnlargeImage *image, int bits, GError **error)
{
  g_return_val_if_fail (image != NULL, NULL);

  if (image->bits == bits)
    return enlarge_image_ref ((EnlargeImage *) image);

  EnlargeImage *out = enlarge_image_new_full (image->width, image->height,
                                              image->n_channels, bits, error);
  if (out == NULL)
    return NULL;
  const gsize n = (gsize) image->width * image->height * image->n_channels;
  const guint16 *s16 = (const guint16 *) (gconstpointer) image->pixels;
  guint16 *d16 = (guint16 *) (gpointer) out->pixels;
  if (bits == 8)
    for (gsize i = 0; i < n; i++)
      out->pixels[i] = (guint8) ((s16[i] * 255u + 32767u) / 65535u);
  else
    for (gsize i = 0; i < n; i++)
      d16[i] = (guint16) (image->pixels[i] * 257u);
  enlarge_image_copy_metadata (out, image);
  return out;
}
