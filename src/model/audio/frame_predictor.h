// The predictive stage of the audio path: predicts each sample of a frame from the past of every
// channel and from the samples of earlier channels of the same frame (stereo decorrelation
// happens here, by regression on the other channel rather than by fixed mid/side).
//
// Built as a cascade in the lineage of Monkey's Audio, OptimFROG and Sac: an OLS/LPC stage,
// then cascaded NLMS/sign-LMS filters on what is left, then a stage that combines the cascade and
// corrects bias. Floating point is IEEE double with a fixed order of operations (+ - * / sqrt
// only, no FMA contraction, no libm), so every build and machine computes the same predictions;
// the integer prediction is what the coder sees.
#pragma once

#include <cstdint>
#include <memory>

namespace lmpack::model::audio {

inline constexpr int kNlmsStages = 3;

// Every knob of the cascade. The codec records all of it in the archive params, so changing a
// level's defaults later never changes how an old archive decodes.
struct PredictorConfig {
  int ols_order = 16;         // OLS taps on the channel's own past (0 = stage off), <= 32
  int ols_cross = 8;          // OLS taps on the reference channel (current sample first for ch > 0)
  int ols_interval = 16;      // samples between Cholesky solves
  double ols_lambda = 0.998;  // forgetting factor of the covariance estimate
  double ols_delta = 0.000001;  // ridge, relative to each input's power
  // A second OLS of the same inputs with this forgetting factor (0 = off), blended with the
  // first by their recent errors: short windows suit speech, long ones music.
  double ols_lambda2 = 0.0;
  int ols_irls = 0;  // 0 = least squares, 1..3 = reweighted towards least absolute error
  int nlms_orders[kNlmsStages] = {256, 32, 16};  // cascade stages on the OLS residual (0 = off)
  double nlms_rates[kNlmsStages] = {0.002, 0.005, 0.01};
  int nlms_ada = 0;  // bit k: stage k steps per tap by its gradient's RMS (LMS-ADA) not NLMS
  double mix_rate = 0.0005;  // sign-sign LMS combining the stage predictions (0 = plain sum)
  int bias = 0;              // context-based bias correction of the final prediction (0 = off)
  // A second, parallel cascade on the same OLS residual (plain NLMS stages, 0 = off), blended
  // with the first by their recent errors: one set of lengths rarely suits speech and music
  // alike.
  int alt_orders[2] = {0, 0};
  double alt_rates[2] = {0.0, 0.0};
  int strength = 1;  // 0 fastest .. 2 strongest (informational; the fields above rule)
};

// Limits the codec enforces on params read from an archive.
inline constexpr int kMaxOlsOrder = 32;
inline constexpr int kMaxNlmsOrder = 2048;

class FramePredictor {
 public:
  // `bits`: sample width of the (already wasted-bits-shifted) samples, 1..32.
  FramePredictor(int channels, int bits, const PredictorConfig& config);
  ~FramePredictor();
  FramePredictor(const FramePredictor&) = delete;
  FramePredictor& operator=(const FramePredictor&) = delete;

  // Prediction of channel `ch`'s next sample, clamped to the sample range: predict(ch), then
  // update(ch, actual). The cross-channel taps read the reference channel's newest samples,
  // whatever they are: visited frame by frame in order 0..channels-1, channel c > 0 sees channel
  // c-1's sample of the same frame; if the caller runs channel 0 some frames ahead (the codec's
  // `lead`), channel 1 also sees channel 0's near future.
  std::int64_t predict(int ch);
  void update(int ch, std::int64_t sample);

  // Which way the last predict(ch) rounded: true when the unrounded prediction was below the
  // integer one (the sample then tends to lie below it too).
  bool rounded_up(int ch) const;

  // A hint for the residual coder: a running estimate of |residual| of channel `ch` (scaled by
  // 16), valid after predict(ch).
  std::uint32_t error_scale(int ch) const;

  // Hints for the residual coder, valid after predict(ch): how the prediction was rounded,
  // (real-valued prediction - integer prediction) * 256 in -128..128, and how far the integer
  // prediction lies from the channel's previous sample.
  int fraction(int ch) const;
  std::uint64_t motion(int ch) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lmpack::model::audio
