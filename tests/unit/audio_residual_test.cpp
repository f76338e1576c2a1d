// Round trips, robustness and determinism of the audio residual coder at every strength.
#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <vector>

#include "coder/binary_coder.h"
#include "model/audio/residual_coder.h"

namespace lmpack::model::audio {
namespace {

using Bytes = std::vector<std::uint8_t>;

// splitmix64: a fixed generator, so the streams are the same everywhere.
struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Two-sided geometric (discrete Laplacian) with mean magnitude about 2^scale_log2 / 2, by
  // drawing an exponent and mantissa: heavy enough tails, and integer only.
  std::int64_t laplacian(int scale_log2) {
    std::int64_t m = 0;
    if (scale_log2 > 0) {
      const std::uint64_t r = next();
      // Count trailing ones of r as a geometric number of "octaves" above the base.
      int extra = 0;
      while (extra < 6 && ((r >> extra) & 1)) ++extra;
      const int width = scale_log2 + extra - 1;
      m = width > 0 ? static_cast<std::int64_t>(next() >> (64 - width)) : 0;
      if ((r >> 10) & 1) m >>= 1;
    } else {
      m = (next() & 7) == 0 ? 1 : 0;
    }
    return (next() & 1) ? -m : m;
  }
};

struct Stream {
  int channels;
  int bits;
  std::vector<std::int64_t> values;  // interleaved by channel
};

Bytes encode_stream(const Stream& s, int strength) {
  Bytes out;
  coder::BinaryEncoder enc(out);
  ResidualCoderConfig cfg;
  cfg.strength = strength;
  ResidualCoder rc(s.channels, s.bits, cfg);
  for (std::size_t i = 0; i < s.values.size(); ++i)
    rc.encode(enc, static_cast<int>(i % s.channels), s.values[i]);
  enc.finish();
  return out;
}

std::vector<std::int64_t> decode_stream(std::span<const std::uint8_t> in, int channels, int bits,
                                        std::size_t n, int strength) {
  coder::BinaryDecoder dec(in);
  ResidualCoderConfig cfg;
  cfg.strength = strength;
  ResidualCoder rc(channels, bits, cfg);
  std::vector<std::int64_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = rc.decode(dec, static_cast<int>(i % channels));
  return v;
}

void expect_round_trip(const Stream& s) {
  for (int strength = 0; strength <= 2; ++strength) {
    const Bytes coded = encode_stream(s, strength);
    const auto back = decode_stream(coded, s.channels, s.bits, s.values.size(), strength);
    ASSERT_EQ(back, s.values) << "strength " << strength << " bits " << s.bits << " channels "
                              << s.channels;
  }
}

TEST(AudioResidual, LaplacianScales) {
  Rng rng{1};
  for (int scale : {0, 1, 3, 6, 10, 14, 20}) {
    Stream s{2, 24, {}};
    for (int i = 0; i < 4000; ++i) s.values.push_back(rng.laplacian(scale));
    expect_round_trip(s);
  }
}

TEST(AudioResidual, AllZero) {
  Stream s{1, 16, std::vector<std::int64_t>(5000, 0)};
  expect_round_trip(s);
  const Bytes coded = encode_stream(s, 1);
  EXPECT_LT(coded.size(), 100u);  // an all-zero stream must cost almost nothing
}

TEST(AudioResidual, ExtremeValues) {
  for (int bits : {1, 8, 16, 24, 32}) {
    const std::int64_t big = std::int64_t{1} << bits;
    Rng rng{static_cast<std::uint64_t>(bits)};
    Stream s{2, bits, {}};
    const std::int64_t pattern[] = {big, -big, 0, big - 1, -(big - 1), 1, -1, big, big, -big};
    for (int rep = 0; rep < 30; ++rep) {
      for (std::int64_t v : pattern) s.values.push_back(v);
      for (int i = 0; i < 20; ++i) {
        const std::int64_t r =
            static_cast<std::int64_t>(rng.next() % (2 * static_cast<std::uint64_t>(big) + 1));
        s.values.push_back(r - big);
      }
    }
    expect_round_trip(s);
  }
}

TEST(AudioResidual, ChannelCounts) {
  Rng rng{7};
  for (int channels : {1, 2, 3, 6, 8}) {
    Stream s{channels, 24, {}};
    for (int i = 0; i < 600 * channels; ++i)
      s.values.push_back(rng.laplacian(4 + (i % channels) * 2));
    expect_round_trip(s);
  }
}

// Scales up to 2^21 with bits = 16: beyond the nominal range, which must still round-trip.
TEST(AudioResidual, ScaleJumps) {
  Rng rng{11};
  Stream s{2, 16, {}};
  const int scales[] = {2, 15, 0, 12, 1, 16, 5};
  for (int scale : scales)
    for (int i = 0; i < 700; ++i) s.values.push_back(rng.laplacian(scale));
  expect_round_trip(s);
}

TEST(AudioResidual, GarbageAndTruncatedPayloadsDecode) {
  Rng rng{3};
  Stream s{2, 16, {}};
  for (int i = 0; i < 3000; ++i) s.values.push_back(rng.laplacian(8));
  for (int strength = 0; strength <= 2; ++strength) {
    Bytes coded = encode_stream(s, strength);
    const Bytes truncated(coded.begin(),
                          coded.begin() + static_cast<std::ptrdiff_t>(coded.size() / 3));
    for (int bits : {8, 16, 32}) {
      const auto a = decode_stream(truncated, 2, bits, 3000, strength);
      EXPECT_EQ(a.size(), 3000u);
    }
    Bytes garbage(2000);
    for (auto& b : garbage) b = static_cast<std::uint8_t>(rng.next());
    const auto g = decode_stream(garbage, 3, 32, 3000, strength);
    EXPECT_EQ(g.size(), 3000u);
    const Bytes ones(500, 0xff);
    const auto o = decode_stream(ones, 1, 24, 2000, strength);
    EXPECT_EQ(o.size(), 2000u);
    for (std::int64_t v : o) {
      EXPECT_LT(v, std::int64_t{1} << 34);
      EXPECT_GT(v, -(std::int64_t{1} << 34));
    }
  }
}

TEST(AudioResidual, Deterministic) {
  Rng rng{5};
  Stream s{2, 16, {}};
  for (int i = 0; i < 5000; ++i) s.values.push_back(rng.laplacian(6 + (i / 500) % 5));
  for (int strength = 0; strength <= 2; ++strength) {
    EXPECT_EQ(encode_stream(s, strength), encode_stream(s, strength));
  }
}

// Hints change the contexts; the decoder given the same hints must follow exactly.
TEST(AudioResidual, HintsRoundTrip) {
  Rng rng{13};
  const int n = 6000;
  std::vector<std::int64_t> values;
  std::vector<ResidualHint> hints;
  for (int i = 0; i < n; ++i) {
    values.push_back(rng.laplacian(i < n / 2 ? 1 : 9));
    hints.push_back({static_cast<int>(rng.next() % 257) - 128, rng.next() % 5000});
  }
  for (int strength = 0; strength <= 2; ++strength) {
    ResidualCoderConfig cfg;
    cfg.strength = strength;
    Bytes coded;
    {
      coder::BinaryEncoder enc(coded);
      ResidualCoder rc(2, 16, cfg);
      for (int i = 0; i < n; ++i) rc.encode(enc, i % 2, values[i], hints[i]);
      enc.finish();
    }
    coder::BinaryDecoder dec(coded);
    ResidualCoder rc(2, 16, cfg);
    for (int i = 0; i < n; ++i) ASSERT_EQ(rc.decode(dec, i % 2, hints[i]), values[i]) << i;
  }
}

// The rounding hint must pay off where it matters: residuals of +-1 whose sign follows it.
TEST(AudioResidual, FractionHintHelpsSmallResiduals) {
  Rng rng{17};
  const int n = 20000;
  std::vector<std::int64_t> values;
  std::vector<ResidualHint> hints;
  for (int i = 0; i < n; ++i) {
    const int frac = static_cast<int>(rng.next() % 257) - 128;
    // The sample is the real prediction plus small noise: e = round(frac/256 + noise).
    const int noise = static_cast<int>(rng.next() % 129) - 64;
    const int v = frac + noise;
    values.push_back(v >= 128 ? 1 : (v < -128 ? -1 : 0));
    hints.push_back({frac, 0});
  }
  for (int strength = 0; strength <= 2; ++strength) {
    ResidualCoderConfig cfg;
    cfg.strength = strength;
    Bytes with, without;
    {
      coder::BinaryEncoder enc(with);
      ResidualCoder rc(1, 8, cfg);
      for (int i = 0; i < n; ++i) rc.encode(enc, 0, values[i], hints[i]);
      enc.finish();
    }
    {
      coder::BinaryEncoder enc(without);
      ResidualCoder rc(1, 8, cfg);
      for (int i = 0; i < n; ++i) rc.encode(enc, 0, values[i]);
      enc.finish();
    }
    EXPECT_LT(with.size() * 10, without.size() * 9) << "strength " << strength;
  }
}

std::uint64_t fnv1a(const Bytes& b) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::uint8_t v : b) h = (h ^ v) * 0x100000001b3ull;
  return h;
}

// Pins the coded bytes: archives depend on them. A change here is a format change (the codec
// must then version its residual coder), never a silent tweak.
TEST(AudioResidual, PinnedOutput) {
  Rng rng{21};
  Stream s{2, 16, {}};
  for (int i = 0; i < 4000; ++i) s.values.push_back(rng.laplacian(1 + (i / 400) % 12));
  const std::uint64_t expected[3] = {17159348306947888738ull, 11420576553634169278ull,
                                     5457258929508128827ull};
  for (int strength = 0; strength <= 2; ++strength) {
    const Bytes coded = encode_stream(s, strength);
    EXPECT_EQ(fnv1a(coded), expected[strength])
        << "strength " << strength << " size " << coded.size();
  }
}

TEST(AudioResidual, SmallResidualsCostLittle) {
  // About one nonzero in eight: entropy ~0.67 bits/sample; the coder must come close.
  Rng rng{9};
  Stream s{1, 8, {}};
  for (int i = 0; i < 20000; ++i) s.values.push_back(rng.laplacian(0));
  for (int strength = 0; strength <= 2; ++strength) {
    const Bytes coded = encode_stream(s, strength);
    EXPECT_LT(coded.size() * 8.0 / 20000, 0.72) << "strength " << strength;
  }
}

}  // namespace
}  // namespace lmpack::model::audio
