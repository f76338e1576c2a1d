// The audio media params record (version 1), all integers little-endian:
//   u8 version (1), u8 container, u8 channels, u8 bytes_per_sample, u8 bits,
//   u8 flags (bit 0 big-endian, bit 1 unsigned), u32 sample_rate, u64 frames,
//   u64 prefix length, prefix bytes, u64 suffix length, suffix bytes.
// Nothing may follow. For FLAC, the suffix is empty and the prefix is a sequence of FLAC
// metadata blocks (see flac_codec.h), each with its last-block flag clear.
// Version 2 is the short record of a canonical WAV (the file write_canonical_wav makes: its
// header as the prefix, the pad byte of odd-sized data as the suffix):
//   u8 version (2), u8 channels, u8 bytes_per_sample, u8 bits, u32 sample_rate, varint frames
// (shortest form). Writers use it for every such file and version 1 for every other, so every
// file has one record; readers read both (version 1 records of canonical WAVs predate version 2).
#include "format/varint.h"
#include "media/audio/audio_file.h"
#include "media/audio/flac_codec.h"
#include "model/params_io.h"

namespace lmpack::media::audio {

namespace {

constexpr std::uint8_t kVersion = 1;
constexpr std::uint8_t kCanonicalWavVersion = 2;
constexpr std::size_t kFixedSize = 1 + 1 + 1 + 1 + 1 + 1 + 4 + 8 + 8 + 8;
constexpr std::size_t kCanonicalFixedSize = 1 + 1 + 1 + 1 + 4;

Status corrupt(const std::string& what) { return {ErrorCode::kCorrupt, "audio params: " + what}; }

// The layouts each container can produce (see containers.cpp and flac_codec.cpp).
bool layout_fits_container(Container c, const PcmLayout& l) {
  switch (c) {
    case Container::kWav:
    case Container::kRf64:
    case Container::kW64:
      return !l.big_endian && l.is_unsigned == (l.bytes_per_sample == 1);
    case Container::kAiff:
      return !l.is_unsigned && l.bits > 8 * (l.bytes_per_sample - 1);
    case Container::kCaf:
      return !l.is_unsigned;
    case Container::kFlac:
      return !l.big_endian && !l.is_unsigned && detail::flac_can_encode(l);
  }
  return false;
}

// The pad byte a WAV puts after odd-sized sample data.
std::vector<std::uint8_t> wav_pad(const AudioFile& a) {
  const std::uint64_t data = a.frames * static_cast<std::uint64_t>(a.layout.frame_bytes());
  return std::vector<std::uint8_t>(data & 1, 0);
}

bool is_canonical_wav(const AudioFile& a) {
  const PcmLayout& l = a.layout;
  return a.container == Container::kWav && !l.big_endian &&
         l.is_unsigned == (l.bytes_per_sample == 1) && a.frames > 0 &&
         a.prefix == detail::canonical_wav_header(l, a.frames) && a.suffix == wav_pad(a);
}

// The layout checks every record version shares.
Status check_layout(const AudioFile& a) {
  const PcmLayout& l = a.layout;
  if (l.channels < 1 || l.channels > 64) return corrupt("bad channel count");
  if (l.bytes_per_sample < 1 || l.bytes_per_sample > 4) return corrupt("bad sample size");
  if (l.bits < 1 || l.bits > 8 * l.bytes_per_sample) return corrupt("bad bit depth");
  if (!layout_fits_container(a.container, l)) return corrupt("layout does not fit the container");
  if (a.frames == 0 ||
      a.frames > (std::uint64_t{1} << 56) / static_cast<std::uint64_t>(l.frame_bytes())) {
    return corrupt("bad frame count");
  }
  return Status::ok();
}

Status deserialize_canonical_wav(std::span<const std::uint8_t> params, AudioFile& audio) {
  using model::params_io::get;
  if (params.size() < kCanonicalFixedSize + 1) return corrupt("too short");
  std::size_t pos = 1;
  AudioFile a;
  a.container = Container::kWav;
  a.layout.channels = static_cast<int>(get(params, pos, 1));
  a.layout.bytes_per_sample = static_cast<int>(get(params, pos, 1));
  a.layout.bits = static_cast<int>(get(params, pos, 1));
  a.layout.sample_rate = static_cast<std::uint32_t>(get(params, pos, 4));
  a.layout.big_endian = false;
  a.layout.is_unsigned = a.layout.bytes_per_sample == 1;
  format::ByteReader reader(params.subspan(pos));
  if (reader.varint(a.frames) != format::ReadResult::kOk) return corrupt("bad frame count");
  if (reader.remaining() != 0) return corrupt("bytes after the record");
  if (Status s = check_layout(a); !s) return s;
  a.prefix = detail::canonical_wav_header(a.layout, a.frames);
  if (a.prefix.empty()) return corrupt("too long for a WAV file");
  a.suffix = wav_pad(a);
  audio = std::move(a);
  return Status::ok();
}

}  // namespace

std::vector<std::uint8_t> serialize(const AudioFile& audio) {
  using model::params_io::put;
  std::vector<std::uint8_t> out;
  if (is_canonical_wav(audio)) {
    put(out, kCanonicalWavVersion, 1);
    put(out, static_cast<std::uint64_t>(audio.layout.channels), 1);
    put(out, static_cast<std::uint64_t>(audio.layout.bytes_per_sample), 1);
    put(out, static_cast<std::uint64_t>(audio.layout.bits), 1);
    put(out, audio.layout.sample_rate, 4);
    format::put_varint(out, audio.frames);
    return out;
  }
  out.reserve(kFixedSize + audio.prefix.size() + audio.suffix.size());
  put(out, kVersion, 1);
  put(out, static_cast<std::uint8_t>(audio.container), 1);
  put(out, static_cast<std::uint64_t>(audio.layout.channels), 1);
  put(out, static_cast<std::uint64_t>(audio.layout.bytes_per_sample), 1);
  put(out, static_cast<std::uint64_t>(audio.layout.bits), 1);
  put(out, (audio.layout.big_endian ? 1u : 0u) | (audio.layout.is_unsigned ? 2u : 0u), 1);
  put(out, audio.layout.sample_rate, 4);
  put(out, audio.frames, 8);
  put(out, audio.prefix.size(), 8);
  out.insert(out.end(), audio.prefix.begin(), audio.prefix.end());
  put(out, audio.suffix.size(), 8);
  out.insert(out.end(), audio.suffix.begin(), audio.suffix.end());
  return out;
}

Status deserialize(std::span<const std::uint8_t> params, AudioFile& audio) {
  using model::params_io::get;
  if (!params.empty() && params[0] == kCanonicalWavVersion) {
    return deserialize_canonical_wav(params, audio);
  }
  if (params.size() < kFixedSize) return corrupt("too short");
  std::size_t pos = 0;
  const auto version = get(params, pos, 1);
  if (version != kVersion) return corrupt("unknown version " + std::to_string(version));
  AudioFile a;
  const auto container = get(params, pos, 1);
  if (container < 1 || container > 6)
    return corrupt("unknown container " + std::to_string(container));
  a.container = static_cast<Container>(container);
  a.layout.channels = static_cast<int>(get(params, pos, 1));
  a.layout.bytes_per_sample = static_cast<int>(get(params, pos, 1));
  a.layout.bits = static_cast<int>(get(params, pos, 1));
  const auto flags = get(params, pos, 1);
  a.layout.big_endian = (flags & 1) != 0;
  a.layout.is_unsigned = (flags & 2) != 0;
  a.layout.sample_rate = static_cast<std::uint32_t>(get(params, pos, 4));
  a.frames = get(params, pos, 8);
  if (flags > 3) return corrupt("unknown flags");
  if (Status s = check_layout(a); !s) return s;

  const std::uint64_t prefix_size = get(params, pos, 8);
  if (prefix_size > params.size() - pos - 8) return corrupt("prefix runs past the end");
  a.prefix.assign(params.begin() + static_cast<std::ptrdiff_t>(pos),
                  params.begin() + static_cast<std::ptrdiff_t>(pos + prefix_size));
  pos += prefix_size;
  const std::uint64_t suffix_size = get(params, pos, 8);
  if (suffix_size != params.size() - pos) return corrupt("suffix length does not match the size");
  a.suffix.assign(params.begin() + static_cast<std::ptrdiff_t>(pos), params.end());
  if (a.container == Container::kFlac &&
      (!a.suffix.empty() || !detail::valid_kept_metadata(a.prefix))) {
    return corrupt("bad FLAC metadata blocks");
  }
  audio = std::move(a);
  return Status::ok();
}

}  // namespace lmpack::media::audio
