#include "model/audio/frame_predictor.h"

#include <algorithm>
#include <vector>

#include "model/audio/predictor_nlms.h"
#include "model/ols.h"

namespace lmpack::model::audio {
namespace {

// A channel's past samples, oldest first, with the newest `n` always contiguous.
class History {
 public:
  explicit History(int n)
      : n_(n < 1 ? 1 : n), buf_(static_cast<std::size_t>(n_) + 4096, 0.0), end_(n_) {}
  void push(double v) {
    if (end_ == buf_.size()) {
      std::copy(buf_.end() - n_, buf_.end(), buf_.begin());
      end_ = n_;
    }
    buf_[end_++] = v;
  }
  // The newest sample is [-1], the one before it [-2], ...
  const double* newest_end() const { return buf_.data() + end_; }

 private:
  int n_;
  std::vector<double> buf_;
  std::size_t end_;
};

int sign(double v) { return v > 0.0 ? 1 : (v < 0.0 ? -1 : 0); }

constexpr int kBiasContexts = 9;
constexpr double kBiasRate = 0.004;
constexpr double kBlendRate = 0.01;

struct Channel {
  Channel(const PredictorConfig& c, int cross)
      : history(std::max(c.ols_order, c.ols_cross) + 1),
        ols(c.ols_order + cross, c.ols_lambda, c.ols_delta, c.ols_interval, c.ols_irls),
        ols2(c.ols_lambda2 > 0.0 ? c.ols_order + cross : 0,
             c.ols_lambda2 > 0.0 ? c.ols_lambda2 : 0.999, c.ols_delta, c.ols_interval, c.ols_irls),
        inputs(static_cast<std::size_t>(c.ols_order + cross), 0.0) {
    for (int k = 0; k < kNlmsStages; ++k) {
      if (c.nlms_orders[k] > 0)
        stages.emplace_back(c.nlms_orders[k], c.nlms_rates[k], (c.nlms_ada >> k & 1) != 0);
    }
    stage_pred.assign(stages.size(), 0.0);
    mix.assign(stages.size(), 1.0);
    for (int k = 0; k < 2; ++k) {
      if (c.alt_orders[k] > 0) alt.emplace_back(c.alt_orders[k], c.alt_rates[k], false);
    }
    alt_pred.assign(alt.size(), 0.0);
  }

  History history;
  Ols ols;
  Ols ols2;
  double ols_a = 0.0, ols_b = 0.0;  // the two OLS predictions
  double err_a = 1.0, err_b = 1.0;  // their running mean squared errors
  std::vector<Nlms> stages;
  std::vector<double> inputs;      // [ols_order + cross]
  std::vector<double> stage_pred;  // [stages]
  std::vector<double> mix;         // [stages]
  double bias[kBiasContexts] = {};
  int bias_ctx = 0;
  int last_err_sign = 0;
  double ols_pred = 0.0;
  double cascade = 0.0;          // combined stage predictions
  std::vector<Nlms> alt;         // the parallel cascade
  std::vector<double> alt_pred;  // [alt]
  double alt_cascade = 0.0;
  double err_main = 1.0, err_alt = 1.0;  // running mean squared errors of the two cascades
  double before_bias = 0.0;
  std::int64_t prediction = 0;
  bool rounded_up = false;
  int fraction = 0;
  std::uint64_t motion = 0;
  std::uint32_t error_scale = 0;
};

}  // namespace

struct FramePredictor::Impl {
  PredictorConfig config;
  int channels;
  int cross;  // OLS taps on the reference channel, 0 for mono
  double lo, hi;
  std::vector<Channel> ch;
};

FramePredictor::FramePredictor(int channels, int bits, const PredictorConfig& config)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.config = config;
  m.channels = channels;
  m.cross = channels > 1 ? config.ols_cross : 0;
  if (config.ols_order == 0) m.cross = 0;
  const double half = static_cast<double>(std::int64_t{1} << (bits - 1));
  m.lo = -half;
  m.hi = half - 1.0;
  m.ch.reserve(channels);
  for (int c = 0; c < channels; ++c) m.ch.emplace_back(config, m.cross);
}

FramePredictor::~FramePredictor() = default;

std::int64_t FramePredictor::predict(int ch) {
  Impl& m = *impl_;
  Channel& c = m.ch[ch];
  const int order = m.config.ols_order;
  double p = 0.0;
  if (order > 0) {
    double* x = c.inputs.data();
    const double* own = c.history.newest_end();
    for (int i = 0; i < order; ++i) x[i] = own[-1 - i];
    if (m.cross > 0) {
      // Channel 0 regresses on channel 1's past; later channels on the channel before them,
      // whose sample of this frame is already known.
      const int ref = ch == 0 ? 1 : ch - 1;
      const double* r = m.ch[ref].history.newest_end();
      for (int i = 0; i < m.cross; ++i) x[order + i] = r[-1 - i];
    }
    p = c.ols.predict(x);
    if (m.config.ols_lambda2 > 0.0) {
      c.ols_a = p;
      c.ols_b = c.ols2.predict(x);
      // Inverse-variance weights.
      p = (c.ols_a * c.err_b + c.ols_b * c.err_a) / (c.err_a + c.err_b);
    }
  }
  c.ols_pred = p;
  double cascade = 0.0;
  for (std::size_t k = 0; k < c.stages.size(); ++k) {
    c.stage_pred[k] = c.stages[k].predict();
    cascade += c.mix[k] * c.stage_pred[k];
  }
  c.cascade = cascade;
  if (!c.alt.empty()) {
    double alt = 0.0;
    for (std::size_t k = 0; k < c.alt.size(); ++k) {
      c.alt_pred[k] = c.alt[k].predict();
      alt += c.alt_pred[k];
    }
    c.alt_cascade = alt;
    // Weights by the fourth power of the inverse mean squared errors: sharper than the OLS
    // windows' inverse-variance blend, since one cascade is usually clearly better (measured:
    // power 1 lost to the long cascade alone on drums, power 4 matches it and wins on speech).
    double wa = c.err_alt * c.err_alt, wm = c.err_main * c.err_main;
    wa *= wa, wm *= wm;
    cascade = (cascade * wa + alt * wm) / (wm + wa);
  }
  p += cascade;
  c.before_bias = p;
  if (m.config.bias) {
    c.bias_ctx = 3 * (c.last_err_sign + 1) + (sign(p - c.history.newest_end()[-1]) + 1);
    p += c.bias[c.bias_ctx];
  }
  // NaN (only reachable from corrupt input) fails both comparisons and lands on lo.
  if (!(p > m.lo)) p = m.lo;
  if (p > m.hi) p = m.hi;
  c.prediction = static_cast<std::int64_t>(p >= 0.0 ? p + 0.5 : p - 0.5);
  c.rounded_up = static_cast<double>(c.prediction) > p;
  const double f = (p - static_cast<double>(c.prediction)) * 256.0;
  c.fraction = static_cast<int>(f >= 0.0 ? f + 0.5 : f - 0.5);
  const double step = static_cast<double>(c.prediction) - c.history.newest_end()[-1];
  c.motion = static_cast<std::uint64_t>(step < 0.0 ? -step : step);
  return c.prediction;
}

void FramePredictor::update(int ch, std::int64_t sample) {
  Impl& m = *impl_;
  Channel& c = m.ch[ch];
  const double s = static_cast<double>(sample);
  if (m.config.ols_order > 0) {
    c.ols.update(s);
    if (m.config.ols_lambda2 > 0.0) {
      c.ols2.update(s);
      const double ea = s - c.ols_a, eb = s - c.ols_b;
      c.err_a += kBlendRate * (ea * ea - c.err_a);
      c.err_b += kBlendRate * (eb * eb - c.err_b);
      // Keeps the weights defined in digital silence.
      if (c.err_a < 1e-6) c.err_a = 1e-6;
      if (c.err_b < 1e-6) c.err_b = 1e-6;
    }
  }
  double target = s - c.ols_pred;
  const double cascade_err = target - c.cascade;
  if (!c.alt.empty()) {
    const double alt_err = target - c.alt_cascade;
    c.err_main += kBlendRate * (cascade_err * cascade_err - c.err_main);
    c.err_alt += kBlendRate * (alt_err * alt_err - c.err_alt);
    if (c.err_main < 1e-6) c.err_main = 1e-6;
    if (c.err_alt < 1e-6) c.err_alt = 1e-6;
    double t = target;
    for (std::size_t k = 0; k < c.alt.size(); ++k) {
      c.alt[k].update(t);
      t -= c.alt_pred[k];
    }
  }
  for (std::size_t k = 0; k < c.stages.size(); ++k) {
    c.stages[k].update(target);
    target -= c.stage_pred[k];
  }
  if (m.config.mix_rate > 0.0) {
    const double step = m.config.mix_rate * sign(cascade_err);
    for (std::size_t k = 0; k < c.stages.size(); ++k) c.mix[k] += step * sign(c.stage_pred[k]);
  }
  if (m.config.bias) {
    double& b = c.bias[c.bias_ctx];
    b += kBiasRate * ((s - c.before_bias) - b);
  }
  const std::int64_t err = sample - c.prediction;
  c.last_err_sign = err > 0 ? 1 : (err < 0 ? -1 : 0);
  const std::uint64_t mag =
      err < 0 ? 0 - static_cast<std::uint64_t>(err) : static_cast<std::uint64_t>(err);
  const std::uint64_t scaled = std::min<std::uint64_t>(mag, std::uint64_t{1} << 27) << 4;
  c.error_scale = static_cast<std::uint32_t>(c.error_scale + (scaled >> 4) - (c.error_scale >> 4));
  c.history.push(s);
}

bool FramePredictor::rounded_up(int ch) const { return impl_->ch[ch].rounded_up; }

std::uint32_t FramePredictor::error_scale(int ch) const { return impl_->ch[ch].error_scale; }

int FramePredictor::fraction(int ch) const { return impl_->ch[ch].fraction; }

std::uint64_t FramePredictor::motion(int ch) const { return impl_->ch[ch].motion; }

}  // namespace lmpack::model::audio
