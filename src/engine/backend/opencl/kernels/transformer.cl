/* The transformer layers (ops/enlarge-op-attention.h): LayerNorm over the
 * channels of a pixel, GELU, windowed self-attention, and the reflection
 * padding and crop around them. Planar CHW floats; each kernel follows
 * its op module's reference. */

/* one work-item a pixel: mean and biased variance over its channels */
__kernel void
layernorm (__global const float *restrict in, __global float *restrict out,
           __global const float *restrict gamma, __global const float *restrict beta,
           const int channels, const int plane, const float eps)
{
  const int i = get_global_id (0);
  if (i >= plane)
    return;
  __global const float *x = in + i;
  float mean = 0.f, var = 0.f;
  for (int k = 0; k < channels; k++)
    mean += x[(size_t) k * plane];
  mean /= channels;
  for (int k = 0; k < channels; k++)
    {
      const float d = x[(size_t) k * plane] - mean;
      var += d * d;
    }
  const float inv = 1.f / sqrt (var / channels + eps);
  for (int k = 0; k < channels; k++)
    out[(size_t) k * plane + i] = (x[(size_t) k * plane] - mean) * inv * gamma[k] + beta[k];
}

__kernel void
gelu (__global const float *restrict in, __global float *restrict out, const int n)
{
  const int i = get_global_id (0);
  if (i >= n)
    return;
  const float x = in[i];
  out[i] = 0.5f * x * (1.f + erf (x * M_SQRT1_2_F));
}

/* PyTorch's reflection, folded again past a second edge */
static int
reflect_index (int i, const int n)
{
  if (n == 1)
    return 0;
  const int period = 2 * (n - 1);
  i %= period;
  if (i < 0)
    i += period;
  return i < n ? i : period - i;
}

__kernel void
pad_reflect (__global const float *restrict in, __global float *restrict out, const int ih,
             const int iw, const int oh, const int ow, const int channels)
{
  const int x = get_global_id (0), y = get_global_id (1), c = get_global_id (2);
  if (x >= ow || y >= oh || c >= channels)
    return;
  out[((size_t) c * oh + y) * ow + x] =
    in[((size_t) c * ih + reflect_index (y, ih)) * iw + reflect_index (x, iw)];
}

__kernel void
crop_like (__global const float *restrict in, __global float *restrict out, const int ih,
           const int iw, const int oh, const int ow, const int channels)
{
  const int x = get_global_id (0), y = get_global_id (1), c = get_global_id (2);
  if (x >= ow || y >= oh || c >= channels)
    return;
  out[((size_t) c * oh + y) * ow + x] = in[((size_t) c * ih + y) * iw + x];
}

/* Swin's band of a rolled position (enlarge_attention_band) */
static int
attention_band (const int r, const int size, const int ws, const int s)
{
  if (s == 0 || r < size - ws)
    return 0;
  return r < size - s ? 1 : 2;
}

#define ATT_MAX_D 64

/* One work-item a pixel and head: the logits' maximum over the window
 * first, then the exponentials summed and the values accumulated in
 * registers (d ≤ ATT_MAX_D). */
__kernel void
window_attention (__global const float *restrict qkv, __global float *restrict out,
                  __global const float *restrict table, const int h, const int w,
                  const int heads, const int d, const int ws, const int s, const float scale)
{
  const int x = get_global_id (0), y = get_global_id (1), head = get_global_id (2);
  if (x >= w || y >= h || head >= heads)
    return;
  const int hp = (h + ws - 1) / ws * ws, wp = (w + ws - 1) / ws * ws;
  const size_t plane = (size_t) h * w;
  const int C = heads * d, tw = 2 * ws - 1;
  const int ry = (y - s + hp) % hp, rx = (x - s + wp) % wp;
  const int wy = ry / ws * ws, wx = rx / ws * ws;
  const int band = attention_band (ry, hp, ws, s) * 3 + attention_band (rx, wp, ws, s);
  __global const float *q = qkv + (size_t) head * d * plane + (size_t) y * w + x;
  __global const float *kb = qkv + (size_t) (C + head * d) * plane;
  __global const float *vb = qkv + (size_t) (2 * C + head * d) * plane;
  float qr[ATT_MAX_D], acc[ATT_MAX_D];
  float max = -INFINITY, sum = 0.f;

  for (int c = 0; c < d; c++)
    {
      qr[c] = q[c * plane];
      acc[c] = 0.f;
    }
  for (int pass = 0; pass < 2; pass++)
    for (int jy = 0; jy < ws; jy++)
      {
        const int rky = wy + jy, ky = (rky + s) % hp;
        if (ky >= h)
          continue;
        const int by = attention_band (rky, hp, ws, s) * 3;
        for (int jx = 0; jx < ws; jx++)
          {
            const int rkx = wx + jx, kx = (rkx + s) % wp;
            if (kx >= w)
              continue;
            const size_t at = (size_t) ky * w + kx;
            float dot = 0.f;
            for (int c = 0; c < d; c++)
              dot += qr[c] * kb[c * plane + at];
            float logit = dot * scale +
                          table[((ry - rky + ws - 1) * tw + rx - rkx + ws - 1) * heads + head];
            if (band != by + attention_band (rkx, wp, ws, s))
              logit -= 100.f;
            if (pass == 0)
              {
                max = fmax (max, logit);
                continue;
              }
            const float e = exp (logit - max);
            sum += e;
            for (int c = 0; c < d; c++)
              acc[c] += e * vb[c * plane + at];
          }
      }
  for (int c = 0; c < d; c++)
    out[(size_t) (head * d + c) * plane + (size_t) y * w + x] = acc[c] / sum;
}
