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

// Everything a level fixes; recorded in the archive params.
struct ImageConfig {
  int strength = 1;  // 1: practical (default level), 2: strongest (--best)
  // Samples between solves of the OLS predictor (0: no OLS predictor, as params version 1).
  int ols_interval = 0;
};

inline constexpr int kMaxImageOlsInterval = 64;

ImageConfig image_config_for_level(int level);
std::vector<std::uint8_t> serialize(const ImageConfig& config);
Status deserialize(std::span<const std::uint8_t> params, ImageConfig& config);

}  // namespace lmpack::model::image
