// The image front end: recognises PNM (PGM/PPM/PAM), BMP and PNG files by their content and turns
// them into raw pixels (rows top to bottom, samples of a pixel interleaved, 16-bit samples as two
// bytes most significant first) plus side bytes, and rebuilds the file from those.
//
// PNM and BMP come back byte for byte: `prefix` holds every byte before the pixel data, `suffix`
// every byte after it. PNG is decoded with libpng and comes back pixel-exact as a new PNG (the
// same header fields and every other chunk verbatim, IDAT re-encoded), like FLAC in the audio
// front end: its archive checksum covers the pixels.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "lmpack/status.h"

namespace lmpack::media::image {

// Stored in media params: never renumber.
enum class Format : std::uint8_t { kPnm = 1, kBmp = 2, kPng = 3 };

struct ImageLayout {
  std::uint32_t width = 0;   // >= 1
  std::uint32_t height = 0;  // >= 1
  int channels = 0;          // samples per pixel, 1..4
  int bytes_per_sample = 0;  // 1 or 2
  int bits = 0;              // significant bits per sample, 1..8 * bytes_per_sample
  std::uint64_t row_bytes() const {
    return std::uint64_t{width} * static_cast<std::uint64_t>(channels * bytes_per_sample);
  }
  std::uint64_t pixel_bytes() const { return row_bytes() * height; }
};

// A parsed image.
//  PNM: file = prefix + pixels + suffix.
//  BMP: file = prefix + rows (each: pixels with B and R swapped back, then `row_pad` zero bytes;
//       bottom-up when `bottom_up`) + suffix.
//  PNG: prefix = the chunks between IHDR and the first IDAT, suffix = the chunks after the last
//       IDAT (IEND included) and any bytes after IEND, all verbatim; `png_color_type` and
//       `png_bit_depth` are IHDR's.
struct ImageFile {
  Format format = Format::kPnm;
  ImageLayout layout;
  bool bottom_up = false;     // BMP
  std::uint32_t row_pad = 0;  // BMP: 0..3
  std::uint8_t png_color_type = 0;
  std::uint8_t png_bit_depth = 0;
  std::vector<std::uint8_t> prefix;
  std::vector<std::uint8_t> suffix;
};

const char* format_name(Format f);  // "PNM", "BMP", "PNG"

// Parses `file`. Returns false (and leaves `pixels` empty) for anything this front end does not
// read exactly (unknown format, interlaced PNG, compressed BMP, headers that lie about sizes,
// non-zero BMP row padding, a PNG libpng rejects): the caller then uses the byte path. Never
// throws on bad input (std::bad_alloc aside) and never reads outside `file`.
bool parse(std::span<const std::uint8_t> file, ImageFile& image, std::vector<std::uint8_t>& pixels);

// Cheap content check: true if `file` starts like a format this front end reads.
bool sniff(std::span<const std::uint8_t> file);

// Rebuilds the file from its description and pixels (kCorrupt when they do not fit).
Status rebuild(const ImageFile& image, std::span<const std::uint8_t> pixels,
               std::vector<std::uint8_t>& file);

// Media params in the archive header: a versioned little-endian record of ImageFile (version 2
// for a plain PNM, version 1 for the rest); every field is validated before anything is
// allocated, and serialize(deserialize(p)) == p for every record serialize writes (a version 1
// record of a plain PNM, from lmpack before version 2, reads and is rewritten as version 2).
std::vector<std::uint8_t> serialize(const ImageFile& image);
// `stream_size` is the pixel stream's size (the archive's N): version 2 records take the
// height from it; kUnknownStreamSize reads only version 1 records.
inline constexpr std::uint64_t kUnknownStreamSize = ~std::uint64_t{0};
Status deserialize(std::span<const std::uint8_t> params, std::uint64_t stream_size,
                   ImageFile& image);
inline Status deserialize(std::span<const std::uint8_t> params, ImageFile& image) {
  return deserialize(params, kUnknownStreamSize, image);
}

// One line for `lmpack -l`, e.g. "PNG (pixel-exact, re-encoded), 640x480, RGB, 8-bit".
std::string describe(const ImageFile& image);

namespace detail {
bool parse_pnm(std::span<const std::uint8_t> file, ImageFile& image,
               std::vector<std::uint8_t>& pixels);
bool parse_bmp(std::span<const std::uint8_t> file, ImageFile& image,
               std::vector<std::uint8_t>& pixels);
bool parse_png(std::span<const std::uint8_t> file, ImageFile& image,
               std::vector<std::uint8_t>& pixels);
Status write_png(const ImageFile& image, std::span<const std::uint8_t> pixels,
                 std::vector<std::uint8_t>& file);
// Largest image the front end accepts (pixels bytes), so hostile headers cannot ask for more.
inline constexpr std::uint64_t kMaxPixelBytes = std::uint64_t{1} << 32;
}  // namespace detail

}  // namespace lmpack::media::image
