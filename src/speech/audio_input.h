// Speech input: any file the audio front end reads (WAV, RF64, AIFF, W64, CAF, FLAC), mixed down
// to mono float samples, and the WAV the decoder writes.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "lmpack/status.h"

namespace lmpack::speech {

struct MonoAudio {
  std::uint32_t sample_rate = 0;
  std::uint16_t channels = 0;  // of the original file
  std::uint16_t bits = 0;      // of the original file
  std::vector<float> samples;  // channel average, full scale = 1.0
};

// Fails with kInvalidArgument when `file` is not audio the front end can parse, or has no
// usable sample rate.
Status read_audio(std::span<const std::uint8_t> file, MonoAudio& audio);

// A canonical 16-bit mono PCM WAV of `samples` (clipped to -1..1).
std::vector<std::uint8_t> write_wav16(std::span<const float> samples, std::uint32_t sample_rate);

}  // namespace lmpack::speech
