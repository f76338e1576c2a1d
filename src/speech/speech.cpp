#include "speech/speech.h"

#include "speech/archive.h"
#include "speech/audio_input.h"
#include "speech/payload.h"
#include "speech/prosody.h"
#include "speech/resample.h"
#include "speech/synthesizer.h"

namespace lmpack::speech {

namespace {

Status load_for_recognition(std::span<const std::uint8_t> audio_file, MonoAudio& audio,
                            std::vector<float>& at_16k) {
  if (Status s = read_audio(audio_file, audio); !s) return s;
  at_16k = resample(audio.samples, audio.sample_rate, kRecognizerRate);
  return {};
}

}  // namespace

Status encode(std::span<const std::uint8_t> audio_file, std::vector<std::uint8_t>& archive,
              EncodeReport* report) {
  archive.clear();
  MonoAudio audio;
  std::vector<float> at_16k;
  if (Status s = load_for_recognition(audio_file, audio, at_16k); !s) return s;
  std::vector<RecognizedWord> words;
  if (Status s = recognize(at_16k, words); !s) return s;
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
  std::vector<float> at_16k;
  if (Status s = load_for_recognition(audio_file, audio, at_16k); !s) return s;
  return recognize(at_16k, words);
}

}  // namespace lmpack::speech
