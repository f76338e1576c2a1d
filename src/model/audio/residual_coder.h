// Adaptive bitwise coding of prediction residuals (the entropy stage of the audio path).
//
// A residual is the difference between a sample and its integer prediction. The model keeps,
// per channel, adaptive statistics (e.g. running magnitude estimates at several speeds) and
// codes each residual as binary decisions (the magnitude's bit length, its top mantissa bits,
// the sign) whose probabilities come from context-indexed adaptive counters, mixed and refined
// (SSE) in integer arithmetic. The decoder repeats the encoder's updates exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "coder/binary_coder.h"

namespace lmpack::model::audio {

struct ResidualCoderConfig {
  // 0 = fastest .. 2 = strongest (more contexts, a mixer and SSE). Levels map onto this.
  int strength = 1;
};

// Side information the predictor has on both sides. Every field is optional (0 = nothing known).
struct ResidualHint {
  // How the prediction was rounded: (real-valued prediction - integer prediction) * 256,
  // in -128..128. When residuals are around +-1 (8-bit audio, quiet passages) it says which way
  // the sample leans and how likely an exact hit is.
  int fraction = 0;
  // Any non-negative quantity the predictor expects to grow with |residual| (e.g. how far the
  // prediction moves from the previous sample, or how much its stages disagree). Used as a
  // context relative to the coder's own scale estimate.
  std::uint64_t magnitude = 0;
};

class ResidualCoder {
 public:
  // `bits`: sample width (1..32); residuals lie in [-(2^bits), 2^bits] (the contexts are sized
  // for that), but any |residual| < 2^34 round-trips. decode() of a corrupt payload returns
  // values of that range without faulting.
  ResidualCoder(int channels, int bits, const ResidualCoderConfig& config);
  ~ResidualCoder();
  ResidualCoder(const ResidualCoder&) = delete;
  ResidualCoder& operator=(const ResidualCoder&) = delete;

  // Bytes of model state a coder of this shape allocates (for the codec's memory estimate).
  static std::size_t memory_bytes(int channels, int bits, const ResidualCoderConfig& config);

  // The decoder must pass the same hint as the encoder did for that residual.
  void encode(coder::BinaryEncoder& enc, int channel, std::int64_t residual,
              const ResidualHint& hint = {});
  std::int64_t decode(coder::BinaryDecoder& dec, int channel, const ResidualHint& hint = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lmpack::model::audio
