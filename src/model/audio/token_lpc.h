// Linear prediction seen through Trilobyte tokens: a bit-level model of PCM token bytes for the
// byte-level families (prior-pcm), which code samples one token bit at a time, most significant
// first, and so cannot use the audio family's residual coder.
//
// For every sample an OLS regression on the channel's past samples predicts its value mu, and
// the recent mean absolute error gives a scale s. The sample is then taken to be logistic(mu, s)
// (discretised: value v owns [v - 1/2, v + 1/2)). Each token bit splits the values still
// possible, [lo, hi), at mid; P(bit = 1) is the mass of [mid, hi) over the mass of [lo, hi).
// The model answers for two scales (s and a wider one), so a mixer can learn how heavy the
// tails are.
//
// IEEE double in a fixed order of operations and lmpack's own exp (a range reduction and a fixed
// polynomial), no libm: every build computes the same probabilities (docs/determinism.md).
#pragma once

#include <cstdint>
#include <vector>

#include "model/ols.h"
#include "model/stream_shape.h"

namespace lmpack::model::audio {

struct TokenLpcConfig {
  // Defaults measured on 2048-byte chunks of 16 kHz 16-bit audio (README "Priors"); a larger
  // ridge costs precise signals dearly (it biases the prediction by about sqrt(delta) of the
  // signal's amplitude).
  int order = 32;            // past samples of the channel the regression sees (1..32)
  double lambda = 0.993;     // the regression's forgetting factor
  double delta = 1e-8;       // its ridge, relative to each input's power
  double scale_rate = 0.25;  // weight of the newest |error| in the running scale
  double wide = 3.0;         // the second scale, as a multiple of the first
};

class TokenLpc {
 public:
  static constexpr int kScales = 2;

  // A byte stream (shape.audio false) is read as 8-bit mono.
  TokenLpc(const StreamShape& shape, const TokenLpcConfig& config);

  // P(next bit = 1) for each scale, in 1..4095 (12 bits). c0: the partial byte with a leading 1.
  void p12(int c0, int out[kScales]) const;
  // The token byte just coded.
  void byte_done(std::uint8_t byte);

  // Where the next byte sits in its sample: 0 = most significant.
  int byte_index() const { return byte_; }
  // How spread the prediction is: 0 (sharp) .. 7 (wide), from the scale's log2 over the sample's
  // range, for mixer contexts.
  int spread() const { return spread_; }

 private:
  void start_sample();

  int bytes_;  // per sample
  int channels_;
  int total_bits_;
  TokenLpcConfig config_;
  std::vector<Ols> ols_;                   // [channels]
  std::vector<std::vector<double>> past_;  // [channels][order], newest first
  std::vector<double> scale_;              // [channels], mean |error|
  int channel_ = 0;
  int byte_ = 0;
  std::uint64_t prefix_ = 0;  // the sample's bytes so far, as a number
  double mu_ = 0.0;           // predicted value, offset binary
  double s_[kScales] = {1.0, 1.0};
  int spread_ = 0;
};

// exp(x) in double from +, -, *, and exact power-of-two scaling: a fixed sequence of IEEE
// operations, so every build agrees (libm's exp may differ between versions). Relative error
// below 1e-14; 0 below -745, clamped above 709.
double exact_exp(double x);

}  // namespace lmpack::model::audio
