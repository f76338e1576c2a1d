#include "speech/speech.h"

#include "speech/archive.h"
#include "speech/audio_input.h"
#include "speech/payload.h"
#include "speech/prosody.h"
#include "speech/resample.h"
#include "speech/synthesizer.h"

namespace lmpack::speech {

namespace {

// Reads an audio file and prepares it twice at kRecognizerRate: `at_16k` is the faithful
// resampling (for prosody), `for_recognizer` what the recogniser hears. An 8 kHz recording gets
// the mirror image of its band above 4 kHz instead of silence there: the acoustic model was
// trained on wideband speech, and with the image it recognises telephone speech better (word
// error rate against the prompts' published texts on the bench recordings 62.2% -> 56.5%, with
// the narrowband front end of recognize()).
Status load_for_recognition(std::span<const std::uint8_t> audio_file, MonoAudio& audio,
                            std::vector<float>& at_16k, std::vector<float>& for_recognizer,
                            Band& band) {
  if (Status s = read_audio(audio_file, audio); !s) return s;
  at_16k = resample(audio.samples, audio.sample_rate, kRecognizerRate);
  band = audio.sample_rate < kRecognizerRate ? Band::kNarrow : Band::kWide;
  if (2 * audio.sample_rate == kRecognizerRate) {
    for_recognizer = upsample2_with_image(audio.samples);
  } else {
    for_recognizer = at_16k;
  }
  return {};
}

}  // namespace

Status encode(std::span<const std::uint8_t> audio_file, std::vector<std::uint8_t>& archive,
              EncodeReport* report) {
  archive.clear();
  MonoAudio audio;
  std::vector<float> at_16k, for_recognizer;
  Band band = Band::kWide;
  if (Status s = load_for_recognition(audio_file, audio, at_16k, for_recognizer, band); !s) {
    return s;
  }
  std::vector<RecognizedWord> words;
  if (Status s = recognize(for_recognizer, words, band); !s) return s;
  SpeechArchive out;
  out.sample_rate = audio.sample_rate;
  out.channels = audio.channels;
  out.bits = audio.bits;
  out.frames = audio.samples.size();
  Transcript transcript = describe_speech(at_16k, words);
  if (Status s = encode_payload(transcript, out.payload); !s) return s;
  archive = write_archive(out);
  if (report != nullptr) {
    report->recognized = std::move(words);
    report->transcript = std::move(transcript);
    report->payload_bytes = out.payload.size();
    report->duration_seconds = duration_seconds(out);
  }
  return {};
}

Status read_transcript(std::span<const std::uint8_t> archive, Transcript& transcript,
                       double& seconds) {
  SpeechArchive in;
  if (Status s = read_archive(archive, in); !s) return s;
  seconds = duration_seconds(in);
  return decode_payload(in.payload, transcript);
}

Status decode(std::span<const std::uint8_t> archive, std::vector<std::uint8_t>& wav) {
  wav.clear();
  SpeechArchive in;
  if (Status s = read_archive(archive, in); !s) return s;
  Transcript transcript;
  if (Status s = decode_payload(in.payload, transcript); !s) return s;
  const std::uint64_t length = (in.frames * kSynthRate + in.sample_rate / 2) / in.sample_rate;
  if (length > (std::uint64_t{1} << 31) / 2) {
    return {ErrorCode::kCorrupt, "speech archive describes a recording too long for a WAV file"};
  }
  std::vector<float> samples;
  if (Status s = synthesize(transcript, static_cast<std::size_t>(length), samples); !s) return s;
  wav = write_wav16(samples, kSynthRate);
  return {};
}

Status transcribe(std::span<const std::uint8_t> audio_file, std::vector<RecognizedWord>& words) {
  MonoAudio audio;
  std::vector<float> at_16k, for_recognizer;
  Band band = Band::kWide;
  if (Status s = load_for_recognition(audio_file, audio, at_16k, for_recognizer, band); !s) {
    return s;
  }
  return recognize(for_recognizer, words, band);
}

}  // namespace lmpack::speech
