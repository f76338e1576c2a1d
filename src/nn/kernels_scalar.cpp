// The scalar reference kernels: they define every result bit (see kernels.h for the order).
#include <cmath>

#include "nn/kernel_variants.h"
#include "nn/math.h"

namespace lmpack::nn {
namespace {

constexpr std::size_t kLanes = 16;

float fold_lanes(float* acc) {
  for (std::size_t l = 0; l < 8; ++l) acc[l] = acc[l] + acc[l + 8];
  for (std::size_t l = 0; l < 4; ++l) acc[l] = acc[l] + acc[l + 4];
  for (std::size_t l = 0; l < 2; ++l) acc[l] = acc[l] + acc[l + 2];
  return acc[0] + acc[1];
}

float dot(const float* a, const float* b, std::size_t n) {
  float acc[kLanes] = {};
  const std::size_t n16 = n & ~(kLanes - 1);
  for (std::size_t i = 0; i < n16; i += kLanes) {
    for (std::size_t l = 0; l < kLanes; ++l) {
      const float prod = a[i + l] * b[i + l];
      acc[l] = acc[l] + prod;
    }
  }
  float r = fold_lanes(acc);
  for (std::size_t i = n16; i < n; ++i) {
    const float prod = a[i] * b[i];
    r = r + prod;
  }
  return r;
}

float sum(const float* x, std::size_t n) {
  float acc[kLanes] = {};
  const std::size_t n16 = n & ~(kLanes - 1);
  for (std::size_t i = 0; i < n16; i += kLanes) {
    for (std::size_t l = 0; l < kLanes; ++l) acc[l] = acc[l] + x[i + l];
  }
  float r = fold_lanes(acc);
  for (std::size_t i = n16; i < n; ++i) r = r + x[i];
  return r;
}

void matvec(const float* W, std::size_t rows, std::size_t cols, std::size_t ldw, const float* x,
            float* y) {
  for (std::size_t r = 0; r < rows; ++r) y[r] = dot(W + r * ldw, x, cols);
}

void matmul(const float* W, std::size_t rows, std::size_t cols, std::size_t ldw, const float* X,
            std::size_t n, std::size_t ldx, float* Y, std::size_t ldy) {
  for (std::size_t t = 0; t < n; ++t) matvec(W, rows, cols, ldw, X + t * ldx, Y + t * ldy);
}

void matvec_t_acc(const float* W, std::size_t rows, std::size_t cols, std::size_t ldw,
                  const float* g, float* y) {
  for (std::size_t r = 0; r < rows; ++r) {
    const float gr = g[r];
    const float* w = W + r * ldw;
    for (std::size_t c = 0; c < cols; ++c) {
      const float prod = gr * w[c];
      y[c] = y[c] + prod;
    }
  }
}

void outer_acc(const float* g, std::size_t rows, const float* x, std::size_t cols, float* dW,
               std::size_t ldw) {
  for (std::size_t r = 0; r < rows; ++r) {
    const float gr = g[r];
    float* d = dW + r * ldw;
    for (std::size_t c = 0; c < cols; ++c) {
      const float prod = gr * x[c];
      d[c] = d[c] + prod;
    }
  }
}

void axpy(float a, const float* x, float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const float prod = a * x[i];
    y[i] = y[i] + prod;
  }
}

void scale(const float* x, float s, float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = x[i] * s;
}

void exp_k(const float* x, float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = math::exp(x[i]);
}

void sigmoid_k(const float* x, float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = math::sigmoid(x[i]);
}

void tanh_k(const float* x, float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = math::tanh(x[i]);
}

void softmax(const float* x, float* y, std::size_t n) {
  if (n == 0) return;
  float m = x[0];
  for (std::size_t i = 1; i < n; ++i) m = x[i] > m ? x[i] : m;
  for (std::size_t i = 0; i < n; ++i) y[i] = math::exp(x[i] - m);
  const float inv = 1.0f / sum(y, n);
  for (std::size_t i = 0; i < n; ++i) y[i] = y[i] * inv;
}

void adam(float* w, float* m, float* v, const float* g, std::size_t n, const AdamStep& s) {
  const float omb1 = 1.0f - s.beta1;
  const float omb2 = 1.0f - s.beta2;
  for (std::size_t i = 0; i < n; ++i) {
    float gi = g[i];
    gi = gi < -s.clip ? -s.clip : gi;
    gi = gi > s.clip ? s.clip : gi;
    const float m1 = s.beta1 * m[i];
    const float m2 = omb1 * gi;
    m[i] = m1 + m2;
    const float gg = gi * gi;
    const float v1 = s.beta2 * v[i];
    const float v2 = omb2 * gg;
    v[i] = v1 + v2;
    const float num = s.lr_t * m[i];
    const float den = std::sqrt(v[i]) + s.eps;
    w[i] = w[i] - num / den;
  }
}

}  // namespace

const KernelTable& scalar_kernels() {
  static const KernelTable table{Simd::kScalar, "scalar",     dot,       sum,     matvec,
                                 matmul,        matvec_t_acc, outer_acc, axpy,    scale,
                                 exp_k,         sigmoid_k,    tanh_k,    softmax, adam};
  return table;
}

}  // namespace lmpack::nn
