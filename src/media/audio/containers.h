// Header parsers for the containers that are kept byte for byte (WAV, RF64, AIFF/AIFC, W64, CAF).
// Each fills container, layout, frames, prefix and suffix so that the file is exactly
// prefix + frames * frame_bytes sample bytes + suffix, or returns false.
#pragma once

#include <cstdint>
#include <span>

#include "media/audio/audio_file.h"

namespace lmpack::media::audio::detail {

bool parse_riff(std::span<const std::uint8_t> file, AudioFile& audio);  // WAV, RF64, BW64
bool parse_aiff(std::span<const std::uint8_t> file, AudioFile& audio);  // AIFF, AIFC
bool parse_w64(std::span<const std::uint8_t> file, AudioFile& audio);
bool parse_caf(std::span<const std::uint8_t> file, AudioFile& audio);

// The W64 GUIDs (the first 16 bytes of a W64 file are kW64Riff).
extern const std::uint8_t kW64Riff[16];

}  // namespace lmpack::media::audio::detail
