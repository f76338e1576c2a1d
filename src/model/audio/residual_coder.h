// Adaptive bitwise coding of prediction residuals (the entropy stage of the audio path).
//
// A residual is the difference between a sample and its integer prediction. The model keeps,
// per channel, adaptive statistics (e.g. running magnitude estimates at several speeds) and
// codes each residual as binary decisions (zero? sign? magnitude bucket? mantissa bits) whose
// probabilities come from context-indexed adaptive counters, mixed and refined (SSE) in
// integer arithmetic. The decoder repeats the encoder's updates exactly.
#pragma once

#include <cstdint>
#include <memory>

#include "coder/binary_coder.h"

namespace lmpack::model::audio {

struct ResidualCoderConfig {
  // 0 = fastest .. 2 = strongest (more contexts, a mixer and SSE). Levels map onto this.
  int strength = 1;
};

class ResidualCoder {
 public:
  // `bits`: sample width (1..32); residuals lie in [-(2^bits), 2^bits].
  ResidualCoder(int channels, int bits, const ResidualCoderConfig& config);
  ~ResidualCoder();
  ResidualCoder(const ResidualCoder&) = delete;
  ResidualCoder& operator=(const ResidualCoder&) = delete;

  void encode(coder::BinaryEncoder& enc, int channel, std::int64_t residual);
  std::int64_t decode(coder::BinaryDecoder& dec, int channel);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lmpack::model::audio
