// Reader and writer of the v1 container. The layout and the order of the reader's checks are
// specified in docs/format.md; keep the two in step.
#include "format/container.h"

#define XXH_STATIC_LINKING_ONLY  // XXH3_state_t on the stack: hashing never allocates
#include <xxhash.h>

#include <array>
#include <cassert>
#include <string>

#include "format/varint.h"

namespace lmpack::format {
namespace {

#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
// Only LMPACK_FUZZ builds define this. A mutated header would almost never carry a matching check
// value, which would hide everything behind the check from the fuzzer.
constexpr bool kVerifyCheckValue = false;
#else
constexpr bool kVerifyCheckValue = true;
#endif

constexpr std::array<std::uint8_t, 4> kMagic = {0x89, 'L', 'M', 'P'};
constexpr std::size_t kCheckBytes = 4;
constexpr std::size_t kTrailerBytes = 8;
// method (1) + original size (>= 1 varint byte) + checksum (4); raw blocks store no payload size.
constexpr std::size_t kMinEntryBytes = 6;

// The check value covers the header and block table and the trailer, so any damage outside the
// payloads is caught before a single block is decoded.
std::uint32_t check_value(std::span<const std::uint8_t> header_and_table,
                          std::span<const std::uint8_t> trailer) {
  XXH3_state_t state;
  XXH3_INITSTATE(&state);
  XXH3_64bits_reset(&state);
  XXH3_64bits_update(&state, header_and_table.data(), header_and_table.size());
  XXH3_64bits_update(&state, trailer.data(), trailer.size());
  return static_cast<std::uint32_t>(XXH3_64bits_digest(&state));
}

Status truncated(const std::string& what) {
  return {ErrorCode::kTruncated, "truncated archive (" + what + ")"};
}

Status corrupt(const std::string& what) {
  return {ErrorCode::kCorrupt, "corrupt archive (" + what + ")"};
}

// Maps a failed read of a header field to the error the user sees.
Status field_error(ReadResult r, const char* field) {
  if (r == ReadResult::kEnd) return truncated(std::string("header ends inside the ") + field);
  return corrupt(std::string("malformed ") + field);
}

}  // namespace

namespace {

// Everything before the check value. `payload_size(i)` is what the table records for a
// model-coded block i.
template <typename PayloadSize>
void append_header_and_table(const Header& header, const std::vector<BlockEntry>& blocks,
                             PayloadSize payload_size, std::vector<std::uint8_t>& out) {
  // Byte by byte: a range insert here trips a GCC 12 -Warray-bounds false positive.
  for (const std::uint8_t m : kMagic) out.push_back(m);
  put_varint(out, kFormatVersion);
  out.push_back(header.media_id);
  put_varint(out, header.media_params.size());
  out.insert(out.end(), header.media_params.begin(), header.media_params.end());
  out.push_back(header.model_id);
  out.push_back(header.level);
  put_varint(out, header.model_params.size());
  out.insert(out.end(), header.model_params.begin(), header.model_params.end());
  put_varint(out, header.original_size);
  put_varint(out, header.block_size);
  put_varint(out, blocks.size());
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const BlockEntry& b = blocks[i];
    out.push_back(static_cast<std::uint8_t>(b.method));
    put_varint(out, b.original_size);
    // A raw block's payload is its original, so its size would say nothing new.
    if (b.method != BlockMethod::kRaw) put_varint(out, payload_size(i));
    put_u32le(out, b.checksum);
  }
}

}  // namespace

void write_archive(const Header& header, const std::vector<BlockEntry>& blocks,
                   const std::vector<std::vector<std::uint8_t>>& payloads, std::uint64_t checksum,
                   std::vector<std::uint8_t>& out) {
  assert(blocks.size() == payloads.size());
  out.clear();
  append_header_and_table(
      header, blocks, [&](std::size_t i) { return payloads[i].size(); }, out);

  std::uint64_t payload_total = 0;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    assert(blocks[i].method != BlockMethod::kRaw || payloads[i].size() == blocks[i].original_size);
    payload_total += payloads[i].size();
  }

  std::vector<std::uint8_t> trailer;
  put_u64le(trailer, checksum);
  put_u32le(out, check_value(out, trailer));

  out.reserve(out.size() + payload_total + kTrailerBytes);
  for (const auto& p : payloads) out.insert(out.end(), p.begin(), p.end());
  out.insert(out.end(), trailer.begin(), trailer.end());
}

std::uint64_t archive_overhead(const Header& header, const std::vector<BlockEntry>& blocks) {
  std::vector<std::uint8_t> head;
  append_header_and_table(
      header, blocks, [&](std::size_t i) { return blocks[i].payload_size; }, head);
  return head.size() + kCheckBytes + kTrailerBytes;
}

namespace {

// Does the work of parse_archive; on failure `out` may be partly filled.
Status parse_unchecked(std::span<const std::uint8_t> data, Archive& out) {
  if (data.empty()) return truncated("empty input");
  const std::size_t magic_len = data.size() < kMagic.size() ? data.size() : kMagic.size();
  for (std::size_t i = 0; i < magic_len; ++i) {
    if (data[i] != kMagic[i]) {
      return {ErrorCode::kNotAnArchive, "not an lmpack archive (bad magic)"};
    }
  }
  if (data.size() < kMagic.size()) return truncated("input ends inside the magic number");

  ByteReader in(data);
  std::span<const std::uint8_t> skip;
  in.bytes(kMagic.size(), skip);

  // The version comes first and is judged before anything else: a newer format may lay out
  // everything after it differently.
  std::uint64_t version = 0;
  if (ReadResult r = in.varint(version); r != ReadResult::kOk) return field_error(r, "version");
  if (version == 0) return corrupt("format version 0 does not exist");
  if (version > kFormatVersion) {
    return {ErrorCode::kUnsupportedVersion, "archive format version " + std::to_string(version) +
                                                " is newer than this lmpack (reads version " +
                                                std::to_string(kFormatVersion) + ")"};
  }

  Header& h = out.header;
  h.version = static_cast<std::uint32_t>(version);
  std::uint64_t len = 0;
  std::span<const std::uint8_t> params;
  ReadResult r;
  if ((r = in.u8(h.media_id)) != ReadResult::kOk) return field_error(r, "media id");
  if ((r = in.varint(len)) != ReadResult::kOk) return field_error(r, "media parameters");
  if ((r = in.bytes(len, params)) != ReadResult::kOk) return field_error(r, "media parameters");
  h.media_params.assign(params.begin(), params.end());
  if ((r = in.u8(h.model_id)) != ReadResult::kOk) return field_error(r, "model id");
  if ((r = in.u8(h.level)) != ReadResult::kOk) return field_error(r, "level");
  if ((r = in.varint(len)) != ReadResult::kOk) return field_error(r, "model parameters");
  if ((r = in.bytes(len, params)) != ReadResult::kOk) return field_error(r, "model parameters");
  h.model_params.assign(params.begin(), params.end());
  if ((r = in.varint(h.original_size)) != ReadResult::kOk) return field_error(r, "original size");
  if ((r = in.varint(h.block_size)) != ReadResult::kOk) return field_error(r, "block size");
  std::uint64_t count = 0;
  if ((r = in.varint(count)) != ReadResult::kOk) return field_error(r, "block count");

  // Every block but the last holds exactly block_size bytes, so the count is implied; checking it
  // here also bounds it before anything is allocated for the table.
  std::uint64_t expected_count = 0;
  if (h.original_size > 0) {
    if (h.block_size == 0) return corrupt("block size is 0 but the original is not empty");
    expected_count = (h.original_size - 1) / h.block_size + 1;
  }
  if (count != expected_count) {
    return corrupt("block count " + std::to_string(count) + " does not match original size " +
                   std::to_string(h.original_size) + " in blocks of " +
                   std::to_string(h.block_size));
  }
  if (count > in.remaining() / kMinEntryBytes) {
    return truncated("block table ends past end of data");
  }

  out.blocks.reserve(static_cast<std::size_t>(count));
  std::uint64_t payload_total = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    const auto table_error = [&](ReadResult res, const char* field) {
      if (res == ReadResult::kEnd) return truncated("block table ends past end of data");
      return corrupt(std::string("malformed ") + field + " of block " + std::to_string(i));
    };
    BlockEntry b;
    std::uint8_t method = 0;
    if ((r = in.u8(method)) != ReadResult::kOk) return table_error(r, "method");
    if (method > static_cast<std::uint8_t>(BlockMethod::kModel)) {
      return corrupt("unknown method " + std::to_string(method) + " in block " + std::to_string(i));
    }
    b.method = static_cast<BlockMethod>(method);
    if ((r = in.varint(b.original_size)) != ReadResult::kOk) {
      return table_error(r, "original size");
    }
    const std::uint64_t expected_size =
        i + 1 < count ? h.block_size : h.original_size - (count - 1) * h.block_size;
    if (b.original_size != expected_size) {
      return corrupt("block " + std::to_string(i) + " holds " + std::to_string(b.original_size) +
                     " bytes, expected " + std::to_string(expected_size));
    }
    if (b.method == BlockMethod::kRaw) {
      b.payload_size = b.original_size;
    } else {
      if (h.model_id == 0) {
        return corrupt("block " + std::to_string(i) + " needs a model but the archive names none");
      }
      if ((r = in.varint(b.payload_size)) != ReadResult::kOk) {
        return table_error(r, "payload size");
      }
    }
    if ((r = in.u32le(b.checksum)) != ReadResult::kOk) return table_error(r, "checksum");
    if (b.payload_size > UINT64_MAX - payload_total) return corrupt("payload sizes overflow");
    payload_total += b.payload_size;
    out.blocks.push_back(b);
  }

  const std::size_t table_end = in.pos();
  std::uint32_t stored_check = 0;
  if (in.u32le(stored_check) != ReadResult::kOk) {
    return truncated("input ends inside the check value");
  }
  if (payload_total > in.remaining()) return truncated("payloads end past end of data");
  if (in.remaining() - payload_total < kTrailerBytes) {
    return truncated("missing the final checksum");
  }

  const std::size_t payload_start = in.pos();
  const std::size_t trailer_pos = payload_start + static_cast<std::size_t>(payload_total);
  const auto trailer = data.subspan(trailer_pos, kTrailerBytes);
  if (kVerifyCheckValue && check_value(data.first(table_end), trailer) != stored_check) {
    return corrupt("header check value mismatch");
  }
  const std::size_t extra = data.size() - trailer_pos - kTrailerBytes;
  if (extra > 0)
    return corrupt("extra data after the end of the archive (+" + std::to_string(extra) +
                   " bytes)");

  out.payloads.reserve(out.blocks.size());
  std::size_t pos = payload_start;
  for (const BlockEntry& b : out.blocks) {
    out.payloads.push_back(data.subspan(pos, static_cast<std::size_t>(b.payload_size)));
    pos += static_cast<std::size_t>(b.payload_size);
  }
  out.checksum = get_u64le(trailer.data());
  return Status::ok();
}

}  // namespace

Status parse_archive(std::span<const std::uint8_t> data, Archive& out) {
  out = Archive{};
  Status status = parse_unchecked(data, out);
  if (!status) out = Archive{};  // never hand back a half-filled archive
  return status;
}

}  // namespace lmpack::format
