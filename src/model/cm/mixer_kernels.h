// Integer kernels of the mixer. Exact integer arithmetic, so every instruction-set variant
// returns the same bits; the variants exist only for speed and are chosen at run time.
#pragma once

#include <cstdint>

namespace lmpack::model::cm {

inline constexpr int kMaxWeight = (1 << 19) - 1;  // weights are 16.16 fixed point, |w| < 8

// sum over i of (x[i] * w[i]) >> 8; n is a multiple of 8, |x| <= 2047, |w| <= kMaxWeight.
std::int32_t mixer_dot(const std::int32_t* x, const std::int32_t* w, int n);

// w[i] += (x[i] * err + 2^(shift-1)) >> shift, then clamped to +-kMaxWeight.
void mixer_train(const std::int32_t* x, std::int32_t* w, int n, int err, int shift);

// The same for three weight vectors sharing one input vector, in one pass over x.
void mixer_dot3(const std::int32_t* x, const std::int32_t* w0, const std::int32_t* w1,
                const std::int32_t* w2, int n, std::int32_t out[3]);
void mixer_train3(const std::int32_t* x, std::int32_t* w0, std::int32_t* w1, std::int32_t* w2,
                  int n, const std::int32_t err[3], int shift);

}  // namespace lmpack::model::cm
