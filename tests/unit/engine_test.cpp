// Engine behaviour behind the public API: blocks, threads, bounds, and archives that lie.
#include <gtest/gtest.h>

#include <random>

#include "format/container.h"
#include "lmpack/lmpack.h"

namespace lmpack {
namespace {

std::vector<std::uint8_t> text_like(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::uint8_t> out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>("etaoin shrdlu\n"[rng() % 14]);
  return out;
}

TEST(Engine, ArchivesAreIdenticalWhateverTheThreadCount) {
  const auto data = text_like(300000, 1);
  CompressOptions o;
  o.level = 2;
  o.block_size = 40000;
  std::vector<std::uint8_t> a1, a2, a3;
  o.threads = 1;
  ASSERT_TRUE(compress(data, a1, o).is_ok());
  o.threads = 2;
  ASSERT_TRUE(compress(data, a2, o).is_ok());
  o.threads = 5;
  ASSERT_TRUE(compress(data, a3, o).is_ok());
  EXPECT_EQ(a1, a2);
  EXPECT_EQ(a1, a3);
  std::vector<std::uint8_t> back;
  DecompressOptions d;
  d.threads = 2;
  ASSERT_TRUE(decompress(a1, back, d).is_ok());
  EXPECT_EQ(back, data);
  ArchiveInfo info;
  ASSERT_TRUE(inspect(a1, info).is_ok());
  EXPECT_EQ(info.blocks.size(), 8u);
  EXPECT_EQ(info.original_size, data.size());
}

TEST(Engine, IncompressibleInputExpandsByAtMostTheBound) {
  std::mt19937 rng(2);
  for (std::size_t n : {0u, 1u, 100u, 70000u, 300000u}) {
    std::vector<std::uint8_t> data(n);
    for (auto& b : data) b = static_cast<std::uint8_t>(rng());
    CompressOptions o;
    o.level = 1;
    o.block_size = 1000;  // many tiny raw blocks: the fallback must still bound the size
    std::vector<std::uint8_t> archive, back;
    ASSERT_TRUE(compress(data, archive, o).is_ok());
    EXPECT_LE(archive.size(), n + kMaxExpansion) << n;
    ASSERT_TRUE(decompress(archive, back).is_ok());
    EXPECT_EQ(back, data);
  }
}

TEST(Engine, RejectsBadOptions) {
  const std::vector<std::uint8_t> data(10, 'a');
  std::vector<std::uint8_t> archive;
  CompressOptions o;
  o.level = 0;
  EXPECT_EQ(compress(data, archive, o).code(), ErrorCode::kInvalidArgument);
  o.level = 10;
  EXPECT_EQ(compress(data, archive, o).code(), ErrorCode::kInvalidArgument);
  o.level = 5;
  o.model = "gpt";
  EXPECT_EQ(compress(data, archive, o).code(), ErrorCode::kInvalidArgument);
  o.model = "cm";
  o.media = "video";
  EXPECT_EQ(compress(data, archive, o).code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(archive.empty());
}

// Builds an archive by hand around one model block.
std::vector<std::uint8_t> hand_made(std::uint8_t model_id, std::vector<std::uint8_t> params,
                                    std::uint64_t claimed_size, std::vector<std::uint8_t> payload) {
  format::Header h;
  h.model_id = model_id;
  h.level = 5;
  h.model_params = std::move(params);
  h.original_size = claimed_size;
  h.block_size = claimed_size;
  format::BlockEntry e{claimed_size, payload.size(), format::BlockMethod::kModel, 0};
  std::vector<std::uint8_t> out;
  format::write_archive(h, {e}, {payload}, 0, out);
  return out;
}

std::vector<std::uint8_t> cm_params() {
  const std::vector<std::uint8_t> data(1000, 'x');
  std::vector<std::uint8_t> archive;
  CompressOptions o;
  EXPECT_TRUE(compress(data, archive, o).is_ok());
  format::Archive a;
  EXPECT_TRUE(format::parse_archive(archive, a).is_ok());
  return a.header.model_params;
}

TEST(Engine, RefusesImpossibleSizesBeforeAllocating) {
  const auto archive = hand_made(1, cm_params(), std::uint64_t{1} << 40, {1, 2, 3});
  std::vector<std::uint8_t> out;
  const Status s = decompress(archive, out);
  EXPECT_EQ(s.code(), ErrorCode::kCorrupt) << s.message();
  EXPECT_TRUE(out.empty());
}

TEST(Engine, RefusesUnknownModelsAndParams) {
  std::vector<std::uint8_t> out;
  Status s = decompress(hand_made(200, {}, 10, {1, 2, 3}), out);
  EXPECT_EQ(s.code(), ErrorCode::kUnknownModel);
  EXPECT_NE(s.message().find("200"), std::string::npos) << s.message();
  s = decompress(hand_made(1, {9, 9}, 10, {1, 2, 3}), out);
  EXPECT_EQ(s.code(), ErrorCode::kUnknownModel) << s.message();
}

TEST(Engine, WrongPayloadFailsTheChecksum) {
  std::vector<std::uint8_t> out;
  const Status s = decompress(hand_made(1, cm_params(), 100, {1, 2, 3, 4, 5}), out);
  EXPECT_EQ(s.code(), ErrorCode::kChecksumMismatch) << s.message();
  EXPECT_TRUE(out.empty());
}

TEST(Engine, ProgressEndsAtTotalAndCanCancel) {
  const auto data = text_like(200000, 3);
  CompressOptions o;
  o.level = 1;
  std::uint64_t last_done = 0, last_total = 0;
  o.progress = [&](std::uint64_t done, std::uint64_t total) {
    EXPECT_LE(done, total);
    last_done = done;
    last_total = total;
    return true;
  };
  std::vector<std::uint8_t> archive;
  ASSERT_TRUE(compress(data, archive, o).is_ok());
  EXPECT_EQ(last_done, data.size());
  EXPECT_EQ(last_total, data.size());
  o.progress = [](std::uint64_t, std::uint64_t) { return false; };
  EXPECT_EQ(compress(data, archive, o).code(), ErrorCode::kCancelled);
  EXPECT_TRUE(archive.empty());
}

}  // namespace
}  // namespace lmpack
