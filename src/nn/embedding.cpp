#include "nn/embedding.h"

#include <cmath>

namespace lmpack::nn {

void SparseEmbedding::init(std::size_t rows, std::size_t dim, std::size_t max_touched,
                           bool first_moment) {
  rows_ = rows;
  dim_ = dim;
  ld_ = pad16(dim);
  max_touched_ = max_touched;
  w_.resize(rows * ld_);
  first_moment_ = first_moment;
  m_.resize((first_moment ? rows : max_touched) * ld_);
  v_.resize(rows * ld_);
  g_.resize(max_touched * ld_);
  b1pow_.assign(rows, 1.0f);
  b2pow_.assign(rows, 1.0f);
  count_.assign(rows, 0.0f);
  slot_.assign(rows, kNone);
  touched_.clear();
  touched_.reserve(max_touched);
}

void SparseEmbedding::accumulate(std::uint32_t r, const float* dy) {
  std::uint32_t s = slot_[r];
  if (s == kNone) {
    if (touched_.size() == max_touched_) return;  // a caller bug; never reached by the model
    s = static_cast<std::uint32_t>(touched_.size());
    slot_[r] = s;
    touched_.push_back(r);
    std::memset(g_.data() + s * ld_, 0, ld_ * sizeof(float));
  }
  kernels().axpy(1.0f, dy, g_.data() + s * ld_, dim_);
}

void SparseEmbedding::clear_gradients() {
  for (const std::uint32_t r : touched_) slot_[r] = kNone;
  touched_.clear();
}

void SparseEmbedding::adam_step(float lr, float row_decay, float beta1, float beta2, float eps,
                                float clip) {
  const KernelTable& K = kernels();
  for (std::size_t i = 0; i < touched_.size(); ++i) {
    const std::uint32_t r = touched_[i];
    b1pow_[r] = b1pow_[r] * beta1;
    b2pow_[r] = b2pow_[r] * beta2;
    const float n = count_[r];  // earlier steps of this row
    count_[r] = n + 1.0f;
    const float lr_row = lr / (1.0f + row_decay * n);
    const float lr_t = lr_row * std::sqrt(1.0f - b2pow_[r]) / (1.0f - b1pow_[r]);
    const AdamStep step{lr_t, beta1, beta2, eps, clip};
    const std::size_t off = r * ld_;
    float* m = m_.data() + (first_moment_ ? off : i * ld_);
    if (!first_moment_) std::memset(m, 0, ld_ * sizeof(float));  // beta1 = 0: m is scratch
    K.adam(w_.data() + off, m, v_.data() + off, g_.data() + i * ld_, dim_, step);
    slot_[r] = kNone;
  }
  touched_.clear();
}

}  // namespace lmpack::nn
