/* Winograd F(4×4, 3×3) in one kernel, for CPU devices.
 *
 * The three-kernel path in winograd.cl writes the transformed input V and
 * the products M to global memory and reads them back: 4.5× the
 * activation's size each way, which leaves a CPU waiting on memory for
 * most of the layer. Here a work-item owns a block of 2 tile rows × WF_W
 * tile columns (a 4·WF_W × 8 pixel output patch) and keeps all of that
 * block in __local memory, which PoCL gives each group as its own
 * cache-resident buffer: V for every input channel ([36][IC][2·WF_W],
 * 295 KB at 64 channels and 16 lanes: L2), then for each block of 8 output
 * channels the 36 products ([36][8][2·WF_W]: L1), followed at once by
 * their output transform, bias and activation. Only the input and the
 * output cross the memory bus, once each.
 *
 * Vector lanes are the WF_W tiles of a tile row, so every transform step
 * is one vector operation for WF_W tiles and the products broadcast one
 * weight over them. The input transform applies Bᵀ down the rows first,
 * on contiguous values, and only then splits a row into its six phases
 * (value 4j + k of the row for tile j), so the shuffling is done once per
 * row rather than once per input row of every tile. Weights are
 * U [36][OC/8][IC][8] as for wino_gemm.
 *
 * The program includes this file twice: WF_W 16 (wino_fused, float16) for
 * the body of a layer and WF_W 8 (wino_fused8, float8) for a last block
 * column of at most 8 tiles, which in 16 lanes would compute up to twice
 * the work it keeps (a 528-pixel-wide tile is 132 tiles: 9 % wasted). */

#ifndef WF_COMMON
#define WF_COMMON

/* WINO_BT, WINO_AT and wino_interleave come from winograd.cl */

/* vstore16 and vstore8 become several partial stores and lane extracts
 * (shuffle-port work, on top of the transforms' own) on PoCL's x86 target;
 * a store through a vector type of float alignment is one vmovups */
#if defined(__clang__)
typedef float wf_f16u __attribute__ ((ext_vector_type (16), aligned (4)));
typedef float wf_f8u __attribute__ ((ext_vector_type (8), aligned (4)));
inline void wf_st16l (__local float *p, float16 v) { *(__local wf_f16u *) p = v; }
inline void wf_st8l (__local float *p, float8 v) { *(__local wf_f8u *) p = v; }
inline void wf_st16g (__global float *p, float16 v) { *(__global wf_f16u *) p = v; }
#else
inline void wf_st16l (__local float *p, float16 v) { vstore16 (v, 0, p); }
inline void wf_st8l (__local float *p, float8 v) { vstore8 (v, 0, p); }
inline void wf_st16g (__global float *p, float16 v) { vstore16 (v, 0, p); }
#endif

/* The products of one transform element for a block: for 8 output
 * channels and 2 × LANES tiles, m[k][tile] = Σ_ic u[ic][k] · v[ic][tile].
 * A macro over the vector type, so that both fused kernels in both widths
 * share it; the sixteen accumulators are named rather than an array,
 * which keeps them in registers. */
#define WF_PRODUCTS(VEC, LOAD, STL, LANES, u, v, m, IC)                              \
  do                                                                                 \
    {                                                                                \
      VEC a_0 = 0.f, a_1 = 0.f, a_2 = 0.f, a_3 = 0.f, a_4 = 0.f, a_5 = 0.f, a_6 = 0.f, \
          a_7 = 0.f;                                                                 \
      VEC b_0 = 0.f, b_1 = 0.f, b_2 = 0.f, b_3 = 0.f, b_4 = 0.f, b_5 = 0.f, b_6 = 0.f, \
          b_7 = 0.f;                                                                 \
      WF_PRODUCTS_SUM (VEC, LOAD, STL, LANES, u, v, m, IC);                          \
    }                                                                                \
  while (0)

/* The same, adding to the products already in @m: the input channels of a
 * band after the first. The sums go on in the same order, so a layer in
 * bands gives the very values of one in a single pass. */
#define WF_PRODUCTS_ADD(VEC, LOAD, STL, LANES, u, v, m, IC)                          \
  do                                                                                 \
    {                                                                                \
      VEC a_0 = LOAD (0, (m) + 0 * 2 * (LANES)), a_1 = LOAD (0, (m) + 1 * 2 * (LANES)); \
      VEC a_2 = LOAD (0, (m) + 2 * 2 * (LANES)), a_3 = LOAD (0, (m) + 3 * 2 * (LANES)); \
      VEC a_4 = LOAD (0, (m) + 4 * 2 * (LANES)), a_5 = LOAD (0, (m) + 5 * 2 * (LANES)); \
      VEC a_6 = LOAD (0, (m) + 6 * 2 * (LANES)), a_7 = LOAD (0, (m) + 7 * 2 * (LANES)); \
      VEC b_0 = LOAD (0, (m) + 0 * 2 * (LANES) + (LANES));                          \
      VEC b_1 = LOAD (0, (m) + 1 * 2 * (LANES) + (LANES));                          \
      VEC b_2 = LOAD (0, (m) + 2 * 2 * (LANES) + (LANES));                          \
      VEC b_3 = LOAD (0, (m) + 3 * 2 * (LANES) + (LANES));                          \
      VEC b_4 = LOAD (0, (m) + 4 * 2 * (LANES) + (LANES));                          \
      VEC b_5 = LOAD (0, (m) + 5 * 2 * (LANES) + (LANES));                          \
      VEC b_6 = LOAD (0, (m) + 6 * 2 * (LANES) + (LANES));                          \
      VEC b_7 = LOAD (0, (m) + 7 * 2 * (LANES) + (LANES));                          \
      WF_PRODUCTS_SUM (VEC, LOAD, STL, LANES, u, v, m, IC);                          \
    }                                                                                \
  while (0)

/* the loop and the stores of both, over accumulators a_k and b_k */
#define WF_PRODUCTS_SUM(VEC, LOAD, STL, LANES, u, v, m, IC)                          \
  do                                                                                 \
    {                                                                                \
      for (int ic = 0; ic < (IC); ic++)                                              \
        {                                                                            \
          const VEC x = LOAD (0, (v) + ic * 2 * (LANES));                            \
          const VEC y = LOAD (0, (v) + ic * 2 * (LANES) + (LANES));                  \
          const __global float *w = (u) + ic * 8;                                    \
          VEC s;                                                                     \
          s = (VEC) (w[0]); a_0 = fma (s, x, a_0); b_0 = fma (s, y, b_0);            \
          s = (VEC) (w[1]); a_1 = fma (s, x, a_1); b_1 = fma (s, y, b_1);            \
          s = (VEC) (w[2]); a_2 = fma (s, x, a_2); b_2 = fma (s, y, b_2);            \
          s = (VEC) (w[3]); a_3 = fma (s, x, a_3); b_3 = fma (s, y, b_3);            \
          s = (VEC) (w[4]); a_4 = fma (s, x, a_4); b_4 = fma (s, y, b_4);            \
          s = (VEC) (w[5]); a_5 = fma (s, x, a_5); b_5 = fma (s, y, b_5);            \
          s = (VEC) (w[6]); a_6 = fma (s, x, a_6); b_6 = fma (s, y, b_6);            \
          s = (VEC) (w[7]); a_7 = fma (s, x, a_7); b_7 = fma (s, y, b_7);            \
        }                                                                            \
      STL ((m) + 0 * 2 * (LANES), a_0); STL ((m) + 1 * 2 * (LANES), a_1);            \
      STL ((m) + 2 * 2 * (LANES), a_2); STL ((m) + 3 * 2 * (LANES), a_3);            \
      STL ((m) + 4 * 2 * (LANES), a_4); STL ((m) + 5 * 2 * (LANES), a_5);            \
      STL ((m) + 6 * 2 * (LANES), a_6); STL ((m) + 7 * 2 * (LANES), a_7);            \
      STL ((m) + 0 * 2 * (LANES) + (LANES), b_0);                                    \
      STL ((m) + 1 * 2 * (LANES) + (LANES), b_1);                                    \
      STL ((m) + 2 * 2 * (LANES) + (LANES), b_2);                                    \
      STL ((m) + 3 * 2 * (LANES) + (LANES), b_3);                                    \
      STL ((m) + 4 * 2 * (LANES) + (LANES), b_4);                                    \
      STL ((m) + 5 * 2 * (LANES) + (LANES), b_5);                                    \
      STL ((m) + 6 * 2 * (LANES) + (LANES), b_6);                                    \
      STL ((m) + 7 * 2 * (LANES) + (LANES), b_7);                                    \
    }                                                                                \
  while (0)

/* The Eltwise sums folded into a convolution (EnlargeConvParams.
 * n_residual), as its pixels are stored: @n addends, at @off of @r1 and
 * @r2, in the order of the layers they replace */
inline float16
wf_residual (float16 v, const __global float *r1, const __global float *r2, int n, float4 k,
             size_t off)
{
  if (n > 0)
    v = k.s0 * v + k.s1 * vload16 (0, r1 + off);
  if (n > 1)
    v = k.s2 * v + k.s3 * vload16 (0, r2 + off);
  return v;
}

inline float
wf_residual1 (float v, const __global float *r1, const __global float *r2, int n, float4 k,
              size_t off)
{
  if (n > 0)
    v = k.s0 * v + k.s1 * r1[off];
  if (n > 1)
    v = k.s2 * v + k.s3 * r2[off];
  return v;
}

/* Stores @nx pixels of an output row (@nq float16s of them, @px) at @off
 * of @out, adding the folded sums: whole vectors for a full row, through
 * a private copy for the last, partial block of a row */
inline __attribute__ ((always_inline)) void
wf_store_row (__global float *out, size_t off, const float16 *px, int nq, int nx,
              const __global float *r1, const __global float *r2, int n, float4 k)
{
  __global float *row = out + off;
  if (nx == 16 * nq)
    {
      /* unrolled, here and below (@nq is a constant where this is
       * inlined): an index known only at run time would keep @px in
       * memory, not registers */
#pragma unroll
      for (int q = 0; q < nq; q++)
        wf_st16g (row + 16 * q, wf_residual (px[q], r1, r2, n, k, off + 16 * q));
      return;
    }
  float tmp[96];
#pragma unroll
  for (int q = 0; q < nq; q++)
    vstore16 (px[q], q, tmp);
  /* separate loops: a vectorised one with the residual loads masked off
   * would still touch r1, and through NULL that costs an assist a load */
  if (n == 0)
    for (int j = 0; j < nx; j++)
      row[j] = tmp[j];
  else
    for (int j = 0; j < nx; j++)
      row[j] = wf_residual1 (tmp[j], r1, r2, n, k, off + j);
}

/* Asks for the cache lines of @rows rows from @y0, columns @x0 … @x0 + @n,
 * of a plane. A block reads a few short rows of every channel, planes
 * apart, and the activations are much bigger than the caches: on a CPU
 * each row waited on memory (a third of wino_fused's time), so the next
 * channel's rows are requested while this one's are transformed. */
inline void
wf_prefetch (const __global float *plane, int y0, int rows, int x0, int n, int H, int W)
{
#if defined(ENLARGE_CPU) && defined(__clang__)
  const int a = max (x0, 0), b = min (x0 + n, W);
  if (a >= b)
    return;
  for (int r = max (y0, 0); r < min (y0 + rows, H); r++)
    {
      const __global float *row = plane + (size_t) r * W;
      for (int x = a; x < b; x += 16)
        __builtin_prefetch (row + x);
      __builtin_prefetch (row + b - 1);
    }
#endif
}

/* 16 values of an input row from x on, zero outside the image; with @two
 * only the first two (the end of a block's row). @lo … @hi is the input
 * buffer: where a chunk crosses the image's left or right edge it is
 * still loaded whole when it stays inside that, and the lanes outside the
 * row are zeroed, a compare and a blend instead of sixteen branches and
 * loads (those took a fifth of wino_fused's time in 536 px tiles). */
inline __attribute__ ((always_inline)) float16
wf_chunk (const __global float *row, int x, int W, bool two, const __global float *lo,
          const __global float *hi)
{
  if (two)
    {
      if (x >= 0 && x + 2 <= W)
        return (float16) (vload2 (0, row + x), 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f,
                          0.f, 0.f, 0.f, 0.f);
      return (float16) ((x >= 0 && x < W) ? row[x] : 0.f, (x + 1 >= 0 && x + 1 < W) ? row[x + 1] : 0.f,
                        0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f);
    }
  if (x >= 0 && x + 16 <= W)
    return vload16 (0, row + x);
  if (row + x >= lo && row + x + 16 <= hi)
    {
      const int16 j = (int16) (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) + x;
      return select ((float16) (0.f), vload16 (0, row + x), j >= 0 && j < W);
    }
  float a[16];
  for (int j = 0; j < 16; j++)
    a[j] = (x + j >= 0 && x + j < W) ? row[x + j] : 0.f;
  return vload16 (0, a);
}

/* The same for an input read through a 2× nearest upsampling (a folded
 * Interp, EnlargeConvParams.upsample): @x is in upsampled pixels, @row a
 * row of the source, @Ws its width. Each source value is used twice;
 * outside the source the values are zero, as outside the upsampled
 * image. */
inline __attribute__ ((always_inline)) float16
wf_chunk_up2 (const __global float *row, int x, int Ws, bool two, const __global float *lo,
              const __global float *hi)
{
  const float16 v = wf_chunk (row, x >= 0 ? x / 2 : (x - 1) / 2, Ws, false, lo, hi);
  const float16 r = (x & 1) ? v.s0112233445566778 : v.s0011223344556677;
  if (two)
    return (float16) (r.s01, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f);
  return r;
}

/* Input row @y of channel plane @src, chunk at @x, for a convolution that
 * reads its input upsampled @up times (1 or 2; @H × @W the size it sees) */
inline __attribute__ ((always_inline)) float16
wf_row_chunk (const __global float *src, int y, int x, int H, int W, int up, bool two,
              const __global float *lo, const __global float *hi)
{
  if (y < 0 || y >= H)
    return (float16) (0.f);
  if (up == 2)
    return wf_chunk_up2 (src + (size_t) (y / 2) * (W / 2), x, W / 2, two, lo, hi);
  return wf_chunk (src + (size_t) y * W, x, W, two, lo, hi);
}

/* wf_prefetch for the rows and columns of the source that an upsampled
 * block reads */
inline void
wf_prefetch_up (const __global float *plane, int y0, int rows, int x0, int n, int H, int W, int up)
{
  if (up == 2)
    {
      const int ys = y0 >= 0 ? y0 / 2 : (y0 - 1) / 2, xs = x0 >= 0 ? x0 / 2 : (x0 - 1) / 2;
      wf_prefetch (plane, ys, rows / 2 + 1, xs, n / 2 + 1, H / 2, W / 2);
    }
  else
    wf_prefetch (plane, y0, rows, x0, n, H, W);
}

/* Two 4×4 transposes over four float16s, seen as four groups of four
 * floats each: of the groups across the vectors (wf_tr_groups) and of the
 * floats inside each group (wf_tr_elems). Splitting a row into its four
 * phases is the first then the second; interleaving four tiles' columns
 * into pixels is the second then the first. With clang (PoCL) each step is
 * one shuffle, so 16 permutes do what the component-list constructors did:
 * those became chains of lane inserts through the stack on PoCL's x86
 * target, and cost about a fifth of the layer. */
#if defined(__clang__)
#define WF_S __builtin_shufflevector
inline void
wf_tr_groups (float16 v0, float16 v1, float16 v2, float16 v3, float16 *r)
{
  const float16 a = WF_S (v0, v1, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
  const float16 b = WF_S (v2, v3, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
  const float16 c = WF_S (v0, v1, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  const float16 d = WF_S (v2, v3, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  r[0] = WF_S (a, b, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
  r[1] = WF_S (a, b, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
  r[2] = WF_S (c, d, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
  r[3] = WF_S (c, d, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
}

inline void
wf_tr_elems (float16 v0, float16 v1, float16 v2, float16 v3, float16 *r)
{
  const float16 t0 = WF_S (v0, v1, 0, 16, 1, 17, 4, 20, 5, 21, 8, 24, 9, 25, 12, 28, 13, 29);
  const float16 t1 = WF_S (v0, v1, 2, 18, 3, 19, 6, 22, 7, 23, 10, 26, 11, 27, 14, 30, 15, 31);
  const float16 t2 = WF_S (v2, v3, 0, 16, 1, 17, 4, 20, 5, 21, 8, 24, 9, 25, 12, 28, 13, 29);
  const float16 t3 = WF_S (v2, v3, 2, 18, 3, 19, 6, 22, 7, 23, 10, 26, 11, 27, 14, 30, 15, 31);
  r[0] = WF_S (t0, t2, 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29);
  r[1] = WF_S (t0, t2, 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
  r[2] = WF_S (t1, t3, 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29);
  r[3] = WF_S (t1, t3, 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
}

/* lanes 1…15 of x, then e: the next tile's value of the same phase */
inline float16
wf_shift (float16 x, float e)
{
  return WF_S (x, (float16) (e), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
}
#undef WF_S
#else
inline void
wf_tr_groups (float16 v0, float16 v1, float16 v2, float16 v3, float16 *r)
{
  r[0] = (float16) (v0.lo.lo, v1.lo.lo, v2.lo.lo, v3.lo.lo);
  r[1] = (float16) (v0.lo.hi, v1.lo.hi, v2.lo.hi, v3.lo.hi);
  r[2] = (float16) (v0.hi.lo, v1.hi.lo, v2.hi.lo, v3.hi.lo);
  r[3] = (float16) (v0.hi.hi, v1.hi.hi, v2.hi.hi, v3.hi.hi);
}

#define WF_TE(a, b, c, d)                                                               \
  (float16) (v0.a, v1.a, v2.a, v3.a, v0.b, v1.b, v2.b, v3.b, v0.c, v1.c, v2.c, v3.c,   \
             v0.d, v1.d, v2.d, v3.d)
inline void
wf_tr_elems (float16 v0, float16 v1, float16 v2, float16 v3, float16 *r)
{
  r[0] = WF_TE (s0, s4, s8, sc);
  r[1] = WF_TE (s1, s5, s9, sd);
  r[2] = WF_TE (s2, s6, sa, se);
  r[3] = WF_TE (s3, s7, sb, sf);
}
#undef WF_TE

inline float16
wf_shift (float16 x, float e)
{
  return (float16) (x.s1234, x.s5678, x.s9abc, x.sdef, e);
}
#endif

#endif /* WF_COMMON */

#ifndef WF_W
#define WF_W 16
#endif
#if WF_W == 16
#define WF_VEC float16
#define WF_LOAD vload16
#define WF_STL wf_st16l
#define WF_ACTIVATE activate16
#define WF_KERNEL wino_fused
#elif WF_W == 8
#define WF_VEC float8
#define WF_LOAD vload8
#define WF_STL wf_st8l
#define WF_ACTIVATE activate8
#define WF_KERNEL wino_fused8
#else
#error "WF_W is 8 or 16"
#endif
#define WF_TILES (2 * WF_W)          /* two tile rows per block */
#define WF_CHUNKS (WF_W / 4)         /* full 16-value chunks of a row: 4·WF_W of its 4·WF_W + 2 */
#define WF_ROW (16 * (WF_CHUNKS + 1))

/* @TX0: the first tile column of this launch */
__kernel void
WF_KERNEL (__global const float *restrict in, __global const float *restrict U,
           __global const float *restrict bias, __global float *restrict out,
           const int IC, const int H, const int W, const int OC, const int OH, const int OW,
           const int PL, const int PT, const int act, const float a0, const float a1,
           const int TX0, __global const float *restrict R1, __global const float *restrict R2,
           const int NR, const float4 RK, const int UP, __local float *restrict V,
           __local float *restrict Mb, const int ICB, const int OGB)
{
  __local float T[12 * WF_ROW];
  const int tx0 = TX0 + get_global_id (0) * WF_W, ty0 = get_global_id (1) * 2;
  const int OCB = (OC + 7) / 8;
  const int x0 = tx0 * 4 - PL;
  /* with UP 2 the input is (H / 2) × (W / 2), read upsampled */
  const size_t plane = (size_t) (H / UP) * (W / UP);
  const __global float *in_end = in + IC * plane;

  /* Where V holds every input channel (ICB = IC), the input is
   * transformed once and each block of 8 output channels is multiplied
   * and stored in turn (OGB = 1). Where it does not, the input channels
   * go in bands of ICB and the products of OGB blocks of output channels
   * are summed over the bands in Mb before their output transform; with
   * fewer than all blocks in a group, later groups transform the input
   * again. */
  for (int og0 = 0; og0 < OCB; og0 += OGB)
    {
      const int ogn = min (OGB, OCB - og0);
      for (int c0 = 0; c0 < IC; c0 += ICB)
        {
          const int icn = min (ICB, IC - c0);
          if (og0 == 0 || ICB < IC)
            {
              /* V[e][ic - c0][g·WF_W + j] = (Bᵀ d B)[e] for tile j of tile row g */
              for (int ic = c0; ic < c0 + icn; ic++)
                {
                  const __global float *src = in + ic * plane;
                  if (ic + 1 < IC)
                    wf_prefetch_up (src + plane, ty0 * 4 - PT, 10, x0, 4 * WF_W + 2, H, W, UP);
                  /* the two tile rows share two input rows: ten rows a chunk */
                  {
                    const int y0 = ty0 * 4 - PT;
                    for (int q = 0; q <= WF_CHUNKS; q++)
                      {
                        float16 x[10], y[6];
                        for (int r = 0; r < 10; r++)
                          x[r] = wf_row_chunk (src, y0 + r, x0 + 16 * q, H, W, UP, q == WF_CHUNKS, in, in_end);
                        WINO_BT (x, y);
                        for (int r = 0; r < 6; r++)
                          wf_st16l (T + r * WF_ROW + 16 * q, y[r]);
                        WINO_BT ((x + 4), y);
                        for (int r = 0; r < 6; r++)
                          wf_st16l (T + (6 + r) * WF_ROW + 16 * q, y[r]);
                      }
                  }
                  for (int g = 0; g < 2; g++)
                    {
                      /* then (Bᵀ d) B along each row, by phase */
                      __local float *v = V + (ic - c0) * WF_TILES + g * WF_W;
                      for (int r = 0; r < 6; r++)
                        {
                          const __local float *t = T + (g * 6 + r) * WF_ROW;
                          WF_VEC x[6], y[6];
#if WF_W == 16
                          const float16 v0 = vload16 (0, t), v1 = vload16 (1, t), v2 = vload16 (2, t),
                                        v3 = vload16 (3, t), v4 = vload16 (4, t);
                          {
                            float16 w[4];
                            wf_tr_groups (v0, v1, v2, v3, w);
                            wf_tr_elems (w[0], w[1], w[2], w[3], x);
                          }
                          x[4] = wf_shift (x[0], v4.s0);
                          x[5] = wf_shift (x[1], v4.s1);
#else
                          const float16 v0 = vload16 (0, t), v1 = vload16 (1, t), v2 = vload16 (2, t);
                          x[0] = (float8) (v0.s048c, v1.s048c);
                          x[1] = (float8) (v0.s159d, v1.s159d);
                          x[2] = (float8) (v0.s26ae, v1.s26ae);
                          x[3] = (float8) (v0.s37bf, v1.s37bf);
                          x[4] = (float8) (x[0].s1234, x[0].s567, v2.s0);
                          x[5] = (float8) (x[1].s1234, x[1].s567, v2.s1);
#endif
                          WINO_BT (x, y);
                          for (int c = 0; c < 6; c++)
                            WF_STL (v + (r * 6 + c) * ICB * WF_TILES, y[c]);
                        }
                    }
                }
            }
          /* Mb[e][j][k][tile] = Σ_ic U[e][og0 + j][ic][k] · V[e][ic][tile] */
          for (int j = 0; j < ogn; j++)
            for (int e = 0; e < 36; e++)
              {
                const __global float *u = U + (((size_t) e * OCB + og0 + j) * IC + c0) * 8;
                __local float *m = Mb + (e * OGB + j) * 8 * WF_TILES;
                if (c0 == 0)
                  WF_PRODUCTS (WF_VEC, WF_LOAD, WF_STL, WF_W, u, V + e * ICB * WF_TILES, m, icn);
                else
                  WF_PRODUCTS_ADD (WF_VEC, WF_LOAD, WF_STL, WF_W, u, V + e * ICB * WF_TILES, m,
                                   icn);
              }
          if (c0 + icn < IC)
            continue;

          for (int j = 0; j < ogn; j++)
            {
              const int ob = og0 + j;
              /* Y = Aᵀ M A, bias and activation, for the 8 channels of the block */
              for (int k = 0; k < 8; k++)
                {
                  const int oc = ob * 8 + k;
                  if (oc >= OC)
                    break;
                  const float bo = bias[oc];
                  const float slope = act == 5 ? bias[OCB * 8 + oc] : a0;
                  const int ox = tx0 * 4;
                  const int nx = min (4 * WF_W, OW - ox);
                  for (int g = 0; g < 2; g++)
                    {
                      const __local float *m = Mb + (j * 8 + k) * WF_TILES + g * WF_W;
                      WF_VEC s[4][6];
                      for (int c = 0; c < 6; c++)
                        {
                          WF_VEC x[6], y[4];
                          for (int r = 0; r < 6; r++)
                            x[r] = WF_LOAD (0, m + (r * 6 + c) * OGB * 8 * WF_TILES);
                          WINO_AT (x, y);
                          for (int r = 0; r < 4; r++)
                            s[r][c] = y[r];
                        }
                      for (int r = 0; r < 4; r++)
                        {
                          const int y = (ty0 + g) * 4 + r;
                          if (y >= OH)
                            break;
                          WF_VEC o[4];
                          WINO_AT (s[r], o);
                          for (int c = 0; c < 4; c++)
                            o[c] = WF_ACTIVATE (o[c] + bo, act, slope, a1);
                          /* four tiles' columns make 16 pixels */
                          float16 px[WF_W / 4];
#if WF_W == 16
                          {
                            float16 p[4];
                            wf_tr_elems (o[0], o[1], o[2], o[3], p);
                            wf_tr_groups (p[0], p[1], p[2], p[3], px);
                          }
#else
                          px[0] = wino_interleave (o[0].lo, o[1].lo, o[2].lo, o[3].lo);
                          px[1] = wino_interleave (o[0].hi, o[1].hi, o[2].hi, o[3].hi);
#endif
                          wf_store_row (out, ((size_t) oc * OH + y) * OW + ox, px, WF_W / 4, nx,
                                        R1, R2, NR, RK);
                        }
                    }
                }
            }
        }
    }
}

#undef WF_W
#undef WF_VEC
#undef WF_LOAD
#undef WF_STL
#undef WF_ACTIVATE
#undef WF_KERNEL
#undef WF_TILES
#undef WF_CHUNKS
#undef WF_ROW
