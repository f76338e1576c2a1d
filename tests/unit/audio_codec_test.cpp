// The audio family end to end: exact round trips over stream shapes and awkward signals, params
// round trips and rejection, corrupt payloads, determinism.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "audio_test_streams.h"
#include "format/container.h"
#include "model/audio/audio_family.h"
#include "model/codec.h"
#include "nn/rng.h"

namespace lmpack::model::audio {
namespace {

// One step of the project's splitmix64 (nn::Rng) on a state the caller keeps.
std::uint64_t splitmix(std::uint64_t& s) {
  nn::Rng rng(s);
  const std::uint64_t value = rng.next();
  s += 0x9e3779b97f4a7c15ull;  // where rng's state now is
  return value;
}

using test::shape_of;
using test::tokens;

std::unique_ptr<BlockCodec> make(int level, const StreamShape& shape) {
  const ModelFamily& f = audio_family();
  std::unique_ptr<BlockCodec> codec;
  EXPECT_TRUE(make_codec(f, level, f.params(level), shape, codec));
  return codec;
}

std::vector<std::uint8_t> encode(int level, const StreamShape& shape,
                                 const std::vector<std::uint8_t>& block) {
  std::vector<std::uint8_t> out;
  make(level, shape)->encode(block, out, {});
  return out;
}

void expect_round_trip(int level, const StreamShape& shape,
                       const std::vector<std::uint8_t>& block) {
  const auto payload = encode(level, shape, block);
  std::vector<std::uint8_t> back(block.size(), 0xa5);
  make(level, shape)->decode(payload, back, {});
  ASSERT_EQ(back, block) << "level " << level << " channels " << shape.channels << " bytes "
                         << shape.bytes_per_sample << " size " << block.size();
}

// A tone with noise, scaled to `bits`, per channel a different phase.
std::vector<std::int64_t> music(std::size_t frames, int channels, int bits, std::uint64_t seed) {
  std::vector<std::int64_t> out;
  const double amp = std::ldexp(1.0, bits - 3);
  const std::int64_t lo = -(std::int64_t{1} << (bits - 1)), hi = -lo - 1;
  double a = 0.0, b = 0.0;
  for (std::size_t f = 0; f < frames; ++f) {
    // Sine by recursion (no libm in the signal, so the test data are the same everywhere).
    const double n = f == 0 ? 0.3 : 1.98 * b - a;
    a = b;
    b = n;
    for (int c = 0; c < channels; ++c) {
      const double noise = static_cast<double>(splitmix(seed) % 64) / 64.0 - 0.5;
      const double v = amp * (b * (c % 2 ? -0.7 : 1.0) + 0.05 * noise);
      out.push_back(std::clamp(static_cast<std::int64_t>(v), lo, hi));
    }
  }
  return out;
}

TEST(AudioCodec, RoundTripsShapesAndLevels) {
  for (int bytes = 1; bytes <= 4; ++bytes) {
    for (int channels : {1, 2, 3, 6}) {
      for (int level : {1, 5, 9}) {
        if (level == 9 && channels > 2) continue;  // keep the test fast
        const auto s = music(700, channels, 8 * bytes, bytes * 10 + channels);
        expect_round_trip(level, shape_of(channels, bytes), tokens(s, bytes));
      }
    }
  }
}

TEST(AudioCodec, RoundTripsExtremesNoiseAndSilence) {
  for (int bytes = 1; bytes <= 4; ++bytes) {
    const int bits = 8 * bytes;
    const std::int64_t lo = -(std::int64_t{1} << (bits - 1)), hi = -lo - 1;
    std::uint64_t seed = 77;
    std::vector<std::vector<std::int64_t>> signals(6);
    for (int i = 0; i < 1200; ++i) {
      const std::uint64_t r = splitmix(seed);
      signals[0].push_back(i % 2 ? hi : lo);                // full-scale square, both channels
      signals[1].push_back(r & 1 ? (r & 2 ? hi : lo) : 0);  // random extremes
      signals[2].push_back(0);                              // silence
      signals[3].push_back(i % 2 ? -5 : lo + 1);            // per-channel constants (DC)
      // White noise over the whole range.
      signals[4].push_back(static_cast<std::int64_t>(r >> (64 - bits)) + lo);
      signals[5].push_back(i < 600 ? 0 : (i % 5 == 0 ? hi : 3));  // silence, then bursts
    }
    for (const auto& s : signals) {
      for (int level : {1, 5, 9}) {
        if (level == 9 && (bytes == 1 || bytes == 4)) continue;  // keep the test fast
        expect_round_trip(level, shape_of(2, bytes), tokens(s, bytes));
        expect_round_trip(level, shape_of(1, bytes), tokens(s, bytes));
      }
    }
  }
}

TEST(AudioCodec, WastedBitsShrinkThePayload) {
  // 16-bit audio in a 24-bit container: the low byte is always zero.
  const auto s16 = music(4000, 2, 16, 5);
  std::vector<std::int64_t> s24;
  for (std::int64_t v : s16) s24.push_back(v * 256);
  const auto block = tokens(s24, 3);
  expect_round_trip(5, shape_of(2, 3), block);
  const auto p24 = encode(5, shape_of(2, 3), block);
  const auto p16 = encode(5, shape_of(2, 2), tokens(s16, 2));
  EXPECT_LE(p24.size(), p16.size() + 8);
  // A different shift per channel, and a negative-only channel.
  std::vector<std::int64_t> mixed;
  for (std::size_t i = 0; i < s16.size(); i += 2) {
    mixed.push_back(s16[i] * 16);
    mixed.push_back(-(s16[i + 1] < 0 ? -s16[i + 1] : s16[i + 1]) * 2 - 2);
  }
  expect_round_trip(5, shape_of(2, 3), tokens(mixed, 3));
  expect_round_trip(9, shape_of(2, 3), tokens(mixed, 3));
}

TEST(AudioCodec, ConstantAndSilentBlocksAreTiny) {
  const std::vector<std::int64_t> dc(20000, -1234);
  const auto payload = encode(5, shape_of(2, 2), tokens(dc, 2));
  EXPECT_LE(payload.size(), 16u);
  expect_round_trip(5, shape_of(2, 2), tokens(dc, 2));
}

TEST(AudioCodec, ShortBlocksAndPartialFrames) {
  const auto s = music(5, 2, 16, 9);
  const auto all = tokens(s, 2);  // 5 frames of 4 bytes
  for (std::size_t size = 0; size <= all.size(); ++size) {
    const std::vector<std::uint8_t> block(all.begin(), all.begin() + size);
    for (int level : {1, 5, 9}) {
      expect_round_trip(level, shape_of(2, 2), block);
      expect_round_trip(level, shape_of(3, 3), block);
    }
  }
}

TEST(AudioCodec, BytesWithoutShape) {
  std::vector<std::uint8_t> text;
  const char* words = "a quick brown fox jumps over the lazy dog; ";
  for (int i = 0; i < 3000; ++i) text.push_back(static_cast<std::uint8_t>(words[i % 43]));
  for (int level : {1, 5, 9}) expect_round_trip(level, StreamShape{}, text);
  // Through `make` as well (no shape at all).
  const ModelFamily& f = audio_family();
  std::unique_ptr<BlockCodec> a, b;
  ASSERT_TRUE(f.make(5, f.params(5), a));
  ASSERT_TRUE(f.make(5, f.params(5), b));
  std::vector<std::uint8_t> payload;
  a->encode(text, payload, {});
  std::vector<std::uint8_t> back(text.size());
  b->decode(payload, back, {});
  EXPECT_EQ(back, text);
}

TEST(AudioCodec, ChannelZeroLeadingRoundTrips) {
  // Channel 0 coded ahead of the others, with blocks shorter and longer than the lead.
  AudioConfig config = audio_config_for_level(5);
  config.lead = 3;
  config.predictor.ols_cross = 6;
  const auto params = serialize(config);
  const ModelFamily& f = audio_family();
  for (int channels : {1, 2, 3}) {
    for (std::size_t frames : {0u, 1u, 2u, 3u, 4u, 900u}) {
      const auto block = tokens(music(frames, channels, 16, frames + channels), 2);
      std::unique_ptr<BlockCodec> enc, dec;
      ASSERT_TRUE(make_codec(f, 5, params, shape_of(channels, 2), enc));
      ASSERT_TRUE(make_codec(f, 5, params, shape_of(channels, 2), dec));
      std::vector<std::uint8_t> payload;
      enc->encode(block, payload, {});
      std::vector<std::uint8_t> back(block.size());
      dec->decode(payload, back, {});
      ASSERT_EQ(back, block) << channels << " channels, " << frames << " frames";
    }
  }
}

TEST(AudioCodec, SearchedVariantRoundTrips) {
  // A block long enough for the encoder's prefix search, with a cheap predictor.
  AudioConfig config = audio_config_for_level(1);
  config.search = 1;
  config.predictor.nlms_orders[0] = 32;
  const auto params = serialize(config);
  const ModelFamily& f = audio_family();
  const auto block = tokens(music(70000, 1, 8, 12), 1);
  std::unique_ptr<BlockCodec> enc, dec;
  ASSERT_TRUE(make_codec(f, 1, params, shape_of(1, 1), enc));
  ASSERT_TRUE(make_codec(f, 1, params, shape_of(1, 1), dec));
  std::vector<std::uint8_t> payload;
  enc->encode(block, payload, {});
  ASSERT_FALSE(payload.empty());
  EXPECT_LT(payload[0], 3);
  std::vector<std::uint8_t> back(block.size());
  dec->decode(payload, back, {});
  EXPECT_EQ(back, block);
  // An impossible variant byte still decodes (to something) without faults.
  payload[0] = 0xee;
  dec->decode(payload, back, {});
}

TEST(AudioCodec, OtherPredictorsAreSearchedAndRoundTrip) {
  // The main configuration has no OLS stage and a tiny NLMS one; the others have OLS, which
  // predicts the tone far better, so the search must pick one of them (variant bits 2-3).
  AudioConfig config = audio_config_for_level(1);
  config.search = 1;
  config.predictor.ols_order = 0;
  config.predictor.nlms_orders[0] = 4;
  config.others = 2;
  config.other[0] = config.predictor;
  config.other[0].nlms_orders[0] = 8;
  config.other[1] = audio_config_for_level(1).predictor;
  config.other[1].nlms_orders[0] = 8;
  const auto params = serialize(config);
  const ModelFamily& f = audio_family();
  for (int channels : {1, 2}) {
    const auto block = tokens(music(70000, channels, 16, 40 + channels), 2);
    std::unique_ptr<BlockCodec> enc, dec;
    ASSERT_TRUE(make_codec(f, 1, params, shape_of(channels, 2), enc));
    ASSERT_TRUE(make_codec(f, 1, params, shape_of(channels, 2), dec));
    std::vector<std::uint8_t> payload;
    enc->encode(block, payload, {});
    ASSERT_FALSE(payload.empty());
    EXPECT_EQ(payload[0] >> 2, 2) << int{payload[0]};
    EXPECT_LT(payload[0] & 3, 3) << int{payload[0]};
    std::vector<std::uint8_t> back(block.size());
    dec->decode(payload, back, {});
    ASSERT_EQ(back, block) << channels << " channels";
    // Params with fewer configurations make such a variant corruption: the block decodes to
    // something (the checksum reports it) without faults.
    AudioConfig fewer = config;
    fewer.others = 1;
    std::unique_ptr<BlockCodec> other;
    ASSERT_TRUE(make_codec(f, 1, serialize(fewer), shape_of(channels, 2), other));
    other->decode(payload, back, {});
    EXPECT_NE(back, block);
  }
}

TEST(AudioCodec, IsDeterministic) {
  const auto block = tokens(music(3000, 2, 16, 4), 2);
  for (int level : {1, 5, 9}) {
    EXPECT_EQ(encode(level, shape_of(2, 2), block), encode(level, shape_of(2, 2), block));
  }
}

TEST(AudioCodec, LevelsMakeParamsThatRoundTrip) {
  const ModelFamily& f = audio_family();
  EXPECT_EQ(f.id, 5);
  EXPECT_EQ(f.name, "audio");
  EXPECT_EQ(f.default_level, 5);
  EXPECT_EQ(f.best_level, 9);
  for (int level = 1; level <= 9; ++level) {
    // Archives name the level's preset (version 5, two bytes); it reads as the full record.
    const auto params = f.params(level);
    EXPECT_EQ(params, (std::vector<std::uint8_t>{5, static_cast<std::uint8_t>(level)}));
    AudioConfig c, full;
    ASSERT_TRUE(deserialize(params, c));
    const auto record = serialize(audio_config_for_level(level));
    EXPECT_EQ(serialize(c), record);
    ASSERT_TRUE(deserialize(record, full));
    EXPECT_EQ(serialize(full), record);
    EXPECT_GT(f.block_size(level), 0u);
    EXPECT_GT(f.memory(level), 0u);
  }
}

// Version 5 params name a level's configuration, so the configurations are part of the format:
// these are the XXH3-64 hashes of their full records when version 5 was made. A change to
// audio_config_for_level() must keep them (or come with a new preset version that maps the old
// presets to their old records).
TEST(AudioCodec, PresetsAreFrozen) {
  const std::uint64_t frozen[9] = {
      0xd88590e88a8e7fbfull, 0xf1c38697e3dd3277ull, 0x52e3f94f756c5842ull,
      0x52e3f94f756c5842ull, 0x52e3f94f756c5842ull, 0x30b9a070bb0a93c5ull,
      0x6ad5c7139b7e6704ull, 0xf399a65038b2b3acull, 0x6a3b65fa96b03eb8ull};
  for (int level = 1; level <= 9; ++level) {
    EXPECT_EQ(format::whole_checksum(serialize(audio_config_for_level(level))), frozen[level - 1])
        << "level " << level;
  }
}

// A preset codes exactly as the full record it names.
TEST(AudioCodec, PresetParamsCodeLikeTheFullRecord) {
  const ModelFamily& f = audio_family();
  const auto block = tokens(music(3000, 2, 16, 17), 2);
  for (int level : {1, 5, 9}) {
    std::unique_ptr<BlockCodec> a, b;
    ASSERT_TRUE(make_codec(f, level, preset_params(level), shape_of(2, 2), a));
    ASSERT_TRUE(make_codec(f, level, serialize(audio_config_for_level(level)), shape_of(2, 2), b));
    std::vector<std::uint8_t> pa, pb;
    a->encode(block, pa, {});
    b->encode(block, pb, {});
    EXPECT_EQ(pa, pb) << "level " << level;
  }
  // Presets outside 1..9 and records of another size are refused.
  AudioConfig c;
  for (const std::vector<std::uint8_t>& bad :
       {std::vector<std::uint8_t>{5}, {5, 0}, {5, 10}, {5, 255}, {5, 5, 0}, {6, 5}}) {
    EXPECT_EQ(deserialize(bad, c).code(), ErrorCode::kUnknownModel) << bad.size();
  }
}

// Archives written by older versions still decode: version 1 (before the hints: the record up to
// the residual strength) with the hints off, version 2 (before the parallel cascade: one more
// byte) without it, version 3 (before the other predictors: the record up to the parallel
// cascade) without other predictors.
TEST(AudioCodec, ReadsOlderParamsVersions) {
  AudioConfig current = audio_config_for_level(9);
  ASSERT_NE(current.hints, 0);
  ASSERT_GT(current.predictor.alt_orders[0], 0);
  ASSERT_GT(current.others, 0);
  const std::vector<std::uint8_t> v4 = serialize(current);
  constexpr std::size_t kBlockBytes = 1 + 1 + 2 + 3 * 8 + 1 + 3 * (2 + 8) + 1 + 8 + 1 + 2 * (2 + 8);
  std::vector<std::uint8_t> v3(v4.begin(), v4.end() - 1 - current.others * kBlockBytes);
  v3[0] = 3;
  constexpr std::size_t kAltBytes = 2 * (2 + 8);
  std::vector<std::uint8_t> v2(v3.begin(), v3.end() - kAltBytes);
  v2[0] = 2;
  std::vector<std::uint8_t> v1(v2.begin(), v2.end() - 1);
  v1[0] = 1;
  AudioConfig c3, c2, c1;
  ASSERT_TRUE(deserialize(v3, c3));
  ASSERT_TRUE(deserialize(v2, c2));
  ASSERT_TRUE(deserialize(v1, c1));
  AudioConfig expect = current;
  expect.others = 0;
  EXPECT_EQ(serialize(c3), serialize(expect));
  expect.predictor.alt_orders[0] = expect.predictor.alt_orders[1] = 0;
  expect.predictor.alt_rates[0] = expect.predictor.alt_rates[1] = 0.0;
  EXPECT_EQ(serialize(c2), serialize(expect));
  expect.hints = 0;
  EXPECT_EQ(serialize(c1), serialize(expect));
}

TEST(AudioCodec, ParallelCascadeRoundTrips) {
  // A cheap main cascade beside a parallel one of one and two stages, 1 to 3 channels.
  const ModelFamily& f = audio_family();
  for (int alt_stages : {1, 2}) {
    AudioConfig config = audio_config_for_level(1);
    config.predictor.alt_orders[0] = 8;
    config.predictor.alt_rates[0] = 0.1;
    if (alt_stages == 2) {
      config.predictor.alt_orders[1] = 4;
      config.predictor.alt_rates[1] = 0.05;
    }
    const auto params = serialize(config);
    for (int channels : {1, 2, 3}) {
      const auto block = tokens(music(2500, channels, 16, 30 + channels), 2);
      std::unique_ptr<BlockCodec> enc, dec, plain;
      ASSERT_TRUE(make_codec(f, 1, params, shape_of(channels, 2), enc));
      ASSERT_TRUE(make_codec(f, 1, params, shape_of(channels, 2), dec));
      std::vector<std::uint8_t> payload;
      enc->encode(block, payload, {});
      std::vector<std::uint8_t> back(block.size());
      dec->decode(payload, back, {});
      ASSERT_EQ(back, block) << alt_stages << " stages, " << channels << " channels";
      // The parallel cascade takes part: the payload differs from the level's own.
      EXPECT_NE(payload, encode(1, shape_of(channels, 2), block));
    }
  }
}

TEST(AudioCodec, RejectsBadParams) {
  const ModelFamily& f = audio_family();
  const auto good = serialize(audio_config_for_level(5));
  std::unique_ptr<BlockCodec> codec;
  auto rejected = [&](std::vector<std::uint8_t> p) {
    AudioConfig c;
    const bool bad = !deserialize(p, c);
    return bad && !make_codec(f, 5, p, shape_of(2, 2), codec);
  };
  EXPECT_TRUE(rejected({}));
  EXPECT_TRUE(rejected(std::vector<std::uint8_t>(good.begin(), good.end() - 1)));
  auto longer = good;
  longer.push_back(0);
  EXPECT_TRUE(rejected(longer));
  for (std::uint8_t v : {0, 5, 255}) {
    auto version = good;
    version[0] = v;
    EXPECT_TRUE(rejected(version)) << int{v};
  }
  AudioConfig base = audio_config_for_level(5);
  auto with = [&](auto edit) {
    AudioConfig c = base;
    edit(c);
    return serialize(c);
  };
  EXPECT_TRUE(rejected(with([](AudioConfig& c) { c.predictor.ols_order = kMaxOlsOrder + 1; })));
  EXPECT_TRUE(rejected(with([](AudioConfig& c) { c.predictor.ols_interval = 0; })));
  EXPECT_TRUE(rejected(with(
      [](AudioConfig& c) { c.predictor.ols_lambda = std::numeric_limits<double>::quiet_NaN(); })));
  EXPECT_TRUE(rejected(with([](AudioConfig& c) { c.predictor.ols_lambda = 1.5; })));
  EXPECT_TRUE(
      rejected(with([](AudioConfig& c) { c.predictor.nlms_orders[0] = kMaxNlmsOrder + 1; })));
  EXPECT_TRUE(rejected(with([](AudioConfig& c) { c.predictor.nlms_rates[1] = -0.1; })));
  EXPECT_TRUE(rejected(with([](AudioConfig& c) { c.predictor.mix_rate = 2.0; })));
  EXPECT_TRUE(rejected(with([](AudioConfig& c) { c.residual_strength = 3; })));
  EXPECT_TRUE(rejected(with([](AudioConfig& c) { c.predictor.ols_irls = 4; })));
  EXPECT_TRUE(rejected(with([](AudioConfig& c) { c.predictor.ols_lambda2 = 1.5; })));
  EXPECT_TRUE(rejected(with([](AudioConfig& c) { c.lead = kMaxLead + 1; })));
  EXPECT_TRUE(rejected(with([](AudioConfig& c) { c.search = 2; })));
  EXPECT_TRUE(rejected(with([](AudioConfig& c) { c.hints = 4; })));
  EXPECT_TRUE(
      rejected(with([](AudioConfig& c) { c.predictor.alt_orders[1] = kMaxNlmsOrder + 1; })));
  EXPECT_TRUE(rejected(with([](AudioConfig& c) { c.predictor.alt_rates[0] = 1.5; })));
  // The other predictors are checked like the main one, and their count against the size.
  EXPECT_TRUE(rejected(with([](AudioConfig& c) {
    c.others = 1;
    c.other[0] = c.predictor;
    c.other[0].ols_lambda = std::numeric_limits<double>::quiet_NaN();
  })));
  EXPECT_TRUE(rejected(with([](AudioConfig& c) {
    c.others = 3;
    c.other[0] = c.other[1] = c.other[2] = c.predictor;
    c.other[2].nlms_orders[2] = kMaxNlmsOrder + 1;
  })));
  {
    AudioConfig c = base;
    c.others = 1;
    c.other[0] = c.predictor;
    auto p = serialize(c);
    EXPECT_FALSE(rejected(p));
    const std::size_t count_at = good.size() - 1;  // level 5 has no others: its last byte
    p[count_at] = 2;                               // claims two, holds one
    EXPECT_TRUE(rejected(p));
    p[count_at] = 4;  // more than kMaxOtherPredictors
    EXPECT_TRUE(rejected(p));
  }
  // A shape the codec cannot handle.
  StreamShape wide = shape_of(2, 5);
  EXPECT_FALSE(make_codec(f, 5, good, wide, codec));
  StreamShape none = shape_of(0, 2);
  EXPECT_FALSE(make_codec(f, 5, good, none, codec));
}

// Whatever params the decoder accepts must give a codec that round-trips: mutated level-9
// params (with their other predictors) either fail to parse or code a block exactly.
TEST(AudioCodec, MutatedParamsRoundTripOrAreRejected) {
  const ModelFamily& f = audio_family();
  const auto good = serialize(audio_config_for_level(9));
  const auto block = tokens(music(600, 2, 16, 91), 2);
  std::uint64_t seed = 5;
  int accepted = 0;
  for (int i = 0; i < 60; ++i) {
    auto p = good;
    const int flips = 1 + static_cast<int>(splitmix(seed) % 3);
    for (int k = 0; k < flips; ++k) {
      const std::size_t at = 1 + splitmix(seed) % (p.size() - 1);
      p[at] = static_cast<std::uint8_t>(splitmix(seed));
    }
    std::unique_ptr<BlockCodec> enc, dec;
    if (!make_codec(f, 9, p, shape_of(2, 2), enc)) continue;
    ++accepted;
    ASSERT_TRUE(make_codec(f, 9, p, shape_of(2, 2), dec));
    std::vector<std::uint8_t> payload;
    enc->encode(block, payload, {});
    std::vector<std::uint8_t> back(block.size());
    dec->decode(payload, back, {});
    ASSERT_EQ(back, block) << "mutation " << i;
  }
  EXPECT_GT(accepted, 5);  // many changes leave a valid record
}

TEST(AudioCodec, CorruptPayloadsDecodeWithoutFaults) {
  const auto block = tokens(music(1500, 2, 16, 8), 2);
  for (int level : {1, 9}) {
    const auto payload = encode(level, shape_of(2, 2), block);
    std::vector<std::uint8_t> back(block.size() + 3);  // and a partial trailing frame
    std::uint64_t seed = 1;
    std::vector<std::vector<std::uint8_t>> bad = {{}, {0}, {0xff, 0xff}};
    bad.emplace_back(payload.begin(), payload.begin() + payload.size() / 2);
    for (int i = 0; i < 8; ++i) {
      auto p = payload;
      p[splitmix(seed) % p.size()] ^= static_cast<std::uint8_t>(1 + splitmix(seed) % 255);
      bad.push_back(p);
    }
    std::vector<std::uint8_t> noise(400);
    for (auto& b : noise) b = static_cast<std::uint8_t>(splitmix(seed));
    bad.push_back(noise);
    for (const auto& p : bad) {
      for (int bytes : {1, 2, 3, 4}) {
        if (level == 9 && bytes != 3) continue;  // keep the test fast
        make(level, shape_of(2, bytes))->decode(p, back, {});
      }
    }
  }
}

}  // namespace
}  // namespace lmpack::model::audio
