// How the bytes of a block are organised, as the media front end describes them to a model.
// For plain bytes it is the default (one 1-byte "sample" per byte). For audio the block holds
// Trilobyte tokens: every sample as offset-binary bytes, most significant first, frames of
// `channels` samples, and blocks start on frame boundaries.
#pragma once

#include <cstdint>

namespace lmpack::model {

struct StreamShape {
  bool audio = false;
  int channels = 1;               // samples per frame (audio), 1..kMaxChannels
  int bytes_per_sample = 1;       // token bytes per sample: 1..4
  int bits = 8;                   // valid bits per sample from the file header (<= 8 * bytes)
  std::uint32_t sample_rate = 0;  // Hz; 0 when unknown (bytes)
  // Images (media "image"): the block holds whole rows of `width` pixels of `channels` samples
  // (bytes_per_sample bytes each, most significant first, `bits` significant bits); blocks start
  // on row boundaries.
  bool image = false;
  std::uint32_t width = 0;
  std::uint32_t height = 0;  // of the whole image

  int frame_bytes() const { return channels * bytes_per_sample; }
};

inline constexpr int kMaxChannels = 64;

}  // namespace lmpack::model
