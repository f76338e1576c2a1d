// Logistic mixing: a weighted sum of stretched predictions, squashed, with online gradient
// descent on coding cost. Each mixer has several weight sets; a context picks one per bit.
#pragma once

#include <cstdint>
#include <vector>

#include "model/cm/logistic.h"
#include "model/cm/mixer_kernels.h"

namespace lmpack::model::cm {

// Weight sets for one mixer: [sets][padded inputs].
class MixerWeights {
 public:
  MixerWeights(int inputs, int sets, int initial_weight)
      : n_(padded_inputs(inputs)), weights_(static_cast<std::size_t>(n_) * sets, 0) {
    for (std::size_t s = 0; s < static_cast<std::size_t>(sets); ++s) {
      for (int i = 0; i < inputs; ++i) weights_[s * n_ + i] = initial_weight;
    }
  }
  // Inputs are padded to a multiple of 8 lanes; the padding must stay 0.
  static int padded_inputs(int inputs) { return (inputs + 7) & ~7; }
  int n() const { return n_; }
  std::int32_t* set(int s) { return &weights_[static_cast<std::size_t>(s) * n_]; }

 private:
  int n_;
  std::vector<std::int32_t> weights_;
};

inline int clamp_stretch(int st) { return st > 2047 ? 2047 : (st < -2047 ? -2047 : st); }

// One mixer over its own inputs.
class Mixer {
 public:
  Mixer(int inputs, int sets, int learning_rate, int shift, int initial_weight)
      : weights_(inputs, sets, initial_weight), lr_(learning_rate), shift_(shift) {}

  static int padded_inputs(int inputs) { return MixerWeights::padded_inputs(inputs); }

  // x: padded_inputs() stretched inputs, kept until update(). Returns the stretched output.
  int mix(const std::int32_t* x, int set) {
    x_ = x;
    w_ = weights_.set(set);
    const int st = clamp_stretch(mixer_dot(x, w_, weights_.n()) >> 8);
    pr_ = squash(st);
    return st;
  }

  void update(int bit) { mixer_train(x_, w_, weights_.n(), ((bit << 12) - pr_) * lr_, shift_); }

 private:
  MixerWeights weights_;
  int lr_;
  int shift_;
  const std::int32_t* x_ = nullptr;
  std::int32_t* w_ = nullptr;
  int pr_ = 2048;
};

// Three mixers over the same inputs, each with its own weight-set chooser, computed in one pass.
class MixerTriple {
 public:
  MixerTriple(int inputs, const int sets[3], int learning_rate, int shift, int initial_weight)
      : w0_(inputs, sets[0], initial_weight),
        w1_(inputs, sets[1], initial_weight),
        w2_(inputs, sets[2], initial_weight),
        lr_(learning_rate),
        shift_(shift) {}

  void mix(const std::int32_t* x, const int set[3], int st[3]) {
    x_ = x;
    ws_[0] = w0_.set(set[0]);
    ws_[1] = w1_.set(set[1]);
    ws_[2] = w2_.set(set[2]);
    std::int32_t dot[3];
    mixer_dot3(x, ws_[0], ws_[1], ws_[2], w0_.n(), dot);
    for (int m = 0; m < 3; ++m) {
      st[m] = clamp_stretch(dot[m] >> 8);
      pr_[m] = squash(st[m]);
    }
  }

  void update(int bit) {
    const std::int32_t err[3] = {((bit << 12) - pr_[0]) * lr_, ((bit << 12) - pr_[1]) * lr_,
                                 ((bit << 12) - pr_[2]) * lr_};
    mixer_train3(x_, ws_[0], ws_[1], ws_[2], w0_.n(), err, shift_);
  }

 private:
  MixerWeights w0_, w1_, w2_;
  int lr_;
  int shift_;
  const std::int32_t* x_ = nullptr;
  std::int32_t* ws_[3] = {nullptr, nullptr, nullptr};
  int pr_[3] = {2048, 2048, 2048};
};

}  // namespace lmpack::model::cm
