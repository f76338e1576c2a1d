// The mix family: the CM model with an online byte LSTM among its mixer's inputs, the way paq8px
// (-L) and cmix put an LSTM beside their context models. The LSTM predicts each whole byte; the
// CM model codes bits, so the LSTM's distribution is read one bit at a time (ByteToBits) and its
// stretched bit probability joins the mixers and the final mixer.
//
// Params (version 1): [1][cm params length][cm params][lstm params length][lstm params].
#include <memory>

#include "model/cm/cm_config.h"
#include "model/cm/logistic.h"
#include "model/cm/predictor.h"
#include "model/nn/byte_to_bits.h"
#include "model/nn/families.h"
#include "model/nn/lstm.h"
#include "model/nn/mix_loop.h"

namespace lmpack::model::nn {
namespace {

constexpr std::uint8_t kMixParamsVersion = 1;

struct MixConfig {
  cm::CmConfig cm;
  LstmConfig lstm;
};

class MixCodec final : public BlockCodec {
 public:
  explicit MixCodec(const MixConfig& config) : config_(config) {}

  void encode(std::span<const std::uint8_t> block, std::vector<std::uint8_t>& out,
              const BlockProgress& progress) override {
    CmWithNet model(config_.cm, std::make_unique<ByteLstm>(config_.lstm), block.data(),
                    block.size());
    mix_encode(model, block, out, progress);
  }

  void decode(std::span<const std::uint8_t> payload, std::span<std::uint8_t> out,
              const BlockProgress& progress) override {
    CmWithNet model(config_.cm, std::make_unique<ByteLstm>(config_.lstm), out.data(), out.size());
    mix_decode(model, payload, out, progress);
  }

 private:
  MixConfig config_;
};

// The LSTM beside the CM model: one stream (the CM model codes the block in order), sized so
// the pair keeps a practical speed (measured on the KJV sample, one core: level 5 with two
// layers of 48 cells ~45 KB/s; level 9 with two layers of 80 cells ~16 KB/s). The rest of the
// LSTM's hyper-parameters are its family's defaults.
LstmConfig mix_lstm_config_for_level(int level) {
  LstmConfig c;
  c.streams = 1;
  c.layers = level >= 5 ? 2 : 1;
  c.hidden = level >= 9 ? 80 : (level >= 5 ? 48 : 64);
  return c;
}

MixConfig mix_config_for_level(int level) {
  MixConfig c;
  c.cm = cm::config_for_level(level);
  c.cm.search = 0;  // one pass: a second pass would repeat the LSTM's work
  c.lstm = mix_lstm_config_for_level(level);
  return c;
}

std::vector<std::uint8_t> serialize_mix(const MixConfig& c) {
  const std::vector<std::uint8_t> cm = cm::serialize(c.cm);
  const std::vector<std::uint8_t> lstm = serialize(c.lstm);
  std::vector<std::uint8_t> out{kMixParamsVersion, static_cast<std::uint8_t>(cm.size())};
  out.insert(out.end(), cm.begin(), cm.end());
  out.push_back(static_cast<std::uint8_t>(lstm.size()));
  out.insert(out.end(), lstm.begin(), lstm.end());
  return out;
}

Status deserialize_mix(std::span<const std::uint8_t> p, MixConfig& c) {
  const Status bad{ErrorCode::kCorrupt, "mix model parameters are malformed"};
  if (p.empty()) return bad;
  if (p[0] != kMixParamsVersion) {
    return {ErrorCode::kUnknownModel,
            "mix model parameters version " + std::to_string(p[0]) + " is not supported"};
  }
  if (p.size() < 2 || p.size() < 2u + p[1] + 1u) return bad;
  const std::size_t cm_len = p[1];
  if (Status s = cm::deserialize(p.subspan(2, cm_len), c.cm); !s) return s;
  const std::size_t lstm_at = 2 + cm_len;
  const std::size_t lstm_len = p[lstm_at];
  if (p.size() != lstm_at + 1 + lstm_len) return bad;
  if (Status s = deserialize(p.subspan(lstm_at + 1, lstm_len), c.lstm); !s) return s;
  if (c.lstm.streams != 1) return bad;
  return Status::ok();
}

std::uint64_t block_size_for(int) { return std::uint64_t{64} << 20; }

std::uint64_t memory_for(int level) {
  const MixConfig c = mix_config_for_level(level);
  return c.cm.memory_bytes() + c.lstm.memory_bytes();
}

std::vector<std::uint8_t> params_for(int level) {
  return serialize_mix(mix_config_for_level(level));
}

Status make_codec(int, std::span<const std::uint8_t> params, std::unique_ptr<BlockCodec>& out) {
  MixConfig config;
  if (Status s = deserialize_mix(params, config); !s) return s;
  out = std::make_unique<MixCodec>(config);
  return Status::ok();
}

}  // namespace

const ModelFamily& mix_family() {
  static const ModelFamily family{4,          "mix",      5,         9, block_size_for,
                                  memory_for, params_for, make_codec};
  return family;
}

}  // namespace lmpack::model::nn
