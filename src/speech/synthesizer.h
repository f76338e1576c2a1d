// Speaks a transcript again with Flite (Debian: flite1-dev; voice cmu_us_rms), fitted to the
// original timings: each phrase (words between pauses) starts where the original phrase started
// and is spoken at Flite's natural pace, sped up only when it would run into the next phrase, so
// the output has the original length and its pauses start where they did. Each word's loudness
// follows the original. The archive's pitch outline and voice are not used: cmu_us_rms ignores
// Flite's intonation target (its output was byte-identical with and without it), and the
// female voice was much harder to understand (see synthesizer.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "lmpack/status.h"
#include "speech/transcript.h"

namespace lmpack::speech {

// The rate of the synthesised audio.
inline constexpr std::uint32_t kSynthRate = 16000;

// Fills `out` with exactly `length` mono samples at kSynthRate. Words past the end are dropped.
// Flite keeps global state: call from one thread at a time.
Status synthesize(const Transcript& transcript, std::size_t length, std::vector<float>& out);

}  // namespace lmpack::speech
