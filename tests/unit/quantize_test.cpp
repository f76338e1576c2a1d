// Properties and exact outputs of the shared probability quantiser.
#include "coder/quantize.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <span>
#include <vector>

namespace lmpack::coder {
namespace {

using Freqs = std::vector<std::uint32_t>;

Freqs quantize(const std::vector<float>& probs, int total_bits) {
  Freqs freqs(probs.size());
  quantize_distribution(probs, freqs, total_bits);
  return freqs;
}

Freqs quantize(const std::vector<std::uint32_t>& weights, int total_bits) {
  Freqs freqs(weights.size());
  quantize_distribution(weights, freqs, total_bits);
  return freqs;
}

std::uint64_t sum(const Freqs& freqs) {
  return std::accumulate(freqs.begin(), freqs.end(), std::uint64_t{0});
}

// Floats built from integers by exact operations, so the inputs are the same on every build.
std::vector<float> random_probs(std::mt19937_64& rng, std::size_t n) {
  std::vector<float> probs(n);
  const int spread = static_cast<int>(rng() % 40);
  for (auto& p : probs) {
    const auto mantissa = static_cast<float>(rng() >> 40);                   // < 2^24, exact
    p = std::ldexp(mantissa, -static_cast<int>(rng() % (spread + 1)) - 24);  // exact scaling
    if (rng() % 16 == 0) p = 0;
  }
  return probs;
}

TEST(Quantize, ExactSmallExamples) {
  // Spare 12 units: shares 6, 3, 1.5, 1.5; the last unit goes to the lower of the tied halves.
  EXPECT_EQ(quantize(std::vector<float>{0.5f, 0.25f, 0.125f, 0.125f}, 4), (Freqs{7, 4, 3, 2}));
  // Spare 28 of weight 10: shares 8.4, 0, 2.8, 16.8; remainders 4, 0, 8, 8 pick entries 2 and 3.
  EXPECT_EQ(quantize(Freqs{3, 0, 1, 6}, 5), (Freqs{9, 1, 4, 18}));
  // Uniform fallback: 16 / 3 = 5 each, the leftover unit to the lowest index.
  EXPECT_EQ(quantize(Freqs{0, 0, 0}, 4), (Freqs{6, 5, 5}));
  EXPECT_EQ(quantize(std::vector<float>{0.0f, -1.0f, std::numeric_limits<float>::quiet_NaN()}, 4),
            (Freqs{6, 5, 5}));
  // Not powers of two: 0.7f = 11744051 * 2^-24 (w = 3006477056 with k = 32), 0.2f = 13421773 *
  // 2^-26 (w = 858993472), 0.1f = 13421773 * 2^-27 (w = 429496736). Spare 13: shares 9.1, 2.6,
  // 1.3 -> 9, 2, 1; the largest remainder (entry 1) takes the last unit.
  EXPECT_EQ(quantize(std::vector<float>{0.7f, 0.2f, 0.1f}, 4), (Freqs{10, 4, 2}));
}

TEST(Quantize, SumsToTotalWithFloorOfOne) {
  std::mt19937_64 rng(1);
  for (int trial = 0; trial < 2000; ++trial) {
    const int bits = 1 + static_cast<int>(rng() % 16);
    const std::size_t limit = std::min<std::size_t>(std::size_t{1} << bits, 600);
    const std::size_t n = 1 + rng() % limit;
    const auto freqs = quantize(random_probs(rng, n), bits);
    ASSERT_EQ(sum(freqs), std::uint64_t{1} << bits) << "trial " << trial;
    for (const auto f : freqs) ASSERT_GE(f, 1u);
  }
}

TEST(Quantize, LargerProbabilityNeverGetsSmallerFrequency) {
  std::mt19937_64 rng(2);
  for (int trial = 0; trial < 300; ++trial) {
    const int bits = 8 + static_cast<int>(rng() % 9);
    auto probs = random_probs(rng, 256);
    for (int i = 0; i < 32; ++i) probs[rng() % 256] = probs[rng() % 256];  // plant ties
    const auto freqs = quantize(probs, bits);
    for (std::size_t i = 0; i < probs.size(); ++i) {
      for (std::size_t j = 0; j < probs.size(); ++j) {
        if (probs[i] > probs[j]) {
          ASSERT_GE(freqs[i], freqs[j]);
        }
        // Ties favour the lower index, and never by more than one unit.
        if (probs[i] == probs[j] && i < j) {
          ASSERT_GE(freqs[i], freqs[j]);
          ASSERT_LE(freqs[i], freqs[j] + 1);
        }
      }
    }
  }
}

TEST(Quantize, CloseToProportional) {
  // Largest-remainder rounding of the spare units: each share is within one unit of exact.
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 300; ++trial) {
    Freqs weights(256);
    for (auto& w : weights) w = static_cast<std::uint32_t>(rng() >> 44);
    const auto freqs = quantize(weights, 16);
    const double total = static_cast<double>(sum(weights));
    const double spare = 65536.0 - 256;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      const double exact = 1 + weights[i] * spare / total;
      ASSERT_LT(std::abs(freqs[i] - exact), 1.0) << i;
    }
  }
}

TEST(Quantize, UnusableEntriesCountAsZero) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const float denorm = std::numeric_limits<float>::denorm_min();
  EXPECT_EQ(quantize(std::vector<float>{nan, 1.0f, -inf, inf, -0.5f, -0.0f}, 4),
            (Freqs{1, 11, 1, 1, 1, 1}));
  // All unusable: uniform.
  EXPECT_EQ(quantize(std::vector<float>{nan, inf, -2.0f, -0.0f}, 3), (Freqs{2, 2, 2, 2}));
  // A subnormal alone is still a real weight; beside a normal one it rounds to nothing.
  EXPECT_EQ(quantize(std::vector<float>{0.0f, denorm}, 8), (Freqs{1, 255}));
  EXPECT_EQ(quantize(std::vector<float>{1.0f, denorm}, 8), (Freqs{255, 1}));
  // Extreme but finite magnitudes.
  const float big = std::numeric_limits<float>::max();
  EXPECT_EQ(quantize(std::vector<float>{big, big, 0.0f, 1.0f}, 4), (Freqs{7, 7, 1, 1}));
}

TEST(Quantize, ScaleInvariantAndMatchesIntegerPath) {
  std::mt19937_64 rng(4);
  for (int trial = 0; trial < 200; ++trial) {
    Freqs weights(1 + rng() % 300);
    for (auto& w : weights) w = static_cast<std::uint32_t>(rng() >> 40);  // exact as floats
    std::vector<float> probs(weights.begin(), weights.end());
    const auto expected = quantize(weights, 16);
    EXPECT_EQ(quantize(probs, 16), expected);
    for (auto& p : probs) p = std::ldexp(p, -60);  // powers of two change nothing
    EXPECT_EQ(quantize(probs, 16), expected);
  }
}

TEST(Quantize, AlphabetAsLargeAsTheTotal) {
  EXPECT_EQ(quantize(Freqs(256, 5), 8), Freqs(256, 1));
  EXPECT_EQ(quantize(std::vector<float>(65536, 0.5f), 16), Freqs(65536, 1));
  Freqs weights(65535, 0);
  weights[1234] = 1;
  const auto freqs = quantize(weights, 16);
  EXPECT_EQ(freqs[1234], 2u);
  EXPECT_EQ(sum(freqs), 65536u);
}

TEST(Quantize, EmptyIsANoOp) {
  Freqs none;
  quantize_distribution(std::span<const float>{}, none, 8);
  quantize_distribution(std::span<const std::uint32_t>{}, none, 8);
  SUCCEED();
}

#ifdef NDEBUG
TEST(Quantize, TooManySymbolsFallsBackToOnes) {
  EXPECT_EQ(quantize(Freqs{1, 2, 3, 4, 5}, 2), Freqs(5, 1));
}
#endif

// Pins the whole algorithm on a realistic 256-way input: any change to it changes this hash,
// and with it every archive made by a model that uses the quantiser.
TEST(Quantize, FingerprintIsStable) {
  std::mt19937_64 rng(5);
  std::uint64_t hash = 14695981039346656037u;  // FNV-1a over every frequency
  for (int trial = 0; trial < 64; ++trial) {
    for (const auto f : quantize(random_probs(rng, 256), 12 + trial % 5)) {
      hash = (hash ^ f) * 1099511628211u;
    }
  }
  // Checked against an exact-fraction Python rendering of the algorithm in quantize.h.
  EXPECT_EQ(hash, 16820617207684457413u);
}

TEST(Quantize, Cumulative) {
  Freqs cum(4);
  cumulative(Freqs{3, 1, 12}, cum);
  EXPECT_EQ(cum, (Freqs{0, 3, 4, 16}));
  Freqs one(1, 99);
  cumulative(Freqs{}, one);
  EXPECT_EQ(one, Freqs{0});
}

}  // namespace
}  // namespace lmpack::coder
