// Adaptive probability map (secondary symbol estimation): refines a probability given a small
// context by interpolating between 33 learned points along the stretched axis.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "model/cm/logistic.h"

namespace lmpack::model::cm {

class Apm {
 public:
  // contexts: number of distinct contexts; rate: adaptation shift (higher is slower).
  Apm(std::size_t contexts, int rate) : table_(contexts * 33), rate_(rate) {
    std::uint16_t row[33];
    for (int j = 0; j < 33; ++j) row[j] = static_cast<std::uint16_t>(squash((j - 16) * 128) * 16);
    for (std::size_t c = 0; c < contexts; ++c) std::copy(row, row + 33, &table_[c * 33]);
  }

  // st: stretched input probability; returns a 16-bit probability.
  int refine(int st, std::size_t context) {
    if (st > 2047) st = 2047;
    if (st < -2047) st = -2047;
    const int pos = st + 2048;  // 1..4095
    const int lo = pos >> 7;
    const int frac = pos & 127;
    base_ = context * 33 + lo;
    frac_ = frac;
    return (table_[base_] * (128 - frac) + table_[base_ + 1] * frac) >> 7;
  }

  void update(int bit) {
    const int target = bit ? 65535 : 0;
    // Move both neighbours, each in proportion to how much it contributed.
    std::uint16_t& a = table_[base_];
    std::uint16_t& b = table_[base_ + 1];
    a = static_cast<std::uint16_t>(a + (((target - a) >> rate_) * (128 - frac_) >> 7));
    b = static_cast<std::uint16_t>(b + (((target - b) >> rate_) * frac_ >> 7));
  }

 private:
  std::vector<std::uint16_t> table_;
  int rate_;
  std::size_t base_ = 0;
  int frac_ = 0;
};

}  // namespace lmpack::model::cm
