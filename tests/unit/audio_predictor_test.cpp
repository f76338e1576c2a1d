// Unit tests of the audio predictor's stages and of the whole cascade: exact determinism,
// convergence on signals a linear predictor must learn, and range safety.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <vector>

#include "model/audio/frame_predictor.h"
#include "model/audio/predictor_nlms.h"
#include "model/ols.h"
#include "nn/rng.h"

namespace lmpack::model::audio {
namespace {

// One step of the project's splitmix64 (nn::Rng) on a state the caller keeps.
std::uint64_t splitmix(std::uint64_t& s) {
  nn::Rng rng(s);
  const std::uint64_t value = rng.next();
  s += 0x9e3779b97f4a7c15ull;  // where rng's state now is
  return value;
}

// A resonant second-order recursion plus a little noise: exactly what an order-2 LPC predicts.
std::vector<std::int64_t> resonance(std::size_t n, std::uint64_t seed) {
  std::vector<std::int64_t> out(n);
  double y1 = 0.0, y2 = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double noise = static_cast<double>(static_cast<int>(splitmix(seed) % 41) - 20);
    const double y = 1.8 * y1 - 0.9 * y2 + noise;
    y2 = y1;
    y1 = y;
    out[i] = static_cast<std::int64_t>(y);
  }
  return out;
}

TEST(AudioOls, LearnsAnExactLinearRecursion) {
  // A sampled sine obeys s[t] = 2cos(w) s[t-1] - s[t-2] exactly.
  Ols ols(2, 0.999, 0.0, 4);
  std::vector<double> s = {0.0, 1000.0};
  for (int i = 2; i < 401; ++i) s.push_back(1.6 * s[i - 1] - s[i - 2]);
  double last_err = 1e9;
  for (int i = 2; i < 401; ++i) {
    const double x[2] = {s[i - 1], s[i - 2]};
    last_err = s[i] - ols.predict(x);
    ols.update(s[i]);
  }
  EXPECT_LT(last_err < 0 ? -last_err : last_err, 1e-3);
}

TEST(AudioNlms, ConvergesOnASine) {
  // A pure tone is predictable from two past samples: s[t] = 2cos(w) s[t-1] - s[t-2].
  Nlms f(8, 0.05);
  std::vector<double> s(4000);
  double a = 0.0, b = 1000.0;
  const double c = 2.0 * 0.9;  // 2 cos(w)
  for (double& v : s) {
    const double n = c * b - a;
    a = b;
    b = n;
    v = n;
  }
  double err_sum = 0.0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const double e = s[i] - f.predict();
    if (i >= 3000) err_sum += e < 0 ? -e : e;
    f.update(s[i]);
  }
  EXPECT_LT(err_sum / 1000.0, 10.0);  // vs an amplitude of ~2300
}

// Runs the predictor over interleaved samples; returns the predictions.
std::vector<std::int64_t> run(const std::vector<std::int64_t>& s, int channels, int bits,
                              const PredictorConfig& config) {
  FramePredictor p(channels, bits, config);
  std::vector<std::int64_t> out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); i += channels) {
    for (int c = 0; c < channels; ++c) {
      out.push_back(p.predict(c));
      p.update(c, s[i + c]);
    }
  }
  return out;
}

TEST(AudioFramePredictor, IsDeterministicAndPredicts) {
  const auto s = resonance(20000, 3);
  PredictorConfig config;
  const auto a = run(s, 1, 16, config);
  const auto b = run(s, 1, 16, config);
  EXPECT_EQ(a, b);
  // Mean |residual| well below the signal's and near the noise's (~10).
  double res = 0.0, sig = 0.0;
  for (std::size_t i = 10000; i < s.size(); ++i) {
    res += static_cast<double>(s[i] > a[i] ? s[i] - a[i] : a[i] - s[i]);
    sig += static_cast<double>(s[i] < 0 ? -s[i] : s[i]);
  }
  EXPECT_LT(res, 0.2 * sig);
  EXPECT_LT(res / 10000.0, 12.0);
}

TEST(AudioFramePredictor, StereoUsesTheOtherChannel) {
  // Channel 1 equals channel 0 of the same frame: after learning, predicted exactly.
  const auto m = resonance(8000, 5);
  std::vector<std::int64_t> s;
  for (std::int64_t v : m) {
    s.push_back(v);
    s.push_back(v);
  }
  PredictorConfig config;
  const auto p = run(s, 2, 16, config);
  int exact = 0;
  for (std::size_t i = 8000; i < s.size(); i += 2) exact += p[i + 1] == s[i + 1];
  EXPECT_GT(exact, 3900);
}

TEST(AudioFramePredictor, PredictionsStayInRange) {
  // Full-scale square waves and random extremes at every width.
  for (int bits : {1, 2, 8, 16, 24, 32}) {
    const std::int64_t lo = -(std::int64_t{1} << (bits - 1));
    const std::int64_t hi = (std::int64_t{1} << (bits - 1)) - 1;
    std::uint64_t seed = static_cast<std::uint64_t>(bits);
    std::vector<std::int64_t> s;
    for (int i = 0; i < 3000; ++i) {
      const std::uint64_t r = splitmix(seed);
      s.push_back(i < 1500 ? ((i / 3) % 2 ? hi : lo) : (r & 1 ? hi : (r & 2 ? lo : 0)));
    }
    PredictorConfig config;
    for (std::int64_t p : run(s, 1, bits, config)) {
      ASSERT_GE(p, lo);
      ASSERT_LE(p, hi);
    }
  }
}

TEST(AudioFramePredictor, FloatBitsAreReproducible) {
  // The same config built twice from the same doubles must give the same predictions even with
  // every stage on (the double arithmetic is the determinism risk).
  PredictorConfig config;
  config.ols_order = 32;
  config.ols_cross = 16;
  config.ols_interval = 3;
  config.nlms_ada = 5;
  config.ols_lambda2 = 0.9995;
  config.ols_irls = 2;
  config.bias = 1;
  const auto m = resonance(2500, 9);
  std::vector<std::int64_t> s;
  for (std::size_t i = 0; i < m.size(); ++i) {
    s.push_back(m[i]);
    s.push_back(m[(i * 7) % m.size()] / 3);
  }
  EXPECT_EQ(run(s, 2, 16, config), run(s, 2, 16, config));
}

}  // namespace
}  // namespace lmpack::model::audio
