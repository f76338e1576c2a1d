// Multi-head causal self-attention over a segment of T tokens that also reads a memory of the M
// tokens before it (Transformer-XL's cache, nncp's online setting). The memory is read-only: no
// gradient flows into it. Positions enter as a learned bias per head and distance (T5-style
// relative positions, one entry per distance 0 .. M+T-1): a head can single out "the byte 3
// back", which byte-level models need and fixed linear (ALiBi) biases cannot express; the table
// starts as ALiBi's biases, needs no transcendental function and works unchanged across the
// memory boundary.
//
// Per query (segment position t) and head h, with n = mem_len + t + 1 visible keys j (oldest
// first, the last one being the token itself, so key j is n - 1 - j tokens back):
//   z_j = dot(q_h, k_j) * scale + bias_h[n - 1 - j],   scale = 1/sqrt(head_dim)
//   p = softmax(z),  o_h = sum_j p_j v_j   (ascending j, i.e. axpy order)
// Scores are one kernels().matvec over the head's key rows (each a canonical dot), the softmax is
// kernels().softmax and the weighted sum is kernels().matvec_t_acc, which adds p_j * v_j row by
// row in ascending j exactly as a chain of axpy calls would.
#pragma once

#include <cstddef>

#include "nn/tensor.h"

namespace lmpack::nn {

// ALiBi slopes 2^(-8 (h+1) / heads), h < heads: exact powers of two where the exponent is an
// integer, nn::math::exp otherwise.
void alibi_slopes(int heads, float* slopes);
// bias[h * ldb + d] = -slope_h * d for d < n: ALiBi as the starting point of a learned table.
void alibi_bias(int heads, std::size_t n, float* bias, std::size_t ldb);

// One stream's keys and values for one layer. Per head a block of M + T rows of head_dim floats:
// rows [M - mem_len, M) hold the memory (oldest first), row M + t the segment's token t. Keeping
// memory and segment adjacent makes every query's visible keys one contiguous matrix.
class KvCache {
 public:
  KvCache() = default;
  KvCache(int heads, int head_dim, int mem_cap, int seg_cap);

  int heads() const { return heads_; }
  int head_dim() const { return hd_; }
  int mem_cap() const { return mem_cap_; }
  int seg_cap() const { return seg_cap_; }
  int mem_len() const { return mem_len_; }

  // Row `row` in [0, M + T) of head h.
  float* key(int h, int row) { return k_.data() + offset(h, row); }
  float* value(int h, int row) { return v_.data() + offset(h, row); }
  const float* key(int h, int row) const { return k_.data() + offset(h, row); }
  const float* value(int h, int row) const { return v_.data() + offset(h, row); }

  // The first n segment rows join the memory, which keeps its last M rows.
  void push_segment(int n);
  // Empties the memory.
  void clear() { mem_len_ = 0; }

 private:
  std::size_t offset(int h, int row) const {
    return (static_cast<std::size_t>(h) * rows_ + static_cast<std::size_t>(row)) * hd_;
  }
  int heads_ = 0, hd_ = 0, mem_cap_ = 0, seg_cap_ = 0, mem_len_ = 0;
  std::size_t rows_ = 0;  // M + T
  Buffer k_, v_;          // [heads, M + T, head_dim]
};

// Forward for the query at segment position t (0 <= t < T): stores k and v as segment row t of
// every head, then computes o. q, k, v, o: [heads * head_dim] (head h at h * head_dim).
// bias: [heads, ldb], ldb >= M + T, indexed by distance.
// probs: [heads, ldp], ldp >= M + T; head h's p (n = mem_len + t + 1 values) is kept at
// probs + h * ldp for the backward pass.
void attention_forward(KvCache& kv, const float* bias, std::size_t ldb, int t, const float* q,
                       const float* k, const float* v, float* probs, std::size_t ldp, float* o);

// Strided rows of one stream's segment: row t at data + t * ld.
struct RowsIn {
  const float* data;
  std::size_t ld;
  const float* row(int t) const { return data + static_cast<std::size_t>(t) * ld; }
};
struct RowsOut {
  float* data;
  std::size_t ld;
  float* row(int t) const { return data + static_cast<std::size_t>(t) * ld; }
};

// Backward over segment positions 0..T-1 of one stream, after the forward of all of them with
// this kv (memory unchanged since). Q: the queries; P: position t's probs block ([heads, ldp] as
// written by attention_forward); dO: dL/do. Accumulates (callers zero first) dQ, dK and dV for
// the segment's own keys and values (none for the memory), and dbias ([heads, ldb], by
// distance). Order: t ascending, then heads, then keys. scratch: [2 * (M + T)] floats.
void attention_backward(const KvCache& kv, int T, RowsIn Q, RowsIn P, std::size_t ldp, RowsIn dO,
                        RowsOut dQ, RowsOut dK, RowsOut dV, float* dbias, std::size_t ldb,
                        float* scratch);

}  // namespace lmpack::nn
