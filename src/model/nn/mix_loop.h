// The bitwise coding loop of the CM families that take a neural model among their mixer's inputs
// (mix: an online LSTM; prior-mix: a pretrained transformer that keeps learning), and the model
// they step. The loop's model type only needs p(c0) (12-bit P(bit = 1)), update(bit) and
// byte_done(byte).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "coder/binary_coder.h"
#include "model/cm/cm_config.h"
#include "model/cm/logistic.h"
#include "model/cm/predictor.h"
#include "model/codec.h"
#include "model/nn/byte_to_bits.h"

namespace lmpack::model::nn {

inline constexpr std::size_t kMixProgressEvery = 1 << 14;

// The CM predictor and a byte network for one block, stepped together. The network predicts each
// whole byte (`probs(0)`: its 256 probabilities; `step(&byte)` learns it and moves on); the CM
// model codes bits, so the network's distribution is read one bit at a time and its bit
// probability joins the CM mixers as two external inputs, stretched and linear.
template <class Net>
class CmWithNet {
 public:
  static constexpr int kExternalInputs = 2;

  CmWithNet(const cm::CmConfig& cm, std::unique_ptr<Net> net, const std::uint8_t* hist,
            std::uint64_t size)
      : cm_(std::make_unique<cm::Predictor>(cm, hist, size, kExternalInputs)),
        net_(std::move(net)) {
    bits_.set(net_->probs(0));
  }
  int p(int c0) {
    const int p12 = bits_.p12(c0);
    std::int32_t* ext = cm_->external();
    ext[0] = cm::stretch(p12);
    ext[1] = (p12 - 2048) >> 1;
    return cm_->p();
  }
  void update(int bit) { cm_->update(bit); }
  void byte_done(std::uint8_t c) {
    net_->step(&c);
    bits_.set(net_->probs(0));
  }

 private:
  std::unique_ptr<cm::Predictor> cm_;
  std::unique_ptr<Net> net_;
  ByteToBits bits_;
};

template <class Model>
void mix_encode(Model& model, std::span<const std::uint8_t> block, std::vector<std::uint8_t>& out,
                const BlockProgress& progress) {
  coder::BinaryEncoder encoder(out);
  for (std::size_t i = 0; i < block.size(); ++i) {
    const int c = block[i];
    int c0 = 1;
    for (int b = 7; b >= 0; --b) {
      const int bit = (c >> b) & 1;
      encoder.encode(bit, static_cast<std::uint32_t>(model.p(c0)));
      model.update(bit);
      c0 = (c0 << 1) | bit;
    }
    if (i + 1 < block.size()) model.byte_done(static_cast<std::uint8_t>(c));
    if ((i + 1) % kMixProgressEvery == 0 && progress) progress(i + 1);
  }
  encoder.finish();
}

template <class Model>
void mix_decode(Model& model, std::span<const std::uint8_t> payload, std::span<std::uint8_t> out,
                const BlockProgress& progress) {
  coder::BinaryDecoder decoder(payload);
  for (std::size_t i = 0; i < out.size(); ++i) {
    int c0 = 1;
    for (int b = 7; b >= 1; --b) {
      const int bit = decoder.decode(static_cast<std::uint32_t>(model.p(c0)));
      model.update(bit);
      c0 = (c0 << 1) | bit;
    }
    // The CM model reads the finished byte from history when its last bit is learned.
    const int bit = decoder.decode(static_cast<std::uint32_t>(model.p(c0)));
    out[i] = static_cast<std::uint8_t>((c0 << 1) | bit);
    model.update(bit);
    if (i + 1 < out.size()) model.byte_done(out[i]);
    if ((i + 1) % kMixProgressEvery == 0 && progress) progress(i + 1);
  }
}

}  // namespace lmpack::model::nn
