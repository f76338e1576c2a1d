// Byte-level helpers for the container: LEB128 varints and little-endian fixed-width integers,
// plus a bounds-checked cursor so the parser can never step past the end of its input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace lmpack::format {

// A u64 needs at most ceil(64 / 7) = 10 varint bytes.
inline constexpr std::size_t kMaxVarintBytes = 10;

inline void put_varint(std::vector<std::uint8_t>& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(value));
}

inline std::size_t varint_size(std::uint64_t value) {
  std::size_t n = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}

inline void put_u32le(std::vector<std::uint8_t>& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

inline void put_u64le(std::vector<std::uint8_t>& out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

inline std::uint32_t get_u32le(const std::uint8_t* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

inline std::uint64_t get_u64le(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// Why a read failed. Truncation and malformation are reported differently to the user.
enum class ReadResult { kOk, kEnd, kBadVarint };

// A forward-only cursor over untrusted bytes. Every read checks the remaining length first.
class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> data) : data_(data) {}

  std::size_t pos() const { return pos_; }
  std::size_t remaining() const { return data_.size() - pos_; }

  ReadResult u8(std::uint8_t& v) {
    if (remaining() < 1) return ReadResult::kEnd;
    v = data_[pos_++];
    return ReadResult::kOk;
  }

  ReadResult u32le(std::uint32_t& v) {
    if (remaining() < 4) return ReadResult::kEnd;
    v = get_u32le(data_.data() + pos_);
    pos_ += 4;
    return ReadResult::kOk;
  }

  // Accepts only the minimal encoding of each value, so every value has exactly one byte form:
  // no more than 10 bytes, no bits beyond 64, and no redundant trailing zero groups.
  ReadResult varint(std::uint64_t& v) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < kMaxVarintBytes; ++i) {
      if (remaining() < 1) return ReadResult::kEnd;
      const std::uint8_t byte = data_[pos_++];
      const std::uint64_t group = byte & 0x7F;
      if (i == kMaxVarintBytes - 1 && group > 1) return ReadResult::kBadVarint;  // > 64 bits
      value |= group << (7 * i);
      if ((byte & 0x80) == 0) {
        if (i > 0 && group == 0) return ReadResult::kBadVarint;  // overlong
        v = value;
        return ReadResult::kOk;
      }
    }
    return ReadResult::kBadVarint;  // continuation bit set on the 10th byte
  }

  // Returns `n` bytes and advances past them; `n` is checked against what is left.
  ReadResult bytes(std::uint64_t n, std::span<const std::uint8_t>& out) {
    if (n > remaining()) return ReadResult::kEnd;
    out = data_.subspan(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return ReadResult::kOk;
  }

 private:
  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
};

}  // namespace lmpack::format
