// Binary arithmetic coder for bitwise models.
//
// A carry-less 32-bit coder: the interval [low, high] shrinks with every bit and leading bytes
// are shipped as soon as low and high agree on them. Probabilities are 16-bit fixed point:
// p1 = P(bit == 1) * 65536, clamped to [1, 65535] so that neither outcome is ever impossible.
// Header-only so the per-bit calls inline into model loops.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace lmpack::coder {

inline constexpr int kProbBits = 16;
inline constexpr std::uint32_t kProbOne = 1u << kProbBits;

inline std::uint32_t clamp_probability(std::uint32_t p1) {
  return p1 < 1 ? 1 : (p1 > kProbOne - 1 ? kProbOne - 1 : p1);
}

// Splits [low, high] in proportion to p1; the "1" side is [low, mid].
inline std::uint32_t split_point(std::uint32_t low, std::uint32_t high, std::uint32_t p1) {
  const std::uint64_t range = std::uint64_t{high} - low;
  return low + static_cast<std::uint32_t>((range * clamp_probability(p1)) >> kProbBits);
}

class BinaryEncoder {
 public:
  explicit BinaryEncoder(std::vector<std::uint8_t>& out) : out_(out) {}

  void encode(int bit, std::uint32_t p1) {
    const std::uint32_t mid = split_point(low_, high_, p1);
    if (bit) {
      high_ = mid;
    } else {
      low_ = mid + 1;
    }
    while (((low_ ^ high_) & 0xff000000u) == 0) {
      out_.push_back(static_cast<std::uint8_t>(high_ >> 24));
      low_ <<= 8;
      high_ = (high_ << 8) | 0xffu;
    }
  }

  // Writes the bytes needed to disambiguate the final interval.
  void finish() {
    // Any value in [low, high] decodes correctly; low's top byte plus 0xff.. padding read by the
    // decoder stays inside the interval because low < high differ in the top byte.
    out_.push_back(static_cast<std::uint8_t>(low_ >> 24));
    out_.push_back(0xff);
    out_.push_back(0xff);
    out_.push_back(0xff);
  }

  // Like finish(), in one byte instead of four, for decoders that read past the end of the
  // payload as zero bytes (BinaryDecoder does): the value t 00 00 00, with t the smallest top
  // byte that keeps it at or above low, lies in [low, high] because low and high differ in the
  // top byte (so (low >> 24) + 1 <= high >> 24 <= 0xff).
  void finish_minimal() {
    const std::uint32_t top = low_ >> 24;
    out_.push_back(static_cast<std::uint8_t>((low_ & 0xffffffu) == 0 ? top : top + 1));
  }

 private:
  std::vector<std::uint8_t>& out_;
  std::uint32_t low_ = 0;
  std::uint32_t high_ = 0xffffffffu;
};

// Reads past the end of its input as zero bytes, so a truncated or corrupt payload decodes to
// garbage of the right length (caught by the checksum) instead of faulting.
class BinaryDecoder {
 public:
  explicit BinaryDecoder(std::span<const std::uint8_t> in) : in_(in) {
    for (int i = 0; i < 4; ++i) x_ = (x_ << 8) | next_byte();
  }

  int decode(std::uint32_t p1) {
    const std::uint32_t mid = split_point(low_, high_, p1);
    int bit;
    if (x_ <= mid) {
      bit = 1;
      high_ = mid;
    } else {
      bit = 0;
      low_ = mid + 1;
    }
    while (((low_ ^ high_) & 0xff000000u) == 0) {
      low_ <<= 8;
      high_ = (high_ << 8) | 0xffu;
      x_ = (x_ << 8) | next_byte();
    }
    return bit;
  }

 private:
  std::uint32_t next_byte() { return pos_ < in_.size() ? in_[pos_++] : 0u; }

  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
  std::uint32_t low_ = 0;
  std::uint32_t high_ = 0xffffffffu;
  std::uint32_t x_ = 0;
};

}  // namespace lmpack::coder
