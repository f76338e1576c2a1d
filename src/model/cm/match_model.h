// Long-repeat model: finds the last occurrence of the most recent bytes and predicts that the
// byte after it comes again, with a confidence learned per match length.
#pragma once

#include <cstdint>
#include <vector>

#include "model/cm/counter.h"
#include "model/cm/hash.h"
#include "model/cm/logistic.h"

namespace lmpack::model::cm {

class MatchModel {
 public:
  MatchModel(int index_log2, int min_len)
      : index_(std::size_t{1} << index_log2, 0),
        mask_((std::size_t{1} << index_log2) - 1),
        min_len_(min_len),
        counters_(64 * 2, kCounterInit) {}

  static constexpr int kInputs = 2;
  static constexpr std::size_t kMaxVerify = 32;

  // Called after each whole byte; hist[0..pos) is the data so far.
  void byte_update(const std::uint8_t* hist, std::size_t pos) {
    if (len_ > 0 && ptr_ < pos && hist[ptr_] == hist[pos - 1]) {
      ++ptr_;
      if (len_ < 65535) ++len_;
    } else {
      len_ = 0;
    }
    if (pos >= static_cast<std::size_t>(min_len_)) {
      const std::size_t slot = index_slot(hist, pos - 1, hist[pos - 1]);
      if (len_ == 0) {
        const std::uint32_t cand = index_[slot];
        if (cand > 0) {
          // Verify backwards: hash collisions give no match rather than a wrong one. The scan
          // stops at kMaxVerify, beyond which the length buckets no longer differ much: an
          // unbounded scan costs O(length) per lost match on repetitive data.
          std::size_t n = 0;
          while (n < cand && n < kMaxVerify && hist[cand - 1 - n] == hist[pos - 1 - n]) ++n;
          if (n >= static_cast<std::size_t>(min_len_)) {
            len_ = static_cast<int>(n);
            ptr_ = cand;
          }
        }
      }
      index_[slot] = static_cast<std::uint32_t>(pos);
    }
    expected_byte_ = len_ > 0 ? hist[ptr_] | 0x100 : 0;
  }

  // Starts loading the index entry byte_update() will read if the byte at pos is `next`.
  void prefetch(const std::uint8_t* hist, std::size_t pos, std::uint8_t next) const {
    if (pos + 1 < static_cast<std::size_t>(min_len_)) return;
    __builtin_prefetch(&index_[index_slot(hist, pos, next)]);
  }

  // Adds inputs for the next bit; c0 is the partial byte with its leading 1, bit its position.
  void predict(int c0, int bitpos, std::int32_t* x) {
    if (expected_byte_ && (expected_byte_ >> (8 - bitpos)) == c0) {
      expected_bit_ = (expected_byte_ >> (7 - bitpos)) & 1;
      ctr_ = &counters_[length_bucket() * 2 + expected_bit_];
      const int st = stretch(counter_p12(*ctr_));
      x[0] = st;
      const int strength = length_bucket() * 32;
      x[1] = expected_bit_ ? strength : -strength;
    } else {
      expected_byte_ = 0;
      ctr_ = nullptr;
      x[0] = 0;
      x[1] = 0;
    }
  }

  void update(int bit) {
    if (ctr_) counter_update(*ctr_, bit, kCounterMaxLimit);
  }

  // 0 when no match is predicting; else 1..63 growing with the match length.
  int length_bucket() const {
    if (!expected_byte_) return 0;
    if (len_ < 16) return len_;
    if (len_ < 64) return 16 + ((len_ - 16) >> 2);
    if (len_ < 512) return 28 + ((len_ - 64) >> 4);
    return 63;
  }

 private:
  // Index entry for the min_len bytes ending with `last` at position `at`.
  std::size_t index_slot(const std::uint8_t* hist, std::size_t at, std::uint8_t last) const {
    std::uint64_t h = 0;
    for (std::size_t i = at + 1 - min_len_; i < at; ++i) h = hash_combine(h, hist[i]);
    return hash_finish(hash_combine(h, last)) & mask_;
  }

  std::vector<std::uint32_t> index_;  // [2^index_log2] position after the hashed bytes
  std::size_t mask_;
  int min_len_;
  std::size_t ptr_ = 0;  // position of the predicted byte
  int len_ = 0;
  int expected_byte_ = 0;  // predicted byte | 0x100, or 0
  int expected_bit_ = 0;
  std::vector<std::uint32_t> counters_;  // [64 length buckets][expected bit]
  std::uint32_t* ctr_ = nullptr;
};

}  // namespace lmpack::model::cm
