// Logistic mixing: a weighted sum of stretched predictions, squashed, with online gradient
// descent on coding cost. Several weight sets; a context picks one per bit.
#pragma once

#include <cstdint>
#include <vector>

#include "model/cm/logistic.h"
#include "model/cm/mixer_kernels.h"

namespace lmpack::model::cm {

class Mixer {
 public:
  // Inputs are padded to a multiple of 8 lanes (padded_inputs()); the padding must stay 0.
  Mixer(int inputs, int sets, int learning_rate, int shift, int initial_weight)
      : n_(padded_inputs(inputs)),
        weights_(static_cast<std::size_t>(n_) * sets, 0),
        lr_(learning_rate),
        shift_(shift) {
    for (std::size_t s = 0; s < static_cast<std::size_t>(sets); ++s) {
      for (int i = 0; i < inputs; ++i) weights_[s * n_ + i] = initial_weight;
    }
  }

  static int padded_inputs(int inputs) { return (inputs + 7) & ~7; }

  // x: padded_inputs() stretched inputs, kept until update(). Returns the stretched output
  // (clamped to +-2047) using weight set `set`.
  int mix(const std::int32_t* x, int set) {
    x_ = x;
    w_ = &weights_[static_cast<std::size_t>(set) * n_];
    int st = mixer_dot(x, w_, n_) >> 8;
    if (st > 2047) st = 2047;
    if (st < -2047) st = -2047;
    pr_ = squash(st);
    return st;
  }

  int p12() const { return pr_; }

  void update(int bit) { mixer_train(x_, w_, n_, ((bit << 12) - pr_) * lr_, shift_); }

 private:
  int n_;
  const std::int32_t* x_ = nullptr;
  std::vector<std::int32_t> weights_;  // [sets][n_]
  int lr_;
  int shift_;
  std::int32_t* w_ = nullptr;
  int pr_ = 2048;
};

}  // namespace lmpack::model::cm
