// A small logistic mixer for the residual coder: N stretched inputs, 16.16 fixed-point weights,
// one weight set per context, online gradient descent on coding cost. Plain integer loops: N is
// a compile-time 4 or 8, which the compiler unrolls; the cm mixer kernels would cost a call.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "model/cm/logistic.h"

namespace lmpack::model::audio {

template <int N>
class ResidualMixer {
 public:
  // lr: learning rate, in units of 2^-14 per (stretch unit x 12-bit error).
  ResidualMixer(int sets, int init_weight, int lr)
      : w_(static_cast<std::size_t>(sets) * N, init_weight), lr_(lr) {}

  // x: N stretched inputs (|x| <= 2047), kept by the caller until update(). Returns the mixed
  // stretched value.
  int mix(const int* x, int set) {
    cur_ = &w_[static_cast<std::size_t>(set) * N];
    std::int64_t dot = 0;
    for (int i = 0; i < N; ++i) dot += static_cast<std::int64_t>(x[i]) * cur_[i];
    const int st = static_cast<int>(std::clamp<std::int64_t>(dot >> 16, -2047, 2047));
    pr_ = cm::squash(st);
    return st;
  }

  void update(const int* x, int bit) {
    const std::int64_t err = static_cast<std::int64_t>((bit << 12) - pr_) * lr_;
    for (int i = 0; i < N; ++i) {
      const std::int64_t w = cur_[i] + ((x[i] * err) >> 14);
      cur_[i] = static_cast<std::int32_t>(std::clamp<std::int64_t>(w, -kMaxWeight, kMaxWeight));
    }
  }

 private:
  static constexpr std::int64_t kMaxWeight = std::int64_t{1} << 22;  // |w| < 64
  std::vector<std::int32_t> w_;
  std::int32_t* cur_ = nullptr;
  int lr_;
  int pr_ = 2048;
};

}  // namespace lmpack::model::audio
