/* The transformer layer types (ops/enlarge-op-attention.h): each op's
 * reference against values known from PyTorch's definitions (GELU's,
 * LayerNorm's, reflect padding's), and every OpenCL dispatch against the
 * reference on awkward shapes: blobs that are not a multiple of the
 * window, windows 2 to 8, shift on and off, several heads, head
 * dimensions 1 to 64. */

#include <math.h>
#include <string.h>

#include "enlarge.h"
#include "enlarge-op.h"
#include "enlarge-op-attention.h"
#include "enlarge-test-utils.h"

static EnlargeBackend *ref_backend;
static EnlargeBackend *cl_backend;
static int indices[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
static GRand *rand_;

/* A layer of @op over @n_in inputs with @data as its parameters (not
 * owned: the caller frees them) */
static EnlargeLayer
layer (const EnlargeOp *op, int n_in, gpointer data)
{
  EnlargeLayer l = { 0 };
  l.op = op;
  l.type = op->type;
  l.type_name = l.name = (char *) op->name;
  l.n_inputs = n_in;
  l.n_outputs = 1;
  l.inputs = indices;
  l.outputs = indices + 4;
  l.data = data;
  return l;
}

/* The reference output of @l on @in; OpenCL's compared with it within
 * 1e-5 of its range (when there is an OpenCL device) */
static EnlargeTensor *
run_case (const char *label, const EnlargeLayer *l, EnlargeTensor **in)
{
  EnlargeShape is[2], os;
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeTensor) cl = NULL;
  EnlargeTensor *ref;
  double err = 0, lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE, tol;

  for (int k = 0; k < l->n_inputs; k++)
    is[k] = (EnlargeShape) { in[k]->c, in[k]->h, in[k]->w };
  if (!enlarge_layer_infer_shape (l, is, &os, &error))
    g_error ("%s: %s", label, error->message);
  ref = enlarge_tensor_new (os.c, os.h, os.w, NULL);
  for (gsize i = 0; i < enlarge_tensor_size (ref); i++)
    ref->data[i] = NAN;
  g_assert_true (enlarge_backend_run_layer (ref_backend, l, in, &ref, &error));
  for (gsize i = 0; i < enlarge_tensor_size (ref); i++)
    g_assert_true (isfinite (ref->data[i]));
  if (cl_backend == NULL)
    return ref;
  cl = enlarge_tensor_new (os.c, os.h, os.w, NULL);
  for (gsize i = 0; i < enlarge_tensor_size (cl); i++)
    cl->data[i] = NAN;
  if (!enlarge_backend_run_layer (cl_backend, l, in, &cl, &error))
    g_error ("%s: OpenCL: %s", label, error->message);
  for (gsize i = 0; i < enlarge_tensor_size (ref); i++)
    {
      lo = MIN (lo, ref->data[i]);
      hi = MAX (hi, ref->data[i]);
      err = isfinite (cl->data[i]) ? MAX (err, fabs ((double) cl->data[i] - ref->data[i]))
                                   : INFINITY;
    }
  tol = 1e-5 * MAX (1.0, hi - lo);
  g_test_message ("%-48s %dx%dx%d  OpenCL max err %.3g (tol %.3g)", label, os.c, os.h, os.w,
                  err, tol);
  if (!(err <= tol))
    g_test_fail_printf ("%s: OpenCL differs from the reference by %g (tolerance %g)", label,
                        err, tol);
  return ref;
}

static void
test_gelu (void)
{
  /* torch.nn.GELU () (exact) of these */
  static const float x[6] = { -3.f, -1.f, -0.5f, 0.f, 1.f, 2.f };
  static const double want[6] = { -0.0040496598, -0.1586552539, -0.1542687694, 0.0,
                                  0.8413447461, 1.9544997361 };
  g_autoptr (EnlargeTensor) in = enlarge_tensor_new (1, 2, 3, NULL);
  g_autoptr (EnlargeTensor) big = etu_random_tensor (rand_, 5, 13, 17, -6.f, 6.f);
  EnlargeLayer l = layer (&enlarge_op_gelu, 1, NULL);
  g_autoptr (EnlargeTensor) out = NULL;
  g_autoptr (EnlargeTensor) out2 = NULL;

  memcpy (in->data, x, sizeof x);
  out = run_case ("GELU of known values", &l, &in);
  for (int i = 0; i < 6; i++)
    g_assert_cmpfloat_with_epsilon (out->data[i], want[i], 1e-6);
  out2 = run_case ("GELU 5x13x17", &l, &big);
}

static void
test_layernorm (void)
{
  static const int channels[] = { 1, 3, 12, 60, 180 };

  for (guint k = 0; k < G_N_ELEMENTS (channels); k++)
    {
      const int c = channels[k];
      g_autoptr (EnlargeTensor) in = etu_random_tensor (rand_, c, 7, 11, -4.f, 9.f);
      g_autofree float *gamma = etu_random_floats (rand_, c, 0.5f, 2.f);
      g_autofree float *beta = etu_random_floats (rand_, c, -1.f, 1.f);
      EnlargeLayerNormParams p = { c, 1e-5f, gamma, beta };
      EnlargeLayer l = layer (&enlarge_op_layernorm, 1, &p);
      g_autofree char *label = g_strdup_printf ("LayerNorm over %d channels", c);
      g_autoptr (EnlargeTensor) out = run_case (label, &l, &in);

      /* nn.LayerNorm: (x − mean) / √(biased var + eps) · γ + β, in double */
      for (int i = 0; i < 7 * 11; i++)
        {
          double mean = 0, var = 0;
          for (int ch = 0; ch < c; ch++)
            mean += in->data[ch * 77 + i];
          mean /= c;
          for (int ch = 0; ch < c; ch++)
            var += (in->data[ch * 77 + i] - mean) * (in->data[ch * 77 + i] - mean);
          var /= c;
          for (int ch = 0; ch < c; ch++)
            g_assert_cmpfloat_with_epsilon (out->data[ch * 77 + i],
                                            (in->data[ch * 77 + i] - mean) / sqrt (var + 1e-5) *
                                              gamma[ch] + beta[ch], 1e-4);
        }
    }
}

static void
test_pad_crop (void)
{
  /* a 3 × 2 plane padded to 4 × 4: rows 0 1 2 1 (PyTorch's reflect),
   * columns 0 1 0 1 (a second fold: wider than PyTorch allows) */
  static const float plane[6] = { 1, 2, 3, 4, 5, 6 };
  static const float want[16] = { 1, 2, 1, 2, 3, 4, 3, 4, 5, 6, 5, 6, 3, 4, 3, 4 };
  g_autoptr (EnlargeTensor) in = enlarge_tensor_new (1, 3, 2, NULL);
  g_autoptr (EnlargeTensor) out = NULL;
  EnlargePadParams p4 = { 4 };
  EnlargeLayer l = layer (&enlarge_op_pad_multiple, 1, &p4);

  memcpy (in->data, plane, sizeof plane);
  out = run_case ("PadToMultiple 3x2 to 4", &l, &in);
  g_assert_cmpint (out->h, ==, 4);
  g_assert_cmpint (out->w, ==, 4);
  for (int i = 0; i < 16; i++)
    g_assert_cmpfloat (out->data[i], ==, want[i]);

  for (int m = 1; m <= 8; m++)
    {
      g_autoptr (EnlargeTensor) a = etu_random_tensor (rand_, 3, 13, 10, -1.f, 1.f);
      g_autoptr (EnlargeTensor) padded = NULL;
      g_autoptr (EnlargeTensor) back = NULL;
      g_autoptr (EnlargeTensor) small = enlarge_tensor_new (1, 13, 10, NULL);
      EnlargePadParams pm = { m };
      EnlargeCropLikeParams c1 = { 1 };
      EnlargeLayer pl = layer (&enlarge_op_pad_multiple, 1, &pm);
      EnlargeLayer cl = layer (&enlarge_op_crop_like, 2, &c1);
      g_autofree char *label = g_strdup_printf ("PadToMultiple 13x10 to %d, CropLike back", m);
      EnlargeTensor *pair[2];

      padded = run_case (label, &pl, &a);
      g_assert_cmpint (padded->h % m, ==, 0);
      g_assert_cmpint (padded->w % m, ==, 0);
      pair[0] = padded;
      pair[1] = small;
      back = run_case (label, &cl, pair);
      g_assert_cmpmem (back->data, sizeof (float) * enlarge_tensor_size (a), a->data,
                       sizeof (float) * enlarge_tensor_size (a));
    }
}

static void
test_attention (void)
{
  static const struct {
    int heads, d, window, h, w;
  } shapes[] = {
    { 2, 6, 4, 16, 12 }, { 3, 4, 4, 13, 10 }, { 1, 1, 2, 5, 7 }, { 6, 10, 8, 24, 16 },
    { 2, 8, 8, 19, 21 }, { 3, 5, 7, 14, 15 }, { 1, 64, 4, 9, 8 }, { 4, 3, 3, 7, 11 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    for (int shifted = 0; shifted < 2; shifted++)
      {
        const int ws = shapes[i].window, tw = 2 * ws - 1, heads = shapes[i].heads;
        const int C = heads * shapes[i].d;
        g_autoptr (EnlargeTensor) qkv = etu_random_tensor (rand_, 3 * C, shapes[i].h, shapes[i].w, -2.f, 2.f);
        g_autofree float *table = etu_random_floats (rand_, tw * tw * heads, -2.f, 2.f);
        EnlargeAttentionParams p = { heads, ws, shifted ? ws / 2 : 0,
                                     (float) pow (shapes[i].d, -0.5), table };
        EnlargeLayer l = layer (&enlarge_op_window_attention, 1, &p);
        g_autofree char *label = g_strdup_printf ("WindowAttention %d heads of %d, window %d%s",
                                                  heads, shapes[i].d, ws,
                                                  shifted ? ", shifted" : "");
        g_autoptr (EnlargeTensor) out = run_case (label, &l, &qkv);

        g_assert_cmpint (out->c, ==, C);
        /* a convex combination of the values: within their range */
        for (int c = 0; c < C; c++)
          {
            const float *v = enlarge_tensor_channel (qkv, 2 * C + c);
            const float *o = enlarge_tensor_channel (out, c);
            float lo = G_MAXFLOAT, hi = -G_MAXFLOAT;
            for (int j = 0; j < shapes[i].h * shapes[i].w; j++)
              {
                lo = MIN (lo, v[j]);
                hi = MAX (hi, v[j]);
              }
            for (int j = 0; j < shapes[i].h * shapes[i].w; j++)
              g_assert_true (o[j] >= lo - 1e-5f && o[j] <= hi + 1e-5f);
          }
      }
}

/* One window of one head, by hand: two pixels, so the softmax of two
 * logits (with the bias of their offsets) weighs the two values */
static void
test_attention_by_hand (void)
{
  /* 1 head of dimension 1, window 2, a 1 × 2 blob: q, k, v channels */
  static const float qkv_v[6] = { 1.f, -2.f, 0.5f, 1.5f, 10.f, 20.f };
  g_autoptr (EnlargeTensor) qkv = enlarge_tensor_new (3, 1, 2, NULL);
  float table[9] = { 0 };
  EnlargeAttentionParams p = { 1, 2, 0, 1.f, table };
  EnlargeLayer l = layer (&enlarge_op_window_attention, 1, &p);
  g_autoptr (EnlargeTensor) out = NULL;
  double l0, l1, want;

  memcpy (qkv->data, qkv_v, sizeof qkv_v);
  /* offsets (Δy, Δx) = (0, −1) and (0, 1): rows (0 + 1)·3 + (∓1 + 1) */
  table[1 * 3 + 0] = 0.25f;
  table[1 * 3 + 2] = -0.75f;
  out = run_case ("WindowAttention by hand", &l, &qkv);
  /* pixel 0: keys 0 (Δ 0) and 1 (Δx = 0 − 1 = −1: table[3]) */
  l0 = 1.0 * 0.5;
  l1 = 1.0 * 1.5 + 0.25;
  want = (exp (l0) * 10 + exp (l1) * 20) / (exp (l0) + exp (l1));
  g_assert_cmpfloat_with_epsilon (out->data[0], want, 1e-5);
  /* pixel 1: key 0 at Δx = 1 − 0 = 1 (table[5]), key 1 at Δ 0 */
  l0 = -2.0 * 0.5 - 0.75;
  l1 = -2.0 * 1.5;
  want = (exp (l0) * 10 + exp (l1) * 20) / (exp (l0) + exp (l1));
  g_assert_cmpfloat_with_epsilon (out->data[1], want, 1e-5);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  rand_ = g_rand_new_with_seed (14);
  ref_backend = enlarge_backend_new_reference ();
  cl_backend = enlarge_backend_new ("cpu", &error);
  if (cl_backend == NULL)
    g_test_message ("no OpenCL CPU device (%s): the reference only", error->message);

  g_test_add_func ("/ops-transformer/gelu", test_gelu);
  g_test_add_func ("/ops-transformer/layernorm", test_layernorm);
  g_test_add_func ("/ops-transformer/pad-crop", test_pad_crop);
  g_test_add_func ("/ops-transformer/attention", test_attention);
  g_test_add_func ("/ops-transformer/attention-by-hand", test_attention_by_hand);
  ret = g_test_run ();

  g_clear_pointer (&cl_backend, enlarge_backend_unref);
  g_clear_pointer (&ref_backend, enlarge_backend_unref);
  g_rand_free (rand_);
  return ret;
}
