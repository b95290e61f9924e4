/* Winograd F(4×4, 3×3) convolution for 3×3, stride-1 layers.
 *
 * Each 4×4 block of output comes from a 6×6 block of input: the input is
 * transformed (V = Bᵀ d B), multiplied element-wise with the transformed
 * weights (U = G g Gᵀ, prepared on the host) and summed over input
 * channels — 36 independent matrix products — then transformed back
 * (Y = Aᵀ M A). That is 36 multiply-adds per input channel for 16 outputs
 * instead of 144: the 3×3 layers run about 4× fewer multiplications, all
 * accumulated in fp32. Layouts: V [36][IC][TP], U [36][OC/8][IC][8],
 * M [36][OCP][TP], with TP the tile count rounded up to 16. Large layers
 * run in bands of tile rows so V and M stay cache-sized. */

/* Bᵀ·x for six values (a column or a row of a 6 × 6 input block), and
 * Aᵀ·m for six values giving four; also used by winograd-fused.cl */
#define WINO_BT(x, y)                                                   \
  do                                                                    \
    {                                                                   \
      y[0] = 4.f * x[0] - 5.f * x[2] + x[4];                            \
      y[1] = -4.f * (x[1] + x[2]) + x[3] + x[4];                        \
      y[2] = 4.f * (x[1] - x[2]) - x[3] + x[4];                         \
      y[3] = 2.f * (x[3] - x[1]) - x[2] + x[4];                         \
      y[4] = 2.f * (x[1] - x[3]) - x[2] + x[4];                         \
      y[5] = 4.f * x[1] - 5.f * x[3] + x[5];                            \
    }                                                                   \
  while (0)

#define WINO_AT(m, y)                                                   \
  do                                                                    \
    {                                                                   \
      y[0] = m[0] + m[1] + m[2] + m[3] + m[4];                          \
      y[1] = m[1] - m[2] + 2.f * (m[3] - m[4]);                         \
      y[2] = m[1] + m[2] + 4.f * (m[3] + m[4]);                         \
      y[3] = m[1] - m[2] + 8.f * (m[3] - m[4]) + m[5];                  \
    }                                                                   \
  while (0)

/* 16 consecutive output pixels from four tiles' columns 0…3 */
inline float16
wino_interleave (float4 o0, float4 o1, float4 o2, float4 o3)
{
  return (float16) (o0.s0, o1.s0, o2.s0, o3.s0, o0.s1, o1.s1, o2.s1, o3.s1,
                    o0.s2, o1.s2, o2.s2, o3.s2, o0.s3, o1.s3, o2.s3, o3.s3);
}

/* With -DWINO_HALF (GPUs, or ENLARGE_FP16=1) V and M are stored as half:
 * they are 4.5× the activation's size each way and the path is bound by
 * memory, not arithmetic; every sum is still formed in fp32. vload_half
 * and vstore_half are core OpenCL, so this runs on any device. */
#ifdef WINO_HALF
typedef half wstore;
#define W_STORE4(v, p) vstore_half4 ((v), 0, (p))
#define W_STORE16(v, p) vstore_half16 ((v), 0, (p))
#define W_STORE1(v, p) vstore_half ((v), 0, (p))
#define W_LOAD16(p) vload_half16 (0, (p))
#define W_LOAD4(p) vload_half4 (0, (p))
#define W_LOAD1(p) vload_half (0, (p))
#else
typedef float wstore;
#define W_STORE4(v, p) vstore4 ((v), 0, (p))
#define W_STORE16(v, p) vstore16 ((v), 0, (p))
#define W_STORE1(v, p) (*(p) = (v))
#define W_LOAD16(p) vload16 (0, (p))
#define W_LOAD4(p) vload4 (0, (p))
#define W_LOAD1(p) (*(p))
#endif

/* Four horizontally adjacent tiles per work-item, as float4 lanes: the
 * 18 input columns they need are two vector loads, every transform step
 * is a vector operation, and the four results of each element are one
 * contiguous store. */
__kernel void
wino_input (__global const float *restrict in, __global wstore *restrict V,
            const int IC, const int H, const int W, const int TX, const int TY,
            const int TP, const int PL, const int PT, const int TY0)
{
  /* ty counts tile rows within the band that starts at tile row TY0 */
  const int gx = get_global_id (0), ty = get_global_id (1), ic = get_global_id (2);
  const int tx0 = gx * 4;
  if (tx0 >= TX || ty >= TY || ic >= IC)
    return;
  const int x0 = tx0 * 4 - PL, y0 = (TY0 + ty) * 4 - PT;
  const bool x_inside = x0 >= 0 && x0 + 18 <= W;
  const __global float *src = in + (size_t) ic * H * W;

  float4 b[6][6];
  float4 d[6][6];
  for (int r = 0; r < 6; r++)
    {
      const int y = y0 + r;
      float16 lo = 0.f;
      float2 hi = 0.f;
      if (y >= 0 && y < H)
        {
          const __global float *row = src + (size_t) y * W;
          if (x_inside)
            {
              lo = vload16 (0, row + x0);
              hi = vload2 (0, row + x0 + 16);
            }
          else
            {
              float a[18];
              for (int j = 0; j < 18; j++)
                {
                  const int x = x0 + j;
                  a[j] = (x >= 0 && x < W) ? row[x] : 0.f;
                }
              lo = vload16 (0, a);
              hi = vload2 (0, a + 16);
            }
        }
      d[r][0] = (float4) (lo.s0, lo.s4, lo.s8, lo.sc);
      d[r][1] = (float4) (lo.s1, lo.s5, lo.s9, lo.sd);
      d[r][2] = (float4) (lo.s2, lo.s6, lo.sa, lo.se);
      d[r][3] = (float4) (lo.s3, lo.s7, lo.sb, lo.sf);
      d[r][4] = (float4) (lo.s4, lo.s8, lo.sc, hi.s0);
      d[r][5] = (float4) (lo.s5, lo.s9, lo.sd, hi.s1);
    }

  /* Bᵀ d, column by column */
  for (int c = 0; c < 6; c++)
    {
      float4 x[6], y[6];
      for (int r = 0; r < 6; r++)
        x[r] = d[r][c];
      WINO_BT (x, y);
      for (int r = 0; r < 6; r++)
        b[r][c] = y[r];
    }

  /* (Bᵀ d) B, row by row; four tiles are four consecutive t */
  const int t = ty * TX + tx0;
  const int n = min (4, TX - tx0);
  __global wstore *v = V + (size_t) ic * TP + t;
  const size_t stride = (size_t) IC * TP;
  for (int r = 0; r < 6; r++)
    {
      float4 e[6];
      WINO_BT (b[r], e);
      for (int c = 0; c < 6; c++)
        {
          __global wstore *dst = v + (r * 6 + c) * stride;
          if (n == 4)
            W_STORE4 (e[c], dst);
          else
            {
              float tmp[4];
              vstore4 (e[c], 0, tmp);
              for (int k = 0; k < n; k++)
                W_STORE1 (tmp[k], dst + k);
            }
        }
    }
}

/* 36 batched products M[e] = U[e] · V[e]. A work-item owns 32 tiles of one
 * element e (two vectors of 16) and walks all output-channel blocks, so
 * its slice of V is read from memory once and then from cache, and each
 * weight broadcast feeds two vector multiply-adds; 8 output channels × 32
 * tiles are accumulated in registers. TP is a multiple of 16, so the
 * second vector may fall past it. */
__kernel void
wino_gemm (__global const float *restrict U, __global const wstore *restrict V,
           __global wstore *restrict M, const int IC, const int OCB, const int TP)
{
  const int t0 = get_global_id (0) * 32;
  const int e = get_global_id (1);
  if (t0 >= TP || e >= 36)
    return;
  const __global wstore *v = V + (size_t) e * IC * TP + t0;
  const bool two = t0 + 16 < TP;

  for (int ob = 0; ob < OCB; ob++)
    {
      const __global float *u = U + ((size_t) e * OCB + ob) * IC * 8;
      float16 a0 = 0.f, a1 = 0.f, a2 = 0.f, a3 = 0.f, a4 = 0.f, a5 = 0.f, a6 = 0.f, a7 = 0.f;
      float16 b0 = 0.f, b1 = 0.f, b2 = 0.f, b3 = 0.f, b4 = 0.f, b5 = 0.f, b6 = 0.f, b7 = 0.f;
      for (int ic = 0; ic < IC; ic++)
        {
          const float16 x = W_LOAD16 (v + (size_t) ic * TP);
          const float16 y = two ? W_LOAD16 (v + (size_t) ic * TP + 16) : (float16) (0.f);
          const __global float *w = u + ic * 8;
          float16 s;
          s = (float16) (w[0]); a0 = fma (s, x, a0); b0 = fma (s, y, b0);
          s = (float16) (w[1]); a1 = fma (s, x, a1); b1 = fma (s, y, b1);
          s = (float16) (w[2]); a2 = fma (s, x, a2); b2 = fma (s, y, b2);
          s = (float16) (w[3]); a3 = fma (s, x, a3); b3 = fma (s, y, b3);
          s = (float16) (w[4]); a4 = fma (s, x, a4); b4 = fma (s, y, b4);
          s = (float16) (w[5]); a5 = fma (s, x, a5); b5 = fma (s, y, b5);
          s = (float16) (w[6]); a6 = fma (s, x, a6); b6 = fma (s, y, b6);
          s = (float16) (w[7]); a7 = fma (s, x, a7); b7 = fma (s, y, b7);
        }
      __global wstore *m = M + ((size_t) e * OCB * 8 + ob * 8) * TP + t0;
      W_STORE16 (a0, m);
      W_STORE16 (a1, m + TP);
      W_STORE16 (a2, m + 2 * (size_t) TP);
      W_STORE16 (a3, m + 3 * (size_t) TP);
      W_STORE16 (a4, m + 4 * (size_t) TP);
      W_STORE16 (a5, m + 5 * (size_t) TP);
      W_STORE16 (a6, m + 6 * (size_t) TP);
      W_STORE16 (a7, m + 7 * (size_t) TP);
      if (two)
        {
          m += 16;
          W_STORE16 (b0, m);
          W_STORE16 (b1, m + TP);
          W_STORE16 (b2, m + 2 * (size_t) TP);
          W_STORE16 (b3, m + 3 * (size_t) TP);
          W_STORE16 (b4, m + 4 * (size_t) TP);
          W_STORE16 (b5, m + 5 * (size_t) TP);
          W_STORE16 (b6, m + 6 * (size_t) TP);
          W_STORE16 (b7, m + 7 * (size_t) TP);
        }
    }
}

/* Four adjacent tiles of one output channel per work-item, as in
 * wino_input: a row of their output is 16 contiguous pixels. */
__kernel void
wino_output (__global const wstore *restrict M, __global const float *restrict bias,
             __global float *restrict out, const int OC, const int OH, const int OW,
             const int TX, const int TY, const int TP, const int OCP,
             const int act, const float a0, const float a1, const int TY0)
{
  const int gx = get_global_id (0), ty = get_global_id (1), oc = get_global_id (2);
  const int tx0 = gx * 4;
  if (tx0 >= TX || ty >= TY || oc >= OC)
    return;
  const int t = ty * TX + tx0;
  const int n = min (4, TX - tx0);
  const __global wstore *m = M + (size_t) oc * TP + t;
  const size_t stride = (size_t) OCP * TP;

  float4 mm[36];
  for (int e = 0; e < 36; e++)
    {
      if (n == 4)
        mm[e] = W_LOAD4 (m + e * stride);
      else
        {
          float tmp[4] = { 0.f, 0.f, 0.f, 0.f };
          for (int k = 0; k < n; k++)
            tmp[k] = W_LOAD1 (m + e * stride + k);
          mm[e] = vload4 (0, tmp);
        }
    }

  /* Aᵀ M, column by column */
  float4 s[4][6];
  for (int c = 0; c < 6; c++)
    {
      float4 x[6], y[4];
      for (int r = 0; r < 6; r++)
        x[r] = mm[6 * r + c];
      WINO_AT (x, y);
      for (int r = 0; r < 4; r++)
        s[r][c] = y[r];
    }

  const float b = bias[oc];
  const int x0 = tx0 * 4, y0 = (TY0 + ty) * 4;
  const int nx = min (16, OW - x0);
  __global float *dst = out + (size_t) oc * OH * OW;
  for (int r = 0; r < 4; r++)
    {
      const int y = y0 + r;
      if (y >= OH)
        break;
      float4 o[4];
      WINO_AT (s[r], o);
      /* lane k of o[C] is pixel 4k + C of the row */
      float16 px = wino_interleave (o[0], o[1], o[2], o[3]) + b;
      px = activate16 (px, act, act == 5 ? bias[OCP + oc] : a0, a1);
      __global float *row = dst + (size_t) y * OW + x0;
      if (nx == 16)
        vstore16 (px, 0, row);
      else
        {
          float tmp[16];
          vstore16 (px, 0, tmp);
          for (int k = 0; k < nx; k++)
            row[k] = tmp[k];
        }
    }
}
