/* The convolution plan: every choice of kernel and blocking the OpenCL
 * backend makes for a convolution, from the layer, its shapes and the
 * device's capabilities alone. */

#include "enlarge-conv-plan.h"

/* the rows the fused kernels keep in __local beside V and the products */
#define FUSED_ROWS_BYTES 8192

/* wino_fused's __local V [36][IC][lanes·2] and products
 * [36][OGB][8][lanes·2] */
gsize
enlarge_wino4_local_bytes (int ic, int ogb, int lanes)
{
  return sizeof (float) * 36 * (gsize) ic * 2 * lanes +
         sizeof (float) * 36 * 8 * (gsize) ogb * 2 * lanes + FUSED_ROWS_BYTES;
}

/* wino63_fused's __local V [64][IC][lanes·2] and products [64][8][lanes·2] */
gsize
enlarge_wino6_local_bytes (int ic, int lanes)
{
  return sizeof (float) * 64 * (gsize) ic * 2 * lanes + sizeof (float) * 64 * 8 * 2 * lanes +
         FUSED_ROWS_BYTES;
}

/* Bytes of V a band of the three-kernel path may take: about a CPU's
 * last-level cache share, so the products read it from cache; on GPUs
 * bigger bands only help. */
#define BAND_BYTES_CPU ((gsize) 8 << 20)
#define BAND_BYTES_GPU ((gsize) 256 << 20)

const char *
enlarge_conv_kernel_to_string (EnlargeConvKernel kernel)
{
  switch (kernel)
    {
    case ENLARGE_CONV_BLOCKED: return "blocked";
    case ENLARGE_CONV_WINO_FUSED: return "winograd-fused";
    case ENLARGE_CONV_WINO_SPLIT: return "winograd-split";
    case ENLARGE_CONV_1X1: return "1x1";
    case ENLARGE_CONV_GENERIC:
    default: return "generic";
    }
}

static gboolean
is_3x3_s1 (const EnlargeConvParams *c)
{
  return c->kernel_w == 3 && c->kernel_h == 3 && c->stride_w == 1 && c->stride_h == 1 &&
         c->dilation_w == 1 && c->dilation_h == 1 && c->pad_value == 0.f;
}

/* no padding: none, or SAME (-233/-234), which a 1×1 of stride 1 makes none */
static gboolean
unpadded (int pad)
{
  return pad == 0 || pad == -233 || pad == -234;
}

/* a product of matrices: every output pixel reads the input pixel at its
 * own place, so the pad value never matters */
static gboolean
is_1x1_s1 (const EnlargeConvParams *c)
{
  return c->kernel_w == 1 && c->kernel_h == 1 && c->stride_w == 1 && c->stride_h == 1 &&
         c->dilation_w == 1 && c->dilation_h == 1 && unpadded (c->pad_left) &&
         unpadded (c->pad_right) && unpadded (c->pad_top) && unpadded (c->pad_bottom);
}

static gboolean
fused_allowed (const EnlargeClCaps *caps)
{
  return caps->kind == ENLARGE_DEVICE_CPU && caps->winograd != ENLARGE_WINOGRAD_SPLIT &&
         caps->winograd != ENLARGE_WINOGRAD_OFF;
}

/* The fused kernels keep sixteen accumulators of 2 × lanes tiles. In 16
 * lanes they are float16 vectors: half of AVX-512's 32 registers of 16
 * floats. A device that prefers narrower vectors (AVX2: 8 floats, 16
 * registers) would spill them; there the 8-lane kernels, whose
 * accumulators fit, take every block. */
static int
max_lanes (const EnlargeClCaps *caps)
{
  return caps->vector_width > 0 && caps->vector_width < 16 ? 8 : 16;
}

/* Blocks of 16 lanes also halve the work-groups (a block of 64 or 96
 * pixels by 8 or 12 rows): where a layer would give fewer groups than
 * the device has compute units, as a small first tile on a many-core
 * CPU, 8-lane blocks keep more of them busy. */
static int
lanes_for (const EnlargeClCaps *caps, const EnlargeShape *out)
{
  if (max_lanes (caps) < 16)
    return 8;
  const gint64 groups = (gint64) ((out->w + 63) / 64) * ((out->h + 7) / 8);
  return caps->compute_units > 0 && groups < caps->compute_units ? 8 : 16;
}

int
enlarge_conv_width_block (const EnlargeClCaps *caps)
{
  return fused_allowed (caps) ? 4 * max_lanes (caps) : 1;
}

/* The smallest band worth its products' extra loads and stores */
#define MIN_BAND 16

/* wino_fused's bands for the local memory: every input channel at once
 * where they fit; else bands of input channels, with the products of as
 * many blocks of output channels as leave room for a band of MIN_BAND
 * (all of them: the input is transformed once; fewer: once a group) */
static gboolean
fused_bands (const EnlargeClCaps *caps, int ic, int oc, int *icb, int *ogb)
{
  const int ocb = (oc + 7) / 8, lanes = max_lanes (caps);

  if (!fused_allowed (caps))
    return FALSE;
  if (enlarge_wino4_local_bytes (ic, 1, lanes) <= caps->local_mem)
    {
      *icb = ic;
      *ogb = 1;
      return TRUE;
    }
  for (int g = ocb; g >= 1; g--)
    {
      const gsize fixed = enlarge_wino4_local_bytes (0, g, lanes);
      if (fixed >= caps->local_mem)
        continue;
      const int room = (int) MIN ((caps->local_mem - fixed) / (sizeof (float) * 36 * 2 * lanes),
                                  (guint64) G_MAXINT);
      if (room >= MIN (ic, MIN_BAND))
        {
          *icb = MIN (ic, room);
          *ogb = g;
          return TRUE;
        }
    }
  return FALSE;
}

void
enlarge_conv_plan (const EnlargeConvParams *c, const EnlargeShape *in, const EnlargeShape *out,
                   const EnlargeClCaps *caps, EnlargeConvPlan *plan)
{
  const gboolean fused = fused_allowed (caps);
  int icb = 0, ogb = 0;

  *plan = (EnlargeConvPlan) { 0 };
  /* the transforms only pay for themselves with enough channels to sum;
   * in the fused CPU kernels even a few output channels gain, the input
   * transform being shared (realesrgan-x4plus's last layer, 64 → 3 at
   * 2048 × 212: 45 → 19 ms) */
  plan->winograd = is_3x3_s1 (c) && caps->winograd != ENLARGE_WINOGRAD_OFF &&
                   c->num_input >= 16 && c->num_output >= (fused ? 1 : 16);
  /* F(6×6) pays where the products dominate: with 32 output channels
   * (realesrgan-x4plus's dense blocks) the transforms, which it does not
   * shrink, are too large a share, and its U would add 110 MB. It is
   * taken where V uses at most three quarters of the local memory, which
   * PoCL maps to the L2 cache: beyond that the weights streamed for each
   * block start to evict V. */
  plan->f6 = plan->winograd && fused && caps->winograd != ENLARGE_WINOGRAD_F4 &&
             c->num_output >= 48 &&
             enlarge_wino6_local_bytes (c->num_input, max_lanes (caps)) <= caps->local_mem / 4 * 3;
  plan->kernel = is_1x1_s1 (c) ? ENLARGE_CONV_1X1
                 : !is_3x3_s1 (c) ? ENLARGE_CONV_GENERIC
                 : !plan->winograd ? ENLARGE_CONV_BLOCKED
                 : fused_bands (caps, c->num_input, c->num_output, &icb, &ogb)
                   ? ENLARGE_CONV_WINO_FUSED
                 : ENLARGE_CONV_WINO_SPLIT;
  plan->icb = icb;
  plan->ogb = ogb;
  if (in == NULL || out == NULL)
    return;

  plan->upsample_folded = c->upsample == 2 && plan->kernel == ENLARGE_CONV_WINO_FUSED;
  plan->residual_folded = c->n_residual > 0 && (plan->kernel == ENLARGE_CONV_WINO_FUSED ||
                                                 plan->kernel == ENLARGE_CONV_1X1);

  if (plan->kernel == ENLARGE_CONV_WINO_FUSED)
    {
      /* F(6×6) from the left, where it may run: 96-pixel blocks, a last
       * one at most a quarter empty still among them, then F(4×4) at its
       * finer grain (32 or 64 pixels), except where a 48-pixel F(6×6)
       * block costs less: a pixel of F(6×6) costs about 3/4 of one of
       * F(4×4), so 48 (36) beats a block of 64 for 33…48 pixels, and
       * 48 + 32 (68) beats 64 + 32 for 65…71 */
      const int ic = c->num_input, lanes = lanes_for (caps, out);
      if (plan->f6 && lanes == 16)
        {
          int n6 = out->w / 96, rest = out->w - 96 * n6;
          if (rest >= 72)
            n6++, rest = 0;
          plan->n6 = n6;
          plan->n48 = (rest > 32 && rest <= 48) || rest > 64;
          plan->local_bytes = enlarge_wino6_local_bytes (ic, plan->n6 > 0 ? 16 : 8);
          if (96 * plan->n6 + 48 * plan->n48 >= out->w)
            return;
          plan->t0 = 24 * plan->n6 + 12 * plan->n48;
        }
      else if (plan->f6)
        {
          /* 48-pixel blocks only, a last one at most a quarter empty */
          int n48 = out->w / 48, rest = out->w - 48 * n48;
          if (rest >= 36)
            n48++;
          plan->n48 = n48;
          plan->local_bytes = enlarge_wino6_local_bytes (ic, 8);
          if (48 * plan->n48 >= out->w)
            return;
          plan->t0 = 12 * plan->n48;
        }
      /* blocks of 16 tile columns; a last one of at most 8 in 8 lanes
       * (in 8 lanes only: all of 8) */
      const int tx = (out->w + 3) / 4, rest = (tx - plan->t0) % 16;
      if (lanes == 16)
        {
          plan->n16 = (tx - plan->t0) / 16 + (rest > 8);
          plan->n8 = rest > 0 && rest <= 8;
        }
      else
        plan->n8 = (tx - plan->t0 + 7) / 8;
      plan->local_bytes = MAX (plan->local_bytes,
                               enlarge_wino4_local_bytes (plan->icb, plan->ogb,
                                                          plan->n16 > 0 ? 16 : 8));
    }
  else if (plan->kernel == ENLARGE_CONV_WINO_SPLIT)
    {
      const gsize band_bytes = caps->kind == ENLARGE_DEVICE_CPU ? BAND_BYTES_CPU : BAND_BYTES_GPU;
      const int tx = (out->w + 3) / 4, ty = (out->h + 3) / 4;
      const int ocp = (out->c + 7) / 8 * 8;
      const int ic = in->c;
      const gsize elem = caps->half ? 2 : sizeof (float);
      const gsize row_bytes = elem * 36 * (gsize) MAX (ic, ocp) * tx;
      plan->band = (int) CLAMP (band_bytes / row_bytes, 1, (gsize) ty);
    }
}
