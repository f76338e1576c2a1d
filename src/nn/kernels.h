// The float32 kernels every neural model is built from: one scalar reference that defines the
// result, and AVX2 / AVX-512 variants that must equal it bit for bit (determinism rule: a fixed
// partial-sum order whatever the SIMD width, no FMA contraction, no libm).
//
// The canonical reduction order ("16-lane order"), used by dot() and sum():
//   lane l (0..15) accumulates elements i = l, l+16, l+32, ... of the first n16 = n & ~15
//   elements, in ascending i, as acc[l] = acc[l] + a[i]*b[i] (a product rounded to float, then an
//   add rounded to float: never fused). The 16 lanes are folded by halves:
//   acc[l] += acc[l+8] (l<8), then acc[l] += acc[l+4] (l<4), acc[l] += acc[l+2] (l<2),
//   r = acc[0] + acc[1]; then the tail elements i = n16..n-1 are added in order: r = r + a[i]*b[i].
// Every kernel below that reduces uses exactly this order, so matmul row t equals matvec on row t,
// and AVX2 (two 8-float registers = lanes 0-7 and 8-15) equals AVX-512 equals scalar.
//
// Kernels that do not reduce (axpy, outer products, element-wise maps) compute each output
// element with the same sequence of IEEE float operations in every variant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace lmpack::nn {

enum class Simd : std::uint8_t { kScalar = 0, kAvx2 = 1, kAvx512 = 2 };

// Adam with per-element gradient clipping to [-clip, clip]. The caller folds the bias
// corrections into lr_t (lr * sqrt(1 - beta2^t) / (1 - beta1^t), computed in float).
struct AdamStep {
  float lr_t;
  float beta1;  // e.g. 0.9
  float beta2;  // e.g. 0.999
  float eps;    // e.g. 1e-6
  float clip;   // gradient clip, e.g. 5
};

struct KernelTable {
  Simd simd;
  const char* name;  // "scalar", "avx2", "avx512"

  // Canonical 16-lane dot product of a[0..n) and b[0..n).
  float (*dot)(const float* a, const float* b, std::size_t n);
  // Canonical 16-lane sum of x[0..n) (as dot with b = 1, but without the multiplies:
  // acc[l] = acc[l] + x[i]).
  float (*sum)(const float* x, std::size_t n);
  // y[r] = dot(W + r*ldw, x, cols) for r < rows.              W: [rows, ldw], x: [cols]
  void (*matvec)(const float* W, std::size_t rows, std::size_t cols, std::size_t ldw,
                 const float* x, float* y);
  // Y[t*ldy + r] = dot(W + r*ldw, X + t*ldx, cols) for t < n, r < rows: n matvecs in one pass
  // (weights reused from cache across the n inputs), bit-identical to calling matvec n times.
  void (*matmul)(const float* W, std::size_t rows, std::size_t cols, std::size_t ldw,
                 const float* X, std::size_t n, std::size_t ldx, float* Y, std::size_t ldy);
  // y[c] = y[c] + g[r]*W[r*ldw + c] for r = 0, 1, ..., rows-1 in that order, c < cols
  // (the transposed product W^T g accumulated into y; no cross-lane reduction).
  void (*matvec_t_acc)(const float* W, std::size_t rows, std::size_t cols, std::size_t ldw,
                       const float* g, float* y);
  // dW[r*ldw + c] = dW[r*ldw + c] + g[r]*x[c] for r < rows, c < cols (rank-1 update).
  void (*outer_acc)(const float* g, std::size_t rows, const float* x, std::size_t cols, float* dW,
                    std::size_t ldw);
  // y[i] = y[i] + a*x[i].
  void (*axpy)(float a, const float* x, float* y, std::size_t n);
  // y[i] = x[i]*s.
  void (*scale)(const float* x, float s, float* y, std::size_t n);
  // y[i] = exp(x[i]) by lmpack's own approximation (nn/math.h), x clamped to [-87, 88].
  void (*exp)(const float* x, float* y, std::size_t n);
  // y[i] = 1 / (1 + exp(-x[i])).
  void (*sigmoid)(const float* x, float* y, std::size_t n);
  // y[i] = 2*sigmoid(2*x[i]) - 1.
  void (*tanh)(const float* x, float* y, std::size_t n);
  // y = softmax(x): m = max(x); e[i] = exp(x[i] - m); s = sum(e) (canonical); y[i] = e[i] * (1/s).
  // x and y may alias.
  void (*softmax)(const float* x, float* y, std::size_t n);
  // One Adam step over n parameters: g' = clamp(g, -clip, clip);
  // m = beta1*m + (1-beta1)*g'; v = beta2*v + (1-beta2)*(g'*g'); w = w - lr_t*m/(sqrt(v)+eps).
  void (*adam)(float* w, float* m, float* v, const float* g, std::size_t n, const AdamStep& s);
};

// The reference and the variants. kernels_for() returns the scalar table for a variant this
// CPU (or this build) cannot run, so check simd_supported() first when it matters.
const KernelTable& kernels_for(Simd simd);
bool simd_supported(Simd simd);

// The table models use: the best supported variant, unless forced by force_simd() or by the
// environment variable LMPACK_SIMD=scalar|avx2|avx512 (read once, on first use).
const KernelTable& kernels();
// Forces a variant for the whole process; false if this CPU cannot run it (nothing changes).
bool force_simd(Simd simd);
// "scalar" / "avx2" / "avx512" <-> Simd; parse returns false on an unknown name.
const char* simd_name(Simd simd);
bool parse_simd(const std::string& name, Simd& out);

}  // namespace lmpack::nn
