// The image model's per-sample machinery, shared by encoder and decoder: predicts a sample from
// its already-coded neighbours (same channel and the earlier-coded channels of the same pixel)
// and turns the residual into binary decisions with context-mixed probabilities.
//
// Prediction: a dozen simple predictors (W, N, MED/LOCO-I, gradient, CALIC's GAP, averages,
// and for the second and later channels the reference channel's value plus the neighbours'
// inter-channel differences) blended with weights 1 / (1 + recent error)^2, where "recent
// error" is each predictor's absolute error summed over the W, N, NW and NE positions; then a
// CALIC-style bias correction by texture and energy context. Optionally (params version 2) an
// OLS regression on 12 neighbours (16 for later channels) joins the blend and is then blended
// with its result by their recent errors.
// Coding: zero flag, sign, Elias-gamma length and mantissa of |residual|, each decision from
// adaptive counters in several contexts (error energy, texture pattern, the same pixel's earlier
// channels, predictor spread) mixed by a gated logistic mixer and refined by an APM.
// All integer arithmetic: the decoder reproduces every probability bit for bit.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "coder/binary_coder.h"

namespace lmpack::model::image {

struct PixelGeometry {
  std::uint32_t width = 1;
  int channels = 1;
  int bits = 8;            // values are 0 .. 2^bits - 1
  std::uint64_t rows = 0;  // rows of the block (params version 3 adapts to small blocks)
};

class PixelModel {
 public:
  // ols_interval: pixels between solves of the OLS predictor, 0 for none. version: the image
  // params version (3 and later add the small-image refinements).
  PixelModel(const PixelGeometry& g, int strength, int ols_interval = 0, int version = 2);
  ~PixelModel();
  PixelModel(const PixelModel&) = delete;
  PixelModel& operator=(const PixelModel&) = delete;

  // Codes the samples of one block row by row: `samples` holds rows * width * channels values.
  void encode(std::span<const std::int32_t> samples, std::uint64_t rows, coder::BinaryEncoder& enc);
  void decode(std::span<std::int32_t> samples, std::uint64_t rows, coder::BinaryDecoder& dec);

  static std::uint64_t memory_bytes(const PixelGeometry& g, int strength);

  struct Impl;  // public so the file-local coding loops can take it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace lmpack::model::image
