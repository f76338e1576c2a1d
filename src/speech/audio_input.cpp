#include "speech/audio_input.h"

#include <algorithm>
#include <cmath>

#include "media/audio/audio_file.h"

namespace lmpack::speech {

namespace {

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_u16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put_tag(std::vector<std::uint8_t>& out, const char* tag) {
  out.insert(out.end(), tag, tag + 4);
}

}  // namespace

Status read_audio(std::span<const std::uint8_t> file, MonoAudio& audio) {
  namespace ma = lmpack::media::audio;
  ma::AudioFile parsed;
  std::vector<std::uint8_t> tokens;
  if (!ma::parse(file, parsed, tokens)) {
    return {
        ErrorCode::kInvalidArgument,
        "not an audio file lmpack can read (WAV, RF64, AIFF, W64, CAF or FLAC with integer PCM)"};
  }
  const ma::PcmLayout& l = parsed.layout;
  if (l.sample_rate < 1000 || l.sample_rate > 768000) {
    return {ErrorCode::kInvalidArgument, "unusable sample rate " + std::to_string(l.sample_rate)};
  }
  audio.sample_rate = l.sample_rate;
  audio.channels = static_cast<std::uint16_t>(l.channels);
  audio.bits = static_cast<std::uint16_t>(l.bits);
  audio.samples.assign(parsed.frames, 0.0f);
  // Tokens are offset-binary, most significant byte first, interleaved by frame.
  const std::size_t bps = static_cast<std::size_t>(l.bytes_per_sample);
  const double scale = 1.0 / (double(std::uint64_t{1} << (8 * bps - 1)) * l.channels);
  const double offset = double(std::uint64_t{1} << (8 * bps - 1));
  const std::uint8_t* t = tokens.data();
  for (std::uint64_t f = 0; f < parsed.frames; ++f) {
    double sum = 0.0;
    for (int c = 0; c < l.channels; ++c, t += bps) {
      std::uint64_t v = 0;
      for (std::size_t k = 0; k < bps; ++k) v = (v << 8) | t[k];
      sum += double(v) - offset;
    }
    audio.samples[f] = static_cast<float>(sum * scale);
  }
  return {};
}

std::vector<std::uint8_t> write_wav16(std::span<const float> samples, std::uint32_t sample_rate) {
  std::vector<std::uint8_t> out;
  const auto data_bytes = static_cast<std::uint32_t>(samples.size() * 2);
  out.reserve(44 + data_bytes);
  put_tag(out, "RIFF");
  put_u32(out, 36 + data_bytes);
  put_tag(out, "WAVE");
  put_tag(out, "fmt ");
  put_u32(out, 16);
  put_u16(out, 1);  // PCM
  put_u16(out, 1);  // mono
  put_u32(out, sample_rate);
  put_u32(out, sample_rate * 2);
  put_u16(out, 2);
  put_u16(out, 16);
  put_tag(out, "data");
  put_u32(out, data_bytes);
  for (float s : samples) {
    const double v = std::clamp(double(s), -1.0, 1.0) * 32767.0;
    const auto q = static_cast<std::int16_t>(std::lround(v));
    put_u16(out, static_cast<std::uint16_t>(q));
  }
  return out;
}

}  // namespace lmpack::speech
