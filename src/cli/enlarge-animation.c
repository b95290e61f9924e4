/* Animated GIF and WebP; see enlarge-animation.h. */

#include "config.h"

#include "enlarge-animation.h"

#include <string.h>

#include <glib/gi18n.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <webp/encode.h>
#include <webp/mux.h>

#include "enlarge.h"

char *
enlarge_animation_extension (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  const char *dot = strrchr (base, '.');

  return dot != NULL && dot != base ? g_ascii_strdown (dot + 1, -1) : NULL;
}

gboolean
enlarge_animation_is_animated (const char *path)
{
  g_autofree char *ext = enlarge_animation_extension (path);

  /* GIF only: GdkPixbuf's WebP loader (webp-pixbuf-loader) repeats and
   * skips frames when its iterator is advanced by the frames' delays, so
   * an animated WebP input is not read as a video yet */
  if (ext == NULL || !g_str_equal (ext, "gif"))
    return FALSE;
  g_autoptr (GdkPixbufAnimation) animation = gdk_pixbuf_animation_new_from_file (path, NULL);
  return animation != NULL && !gdk_pixbuf_animation_is_static_image (animation);
}

static int
gif_frame_count (const guint8 *data, gsize len)
{
  gsize p = 13;
  int frames = 0;

  if (data[10] & 0x80)
    p += 3u << ((data[10] & 7) + 1);
  while (p < len)
    {
      guint8 block = data[p++];
      if (block == 0x3b)
        break;
      if (block == 0x21)
        p++;                                  /* the extension's label */
      else if (block == 0x2c)
        {
          if (p + 9 > len)
            return -1;
          guint8 flags = data[p + 8];
          p += 9;
          if (flags & 0x80)
            p += 3u << ((flags & 7) + 1);
          p++;                                /* LZW minimum code size */
          frames++;
        }
      else
        return -1;
      while (p < len && data[p] != 0)         /* sub-blocks */
        p += data[p] + 1u;
      p++;
    }
  return frames;
}

static int
webp_frame_count (const guint8 *data, gsize len)
{
  int frames = 0;

  for (gsize p = 12; p + 8 <= len;)
    {
      guint32 size = data[p + 4] | data[p + 5] << 8 | data[p + 6] << 16 | (guint32) data[p + 7] << 24;
      if (memcmp (data + p, "ANMF", 4) == 0)
        frames++;
      p += 8 + (gsize) size + (size & 1);
    }
  return frames;
}

int
enlarge_animation_frame_count (const char *path)
{
  g_autofree guint8 *data = NULL;
  gsize len;

  if (!g_file_get_contents (path, (char **) &data, &len, NULL) || len < 16)
    return -1;
  if (memcmp (data, "GIF8", 4) == 0)
    return gif_frame_count (data, len);
  if (memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return webp_frame_count (data, len);
  return -1;
}

struct _EnlargeWebpAnimWriter {
  WebPAnimEncoder *encoder;
  WebPConfig config;
  int width, height;
};

EnlargeWebpAnimWriter *
enlarge_webp_anim_writer_new (int quality, gboolean lossless)
{
  EnlargeWebpAnimWriter *writer = g_new0 (EnlargeWebpAnimWriter, 1);

  WebPConfigInit (&writer->config);
  writer->config.lossless = lossless;
  writer->config.quality = lossless ? 75 : quality > 0 ? quality : 95;
  writer->config.method = 4;
  return writer;
}

gboolean
enlarge_webp_anim_writer_add (EnlargeWebpAnimWriter *writer, const guint8 *rgba,
                              int width, int height, int stride, int timestamp_ms)
{
  if (writer->encoder == NULL)
    {
      WebPAnimEncoderOptions options;
      if (!WebPAnimEncoderOptionsInit (&options))
        return FALSE;
      options.anim_params.loop_count = 0;   /* forever */
      writer->encoder = WebPAnimEncoderNew (width, height, &options);
      writer->width = width;
      writer->height = height;
      if (writer->encoder == NULL)
        return FALSE;
    }
  if (width != writer->width || height != writer->height)
    return FALSE;

  WebPPicture picture;
  if (!WebPPictureInit (&picture))
    return FALSE;
  picture.use_argb = 1;
  picture.width = width;
  picture.height = height;
  gboolean ok = WebPPictureImportRGBA (&picture, rgba, stride) &&
                WebPAnimEncoderAdd (writer->encoder, &picture, timestamp_ms, &writer->config);
  WebPPictureFree (&picture);
  return ok;
}

gboolean
enlarge_webp_anim_writer_finish (EnlargeWebpAnimWriter *writer, int end_ms, const char *path,
                                 GError **error)
{
  WebPData data;

  WebPDataInit (&data);
  if (writer->encoder == NULL ||
      !WebPAnimEncoderAdd (writer->encoder, NULL, end_ms, NULL) ||
      !WebPAnimEncoderAssemble (writer->encoder, &data))
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_SAVE, 
                   /* Translators: the %s%s are ": " and the encoder's own message,
                    * or nothing */
                   _("Could not encode the animated WebP%s%s"),
                   writer->encoder != NULL ? ": " : "",
                   writer->encoder != NULL ? WebPAnimEncoderGetError (writer->encoder) : "");
      return FALSE;
    }
  gboolean ok = g_file_set_contents (path, (const char *) data.bytes, (gssize) data.size, error);
  WebPDataClear (&data);
  return ok;
}

void
enlarge_webp_anim_writer_free (EnlargeWebpAnimWriter *writer)
{
  if (writer->encoder != NULL)
    WebPAnimEncoderDelete (writer->encoder);
  g_free (writer);
}
