// RMSNorm (Zhang & Sennrich 2019) with a learned per-feature gain, one row at a time:
//   r = 1 / sqrt(dot(x, x) / n + eps),  y[i] = (x[i] * r) * g[i].
// The pre-norm transformer normalises every sublayer input with it; the only reduction is the
// canonical kernels().dot, so every build agrees bit for bit.
#pragma once

#include <cstddef>

namespace lmpack::nn {

inline constexpr float kRmsNormEps = 1e-5f;

// Normalises x[0..n) into y (may alias x) and returns r, which the backward pass needs.
float rmsnorm_forward(const float* x, const float* gain, float* y, std::size_t n,
                      float eps = kRmsNormEps);

// Backward for one row, given x, the forward's r and dL/dy:
//   xh[i] = x[i] * r,  a = dot(g * dy, x),  c = r * r * r * a / n
//   dx[i]    += r * (g[i] * dy[i]) - x[i] * c      (accumulated: residual streams add up)
//   dgain[i] += dy[i] * xh[i]                       (accumulated over rows by the caller's order)
// tmp: [n] scratch.
void rmsnorm_backward(const float* x, const float* gain, float r, const float* dy, float* dx,
                      float* dgain, float* tmp, std::size_t n);

}  // namespace lmpack::nn
