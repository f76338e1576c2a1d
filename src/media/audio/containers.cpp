#include "media/audio/containers.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "media/audio/byte_order.h"

namespace lmpack::media::audio::detail {

namespace {

using Bytes = std::span<const std::uint8_t>;

const std::uint8_t kPcmSubformat[16] = {0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
                                        0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};
const std::uint8_t kW64Wave[16] = {'w',  'a',  'v',  'e',  0xF3, 0xAC, 0xD3, 0x11,
                                   0x8C, 0xD1, 0x00, 0xC0, 0x4F, 0x8E, 0xDB, 0x8A};
const std::uint8_t kW64Fmt[16] = {'f',  'm',  't',  ' ',  0xF3, 0xAC, 0xD3, 0x11,
                                  0x8C, 0xD1, 0x00, 0xC0, 0x4F, 0x8E, 0xDB, 0x8A};
const std::uint8_t kW64Data[16] = {'d',  'a',  't',  'a',  0xF3, 0xAC, 0xD3, 0x11,
                                   0x8C, 0xD1, 0x00, 0xC0, 0x4F, 0x8E, 0xDB, 0x8A};

bool valid_layout(const PcmLayout& l) {
  return l.channels >= 1 && l.channels <= 64 && l.bytes_per_sample >= 1 &&
         l.bytes_per_sample <= 4 && l.bits >= 1 && l.bits <= 8 * l.bytes_per_sample;
}

// Does a chunk body of `size` bytes starting at `body` fit in the file? (Overflow-safe.)
bool fits(Bytes file, std::uint64_t body, std::uint64_t size) {
  return body <= file.size() && size <= file.size() - body;
}

// Splits the file around the sample data. `declared` is what the header claims; a truncated
// file keeps the whole frames it still has (the partial frame and anything after the data go to
// the suffix, so prefix + data + suffix is still the file).
bool finish(Bytes file, std::uint64_t data_start, std::uint64_t declared, AudioFile& audio) {
  if (!valid_layout(audio.layout) || data_start > file.size()) return false;
  const std::uint64_t available = std::min<std::uint64_t>(declared, file.size() - data_start);
  const std::uint64_t frame_bytes = static_cast<std::uint64_t>(audio.layout.frame_bytes());
  audio.frames = available / frame_bytes;
  if (audio.frames == 0) return false;
  const std::uint64_t data_end = data_start + audio.frames * frame_bytes;
  audio.prefix.assign(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(data_start));
  audio.suffix.assign(file.begin() + static_cast<std::ptrdiff_t>(data_end), file.end());
  return true;
}

// A WAVE 'fmt ' body (shared by WAV, RF64 and W64): integer PCM only, plain or extensible.
bool parse_fmt(Bytes file, std::uint64_t body, std::uint64_t size, PcmLayout& layout) {
  if (size < 16) return false;
  const auto tag = read_le(file, body, 2);
  const int channels = static_cast<int>(read_le(file, body + 2, 2));
  const auto rate = static_cast<std::uint32_t>(read_le(file, body + 4, 4));
  const int block_align = static_cast<int>(read_le(file, body + 12, 2));
  const int container_bits = static_cast<int>(read_le(file, body + 14, 2));
  int bits = container_bits;
  if (tag == 0xFFFE) {
    if (size < 40 || read_le(file, body + 16, 2) < 22) return false;
    if (std::memcmp(file.data() + body + 24, kPcmSubformat, 16) != 0) return false;
    const int valid_bits = static_cast<int>(read_le(file, body + 18, 2));
    if (valid_bits != 0) bits = valid_bits;
  } else if (tag != 1) {
    return false;  // float, ADPCM, A-law, ...
  }
  if (channels < 1 || channels > 64 || block_align % channels != 0) return false;
  const int bytes = block_align / channels;
  if (bytes < 1 || bytes > 4 || (container_bits + 7) / 8 != bytes) return false;
  if (bits < 1 || bits > container_bits) return false;
  layout.channels = channels;
  layout.bytes_per_sample = bytes;
  layout.bits = bits;
  layout.big_endian = false;
  layout.is_unsigned = bytes == 1;  // 8-bit WAV is offset binary
  layout.sample_rate = rate;
  return true;
}

// The integer part of an 80-bit IEEE extended float (AIFF sample rate); 0 if out of range.
std::uint32_t extended_to_u32(Bytes file, std::uint64_t pos) {
  const int exponent = static_cast<int>(read_be(file, pos, 2) & 0x7FFF) - 16383;
  const std::uint64_t mantissa = read_be(file, pos + 2, 8);
  if ((file[pos] & 0x80) != 0 || exponent < 0 || exponent > 31) return 0;
  return static_cast<std::uint32_t>(mantissa >> (63 - exponent));
}

bool parse_comm(Bytes file, std::uint64_t body, std::uint64_t size, bool aifc, PcmLayout& layout) {
  if (size < (aifc ? 22u : 18u)) return false;
  const int channels = static_cast<int>(read_be(file, body, 2));
  const int bits = static_cast<int>(read_be(file, body + 6, 2));
  if (channels < 1 || channels > 64 || bits < 1 || bits > 32) return false;
  const int bytes = (bits + 7) / 8;
  bool big_endian = true;
  if (aifc) {
    const std::uint64_t c = body + 18;
    if (has_tag(file, c, "NONE") || has_tag(file, c, "twos")) {
    } else if (has_tag(file, c, "sowt")) {
      big_endian = false;
    } else if (has_tag(file, c, "in24") && bytes == 3) {
    } else if (has_tag(file, c, "in32") && bytes == 4) {
    } else if (has_tag(file, c, "42ni") && bytes == 4) {
      big_endian = false;
    } else {
      return false;  // compressed or float
    }
  }
  layout.channels = channels;
  layout.bytes_per_sample = bytes;
  layout.bits = bits;
  layout.big_endian = big_endian;
  layout.is_unsigned = false;
  layout.sample_rate = extended_to_u32(file, body + 8);
  return true;
}

}  // namespace

const std::uint8_t kW64Riff[16] = {'r',  'i',  'f',  'f',  0x2E, 0x91, 0xCF, 0x11,
                                   0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00};

bool parse_riff(Bytes file, AudioFile& audio) {
  if (file.size() < 12 || !has_tag(file, 8, "WAVE")) return false;
  const bool rf64 = has_tag(file, 0, "RF64") || has_tag(file, 0, "BW64");
  if (!rf64 && !has_tag(file, 0, "RIFF")) return false;
  audio.container = rf64 ? Container::kRf64 : Container::kWav;
  bool have_fmt = false, have_ds64 = false;
  std::uint64_t ds64_data_size = 0;
  std::uint64_t pos = 12;
  while (pos <= file.size() && file.size() - pos >= 8) {
    const std::uint64_t size = read_le(file, pos + 4, 4);
    const std::uint64_t body = pos + 8;
    if (has_tag(file, pos, "data")) {
      if (!have_fmt) return false;
      std::uint64_t declared = size;
      if (rf64 && size == 0xFFFFFFFF) {
        if (!have_ds64) return false;
        declared = ds64_data_size;
      }
      // Streaming writers leave 0 (or 0xFFFFFFFF, which the clamp handles) when they cannot seek
      // back: the samples run to the end. Any split is exact; this one lets the model see them.
      if (declared == 0) declared = file.size() - std::min<std::uint64_t>(body, file.size());
      return finish(file, body, declared, audio);
    }
    if (!fits(file, body, size)) return false;  // a header chunk past the end: the header lies
    if (has_tag(file, pos, "fmt ")) {
      if (have_fmt || !parse_fmt(file, body, size, audio.layout)) return false;
      have_fmt = true;
    } else if (rf64 && pos == 12 && has_tag(file, pos, "ds64")) {
      if (size < 24) return false;
      ds64_data_size = read_le(file, body + 8, 8);
      have_ds64 = true;
    }
    pos = body + size + (size & 1);
  }
  return false;
}

bool parse_aiff(Bytes file, AudioFile& audio) {
  if (file.size() < 12 || !has_tag(file, 0, "FORM")) return false;
  const bool aifc = has_tag(file, 8, "AIFC");
  if (!aifc && !has_tag(file, 8, "AIFF")) return false;
  audio.container = Container::kAiff;
  bool have_comm = false, have_ssnd = false;
  std::uint64_t data_start = 0, declared = 0;
  std::uint64_t pos = 12;
  while (pos <= file.size() && file.size() - pos >= 8) {
    const std::uint64_t size = read_be(file, pos + 4, 4);
    const std::uint64_t body = pos + 8;
    if (has_tag(file, pos, "SSND")) {
      if (have_ssnd || size < 8 || !fits(file, body, 8)) return false;
      const std::uint64_t offset = read_be(file, body, 4);
      if (offset > size - 8) return false;
      data_start = body + 8 + offset;
      declared = size - 8 - offset;
      have_ssnd = true;
      if (!fits(file, body, size)) break;  // truncated in the sample data: nothing follows
    } else if (!fits(file, body, size)) {
      if (have_ssnd) break;  // a broken chunk after the samples is just suffix bytes
      return false;
    } else if (has_tag(file, pos, "COMM")) {
      if (have_comm || !parse_comm(file, body, size, aifc, audio.layout)) return false;
      have_comm = true;
    }
    pos = body + size + (size & 1);
  }
  return have_comm && have_ssnd && finish(file, data_start, declared, audio);
}

bool parse_w64(Bytes file, AudioFile& audio) {
  if (file.size() < 40 || std::memcmp(file.data(), kW64Riff, 16) != 0 ||
      std::memcmp(file.data() + 24, kW64Wave, 16) != 0) {
    return false;
  }
  audio.container = Container::kW64;
  bool have_fmt = false;
  std::uint64_t pos = 40;
  while (pos <= file.size() && file.size() - pos >= 24) {
    const std::uint64_t size = read_le(file, pos + 16, 8);  // includes the 24-byte chunk header
    if (size < 24) return false;
    const std::uint64_t body = pos + 24;
    if (std::memcmp(file.data() + pos, kW64Data, 16) == 0) {
      if (!have_fmt) return false;
      return finish(file, body, size - 24, audio);
    }
    if (!fits(file, body, size - 24)) return false;
    if (std::memcmp(file.data() + pos, kW64Fmt, 16) == 0) {
      if (have_fmt || !parse_fmt(file, body, size - 24, audio.layout)) return false;
      have_fmt = true;
    }
    pos += size;  // fits() bounds it by the file size, so no overflow
    pos += (8 - pos % 8) % 8;
  }
  return false;
}

bool parse_caf(Bytes file, AudioFile& audio) {
  if (file.size() < 8 || !has_tag(file, 0, "caff") || read_be(file, 4, 2) != 1) return false;
  audio.container = Container::kCaf;
  bool have_desc = false;
  std::uint64_t pos = 8;
  while (pos <= file.size() && file.size() - pos >= 12) {
    const std::uint64_t size = read_be(file, pos + 4, 8);
    const std::uint64_t body = pos + 12;
    if (has_tag(file, pos, "data")) {
      if (!have_desc || !fits(file, body, 4)) return false;  // 4 bytes: the edit count
      if (size == ~std::uint64_t{0}) return finish(file, body + 4, file.size() - body - 4, audio);
      if (size < 4) return false;
      return finish(file, body + 4, size - 4, audio);
    }
    if (!fits(file, body, size)) return false;
    if (has_tag(file, pos, "desc")) {
      if (have_desc || size < 32) return false;
      const double rate = std::bit_cast<double>(read_be(file, body, 8));
      const std::uint64_t flags = read_be(file, body + 12, 4);
      const std::uint64_t bytes_per_packet = read_be(file, body + 16, 4);
      const std::uint64_t frames_per_packet = read_be(file, body + 20, 4);
      const std::uint64_t channels = read_be(file, body + 24, 4);
      const std::uint64_t bits = read_be(file, body + 28, 4);
      // flags: bit 0 float, bit 1 little-endian; nothing else is defined for lpcm.
      if (!has_tag(file, body + 8, "lpcm") || (flags & ~std::uint64_t{2}) != 0 ||
          frames_per_packet != 1 || channels < 1 || channels > 64 ||
          bytes_per_packet % channels != 0 || bits < 1 || bits > 32) {
        return false;
      }
      audio.layout.channels = static_cast<int>(channels);
      audio.layout.bytes_per_sample = static_cast<int>(bytes_per_packet / channels);
      audio.layout.bits = static_cast<int>(bits);
      audio.layout.big_endian = (flags & 2) == 0;
      audio.layout.is_unsigned = false;
      audio.layout.sample_rate =
          rate >= 0.0 && rate < 4294967296.0 ? static_cast<std::uint32_t>(rate) : 0;
      if (!valid_layout(audio.layout)) return false;
      have_desc = true;
    }
    pos = body + size;
  }
  return false;
}

}  // namespace lmpack::media::audio::detail
