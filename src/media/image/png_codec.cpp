// PNG: pixels decoded with libpng, chunks walked here so every chunk other than IHDR and IDAT is
// kept verbatim; the rebuild writes IHDR (non-interlaced), the kept chunks in their places and a
// fresh IDAT (per-row filter chosen by the minimum-sum-of-absolute-differences rule, zlib level 9).
#include <png.h>
#include <zlib.h>

#include <csetjmp>
#include <cstring>

#include "media/image/image_file.h"

namespace lmpack::media::image::detail {

namespace {

constexpr std::uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}

void put_be32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
}

int channels_of(int color_type) {
  switch (color_type) {
    case 0:
      return 1;
    case 2:
      return 3;
    case 3:
      return 1;
    case 4:
      return 2;
    case 6:
      return 4;
  }
  return 0;
}

bool depth_fits(int color_type, int depth) {
  switch (color_type) {
    case 0:
      return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case 3:
      return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case 2:
    case 4:
    case 6:
      return depth == 8 || depth == 16;
  }
  return false;
}

struct MemoryReader {
  std::span<const std::uint8_t> data;
  std::size_t pos = 0;
};

void read_from_memory(png_structp png, png_bytep out, png_size_t n) {
  auto* r = static_cast<MemoryReader*>(png_get_io_ptr(png));
  if (n > r->data.size() - r->pos) png_error(png, "truncated");
  std::memcpy(out, r->data.data() + r->pos, n);
  r->pos += n;
}

void ignore_warning(png_structp, png_const_charp) {}

// Decodes the pixels with libpng (packed low bit depths expanded to one sample per byte).
bool decode_pixels(std::span<const std::uint8_t> f, const ImageLayout& layout,
                   std::vector<std::uint8_t>& pixels) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, ignore_warning);
  if (!png) return false;
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_read_struct(&png, nullptr, nullptr);
    return false;
  }
  MemoryReader reader{f, 0};
  std::vector<png_bytep> rows;
  // volatile: read after longjmp.
  volatile bool ok = false;
  if (setjmp(png_jmpbuf(png)) == 0) {
    png_set_read_fn(png, &reader, read_from_memory);
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    png_read_info(png, info);
    if (png_get_bit_depth(png, info) < 8) png_set_packing(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) == layout.row_bytes()) {
      pixels.resize(layout.pixel_bytes());
      rows.resize(layout.height);
      for (std::uint32_t y = 0; y < layout.height; ++y)
        rows[y] = pixels.data() + y * layout.row_bytes();
      png_read_image(png, rows.data());
      png_read_end(png, nullptr);
      ok = true;
    }
  }
  png_destroy_read_struct(&png, &info, nullptr);
  if (!ok) pixels.clear();
  return ok;
}

int paeth(int a, int b, int c) {
  const int p = a + b - c;
  const int pa = p > a ? p - a : a - p;
  const int pb = p > b ? p - b : b - p;
  const int pc = p > c ? p - c : c - p;
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

}  // namespace

bool parse_png(std::span<const std::uint8_t> f, ImageFile& image,
               std::vector<std::uint8_t>& pixels) {
  if (f.size() < 8 + 25 || std::memcmp(f.data(), kSignature, 8) != 0) return false;
  image = ImageFile{};
  image.format = Format::kPng;
  std::size_t pos = 8;
  int state = 0;  // 0: before IHDR, 1: before IDAT, 2: in IDATs, 3: after IDATs
  bool seen_iend = false;
  while (!seen_iend) {
    if (f.size() - pos < 12) return false;
    const std::uint32_t len = be32(f.data() + pos);
    if (len > 0x7fffffffu || len > f.size() - pos - 12) return false;
    const std::uint8_t* type = f.data() + pos + 4;
    const std::size_t end = pos + 12 + len;
    const std::uint32_t crc =
        static_cast<std::uint32_t>(crc32(crc32(0, nullptr, 0), type, len + 4));
    if (crc != be32(f.data() + pos + 8 + len)) return false;
    const bool is_ihdr = std::memcmp(type, "IHDR", 4) == 0;
    const bool is_idat = std::memcmp(type, "IDAT", 4) == 0;
    seen_iend = std::memcmp(type, "IEND", 4) == 0;
    if (state == 0) {
      if (!is_ihdr || len != 13) return false;
      const std::uint8_t* d = type + 4;
      const std::uint32_t w = be32(d), h = be32(d + 4);
      image.png_bit_depth = d[8];
      image.png_color_type = d[9];
      if (w == 0 || h == 0 || w > 0x7fffffffu || h > 0x7fffffffu) return false;
      if (!depth_fits(d[9], d[8]) || d[10] != 0 || d[11] != 0 || d[12] != 0) return false;
      image.layout.width = w;
      image.layout.height = h;
      image.layout.channels = channels_of(d[9]);
      image.layout.bytes_per_sample = d[8] == 16 ? 2 : 1;
      image.layout.bits = d[8];
      if (std::uint64_t{w} * image.layout.channels * image.layout.bytes_per_sample >
          kMaxPixelBytes / h)
        return false;
      state = 1;
    } else if (is_ihdr) {
      return false;
    } else if (is_idat) {
      if (state == 3) return false;  // IDATs must be consecutive
      state = 2;
    } else {
      if (state == 2) state = 3;
      if (seen_iend && state != 3) return false;
      auto& side = state == 1 ? image.prefix : image.suffix;
      side.insert(side.end(), f.begin() + pos, f.begin() + end);
    }
    pos = end;
  }
  image.suffix.insert(image.suffix.end(), f.begin() + pos, f.end());
  // A very large image decoded from a tiny file is fine; its pixels still must fit in memory.
  if (!decode_pixels(f, image.layout, pixels)) return false;
  return true;
}

Status write_png(const ImageFile& image, std::span<const std::uint8_t> pixels,
                 std::vector<std::uint8_t>& file) {
  const ImageLayout& l = image.layout;
  if (pixels.size() != l.pixel_bytes())
    return {ErrorCode::kCorrupt, "corrupt archive (PNG pixel count)"};
  const int depth = image.png_bit_depth;
  const std::uint64_t samples_per_row = std::uint64_t{l.width} * l.channels;
  const std::uint64_t packed_row = (samples_per_row * depth + 7) / 8;
  const int bpp = std::max(1, l.channels * depth / 8);
  // Filtered scanlines: one filter byte, then the filtered packed row.
  std::vector<std::uint8_t> raw((packed_row + 1) * l.height);
  std::vector<std::uint8_t> prev(packed_row, 0), cur(packed_row), best(packed_row),
      trial(packed_row);
  const bool no_filter = depth < 8 || image.png_color_type == 3;
  for (std::uint32_t y = 0; y < l.height; ++y) {
    const std::uint8_t* src = pixels.data() + y * l.row_bytes();
    if (depth < 8) {
      std::fill(cur.begin(), cur.end(), 0);
      const unsigned limit = 1u << depth;
      for (std::uint64_t i = 0; i < samples_per_row; ++i) {
        if (src[i] >= limit) return {ErrorCode::kCorrupt, "corrupt archive (PNG sample range)"};
        const std::uint64_t bit = i * depth;
        cur[bit / 8] |= static_cast<std::uint8_t>(src[i] << (8 - depth - bit % 8));
      }
    } else {
      std::memcpy(cur.data(), src, packed_row);
    }
    int best_type = 0;
    best = cur;
    if (!no_filter) {
      std::uint64_t best_cost = UINT64_MAX;
      for (int type = 0; type < 5; ++type) {
        std::uint64_t cost = 0;
        for (std::uint64_t i = 0; i < packed_row; ++i) {
          const int a = i >= static_cast<std::uint64_t>(bpp) ? cur[i - bpp] : 0;
          const int b = prev[i];
          const int c = i >= static_cast<std::uint64_t>(bpp) ? prev[i - bpp] : 0;
          int pred = 0;
          if (type == 1)
            pred = a;
          else if (type == 2)
            pred = b;
          else if (type == 3)
            pred = (a + b) >> 1;
          else if (type == 4)
            pred = paeth(a, b, c);
          const std::uint8_t v = static_cast<std::uint8_t>(cur[i] - pred);
          trial[i] = v;
          cost += v < 128 ? v : 256 - v;
        }
        if (cost < best_cost) {
          best_cost = cost;
          best_type = type;
          best.swap(trial);
        }
      }
    }
    std::uint8_t* dst = raw.data() + y * (packed_row + 1);
    dst[0] = static_cast<std::uint8_t>(best_type);
    std::memcpy(dst + 1, best.data(), packed_row);
    prev.swap(cur);
  }
  uLongf compressed_size = compressBound(static_cast<uLong>(raw.size()));
  std::vector<std::uint8_t> compressed(compressed_size);
  if (compress2(compressed.data(), &compressed_size, raw.data(), static_cast<uLong>(raw.size()),
                9) != Z_OK)
    return {ErrorCode::kInternal, "zlib failed to compress the PNG data"};
  compressed.resize(compressed_size);

  file.clear();
  file.insert(file.end(), kSignature, kSignature + 8);
  auto chunk = [&](const char* type, const std::uint8_t* data, std::size_t len) {
    put_be32(file, static_cast<std::uint32_t>(len));
    const std::size_t at = file.size();
    file.insert(file.end(), type, type + 4);
    if (len) file.insert(file.end(), data, data + len);
    put_be32(file, static_cast<std::uint32_t>(
                       crc32(crc32(0, nullptr, 0), file.data() + at, static_cast<uInt>(len + 4))));
  };
  std::vector<std::uint8_t> ihdr;
  put_be32(ihdr, l.width);
  put_be32(ihdr, l.height);
  ihdr.push_back(image.png_bit_depth);
  ihdr.push_back(image.png_color_type);
  ihdr.push_back(0);
  ihdr.push_back(0);
  ihdr.push_back(0);
  chunk("IHDR", ihdr.data(), ihdr.size());
  file.insert(file.end(), image.prefix.begin(), image.prefix.end());
  constexpr std::size_t kIdatMax = std::size_t{1} << 20;
  for (std::size_t at = 0; at < compressed.size(); at += kIdatMax) {
    chunk("IDAT", compressed.data() + at, std::min(kIdatMax, compressed.size() - at));
  }
  file.insert(file.end(), image.suffix.begin(), image.suffix.end());
  return Status::ok();
}

}  // namespace lmpack::media::image::detail
