/* Winograd F(6×6, 3×3) in one kernel, for CPU devices.
 *
 * The same scheme as wino_fused (winograd-fused.cl), with 6×6 output tiles
 * from 8×8 input tiles: 64 products for 36 pixels instead of 36 for 16,
 * 21 % fewer multiply-adds and 21 % less transformed data for the same
 * layer. A work-item owns 2 tile rows × 16 tile columns (96 × 12 output
 * pixels); V [64][IC][32] (512 KB at 64 channels) and the products
 * [64][8][32] live in __local memory, so the backend takes this kernel only
 * where that fits comfortably in the device's local memory.
 *
 * Points 0, ±1, ±2, ±1/2 and ∞; the columns of Aᵀ for ±1/2 are scaled by
 * 32 (and G's rows by 1/32) so that Aᵀ is integral. The products stay
 * fp32; the error against a direct convolution is a few times F(4×4)'s
 * (about 1e-6 of the value range on realesr-general-x4v3's layers).
 *
 * The program includes this file twice, like winograd-fused.cl: W6_W 16
 * (wino63_fused, 96-pixel blocks) and W6_W 8 (wino63_fused8, 48 pixels)
 * for the last part of a row. */

#ifndef W6_COMMON
#define W6_COMMON

/* y = Bᵀ x for eight values */
#define W6_BT(V, x, y)                                                     \
  do                                                                      \
    {                                                                     \
      y[0] = x[0] - x[6] + 5.25f * (x[4] - x[2]);                         \
      y[7] = x[7] - x[1] + 5.25f * (x[3] - x[5]);                         \
      const V _t1 = x[2] + x[6] - 4.25f * x[4];                     \
      const V _t2 = x[1] + x[5] - 4.25f * x[3];                     \
      y[1] = _t1 + _t2;                                                   \
      y[2] = _t1 - _t2;                                                   \
      const V _t3 = x[6] + 0.25f * x[2] - 1.25f * x[4];             \
      const V _t4 = 0.5f * x[1] - 2.5f * x[3] + 2.f * x[5];         \
      y[3] = _t3 + _t4;                                                   \
      y[4] = _t3 - _t4;                                                   \
      const V _t5 = x[6] + 4.f * x[2] - 5.f * x[4];                 \
      const V _t6 = 2.f * x[1] - 2.5f * x[3] + 0.5f * x[5];         \
      y[5] = _t5 + _t6;                                                   \
      y[6] = _t5 - _t6;                                                   \
    }                                                                     \
  while (0)

/* y = Aᵀ m: six values from eight */
#define W6_AT(V, m, y)                                                     \
  do                                                                      \
    {                                                                     \
      const V _a = m[1] + m[2], _b = m[1] - m[2];                   \
      const V _c = m[3] + m[4], _d = m[3] - m[4];                   \
      const V _e = m[5] + m[6], _f = m[5] - m[6];                   \
      y[0] = m[0] + _a + _c + 32.f * _e;                                  \
      y[1] = _b + 2.f * _d + 16.f * _f;                                   \
      y[2] = _a + 4.f * _c + 8.f * _e;                                    \
      y[3] = _b + 8.f * _d + 4.f * _f;                                    \
      y[4] = _a + 16.f * _c + 2.f * _e;                                   \
      y[5] = _b + 32.f * _d + _f + m[7];                                  \
    }                                                                     \
  while (0)

/* Splitting a row of 16 tiles into its eight phases and interleaving six
 * output columns back into pixels, as two-vector shuffles with clang
 * (PoCL): a gather of stride 6 goes through stride 2 then 3, 18 permutes
 * for six vectors where a tree per phase takes 30. Other compilers take
 * the plain loops below. */
#if defined(__clang__)
#define W6_S __builtin_shufflevector
/* x[k] lane j = t[6j + k] for the 96 values t of v0…v5, k < 6: first the
 * even and odd values of each pair of vectors, then stride 3 in each of
 * those streams (18 permutes) */
inline void
w6_split (float16 v0, float16 v1, float16 v2, float16 v3, float16 v4, float16 v5, float16 *x)
{
  const float16 e0 = W6_S (v0, v1, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), o0 = W6_S (v0, v1, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  const float16 e1 = W6_S (v2, v3, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), o1 = W6_S (v2, v3, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  const float16 e2 = W6_S (v4, v5, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), o2 = W6_S (v4, v5, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  x[0] = W6_S (W6_S (e0, e1, 0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, -1, -1, -1, -1, -1), e2, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 17, 20, 23, 26, 29);
  x[1] = W6_S (W6_S (o0, o1, 0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, -1, -1, -1, -1, -1), o2, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 17, 20, 23, 26, 29);
  x[2] = W6_S (W6_S (e0, e1, 1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, -1, -1, -1, -1, -1), e2, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 18, 21, 24, 27, 30);
  x[3] = W6_S (W6_S (o0, o1, 1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, -1, -1, -1, -1, -1), o2, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 18, 21, 24, 27, 30);
  x[4] = W6_S (W6_S (e0, e1, 2, 5, 8, 11, 14, 17, 20, 23, 26, 29, -1, -1, -1, -1, -1, -1), e2, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 19, 22, 25, 28, 31);
  x[5] = W6_S (W6_S (o0, o1, 2, 5, 8, 11, 14, 17, 20, 23, 26, 29, -1, -1, -1, -1, -1, -1), o2, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 19, 22, 25, 28, 31);
}

/* px[q] lane l = o[p % 6] lane p / 6 for pixel p = 16q + l: the even and
 * odd pixels in three vectors each, then interleaved (18 permutes) */
inline void
w6_merge (const float16 *o, float16 *px)
{
  const float16 e0 = W6_S (W6_S (o[0], o[2], 0, 16, -1, 1, 17, -1, 2, 18, -1, 3, 19, -1, 4, 20, -1, 5), o[4], 0, 1, 16, 3, 4, 17, 6, 7, 18, 9, 10, 19, 12, 13, 20, 15);
  const float16 e1 = W6_S (W6_S (o[0], o[2], 21, -1, 6, 22, -1, 7, 23, -1, 8, 24, -1, 9, 25, -1, 10, 26), o[4], 0, 21, 2, 3, 22, 5, 6, 23, 8, 9, 24, 11, 12, 25, 14, 15);
  const float16 e2 = W6_S (W6_S (o[0], o[2], -1, 11, 27, -1, 12, 28, -1, 13, 29, -1, 14, 30, -1, 15, 31, -1), o[4], 26, 1, 2, 27, 4, 5, 28, 7, 8, 29, 10, 11, 30, 13, 14, 31);
  const float16 d0 = W6_S (W6_S (o[1], o[3], 0, 16, -1, 1, 17, -1, 2, 18, -1, 3, 19, -1, 4, 20, -1, 5), o[5], 0, 1, 16, 3, 4, 17, 6, 7, 18, 9, 10, 19, 12, 13, 20, 15);
  const float16 d1 = W6_S (W6_S (o[1], o[3], 21, -1, 6, 22, -1, 7, 23, -1, 8, 24, -1, 9, 25, -1, 10, 26), o[5], 0, 21, 2, 3, 22, 5, 6, 23, 8, 9, 24, 11, 12, 25, 14, 15);
  const float16 d2 = W6_S (W6_S (o[1], o[3], -1, 11, 27, -1, 12, 28, -1, 13, 29, -1, 14, 30, -1, 15, 31, -1), o[5], 26, 1, 2, 27, 4, 5, 28, 7, 8, 29, 10, 11, 30, 13, 14, 31);
  px[0] = W6_S (e0, d0, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  px[1] = W6_S (e0, d0, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  px[2] = W6_S (e1, d1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  px[3] = W6_S (e1, d1, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  px[4] = W6_S (e2, d2, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  px[5] = W6_S (e2, d2, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
}

/* the same for a row of 8 tiles: 48 values in v0…v2 */
inline void
w6_split8 (float16 v0, float16 v1, float16 v2, float8 *x)
{
  x[0] = W6_S (W6_S (v0, v1, 0, 6, 12, 18, 24, 30, -1, -1), W6_S (v2, v2, -1, -1, -1, -1, -1, -1, 4, 10), 0, 1, 2, 3, 4, 5, 14, 15);
  x[1] = W6_S (W6_S (v0, v1, 1, 7, 13, 19, 25, 31, -1, -1), W6_S (v2, v2, -1, -1, -1, -1, -1, -1, 5, 11), 0, 1, 2, 3, 4, 5, 14, 15);
  x[2] = W6_S (W6_S (v0, v1, 2, 8, 14, 20, 26, -1, -1, -1), W6_S (v2, v2, -1, -1, -1, -1, -1, 0, 6, 12), 0, 1, 2, 3, 4, 13, 14, 15);
  x[3] = W6_S (W6_S (v0, v1, 3, 9, 15, 21, 27, -1, -1, -1), W6_S (v2, v2, -1, -1, -1, -1, -1, 1, 7, 13), 0, 1, 2, 3, 4, 13, 14, 15);
  x[4] = W6_S (W6_S (v0, v1, 4, 10, 16, 22, 28, -1, -1, -1), W6_S (v2, v2, -1, -1, -1, -1, -1, 2, 8, 14), 0, 1, 2, 3, 4, 13, 14, 15);
  x[5] = W6_S (W6_S (v0, v1, 5, 11, 17, 23, 29, -1, -1, -1), W6_S (v2, v2, -1, -1, -1, -1, -1, 3, 9, 15), 0, 1, 2, 3, 4, 13, 14, 15);
}

inline void
w6_merge8 (const float8 *o, float16 *px)
{
  {
    const float16 a = W6_S (o[0], o[1], 0, 8, -1, -1, -1, -1, 1, 9, -1, -1, -1, -1, 2, 10, -1, -1);
    const float16 b = W6_S (o[2], o[3], -1, -1, 0, 8, -1, -1, -1, -1, 1, 9, -1, -1, -1, -1, 2, 10);
    const float16 c = W6_S (o[4], o[5], -1, -1, -1, -1, 0, 8, -1, -1, -1, -1, 1, 9, -1, -1, -1, -1);
    px[0] = W6_S (W6_S (a, b, 0, 1, 18, 19, -1, -1, 6, 7, 24, 25, -1, -1, 12, 13, 30, 31), c, 0, 1, 2, 3, 20, 21, 6, 7, 8, 9, 26, 27, 12, 13, 14, 15);
  }
  {
    const float16 a = W6_S (o[0], o[1], -1, -1, 3, 11, -1, -1, -1, -1, 4, 12, -1, -1, -1, -1, 5, 13);
    const float16 b = W6_S (o[2], o[3], -1, -1, -1, -1, 3, 11, -1, -1, -1, -1, 4, 12, -1, -1, -1, -1);
    const float16 c = W6_S (o[4], o[5], 2, 10, -1, -1, -1, -1, 3, 11, -1, -1, -1, -1, 4, 12, -1, -1);
    px[1] = W6_S (W6_S (a, b, -1, -1, 2, 3, 20, 21, -1, -1, 8, 9, 26, 27, -1, -1, 14, 15), c, 16, 17, 2, 3, 4, 5, 22, 23, 8, 9, 10, 11, 28, 29, 14, 15);
  }
  {
    const float16 a = W6_S (o[0], o[1], -1, -1, -1, -1, 6, 14, -1, -1, -1, -1, 7, 15, -1, -1, -1, -1);
    const float16 b = W6_S (o[2], o[3], 5, 13, -1, -1, -1, -1, 6, 14, -1, -1, -1, -1, 7, 15, -1, -1);
    const float16 c = W6_S (o[4], o[5], -1, -1, 5, 13, -1, -1, -1, -1, 6, 14, -1, -1, -1, -1, 7, 15);
    px[2] = W6_S (W6_S (a, b, 16, 17, -1, -1, 4, 5, 22, 23, -1, -1, 10, 11, 28, 29, -1, -1), c, 0, 1, 18, 19, 4, 5, 6, 7, 24, 25, 10, 11, 12, 13, 30, 31);
  }
}

inline float8
w6_shift8 (float8 x, float e)
{
  return W6_S (x, (float8) (e), 1, 2, 3, 4, 5, 6, 7, 8);
}
#undef W6_S
#else
/* b[k·lanes + j] = a[6j + k] (@split), or the reverse, for k < 6 */
inline void
w6_deal (const float *a, float *b, int lanes, bool split)
{
  for (int k = 0; k < 6; k++)
    for (int j = 0; j < lanes; j++)
      {
        if (split)
          b[k * lanes + j] = a[6 * j + k];
        else
          b[6 * j + k] = a[k * lanes + j];
      }
}

inline void
w6_split (float16 v0, float16 v1, float16 v2, float16 v3, float16 v4, float16 v5, float16 *x)
{
  float t[96], a[96];
  vstore16 (v0, 0, t); vstore16 (v1, 1, t); vstore16 (v2, 2, t);
  vstore16 (v3, 3, t); vstore16 (v4, 4, t); vstore16 (v5, 5, t);
  w6_deal (t, a, 16, true);
  for (int k = 0; k < 6; k++)
    x[k] = vload16 (k, a);
}

inline void
w6_merge (const float16 *o, float16 *px)
{
  float t[96], a[96];
  for (int c = 0; c < 6; c++)
    vstore16 (o[c], c, a);
  w6_deal (a, t, 16, false);
  for (int q = 0; q < 6; q++)
    px[q] = vload16 (q, t);
}

inline void
w6_split8 (float16 v0, float16 v1, float16 v2, float8 *x)
{
  float t[48], a[48];
  vstore16 (v0, 0, t); vstore16 (v1, 1, t); vstore16 (v2, 2, t);
  w6_deal (t, a, 8, true);
  for (int k = 0; k < 6; k++)
    x[k] = vload8 (k, a);
}

inline void
w6_merge8 (const float8 *o, float16 *px)
{
  float t[48], a[48];
  for (int c = 0; c < 6; c++)
    vstore8 (o[c], c, a);
  w6_deal (a, t, 8, false);
  for (int q = 0; q < 3; q++)
    px[q] = vload16 (q, t);
}

inline float8
w6_shift8 (float8 x, float e)
{
  return (float8) (x.s1234, x.s567, e);
}
#endif

#endif /* W6_COMMON */

#ifndef W6_W
#define W6_W 16
#endif
#if W6_W == 16
#define W6_VEC float16
#define W6_LOAD vload16
#define W6_STL wf_st16l
#define W6_ACTIVATE activate16
#define W6_KERNEL wino63_fused
#define W6_CHUNKS 6
#elif W6_W == 8
#define W6_VEC float8
#define W6_LOAD vload8
#define W6_STL wf_st8l
#define W6_ACTIVATE activate8
#define W6_KERNEL wino63_fused8
#define W6_CHUNKS 3
#else
#error "W6_W is 8 or 16"
#endif
#define W6_TILES (2 * W6_W)
#define W6_PX (6 * W6_W)                /* output pixels of a block row */
#define W6_ROW (16 * (W6_CHUNKS + 1))  /* a transformed row: W6_PX + 2 values */

/* @TX0: the first tile column of this launch */
__kernel void
W6_KERNEL (__global const float *restrict in, __global const float *restrict U,
              __global const float *restrict bias, __global float *restrict out,
              const int IC, const int H, const int W, const int OC, const int OH, const int OW,
              const int PL, const int PT, const int act, const float a0, const float a1,
              const int TX0, __global const float *restrict R1,
              __global const float *restrict R2, const int NR, const float4 RK, const int UP,
              __local float *restrict V, __local float *restrict Mb)
{
  /* the column-transformed rows; later the output's column pass */
  __local float16 T16[16 * W6_ROW / 16];
  __local float *T = (__local float *) T16;
  const int tx0 = TX0 + get_global_id (0) * W6_W, ty0 = get_global_id (1) * 2;
  const int OCB = (OC + 7) / 8;
  const int x0 = tx0 * 6 - PL, y0 = ty0 * 6 - PT;
  /* with UP 2 the input is (H / 2) × (W / 2), read upsampled */
  const size_t plane = (size_t) (H / UP) * (W / UP);
  const __global float *in_end = in + IC * plane;

  /* V[e][ic][g·16 + j] = (Bᵀ d B)[e] for tile j of tile row g */
  for (int ic = 0; ic < IC; ic++)
    {
      const __global float *src = in + ic * plane;
      if (ic + 1 < IC)
        wf_prefetch_up (src + plane, y0, 14, x0, W6_PX + 2, H, W, UP);
      /* Bᵀ down the columns: the two tile rows share two input rows */
      for (int q = 0; q <= W6_CHUNKS; q++)
        {
          float16 x[14], y[8];
#pragma unroll
          for (int r = 0; r < 14; r++)
            x[r] = wf_row_chunk (src, y0 + r, x0 + 16 * q, H, W, UP, q == W6_CHUNKS, in, in_end);
          W6_BT (float16, x, y);
#pragma unroll
          for (int r = 0; r < 8; r++)
            wf_st16l (T + r * W6_ROW + 16 * q, y[r]);
          {
            float16 z[8];
#pragma unroll
            for (int r = 0; r < 8; r++)
              z[r] = x[6 + r];
            W6_BT (float16, z, y);
          }
#pragma unroll
          for (int r = 0; r < 8; r++)
            wf_st16l (T + (8 + r) * W6_ROW + 16 * q, y[r]);
        }
      /* then along each row, by phase */
      for (int g = 0; g < 2; g++)
        {
          __local float *v = V + ic * W6_TILES + g * W6_W;
          for (int r = 0; r < 8; r++)
            {
              const __local float *t = T + (g * 8 + r) * W6_ROW;
              W6_VEC x[8], y[8];
              const float16 tail = vload16 (W6_CHUNKS, t);
#if W6_W == 16
              w6_split (vload16 (0, t), vload16 (1, t), vload16 (2, t), vload16 (3, t),
                        vload16 (4, t), vload16 (5, t), x);
              x[6] = wf_shift (x[0], tail.s0);
              x[7] = wf_shift (x[1], tail.s1);
#else
              w6_split8 (vload16 (0, t), vload16 (1, t), vload16 (2, t), x);
              x[6] = w6_shift8 (x[0], tail.s0);
              x[7] = w6_shift8 (x[1], tail.s1);
#endif
              W6_BT (W6_VEC, x, y);
#pragma unroll
              for (int c = 0; c < 8; c++)
                W6_STL (v + (r * 8 + c) * IC * W6_TILES, y[c]);
            }
        }
    }

  for (int ob = 0; ob < OCB; ob++)
    {
      /* Mb[e][k][tile] = Σ_ic U[e][ob][ic][k] · V[e][ic][tile] */
      for (int e = 0; e < 64; e++)
        WF_PRODUCTS (W6_VEC, W6_LOAD, W6_STL, W6_W, U + ((size_t) e * OCB + ob) * IC * 8,
                     V + e * IC * W6_TILES, Mb + e * 8 * W6_TILES, IC);

      /* Y = Aᵀ M A, bias and activation, for the 8 channels of the block */
      for (int k = 0; k < 8; k++)
        {
          const int oc = ob * 8 + k;
          if (oc >= OC)
            break;
          const float bo = bias[oc];
          const float slope = act == 5 ? bias[OCB * 8 + oc] : a0;
          const int ox = tx0 * 6;
          const int nx = min (W6_PX, OW - ox);
          for (int g = 0; g < 2; g++)
            {
              const __local float *m = Mb + k * W6_TILES + g * W6_W;
              /* Aᵀ down the columns into T: [6 rows][8 columns] */
              for (int c = 0; c < 8; c++)
                {
                  W6_VEC x[8], y[6];
#pragma unroll
                  for (int r = 0; r < 8; r++)
                    x[r] = W6_LOAD (0, m + (r * 8 + c) * 8 * W6_TILES);
                  W6_AT (W6_VEC, x, y);
#pragma unroll
                  for (int r = 0; r < 6; r++)
                    W6_STL (T + W6_W * (r * 8 + c), y[r]);
                }
              for (int r = 0; r < 6; r++)
                {
                  const int y = (ty0 + g) * 6 + r;
                  if (y >= OH)
                    break;
                  W6_VEC x[8], o[6];
                  float16 px[W6_PX / 16];
#pragma unroll
                  for (int c = 0; c < 8; c++)
                    x[c] = W6_LOAD (r * 8 + c, T);
                  W6_AT (W6_VEC, x, o);
#pragma unroll
                  for (int c = 0; c < 6; c++)
                    o[c] = W6_ACTIVATE (o[c] + bo, act, slope, a1);
#if W6_W == 16
                  w6_merge (o, px);
#else
                  w6_merge8 (o, px);
#endif
                  wf_store_row (out, ((size_t) oc * OH + y) * OW + ox, px, W6_PX / 16, nx,
                                R1, R2, NR, RK);
                }
            }
        }
    }
}

#undef W6_W
#undef W6_VEC
#undef W6_LOAD
#undef W6_STL
#undef W6_ACTIVATE
#undef W6_KERNEL
#undef W6_CHUNKS
#undef W6_TILES
#undef W6_PX
#undef W6_ROW
