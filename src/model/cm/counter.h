// Adaptive bit probabilities for hashed contexts, with a short bit history.
//
// A counter packs, in 32 bits: a 16-bit probability that the next bit is 1 (bits 31..16), a
// 6-bit count of updates (bits 15..10) and the last bits seen in the context, up to 9 of them,
// behind a leading 1 (bits 9..0). Young counters learn fast (rate 1/(n+1.5)); the count stops
// at a limit so old contexts keep adapting. The history lets a shared map learn what a given
// pattern of recent bits predicts, which a single probability cannot express.
#pragma once

#include <array>
#include <cstdint>

namespace lmpack::model::cm {

inline constexpr std::uint32_t kCounterInit = (32768u << 16) | 1u;  // p = 0.5, n = 0, no history
inline constexpr int kCounterMaxLimit = 63;
inline constexpr int kHistoryStates = 1024;

// rate[n] = 65536 / (n + 1.5): how far an update moves a counter seen n times before.
constexpr std::array<std::uint32_t, 64> make_counter_rates() {
  std::array<std::uint32_t, 64> rate{};
  for (int n = 0; n < 64; ++n) rate[n] = static_cast<std::uint32_t>(131072 / (2 * n + 3));
  return rate;
}

inline constexpr std::array<std::uint32_t, 64> kCounterRates = make_counter_rates();

inline int counter_p12(std::uint32_t c) { return static_cast<int>(c >> 20); }
inline int counter_n(std::uint32_t c) { return static_cast<int>((c >> 10) & 63); }
inline int counter_history(std::uint32_t c) { return static_cast<int>(c & 1023); }

inline void counter_update(std::uint32_t& c, int bit, int limit) {
  const int n = counter_n(c);
  const std::int32_t p = static_cast<std::int32_t>(c >> 16);
  const std::int32_t target = bit ? 65535 : 0;
  // (target - p) fits 17 signed bits and rate/2 fits 15, so the product fits 32 bits.
  const std::int32_t np = p + (((target - p) * static_cast<std::int32_t>(kCounterRates[n] >> 1)) >> 15);
  std::uint32_t h = ((c & 1023) << 1) | static_cast<std::uint32_t>(bit);
  if (h >= 1024) h = (h & 511) | 512;  // keep the 9 most recent bits behind the leading 1
  c = (static_cast<std::uint32_t>(np) << 16) | (static_cast<std::uint32_t>(n < limit ? n + 1 : n) << 10) | h;
}

}  // namespace lmpack::model::cm
