#include "media/text_sniff.h"

#include <algorithm>

namespace lmpack::media {

namespace {
constexpr std::size_t kSniffBytes = std::size_t{4} << 20;

// Length of the well-formed UTF-8 sequence starting at p (2..4), or 0.
std::size_t utf8_sequence(const std::uint8_t* p, std::size_t left) {
  const std::uint8_t c = p[0];
  std::size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : (c >= 0xe0 ? 3 : (c >= 0xc2 ? 2 : 0));
  if (c >= 0xf5) len = 0;
  if (len == 0 || len > left) return 0;
  for (std::size_t i = 1; i < len; ++i) {
    if ((p[i] & 0xc0) != 0x80) return 0;
  }
  return len;
}
}  // namespace

bool looks_like_text(std::span<const std::uint8_t> data) {
  const std::size_t n = std::min(data.size(), kSniffBytes);
  if (n == 0) return false;
  std::size_t good = 0;
  for (std::size_t i = 0; i < n;) {
    const std::uint8_t c = data[i];
    if ((c >= 32 && c < 127) || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      ++good;
      ++i;
    } else if (c >= 0x80) {
      const std::size_t len = utf8_sequence(&data[i], n - i);
      good += len;
      i += len ? len : 1;
    } else {
      ++i;
    }
  }
  return good * 100 >= n * 95;
}

}  // namespace lmpack::media
