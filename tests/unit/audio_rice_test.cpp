// The FLAC-style floor of the audio codec: exact round trips of rice_fallback.h over channel
// layouts, extreme values and partition edges; corrupt streams never fault; and the codec never
// codes a block larger than this method would (plus its header bytes), using it when it wins.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "audio_test_streams.h"
#include "model/audio/audio_family.h"
#include "model/audio/rice_fallback.h"
#include "model/codec.h"
#include "nn/rng.h"

namespace lmpack::model::audio {
namespace {

std::vector<std::int64_t> noise(std::size_t n, int bits, std::uint64_t seed) {
  nn::Rng rng(seed);
  std::vector<std::int64_t> out(n);
  const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
  for (auto& v : out) {
    v = static_cast<std::int64_t>(rng.next() & mask) - (std::int64_t{1} << (bits - 1));
  }
  return out;
}

// A random walk with steps of about 2^step_bits, clamped to `bits`.
std::vector<std::int64_t> walk(std::size_t frames, int channels, int bits, int step_bits,
                               std::uint64_t seed) {
  nn::Rng rng(seed);
  const std::int64_t hi = (std::int64_t{1} << (bits - 1)) - 1, lo = -hi - 1;
  std::vector<std::int64_t> out(frames * channels);
  std::vector<std::int64_t> x(channels, 0);
  for (std::size_t f = 0; f < frames; ++f) {
    for (int c = 0; c < channels; ++c) {
      const std::int64_t step = static_cast<std::int64_t>(rng.next() >> (64 - step_bits - 1)) -
                                (std::int64_t{1} << step_bits);
      x[c] = std::clamp(x[c] + step, lo, hi);
      out[f * channels + c] = x[c];
    }
  }
  return out;
}

void expect_round_trip(const std::vector<std::int64_t>& samples, int channels,
                       const std::vector<bool>& coded) {
  const std::size_t frames = samples.size() / channels;
  std::vector<std::uint8_t> stream;
  rice_encode(samples, channels, frames, coded, stream);
  std::vector<std::int64_t> back(samples.size(), 0);
  rice_decode(stream, channels, frames, coded, back);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const bool is_coded = coded[i % channels];
    ASSERT_EQ(back[i], is_coded ? samples[i] : 0) << "at " << i << " of " << samples.size();
  }
}

TEST(AudioRice, RoundTripsLayoutsAndEdges) {
  for (std::size_t frames : {std::size_t{1}, std::size_t{5}, kRicePartition - 1, kRicePartition,
                             kRicePartition + 3, 3 * kRicePartition + 17}) {
    SCOPED_TRACE(frames);
    expect_round_trip(walk(frames, 1, 16, 6, 1), 1, {true});
    expect_round_trip(walk(frames, 2, 24, 10, 2), 2, {true, true});
    expect_round_trip(walk(frames, 2, 16, 3, 3), 2, {false, true});
    expect_round_trip(walk(frames, 3, 16, 8, 4), 3, {true, false, true});
  }
}

TEST(AudioRice, RoundTripsExtremes) {
  const std::int64_t lo = -(std::int64_t{1} << 31), hi = (std::int64_t{1} << 31) - 1;
  std::vector<std::int64_t> alternating(2 * 5000);
  for (std::size_t i = 0; i < alternating.size(); ++i) alternating[i] = (i / 2) % 2 ? lo : hi;
  expect_round_trip(alternating, 2, {true, true});
  expect_round_trip(noise(9000, 32, 5), 1, {true});
  // One outlier in a quiet partition: the parameter must keep its quotient bounded.
  std::vector<std::int64_t> quiet(kRicePartition, 0);
  quiet[100] = hi;
  quiet[101] = lo;
  expect_round_trip(quiet, 1, {true});
}

TEST(AudioRice, UsesSideChannelForCorrelatedStereo) {
  // Right = left + tiny noise: the side channel costs far less than the right channel alone.
  const auto left = walk(20000, 1, 16, 9, 6);
  const auto tiny = noise(20000, 2, 7);
  std::vector<std::int64_t> stereo;
  for (std::size_t f = 0; f < left.size(); ++f) {
    stereo.push_back(left[f]);
    stereo.push_back(left[f] + tiny[f]);
  }
  std::vector<std::uint8_t> with_pair, left_only;
  rice_encode(stereo, 2, left.size(), {true, true}, with_pair);
  rice_encode(left, 1, left.size(), {true}, left_only);
  // ~3-4 bits a sample for the side channel; without it the right channel would cost as much
  // as the left.
  EXPECT_LT(with_pair.size(), left_only.size() * 3 / 2);
  expect_round_trip(stereo, 2, {true, true});
}

TEST(AudioRice, CorruptStreamsDecodeWithoutFaulting) {
  nn::Rng rng(11);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<std::uint8_t> junk(static_cast<std::size_t>(rng.next() % 3000));
    for (auto& b : junk) b = static_cast<std::uint8_t>(rng.next());
    // All ones: the longest runaway quotients.
    if (trial == 0) junk.assign(2000, 0xff);
    std::vector<std::int64_t> out(2 * 7000);
    rice_decode(junk, 2, 7000, {true, true}, out);
  }
}

// ---- the codec's floor ----

using test::shape_of;
using test::tokens;

struct Coded {
  std::vector<std::uint8_t> payload;
  std::size_t rice_bytes;
};

Coded code_both(int level, const std::vector<std::int64_t>& samples, int channels, int bytes) {
  const ModelFamily& f = audio_family();
  std::unique_ptr<BlockCodec> codec;
  EXPECT_TRUE(make_codec(f, level, f.params(level), shape_of(channels, bytes), codec));
  const auto block = tokens(samples, bytes);
  Coded out;
  codec->encode(block, out.payload, {});
  std::vector<std::uint8_t> back(block.size(), 0x5a);
  codec->decode(out.payload, back, {});
  EXPECT_EQ(back, block);
  std::vector<std::uint8_t> rice;
  rice_encode(samples, channels, samples.size() / channels, std::vector<bool>(channels, true),
              rice);
  out.rice_bytes = rice.size();
  return out;
}

TEST(AudioRice, CodecNeverCostsMoreThanTheFloor) {
  // Variant byte + one info byte per channel: the codec's whole overhead over the floor.
  for (int level : {1, 5, 9}) {
    SCOPED_TRACE(level);
    for (const auto& [samples, channels] :
         {std::pair{walk(3000, 2, 16, 7, 21), 2}, std::pair{noise(4000, 16, 22), 1},
          std::pair{walk(100, 1, 16, 12, 23), 1}}) {
      const Coded c = code_both(level, samples, channels, 2);
      EXPECT_LE(c.payload.size(), c.rice_bytes + 1 + static_cast<std::size_t>(channels));
    }
  }
}

TEST(AudioRice, CodecPicksTheFloorWhenItWins) {
  // A few frames of white noise: too short for the adaptive coder to learn the scale, which
  // Rice parameters state outright.
  const auto samples = noise(2 * 40, 16, 31);
  const Coded c = code_both(1, samples, 2, 2);
  ASSERT_FALSE(c.payload.empty());
  EXPECT_EQ(c.payload[0], 3) << "variant byte";
  EXPECT_EQ(c.payload.size(), c.rice_bytes + 3);
}

}  // namespace
}  // namespace lmpack::model::audio
