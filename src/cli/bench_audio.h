// Audio awareness for `lmpack bench`: which inputs are integer PCM audio (libsndfile decides from
// the content, not the name), sample-wise comparison of two audio files, and the reduced
// bit-depth copies that --bits makes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lmpack/status.h"

namespace lmpack::cli {

struct AudioShape {
  std::string container;  // "wav", "aiff", "w64", "rf64", "caf" or "flac": also the extension
                          // the file gets when a peer that goes by names is given it
  int channels = 0;
  int sample_rate = 0;
  int bits = 0;  // 8, 16, 24 or 32
  std::uint64_t frames = 0;
  std::uint64_t samples() const { return frames * static_cast<std::uint64_t>(channels); }
};

// The shape of an integer PCM audio file (WAV, WAVE_FORMAT_EXTENSIBLE, AIFF/AIFC, W64, RF64, CAF,
// FLAC), or nullopt for anything else, including float and compressed audio.
std::optional<AudioShape> probe_audio(const std::string& path);

// True if both files decode (libsndfile) to the same channels, rate and samples.
bool same_samples(const std::string& a, const std::string& b);

// "8,16" -> {8, 16}: the depths --bits accepts (8, 16, 24), ascending, without duplicates;
// nullopt on anything else.
std::optional<std::vector<int>> parse_bits(const std::string& text);

// Writes `source` (integer PCM audio deeper than `bits`) as a WAV file of `bits` bits per sample
// at `path`: each sample keeps its top `bits` bits (arithmetic shift right, no rounding, no
// dither, as in the papers that test lower depths); 8-bit WAV is unsigned, as the format says.
Status write_reduced_wav(const std::string& source, const std::string& path, int bits);

}  // namespace lmpack::cli
