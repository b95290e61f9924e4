/* The layer types of Real-CUGAN's U-Nets (Deconvolution, Crop, global
 * Pooling, InnerProduct): each op's plain C reference against a
 * straightforward transcription of ncnn's definition written here (the
 * deconvolution as ncnn computes it, scattering each input pixel), and
 * the OpenCL dispatch against the reference, on awkward shapes. */

#include <math.h>
#include <string.h>

#include "enlarge.h"
#include "enlarge-op.h"
#include "enlarge-op-unet.h"
#include "enlarge-test-utils.h"

static EnlargeBackend *ref_backend;
static EnlargeBackend *cl_backend;
static char *cl_skip_reason;
static int dummy_indices[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };

static void
layer_init (EnlargeLayer *l, const char *type_name, gpointer data)
{
  memset (l, 0, sizeof *l);
  l->op = enlarge_op_lookup (type_name, NULL);
  g_assert_nonnull (l->op);
  l->type = l->op->type;
  l->type_name = (char *) type_name;
  l->name = (char *) type_name;
  l->n_inputs = 1;
  l->n_outputs = 1;
  l->inputs = dummy_indices;
  l->outputs = dummy_indices + 4;
  l->data = data;
}

/* max |a - b| over tensors of one shape; NaN anywhere: infinity */
static double
max_diff (const EnlargeTensor *a, const EnlargeTensor *b)
{
  double err = 0;
  g_assert_cmpint (a->c, ==, b->c);
  g_assert_cmpint (a->h, ==, b->h);
  g_assert_cmpint (a->w, ==, b->w);
  for (gsize i = 0; i < enlarge_tensor_size (a); i++)
    {
      if (!isfinite (a->data[i]) || !isfinite (b->data[i]))
        return INFINITY;
      err = MAX (err, fabs ((double) a->data[i] - b->data[i]));
    }
  return err;
}

static double
range_of (const EnlargeTensor *t)
{
  float lo = G_MAXFLOAT, hi = -G_MAXFLOAT;
  for (gsize i = 0; i < enlarge_tensor_size (t); i++)
    {
      lo = MIN (lo, t->data[i]);
      hi = MAX (hi, t->data[i]);
    }
  return MAX (1.0, (double) hi - lo);
}

/* Runs @l on the reference path (and on OpenCL, compared at 1e-4 of the
 * range); returns the reference output, of shape @expect when given. */
static EnlargeTensor *
run_case (const char *label, const EnlargeLayer *l, EnlargeTensor *in, const EnlargeShape *expect)
{
  EnlargeShape is = { in->c, in->h, in->w }, os;
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeTensor) out_cl = NULL;
  EnlargeTensor *out_ref;

  if (!enlarge_layer_infer_shape (l, &is, &os, &error))
    g_error ("%s: %s", label, error->message);
  if (expect != NULL)
    {
      g_assert_cmpint (os.c, ==, expect->c);
      g_assert_cmpint (os.h, ==, expect->h);
      g_assert_cmpint (os.w, ==, expect->w);
    }
  out_ref = enlarge_tensor_new (os.c, os.h, os.w, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < enlarge_tensor_size (out_ref); i++)
    out_ref->data[i] = NAN;
  if (!enlarge_backend_run_layer (ref_backend, l, &in, &out_ref, &error))
    g_error ("%s: reference: %s", label, error->message);
  if (cl_backend == NULL)
    return out_ref;

  out_cl = enlarge_tensor_new (os.c, os.h, os.w, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < enlarge_tensor_size (out_cl); i++)
    out_cl->data[i] = NAN;
  if (!enlarge_backend_run_layer (cl_backend, l, &in, &out_cl, &error))
    g_error ("%s: OpenCL: %s", label, error->message);
  {
    double err = max_diff (out_ref, out_cl), tol = 1e-4 * range_of (out_ref);
    g_test_message ("%-52s %dx%dx%d  OpenCL max err %.3g (tol %.3g)", label, os.c, os.h, os.w,
                    err, tol);
    if (!(err <= tol))
      g_test_fail_printf ("%s: OpenCL differs from the reference by %g (tolerance %g)", label,
                          err, tol);
  }
  return out_ref;
}

/* ---------- Deconvolution ---------- */

/* ncnn's own formulation: each input pixel scatters into the full output,
 * bias and activation, then the paddings are cut */
static EnlargeTensor *
deconv_scatter (const EnlargeDeconvParams *d, const EnlargeTensor *in)
{
  int fw = (in->w - 1) * d->stride_w + (d->kernel_w - 1) * d->dilation_w + 1 + d->output_pad_right;
  int fh = (in->h - 1) * d->stride_h + (d->kernel_h - 1) * d->dilation_h + 1 + d->output_pad_bottom;
  g_autoptr (EnlargeTensor) full = enlarge_tensor_new0 (d->num_output, fh, fw, NULL);
  EnlargeTensor *out = enlarge_tensor_new (d->num_output, fh - d->pad_top - d->pad_bottom,
                                           fw - d->pad_left - d->pad_right, NULL);
  for (int oc = 0; oc < d->num_output; oc++)
    {
      float *o = enlarge_tensor_channel (full, oc);
      for (int i = 0; i < fh * fw; i++)
        o[i] = d->bias ? d->bias[oc] : 0.f;
      for (int y = 0; y < in->h; y++)
        for (int x = 0; x < in->w; x++)
          for (int ic = 0; ic < d->num_input; ic++)
            {
              float v = enlarge_tensor_channel (in, ic)[y * in->w + x];
              const float *k = d->weight + ((gsize) oc * d->num_input + ic) * d->kernel_h * d->kernel_w;
              for (int ky = 0; ky < d->kernel_h; ky++)
                for (int kx = 0; kx < d->kernel_w; kx++)
                  o[(y * d->stride_h + ky * d->dilation_h) * fw + x * d->stride_w +
                    kx * d->dilation_w] += v * k[ky * d->kernel_w + kx];
            }
      for (int i = 0; i < fh * fw; i++)
        o[i] = enlarge_activate (o[i], d->activation, d->act_params);
      for (int y = 0; y < out->h; y++)
        memcpy (enlarge_tensor_channel (out, oc) + y * out->w,
                o + (y + d->pad_top) * fw + d->pad_left, sizeof (float) * out->w);
    }
  return out;
}

static void
test_deconvolution (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (41);
  /* in, out, kw, kh, stride w/h, dilation, pads l r t b, output pads, activation, h, w */
  static const int cases[][16] = {
    { 64, 3, 4, 4, 2, 2, 1, 3, 3, 3, 3, 0, 0, ENLARGE_ACT_NONE, 9, 7 },      /* up2x's last */
    { 64, 3, 5, 5, 3, 3, 1, 2, 2, 2, 2, 0, 0, ENLARGE_ACT_NONE, 5, 6 },      /* up3x's last */
    { 16, 16, 2, 2, 2, 2, 1, 0, 0, 0, 0, 0, 0, ENLARGE_ACT_LEAKYRELU, 6, 11 }, /* the U-Nets' */
    { 5, 7, 3, 2, 2, 1, 1, 1, 0, 0, 1, 1, 0, ENLARGE_ACT_RELU, 1, 1 },
    { 3, 4, 3, 3, 1, 1, 2, 1, 1, 0, 0, 0, 1, ENLARGE_ACT_SIGMOID, 13, 1 },
    { 7, 5, 1, 4, 3, 2, 1, 0, 0, 1, 2, 2, 1, ENLARGE_ACT_CLIP, 3, 17 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const int *k = cases[i];
      EnlargeDeconvParams d = {
        .num_output = k[1], .num_input = k[0], .kernel_w = k[2], .kernel_h = k[3],
        .stride_w = k[4], .stride_h = k[5], .dilation_w = k[6], .dilation_h = k[6],
        .pad_left = k[7], .pad_right = k[8], .pad_top = k[9], .pad_bottom = k[10],
        .output_pad_right = k[11], .output_pad_bottom = k[12], .activation = k[13],
        .act_params = { k[13] == ENLARGE_ACT_CLIP ? -0.2f : 0.1f, 0.3f },
      };
      g_autofree float *weight = etu_random_floats (rand, (gsize) k[0] * k[1] * k[2] * k[3], -0.5f, 0.5f);
      g_autofree float *bias = i % 2 == 0 ? etu_random_floats (rand, k[1], -0.3f, 0.3f) : NULL;
      g_autoptr (EnlargeTensor) in = etu_random_tensor (rand, k[0], k[14], k[15], -1.f, 1.f);
      g_autoptr (EnlargeTensor) want = NULL;
      g_autoptr (EnlargeTensor) got = NULL;
      g_autofree char *label = g_strdup_printf ("deconv %d->%d k%dx%d s%dx%d d%d %dx%d", k[0], k[1],
                                                k[2], k[3], k[4], k[5], k[6], k[14], k[15]);
      EnlargeLayer l;
      EnlargeShape expect;

      d.weight = weight;
      d.bias = bias;
      layer_init (&l, "Deconvolution", &d);
      want = deconv_scatter (&d, in);
      expect = (EnlargeShape) { want->c, want->h, want->w };
      got = run_case (label, &l, in, &expect);
      g_assert_cmpfloat (max_diff (want, got), <=, 1e-5 * range_of (want));
    }
}

/* ---------- Crop ---------- */

static void
test_crop (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  g_autoptr (EnlargeTensor) in = etu_random_tensor (rand, 5, 23, 17, -1.f, 1.f);
  /* start c, h, w; end c, h, w (G_MAXINT: the end; < 0: from the end) */
  static const int cases[][6] = {
    { 0, 4, 4, G_MAXINT, -4, -4 },     /* the U-Nets' skip connections */
    { 0, 20, 1, G_MAXINT, -1, -1 },    /* up4x's one pixel; 2 rows left */
    { 1, 0, 16, 4, G_MAXINT, G_MAXINT }, /* channels 1…3, the last column */
    { 4, 22, 0, 5, 23, 17 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      EnlargeCropParams p;
      const int dims[3] = { 5, 23, 17 };
      int end[3];
      g_autofree char *label = g_strdup_printf ("crop case %u", i);
      g_autoptr (EnlargeTensor) got = NULL;
      EnlargeShape expect;
      EnlargeLayer l;

      for (int a = 0; a < 3; a++)
        {
          p.start[a] = cases[i][a];
          p.end[a] = cases[i][3 + a];
          end[a] = p.end[a] == G_MAXINT ? dims[a] : p.end[a] < 0 ? dims[a] + p.end[a] : p.end[a];
        }
      expect = (EnlargeShape) { end[0] - p.start[0], end[1] - p.start[1], end[2] - p.start[2] };
      layer_init (&l, "Crop", &p);
      got = run_case (label, &l, in, &expect);
      for (int c = 0; c < got->c; c++)
        for (int y = 0; y < got->h; y++)
          for (int x = 0; x < got->w; x++)
            g_assert_cmpfloat (enlarge_tensor_channel (got, c)[y * got->w + x], ==,
                               enlarge_tensor_channel (in, c + p.start[0])
                                 [(y + p.start[1]) * in->w + x + p.start[2]]);
    }
}

/* ---------- Pooling ---------- */

static void
test_pooling (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (43);
  static const int shapes[][3] = { { 64, 37, 53 }, { 3, 1, 1 }, { 7, 13, 1 }, { 5, 1, 129 },
                                   { 2, 200, 300 } };

  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    for (int type = ENLARGE_POOL_MAX; type <= ENLARGE_POOL_AVG; type++)
      {
        const int c = shapes[s][0], h = shapes[s][1], w = shapes[s][2];
        g_autoptr (EnlargeTensor) in = etu_random_tensor (rand, c, h, w, -1.f, 1.f);
        g_autoptr (EnlargeTensor) got = NULL;
        g_autofree char *label = g_strdup_printf ("global %s pooling %dx%dx%d",
                                                  type ? "average" : "max", c, h, w);
        EnlargePoolingParams p = { .type = type };
        EnlargeShape expect = { c, 1, 1 };
        EnlargeLayer l;

        /* a known value per channel: an offset of the channel's number */
        for (int ch = 0; ch < c; ch++)
          for (int i = 0; i < h * w; i++)
            enlarge_tensor_channel (in, ch)[i] += 3.f * ch;
        layer_init (&l, "Pooling", &p);
        got = run_case (label, &l, in, &expect);
        for (int ch = 0; ch < c; ch++)
          {
            const float *v = enlarge_tensor_channel (in, ch);
            double want = type == ENLARGE_POOL_AVG ? 0 : -INFINITY;
            for (int i = 0; i < h * w; i++)
              want = type == ENLARGE_POOL_AVG ? want + v[i] : MAX (want, v[i]);
            if (type == ENLARGE_POOL_AVG)
              want /= h * w;
            g_assert_cmpfloat_with_epsilon (got->data[ch], want, 1e-5 * (1 + fabs (want)));
          }
      }
}

/* ---------- InnerProduct ---------- */

static void
test_innerproduct (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (44);
  /* input c, h, w; outputs; activation */
  static const int cases[][5] = {
    { 64, 1, 1, 8, ENLARGE_ACT_RELU },  /* the squeeze */
    { 8, 1, 1, 64, ENLARGE_ACT_SIGMOID }, /* the excitation */
    { 3, 5, 7, 13, ENLARGE_ACT_NONE },  /* a flattened blob */
    { 1, 1, 1, 1, ENLARGE_ACT_LEAKYRELU },
    { 128, 1, 1, 16, ENLARGE_ACT_CLIP },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const int *k = cases[i];
      const int n_in = k[0] * k[1] * k[2];
      g_autofree float *weight = etu_random_floats (rand, (gsize) n_in * k[3], -0.5f, 0.5f);
      g_autofree float *bias = i != 2 ? etu_random_floats (rand, k[3], -0.5f, 0.5f) : NULL;
      g_autoptr (EnlargeTensor) in = etu_random_tensor (rand, k[0], k[1], k[2], -1.f, 1.f);
      g_autoptr (EnlargeTensor) got = NULL;
      g_autofree char *label = g_strdup_printf ("innerproduct %dx%dx%d -> %d act %d", k[0], k[1],
                                                k[2], k[3], k[4]);
      EnlargeInnerProductParams p = {
        .num_output = k[3], .num_input = n_in, .activation = k[4],
        .act_params = { k[4] == ENLARGE_ACT_CLIP ? -0.25f : 0.1f, 0.5f },
        .weight = weight, .bias = bias,
      };
      EnlargeShape expect = { k[3], 1, 1 };
      EnlargeLayer l;

      layer_init (&l, "InnerProduct", &p);
      got = run_case (label, &l, in, &expect);
      for (int o = 0; o < k[3]; o++)
        {
          double sum = bias ? bias[o] : 0;
          for (int j = 0; j < n_in; j++)
            sum += (double) weight[(gsize) o * n_in + j] * in->data[j];
          g_assert_cmpfloat_with_epsilon (got->data[o],
                                          enlarge_activate ((float) sum, p.activation, p.act_params),
                                          1e-5);
        }
    }
}

/* ---------- loading: what the parsers refuse ---------- */

static void
expect_load_error (const char *layer, int code, const char *want)
{
  g_autofree char *param = g_strdup_printf ("7767517\n2 2\nInput in 0 1 data\n%s\n", layer);
  g_autofree guint8 *bin = g_malloc0 (4096);
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeNet) net = enlarge_net_load_from_data (param, strlen (param), bin, 4096,
                                                           "test.param", &error);
  g_assert_null (net);
  g_assert_error (error, ENLARGE_ERROR, code);
  g_test_message ("expected error: %s", error->message);
  g_assert_nonnull (strstr (error->message, want));
}

static void
test_load_errors (void)
{
  expect_load_error ("Pooling pool 1 1 data out 0=1 1=2 2=2", ENLARGE_ERROR_UNSUPPORTED,
                     "only global pooling");
  expect_load_error ("Pooling pool 1 1 data out 0=2 4=1", ENLARGE_ERROR_UNSUPPORTED,
                     "pooling type 2");
  expect_load_error ("Crop crop 1 1 data out -23309=2,1,1 -23310=1,-1",
                     ENLARGE_ERROR_PARAM_SYNTAX, "starts, ends and axes");
  expect_load_error ("Crop crop 1 1 data out -23309=1,1 -23310=1,-1 -23311=1,5",
                     ENLARGE_ERROR_UNSUPPORTED, "crop axis 5");
  expect_load_error ("Deconvolution deconv 1 1 data out 0=3 1=3 5=1 6=80",
                     ENLARGE_ERROR_WEIGHT_MISMATCH, "not a multiple");
  expect_load_error ("Deconvolution deconv 1 1 data out 0=3 1=3 6=81 20=64",
                     ENLARGE_ERROR_UNSUPPORTED, "fixed output sizes");
  expect_load_error ("Deconvolution deconv 1 1 data out 0=3 1=3 6=81 9=2",
                     ENLARGE_ERROR_PARAM_SYNTAX, "lacks its parameters");
  expect_load_error ("InnerProduct ip 1 1 data out 0=3 2=9 8=1", ENLARGE_ERROR_UNSUPPORTED,
                     "int8");
  expect_load_error ("InnerProduct ip 1 1 data out 0=3 2=10", ENLARGE_ERROR_WEIGHT_MISMATCH,
                     "not a multiple");
  expect_load_error ("InnerProduct ip 1 1 data out 0=3 2=9 9=7", ENLARGE_ERROR_UNSUPPORTED,
                     "activation type 7");
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  ref_backend = enlarge_backend_new_reference ();
  cl_backend = enlarge_backend_new ("cpu", &error);
  if (cl_backend == NULL)
    {
      cl_skip_reason = g_strdup_printf ("no OpenCL CPU device (%s): the reference only",
                                        error->message);
      g_test_message ("%s", cl_skip_reason);
    }

  g_test_add_func ("/ops-unet/deconvolution", test_deconvolution);
  g_test_add_func ("/ops-unet/crop", test_crop);
  g_test_add_func ("/ops-unet/pooling", test_pooling);
  g_test_add_func ("/ops-unet/innerproduct", test_innerproduct);
  g_test_add_func ("/ops-unet/load-errors", test_load_errors);
  ret = g_test_run ();

  g_clear_pointer (&cl_backend, enlarge_backend_unref);
  g_clear_pointer (&ref_backend, enlarge_backend_unref);
  g_free (cl_skip_reason);
  return ret;
}
