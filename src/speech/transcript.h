// What a lossy speech archive keeps of a recording: the words, when they were said, and a coarse
// outline of how (pitch and loudness), plus the voice to speak them with. Everything here is
// integer so the payload round-trips exactly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lmpack::speech {

// Time unit of word timings in the payload: 20 ms (two recogniser frames), coarse enough to code
// cheaply and fine enough that pauses keep their rhythm.
inline constexpr int kTickMs = 20;

// Pitch codes: 0 means unvoiced; k >= 1 is 50 Hz * 2^((k-1)/12), i.e. semitones above 50 Hz.
inline constexpr int kMaxPitchCode = 48;
// Energy codes: level in 3 dB steps above -90 dBFS (0 is silence or quieter).
inline constexpr int kMaxEnergyCode = 30;

struct Word {
  std::string text;              // lower-case, no spaces
  std::uint32_t start = 0;       // ticks from the start of the recording
  std::uint32_t end = 0;         // ticks, > start
  std::uint8_t pitch_start = 0;  // pitch code over the first half of the word
  std::uint8_t pitch_end = 0;    // pitch code over the second half
  std::uint8_t energy = 0;       // energy code of the whole word
};

enum class Voice : std::uint8_t { kFemale = 0, kMale = 1 };

struct Transcript {
  Voice voice = Voice::kFemale;
  std::vector<Word> words;  // in time order, not overlapping
};

}  // namespace lmpack::speech
