// Speech recognition with CMU PocketSphinx and its US English model (Debian: libpocketsphinx,
// pocketsphinx-en-us). Runs on the encoder side only: what it hears is what the archive keeps.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "lmpack/status.h"

namespace lmpack::speech {

// The rate the acoustic model was trained at.
inline constexpr std::uint32_t kRecognizerRate = 16000;

struct RecognizedWord {
  std::string text;  // lower-case dictionary word, pronunciation variant removed
  std::uint32_t start_ms = 0;
  std::uint32_t end_ms = 0;  // > start_ms
  double confidence = 0.0;   // posterior probability, 0..1
};

// Finds the stretches of `samples` (mono, kRecognizerRate) loud enough to hold speech, as
// [begin, end) sample ranges; silence gives none.
std::vector<std::pair<std::size_t, std::size_t>> speech_regions(std::span<const float> samples);

// Where the samples came from: a recording at kRecognizerRate or above (wideband), or one
// below it brought up to kRecognizerRate (narrowband, e.g. 8 kHz telephone audio), which has no
// energy above its own Nyquist frequency and needs a different front end.
enum class Band : std::uint8_t { kWide, kNarrow };

// Recognises mono speech at kRecognizerRate. Words come in time order. Fails with kInternal when
// the model files are missing (the message names the directory).
Status recognize(std::span<const float> samples, std::vector<RecognizedWord>& words,
                 Band band = Band::kWide);

}  // namespace lmpack::speech
