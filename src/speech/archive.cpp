#include "speech/archive.h"

#include <xxhash.h>

#include <algorithm>

namespace lmpack::speech {

namespace {

void put(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::uint64_t get(std::span<const std::uint8_t> data, std::size_t pos, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | data[pos + static_cast<std::size_t>(i)];
  return v;
}

// Longest recording an archive may describe: a day at 768 kHz.
constexpr std::uint64_t kMaxFrames = std::uint64_t{768000} * 86400;

}  // namespace

bool is_speech_archive(std::span<const std::uint8_t> data) {
  return data.size() >= 4 && std::equal(kMagic, kMagic + 4, data.begin());
}

std::vector<std::uint8_t> write_archive(const SpeechArchive& a) {
  std::vector<std::uint8_t> out(kMagic, kMagic + 4);
  out.push_back(kArchiveVersion);
  out.push_back(kFlagLossy);
  put(out, 0, 2);  // reserved
  put(out, a.sample_rate, 4);
  put(out, a.channels, 2);
  put(out, a.bits, 2);
  put(out, a.frames, 8);
  put(out, a.payload.size(), 4);
  out.insert(out.end(), a.payload.begin(), a.payload.end());
  put(out, XXH3_64bits(out.data(), out.size()), 8);
  return out;
}

Status read_archive(std::span<const std::uint8_t> data, SpeechArchive& a) {
  a = {};
  if (!is_speech_archive(data)) return {ErrorCode::kNotAnArchive, "not a speech archive (.lms)"};
  if (data.size() < 6) return {ErrorCode::kTruncated, "speech archive truncated in its header"};
  if (data[4] != kArchiveVersion) {
    return {ErrorCode::kUnsupportedVersion, "speech archive version " + std::to_string(data[4]) +
                                                " is not supported (this build reads 1)"};
  }
  if (data.size() < kHeaderSize + kTrailerSize) {
    return {ErrorCode::kTruncated, "speech archive truncated in its header"};
  }
  const std::uint64_t payload_size = get(data, 24, 4);
  if (data.size() < kHeaderSize + payload_size + kTrailerSize) {
    return {ErrorCode::kTruncated, "speech archive truncated (payload or checksum missing)"};
  }
  if (data.size() > kHeaderSize + payload_size + kTrailerSize) {
    return {ErrorCode::kCorrupt, "speech archive has trailing bytes"};
  }
  const std::size_t body = kHeaderSize + payload_size;
  if (XXH3_64bits(data.data(), body) != get(data, body, 8)) {
    return {ErrorCode::kChecksumMismatch, "speech archive is damaged (checksum mismatch)"};
  }
  if (data[5] != kFlagLossy || get(data, 6, 2) != 0) {
    return {ErrorCode::kCorrupt, "speech archive has unknown flags"};
  }
  a.sample_rate = static_cast<std::uint32_t>(get(data, 8, 4));
  a.channels = static_cast<std::uint16_t>(get(data, 12, 2));
  a.bits = static_cast<std::uint16_t>(get(data, 14, 2));
  a.frames = get(data, 16, 8);
  if (a.sample_rate < 1000 || a.sample_rate > 768000 || a.channels == 0 || a.bits == 0 ||
      a.bits > 32 || a.frames > kMaxFrames) {
    return {ErrorCode::kCorrupt, "speech archive header is inconsistent"};
  }
  a.payload.assign(data.begin() + kHeaderSize, data.begin() + static_cast<std::ptrdiff_t>(body));
  return {};
}

double duration_seconds(const SpeechArchive& a) {
  return a.sample_rate == 0 ? 0.0 : double(a.frames) / double(a.sample_rate);
}

}  // namespace lmpack::speech
