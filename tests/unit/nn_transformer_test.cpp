// The online byte transformer (model/nn/transformer.h) and its family: determinism, learning,
// params validation, and coding round trips through the family's BlockCodec.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "model/nn/families.h"
#include "model/nn/transformer.h"
#include "nn/kernels.h"
#include "nn/rng.h"

namespace lmpack::model::nn {
namespace {

TransformerConfig small_config(int streams = 1) {
  TransformerConfig c;
  c.d_model = 32;
  c.layers = 2;
  c.heads = 4;
  c.d_ff = 64;
  c.segment = 16;
  c.memory = 32;
  c.streams = streams;
  c.act = Activation::kSquaredRelu;
  c.ctx_mask = ctx_order(2) | ctx_order(3) | kCtxWord;
  c.ctx_log2 = 12;
  c.lr = 5e-3f;
  c.beta1 = 0.0f;
  c.clip = 100.0f;
  c.seed = 42;
  return c;
}

std::string sample_text() {
  std::string s;
  const char* lines[] = {"In the beginning was the word, and the word was with the coder.\n",
                         "The quick brown fox jumps over the lazy dog; the dog sleeps on.\n",
                         "Arithmetic coding turns probabilities into bits, one symbol at a time.\n",
                         "A model that predicts well compresses well, and the decoder agrees.\n"};
  for (int i = 0; i < 24; ++i) s += lines[(i * 7 + i / 3) % 4];
  return s;
}

std::vector<std::uint8_t> random_bytes(std::size_t n, std::uint64_t seed) {
  lmpack::nn::Rng rng(seed);
  std::vector<std::uint8_t> v(n);
  for (auto& b : v) b = static_cast<std::uint8_t>(rng.next());
  return v;
}

// Runs `steps` steps of stream-interleaved bytes and returns every probability it produced.
std::vector<float> run_probs(const TransformerConfig& c, const std::string& text, int steps) {
  ByteTransformer m(c);
  std::vector<float> out;
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(c.streams));
  for (int t = 0; t < steps; ++t) {
    for (int s = 0; s < c.streams; ++s) {
      out.insert(out.end(), m.probs(s), m.probs(s) + 256);
      bytes[s] = static_cast<std::uint8_t>(text[(t * 5 + s * 131) % text.size()]);
    }
    m.step(bytes.data());
  }
  return out;
}

TEST(NnTransformerModel, TwoInstancesGiveBitIdenticalProbs) {
  const std::string text = sample_text();
  for (int streams : {1, 3}) {
    const TransformerConfig c = small_config(streams);
    const std::vector<float> a = run_probs(c, text, 100);
    const std::vector<float> b = run_probs(c, text, 100);
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(float))) << streams;
  }
}

// Archives must decode on any CPU: every kernel variant this machine runs gives the scalar
// reference's probabilities bit for bit through whole training steps.
TEST(NnTransformerModel, EveryKernelVariantGivesTheScalarProbs) {
  using lmpack::nn::Simd;
  const Simd saved = lmpack::nn::kernels().simd;
  const std::string text = sample_text();
  const TransformerConfig c = small_config(2);
  ASSERT_TRUE(lmpack::nn::force_simd(Simd::kScalar));
  const std::vector<float> ref = run_probs(c, text, 70);
  for (Simd v : {Simd::kAvx2, Simd::kAvx512}) {
    if (!lmpack::nn::force_simd(v)) continue;
    const std::vector<float> got = run_probs(c, text, 70);
    EXPECT_EQ(0, std::memcmp(ref.data(), got.data(), ref.size() * sizeof(float)))
        << lmpack::nn::simd_name(v);
  }
  lmpack::nn::force_simd(saved);
}

TEST(NnTransformerModel, ProbsArePositiveAndSumToOne) {
  const TransformerConfig c = small_config(2);
  ByteTransformer m(c);
  const std::string text = sample_text();
  for (int t = 0; t < 60; ++t) {
    for (int s = 0; s < 2; ++s) {
      double sum = 0;
      for (int i = 0; i < 256; ++i) {
        ASSERT_GT(m.probs(s)[i], 0.0f);
        sum += m.probs(s)[i];
      }
      ASSERT_NEAR(sum, 1.0, 1e-4);
    }
    const std::uint8_t bytes[2] = {static_cast<std::uint8_t>(text[t]),
                                   static_cast<std::uint8_t>(text[t + 1000])};
    m.step(bytes);
  }
  // Untrained, the first distribution is uniform (zero-initialised output layer).
  ByteTransformer fresh(c);
  EXPECT_EQ(fresh.probs(0)[0], 1.0f / 256.0f);
}

TEST(NnTransformerModel, LearnsRepetitiveText) {
  TransformerConfig c = small_config(1);
  ByteTransformer m(c);
  const std::string unit = "the quick brown fox jumps over the lazy dog. ";
  double late_bits = 0;
  int late = 0;
  const int n = 3000;
  for (int i = 0; i < n; ++i) {
    const auto b = static_cast<std::uint8_t>(unit[i % unit.size()]);
    if (i >= n - 500) {
      late_bits -= std::log2(static_cast<double>(m.probs(0)[b]));
      ++late;
    }
    m.step(&b);
  }
  EXPECT_LT(late_bits / late, 1.0);  // far below the 8 bits of an untrained model
}

TEST(NnTransformerConfig, RoundTripsEveryLevelAndCustomValues) {
  const ModelFamily& f = transformer_family();
  for (int level = 1; level <= 9; ++level) {
    const std::vector<std::uint8_t> p = f.params(level);
    TransformerConfig c;
    ASSERT_TRUE(deserialize(p, c)) << level;
    EXPECT_EQ(serialize(c), p) << level;
  }
  TransformerConfig c = small_config(4);
  c.lr_decay = 1e-4f;
  c.lr_min = 1e-5f;
  c.eps = 1e-9f;
  c.seed = 0x0123456789abcdefull;
  TransformerConfig back;
  ASSERT_TRUE(deserialize(serialize(c), back));
  EXPECT_EQ(serialize(back), serialize(c));
  EXPECT_EQ(back.seed, c.seed);
  EXPECT_EQ(std::bit_cast<std::uint32_t>(back.lr_decay), std::bit_cast<std::uint32_t>(c.lr_decay));
  EXPECT_EQ(back.streams, 4);
  EXPECT_EQ(back.ctx_mask, c.ctx_mask);
}

TEST(NnTransformerConfig, RejectsBadParams) {
  const TransformerConfig good = small_config();
  TransformerConfig out;
  ASSERT_TRUE(deserialize(serialize(good), out));
  EXPECT_EQ(deserialize({}, out).code(), ErrorCode::kUnknownModel);
  std::vector<std::uint8_t> p = serialize(good);
  p[0] = 2;  // a future version
  EXPECT_EQ(deserialize(p, out).code(), ErrorCode::kUnknownModel);
  p = serialize(good);
  p.push_back(0);
  EXPECT_FALSE(deserialize(p, out));
  p = serialize(good);
  for (std::size_t n = 0; n < p.size(); ++n) {  // every truncation
    EXPECT_FALSE(deserialize(std::span<const std::uint8_t>(p.data(), n), out)) << n;
  }
  auto rejects = [&](auto mutate) {
    TransformerConfig c = good;
    mutate(c);
    TransformerConfig o;
    return !deserialize(serialize(c), o);
  };
  EXPECT_TRUE(rejects([](TransformerConfig& c) { c.d_model = 30; }));  // not a multiple of heads
  EXPECT_TRUE(rejects([](TransformerConfig& c) { c.layers = 0; }));
  EXPECT_TRUE(rejects([](TransformerConfig& c) { c.heads = 0; }));
  EXPECT_TRUE(rejects([](TransformerConfig& c) { c.segment = 0; }));
  EXPECT_TRUE(rejects([](TransformerConfig& c) { c.streams = 0; }));
  EXPECT_TRUE(rejects([](TransformerConfig& c) { c.memory = 9000; }));
  EXPECT_TRUE(rejects([](TransformerConfig& c) { c.act = static_cast<Activation>(7); }));
  EXPECT_TRUE(rejects([](TransformerConfig& c) { c.ctx_mask = kCtxKnown + 1; }));
  EXPECT_TRUE(rejects([](TransformerConfig& c) { c.ctx_log2 = 9; }));
  EXPECT_TRUE(rejects([](TransformerConfig& c) { c.lr = std::nanf(""); }));
  EXPECT_TRUE(rejects([](TransformerConfig& c) { c.lr = 0.0f; }));
  EXPECT_TRUE(rejects([](TransformerConfig& c) { c.lr_min = 2 * c.lr; }));
  EXPECT_TRUE(rejects([](TransformerConfig& c) { c.beta1 = 1.0f; }));
  EXPECT_TRUE(rejects([](TransformerConfig& c) { c.beta2 = -0.5f; }));
  EXPECT_TRUE(rejects([](TransformerConfig& c) { c.eps = 0.0f; }));
  EXPECT_TRUE(rejects([](TransformerConfig& c) { c.clip = INFINITY; }));
  // Each dimension within its range but together far too big to allocate.
  EXPECT_TRUE(rejects([](TransformerConfig& c) {
    c.d_model = 1024, c.d_ff = 4096, c.layers = 16, c.streams = 64, c.segment = 1024;
  }));
}

TEST(NnTransformerConfig, HostileParamsNeverCrash) {
  lmpack::nn::Rng rng(9);
  const std::size_t size = serialize(small_config()).size();
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    std::vector<std::uint8_t> p = random_bytes(size, rng.next());
    p[0] = 1;
    TransformerConfig c;
    if (deserialize(p, c)) {
      ++accepted;
      EXPECT_TRUE(validate(c));
      EXPECT_LE(c.memory_bytes(), std::uint64_t{2} << 30);
    }
  }
  (void)accepted;  // random bytes rarely make a valid config; the point is no crash
}

// Codes `data` with the family's codec built from `params`, decodes it and compares.
std::vector<std::uint8_t> round_trip(std::span<const std::uint8_t> params,
                                     const std::vector<std::uint8_t>& data) {
  std::unique_ptr<BlockCodec> codec;
  EXPECT_TRUE(transformer_family().make(5, params, codec));
  std::vector<std::uint8_t> payload;
  codec->encode(data, payload, {});
  std::vector<std::uint8_t> back(data.size(), 0xAA);
  codec->decode(payload, back, {});
  EXPECT_EQ(back, data);
  return payload;
}

TEST(NnTransformerCodec, RoundTrips) {
  const std::string text = sample_text();
  const std::vector<std::uint8_t> text_bytes(text.begin(), text.end());
  for (int streams : {1, 4}) {
    const std::vector<std::uint8_t> params = serialize(small_config(streams));
    round_trip(params, {});
    round_trip(params, {'x'});
    round_trip(params, random_bytes(1000, 3));
    const auto payload = round_trip(params, text_bytes);
    EXPECT_LT(payload.size(), text_bytes.size() * 6 / 8) << streams;  // it learned something
  }
}

TEST(NnTransformerCodec, RoundTripsAtTheDefaultLevel) {
  const ModelFamily& f = transformer_family();
  const std::string text = sample_text().substr(0, 1500);
  round_trip(f.params(f.default_level), std::vector<std::uint8_t>(text.begin(), text.end()));
}

TEST(NnTransformerCodec, CorruptPayloadsDecodeToTheRightSize) {
  const std::string text = sample_text();
  const std::vector<std::uint8_t> data(text.begin(), text.end());
  const std::vector<std::uint8_t> params = serialize(small_config(2));
  std::unique_ptr<BlockCodec> codec;
  ASSERT_TRUE(transformer_family().make(5, params, codec));
  std::vector<std::uint8_t> payload;
  codec->encode(data, payload, {});
  std::vector<std::vector<std::uint8_t>> bad;
  bad.push_back({});                                                        // empty
  bad.emplace_back(payload.begin(), payload.begin() + payload.size() / 2);  // truncated
  bad.push_back(payload);
  bad.back()[payload.size() / 3] ^= 0x5A;  // one flipped byte
  bad.push_back(random_bytes(payload.size(), 11));
  for (const auto& p : bad) {
    std::vector<std::uint8_t> out(data.size());
    codec->decode(p, out, {});
    EXPECT_EQ(out.size(), data.size());
  }
}

TEST(NnTransformerFamily, DescribesItself) {
  const ModelFamily& f = transformer_family();
  EXPECT_EQ(f.id, 3);
  EXPECT_EQ(f.name, "transformer");
  EXPECT_EQ(f.default_level, 5);
  EXPECT_EQ(f.best_level, 9);
  for (int level = 1; level <= 9; ++level) {
    EXPECT_GE(f.block_size(level), std::uint64_t{1} << 20);
    EXPECT_GT(f.memory(level), 0u);
    std::unique_ptr<BlockCodec> codec;
    EXPECT_TRUE(f.make(level, f.params(level), codec)) << level;
    EXPECT_NE(codec, nullptr);
  }
  std::unique_ptr<BlockCodec> codec;
  EXPECT_FALSE(f.make(5, std::vector<std::uint8_t>{9, 9, 9}, codec));
}

}  // namespace
}  // namespace lmpack::model::nn
