// The "audio" model family (id 5): lossless PCM audio by prediction (frame_predictor.h) and
// adaptive coding of the residuals (residual_coder.h).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "lmpack/status.h"
#include "model/audio/frame_predictor.h"
#include "model/codec.h"

namespace lmpack::model::audio {

const ModelFamily& audio_family();

// Everything a level fixes; recorded in the archive params.
struct AudioConfig {
  PredictorConfig predictor;
  int residual_strength = 1;  // ResidualCoderConfig::strength
  // Channel 0 is coded this many frames ahead of the others, which then see its near future
  // through the predictor's cross-channel taps (as Sac's second channel does).
  int lead = 0;
  // 1: the encoder trial-codes a prefix of each long block with the first cascade stage at full,
  // half and quarter length (of each predictor configuration) and keeps the best (decoding costs
  // the same either way).
  int search = 0;
  // More predictor configurations the search also tries (`others` of them, 0..3). One cascade
  // cannot suit everything: music wants long windows and slow steps, speech and low bit depths
  // short windows, a strong ridge and fast steps, high-resolution recordings almost no ridge.
  int others = 0;
  PredictorConfig other[3];
  // Side information the residual coder gets from the predictor (ResidualHint): bit 0 the
  // rounding of the prediction, bit 1 how far the prediction moves from the previous sample.
  int hints = 0;
};

inline constexpr int kHintFraction = 1;
inline constexpr int kHintMotion = 2;

inline constexpr int kMaxLead = 32;
inline constexpr int kMaxOtherPredictors = 3;

AudioConfig audio_config_for_level(int level);
// The full record (version 4) of any configuration.
std::vector<std::uint8_t> serialize(const AudioConfig& config);
// The two-byte record (version 5) naming the frozen preset of a level (1..9): what archives store.
std::vector<std::uint8_t> preset_params(int level);
// Rejects params of another layout or version, or with values outside the supported ranges.
Status deserialize(std::span<const std::uint8_t> params, AudioConfig& config);

}  // namespace lmpack::model::audio
