// lmpack's own float approximations of exp and friends: the same sequence of IEEE operations on
// every machine (libm's expf differs between library versions, so it is never used by a model).
// The SIMD kernels repeat these steps operation for operation.
#pragma once

#include <bit>
#include <cstdint>

namespace lmpack::nn::math {

inline constexpr float kExpMin = -87.0f;
inline constexpr float kExpMax = 88.0f;
inline constexpr float kLog2e = 1.44269504088896341f;
inline constexpr float kLn2Hi = 0.693145751953125f;       // ln 2 rounded to 15 significant bits
inline constexpr float kLn2Lo = 1.42860682030941723e-6f;  // ln 2 - kLn2Hi
inline constexpr float kRoundMagic = 12582912.0f;         // 1.5 * 2^23: x + magic - magic = rint(x)
// Taylor coefficients 1/6!, 1/5!, ..., 1/1!, 1/0! for Horner's rule on |r| <= ln2/2.
inline constexpr float kExpC6 = 1.0f / 720.0f;
inline constexpr float kExpC5 = 1.0f / 120.0f;
inline constexpr float kExpC4 = 1.0f / 24.0f;
inline constexpr float kExpC3 = 1.0f / 6.0f;
inline constexpr float kExpC2 = 0.5f;

// exp(x) = 2^n * e^r with n = rint(x*log2e), r = x - n*ln2 (two steps), e^r by a degree-6
// polynomial; 2^n built in the exponent bits. Relative error < 4e-7 on [-87, 88].
inline float exp(float x) {
  x = x < kExpMin ? kExpMin : x;
  x = x > kExpMax ? kExpMax : x;
  float n = x * kLog2e;
  n = n + kRoundMagic;
  n = n - kRoundMagic;
  float r = x - n * kLn2Hi;
  r = r - n * kLn2Lo;
  float p = kExpC6;
  p = p * r + kExpC5;
  p = p * r + kExpC4;
  p = p * r + kExpC3;
  p = p * r + kExpC2;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const std::int32_t bits = (static_cast<std::int32_t>(n) + 127) << 23;
  return p * std::bit_cast<float>(bits);
}

inline float sigmoid(float x) { return 1.0f / (1.0f + exp(-x)); }

inline float tanh(float x) { return 2.0f * sigmoid(2.0f * x) - 1.0f; }

}  // namespace lmpack::nn::math
