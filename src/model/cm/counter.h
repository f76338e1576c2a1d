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

// rate[n] = 32768 / (n + 1.5): how far an update moves a counter seen n times before (in
// units of 2^-15, so (target - p) * rate fits 32 bits).
constexpr std::array<std::int32_t, 64> make_counter_rates() {
  std::array<std::int32_t, 64> rate{};
  for (int n = 0; n < 64; ++n) rate[n] = static_cast<std::int32_t>((131072 / (2 * n + 3)) >> 1);
  return rate;
}

inline constexpr std::array<std::int32_t, 64> kCounterRates = make_counter_rates();

inline int counter_p12(std::uint32_t c) { return static_cast<int>(c >> 20); }
inline int counter_n(std::uint32_t c) { return static_cast<int>((c >> 10) & 63); }
inline int counter_history(std::uint32_t c) { return static_cast<int>(c & 1023); }

inline void counter_update(std::uint32_t& c, int bit, int limit) {
  const std::uint32_t v = c;
  int n = static_cast<int>((v >> 10) & 63);
  std::int32_t p = static_cast<std::int32_t>(v >> 16);
  const std::int32_t target = -bit & 65535;
  p += ((target - p) * kCounterRates[n]) >> 15;
  n += n < limit;
  // Shift the bit in; when the leading 1 reaches bit 10, move it back to bit 9 so the 9 most
  // recent bits stay.
  std::uint32_t h = ((v & 1023) << 1) | static_cast<std::uint32_t>(bit);
  h = (h & 1023) | ((h >> 1) & 512);
  c = (static_cast<std::uint32_t>(p) << 16) | (static_cast<std::uint32_t>(n) << 10) | h;
}

}  // namespace lmpack::model::cm
