/* The ncnn loader: hand-made malformed and valid .param/.bin pairs, the
 * real realesrgan-x4fast model, and deterministic fuzzing of both files.
 *
 * Every buffer handed to the loader is a g_malloc'd copy of exactly the
 * given length, so an AddressSanitizer build catches any over-read. */

#include <math.h>
#include <string.h>

#include "enlarge.h"
#include "enlarge-test-utils.h"

#define FP16_TAG 0x01306B47u
#define FUZZ_SEED 0x5eed1234u


/* ---------- helpers ---------- */

static void
put_u32 (GByteArray *a, guint32 v)
{
  guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >> 24) & 0xff };
  g_byte_array_append (a, b, 4);
}

static void
put_f32 (GByteArray *a, float f)
{
  guint32 v;
  memcpy (&v, &f, 4);
  put_u32 (a, v);
}

static void
put_u16 (GByteArray *a, guint16 v)
{
  guint8 b[2] = { v & 0xff, (v >> 8) & 0xff };
  g_byte_array_append (a, b, 2);
}

static void
pad4 (GByteArray *a)
{
  static const guint8 zero[4] = { 0 };
  if (a->len % 4 != 0)
    g_byte_array_append (a, zero, 4 - a->len % 4);
}

/* Loads from exact-size private copies of both buffers. */
static EnlargeNet *
load_exact (const char *param, gsize param_len, const guint8 *bin, gsize bin_len,
            GError **error)
{
  /* g_malloc (0) is NULL; an empty buffer still gets a valid pointer. */
  static const char empty[1] = "";
  g_autofree char *p = param_len ? g_memdup2 (param, param_len) : NULL;
  g_autofree guint8 *b = bin_len ? g_memdup2 (bin, bin_len) : NULL;

  return enlarge_net_load_from_data (p ? p : empty, param_len,
                                     b ? b : (const guint8 *) empty, bin_len,
                                     "test.param", error);
}

static EnlargeNet *
load_str (const char *param, const GByteArray *bin, GError **error)
{
  return load_exact (param, strlen (param), bin ? bin->data : NULL, bin ? bin->len : 0, error);
}

/* Asserts a load failed with @code and that the message contains each of
 * the NULL-terminated substrings. */
static void
expect_fail_exact (const char *param, gsize param_len, const guint8 *bin, gsize bin_len,
                   int code, ...)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeNet) net = load_exact (param, param_len, bin, bin_len, &error);
  va_list ap;
  const char *want;

  g_assert_null (net);
  g_assert_error (error, ENLARGE_ERROR, code);
  g_test_message ("expected error: %s", error->message);
  va_start (ap, code);
  while ((want = va_arg (ap, const char *)) != NULL)
    {
      if (strstr (error->message, want) == NULL)
        g_error ("error message “%s” does not contain “%s”", error->message, want);
    }
  va_end (ap);
}

#define expect_fail(param, bin, code, ...)                                  \
  expect_fail_exact ((param), strlen (param), (bin) ? (bin)->data : NULL,   \
                     (bin) ? (bin)->len : 0, (code), __VA_ARGS__, NULL)

/* ---------- the tiny test network ---------- */

/* Input → Convolution 3→3, 3×3, pad 1, bias → output. */
#define TINY_PARAM                                                          \
  "7767517\n"                                                               \
  "2 2\n"                                                                   \
  "Input            in      0 1 data\n"                                     \
  "Convolution      conv    1 1 data out 0=3 1=3 4=1 5=1 6=81\n"
#define TINY_WEIGHTS 81
#define TINY_WEIGHT_BYTES_F32 (4 + TINY_WEIGHTS * 4)              /* 328 */
#define TINY_WEIGHT_BYTES_F16 (4 + ((TINY_WEIGHTS * 2 + 3) & ~3)) /* 168 */

static const float tiny_bias[3] = { 0.25f, -1.f, 2.f };

/* fp16 bit patterns and the floats they must decode to exactly. */
static const struct {
  guint16 half;
  float value;
} halves[] = {
  { 0x3c00, 1.0f },
  { 0xc100, -2.5f },
  { 0x3800, 0.5f },
  { 0x0000, 0.0f },
  { 0x7bff, 65504.0f },         /* largest normal */
  { 0x0400, 6.103515625e-05f }, /* smallest normal, 2^-14 */
  { 0x0001, 5.9604644775390625e-08f }, /* smallest subnormal, 2^-24 */
  { 0x8200, -3.0517578125e-05f },      /* subnormal, -2^-15 */
  { 0x4248, 3.140625f },
};

static float
tiny_weight (int i)
{
  return halves[i % G_N_ELEMENTS (halves)].value;
}

static GByteArray *
tiny_bin (gboolean fp16, gboolean with_bias)
{
  GByteArray *a = g_byte_array_new ();

  put_u32 (a, fp16 ? FP16_TAG : 0);
  for (int i = 0; i < TINY_WEIGHTS; i++)
    {
      if (fp16)
        put_u16 (a, halves[i % G_N_ELEMENTS (halves)].half);
      else
        put_f32 (a, tiny_weight (i));
    }
  pad4 (a);
  if (with_bias)
    for (int i = 0; i < 3; i++)
      put_f32 (a, tiny_bias[i]);
  return a;
}

static void
check_tiny_net (EnlargeNet *net)
{
  const EnlargeLayer *conv;

  g_assert_nonnull (net);
  g_assert_cmpint (net->n_layers, ==, 2);
  g_assert_cmpint (net->n_blobs, ==, 2);
  g_assert_cmpint (net->scale, ==, 1);
  g_assert_cmpint (net->in_channels, ==, 3);
  g_assert_cmpint (net->out_channels, ==, 3);
  g_assert_cmpstr (net->blob_names[net->input_blob], ==, "data");
  g_assert_cmpstr (net->blob_names[net->output_blob], ==, "out");
  g_assert_cmpint (net->receptive_radius, ==, 1);

  g_assert_cmpint (net->layers[0].type, ==, ENLARGE_OP_INPUT);
  conv = &net->layers[1];
  g_assert_cmpint (conv->type, ==, ENLARGE_OP_CONVOLUTION);
  g_assert_cmpstr (conv->name, ==, "conv");
  g_assert_cmpint (conv->p.conv.num_output, ==, 3);
  g_assert_cmpint (conv->p.conv.num_input, ==, 3);
  g_assert_cmpint (conv->p.conv.kernel_w, ==, 3);
  g_assert_cmpint (conv->p.conv.kernel_h, ==, 3);
  g_assert_cmpint (conv->p.conv.pad_left, ==, 1);
  g_assert_cmpint (conv->p.conv.pad_bottom, ==, 1);
  g_assert_true (conv->p.conv.bias_term);
  for (int i = 0; i < TINY_WEIGHTS; i++)
    g_assert_cmpfloat (conv->p.conv.weight[i], ==, tiny_weight (i));
  g_assert_nonnull (conv->p.conv.bias);
  for (int i = 0; i < 3; i++)
    g_assert_cmpfloat (conv->p.conv.bias[i], ==, tiny_bias[i]);

  /* 2 × outputs(3) × H × W × inputs(3) × 3×3 */
  g_assert_cmpfloat (enlarge_net_flops (net, 10, 10), ==, 2.0 * 3 * 10 * 10 * 3 * 9);
  g_assert_cmpfloat (enlarge_net_flops (net, 640, 480), ==, 2.0 * 3 * 640 * 480 * 3 * 9);
}

static void
test_tiny_fp32 (void)
{
  g_autoptr (GByteArray) bin = tiny_bin (FALSE, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeNet) net = NULL;

  g_assert_cmpuint (bin->len, ==, TINY_WEIGHT_BYTES_F32 + 12);
  net = load_str (TINY_PARAM, bin, &error);
  g_assert_no_error (error);
  check_tiny_net (net);
}

static void
test_tiny_fp16 (void)
{
  g_autoptr (GByteArray) bin = tiny_bin (TRUE, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeNet) net = NULL;

  g_assert_cmpuint (bin->len, ==, TINY_WEIGHT_BYTES_F16 + 12);
  net = load_str (TINY_PARAM, bin, &error);
  g_assert_no_error (error);
  check_tiny_net (net);
}

/* Windows line ends, extra blank lines and tabs are tolerated. */
static void
test_tiny_whitespace (void)
{
  const char *param =
    "7767517\r\n"
    "2 2\r\n"
    "\r\n"
    "Input\tin 0 1 data\r\n"
    "\n"
    "Convolution   conv 1 1 data out\t0=3 1=3 4=1 5=1 6=81\r\n";
  g_autoptr (GByteArray) bin = tiny_bin (FALSE, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeNet) net = load_str (param, bin, &error);

  g_assert_no_error (error);
  check_tiny_net (net);
}

/* ---------- malformed inputs ---------- */

static void
test_bad_magic (void)
{
  g_autoptr (GByteArray) bin = tiny_bin (FALSE, TRUE);

  expect_fail ("7767518\n2 2\n"
               "Input in 0 1 data\n"
               "Convolution conv 1 1 data out 0=3 1=3 4=1 5=1 6=81\n",
               bin, ENLARGE_ERROR_BAD_MAGIC, "test.param:1:", "7767518");
  expect_fail ("hello world\n", bin, ENLARGE_ERROR_BAD_MAGIC, "test.param:1:", "hello");
  /* a .bin passed as the .param */
  expect_fail_exact ("\x47\x6b\x30\x01\x00", 4, bin->data, bin->len,
                     ENLARGE_ERROR_BAD_MAGIC, "test.param:1:", NULL);
}

static void
test_empty (void)
{
  g_autoptr (GByteArray) bin = tiny_bin (FALSE, TRUE);

  /* an empty .param has no magic number at all; nor do blank lines */
  expect_fail ("", bin, ENLARGE_ERROR_BAD_MAGIC, "test.param:1:", "magic number missing");
  expect_fail ("\n\n", bin, ENLARGE_ERROR_BAD_MAGIC, "test.param:1:", "missing");
  expect_fail (" \r\n", bin, ENLARGE_ERROR_BAD_MAGIC, "test.param:1:", "missing");
  /* magic only: the count line is missing */
  expect_fail ("7767517", bin, ENLARGE_ERROR_TRUNCATED, "test.param");
  /* empty .bin: the first weight tag is missing */
  expect_fail (TINY_PARAM, (GByteArray *) NULL, ENLARGE_ERROR_TRUNCATED,
               "test.bin", "conv", "weight tag", "offset 0");
}

static void
test_bad_count_line (void)
{
  g_autoptr (GByteArray) bin = tiny_bin (FALSE, TRUE);
  const char *bad[] = {
    "2",
    "2 x",
    "2 2 2",
    "0 2",
    "2 -1",
    "99999999999 2",
    "1000001 2",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *param = g_strdup_printf ("7767517\n%s\n"
                                                "Input in 0 1 data\n"
                                                "Convolution conv 1 1 data out 0=3 1=3 4=1 5=1 6=81\n",
                                                bad[i]);
      expect_fail (param, bin, ENLARGE_ERROR_PARAM_SYNTAX, "test.param:2:", "LAYER_COUNT BLOB_COUNT");
    }
}

static void
test_bad_layer_line (void)
{
  g_autoptr (GByteArray) bin = tiny_bin (FALSE, TRUE);

  /* too few tokens, bad counts, counts exceeding the tokens present */
  expect_fail ("7767517\n2 2\nInput in 0\n"
               "Convolution conv 1 1 data out 0=3 1=3 4=1 5=1 6=81\n",
               bin, ENLARGE_ERROR_PARAM_SYNTAX, "test.param:3:", "TYPE NAME");
  expect_fail ("7767517\n2 2\nInput in 0 1 data\n"
               "Convolution conv 1 x data out 0=3 1=3 4=1 5=1 6=81\n",
               bin, ENLARGE_ERROR_PARAM_SYNTAX, "test.param:4:");
  expect_fail ("7767517\n2 2\nInput in 0 1 data\n"
               "Convolution conv 1 -1 data out 0=3 1=3 4=1 5=1 6=81\n",
               bin, ENLARGE_ERROR_PARAM_SYNTAX, "test.param:4:");
  expect_fail ("7767517\n2 2\nInput in 0 1 data\n"
               "Convolution conv 1 3 data out\n",
               bin, ENLARGE_ERROR_PARAM_SYNTAX, "test.param:4:");
  /* more blobs than declared */
  expect_fail ("7767517\n2 1\nInput in 0 1 data\n"
               "Convolution conv 1 1 data out 0=3 1=3 4=1 5=1 6=81\n",
               bin, ENLARGE_ERROR_PARAM_SYNTAX, "test.param:4:", "declared");
  /* a blob produced twice */
  expect_fail ("7767517\n2 2\nInput in 0 1 data\n"
               "Convolution conv 1 1 data data 0=3 1=3 4=1 5=1 6=81\n",
               bin, ENLARGE_ERROR_PARAM_SYNTAX, "test.param:4:", "“data”");
  /* wrong number of inputs for the layer type */
  expect_fail ("7767517\n3 4\nInput in 0 1 data\n"
               "Split sp 1 2 data a b\n"
               "Convolution conv 2 1 a b out 0=3 1=3 4=1 5=1 6=81\n",
               bin, ENLARGE_ERROR_PARAM_SYNTAX, "test.param:5:", "conv", "2 inputs");
}

static void
test_unknown_layer (void)
{
  g_autoptr (GByteArray) bin = tiny_bin (FALSE, TRUE);

  expect_fail ("7767517\n2 2\n"
               "Input in 0 1 data\n"
               "LSTM lstm 1 1 data out 0=3 1=3 4=1 5=1 6=81\n",
               bin, ENLARGE_ERROR_UNKNOWN_LAYER, "test.param:4:", "LSTM", "lstm");
}

static void
test_weight_mismatch (void)
{
  g_autoptr (GByteArray) bin = tiny_bin (FALSE, TRUE);

  expect_fail ("7767517\n2 2\n"
               "Input in 0 1 data\n"
               "Convolution conv 1 1 data out 0=3 1=3 4=1 5=1 6=80\n",
               bin, ENLARGE_ERROR_WEIGHT_MISMATCH, "test.param:4:", "conv", "80");
  expect_fail ("7767517\n2 2\n"
               "Input in 0 1 data\n"
               "Convolution conv 1 1 data out 0=3 1=3 4=1 5=1\n",
               bin, ENLARGE_ERROR_WEIGHT_MISMATCH, "test.param:4:", "conv");
}

static void
test_extra_bytes (void)
{
  g_autoptr (GByteArray) bin = tiny_bin (FALSE, TRUE);
  g_autoptr (GByteArray) bin16 = tiny_bin (TRUE, TRUE);

  put_u32 (bin, 0);
  expect_fail (TINY_PARAM, bin, ENLARGE_ERROR_WEIGHT_MISMATCH, "test.bin", "4 bytes left over");
  put_u16 (bin16, 0);
  expect_fail (TINY_PARAM, bin16, ENLARGE_ERROR_WEIGHT_MISMATCH, "test.bin", "2 bytes left over");

  /* weights without bias where the param says 5=0 */
  g_autoptr (GByteArray) with_bias = tiny_bin (FALSE, TRUE);
  expect_fail ("7767517\n2 2\n"
               "Input in 0 1 data\n"
               "Convolution conv 1 1 data out 0=3 1=3 4=1 5=0 6=81\n",
               with_bias, ENLARGE_ERROR_WEIGHT_MISMATCH, "12 bytes left over");
}

static void
test_truncated_bin (void)
{
  g_autoptr (GByteArray) bin = tiny_bin (FALSE, TRUE);
  g_autoptr (GByteArray) bin16 = tiny_bin (TRUE, TRUE);

  /* in the weights */
  expect_fail_exact (TINY_PARAM, strlen (TINY_PARAM), bin->data, 4 + 40,
                     ENLARGE_ERROR_TRUNCATED, "test.bin", "conv", "fp32 weights",
                     "offset 4", "324 bytes", "only 40 left", NULL);
  expect_fail_exact (TINY_PARAM, strlen (TINY_PARAM), bin16->data, 4 + 163,
                     ENLARGE_ERROR_TRUNCATED, "test.bin", "conv", "fp16 weights",
                     "offset 4", "164 bytes", NULL);
  /* in the tag */
  expect_fail_exact (TINY_PARAM, strlen (TINY_PARAM), bin->data, 3,
                     ENLARGE_ERROR_TRUNCATED, "conv", "weight tag", "offset 0", NULL);
  /* in the bias */
  expect_fail_exact (TINY_PARAM, strlen (TINY_PARAM), bin->data, TINY_WEIGHT_BYTES_F32 + 8,
                     ENLARGE_ERROR_TRUNCATED, "test.bin", "conv", "bias",
                     "offset 328", "12 bytes", "only 8 left", NULL);
  expect_fail_exact (TINY_PARAM, strlen (TINY_PARAM), bin16->data, TINY_WEIGHT_BYTES_F16,
                     ENLARGE_ERROR_TRUNCATED, "test.bin", "conv", "bias",
                     "offset 168", NULL);

  /* PReLU slopes are untagged fp32 */
  {
    const char *param = "7767517\n3 3\n"
                        "Input in 0 1 data\n"
                        "Convolution conv 1 1 data c 0=3 1=3 4=1 5=1 6=81\n"
                        "PReLU prelu 1 1 c out 0=3\n";
    g_autoptr (GByteArray) full = tiny_bin (FALSE, TRUE);
    g_autoptr (EnlargeNet) net = NULL;
    g_autoptr (GError) error = NULL;

    for (int i = 0; i < 3; i++)
      put_f32 (full, 0.1f * (i + 1));
    net = load_str (param, full, &error);
    g_assert_no_error (error);
    /* the loader folds the PReLU into the convolution before it */
    g_assert_cmpint (net->layers[1].p.conv.activation, ==, ENLARGE_ACT_PRELU);
    g_assert_cmpint (net->layers[1].p.conv.num_slope, ==, 3);
    g_assert_cmpfloat (net->layers[1].p.conv.slope[2], ==, 0.3f);
    g_assert_cmpint (net->layers[2].type, ==, ENLARGE_OP_SPLIT);
    expect_fail_exact (param, strlen (param), full->data, full->len - 1,
                       ENLARGE_ERROR_TRUNCATED, "prelu", "slopes", "offset 340", NULL);
  }
}

static void
test_unknown_blob (void)
{
  g_autoptr (GByteArray) bin = tiny_bin (FALSE, TRUE);

  expect_fail ("7767517\n2 2\n"
               "Input in 0 1 data\n"
               "Convolution conv 1 1 nope out 0=3 1=3 4=1 5=1 6=81\n",
               bin, ENLARGE_ERROR_UNKNOWN_BLOB, "test.param:4:", "conv", "“nope”");
  /* read before produced: order matters */
  expect_fail ("7767517\n3 3\n"
               "Input in 0 1 data\n"
               "Convolution conv 1 1 mid out 0=3 1=3 4=1 5=1 6=81\n"
               "Split sp 1 1 data mid\n",
               bin, ENLARGE_ERROR_UNKNOWN_BLOB, "test.param:4:", "“mid”");
}

static void
test_missing_layers (void)
{
  g_autoptr (GByteArray) bin = tiny_bin (FALSE, TRUE);

  expect_fail ("7767517\n3 3\n"
               "Input in 0 1 data\n"
               "Convolution conv 1 1 data out 0=3 1=3 4=1 5=1 6=81\n",
               bin, ENLARGE_ERROR_TRUNCATED, "test.param", "2 of 3 layers");
  expect_fail ("7767517\n2 2\n"
               "Input in 0 1 data\n",
               bin, ENLARGE_ERROR_TRUNCATED, "test.param", "1 of 2 layers");
  expect_fail ("7767517\n2 2\n",
               bin, ENLARGE_ERROR_TRUNCATED, "test.param", "0 of 2 layers");
}

static void
test_bad_tokens (void)
{
  g_autoptr (GByteArray) bin = tiny_bin (FALSE, TRUE);
  const struct {
    const char *tok;
    const char *want;
  } bad[] = {
    { "foo", "“foo”" },        /* no '=' */
    { "x=3", "“x”" },          /* bad key */
    { "=3", "key" },           /* empty key */
    { "0=abc", "“0=abc”" },    /* bad value */
    { "0=", "“0=”" },          /* empty value */
    { "1=3.5x", "“1=3.5x”" },  /* trailing junk after a float */
    { "32=1", "32" },          /* id out of range */
    { "-1=1", "-1" },
    { "-23310=3,0.2", "“-23310=3,0.2”" },       /* array count too big */
    { "-23310=1,0.2,0.3", "“-23310=1,0.2,0.3”" }, /* array count too small */
    { "-23310=", "“-23310=”" },
    { "-23310=x,1", "“-23310=x,1”" },
    { "-23310=2,1,zz", "“zz”" },                /* bad array value */
    { "-23310=5000", "“-23310=5000”" },        /* over the array limit */
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *param = g_strdup_printf ("7767517\n2 2\n"
                                                "Input in 0 1 data\n"
                                                "Convolution conv 1 1 data out 0=3 1=3 4=1 5=1 6=81 %s\n",
                                                bad[i].tok);
      expect_fail (param, bin, ENLARGE_ERROR_PARAM_SYNTAX, "test.param:4:", bad[i].want);
    }
}

/* Parameters that parse but are out of range name the layer. */
static void
test_bad_values (void)
{
  g_autoptr (GByteArray) bin = tiny_bin (FALSE, TRUE);
  const struct {
    const char *params;
    int code;
    const char *want;
  } bad[] = {
    { "0=0 1=3 6=81", ENLARGE_ERROR_PARAM_SYNTAX, "output channel count 0" },
    { "0=-3 1=3 6=81", ENLARGE_ERROR_PARAM_SYNTAX, "output channel count -3" },
    { "0=3 1=0 6=81", ENLARGE_ERROR_PARAM_SYNTAX, "kernel size" },
    { "0=3 1=3 11=99 6=81", ENLARGE_ERROR_PARAM_SYNTAX, "kernel size" },
    { "0=3 1=3 3=0 6=81", ENLARGE_ERROR_PARAM_SYNTAX, "stride" },
    { "0=3 1=3 2=-1 6=81", ENLARGE_ERROR_PARAM_SYNTAX, "dilation" },
    { "0=3 1=3 4=-5 6=81", ENLARGE_ERROR_PARAM_SYNTAX, "padding -5" },
    { "0=3 1=3 6=81 9=7", ENLARGE_ERROR_UNSUPPORTED, "activation type 7" },
    { "0=3 1=3 6=81 9=-1", ENLARGE_ERROR_UNSUPPORTED, "activation type -1" },
    { "0=3 1=3 6=81 9=3 -23310=1,0.5", ENLARGE_ERROR_PARAM_SYNTAX, "clip" },
    { "0=3 1=3 6=81 8=1", ENLARGE_ERROR_UNSUPPORTED, "int8" },
    { "0=3 1=3 6=-81", ENLARGE_ERROR_WEIGHT_MISMATCH, "-81" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *param = g_strdup_printf ("7767517\n2 2\n"
                                                "Input in 0 1 data\n"
                                                "Convolution conv 1 1 data out %s\n",
                                                bad[i].params);
      expect_fail (param, bin, bad[i].code, "test.param:4:", "layer conv (Convolution)", bad[i].want);
    }
}

static void
test_unsupported_tag (void)
{
  g_autoptr (GByteArray) bin = tiny_bin (FALSE, TRUE);
  const guint32 tags[] = { 0x12345678, 0x000D4B38 /* ncnn's int8 tag */, 0x01306B46, 1 };

  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    {
      g_autofree char *hex = g_strdup_printf ("0x%08x", tags[i]);
      g_autoptr (GByteArray) b = g_byte_array_new ();
      put_u32 (b, tags[i]);
      g_byte_array_append (b, bin->data + 4, bin->len - 4);
      expect_fail (TINY_PARAM, b, ENLARGE_ERROR_UNSUPPORTED, "test.bin", "conv", "offset 0", hex);
    }

  /* a bad tag on the second convolution reports its offset */
  {
    const char *param = "7767517\n3 3\n"
                        "Input in 0 1 data\n"
                        "Convolution conv 1 1 data c 0=3 1=3 4=1 5=1 6=81\n"
                        "Convolution conv2 1 1 c out 0=3 1=3 4=1 5=1 6=81\n";
    g_autoptr (GByteArray) b = tiny_bin (FALSE, TRUE);
    g_autoptr (GByteArray) second = tiny_bin (FALSE, TRUE);
    second->data[0] = 0x42;
    g_byte_array_append (b, second->data, second->len);
    expect_fail (param, b, ENLARGE_ERROR_UNSUPPORTED, "conv2", "offset 340", "0x00000042");
  }
}

static void
test_channel_mismatch (void)
{
  /* the first convolution's weights say 4 input channels (3×4×3×3) */
  {
    g_autoptr (GByteArray) b = g_byte_array_new ();
    put_u32 (b, 0);
    for (int i = 0; i < 108; i++)
      put_f32 (b, 0.f);
    expect_fail ("7767517\n2 2\n"
                 "Input in 0 1 data\n"
                 "Convolution conv 1 1 data out 0=3 1=3 4=1 6=108\n",
                 b, ENLARGE_ERROR_UNSUPPORTED, "test.param", "4 channels", "RGB");
  }

  /* the second convolution expects 4 channels, the first gives 3 */
  {
    g_autoptr (GByteArray) b = tiny_bin (FALSE, TRUE);
    put_u32 (b, 0);
    for (int i = 0; i < 108; i++)
      put_f32 (b, 0.f);
    expect_fail ("7767517\n3 3\n"
                 "Input in 0 1 data\n"
                 "Convolution conv 1 1 data c 0=3 1=3 4=1 5=1 6=81\n"
                 "Convolution conv2 1 1 c out 0=3 1=3 4=1 6=108\n",
                 b, ENLARGE_ERROR_SHAPE, "test.param", "conv2", "3 channels", "expect 4");
  }

  /* not 3 output channels: not an image-to-image network */
  {
    g_autoptr (GByteArray) b = g_byte_array_new ();
    put_u32 (b, 0);
    for (int i = 0; i < 4 * 27; i++)
      put_f32 (b, 0.f);
    expect_fail ("7767517\n2 2\n"
                 "Input in 0 1 data\n"
                 "Convolution conv 1 1 data out 0=4 1=3 4=1 6=108\n",
                 b, ENLARGE_ERROR_UNSUPPORTED, "test.param", "image-to-image");
  }
}

/* Channel counts that overflow int must be a shape error, not wrap round:
 * 1024 × 65536 channels, then 64 × 2^26 + 3 = 2^32 + 3, which wraps to a
 * plausible 3-channel output, and the executor's concat would then copy
 * 2^32 + 3 channels into a 3-channel buffer. */
static void
test_channel_overflow (void)
{
  g_autoptr (GString) param = g_string_new ("7767517\n4 4\n"
                                            "Input in 0 1 data\n"
                                            "Convolution conv 1 1 data A 0=65536 1=1 6=196608\n"
                                            "Concat cat1 1024 1");
  g_autoptr (GByteArray) bin = g_byte_array_sized_new (4 + 196608 * 4);

  for (int i = 0; i < 1024; i++)
    g_string_append (param, " A");
  g_string_append (param, " B\nConcat cat2 65 1");
  for (int i = 0; i < 64; i++)
    g_string_append (param, " B");
  g_string_append (param, " data out\n");
  g_byte_array_set_size (bin, 4 + 196608 * 4);
  memset (bin->data, 0, bin->len);

  expect_fail (param->str, bin, ENLARGE_ERROR_SHAPE, "test.param", "layer cat");
}

static void
test_graph_errors (void)
{
  g_autoptr (GByteArray) bin = tiny_bin (FALSE, TRUE);

  expect_fail ("7767517\n1 1\n"
               "Split sp 0 1 x\n",
               bin, ENLARGE_ERROR_PARAM_SYNTAX, "test.param:3:", "sp", "0 inputs");
  expect_fail ("7767517\n3 3\n"
               "Input in 0 1 data\n"
               "Input in2 0 1 data2\n"
               "Convolution conv 1 1 data out 0=3 1=3 4=1 5=1 6=81\n",
               bin, ENLARGE_ERROR_UNSUPPORTED, "test.param:4:", "Input");
  expect_fail ("7767517\n3 4\n"
               "Input in 0 1 data\n"
               "Split sp 1 2 data a b\n"
               "Convolution conv 1 1 a out 0=3 1=3 4=1 5=1 6=81\n",
               bin, ENLARGE_ERROR_UNSUPPORTED, "more than one output");
}

static void
test_nul_bytes (void)
{
  g_autoptr (GByteArray) bin = tiny_bin (FALSE, TRUE);
  g_autofree char *param = g_strdup (TINY_PARAM);
  gsize len = strlen (param);

  param[20] = '\0';
  expect_fail_exact (param, len, bin->data, bin->len,
                     ENLARGE_ERROR_PARAM_SYNTAX, "test.param", "NUL", NULL);
  /* a trailing NUL inside the given length counts too */
  expect_fail_exact (TINY_PARAM, strlen (TINY_PARAM) + 1, bin->data, bin->len,
                     ENLARGE_ERROR_PARAM_SYNTAX, "NUL", NULL);
}

/* The length is honoured: text after param_len is never read. */
static void
test_param_length (void)
{
  g_autoptr (GByteArray) bin = tiny_bin (FALSE, TRUE);
  g_autofree char *param = g_strconcat (TINY_PARAM, "garbage that must not be parsed", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeNet) net = load_exact (param, strlen (TINY_PARAM), bin->data, bin->len, &error);

  g_assert_no_error (error);
  check_tiny_net (net);
}

/* ---------- the real model ---------- */

typedef struct {
  char *param;
  gsize param_len;
  guint8 *bin;
  gsize bin_len;
} RealModel;

static RealModel real;

static gboolean
real_model_available (void)
{
  g_autofree char *param_path = NULL;
  g_autofree char *bin_path = NULL;
  g_autoptr (GError) error = NULL;

  if (real.param != NULL)
    return TRUE;
  param_path = enlarge_model_find_file ("realesrgan-x4fast.param");
  bin_path = enlarge_model_find_file ("realesrgan-x4fast.bin");
  if (param_path == NULL || bin_path == NULL)
    {
      g_test_skip ("realesrgan-x4fast is not installed "
                   "(python3 models/install-models.py installs it)");
      return FALSE;
    }
  /* g_file_get_contents NUL-terminates; keep exact-size copies instead */
  {
    g_autofree char *p = NULL;
    g_autofree char *b = NULL;
    g_assert_true (g_file_get_contents (param_path, &p, &real.param_len, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (bin_path, &b, &real.bin_len, &error));
    g_assert_no_error (error);
    real.param = g_memdup2 (p, real.param_len);
    real.bin = g_memdup2 (b, real.bin_len);
  }
  return TRUE;
}

static void
test_real_model (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeNet) net = NULL;
  double flops, expected = 2.418e12;

  if (!real_model_available ())
    return;
  net = enlarge_net_load_from_data (real.param, real.param_len, real.bin, real.bin_len,
                                    "realesrgan-x4fast.param", &error);
  g_assert_no_error (error);
  g_assert_nonnull (net);
  g_assert_cmpint (net->n_layers, ==, 72);
  g_assert_cmpint (net->n_blobs, ==, 73);
  g_assert_cmpint (net->scale, ==, 4);
  g_assert_cmpint (net->in_channels, ==, 3);
  g_assert_cmpint (net->out_channels, ==, 3);
  g_assert_cmpstr (net->blob_names[net->output_blob], ==, "output");
  g_assert_cmpint (net->receptive_radius, >, 0);

  flops = enlarge_net_flops (net, 1000, 1000);
  g_test_message ("realesrgan-x4fast: %.4g FLOPs at 1000x1000", flops);
  g_assert_cmpfloat (fabs (flops - expected), <, 0.01 * expected);

  /* the file loader gives the same network */
  {
    g_autofree char *param_path = enlarge_model_find_file ("realesrgan-x4fast.param");
    g_autofree char *bin_path = enlarge_model_find_file ("realesrgan-x4fast.bin");
    g_autoptr (EnlargeNet) net2 = enlarge_net_load (param_path, bin_path, &error);
    g_assert_no_error (error);
    g_assert_cmpint (net2->n_layers, ==, net->n_layers);
    g_assert_cmpfloat (enlarge_net_flops (net2, 1000, 1000), ==, flops);
  }
}

/* ---------- fuzzing ---------- */

typedef struct {
  guint n_ok;
  guint n_err[ENLARGE_ERROR_IMAGE_SAVE + 1];
} FuzzStats;

/* One load: either a net or an ENLARGE_ERROR, never both, never neither. */
static void
fuzz_one (const char *param, gsize param_len, const guint8 *bin, gsize bin_len,
          FuzzStats *stats, const char *what, guint iter)
{
  /* exact-size copies, so an over-read is caught by AddressSanitizer */
  g_autofree char *p = g_malloc (MAX (param_len, 1));
  g_autoptr (GError) error = NULL;
  EnlargeNet *net;

  memcpy (p, param, param_len);
  net = enlarge_net_load_from_data (p, param_len, bin, bin_len, "fuzz.param", &error);
  if (net != NULL)
    {
      if (error != NULL)
        g_error ("%s %u: a net and an error (%s)", what, iter, error->message);
      g_assert_cmpint (net->n_layers, >, 0);
      g_assert_cmpint (net->scale, >, 0);
      g_assert_cmpint (net->in_channels, ==, 3);
      enlarge_net_unref (net);
      stats->n_ok++;
      return;
    }
  if (error == NULL)
    g_error ("%s %u: NULL without an error", what, iter);
  if (error->domain != ENLARGE_ERROR)
    g_error ("%s %u: error outside ENLARGE_ERROR: %s", what, iter, error->message);
  g_assert_cmpint (error->code, >=, 0);
  g_assert_cmpint (error->code, <=, ENLARGE_ERROR_IMAGE_SAVE);
  g_assert_nonnull (error->message);
  g_assert_cmpuint (strlen (error->message), >, 0);
  stats->n_err[error->code]++;
}

static void
fuzz_report (const char *what, const FuzzStats *s)
{
  GString *str = g_string_new (NULL);
  g_string_append_printf (str, "%s: %u loaded;", what, s->n_ok);
  for (guint c = 0; c < G_N_ELEMENTS (s->n_err); c++)
    if (s->n_err[c])
      g_string_append_printf (str, " code %u: %u", c, s->n_err[c]);
  g_test_message ("%s", str->str);
  g_string_free (str, TRUE);
}

/* Picks a random whitespace-delimited token: [*start, *end). FALSE when
 * the text has none. */
static gboolean
random_token (GRand *rand, const GString *s, gsize *start, gsize *end)
{
  for (int tries = 0; tries < 16 && s->len > 0; tries++)
    {
      gsize i = g_rand_int_range (rand, 0, s->len);
      if (g_ascii_isspace (s->str[i]))
        continue;
      *start = i;
      while (*start > 0 && !g_ascii_isspace (s->str[*start - 1]))
        (*start)--;
      *end = i;
      while (*end < s->len && !g_ascii_isspace (s->str[*end]))
        (*end)++;
      return TRUE;
    }
  return FALSE;
}

static const char *const evil_numbers[] = {
  "0", "-1", "1", "2", "3", "4", "64", "65536", "65537", "-233", "-234",
  "2147483647", "-2147483648", "2147483648", "99999999999999999999",
  "100000", "400000", "1024", "1025", "4096", "4097",
  "1e38", "1e39", "-1e38", "nan", "inf", "-inf", "1e-45", "-0", "0.5",
  "3.4e38", "-2147483649", "", "=", ",", "-23310", "7767517",
};

static void
mutate_param (GRand *rand, GString *s)
{
  gsize a, b;

  switch (g_rand_int_range (rand, 0, 8))
    {
    case 0: /* flip bits of a byte */
      if (s->len)
        s->str[g_rand_int_range (rand, 0, s->len)] ^= (char) g_rand_int_range (rand, 1, 256);
      break;
    case 1: /* overwrite a byte with something structurally interesting */
      if (s->len)
        {
          static const char chars[] = " \n\r\t=,-.0123456789e";
          s->str[g_rand_int_range (rand, 0, s->len)] =
            chars[g_rand_int_range (rand, 0, sizeof chars - 1)];
        }
      break;
    case 2: /* delete a token */
      if (random_token (rand, s, &a, &b))
        g_string_erase (s, a, b - a);
      break;
    case 3: /* duplicate a token */
      if (random_token (rand, s, &a, &b))
        {
          g_autofree char *tok = g_strndup (s->str + a, b - a);
          g_string_insert (s, b, " ");
          g_string_insert (s, b + 1, tok);
        }
      break;
    case 4: /* replace a number (or the value of key=value) */
    case 5:
      if (random_token (rand, s, &a, &b))
        {
          const char *eq = memchr (s->str + a, '=', b - a);
          const char *n = evil_numbers[g_rand_int_range (rand, 0, G_N_ELEMENTS (evil_numbers))];
          if (eq != NULL && g_rand_boolean (rand))
            a = eq + 1 - s->str;
          g_string_erase (s, a, b - a);
          g_string_insert (s, a, n);
        }
      break;
    case 6: /* truncate */
      if (s->len)
        g_string_truncate (s, g_rand_int_range (rand, 0, s->len));
      break;
    case 7: /* duplicate or delete a whole line */
      {
        gsize start = s->len ? g_rand_int_range (rand, 0, s->len) : 0;
        while (start > 0 && s->str[start - 1] != '\n')
          start--;
        const char *nl = memchr (s->str + start, '\n', s->len - start);
        gsize end = nl ? (gsize) (nl - s->str) + 1 : s->len;
        if (g_rand_boolean (rand))
          g_string_erase (s, start, end - start);
        else
          {
            g_autofree char *line = g_strndup (s->str + start, end - start);
            g_string_insert (s, start, line);
          }
      }
      break;
    }
}

static void
test_fuzz_param (void)
{
  GRand *rand;
  FuzzStats stats = { 0 };
  const guint n = 3000 / FUZZ_DIVISOR;

  if (!real_model_available ())
    return;
  rand = g_rand_new_with_seed (FUZZ_SEED);
  for (guint iter = 0; iter < n; iter++)
    {
      GString *s = g_string_new_len (real.param, real.param_len);
      int n_mut = g_rand_int_range (rand, 1, 4);
      for (int m = 0; m < n_mut; m++)
        mutate_param (rand, s);
      fuzz_one (s->str, s->len, real.bin, real.bin_len, &stats, "param mutation", iter);
      g_string_free (s, TRUE);
    }
  g_rand_free (rand);
  fuzz_report ("param mutations", &stats);
  g_assert_cmpuint (stats.n_ok, <, n);
}

/* The offsets of the real model's weight tags, from its layers. */
static GArray *
real_tag_offsets (void)
{
  g_autoptr (EnlargeNet) net = enlarge_net_load_from_data (real.param, real.param_len,
                                                           real.bin, real.bin_len,
                                                           NULL, NULL);
  GArray *tags = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize off = 0;

  g_assert_nonnull (net);
  for (int i = 0; i < net->n_layers; i++)
    {
      const EnlargeLayer *l = &net->layers[i];
      if (l->type == ENLARGE_OP_CONVOLUTION)
        {
          guint32 tag;
          g_assert_cmpuint (off + 4, <=, real.bin_len);
          memcpy (&tag, real.bin + off, 4);
          tag = GUINT32_FROM_LE (tag);
          g_array_append_val (tags, off);
          off += 4;
          if (tag == FP16_TAG)
            off += ((gsize) l->p.conv.weight_data_size * 2 + 3) & ~(gsize) 3;
          else
            off += (gsize) l->p.conv.weight_data_size * 4;
          if (l->p.conv.bias_term)
            off += (gsize) l->p.conv.num_output * 4;
        }
      else if (l->type == ENLARGE_OP_PRELU)
        off += (gsize) l->p.prelu.num_slope * 4;
      /* a PReLU folded into the convolution before it (its slopes come
       * right after that convolution's bias in the file) */
      if (l->type == ENLARGE_OP_CONVOLUTION && l->p.conv.activation == ENLARGE_ACT_PRELU)
        off += (gsize) l->p.conv.num_slope * 4;
    }
  g_assert_cmpuint (off, ==, real.bin_len);
  return tags;
}

static void
test_fuzz_bin (void)
{
  GRand *rand;
  FuzzStats stats = { 0 };
  g_autoptr (GArray) tags = NULL;
  const guint n = 1500 / FUZZ_DIVISOR;

  if (!real_model_available ())
    return;
  tags = real_tag_offsets ();
  g_assert_cmpuint (tags->len, >, 1);
  rand = g_rand_new_with_seed (FUZZ_SEED + 1);
  for (guint iter = 0; iter < n; iter++)
    {
      gsize len = real.bin_len;
      guint8 *bin;
      int kind = g_rand_int_range (rand, 0, 5);

      if (kind == 0) /* truncate anywhere */
        len = g_rand_int_range (rand, 0, real.bin_len);
      else if (kind == 1) /* truncate near a weight block's start */
        {
          gsize t = g_array_index (tags, gsize, g_rand_int_range (rand, 0, tags->len));
          len = MIN (t + g_rand_int_range (rand, 0, 8), real.bin_len - 1);
        }
      bin = g_malloc (MAX (len, 1));
      memcpy (bin, real.bin, len);

      if (kind == 2) /* flip bytes among the first ones */
        {
          int flips = g_rand_int_range (rand, 1, 4);
          for (int f = 0; f < flips; f++)
            bin[g_rand_int_range (rand, 0, MIN (len, 64))] ^= g_rand_int_range (rand, 1, 256);
        }
      else if (kind == 3) /* corrupt a tag */
        {
          gsize t = g_array_index (tags, gsize, g_rand_int_range (rand, 0, tags->len));
          switch (g_rand_int_range (rand, 0, 3))
            {
            case 0:
              bin[t + g_rand_int_range (rand, 0, 4)] ^= g_rand_int_range (rand, 1, 256);
              break;
            case 1: /* fp16 read as fp32: every later offset shifts */
              memset (bin + t, 0, 4);
              break;
            case 2:
              {
                guint32 v = GUINT32_TO_LE (g_rand_int (rand));
                memcpy (bin + t, &v, 4);
              }
              break;
            }
        }
      else if (kind == 4) /* random flips anywhere: weights change, still loads */
        {
          int flips = g_rand_int_range (rand, 1, 8);
          for (int f = 0; f < flips; f++)
            bin[g_rand_int_range (rand, 0, len)] ^= g_rand_int_range (rand, 1, 256);
        }

      fuzz_one (real.param, real.param_len, bin, len, &stats, "bin mutation", iter);
      g_free (bin);
    }
  g_rand_free (rand);
  fuzz_report ("bin mutations", &stats);
  g_assert_cmpuint (stats.n_ok, >, 0);
  g_assert_cmpuint (stats.n_err[ENLARGE_ERROR_TRUNCATED], >, 0);
  g_assert_cmpuint (stats.n_err[ENLARGE_ERROR_UNSUPPORTED], >, 0);
}

/* Small hand-made nets with random parameter values: every layer type,
 * values near the limits. */
static void
test_fuzz_small (void)
{
  static const char *const templates[] = {
    "Convolution conv 1 1 data out 0=%s 1=%s 4=%s 5=1 6=%s\n",
    "Convolution conv 1 1 data out 0=3 1=3 2=%s 3=%s 4=%s 5=%s 6=81 9=%s\n",
    "Convolution conv 1 1 data out 0=3 1=3 11=%s 14=%s 15=%s 16=%s 6=81\n",
    "PixelShuffle ps 1 1 data out 0=%s 1=%s\n",
    "Interp up 1 1 data out 0=%s 1=%s 2=%s 3=%s 4=%s\n",
    "BinaryOp bin 1 1 data out 0=%s 1=%s 2=%s\n",
    "Eltwise elt 2 1 data data out 0=%s -23301=2,%s,%s\n",
    "PReLU pr 1 1 data out 0=%s\n",
    "Concat cat 1 1 data out 0=%s\n",
    "Split sp 1 %s data out\n",
  };
  g_autoptr (GByteArray) bin = tiny_bin (FALSE, TRUE);
  GRand *rand = g_rand_new_with_seed (FUZZ_SEED + 2);
  FuzzStats stats = { 0 };

  for (guint iter = 0; iter < 1500; iter++)
    {
      const char *v[5];
      for (int k = 0; k < 5; k++)
        v[k] = g_rand_boolean (rand)
                 ? evil_numbers[g_rand_int_range (rand, 0, G_N_ELEMENTS (evil_numbers))]
                 : (const char *[]) { "1", "3", "81", "2", "0" }[g_rand_int_range (rand, 0, 5)];
      const char *tmpl = templates[g_rand_int_range (rand, 0, G_N_ELEMENTS (templates))];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      g_autofree char *line = g_strdup_printf (tmpl, v[0], v[1], v[2], v[3], v[4]);
#pragma GCC diagnostic pop
      g_autofree char *param = g_strconcat ("7767517\n2 2\nInput in 0 1 data\n", line, NULL);
      /* the full weights, none (for layers without any) or truncated */
      int bin_kind = g_rand_int_range (rand, 0, 3);
      gsize bin_len = bin_kind == 0 ? bin->len
                      : bin_kind == 1 ? 0
                      : (gsize) g_rand_int_range (rand, 0, bin->len + 1);
      g_autofree guint8 *b = g_memdup2 (bin->data, MAX (bin_len, 1));
      fuzz_one (param, strlen (param), b, bin_len, &stats, "small net", iter);
    }
  g_rand_free (rand);
  fuzz_report ("small nets", &stats);
  g_assert_cmpuint (stats.n_ok, >, 0);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/loader/valid/tiny-fp32", test_tiny_fp32);
  g_test_add_func ("/loader/valid/tiny-fp16", test_tiny_fp16);
  g_test_add_func ("/loader/valid/whitespace", test_tiny_whitespace);
  g_test_add_func ("/loader/valid/param-length", test_param_length);
  g_test_add_func ("/loader/valid/realesrgan-x4fast", test_real_model);

  g_test_add_func ("/loader/malformed/bad-magic", test_bad_magic);
  g_test_add_func ("/loader/malformed/empty", test_empty);
  g_test_add_func ("/loader/malformed/count-line", test_bad_count_line);
  g_test_add_func ("/loader/malformed/layer-line", test_bad_layer_line);
  g_test_add_func ("/loader/malformed/unknown-layer", test_unknown_layer);
  g_test_add_func ("/loader/malformed/weight-mismatch", test_weight_mismatch);
  g_test_add_func ("/loader/malformed/extra-bytes", test_extra_bytes);
  g_test_add_func ("/loader/malformed/truncated-bin", test_truncated_bin);
  g_test_add_func ("/loader/malformed/unknown-blob", test_unknown_blob);
  g_test_add_func ("/loader/malformed/missing-layers", test_missing_layers);
  g_test_add_func ("/loader/malformed/bad-tokens", test_bad_tokens);
  g_test_add_func ("/loader/malformed/bad-values", test_bad_values);
  g_test_add_func ("/loader/malformed/unsupported-tag", test_unsupported_tag);
  g_test_add_func ("/loader/malformed/channel-mismatch", test_channel_mismatch);
  g_test_add_func ("/loader/malformed/graph", test_graph_errors);
  g_test_add_func ("/loader/malformed/channel-overflow", test_channel_overflow);
  g_test_add_func ("/loader/malformed/nul-bytes", test_nul_bytes);

  g_test_add_func ("/loader/fuzz/param", test_fuzz_param);
  g_test_add_func ("/loader/fuzz/bin", test_fuzz_bin);
  g_test_add_func ("/loader/fuzz/small-nets", test_fuzz_small);

  ret = g_test_run ();
  g_free (real.param);
  g_free (real.bin);
  return ret;
}
