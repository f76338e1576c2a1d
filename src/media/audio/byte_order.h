// Fixed-width readers for the audio containers' header fields. No bounds checks: every caller
// has checked the field lies inside the file first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace lmpack::media::audio::detail {

inline std::uint64_t read_le(std::span<const std::uint8_t> b, std::size_t pos, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= std::uint64_t{b[pos + i]} << (8 * i);
  return v;
}

inline std::uint64_t read_be(std::span<const std::uint8_t> b, std::size_t pos, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | b[pos + i];
  return v;
}

inline bool has_tag(std::span<const std::uint8_t> b, std::size_t pos, const char* tag,
                    std::size_t n = 4) {
  return pos <= b.size() && n <= b.size() - pos && std::memcmp(b.data() + pos, tag, n) == 0;
}

inline void write_le(std::uint8_t* out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace lmpack::media::audio::detail
