// A 256-way next-byte distribution seen one bit at a time, most significant bit first, as the
// bitwise CM model codes: P(next bit = 1 | the bits so far) is the mass of the bytes that continue
// the partial byte with a 1 over the mass of those that continue it at all. A binary tree of
// partial sums gives every such ratio after one pass of 255 additions per byte.
#pragma once

#include <cstdint>

namespace lmpack::model::nn {

class ByteToBits {
 public:
  // probs: [256]. Plain float additions in a fixed order, so every build agrees.
  void set(const float* probs) {
    for (int i = 0; i < 256; ++i) node_[256 + i] = probs[i];
    for (int i = 255; i >= 1; --i) node_[i] = node_[2 * i] + node_[2 * i + 1];
  }

  // c0: the partial byte with a leading 1 (1..255). Returns P(bit = 1) in 1..4095 (12 bits).
  int p12(int c0) const {
    const float whole = node_[c0];
    const float one = node_[2 * c0 + 1];
    if (!(whole > 0.0f)) return 2048;
    const float p = one / whole * 4096.0f;
    const int q = static_cast<int>(p);  // truncation of a value in [0, 4096]: exact everywhere
    return q < 1 ? 1 : (q > 4095 ? 4095 : q);
  }

  // The most likely byte's probability, for confidence contexts.
  float mass(int c0) const { return node_[c0]; }

 private:
  float node_[512] = {};  // [1..255] internal sums, [256..511] leaves
};

}  // namespace lmpack::model::nn
