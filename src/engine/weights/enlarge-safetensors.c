/* safetensors: an 8-byte little-endian header length, a JSON header
 *   {"NAME": {"dtype": "F16", "shape": [64, 3, 3, 3], "data_offsets": [BEGIN, END]},
 *    ..., "__metadata__": {"key": "value", ...}}
 * then the tensors' bytes; offsets count from the end of the header.
 *
 * The header is parsed by a small strict JSON reader written for exactly
 * this shape (the engine has no JSON library): anything it does not
 * expect is an error naming the byte offset, never a guess. */

#include <stdlib.h>
#include <string.h>

#include "enlarge-weights-private.h"

/* Generic values are only skipped (in __metadata__), and only this deep. */
#define MAX_DEPTH 32

typedef struct {
  const guint8 *p, *end, *start;
} Json;

typedef struct {
  char *name;
  EnlargeDtype dtype;
  guint n_dims;
  gint64 shape[ENLARGE_WEIGHTS_MAX_DIMS];
  guint64 begin, end;
} Entry;

static void
entry_clear (gpointer p)
{
  g_free (((Entry *) p)->name);
}

/* Header offsets are reported from the start of the file. */
static gsize
json_pos (const Json *j)
{
  return (gsize) (j->p - j->start) + 8;
}

static gboolean
json_fail (Json *j, GError **error, const char *what)
{
  EW_CORRUPT (error, "safetensors header, byte %" G_GSIZE_FORMAT ": %s", json_pos (j), what);
  return FALSE;
}

static void
json_ws (Json *j)
{
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
    j->p++;
}

static gboolean
json_expect (Json *j, char c, GError **error)
{
  char msg[32];

  json_ws (j);
  if (j->p < j->end && *j->p == (guint8) c)
    {
      j->p++;
      return TRUE;
    }
  g_snprintf (msg, sizeof msg, "expected '%c'", c);
  return json_fail (j, error, msg);
}

/* TRUE and consumes @c when it is next (after white space). */
static gboolean
json_accept (Json *j, char c)
{
  json_ws (j);
  if (j->p < j->end && *j->p == (guint8) c)
    {
      j->p++;
      return TRUE;
    }
  return FALSE;
}

static int
hex_digit (guint8 c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
json_hex4 (Json *j, gunichar *out)
{
  gunichar v = 0;

  if (j->end - j->p < 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      int d = hex_digit (j->p[i]);
      if (d < 0)
        return FALSE;
      v = v * 16 + (gunichar) d;
    }
  j->p += 4;
  *out = v;
  return TRUE;
}

/* A JSON string, unescaped, as a new UTF-8 string without NUL bytes. */
static char *
json_string (Json *j, GError **error)
{
  g_autoptr (GString) s = g_string_new (NULL);

  if (!json_expect (j, '"', error))
    return NULL;
  for (;;)
    {
      guint8 c;

      if (j->p >= j->end)
        {
          json_fail (j, error, "unterminated string");
          return NULL;
        }
      c = *j->p++;
      if (c == '"')
        break;
      if (c < 0x20)
        {
          json_fail (j, error, "control character in a string");
          return NULL;
        }
      if (c != '\\')
        {
          g_string_append_c (s, (char) c);
          continue;
        }
      if (j->p >= j->end)
        {
          json_fail (j, error, "unterminated string");
          return NULL;
        }
      c = *j->p++;
      switch (c)
        {
        case '"': case '\\': case '/':
          g_string_append_c (s, (char) c);
          break;
        case 'b': g_string_append_c (s, '\b'); break;
        case 'f': g_string_append_c (s, '\f'); break;
        case 'n': g_string_append_c (s, '\n'); break;
        case 'r': g_string_append_c (s, '\r'); break;
        case 't': g_string_append_c (s, '\t'); break;
        case 'u':
          {
            gunichar u, low;

            if (!json_hex4 (j, &u))
              {
                json_fail (j, error, "bad \\u escape");
                return NULL;
              }
            if (u >= 0xd800 && u < 0xdc00)
              {
                if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u')
                  {
                    json_fail (j, error, "unpaired surrogate");
                    return NULL;
                  }
                j->p += 2;
                if (!json_hex4 (j, &low) || low < 0xdc00 || low >= 0xe000)
                  {
                    json_fail (j, error, "unpaired surrogate");
                    return NULL;
                  }
                u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
              }
            else if ((u >= 0xdc00 && u < 0xe000) || u == 0)
              {
                json_fail (j, error, u == 0 ? "NUL in a string" : "unpaired surrogate");
                return NULL;
              }
            g_string_append_unichar (s, u);
          }
          break;
        default:
          json_fail (j, error, "bad escape in a string");
          return NULL;
        }
    }
  if (!g_utf8_validate_len (s->str, s->len, NULL))
    {
      json_fail (j, error, "string is not valid UTF-8");
      return NULL;
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* A non-negative JSON integer (the only numbers the header needs). */
static gboolean
json_uint (Json *j, guint64 *out, GError **error)
{
  guint64 v = 0;
  const guint8 *first;

  json_ws (j);
  first = j->p;
  while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
    {
      guint d = *j->p - '0';
      if (v > (G_MAXUINT64 - d) / 10)
        return json_fail (j, error, "integer too large");
      v = v * 10 + d;
      j->p++;
    }
  if (j->p == first)
    return json_fail (j, error, "expected a non-negative integer");
  if (*first == '0' && j->p - first > 1)
    return json_fail (j, error, "integer with a leading zero");
  if (j->p < j->end && (*j->p == '.' || *j->p == 'e' || *j->p == 'E'))
    return json_fail (j, error, "expected an integer");
  *out = v;
  return TRUE;
}

static gboolean
json_literal (Json *j, const char *word)
{
  gsize n = strlen (word);

  if ((gsize) (j->end - j->p) >= n && memcmp (j->p, word, n) == 0)
    {
      j->p += n;
      return TRUE;
    }
  return FALSE;
}

/* Skips a run of digits; FALSE when there is none. */
static gboolean
json_digits (Json *j)
{
  const guint8 *first = j->p;

  while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
    j->p++;
  return j->p != first;
}

/* Skips any JSON number: -?int frac? exp? */
static gboolean
json_skip_number (Json *j, GError **error)
{
  const guint8 *digits;

  if (j->p < j->end && *j->p == '-')
    j->p++;
  digits = j->p;
  if (!json_digits (j) || (*digits == '0' && j->p - digits > 1))
    return json_fail (j, error, "bad number");
  if (j->p < j->end && *j->p == '.')
    {
      j->p++;
      if (!json_digits (j))
        return json_fail (j, error, "bad number");
    }
  if (j->p < j->end && (*j->p == 'e' || *j->p == 'E'))
    {
      j->p++;
      if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
        j->p++;
      if (!json_digits (j))
        return json_fail (j, error, "bad number");
    }
  return TRUE;
}

static gboolean
json_skip_value (Json *j, guint depth, GError **error)
{
  if (depth > MAX_DEPTH)
    return json_fail (j, error, "nested too deeply");
  json_ws (j);
  if (j->p >= j->end)
    return json_fail (j, error, "expected a value");
  switch (*j->p)
    {
    case '"':
      {
        g_autofree char *s = json_string (j, error);
        return s != NULL;
      }
    case '{':
      j->p++;
      if (json_accept (j, '}'))
        return TRUE;
      do
        {
          g_autofree char *key = json_string (j, error);
          if (key == NULL || !json_expect (j, ':', error) || !json_skip_value (j, depth + 1, error))
            return FALSE;
        }
      while (json_accept (j, ','));
      return json_expect (j, '}', error);
    case '[':
      j->p++;
      if (json_accept (j, ']'))
        return TRUE;
      do
        if (!json_skip_value (j, depth + 1, error))
          return FALSE;
      while (json_accept (j, ','));
      return json_expect (j, ']', error);
    default:
      if (json_literal (j, "true") || json_literal (j, "false") || json_literal (j, "null"))
        return TRUE;
      return json_skip_number (j, error);
    }
}

static gboolean
parse_dtype (const char *s, EnlargeDtype *out)
{
  for (EnlargeDtype d = ENLARGE_DTYPE_F32; d <= ENLARGE_DTYPE_BOOL; d++)
    if (strcmp (s, enlarge_dtype_name (d)) == 0)
      {
        *out = d;
        return TRUE;
      }
  return FALSE;
}

/* One tensor's {"dtype": ..., "shape": [...], "data_offsets": [b, e]}. */
static gboolean
parse_entry (Json *j, Entry *e, GError **error)
{
  gboolean have_dtype = FALSE, have_shape = FALSE, have_offsets = FALSE;

  if (!json_expect (j, '{', error))
    return FALSE;
  if (json_accept (j, '}'))
    goto missing;
  do
    {
      g_autofree char *key = json_string (j, error);

      if (key == NULL || !json_expect (j, ':', error))
        return FALSE;
      if (strcmp (key, "dtype") == 0 && !have_dtype)
        {
          g_autofree char *dtype = json_string (j, error);
          if (dtype == NULL)
            return FALSE;
          if (!parse_dtype (dtype, &e->dtype))
            {
              EW_UNSUPPORTED (error, "tensor %s: dtype %s is not supported", e->name, dtype);
              return FALSE;
            }
          have_dtype = TRUE;
        }
      else if (strcmp (key, "shape") == 0 && !have_shape)
        {
          if (!json_expect (j, '[', error))
            return FALSE;
          if (!json_accept (j, ']'))
            {
              do
                {
                  guint64 v;
                  if (e->n_dims == ENLARGE_WEIGHTS_MAX_DIMS)
                    {
                      EW_UNSUPPORTED (error, "tensor %s has more than %d dimensions",
                                      e->name, ENLARGE_WEIGHTS_MAX_DIMS);
                      return FALSE;
                    }
                  if (!json_uint (j, &v, error))
                    return FALSE;
                  if (v > G_MAXINT64)
                    return json_fail (j, error, "dimension too large");
                  e->shape[e->n_dims++] = (gint64) v;
                }
              while (json_accept (j, ','));
              if (!json_expect (j, ']', error))
                return FALSE;
            }
          have_shape = TRUE;
        }
      else if (strcmp (key, "data_offsets") == 0 && !have_offsets)
        {
          if (!json_expect (j, '[', error) || !json_uint (j, &e->begin, error) ||
              !json_expect (j, ',', error) || !json_uint (j, &e->end, error) ||
              !json_expect (j, ']', error))
            return FALSE;
          have_offsets = TRUE;
        }
      else
        {
          EW_CORRUPT (error, "tensor %s: unexpected or repeated field \"%s\" in the header",
                      e->name, key);
          return FALSE;
        }
    }
  while (json_accept (j, ','));
  if (!json_expect (j, '}', error))
    return FALSE;
  if (have_dtype && have_shape && have_offsets)
    return TRUE;
missing:
  EW_CORRUPT (error, "tensor %s: the header lacks its %s", e->name,
              !have_dtype ? "dtype" : !have_shape ? "shape" : "data_offsets");
  return FALSE;
}

static int
compare_begin (gconstpointer a, gconstpointer b)
{
  const Entry *x = *(Entry * const *) a, *y = *(Entry * const *) b;

  if (x->begin != y->begin)
    return x->begin < y->begin ? -1 : 1;
  return x->end < y->end ? -1 : x->end > y->end;
}

gboolean
enlarge_safetensors_read (EnlargeWeights *w, const guint8 *data, gsize len, GError **error)
{
  guint64 header_len = ew_u64 (data);
  g_autoptr (GArray) entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) sorted = NULL;
  gboolean seen_metadata = FALSE;
  const guint8 *buffer;
  guint64 buffer_len, pos;
  Json j;

  g_array_set_clear_func (entries, entry_clear);
  /* the caller checked 8 + header_len ≤ len */
  j.start = j.p = data + 8;
  j.end = data + 8 + header_len;
  buffer = j.end;
  buffer_len = len - 8 - header_len;

  if (!json_expect (&j, '{', error))
    return FALSE;
  if (!json_accept (&j, '}'))
    {
      do
        {
          g_autofree char *key = json_string (&j, error);

          if (key == NULL || !json_expect (&j, ':', error))
            return FALSE;
          if (strcmp (key, "__metadata__") == 0)
            {
              if (seen_metadata)
                return json_fail (&j, error, "a second __metadata__");
              seen_metadata = TRUE;
              if (!json_skip_value (&j, 0, error))
                return FALSE;
              continue;
            }
          if (g_hash_table_contains (names, key))
            {
              EW_CORRUPT (error, "tensor %s appears twice in the header", key);
              return FALSE;
            }
          {
            Entry e = { .name = g_steal_pointer (&key) };
            g_array_append_val (entries, e);
          }
          if (!parse_entry (&j, &g_array_index (entries, Entry, entries->len - 1), error))
            return FALSE;
          g_hash_table_add (names, g_array_index (entries, Entry, entries->len - 1).name);
        }
      while (json_accept (&j, ','));
      if (!json_expect (&j, '}', error))
        return FALSE;
    }
  json_ws (&j);
  if (j.p != j.end)
    return json_fail (&j, error, "data after the header's closing brace");

  /* The spec wants the tensors to tile the data buffer exactly: no overlap
   * (one tensor's bytes read as another's) and no holes. */
  sorted = g_ptr_array_new ();
  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add (sorted, &g_array_index (entries, Entry, i));
  g_ptr_array_sort (sorted, compare_begin);
  pos = 0;
  for (guint i = 0; i < sorted->len; i++)
    {
      const Entry *e = g_ptr_array_index (sorted, i);
      gsize numel, n_bytes;

      if (e->end < e->begin || e->end > buffer_len)
        {
          EW_CORRUPT (error, "tensor %s: data_offsets [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                      "] lie outside the %" G_GUINT64_FORMAT " bytes of data",
                      e->name, e->begin, e->end, buffer_len);
          return FALSE;
        }
      if (e->begin != pos)
        {
          EW_CORRUPT (error, "tensor %s: data_offsets start at %" G_GUINT64_FORMAT
                      " where the previous tensor ends at %" G_GUINT64_FORMAT " (%s)",
                      e->name, e->begin, pos, e->begin < pos ? "overlap" : "hole");
          return FALSE;
        }
      if (!enlarge_weights_shape_size (e->shape, e->n_dims, e->dtype, &numel, &n_bytes) ||
          n_bytes != e->end - e->begin)
        {
          EW_CORRUPT (error, "tensor %s: shape and dtype %s need a different size than its %"
                      G_GUINT64_FORMAT " bytes", e->name, enlarge_dtype_name (e->dtype),
                      e->end - e->begin);
          return FALSE;
        }
      pos = e->end;
    }
  if (pos != buffer_len)
    {
      EW_CORRUPT (error, "%" G_GUINT64_FORMAT " bytes after the last tensor at offset %"
                  G_GUINT64_FORMAT " belong to no tensor", buffer_len - pos, 8 + header_len + pos);
      return FALSE;
    }

  for (guint i = 0; i < entries->len; i++)
    {
      const Entry *e = &g_array_index (entries, Entry, i);
      if (!enlarge_weights_add (w, e->name, e->dtype, e->n_dims, e->shape, buffer + e->begin,
                                (gsize) (e->end - e->begin), error))
        return FALSE;
    }
  return TRUE;
}
