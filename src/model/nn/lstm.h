// An online byte-level LSTM (the lineage of lstm-compress, cmix's LSTM and nncp v1): layers of
// LSTM cells over the previous byte, a softmax over the next one, trained by truncated
// backpropagation through time while it codes. The decoder makes the same updates in the same
// order, so both sides see the same distributions bit for bit.
//
// Architecture (H = hidden, L = layers):
//   every layer l:   gates from [h_{l-1} (l > 0); h_l(prev)] by W_l, + b_l + E_l[previous byte]
//   output:          logits = [h_0; ...; h_{L-1}]·Wy + by (every layer feeds the softmax)
// Weights are stored input-major (a row per input, see nn/lstm_cell.h), Wy too.
// Training: the last `horizon` steps are kept; when the window is full, backward runs through it
// (h and c gradients flow back within the window, the state before it counts as a constant), the
// gradients of all S streams are summed, and one Adam step updates the weights. Rows of E are
// updated only for bytes that occurred in the window (a lazy Adam: a row's moments and weights
// move only when it has a gradient), which keeps the optimiser's cost independent of the 256 rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "lmpack/status.h"
#include "nn/lstm_cell.h"
#include "nn/tensor.h"

namespace lmpack::model::nn {

struct LstmConfig {
  int layers = 1;         // 1..8
  int hidden = 128;       // 16..1024, a multiple of 16 (whole SIMD lanes)
  int horizon = 16;       // steps per backward pass (BPTT unroll), 1..1024
  int streams = 1;        // streams stepped in lockstep sharing the weights, 1..64
  bool coupled = false;   // CIFG cells: input gate = 1 - forget gate (nn/lstm_cell.h)
  float lr = 0.01f;       // Adam learning rate at the start, (0, 1]
  float lr_end = 0.002f;  // the learning rate it decays towards, [0, lr]
  // Steps (bytes per stream) by which the rate is half way from lr to lr_end:
  // lr(n) = lr_end + (lr - lr_end) * lr_decay / (lr_decay + n). [1, 1e12]
  float lr_decay = 1e5f;
  float beta1 = 0.0f;               // [0, 1): no momentum learns fastest online (measured)
  float beta2 = 0.999f;             // [0, 1)
  float eps = 1e-6f;                // (0, 1]
  float clip = 5.0f;                // per-element gradient clip, (0, 1e6]
  float forget_bias = 1.0f;         // initial forget-gate bias, [-16, 16]
  float init_scale = 1.0f;          // weights start uniform in +-init_scale/sqrt(fan_in), [0, 16]
  std::uint64_t seed = 0x6c73746d;  // weight initialisation

  std::uint64_t memory_bytes() const;  // weights, optimiser state and the window's activations
};

inline constexpr std::uint8_t kLstmParamsVersion = 1;
inline constexpr std::uint64_t kLstmMaxMemory = std::uint64_t{1} << 30;

// Version byte, then every field little-endian (floats as their IEEE-754 bit patterns).
std::vector<std::uint8_t> serialize(const LstmConfig& config);
// Rejects a wrong size, an unknown version and any value out of range (including NaN), and
// configs needing more than kLstmMaxMemory.
Status deserialize(std::span<const std::uint8_t> bytes, LstmConfig& config);
// The range check alone.
Status validate(const LstmConfig& config);

class ByteLstm {
 public:
  // The config must pass validate().
  explicit ByteLstm(const LstmConfig& config);

  int streams() const { return B_; }
  // [256] next-byte distribution of stream s: every entry > 0, sum ~1.
  const float* probs(int s) const { return probs_.data() + (slot_ * B_ + s) * 256; }
  // [streams] the bytes just seen: learns them as targets of the current predictions, trains
  // when the window is full, then predicts the next bytes.
  void step(const std::uint8_t* bytes);

  // Test hooks. The flat parameter vector and the gradient of the last completed window (before
  // the optimiser used it); frozen models compute gradients but never change their weights;
  // restart() forgets the state and the window and predicts afresh from the current weights.
  std::span<float> parameters() { return {w_.data(), w_.size()}; }
  std::span<const float> gradients() const { return {g_.data(), g_.size()}; }
  void set_frozen(bool frozen) { frozen_ = frozen; }
  void restart();

 private:
  lmpack::nn::LstmParams layer_params(lmpack::nn::Buffer& buf, int l);
  lmpack::nn::LstmStep layer_step(int l, std::size_t k);
  void forward(std::size_t k);
  void train();
  void optimise();

  LstmConfig cfg_;
  std::size_t B_, H_, G_, L_, T_, LH_, ldt_;
  std::vector<lmpack::nn::LstmDims> dims_;
  // Offsets into the flat parameter layout (G = gates per layer, 4H or 3H coupled): per layer
  // W [ld, G] and b [G], then Wy [LH, 256] and by [256] (the dense part, one Adam call), then per
  // layer E [256, G].
  std::vector<std::size_t> off_w_, off_b_, off_e_;
  std::size_t off_wy_ = 0, off_by_ = 0, dense_n_ = 0;
  lmpack::nn::Buffer w_, g_, m_, v_;

  // The window: sample j = k*B + s is stream s at slot k.
  std::size_t slot_ = 0;                             // slot of the current prediction
  std::vector<std::uint8_t> sym_;                    // [T*B] inputs
  std::vector<std::uint8_t> tgt_;                    // [T*B] targets
  std::vector<lmpack::nn::Buffer> xh_, z_, c_, tc_;  // per layer: [T*B, ld], [T*B, G], [T*B, H] x2
  std::vector<lmpack::nn::Buffer> c0_, h0_;          // per layer [B, H]: the state before slot 0
  lmpack::nn::Buffer hcat_;                          // [T*B, LH]: every layer's h
  lmpack::nn::Buffer probs_;                         // [T*B, 256], dLoss/dlogits in backward
  // Inputs transposed for the weight gradients (column j = sample j, rows of ldt floats).
  std::vector<lmpack::nn::Buffer> xh_t_;  // per layer [ld, ldt]
  lmpack::nn::Buffer hcat_t_;             // [LH, ldt]
  // Backward.
  std::vector<lmpack::nn::Buffer> dz_;                // per layer [T*B, G]
  lmpack::nn::Buffer dhcat_;                          // [T*B, LH]
  std::vector<lmpack::nn::Buffer> dc_, dhrec_, dxh_;  // per layer [B, H], [B, H], [B, ld]
  lmpack::nn::Buffer dh_;                             // [B, H]
  bool touched_[256] = {};  // bytes whose E rows carry a gradient from the last window
  std::vector<std::uint8_t> touched_list_;

  std::uint64_t steps_ = 0;  // steps taken (bytes per stream)
  float b1t_ = 1.0f, b2t_ = 1.0f;
  bool frozen_ = false;
};

}  // namespace lmpack::model::nn
