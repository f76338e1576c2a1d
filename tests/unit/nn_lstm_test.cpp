// The online byte LSTM: its cell's and its whole unrolled window's gradients against finite
// differences, determinism, learning, config serialisation, and the lstm family's round trips.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "model/codec.h"
#include "model/nn/families.h"
#include "model/nn/lstm.h"
#include "nn/kernels.h"
#include "nn/lstm_cell.h"
#include "nn/rng.h"
#include "nn/tensor.h"

namespace lmpack::model::nn {
namespace {

using lmpack::nn::Buffer;
using lmpack::nn::LstmDims;
using lmpack::nn::LstmParams;
using lmpack::nn::LstmStep;

std::vector<std::uint8_t> sample_text(std::size_t n) {
  const std::string text =
      "In the beginning God created the heaven and the earth. And the earth was without form, and "
      "void; and darkness was upon the face of the deep. And the Spirit of God moved upon the face "
      "of the waters. And God said, Let there be light: and there was light.\n";
  std::vector<std::uint8_t> out;
  while (out.size() < n) out.insert(out.end(), text.begin(), text.end());
  out.resize(n);
  return out;
}

std::vector<std::uint8_t> random_bytes(std::size_t n, std::uint64_t seed) {
  lmpack::nn::Rng rng(seed);
  std::vector<std::uint8_t> out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng.next() >> 56);
  return out;
}

void fill_uniform(float* x, std::size_t n, float a, lmpack::nn::Rng& rng) {
  for (std::size_t i = 0; i < n; ++i) x[i] = rng.uniform(a);
}

// |analytic - numeric| within a relative tolerance, with a floor for tiny gradients.
void expect_close(double analytic, double numeric, const std::string& what) {
  const double scale = std::max({std::fabs(analytic), std::fabs(numeric), 1e-2});
  EXPECT_LE(std::fabs(analytic - numeric) / scale, 2e-2)
      << what << ": analytic " << analytic << " numeric " << numeric;
}

// One cell step for B streams with a loss that weights every h and c (so both outputs' gradient
// paths are exercised): L = sum(rh * h) + sum(rc * c), accumulated in double.
struct CellFixture {
  static constexpr std::size_t B = 2;
  LstmDims d{16, 16, 5};
  explicit CellFixture(bool coupled = false) : d{16, 16, 5, coupled} { init(); }
  Buffer W, E, b, xh, cp, z, c, tc, h, rh, rc;
  std::uint8_t sym[B] = {3, 1};

  void init() {
    lmpack::nn::Rng rng(11);
    W.resize(d.ld() * d.gates());
    E.resize(d.nsym * d.gates());
    b.resize(d.gates());
    fill_uniform(W.data(), W.size(), 0.4f, rng);
    fill_uniform(E.data(), E.size(), 0.4f, rng);
    fill_uniform(b.data(), b.size(), 0.4f, rng);
    xh.resize(B * d.ld());
    cp.resize(B * d.hidden);
    fill_uniform(xh.data(), xh.size(), 1.0f, rng);
    fill_uniform(cp.data(), cp.size(), 1.0f, rng);
    z.resize(B * d.gates());
    c.resize(B * d.hidden);
    tc.resize(B * d.hidden);
    h.resize(B * d.hidden);
    rh.resize(B * d.hidden);
    rc.resize(B * d.hidden);
    fill_uniform(rh.data(), rh.size(), 1.0f, rng);
    fill_uniform(rc.data(), rc.size(), 1.0f, rng);
  }
  LstmParams params() { return {W.data(), E.data(), b.data()}; }
  LstmStep step() {
    return {xh.data(), sym, cp.data(), z.data(), c.data(), tc.data(), h.data(), d.hidden};
  }
  double loss() {
    lmpack::nn::lstm_forward(d, params(), B, step());
    double l = 0;
    for (std::size_t i = 0; i < h.size(); ++i) l += double{rh[i]} * h[i] + double{rc[i]} * c[i];
    return l;
  }
  double numeric(float* x) {
    const float eps = 1e-2f;
    const float keep = *x;
    *x = keep + eps;
    const double up = loss();
    *x = keep - eps;
    const double down = loss();
    *x = keep;
    return (up - down) / (2.0 * eps);
  }
};

void check_cell_gradient(bool coupled) {
  CellFixture f(coupled);
  f.loss();
  Buffer gW(f.W.size()), gE(f.E.size()), gb(f.b.size());
  Buffer dh(f.rh), dc(f.rc), dz(CellFixture::B * f.d.gates()), dxh(CellFixture::B * f.d.ld());
  const LstmParams g{gW.data(), gE.data(), gb.data()};
  lmpack::nn::lstm_backward(f.d, f.params(), g, CellFixture::B, f.step(), dh.data(), dc.data(),
                            dz.data(), dxh.data());
  // Weight gradient from the transposed inputs, as the model computes it.
  const std::size_t ldt = 16;
  Buffer xh_t(f.d.ld() * ldt);
  for (std::size_t s = 0; s < CellFixture::B; ++s) {
    for (std::size_t i = 0; i < f.d.ld(); ++i) xh_t[i * ldt + s] = f.xh[s * f.d.ld() + i];
  }
  lmpack::nn::lstm_weight_grad(f.d, xh_t.data(), ldt, dz.data(), CellFixture::B, gW.data());

  lmpack::nn::Rng pick(5);
  for (int t = 0; t < 60; ++t) {
    const std::size_t i = pick.next() % f.W.size();
    expect_close(gW[i], f.numeric(&f.W[i]), "W[" + std::to_string(i) + "]");
  }
  for (std::size_t j = 0; j < f.b.size(); j += 3) {
    expect_close(gb[j], f.numeric(&f.b[j]), "b[" + std::to_string(j) + "]");
  }
  for (std::size_t j = 0; j < f.d.gates(); j += 5) {
    for (std::size_t s : {1, 3}) {
      const std::size_t i = s * f.d.gates() + j;
      expect_close(gE[i], f.numeric(&f.E[i]), "E[" + std::to_string(i) + "]");
    }
    EXPECT_EQ(gE[0 * f.d.gates() + j], 0.0f);  // symbol 0 unused
  }
  for (std::size_t i = 0; i < f.xh.size(); ++i) {
    expect_close(dxh[i], f.numeric(&f.xh[i]), "xh[" + std::to_string(i) + "]");
  }
  for (std::size_t i = 0; i < f.cp.size(); ++i) {
    expect_close(dc[i], f.numeric(&f.cp[i]), "c_prev[" + std::to_string(i) + "]");
  }
}

TEST(NnLstmCell, BackwardMatchesFiniteDifferences) { check_cell_gradient(false); }
TEST(NnLstmCell, CoupledBackwardMatchesFiniteDifferences) { check_cell_gradient(true); }

TEST(NnLstmCell, StreamsAreIndependentOfTheBatch) {
  CellFixture f;
  // The batched path (inputs transposed, W read once) must match the stream-by-stream one.
  const std::size_t ldt = 16;
  Buffer xh_t(f.d.ld() * ldt);
  for (std::size_t s = 0; s < CellFixture::B; ++s) {
    for (std::size_t i = 0; i < f.d.ld(); ++i) xh_t[i * ldt + s] = f.xh[s * f.d.ld() + i];
  }
  LstmStep batched = f.step();
  batched.xh_t = xh_t.data();
  batched.ldxt = ldt;
  lmpack::nn::lstm_forward(f.d, f.params(), CellFixture::B, batched);
  const Buffer h_batched(f.h), c_batched(f.c);
  f.loss();
  EXPECT_EQ(std::memcmp(h_batched.data(), f.h.data(), f.h.size() * sizeof(float)), 0);
  EXPECT_EQ(std::memcmp(c_batched.data(), f.c.data(), f.c.size() * sizeof(float)), 0);
  Buffer z1(f.d.gates()), c1(f.d.hidden), tc1(f.d.hidden), h1(f.d.hidden);
  for (std::size_t s = 0; s < CellFixture::B; ++s) {
    const LstmStep one{f.xh.data() + s * f.d.ld(),
                       f.sym + s,
                       f.cp.data() + s * f.d.hidden,
                       z1.data(),
                       c1.data(),
                       tc1.data(),
                       h1.data(),
                       f.d.hidden};
    lmpack::nn::lstm_forward(f.d, f.params(), 1, one);
    EXPECT_EQ(std::memcmp(h1.data(), f.h.data() + s * f.d.hidden, f.d.hidden * sizeof(float)), 0);
    EXPECT_EQ(std::memcmp(c1.data(), f.c.data() + s * f.d.hidden, f.d.hidden * sizeof(float)), 0);
  }
}

LstmConfig small_config(int layers, int streams, int horizon, bool coupled = false) {
  LstmConfig c;
  c.coupled = coupled;
  c.layers = layers;
  c.hidden = 16;
  c.horizon = horizon;
  c.streams = streams;
  c.init_scale = 2.0f;  // livelier activations than the default, for a sharper check
  c.seed = 99;
  return c;
}

// The loss of one window (sum of -ln p over every stream and slot) from the model's current
// weights, starting from a fresh state; leaves that window's gradient in the model.
double window_loss(ByteLstm& m, const std::vector<std::uint8_t>& data, int horizon) {
  const int S = m.streams();
  m.restart();
  double loss = 0;
  for (int k = 0; k < horizon; ++k) {
    const std::uint8_t* bytes = data.data() + k * S;
    for (int s = 0; s < S; ++s) loss -= std::log(double{m.probs(s)[bytes[s]]});
    m.step(bytes);
  }
  return loss;
}

void check_model_gradient(int layers, int streams, int horizon, bool coupled = false) {
  ByteLstm m(small_config(layers, streams, horizon, coupled));
  m.set_frozen(true);
  const auto data = sample_text(static_cast<std::size_t>(horizon * streams));
  window_loss(m, data, horizon);
  const std::vector<float> grad(m.gradients().begin(), m.gradients().end());
  std::span<float> w = m.parameters();
  ASSERT_EQ(grad.size(), w.size());
  // The layout ends with every layer's E [256, 4H]; most of its rows have no gradient, so sample
  // the dense part and the rows of the bytes in the window separately.
  const std::size_t G = (coupled ? 3 : 4) * 16,
                    e_start = w.size() - static_cast<std::size_t>(layers) * 256 * G;
  lmpack::nn::Rng pick(static_cast<std::uint64_t>(layers * 100 + streams));
  auto check = [&](std::size_t i) {
    const float keep = w[i];
    const float eps = 1e-2f;
    w[i] = keep + eps;
    const double up = window_loss(m, data, horizon);
    w[i] = keep - eps;
    const double down = window_loss(m, data, horizon);
    w[i] = keep;
    expect_close(grad[i], (up - down) / (2.0 * eps), "param " + std::to_string(i));
    return grad[i] != 0.0f;
  };
  int nonzero = 0;
  for (int t = 0; t < 200; ++t) nonzero += check(pick.next() % e_start);
  for (int t = 0; t < 100; ++t) {
    const std::size_t layer = pick.next() % static_cast<std::size_t>(layers);
    const std::uint8_t byte = data[pick.next() % data.size()];
    nonzero += check(e_start + (layer * 256 + byte) * G + pick.next() % G);
  }
  for (int t = 0; t < 20; ++t) {  // bytes that never occur have no gradient
    const std::size_t i = e_start + pick.next() % (w.size() - e_start);
    if (std::find(data.begin(), data.end(), ((i - e_start) / G) % 256) == data.end()) {
      EXPECT_EQ(grad[i], 0.0f);
    }
  }
  EXPECT_GT(nonzero, 250);
}

TEST(NnLstmModel, GradientMatchesFiniteDifferencesOneLayer) { check_model_gradient(1, 1, 7); }
TEST(NnLstmModel, GradientMatchesFiniteDifferencesTwoLayers) { check_model_gradient(2, 1, 6); }
TEST(NnLstmModel, GradientMatchesFiniteDifferencesStreams) { check_model_gradient(2, 3, 4); }
TEST(NnLstmModel, GradientMatchesFiniteDifferencesCoupled) { check_model_gradient(2, 2, 5, true); }

std::vector<float> run_probs(const LstmConfig& c, const std::vector<std::uint8_t>& data) {
  ByteLstm m(c);
  const int S = m.streams();
  std::vector<float> out;
  for (std::size_t t = 0; t + S <= data.size(); t += S) {
    for (int s = 0; s < S; ++s) out.insert(out.end(), m.probs(s), m.probs(s) + 256);
    m.step(data.data() + t);
  }
  return out;
}

TEST(NnLstmModel, TwoInstancesAreBitIdentical) {
  LstmConfig c = small_config(2, 1, 5);
  c.hidden = 32;
  const auto data = sample_text(300);
  const auto a = run_probs(c, data), b = run_probs(c, data);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0);
}

TEST(NnLstmModel, ProbabilitiesArePositiveAndSumToOne) {
  LstmConfig c = small_config(1, 2, 8);
  const auto p = run_probs(c, random_bytes(400, 3));
  for (std::size_t d = 0; d < p.size(); d += 256) {
    double sum = 0;
    for (int i = 0; i < 256; ++i) {
      ASSERT_GT(p[d + i], 0.0f);
      sum += p[d + i];
    }
    EXPECT_NEAR(sum, 1.0, 1e-4);
  }
}

// Streams share the weights, so a 3-stream model's streams differ from 1-stream runs once it has
// trained; before the first update they must equal single-stream models on the same bytes.
TEST(NnLstmModel, StreamsMatchSingleStreamRunsBeforeTheFirstUpdate) {
  const int horizon = 12;
  LstmConfig c3 = small_config(2, 3, horizon);
  LstmConfig c1 = c3;
  c1.streams = 1;
  std::vector<std::vector<std::uint8_t>> seg = {sample_text(horizon), random_bytes(horizon, 1),
                                                random_bytes(horizon, 2)};
  std::vector<std::uint8_t> interleaved;
  for (int t = 0; t < horizon; ++t) {
    for (int s = 0; s < 3; ++s) interleaved.push_back(seg[s][t]);
  }
  ByteLstm m3(c3);
  std::vector<std::unique_ptr<ByteLstm>> m1;
  for (int s = 0; s < 3; ++s) m1.push_back(std::make_unique<ByteLstm>(c1));
  for (int t = 0; t + 1 < horizon; ++t) {  // stops before the window's update
    for (int s = 0; s < 3; ++s) {
      ASSERT_EQ(std::memcmp(m3.probs(s), m1[s]->probs(0), 256 * sizeof(float)), 0)
          << "t " << t << " s " << s;
      m1[s]->step(&seg[s][t]);
    }
    m3.step(interleaved.data() + 3 * t);
  }
}

// The same model under every kernel variant this CPU runs: the kernels guarantee equal bits, so the
// model's distributions must be equal too.
TEST(NnLstmModel, EveryKernelVariantGivesTheSameBits) {
  LstmConfig c = small_config(2, 2, 6);
  c.hidden = 48;  // not a multiple of 64: exercises the kernels' partial tiles
  const auto data = sample_text(240);
  const lmpack::nn::Simd original = lmpack::nn::kernels().simd;
  std::vector<float> reference;
  for (lmpack::nn::Simd v :
       {lmpack::nn::Simd::kScalar, lmpack::nn::Simd::kAvx2, lmpack::nn::Simd::kAvx512}) {
    if (!lmpack::nn::force_simd(v)) continue;
    const auto p = run_probs(c, data);
    if (reference.empty()) {
      reference = p;
    } else {
      ASSERT_EQ(p.size(), reference.size());
      EXPECT_EQ(std::memcmp(p.data(), reference.data(), p.size() * sizeof(float)), 0)
          << lmpack::nn::simd_name(v);
    }
  }
  lmpack::nn::force_simd(original);
}

TEST(NnLstmModel, LearnsRepetitiveText) {
  LstmConfig c;
  c.hidden = 32;
  c.horizon = 16;
  c.lr = 0.02f;
  const auto data = sample_text(12000);
  ByteLstm m(c);
  double last_bits = 0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (i >= data.size() - 2000) last_bits -= std::log2(double{m.probs(0)[data[i]]});
    m.step(&data[i]);
  }
  EXPECT_LT(last_bits / 2000, 1.0);  // well below 8 bits per byte
}

TEST(NnLstmConfig, SerializeRoundTrip) {
  LstmConfig c;
  c.layers = 3;
  c.hidden = 96;
  c.horizon = 33;
  c.streams = 5;
  c.coupled = true;
  c.lr = 0.0123f;
  c.lr_end = 0.0011f;
  c.lr_decay = 54321.0f;
  c.beta1 = 0.5f;
  c.beta2 = 0.9876f;
  c.eps = 3e-5f;
  c.clip = 2.5f;
  c.forget_bias = -0.75f;
  c.init_scale = 1.25f;
  c.seed = 0x0123456789abcdefull;
  const auto bytes = serialize(c);
  EXPECT_EQ(bytes[0], kLstmParamsVersion);
  LstmConfig r;
  ASSERT_TRUE(deserialize(bytes, r).is_ok());
  EXPECT_EQ(serialize(r), bytes);
  EXPECT_EQ(r.layers, 3);
  EXPECT_EQ(r.hidden, 96);
  EXPECT_EQ(r.horizon, 33);
  EXPECT_EQ(r.streams, 5);
  EXPECT_TRUE(r.coupled);
  EXPECT_EQ(std::bit_cast<std::uint32_t>(r.lr), std::bit_cast<std::uint32_t>(c.lr));
  EXPECT_EQ(std::bit_cast<std::uint32_t>(r.forget_bias),
            std::bit_cast<std::uint32_t>(c.forget_bias));
  EXPECT_EQ(r.seed, c.seed);
}

TEST(NnLstmConfig, RejectsBadParams) {
  const auto good = serialize(LstmConfig{});
  LstmConfig r;
  ASSERT_TRUE(deserialize(good, r).is_ok());
  EXPECT_FALSE(deserialize({}, r).is_ok());
  for (std::size_t n = 1; n < good.size(); ++n) {
    EXPECT_FALSE(deserialize(std::span(good.data(), n), r).is_ok()) << "truncated to " << n;
  }
  auto longer = good;
  longer.push_back(0);
  EXPECT_FALSE(deserialize(longer, r).is_ok());
  auto version = good;
  version[0] = 2;
  EXPECT_EQ(deserialize(version, r).code(), ErrorCode::kUnknownModel);

  auto with = [](auto edit) {
    LstmConfig c;
    edit(c);
    return serialize(c);
  };
  const std::vector<std::vector<std::uint8_t>> bad = {
      with([](LstmConfig& c) { c.layers = 0; }),
      with([](LstmConfig& c) { c.layers = 200; }),
      with([](LstmConfig& c) { c.hidden = 0; }),
      with([](LstmConfig& c) { c.hidden = 100; }),  // not a multiple of 16
      with([](LstmConfig& c) { c.hidden = 65520; }),
      with([](LstmConfig& c) { c.horizon = 0; }),
      with([](LstmConfig& c) { c.horizon = 65535; }),
      with([](LstmConfig& c) { c.streams = 0; }),
      with([](LstmConfig& c) { c.streams = 1000; }),
      with([](LstmConfig& c) {  // each size allowed, together too large
        c.layers = 8;
        c.hidden = 1024;
        c.horizon = 1024;
        c.streams = 64;
      }),
      with([](LstmConfig& c) { c.lr = 0.0f; }),
      with([](LstmConfig& c) { c.lr = std::nanf(""); }),
      with([](LstmConfig& c) { c.lr_end = 1.0f; }),  // above lr
      with([](LstmConfig& c) { c.beta1 = 1.0f; }),
      with([](LstmConfig& c) { c.beta2 = -0.5f; }),
      with([](LstmConfig& c) { c.eps = 0.0f; }),
      with([](LstmConfig& c) { c.clip = std::numeric_limits<float>::infinity(); }),
      with([](LstmConfig& c) { c.forget_bias = 100.0f; }),
      with([](LstmConfig& c) { c.init_scale = -1.0f; }),
  };
  for (std::size_t i = 0; i < bad.size(); ++i) {
    EXPECT_FALSE(deserialize(bad[i], r).is_ok()) << "case " << i;
  }
  auto cell_kind = good;
  cell_kind[8] = 2;  // the coupled flag: 0 or 1
  EXPECT_FALSE(deserialize(cell_kind, r).is_ok());
}

std::unique_ptr<BlockCodec> make_codec(int streams) {
  LstmConfig c;
  c.hidden = 32;
  c.horizon = 10;
  c.streams = streams;
  std::unique_ptr<BlockCodec> codec;
  EXPECT_TRUE(lstm_family().make(5, serialize(c), codec).is_ok());
  return codec;
}

TEST(NnLstmCodec, FamilyDescribesItself) {
  const ModelFamily& f = lstm_family();
  EXPECT_EQ(f.id, 2);
  EXPECT_EQ(f.name, "lstm");
  EXPECT_EQ(f.default_level, 5);
  EXPECT_EQ(f.best_level, 9);
  for (int level = 1; level <= 9; ++level) {
    LstmConfig c;
    EXPECT_TRUE(deserialize(f.params(level), c).is_ok()) << level;
    EXPECT_GT(f.memory(level), 0u);
    EXPECT_GE(f.block_size(level), std::uint64_t{1} << 20);
  }
  std::unique_ptr<BlockCodec> codec;
  EXPECT_FALSE(f.make(5, std::vector<std::uint8_t>{9, 9, 9}, codec).is_ok());
}

TEST(NnLstmCodec, RoundTrips) {
  const std::vector<std::vector<std::uint8_t>> inputs = {
      {}, {42}, random_bytes(1000, 7), sample_text(3000)};
  for (int streams : {1, 4}) {
    auto codec = make_codec(streams);
    ASSERT_TRUE(codec);
    for (const auto& in : inputs) {
      std::vector<std::uint8_t> payload;
      codec->encode(in, payload, {});
      std::vector<std::uint8_t> out(in.size());
      codec->decode(payload, out, {});
      EXPECT_EQ(out, in) << "streams " << streams << " size " << in.size();
      if (in.size() == 3000) EXPECT_LT(payload.size(), in.size() * 3 / 4);
    }
  }
}

TEST(NnLstmCodec, CorruptPayloadDecodesToTheRightSize) {
  auto codec = make_codec(4);
  const auto in = sample_text(2000);
  std::vector<std::uint8_t> payload;
  codec->encode(in, payload, {});
  for (std::size_t cut : {std::size_t{0}, payload.size() / 2}) {
    std::vector<std::uint8_t> bad(payload.begin(), payload.begin() + cut);
    std::vector<std::uint8_t> out(in.size());
    codec->decode(bad, out, {});
    EXPECT_EQ(out.size(), in.size());
  }
  auto flipped = payload;
  for (std::size_t i = 0; i < flipped.size(); i += 7) flipped[i] ^= 0x5a;
  std::vector<std::uint8_t> out(in.size());
  codec->decode(flipped, out, {});
  EXPECT_EQ(out.size(), in.size());
  EXPECT_NE(out, in);
}

}  // namespace
}  // namespace lmpack::model::nn
