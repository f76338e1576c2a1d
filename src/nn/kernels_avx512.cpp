// The AVX-512 kernels: the scalar reference's results bit for bit (kernels.h). A 16-lane
// accumulator is one 16-float register, folded by halves like fold_lanes(); products and sums
// are separate mul/add instructions (never FMA), clamps use max/min with the operand order that
// gives the scalar ternary's answer for NaN too (maxps/minps return the second operand on NaN).
// Tails go through masked loads and stores, which touch only the selected elements.

// GCC 12 warns about the deliberately undefined registers inside avx512fintrin.h (GCC bug 105593).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

#include <cstddef>
#include <cstdint>

#include "nn/kernel_variants.h"
#include "nn/math.h"

// The target applies only between push and pop: inline functions from the headers above keep
// the baseline ISA, so no AVX-512 copy of them can be picked by the linker for baseline callers.
#pragma GCC push_options
#pragma GCC target("avx2,avx512f,avx512vl,avx512dq")

namespace lmpack::nn {
namespace {

using std::size_t;

constexpr size_t kMmRows = 4;    // matmul tile: rows x inputs, 16 accumulators
constexpr size_t kMmInputs = 4;  //
// matmul: inputs per pass over the weights. Each row tile is reused from L1 across the whole
// block while the inputs stream from L2; measured faster than blocks that fit in L1 (8, 16).
constexpr size_t kMmInputBlock = 64;
constexpr size_t kTRowBlock = 64;  // matvec_t_acc: rows accumulated before y goes back to memory
constexpr size_t kTCols = 128;     // matvec_t_acc: y columns held in 8 registers

inline __mmask16 tail_mask(size_t k) { return static_cast<__mmask16>((1u << k) - 1u); }

// fold_lanes() of kernels_scalar.cpp: acc[l] += acc[l+8], += acc[l+4], += acc[l+2], acc0 + acc1.
inline float fold(__m512 acc) {
  const __m256 v = _mm256_add_ps(_mm512_castps512_ps256(acc), _mm512_extractf32x8_ps(acc, 1));
  __m128 q = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  q = _mm_add_ps(q, _mm_movehl_ps(q, q));
  q = _mm_add_ss(q, _mm_movehdup_ps(q));
  return _mm_cvtss_f32(q);
}

// The folded lanes plus the tail a[i]*b[i], i in [n16, n), in order.
inline float finish_dot(__m512 acc, const float* a, const float* b, size_t n16, size_t n) {
  float r = fold(acc);
  for (size_t i = n16; i < n; ++i) {
    const float prod = a[i] * b[i];
    r = r + prod;
  }
  return r;
}

float dot(const float* a, const float* b, size_t n) {
  __m512 acc = _mm512_setzero_ps();
  const size_t n16 = n & ~size_t{15};
  for (size_t i = 0; i < n16; i += 16) {
    acc = _mm512_add_ps(acc, _mm512_mul_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i)));
  }
  return finish_dot(acc, a, b, n16, n);
}

inline float finish_sum(__m512 acc, const float* x, size_t n16, size_t n) {
  float r = fold(acc);
  for (size_t i = n16; i < n; ++i) r = r + x[i];
  return r;
}

float sum(const float* x, size_t n) {
  __m512 acc = _mm512_setzero_ps();
  const size_t n16 = n & ~size_t{15};
  for (size_t i = 0; i < n16; i += 16) acc = _mm512_add_ps(acc, _mm512_loadu_ps(x + i));
  return finish_sum(acc, x, n16, n);
}

// Folds sixteen dots at once, pairing lanes exactly as fold_lanes() does with the dots spread
// over the register: lane 4q + k of the result is dot s = 4k + q.
inline __m512 fold16(const __m512* a) {
  __m512 s[8];
  for (int m = 0; m < 8; ++m) {  // acc[l] + acc[l+8]: 256-bit halves [dot 2m | dot 2m+1]
    const __m512 x = a[2 * m], y = a[2 * m + 1];
    s[m] = _mm512_add_ps(_mm512_shuffle_f32x4(x, y, _MM_SHUFFLE(1, 0, 1, 0)),
                         _mm512_shuffle_f32x4(x, y, _MM_SHUFFLE(3, 2, 3, 2)));
  }
  __m512 t[4];
  for (int p = 0; p < 4; ++p) {  // acc[l] + acc[l+4]: 128-bit lane j is dot 4p + j
    const __m512 x = s[2 * p], y = s[2 * p + 1];
    t[p] = _mm512_add_ps(_mm512_shuffle_f32x4(x, y, _MM_SHUFFLE(2, 0, 2, 0)),
                         _mm512_shuffle_f32x4(x, y, _MM_SHUFFLE(3, 1, 3, 1)));
  }
  __m512 u[2];
  for (int m = 0; m < 2; ++m) {  // acc[l] + acc[l+2]: lane q [dot 8m+q, dot 8m+4+q], 2 each
    const __m512 x = t[2 * m], y = t[2 * m + 1];
    u[m] = _mm512_add_ps(_mm512_shuffle_ps(x, y, _MM_SHUFFLE(1, 0, 1, 0)),
                         _mm512_shuffle_ps(x, y, _MM_SHUFFLE(3, 2, 3, 2)));
  }
  // acc[0] + acc[1]: lane q [dot q, dot 4+q, dot 8+q, dot 12+q].
  return _mm512_add_ps(_mm512_shuffle_ps(u[0], u[1], _MM_SHUFFLE(2, 0, 2, 0)),
                       _mm512_shuffle_ps(u[0], u[1], _MM_SHUFFLE(3, 1, 3, 1)));
}

// R rows of W times T inputs (R*T <= 16): Y[t*ldy + r] = dot(W + r*ldw, X + t*ldx, cols). Each
// (r, t) pair has its own 16-lane accumulator, so the result is the single dot's; the tile only
// shares loads (x across rows, W across inputs).
template <size_t R, size_t T>
void tile(const float* W, size_t ldw, const float* X, size_t ldx, size_t cols, float* Y,
          size_t ldy) {
  static_assert(R * T <= 16);
  __m512 acc[R][T];
#pragma GCC unroll 16
  for (size_t r = 0; r < R; ++r) {
#pragma GCC unroll 16
    for (size_t t = 0; t < T; ++t) acc[r][t] = _mm512_setzero_ps();
  }
  const size_t n16 = cols & ~size_t{15};
  for (size_t i = 0; i < n16; i += 16) {
    __m512 x[T];
#pragma GCC unroll 16
    for (size_t t = 0; t < T; ++t) x[t] = _mm512_loadu_ps(X + t * ldx + i);
#pragma GCC unroll 16
    for (size_t r = 0; r < R; ++r) {
      const __m512 w = _mm512_loadu_ps(W + r * ldw + i);
#pragma GCC unroll 16
      for (size_t t = 0; t < T; ++t) acc[r][t] = _mm512_add_ps(acc[r][t], _mm512_mul_ps(w, x[t]));
    }
  }
  // Dot (r, t) goes to lane t*R + r of the folded register, i.e. slot 4k + q for lane 4q + k.
  __m512 v[16];
#pragma GCC unroll 16
  for (size_t s = 0; s < 16; ++s) v[s] = _mm512_setzero_ps();
#pragma GCC unroll 16
  for (size_t r = 0; r < R; ++r) {
#pragma GCC unroll 16
    for (size_t t = 0; t < T; ++t) {
      const size_t lane = t * R + r;
      v[4 * (lane % 4) + lane / 4] = acc[r][t];
    }
  }
  alignas(64) float out[16];
  _mm512_store_ps(out, fold16(v));
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
      {nullptr, nullptr, nullptr, nullptr, nullptr},
      {nullptr, tile<1, 1>, tile<1, 2>, tile<1, 3>, tile<1, 4>},
      {nullptr, tile<2, 1>, tile<2, 2>, tile<2, 3>, tile<2, 4>},
      {nullptr, tile<3, 1>, tile<3, 2>, tile<3, 3>, tile<3, 4>},
      {nullptr, tile<4, 1>, tile<4, 2>, tile<4, 3>, tile<4, 4>},
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

// y[c0 .. c0 + 16K) += g[r]*W[r, c] for r in [r0, r1), ascending r, y held in K registers;
// `mask` selects the columns of a last partial register (K = 1 only).
template <size_t K>
void t_acc_cols(const float* W, size_t r0, size_t r1, size_t ldw, const float* g, float* y,
                __mmask16 mask = 0xffff) {
  __m512 acc[K];
#pragma GCC unroll 8
  for (size_t k = 0; k < K; ++k) acc[k] = _mm512_maskz_loadu_ps(mask, y + 16 * k);
  for (size_t r = r0; r < r1; ++r) {
    const __m512 gr = _mm512_set1_ps(g[r]);
    const float* w = W + r * ldw;
#pragma GCC unroll 8
    for (size_t k = 0; k < K; ++k) {
      acc[k] = _mm512_add_ps(acc[k], _mm512_mul_ps(gr, _mm512_maskz_loadu_ps(mask, w + 16 * k)));
    }
  }
#pragma GCC unroll 8
  for (size_t k = 0; k < K; ++k) _mm512_mask_storeu_ps(y + 16 * k, mask, acc[k]);
}

void matvec_t_acc(const float* W, size_t rows, size_t cols, size_t ldw, const float* g, float* y) {
  for (size_t r0 = 0; r0 < rows; r0 += kTRowBlock) {
    const size_t r1 = rows - r0 < kTRowBlock ? rows : r0 + kTRowBlock;
    size_t c = 0;
    for (; c + kTCols <= cols; c += kTCols) t_acc_cols<kTCols / 16>(W + c, r0, r1, ldw, g, y + c);
    for (; c + 16 <= cols; c += 16) t_acc_cols<1>(W + c, r0, r1, ldw, g, y + c);
    if (c < cols) t_acc_cols<1>(W + c, r0, r1, ldw, g, y + c, tail_mask(cols - c));
  }
}

// y[i] = y[i] + a*x[i] with a broadcast in av.
inline void axpy_v(__m512 av, const float* x, float* y, size_t n) {
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
#pragma GCC unroll 4
    for (size_t k = 0; k < 64; k += 16) {
      const __m512 p = _mm512_mul_ps(av, _mm512_loadu_ps(x + i + k));
      _mm512_storeu_ps(y + i + k, _mm512_add_ps(_mm512_loadu_ps(y + i + k), p));
    }
  }
  for (; i + 16 <= n; i += 16) {
    const __m512 p = _mm512_mul_ps(av, _mm512_loadu_ps(x + i));
    _mm512_storeu_ps(y + i, _mm512_add_ps(_mm512_loadu_ps(y + i), p));
  }
  if (i < n) {
    const __mmask16 mask = tail_mask(n - i);
    const __m512 p = _mm512_mul_ps(av, _mm512_maskz_loadu_ps(mask, x + i));
    _mm512_mask_storeu_ps(y + i, mask, _mm512_add_ps(_mm512_maskz_loadu_ps(mask, y + i), p));
  }
}

void outer_acc(const float* g, size_t rows, const float* x, size_t cols, float* dW, size_t ldw) {
  for (size_t r = 0; r < rows; ++r) axpy_v(_mm512_set1_ps(g[r]), x, dW + r * ldw, cols);
}

void axpy(float a, const float* x, float* y, size_t n) { axpy_v(_mm512_set1_ps(a), x, y, n); }

void scale(const float* x, float s, float* y, size_t n) {
  const __m512 sv = _mm512_set1_ps(s);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, _mm512_mul_ps(_mm512_loadu_ps(x + i), sv));
  if (i < n) {
    const __mmask16 mask = tail_mask(n - i);
    _mm512_mask_storeu_ps(y + i, mask, _mm512_mul_ps(_mm512_maskz_loadu_ps(mask, x + i), sv));
  }
}

// math::exp, operation for operation.
inline __m512 exp16(__m512 x) {
  x = _mm512_max_ps(_mm512_set1_ps(math::kExpMin), x);  // x < min ? min : x
  x = _mm512_min_ps(_mm512_set1_ps(math::kExpMax), x);  // x > max ? max : x
  const __m512 magic = _mm512_set1_ps(math::kRoundMagic);
  __m512 n = _mm512_mul_ps(x, _mm512_set1_ps(math::kLog2e));
  n = _mm512_add_ps(n, magic);
  n = _mm512_sub_ps(n, magic);
  __m512 r = _mm512_sub_ps(x, _mm512_mul_ps(n, _mm512_set1_ps(math::kLn2Hi)));
  r = _mm512_sub_ps(r, _mm512_mul_ps(n, _mm512_set1_ps(math::kLn2Lo)));
  const __m512 one = _mm512_set1_ps(1.0f);
  __m512 p = _mm512_set1_ps(math::kExpC6);
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(math::kExpC5));
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(math::kExpC4));
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(math::kExpC3));
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(math::kExpC2));
  p = _mm512_add_ps(_mm512_mul_ps(p, r), one);
  p = _mm512_add_ps(_mm512_mul_ps(p, r), one);
  const __m512i e = _mm512_add_epi32(_mm512_cvttps_epi32(n), _mm512_set1_epi32(127));
  return _mm512_mul_ps(p, _mm512_castsi512_ps(_mm512_slli_epi32(e, 23)));
}

inline __m512 sigmoid16(__m512 x) {
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 e = exp16(_mm512_xor_ps(x, _mm512_set1_ps(-0.0f)));
  return _mm512_div_ps(one, _mm512_add_ps(one, e));
}

inline __m512 tanh16(__m512 x) {
  const __m512 two = _mm512_set1_ps(2.0f);
  const __m512 s = sigmoid16(_mm512_mul_ps(two, x));
  return _mm512_sub_ps(_mm512_mul_ps(two, s), _mm512_set1_ps(1.0f));
}

// y[i] = f(x[i]); the last n % 16 elements through a masked load/store. Four independent
// vectors per iteration keep both FP ports busy through exp's long dependency chain.
template <__m512 (*F)(__m512)>
void map(const float* x, float* y, size_t n) {
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m512 a = F(_mm512_loadu_ps(x + i)), b = F(_mm512_loadu_ps(x + i + 16));
    const __m512 c = F(_mm512_loadu_ps(x + i + 32)), d = F(_mm512_loadu_ps(x + i + 48));
    _mm512_storeu_ps(y + i, a);
    _mm512_storeu_ps(y + i + 16, b);
    _mm512_storeu_ps(y + i + 32, c);
    _mm512_storeu_ps(y + i + 48, d);
  }
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, F(_mm512_loadu_ps(x + i)));
  if (i < n) {
    const __mmask16 mask = tail_mask(n - i);
    _mm512_mask_storeu_ps(y + i, mask, F(_mm512_maskz_loadu_ps(mask, x + i)));
  }
}

void exp_k(const float* x, float* y, size_t n) { map<exp16>(x, y, n); }
void sigmoid_k(const float* x, float* y, size_t n) { map<sigmoid16>(x, y, n); }
void tanh_k(const float* x, float* y, size_t n) { map<tanh16>(x, y, n); }

// The scalar loop's m = x[i] > m ? x[i] : m. maxps(x, m) is exactly that per lane, so m stays NaN
// if x[0] is NaN and NaN elements are skipped otherwise; the maximum of the other values does not
// depend on the order. Ties of +0 and -0 may resolve to the other zero than the scalar loop's,
// which cannot change softmax: x - (+0) and x - (-0) differ only for x = -0, and
// exp(+0) = exp(-0) = 1.
float max_of(const float* x, size_t n) {
  __m512 m0 = _mm512_set1_ps(x[0]), m1 = m0, m2 = m0, m3 = m0;
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    m0 = _mm512_max_ps(_mm512_loadu_ps(x + i), m0);
    m1 = _mm512_max_ps(_mm512_loadu_ps(x + i + 16), m1);
    m2 = _mm512_max_ps(_mm512_loadu_ps(x + i + 32), m2);
    m3 = _mm512_max_ps(_mm512_loadu_ps(x + i + 48), m3);
  }
  for (; i + 16 <= n; i += 16) m0 = _mm512_max_ps(_mm512_loadu_ps(x + i), m0);
  const __m512 m = _mm512_max_ps(_mm512_max_ps(m0, m1), _mm512_max_ps(m2, m3));
  const __m256 v = _mm256_max_ps(_mm512_castps512_ps256(m), _mm512_extractf32x8_ps(m, 1));
  __m128 q = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  q = _mm_max_ps(q, _mm_movehl_ps(q, q));
  q = _mm_max_ss(q, _mm_movehdup_ps(q));
  float r = _mm_cvtss_f32(q);
  for (; i < n; ++i) r = x[i] > r ? x[i] : r;
  return r;
}

void softmax(const float* x, float* y, size_t n) {
  if (n == 0) return;
  const __m512 m = _mm512_set1_ps(max_of(x, n));
  // e = exp(x - m) into y, its 16-lane sum accumulated on the way (chunks in ascending order).
  __m512 acc = _mm512_setzero_ps();
  const size_t n16 = n & ~size_t{15};
  size_t i = 0;
  for (; i + 64 <= n16; i += 64) {
    const __m512 e0 = exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i), m));
    const __m512 e1 = exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i + 16), m));
    const __m512 e2 = exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i + 32), m));
    const __m512 e3 = exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i + 48), m));
    _mm512_storeu_ps(y + i, e0);
    _mm512_storeu_ps(y + i + 16, e1);
    _mm512_storeu_ps(y + i + 32, e2);
    _mm512_storeu_ps(y + i + 48, e3);
    acc = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(_mm512_add_ps(acc, e0), e1), e2), e3);
  }
  for (; i < n16; i += 16) {
    const __m512 e = exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i), m));
    _mm512_storeu_ps(y + i, e);
    acc = _mm512_add_ps(acc, e);
  }
  if (n16 < n) {
    const __mmask16 mask = tail_mask(n - n16);
    const __m512 e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(mask, x + n16), m));
    _mm512_mask_storeu_ps(y + n16, mask, e);
  }
  const float inv = 1.0f / finish_sum(acc, y, n16, n);
  scale(y, inv, y, n);
}

void adam(float* w, float* m, float* v, const float* g, size_t n, const AdamStep& s) {
  const __m512 b1 = _mm512_set1_ps(s.beta1), b2 = _mm512_set1_ps(s.beta2);
  const __m512 omb1 = _mm512_set1_ps(1.0f - s.beta1), omb2 = _mm512_set1_ps(1.0f - s.beta2);
  const __m512 lr = _mm512_set1_ps(s.lr_t), eps = _mm512_set1_ps(s.eps);
  const __m512 clip = _mm512_set1_ps(s.clip), nclip = _mm512_set1_ps(-s.clip);
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 mask = n - i < 16 ? tail_mask(n - i) : __mmask16{0xffff};
    __m512 gi = _mm512_maskz_loadu_ps(mask, g + i);
    gi = _mm512_max_ps(nclip, gi);  // g < -clip ? -clip : g
    gi = _mm512_min_ps(clip, gi);   // g > clip ? clip : g
    const __m512 mi = _mm512_maskz_loadu_ps(mask, m + i);
    const __m512 vi = _mm512_maskz_loadu_ps(mask, v + i);
    const __m512 mo = _mm512_add_ps(_mm512_mul_ps(b1, mi), _mm512_mul_ps(omb1, gi));
    const __m512 vo =
        _mm512_add_ps(_mm512_mul_ps(b2, vi), _mm512_mul_ps(omb2, _mm512_mul_ps(gi, gi)));
    const __m512 num = _mm512_mul_ps(lr, mo);
    const __m512 den = _mm512_add_ps(_mm512_sqrt_ps(vo), eps);
    const __m512 wo = _mm512_sub_ps(_mm512_maskz_loadu_ps(mask, w + i), _mm512_div_ps(num, den));
    _mm512_mask_storeu_ps(w + i, mask, wo);
    _mm512_mask_storeu_ps(m + i, mask, mo);
    _mm512_mask_storeu_ps(v + i, mask, vo);
  }
}

}  // namespace
}  // namespace lmpack::nn

#pragma GCC pop_options

namespace lmpack::nn {

const KernelTable& avx512_kernels() {
  static const KernelTable table{Simd::kAvx512, "avx512",     dot,       sum,     matvec,
                                 matmul,        matvec_t_acc, outer_acc, axpy,    scale,
                                 exp_k,         sigmoid_k,    tanh_k,    softmax, adam};
  return table;
}

}  // namespace lmpack::nn
