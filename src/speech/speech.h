// Lossy speech mode: a recording becomes its transcript plus a little prosody (encode), and is
// spoken again by a synthesiser at the original pace (decode). For links where a few hundred
// bytes a minute is all there is; what comes back is the words, not the voice.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "lmpack/status.h"
#include "speech/recognizer.h"
#include "speech/transcript.h"

namespace lmpack::speech {

struct EncodeReport {
  std::vector<RecognizedWord> recognized;  // what the recogniser heard, with confidences
  Transcript transcript;                   // what the archive keeps
  std::uint64_t payload_bytes = 0;
  double duration_seconds = 0.0;
};

// Recognises the speech in an audio file (any format the audio front end reads) and writes a
// .lms archive. Silence or sounds without words give a valid archive with no words.
Status encode(std::span<const std::uint8_t> audio_file, std::vector<std::uint8_t>& archive,
              EncodeReport* report = nullptr);

// Decodes a .lms archive into the transcript it holds (verifying checksums).
Status read_transcript(std::span<const std::uint8_t> archive, Transcript& transcript,
                       double& duration_seconds);

// Decodes a .lms archive into a 16-bit mono WAV at kSynthRate with the original's duration.
Status decode(std::span<const std::uint8_t> archive, std::vector<std::uint8_t>& wav);

// Recognises an audio file's words (for measuring intelligibility of decoded audio).
Status transcribe(std::span<const std::uint8_t> audio_file, std::vector<RecognizedWord>& words);

}  // namespace lmpack::speech
