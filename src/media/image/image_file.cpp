// Dispatch, rebuild, media params and description for the image front end (image_file.h).
//
// The image media params record (version 1); varints are LEB128 in their shortest form:
//   u8 version (1), u8 format, varint width, varint height, u8 channels, u8 bytes_per_sample,
//   u8 bits, u8 flags (bit 0: BMP rows bottom-up; bit 1: the PNM header is the canonical
//   "P5|P6\n<w> <h>\n<2^bits-1>\n" and is not stored), u8 row_pad (BMP), u8 png_color_type,
//   u8 png_bit_depth, varint prefix length, prefix bytes, varint suffix length, suffix bytes.
// Nothing may follow.
//
// Version 2, the short record of a plain PNM (format 1 with the canonical header and no bytes
// after the raster), which version 1 spells out in 13 bytes or more:
//   u8 version (2), u8 kind (bits 0-4: bits per sample, 1..16; bit 5: P6 (RGB), clear: P5
//   (gray); bits 6-7: 0), varint width.
// Nothing may follow. The height is the pixel stream's size (the archive's N) over the row size,
// which must divide it. The writer writes version 2 for every plain PNM and version 1 for
// everything else, so every ImageFile has exactly one record it writes; a version 1 record of
// a plain PNM (lmpack before version 2) still reads.
#include "media/image/image_file.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "model/params_io.h"

namespace lmpack::media::image {

namespace {

constexpr std::uint8_t kVersion = 1;
constexpr std::uint8_t kVersionPlainPnm = 2;
constexpr std::uint64_t kKindRgb = 0x20;
constexpr std::size_t kFixedSize = 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1;
constexpr std::uint64_t kFlagBottomUp = 1, kFlagCanonicalHeader = 2;

void put_varint(std::vector<std::uint8_t>& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(v));
}

// Shortest-form varints only (so the record is canonical); false past the end or on overflow.
bool get_varint(std::span<const std::uint8_t> in, std::size_t& pos, std::uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos >= in.size()) return false;
    const std::uint8_t b = in[pos++];
    if (shift == 63 && b > 1) return false;
    v |= std::uint64_t{b & 0x7fu} << shift;
    if ((b & 0x80) == 0) return b != 0 || shift == 0;
  }
  return false;
}

// The PNM header a plain encoder writes for this layout (P5/P6 only).
std::string canonical_pnm_header(const ImageLayout& l) {
  if (l.channels != 1 && l.channels != 3) return {};
  return std::string(l.channels == 1 ? "P5" : "P6") + "\n" + std::to_string(l.width) + " " +
         std::to_string(l.height) + "\n" + std::to_string((1u << l.bits) - 1) + "\n";
}

Status corrupt(const std::string& what) { return {ErrorCode::kCorrupt, "image params: " + what}; }

bool png_layout_fits(const ImageFile& i) {
  const int ct = i.png_color_type, d = i.png_bit_depth;
  const int ch = ct == 0 || ct == 3 ? 1 : ct == 2 ? 3 : ct == 4 ? 2 : ct == 6 ? 4 : 0;
  if (ch == 0 || ch != i.layout.channels || d != i.layout.bits) return false;
  if (ct == 3 && d > 8) return false;
  if ((ct == 2 || ct == 4 || ct == 6) && d < 8) return false;
  return d == 1 || d == 2 || d == 4 || d == 8 || d == 16;
}

bool layout_fits(const ImageFile& i) {
  const ImageLayout& l = i.layout;
  if (l.width == 0 || l.height == 0 || l.channels < 1 || l.channels > 4) return false;
  if (l.bytes_per_sample < 1 || l.bytes_per_sample > 2) return false;
  if (l.bits < 1 || l.bits > 8 * l.bytes_per_sample || l.bits <= 8 * (l.bytes_per_sample - 1))
    return false;
  if (std::uint64_t{l.width} * l.channels * l.bytes_per_sample > detail::kMaxPixelBytes / l.height)
    return false;
  const bool png = i.format == Format::kPng;
  const bool bmp = i.format == Format::kBmp;
  if (!png && (i.png_color_type != 0 || i.png_bit_depth != 0)) return false;
  if (!bmp && (i.bottom_up || i.row_pad != 0)) return false;
  switch (i.format) {
    case Format::kPnm:
      return true;
    case Format::kBmp: {
      if (l.bytes_per_sample != 1 || l.bits != 8 || l.channels == 2) return false;
      const std::uint64_t row = std::uint64_t{l.width} * l.channels;
      return i.row_pad == (4 - row % 4) % 4;
    }
    case Format::kPng:
      return png_layout_fits(i);
  }
  return false;
}

// Version 2: the plain PNM record (see the top of this file).
Status deserialize_plain_pnm(std::span<const std::uint8_t> p, std::uint64_t stream_size,
                             ImageFile& image) {
  std::size_t pos = 1;
  if (p.size() < 3) return corrupt("too short");
  const std::uint8_t kind = p[pos++];
  const int bits = kind & 0x1f;
  if ((kind & ~(0x1f | kKindRgb)) != 0 || bits < 1 || bits > 16) return corrupt("unknown kind");
  std::uint64_t w = 0;
  if (!get_varint(p, pos, w) || w == 0 || w > 0xffffffffu) return corrupt("bad width");
  if (pos != p.size()) return corrupt("bytes after the record");
  const std::uint64_t row = w * ((kind & kKindRgb) != 0 ? 3 : 1) * (bits > 8 ? 2 : 1);
  const std::uint64_t h = stream_size / row;
  if (stream_size == kUnknownStreamSize || h * row != stream_size || h > 0xffffffffu) {
    return corrupt("the pixels are not whole rows of the width");
  }
  image.format = Format::kPnm;
  image.layout.width = static_cast<std::uint32_t>(w);
  image.layout.height = static_cast<std::uint32_t>(h);
  image.layout.channels = (kind & kKindRgb) != 0 ? 3 : 1;
  image.layout.bytes_per_sample = bits > 8 ? 2 : 1;
  image.layout.bits = bits;
  if (!layout_fits(image)) return corrupt("inconsistent image layout");
  const std::string header = canonical_pnm_header(image.layout);
  image.prefix.assign(header.begin(), header.end());
  return Status::ok();
}

}  // namespace

const char* format_name(Format f) {
  switch (f) {
    case Format::kPnm:
      return "PNM";
    case Format::kBmp:
      return "BMP";
    case Format::kPng:
      return "PNG";
  }
  return "?";
}

bool sniff(std::span<const std::uint8_t> f) {
  if (f.size() >= 8 && f[0] == 0x89 && std::memcmp(f.data() + 1, "PNG\r\n\x1a\n", 7) == 0)
    return true;
  if (f.size() >= 54 && f[0] == 'B' && f[1] == 'M') return true;
  if (f.size() >= 3 && f[0] == 'P' && (f[1] == '5' || f[1] == '6' || f[1] == '7')) {
    const std::uint8_t c = f[2];
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }
  return false;
}

bool parse(std::span<const std::uint8_t> file, ImageFile& image,
           std::vector<std::uint8_t>& pixels) {
  pixels.clear();
  bool ok = false;
  if (file.size() >= 2 && file[0] == 'P') {
    ok = detail::parse_pnm(file, image, pixels);
  } else if (file.size() >= 2 && file[0] == 'B') {
    ok = detail::parse_bmp(file, image, pixels);
  } else if (file.size() >= 1 && file[0] == 0x89) {
    ok = detail::parse_png(file, image, pixels);
  }
  if (ok) ok = layout_fits(image) && pixels.size() == image.layout.pixel_bytes();
  if (!ok) {
    pixels.clear();
    image = ImageFile{};
  }
  return ok;
}

Status rebuild(const ImageFile& image, std::span<const std::uint8_t> pixels,
               std::vector<std::uint8_t>& file) {
  const ImageLayout& l = image.layout;
  if (pixels.size() != l.pixel_bytes()) {
    return {ErrorCode::kCorrupt, "corrupt archive (image size does not match its header)"};
  }
  if (image.format == Format::kPng) return detail::write_png(image, pixels, file);
  file.clear();
  file.reserve(image.prefix.size() + pixels.size() + l.height * 4 + image.suffix.size());
  file.insert(file.end(), image.prefix.begin(), image.prefix.end());
  if (image.format == Format::kPnm) {
    file.insert(file.end(), pixels.begin(), pixels.end());
  } else {
    const std::uint64_t row = l.row_bytes();
    const int ch = l.channels;
    for (std::uint64_t i = 0; i < l.height; ++i) {
      const std::uint64_t y = image.bottom_up ? l.height - 1 - i : i;
      const std::uint8_t* src = pixels.data() + y * row;
      const std::size_t at = file.size();
      file.insert(file.end(), src, src + row);
      if (ch >= 3) {
        for (std::uint64_t x = 0; x < row; x += ch) std::swap(file[at + x], file[at + x + 2]);
      }
      file.insert(file.end(), image.row_pad, 0);
    }
  }
  file.insert(file.end(), image.suffix.begin(), image.suffix.end());
  return Status::ok();
}

std::vector<std::uint8_t> serialize(const ImageFile& image) {
  using model::params_io::put;
  const std::string canonical =
      image.format == Format::kPnm ? canonical_pnm_header(image.layout) : std::string();
  const bool omit = !canonical.empty() && image.prefix.size() == canonical.size() &&
                    std::equal(canonical.begin(), canonical.end(), image.prefix.begin());
  std::vector<std::uint8_t> out;
  if (omit && image.suffix.empty()) {
    put(out, kVersionPlainPnm, 1);
    put(out,
        static_cast<std::uint64_t>(image.layout.bits) | (image.layout.channels == 3 ? kKindRgb : 0),
        1);
    put_varint(out, image.layout.width);
    return out;
  }
  out.reserve(kFixedSize + 20 + image.prefix.size() + image.suffix.size());
  put(out, kVersion, 1);
  put(out, static_cast<std::uint8_t>(image.format), 1);
  put_varint(out, image.layout.width);
  put_varint(out, image.layout.height);
  put(out, static_cast<std::uint64_t>(image.layout.channels), 1);
  put(out, static_cast<std::uint64_t>(image.layout.bytes_per_sample), 1);
  put(out, static_cast<std::uint64_t>(image.layout.bits), 1);
  put(out, (image.bottom_up ? kFlagBottomUp : 0) | (omit ? kFlagCanonicalHeader : 0), 1);
  put(out, image.row_pad, 1);
  put(out, image.png_color_type, 1);
  put(out, image.png_bit_depth, 1);
  const std::size_t prefix = omit ? 0 : image.prefix.size();
  put_varint(out, prefix);
  out.insert(out.end(), image.prefix.begin(), image.prefix.begin() + prefix);
  put_varint(out, image.suffix.size());
  out.insert(out.end(), image.suffix.begin(), image.suffix.end());
  return out;
}

Status deserialize(std::span<const std::uint8_t> p, std::uint64_t stream_size, ImageFile& image) {
  using model::params_io::get;
  image = ImageFile{};
  if (p.empty()) return corrupt("empty");
  std::size_t pos = 0;
  const auto version = get(p, pos, 1);
  if (version == kVersionPlainPnm) return deserialize_plain_pnm(p, stream_size, image);
  if (version != kVersion) {
    return {ErrorCode::kUnsupportedVersion,
            "image params version " + std::to_string(version) + " is not supported"};
  }
  if (p.size() < kFixedSize) return corrupt("too short");
  const auto format = get(p, pos, 1);
  if (format < 1 || format > 3) return corrupt("unknown image format");
  image.format = static_cast<Format>(format);
  std::uint64_t w = 0, h = 0;
  if (!get_varint(p, pos, w) || !get_varint(p, pos, h) || w > 0xffffffffu || h > 0xffffffffu ||
      p.size() - pos < 7) {
    return corrupt("bad size fields");
  }
  image.layout.width = static_cast<std::uint32_t>(w);
  image.layout.height = static_cast<std::uint32_t>(h);
  image.layout.channels = static_cast<int>(get(p, pos, 1));
  image.layout.bytes_per_sample = static_cast<int>(get(p, pos, 1));
  image.layout.bits = static_cast<int>(get(p, pos, 1));
  const auto flags = get(p, pos, 1);
  if (flags > 3) return corrupt("unknown flags");
  image.bottom_up = (flags & kFlagBottomUp) != 0;
  image.row_pad = static_cast<std::uint32_t>(get(p, pos, 1));
  image.png_color_type = static_cast<std::uint8_t>(get(p, pos, 1));
  image.png_bit_depth = static_cast<std::uint8_t>(get(p, pos, 1));
  if (!layout_fits(image)) return corrupt("inconsistent image layout");
  std::uint64_t prefix = 0, suffix = 0;
  if (!get_varint(p, pos, prefix) || prefix > p.size() - pos) return corrupt("bad prefix length");
  image.prefix.assign(p.begin() + pos, p.begin() + pos + prefix);
  pos += prefix;
  if (!get_varint(p, pos, suffix) || suffix != p.size() - pos) return corrupt("bad suffix length");
  image.suffix.assign(p.begin() + pos, p.end());
  const std::string canonical =
      image.format == Format::kPnm ? canonical_pnm_header(image.layout) : std::string();
  if (flags & kFlagCanonicalHeader) {
    if (canonical.empty() || !image.prefix.empty()) return corrupt("canonical header flag misused");
    image.prefix.assign(canonical.begin(), canonical.end());
  } else if (!canonical.empty() && image.prefix.size() == canonical.size() &&
             std::equal(canonical.begin(), canonical.end(), image.prefix.begin())) {
    return corrupt("canonical header stored in full");
  }
  return Status::ok();
}

std::string describe(const ImageFile& image) {
  const ImageLayout& l = image.layout;
  static const char* kColour[] = {"?", "gray", "gray+alpha", "RGB", "RGBA"};
  std::string s = format_name(image.format);
  s += image.format == Format::kPng ? " (pixel-exact, re-encoded on decompression)"
                                    : " (byte-exact)";
  s += ", " + std::to_string(l.width) + "x" + std::to_string(l.height) + ", ";
  s += image.format == Format::kPng && image.png_color_type == 3 ? "palette" : kColour[l.channels];
  if (image.format == Format::kBmp && l.channels == 1) s = s.substr(0, s.size() - 4) + "palette";
  s += ", " + std::to_string(l.bits) + "-bit";
  return s;
}

}  // namespace lmpack::media::image
