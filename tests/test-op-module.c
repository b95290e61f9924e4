/* The recipe for a new layer type, followed from this file alone: an op
 * module (parameters, shape, reference) and an OpenCL dispatch with its
 * kernel, given to the loader and the backend; the engine's sources do
 * not change. The toy op is an element-wise |x|·scale. */

#include <math.h>
#include <string.h>

#include "enlarge.h"
#include "enlarge-cl-op.h"
#include "enlarge-op.h"

/* ---------- the op module ---------- */

typedef struct {
  float scale;
} AbsParams;

static gboolean
abs_load (EnlargeLayer *l, const EnlargeOpLoader *ld, GError **error)
{
  AbsParams *p = g_new0 (AbsParams, 1);
  l->data = p;
  p->scale = enlarge_op_loader_float (ld, 0, 1.f);
  if (!(p->scale > 0.f))
    return enlarge_op_loader_fail (ld, l, error, ENLARGE_ERROR_PARAM_SYNTAX, "bad scale %g",
                                   p->scale);
  return TRUE;
}

static void
abs_clear (EnlargeLayer *l)
{
  g_free (l->data);
}

static gboolean
abs_shape (const EnlargeLayer *l, const EnlargeShape *in, EnlargeShape *out, GError **error)
{
  out[0] = in[0];
  return TRUE;
}

static gboolean
abs_reference (const EnlargeLayer *l, EnlargeTensor **in, EnlargeTensor **out, GError **error)
{
  const AbsParams *p = l->data;
  for (gsize i = 0; i < enlarge_tensor_size (in[0]); i++)
    out[0]->data[i] = fabsf (in[0]->data[i]) * p->scale;
  return TRUE;
}

static const EnlargeOp abs_op = {
  .name = "AbsScale",
  .type = ENLARGE_OP_OTHER,
  .n_inputs = 1,
  .load = abs_load,
  .clear = abs_clear,
  .shape = abs_shape,
  .reference = abs_reference,
};

/* ---------- its OpenCL dispatch ---------- */

static const char abs_source[] =
  "__kernel void abs_scale (__global const float *in, __global float *out, float s, int n)\n"
  "{\n"
  "  int i = get_global_id (0);\n"
  "  if (i < n)\n"
  "    out[i] = fabs (in[i]) * s;\n"
  "}\n";

static gboolean
abs_run (EnlargeBackend *backend, EnlargeNet *net, const EnlargeLayer *l, cl_mem *in,
         const EnlargeShape *is, cl_mem *out, const EnlargeShape *os, GError **error)
{
  const AbsParams *p = l->data;
  cl_kernel k = enlarge_cl_kernel (backend, "abs_scale");
  const cl_int n = os->c * os->h * os->w;
  const size_t global[1] = { (size_t) n };
  const cl_float s = p->scale;

  g_assert_nonnull (k);
  if (clSetKernelArg (k, 0, sizeof (cl_mem), &in[0]) != CL_SUCCESS ||
      clSetKernelArg (k, 1, sizeof (cl_mem), &out[0]) != CL_SUCCESS ||
      clSetKernelArg (k, 2, sizeof s, &s) != CL_SUCCESS ||
      clSetKernelArg (k, 3, sizeof n, &n) != CL_SUCCESS)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_OPENCL, "abs_scale: arguments");
      return FALSE;
    }
  return enlarge_cl_launch (backend, k, 1, global, "abs_scale", error);
}

static const EnlargeClOp abs_cl_op = { "AbsScale", abs_source, abs_run };

/* ---------- the test ---------- */

/* a 3 → 3 convolution (so the values have both signs), then AbsScale */
static const char net_param[] =
  "7767517\n"
  "3 3\n"
  "Input in 0 1 data\n"
  "Convolution conv 1 1 data c 0=3 1=3 4=1 5=1 6=81\n"
  "AbsScale abs 1 1 c out 0=1.5\n";

static EnlargeNet *
load_net (const EnlargeOp * const *extra, GError **error)
{
  g_autoptr (GByteArray) bin = g_byte_array_new ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (5);
  const guint8 tag[4] = { 0 };

  g_byte_array_append (bin, tag, 4);
  for (int i = 0; i < 81 + 3; i++)
    {
      float v = (float) g_rand_double_range (rand, -0.5, 0.5);
      g_byte_array_append (bin, (const guint8 *) &v, sizeof v);
    }
  return enlarge_net_load_from_data_full (net_param, strlen (net_param), bin->data, bin->len,
                                          "abs.param", extra, error);
}

static void
test_unknown_without_module (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeNet) net = load_net (NULL, &error);
  g_assert_null (net);
  g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNKNOWN_LAYER);
}

static void
test_reference_and_opencl (void)
{
  static const EnlargeOp * const extra[] = { &abs_op, NULL };
  static const EnlargeClOp * const extra_cl[] = { &abs_cl_op, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeNet) net = load_net (extra, &error);
  g_autoptr (EnlargeBackend) ref = enlarge_backend_new_reference ();
  g_autoptr (EnlargeBackend) cl = NULL;
  g_autoptr (EnlargeBackend) cl_plain = NULL;
  g_autoptr (EnlargeTensor) in = enlarge_tensor_new (3, 9, 13, NULL);
  g_autoptr (EnlargeTensor) out_ref = NULL;
  g_autoptr (EnlargeTensor) out_cl = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (6);
  EnlargeBackendOptions options = ENLARGE_BACKEND_OPTIONS_INIT;
  int negative = 0;
  double err = 0;

  g_assert_no_error (error);
  g_assert_cmpint (net->n_layers, ==, 3);
  g_assert_cmpstr (net->layers[2].op->name, ==, "AbsScale");
  g_assert_cmpint (net->layers[2].type, ==, ENLARGE_OP_OTHER);
  for (gsize i = 0; i < enlarge_tensor_size (in); i++)
    in->data[i] = (float) g_rand_double (rand);

  out_ref = enlarge_backend_run (ref, net, in, NULL, &error);
  g_assert_no_error (error);
  /* the op ran: no output is negative, and the convolution made some */
  {
    for (gsize i = 0; i < enlarge_tensor_size (out_ref); i++)
      g_assert_cmpfloat (out_ref->data[i], >=, 0.f);
    /* the convolution alone, from the same net's first two layers: the
     * reference of layer 1 on the input */
    g_autoptr (EnlargeTensor) conv = enlarge_tensor_new (3, 9, 13, NULL);
    EnlargeTensor *ins[1] = { in }, *outs[1] = { conv };
    g_assert_true (enlarge_backend_run_layer (ref, &net->layers[1], ins, outs, &error));
    for (gsize i = 0; i < enlarge_tensor_size (conv); i++)
      {
        negative += conv->data[i] < 0;
        g_assert_cmpfloat_with_epsilon (out_ref->data[i], fabsf (conv->data[i]) * 1.5f, 1e-6);
      }
    g_assert_cmpint (negative, >, 0);
  }

  options.extra_cl_ops = extra_cl;
  cl = enlarge_backend_new_full ("cpu", &options, &error);
  if (cl == NULL)
    {
      g_test_skip (error->message);
      return;
    }
  out_cl = enlarge_backend_run (cl, net, in, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (enlarge_backend_get_launches (cl, "abs_scale"), ==, 1);
  for (gsize i = 0; i < enlarge_tensor_size (out_ref); i++)
    err = MAX (err, fabs ((double) out_cl->data[i] - out_ref->data[i]));
  g_test_message ("AbsScale: OpenCL vs reference max error %.3g", err);
  g_assert_cmpfloat (err, <, 1e-5);

  /* a backend without the dispatch says so */
  cl_plain = enlarge_backend_new_full ("cpu", NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&out_cl, enlarge_tensor_free);
  out_cl = enlarge_backend_run (cl_plain, net, in, NULL, &error);
  g_assert_null (out_cl);
  g_assert_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/op-module/unknown-without-module", test_unknown_without_module);
  g_test_add_func ("/op-module/reference-and-opencl", test_reference_and_opencl);
  return g_test_run ();
}
