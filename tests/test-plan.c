/* The convolution plan for given device capabilities: which kernels run
 * and with which blocking, asserted without the device. The op tests
 * then check that a backend launches what its plan says. */

#include "enlarge.h"
#include "enlarge-conv-plan.h"

#define KiB ((guint64) 1 << 10)
#define MiB ((guint64) 1 << 20)

static EnlargeConvParams
conv3x3 (int ic, int oc)
{
  return (EnlargeConvParams) { .num_input = ic, .num_output = oc, .kernel_w = 3, .kernel_h = 3,
                               .stride_w = 1, .stride_h = 1, .dilation_w = 1, .dilation_h = 1,
                               .pad_left = 1, .pad_right = 1, .pad_top = 1, .pad_bottom = 1 };
}

static EnlargeClCaps
cpu (guint64 local_mem)
{
  /* AVX-512's 16 floats; two cores */
  return (EnlargeClCaps) { ENLARGE_DEVICE_CPU, local_mem, ENLARGE_WINOGRAD_AUTO, FALSE, 16, 2 };
}

static EnlargeConvPlan
plan_for (const EnlargeConvParams *c, int w, int h, const EnlargeClCaps *caps)
{
  const EnlargeShape in = { c->num_input, h, w };
  const EnlargeShape out = { c->num_output, h * MAX (c->upsample, 1), w * MAX (c->upsample, 1) };
  EnlargeConvPlan plan;
  enlarge_conv_plan (c, &in, &out, caps, &plan);
  return plan;
}

/* realesrgan-x4plus's layers on CPUs reporting 2 MiB, 1 MiB, 512 KiB and
 * 64 KiB of local memory */
static void
test_plan_x4plus_layers (void)
{
  const EnlargeConvParams dense = conv3x3 (192, 32), body = conv3x3 (64, 64), last = conv3x3 (64, 3);
  EnlargeClCaps caps;
  EnlargeConvPlan p;

  /* the dense blocks' last convolution: 929,792 B of __local for the
   * fused kernel */
  caps = cpu (1 * MiB);
  p = plan_for (&dense, 256, 256, &caps);
  g_assert_cmpint (p.kernel, ==, ENLARGE_CONV_WINO_FUSED);
  g_assert_false (p.f6);
  g_assert_cmpuint (p.local_bytes, ==, 929792);
  g_assert_cmpint (p.icb, ==, 192);
  g_assert_cmpint (p.ogb, ==, 1);
  /* 512 KiB: no cliff; the input channels in bands of 80, the products
   * of all four blocks of output channels summed over them */
  caps = cpu (512 * KiB);
  p = plan_for (&dense, 256, 256, &caps);
  g_assert_cmpint (p.kernel, ==, ENLARGE_CONV_WINO_FUSED);
  g_assert_cmpint (p.icb, ==, 80);
  g_assert_cmpint (p.ogb, ==, 4);
  g_assert_cmpuint (p.local_bytes, <=, 512 * KiB);
  /* 256 KiB: bands of 23 */
  caps = cpu (256 * KiB);
  p = plan_for (&dense, 256, 256, &caps);
  g_assert_cmpint (p.kernel, ==, ENLARGE_CONV_WINO_FUSED);
  g_assert_cmpint (p.icb, ==, 23);
  g_assert_cmpint (p.ogb, ==, 4);
  /* 64 → 64 at 256 KiB: four of the eight blocks at a time, so the input
   * is transformed twice */
  p = plan_for (&body, 256, 64, &caps);
  g_assert_cmpint (p.kernel, ==, ENLARGE_CONV_WINO_FUSED);
  g_assert_cmpint (p.icb, ==, 23);
  g_assert_cmpint (p.ogb, ==, 4);

  /* F(6×6) where its V fits three quarters of the local memory */
  caps = cpu (2 * MiB);
  p = plan_for (&body, 256, 64, &caps);
  g_assert_true (p.f6);
  g_assert_cmpint (p.kernel, ==, ENLARGE_CONV_WINO_FUSED);
  caps = cpu (1 * MiB);
  g_assert_true (plan_for (&body, 256, 64, &caps).f6);
  caps = cpu (512 * KiB);
  p = plan_for (&body, 256, 64, &caps);
  g_assert_false (p.f6);
  g_assert_cmpint (p.kernel, ==, ENLARGE_CONV_WINO_FUSED);
  g_assert_cmpint (p.n16, ==, 4);
  g_assert_cmpint (p.n8, ==, 0);

  /* 64 → 3 on the fused kernels (CPUs take few output channels) */
  caps = cpu (512 * KiB);
  g_assert_cmpint (plan_for (&last, 100, 10, &caps).kernel, ==, ENLARGE_CONV_WINO_FUSED);

  /* 64 KiB, as many GPUs report: not even a band of 16 channels fits */
  caps = cpu (64 * KiB);
  for (int ic = 16; ic <= 192; ic += 16)
    {
      const EnlargeConvParams c = conv3x3 (ic, 32);
      g_assert_cmpint (plan_for (&c, 64, 64, &caps).kernel, ==, ENLARGE_CONV_WINO_SPLIT);
    }
}

/* The fused blocks along a row: 96-px F(6×6) blocks, a 48-px one where it
 * costs less, then F(4×4) in 16 or 8 tile columns (the cases of
 * tests/test-ops.c's winograd_cases) */
static void
test_plan_blocks (void)
{
  const struct { int ic, oc, w; int n6, n48, n16, n8; } cases[] = {
    { 64, 64, 96, 1, 0, 0, 0 },
    { 48, 64, 203, 2, 0, 0, 1 },   /* two, then 11 px in 8 lanes */
    { 64, 64, 250, 2, 0, 1, 0 },   /* two, then 58 px in 16 lanes */
    { 40, 66, 170, 2, 0, 0, 0 },   /* a last 96 block three quarters full */
    { 64, 48, 136, 1, 1, 0, 0 },   /* 96 + 48 */
    { 32, 56, 164, 1, 1, 0, 1 },   /* 96 + 48 + 20 px */
    { 16, 16, 13, 0, 0, 0, 1 },    /* fewer than 48 channels out: F(4×4) only */
    { 16, 24, 1030, 0, 0, 16, 1 },
  };
  const EnlargeClCaps caps = cpu (2 * MiB);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const EnlargeConvParams c = conv3x3 (cases[i].ic, cases[i].oc);
      const EnlargeConvPlan p = plan_for (&c, cases[i].w, 12, &caps);
      g_test_message ("%d→%d at %d px: F6 %d×96 %d×48, F4 %d×16 %d×8 tiles", cases[i].ic,
                      cases[i].oc, cases[i].w, p.n6, p.n48, p.n16, p.n8);
      g_assert_cmpint (p.kernel, ==, ENLARGE_CONV_WINO_FUSED);
      g_assert_cmpint (p.n6, ==, cases[i].n6);
      g_assert_cmpint (p.n48, ==, cases[i].n48);
      g_assert_cmpint (p.n16, ==, cases[i].n16);
      g_assert_cmpint (p.n8, ==, cases[i].n8);
      /* the blocks cover the row, and not a block more */
      const int covered = 96 * p.n6 + 48 * p.n48 + 64 * p.n16 + 32 * p.n8;
      g_assert_cmpint (covered, >=, cases[i].w);
      g_assert_cmpint (covered - cases[i].w, <, 96);
    }
}

/* The preferred vector width: below 16 floats every fused block is of 8
 * lanes (the 16-lane kernels' accumulators would not fit the registers),
 * which also takes half the local memory a channel, so that 512 KiB hold
 * F(6×6) for 64 channels and all 192 of a dense block */
static void
test_plan_vector_width (void)
{
  const EnlargeConvParams dense = conv3x3 (192, 32), body = conv3x3 (64, 64);
  EnlargeClCaps avx512 = cpu (512 * KiB), avx2 = cpu (512 * KiB);
  EnlargeConvPlan p;

  avx2.vector_width = 8;
  p = plan_for (&body, 256, 64, &avx512);
  g_assert_false (p.f6);
  g_assert_cmpint (p.n16, ==, 4);
  p = plan_for (&body, 256, 64, &avx2);
  g_assert_true (p.f6);
  g_assert_cmpint (p.n6, ==, 0);
  g_assert_cmpint (p.n16, ==, 0);
  g_assert_cmpint (p.n48, ==, 5);  /* 240 px, then 16 px in one 8-lane F(4×4) block */
  g_assert_cmpint (p.n8, ==, 1);
  g_assert_cmpuint (p.local_bytes, ==, enlarge_wino6_local_bytes (64, 8));

  p = plan_for (&dense, 256, 64, &avx512);
  g_assert_cmpint (p.icb, ==, 80);
  p = plan_for (&dense, 256, 64, &avx2);
  g_assert_cmpint (p.icb, ==, 192);
  g_assert_cmpint (p.ogb, ==, 1);
  g_assert_cmpint (p.n16, ==, 0);
  g_assert_cmpint (p.n8, ==, 8);
  g_assert_cmpuint (p.local_bytes, ==, enlarge_wino4_local_bytes (192, 1, 8));

  /* the row width tiles are best made in: 64 px, 32 in 8 lanes, any on
   * paths without the fused kernels */
  g_assert_cmpint (enlarge_conv_width_block (&avx512), ==, 64);
  g_assert_cmpint (enlarge_conv_width_block (&avx2), ==, 32);
  avx512.winograd = ENLARGE_WINOGRAD_SPLIT;
  g_assert_cmpint (enlarge_conv_width_block (&avx512), ==, 1);
  avx512.winograd = ENLARGE_WINOGRAD_AUTO;
  avx512.kind = ENLARGE_DEVICE_GPU;
  g_assert_cmpint (enlarge_conv_width_block (&avx512), ==, 1);
  avx512.kind = ENLARGE_DEVICE_CPU;

  /* every width covered by 8-lane blocks, with less than one block over */
  for (int w = 1; w <= 300; w++)
    for (int oc = 32; oc <= 64; oc += 32)
      {
        const EnlargeConvParams c = conv3x3 (64, oc);
        p = plan_for (&c, w, 8, &avx2);
        const int covered = 48 * p.n48 + 32 * p.n8;
        g_assert_cmpint (p.n6 + p.n16, ==, 0);
        g_assert_cmpint (covered, >=, w);
        g_assert_cmpint (covered - w, <, 48);
      }
}

/* The compute units: where 16-lane blocks would give fewer work-groups
 * than the device has units (a 104 px first tile: 2 blocks × 13 rows),
 * 8-lane blocks double them; with few units, or big layers, 16 lanes */
static void
test_plan_compute_units (void)
{
  const EnlargeConvParams c = conv3x3 (64, 32);
  EnlargeClCaps caps = cpu (512 * KiB);
  EnlargeConvPlan p;

  p = plan_for (&c, 104, 104, &caps);
  g_assert_cmpint (p.n16, ==, 2);
  g_assert_cmpint (p.n8, ==, 0);
  caps.compute_units = 32;
  p = plan_for (&c, 104, 104, &caps);
  g_assert_cmpint (p.n16, ==, 0);
  g_assert_cmpint (p.n8, ==, 4);
  p = plan_for (&c, 552, 552, &caps);
  g_assert_cmpint (p.n16, ==, 9);
}

/* Whatever the caps, a fused plan fits the local memory, F(6×6) three
 * quarters of it; the folded upsampling and sums go with the fused
 * kernel and only with it */
static void
test_plan_fits (void)
{
  const guint64 sizes[] = { 32 * KiB, 64 * KiB, 256 * KiB, 512 * KiB, 1 * MiB, 2 * MiB, 8 * MiB };
  guint fused = 0, split = 0;

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (int ic = 16; ic <= 512; ic += 16)
      for (int up = 0; up <= 2; up += 2)
        for (int lanes = 8; lanes <= 16; lanes += 8)
        {
          EnlargeClCaps caps = cpu (sizes[s]);
          caps.vector_width = lanes;
          EnlargeConvParams c = conv3x3 (ic, 64);
          c.upsample = up;
          c.n_residual = 1;
          const EnlargeConvPlan p = plan_for (&c, 77, 9, &caps);
          if (p.kernel == ENLARGE_CONV_WINO_FUSED)
            {
              fused++;
              g_assert_cmpuint (p.local_bytes, <=, sizes[s]);
              g_assert_cmpint (p.icb, >=, MIN (ic, 16));
              g_assert_cmpint (p.icb, <=, ic);
              g_assert_cmpint (p.ogb, >=, 1);
              g_assert_cmpint (p.ogb, <=, 8);
              /* bands only where all the channels do not fit */
              g_assert_true ((p.icb == ic) ==
                             (enlarge_wino4_local_bytes (ic, 1, lanes) <= sizes[s]));
              g_assert_true (p.residual_folded);
              g_assert_true (p.upsample_folded == (up == 2));
            }
          else
            {
              split++;
              g_assert_cmpint (p.kernel, ==, ENLARGE_CONV_WINO_SPLIT);
              g_assert_false (p.residual_folded || p.upsample_folded);
              g_assert_cmpint (p.band, >=, 1);
            }
          if (p.f6)
            g_assert_cmpuint (enlarge_wino6_local_bytes (ic, lanes), <=, sizes[s] / 4 * 3);
        }
  g_test_message ("%u fused plans, %u split", fused, split);
  g_assert_cmpuint (fused, >, 0);
  g_assert_cmpuint (split, >, 0);
}

/* The device kind and the options: GPUs never take the fused CPU
 * kernels and need 16 output channels for Winograd; the modes force
 * each path; other convolutions take the generic kernel */
static void
test_plan_devices_and_modes (void)
{
  const EnlargeConvParams c = conv3x3 (64, 64), few = conv3x3 (64, 8), in3 = conv3x3 (3, 64);
  EnlargeConvParams k5 = conv3x3 (64, 64), s2 = conv3x3 (64, 64), padded = conv3x3 (64, 64);
  EnlargeClCaps gpu = { ENLARGE_DEVICE_GPU, 64 * KiB, ENLARGE_WINOGRAD_AUTO, TRUE };
  EnlargeClCaps caps = cpu (2 * MiB);

  k5.kernel_w = k5.kernel_h = 5;
  s2.stride_w = s2.stride_h = 2;
  padded.pad_value = 1.f;

  g_assert_cmpint (plan_for (&c, 64, 64, &gpu).kernel, ==, ENLARGE_CONV_WINO_SPLIT);
  gpu.local_mem = 8 * MiB;
  g_assert_cmpint (plan_for (&c, 64, 64, &gpu).kernel, ==, ENLARGE_CONV_WINO_SPLIT);
  g_assert_false (plan_for (&c, 64, 64, &gpu).f6);
  g_assert_cmpint (plan_for (&few, 64, 64, &gpu).kernel, ==, ENLARGE_CONV_BLOCKED);
  g_assert_cmpint (plan_for (&few, 64, 64, &caps).kernel, ==, ENLARGE_CONV_WINO_FUSED);
  g_assert_cmpint (plan_for (&in3, 64, 64, &caps).kernel, ==, ENLARGE_CONV_BLOCKED);
  g_assert_cmpint (plan_for (&k5, 64, 64, &caps).kernel, ==, ENLARGE_CONV_GENERIC);
  g_assert_cmpint (plan_for (&s2, 64, 64, &caps).kernel, ==, ENLARGE_CONV_GENERIC);
  g_assert_cmpint (plan_for (&padded, 64, 64, &caps).kernel, ==, ENLARGE_CONV_GENERIC);

  /* half storage halves V's bytes: bands twice as tall */
  {
    EnlargeClCaps full = gpu, half = gpu;
    full.half = FALSE;
    full.kind = half.kind = ENLARGE_DEVICE_CPU;
    full.winograd = half.winograd = ENLARGE_WINOGRAD_SPLIT;
    const EnlargeConvParams wide = conv3x3 (64, 64);
    const int b32 = plan_for (&wide, 400, 4000, &full).band;
    const int b16 = plan_for (&wide, 400, 4000, &half).band;
    g_assert_cmpint (b32, >, 1);
    g_assert_cmpint (b16, ==, 2 * b32);
  }

  caps.winograd = ENLARGE_WINOGRAD_OFF;
  g_assert_cmpint (plan_for (&c, 64, 64, &caps).kernel, ==, ENLARGE_CONV_BLOCKED);
  caps.winograd = ENLARGE_WINOGRAD_SPLIT;
  g_assert_cmpint (plan_for (&c, 64, 64, &caps).kernel, ==, ENLARGE_CONV_WINO_SPLIT);
  caps.winograd = ENLARGE_WINOGRAD_F4;
  g_assert_cmpint (plan_for (&c, 256, 64, &caps).kernel, ==, ENLARGE_CONV_WINO_FUSED);
  g_assert_false (plan_for (&c, 256, 64, &caps).f6);
  g_assert_cmpint (plan_for (&c, 256, 64, &caps).n6, ==, 0);
}

/* 1×1 of stride 1 without padding (SAME is none) on conv1x1 on every
 * device and mode, its sums folded in, an upsampling not (made first);
 * padded, strided or dilated 1×1s stay generic */
static void
test_plan_1x1 (void)
{
  EnlargeConvParams c = conv3x3 (192, 48);
  const EnlargeClCaps gpu = { ENLARGE_DEVICE_GPU, 64 * KiB, ENLARGE_WINOGRAD_AUTO, TRUE };
  const EnlargeWinogradMode modes[] = { ENLARGE_WINOGRAD_AUTO, ENLARGE_WINOGRAD_OFF,
                                        ENLARGE_WINOGRAD_SPLIT, ENLARGE_WINOGRAD_F4 };

  c.kernel_w = c.kernel_h = 1;
  c.pad_left = c.pad_right = c.pad_top = c.pad_bottom = 0;
  c.n_residual = 2;
  c.upsample = 2;
  for (guint m = 0; m < G_N_ELEMENTS (modes); m++)
    {
      EnlargeClCaps caps = cpu (2 * MiB);
      caps.winograd = modes[m];
      const EnlargeConvPlan p = plan_for (&c, 256, 256, &caps);
      g_assert_cmpint (p.kernel, ==, ENLARGE_CONV_1X1);
      g_assert_false (p.winograd);
      g_assert_true (p.residual_folded);
      g_assert_false (p.upsample_folded);
    }
  g_assert_cmpint (plan_for (&c, 7, 3, &gpu).kernel, ==, ENLARGE_CONV_1X1);
  g_assert_cmpstr (enlarge_conv_kernel_to_string (ENLARGE_CONV_1X1), ==, "1x1");
  c.n_residual = 0;
  g_assert_false (plan_for (&c, 7, 3, &gpu).residual_folded);

  /* SAME padding and a pad value change nothing */
  {
    EnlargeConvParams same = c;
    same.pad_left = same.pad_right = same.pad_top = same.pad_bottom = -233;
    same.pad_value = 1.f;
    g_assert_cmpint (plan_for (&same, 64, 64, &gpu).kernel, ==, ENLARGE_CONV_1X1);
    same.pad_left = same.pad_right = same.pad_top = same.pad_bottom = -234;
    g_assert_cmpint (plan_for (&same, 64, 64, &gpu).kernel, ==, ENLARGE_CONV_1X1);
  }
  {
    EnlargeConvParams padded = c, s2 = c, d2 = c, wide = c;
    padded.pad_bottom = 1;
    s2.stride_w = 2;
    d2.dilation_h = 2;
    wide.kernel_w = 3;
    g_assert_cmpint (plan_for (&padded, 64, 64, &gpu).kernel, ==, ENLARGE_CONV_GENERIC);
    g_assert_cmpint (plan_for (&s2, 64, 64, &gpu).kernel, ==, ENLARGE_CONV_GENERIC);
    g_assert_cmpint (plan_for (&d2, 64, 64, &gpu).kernel, ==, ENLARGE_CONV_GENERIC);
    g_assert_cmpint (plan_for (&wide, 64, 64, &gpu).kernel, ==, ENLARGE_CONV_GENERIC);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plan/x4plus-layers", test_plan_x4plus_layers);
  g_test_add_func ("/plan/blocks", test_plan_blocks);
  g_test_add_func ("/plan/fits", test_plan_fits);
  g_test_add_func ("/plan/vector-width", test_plan_vector_width);
  g_test_add_func ("/plan/compute-units", test_plan_compute_units);
  g_test_add_func ("/plan/devices-and-modes", test_plan_devices_and_modes);
  g_test_add_func ("/plan/1x1", test_plan_1x1);
  return g_test_run ();
}
