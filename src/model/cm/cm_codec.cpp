// The cm family: the bitwise context-mixing predictor driving the binary arithmetic coder.
#include <memory>

#include "coder/binary_coder.h"
#include "model/cm/cm_config.h"
#include "model/cm/predictor.h"
#include "model/codec.h"

namespace lmpack::model::cm {
namespace {

constexpr std::size_t kProgressEvery = 1 << 16;

class CmCodec final : public BlockCodec {
 public:
  explicit CmCodec(const CmConfig& config) : config_(config) {}

  // Payload: one byte naming the variant, then the arithmetic-coded bits.
  void encode(std::span<const std::uint8_t> block, std::vector<std::uint8_t>& out,
              const BlockProgress& progress) override {
    std::vector<std::uint8_t> best;
    for (int v = 0; v < kVariants; ++v) {
      const bool wanted = v == kFull || (config_.search >> v & 1);
      const bool small_only = v == kLite || v == kLevel6;
      if (!wanted || (small_only && block.size() > kLiteSearchMaxBlock)) continue;
      const CmConfig c = variant_config(config_, v);
      if (v != kFull && c.orders == config_.orders && c.features == config_.features) continue;
      std::vector<std::uint8_t> coded{static_cast<std::uint8_t>(v)};
      // Progress counts the first pass only; the searches are extra passes over the same bytes.
      encode_with(c, block, coded, v == kFull ? progress : BlockProgress{});
      if (best.empty() || coded.size() < best.size()) best = std::move(coded);
    }
    out.insert(out.end(), best.begin(), best.end());
  }

  void decode(std::span<const std::uint8_t> payload, std::span<std::uint8_t> out,
              const BlockProgress& progress) override {
    // A missing or unknown variant byte means a corrupt payload: decode something of the right
    // length anyway and let the block checksum report it.
    const int v = payload.empty() ? 0 : payload[0];
    const CmConfig c = variant_config(config_, v < kVariants ? v : 0);
    decode_with(c, payload.empty() ? payload : payload.subspan(1), out, progress);
  }

 private:
  static void encode_with(const CmConfig& config, std::span<const std::uint8_t> block,
                          std::vector<std::uint8_t>& out, const BlockProgress& progress) {
    auto predictor = std::make_unique<Predictor>(config, block.data(), block.size());
    coder::BinaryEncoder encoder(out);
    for (std::size_t i = 0; i < block.size(); ++i) {
      const int c = block[i];
      for (int b = 7; b >= 0; --b) {
        const int bit = (c >> b) & 1;
        encoder.encode(bit, static_cast<std::uint32_t>(predictor->p()));
        predictor->update(bit);
      }
      if ((i + 1) % kProgressEvery == 0 && progress) progress(i + 1);
    }
    encoder.finish();
  }

  static void decode_with(const CmConfig& config, std::span<const std::uint8_t> payload,
                          std::span<std::uint8_t> out, const BlockProgress& progress) {
    auto predictor = std::make_unique<Predictor>(config, out.data(), out.size());
    coder::BinaryDecoder decoder(payload);
    for (std::size_t i = 0; i < out.size(); ++i) {
      int c = 0;
      for (int b = 7; b >= 1; --b) {
        const int bit = decoder.decode(static_cast<std::uint32_t>(predictor->p()));
        predictor->update(bit);
        c = (c << 1) | bit;
      }
      // The predictor reads the finished byte from history when its last bit is learned.
      const int bit = decoder.decode(static_cast<std::uint32_t>(predictor->p()));
      out[i] = static_cast<std::uint8_t>((c << 1) | bit);
      predictor->update(bit);
      if ((i + 1) % kProgressEvery == 0 && progress) progress(i + 1);
    }
  }

 private:
  CmConfig config_;
};

std::uint64_t block_size_for(int level) {
  return level <= 3 ? (std::uint64_t{8} << 20)
                    : (level <= 6 ? (std::uint64_t{16} << 20) : (std::uint64_t{32} << 20));
}

std::uint64_t memory_for(int level) { return config_for_level(level).memory_bytes(); }

std::vector<std::uint8_t> params_for(int level) { return serialize(config_for_level(level)); }

Status make_codec(int level, std::span<const std::uint8_t> params,
                  std::unique_ptr<BlockCodec>& out) {
  (void)level;  // the params carry everything the model needs
  CmConfig config;
  Status status = deserialize(params, config);
  if (!status) return status;
  out = std::make_unique<CmCodec>(config);
  return Status::ok();
}

}  // namespace

const ModelFamily& cm_family() {
  static const ModelFamily family{1,          "cm",       5,         9, block_size_for,
                                  memory_for, params_for, make_codec};
  return family;
}

}  // namespace lmpack::model::cm
