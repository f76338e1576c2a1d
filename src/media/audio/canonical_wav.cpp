#include <cstring>

#include "media/audio/byte_order.h"
#include "media/audio/flac_codec.h"

namespace lmpack::media::audio::detail {

namespace {

const std::uint8_t kPcmSubformat[16] = {0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
                                        0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};

// The speaker positions FLAC assigns to 1..8 channels (FLAC format spec, "channel assignment").
std::uint32_t channel_mask(int channels) {
  static const std::uint32_t kMasks[9] = {0, 0x4, 0x3, 0x7, 0x33, 0x37, 0x3F, 0x70F, 0x63F};
  return channels <= 8 ? kMasks[channels] : 0;
}

}  // namespace

std::vector<std::uint8_t> canonical_wav_header(const PcmLayout& in, std::uint64_t frames) {
  const std::uint64_t data_size = frames * static_cast<std::uint64_t>(in.frame_bytes());
  const bool extensible = in.channels > 2 || 8 * in.bytes_per_sample > 16;
  const std::uint64_t fmt_size = extensible ? 40 : 16;
  const std::uint64_t header = 12 + 8 + fmt_size + 8;
  const std::uint64_t riff_size = header - 8 + data_size + (data_size & 1);
  if (riff_size > 0xFFFFFFFFu) return {};
  std::vector<std::uint8_t> out(header, 0);
  std::uint8_t* p = out.data();
  std::memcpy(p, "RIFF", 4);
  write_le(p + 4, riff_size, 4);
  std::memcpy(p + 8, "WAVEfmt ", 8);
  write_le(p + 16, fmt_size, 4);
  write_le(p + 20, extensible ? 0xFFFE : 1, 2);
  write_le(p + 22, static_cast<std::uint64_t>(in.channels), 2);
  write_le(p + 24, in.sample_rate, 4);
  write_le(p + 28, std::uint64_t{in.sample_rate} * static_cast<std::uint64_t>(in.frame_bytes()), 4);
  write_le(p + 32, static_cast<std::uint64_t>(in.frame_bytes()), 2);
  write_le(p + 34, static_cast<std::uint64_t>(8 * in.bytes_per_sample), 2);
  if (extensible) {
    write_le(p + 36, 22, 2);
    write_le(p + 38, static_cast<std::uint64_t>(in.bits), 2);
    write_le(p + 40, channel_mask(in.channels), 4);
    std::memcpy(p + 44, kPcmSubformat, 16);
  }
  std::memcpy(p + header - 8, "data", 4);
  write_le(p + header - 4, data_size, 4);
  return out;
}

Status write_canonical_wav(const AudioFile& audio, std::span<const std::uint8_t> tokens,
                           std::vector<std::uint8_t>& file) {
  const PcmLayout& in = audio.layout;
  const std::uint64_t data_size = audio.frames * static_cast<std::uint64_t>(in.frame_bytes());
  if (tokens.size() != data_size) return {ErrorCode::kCorrupt, "audio: token count does not fit"};
  const std::vector<std::uint8_t> head = canonical_wav_header(in, audio.frames);
  if (head.empty()) return {ErrorCode::kCorrupt, "audio: too long for a WAV file"};
  const std::uint64_t header = head.size();
  file.assign(header + data_size + (data_size & 1), 0);
  std::uint8_t* p = file.data();
  std::memcpy(p, head.data(), header);

  PcmLayout wav = in;
  wav.big_endian = false;
  wav.is_unsigned = in.bytes_per_sample == 1;
  tokens_to_samples(wav, tokens, {p + header, static_cast<std::size_t>(data_size)});
  return Status::ok();
}

}  // namespace lmpack::media::audio::detail
