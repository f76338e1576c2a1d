// The weights file: exact round trips, the content hash, and strict refusal of every truncated,
// damaged or hostile file (with the error code the format promises).
#include <gtest/gtest.h>

#include <bit>
#include <cstdio>
#include <filesystem>

#include "nn/weights_file.h"

namespace lmpack::nn {
namespace {

WeightsFile sample() {
  WeightsFile w;
  w.family = "transformer";
  w.params = {1, 2, 3, 4, 5};
  w.set_meta("name", "tiny");
  w.set_meta("corpus", "unit test");
  w.tensors.push_back({"emb", {3, 2}, {1.0f, -2.5f, 0.0f, -0.0f, 1e-30f, 3.25f}});
  w.tensors.push_back({"bias", {4}, {0.5f, 0.25f, -1.0f, std::bit_cast<float>(0x7f800001u)}});
  w.tensors.push_back({"scalar", {}, {7.0f}});
  return w;
}

// Appends the trailer hash to hand-made content (to build hostile files that pass the hash).
std::vector<std::uint8_t> seal(std::vector<std::uint8_t> content) {
  const WeightsHash h = hash_weights_content(content);
  for (int i = 0; i < 8; ++i) content.push_back(static_cast<std::uint8_t>(h.lo >> (8 * i)));
  for (int i = 0; i < 8; ++i) content.push_back(static_cast<std::uint8_t>(h.hi >> (8 * i)));
  return content;
}

void put(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::vector<std::uint8_t> header() {
  std::vector<std::uint8_t> b = {'L', 'M', 'P', 'W'};
  put(b, 1, 4);
  put(b, 1, 2);
  b.push_back('t');
  put(b, 0, 4);  // params
  put(b, 0, 4);  // meta
  return b;
}

TEST(WeightsFile, RoundTripIsExact) {
  const WeightsFile w = sample();
  const std::vector<std::uint8_t> bytes = write_weights(w);
  WeightsFile back;
  WeightsHash hash;
  ASSERT_TRUE(parse_weights(bytes, back, &hash));
  EXPECT_EQ(back.family, w.family);
  EXPECT_EQ(back.params, w.params);
  EXPECT_EQ(back.meta, w.meta);
  ASSERT_EQ(back.tensors.size(), w.tensors.size());
  for (std::size_t i = 0; i < w.tensors.size(); ++i) {
    EXPECT_EQ(back.tensors[i].name, w.tensors[i].name);
    EXPECT_EQ(back.tensors[i].shape, w.tensors[i].shape);
    ASSERT_EQ(back.tensors[i].data.size(), w.tensors[i].data.size());
    for (std::size_t j = 0; j < w.tensors[i].data.size(); ++j) {
      EXPECT_EQ(std::bit_cast<std::uint32_t>(back.tensors[i].data[j]),
                std::bit_cast<std::uint32_t>(w.tensors[i].data[j]));
    }
  }
  EXPECT_EQ(write_weights(back), bytes);  // one byte form
  EXPECT_EQ(hash, hash_weights_content(std::span(bytes).first(bytes.size() - 16)));
  EXPECT_EQ(hash.hex().size(), 32u);
  EXPECT_EQ(back.meta_value("name"), "tiny");
  EXPECT_EQ(back.meta_value("absent", "x"), "x");
  ASSERT_NE(back.tensor("bias"), nullptr);
  EXPECT_EQ(back.tensor("nope"), nullptr);
}

TEST(WeightsFile, HashNamesTheContent) {
  WeightsFile a = sample(), b = sample();
  b.tensors[0].data[0] = 1.0000001f;
  WeightsHash ha, hb;
  WeightsFile tmp;
  ASSERT_TRUE(parse_weights(write_weights(a), tmp, &ha));
  ASSERT_TRUE(parse_weights(write_weights(b), tmp, &hb));
  EXPECT_FALSE(ha == hb);
}

TEST(WeightsFile, EveryTruncationIsRefused) {
  const std::vector<std::uint8_t> bytes = write_weights(sample());
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    WeightsFile out;
    const Status s = parse_weights(std::span(bytes).first(cut), out);
    EXPECT_FALSE(s) << cut;
    EXPECT_TRUE(s.code() == ErrorCode::kNotAnArchive || s.code() == ErrorCode::kTruncated ||
                s.code() == ErrorCode::kChecksumMismatch)
        << cut << " " << s.message();
  }
}

TEST(WeightsFile, EveryFlippedByteIsRefused) {
  const std::vector<std::uint8_t> bytes = write_weights(sample());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::vector<std::uint8_t> bad = bytes;
    bad[i] ^= 0x10;
    WeightsFile out;
    EXPECT_FALSE(parse_weights(bad, out)) << i;
  }
}

TEST(WeightsFile, BadMagicAndVersion) {
  std::vector<std::uint8_t> bytes = write_weights(sample());
  WeightsFile out;
  bytes[0] = 'X';
  EXPECT_EQ(parse_weights(bytes, out).code(), ErrorCode::kNotAnArchive);
  std::vector<std::uint8_t> v2 = header();
  v2[4] = 2;
  put(v2, 0, 4);
  EXPECT_EQ(parse_weights(seal(v2), out).code(), ErrorCode::kUnsupportedVersion);
}

TEST(WeightsFile, HostileLengthsWithAValidHash) {
  WeightsFile out;
  {  // A tensor claiming 2^32 x 2^32 elements.
    auto b = header();
    put(b, 1, 4);
    put(b, 1, 2);
    b.push_back('x');
    b.push_back(0);
    b.push_back(2);
    put(b, 0xffffffffu, 4);
    put(b, 0xffffffffu, 4);
    const Status s = parse_weights(seal(b), out);
    EXPECT_EQ(s.code(), ErrorCode::kCorrupt) << s.message();
  }
  {  // Data shorter than the shape says.
    auto b = header();
    put(b, 1, 4);
    put(b, 1, 2);
    b.push_back('x');
    b.push_back(0);
    b.push_back(1);
    put(b, 4, 4);
    put(b, 0, 8);  // 2 floats of 4
    const Status s = parse_weights(seal(b), out);
    EXPECT_EQ(s.code(), ErrorCode::kCorrupt);
    EXPECT_NE(s.message().find("truncated in tensor data"), std::string::npos) << s.message();
  }
  {  // Unknown dtype, rank 5, too many tensors, duplicate names, trailing bytes.
    auto dtype = header();
    put(dtype, 1, 4);
    put(dtype, 1, 2);
    dtype.push_back('x');
    dtype.push_back(3);
    dtype.push_back(0);
    EXPECT_EQ(parse_weights(seal(dtype), out).code(), ErrorCode::kCorrupt);
    auto rank = header();
    put(rank, 1, 4);
    put(rank, 1, 2);
    rank.push_back('x');
    rank.push_back(0);
    rank.push_back(5);
    for (int i = 0; i < 5; ++i) put(rank, 1, 4);
    put(rank, 0, 4);
    EXPECT_EQ(parse_weights(seal(rank), out).code(), ErrorCode::kCorrupt);
    auto many = header();
    put(many, 0xffffffffu, 4);
    EXPECT_EQ(parse_weights(seal(many), out).code(), ErrorCode::kCorrupt);
    auto dup = header();
    put(dup, 2, 4);
    for (int i = 0; i < 2; ++i) {
      put(dup, 1, 2);
      dup.push_back('x');
      dup.push_back(0);
      dup.push_back(0);
      put(dup, 0, 4);
    }
    const Status s = parse_weights(seal(dup), out);
    EXPECT_NE(s.message().find("appears twice"), std::string::npos) << s.message();
    auto trailing = header();
    put(trailing, 0, 4);
    trailing.push_back(0);
    EXPECT_EQ(parse_weights(seal(trailing), out).code(), ErrorCode::kCorrupt);
  }
  {  // A meta value longer than the file.
    std::vector<std::uint8_t> b = {'L', 'M', 'P', 'W'};
    put(b, 1, 4);
    put(b, 0, 2);
    put(b, 0, 4);
    put(b, 1, 4);
    put(b, 1, 2);
    b.push_back('k');
    put(b, 1000, 4);
    EXPECT_EQ(parse_weights(seal(b), out).code(), ErrorCode::kCorrupt);
  }
}

TEST(WeightsFile, SaveAndLoad) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "lmpack-weights-test.lmw").string();
  WeightsHash saved, loaded;
  ASSERT_TRUE(save_weights(path, sample(), &saved));
  WeightsFile back;
  ASSERT_TRUE(load_weights(path, back, &loaded));
  EXPECT_EQ(saved, loaded);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  std::filesystem::remove(path);
  const Status s = load_weights(path, back);
  EXPECT_EQ(s.code(), ErrorCode::kIo);
}

}  // namespace
}  // namespace lmpack::nn
