/* PyTorch checkpoints, both layouts torch.save has written:
 *
 * - zip (torch ≥ 1.6): ARCHIVE/data.pkl is the pickled state dict whose
 *   storages are persistent ids ('storage', type, key, location, numel);
 *   each storage's bytes are the entry ARCHIVE/data/KEY. torch writes the
 *   entries stored (uncompressed), 64-byte aligned, with zip64 records.
 * - legacy: five things back to back, a pickled magic number, a pickled
 *   protocol version (1001), a pickled dict of system info, the pickled
 *   state dict, a pickled list of storage keys; then for each key in that
 *   order an 8-byte element count and the storage's bytes.
 *
 * The zip reader is minimal: one disk, stored or deflated entries, no
 * encryption; it finds entries through the central directory because torch
 * sets the data-descriptor flag and leaves sizes in local headers zero. */

#include <string.h>
#include <zlib.h>

#include "enlarge-unpickle.h"

/* deflate cannot expand data more than about 1032:1 */
#define MAX_DEFLATE_RATIO 1032

typedef struct {
  const char *name;
  guint16 flags, method;
  guint32 crc;
  guint64 comp_size, size, local_offset;
} ZipEntry;

typedef struct {
  EnlargeWeights *weights;
  const guint8 *data;
  gsize len;
  GHashTable *entries;       /* name → ZipEntry *, owned */
  char *prefix;              /* "ARCHIVE/" */
} Zip;

static void
zip_entry_free (gpointer p)
{
  ZipEntry *e = p;
  g_free ((char *) e->name);
  g_free (e);
}

/* The zip64 extended-information extra field replaces each 32-bit value
 * that is all ones, in this order. */
static gboolean
read_zip64_extra (const guint8 *extra, gsize n, ZipEntry *e, GError **error)
{
  while (n >= 4)
    {
      guint16 id = ew_u16 (extra), size = ew_u16 (extra + 2);
      const guint8 *p = extra + 4;
      gsize left = size;

      if (size > n - 4)
        break;
      if (id == 0x0001)
        {
          guint64 *fields[] = { &e->size, &e->comp_size, &e->local_offset };
          for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
            if (*fields[i] == 0xffffffffu)
              {
                if (left < 8)
                  {
                    EW_CORRUPT (error, "zip entry %s: short zip64 extra field", e->name);
                    return FALSE;
                  }
                *fields[i] = ew_u64 (p);
                p += 8;
                left -= 8;
              }
          return TRUE;
        }
      extra += 4 + size;
      n -= 4 + size;
    }
  return TRUE;
}

static gboolean
zip_open (Zip *z, GError **error)
{
  const guint8 *d = z->data;
  gsize len = z->len, eocd = G_MAXSIZE;
  guint64 n_entries, cd_size, cd_offset, pos;

  /* The end-of-central-directory record is in the last 22 + 65535 bytes
   * (its comment can be that long). */
  for (gsize i = len >= 22 ? len - 22 + 1 : 0; i-- > 0 && len - i <= 22 + 65535;)
    if (memcmp (d + i, "PK\x05\x06", 4) == 0)
      {
        eocd = i;
        break;
      }
  if (eocd == G_MAXSIZE)
    {
      EW_CORRUPT (error, "zip: no end-of-central-directory record (truncated file?)");
      return FALSE;
    }
  n_entries = ew_u16 (d + eocd + 10);
  cd_size = ew_u32 (d + eocd + 12);
  cd_offset = ew_u32 (d + eocd + 16);

  /* torch always adds zip64 records; when they exist they are the truth */
  if (eocd >= 20 && memcmp (d + eocd - 20, "PK\x06\x07", 4) == 0)
    {
      guint64 off = ew_u64 (d + eocd - 20 + 8);

      if (len < 56 || off > len - 56 || memcmp (d + off, "PK\x06\x06", 4) != 0)
        {
          EW_CORRUPT (error, "zip: zip64 end record offset %" G_GUINT64_FORMAT " is wrong", off);
          return FALSE;
        }
      n_entries = ew_u64 (d + off + 32);
      cd_size = ew_u64 (d + off + 40);
      cd_offset = ew_u64 (d + off + 48);
    }
  if (cd_offset > len || cd_size > len - cd_offset || n_entries > cd_size / 46)
    {
      EW_CORRUPT (error, "zip: central directory at offset %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT
                  " bytes, %" G_GUINT64_FORMAT " entries) does not fit in the file",
                  cd_offset, cd_size, n_entries);
      return FALSE;
    }

  pos = cd_offset;
  for (guint64 i = 0; i < n_entries; i++)
    {
      const guint8 *h = d + pos;
      guint16 name_len, extra_len, comment_len;
      ZipEntry *e;

      if (cd_offset + cd_size - pos < 46 || memcmp (h, "PK\x01\x02", 4) != 0)
        {
          EW_CORRUPT (error, "zip: bad central directory entry at offset %" G_GUINT64_FORMAT, pos);
          return FALSE;
        }
      name_len = ew_u16 (h + 28);
      extra_len = ew_u16 (h + 30);
      comment_len = ew_u16 (h + 32);
      if (cd_offset + cd_size - pos < 46u + name_len + extra_len + comment_len)
        {
          EW_CORRUPT (error, "zip: central directory entry at offset %" G_GUINT64_FORMAT
                      " runs past the directory", pos);
          return FALSE;
        }
      e = g_new0 (ZipEntry, 1);
      e->name = g_strndup ((const char *) h + 46, name_len);
      e->flags = ew_u16 (h + 8);
      e->method = ew_u16 (h + 10);
      e->crc = ew_u32 (h + 16);
      e->comp_size = ew_u32 (h + 20);
      e->size = ew_u32 (h + 24);
      e->local_offset = ew_u32 (h + 42);
      if (strlen (e->name) != name_len || g_hash_table_contains (z->entries, e->name) ||
          !read_zip64_extra (h + 46 + name_len, extra_len, e, error))
        {
          if (error == NULL || *error == NULL)
            EW_CORRUPT (error, "zip: entry name at offset %" G_GUINT64_FORMAT
                        " has a NUL byte or appears twice", pos);
          zip_entry_free (e);
          return FALSE;
        }
      g_hash_table_insert (z->entries, (char *) e->name, e);
      pos += 46u + name_len + extra_len + comment_len;
    }
  return TRUE;
}

/* The bytes of entry @name: a pointer into the file for a stored entry,
 * a kept buffer for a deflated one. @what names the thing for messages. */
static const guint8 *
zip_read (Zip *z, const char *name, const char *what, gsize *size, GError **error)
{
  ZipEntry *e = g_hash_table_lookup (z->entries, name);
  const guint8 *local;
  guint64 data_off;
  const guint8 *out;

  if (e == NULL)
    {
      EW_CORRUPT (error, "%s: the archive has no entry %s", what, name);
      return NULL;
    }
  if (e->flags & 1)
    {
      EW_UNSUPPORTED (error, "%s: zip entry %s is encrypted", what, name);
      return NULL;
    }
  if (e->local_offset > z->len || z->len - e->local_offset < 30 ||
      memcmp (z->data + e->local_offset, "PK\x03\x04", 4) != 0)
    {
      EW_CORRUPT (error, "%s: zip entry %s: no local header at offset %" G_GUINT64_FORMAT,
                  what, name, e->local_offset);
      return NULL;
    }
  local = z->data + e->local_offset;
  data_off = e->local_offset + 30 + ew_u16 (local + 26) + ew_u16 (local + 28);
  if (data_off > z->len || e->comp_size > z->len - data_off)
    {
      EW_CORRUPT (error, "%s: zip entry %s: %" G_GUINT64_FORMAT " bytes at offset %"
                  G_GUINT64_FORMAT " run past the end of the file", what, name, e->comp_size, data_off);
      return NULL;
    }

  if (e->method == 0)
    {
      if (e->comp_size != e->size)
        {
          EW_CORRUPT (error, "%s: stored zip entry %s has two different sizes", what, name);
          return NULL;
        }
      out = z->data + data_off;
    }
  else if (e->method == 8)
    {
      z_stream zs = { 0 };
      guint8 *buf;
      int rc;

      if (e->size > e->comp_size * MAX_DEFLATE_RATIO + 64 || e->size > G_MAXUINT32)
        {
          EW_CORRUPT (error, "%s: zip entry %s claims %" G_GUINT64_FORMAT " bytes from %"
                      G_GUINT64_FORMAT " deflated", what, name, e->size, e->comp_size);
          return NULL;
        }
      /* bounded by the ratio above, but still possibly large: a failed
       * allocation is an error here, not an abort */
      buf = g_try_malloc (MAX (e->size, 1));
      if (buf == NULL)
        {
          g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_NO_MEMORY,
                       "%s: no memory to inflate zip entry %s (%" G_GUINT64_FORMAT " bytes)",
                       what, name, e->size);
          return NULL;
        }
      enlarge_weights_keep (z->weights, buf);
      if (inflateInit2 (&zs, -MAX_WBITS) != Z_OK)
        {
          EW_CORRUPT (error, "%s: zlib failed to start", what);
          return NULL;
        }
      zs.next_in = (Bytef *) z->data + data_off;
      zs.avail_in = (uInt) MIN (e->comp_size, G_MAXUINT32);
      zs.next_out = buf;
      zs.avail_out = (uInt) e->size;
      rc = inflate (&zs, Z_FINISH);
      inflateEnd (&zs);
      if (rc != Z_STREAM_END || zs.total_out != e->size)
        {
          EW_CORRUPT (error, "%s: zip entry %s does not inflate to its %" G_GUINT64_FORMAT " bytes",
                      what, name, e->size);
          return NULL;
        }
      out = buf;
    }
  else
    {
      EW_UNSUPPORTED (error, "%s: zip entry %s uses compression method %u", what, name, e->method);
      return NULL;
    }
  if (crc32_z (0, out, (z_size_t) e->size) != e->crc)
    {
      EW_CORRUPT (error, "%s: zip entry %s fails its CRC check", what, name);
      return NULL;
    }
  *size = (gsize) e->size;
  return out;
}

static gboolean
resolve_zip_storage (gpointer user_data, PklValue *s, const char *tensor, GError **error)
{
  Zip *z = user_data;
  g_autofree char *entry = g_strconcat (z->prefix, "data/", s->storage.key, NULL);
  g_autofree char *what = g_strdup_printf ("tensor %s", tensor);
  gsize size, expected;
  const guint8 *data = zip_read (z, entry, what, &size, error);

  if (data == NULL)
    return FALSE;
  if (!g_size_checked_mul (&expected, (gsize) s->storage.numel, enlarge_dtype_size (s->storage.dtype)) ||
      expected != size)
    {
      EW_CORRUPT (error, "tensor %s: storage %s has %" G_GSIZE_FORMAT " bytes, not %" G_GINT64_FORMAT
                  " %s elements", tensor, s->storage.key, size, s->storage.numel,
                  enlarge_dtype_name (s->storage.dtype));
      return FALSE;
    }
  s->storage.data = data;
  return TRUE;
}

gboolean
enlarge_torch_zip_read (EnlargeWeights *w, const guint8 *data, gsize len, GError **error)
{
  g_autoptr (GHashTable) entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, zip_entry_free);
  g_autoptr (Pkl) pkl = pkl_new ();
  g_autofree char *pkl_name = NULL, *order_name = NULL;
  Zip z = { .weights = w, .data = data, .len = len, .entries = entries };
  const guint8 *pickle, *order;
  gsize pickle_len, order_len, consumed;
  GHashTableIter iter;
  const char *name;
  PklValue *root;
  gboolean ok;

  if (!zip_open (&z, error))
    return FALSE;

  /* ARCHIVE/data.pkl; ARCHIVE is whatever the file was called when saved */
  g_hash_table_iter_init (&iter, entries);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    if (g_str_has_suffix (name, "data.pkl") && strchr (name, '/') == strrchr (name, '/') &&
        (strlen (name) == 8 || name[strlen (name) - 9] == '/') &&
        (pkl_name == NULL || strcmp (name, pkl_name) < 0))
      {
        g_free (pkl_name);
        pkl_name = g_strdup (name);
      }
  if (pkl_name == NULL)
    {
      EW_UNSUPPORTED (error, "a zip file without data.pkl is not a PyTorch checkpoint");
      return FALSE;
    }
  z.prefix = g_strndup (pkl_name, strlen (pkl_name) - 8);

  order_name = g_strconcat (z.prefix, "byteorder", NULL);
  if (g_hash_table_contains (entries, order_name))
    {
      order = zip_read (&z, order_name, "byteorder", &order_len, error);
      if (order == NULL)
        goto fail;
      if (order_len != 6 || memcmp (order, "little", 6) != 0)
        {
          EW_UNSUPPORTED (error, "the checkpoint was saved big-endian");
          goto fail;
        }
    }

  pickle = zip_read (&z, pkl_name, "data.pkl", &pickle_len, error);
  if (pickle == NULL)
    goto fail;
  root = pkl_load (pkl, pickle, pickle_len, 0, &consumed, error);
  if (root == NULL)
    {
      g_prefix_error (error, "%s: ", pkl_name);
      goto fail;
    }
  ok = pkl_add_state_dict (pkl, root, w, resolve_zip_storage, &z, error);
  g_free (z.prefix);
  return ok;

fail:
  g_free (z.prefix);
  return FALSE;
}

/* ---------- the legacy stream ---------- */

/* pickle of the int 0x1950a86a20f9469cfc6c: LONG1, 10 bytes */
static const guint8 legacy_magic[] = {
  0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19,
};
#define LEGACY_PROTOCOL 1001

gboolean
enlarge_torch_legacy_read (EnlargeWeights *w, const guint8 *data, gsize len, GError **error)
{
  g_autoptr (Pkl) pkl = pkl_new ();
  PklValue *v, *root, *keys, *little;
  gsize pos = 0, consumed;

  /* the magic number, after a PROTO opcode */
  if (len < 2 + sizeof legacy_magic || memcmp (data + 2, legacy_magic, sizeof legacy_magic) != 0)
    {
      EW_UNSUPPORTED (error, "a pickle without PyTorch's magic number is not a PyTorch checkpoint");
      return FALSE;
    }
  if (pkl_load (pkl, data, len, 0, &consumed, error) == NULL)
    return FALSE;
  pos += consumed;

  v = pkl_load (pkl, data + pos, len - pos, pos, &consumed, error);
  if (v == NULL)
    return FALSE;
  if (v->kind != PV_INT || v->i != LEGACY_PROTOCOL)
    {
      EW_UNSUPPORTED (error, "offset %" G_GSIZE_FORMAT ": legacy PyTorch protocol is not %d",
                      pos, LEGACY_PROTOCOL);
      return FALSE;
    }
  pos += consumed;

  v = pkl_load (pkl, data + pos, len - pos, pos, &consumed, error);
  if (v == NULL)
    return FALSE;
  if (v->kind == PV_DICT)
    for (guint i = 0; i + 1 < v->items->len; i += 2)
      {
        PklValue *k = v->items->pdata[i];
        little = v->items->pdata[i + 1];
        if (k->kind == PV_STR && strcmp (k->str, "little_endian") == 0 &&
            little->kind == PV_BOOL && !little->i)
          {
            EW_UNSUPPORTED (error, "the checkpoint was saved big-endian");
            return FALSE;
          }
      }
  pos += consumed;

  root = pkl_load (pkl, data + pos, len - pos, pos, &consumed, error);
  if (root == NULL)
    return FALSE;
  pos += consumed;

  keys = pkl_load (pkl, data + pos, len - pos, pos, &consumed, error);
  if (keys == NULL)
    return FALSE;
  if (keys->kind != PV_LIST)
    {
      EW_CORRUPT (error, "offset %" G_GSIZE_FORMAT ": the storage key list is a %s", pos,
                  keys->kind == PV_DICT ? "dict" : "non-list");
      return FALSE;
    }
  pos += consumed;

  /* Each storage in the listed order: element count, then the elements. */
  for (guint i = 0; i < keys->items->len; i++)
    {
      PklValue *k = keys->items->pdata[i], *s;
      guint64 count;
      gsize n_bytes;

      if (k->kind != PV_STR)
        {
          EW_CORRUPT (error, "offset %" G_GSIZE_FORMAT ": storage key %u is not a string", pos, i);
          return FALSE;
        }
      s = pkl_lookup_storage (pkl, k->str);
      if (s == NULL)
        {
          EW_CORRUPT (error, "offset %" G_GSIZE_FORMAT ": storage %s is listed but no tensor uses it",
                      pos, k->str);
          return FALSE;
        }
      if (s->storage.data != NULL)
        {
          EW_CORRUPT (error, "offset %" G_GSIZE_FORMAT ": storage %s is listed twice", pos, k->str);
          return FALSE;
        }
      if (len - pos < 8)
        {
          EW_CORRUPT (error, "offset %" G_GSIZE_FORMAT ": truncated before storage %s", pos, k->str);
          return FALSE;
        }
      count = ew_u64 (data + pos);
      if (count != (guint64) s->storage.numel)
        {
          EW_CORRUPT (error, "offset %" G_GSIZE_FORMAT ": storage %s has %" G_GUINT64_FORMAT
                      " elements where the pickle says %" G_GINT64_FORMAT,
                      pos, k->str, count, s->storage.numel);
          return FALSE;
        }
      if (!g_size_checked_mul (&n_bytes, (gsize) count, enlarge_dtype_size (s->storage.dtype)) ||
          n_bytes > len - pos - 8)
        {
          EW_CORRUPT (error, "offset %" G_GSIZE_FORMAT ": storage %s (%" G_GUINT64_FORMAT
                      " %s elements) runs past the end of the file", pos, k->str, count,
                      enlarge_dtype_name (s->storage.dtype));
          return FALSE;
        }
      s->storage.data = data + pos + 8;
      pos += 8 + n_bytes;
    }
  return pkl_add_state_dict (pkl, root, w, NULL, NULL, error);
}
