// The transformer family: ByteTransformer driving the multi-symbol range coder through the
// shared stream loop (stream_codec.h). The params are the serialized TransformerConfig, so an
// archive carries every hyper-parameter the decoder needs.
#include <memory>

#include "model/nn/families.h"
#include "model/nn/stream_codec.h"
#include "model/nn/transformer.h"

namespace lmpack::model::nn {
namespace {

TransformerConfig config_for_level(int level) {
  TransformerConfig c;
  c.seed = 0x6c6d7061636b5446ull;  // "lmpackTF"
  switch (level) {
    default:
      break;
  }
  return c;
}

class TransformerCodec final : public BlockCodec {
 public:
  explicit TransformerCodec(const TransformerConfig& config) : config_(config) {}

  void encode(std::span<const std::uint8_t> block, std::vector<std::uint8_t>& out,
              const BlockProgress& progress) override {
    if (block.empty()) return;
    auto model = std::make_unique<ByteTransformer>(config_);
    encode_streams(*model, block, out, progress);
  }

  void decode(std::span<const std::uint8_t> payload, std::span<std::uint8_t> out,
              const BlockProgress& progress) override {
    if (out.empty()) return;
    auto model = std::make_unique<ByteTransformer>(config_);
    decode_streams(*model, payload, out, progress);
  }

 private:
  TransformerConfig config_;
};

std::uint64_t block_size_for(int level) {
  (void)level;
  return std::uint64_t{64} << 20;
}

std::uint64_t memory_for(int level) { return config_for_level(level).memory_bytes(); }

std::vector<std::uint8_t> params_for(int level) { return serialize(config_for_level(level)); }

Status make_codec(int level, std::span<const std::uint8_t> params,
                  std::unique_ptr<BlockCodec>& out) {
  (void)level;  // the params carry everything the model needs
  TransformerConfig config;
  Status status = deserialize(params, config);
  if (!status) return status;
  out = std::make_unique<TransformerCodec>(config);
  return Status::ok();
}

}  // namespace

const ModelFamily& transformer_family() {
  static const ModelFamily family{3,          "transformer", 5,         9, block_size_for,
                                  memory_for, params_for,    make_codec};
  return family;
}

}  // namespace lmpack::model::nn
