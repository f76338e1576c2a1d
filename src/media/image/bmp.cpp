// BMP: uncompressed (BI_RGB, or BI_BITFIELDS at 32 bits) 8-bit palette, 24-bit and 32-bit files.
// Everything before the raster (file header, info header, masks, palette) is the prefix and
// everything after it the suffix. Rows become top-down pixels with B and R swapped into RGB(A)
// order; row padding must be zero (else the byte path), so the rebuild is the original exactly.
#include "media/image/image_file.h"

namespace lmpack::media::image::detail {

namespace {

std::uint64_t le(std::span<const std::uint8_t> b, std::size_t pos, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= std::uint64_t{b[pos + i]} << (8 * i);
  return v;
}

}  // namespace

bool parse_bmp(std::span<const std::uint8_t> f, ImageFile& image,
               std::vector<std::uint8_t>& pixels) {
  if (f.size() < 54 || f[0] != 'B' || f[1] != 'M') return false;
  const std::uint64_t offbits = le(f, 10, 4);
  const std::uint64_t info_size = le(f, 14, 4);
  if (info_size != 40 && info_size != 52 && info_size != 56 && info_size != 108 && info_size != 124)
    return false;
  if (14 + info_size > f.size() || offbits < 14 + info_size || offbits > f.size()) return false;
  const std::int32_t w = static_cast<std::int32_t>(le(f, 18, 4));
  const std::int32_t h_signed = static_cast<std::int32_t>(le(f, 22, 4));
  const unsigned planes = static_cast<unsigned>(le(f, 26, 2));
  const unsigned bpp = static_cast<unsigned>(le(f, 28, 2));
  const std::uint64_t compression = le(f, 30, 4);
  if (planes != 1 || w <= 0 || h_signed == 0 || h_signed == INT32_MIN) return false;
  if (!(compression == 0 || (compression == 3 && bpp == 32))) return false;
  if (bpp != 8 && bpp != 24 && bpp != 32) return false;
  const std::uint64_t width = static_cast<std::uint64_t>(w);
  const std::uint64_t height =
      static_cast<std::uint64_t>(h_signed < 0 ? -static_cast<std::int64_t>(h_signed) : h_signed);
  const int channels = static_cast<int>(bpp / 8);
  const std::uint64_t row = width * channels;
  const std::uint64_t stride = (width * bpp + 31) / 32 * 4;
  if (height > kMaxPixelBytes / stride) return false;
  if (stride * height > f.size() - offbits) return false;
  const std::uint64_t pad = stride - row;
  image = ImageFile{};
  image.format = Format::kBmp;
  image.layout.width = static_cast<std::uint32_t>(width);
  image.layout.height = static_cast<std::uint32_t>(height);
  image.layout.channels = channels;
  image.layout.bytes_per_sample = 1;
  image.layout.bits = 8;
  image.bottom_up = h_signed > 0;
  image.row_pad = static_cast<std::uint32_t>(pad);
  pixels.resize(row * height);
  for (std::uint64_t y = 0; y < height; ++y) {
    const std::uint64_t src_row = image.bottom_up ? height - 1 - y : y;
    const std::uint8_t* src = f.data() + offbits + src_row * stride;
    for (std::uint64_t p = 0; p < pad; ++p) {
      if (src[row + p] != 0) {
        pixels.clear();
        return false;
      }
    }
    std::uint8_t* dst = pixels.data() + y * row;
    for (std::uint64_t x = 0; x < row; x += channels) {
      for (int c = 0; c < channels; ++c) dst[x + c] = src[x + c];
      if (channels >= 3) {
        dst[x] = src[x + 2];
        dst[x + 2] = src[x];
      }
    }
  }
  image.prefix.assign(f.begin(), f.begin() + offbits);
  image.suffix.assign(f.begin() + offbits + stride * height, f.end());
  return true;
}

}  // namespace lmpack::media::image::detail
