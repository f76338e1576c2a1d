// PNM: binary PGM (P5), PPM (P6) and PAM (P7). The header is kept verbatim as the prefix, the
// raster is already the stream's layout (16-bit samples are big-endian in PNM), and anything
// after the raster is the suffix, so the rebuild is the original byte for byte.
#include <string>

#include "media/image/image_file.h"

namespace lmpack::media::image::detail {

namespace {

bool is_space(std::uint8_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Reads one decimal header number for P5/P6, skipping whitespace and '#' comments.
bool read_number(std::span<const std::uint8_t> f, std::size_t& pos, std::uint64_t& value) {
  while (pos < f.size()) {
    if (is_space(f[pos])) {
      ++pos;
    } else if (f[pos] == '#') {
      while (pos < f.size() && f[pos] != '\n' && f[pos] != '\r') ++pos;
    } else {
      break;
    }
  }
  if (pos >= f.size() || f[pos] < '0' || f[pos] > '9') return false;
  value = 0;
  int digits = 0;
  while (pos < f.size() && f[pos] >= '0' && f[pos] <= '9') {
    value = value * 10 + (f[pos++] - '0');
    if (++digits > 10) return false;
  }
  return true;
}

int bits_for_maxval(std::uint64_t maxval) {
  int bits = 0;
  while ((std::uint64_t{1} << bits) <= maxval) ++bits;
  return bits;
}

// PAM header: "KEY value" lines up to ENDHDR. Returns the offset just past "ENDHDR\n".
bool read_pam_header(std::span<const std::uint8_t> f, std::uint64_t& w, std::uint64_t& h,
                     std::uint64_t& depth, std::uint64_t& maxval, std::size_t& end) {
  std::size_t pos = 3;  // after "P7\n"
  w = h = depth = maxval = 0;
  while (pos < f.size() && pos < 4096) {
    std::size_t line_end = pos;
    while (line_end < f.size() && f[line_end] != '\n') ++line_end;
    if (line_end >= f.size()) return false;
    std::string line(f.begin() + pos, f.begin() + line_end);
    pos = line_end + 1;
    if (line.empty() || line[0] == '#') continue;
    if (line == "ENDHDR") {
      end = pos;
      return w && h && depth && maxval;
    }
    const std::size_t sp = line.find(' ');
    const std::string key = line.substr(0, sp);
    if (key == "TUPLTYPE") continue;
    if (sp == std::string::npos) return false;
    std::uint64_t v = 0;
    std::size_t p = 0;
    std::span<const std::uint8_t> val(reinterpret_cast<const std::uint8_t*>(line.data()) + sp,
                                      line.size() - sp);
    if (!read_number(val, p, v)) return false;
    while (p < val.size() && is_space(val[p])) ++p;
    if (p != val.size()) return false;
    if (key == "WIDTH")
      w = v;
    else if (key == "HEIGHT")
      h = v;
    else if (key == "DEPTH")
      depth = v;
    else if (key == "MAXVAL")
      maxval = v;
    else
      return false;
  }
  return false;
}

}  // namespace

bool parse_pnm(std::span<const std::uint8_t> f, ImageFile& image,
               std::vector<std::uint8_t>& pixels) {
  if (f.size() < 3 || f[0] != 'P') return false;
  std::uint64_t w = 0, h = 0, depth = 0, maxval = 0;
  std::size_t header_end = 0;
  if (f[1] == '5' || f[1] == '6') {
    std::size_t pos = 2;
    if (!is_space(f[pos])) return false;
    if (!read_number(f, pos, w) || !read_number(f, pos, h) || !read_number(f, pos, maxval))
      return false;
    if (pos >= f.size() || !is_space(f[pos])) return false;
    header_end = pos + 1;
    depth = f[1] == '5' ? 1 : 3;
  } else if (f[1] == '7' && f[2] == '\n') {
    if (!read_pam_header(f, w, h, depth, maxval, header_end)) return false;
  } else {
    return false;
  }
  if (w == 0 || h == 0 || depth < 1 || depth > 4 || maxval < 1 || maxval > 65535) return false;
  if (w > 0xffffffffu || h > 0xffffffffu) return false;
  ImageLayout layout;
  layout.width = static_cast<std::uint32_t>(w);
  layout.height = static_cast<std::uint32_t>(h);
  layout.channels = static_cast<int>(depth);
  layout.bytes_per_sample = maxval > 255 ? 2 : 1;
  layout.bits = bits_for_maxval(maxval);
  if (w > kMaxPixelBytes / h) return false;
  const std::uint64_t bytes = layout.pixel_bytes();
  if (bytes > kMaxPixelBytes || bytes > f.size() - header_end) return false;
  image = ImageFile{};
  image.format = Format::kPnm;
  image.layout = layout;
  image.prefix.assign(f.begin(), f.begin() + header_end);
  pixels.assign(f.begin() + header_end, f.begin() + header_end + bytes);
  image.suffix.assign(f.begin() + header_end + bytes, f.end());
  return true;
}

}  // namespace lmpack::media::image::detail
