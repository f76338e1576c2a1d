#include "media/audio/audio_file.h"

#include <cstring>

#include "media/audio/byte_order.h"
#include "media/audio/containers.h"
#include "media/audio/flac_codec.h"

namespace lmpack::media::audio {

const char* container_name(Container c) {
  switch (c) {
    case Container::kWav:
      return "WAV";
    case Container::kRf64:
      return "RF64";
    case Container::kAiff:
      return "AIFF";
    case Container::kW64:
      return "W64";
    case Container::kCaf:
      return "CAF";
    case Container::kFlac:
      return "FLAC";
  }
  return "unknown";
}

bool sniff(std::span<const std::uint8_t> file) {
  using detail::has_tag;
  if (has_tag(file, 0, "fLaC")) return true;
  if (has_tag(file, 0, "caff")) return true;
  if ((has_tag(file, 0, "RIFF") || has_tag(file, 0, "RF64") || has_tag(file, 0, "BW64")) &&
      has_tag(file, 8, "WAVE")) {
    return true;
  }
  if (has_tag(file, 0, "FORM") && (has_tag(file, 8, "AIFF") || has_tag(file, 8, "AIFC"))) {
    return true;
  }
  return file.size() >= 16 && std::memcmp(file.data(), detail::kW64Riff, 16) == 0;
}

// Tokens are the sample bytes most significant first with the sign bit flipped (offset binary);
// 8-bit WAV bytes already are offset binary. Each token is one file byte, possibly XOR 0x80, so
// every byte pattern (padding bits included) maps back exactly.
void samples_to_tokens(const PcmLayout& layout, std::span<const std::uint8_t> samples,
                       std::span<std::uint8_t> tokens) {
  const std::size_t n = static_cast<std::size_t>(layout.bytes_per_sample);
  const std::uint8_t flip = layout.is_unsigned ? 0x00 : 0x80;
  const std::size_t count = std::min(samples.size(), tokens.size()) / n;
  const std::uint8_t* s = samples.data();
  std::uint8_t* t = tokens.data();
  for (std::size_t i = 0; i < count; ++i, s += n, t += n) {
    for (std::size_t k = 0; k < n; ++k) t[k] = layout.big_endian ? s[k] : s[n - 1 - k];
    t[0] ^= flip;
  }
}

void tokens_to_samples(const PcmLayout& layout, std::span<const std::uint8_t> tokens,
                       std::span<std::uint8_t> samples) {
  const std::size_t n = static_cast<std::size_t>(layout.bytes_per_sample);
  const std::uint8_t flip = layout.is_unsigned ? 0x00 : 0x80;
  const std::size_t count = std::min(samples.size(), tokens.size()) / n;
  const std::uint8_t* t = tokens.data();
  std::uint8_t* s = samples.data();
  for (std::size_t i = 0; i < count; ++i, s += n, t += n) {
    for (std::size_t k = 0; k < n; ++k) s[layout.big_endian ? k : n - 1 - k] = t[k];
    s[layout.big_endian ? 0 : n - 1] ^= flip;
  }
}

bool parse(std::span<const std::uint8_t> file, AudioFile& audio,
           std::vector<std::uint8_t>& tokens) {
  tokens.clear();
  AudioFile parsed;
  bool ok = false;
  if (detail::has_tag(file, 0, "fLaC")) {
    ok = detail::decode_flac(file, parsed, tokens);
  } else if (detail::has_tag(file, 0, "FORM")) {
    ok = detail::parse_aiff(file, parsed);
  } else if (detail::has_tag(file, 0, "caff")) {
    ok = detail::parse_caf(file, parsed);
  } else if (detail::has_tag(file, 0, "riff")) {
    ok = detail::parse_w64(file, parsed);
  } else {
    ok = detail::parse_riff(file, parsed);
  }
  if (!ok) {
    tokens.clear();
    tokens.shrink_to_fit();
    return false;
  }
  if (parsed.container != Container::kFlac) {
    const std::size_t size = static_cast<std::size_t>(parsed.frames) *
                             static_cast<std::size_t>(parsed.layout.frame_bytes());
    tokens.resize(size);
    samples_to_tokens(parsed.layout, file.subspan(parsed.prefix.size(), size), tokens);
  }
  audio = std::move(parsed);
  return true;
}

Status rebuild(const AudioFile& audio, std::span<const std::uint8_t> tokens, FlacOutput flac_output,
               std::vector<std::uint8_t>& file) {
  file.clear();
  const PcmLayout& l = audio.layout;
  if (l.channels < 1 || l.bytes_per_sample < 1 || l.bytes_per_sample > 4 ||
      audio.frames > (std::uint64_t{1} << 56) / static_cast<std::uint64_t>(l.frame_bytes()) ||
      tokens.size() != audio.frames * static_cast<std::uint64_t>(l.frame_bytes())) {
    return {ErrorCode::kCorrupt, "audio: token count does not fit the audio layout"};
  }
  if (audio.container == Container::kFlac) {
    return flac_output == FlacOutput::kFlac ? detail::encode_flac(audio, tokens, file)
                                            : detail::write_canonical_wav(audio, tokens, file);
  }
  file.resize(audio.prefix.size() + tokens.size() + audio.suffix.size());
  std::memcpy(file.data(), audio.prefix.data(), audio.prefix.size());
  tokens_to_samples(l, tokens, {file.data() + audio.prefix.size(), tokens.size()});
  if (!audio.suffix.empty()) {
    std::memcpy(file.data() + audio.prefix.size() + tokens.size(), audio.suffix.data(),
                audio.suffix.size());
  }
  return Status::ok();
}

std::string describe(const AudioFile& audio) {
  const PcmLayout& l = audio.layout;
  std::string s = container_name(audio.container);
  if (audio.container == Container::kFlac) s += " (decodes to FLAC or WAV, sample-exact)";
  s += ", " + std::to_string(l.bits) + "-bit PCM";
  if (l.bits != 8 * l.bytes_per_sample) s += " in " + std::to_string(l.bytes_per_sample) + " bytes";
  // Byte order only where it is not the container's usual one (AIFF-C sowt, little-endian CAF).
  const bool usual_big = audio.container == Container::kAiff || audio.container == Container::kCaf;
  if (l.bytes_per_sample > 1 && l.big_endian != usual_big) {
    s += l.big_endian ? " big-endian" : " little-endian";
  }
  s += ", " + std::to_string(l.channels) + " ch, " + std::to_string(l.sample_rate) + " Hz, " +
       std::to_string(audio.frames) + " frames";
  return s;
}

}  // namespace lmpack::media::audio
