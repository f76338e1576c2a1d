// The v1 container: byte layout, the overhead bound, and that every damaged or hostile input is
// refused with the right error before anything trusts it.
#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "format/container.h"
#include "format/varint.h"
#include "lmpack/status.h"

namespace lmpack::format {
namespace {

using Bytes = std::vector<std::uint8_t>;

// A complete archive plus the pieces it was written from.
struct Sample {
  Header header;
  std::vector<BlockEntry> blocks;
  std::vector<Bytes> payloads;
  std::uint64_t checksum = 0;
  Bytes bytes;
};

// 2500 bytes in blocks of 1000: raw, model-coded (37 payload bytes), raw (500 bytes).
Sample make_sample() {
  Sample s;
  Bytes original(2500);
  for (std::size_t i = 0; i < original.size(); ++i) original[i] = static_cast<std::uint8_t>(i * 7);
  s.header.media_id = 0;
  s.header.media_params = {1, 2, 3};
  s.header.model_id = 1;
  s.header.level = 5;
  s.header.model_params = {9, 8, 7, 6, 5};
  s.header.original_size = original.size();
  s.header.block_size = 1000;
  for (std::size_t start = 0; start < original.size(); start += 1000) {
    const std::size_t n = std::min<std::size_t>(1000, original.size() - start);
    const std::span<const std::uint8_t> block(original.data() + start, n);
    BlockEntry e;
    e.original_size = n;
    e.checksum = block_checksum(block);
    if (start == 1000) {
      e.method = BlockMethod::kModel;
      s.payloads.push_back(Bytes(37, 0xAB));
    } else {
      e.method = BlockMethod::kRaw;
      s.payloads.emplace_back(block.begin(), block.end());
    }
    e.payload_size = s.payloads.back().size();
    s.blocks.push_back(e);
  }
  s.checksum = whole_checksum(original);
  write_archive(s.header, s.blocks, s.payloads, s.checksum, s.bytes);
  return s;
}

Status parse(const Bytes& bytes, Archive& out) { return parse_archive(bytes, out); }

Status parse(const Bytes& bytes) {
  Archive a;
  return parse_archive(bytes, a);
}

// Offset of the first payload byte (just after the check value).
std::size_t payload_start(const Sample& s) {
  return static_cast<std::size_t>(archive_overhead(s.header, s.blocks)) - 8;
}

// Header bytes up to and including the block count, with the given size fields; the caller
// appends the table. Media 0 and model 1, empty params.
Bytes header_bytes(std::uint64_t original_size, std::uint64_t block_size, std::uint64_t count) {
  Bytes b = {0x89, 'L', 'M', 'P', 1, 0, 0, 1, 5, 0};
  put_varint(b, original_size);
  put_varint(b, block_size);
  put_varint(b, count);
  return b;
}

void append(Bytes& b, std::initializer_list<std::uint8_t> more) {
  b.insert(b.end(), more.begin(), more.end());
}

TEST(FormatVarint, RoundTripsBoundaryValues) {
  const std::uint64_t values[] = {
      0,          1,          127,        128,       16383, 16384, (1ull << 35) - 1,
      1ull << 35, 1ull << 40, 1ull << 63, UINT64_MAX};
  const std::size_t sizes[] = {1, 1, 1, 2, 2, 3, 5, 6, 6, 10, 10};
  for (std::size_t i = 0; i < std::size(values); ++i) {
    Bytes b;
    put_varint(b, values[i]);
    EXPECT_EQ(b.size(), sizes[i]) << values[i];
    EXPECT_EQ(varint_size(values[i]), sizes[i]) << values[i];
    ByteReader r(b);
    std::uint64_t v = 0;
    ASSERT_EQ(r.varint(v), ReadResult::kOk) << values[i];
    EXPECT_EQ(v, values[i]);
    EXPECT_EQ(r.remaining(), 0u);
  }
}

TEST(FormatVarint, RejectsOverlongOverflowingAndUnterminated) {
  const auto read = [](Bytes b) {
    ByteReader r(b);
    std::uint64_t v = 0;
    return r.varint(v);
  };
  EXPECT_EQ(read({0x80, 0x00}), ReadResult::kBadVarint);  // 0 in two bytes
  EXPECT_EQ(read({0xFF, 0x80, 0x00}), ReadResult::kBadVarint);
  EXPECT_EQ(read({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02}),
            ReadResult::kBadVarint);  // 65 bits
  EXPECT_EQ(read({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x81, 0x00}),
            ReadResult::kBadVarint);  // 11 bytes
  EXPECT_EQ(read({0x80}), ReadResult::kEnd);
  EXPECT_EQ(read({}), ReadResult::kEnd);
}

TEST(FormatChecksum, IsXxh3OfTheData) {
  EXPECT_EQ(whole_checksum({}), 0x2D06800538D394C2ull);
  const Bytes abc = {'a', 'b', 'c'};
  EXPECT_EQ(whole_checksum(abc), 0x78AF5F94892F3950ull);
  EXPECT_EQ(block_checksum(abc), 0x892F3950u);
}

TEST(FormatArchive, RoundTripsHeaderBlocksAndParams) {
  const Sample s = make_sample();
  Archive a;
  ASSERT_TRUE(parse(s.bytes, a)) << parse(s.bytes).message();
  EXPECT_EQ(a.header.version, kFormatVersion);
  EXPECT_EQ(a.header.media_id, 0);
  EXPECT_EQ(a.header.media_params, s.header.media_params);
  EXPECT_EQ(a.header.model_id, 1);
  EXPECT_EQ(a.header.level, 5);
  EXPECT_EQ(a.header.model_params, s.header.model_params);
  EXPECT_EQ(a.header.original_size, 2500u);
  EXPECT_EQ(a.header.block_size, 1000u);
  ASSERT_EQ(a.blocks.size(), 3u);
  ASSERT_EQ(a.payloads.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(a.blocks[i].original_size, s.blocks[i].original_size);
    EXPECT_EQ(a.blocks[i].payload_size, s.payloads[i].size());
    EXPECT_EQ(a.blocks[i].method, s.blocks[i].method);
    EXPECT_EQ(a.blocks[i].checksum, s.blocks[i].checksum);
    EXPECT_EQ(Bytes(a.payloads[i].begin(), a.payloads[i].end()), s.payloads[i]);
  }
  EXPECT_EQ(a.checksum, s.checksum);
  EXPECT_EQ(s.bytes.size(), archive_overhead(s.header, s.blocks) + 1000 + 37 + 500);
}

TEST(FormatArchive, EmptyArchiveHasExactBytes) {
  Header h;
  Bytes bytes;
  write_archive(h, {}, {}, whole_checksum({}), bytes);
  // magic, version 1, media 0, no media params, model 0, level 0, no model params, original
  // size 0, block size 0, 0 blocks, check value, XXH3-64 of nothing.
  const Bytes expected = {0x89, 'L',  'M',  'P',  0x01, 0x00, 0x00, 0x00, 0x00,
                          0x00, 0x00, 0x00, 0x00, 0xBD, 0x16, 0x5C, 0x5D, 0xC2,
                          0x94, 0xD3, 0x38, 0x05, 0x80, 0x06, 0x2D};
  EXPECT_EQ(bytes, expected);
  Archive a;
  ASSERT_TRUE(parse(bytes, a)) << parse(bytes).message();
  EXPECT_EQ(a.header.original_size, 0u);
  EXPECT_TRUE(a.blocks.empty());
  EXPECT_TRUE(a.payloads.empty());
  EXPECT_EQ(a.checksum, whole_checksum({}));
}

// The engine promises output <= input + 64 bytes by falling back to one raw block; the container
// must leave it room.
TEST(FormatArchive, OneRawBlockCostsAtMost48Bytes) {
  for (const std::uint64_t size : {1ull, 127ull, 128ull, 1ull << 20, 1ull << 35, 1ull << 40}) {
    for (const std::uint64_t block_size : {size, std::uint64_t{(1ull << 42) - 1}}) {
      Header h;
      h.model_id = 1;
      h.level = 9;
      h.original_size = size;
      h.block_size = block_size;
      BlockEntry e;
      e.original_size = size;
      e.payload_size = size;
      EXPECT_LE(archive_overhead(h, {e}), 48u) << size << " in blocks of " << block_size;
    }
  }
  // And the prediction matches what is really written.
  Bytes original(1 << 20, 0x5A);
  Header h;
  h.model_id = 1;
  h.original_size = original.size();
  h.block_size = original.size();
  BlockEntry e;
  e.original_size = original.size();
  e.checksum = block_checksum(original);
  Bytes bytes;
  write_archive(h, {e}, {original}, whole_checksum(original), bytes);
  EXPECT_EQ(bytes.size() - original.size(), archive_overhead(h, {e}));
  EXPECT_TRUE(parse(bytes));
}

TEST(FormatArchive, EveryTruncationIsReportedAsTruncated) {
  const Sample s = make_sample();
  for (std::size_t n = 0; n < s.bytes.size(); ++n) {
    const Bytes prefix(s.bytes.begin(), s.bytes.begin() + n);
    Archive a;
    const Status st = parse(prefix, a);
    EXPECT_EQ(st.code(), ErrorCode::kTruncated) << "length " << n << ": " << st.message();
    EXPECT_TRUE(a.blocks.empty());
    EXPECT_TRUE(a.payloads.empty());
  }
}

TEST(FormatArchive, EveryBitFlipOutsidePayloadsIsRejected) {
  const Sample s = make_sample();
  const std::size_t payloads_begin = payload_start(s);
  const std::size_t trailer_begin = s.bytes.size() - 8;
  for (std::size_t i = 0; i < s.bytes.size(); ++i) {
    if (i == payloads_begin) i = trailer_begin;  // payload damage is the decoder's to find
    for (int bit = 0; bit < 8; ++bit) {
      Bytes damaged = s.bytes;
      damaged[i] ^= static_cast<std::uint8_t>(1u << bit);
      const Status st = parse(damaged);
      EXPECT_FALSE(st.is_ok()) << "byte " << i << " bit " << bit;
    }
  }
  // Flipping the check value itself names it.
  Bytes damaged = s.bytes;
  damaged[payloads_begin - 1] ^= 0x10;
  EXPECT_EQ(parse(damaged).message(), "corrupt archive (header check value mismatch)");
  damaged = s.bytes;
  damaged[trailer_begin + 3] ^= 0x01;
  EXPECT_EQ(parse(damaged).code(), ErrorCode::kCorrupt);
  // A payload flip parses: the payload spans see it and block checksums catch it later.
  damaged = s.bytes;
  damaged[payloads_begin + 1500] ^= 0x01;
  Archive a;
  ASSERT_TRUE(parse(damaged, a));
  EXPECT_EQ(a.payloads[2][1500 - 1037], s.payloads[2][463] ^ 0x01);
}

TEST(FormatArchive, BadMagicIsNotAnArchive) {
  const Bytes zip = {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  const Bytes gzip = {0x1F, 0x8B, 8, 0};
  for (const Bytes& b : {zip, gzip, Bytes{'x'}, Bytes{0x89, 'L', 'M', 'Q', 1}}) {
    const Status st = parse(b);
    EXPECT_EQ(st.code(), ErrorCode::kNotAnArchive);
    EXPECT_EQ(st.message(), "not an lmpack archive (bad magic)");
  }
  EXPECT_EQ(parse(Bytes{0x89, 'L'}).code(), ErrorCode::kTruncated);
  EXPECT_EQ(parse(Bytes{}).message(), "truncated archive (empty input)");
}

TEST(FormatArchive, FutureVersionIsRefusedByNumber) {
  Bytes b = make_sample().bytes;
  b[4] = 9;
  Status st = parse(b);
  EXPECT_EQ(st.code(), ErrorCode::kUnsupportedVersion);
  EXPECT_EQ(st.message(), "archive format version 9 is newer than this lmpack (reads version 1)");

  b = {0x89, 'L', 'M', 'P', 0xAC, 0x02};  // 300, and nothing after it
  st = parse(b);
  EXPECT_EQ(st.code(), ErrorCode::kUnsupportedVersion);
  EXPECT_EQ(st.message(), "archive format version 300 is newer than this lmpack (reads version 1)");

  b = make_sample().bytes;
  b[4] = 0;
  EXPECT_EQ(parse(b).code(), ErrorCode::kCorrupt);
}

TEST(FormatArchive, AbsurdCountsAndSizesFailWithoutAllocating) {
  // A table of 2^64-1 entries would need exabytes; it must be refused from the bytes at hand.
  Bytes b = header_bytes(UINT64_MAX, 1, UINT64_MAX);
  b.resize(b.size() + 64);
  Status st = parse(b);
  EXPECT_EQ(st.code(), ErrorCode::kTruncated);
  EXPECT_EQ(st.message(), "truncated archive (block table ends past end of data)");

  b = header_bytes(UINT64_MAX, 1, 5);
  b.resize(b.size() + 64);
  EXPECT_EQ(parse(b).code(), ErrorCode::kCorrupt);

  b = header_bytes(10, 0, 1);
  b.resize(b.size() + 64);
  EXPECT_EQ(parse(b).message(), "corrupt archive (block size is 0 but the original is not empty)");

  // Media params of 2^62 bytes.
  b = {0x89, 'L', 'M', 'P', 1, 0};
  put_varint(b, 1ull << 62);
  b.resize(b.size() + 64);
  EXPECT_EQ(parse(b).code(), ErrorCode::kTruncated);

  // An 11-byte original size.
  b = {0x89, 'L', 'M', 'P', 1, 0, 0, 1, 5, 0};
  append(b, {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x81, 0x00});
  b.resize(b.size() + 64);
  EXPECT_EQ(parse(b).message(), "corrupt archive (malformed original size)");

  // Two model-coded blocks of 2^63 payload bytes each: the sum overflows.
  b = header_bytes(2, 1, 2);
  for (int i = 0; i < 2; ++i) {
    append(b, {1, 1});
    put_varint(b, 1ull << 63);
    append(b, {0, 0, 0, 0});
  }
  b.resize(b.size() + 64);
  EXPECT_EQ(parse(b).message(), "corrupt archive (payload sizes overflow)");

  // One model-coded block claiming 2^64-1 payload bytes.
  b = header_bytes(1, 1, 1);
  append(b, {1, 1});
  put_varint(b, UINT64_MAX);
  append(b, {0, 0, 0, 0});
  b.resize(b.size() + 64);
  st = parse(b);
  EXPECT_EQ(st.code(), ErrorCode::kTruncated);
  EXPECT_EQ(st.message(), "truncated archive (payloads end past end of data)");
}

TEST(FormatArchive, InconsistentTablesAreCorruptEvenWithAValidCheck) {
  Sample s = make_sample();
  Bytes bytes;

  // Only the last block may be shorter than block_size.
  std::vector<BlockEntry> blocks = s.blocks;
  std::swap(blocks[1], blocks[2]);
  std::vector<Bytes> payloads = s.payloads;
  std::swap(payloads[1], payloads[2]);
  write_archive(s.header, blocks, payloads, s.checksum, bytes);
  EXPECT_EQ(parse(bytes).message(), "corrupt archive (block 1 holds 500 bytes, expected 1000)");

  // Block count must match original size / block size.
  Header h = s.header;
  h.original_size = 3500;
  write_archive(h, s.blocks, s.payloads, s.checksum, bytes);
  EXPECT_EQ(parse(bytes).message(),
            "corrupt archive (block count 3 does not match original size 3500 in blocks of 1000)");

  // Model-coded blocks need a model.
  h = s.header;
  h.model_id = 0;
  write_archive(h, s.blocks, s.payloads, s.checksum, bytes);
  EXPECT_EQ(parse(bytes).message(),
            "corrupt archive (block 1 needs a model but the archive names none)");

  // Unknown methods are refused (the method is the first byte of an entry).
  bytes = s.bytes;
  const std::size_t table_begin = 4 + 1 + 1 + 1 + 3 + 1 + 1 + 1 + 5 + 2 + 2 + 1;
  ASSERT_EQ(bytes[table_begin], 0);
  bytes[table_begin] = 7;
  EXPECT_EQ(parse(bytes).message(), "corrupt archive (unknown method 7 in block 0)");

  // Nothing may follow the trailer.
  bytes = s.bytes;
  bytes.push_back(0);
  const Status st = parse(bytes);
  EXPECT_EQ(st.code(), ErrorCode::kCorrupt);
  EXPECT_EQ(st.message(), "corrupt archive (extra data after the end of the archive (+1 bytes))");
}

TEST(FormatStatus, ErrorCodeNamesAreStable) {
  EXPECT_STREQ(error_code_name(ErrorCode::kOk), "ok");
  EXPECT_STREQ(error_code_name(ErrorCode::kInvalidArgument), "invalid_argument");
  EXPECT_STREQ(error_code_name(ErrorCode::kNotAnArchive), "not_an_archive");
  EXPECT_STREQ(error_code_name(ErrorCode::kUnsupportedVersion), "unsupported_version");
  EXPECT_STREQ(error_code_name(ErrorCode::kTruncated), "truncated");
  EXPECT_STREQ(error_code_name(ErrorCode::kCorrupt), "corrupt");
  EXPECT_STREQ(error_code_name(ErrorCode::kChecksumMismatch), "checksum_mismatch");
  EXPECT_STREQ(error_code_name(ErrorCode::kUnknownModel), "unknown_model");
  EXPECT_STREQ(error_code_name(ErrorCode::kOutOfMemory), "out_of_memory");
  EXPECT_STREQ(error_code_name(ErrorCode::kCancelled), "cancelled");
  EXPECT_STREQ(error_code_name(ErrorCode::kIo), "io");
  EXPECT_STREQ(error_code_name(ErrorCode::kInternal), "internal");
  EXPECT_STREQ(error_code_name(static_cast<ErrorCode>(999)), "unknown");
}

}  // namespace
}  // namespace lmpack::format
