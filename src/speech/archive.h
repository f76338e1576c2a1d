// The lossy speech archive (.lms): its own magic ("LMPS"), so neither lmpack's lossless paths nor
// people mistake it for a lossless archive. Spec: docs/format.md, "Speech archives".
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "lmpack/status.h"

namespace lmpack::speech {

inline constexpr std::uint8_t kMagic[4] = {'L', 'M', 'P', 'S'};
inline constexpr std::uint8_t kArchiveVersion = 1;
inline constexpr std::uint8_t kFlagLossy = 0x01;
// Fixed bytes around the payload: header (28) and checksum (8).
inline constexpr std::size_t kHeaderSize = 28;
inline constexpr std::size_t kTrailerSize = 8;

struct SpeechArchive {
  std::uint32_t sample_rate = 0;  // of the original recording
  std::uint16_t channels = 0;
  std::uint16_t bits = 0;
  std::uint64_t frames = 0;  // length of the original in frames
  std::vector<std::uint8_t> payload;
};

// True if `data` starts with the speech magic (whatever follows).
bool is_speech_archive(std::span<const std::uint8_t> data);

std::vector<std::uint8_t> write_archive(const SpeechArchive& archive);

// Validates magic, version, flags, lengths and the XXH3-64 checksum before returning anything:
// kNotAnArchive, kUnsupportedVersion, kTruncated, kCorrupt or kChecksumMismatch.
Status read_archive(std::span<const std::uint8_t> data, SpeechArchive& archive);

// Duration of the original in seconds.
double duration_seconds(const SpeechArchive& archive);

}  // namespace lmpack::speech
