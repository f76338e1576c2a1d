#include "model/cm/mixer_kernels.h"

namespace lmpack::model::cm {

// GCC builds each function for every listed target and picks one when the program loads, from
// what the CPU supports; the baseline "default" clone runs anywhere.
#define LMPACK_CLONES __attribute__((target_clones("avx2", "sse4.1", "default")))

namespace {
inline std::int32_t trained(std::int32_t w, std::int32_t x, std::int32_t err, std::int32_t round,
                            int shift) {
  std::int32_t v = w + ((x * err + round) >> shift);
  v = v > kMaxWeight ? kMaxWeight : v;
  return v < -kMaxWeight ? -kMaxWeight : v;
}
}  // namespace

LMPACK_CLONES std::int32_t mixer_dot(const std::int32_t* __restrict x,
                                     const std::int32_t* __restrict w, int n) {
  std::int32_t sum = 0;
  for (int i = 0; i < n; ++i) sum += (x[i] * w[i]) >> 8;
  return sum;
}

LMPACK_CLONES void mixer_train(const std::int32_t* __restrict x, std::int32_t* __restrict w, int n,
                               int err, int shift) {
  const std::int32_t round = 1 << (shift - 1);
  for (int i = 0; i < n; ++i) w[i] = trained(w[i], x[i], err, round, shift);
}

LMPACK_CLONES void mixer_dot3(const std::int32_t* __restrict x, const std::int32_t* __restrict w0,
                              const std::int32_t* __restrict w1, const std::int32_t* __restrict w2,
                              int n, std::int32_t out[3]) {
  std::int32_t s0 = 0, s1 = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    s0 += (x[i] * w0[i]) >> 8;
    s1 += (x[i] * w1[i]) >> 8;
    s2 += (x[i] * w2[i]) >> 8;
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
}

LMPACK_CLONES void mixer_train3(const std::int32_t* __restrict x, std::int32_t* __restrict w0,
                                std::int32_t* __restrict w1, std::int32_t* __restrict w2, int n,
                                const std::int32_t err[3], int shift) {
  const std::int32_t round = 1 << (shift - 1);
  const std::int32_t e0 = err[0], e1 = err[1], e2 = err[2];
  for (int i = 0; i < n; ++i) {
    w0[i] = trained(w0[i], x[i], e0, round, shift);
    w1[i] = trained(w1[i], x[i], e1, round, shift);
    w2[i] = trained(w2[i], x[i], e2, round, shift);
  }
}

}  // namespace lmpack::model::cm
