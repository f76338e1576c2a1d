// Adaptive bit probabilities for hashed contexts.
//
// A counter packs a 22-bit probability that the next bit is 1 with a 10-bit count of how often
// it was updated. Young counters learn fast (rate 1/(n+1.5)); the count stops at a limit so old
// contexts keep adapting to change.
#pragma once

#include <array>
#include <cstdint>

namespace lmpack::model::cm {

inline constexpr std::uint32_t kCounterInit = 1u << 31;  // p = 0.5, n = 0

// rate[n] = 65536 / (n + 1.5): how far an update moves a counter seen n times before.
constexpr std::array<std::uint32_t, 1024> make_counter_rates() {
  std::array<std::uint32_t, 1024> rate{};
  for (int n = 0; n < 1024; ++n) rate[n] = static_cast<std::uint32_t>(131072 / (2 * n + 3));
  return rate;
}

inline constexpr std::array<std::uint32_t, 1024> kCounterRates = make_counter_rates();

inline int counter_p12(std::uint32_t c) { return static_cast<int>(c >> 20); }
inline int counter_n(std::uint32_t c) { return static_cast<int>(c & 1023); }

inline void counter_update(std::uint32_t& c, int bit, int limit) {
  const int n = counter_n(c);
  const std::int64_t p = c >> 10;
  const std::int64_t target = bit ? (1 << 22) - 1 : 0;
  const std::int64_t np = p + (((target - p) * kCounterRates[n]) >> 16);
  c = (static_cast<std::uint32_t>(np) << 10) | static_cast<std::uint32_t>(n < limit ? n + 1 : n);
}

}  // namespace lmpack::model::cm
