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

struct PredictorConfig {
  int ols_order = 16;        // taps per channel in the OLS stage (0 = off)
  int nlms_orders[3] = {256, 32, 16};  // cascade stages (0 = stage off)
  // Further knobs (rates, lambda) live in the implementation per strength.
  int strength = 1;          // 0 fastest .. 2 strongest
};

class FramePredictor {
 public:
  // `bits`: sample width of the (already wasted-bits-shifted) samples, 1..32.
  FramePredictor(int channels, int bits, const PredictorConfig& config);
  ~FramePredictor();
  FramePredictor(const FramePredictor&) = delete;
  FramePredictor& operator=(const FramePredictor&) = delete;

  // Prediction of channel `ch` of the current frame, clamped to the sample range. Channels are
  // visited in order 0..channels-1 within a frame: predict(ch), then update(ch, actual).
  std::int64_t predict(int ch);
  void update(int ch, std::int64_t sample);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lmpack::model::audio
