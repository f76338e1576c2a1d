// The lstm family: ByteLstm driving the multi-symbol range coder through the stream codec.
#include <memory>

#include "model/codec.h"
#include "model/nn/families.h"
#include "model/nn/lstm.h"
#include "model/nn/stream_codec.h"

namespace lmpack::model::nn {
namespace {

class LstmCodec final : public BlockCodec {
 public:
  explicit LstmCodec(const LstmConfig& config) : config_(config) {}

  void encode(std::span<const std::uint8_t> block, std::vector<std::uint8_t>& out,
              const BlockProgress& progress) override {
    ByteLstm model(config_);
    encode_streams(model, block, out, progress);
  }

  void decode(std::span<const std::uint8_t> payload, std::span<std::uint8_t> out,
              const BlockProgress& progress) override {
    ByteLstm model(config_);
    decode_streams(model, payload, out, progress);
  }

 private:
  LstmConfig config_;
};

LstmConfig config_for_level(int level) {
  LstmConfig c;
  level = level < 1 ? 1 : (level > 9 ? 9 : level);
  struct Preset {
    int layers, hidden, horizon, streams;
  };
  static constexpr Preset kPresets[10] = {
      {1, 32, 16, 1},  // unused (level 0)
      {1, 32, 16, 1},  {1, 64, 16, 1},  {1, 64, 16, 1},  {1, 96, 16, 1},  {1, 128, 16, 1},
      {1, 160, 16, 1}, {2, 128, 16, 1}, {2, 192, 16, 1}, {2, 256, 16, 1},
  };
  const Preset& p = kPresets[level];
  c.layers = p.layers;
  c.hidden = p.hidden;
  c.horizon = p.horizon;
  c.streams = p.streams;
  return c;
}

std::uint64_t block_size_for(int) { return std::uint64_t{64} << 20; }

std::uint64_t memory_for(int level) { return config_for_level(level).memory_bytes(); }

std::vector<std::uint8_t> params_for(int level) { return serialize(config_for_level(level)); }

Status make_codec(int level, std::span<const std::uint8_t> params,
                  std::unique_ptr<BlockCodec>& out) {
  (void)level;  // the params carry everything the model needs
  LstmConfig config;
  Status status = deserialize(params, config);
  if (!status) return status;
  out = std::make_unique<LstmCodec>(config);
  return Status::ok();
}

}  // namespace

const ModelFamily& lstm_family() {
  static const ModelFamily family{2,          "lstm",     5,         9, block_size_for,
                                  memory_for, params_for, make_codec};
  return family;
}

}  // namespace lmpack::model::nn
