// The "image" model family (id 6): lossless pixels by blended 2-D prediction (pixel_predictor.h)
// and context-mixed coding of the residuals (pixel_coder.h). It reads the image media's stream
// shape (width, channels, bytes per sample); on any other stream it sees bytes as a 1-row image.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "lmpack/status.h"
#include "model/codec.h"

namespace lmpack::model::image {

const ModelFamily& image_family();

inline constexpr int kImageParamsVersion = 3;

// Everything a level fixes; recorded in the archive params.
struct ImageConfig {
  int strength = 1;  // 1: practical (default level), 2: strongest (--best)
  // Samples between solves of the OLS predictor (0: no OLS predictor, as params version 1).
  int ols_interval = 0;
  // The params layout it came from or goes to: 1 and 2 spell strength and interval out; 3 says
  // only "the preset of the archive's level" (image_config_for_level) and codes with the
  // small-image refinements of the model (faster start on a block's first pixels).
  int version = kImageParamsVersion;
};

inline constexpr int kMaxImageOlsInterval = 64;

// The preset of a level (params version 3; the table is part of the format, docs/format.md).
ImageConfig image_config_for_level(int level);
// Version 3 serialises to the single byte 3 (the preset is named by the archive's level, so
// `config` must be image_config_for_level(level) of the level written beside it); versions 1
// and 2 spell the fields out (version 1 is written as the equivalent version 2).
std::vector<std::uint8_t> serialize(const ImageConfig& config);
// `level` is the archive's level: version 3 params resolve to its preset.
Status deserialize(std::span<const std::uint8_t> params, int level, ImageConfig& config);

}  // namespace lmpack::model::image
