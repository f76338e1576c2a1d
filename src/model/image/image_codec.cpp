// The image family: block bytes -> samples (rows of width * channels, big-endian 16-bit) ->
// PixelModel -> binary arithmetic coder.
//
// Payload: u8 `bits` (bit length of the block's largest sample; 0 = all samples zero, nothing
// else coded), the bytes of a trailing partial row verbatim, then the coded samples.
#include <algorithm>
#include <bit>
#include <memory>
#include <string>

#include "coder/binary_coder.h"
#include "model/image/image_family.h"
#include "model/image/pixel_model.h"
#include "model/params_io.h"

namespace lmpack::model::image {
namespace {

// Streams that are not images are coded as 8-bit gray rows of this width.
constexpr std::uint32_t kBytesWidth = 1024;

class ImageCodec final : public BlockCodec {
 public:
  ImageCodec(const ImageConfig& config, const StreamShape& shape) : config_(config) {
    if (shape.image) {
      width_ = std::max<std::uint32_t>(1, shape.width);
      channels_ = shape.channels;
      bytes_ = shape.bytes_per_sample;
      nominal_bits_ = std::clamp(shape.bits, 1, 8 * bytes_);
    }
  }

  void encode(std::span<const std::uint8_t> block, std::vector<std::uint8_t>& out,
              const BlockProgress& progress) override {
    const std::uint64_t row = row_bytes();
    const std::uint64_t rows = block.size() / row;
    const std::uint64_t n = rows * row / bytes_;
    std::vector<std::int32_t> samples(n);
    std::int32_t maxv = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      samples[i] = bytes_ == 2 ? (block[2 * i] << 8) | block[2 * i + 1] : block[i];
      maxv = std::max(maxv, samples[i]);
    }
    const int bits = std::bit_width(static_cast<std::uint32_t>(maxv));
    if (config_.version >= 3) {
      // The tail, then one arithmetic code: `bits` first, then the samples.
      out.insert(out.end(), block.begin() + rows * row, block.end());
      if (rows == 0) return;
      coder::BinaryEncoder enc(out);
      const bool nominal = bits == nominal_bits_;
      enc.encode(nominal ? 1 : 0, kNominalBitsP1);
      if (!nominal) {
        for (int b = 4; b >= 0; --b) enc.encode((bits >> b) & 1, coder::kProbOne / 2);
      }
      if (bits > 0) {
        PixelModel model(geometry(bits, rows), config_.strength, config_.ols_interval,
                         config_.version);
        model.encode(samples, rows, enc);
      }
      enc.finish_minimal();
      if (progress) progress(block.size());
      return;
    }
    out.push_back(static_cast<std::uint8_t>(bits));
    out.insert(out.end(), block.begin() + rows * row, block.end());
    if (bits == 0 || rows == 0) return;
    PixelModel model(geometry(bits, rows), config_.strength, config_.ols_interval, config_.version);
    coder::BinaryEncoder enc(out);
    model.encode(samples, rows, enc);
    enc.finish_minimal();
    if (progress) progress(block.size());
  }

  void decode(std::span<const std::uint8_t> payload, std::span<std::uint8_t> out,
              const BlockProgress& progress) override {
    const std::uint64_t row = row_bytes();
    const std::uint64_t rows = out.size() / row;
    const std::uint64_t tail = out.size() - rows * row;
    std::fill(out.begin(), out.end(), 0);
    if (config_.version >= 3) {
      const std::size_t have = std::min<std::size_t>(tail, payload.size());
      std::copy_n(payload.begin(), have, out.begin() + rows * row);
      if (rows == 0) return;
      coder::BinaryDecoder dec(payload.subspan(have));
      int bits = nominal_bits_;
      if (!dec.decode(kNominalBitsP1)) {
        bits = 0;
        for (int b = 4; b >= 0; --b) bits = (bits << 1) | dec.decode(coder::kProbOne / 2);
        bits = std::min(bits, 8 * bytes_);  // only a corrupt payload exceeds it
      }
      if (bits > 0) decode_samples(dec, bits, rows, out);
      if (progress) progress(out.size());
      return;
    }
    if (payload.empty()) return;
    const int bits = std::min<int>(payload[0], 8 * bytes_);
    const std::size_t have = std::min<std::size_t>(tail, payload.size() - 1);
    std::copy_n(payload.begin() + 1, have, out.begin() + rows * row);
    if (bits == 0 || rows == 0) return;
    coder::BinaryDecoder dec(payload.subspan(1 + have));
    decode_samples(dec, bits, rows, out);
    if (progress) progress(out.size());
  }

 private:
  // P(the block's bit length is the stream's nominal one), version 3: almost always.
  static constexpr std::uint32_t kNominalBitsP1 = coder::kProbOne - 16;

  void decode_samples(coder::BinaryDecoder& dec, int bits, std::uint64_t rows,
                      std::span<std::uint8_t> out) {
    const std::uint64_t n = rows * row_bytes() / bytes_;
    std::vector<std::int32_t> samples(n, 0);
    PixelModel model(geometry(bits, rows), config_.strength, config_.ols_interval, config_.version);
    model.decode(samples, rows, dec);
    for (std::uint64_t i = 0; i < n; ++i) {
      if (bytes_ == 2) {
        out[2 * i] = static_cast<std::uint8_t>(samples[i] >> 8);
        out[2 * i + 1] = static_cast<std::uint8_t>(samples[i]);
      } else {
        out[i] = static_cast<std::uint8_t>(samples[i]);
      }
    }
  }

  std::uint64_t row_bytes() const { return std::uint64_t{width_} * channels_ * bytes_; }
  PixelGeometry geometry(int bits, std::uint64_t rows) const {
    PixelGeometry g;
    g.rows = rows;
    g.width = width_;
    g.channels = channels_;
    g.bits = bits;
    return g;
  }

  ImageConfig config_;
  std::uint32_t width_ = kBytesWidth;
  int channels_ = 1;
  int bytes_ = 1;
  int nominal_bits_ = 8;  // the stream's bits per sample (8 for byte streams)
};

// ---- levels and params ----

std::uint64_t block_size_for(int) { return std::uint64_t{64} << 20; }

std::uint64_t memory_for(int level) {
  PixelGeometry g;
  g.width = 8192;
  g.channels = 4;
  // The block's samples as int32 (4x an 8-bit block) plus the model.
  return PixelModel::memory_bytes(g, image_config_for_level(level).strength) +
         4 * block_size_for(level);
}

std::vector<std::uint8_t> params_for(int level) { return serialize(image_config_for_level(level)); }

Status make_for_stream(int level, std::span<const std::uint8_t> params, const StreamShape& shape,
                       std::unique_ptr<BlockCodec>& out) {
  ImageConfig config;
  if (Status s = deserialize(params, level, config); !s) return s;
  if (shape.image && (shape.channels < 1 || shape.channels > 4 || shape.bytes_per_sample < 1 ||
                      shape.bytes_per_sample > 2 || shape.width == 0)) {
    return {ErrorCode::kUnknownModel, "image model: unsupported stream shape"};
  }
  out = std::make_unique<ImageCodec>(config, shape);
  return Status::ok();
}

Status make_bytes(int level, std::span<const std::uint8_t> params,
                  std::unique_ptr<BlockCodec>& out) {
  return make_for_stream(level, params, StreamShape{}, out);
}

}  // namespace

ImageConfig image_config_for_level(int level) {
  ImageConfig c;
  c.strength = level >= 8 ? 2 : 1;
  // The solves are most of the OLS predictor's cost: every 16th pixel at the default level
  // (coffee decodes in 0.43 s against 0.28 s without OLS and 0.49 s solving every 8th; sizes
  // +0.016% and -0.02%).
  c.ols_interval = level >= 8 ? 1 : 16;
  c.version = kImageParamsVersion;
  return c;
}

// Version 3: u8 version (3) alone, the preset of the archive's level. Version 2: u8 version,
// u8 strength (1..2), u8 OLS interval (0..64, 0 = none). Version 1: u8 version, u8 strength (no
// OLS predictor). All three still decode.
std::vector<std::uint8_t> serialize(const ImageConfig& config) {
  if (config.version >= 3) return {static_cast<std::uint8_t>(kImageParamsVersion)};
  return {2, static_cast<std::uint8_t>(config.strength),
          static_cast<std::uint8_t>(config.ols_interval)};
}

Status deserialize(std::span<const std::uint8_t> params, int level, ImageConfig& config) {
  const int version = params.empty() ? 0 : params[0];
  if (version < 1 || version > kImageParamsVersion) {
    return {ErrorCode::kUnknownModel,
            "image model parameters version " + std::to_string(version) + " is not supported"};
  }
  if (params.size() != static_cast<std::size_t>(version == 1 ? 2 : version == 2 ? 3 : 1)) {
    return {ErrorCode::kUnknownModel, "image model parameters have an unknown layout (size " +
                                          std::to_string(params.size()) + ")"};
  }
  if (version == 3) {
    if (level < 1 || level > 9) {
      return {ErrorCode::kUnknownModel,
              "image model has no preset for level " + std::to_string(level)};
    }
    config = image_config_for_level(level);
    return Status::ok();
  }
  const int ols = version >= 2 ? params[2] : 0;
  if (params[1] < 1 || params[1] > 2 || ols > kMaxImageOlsInterval) {
    return {ErrorCode::kUnknownModel, "image model parameters are out of range"};
  }
  config.strength = params[1];
  config.ols_interval = ols;
  config.version = version;
  return Status::ok();
}

const ModelFamily& image_family() {
  static const ModelFamily f{
      6, "image", 5, 9, block_size_for, memory_for, params_for, make_bytes, make_for_stream};
  return f;
}

}  // namespace lmpack::model::image
