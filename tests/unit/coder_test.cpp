// Round trips, edge cases, corrupt input and efficiency of the binary and range coders.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "coder/binary_coder.h"
#include "coder/quantize.h"
#include "coder/range_coder.h"

namespace lmpack::coder {
namespace {

using Bytes = std::vector<std::uint8_t>;

// std::mt19937_64's output is fixed by the standard; the reductions below are ours, so the
// streams (and the pinned bytes) are the same with every standard library.
std::uint32_t below(std::mt19937_64& rng, std::uint32_t n) {
  return static_cast<std::uint32_t>(rng() % n);
}

// ---------------------------------------------------------------- binary coder

struct BitEvent {
  int bit;
  std::uint32_t p1;
};

Bytes encode_bits(const std::vector<BitEvent>& events) {
  Bytes out;
  BinaryEncoder enc(out);
  for (const auto& e : events) enc.encode(e.bit, e.p1);
  enc.finish();
  return out;
}

void expect_bits_round_trip(const std::vector<BitEvent>& events) {
  const Bytes coded = encode_bits(events);
  BinaryDecoder dec(coded);
  for (std::size_t i = 0; i < events.size(); ++i) {
    ASSERT_EQ(dec.decode(events[i].p1), events[i].bit) << "bit " << i;
  }
}

// Ideal cost in bits of coding `events` with their (clamped) probabilities.
double ideal_bits(const std::vector<BitEvent>& events) {
  double bits = 0;
  for (const auto& e : events) {
    const double p1 = clamp_probability(e.p1) / 65536.0;
    bits -= std::log2(e.bit ? p1 : 1 - p1);
  }
  return bits;
}

// Bits drawn from their own probability, as a well-calibrated model would see them.
std::vector<BitEvent> calibrated_bits(std::uint64_t seed, std::size_t n) {
  std::mt19937_64 rng(seed);
  std::vector<BitEvent> events(n);
  for (auto& e : events) {
    e.p1 = 1 + below(rng, 65535);
    e.bit = below(rng, 65536) < e.p1 ? 1 : 0;
  }
  return events;
}

TEST(BinaryCoder, RoundTripRandomBitsRandomProbabilities) {
  std::mt19937_64 rng(1);
  std::vector<BitEvent> events(200000);
  for (auto& e : events) {
    e.bit = static_cast<int>(rng() & 1);
    e.p1 = 1 + below(rng, 65535);
  }
  expect_bits_round_trip(events);
  expect_bits_round_trip(calibrated_bits(2, 200000));
}

// finish_minimal() ends a stream in one byte instead of four; the decoder's zero bytes past
// the end complete it. Thousands of short streams end in every kind of final interval
// (including extreme probabilities and the empty stream), and each decodes exactly.
TEST(BinaryCoder, MinimalFinishRoundTripsAndSavesThreeBytes) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 20000; ++trial) {
    std::vector<BitEvent> events(below(rng, 40));
    for (auto& e : events) {
      const std::uint32_t kind = below(rng, 4);
      e.p1 = kind == 0 ? 1u : kind == 1 ? 65535u : 1 + below(rng, 65535);
      e.bit = static_cast<int>(rng() & 1);
    }
    Bytes minimal;
    BinaryEncoder enc(minimal);
    for (const auto& e : events) enc.encode(e.bit, e.p1);
    enc.finish_minimal();
    ASSERT_EQ(minimal.size() + 3, encode_bits(events).size()) << "trial " << trial;
    BinaryDecoder dec(minimal);
    for (std::size_t i = 0; i < events.size(); ++i) {
      ASSERT_EQ(dec.decode(events[i].p1), events[i].bit) << "trial " << trial << " bit " << i;
    }
  }
  const std::vector<BitEvent> long_run = calibrated_bits(12, 100000);
  Bytes minimal;
  BinaryEncoder enc(minimal);
  for (const auto& e : long_run) enc.encode(e.bit, e.p1);
  enc.finish_minimal();
  BinaryDecoder dec(minimal);
  for (std::size_t i = 0; i < long_run.size(); ++i) {
    ASSERT_EQ(dec.decode(long_run[i].p1), long_run[i].bit) << "bit " << i;
  }
}

TEST(BinaryCoder, ExtremeProbabilitiesAgreeingAndDisagreeing) {
  for (const std::uint32_t p1 : {1u, 65535u}) {
    for (int bit = 0; bit < 2; ++bit) {
      expect_bits_round_trip(std::vector<BitEvent>(100000, BitEvent{bit, p1}));
    }
  }
  // Extremes interleaved with surprises, which shrink the interval fastest.
  std::mt19937_64 rng(3);
  std::vector<BitEvent> events(200000);
  for (auto& e : events) {
    e.p1 = (rng() & 1) ? 1u : 65535u;
    const bool surprise = below(rng, 100) == 0;
    e.bit = (e.p1 == 65535u) != surprise ? 1 : 0;
  }
  expect_bits_round_trip(events);
}

TEST(BinaryCoder, OutOfRangeProbabilitiesAreClamped) {
  std::mt19937_64 rng(4);
  std::vector<BitEvent> events(20000);
  for (auto& e : events) {
    e.bit = static_cast<int>(rng() & 1);
    e.p1 = (rng() & 1) ? 0u : 70000u;
  }
  const Bytes coded = encode_bits(events);
  BinaryDecoder dec(coded);
  for (const auto& e : events) ASSERT_EQ(dec.decode(e.p1 == 0 ? 1u : 65535u), e.bit);
}

TEST(BinaryCoder, LongPredictableRunCostsAlmostNothing) {
  const std::vector<BitEvent> events(1000000, BitEvent{1, 65535});
  const Bytes coded = encode_bits(events);
  // Ideal: 1e6 * -log2(65535/65536) = 22 bits.
  EXPECT_LE(coded.size(), 3u + 4u);
  expect_bits_round_trip(events);
}

TEST(BinaryCoder, LongRandomRunRoundTrips) { expect_bits_round_trip(calibrated_bits(5, 1000000)); }

TEST(BinaryCoder, EmptyInput) {
  const Bytes coded = encode_bits({});
  EXPECT_EQ(coded, (Bytes{0x00, 0xff, 0xff, 0xff}));
  // Decoding bits nobody encoded, or from nothing at all, is garbage but never a fault.
  BinaryDecoder dec(coded);
  for (int i = 0; i < 100; ++i) dec.decode(32768);
  BinaryDecoder empty(std::span<const std::uint8_t>{});
  for (int i = 0; i < 100; ++i) empty.decode(1 + 655 * i);
}

TEST(BinaryCoder, AppendsToExistingOutput) {
  Bytes out{1, 2, 3};
  BinaryEncoder enc(out);
  enc.encode(1, 40000);
  enc.encode(0, 100);
  enc.finish();
  ASSERT_GT(out.size(), 3u);
  EXPECT_EQ(out[0], 1);
  BinaryDecoder dec(std::span<const std::uint8_t>(out).subspan(3));
  EXPECT_EQ(dec.decode(40000), 1);
  EXPECT_EQ(dec.decode(100), 0);
}

// Pins the stream format: a change here breaks every archive made before it.
TEST(BinaryCoder, FormatIsStable) {
  std::vector<BitEvent> events;
  for (int i = 0; i < 40; ++i) events.push_back({(i * 7) % 3 == 0 ? 1 : 0, 21845});
  EXPECT_EQ(encode_bits(events), (Bytes{0x37, 0xa6, 0x90, 0xb3, 0x03, 0xff, 0xff, 0xff}));
}

TEST(BinaryCoder, SizeWithinOneThousandthOfEntropy) {
  for (const std::uint64_t seed : {6u, 7u}) {
    const auto events = calibrated_bits(seed, 1000000);
    const double ideal = ideal_bits(events);
    EXPECT_LE(static_cast<double>(encode_bits(events).size()), ideal / 8 * 1.001 + 8);
  }
  // Skewed: p1 from a narrow high band, so most bits cost a small fraction of a bit.
  std::mt19937_64 rng(8);
  std::vector<BitEvent> events(1000000);
  for (auto& e : events) {
    e.p1 = 60000 + below(rng, 5536);
    e.bit = below(rng, 65536) < e.p1 ? 1 : 0;
  }
  EXPECT_LE(static_cast<double>(encode_bits(events).size()), ideal_bits(events) / 8 * 1.001 + 8);
}

TEST(BinaryCoder, CorruptAndTruncatedPayloadsDecodeSafely) {
  const auto events = calibrated_bits(9, 5000);
  const Bytes coded = encode_bits(events);
  std::mt19937_64 rng(10);
  for (int trial = 0; trial < 200; ++trial) {
    Bytes payload;
    if (trial % 2 == 0) {
      payload.assign(coded.begin(), coded.begin() + below(rng, coded.size() + 1));
    } else {
      payload.resize(below(rng, 64));
      for (auto& b : payload) b = static_cast<std::uint8_t>(rng());
    }
    // Decoding is a pure function of the payload: two decoders agree bit for bit.
    BinaryDecoder a(payload), b(payload);
    for (const auto& e : events) ASSERT_EQ(a.decode(e.p1), b.decode(e.p1));
  }
}

// ---------------------------------------------------------------- range coder

// A symbol drawn from, and coded with, one distribution (cum has n + 1 entries).
struct SymbolEvent {
  std::vector<std::uint32_t> cum;
  int total_bits;
  int symbol;
};

Bytes encode_symbols(const std::vector<SymbolEvent>& events) {
  Bytes out;
  RangeEncoder enc(out);
  for (const auto& e : events) {
    enc.encode(e.cum[e.symbol], e.cum[e.symbol + 1] - e.cum[e.symbol], e.total_bits);
  }
  enc.finish();
  return out;
}

void expect_symbols_round_trip(const std::vector<SymbolEvent>& events) {
  const Bytes coded = encode_symbols(events);
  // Once through the convenience search, once through target + consume.
  RangeDecoder dec(coded);
  for (std::size_t i = 0; i < events.size(); ++i) {
    ASSERT_EQ(dec.decode_symbol(events[i].cum, events[i].total_bits), events[i].symbol)
        << "symbol " << i;
  }
  RangeDecoder dec2(coded);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    const std::uint32_t target = dec2.decode_target(e.total_bits);
    ASSERT_LE(e.cum[e.symbol], target) << "symbol " << i;
    ASSERT_LT(target, e.cum[e.symbol + 1]) << "symbol " << i;
    dec2.consume(e.cum[e.symbol], e.cum[e.symbol + 1] - e.cum[e.symbol], e.total_bits);
  }
}

double ideal_bits(const std::vector<SymbolEvent>& events) {
  double bits = 0;
  for (const auto& e : events) {
    const double freq = e.cum[e.symbol + 1] - e.cum[e.symbol];
    bits -= std::log2(freq / static_cast<double>(1u << e.total_bits));
  }
  return bits;
}

std::vector<std::uint32_t> cum_of(const std::vector<std::uint32_t>& freqs) {
  std::vector<std::uint32_t> cum(freqs.size() + 1);
  cumulative(freqs, cum);
  return cum;
}

// A random distribution over n symbols; roughness picks how uneven the weights are.
std::vector<std::uint32_t> random_cum(std::mt19937_64& rng, std::size_t n, int total_bits) {
  std::vector<std::uint32_t> weights(n), freqs(n);
  const int shift = static_cast<int>(below(rng, 24));
  for (auto& w : weights) w = static_cast<std::uint32_t>(rng() >> (40 + shift));
  quantize_distribution(weights, freqs, total_bits);
  return cum_of(freqs);
}

// Draws a symbol in proportion to its frequency.
int draw(std::mt19937_64& rng, const std::vector<std::uint32_t>& cum) {
  const std::uint32_t t = below(rng, cum.back());
  int s = 0;
  while (cum[s + 1] <= t) ++s;
  return s;
}

std::vector<SymbolEvent> random_symbols(std::uint64_t seed, std::size_t count) {
  std::mt19937_64 rng(seed);
  std::vector<SymbolEvent> events;
  std::vector<std::uint32_t> cum;
  int bits = 16;
  for (std::size_t i = 0; i < count; ++i) {
    if (i % 64 == 0) {  // a fresh distribution now and then, of any size and precision
      bits = 1 + static_cast<int>(below(rng, 16));
      const std::size_t n = 2 + below(rng, std::min(255u, (1u << bits) - 1));
      cum = random_cum(rng, n, bits);
    }
    events.push_back({cum, bits, draw(rng, cum)});
  }
  return events;
}

TEST(RangeCoder, RoundTripRandomDistributions) {
  for (std::uint64_t seed = 20; seed < 30; ++seed) {
    expect_symbols_round_trip(random_symbols(seed, 20000));
  }
}

TEST(RangeCoder, RoundTripUniformlyDrawnSymbols) {
  // Symbols independent of the distribution, so rare ones come up often.
  std::mt19937_64 rng(31);
  std::vector<SymbolEvent> events;
  for (int i = 0; i < 20000; ++i) {
    const int bits = 8 + static_cast<int>(below(rng, 9));
    auto cum = random_cum(rng, 256, bits);
    const int s = static_cast<int>(below(rng, 256));
    events.push_back({std::move(cum), bits, s});
  }
  expect_symbols_round_trip(events);
}

TEST(RangeCoder, SkewedDistribution) {
  std::vector<std::uint32_t> freqs(256, 1);
  freqs[17] = 65536 - 255;
  const auto cum = cum_of(freqs);
  std::mt19937_64 rng(32);
  std::vector<SymbolEvent> likely, mixed;
  for (int i = 0; i < 100000; ++i) likely.push_back({cum, 16, 17});
  for (int i = 0; i < 20000; ++i) {
    mixed.push_back({cum, 16, below(rng, 4) == 0 ? static_cast<int>(below(rng, 256)) : 17});
  }
  expect_symbols_round_trip(likely);
  expect_symbols_round_trip(mixed);
  // 1e5 * -log2(65281/65536) = 562 bits.
  EXPECT_LE(encode_symbols(likely).size(), 71u + 8u);
}

TEST(RangeCoder, EverySymbolFrequencyOne) {
  const auto cum = cum_of(std::vector<std::uint32_t>(256, 1));
  std::vector<SymbolEvent> events;
  Bytes expected;
  std::mt19937_64 rng(33);
  for (int i = 0; i < 10000; ++i) {
    const int s = static_cast<int>(below(rng, 256));
    events.push_back({cum, 8, s});
    expected.push_back(static_cast<std::uint8_t>(s));
  }
  expect_symbols_round_trip(events);
  // A uniform 256-way code is the identity on bytes, up to dropped trailing zeros.
  Bytes coded = encode_symbols(events);
  coded.resize(expected.size(), 0);
  EXPECT_EQ(coded, expected);
}

TEST(RangeCoder, AlphabetsOfTwoAnd256) {
  std::mt19937_64 rng(34);
  for (const std::size_t n : {2u, 256u}) {
    for (const int bits : {1, 8, 12, 16}) {
      if (n > (1u << bits)) continue;
      std::vector<SymbolEvent> events;
      for (int i = 0; i < 5000; ++i) {
        auto cum = random_cum(rng, n, bits);
        const int s = draw(rng, cum);
        events.push_back({std::move(cum), bits, s});
      }
      expect_symbols_round_trip(events);
    }
  }
}

TEST(RangeCoder, EmptyInputIsEmpty) {
  EXPECT_TRUE(encode_symbols({}).empty());
  // Decoding from nothing yields valid targets and symbols.
  RangeDecoder dec(std::span<const std::uint8_t>{});
  const auto cum = cum_of({3, 5, 8});
  for (int i = 0; i < 100; ++i) {
    const int s = dec.decode_symbol(cum, 4);
    EXPECT_GE(s, 0);
    EXPECT_LT(s, 3);
  }
}

TEST(RangeCoder, NeverTrimsBytesItDidNotWrite) {
  Bytes out{7, 0, 0};
  RangeEncoder enc(out);
  enc.finish();
  EXPECT_EQ(out, (Bytes{7, 0, 0}));
  RangeEncoder enc2(out);
  enc2.encode(0, 1, 8);  // the all-zero symbol: adds nothing but zeros
  enc2.finish();
  EXPECT_EQ(out, (Bytes{7, 0, 0}));
}

// Keeps the interval straddling 1/2 while it shrinks, so low reads 0x7f ff ff ... and the 0xff
// bytes wait; the last symbol then lands above 1/2 and must carry through all of them.
std::vector<SymbolEvent> straddle_then(std::uint32_t last_cum) {
  const auto halfway = cum_of({32767, 2, 32767});
  std::vector<SymbolEvent> events(40, SymbolEvent{halfway, 16, 1});
  std::vector<std::uint32_t> split(65537);
  for (std::uint32_t i = 0; i <= 65536; ++i) split[i] = i;
  events.push_back({split, 16, static_cast<int>(last_cum)});
  return events;
}

TEST(RangeCoder, CarryPropagatesThroughPendingBytes) {
  const auto up = straddle_then(65535);
  expect_symbols_round_trip(up);
  const Bytes carried = encode_symbols(up);
  ASSERT_GE(carried.size(), 30u);
  EXPECT_EQ(carried[0], 0x80);
  for (int i = 1; i < 30; ++i) EXPECT_EQ(carried[i], 0x00) << i;

  const auto down = straddle_then(0);
  expect_symbols_round_trip(down);
  const Bytes kept = encode_symbols(down);
  ASSERT_GE(kept.size(), 30u);
  EXPECT_EQ(kept[0], 0x7f);
  for (int i = 1; i < 30; ++i) EXPECT_EQ(kept[i], 0xff) << i;
}

TEST(RangeCoder, SizeWithinOneThousandthOfEntropy) {
  for (const std::uint64_t seed : {40u, 41u}) {
    const auto events = random_symbols(seed, 200000);
    EXPECT_LE(static_cast<double>(encode_symbols(events).size()),
              ideal_bits(events) / 8 * 1.001 + 8);
  }
}

// Pins the stream format: a change here breaks every archive made before it.
TEST(RangeCoder, FormatIsStable) {
  const auto cum = cum_of({1000, 20000, 44536});
  std::vector<SymbolEvent> events;
  for (int i = 0; i < 24; ++i) events.push_back({cum, 16, (i * 5) % 3});
  // Checked independently: the number lies in the exact final interval and no shorter one does.
  EXPECT_EQ(encode_symbols(events), (Bytes{0x01, 0x4b, 0xda, 0xa3, 0x9e, 0x2d, 0x36, 0x9a, 0xa0}));
}

// An all-0xff payload keeps the code at the very top of the interval, past the sliver (< 2^-32)
// that truncating range / 2^total_bits leaves unused; only the clamp keeps the target in range.
TEST(RangeCoder, TargetIsClampedAtTheTopOfTheInterval) {
  const Bytes payload(4096, 0xff);
  RangeDecoder dec(payload);
  std::mt19937_64 rng(52);
  int at_top = 0;
  for (int i = 0; i < 3000; ++i) {
    const int bits = 1 + static_cast<int>(below(rng, 16));
    const std::uint32_t total = 1u << bits;
    const std::uint32_t target = dec.decode_target(bits);
    ASSERT_LT(target, total);
    if (target == total - 1) ++at_top;
    const std::uint32_t freq = 1 + below(rng, total);  // the top symbol, of random width
    dec.consume(total - freq, freq, bits);
  }
  EXPECT_GT(at_top, 2900);  // the code sits at (or, once wrapped, near) the top
}

TEST(RangeCoder, CorruptAndTruncatedPayloadsDecodeSafely) {
  const auto events = random_symbols(50, 3000);
  const Bytes coded = encode_symbols(events);
  std::mt19937_64 rng(51);
  for (int trial = 0; trial < 200; ++trial) {
    Bytes payload;
    if (trial % 2 == 0) {
      payload.assign(coded.begin(), coded.begin() + below(rng, coded.size() + 1));
    } else {
      payload.resize(below(rng, 64));
      for (auto& b : payload) b = static_cast<std::uint8_t>(rng());
      if (trial % 4 == 1) std::fill(payload.begin(), payload.end(), 0xff);
    }
    RangeDecoder a(payload), b(payload);
    for (const auto& e : events) {
      const std::uint32_t target = a.decode_target(e.total_bits);
      ASSERT_LT(target, 1u << e.total_bits);
      int s = 0;
      while (e.cum[s + 1] <= target) ++s;
      a.consume(e.cum[s], e.cum[s + 1] - e.cum[s], e.total_bits);
      ASSERT_EQ(b.decode_symbol(e.cum, e.total_bits), s);
    }
  }
}

}  // namespace
}  // namespace lmpack::coder
