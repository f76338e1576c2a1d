// Multi-symbol range coder for distributions given as integer frequencies summing to exactly
// 2^total_bits (total_bits in 1..16), e.g. 256-way byte distributions from neural models.
//
// Why 64 bits: the coding interval is kept in [2^48, 2^56], so splitting it into 2^16 parts
// truncates less than 2^-32 of it and the coded size sits within a hair of the ideal. A carry out
// of the interval is propagated through one cached byte plus a count of pending 0xff bytes, so no
// precision is given up to avoid carries.
//
// Stream: the big-endian digits of a number inside the final interval, with trailing zero bytes
// dropped. The decoder reads past the end of its input as zero bytes, so it must be given exactly
// the bytes the encoder wrote (or those followed by zeros only). A corrupt payload decodes to
// wrong symbols, never to an out-of-range target or an out-of-bounds read.
//
// Header-only so the per-symbol calls inline into model loops.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace lmpack::coder {

inline constexpr int kRangeMaxTotalBits = 16;

namespace range_detail {
inline constexpr int kWindowBits = 56;  // bits of low_ below the carry
inline constexpr std::uint64_t kTop = std::uint64_t{1} << kWindowBits;
inline constexpr std::uint64_t kBottom = std::uint64_t{1} << (kWindowBits - 8);
inline constexpr std::uint64_t kBelowTopByte = kBottom - 1;  // bits under the top byte
inline constexpr std::uint64_t kTopByteFF = std::uint64_t{0xff} << (kWindowBits - 8);
}  // namespace range_detail

class RangeEncoder {
 public:
  explicit RangeEncoder(std::vector<std::uint8_t>& out) : out_(out), start_(out.size()) {}

  // Codes the symbol occupying [cum, cum + freq) of [0, 2^total_bits).
  // Requires 1 <= total_bits <= 16, freq >= 1 and cum + freq <= 2^total_bits.
  void encode(std::uint32_t cum, std::uint32_t freq, int total_bits) {
    assert(total_bits >= 1 && total_bits <= kRangeMaxTotalBits);
    assert(freq >= 1 && std::uint64_t{cum} + freq <= (std::uint64_t{1} << total_bits));
    const std::uint64_t r = range_ >> total_bits;
    low_ += r * cum;
    range_ = r * freq;  // >= 2^32, so at most two shifts below
    while (range_ < range_detail::kBottom) {
      range_ <<= 8;
      shift_low();
    }
  }

  // Writes the shortest tail that pins down the final interval. Call once, after the last symbol.
  void finish() {
    using namespace range_detail;
    // The number in [low, low + range) with the most trailing zero bits; since range >= 2^48 a
    // multiple of 2^48 always qualifies, so only the top byte (plus any carry) remains to write.
    std::uint64_t value = low_;
    for (int k = kWindowBits; k >= kWindowBits - 8; --k) {
      const std::uint64_t mask = (std::uint64_t{1} << k) - 1;
      const std::uint64_t candidate = (low_ + mask) & ~mask;
      if (candidate - low_ < range_) {
        value = candidate;
        break;
      }
    }
    low_ = value;
    shift_low();  // settles the carry and caches the top byte
    low_ = 0;
    shift_low();  // flushes the cached byte and pending 0xff bytes
    // The decoder reads zeros past the end, so trailing zero bytes carry no information.
    while (out_.size() > start_ && out_.back() == 0) out_.pop_back();
  }

 private:
  // Moves the top byte of low_ out of the window. A byte of 0xff may still be bumped by a later
  // carry, so such bytes wait (counted) until the next byte that cannot overflow arrives.
  void shift_low() {
    using namespace range_detail;
    if (low_ < kTopByteFF || low_ >= kTop) {
      const auto carry = static_cast<std::uint8_t>(low_ >> kWindowBits);
      if (has_cache_) out_.push_back(static_cast<std::uint8_t>(cache_ + carry));
      for (; pending_ff_ > 0; --pending_ff_)
        out_.push_back(static_cast<std::uint8_t>(0xff + carry));
      cache_ = static_cast<std::uint8_t>(low_ >> (kWindowBits - 8));
      has_cache_ = true;
    } else {
      ++pending_ff_;
    }
    low_ = (low_ & kBelowTopByte) << 8;
  }

  std::vector<std::uint8_t>& out_;
  std::size_t start_;                         // bytes before ours are never trimmed
  std::uint64_t low_ = 0;                     // bit kWindowBits is a pending carry
  std::uint64_t range_ = range_detail::kTop;  // in [2^48, 2^56] between calls
  std::uint64_t pending_ff_ = 0;
  std::uint8_t cache_ = 0;
  bool has_cache_ = false;  // the very first byte has no predecessor to carry into
};

class RangeDecoder {
 public:
  explicit RangeDecoder(std::span<const std::uint8_t> in) : in_(in) {
    for (int i = 0; i < range_detail::kWindowBits / 8; ++i) code_ = (code_ << 8) | next_byte();
  }

  // The position of the next symbol in [0, 2^total_bits): find the symbol whose [cum, cum + freq)
  // holds it, then consume() that symbol with the same total_bits.
  std::uint32_t decode_target(int total_bits) {
    assert(total_bits >= 1 && total_bits <= kRangeMaxTotalBits);
    const std::uint64_t r = range_ >> total_bits;
    const std::uint64_t target = code_ / r;
    const std::uint64_t last = (std::uint64_t{1} << total_bits) - 1;
    return static_cast<std::uint32_t>(target < last ? target : last);  // only corrupt input clamps
  }

  void consume(std::uint32_t cum, std::uint32_t freq, int total_bits) {
    assert(total_bits >= 1 && total_bits <= kRangeMaxTotalBits);
    assert(freq >= 1 && std::uint64_t{cum} + freq <= (std::uint64_t{1} << total_bits));
    const std::uint64_t r = range_ >> total_bits;
    code_ -= r * cum;  // wraps only on corrupt input; harmless, the target is clamped
    range_ = r * freq;
    while (range_ < range_detail::kBottom) {
      range_ <<= 8;
      code_ = (code_ << 8) | next_byte();
    }
  }

  // cum has n + 1 entries: cum[0] = 0, cum[n] = 2^total_bits, strictly increasing. Returns the
  // symbol s with cum[s] <= target < cum[s + 1] and consumes it.
  int decode_symbol(std::span<const std::uint32_t> cum, int total_bits) {
    assert(cum.size() >= 2 && cum.front() == 0 && cum.back() == (1u << total_bits));
    const std::uint32_t target = decode_target(total_bits);
    // Branchless search (the comparisons are data-dependent, so branches would mispredict):
    // the answer stays in [base, base + len) with *base <= target.
    const std::uint32_t* base = cum.data();
    for (std::size_t len = cum.size() - 1; len > 1;) {
      const std::size_t half = len / 2;
      base = base[half] <= target ? base + half : base;
      len -= half;
    }
    const int s = static_cast<int>(base - cum.data());
    consume(cum[s], cum[s + 1] - cum[s], total_bits);
    return s;
  }

 private:
  std::uint32_t next_byte() { return pos_ < in_.size() ? in_[pos_++] : 0u; }

  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
  std::uint64_t range_ = range_detail::kTop;
  std::uint64_t code_ = 0;  // the stream's number minus the interval's low end
};

}  // namespace lmpack::coder
