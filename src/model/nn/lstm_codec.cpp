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

// Levels trade speed for ratio through the model's size alone; the training settings are the
// LstmConfig defaults (chosen on samples/text: Adam without momentum, lr 0.01 decaying towards
// 0.002, BPTT over 16 steps). One stream: splitting a block into streams was measured slower to
// learn and no faster for these sizes.
// Measured on kjv-genesis-ruth.txt / jargon-4.0.0.txt, bits per byte (model KB/s, one core):
//   1: 2.15 / 2.74 (300)   2: 1.86 / 2.48 (140)   3: 1.77 / 2.35 (88)
//   4: 1.74 / 2.34 (77)    5: 1.69 / 2.23 (57)    6: 1.61 / 2.16 (31)
//   7: 1.59 / 2.11 (18)    8: 1.56 / 2.09 (12)    9: 1.54 / 2.06 (6)
LstmConfig config_for_level(int level) {
  struct Preset {
    int layers, hidden;
  };
  static constexpr Preset kPresets[10] = {
      {1, 32},  // level 0 is not used
      {1, 32}, {2, 32}, {3, 32}, {2, 48}, {2, 64}, {3, 64}, {3, 80}, {3, 96}, {3, 128},
  };
  const Preset& p = kPresets[level < 1 ? 1 : (level > 9 ? 9 : level)];
  LstmConfig c;
  c.layers = p.layers;
  c.hidden = p.hidden;
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
