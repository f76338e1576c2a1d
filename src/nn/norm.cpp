#include "nn/norm.h"

#include <cmath>

#include "nn/kernels.h"

namespace lmpack::nn {

float rmsnorm_forward(const float* x, const float* gain, float* y, std::size_t n, float eps) {
  const float ss = kernels().dot(x, x, n);
  const float ms = ss / static_cast<float>(n);
  const float r = 1.0f / std::sqrt(ms + eps);  // sqrt and / are exactly rounded (IEEE)
  for (std::size_t i = 0; i < n; ++i) {
    const float xh = x[i] * r;
    y[i] = xh * gain[i];
  }
  return r;
}

void rmsnorm_backward(const float* x, const float* gain, float r, const float* dy, float* dx,
                      float* dgain, float* tmp, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) tmp[i] = gain[i] * dy[i];
  const float a = kernels().dot(tmp, x, n);
  const float r3 = r * r * r;
  const float c = r3 * a / static_cast<float>(n);
  for (std::size_t i = 0; i < n; ++i) {
    const float xh = x[i] * r;
    const float gd = dy[i] * xh;
    dgain[i] = dgain[i] + gd;
    const float direct = r * tmp[i];
    const float through_r = x[i] * c;
    dx[i] = dx[i] + (direct - through_r);
  }
}

}  // namespace lmpack::nn
