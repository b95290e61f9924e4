/* Element-wise and reshaping operations. Buffers are planar CHW floats;
 * each kernel follows the reference implementation in enlarge-ops-ref.c. */

__kernel void
prelu (__global const float *restrict in, __global float *restrict out,
       __global const float *restrict slope, const int plane, const int n_slope,
       const int n)
{
  const int i = get_global_id (0);
  if (i >= n)
    return;
  const float s = slope[n_slope == 1 ? 0 : i / plane];
  const float v = in[i];
  out[i] = v > 0.f ? v : v * s;
}

/* Sigmoid: the expression of the convolutions' sigmoid activation */
__kernel void
sigmoid (__global const float *restrict in, __global float *restrict out, const int n)
{
  const int i = get_global_id (0);
  if (i >= n)
    return;
  out[i] = 1.f / (1.f + exp (-in[i]));
}

/* op: 0 product, 1 weighted sum, 2 max; out may be a */
__kernel void
eltwise2 (__global const float *a, __global const float *b, __global float *out,
          const float ca, const float cb, const int op, const int n)
{
  const int i = get_global_id (0);
  if (i >= n)
    return;
  const float x = a[i], y = b[i];
  out[i] = op == 0 ? x * y : op == 2 ? fmax (x, y) : ca * x + cb * y;
}

/* A work-item writes one output row segment: the r·8 pixels that come
 * from 8 pixels of one input row of r channels, contiguous stores and no
 * per-pixel division (one work-item per output pixel ran at 0.7 GB/s). */
__kernel void
pixelshuffle (__global const float *restrict in, __global float *restrict out,
              const int OC, const int OH, const int OW, const int r)
{
  const int x0 = get_global_id (0) * 8, y = get_global_id (1), oc = get_global_id (2);
  const int IW = OW / r, IH = OH / r;
  if (x0 >= IW || y >= OH || oc >= OC)
    return;
  const int n = min (8, IW - x0);
  const int iy = y / r, ic0 = oc * r * r + (y % r) * r;
  __global float *dst = out + ((size_t) oc * OH + y) * OW + (size_t) x0 * r;
  for (int k = 0; k < r; k++)
    {
      const __global float *src = in + ((size_t) (ic0 + k) * IH + iy) * IW + x0;
      for (int j = 0; j < n; j++)
        dst[j * r + k] = src[j];
    }
}

/* PixelUnshuffle, the inverse: a work-item reads 8·r pixels of one input
 * row (contiguous) and scatters them to the r output channels of that
 * row phase. */
__kernel void
pixelunshuffle (__global const float *restrict in, __global float *restrict out,
                const int IC, const int IH, const int IW, const int r)
{
  const int x0 = get_global_id (0) * 8, iy = get_global_id (1), ic = get_global_id (2);
  const int OW = IW / r, OH = IH / r;
  if (x0 >= OW || iy >= IH || ic >= IC)
    return;
  const int n = min (8, OW - x0);
  const int oy = iy / r, oc0 = ic * r * r + (iy % r) * r;
  const __global float *src = in + ((size_t) ic * IH + iy) * IW + (size_t) x0 * r;
  for (int k = 0; k < r; k++)
    {
      __global float *dst = out + ((size_t) (oc0 + k) * OH + oy) * OW + x0;
      for (int j = 0; j < n; j++)
        dst[j] = src[j * r + k];
    }
}

__kernel void
interp_nearest (__global const float *restrict in, __global float *restrict out,
                const int C, const int IH, const int IW, const int OH, const int OW,
                const float hs, const float ws)
{
  const int x = get_global_id (0), y = get_global_id (1), c = get_global_id (2);
  if (x >= OW || y >= OH || c >= C)
    return;
  const int sy = min ((int) (y * hs), IH - 1);
  const int sx = min ((int) (x * ws), IW - 1);
  out[((size_t) c * OH + y) * OW + x] = in[((size_t) c * IH + sy) * IW + sx];
}

/* Nearest, by an exact power-of-two factor F (realesrgan-x4plus's 2×
 * layers): a work-item writes the 8·F pixels that come from 8 input
 * pixels of one row, contiguous, with no per-pixel float arithmetic. */
__kernel void
interp_nearest_pow2 (__global const float *restrict in, __global float *restrict out,
                     const int C, const int IH, const int IW, const int F)
{
  const int x0 = get_global_id (0) * 8, y = get_global_id (1), c = get_global_id (2);
  const int OW = IW * F;
  if (x0 >= IW || y >= IH * F || c >= C)
    return;
  const int n = min (8, IW - x0);
  const __global float *src = in + ((size_t) c * IH + y / F) * IW + x0;
  __global float *dst = out + ((size_t) c * IH * F + y) * OW + (size_t) x0 * F;
  for (int j = 0; j < n; j++)
    {
      const float v = src[j];
      for (int k = 0; k < F; k++)
        dst[j * F + k] = v;
    }
}

/* Coefficients come from the host (enlarge_linear_coeffs) so both paths
 * use the very same numbers. */
__kernel void
interp_bilinear (__global const float *restrict in, __global float *restrict out,
                 const int C, const int IH, const int IW, const int OH, const int OW,
                 __global const int *xo, __global const float *xa,
                 __global const int *yo, __global const float *ya)
{
  const int x = get_global_id (0), y = get_global_id (1), c = get_global_id (2);
  if (x >= OW || y >= OH || c >= C)
    return;
  const __global float *s = in + (size_t) c * IH * IW;
  const int x0 = xo[x], x1 = min (x0 + 1, IW - 1);
  const int y0 = yo[y], y1 = min (y0 + 1, IH - 1);
  const float fx = xa[x], fy = ya[y];
  const float top = s[y0 * IW + x0] * (1 - fx) + s[y0 * IW + x1] * fx;
  const float bot = s[y1 * IW + x0] * (1 - fx) + s[y1 * IW + x1] * fx;
  out[((size_t) c * OH + y) * OW + x] = top * (1 - fy) + bot * fy;
}

__kernel void
interp_bicubic (__global const float *restrict in, __global float *restrict out,
                const int C, const int IH, const int IW, const int OH, const int OW,
                __global const int *xo, __global const float *xa,
                __global const int *yo, __global const float *ya)
{
  const int x = get_global_id (0), y = get_global_id (1), c = get_global_id (2);
  if (x >= OW || y >= OH || c >= C)
    return;
  const __global float *s = in + (size_t) c * IH * IW;
  float acc = 0.f;
  for (int ky = 0; ky < 4; ky++)
    {
      const int sy = clamp (yo[y] + ky, 0, IH - 1);
      float row = 0.f;
      for (int kx = 0; kx < 4; kx++)
        row += xa[4 * x + kx] * s[sy * IW + clamp (xo[x] + kx, 0, IW - 1)];
      acc += ya[4 * y + ky] * row;
    }
  out[((size_t) c * OH + y) * OW + x] = acc;
}

/* mode: 0 same shape, 1 scalar b, 2 b is one value per channel */
__kernel void
binary_op (__global const float *a, __global const float *b, __global float *out,
           const int op, const int mode, const float scalar, const int plane,
           const int n)
{
  const int i = get_global_id (0);
  if (i >= n)
    return;
  const float x = a[i];
  const float y = mode == 1 ? scalar : mode == 2 ? b[i / plane] : b[i];
  float r;
  switch (op)
    {
    case 1: r = x - y; break;
    case 2: r = x * y; break;
    case 3: r = x / y; break;
    case 4: r = fmax (x, y); break;
    case 5: r = fmin (x, y); break;
    default: r = x + y; break;
    }
  out[i] = r;
}
