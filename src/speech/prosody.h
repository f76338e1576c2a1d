// The outline of how words were said: pitch at the start and end of each word (so a question's
// rise or a sentence's fall survives), each word's loudness, and which of the synthesiser's
// voices suits the speaker. Encoder side only.
#pragma once

#include <span>
#include <vector>

#include "speech/recognizer.h"
#include "speech/transcript.h"

namespace lmpack::speech {

// Fundamental frequency of the 40 ms frame centred at `centre` (mono, kRecognizerRate), in Hz, or
// 0 when the frame is unvoiced or silent.
double frame_pitch(std::span<const float> samples, std::size_t centre);

// Pitch code for a frequency (0 for 0 Hz), and the frequency of a code.
int pitch_code(double hz);
double pitch_hz(int code);
// Energy code for a mean-square level, and the level in dBFS of a code.
int energy_code(double mean_square);
double energy_db(int code);

// Builds the transcript: words quantised to ticks, each with its pitch and energy, and the voice
// chosen from the speaker's median pitch.
Transcript describe_speech(std::span<const float> samples,
                           const std::vector<RecognizedWord>& words);

}  // namespace lmpack::speech
