/* Whole small networks through the loader and the executor on the OpenCL
 * backend against the reference: the part of tests/test-ops.c that
 * loads ncnn text and weights. */

#include <math.h>
#include <string.h>

#include "enlarge.h"
#include "enlarge-conv-plan.h"
#include "test-ops-private.h"

/* Input → Split ─┬→ Conv 3→8 leaky → Split ─┬→ Conv 8→8 relu ──────────┐
 *                │                          └→ Conv 8→8 → PReLU (8) ───┴→ Concat 16
 *                │                                → Conv 16→12 → PixelShuffle 2 ─┐
 *                └→ Interp nearest ×2 ─────────────────────────────────────────────┴→ add */
static const char tiny_param[] =
  "7767517\n"
  "12 14\n"
  "Input            data     0 1 data 0=0 1=0 2=3\n"
  "Split            splitin  1 2 data data_s0 data_s1\n"
  "Convolution      conv1    1 1 data_s0 c1 0=8 1=3 4=1 5=1 6=216 9=2 -23310=1,2.000000e-01\n"
  "Split            split1   1 2 c1 c1_s0 c1_s1\n"
  "Convolution      conv2a   1 1 c1_s0 c2a 0=8 1=3 4=1 5=1 6=576 9=1\n"
  "Convolution      conv2b   1 1 c1_s1 c2b 0=8 1=3 4=1 5=1 6=576\n"
  "PReLU            prelu    1 1 c2b c2bp 0=8\n"
  "Concat           cat      2 1 c2a c2bp cat 0=0\n"
  "Convolution      conv3    1 1 cat c3 0=12 1=3 4=1 5=1 6=1728\n"
  "PixelShuffle     ps       1 1 c3 ps 0=2\n"
  "Interp           up       1 1 data_s1 up 0=1 1=2.000000e+00 2=2.000000e+00\n"
  "BinaryOp         add      2 1 ps up out 0=0\n";

static void
bin_append_floats (GByteArray *bin, GRand *rand, int n, float lo, float hi)
{
  for (int i = 0; i < n; i++)
    {
      float f = rand_uniform (rand, lo, hi);
      guint32 v;
      memcpy (&v, &f, 4);
      v = GUINT32_TO_LE (v);
      g_byte_array_append (bin, (const guint8 *) &v, 4);
    }
}

static void
bin_append_conv (GByteArray *bin, GRand *rand, int n_weights, int n_bias, float scale)
{
  const guint8 tag[4] = { 0, 0, 0, 0 };
  g_byte_array_append (bin, tag, 4);
  bin_append_floats (bin, rand, n_weights, -scale, scale);
  bin_append_floats (bin, rand, n_bias, -0.1f, 0.1f);
}

void
test_network (void)
{
  SKIP_WITHOUT_OPENCL ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (12);
  g_autoptr (GByteArray) bin = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeNet) net = NULL;
  const int sizes[][2] = { /* w, h */ { 19, 11 }, { 1, 1 }, { 8, 5 }, { 40, 33 } };
  const guint copies_before = enlarge_backend_get_launches (cl_backend, "concat_copy");

  /* weights scaled by 1/sqrt(fan-in) so that activations stay O(1) */
  bin_append_conv (bin, rand, 216, 8, 0.5f);
  bin_append_conv (bin, rand, 576, 8, 0.3f);
  bin_append_conv (bin, rand, 576, 8, 0.3f);
  bin_append_floats (bin, rand, 8, 0.f, 0.3f); /* PReLU slopes */
  bin_append_conv (bin, rand, 1728, 12, 0.2f);

  net = enlarge_net_load_from_data (tiny_param, strlen (tiny_param), bin->data, bin->len,
                                    "tiny.param", &error);
  g_assert_no_error (error);
  g_assert_nonnull (net);
  g_assert_cmpint (net->scale, ==, 2);
  g_assert_cmpint (net->in_channels, ==, 3);
  g_assert_cmpint (net->out_channels, ==, 3);
  /* an Interp read by a BinaryOp stays a layer: only convolutions fold it */
  g_assert_cmpint (net->n_layers, ==, 12);
  g_assert_cmpint (net->layers[10].type, ==, ENLARGE_OP_INTERP);

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      const int w = sizes[s][0], h = sizes[s][1];
      g_autoptr (EnlargeTensor) in = rand_tensor (rand, 3, h, w, 0.f, 1.f);
      g_autoptr (EnlargeTensor) out_ref = NULL;
      g_autoptr (EnlargeTensor) out_cl = NULL;
      g_autoptr (EnlargeTensor) out_cl2 = NULL;
      g_autofree char *label = g_strdup_printf ("network on %dx%d", w, h);
      g_autofree char *label2 = g_strdup_printf ("network on %dx%d (cached weights)", w, h);

      out_ref = enlarge_backend_run (ref_backend, net, in, NULL, &error);
      g_assert_no_error (error);
      out_cl = enlarge_backend_run (cl_backend, net, in, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (out_ref->c, ==, 3);
      g_assert_cmpint (out_ref->w, ==, 2 * w);
      g_assert_cmpint (out_ref->h, ==, 2 * h);
      check_outputs (label, out_ref, out_cl);

      /* a second run reuses the weights the backend keeps on the device */
      out_cl2 = enlarge_backend_run (cl_backend, net, in, NULL, &error);
      g_assert_no_error (error);
      check_outputs (label2, out_ref, out_cl2);
    }
  /* both convolutions wrote straight into the concat's output, but where
   * the second one's offset (8 planes) is no multiple of PoCL's 128-byte
   * sub-buffer alignment, 19×11 and 1×1, two runs each: those copied */
  g_assert_cmpuint (enlarge_backend_get_launches (cl_backend, "concat_copy") - copies_before, ==, 4);
}

/* A dense block's end as realesrgan-x4plus has it: the last convolution's
 * output scaled and added to the block input (Eltwise 0.2, 1), and that
 * sum scaled and added to the outer block's input.
 *
 * Input → Conv 3→16 → Split ─┬→ Conv 16→16 leaky ─┐
 *                            ├────────────────────┴→ Concat 32 → Conv 32→16 ─┐
 *                            ├─────────────────────────────────── Eltwise ←──┘
 *                            └──────────────────────────────────── Eltwise ←─ → Conv 16→3 */
static const char residual_param[] =
  "7767517\n"
  "9 12\n"
  "Input            data     0 1 data 0=0 1=0 2=3\n"
  "Convolution      conv0    1 1 data f 0=16 1=3 4=1 5=1 6=432\n"
  "Split            splitf   1 4 f f0 f1 f2 f3\n"
  "Convolution      conv1    1 1 f0 c1 0=16 1=3 4=1 5=1 6=2304 9=2 -23310=1,2.000000e-01\n"
  "Concat           cat      2 1 f1 c1 cat 0=0\n"
  "Convolution      conv2    1 1 cat c2 0=16 1=3 4=1 5=1 6=4608\n"
  "Eltwise          add1     2 1 c2 f2 e1 0=1 -23301=2,2.000000e-01,1.000000e+00\n"
  "Eltwise          add2     2 1 f3 e1 e2 0=1 -23301=2,1.000000e+00,2.000000e-01\n"
  "Convolution      conv3    1 1 e2 out 0=3 1=3 4=1 5=1 6=432\n";

void
test_network_residual (void)
{
  SKIP_WITHOUT_OPENCL ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (14);
  g_autoptr (GByteArray) bin = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeNet) net = NULL;
  const int sizes[][2] = { /* w, h */ { 19, 11 }, { 70, 20 } };
  const guint elt_before = enlarge_backend_get_launches (cl_backend, "eltwise2");
  const guint res_before = enlarge_backend_get_launches (cl_backend, "residual");

  bin_append_conv (bin, rand, 432, 16, 0.5f);
  bin_append_conv (bin, rand, 2304, 16, 0.25f);
  bin_append_conv (bin, rand, 4608, 16, 0.18f);
  bin_append_conv (bin, rand, 432, 3, 0.25f);
  net = enlarge_net_load_from_data (residual_param, strlen (residual_param), bin->data, bin->len,
                                    "residual.param", &error);
  g_assert_no_error (error);

  /* both sums went into conv2, in order, and the Eltwise layers are
   * aliases (add2 has the convolution's result second: coefficients too) */
  const EnlargeLayer *conv2 = &net->layers[5];
  g_assert_cmpint (conv2->type, ==, ENLARGE_OP_CONVOLUTION);
  g_assert_cmpint (conv2->p.conv.n_residual, ==, 2);
  g_assert_cmpint (conv2->n_inputs, ==, 3);
  g_assert_cmpstr (net->blob_names[conv2->inputs[1]], ==, "f2");
  g_assert_cmpstr (net->blob_names[conv2->inputs[2]], ==, "f3");
  g_assert_cmpfloat (conv2->p.conv.res_coeff[0], ==, 0.2f);
  g_assert_cmpfloat (conv2->p.conv.res_coeff[1], ==, 1.f);
  g_assert_cmpfloat (conv2->p.conv.res_coeff[2], ==, 0.2f);
  g_assert_cmpfloat (conv2->p.conv.res_coeff[3], ==, 1.f);
  g_assert_cmpint (net->layers[6].type, ==, ENLARGE_OP_SPLIT);
  g_assert_cmpint (net->layers[7].type, ==, ENLARGE_OP_SPLIT);
  g_assert_cmpint (net->layers[7].n_inputs, ==, 1);
  g_assert_cmpstr (net->blob_names[net->layers[7].inputs[0]], ==, "e1");

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      const int w = sizes[s][0], h = sizes[s][1];
      g_autoptr (EnlargeTensor) in = rand_tensor (rand, 3, h, w, 0.f, 1.f);
      g_autoptr (EnlargeTensor) out_ref = NULL;
      g_autoptr (EnlargeTensor) out_cl = NULL;
      g_autofree char *label = g_strdup_printf ("residual network on %dx%d", w, h);

      out_ref = enlarge_backend_run (ref_backend, net, in, NULL, &error);
      g_assert_no_error (error);
      out_cl = enlarge_backend_run (cl_backend, net, in, NULL, &error);
      g_assert_no_error (error);
      check_outputs (label, out_ref, out_cl);

      /* the same again: every activation comes from the buffers the first
       * run released, none is allocated (each would cost page faults) */
      const guint created = enlarge_backend_get_launches (cl_backend, "buffer_create");
      g_clear_pointer (&out_cl, enlarge_tensor_free);
      out_cl = enlarge_backend_run (cl_backend, net, in, NULL, &error);
      g_assert_no_error (error);
      check_outputs (label, out_ref, out_cl);
      g_assert_cmpuint (enlarge_backend_get_launches (cl_backend, "buffer_create"), ==, created);
    }
  g_assert_cmpuint (enlarge_backend_get_launches (cl_backend, "eltwise2"), ==, elt_before);
  /* where conv2's plan (16 → 16 channels) has the fused Winograd kernel,
   * it adds both as it stores; else a pass adds each */
  {
    EnlargeClCaps caps;
    EnlargeConvPlan plan;
    const EnlargeShape is = { 16, sizes[0][1], sizes[0][0] };
    g_assert_true (enlarge_cl_backend_get_caps (cl_backend, &caps));
    enlarge_conv_plan (&conv2->p.conv, &is, &is, &caps, &plan);
    g_assert_cmpuint (enlarge_backend_get_launches (cl_backend, "residual") - res_before, ==,
                      plan.residual_folded ? 0 : 2 * 2 * G_N_ELEMENTS (sizes));
  }
}

/* ≥ 16 channels in and out: the Winograd F(4×4, 3×3) path, with output
 * sizes not multiples of 4 or 16, channel counts not multiples of 8, the
 * PReLU the loader folds into convolutions, and an image wide enough to
 * be processed in several bands of tile rows. */
