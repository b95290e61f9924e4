/* Convolution kernels. Activations are planar CHW float buffers. */

/* act: ncnn's activation type, or 5 = a PReLU folded in at load time,
 * whose per-channel slope the caller passes as a0. One definition for the
 * scalar and vector widths the kernels use (OpenCL C has no overloading). */
#define DEFINE_ACTIVATE(T, NAME)                                  \
  inline T NAME (T v, int act, float a0, float a1)                \
  {                                                               \
    if (act == 1)                                                 \
      return fmax (v, (T) (0.f));                                 \
    if (act == 2 || act == 5)                                     \
      return select (v * a0, v, v > (T) (0.f));                   \
    if (act == 3)                                                 \
      return clamp (v, (T) (a0), (T) (a1));                       \
    if (act == 4)                                                 \
      return 1.f / (1.f + exp (-v));                              \
    return v;                                                     \
  }

DEFINE_ACTIVATE (float, activate)
DEFINE_ACTIVATE (float8, activate8)
DEFINE_ACTIVATE (float16, activate16)

/* Any kernel size, stride, dilation and padding: one output value per
 * work-item. Weights in ncnn order [oc][ic][ky][kx]. The fallback for
 * shapes the blocked kernel below does not cover. */
__kernel void
conv_generic (__global const float *restrict in,
              __global const float *restrict wt,
              __global const float *restrict bias,
              __global float *restrict out,
              const int IC, const int H, const int W,
              const int OC, const int OH, const int OW,
              const int KW, const int KH, const int SW, const int SH,
              const int DW, const int DH, const int PL, const int PT,
              const float pad_value, const int has_bias,
              const int act, const float a0, const float a1)
{
  const int x = get_global_id (0);
  const int y = get_global_id (1);
  const int oc = get_global_id (2);
  if (x >= OW || y >= OH || oc >= OC)
    return;

  float acc = has_bias ? bias[oc] : 0.f;
  const __global float *w = wt + (size_t) oc * IC * KH * KW;
  for (int ic = 0; ic < IC; ic++)
    {
      const __global float *src = in + (size_t) ic * H * W;
      for (int ky = 0; ky < KH; ky++)
        {
          const int iy = y * SH + ky * DH - PT;
          for (int kx = 0; kx < KW; kx++)
            {
              const int ix = x * SW + kx * DW - PL;
              const float v = (iy >= 0 && iy < H && ix >= 0 && ix < W)
                                ? src[(size_t) iy * W + ix] : pad_value;
              acc = fma (v, w[(ic * KH + ky) * KW + kx], acc);
            }
        }
    }
  const int ocp = (OC + 7) / 8 * 8;
  out[((size_t) oc * OH + y) * OW + x] =
    activate (acc, act, act == 5 ? bias[ocp + oc] : a0, a1);
}

/* 3×3, stride 1, dilation 1: each work-item computes 8 neighbouring pixels
 * of a row for 8 output channels, so every input value loaded is used for
 * 8 × 3 multiply-adds and the weights of a tap are one vector load.
 * Weights are packed as [oc/8][ic][ky][kx][8] (zero-padded channels),
 * bias as [roundup(oc, 8)]. Padding reads zeros. */
__kernel void
conv3x3_b8 (__global const float *restrict in,
            __global const float *restrict wt,
            __global const float *restrict bias,
            __global float *restrict out,
            const int IC, const int H, const int W,
            const int OC, const int OH, const int OW,
            const int PL, const int PT,
            const int act, const float a0, const float a1)
{
  const int x0 = get_global_id (0) * 8;
  const int y = get_global_id (1);
  const int ob = get_global_id (2);
  if (x0 >= OW || y >= OH)
    return;

  const float8 b = vload8 (ob, bias);
  float8 acc0 = (float8) (b.s0), acc1 = (float8) (b.s1), acc2 = (float8) (b.s2),
         acc3 = (float8) (b.s3), acc4 = (float8) (b.s4), acc5 = (float8) (b.s5),
         acc6 = (float8) (b.s6), acc7 = (float8) (b.s7);

  const int ix0 = x0 - PL;
  const bool interior = ix0 >= 0 && ix0 + 10 <= W;
  const __global float *wp = wt + (size_t) ob * IC * 72;

  for (int ic = 0; ic < IC; ic++)
    {
      const __global float *src = in + (size_t) ic * H * W;
      for (int ky = 0; ky < 3; ky++, wp += 24)
        {
          const int iy = y - PT + ky;
          if (iy < 0 || iy >= H)
            continue;
          const __global float *row = src + (size_t) iy * W;
          float8 v0, v1, v2;
          if (interior)
            {
              v0 = vload8 (0, row + ix0);
              const float a8 = row[ix0 + 8], a9 = row[ix0 + 9];
              v1 = (float8) (v0.s1234, v0.s567, a8);
              v2 = (float8) (v0.s2345, v0.s67, a8, a9);
            }
          else
            {
              float r[10];
              for (int j = 0; j < 10; j++)
                {
                  const int ix = ix0 + j;
                  r[j] = (ix >= 0 && ix < W) ? row[ix] : 0.f;
                }
              v0 = (float8) (r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
              v1 = (float8) (r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]);
              v2 = (float8) (r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9]);
            }
#define TAP(v, k)                                   \
          {                                         \
            const float8 w8 = vload8 (k, wp);        \
            acc0 = fma (v, (float8) (w8.s0), acc0);  \
            acc1 = fma (v, (float8) (w8.s1), acc1);  \
            acc2 = fma (v, (float8) (w8.s2), acc2);  \
            acc3 = fma (v, (float8) (w8.s3), acc3);  \
            acc4 = fma (v, (float8) (w8.s4), acc4);  \
            acc5 = fma (v, (float8) (w8.s5), acc5);  \
            acc6 = fma (v, (float8) (w8.s6), acc6);  \
            acc7 = fma (v, (float8) (w8.s7), acc7);  \
          }
          TAP (v0, 0)
          TAP (v1, 1)
          TAP (v2, 2)
#undef TAP
        }
    }

  float8 accs[8] = { acc0, acc1, acc2, acc3, acc4, acc5, acc6, acc7 };
  const int n = min (8, OW - x0);
  for (int o = 0; o < 8; o++)
    {
      const int oc = ob * 8 + o;
      if (oc >= OC)
        break;
      const float8 v = activate8 (accs[o], act, act == 5 ? bias[(OC + 7) / 8 * 8 + oc] : a0, a1);
      __global float *dst = out + ((size_t) oc * OH + y) * OW + x0;
      if (n == 8)
        vstore8 (v, 0, dst);
      else
        {
          float tmp[8];
          vstore8 (v, 0, tmp);
          for (int j = 0; j < n; j++)
            dst[j] = tmp[j];
        }
    }
}

/* 16 pixels of a channel from @src: a vector load where all are there,
 * zeros past the last (@n of them) */
inline float16
c1_load (const __global float *src, int n)
{
  if (n >= 16)
    return vload16 (0, src);
  float t[16];
  for (int j = 0; j < 16; j++)
    t[j] = j < n ? src[j] : 0.f;
  return vload16 (0, t);
}

/* 1×1, stride 1, no padding: a product of matrices over the pixels taken
 * as one row, out[oc][p] = Σ w[oc][ic] · in[ic][p]. Each work-item owns 8
 * output channels × 16 pixels: eight float16 accumulators (half of
 * AVX-512's registers), so every input vector loaded feeds 8 FMAs and
 * the 8 weights of a channel are one load. Weights packed [oc/8][ic][8]
 * (zero-padded channels), bias as conv3x3_b8's. The folded sums
 * (EnlargeConvParams.n_residual, @n of them) are added as it stores.
 * A work-item takes the blocks of channels from its first index in steps
 * of the first global size: on GPUs one block each; on CPUs all of them,
 * so the input pixels (IC × 64 bytes) stay in the cache and there are
 * OC/8 times fewer work-groups, whose scheduling PoCL pays for each
 * (192 → 48 at 256²: 39 → 12 ms; four blocks of pixels a work-item on
 * top gained nothing). */
__kernel void
conv1x1 (__global const float *restrict in,
         __global const float *restrict wt,
         __global const float *restrict bias,
         __global float *restrict out,
         const int IC, const int OC, const int P,
         const int act, const float a0, const float a1,
         __global const float *r1, __global const float *r2, const int n, const float4 k)
{
  const int p0 = get_global_id (1) * 16;
  if (p0 >= P)
    return;
  const __global float *src = in + p0;
  const int np = min (16, P - p0);

  for (int ob = get_global_id (0); ob * 8 < OC; ob += get_global_size (0))
    {
      const float8 b = vload8 (ob, bias);
      float16 acc0 = (float16) (b.s0), acc1 = (float16) (b.s1), acc2 = (float16) (b.s2),
              acc3 = (float16) (b.s3), acc4 = (float16) (b.s4), acc5 = (float16) (b.s5),
              acc6 = (float16) (b.s6), acc7 = (float16) (b.s7);
      const __global float *wp = wt + (size_t) ob * IC * 8;

      for (int ic = 0; ic < IC; ic++)
        {
          const float16 v = c1_load (src + (size_t) ic * P, np);
          const float8 w8 = vload8 (ic, wp);
          acc0 = fma (v, (float16) (w8.s0), acc0);
          acc1 = fma (v, (float16) (w8.s1), acc1);
          acc2 = fma (v, (float16) (w8.s2), acc2);
          acc3 = fma (v, (float16) (w8.s3), acc3);
          acc4 = fma (v, (float16) (w8.s4), acc4);
          acc5 = fma (v, (float16) (w8.s5), acc5);
          acc6 = fma (v, (float16) (w8.s6), acc6);
          acc7 = fma (v, (float16) (w8.s7), acc7);
        }

      float16 accs[8] = { acc0, acc1, acc2, acc3, acc4, acc5, acc6, acc7 };
      for (int o = 0; o < 8; o++)
        {
          const int oc = ob * 8 + o;
          if (oc >= OC)
            break;
          const size_t off = (size_t) oc * P + p0;
          float16 v = activate16 (accs[o], act, act == 5 ? bias[(OC + 7) / 8 * 8 + oc] : a0, a1);
          if (n > 0)
            v = k.s0 * v + k.s1 * c1_load (r1 + off, np);
          if (n > 1)
            v = k.s2 * v + k.s3 * c1_load (r2 + off, np);
          if (np == 16)
            vstore16 (v, 0, out + off);
          else
            {
              float t[16];
              vstore16 (v, 0, t);
              for (int j = 0; j < np; j++)
                out[off + j] = t[j];
            }
        }
    }
}
