// What the audio model's unit tests feed it: stream shapes and Trilobyte tokens, built the way
// the audio media builds them.
#pragma once

#include <cstdint>
#include <vector>

#include "model/stream_shape.h"

namespace lmpack::model::audio::test {

// An audio stream of `channels` channels, `bytes` bytes per sample, at 44.1 kHz.
inline StreamShape shape_of(int channels, int bytes) {
  StreamShape s;
  s.audio = true;
  s.channels = channels;
  s.bytes_per_sample = bytes;
  s.bits = 8 * bytes;
  s.sample_rate = 44100;
  return s;
}

// Interleaved signed samples -> Trilobyte tokens (offset binary, most significant byte first).
inline std::vector<std::uint8_t> tokens(const std::vector<std::int64_t>& samples, int bytes) {
  std::vector<std::uint8_t> out;
  for (std::int64_t s : samples) {
    const std::uint64_t v = static_cast<std::uint64_t>(s) + (std::uint64_t{1} << (8 * bytes - 1));
    for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  return out;
}

}  // namespace lmpack::model::audio::test
