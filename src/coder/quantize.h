// The one shared probability quantiser (design.md, determinism rule 4): turns a model's
// distribution into integer frequencies for the range coder. Encoder and decoder must call it with
// bit-identical inputs; its output is then bit-identical on every build, since past the single
// exactly-defined float-to-fixed-point step below it is pure integer arithmetic.
//
// Algorithm, for n = freqs.size() entries and T = 2^total_bits:
//   1. Weights. The integer overload takes its weights as they are. The float overload maps NaN,
//      +-inf, negative values and zeros to weight 0, and every other p to w = floor(p * 2^k), with
//      one k for the whole call chosen so the largest p lands in [2^31, 2^32): k = 158 - E, where
//      E is the largest biased IEEE-754 exponent field among the positive entries (1 for
//      subnormals). The product and floor are done exactly with integer shifts of the bit pattern.
//   2. If every weight is 0 the result is uniform: T / n each, and the T % n leftover units go one
//      each to the lowest indices.
//   3. Otherwise each entry gets 1 (no symbol is ever impossible), and the spare R = T - n units
//   are
//      shared in proportion: entry i gets floor(w_i * R / W) more, where W = sum of weights.
//   4. The L units still left (L < n) go one each to the L entries with the largest remainders
//      (w_i * R) mod W, ties to the lower index (largest-remainder rounding).
// Consequences: freqs sum to exactly T, each is >= 1, and a larger weight never gets a smaller
// frequency than a smaller weight.
#pragma once

#include <cstdint>
#include <span>

namespace lmpack::coder {

// Requires probs.size() == freqs.size(), 1 <= total_bits <= 16 and freqs.size() <= 2^total_bits.
// An empty span is a no-op. If the size limit is broken (a caller bug; asserted in debug builds)
// every frequency is set to 1 rather than writing a distribution that cannot sum to 2^total_bits.
void quantize_distribution(std::span<const float> probs, std::span<std::uint32_t> freqs,
                           int total_bits);
void quantize_distribution(std::span<const std::uint32_t> weights, std::span<std::uint32_t> freqs,
                           int total_bits);

// cum[0] = 0 and cum[i + 1] = cum[i] + freqs[i]; requires cum.size() == freqs.size() + 1.
void cumulative(std::span<const std::uint32_t> freqs, std::span<std::uint32_t> cum);

}  // namespace lmpack::coder
