#include "coder/quantize.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cstddef>
#include <functional>
#include <vector>

namespace lmpack::coder {
namespace {

constexpr int kMaxTotalBits = 16;

// Biased exponent field of a float that counts as a positive weight, or 0 if it does not
// (zero, negative, NaN, inf). Subnormals report 1: their scale is that of the smallest normal.
std::uint32_t weight_exponent(std::uint32_t bits) {
  const std::uint32_t exponent = (bits >> 23) & 0xffu;
  if ((bits >> 31) != 0 || exponent == 0xffu || (bits & 0x7fffffffu) == 0) return 0;
  return exponent == 0 ? 1 : exponent;
}

// Steps 2-4 of the header's algorithm. Reads weights[i] before writing freqs[i], so the two may
// alias exactly (the float path passes the same storage).
void quantize_weights(std::span<const std::uint32_t> weights, std::span<std::uint32_t> freqs,
                      int total_bits) {
  const std::size_t n = freqs.size();
  const std::uint64_t total = std::uint64_t{1} << total_bits;

  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += weights[i];

  if (sum == 0) {
    const auto share = static_cast<std::uint32_t>(total / n);
    const std::size_t extra = total % n;
    for (std::size_t i = 0; i < n; ++i) freqs[i] = share + (i < extra ? 1u : 0u);
    return;
  }

  // Remainders are < sum < 2^48, so a remainder and a 16-bit inverted index pack into one key
  // whose descending order is "larger remainder first, then lower index".
  std::array<std::uint64_t, 256> small_keys;
  std::vector<std::uint64_t> large_keys;
  std::uint64_t* keys = small_keys.data();
  if (n > small_keys.size()) {
    large_keys.resize(n);
    keys = large_keys.data();
  }

  const std::uint64_t spare = total - n;
  // Exact floor(scaled / sum) without a division per entry: with inverse = floor((2^64-1) / sum)
  // the high half of scaled * inverse is the quotient or one below it (scaled < 2^48 keeps the
  // error under one), and the remainder test fixes that. The result is the exact quotient.
  const std::uint64_t inverse = ~std::uint64_t{0} / sum;
  std::uint64_t given = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t scaled = std::uint64_t{weights[i]} * spare;  // < 2^32 * 2^16
    std::uint64_t share =
        static_cast<std::uint64_t>((static_cast<unsigned __int128>(scaled) * inverse) >> 64);
    std::uint64_t rem = scaled - share * sum;
    if (rem >= sum) {
      ++share;
      rem -= sum;
    }
    keys[i] = (rem << 16) | (0xffffu - i);
    freqs[i] = static_cast<std::uint32_t>(1 + share);
    given += share;
  }

  const std::size_t left = static_cast<std::size_t>(spare - given);  // < n
  if (left == 0) return;
  // Keys are distinct, so the set of the `left` largest is unique whatever the selection does.
  std::nth_element(keys, keys + (left - 1), keys + n, std::greater<>());
  for (std::size_t j = 0; j < left; ++j) ++freqs[0xffffu - (keys[j] & 0xffffu)];
}

bool check_sizes(std::size_t n_in, std::span<std::uint32_t> freqs, int total_bits) {
  assert(n_in == freqs.size());
  assert(total_bits >= 1 && total_bits <= kMaxTotalBits);
  assert(freqs.size() <= (std::size_t{1} << total_bits));
  if (n_in != freqs.size() || total_bits < 1 || total_bits > kMaxTotalBits ||
      freqs.size() > (std::size_t{1} << total_bits)) {
    std::fill(freqs.begin(), freqs.end(), 1u);
    return false;
  }
  return !freqs.empty();
}

}  // namespace

void quantize_distribution(std::span<const float> probs, std::span<std::uint32_t> freqs,
                           int total_bits) {
  if (!check_sizes(probs.size(), freqs, total_bits)) return;

  std::uint32_t max_exponent = 0;
  for (const float p : probs) {
    max_exponent = std::max(max_exponent, weight_exponent(std::bit_cast<std::uint32_t>(p)));
  }
  // w = floor(p * 2^(158 - max_exponent)): p = mantissa * 2^(exponent - 150), so w is the 24-bit
  // mantissa shifted left by 8 and then right by (max_exponent - exponent), flooring exactly.
  for (std::size_t i = 0; i < probs.size(); ++i) {
    const auto bits = std::bit_cast<std::uint32_t>(probs[i]);
    const std::uint32_t exponent = weight_exponent(bits);
    std::uint32_t weight = 0;
    if (exponent != 0) {
      const std::uint32_t mantissa = (bits & 0x7fffffu) | (((bits >> 23) & 0xffu) ? 0x800000u : 0u);
      const std::uint32_t shift = max_exponent - exponent;
      weight = shift >= 32 ? 0u : (mantissa << 8) >> shift;
    }
    freqs[i] = weight;
  }
  quantize_weights(freqs, freqs, total_bits);
}

void quantize_distribution(std::span<const std::uint32_t> weights, std::span<std::uint32_t> freqs,
                           int total_bits) {
  if (!check_sizes(weights.size(), freqs, total_bits)) return;
  quantize_weights(weights, freqs, total_bits);
}

void cumulative(std::span<const std::uint32_t> freqs, std::span<std::uint32_t> cum) {
  assert(cum.size() == freqs.size() + 1);
  if (cum.size() != freqs.size() + 1) return;
  std::uint32_t running = 0;
  cum[0] = 0;
  for (std::size_t i = 0; i < freqs.size(); ++i) {
    running += freqs[i];
    cum[i + 1] = running;
  }
}

}  // namespace lmpack::coder
