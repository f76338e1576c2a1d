// TokenLpc (linear prediction as token-bit probabilities): its exp is exp, its bit probabilities
// form the distribution it claims (a logistic around the prediction), it learns a signal, stays
// finite on outliers, and two instances fed the same bytes agree bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "audio_test_streams.h"
#include "model/audio/token_lpc.h"

namespace lmpack::model::audio {
namespace {

using test::shape_of;
using test::tokens;

TEST(TokenLpc, ExactExpIsExp) {
  EXPECT_EQ(exact_exp(0.0), 1.0);
  for (double x : {-744.0, -300.5, -20.25, -1.0, -1e-9, 1e-9, 0.5, 1.0, 2.0, 37.3, 700.0}) {
    EXPECT_NEAR(exact_exp(x) / std::exp(x), 1.0, 1e-13) << x;
  }
  EXPECT_EQ(exact_exp(-800.0), 0.0);
  EXPECT_TRUE(std::isfinite(exact_exp(1e6)));
}

// The probability the model gives a whole byte: the product of its eight bit probabilities.
double byte_probability(const TokenLpc& m, int byte) {
  double p = 1.0;
  int c0 = 1;
  for (int b = 7; b >= 0; --b) {
    int q[TokenLpc::kScales];
    m.p12(c0, q);
    const int bit = (byte >> b) & 1;
    p *= (bit ? q[0] : 4096 - q[0]) / 4096.0;
    c0 = (c0 << 1) | bit;
  }
  return p;
}

// Interleaved samples of two sines per channel plus noise in -noise..noise, as Trilobyte tokens.
std::vector<std::uint8_t> sine_tokens(int frames, int channels, int bytes, double amplitude,
                                      int noise = 0) {
  std::vector<std::int64_t> s;
  std::uint64_t x = 7;
  for (int i = 0; i < frames; ++i) {
    for (int c = 0; c < channels; ++c) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      const double v = amplitude * (0.7 * std::sin(0.05 * i + c) + 0.2 * std::sin(0.21 * i));
      const auto n = static_cast<std::int64_t>((x >> 33) % (2 * noise + 1)) - noise;
      s.push_back(static_cast<std::int64_t>(std::lround(v)) + n);
    }
  }
  return tokens(s, bytes);
}

TEST(TokenLpc, BitsFormADistributionAroundThePrediction) {
  // 8-bit mono: after a sine the bytes' probabilities sum to 1 (up to 12-bit rounding) and the
  // most likely byte is the next sample's.
  const auto t = sine_tokens(400, 1, 1, 100.0);
  TokenLpc m(shape_of(1, 1), TokenLpcConfig{});
  for (std::size_t i = 0; i + 1 < t.size(); ++i) m.byte_done(t[i]);
  double sum = 0.0, best = 0.0;
  int argmax = -1;
  for (int v = 0; v < 256; ++v) {
    const double p = byte_probability(m, v);
    sum += p;
    if (p > best) best = p, argmax = v;
  }
  EXPECT_NEAR(sum, 1.0, 0.02);
  EXPECT_NEAR(argmax, t.back(), 1);
  EXPECT_GT(best, 0.2);
}

// Ideal code length of `t` in bits under the model's first scale.
double cost_bits(const StreamShape& shape, const std::vector<std::uint8_t>& t,
                 std::vector<int>* trace = nullptr) {
  TokenLpc m(shape, TokenLpcConfig{});
  double bits = 0.0;
  for (std::uint8_t byte : t) {
    int c0 = 1;
    for (int b = 7; b >= 0; --b) {
      int q[TokenLpc::kScales];
      m.p12(c0, q);
      for (int k = 0; k < TokenLpc::kScales; ++k) {
        EXPECT_GE(q[k], 1);
        EXPECT_LE(q[k], 4095);
        if (trace) trace->push_back(q[k]);
      }
      const int bit = (byte >> b) & 1;
      bits -= std::log2((bit ? q[0] : 4096 - q[0]) / 4096.0);
      c0 = (c0 << 1) | bit;
    }
    m.byte_done(byte);
  }
  return bits;
}

TEST(TokenLpc, LearnsASignalInEveryLayout) {
  // Sines plus uniform noise of 15 values (3.9 bits) cost little more than the noise at 16 bits,
  // far from the 16 or 24 bits of their tokens.
  for (int channels : {1, 2}) {
    for (int bytes : {2, 3}) {
      const int frames = 2000;
      const double amplitude = bytes == 2 ? 20000.0 : 5e6;
      const auto t = sine_tokens(frames, channels, bytes, amplitude, 7);
      const double per_sample = cost_bits(shape_of(channels, bytes), t) / (frames * channels);
      // At 24 bits the short window (32 taps, lambda 0.993) leaves weight noise that a loud
      // signal multiplies: still a third of the token bits.
      EXPECT_LT(per_sample, bytes == 2 ? 5.5 : 8.5) << channels << " channels, " << bytes;
    }
  }
}

TEST(TokenLpc, OutliersStayFiniteAndRunsAgree) {
  // Full-scale jumps in a quiet signal put whole bytes far in the logistic's tail.
  std::vector<std::int64_t> s;
  for (int i = 0; i < 600; ++i) s.push_back(i % 97 == 0 ? (i % 2 ? 32767 : -32768) : i % 3);
  const auto t = tokens(s, 2);
  std::vector<int> a, b;
  const double bits = cost_bits(shape_of(1, 2), t, &a);  // also checks 1..4095
  cost_bits(shape_of(1, 2), t, &b);
  EXPECT_TRUE(std::isfinite(bits));
  EXPECT_EQ(a, b);
  // A byte stream (not audio) is read as 8-bit mono samples.
  StreamShape bytes_shape;
  std::vector<int> c, d;
  cost_bits(bytes_shape, t, &c);
  cost_bits(shape_of(1, 1), t, &d);
  EXPECT_EQ(c, d);
}

}  // namespace
}  // namespace lmpack::model::audio
