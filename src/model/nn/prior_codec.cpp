// The prior families: a pretrained ByteTransformer (a weights file found through prior_store.h)
// that keeps learning online while it codes, the in-context learning of "Language Modeling Is
// Compression".
//
//   prior      (id 7): the transformer alone drives the range coder (stream_codec.h).
//   prior-mix  (id 8): the CM model with the transformer among its mixer's inputs (as mix does
//                      with an online LSTM), coded bitwise (mix_loop.h).
//   prior-pcm  (id 9): the transformer and linear prediction of PCM samples, mixed bitwise
//                      (pcm_mix.h): the universal audio prior's mode for audio streams.
//
// Params (version 1, little-endian):
//   u8 version, u8 name length, name, u64 hash low, u64 hash high,   // the prior, by name + hash
//   f32 lr, f32 emb_lr, f32 lr_min, f32 lr_decay, f32 beta1, f32 beta2,   // online adaptation
//   prior-mix only: u8 cm params length, cm params.
//   prior-pcm only: u8 order, f32 lambda, f32 delta, f32 scale rate, f32 wide,
//                   u8 mixer shift, u8 mixer rate, u8 apm rate.
// The network's shape comes from the prior itself; the decoder refuses an archive whose prior
// (name and hash) it cannot find.
#include <memory>

#include "model/cm/cm_config.h"
#include "model/cm/logistic.h"
#include "model/cm/predictor.h"
#include "model/nn/byte_to_bits.h"
#include "model/nn/families.h"
#include "model/nn/mix_loop.h"
#include "model/nn/pcm_mix.h"
#include "model/nn/prior_store.h"
#include "model/nn/stream_codec.h"
#include "model/nn/trainer.h"
#include "model/params_io.h"

namespace lmpack::model::nn {
namespace {

using params_io::get;
using params_io::get_f32;
using params_io::put;
using params_io::put_f32;

constexpr std::uint8_t kPriorParamsVersion = 1;

struct Adaptation {
  float lr, emb_lr, lr_min, lr_decay, beta1, beta2;
};

// The online learning settings by level: level 1 barely moves the prior; higher levels adapt
// faster (measured on held-out text in 2048-byte chunks, see README "Priors").
Adaptation adaptation_for_level(int level) {
  const float lr = level <= 1 ? 1e-5f : (level <= 3 ? 1e-4f : (level <= 5 ? 3e-4f : 1e-3f));
  return {lr, lr, lr, 0.0f, 0.0f, 0.99f};
}

enum class Kind { kPrior, kPriorMix, kPriorPcm };

struct PriorParams {
  std::string name;
  lmpack::nn::WeightsHash hash;
  Adaptation adapt{};
  Kind kind = Kind::kPrior;
  cm::CmConfig cm;   // kPriorMix
  PcmMixConfig pcm;  // kPriorPcm
};

// prior-pcm's settings: one set for every level (the levels differ in how fast the prior adapts).
PcmMixConfig pcm_for_level(int) {
  PcmMixConfig c;
  return c;
}

bool valid_pcm(const PcmMixConfig& c) {
  const auto& l = c.lpc;
  return l.order >= 1 && l.order <= 32 && l.lambda > 0.5 && l.lambda < 1.0 && l.delta >= 0.0 &&
         l.delta <= 1.0 && l.scale_rate > 0.0 && l.scale_rate <= 1.0 && l.wide >= 1.0 &&
         l.wide <= 64.0 && c.mixer_shift >= 6 && c.mixer_shift <= 16 && c.mixer_rate >= 1 &&
         c.mixer_rate <= 64 && c.apm_rate >= 4 && c.apm_rate <= 10;
}

std::vector<std::uint8_t> serialize_prior(const PriorParams& p) {
  std::vector<std::uint8_t> out;
  put(out, kPriorParamsVersion, 1);
  put(out, p.name.size(), 1);
  out.insert(out.end(), p.name.begin(), p.name.end());
  put(out, p.hash.lo, 8);
  put(out, p.hash.hi, 8);
  for (float f : {p.adapt.lr, p.adapt.emb_lr, p.adapt.lr_min, p.adapt.lr_decay, p.adapt.beta1,
                  p.adapt.beta2}) {
    put_f32(out, f);
  }
  if (p.kind == Kind::kPriorMix) {
    const std::vector<std::uint8_t> cm = cm::serialize(p.cm);
    put(out, cm.size(), 1);
    out.insert(out.end(), cm.begin(), cm.end());
  } else if (p.kind == Kind::kPriorPcm) {
    put(out, static_cast<std::uint64_t>(p.pcm.lpc.order), 1);
    for (double d : {p.pcm.lpc.lambda, p.pcm.lpc.delta, p.pcm.lpc.scale_rate, p.pcm.lpc.wide}) {
      put_f32(out, static_cast<float>(d));
    }
    for (int v : {p.pcm.mixer_shift, p.pcm.mixer_rate, p.pcm.apm_rate}) {
      put(out, static_cast<std::uint64_t>(v), 1);
    }
  }
  return out;
}

Status deserialize_prior(std::span<const std::uint8_t> b, Kind kind, PriorParams& p) {
  const Status bad{ErrorCode::kCorrupt, "prior model parameters are malformed"};
  if (b.empty()) return bad;
  if (b[0] != kPriorParamsVersion) {
    return {ErrorCode::kUnknownModel,
            "prior model parameters version " + std::to_string(b[0]) + " is not supported"};
  }
  if (b.size() < 2 || b.size() < 2u + b[1] + 16u + 24u) return bad;
  std::size_t pos = 2;
  p.name.assign(reinterpret_cast<const char*>(b.data() + pos), b[1]);
  pos += b[1];
  if (!valid_prior_name(p.name) || p.name.find('/') != std::string::npos) return bad;
  p.hash.lo = get(b, pos, 8);
  p.hash.hi = get(b, pos, 8);
  p.adapt = {get_f32(b, pos), get_f32(b, pos), get_f32(b, pos),
             get_f32(b, pos), get_f32(b, pos), get_f32(b, pos)};
  p.kind = kind;
  if (kind == Kind::kPriorMix) {
    if (pos >= b.size()) return bad;
    const std::size_t n = b[pos++];
    if (b.size() != pos + n) return bad;
    if (Status s = cm::deserialize(b.subspan(pos, n), p.cm); !s) return s;
  } else if (kind == Kind::kPriorPcm) {
    if (b.size() != pos + 1 + 16 + 3) return bad;
    p.pcm.lpc.order = static_cast<int>(get(b, pos, 1));
    p.pcm.lpc.lambda = get_f32(b, pos);
    p.pcm.lpc.delta = get_f32(b, pos);
    p.pcm.lpc.scale_rate = get_f32(b, pos);
    p.pcm.lpc.wide = get_f32(b, pos);
    p.pcm.mixer_shift = static_cast<int>(get(b, pos, 1));
    p.pcm.mixer_rate = static_cast<int>(get(b, pos, 1));
    p.pcm.apm_rate = static_cast<int>(get(b, pos, 1));
    if (!valid_pcm(p.pcm)) return bad;
  } else if (pos != b.size()) {
    return bad;
  }
  return Status::ok();
}

// The prior's shape with the archive's adaptation settings, one stream.
Status coding_config(const LoadedPrior& prior, const Adaptation& a, TransformerConfig& c) {
  c = prior.config;
  c.streams = 1;
  c.lr = a.lr;
  c.emb_lr = a.emb_lr;
  c.lr_min = a.lr_min;
  c.lr_decay = a.lr_decay;
  c.beta1 = a.beta1;
  c.beta2 = a.beta2;
  if (Status s = validate(c); !s)
    return {ErrorCode::kCorrupt, "prior adaptation settings: " + s.message()};
  return Status::ok();
}

std::unique_ptr<ByteTransformer> make_model(const LoadedPrior& prior, const TransformerConfig& c) {
  auto m = std::make_unique<ByteTransformer>(c);
  (void)load_into(prior.weights, *m);  // checked when the prior was loaded
  return m;
}

class PriorCodec final : public BlockCodec {
 public:
  PriorCodec(std::shared_ptr<const LoadedPrior> prior, const TransformerConfig& c)
      : prior_(std::move(prior)), config_(c) {}

  void encode(std::span<const std::uint8_t> block, std::vector<std::uint8_t>& out,
              const BlockProgress& progress) override {
    if (block.empty()) return;
    auto model = make_model(*prior_, config_);
    encode_streams(*model, block, out, progress);
  }
  void decode(std::span<const std::uint8_t> payload, std::span<std::uint8_t> out,
              const BlockProgress& progress) override {
    if (out.empty()) return;
    auto model = make_model(*prior_, config_);
    decode_streams(*model, payload, out, progress);
  }

 private:
  std::shared_ptr<const LoadedPrior> prior_;
  TransformerConfig config_;
};

class PriorMixCodec final : public BlockCodec {
 public:
  PriorMixCodec(std::shared_ptr<const LoadedPrior> prior, const TransformerConfig& c,
                const cm::CmConfig& cm)
      : prior_(std::move(prior)), config_(c), cm_(cm) {}

  void encode(std::span<const std::uint8_t> block, std::vector<std::uint8_t>& out,
              const BlockProgress& progress) override {
    CmWithNet model(cm_, make_model(*prior_, config_), block.data(), block.size());
    mix_encode(model, block, out, progress);
  }
  void decode(std::span<const std::uint8_t> payload, std::span<std::uint8_t> out,
              const BlockProgress& progress) override {
    CmWithNet model(cm_, make_model(*prior_, config_), out.data(), out.size());
    mix_decode(model, payload, out, progress);
  }

 private:
  std::shared_ptr<const LoadedPrior> prior_;
  TransformerConfig config_;
  cm::CmConfig cm_;
};

class PriorPcmCodec final : public BlockCodec {
 public:
  PriorPcmCodec(std::shared_ptr<const LoadedPrior> prior, const TransformerConfig& c,
                const PcmMixConfig& pcm, const StreamShape& shape)
      : prior_(std::move(prior)), config_(c), pcm_(pcm), shape_(shape) {}

  void encode(std::span<const std::uint8_t> block, std::vector<std::uint8_t>& out,
              const BlockProgress& progress) override {
    NetWithLpc model(pcm_, make_model(*prior_, config_), shape_);
    mix_encode(model, block, out, progress);
  }
  void decode(std::span<const std::uint8_t> payload, std::span<std::uint8_t> out,
              const BlockProgress& progress) override {
    NetWithLpc model(pcm_, make_model(*prior_, config_), shape_);
    mix_decode(model, payload, out, progress);
  }

 private:
  std::shared_ptr<const LoadedPrior> prior_;
  TransformerConfig config_;
  PcmMixConfig pcm_;
  StreamShape shape_;
};

cm::CmConfig cm_for_level(int level) {
  cm::CmConfig c = cm::config_for_level(level);
  c.search = 0;  // one pass: a second would repeat the transformer's work
  return c;
}

std::uint64_t block_size_for(int) { return std::uint64_t{64} << 20; }

std::uint64_t memory_prior(int) {
  TransformerConfig c;  // the shipped text prior's shape (the real one depends on the file)
  c.d_model = 128;
  c.d_ff = 256;
  c.heads = 4;
  c.segment = 64;
  return c.memory_bytes();
}

std::uint64_t memory_prior_mix(int level) {
  return memory_prior(level) + cm_for_level(level).memory_bytes();
}

// Without a prior name the families cannot know which prior: params() is empty, and the engine
// asks params_for_arg (with --prior's value) instead.
std::vector<std::uint8_t> no_params(int) { return {}; }

const char* default_prior(Kind kind) {
  return kind == Kind::kPriorPcm ? kDefaultAudioPrior : kDefaultTextPrior;
}

Status params_for(int level, const std::string& arg, Kind kind, std::vector<std::uint8_t>& out) {
  const std::string name = !arg.empty() ? arg : default_prior(kind);
  std::shared_ptr<const LoadedPrior> prior;
  if (Status s = find_prior(name, nullptr, prior); !s) {
    return {ErrorCode::kInvalidArgument, s.message()};  // a bad --prior, whatever the cause
  }
  PriorParams p;
  // A path names the file; the archive records its base name (the decoder looks it up by that).
  const std::string stored = prior->name;
  if (!valid_prior_name(stored) || stored.size() > 64) {
    return {ErrorCode::kInvalidArgument, "prior file name '" + stored + "' is not a valid name"};
  }
  p.name = stored;
  p.hash = prior->hash;
  p.adapt = adaptation_for_level(level);
  p.kind = kind;
  if (kind == Kind::kPriorMix) p.cm = cm_for_level(level);
  if (kind == Kind::kPriorPcm) p.pcm = pcm_for_level(level);
  out = serialize_prior(p);
  return Status::ok();
}

Status params_prior(int level, const std::string& arg, std::vector<std::uint8_t>& out) {
  return params_for(level, arg, Kind::kPrior, out);
}
Status params_prior_mix(int level, const std::string& arg, std::vector<std::uint8_t>& out) {
  return params_for(level, arg, Kind::kPriorMix, out);
}
Status params_prior_pcm(int level, const std::string& arg, std::vector<std::uint8_t>& out) {
  return params_for(level, arg, Kind::kPriorPcm, out);
}

Status open(std::span<const std::uint8_t> params, Kind kind, PriorParams& p,
            std::shared_ptr<const LoadedPrior>& prior, TransformerConfig& c) {
  if (Status s = deserialize_prior(params, kind, p); !s) return s;
  if (Status s = find_prior(p.name, &p.hash, prior); !s) return s;
  return coding_config(*prior, p.adapt, c);
}

Status make_prior(int, std::span<const std::uint8_t> params, std::unique_ptr<BlockCodec>& out) {
  PriorParams p;
  std::shared_ptr<const LoadedPrior> prior;
  TransformerConfig c;
  if (Status s = open(params, Kind::kPrior, p, prior, c); !s) return s;
  out = std::make_unique<PriorCodec>(std::move(prior), c);
  return Status::ok();
}

Status make_prior_mix(int, std::span<const std::uint8_t> params, std::unique_ptr<BlockCodec>& out) {
  PriorParams p;
  std::shared_ptr<const LoadedPrior> prior;
  TransformerConfig c;
  if (Status s = open(params, Kind::kPriorMix, p, prior, c); !s) return s;
  out = std::make_unique<PriorMixCodec>(std::move(prior), c, p.cm);
  return Status::ok();
}

// Audio streams get their sample layout; anything else is read as 8-bit mono samples.
Status make_prior_pcm_for_stream(int, std::span<const std::uint8_t> params,
                                 const StreamShape& shape, std::unique_ptr<BlockCodec>& out) {
  PriorParams p;
  std::shared_ptr<const LoadedPrior> prior;
  TransformerConfig c;
  if (Status s = open(params, Kind::kPriorPcm, p, prior, c); !s) return s;
  out = std::make_unique<PriorPcmCodec>(std::move(prior), c, p.pcm, shape);
  return Status::ok();
}

Status make_prior_pcm(int level, std::span<const std::uint8_t> params,
                      std::unique_ptr<BlockCodec>& out) {
  return make_prior_pcm_for_stream(level, params, StreamShape{}, out);
}

std::uint64_t memory_prior_pcm(int level) {
  return memory_prior(level) + NetWithLpc<ByteTransformer>::kSets * 8 * 4;
}

}  // namespace

const ModelFamily& prior_family() {
  static const ModelFamily family{
      7, "prior", 5, 9, block_size_for, memory_prior, no_params, make_prior, nullptr, params_prior};
  return family;
}

const ModelFamily& prior_mix_family() {
  static const ModelFamily family{
      8,       "prior-mix",     5, 9, block_size_for, memory_prior_mix, no_params, make_prior_mix,
      nullptr, params_prior_mix};
  return family;
}

const ModelFamily& prior_pcm_family() {
  static const ModelFamily family{9,
                                  "prior-pcm",
                                  5,
                                  9,
                                  block_size_for,
                                  memory_prior_pcm,
                                  no_params,
                                  make_prior_pcm,
                                  make_prior_pcm_for_stream,
                                  params_prior_pcm};
  return family;
}

const char* default_prior_for(const ModelFamily& family) {
  return default_prior(&family == &prior_pcm_family() ? Kind::kPriorPcm : Kind::kPrior);
}

}  // namespace lmpack::model::nn
