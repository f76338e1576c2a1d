// The transformer family: ByteTransformer driving the multi-symbol range coder through the
// shared stream loop (stream_codec.h). The params are the serialized TransformerConfig, so an
// archive carries every hyper-parameter the decoder needs.
#include <memory>

#include "model/nn/families.h"
#include "model/nn/stream_codec.h"
#include "model/nn/transformer.h"

namespace lmpack::model::nn {
namespace {

// Every level codes one stream (streams split the context and cost ratio; the kernels gain
// little from S-row products at these sizes) with the tuned optimiser settings of
// TransformerConfig's defaults; levels grow the network, the attention memory and the context
// embeddings. Context kinds: orders 2-7, 12 and 16, the word and word-pair contexts and the
// sparse context (kCtxStandard) are what the sample texts liked best.
constexpr std::uint16_t kCtxStandard = ctx_order(2) | ctx_order(3) | ctx_order(4) | ctx_order(5) |
                                       ctx_order(6) | ctx_order(7) | kCtxOrder12 | kCtxOrder16 |
                                       kCtxWord | kCtxWordPair | kCtxSparse;

TransformerConfig config_for_level(int level) {
  TransformerConfig c;
  c.seed = 0x6c6d7061636b5446ull;  // "lmpackTF"
  c.ctx_mask = kCtxStandard;
  auto shape = [&](int d, int layers, int heads, int memory, int ctx_log2) {
    c.d_model = d;
    c.d_ff = 2 * d;
    c.layers = layers;
    c.heads = heads;
    c.memory = memory;
    c.ctx_log2 = ctx_log2;
  };
  switch (level) {
    case 1:
      shape(32, 1, 2, 0, 16);
      c.ctx_mask = ctx_order(2) | ctx_order(3) | ctx_order(4) | kCtxWord;
      break;
    case 2:
      shape(32, 1, 2, 32, 17);
      c.ctx_mask =
          ctx_order(2) | ctx_order(3) | ctx_order(4) | ctx_order(6) | kCtxWord | kCtxWordPair;
      break;
    case 3:
      shape(32, 2, 2, 32, 18);
      break;
    case 4:
      shape(48, 1, 3, 64, 18);
      break;
    case 5:  // the default
      shape(48, 2, 3, 64, 18);
      break;
    case 6:
      shape(64, 2, 4, 64, 19);
      break;
    case 7:
      shape(64, 2, 4, 128, 20);
      break;
    case 8:
      shape(96, 2, 6, 128, 20);
      break;
    default:  // 9, --best
      shape(128, 2, 8, 256, 20);
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
