#include "model/audio/token_lpc.h"

#include <bit>
#include <cmath>

namespace lmpack::model::audio {

namespace {

// fdlibm's split of ln 2: k * kLn2Hi is exact for |k| < 2^20.
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kLog2e = 1.44269504088896338700e+00;

// P(X in [a, b)) for X ~ logistic(0, 1), with the difference taken on the side of 0 where it
// does not cancel: 1 - F(t) = 1 / (1 + e^t).
double logistic_mass(double ta, double tb) {
  if (ta >= 0.0) return 1.0 / (1.0 + exact_exp(ta)) - 1.0 / (1.0 + exact_exp(tb));
  return 1.0 / (1.0 + exact_exp(-tb)) - 1.0 / (1.0 + exact_exp(-ta));
}

int to_p12(double p) {
  const double q = p * 4096.0;
  if (!(q >= 1.0)) return 1;  // also NaN
  if (q >= 4095.0) return 4095;
  return static_cast<int>(q);
}

}  // namespace

double exact_exp(double x) {
  if (x < -745.0) return 0.0;
  if (x > 709.0) x = 709.0;
  const double k = std::floor(x * kLog2e + 0.5);
  double r = x - k * kLn2Hi;
  r = r - k * kLn2Lo;
  // Taylor series of e^r to r^12 by Horner's rule: |r| <= 0.35, so the tail is below 2e-16.
  double p = 1.0 / 479001600.0;
  constexpr double kInvFact[12] = {
      1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0,
      1.0 / 120.0,      1.0 / 24.0,      1.0 / 6.0,      0.5,           1.0,          1.0};
  for (double c : kInvFact) p = p * r + c;
  return std::ldexp(p, static_cast<int>(k));  // exact scaling by 2^k
}

TokenLpc::TokenLpc(const StreamShape& shape, const TokenLpcConfig& config)
    : bytes_(shape.audio ? shape.bytes_per_sample : 1),
      channels_(shape.audio ? shape.channels : 1),
      total_bits_(8 * bytes_),
      config_(config),
      past_(static_cast<std::size_t>(channels_), std::vector<double>(config.order, 0.0)),
      // Before any error is seen the scale is a sixteenth of the range: wide, not flat.
      scale_(static_cast<std::size_t>(channels_),
             std::ldexp(1.0, total_bits_ - 4 > 0 ? total_bits_ - 4 : 0)) {
  ols_.reserve(static_cast<std::size_t>(channels_));
  for (int c = 0; c < channels_; ++c)
    ols_.emplace_back(config.order, config.lambda, config.delta, 1);
  start_sample();
}

void TokenLpc::start_sample() {
  const std::vector<double>& past = past_[static_cast<std::size_t>(channel_)];
  const double prediction = ols_[static_cast<std::size_t>(channel_)].predict(past.data());
  const double half = std::ldexp(1.0, total_bits_ - 1);
  mu_ = prediction + half;
  const double top = 2.0 * half - 1.0;
  if (!(mu_ >= 0.0)) mu_ = 0.0;  // also NaN
  if (mu_ > top) mu_ = top;
  // A logistic's mean absolute deviation is 2 ln 2 times its scale.
  double s = scale_[static_cast<std::size_t>(channel_)] * 0.7213475204444817;
  if (s < 0.25) s = 0.25;
  s_[0] = s;
  s_[1] = s * config_.wide;
  const int width = std::bit_width(static_cast<std::uint64_t>(s));
  spread_ = width * 8 / (total_bits_ + 1);
  prefix_ = 0;
}

void TokenLpc::p12(int c0, int out[kScales]) const {
  // The values still possible: the sample's bytes so far, then this byte's bits so far.
  const int depth = std::bit_width(static_cast<unsigned>(c0)) - 1;  // bits of this byte known
  const int rest = total_bits_ - 8 * byte_ - depth;                 // bits unknown, >= 1
  const std::uint64_t known =
      (prefix_ << depth) | (static_cast<std::uint64_t>(c0) & ((1u << depth) - 1));
  const double lo = std::ldexp(static_cast<double>(known), rest);
  const double half_width = std::ldexp(1.0, rest - 1);
  const double mid = lo + half_width;
  const double hi = mid + half_width;
  for (int k = 0; k < kScales; ++k) {
    const double inv = 1.0 / s_[k];
    const double ta = (lo - 0.5 - mu_) * inv;
    const double tm = (mid - 0.5 - mu_) * inv;
    const double tb = (hi - 0.5 - mu_) * inv;
    const double whole = logistic_mass(ta, tb);
    if (whole > 1e-280) {
      out[k] = to_p12(logistic_mass(tm, tb) / whole);
    } else {
      // Far in a tail, where the logistic is exponential: the half nearer mu holds
      // 1 / (1 + e^(-h/s)) of the mass wherever the interval is.
      const double near = 1.0 / (1.0 + exact_exp(-half_width * inv));
      out[k] = to_p12(lo > mu_ ? 1.0 - near : near);
    }
  }
}

void TokenLpc::byte_done(std::uint8_t byte) {
  prefix_ = (prefix_ << 8) | byte;
  if (++byte_ < bytes_) return;
  byte_ = 0;
  const auto c = static_cast<std::size_t>(channel_);
  const double half = std::ldexp(1.0, total_bits_ - 1);
  const double value = static_cast<double>(prefix_) - half;
  const double error = value + half - mu_;
  ols_[c].update(value);
  scale_[c] =
      (1.0 - config_.scale_rate) * scale_[c] + config_.scale_rate * (error < 0.0 ? -error : error);
  std::vector<double>& past = past_[c];
  for (std::size_t i = past.size() - 1; i > 0; --i) past[i] = past[i - 1];
  if (!past.empty()) past[0] = value;
  channel_ = channel_ + 1 == channels_ ? 0 : channel_ + 1;
  start_sample();
}

}  // namespace lmpack::model::audio
