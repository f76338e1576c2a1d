// Engine layers of the transformer: gradients against finite differences (RMSNorm, attention
// with and without memory, embedding, a whole tiny transformer), and the exactness the online
// model relies on: a batched segment forward equals the token-by-token forward bit for bit.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <vector>

#include "model/nn/transformer.h"
#include "nn/attention.h"
#include "nn/embedding.h"
#include "nn/norm.h"
#include "nn/rng.h"

namespace lmpack::nn {
namespace {

std::vector<float> random_vec(Rng& rng, std::size_t n, float a = 1.0f) {
  std::vector<float> v(n);
  for (float& x : v) x = rng.uniform(a);
  return v;
}

// Compares analytic gradients with central differences of `loss` over the listed coordinates of
// `x`: the aggregate relative error |num - ana| / (|num| + |ana|) (norms over all coordinates)
// must be small. Aggregating keeps one ReLU kink or one unlucky rounding from failing the check
// while a wrong formula (errors of order 1) still does.
double gradient_error(std::vector<float*> coords, const std::vector<double>& analytic,
                      const std::function<double()>& loss, float h) {
  double diff = 0, norm = 0;
  for (std::size_t i = 0; i < coords.size(); ++i) {
    float* p = coords[i];
    const float saved = *p;
    *p = saved + h;
    const double up = loss();
    *p = saved - h;
    const double down = loss();
    *p = saved;
    const double num = (up - down) / (2.0 * static_cast<double>(h));
    diff += (num - analytic[i]) * (num - analytic[i]);
    norm += (std::abs(num) + std::abs(analytic[i])) * (std::abs(num) + std::abs(analytic[i]));
  }
  return norm == 0 ? 0 : std::sqrt(diff / norm);
}

TEST(NnLayersRmsNorm, GradientMatchesFiniteDifferences) {
  Rng rng(1);
  constexpr std::size_t n = 37;  // a tail past the 16-lane chunks
  constexpr int rows = 3;
  std::vector<float> x = random_vec(rng, n * rows, 2.0f);
  std::vector<float> gain = random_vec(rng, n, 1.0f);
  const std::vector<float> w = random_vec(rng, n * rows);  // loss = sum w * y
  std::vector<float> y(n);
  auto loss = [&] {
    double l = 0;
    for (int r = 0; r < rows; ++r) {
      rmsnorm_forward(x.data() + r * n, gain.data(), y.data(), n);
      for (std::size_t i = 0; i < n; ++i) l += static_cast<double>(w[r * n + i]) * y[i];
    }
    return l;
  };
  std::vector<float> dx(n * rows, 0.0f), dgain(n, 0.0f), tmp(n);
  for (int r = 0; r < rows; ++r) {
    const float inv = rmsnorm_forward(x.data() + r * n, gain.data(), y.data(), n);
    rmsnorm_backward(x.data() + r * n, gain.data(), inv, w.data() + r * n, dx.data() + r * n,
                     dgain.data(), tmp.data(), n);
  }
  std::vector<float*> coords;
  std::vector<double> ana;
  for (std::size_t i = 0; i < n * rows; ++i) coords.push_back(&x[i]), ana.push_back(dx[i]);
  for (std::size_t i = 0; i < n; ++i) coords.push_back(&gain[i]), ana.push_back(dgain[i]);
  EXPECT_LT(gradient_error(coords, ana, loss, 1e-2f), 1e-4);
}

TEST(NnLayersRmsNorm, UnitRmsAndAccumulatingBackward) {
  std::vector<float> x = {3.0f, -4.0f}, g = {1.0f, 1.0f}, y(2);
  const float r = rmsnorm_forward(x.data(), g.data(), y.data(), 2, 0.0f);
  EXPECT_FLOAT_EQ(r, 1.0f / std::sqrt(12.5f));
  EXPECT_NEAR(y[0] * y[0] + y[1] * y[1], 2.0f, 1e-5f);
  // The backward adds into dx (residual streams sum their gradients).
  std::vector<float> dx = {5.0f, 5.0f}, dg = {0.0f, 0.0f}, dy = {0.0f, 0.0f}, tmp(2);
  rmsnorm_backward(x.data(), g.data(), r, dy.data(), dx.data(), dg.data(), tmp.data(), 2);
  EXPECT_EQ(dx[0], 5.0f);
  EXPECT_EQ(dx[1], 5.0f);
}

TEST(NnLayersEmbedding, LookupAndGradientAccumulation) {
  Rng rng(2);
  constexpr std::size_t dim = 20, ld = 32;
  std::vector<float> table = random_vec(rng, 4 * ld);
  std::vector<float> out(dim);
  embedding_forward(table.data(), ld, 3, out.data(), dim);
  EXPECT_EQ(0, std::memcmp(out.data(), table.data() + 3 * ld, dim * sizeof(float)));
  // loss = sum_t w_t . emb[token_t]; token 1 appears twice, so its gradient is w_0 + w_2.
  const int tokens[3] = {1, 2, 1};
  const std::vector<float> w = random_vec(rng, 3 * dim);
  std::vector<float> dtable(4 * ld, 0.0f);
  for (int t = 0; t < 3; ++t)
    embedding_backward(dtable.data(), ld, tokens[t], w.data() + t * dim, dim);
  auto loss = [&] {
    double l = 0;
    for (int t = 0; t < 3; ++t) {
      embedding_forward(table.data(), ld, tokens[t], out.data(), dim);
      for (std::size_t i = 0; i < dim; ++i) l += static_cast<double>(w[t * dim + i]) * out[i];
    }
    return l;
  };
  std::vector<float*> coords;
  std::vector<double> ana;
  for (std::size_t r = 0; r < 4; ++r) {
    for (std::size_t i = 0; i < dim; ++i) {
      coords.push_back(&table[r * ld + i]);
      ana.push_back(dtable[r * ld + i]);
    }
  }
  EXPECT_LT(gradient_error(coords, ana, loss, 1e-2f), 1e-4);
  for (std::size_t i = 0; i < dim; ++i) {
    EXPECT_EQ(dtable[0 * ld + i], 0.0f);
    EXPECT_EQ(dtable[1 * ld + i], w[i] + w[2 * dim + i]);
  }
}

TEST(NnLayersEmbedding, SparseTableTouchesOnlyUsedRowsWithLazyAdam) {
  SparseEmbedding table;
  table.init(64, 20, 8, /*first_moment=*/false);
  for (std::uint32_t r = 0; r < 64; ++r) {
    for (std::size_t i = 0; i < 20; ++i) EXPECT_EQ(table.row(r)[i], 0.0f);  // rows start at zero
  }
  std::vector<float> g(20, 0.5f), g2(20, -0.25f);
  table.accumulate(5, g.data());
  table.accumulate(9, g.data());
  table.accumulate(5, g2.data());
  ASSERT_EQ(table.touched(), 2u);
  EXPECT_EQ(table.touched_row(0), 5u);
  EXPECT_EQ(table.touched_grad(0)[3], 0.25f);  // 0.5 - 0.25
  EXPECT_EQ(table.touched_grad(1)[3], 0.5f);
  table.adam_step(0.1f, 0.0f, 0.0f, 0.999f, 1e-8f, 100.0f);
  EXPECT_EQ(table.touched(), 0u);
  // First step of a row: bias-corrected Adam moves each element by ~lr against the gradient.
  EXPECT_NEAR(table.row(5)[0], -0.1f, 1e-4f);
  EXPECT_NEAR(table.row(9)[19], -0.1f, 1e-4f);
  EXPECT_EQ(table.row(6)[0], 0.0f);  // untouched rows never move
  // With row decay the n-th step of a row is lr / (1 + decay * (n - 1)).
  SparseEmbedding decayed;
  decayed.init(4, 16, 4, true);
  std::vector<float> one(16, 1.0f);
  float before = 0.0f;
  for (int n = 1; n <= 3; ++n) {
    decayed.accumulate(2, one.data());
    decayed.adam_step(0.1f, 1.0f, 0.0f, 0.999f, 1e-8f, 100.0f);
    const float moved = before - decayed.row(2)[0];
    EXPECT_NEAR(moved, 0.1f / static_cast<float>(n), 2e-4f) << n;
    before = decayed.row(2)[0];
  }
  // clear_gradients() forgets a gathered gradient.
  decayed.accumulate(1, one.data());
  decayed.clear_gradients();
  decayed.adam_step(0.1f, 0.0f, 0.0f, 0.999f, 1e-8f, 100.0f);
  EXPECT_EQ(decayed.row(1)[0], 0.0f);
}

// Attention of one stream over a segment of T positions after `prior` positions were pushed into
// the memory; loss = sum w . o. Checks dq, dk, dv of the segment.
void check_attention(int heads, int head_dim, int mem_cap, int T, int prior) {
  Rng rng(static_cast<std::uint64_t>(heads * 1000 + mem_cap * 10 + prior));
  const std::size_t dm = static_cast<std::size_t>(heads * head_dim);
  KvCache kv(heads, head_dim, mem_cap, T);
  const std::size_t ldp = static_cast<std::size_t>(mem_cap + T);
  std::vector<float> bias = random_vec(rng, heads * ldp, 2.0f);
  std::vector<float> probs(static_cast<std::size_t>(T * heads) * ldp), o(T * dm);
  // Fill the memory with `prior` tokens in chunks of at most T.
  for (int done = 0; done < prior;) {
    const int n = prior - done < T ? prior - done : T;
    for (int t = 0; t < n; ++t) {
      const auto q = random_vec(rng, dm), k = random_vec(rng, dm), v = random_vec(rng, dm);
      attention_forward(kv, bias.data(), ldp, t, q.data(), k.data(), v.data(), probs.data(), ldp,
                        o.data());
    }
    kv.push_segment(n);
    done += n;
  }
  ASSERT_EQ(kv.mem_len(), prior < mem_cap ? prior : mem_cap);
  std::vector<float> Q = random_vec(rng, T * dm, 1.5f), Kx = random_vec(rng, T * dm, 1.5f),
                     V = random_vec(rng, T * dm);
  const std::vector<float> w = random_vec(rng, T * dm);
  auto run = [&] {
    for (int t = 0; t < T; ++t) {
      attention_forward(kv, bias.data(), ldp, t, Q.data() + t * dm, Kx.data() + t * dm,
                        V.data() + t * dm, probs.data() + t * heads * ldp, ldp, o.data() + t * dm);
    }
  };
  auto loss = [&] {
    run();
    double l = 0;
    for (std::size_t i = 0; i < T * dm; ++i) l += static_cast<double>(w[i]) * o[i];
    return l;
  };
  run();
  std::vector<float> dQ(T * dm, 0.0f), dK(T * dm, 0.0f), dV(T * dm, 0.0f), scratch(2 * ldp);
  std::vector<float> dbias(heads * ldp, 0.0f);
  attention_backward(kv, T, RowsIn{Q.data(), dm}, RowsIn{probs.data(), heads * ldp}, ldp,
                     RowsIn{w.data(), dm}, RowsOut{dQ.data(), dm}, RowsOut{dK.data(), dm},
                     RowsOut{dV.data(), dm}, dbias.data(), ldp, scratch.data());
  std::vector<float*> coords;
  std::vector<double> ana;
  for (std::size_t i = 0; i < T * dm; ++i) {
    coords.push_back(&Q[i]), ana.push_back(dQ[i]);
    coords.push_back(&Kx[i]), ana.push_back(dK[i]);
    coords.push_back(&V[i]), ana.push_back(dV[i]);
  }
  for (std::size_t i = 0; i < heads * ldp; ++i) coords.push_back(&bias[i]), ana.push_back(dbias[i]);
  EXPECT_LT(gradient_error(coords, ana, loss, 1e-2f), 2e-3)
      << "heads " << heads << " mem " << mem_cap << " prior " << prior;
}

TEST(NnLayersAttention, GradientWithoutMemory) {
  check_attention(1, 8, 0, 5, 0);
  check_attention(4, 8, 0, 6, 0);
}

TEST(NnLayersAttention, GradientWithMemory) {
  check_attention(2, 8, 7, 5, 3);    // memory partly filled
  check_attention(3, 20, 7, 5, 12);  // memory full and wrapped; head_dim with a tail
  check_attention(4, 4, 16, 4, 40);
}

TEST(NnLayersAttention, MemoryKeepsTheLastTokens) {
  KvCache kv(1, 1, 3, 2);
  std::vector<float> bias(5, 0.0f), probs(5), o(1);
  float next = 1.0f;
  for (int seg = 0; seg < 3; ++seg) {
    for (int t = 0; t < 2; ++t, next += 1.0f) {
      const float q = 0.0f, k = next, v = next;
      attention_forward(kv, bias.data(), 5, t, &q, &k, &v, probs.data(), 5, o.data());
    }
    kv.push_segment(2);
  }
  ASSERT_EQ(kv.mem_len(), 3);
  EXPECT_EQ(*kv.key(0, 0), 4.0f);  // tokens 1..6 seen, memory holds 4, 5, 6
  EXPECT_EQ(*kv.value(0, 1), 5.0f);
  EXPECT_EQ(*kv.key(0, 2), 6.0f);
}

TEST(NnLayersAttention, AlibiSlopesArePowersOfTwoAndStartTheBiasTable) {
  float s[8];
  alibi_slopes(8, s);
  for (int h = 0; h < 8; ++h) EXPECT_EQ(s[h], std::ldexp(1.0f, -(h + 1)));
  alibi_slopes(4, s);
  EXPECT_EQ(s[0], 0.25f);
  EXPECT_EQ(s[3], 1.0f / 256.0f);
  float bias[2 * 3];
  alibi_bias(2, 3, bias, 3);
  EXPECT_EQ(bias[0], -0.0f);
  EXPECT_EQ(bias[2], -2.0f / 16.0f);
  EXPECT_EQ(bias[5], -2.0f / 256.0f);
}

}  // namespace
}  // namespace lmpack::nn

namespace lmpack::model::nn {
namespace {

TransformerConfig tiny_config(Activation act) {
  TransformerConfig c;
  c.d_model = 24;
  c.layers = 2;
  c.heads = 3;
  c.d_ff = 40;
  c.segment = 6;
  c.memory = 8;
  c.streams = 2;
  c.act = act;
  c.lr = 0.01f;
  c.ctx_mask = ctx_order(2) | ctx_order(4) | kCtxWord | kCtxSparse;
  c.ctx_log2 = 10;
  c.ctx_lr = 0.05f;
  c.seed = 7;
  return c;
}

void fill_segment(ByteTransformer& m, lmpack::nn::Rng& rng) {
  const TransformerConfig& c = m.config();
  for (int t = 0; t < c.segment; ++t) {
    for (int s = 0; s < c.streams; ++s) {
      m.set_input(t, s, static_cast<std::uint8_t>(rng.next() % 7 + 'a'));
      m.set_target(t, s, static_cast<std::uint8_t>(rng.next() % 7 + 'a'));
    }
  }
}

void check_transformer_gradient(Activation act) {
  const TransformerConfig c = tiny_config(act);
  ByteTransformer m(c);
  lmpack::nn::Rng rng(3);
  // One trained segment first, so the memory is in use and the head weights are non-zero.
  for (int seg = 0; seg < 2; ++seg) {
    fill_segment(m, rng);
    m.forward(0, c.segment);
    m.backward();
    m.adam_step();
    m.push_memory();
  }
  fill_segment(m, rng);
  std::vector<std::uint8_t> targets;
  for (int t = 0; t < c.segment; ++t) {
    for (int s = 0; s < c.streams; ++s) targets.push_back(static_cast<std::uint8_t>(rng.next()));
  }
  for (int t = 0; t < c.segment; ++t) {
    for (int s = 0; s < c.streams; ++s) m.set_target(t, s, targets[t * c.streams + s]);
  }
  auto loss = [&] {
    m.forward(0, c.segment);
    double l = 0;
    for (int t = 0; t < c.segment; ++t) {
      for (int s = 0; s < c.streams; ++s)
        l -= std::log(m.probs_at(t, s)[targets[t * c.streams + s]]);
    }
    return l;
  };
  loss();
  m.backward();
  const std::vector<float> grads(m.grads().begin(), m.grads().end());
  // Every 7th parameter (padding included: its analytic and numeric gradients are both 0).
  std::vector<float*> coords;
  std::vector<double> ana;
  auto params = m.params();
  for (std::size_t i = 0; i < params.size(); i += 7) {
    coords.push_back(&params[i]);
    ana.push_back(grads[i]);
  }
  // And every 3rd element of the context rows this segment used.
  lmpack::nn::SparseEmbedding& table = m.context_table();
  ASSERT_GT(table.touched(), 0u);
  for (std::size_t k = 0; k < table.touched(); ++k) {
    for (std::size_t i = k % 3; i < table.dim(); i += 3) {
      coords.push_back(table.mutable_row(table.touched_row(k)) + i);
      ana.push_back(table.touched_grad(k)[i]);
    }
  }
  EXPECT_LT(lmpack::nn::gradient_error(coords, ana, loss, 4e-3f), 3e-3);
}

TEST(NnLayersTransformer, GradientMatchesFiniteDifferencesRelu) {
  check_transformer_gradient(Activation::kRelu);
}

TEST(NnLayersTransformer, GradientMatchesFiniteDifferencesSquaredRelu) {
  check_transformer_gradient(Activation::kSquaredRelu);
}

// The batched forward over a whole segment (matmul) gives the token-by-token pass's logits bit
// for bit, with an empty memory and with a full one.
TEST(NnLayersTransformer, BatchedSegmentForwardEqualsTokenByToken) {
  const TransformerConfig c = tiny_config(Activation::kRelu);
  ByteTransformer batched(c), stepped(c);
  lmpack::nn::Rng rng(5);
  for (int seg = 0; seg < 4; ++seg) {
    lmpack::nn::Rng rng_copy = rng;
    fill_segment(batched, rng);
    fill_segment(stepped, rng_copy);
    batched.forward(0, c.segment);
    for (int t = 0; t < c.segment; ++t) stepped.forward(t, t + 1);
    for (int t = 0; t < c.segment; ++t) {
      for (int s = 0; s < c.streams; ++s) {
        ASSERT_EQ(0, std::memcmp(batched.logits(t, s), stepped.logits(t, s), 256 * sizeof(float)))
            << "segment " << seg << " position " << t << " stream " << s;
      }
    }
    for (ByteTransformer* m : {&batched, &stepped}) {
      m->backward();
      m->adam_step();
      m->push_memory();
    }
    ASSERT_EQ(0, std::memcmp(batched.params().data(), stepped.params().data(),
                             batched.params().size() * sizeof(float)));
  }
}

}  // namespace
}  // namespace lmpack::model::nn
