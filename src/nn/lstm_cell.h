// One LSTM layer step for a batch of B streams, forward and backward, built only on the kernels
// (nn/kernels.h) and element-wise float operations, so every build computes the same bits.
//
// Step of one stream (H = hidden size, ld = dense inputs):
//   z = b + E[sym] + sum_c xh[c]*W[c]         gate pre-activations, i, f, o, g (H each)
//   i, f, o = sigmoid(z_i, z_f, z_o)           g = tanh(z_g)
//   c = f*c_prev + i*g                         h = o*tanh(c)
// The coupled variant (CIFG, as in lstm-compress and cmix) has no input gate: i = 1 - f, gates
// f, o, g (G = 3H instead of 4H), a quarter less work for about the same predictions.
// Weights are stored input-major, one row of G gate weights per input (W: [ld, G] for the dense
// input [x; h_prev], E: [nsym, G] for the one-hot symbol), so the symbol costs one row add and the
// products are matvec_t_acc (a row of G accumulated per input, no horizontal reductions: about
// twice matvec's speed on 128-wide rows) forward and matvec/matmul over G-long rows backward.
// Weight gradients are not accumulated step by step: the caller keeps the window's inputs and gate
// gradients and gets dW for the whole window from lstm_weight_grad, which reads and writes dW
// once per window instead of once per step.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lmpack::nn {

struct LstmDims {
  std::size_t nx = 0;                             // dense input size (0: none)
  std::size_t hidden = 0;                         // H
  std::size_t nsym = 0;                           // one-hot vocabulary (0: no symbol input)
  bool coupled = false;                           // i = 1 - f: gates f, o, g instead of i, f, o, g
  std::size_t ld() const { return nx + hidden; }  // rows of W: [x; h_prev]
  std::size_t gates() const { return (coupled ? 3 : 4) * hidden; }  // G
  std::size_t forget_offset() const { return coupled ? 0 : hidden; }
};

// One layer's weights (or their gradients: same layout), views into a model's flat buffer.
struct LstmParams {
  float* W = nullptr;  // [ld, G]: row c = input c's weights into every gate; inputs [x; h_prev]
  float* E = nullptr;  // [nsym, G]: symbol s adds row s to the pre-activations
  float* b = nullptr;  // [G]
};

// The activations of one step for B streams; row s of every array belongs to stream s.
struct LstmStep {
  const float* xh = nullptr;          // [B, ld]: the input [x; h_prev]
  const std::uint8_t* sym = nullptr;  // [B]: one-hot symbols (read when nsym > 0)
  const float* c_prev = nullptr;      // [B, H]
  float* z = nullptr;                 // [B, G]: gates after their nonlinearity
  float* c = nullptr;                 // [B, H]
  float* tc = nullptr;                // [B, H]: tanh(c)
  float* h = nullptr;                 // [B, ldh]: first H of each row
  std::size_t ldh = 0;                // row stride of h (>= H), so h can sit inside a wider row
  // Optional, for B > 1: the same inputs transposed, row c = input c of streams 0..B-1 (row
  // stride ldxt). Without it every stream reads W on its own (same result, more memory traffic).
  const float* xh_t = nullptr;
  std::size_t ldxt = 0;
};

// Fills z, c, tc and h from xh (B > 1: xh_t), sym and c_prev. B == 1 accumulates W's rows into z
// in registers (matvec_t_acc); B > 1 applies each row of W to every stream before the next
// (outer_acc), so W is read once per step, which matters once it no longer fits in L2. Both add
// the same products in the same order, so a stream's result does not depend on B.
void lstm_forward(const LstmDims& d, const LstmParams& p, std::size_t B, const LstmStep& st);

// Backward through one step whose activations are `st`.
//   dh: [B, H] dLoss/dh of this step (every use of h summed);
//   dc: [B, H] in: dLoss/dc from the next step (zeros at the window's end); out: dLoss/dc_prev;
//   dz: [B, G] out: dLoss/d(pre-activation);
//   dxh: [B, ld] out: W dz, the gradient of [x; h_prev] (one matmul for B > 1: W read once).
// Accumulates g.b += dz and g.E[sym] += dz stream by stream, in stream order; g.W is left to
// lstm_weight_grad.
void lstm_backward(const LstmDims& d, const LstmParams& p, const LstmParams& g, std::size_t B,
                   const LstmStep& st, const float* dh, float* dc, float* dz, float* dxh);

// gW[c, r] = sum over samples k < n, in ascending k, of xh_t[c, k] * dz[k, r] (overwrites gW):
// the window's xh_k ⊗ dz_k summed. xh_t: [ld, ldt] the samples' inputs transposed (sample k in
// column k); dz: [n, G] their gate gradients row by row. One matvec_t_acc per row of gW keeps that
// row in registers while the samples stream past, so gW is read and written once per window.
void lstm_weight_grad(const LstmDims& d, const float* xh_t, std::size_t ldt, const float* dz,
                      std::size_t n, float* gW);

}  // namespace lmpack::nn
