#include "cli/bench_image.h"

#include <cstdio>

#include "cli/file_io.h"
#include "lmpack/lmpack.h"
#include "media/image/image_file.h"

namespace lmpack::cli {

namespace {

namespace img = media::image;

bool load(const std::string& path, img::ImageFile& image, std::vector<std::uint8_t>& pixels) {
  std::vector<std::uint8_t> bytes;
  if (!read_input(path, bytes)) return false;
  return img::parse(bytes, image, pixels);
}

std::uint32_t sample(const img::ImageLayout& l, const std::vector<std::uint8_t>& px,
                     std::size_t i) {
  return l.bytes_per_sample == 2 ? (std::uint32_t{px[2 * i]} << 8) | px[2 * i + 1] : px[i];
}

// Pixels as RGBA (16-bit lanes).
std::vector<std::uint32_t> rgba(const img::ImageFile& image, const std::vector<std::uint8_t>& px) {
  const img::ImageLayout& l = image.layout;
  const std::uint64_t n = std::uint64_t{l.width} * l.height;
  const std::uint32_t opaque = (1u << l.bits) - 1;
  std::vector<std::uint32_t> out(n * 4);
  for (std::uint64_t p = 0; p < n; ++p) {
    const std::size_t i = p * l.channels;
    std::uint32_t* o = &out[p * 4];
    if (l.channels <= 2) {
      o[0] = o[1] = o[2] = sample(l, px, i);
      o[3] = l.channels == 2 ? sample(l, px, i + 1) : opaque;
    } else {
      for (int c = 0; c < 3; ++c) o[c] = sample(l, px, i + c);
      o[3] = l.channels == 4 ? sample(l, px, i + 3) : opaque;
    }
  }
  return out;
}

}  // namespace

std::optional<AudioShape> probe_image(const std::string& path) {
  img::ImageFile image;
  std::vector<std::uint8_t> pixels;
  if (!load(path, image, pixels)) return std::nullopt;
  AudioShape shape;
  switch (image.format) {
    case img::Format::kPnm:
      shape.container = image.prefix.size() > 1 && image.prefix[1] == '5'   ? "pgm"
                        : image.prefix.size() > 1 && image.prefix[1] == '6' ? "ppm"
                                                                            : "pam";
      break;
    case img::Format::kBmp:
      shape.container = "bmp";
      break;
    case img::Format::kPng:
      shape.container = "png";
      break;
  }
  shape.channels = image.layout.channels;
  shape.bits = image.layout.bits;
  shape.frames = std::uint64_t{image.layout.width} * image.layout.height;
  return shape;
}

bool same_pixels(const std::string& a, const std::string& b) {
  img::ImageFile ia, ib;
  std::vector<std::uint8_t> pa, pb;
  if (!load(a, ia, pa) || !load(b, ib, pb)) return false;
  if (ia.layout.width != ib.layout.width || ia.layout.height != ib.layout.height) return false;
  if (ia.layout.bits != ib.layout.bits) return false;
  // Palette images keep indices, not colours: only like with like.
  if ((ia.png_color_type == 3) != (ib.png_color_type == 3)) return false;
  return rgba(ia, pa) == rgba(ib, pb);
}

bool run_patch_bench(const std::vector<std::string>& files, bool quiet) {
  constexpr std::uint32_t kPatchH = 32, kPatchW = 64;
  bool ok = true;
  std::uint64_t total_raw = 0, total_png = 0, total_default = 0, total_best = 0, total_n = 0;
  std::printf(
      "# LMIC patch mode: grayscale (rounded mean of R,G,B), non-overlapping %ux%u patches "
      "(%u bytes), each compressed on its own; rate = compressed/raw*100\n",
      kPatchH, kPatchW, kPatchH * kPatchW);
  std::printf("%-40s %8s %10s %9s %13s %11s %16s\n", "file", "patches", "raw", "PNG %",
              "lmpack -5 %", "lmpack -best %", "-5 vs PNG");
  for (const auto& file : files) {
    img::ImageFile image;
    std::vector<std::uint8_t> px;
    if (!load(file, image, px)) {
      if (!quiet)
        std::fprintf(stderr, "bench: %s: not an image the front end reads, skipped\n",
                     file.c_str());
      continue;
    }
    const img::ImageLayout& l = image.layout;
    if (l.bytes_per_sample != 1 || image.png_color_type == 3) {
      if (!quiet)
        std::fprintf(stderr, "bench: %s: patch mode takes 8-bit gray or colour images, skipped\n",
                     file.c_str());
      continue;
    }
    std::vector<std::uint8_t> gray(std::uint64_t{l.width} * l.height);
    for (std::size_t p = 0; p < gray.size(); ++p) {
      const std::uint8_t* s = &px[p * l.channels];
      gray[p] = l.channels >= 3 ? static_cast<std::uint8_t>((s[0] + s[1] + s[2] + 1) / 3) : s[0];
    }
    std::uint64_t raw = 0, png = 0, def = 0, best = 0, n = 0;
    for (std::uint32_t y0 = 0; y0 + kPatchH <= l.height; y0 += kPatchH) {
      for (std::uint32_t x0 = 0; x0 + kPatchW <= l.width; x0 += kPatchW) {
        std::vector<std::uint8_t> patch;
        for (std::uint32_t y = 0; y < kPatchH; ++y) {
          const std::uint8_t* row = &gray[(std::uint64_t{y0} + y) * l.width + x0];
          patch.insert(patch.end(), row, row + kPatchW);
        }
        img::ImageFile pi;
        pi.format = img::Format::kPng;
        pi.layout = {kPatchW, kPatchH, 1, 1, 8};
        pi.png_color_type = 0;
        pi.png_bit_depth = 8;
        pi.suffix = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82};
        std::vector<std::uint8_t> png_bytes;
        const std::string header = "P5\n64 32\n255\n";
        std::vector<std::uint8_t> pgm(header.begin(), header.end());
        pgm.insert(pgm.end(), patch.begin(), patch.end());
        std::vector<std::uint8_t> a5, ab, back;
        CompressOptions o5;
        CompressOptions ob;
        ob.best = true;
        if (!img::rebuild(pi, patch, png_bytes) || !compress(pgm, a5, o5) ||
            !compress(pgm, ab, ob) || !decompress(a5, back) || back != pgm ||
            !decompress(ab, back) || back != pgm) {
          std::fprintf(stderr, "bench: %s: patch at %u,%u failed its round trip\n", file.c_str(),
                       x0, y0);
          ok = false;
          continue;
        }
        raw += patch.size();
        png += png_bytes.size();
        def += a5.size();
        best += ab.size();
        ++n;
      }
    }
    if (n == 0) continue;
    auto pct = [](std::uint64_t a, std::uint64_t b) {
      return 100.0 * static_cast<double>(a) / static_cast<double>(b);
    };
    std::printf("%-40s %8llu %10llu %9.2f %13.2f %11.2f %15.1f%%\n", file.c_str(),
                static_cast<unsigned long long>(n), static_cast<unsigned long long>(raw),
                pct(png, raw), pct(def, raw), pct(best, raw), 100.0 - pct(def, png));
    total_raw += raw;
    total_png += png;
    total_default += def;
    total_best += best;
    total_n += n;
  }
  if (total_n > 0) {
    auto pct = [](std::uint64_t a, std::uint64_t b) {
      return 100.0 * static_cast<double>(a) / static_cast<double>(b);
    };
    std::printf("%-40s %8llu %10llu %9.2f %13.2f %11.2f %15.1f%%\n", "TOTAL",
                static_cast<unsigned long long>(total_n),
                static_cast<unsigned long long>(total_raw), pct(total_png, total_raw),
                pct(total_default, total_raw), pct(total_best, total_raw),
                100.0 - pct(total_default, total_png));
    std::printf(
        "# -5 vs PNG = how much smaller lmpack's default level is than PNG, in %% of PNG's size\n");
  }
  return ok && total_n > 0;
}

}  // namespace lmpack::cli
