#include "model/nn/lstm.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <string>

#include "model/params_io.h"
#include "nn/kernels.h"
#include "nn/rng.h"

namespace lmpack::model::nn {

using lmpack::nn::Buffer;
using lmpack::nn::kernels;
using lmpack::nn::KernelTable;
using lmpack::nn::LstmDims;
using lmpack::nn::LstmParams;
using lmpack::nn::LstmStep;
using lmpack::nn::pad16;

namespace {

using params_io::get;
using params_io::get_f32;
using params_io::put;
using params_io::put_f32;

constexpr std::size_t kParamsSize = 1 + 1 + 2 + 2 + 2 + 1 + 9 * 4 + 8;
constexpr std::size_t kVocab = 256;

// a <= x <= b, false for NaN.
bool within(float x, float a, float b) { return x >= a && x <= b; }

}  // namespace

std::uint64_t LstmConfig::memory_bytes() const {
  const std::uint64_t H = static_cast<std::uint64_t>(hidden),
                      L = static_cast<std::uint64_t>(layers);
  const std::uint64_t TB =
      static_cast<std::uint64_t>(horizon) * static_cast<std::uint64_t>(streams);
  const std::uint64_t ncols = pad16(TB), LH = L * H;
  std::uint64_t params = kVocab * LH + kVocab, tape = TB * (LH + kVocab + LH);
  std::uint64_t tape_t = ncols * LH;
  const std::uint64_t G = (coupled ? 3 : 4) * H;
  for (std::uint64_t l = 0; l < L; ++l) {
    const std::uint64_t ld = (l ? H : 0) + H;
    params += G * ld + G + kVocab * G;
    tape += TB * (ld + G + 2 * H + G);
    tape_t += ncols * ld;
  }
  return 4 * (4 * params + tape + tape_t);
}

std::vector<std::uint8_t> serialize(const LstmConfig& c) {
  std::vector<std::uint8_t> out;
  put(out, kLstmParamsVersion, 1);
  put(out, static_cast<std::uint64_t>(c.layers), 1);
  put(out, static_cast<std::uint64_t>(c.hidden), 2);
  put(out, static_cast<std::uint64_t>(c.horizon), 2);
  put(out, static_cast<std::uint64_t>(c.streams), 2);
  put(out, c.coupled ? 1 : 0, 1);
  for (float f :
       {c.lr, c.lr_end, c.lr_decay, c.beta1, c.beta2, c.eps, c.clip, c.forget_bias, c.init_scale}) {
    put_f32(out, f);
  }
  put(out, c.seed, 8);
  return out;
}

Status validate(const LstmConfig& c) {
  const bool sizes = c.layers >= 1 && c.layers <= 8 && c.hidden >= 16 && c.hidden <= 1024 &&
                     c.hidden % 16 == 0 && c.horizon >= 1 && c.horizon <= 1024 && c.streams >= 1 &&
                     c.streams <= 64;
  if (!sizes) return {ErrorCode::kCorrupt, "lstm model parameters: sizes out of range"};
  const bool rates = within(c.lr, 0.0f, 1.0f) && c.lr > 0.0f && within(c.lr_end, 0.0f, c.lr) &&
                     within(c.lr_decay, 1.0f, 1e12f) && within(c.beta1, 0.0f, 1.0f) &&
                     c.beta1 < 1.0f && within(c.beta2, 0.0f, 1.0f) && c.beta2 < 1.0f &&
                     within(c.eps, 0.0f, 1.0f) && c.eps > 0.0f && within(c.clip, 0.0f, 1e6f) &&
                     c.clip > 0.0f && within(c.forget_bias, -16.0f, 16.0f) &&
                     within(c.init_scale, 0.0f, 16.0f);
  if (!rates) return {ErrorCode::kCorrupt, "lstm model parameters: rates out of range"};
  if (c.memory_bytes() > kLstmMaxMemory) {
    return {ErrorCode::kCorrupt, "lstm model parameters: model too large (" +
                                     std::to_string(c.memory_bytes() >> 20) + " MiB)"};
  }
  return Status::ok();
}

Status deserialize(std::span<const std::uint8_t> bytes, LstmConfig& c) {
  if (bytes.empty()) return {ErrorCode::kUnknownModel, "lstm model parameters missing"};
  if (bytes[0] != kLstmParamsVersion) {
    return {ErrorCode::kUnknownModel,
            "lstm model parameters version " + std::to_string(bytes[0]) + " is not supported"};
  }
  if (bytes.size() != kParamsSize) {
    return {ErrorCode::kCorrupt,
            "lstm model parameters have the wrong size (" + std::to_string(bytes.size()) + ")"};
  }
  std::size_t pos = 1;
  LstmConfig r;
  r.layers = static_cast<int>(get(bytes, pos, 1));
  r.hidden = static_cast<int>(get(bytes, pos, 2));
  r.horizon = static_cast<int>(get(bytes, pos, 2));
  r.streams = static_cast<int>(get(bytes, pos, 2));
  const auto coupled = get(bytes, pos, 1);
  if (coupled > 1) return {ErrorCode::kCorrupt, "lstm model parameters: bad cell kind"};
  r.coupled = coupled == 1;
  for (float* f : {&r.lr, &r.lr_end, &r.lr_decay, &r.beta1, &r.beta2, &r.eps, &r.clip,
                   &r.forget_bias, &r.init_scale}) {
    *f = get_f32(bytes, pos);
  }
  r.seed = get(bytes, pos, 8);
  Status status = validate(r);
  if (!status) return status;
  c = r;
  return Status::ok();
}

ByteLstm::ByteLstm(const LstmConfig& config)
    : cfg_(config),
      B_(static_cast<std::size_t>(config.streams)),
      H_(static_cast<std::size_t>(config.hidden)),
      G_((config.coupled ? 3 : 4) * H_),
      L_(static_cast<std::size_t>(config.layers)),
      T_(static_cast<std::size_t>(config.horizon)),
      LH_(L_ * H_),
      ldt_(pad16(T_ * B_)) {
  const std::size_t G = G_, TB = T_ * B_;
  std::size_t n = 0;
  for (std::size_t l = 0; l < L_; ++l) {
    dims_.push_back(LstmDims{l ? H_ : 0, H_, kVocab, cfg_.coupled});
    off_w_.push_back(n);
    n += dims_[l].ld() * G;
    off_b_.push_back(n);
    n += G;
  }
  off_wy_ = n;
  n += LH_ * kVocab;
  off_by_ = n;
  n += kVocab;
  dense_n_ = n;
  for (std::size_t l = 0; l < L_; ++l) {
    off_e_.push_back(n);
    n += kVocab * G;
  }
  w_.resize(n);
  g_.resize(n);
  m_.resize(n);
  v_.resize(n);

  // Uniform in +-scale/sqrt(fan_in), one generator walked through the layout in order.
  lmpack::nn::Rng rng(cfg_.seed);
  for (std::size_t l = 0; l < L_; ++l) {
    const float a = cfg_.init_scale / std::sqrt(static_cast<float>(dims_[l].ld() + 1));
    float* W = w_.data() + off_w_[l];
    for (std::size_t i = 0; i < dims_[l].ld() * G; ++i) W[i] = rng.uniform(a);
    float* E = w_.data() + off_e_[l];
    for (std::size_t i = 0; i < kVocab * G; ++i) E[i] = rng.uniform(a);
    float* b = w_.data() + off_b_[l];
    const std::size_t f = dims_[l].forget_offset();
    for (std::size_t j = f; j < f + H_; ++j) b[j] = cfg_.forget_bias;
  }
  const float ay = cfg_.init_scale / std::sqrt(static_cast<float>(LH_ + 1));
  for (std::size_t i = 0; i < LH_ * kVocab; ++i) w_[off_wy_ + i] = rng.uniform(ay);

  sym_.assign(TB, 0);
  tgt_.assign(TB, 0);
  for (std::size_t l = 0; l < L_; ++l) {
    const std::size_t ld = dims_[l].ld();
    xh_.emplace_back(TB * ld);
    z_.emplace_back(TB * G);
    c_.emplace_back(TB * H_);
    tc_.emplace_back(TB * H_);
    c0_.emplace_back(B_ * H_);
    h0_.emplace_back(B_ * H_);
    xh_t_.emplace_back(ld * ldt_);
    dz_.emplace_back(TB * G);
    dc_.emplace_back(B_ * H_);
    dhrec_.emplace_back(B_ * H_);
    dxh_.emplace_back(B_ * ld);
  }
  hcat_.resize(TB * LH_);
  probs_.resize(TB * kVocab);
  hcat_t_.resize(LH_ * ldt_);
  dhcat_.resize(TB * LH_);
  dh_.resize(B_ * H_);
  restart();
}

void ByteLstm::restart() {
  for (std::size_t l = 0; l < L_; ++l) {
    c0_[l].zero();
    h0_[l].zero();
  }
  slot_ = 0;
  std::fill(sym_.begin(), sym_.end(), std::uint8_t{0});
  forward(0);
}

LstmParams ByteLstm::layer_params(Buffer& buf, int l) {
  return LstmParams{buf.data() + off_w_[l], buf.data() + off_e_[l], buf.data() + off_b_[l]};
}

LstmStep ByteLstm::layer_step(int l, std::size_t k) {
  const std::size_t G = G_, kb = k * B_;
  LstmStep st;
  st.xh = xh_[l].data() + kb * dims_[l].ld();
  st.sym = sym_.data() + kb;
  st.c_prev = k ? c_[l].data() + (kb - B_) * H_ : c0_[l].data();
  st.z = z_[l].data() + kb * G;
  st.c = c_[l].data() + kb * H_;
  st.tc = tc_[l].data() + kb * H_;
  st.h = hcat_.data() + kb * LH_ + l * H_;
  st.ldh = LH_;
  st.xh_t = xh_t_[l].data() + kb;
  st.ldxt = ldt_;
  return st;
}

void ByteLstm::forward(std::size_t k) {
  const KernelTable& kt = kernels();
  const std::size_t kb = k * B_;
  for (std::size_t l = 0; l < L_; ++l) {
    const std::size_t nx = dims_[l].nx, ld = dims_[l].ld();
    for (std::size_t s = 0; s < B_; ++s) {
      float* xh = xh_[l].data() + (kb + s) * ld;
      if (nx) std::memcpy(xh, hcat_.data() + (kb + s) * LH_ + (l - 1) * H_, H_ * sizeof(float));
      const float* hp = k ? hcat_.data() + (kb - B_ + s) * LH_ + l * H_ : h0_[l].data() + s * H_;
      std::memcpy(xh + nx, hp, H_ * sizeof(float));
      float* col = xh_t_[l].data() + kb + s;
      for (std::size_t i = 0; i < ld; ++i) col[i * ldt_] = xh[i];
    }
    lmpack::nn::lstm_forward(dims_[l], layer_params(w_, static_cast<int>(l)), B_,
                             layer_step(static_cast<int>(l), k));
  }
  // logits = by + sum_c h[c]*Wy[c], as in the cell (B > 1: Wy read once for every stream).
  const float* Wy = w_.data() + off_wy_;
  const float* by = w_.data() + off_by_;
  float* p = probs_.data() + kb * kVocab;
  for (std::size_t s = 0; s < B_; ++s) {
    const float* h = hcat_.data() + (kb + s) * LH_;
    float* col = hcat_t_.data() + kb + s;
    for (std::size_t i = 0; i < LH_; ++i) col[i * ldt_] = h[i];
    std::memcpy(p + s * kVocab, by, kVocab * sizeof(float));
  }
  if (B_ == 1) {
    kt.matvec_t_acc(Wy, LH_, kVocab, kVocab, hcat_.data() + kb * LH_, p);
  } else {
    for (std::size_t c = 0; c < LH_; ++c) {
      kt.outer_acc(hcat_t_.data() + c * ldt_ + kb, B_, Wy + c * kVocab, kVocab, p, kVocab);
    }
  }
  for (std::size_t s = 0; s < B_; ++s) kt.softmax(p + s * kVocab, p + s * kVocab, kVocab);
}

void ByteLstm::step(const std::uint8_t* bytes) {
  std::memcpy(tgt_.data() + slot_ * B_, bytes, B_);
  ++steps_;
  std::size_t next = slot_ + 1;
  if (next == T_) {
    train();
    // The state after the window's last slot is where the next window starts.
    const std::size_t last = (T_ - 1) * B_;
    for (std::size_t l = 0; l < L_; ++l) {
      std::memcpy(c0_[l].data(), c_[l].data() + last * H_, B_ * H_ * sizeof(float));
      for (std::size_t s = 0; s < B_; ++s) {
        std::memcpy(h0_[l].data() + s * H_, hcat_.data() + (last + s) * LH_ + l * H_,
                    H_ * sizeof(float));
      }
    }
    next = 0;
  }
  slot_ = next;
  std::memcpy(sym_.data() + slot_ * B_, bytes, B_);
  forward(slot_);
}

void ByteLstm::train() {
  const KernelTable& kt = kernels();
  const std::size_t G = G_, TB = T_ * B_;

  // Gradients that accumulate (biases, touched E rows) start from zero; the rest are overwritten.
  for (std::size_t l = 0; l < L_; ++l) {
    std::memset(g_.data() + off_b_[l], 0, G * sizeof(float));
    for (std::uint8_t c : touched_list_) {
      std::memset(g_.data() + off_e_[l] + c * G, 0, G * sizeof(float));
    }
  }
  for (std::uint8_t c : touched_list_) touched_[c] = false;
  touched_list_.clear();
  for (std::size_t j = 0; j < TB; ++j) {
    if (!touched_[sym_[j]]) {
      touched_[sym_[j]] = true;
      touched_list_.push_back(sym_[j]);
    }
  }

  // Output layer: dlogits_j = p_j - onehot(target_j), in place of the probabilities.
  float* dl = probs_.data();
  float* gby = g_.data() + off_by_;
  std::memset(gby, 0, kVocab * sizeof(float));
  for (std::size_t j = 0; j < TB; ++j) {
    float* d = dl + j * kVocab;
    d[tgt_[j]] = d[tgt_[j]] - 1.0f;
    for (std::size_t i = 0; i < kVocab; ++i) gby[i] = gby[i] + d[i];
  }
  // dh_j = Wy dl_j for every sample at once; dWy[c, r] = sum_j h_j[c] dl_j[r].
  const float* Wy = w_.data() + off_wy_;
  kt.matmul(Wy, LH_, kVocab, kVocab, dl, TB, kVocab, dhcat_.data(), LH_);
  for (std::size_t c = 0; c < LH_; ++c) {
    float* row = g_.data() + off_wy_ + c * kVocab;
    std::memset(row, 0, kVocab * sizeof(float));
    kt.matvec_t_acc(dl, TB, kVocab, kVocab, hcat_t_.data() + c * ldt_, row);
  }

  for (std::size_t l = 0; l < L_; ++l) {
    dc_[l].zero();
    dhrec_[l].zero();
  }
  for (std::size_t k = T_; k-- > 0;) {
    const std::size_t kb = k * B_;
    for (std::size_t l = L_; l-- > 0;) {
      const std::size_t nx = dims_[l].nx, ld = dims_[l].ld();
      // dL/dh = from the output + from this layer's next step + from the layer above.
      for (std::size_t s = 0; s < B_; ++s) {
        const float* out = dhcat_.data() + (kb + s) * LH_ + l * H_;
        const float* rec = dhrec_[l].data() + s * H_;
        float* dh = dh_.data() + s * H_;
        for (std::size_t i = 0; i < H_; ++i) dh[i] = out[i] + rec[i];
        if (l + 1 < L_) {
          const float* up = dxh_[l + 1].data() + s * dims_[l + 1].ld();
          for (std::size_t i = 0; i < H_; ++i) dh[i] = dh[i] + up[i];
        }
      }
      lmpack::nn::lstm_backward(dims_[l], layer_params(w_, static_cast<int>(l)),
                                layer_params(g_, static_cast<int>(l)), B_,
                                layer_step(static_cast<int>(l), k), dh_.data(), dc_[l].data(),
                                dz_[l].data() + kb * G, dxh_[l].data());
      for (std::size_t s = 0; s < B_; ++s) {
        std::memcpy(dhrec_[l].data() + s * H_, dxh_[l].data() + s * ld + nx, H_ * sizeof(float));
      }
    }
  }
  for (std::size_t l = 0; l < L_; ++l) {
    lmpack::nn::lstm_weight_grad(dims_[l], xh_t_[l].data(), ldt_, dz_[l].data(), TB,
                                 g_.data() + off_w_[l]);
  }
  if (!frozen_) optimise();
}

void ByteLstm::optimise() {
  const KernelTable& kt = kernels();
  b1t_ = b1t_ * cfg_.beta1;
  b2t_ = b2t_ * cfg_.beta2;
  const float n = static_cast<float>(steps_);
  const float lr = cfg_.lr_end + (cfg_.lr - cfg_.lr_end) * (cfg_.lr_decay / (cfg_.lr_decay + n));
  lmpack::nn::AdamStep a;
  a.lr_t = lr * std::sqrt(1.0f - b2t_) / (1.0f - b1t_);
  a.beta1 = cfg_.beta1;
  a.beta2 = cfg_.beta2;
  a.eps = cfg_.eps;
  a.clip = cfg_.clip;
  kt.adam(w_.data(), m_.data(), v_.data(), g_.data(), dense_n_, a);
  const std::size_t G = G_;
  for (std::size_t l = 0; l < L_; ++l) {
    for (std::uint8_t c : touched_list_) {
      const std::size_t o = off_e_[l] + c * G;
      kt.adam(w_.data() + o, m_.data() + o, v_.data() + o, g_.data() + o, G, a);
    }
  }
}

}  // namespace lmpack::model::nn
