#include "model/cm/mixer_kernels.h"

namespace lmpack::model::cm {

// GCC builds each function for every listed target and picks one when the program loads, from
// what the CPU supports; the baseline "default" clone runs anywhere.
#define LMPACK_CLONES __attribute__((target_clones("avx2", "sse4.1", "default")))

LMPACK_CLONES std::int32_t mixer_dot(const std::int32_t* x, const std::int32_t* w, int n) {
  std::int32_t sum = 0;
  for (int i = 0; i < n; ++i) sum += (x[i] * w[i]) >> 8;
  return sum;
}

LMPACK_CLONES void mixer_train(const std::int32_t* x, std::int32_t* w, int n, int err,
                               int shift) {
  const std::int32_t round = 1 << (shift - 1);
  for (int i = 0; i < n; ++i) {
    std::int32_t v = w[i] + ((x[i] * err + round) >> shift);
    v = v > kMaxWeight ? kMaxWeight : v;
    v = v < -kMaxWeight ? -kMaxWeight : v;
    w[i] = v;
  }
}

}  // namespace lmpack::model::cm
