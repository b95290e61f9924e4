/* Animated GIF and WebP; see enlarge-animation.h. */

#include "config.h"

#include "enlarge-animation.h"

#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n.h>
#include <webp/decode.h>
#include <webp/demux.h>
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

  if (ext != NULL && g_str_equal (ext, "webp"))
    return enlarge_animation_frame_count (path) > 1;
  if (ext == NULL || !g_str_equal (ext, "gif"))
    return FALSE;
  g_autoptr (GdkPixbufAnimation) animation = gdk_pixbuf_animation_new_from_file (path, NULL);
  return animation != NULL && !gdk_pixbuf_animation_is_static_image (animation);
}

/* Walks a GIF's blocks: its image descriptors, and the loop count of a
 * NETSCAPE2.0 (or ANIMEXTS1.0) application extension into *@loop (left
 * alone without one). */
static int
gif_frame_count (const guint8 *data, gsize len, int *loop)
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
        {
          /* application extension: an 11-byte identifier, then the
           * sub-block 1, loop count (little-endian) */
          if (p + 17 <= len && data[p] == 0xff && data[p + 1] == 11 &&
              (memcmp (data + p + 2, "NETSCAPE2.0", 11) == 0 ||
               memcmp (data + p + 2, "ANIMEXTS1.0", 11) == 0) &&
              data[p + 13] >= 3 && data[p + 14] == 1)
            *loop = data[p + 15] | data[p + 16] << 8;
          p++;                                /* the extension's label */
        }
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
webp_frame_count (const guint8 *data, gsize len, int *loop)
{
  int frames = 0;

  for (gsize p = 12; p + 8 <= len;)
    {
      guint32 size = data[p + 4] | data[p + 5] << 8 | data[p + 6] << 16 | (guint32) data[p + 7] << 24;
      if (memcmp (data + p, "ANMF", 4) == 0)
        frames++;
      else if (memcmp (data + p, "ANIM", 4) == 0 && size >= 6 && p + 14 <= len)
        *loop = data[p + 12] | data[p + 13] << 8;   /* after the background colour */
      p += 8 + (gsize) size + (size & 1);
    }
  return frames;
}

/* The frames of @path and its loop count (see enlarge_animation_loop_count) */
static int
scan (const char *path, int *loop)
{
  g_autofree guint8 *data = NULL;
  gsize len;

  *loop = -1;
  if (!g_file_get_contents (path, (char **) &data, &len, NULL) || len < 16)
    return -1;
  if (memcmp (data, "GIF8", 4) == 0)
    return gif_frame_count (data, len, loop);
  if (memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    {
      *loop = 0;
      return webp_frame_count (data, len, loop);
    }
  return -1;
}

int
enlarge_animation_frame_count (const char *path)
{
  int loop;

  return scan (path, &loop);
}

int
enlarge_animation_loop_count (const char *path)
{
  int loop;

  scan (path, &loop);
  return loop;
}

struct _EnlargeAnimReader {
  int width, height, n_frames, index;
  /* GIF */
  GdkPixbufAnimation *gif;
  GdkPixbufAnimationIter *iter;
  gint64 gif_time;   /* ms */
  guint8 *rgba;
  /* WebP */
  WebPAnimDecoder *decoder;
  GBytes *data;
  int webp_time;
};

EnlargeAnimReader *
enlarge_anim_reader_new (const char *path, GError **error)
{
  g_autoptr (EnlargeAnimReader) reader = g_new0 (EnlargeAnimReader, 1);
  g_autofree char *ext = enlarge_animation_extension (path);

  reader->n_frames = enlarge_animation_frame_count (path);
  if (reader->n_frames <= 0)
    {
      g_set_error_literal (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD,
                           _("not an animated GIF or WebP, or damaged"));
      return NULL;
    }
  if (ext != NULL && g_str_equal (ext, "webp"))
    {
      g_autofree char *contents = NULL;
      gsize len;
      if (!g_file_get_contents (path, &contents, &len, error))
        return NULL;
      reader->data = g_bytes_new_take (g_steal_pointer (&contents), len);
      WebPAnimDecoderOptions options;
      WebPAnimInfo info;
      WebPData webp = { g_bytes_get_data (reader->data, NULL), len };
      if (!WebPAnimDecoderOptionsInit (&options))
        return NULL;
      options.color_mode = MODE_RGBA;
      options.use_threads = 0;
      reader->decoder = WebPAnimDecoderNew (&webp, &options);
      if (reader->decoder == NULL || !WebPAnimDecoderGetInfo (reader->decoder, &info))
        {
          g_set_error_literal (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_LOAD, _("a damaged animated WebP"));
          return NULL;
        }
      reader->width = (int) info.canvas_width;
      reader->height = (int) info.canvas_height;
      reader->n_frames = (int) info.frame_count;
      return g_steal_pointer (&reader);
    }

  reader->gif = gdk_pixbuf_animation_new_from_file (path, error);
  if (reader->gif == NULL)
    return NULL;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GTimeVal zero = { 0, 0 };
  reader->iter = gdk_pixbuf_animation_get_iter (reader->gif, &zero);
  G_GNUC_END_IGNORE_DEPRECATIONS
  reader->width = gdk_pixbuf_animation_get_width (reader->gif);
  reader->height = gdk_pixbuf_animation_get_height (reader->gif);
  reader->rgba = g_try_malloc ((gsize) reader->width * reader->height * 4);
  if (reader->rgba == NULL)
    {
      g_set_error_literal (error, ENLARGE_ERROR, ENLARGE_ERROR_NO_MEMORY, _("not enough memory for a frame"));
      return NULL;
    }
  return g_steal_pointer (&reader);
}

void
enlarge_anim_reader_get_size (EnlargeAnimReader *reader, int *width, int *height)
{
  *width = reader->width;
  *height = reader->height;
}

int
enlarge_anim_reader_get_n_frames (EnlargeAnimReader *reader)
{
  return reader->n_frames;
}

gboolean
enlarge_anim_reader_next (EnlargeAnimReader *reader, const guint8 **rgba, int *delay_ms)
{
  if (reader->index >= reader->n_frames)
    return FALSE;
  if (reader->decoder != NULL)
    {
      guint8 *buf;
      int timestamp;
      /* the timestamp is when the frame ends */
      if (!WebPAnimDecoderGetNext (reader->decoder, &buf, &timestamp))
        return FALSE;
      *rgba = buf;
      *delay_ms = timestamp > reader->webp_time ? timestamp - reader->webp_time : 100;
      reader->webp_time = timestamp;
      reader->index++;
      return TRUE;
    }

  GdkPixbuf *pixbuf = gdk_pixbuf_animation_iter_get_pixbuf (reader->iter);
  int n = gdk_pixbuf_get_n_channels (pixbuf), stride = gdk_pixbuf_get_rowstride (pixbuf);
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  for (int y = 0; y < reader->height; y++)
    for (int x = 0; x < reader->width; x++)
      {
        guint8 *d = reader->rgba + ((gsize) y * reader->width + x) * 4;
        const guint8 *s = pixels + (gsize) y * stride + (gsize) x * n;
        d[0] = s[0], d[1] = s[1], d[2] = s[2], d[3] = n == 4 ? s[3] : 255;
      }
  *rgba = reader->rgba;
  int delay = gdk_pixbuf_animation_iter_get_delay_time (reader->iter);
  *delay_ms = delay <= 0 ? 100 : delay;
  /* GdkPixbuf steps to the frame shown at a time: the time this one ends */
  reader->gif_time += *delay_ms;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GTimeVal now = { (glong) (reader->gif_time / 1000), (glong) (reader->gif_time % 1000 * 1000) };
  gdk_pixbuf_animation_iter_advance (reader->iter, &now);
  G_GNUC_END_IGNORE_DEPRECATIONS
  reader->index++;
  return TRUE;
}

void
enlarge_anim_reader_free (EnlargeAnimReader *reader)
{
  if (reader->decoder != NULL)
    WebPAnimDecoderDelete (reader->decoder);
  g_clear_pointer (&reader->data, g_bytes_unref);
  g_clear_object (&reader->iter);
  g_clear_object (&reader->gif);
  g_free (reader->rgba);
  g_free (reader);
}

struct _EnlargeWebpAnimWriter {
  WebPAnimEncoder *encoder;
  WebPConfig config;
  int width, height, loop_count;
};

EnlargeWebpAnimWriter *
enlarge_webp_anim_writer_new (int quality, gboolean lossless, int loop_count)
{
  EnlargeWebpAnimWriter *writer = g_new0 (EnlargeWebpAnimWriter, 1);

  writer->loop_count = loop_count < 0 ? 1 : loop_count;
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
      options.anim_params.loop_count = writer->loop_count;
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
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_IMAGE_SAVE, _("Could not encode the animated WebP%s%s"),
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
