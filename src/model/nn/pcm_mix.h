// The prior-pcm model: a pretrained byte transformer (the universal audio prior) and linear
// prediction (audio/token_lpc.h) mixed bit by bit. On a 2048-byte chunk of audio the prior knows
// what sound looks like in general and the regression learns this sound's spectrum within a few
// hundred samples; a small logistic mixer, its weights chosen by where the bit sits in the
// sample and how sharp the prediction is, learns which to trust. Stepped by mix_loop.h.
#pragma once

#include <bit>
#include <cstdint>
#include <memory>

#include "model/audio/token_lpc.h"
#include "model/cm/apm.h"
#include "model/cm/logistic.h"
#include "model/cm/mixer.h"
#include "model/nn/byte_to_bits.h"

namespace lmpack::model::nn {

struct PcmMixConfig {
  audio::TokenLpcConfig lpc;
  int mixer_shift = 12;  // learning-rate shift of the mixer (6..16)
  int mixer_rate = 4;    // its multiplier (1..64)
  int apm_rate = 6;      // adaptation shift of the final refinement (4..10)
};

template <class Net>
class NetWithLpc {
 public:
  static constexpr int kInputs = 1 + audio::TokenLpc::kScales;
  // Weight sets: byte of the sample (up to 4) x bit of the byte x spread of the prediction.
  static constexpr int kSets = 4 * 8 * 8;

  NetWithLpc(const PcmMixConfig& c, std::unique_ptr<Net> net, const StreamShape& shape)
      : net_(std::move(net)),
        lpc_(shape, c.lpc),
        mixer_(kInputs, kSets, c.mixer_rate, c.mixer_shift, 65536 / kInputs),
        apm_(4 * 256, c.apm_rate) {
    bits_.set(net_->probs(0));
  }

  // P(bit = 1) in 16 bits.
  int p(int c0) {
    const int depth = std::bit_width(static_cast<unsigned>(c0)) - 1;  // bits of the byte known
    int pl[audio::TokenLpc::kScales];
    lpc_.p12(c0, pl);
    x_[0] = cm::stretch(bits_.p12(c0));
    for (int k = 0; k < audio::TokenLpc::kScales; ++k) x_[1 + k] = cm::stretch(pl[k]);
    const int byte = lpc_.byte_index() & 3;
    const int st = mixer_.mix(x_, (byte * 8 + depth) * 8 + lpc_.spread());
    const int p1 = cm::squash(st) * 16;
    const int p2 = apm_.refine(st, static_cast<std::size_t>(byte * 256 + c0));
    const int p = (p1 + p2) >> 1;
    return p < 1 ? 1 : (p > 65535 ? 65535 : p);
  }
  void update(int bit) {
    mixer_.update(bit);
    apm_.update(bit);
  }
  void byte_done(std::uint8_t c) {
    net_->step(&c);
    bits_.set(net_->probs(0));
    lpc_.byte_done(c);
  }

 private:
  std::unique_ptr<Net> net_;
  ByteToBits bits_;
  audio::TokenLpc lpc_;
  cm::Mixer mixer_;
  cm::Apm apm_;
  alignas(32) std::int32_t x_[8] = {};  // padded to the mixer's 8 lanes
};

}  // namespace lmpack::model::nn
