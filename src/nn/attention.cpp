#include "nn/attention.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "nn/kernels.h"
#include "nn/math.h"

namespace lmpack::nn {

void alibi_slopes(int heads, float* slopes) {
  constexpr float kLn2 = 0.693147180559945309f;
  for (int h = 0; h < heads; ++h) {
    const int num = 8 * (h + 1);
    if (num % heads == 0) {  // an integer power of two: exact
      slopes[h] = std::bit_cast<float>(static_cast<std::uint32_t>(127 - num / heads) << 23);
      continue;
    }
    const float e = -static_cast<float>(num) / static_cast<float>(heads);
    slopes[h] = math::exp(e * kLn2);
  }
}

void alibi_bias(int heads, std::size_t n, float* bias, std::size_t ldb) {
  std::vector<float> sl(static_cast<std::size_t>(heads));
  alibi_slopes(heads, sl.data());
  for (int h = 0; h < heads; ++h) {
    for (std::size_t d = 0; d < n; ++d) {
      bias[static_cast<std::size_t>(h) * ldb + d] = -(sl[h] * static_cast<float>(d));
    }
  }
}

KvCache::KvCache(int heads, int head_dim, int mem_cap, int seg_cap)
    : heads_(heads),
      hd_(head_dim),
      mem_cap_(mem_cap),
      seg_cap_(seg_cap),
      rows_(static_cast<std::size_t>(mem_cap) + static_cast<std::size_t>(seg_cap)) {
  const std::size_t n = static_cast<std::size_t>(heads) * rows_ * static_cast<std::size_t>(hd_);
  k_.resize(n);
  v_.resize(n);
}

void KvCache::push_segment(int n) {
  if (mem_cap_ == 0) return;
  // Shifting all M + T rows up by n leaves the last M of (memory ++ segment[0, n)) in [0, M).
  const std::size_t hd = static_cast<std::size_t>(hd_);
  const std::size_t shift = static_cast<std::size_t>(n) * hd;
  const std::size_t keep = static_cast<std::size_t>(mem_cap_) * hd;
  for (int h = 0; h < heads_; ++h) {
    float* kh = key(h, 0);
    float* vh = value(h, 0);
    std::memmove(kh, kh + shift, keep * sizeof(float));
    std::memmove(vh, vh + shift, keep * sizeof(float));
  }
  mem_len_ = mem_len_ + n < mem_cap_ ? mem_len_ + n : mem_cap_;
}

void attention_forward(KvCache& kv, const float* bias, std::size_t ldb, int t, const float* q,
                       const float* k, const float* v, float* probs, std::size_t ldp, float* o) {
  const KernelTable& K = kernels();
  const int H = kv.heads();
  const std::size_t hd = static_cast<std::size_t>(kv.head_dim());
  const int M = kv.mem_cap();
  const int base = M - kv.mem_len();
  const std::size_t n = static_cast<std::size_t>(kv.mem_len() + t + 1);
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
  for (int h = 0; h < H; ++h) {
    std::memcpy(kv.key(h, M + t), k + h * hd, hd * sizeof(float));
    std::memcpy(kv.value(h, M + t), v + h * hd, hd * sizeof(float));
  }
  for (int h = 0; h < H; ++h) {
    float* p = probs + static_cast<std::size_t>(h) * ldp;
    K.matvec(kv.key(h, base), n, hd, hd, q + h * hd, p);
    const float* bh = bias + static_cast<std::size_t>(h) * ldb + (n - 1);  // bh[-j]: distance n-1-j
    for (std::size_t j = 0; j < n; ++j) p[j] = p[j] * scale + *(bh - j);
    K.softmax(p, p, n);
    float* oh = o + h * hd;
    std::memset(oh, 0, hd * sizeof(float));
    K.matvec_t_acc(kv.value(h, base), n, hd, hd, p, oh);
  }
}

void attention_backward(const KvCache& kv, int T, RowsIn Q, RowsIn P, std::size_t ldp, RowsIn dO,
                        RowsOut dQ, RowsOut dK, RowsOut dV, float* dbias, std::size_t ldb,
                        float* scratch) {
  const KernelTable& K = kernels();
  const int H = kv.heads();
  const std::size_t hd = static_cast<std::size_t>(kv.head_dim());
  const int M = kv.mem_cap();
  const int mem = kv.mem_len();
  const int base = M - mem;
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
  float* dp = scratch;                                               // [n]
  float* ds = scratch + static_cast<std::size_t>(M) + kv.seg_cap();  // [n]
  for (int t = 0; t < T; ++t) {
    const std::size_t n = static_cast<std::size_t>(mem + t + 1);
    for (int h = 0; h < H; ++h) {
      const std::size_t col = static_cast<std::size_t>(h) * hd;
      const float* p = P.row(t) + static_cast<std::size_t>(h) * ldp;
      const float* g = dO.row(t) + col;
      const float* q = Q.row(t) + col;
      // dp_j = dO_h . v_j; softmax backward dz_j = p_j (dp_j - p . dp); ds_j = scale * dz_j.
      K.matvec(kv.value(h, base), n, hd, hd, g, dp);
      const float c = K.dot(p, dp, n);
      float* db = dbias + static_cast<std::size_t>(h) * ldb + (n - 1);
      for (std::size_t j = 0; j < n; ++j) {
        const float dz = p[j] * (dp[j] - c);
        *(db - j) = *(db - j) + dz;
        ds[j] = dz * scale;
      }
      K.matvec_t_acc(kv.key(h, base), n, hd, hd, ds, dQ.row(t) + col);
      // Only the segment's own rows (positions 0..t) receive key/value gradients.
      const std::size_t own = static_cast<std::size_t>(t) + 1;
      K.outer_acc(ds + mem, own, q, hd, dK.data + col, dK.ld);
      K.outer_acc(p + mem, own, g, hd, dV.data + col, dV.ld);
    }
  }
}

}  // namespace lmpack::nn
