#include "model/nn/transformer.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <string>

#include "model/params_io.h"
#include "nn/embedding.h"
#include "nn/kernels.h"
#include "nn/norm.h"
#include "nn/rng.h"

namespace lmpack::model::nn {

using lmpack::nn::Buffer;
using lmpack::nn::kernels;
using lmpack::nn::Matrix;
using lmpack::nn::pad16;
using lmpack::nn::RowsIn;
using lmpack::nn::RowsOut;

namespace {

constexpr int kVocab = 256;
using params_io::get;
using params_io::get_f32;
using params_io::put;
using params_io::put_f32;

constexpr std::uint8_t kParamsVersion = 1;
constexpr std::size_t kParamsSize = 1 + 2 + 1 + 1 + 2 + 2 + 2 + 1 + 1 + 3 + 10 * 4 + 8;
constexpr std::uint64_t kMaxMemoryBytes = std::uint64_t{2} << 30;

// NaN fails every comparison, so `in(x, lo, hi)` also rejects it; infinities fail the bounds.
bool in(float x, float lo, float hi) { return x >= lo && x <= hi; }

std::uint64_t c_ctx_bytes(const TransformerConfig& c) {
  if (c.ctx_mask == 0) return 0;
  const std::uint64_t rows = std::uint64_t{1} << c.ctx_log2;
  const std::uint64_t arrays = c.beta1 != 0.0f ? 3 : 2;  // w, v (and m)
  return rows * (arrays * 4 * pad16(static_cast<std::size_t>(c.d_model)) + 4 * 4);
}

// splitmix64's finaliser: every input bit reaches every output bit.
std::uint64_t mix(std::uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

// Row of context kind `kind` (bit index) with key (a, b), in a table of 2^log2 rows.
std::uint32_t context_row(int kind, std::uint64_t a, std::uint64_t b, int log2) {
  std::uint64_t h = mix(a + static_cast<std::uint64_t>(kind + 1) * 0x9e3779b97f4a7c15ull);
  h = mix(h ^ b);
  return static_cast<std::uint32_t>(h >> (64 - log2));
}

bool is_letter(std::uint8_t c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

}  // namespace

std::uint64_t TransformerConfig::parameter_count() const {
  const std::uint64_t d = static_cast<std::uint64_t>(d_model);
  const std::uint64_t ff = static_cast<std::uint64_t>(d_ff);
  const std::uint64_t pos = static_cast<std::uint64_t>(heads) * (memory + segment);
  const std::uint64_t per_layer = 2 * d + 3 * d * d + pos + d * d + ff * d + d * ff;
  return kVocab * d + static_cast<std::uint64_t>(layers) * per_layer + d + kVocab * d + kVocab;
}

std::uint64_t TransformerConfig::memory_bytes() const {
  const std::uint64_t d = static_cast<std::uint64_t>(d_model);
  const std::uint64_t ff = static_cast<std::uint64_t>(d_ff);
  const std::uint64_t L = static_cast<std::uint64_t>(layers);
  const std::uint64_t S = static_cast<std::uint64_t>(streams);
  const std::uint64_t T = static_cast<std::uint64_t>(segment);
  const std::uint64_t MT = static_cast<std::uint64_t>(memory) + T;
  const std::uint64_t R = S * T;
  const std::uint64_t params = 4 * parameter_count();  // weights, gradients, Adam m and v
  const std::uint64_t kv = S * L * 2 * MT * d;
  const std::uint64_t acts = R * (L * (8 * d + 2 * ff + static_cast<std::uint64_t>(heads) * MT) +
                                  6 * d + 3 * kVocab + 3 * d + ff);
  const std::uint64_t big = ff > 3 * d ? ff : 3 * d;
  const std::uint64_t ctx = c_ctx_bytes(*this);
  const std::uint64_t scratch = 2 * (big > kVocab ? big : kVocab) * (R + 16) + big * (big + 16);
  return 4 * (params + kv + acts + scratch) + ctx;
}

Status validate(const TransformerConfig& c) {
  const bool shape_ok = c.d_model >= 8 && c.d_model <= 1024 && c.heads >= 1 && c.heads <= 32 &&
                        c.d_model % c.heads == 0 && c.layers >= 1 && c.layers <= 16 &&
                        c.d_ff >= 8 && c.d_ff <= 4096 && c.segment >= 1 && c.segment <= 1024 &&
                        c.memory >= 0 && c.memory <= 8192 && c.streams >= 1 && c.streams <= 64 &&
                        (c.act == Activation::kRelu || c.act == Activation::kSquaredRelu) &&
                        (c.ctx_mask & ~kCtxKnown) == 0 && c.ctx_log2 >= 10 && c.ctx_log2 <= 24;
  const bool opt_ok = in(c.lr, 1e-7f, 1.0f) && in(c.emb_lr, 0.0f, 10.0f) &&
                      in(c.ctx_lr, 0.0f, 10.0f) && in(c.ctx_decay, 0.0f, 1.0f) &&
                      in(c.lr_min, 0.0f, c.lr) && in(c.lr_decay, 0.0f, 1.0f) &&
                      in(c.beta1, 0.0f, 0.9999f) && in(c.beta2, 0.0f, 0.999999f) &&
                      in(c.eps, 1e-12f, 1.0f) && in(c.clip, 1e-6f, 1e6f);
  if (!shape_ok || !opt_ok)
    return {ErrorCode::kCorrupt, "transformer model parameters out of range"};
  if (c.memory_bytes() > kMaxMemoryBytes) {
    return {ErrorCode::kCorrupt, "transformer model parameters need too much memory"};
  }
  return Status::ok();
}

std::vector<std::uint8_t> serialize(const TransformerConfig& c) {
  std::vector<std::uint8_t> out;
  put(out, kParamsVersion, 1);
  put(out, static_cast<std::uint64_t>(c.d_model), 2);
  put(out, static_cast<std::uint64_t>(c.layers), 1);
  put(out, static_cast<std::uint64_t>(c.heads), 1);
  put(out, static_cast<std::uint64_t>(c.d_ff), 2);
  put(out, static_cast<std::uint64_t>(c.segment), 2);
  put(out, static_cast<std::uint64_t>(c.memory), 2);
  put(out, static_cast<std::uint64_t>(c.streams), 1);
  put(out, static_cast<std::uint64_t>(c.act), 1);
  put(out, c.ctx_mask, 2);
  put(out, static_cast<std::uint64_t>(c.ctx_log2), 1);
  put_f32(out, c.lr);
  put_f32(out, c.emb_lr);
  put_f32(out, c.ctx_lr);
  put_f32(out, c.ctx_decay);
  put_f32(out, c.lr_min);
  put_f32(out, c.lr_decay);
  put_f32(out, c.beta1);
  put_f32(out, c.beta2);
  put_f32(out, c.eps);
  put_f32(out, c.clip);
  put(out, c.seed, 8);
  return out;
}

Status deserialize(std::span<const std::uint8_t> bytes, TransformerConfig& out) {
  if (bytes.empty()) return {ErrorCode::kUnknownModel, "transformer model parameters are empty"};
  if (bytes[0] != kParamsVersion) {
    return {ErrorCode::kUnknownModel, "transformer model parameters version " +
                                          std::to_string(bytes[0]) + " is not supported"};
  }
  if (bytes.size() != kParamsSize) {
    return {ErrorCode::kUnknownModel, "transformer model parameters have an unknown layout (size " +
                                          std::to_string(bytes.size()) + ")"};
  }
  std::size_t pos = 1;
  TransformerConfig c;
  c.d_model = static_cast<int>(get(bytes, pos, 2));
  c.layers = static_cast<int>(get(bytes, pos, 1));
  c.heads = static_cast<int>(get(bytes, pos, 1));
  c.d_ff = static_cast<int>(get(bytes, pos, 2));
  c.segment = static_cast<int>(get(bytes, pos, 2));
  c.memory = static_cast<int>(get(bytes, pos, 2));
  c.streams = static_cast<int>(get(bytes, pos, 1));
  c.act = static_cast<Activation>(get(bytes, pos, 1));
  c.ctx_mask = static_cast<std::uint16_t>(get(bytes, pos, 2));
  c.ctx_log2 = static_cast<int>(get(bytes, pos, 1));
  c.lr = get_f32(bytes, pos);
  c.emb_lr = get_f32(bytes, pos);
  c.ctx_lr = get_f32(bytes, pos);
  c.ctx_decay = get_f32(bytes, pos);
  c.lr_min = get_f32(bytes, pos);
  c.lr_decay = get_f32(bytes, pos);
  c.beta1 = get_f32(bytes, pos);
  c.beta2 = get_f32(bytes, pos);
  c.eps = get_f32(bytes, pos);
  c.clip = get_f32(bytes, pos);
  c.seed = get(bytes, pos, 8);
  Status status = validate(c);
  if (!status) return status;
  out = c;
  return Status::ok();
}

ByteTransformer::Mat ByteTransformer::add_mat(std::size_t rows, std::size_t cols) {
  Mat m;
  m.off = n_params_;  // a multiple of 16: every matrix starts on a 64-byte boundary
  m.rows = rows;
  m.cols = cols;
  m.ld = pad16(cols);
  n_params_ += rows * m.ld;
  return m;
}

ByteTransformer::ByteTransformer(const TransformerConfig& config)
    : c_(config),
      S_(config.streams),
      T_(config.segment),
      M_(config.memory),
      d_(config.d_model),
      H_(config.heads),
      hd_(config.d_model / config.heads),
      ff_(config.d_ff),
      R_(static_cast<std::size_t>(config.streams) * static_cast<std::size_t>(config.segment)),
      ldp_(static_cast<std::size_t>(config.memory) + static_cast<std::size_t>(config.segment)) {
  const std::size_t d = static_cast<std::size_t>(d_), ff = static_cast<std::size_t>(ff_);
  emb_ = add_mat(kVocab, d);
  layers_.resize(static_cast<std::size_t>(c_.layers));
  for (Layer& L : layers_) {
    L.norm1 = add_mat(1, d);
    L.wqkv = add_mat(3 * d, d);
    L.pos = add_mat(static_cast<std::size_t>(H_), ldp_);
    L.wo = add_mat(d, d);
    L.norm2 = add_mat(1, d);
    L.w1 = add_mat(ff, d);
    L.w2 = add_mat(d, ff);
  }
  normf_ = add_mat(1, d);
  wout_ = add_mat(kVocab, d);
  bout_ = add_mat(1, kVocab);
  const std::size_t n = n_params_;
  w_.resize(n);
  g_.resize(n);
  m_.resize(n);
  v_.resize(n);
  init_weights();

  const std::size_t R = R_;
  for (Layer& L : layers_) {
    L.x_in = Matrix(R, d);
    L.a = Matrix(R, d);
    L.qkv = Matrix(R, 3 * d);
    L.o = Matrix(R, d);
    L.x_mid = Matrix(R, d);
    L.b = Matrix(R, d);
    L.u = Matrix(R, ff);
    L.h = Matrix(R, ff);
    L.r1.resize(R);
    L.r2.resize(R);
    L.probs.resize(R * static_cast<std::size_t>(H_) * ldp_);
  }
  xf_ = Matrix(R, d);
  f_ = Matrix(R, d);
  logits_ = Matrix(R, kVocab);
  probs_ = Matrix(R, kVocab);
  rf_.resize(R);
  dx_ = Matrix(R, d);
  dtmp_ = Matrix(R, d);
  dqkv_ = Matrix(R, 3 * d);
  dff_ = Matrix(R, ff);
  dlog_ = Matrix(R, kVocab);
  scratch_.resize(2 * ldp_);
  tmp_.resize(std::max(d, ff));

  kv_.reserve(static_cast<std::size_t>(S_) * layers_.size());
  for (int s = 0; s < S_; ++s) {
    for (std::size_t l = 0; l < layers_.size(); ++l) kv_.emplace_back(H_, hd_, M_, T_);
  }

  tokens_.assign(R, 0);
  targets_.assign(R, 0);
  n_ctx_ = std::popcount(static_cast<unsigned>(c_.ctx_mask));
  ctx_rows_.assign(R * static_cast<std::size_t>(n_ctx_), 0);
  history_.assign(static_cast<std::size_t>(S_), History{});

  if (n_ctx_ > 0) {
    ctx_.init(std::size_t{1} << c_.ctx_log2, d, R * static_cast<std::size_t>(n_ctx_),
              c_.beta1 != 0.0f);
  }
  for (int s = 0; s < S_; ++s) set_input(0, s, 0);
  forward(0, 1);
}

std::vector<ByteTransformer::TensorView> ByteTransformer::tensors() const {
  std::vector<TensorView> out;
  auto add = [&](std::string name, const Mat& m) {
    out.push_back({std::move(name), m.off, m.rows, m.cols, m.ld});
  };
  add("emb", emb_);
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const Layer& L = layers_[l];
    const std::string p = "layer" + std::to_string(l) + ".";
    add(p + "norm1", L.norm1);
    add(p + "wqkv", L.wqkv);
    add(p + "pos", L.pos);
    add(p + "wo", L.wo);
    add(p + "norm2", L.norm2);
    add(p + "w1", L.w1);
    add(p + "w2", L.w2);
  }
  add("normf", normf_);
  add("wout", wout_);
  add("bout", bout_);
  return out;
}

void ByteTransformer::init_weights() {
  lmpack::nn::Rng rng(c_.seed);
  auto fill = [&](const Mat& m, float a) {
    for (std::size_t r = 0; r < m.rows; ++r) {
      float* row = W(m) + r * m.ld;
      for (std::size_t c = 0; c < m.cols; ++c) row[c] = rng.uniform(a);
    }
  };
  auto ones = [&](const Mat& m) {
    for (std::size_t c = 0; c < m.cols; ++c) W(m)[c] = 1.0f;
  };
  // Uniform(+-a) has standard deviation a / sqrt(3): a = sqrt(3 / fan_in) keeps unit variance;
  // the residual projections are scaled down by sqrt(2 * layers) (GPT-2).
  const float in_d = std::sqrt(3.0f / static_cast<float>(d_));
  const float in_ff = std::sqrt(3.0f / static_cast<float>(ff_));
  const float resid = 1.0f / std::sqrt(2.0f * static_cast<float>(c_.layers));
  fill(emb_, std::sqrt(3.0f));
  for (Layer& L : layers_) {
    ones(L.norm1);
    fill(L.wqkv, in_d);
    lmpack::nn::alibi_bias(H_, L.pos.cols, W(L.pos), L.pos.ld);
    fill(L.wo, in_d * resid);
    ones(L.norm2);
    fill(L.w1, in_d);
    fill(L.w2, in_ff * resid);
  }
  ones(normf_);
  // wout and bout start at zero: the first predictions are uniform (8 bits a byte).
}

void ByteTransformer::set_input(int t, int s, std::uint8_t byte) {
  const std::size_t r = static_cast<std::size_t>(t) * S_ + s;
  tokens_[r] = byte;
  if (n_ctx_ == 0) return;
  History& h = history_[static_cast<std::size_t>(s)];
  h.hi = (h.hi << 8) | (h.lo >> 56);
  h.lo = (h.lo << 8) | byte;
  if (is_letter(byte)) {
    h.word = mix(h.word + (byte | 0x20u));
  } else if (h.word != 0) {
    h.prev_word = h.word;
    h.word = 0;
  }
  std::uint32_t* rows = ctx_rows_.data() + r * static_cast<std::size_t>(n_ctx_);
  const int log2 = c_.ctx_log2;
  const unsigned mask = c_.ctx_mask;
  for (int k = 2; k <= 8; ++k) {
    if (mask & ctx_order(k)) {
      const std::uint64_t key = k == 8 ? h.lo : h.lo & ((std::uint64_t{1} << (8 * k)) - 1);
      *rows++ = context_row(k - 2, key, 0, log2);
    }
  }
  if (mask & kCtxOrder12) *rows++ = context_row(7, h.lo, h.hi & 0xffffffffu, log2);
  if (mask & kCtxOrder16) *rows++ = context_row(8, h.lo, h.hi, log2);
  const std::uint64_t between = h.word == 0 ? byte : 0;  // outside words: the byte itself
  if (mask & kCtxWord) *rows++ = context_row(9, h.word, between, log2);
  if (mask & kCtxWordPair) *rows++ = context_row(10, h.word, h.prev_word + between, log2);
  if (mask & kCtxSparse) *rows++ = context_row(11, (h.lo >> 8) & 0xffff, 0, log2);
  if (mask & kCtxSkip) *rows++ = context_row(12, h.lo & 0xffff0000ffull, 0, log2);
}

void ByteTransformer::mat_forward(const Mat& m, const float* X, std::size_t ldx, std::size_t n,
                                  float* Y, std::size_t ldy) const {
  // matvec is matmul's n = 1 case by definition (same bits), with tiles made for one input.
  if (n == 1) {
    kernels().matvec(W(m), m.rows, m.cols, m.ld, X, Y);
  } else {
    kernels().matmul(W(m), m.rows, m.cols, m.ld, X, n, ldx, Y, ldy);
  }
}

void ByteTransformer::forward(int t0, int t1) {
  const auto& K = kernels();
  const std::size_t d = static_cast<std::size_t>(d_), ff = static_cast<std::size_t>(ff_);
  const std::size_t r0 = static_cast<std::size_t>(t0) * S_;
  const std::size_t r1 = static_cast<std::size_t>(t1) * S_;
  const std::size_t n = r1 - r0;
  Layer& first = layers_[0];
  for (std::size_t r = r0; r < r1; ++r) {
    float* x = first.x_in.row(r);
    lmpack::nn::embedding_forward(W(emb_), emb_.ld, tokens_[r], x, d);
    for (int j = 0; j < n_ctx_; ++j) {
      const float* c = ctx_.row(ctx_rows_[r * n_ctx_ + j]);
      for (std::size_t i = 0; i < d; ++i) x[i] = x[i] + c[i];
    }
  }
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    Layer& L = layers_[l];
    Matrix& out = l + 1 < layers_.size() ? layers_[l + 1].x_in : xf_;
    for (std::size_t r = r0; r < r1; ++r) {
      L.r1[r] = lmpack::nn::rmsnorm_forward(L.x_in.row(r), W(L.norm1), L.a.row(r), d);
    }
    mat_forward(L.wqkv, L.a.row(r0), L.a.ld, n, L.qkv.row(r0), L.qkv.ld);
    for (int t = t0; t < t1; ++t) {
      for (int s = 0; s < S_; ++s) {
        const std::size_t r = static_cast<std::size_t>(t) * S_ + s;
        const float* qkv = L.qkv.row(r);
        float* p = L.probs.data() + r * static_cast<std::size_t>(H_) * ldp_;
        lmpack::nn::attention_forward(kv_[s * layers_.size() + l], W(L.pos), L.pos.ld, t, qkv,
                                      qkv + d, qkv + 2 * d, p, ldp_, L.o.row(r));
      }
    }
    mat_forward(L.wo, L.o.row(r0), L.o.ld, n, L.x_mid.row(r0), L.x_mid.ld);
    for (std::size_t r = r0; r < r1; ++r) {
      const float* x = L.x_in.row(r);
      float* y = L.x_mid.row(r);
      for (std::size_t i = 0; i < d; ++i) y[i] = x[i] + y[i];
      L.r2[r] = lmpack::nn::rmsnorm_forward(y, W(L.norm2), L.b.row(r), d);
    }
    mat_forward(L.w1, L.b.row(r0), L.b.ld, n, L.u.row(r0), L.u.ld);
    for (std::size_t r = r0; r < r1; ++r) {
      const float* u = L.u.row(r);
      float* h = L.h.row(r);
      if (c_.act == Activation::kRelu) {
        for (std::size_t i = 0; i < ff; ++i) h[i] = u[i] > 0.0f ? u[i] : 0.0f;
      } else {
        for (std::size_t i = 0; i < ff; ++i) h[i] = u[i] > 0.0f ? u[i] * u[i] : 0.0f;
      }
    }
    mat_forward(L.w2, L.h.row(r0), L.h.ld, n, out.row(r0), out.ld);
    for (std::size_t r = r0; r < r1; ++r) {
      const float* x = L.x_mid.row(r);
      float* y = out.row(r);
      for (std::size_t i = 0; i < d; ++i) y[i] = x[i] + y[i];
    }
  }
  for (std::size_t r = r0; r < r1; ++r) {
    rf_[r] = lmpack::nn::rmsnorm_forward(xf_.row(r), W(normf_), f_.row(r), d);
  }
  mat_forward(wout_, f_.row(r0), f_.ld, n, logits_.row(r0), logits_.ld);
  const float* bias = W(bout_);
  for (std::size_t r = r0; r < r1; ++r) {
    float* z = logits_.row(r);
    for (int i = 0; i < kVocab; ++i) z[i] = z[i] + bias[i];
    K.softmax(z, probs_.row(r), kVocab);
  }
}

void ByteTransformer::mat_backward(const Mat& m, const Matrix& X, const Matrix& dY, Matrix* dX) {
  const auto& K = kernels();
  // Row by row, r ascending: dW += dY[r] (x) X[r] (rank-1 updates) and dX[r] = W^T dY[r]. Both
  // kernels stream the weights with whole-register work and no transposes; R is too small (one
  // segment) for the fold of a dot over the rows to pay off.
  float* dW = G(m);
  for (std::size_t r = 0; r < R_; ++r) K.outer_acc(dY.row(r), m.rows, X.row(r), m.cols, dW, m.ld);
  if (!dX) return;
  dX->buf.zero();
  for (std::size_t r = 0; r < R_; ++r) {
    K.matvec_t_acc(W(m), m.rows, m.cols, m.ld, dY.row(r), dX->row(r));
  }
}

void ByteTransformer::norm_backward(const Mat& gain, const Matrix& X, const Buffer& r,
                                    const Matrix& dY, Matrix& dX) {
  for (std::size_t i = 0; i < R_; ++i) {
    lmpack::nn::rmsnorm_backward(X.row(i), W(gain), r[i], dY.row(i), dX.row(i), G(gain),
                                 tmp_.data(), static_cast<std::size_t>(d_));
  }
}

void ByteTransformer::backward() {
  const auto& K = kernels();
  const std::size_t d = static_cast<std::size_t>(d_), ff = static_cast<std::size_t>(ff_);
  const std::size_t R = R_;
  g_.zero();
  if (n_ctx_ > 0) ctx_.clear_gradients();
  // Cross-entropy: dz = p - onehot(target).
  for (std::size_t r = 0; r < R; ++r) {
    const float* p = probs_.row(r);
    float* g = dlog_.row(r);
    std::memcpy(g, p, kVocab * sizeof(float));
    g[targets_[r]] = g[targets_[r]] - 1.0f;
  }
  mat_backward(wout_, f_, dlog_, &dtmp_);
  float* gb = G(bout_);
  for (std::size_t r = 0; r < R; ++r) K.axpy(1.0f, dlog_.row(r), gb, kVocab);
  dx_.buf.zero();
  norm_backward(normf_, xf_, rf_, dtmp_, dx_);
  for (std::size_t l = layers_.size(); l-- > 0;) {
    Layer& L = layers_[l];
    // x_out = x_mid + W2 act(u): dx_ carries d x_out, and on into d x_mid.
    mat_backward(L.w2, L.h, dx_, &dff_);
    for (std::size_t r = 0; r < R; ++r) {
      const float* u = L.u.row(r);
      float* g = dff_.row(r);
      if (c_.act == Activation::kRelu) {
        for (std::size_t i = 0; i < ff; ++i) g[i] = u[i] > 0.0f ? g[i] : 0.0f;
      } else {
        for (std::size_t i = 0; i < ff; ++i) g[i] = u[i] > 0.0f ? g[i] * (2.0f * u[i]) : 0.0f;
      }
    }
    mat_backward(L.w1, L.b, dff_, &dtmp_);
    norm_backward(L.norm2, L.x_mid, L.r2, dtmp_, dx_);
    // x_mid = x_in + Wo o.
    mat_backward(L.wo, L.o, dx_, &dtmp_);
    dqkv_.buf.zero();
    const std::size_t ldp_row = static_cast<std::size_t>(S_) * H_ * ldp_;
    for (int s = 0; s < S_; ++s) {
      const std::size_t S = static_cast<std::size_t>(S_);
      float* dq = dqkv_.row(s);
      lmpack::nn::attention_backward(
          kv_[s * layers_.size() + l], T_, RowsIn{L.qkv.row(s), S * L.qkv.ld},
          RowsIn{L.probs.data() + static_cast<std::size_t>(s) * H_ * ldp_, ldp_row}, ldp_,
          RowsIn{dtmp_.row(s), S * dtmp_.ld}, RowsOut{dq, S * dqkv_.ld},
          RowsOut{dq + d, S * dqkv_.ld}, RowsOut{dq + 2 * d, S * dqkv_.ld}, G(L.pos), L.pos.ld,
          scratch_.data());
    }
    mat_backward(L.wqkv, L.a, dqkv_, &dtmp_);
    norm_backward(L.norm1, L.x_in, L.r1, dtmp_, dx_);
  }
  float* gemb = G(emb_);
  for (std::size_t r = 0; r < R; ++r) {
    lmpack::nn::embedding_backward(gemb, emb_.ld, tokens_[r], dx_.row(r), d);
    for (int j = 0; j < n_ctx_; ++j) ctx_.accumulate(ctx_rows_[r * n_ctx_ + j], dx_.row(r));
  }
}

void ByteTransformer::adam_step() {
  const float k = static_cast<float>(steps_);
  ++steps_;
  beta1_pow_ = beta1_pow_ * c_.beta1;
  beta2_pow_ = beta2_pow_ * c_.beta2;
  // One schedule factor for all three learning rates, floored where the network's reaches lr_min.
  float f = 1.0f / (1.0f + k * c_.lr_decay);
  const float floor = c_.lr_min / c_.lr;
  f = f < floor ? floor : f;
  const float correction = std::sqrt(1.0f - beta2_pow_) / (1.0f - beta1_pow_);
  const auto& K = kernels();
  // The byte embedding leads the flat parameter buffer and learns at its own rate.
  const std::size_t ne = emb_.rows * emb_.ld;
  const lmpack::nn::AdamStep emb{c_.emb_lr * f * correction, c_.beta1, c_.beta2, c_.eps, c_.clip};
  K.adam(w_.data(), m_.data(), v_.data(), g_.data(), ne, emb);
  const lmpack::nn::AdamStep net{c_.lr * f * correction, c_.beta1, c_.beta2, c_.eps, c_.clip};
  K.adam(w_.data() + ne, m_.data() + ne, v_.data() + ne, g_.data() + ne, w_.size() - ne, net);
  if (n_ctx_ > 0) ctx_.adam_step(c_.ctx_lr * f, c_.ctx_decay, c_.beta1, c_.beta2, c_.eps, c_.clip);
}

void ByteTransformer::push_memory() {
  for (lmpack::nn::KvCache& kv : kv_) kv.push_segment(T_);
}

void ByteTransformer::step(const std::uint8_t* bytes) {
  for (int s = 0; s < S_; ++s) targets_[static_cast<std::size_t>(pos_) * S_ + s] = bytes[s];
  if (++pos_ == T_) {
    backward();
    adam_step();
    push_memory();
    pos_ = 0;
  }
  for (int s = 0; s < S_; ++s) set_input(pos_, s, bytes[s]);
  forward(pos_, pos_ + 1);
}

}  // namespace lmpack::model::nn
