// Unit tests of the context-mixing model's parts, and exact-output fixtures of the whole model.
#include <gtest/gtest.h>

#include <random>

#include "format/container.h"
#include "model/cm/cm_config.h"
#include "model/cm/counter.h"
#include "model/cm/logistic.h"
#include "model/cm/mixer_kernels.h"
#include "model/cm/predictor.h"
#include "model/codec.h"

namespace lmpack::model::cm {
namespace {

std::vector<std::uint8_t> sample_text(std::size_t n) {
  const std::string words[] = {"the ",  "quick ", "brown ", "fox ", "jumps ",
                               "over ", "lazy ",  "dog. ",  "And ", "then\n"};
  std::mt19937 rng(7);
  std::vector<std::uint8_t> out;
  while (out.size() < n) {
    const std::string& w = words[rng() % 10];
    out.insert(out.end(), w.begin(), w.end());
  }
  out.resize(n);
  return out;
}

TEST(Logistic, SquashKnotsAndRange) {
  EXPECT_EQ(squash(0), 2048);
  EXPECT_EQ(squash(-2047), 1);
  EXPECT_EQ(squash(2047), 4095);
  EXPECT_EQ(squash(5000), 4095);
  EXPECT_EQ(squash(-5000), 1);
  for (int x = -2047; x < 2047; ++x) EXPECT_LE(squash(x), squash(x + 1));
}

TEST(Logistic, StretchInvertsSquash) {
  for (int x = -1000; x <= 1000; ++x) {
    EXPECT_NEAR(stretch(squash(x)), x, 2) << x;
  }
  for (int p = 1; p < 4095; ++p) EXPECT_LE(stretch(p), stretch(p + 1));
}

TEST(Counter, UpdatesTowardsTheBitWithDecreasingRate) {
  std::uint32_t c = kCounterInit;
  EXPECT_EQ(counter_p12(c), 2048);
  EXPECT_EQ(counter_n(c), 0);
  EXPECT_EQ(counter_history(c), 1);
  counter_update(c, 1, 63);
  // First update moves 2/3 of the way: 32768 + 32767 * 43690 / 65536.
  EXPECT_EQ(c >> 16, 32768u + ((32767u * 43690u) >> 16));
  EXPECT_EQ(counter_n(c), 1);
  EXPECT_EQ(counter_history(c), 0b11);
  counter_update(c, 0, 63);
  EXPECT_EQ(counter_history(c), 0b110);
  for (int i = 0; i < 100; ++i) counter_update(c, 1, 5);
  EXPECT_EQ(counter_n(c), 5);  // stops at the limit
  EXPECT_GT(counter_p12(c), 4000);
  // The history keeps the 9 most recent bits behind a leading 1.
  EXPECT_EQ(counter_history(c), 1023);
  counter_update(c, 0, 5);
  EXPECT_EQ(counter_history(c), 1022);
}

TEST(MixerKernels, MatchScalarReference) {
  std::mt19937 rng(1);
  for (int n : {8, 16, 40, 64}) {
    std::vector<std::int32_t> x(n), w(n), w_ref;
    for (int i = 0; i < n; ++i) {
      x[i] = static_cast<int>(rng() % 4095) - 2047;
      w[i] = static_cast<int>(rng() % (2 * kMaxWeight + 1)) - kMaxWeight;
    }
    std::int32_t ref = 0;
    for (int i = 0; i < n; ++i) ref += (x[i] * w[i]) >> 8;
    EXPECT_EQ(mixer_dot(x.data(), w.data(), n), ref);
    const int err = -4095 * 3;
    w_ref = w;
    for (int i = 0; i < n; ++i) {
      std::int32_t v = w_ref[i] + ((x[i] * err + (1 << 13)) >> 14);
      w_ref[i] = std::clamp(v, -kMaxWeight, kMaxWeight);
    }
    mixer_train(x.data(), w.data(), n, err, 14);
    EXPECT_EQ(w, w_ref);
  }
}

TEST(CmConfig, SerializeRoundTripsEveryLevel) {
  for (int level = 1; level <= 9; ++level) {
    const CmConfig c = config_for_level(level);
    CmConfig back;
    ASSERT_TRUE(deserialize(serialize(c), back).is_ok()) << level;
    EXPECT_EQ(serialize(back), serialize(c));
  }
}

TEST(CmConfig, RejectsBadParams) {
  CmConfig c;
  auto bytes = serialize(config_for_level(5));
  EXPECT_EQ(deserialize({bytes.data(), bytes.size() - 1}, c).code(), ErrorCode::kUnknownModel);
  auto bad_version = bytes;
  bad_version[0] = 99;
  EXPECT_EQ(deserialize(bad_version, c).code(), ErrorCode::kUnknownModel);
  auto bad_table = bytes;
  bad_table[9] = 40;  // table_log2 far beyond 1 GiB
  EXPECT_EQ(deserialize(bad_table, c).code(), ErrorCode::kCorrupt);
  auto bad_feature = bytes;
  bad_feature[8] = 0x80;  // an unknown feature bit
  EXPECT_EQ(deserialize(bad_feature, c).code(), ErrorCode::kCorrupt);
}

TEST(CmConfig, HigherLevelsNeverUseLessMemory) {
  for (int level = 1; level < 9; ++level) {
    EXPECT_LE(config_for_level(level).memory_bytes(), config_for_level(level + 1).memory_bytes());
  }
}

std::vector<std::uint8_t> encode_block(int level, std::span<const std::uint8_t> data) {
  std::unique_ptr<BlockCodec> codec;
  const ModelFamily* cm = find_family("cm");
  EXPECT_NE(cm, nullptr);
  EXPECT_TRUE(cm->make(level, cm->params(level), codec).is_ok());
  std::vector<std::uint8_t> out;
  codec->encode(data, out, {});
  return out;
}

std::vector<std::uint8_t> decode_block(int level, std::span<const std::uint8_t> payload,
                                       std::size_t size) {
  std::unique_ptr<BlockCodec> codec;
  const ModelFamily* cm = find_family("cm");
  EXPECT_TRUE(cm->make(level, cm->params(level), codec).is_ok());
  std::vector<std::uint8_t> out(size);
  codec->decode(payload, out, {});
  return out;
}

TEST(CmCodec, RoundTripsEveryLevel) {
  const auto text = sample_text(20000);
  for (int level = 1; level <= 9; ++level) {
    const auto payload = encode_block(level, text);
    EXPECT_LT(payload.size(), text.size() / 4) << level;
    EXPECT_EQ(decode_block(level, payload, text.size()), text) << level;
  }
}

TEST(CmCodec, RoundTripsEdgeInputs) {
  std::vector<std::vector<std::uint8_t>> inputs = {
      {}, {0}, {255}, std::vector<std::uint8_t>(5000, 0)};
  std::vector<std::uint8_t> all(256);
  for (int i = 0; i < 256; ++i) all[i] = static_cast<std::uint8_t>(i);
  inputs.push_back(all);
  std::mt19937 rng(3);
  std::vector<std::uint8_t> noise(10000);
  for (auto& b : noise) b = static_cast<std::uint8_t>(rng());
  inputs.push_back(noise);
  for (const auto& in : inputs) {
    const auto payload = encode_block(1, in);
    EXPECT_EQ(decode_block(1, payload, in.size()), in) << in.size();
  }
}

TEST(CmCodec, CorruptPayloadDecodesWithoutFaulting) {
  const auto text = sample_text(4000);
  auto payload = encode_block(2, text);
  payload[payload.size() / 2] ^= 0x10;
  const auto out = decode_block(2, payload, text.size());
  EXPECT_EQ(out.size(), text.size());
  EXPECT_NE(out, text);
  // A payload much shorter than needed reads zeros past its end.
  const auto shortened = decode_block(2, {payload.data(), 3}, text.size());
  EXPECT_EQ(shortened.size(), text.size());
}

// The exact coded bytes are part of the archive format: a change here breaks old archives and
// must come with a new params version.
TEST(CmCodec, ExactOutputFixture) {
  const auto text = sample_text(3000);
  EXPECT_EQ(format::whole_checksum(encode_block(1, text)), 9473817525532859006u);
  EXPECT_EQ(format::whole_checksum(encode_block(5, text)), 15467778085930367099u);
  EXPECT_EQ(format::whole_checksum(encode_block(9, text)), 409509707806750318u);
}

}  // namespace
}  // namespace lmpack::model::cm
