// The AVX2 kernels: the scalar reference's results bit for bit (kernels.h). A 16-lane
// accumulator is two 8-float registers, lanes 0-7 and 8-15; products and sums are separate
// mul/add instructions (never FMA), clamps use max/min with the operand order that gives the
// scalar ternary's answer for NaN too (maxps/minps return the second operand on NaN).
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "nn/kernel_variants.h"
#include "nn/math.h"

// The target applies only between push and pop: inline functions from the headers above keep
// the baseline ISA, so no AVX2 copy of them can be picked by the linker for baseline callers.
#pragma GCC push_options
#pragma GCC target("avx2")

namespace lmpack::nn {
namespace {

using std::size_t;

constexpr size_t kMmRows = 4;    // matmul tile: rows x inputs, one dot per register
constexpr size_t kMmInputs = 2;  //
// matmul: inputs per pass over the weights. Each row tile is reused from L1 across the whole
// block while the inputs stream from L2; measured faster than blocks that fit in L1 (8, 16).
constexpr size_t kMmInputBlock = 64;
constexpr size_t kTRowBlock = 64;  // matvec_t_acc: rows accumulated before y goes back to memory
constexpr size_t kTCols = 64;      // matvec_t_acc: y columns held in 8 registers

// Lanes [8 - k, 8) set: loads and stores of the last k < 8 elements.
alignas(32) const std::int32_t kMaskBits[16] = {-1, -1, -1, -1, -1, -1, -1, -1,
                                                0,  0,  0,  0,  0,  0,  0,  0};
inline __m256i tail_mask(size_t k) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kMaskBits + 8 - k));
}

// fold_lanes() of kernels_scalar.cpp: acc[l] += acc[l+8], += acc[l+4], += acc[l+2], acc0 + acc1.
inline float fold(__m256 lo, __m256 hi) {
  const __m256 v = _mm256_add_ps(lo, hi);
  __m128 q = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  q = _mm_add_ps(q, _mm_movehl_ps(q, q));
  q = _mm_add_ss(q, _mm_movehdup_ps(q));
  return _mm_cvtss_f32(q);
}

// The folded lanes plus the tail a[i]*b[i], i in [n16, n), in order.
inline float finish_dot(__m256 lo, __m256 hi, const float* a, const float* b, size_t n16,
                        size_t n) {
  float r = fold(lo, hi);
  for (size_t i = n16; i < n; ++i) {
    const float prod = a[i] * b[i];
    r = r + prod;
  }
  return r;
}

float dot(const float* a, const float* b, size_t n) {
  __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
  const size_t n16 = n & ~size_t{15};
  for (size_t i = 0; i < n16; i += 16) {
    lo = _mm256_add_ps(lo, _mm256_mul_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
    hi = _mm256_add_ps(hi, _mm256_mul_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8)));
  }
  return finish_dot(lo, hi, a, b, n16, n);
}

// Canonical sum: used by sum() and by softmax after the lanes were accumulated elsewhere.
inline float finish_sum(__m256 lo, __m256 hi, const float* x, size_t n16, size_t n) {
  float r = fold(lo, hi);
  for (size_t i = n16; i < n; ++i) r = r + x[i];
  return r;
}

float sum(const float* x, size_t n) {
  __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
  const size_t n16 = n & ~size_t{15};
  for (size_t i = 0; i < n16; i += 16) {
    lo = _mm256_add_ps(lo, _mm256_loadu_ps(x + i));
    hi = _mm256_add_ps(hi, _mm256_loadu_ps(x + i + 8));
  }
  return finish_sum(lo, hi, x, n16, n);
}

// Folds eight dots at once: v[s] holds dot s's lanes after the first fold step (acc[l] +
// acc[l+8]); the remaining steps pair lanes exactly as fold_lanes() does, with the dots spread
// over the register. Lane 4h + k of the result is dot s = 2k + h.
inline __m256 fold8(const __m256* v) {
  __m256 t[4];
  for (int m = 0; m < 4; ++m) {  // acc[l] + acc[l+4]: halves [dot 2m | dot 2m+1]
    const __m256 a = v[2 * m], b = v[2 * m + 1];
    t[m] = _mm256_add_ps(_mm256_permute2f128_ps(a, b, 0x20), _mm256_permute2f128_ps(a, b, 0x31));
  }
  __m256 u[2];
  for (int m = 0; m < 2; ++m) {  // acc[l] + acc[l+2]: half h [dot 4m+h, dot 4m+2+h], 2 lanes each
    const __m256 a = t[2 * m], b = t[2 * m + 1];
    u[m] = _mm256_add_ps(_mm256_shuffle_ps(a, b, _MM_SHUFFLE(1, 0, 1, 0)),
                         _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 2, 3, 2)));
  }
  // acc[0] + acc[1]: half h [dot h, dot 2+h, dot 4+h, dot 6+h].
  return _mm256_add_ps(_mm256_shuffle_ps(u[0], u[1], _MM_SHUFFLE(2, 0, 2, 0)),
                       _mm256_shuffle_ps(u[0], u[1], _MM_SHUFFLE(3, 1, 3, 1)));
}

// R rows of W times T inputs (R*T <= 8): Y[t*ldy + r] = dot(W + r*ldw, X + t*ldx, cols). Each
// (r, t) pair has its own 16-lane accumulator, so the result is the single dot's; the tile only
// shares loads (x across rows, W across inputs). Lanes 0-7 and 8-15 are independent chains, so
// they run as two passes over the tile's columns (the rows are in L1 by the second): eight dots
// then need only eight registers.
template <size_t R, size_t T>
void tile(const float* W, size_t ldw, const float* X, size_t ldx, size_t cols, float* Y,
          size_t ldy) {
  static_assert(R * T <= 8);
  const size_t n16 = cols & ~size_t{15};
  __m256 half[2][R][T];
  for (size_t h = 0; h < 2; ++h) {
    __m256 acc[R][T];
#pragma GCC unroll 8
    for (size_t r = 0; r < R; ++r) {
#pragma GCC unroll 8
      for (size_t t = 0; t < T; ++t) acc[r][t] = _mm256_setzero_ps();
    }
    for (size_t i = 8 * h; i < n16; i += 16) {
      __m256 x[T];
#pragma GCC unroll 8
      for (size_t t = 0; t < T; ++t) x[t] = _mm256_loadu_ps(X + t * ldx + i);
#pragma GCC unroll 8
      for (size_t r = 0; r < R; ++r) {
        const __m256 w = _mm256_loadu_ps(W + r * ldw + i);
#pragma GCC unroll 8
        for (size_t t = 0; t < T; ++t) acc[r][t] = _mm256_add_ps(acc[r][t], _mm256_mul_ps(w, x[t]));
      }
    }
#pragma GCC unroll 8
    for (size_t r = 0; r < R; ++r) {
#pragma GCC unroll 8
      for (size_t t = 0; t < T; ++t) half[h][r][t] = acc[r][t];
    }
  }
  // Dot (r, t) goes to lane t*R + r of the folded register, i.e. slot 2k + h for lane 4h + k.
  __m256 v[8];
#pragma GCC unroll 8
  for (size_t s = 0; s < 8; ++s) v[s] = _mm256_setzero_ps();
#pragma GCC unroll 8
  for (size_t r = 0; r < R; ++r) {
#pragma GCC unroll 8
    for (size_t t = 0; t < T; ++t) {
      const size_t lane = t * R + r;
      v[2 * (lane % 4) + lane / 4] = _mm256_add_ps(half[0][r][t], half[1][r][t]);
    }
  }
  alignas(32) float out[8];
  _mm256_store_ps(out, fold8(v));
  for (size_t t = 0; t < T; ++t) {
    for (size_t r = 0; r < R; ++r) {
      const float* w = W + r * ldw;
      const float* x = X + t * ldx;
      float y = out[t * R + r];
      for (size_t i = n16; i < cols; ++i) {
        const float prod = w[i] * x[i];
        y = y + prod;
      }
      Y[t * ldy + r] = y;
    }
  }
}

using TileFn = void (*)(const float*, size_t, const float*, size_t, size_t, float*, size_t);

void matvec(const float* W, size_t rows, size_t cols, size_t ldw, const float* x, float* y) {
  size_t r = 0;
  for (; r + 8 <= rows; r += 8) tile<8, 1>(W + r * ldw, ldw, x, 0, cols, y + r, 0);
  if (r + 4 <= rows) tile<4, 1>(W + r * ldw, ldw, x, 0, cols, y + r, 0), r += 4;
  if (r + 2 <= rows) tile<2, 1>(W + r * ldw, ldw, x, 0, cols, y + r, 0), r += 2;
  if (r < rows) tile<1, 1>(W + r * ldw, ldw, x, 0, cols, y + r, 0);
}

void matmul(const float* W, size_t rows, size_t cols, size_t ldw, const float* X, size_t n,
            size_t ldx, float* Y, size_t ldy) {
  static constexpr TileFn kTiles[kMmRows + 1][kMmInputs + 1] = {
      {nullptr, nullptr, nullptr},       {nullptr, tile<1, 1>, tile<1, 2>},
      {nullptr, tile<2, 1>, tile<2, 2>}, {nullptr, tile<3, 1>, tile<3, 2>},
      {nullptr, tile<4, 1>, tile<4, 2>},
  };
  for (size_t t0 = 0; t0 < n; t0 += kMmInputBlock) {
    const size_t t_end = t0 + kMmInputBlock < n ? t0 + kMmInputBlock : n;
    for (size_t r = 0; r < rows; r += kMmRows) {
      const size_t nr = rows - r < kMmRows ? rows - r : kMmRows;
      for (size_t t = t0; t < t_end; t += kMmInputs) {
        const size_t nt = t_end - t < kMmInputs ? t_end - t : kMmInputs;
        kTiles[nr][nt](W + r * ldw, ldw, X + t * ldx, ldx, cols, Y + t * ldy + r, ldy);
      }
    }
  }
}

// y[c0 .. c0 + 8K) += g[r]*W[r, c] for r in [r0, r1), ascending r, y held in K registers.
template <size_t K>
void t_acc_cols(const float* W, size_t r0, size_t r1, size_t ldw, const float* g, float* y) {
  __m256 acc[K];
#pragma GCC unroll 8
  for (size_t k = 0; k < K; ++k) acc[k] = _mm256_loadu_ps(y + 8 * k);
  for (size_t r = r0; r < r1; ++r) {
    const __m256 gr = _mm256_set1_ps(g[r]);
    const float* w = W + r * ldw;
#pragma GCC unroll 8
    for (size_t k = 0; k < K; ++k) {
      acc[k] = _mm256_add_ps(acc[k], _mm256_mul_ps(gr, _mm256_loadu_ps(w + 8 * k)));
    }
  }
#pragma GCC unroll 8
  for (size_t k = 0; k < K; ++k) _mm256_storeu_ps(y + 8 * k, acc[k]);
}

void matvec_t_acc(const float* W, size_t rows, size_t cols, size_t ldw, const float* g, float* y) {
  for (size_t r0 = 0; r0 < rows; r0 += kTRowBlock) {
    const size_t r1 = rows - r0 < kTRowBlock ? rows : r0 + kTRowBlock;
    size_t c = 0;
    for (; c + kTCols <= cols; c += kTCols) t_acc_cols<kTCols / 8>(W + c, r0, r1, ldw, g, y + c);
    for (; c + 8 <= cols; c += 8) t_acc_cols<1>(W + c, r0, r1, ldw, g, y + c);
    if (c < cols) {
      const __m256i mask = tail_mask(cols - c);
      __m256 acc = _mm256_maskload_ps(y + c, mask);
      for (size_t r = r0; r < r1; ++r) {
        const __m256 w = _mm256_maskload_ps(W + r * ldw + c, mask);
        acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_set1_ps(g[r]), w));
      }
      _mm256_maskstore_ps(y + c, mask, acc);
    }
  }
}

// y[i] = y[i] + a*x[i] with a broadcast in av.
inline void axpy_v(__m256 av, const float* x, float* y, size_t n) {
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
#pragma GCC unroll 4
    for (size_t k = 0; k < 32; k += 8) {
      const __m256 p = _mm256_mul_ps(av, _mm256_loadu_ps(x + i + k));
      _mm256_storeu_ps(y + i + k, _mm256_add_ps(_mm256_loadu_ps(y + i + k), p));
    }
  }
  for (; i + 8 <= n; i += 8) {
    const __m256 p = _mm256_mul_ps(av, _mm256_loadu_ps(x + i));
    _mm256_storeu_ps(y + i, _mm256_add_ps(_mm256_loadu_ps(y + i), p));
  }
  if (i < n) {
    const __m256i mask = tail_mask(n - i);
    const __m256 p = _mm256_mul_ps(av, _mm256_maskload_ps(x + i, mask));
    _mm256_maskstore_ps(y + i, mask, _mm256_add_ps(_mm256_maskload_ps(y + i, mask), p));
  }
}

void outer_acc(const float* g, size_t rows, const float* x, size_t cols, float* dW, size_t ldw) {
  for (size_t r = 0; r < rows; ++r) axpy_v(_mm256_set1_ps(g[r]), x, dW + r * ldw, cols);
}

void axpy(float a, const float* x, float* y, size_t n) { axpy_v(_mm256_set1_ps(a), x, y, n); }

void scale(const float* x, float s, float* y, size_t n) {
  const __m256 sv = _mm256_set1_ps(s);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), sv));
  if (i < n) {
    const __m256i mask = tail_mask(n - i);
    _mm256_maskstore_ps(y + i, mask, _mm256_mul_ps(_mm256_maskload_ps(x + i, mask), sv));
  }
}

// math::exp, operation for operation.
inline __m256 exp8(__m256 x) {
  x = _mm256_max_ps(_mm256_set1_ps(math::kExpMin), x);  // x < min ? min : x
  x = _mm256_min_ps(_mm256_set1_ps(math::kExpMax), x);  // x > max ? max : x
  const __m256 magic = _mm256_set1_ps(math::kRoundMagic);
  __m256 n = _mm256_mul_ps(x, _mm256_set1_ps(math::kLog2e));
  n = _mm256_add_ps(n, magic);
  n = _mm256_sub_ps(n, magic);
  __m256 r = _mm256_sub_ps(x, _mm256_mul_ps(n, _mm256_set1_ps(math::kLn2Hi)));
  r = _mm256_sub_ps(r, _mm256_mul_ps(n, _mm256_set1_ps(math::kLn2Lo)));
  const __m256 one = _mm256_set1_ps(1.0f);
  __m256 p = _mm256_set1_ps(math::kExpC6);
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(math::kExpC5));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(math::kExpC4));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(math::kExpC3));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(math::kExpC2));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), one);
  p = _mm256_add_ps(_mm256_mul_ps(p, r), one);
  const __m256i e = _mm256_add_epi32(_mm256_cvttps_epi32(n), _mm256_set1_epi32(127));
  return _mm256_mul_ps(p, _mm256_castsi256_ps(_mm256_slli_epi32(e, 23)));
}

inline __m256 sigmoid8(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 e = exp8(_mm256_xor_ps(x, _mm256_set1_ps(-0.0f)));
  return _mm256_div_ps(one, _mm256_add_ps(one, e));
}

inline __m256 tanh8(__m256 x) {
  const __m256 two = _mm256_set1_ps(2.0f);
  const __m256 s = sigmoid8(_mm256_mul_ps(two, x));
  return _mm256_sub_ps(_mm256_mul_ps(two, s), _mm256_set1_ps(1.0f));
}

// y[i] = f(x[i]); the last n % 8 elements through a masked load/store. Four independent
// vectors per iteration keep both FP ports busy through exp's long dependency chain.
template <__m256 (*F)(__m256)>
void map(const float* x, float* y, size_t n) {
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256 a = F(_mm256_loadu_ps(x + i)), b = F(_mm256_loadu_ps(x + i + 8));
    const __m256 c = F(_mm256_loadu_ps(x + i + 16)), d = F(_mm256_loadu_ps(x + i + 24));
    _mm256_storeu_ps(y + i, a);
    _mm256_storeu_ps(y + i + 8, b);
    _mm256_storeu_ps(y + i + 16, c);
    _mm256_storeu_ps(y + i + 24, d);
  }
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, F(_mm256_loadu_ps(x + i)));
  if (i < n) {
    const __m256i mask = tail_mask(n - i);
    _mm256_maskstore_ps(y + i, mask, F(_mm256_maskload_ps(x + i, mask)));
  }
}

void exp_k(const float* x, float* y, size_t n) { map<exp8>(x, y, n); }
void sigmoid_k(const float* x, float* y, size_t n) { map<sigmoid8>(x, y, n); }
void tanh_k(const float* x, float* y, size_t n) { map<tanh8>(x, y, n); }

// The scalar loop's m = x[i] > m ? x[i] : m. maxps(x, m) is exactly that per lane, so m stays NaN
// if x[0] is NaN and NaN elements are skipped otherwise; the maximum of the other values does not
// depend on the order. Ties of +0 and -0 may resolve to the other zero than the scalar loop's,
// which cannot change softmax: x - (+0) and x - (-0) differ only for x = -0, and
// exp(+0) = exp(-0) = 1.
float max_of(const float* x, size_t n) {
  __m256 m0 = _mm256_set1_ps(x[0]), m1 = m0, m2 = m0, m3 = m0;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    m0 = _mm256_max_ps(_mm256_loadu_ps(x + i), m0);
    m1 = _mm256_max_ps(_mm256_loadu_ps(x + i + 8), m1);
    m2 = _mm256_max_ps(_mm256_loadu_ps(x + i + 16), m2);
    m3 = _mm256_max_ps(_mm256_loadu_ps(x + i + 24), m3);
  }
  for (; i + 8 <= n; i += 8) m0 = _mm256_max_ps(_mm256_loadu_ps(x + i), m0);
  const __m256 m = _mm256_max_ps(_mm256_max_ps(m0, m1), _mm256_max_ps(m2, m3));
  __m128 q = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
  q = _mm_max_ps(q, _mm_movehl_ps(q, q));
  q = _mm_max_ss(q, _mm_movehdup_ps(q));
  float r = _mm_cvtss_f32(q);
  for (; i < n; ++i) r = x[i] > r ? x[i] : r;
  return r;
}

void softmax(const float* x, float* y, size_t n) {
  if (n == 0) return;
  const __m256 m = _mm256_set1_ps(max_of(x, n));
  // e = exp(x - m) into y, its 16-lane sum accumulated on the way (chunks in ascending order).
  __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
  const size_t n16 = n & ~size_t{15};
  size_t i = 0;
  for (; i + 32 <= n16; i += 32) {
    const __m256 e0 = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), m));
    const __m256 e1 = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i + 8), m));
    const __m256 e2 = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i + 16), m));
    const __m256 e3 = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i + 24), m));
    _mm256_storeu_ps(y + i, e0);
    _mm256_storeu_ps(y + i + 8, e1);
    _mm256_storeu_ps(y + i + 16, e2);
    _mm256_storeu_ps(y + i + 24, e3);
    lo = _mm256_add_ps(_mm256_add_ps(lo, e0), e2);
    hi = _mm256_add_ps(_mm256_add_ps(hi, e1), e3);
  }
  for (; i < n16; i += 16) {
    const __m256 el = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), m));
    const __m256 eh = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i + 8), m));
    _mm256_storeu_ps(y + i, el);
    _mm256_storeu_ps(y + i + 8, eh);
    lo = _mm256_add_ps(lo, el);
    hi = _mm256_add_ps(hi, eh);
  }
  for (; i < n; i += 8) {
    const __m256i mask = tail_mask(n - i < 8 ? n - i : 8);
    const __m256 e = exp8(_mm256_sub_ps(_mm256_maskload_ps(x + i, mask), m));
    _mm256_maskstore_ps(y + i, mask, e);
  }
  const float inv = 1.0f / finish_sum(lo, hi, y, n16, n);
  scale(y, inv, y, n);
}

void adam(float* w, float* m, float* v, const float* g, size_t n, const AdamStep& s) {
  const __m256 b1 = _mm256_set1_ps(s.beta1), b2 = _mm256_set1_ps(s.beta2);
  const __m256 omb1 = _mm256_set1_ps(1.0f - s.beta1), omb2 = _mm256_set1_ps(1.0f - s.beta2);
  const __m256 lr = _mm256_set1_ps(s.lr_t), eps = _mm256_set1_ps(s.eps);
  const __m256 clip = _mm256_set1_ps(s.clip), nclip = _mm256_set1_ps(-s.clip);
  const auto step = [&](__m256 wi, __m256 mi, __m256 vi, __m256 gi, __m256& wo, __m256& mo,
                        __m256& vo) {
    gi = _mm256_max_ps(nclip, gi);  // g < -clip ? -clip : g
    gi = _mm256_min_ps(clip, gi);   // g > clip ? clip : g
    mo = _mm256_add_ps(_mm256_mul_ps(b1, mi), _mm256_mul_ps(omb1, gi));
    vo = _mm256_add_ps(_mm256_mul_ps(b2, vi), _mm256_mul_ps(omb2, _mm256_mul_ps(gi, gi)));
    const __m256 num = _mm256_mul_ps(lr, mo);
    const __m256 den = _mm256_add_ps(_mm256_sqrt_ps(vo), eps);
    wo = _mm256_sub_ps(wi, _mm256_div_ps(num, den));
  };
  size_t i = 0;
  __m256 wo, mo, vo;
  for (; i + 8 <= n; i += 8) {
    step(_mm256_loadu_ps(w + i), _mm256_loadu_ps(m + i), _mm256_loadu_ps(v + i),
         _mm256_loadu_ps(g + i), wo, mo, vo);
    _mm256_storeu_ps(w + i, wo);
    _mm256_storeu_ps(m + i, mo);
    _mm256_storeu_ps(v + i, vo);
  }
  if (i < n) {
    const __m256i mask = tail_mask(n - i);
    step(_mm256_maskload_ps(w + i, mask), _mm256_maskload_ps(m + i, mask),
         _mm256_maskload_ps(v + i, mask), _mm256_maskload_ps(g + i, mask), wo, mo, vo);
    _mm256_maskstore_ps(w + i, mask, wo);
    _mm256_maskstore_ps(m + i, mask, mo);
    _mm256_maskstore_ps(v + i, mask, vo);
  }
}

}  // namespace
}  // namespace lmpack::nn

#pragma GCC pop_options

namespace lmpack::nn {

const KernelTable& avx2_kernels() {
  static const KernelTable table{Simd::kAvx2, "avx2",       dot,       sum,     matvec,
                                 matmul,      matvec_t_acc, outer_acc, axpy,    scale,
                                 exp_k,       sigmoid_k,    tanh_k,    softmax, adam};
  return table;
}

}  // namespace lmpack::nn
