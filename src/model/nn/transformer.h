// ByteTransformer: lmpack's online byte-level transformer (nncp v2/v3 style). A decoder-only,
// causal, pre-norm transformer over bytes that starts from random weights for every block and
// learns while it codes:
//
//   x = Emb[byte] + sum_k Ctx[hash_k(context)]               // [d_model]; k in ctx_mask
//   per layer:  x += Wo * Attn(Wqkv * RMSNorm(x))            // multi-head, KV memory, learned
//                                                            // relative-position biases
//               x += W2 * act(W1 * RMSNorm(x))               // act: ReLU or squared ReLU
//   p = softmax(Wout * RMSNorm(x) + bout)                    // [256]
//
// Tokens are predicted one at a time with the current weights, the keys/values of the earlier
// tokens of the current segment and a memory of the last `memory` tokens' keys/values. When a
// segment of `segment` tokens is complete the model trains on it: the activations of the
// token-by-token pass are kept and reused as the training forward pass (the weights did not
// change within the segment, and kernels().matmul over the segment is bit-identical to the
// per-token matvecs, so a batched recomputation would give the very same numbers; the tests
// check that), then a backward pass and one Adam step. The segment's keys and values as computed
// in that forward pass (with the weights before the step, as in Transformer-XL) then join the
// memory, which keeps the last `memory` tokens.
//
// With streams > 1, S independent byte streams share the weights and are stepped in lockstep:
// the per-token products become S-row matmuls and one gradient sums over all S * T tokens.
//
// The optional context embeddings (hashed contexts: the last k bytes, the current word; one shared
// table of rows that start at zero and are trained sparsely with lazy Adam at a high rate) hand
// the network the n-gram statistics a small model learns only slowly through attention.
//
// The first prediction of each stream sees a virtual previous byte 0.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "lmpack/status.h"
#include "nn/attention.h"
#include "nn/embedding.h"
#include "nn/tensor.h"

namespace lmpack::model::nn {

enum class Activation : std::uint8_t { kRelu = 0, kSquaredRelu = 1 };

// Context kinds of the context embeddings.
enum CtxKind : std::uint16_t {
  kCtxOrder2 = 1u << 0,  // bit k-2 for k = 2..8: the last k bytes (the newest being the input)
  kCtxOrder8 = 1u << 6,
  kCtxOrder12 = 1u << 7,    // the last 12 bytes
  kCtxOrder16 = 1u << 8,    // the last 16 bytes
  kCtxWord = 1u << 9,       // the current word (letters, case-folded), or the byte between words
  kCtxWordPair = 1u << 10,  // the current word and the previous one
  kCtxSparse = 1u << 11,    // the 2nd and 3rd bytes back (skipping the newest)
  kCtxSkip = 1u << 12,      // the newest byte and the 3rd and 4th back
};
inline constexpr std::uint16_t kCtxKnown = (1u << 13) - 1;
constexpr std::uint16_t ctx_order(int k) { return static_cast<std::uint16_t>(1u << (k - 2)); }

// The defaults are level 5's shape and the tuned optimiser settings (transformer_codec.cpp).
struct TransformerConfig {
  int d_model = 48;
  int layers = 2;
  int heads = 3;
  int d_ff = 96;
  int segment = 32;  // tokens per training step (T)
  int memory = 64;   // cached past tokens (M)
  int streams = 1;   // S
  Activation act = Activation::kSquaredRelu;
  std::uint16_t ctx_mask = 0;  // CtxKind bits: which hashed context embeddings the input adds
  int ctx_log2 = 18;           // context embedding rows, log2 (10..24)
  // Adam learning rates: the network's, the byte embedding's and the context embeddings' (these
  // tables learn like counters: fast). Training step k (0-based) scales all three by
  // f = max(lr_min / lr, 1 / (1 + k * lr_decay)).
  float lr = 5e-3f;
  float emb_lr = 0.04f;
  float ctx_lr = 0.35f;
  float ctx_decay = 0.02f;  // a context row's n-th step uses ctx_lr / (1 + ctx_decay * (n - 1))
  float lr_min = 1e-4f;
  float lr_decay = 0.0f;
  // beta1 = 0 (nncp's choice) learns fastest online and lets the context table skip its m.
  float beta1 = 0.0f;
  float beta2 = 0.999f;
  float eps = 1e-8f;
  float clip = 100.0f;  // per-element gradient clip (gradients are sums over a segment)
  std::uint64_t seed = 1;

  int head_dim() const { return d_model / heads; }
  std::uint64_t parameter_count() const;
  // Approximate bytes one model uses (weights, gradients, Adam moments, caches, activations).
  std::uint64_t memory_bytes() const;
};

// Layout (params version 1, little-endian, floats as IEEE-754 bit patterns):
//   u8 version, u16 d_model, u8 layers, u8 heads, u16 d_ff, u16 segment, u16 memory, u8 streams,
//   u8 activation, u16 ctx_mask, u8 ctx_log2, f32 lr, f32 emb_lr, f32 ctx_lr, f32 ctx_decay, f32
//   lr_min, f32 lr_decay, f32 beta1, f32 beta2, f32 eps, f32 clip, u64 seed.
std::vector<std::uint8_t> serialize(const TransformerConfig& config);
// Rejects unknown versions, wrong sizes and out-of-range values (kUnknownModel / kCorrupt).
Status deserialize(std::span<const std::uint8_t> bytes, TransformerConfig& config);
Status validate(const TransformerConfig& config);

class ByteTransformer {
 public:
  // The config must pass validate().
  explicit ByteTransformer(const TransformerConfig& config);

  // The stream-codec model concept (model/nn/stream_codec.h).
  int streams() const { return S_; }
  // [256] next-byte distribution of stream s; every entry > 0, sum ~1.
  const float* probs(int s) const { return probs_.row(static_cast<std::size_t>(pos_ * S_ + s)); }
  // [streams] the bytes just seen: they become the targets of the current position and the
  // inputs of the next; a completed segment is trained on first.
  void step(const std::uint8_t* bytes);

  const TransformerConfig& config() const { return c_; }

  // Lower-level surface for tests and tools (the coding loop needs none of it).
  // Sets the input byte of segment position t of stream s.
  // Inputs must be set in stream order (their history feeds the context hashes).
  void set_input(int t, int s, std::uint8_t byte);
  void set_target(int t, int s, std::uint8_t byte) { targets_[t * S_ + s] = byte; }
  // Forward pass over segment positions [t0, t1) of every stream with the current weights and
  // memory (batched when t1 - t0 > 1). Positions before t0 must have been computed already.
  void forward(int t0, int t1);
  // [256] logits / probabilities at position t of stream s after forward().
  const float* logits(int t, int s) const { return logits_.row(t * S_ + s); }
  const float* probs_at(int t, int s) const { return probs_.row(t * S_ + s); }
  // Gradient of the summed cross-entropy (nats) of positions [0, segment) of every stream into
  // grads() and context_table(), after forward(0, segment).
  void backward();
  // One Adam step with grads(); advances the learning-rate schedule.
  void adam_step();
  // The segment's keys/values join the memory.
  void push_memory();
  // All trainable parameters (padding included) and their gradients, same layout.
  std::span<float> params() { return {w_.data(), w_.size()}; }
  std::span<const float> grads() const { return {g_.data(), g_.size()}; }
  // The context embeddings (their gradients after backward() are its touched rows').
  lmpack::nn::SparseEmbedding& context_table() { return ctx_; }
  std::uint64_t train_steps() const { return steps_; }

  // Trainer and prior surface (model/nn/trainer.h, model/nn/prior.h).
  // A named weight tensor [rows, cols] of params(), row stride ld, at offset `off`.
  struct TensorView {
    std::string name;
    std::size_t off, rows, cols, ld;
  };
  // Every trainable tensor in params() order (names like "layer0.wqkv"); the padding between
  // rows is not part of any tensor and stays zero.
  std::vector<TensorView> tensors() const;
  // Gradients writable (a data-parallel trainer sums replicas' gradients into one before the
  // step), and Adam's moments and step counters (a checkpoint restores them exactly).
  std::span<float> mutable_grads() { return {g_.data(), g_.size()}; }
  std::span<float> adam_m() { return {m_.data(), m_.size()}; }
  std::span<float> adam_v() { return {v_.data(), v_.size()}; }
  struct StepState {
    std::uint64_t steps;
    float beta1_pow, beta2_pow;
  };
  StepState step_state() const { return {steps_, beta1_pow_, beta2_pow_}; }
  void set_step_state(const StepState& s) {
    steps_ = s.steps;
    beta1_pow_ = s.beta1_pow;
    beta2_pow_ = s.beta2_pow;
  }
  // After the weights were replaced (a loaded prior): recomputes the current prediction.
  void refresh() { forward(pos_, pos_ + 1); }

 private:
  // A weight matrix [rows, cols] with row stride ld, at `off` in w_ (and g_, m_, v_).
  struct Mat {
    std::size_t off = 0, rows = 0, cols = 0, ld = 0;
  };
  struct Layer {
    Mat norm1, wqkv, pos, wo, norm2, w1, w2;  // norms: [1, d] gains; pos: [heads, M + T]
    // Activations of the segment, rows r = t * S + s.
    lmpack::nn::Matrix x_in, a, qkv, o, x_mid, b, u, h;  // [R, d] / [R, 3d] / [R, d_ff]
    lmpack::nn::Buffer r1, r2;                           // [R] RMSNorm factors
    lmpack::nn::Buffer probs;                            // [R, heads, M + T] attention
  };

  Mat add_mat(std::size_t rows, std::size_t cols);
  void init_weights();
  float* W(const Mat& m) { return w_.data() + m.off; }
  const float* W(const Mat& m) const { return w_.data() + m.off; }
  float* G(const Mat& m) { return g_.data() + m.off; }
  // Y[n, m.rows] = X[n, m.cols] * W^T.
  void mat_forward(const Mat& m, const float* X, std::size_t ldx, std::size_t n, float* Y,
                   std::size_t ldy) const;
  // dW = dY^T X over all R = S * T rows (dW accumulated) and dX = dY W (dX overwritten).
  void mat_backward(const Mat& m, const lmpack::nn::Matrix& X, const lmpack::nn::Matrix& dY,
                    lmpack::nn::Matrix* dX);
  void norm_backward(const Mat& gain, const lmpack::nn::Matrix& X, const lmpack::nn::Buffer& r,
                     const lmpack::nn::Matrix& dY, lmpack::nn::Matrix& dX);

  TransformerConfig c_;
  int S_, T_, M_, d_, H_, hd_, ff_;
  std::size_t R_;    // S * T rows per segment
  std::size_t ldp_;  // M + T
  int pos_ = 0;      // current segment position (its forward is done, its target unknown)
  std::uint64_t steps_ = 0;
  float beta1_pow_ = 1.0f, beta2_pow_ = 1.0f;

  Mat emb_, normf_, wout_, bout_;
  std::vector<Layer> layers_;
  std::size_t n_params_ = 0;
  lmpack::nn::Buffer w_, g_, m_, v_;     // all parameters, flat
  std::vector<lmpack::nn::KvCache> kv_;  // [S * layers], stream-major

  std::vector<std::uint8_t> tokens_, targets_;  // [R]
  int n_ctx_ = 0;
  std::vector<std::uint32_t> ctx_rows_;  // [R, n_ctx] context embedding rows of each input
  struct History {
    std::uint64_t lo = 0, hi = 0;  // the last 16 inputs, newest in lo's low byte
    std::uint64_t word = 0, prev_word = 0;
  };
  std::vector<History> history_;  // [S]
  lmpack::nn::SparseEmbedding ctx_;
  lmpack::nn::Matrix xf_, f_, logits_, probs_;  // [R, d], [R, d], [R, 256], [R, 256]
  lmpack::nn::Buffer rf_;                       // [R]
  // Backward scratch.
  lmpack::nn::Matrix dx_, dtmp_, dqkv_, dff_, dlog_;  // [R, d], [R, d], [R, 3d], [R, d_ff], [R,256]
  lmpack::nn::Buffer scratch_, tmp_;
};

}  // namespace lmpack::model::nn
