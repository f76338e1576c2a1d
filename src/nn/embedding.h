// Embedding lookup: a token selects one row of a table [vocab, ld]; its gradient adds dL/dy back
// into that row. Rows are accumulated in the caller's order (ascending positions), so the sum
// that reaches a row used by several tokens is the same on every build.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "nn/kernels.h"
#include "nn/tensor.h"

namespace lmpack::nn {

// out[0..dim) = table[token*ld + 0..dim).
inline void embedding_forward(const float* table, std::size_t ld, int token, float* out,
                              std::size_t dim) {
  std::memcpy(out, table + static_cast<std::size_t>(token) * ld, dim * sizeof(float));
}

// dtable[token*ld + i] += dy[i]  (1 * dy[i] is exact, so this is a plain ordered add).
inline void embedding_backward(float* dtable, std::size_t ld, int token, const float* dy,
                               std::size_t dim) {
  kernels().axpy(1.0f, dy, dtable + static_cast<std::size_t>(token) * ld, dim);
}

}  // namespace lmpack::nn

namespace lmpack::nn {

// A large table whose rows are used sparsely (hashed context embeddings): a segment touches a few
// rows, so only those receive gradients and an Adam step ("lazy Adam": a row's moments and bias
// correction advance only when it is used). Rows start at zero, so an unused or fresh row adds
// nothing. Gradients are accumulated in the caller's order; the step visits rows in first-touch
// order, and each row's update depends only on that row, so the result is order-free anyway.
class SparseEmbedding {
 public:
  SparseEmbedding() = default;
  // At most max_touched distinct rows between two steps. Without first_moment (Adam with
  // beta1 = 0, where m is just this step's gradient) no per-row m is stored.
  void init(std::size_t rows, std::size_t dim, std::size_t max_touched, bool first_moment);

  std::size_t rows() const { return rows_; }
  std::size_t dim() const { return dim_; }
  const float* row(std::uint32_t r) const { return w_.data() + r * ld_; }
  float* mutable_row(std::uint32_t r) { return w_.data() + r * ld_; }

  // Adds dy[0..dim) to row r's gradient.
  void accumulate(std::uint32_t r, const float* dy);
  // One Adam step (kernels().adam) on every touched row with its own learning rate and bias
  // correction: lr / (1 + row_decay * (n - 1)) * sqrt(1 - beta2^n) / (1 - beta1^n), n = the row's
  // step count (a row's steps shrink as it gathers evidence, like a counter's); clears the
  // touched set.
  void adam_step(float lr, float row_decay, float beta1, float beta2, float eps, float clip);
  // Drops the gradients gathered since the last step.
  void clear_gradients();
  std::size_t touched() const { return touched_.size(); }
  // Gradient of touched row i (first-touch order), for tests.
  std::uint32_t touched_row(std::size_t i) const { return touched_[i]; }
  const float* touched_grad(std::size_t i) const { return g_.data() + i * ld_; }

 private:
  static constexpr std::uint32_t kNone = 0xffffffffu;
  std::size_t rows_ = 0, dim_ = 0, ld_ = 0, max_touched_ = 0;
  bool first_moment_ = true;
  Buffer w_, v_;                      // [rows, ld]
  Buffer m_;                          // [rows, ld], or [max_touched, ld] scratch
  Buffer g_;                          // [max_touched, ld], slot i for touched_[i]
  std::vector<float> b1pow_, b2pow_;  // [rows] beta^n of each row
  std::vector<float> count_;          // [rows] n, exact up to 2^24
  std::vector<std::uint32_t> slot_;   // [rows] index into touched_, or kNone
  std::vector<std::uint32_t> touched_;
};

}  // namespace lmpack::nn
