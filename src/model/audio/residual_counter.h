// An adaptive bit probability for the residual coder: 16-bit P(bit == 1) and an update count.
// The rate is 1/(n + 1.5) until n reaches a per-use limit, so a fresh context learns from its
// first few bits (blocks start cold) and an old one settles to a slow, precise average.
#pragma once

#include <array>
#include <cstdint>

namespace lmpack::model::audio {

inline constexpr int kResidualCounterMaxLimit = 1023;

// rate[n] = 32768 / (n + 1.5); (65535 * rate[0]) still fits an int32.
constexpr std::array<std::int32_t, kResidualCounterMaxLimit + 1> make_residual_counter_rates() {
  std::array<std::int32_t, kResidualCounterMaxLimit + 1> r{};
  for (int n = 0; n <= kResidualCounterMaxLimit; ++n) r[n] = 65536 / (2 * n + 3);
  return r;
}

inline constexpr auto kResidualCounterRates = make_residual_counter_rates();

struct ResidualCounter {
  std::uint16_t p = 32768;
  std::uint16_t n = 0;

  std::uint32_t p16() const { return p; }
  // Kept away from 0 and 1 so that one surprise never costs more than ~10 bits.
  std::uint32_t p16_clamped() const { return p < 64 ? 64 : (p > 65472 ? 65472 : p); }

  void update(int bit, int limit) {
    const std::int32_t target = bit ? 65535 : 0;
    const std::int32_t pi = p;
    p = static_cast<std::uint16_t>(pi + (((target - pi) * kResidualCounterRates[n]) >> 15));
    if (n < limit) ++n;
  }
};

}  // namespace lmpack::model::audio
