#include "model/ols.h"

#include <cmath>

namespace lmpack::model {

Ols::Ols(int n, double lambda, double delta, int interval, int irls)
    : n_(n),
      lambda_(lambda),
      alpha_(1.0 - lambda),
      delta_(delta),
      interval_(interval < 1 ? 1 : interval),
      countdown_(interval_),
      irls_(irls),
      x_(n, 0.0),
      w_(n, 0.0),
      r_(static_cast<std::size_t>(n) * n, 0.0),
      b_(n, 0.0),
      chol_(static_cast<std::size_t>(n) * n, 0.0),
      tmp_(n, 0.0) {}

double Ols::predict(const double* x) {
  double sum = 0.0;
  for (int i = 0; i < n_; ++i) {
    x_[i] = x[i];
    sum += w_[i] * x[i];
  }
  prediction_ = sum;
  return sum;
}

void Ols::update(double target) {
  const double* x = x_.data();
  double weight = alpha_;
  if (irls_ > 0) {
    const double e = target - prediction_;
    error_sum_ = 0.6 * error_sum_ + (e < 0 ? -e : e);
    const double m = error_sum_ + 2.0;
    // m^-p from square roots only (no libm pow).
    const double r2 = std::sqrt(m);
    const double r4 = std::sqrt(r2);
    const double mp = irls_ == 1 ? r2 : (irls_ == 2 ? r2 * r4 : m);
    weight = alpha_ / mp;
  }
  for (int i = 0; i < n_; ++i) {
    // Elementwise, so vectorising it does not change a single rounding.
    double* row = r_.data() + static_cast<std::size_t>(i) * n_;
    const double xi = weight * x[i];
    for (int j = i; j < n_; ++j) row[j] = lambda_ * row[j] + xi * x[j];
    b_[i] = lambda_ * b_[i] + xi * target;
  }
  if (--countdown_ == 0) {
    countdown_ = interval_;
    solve();
  }
}

// Solves (R + ridge) w = b; keeps the old weights when the system is not positive definite.
bool Ols::solve() {
  const int n = n_;
  double* l = chol_.data();
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j <= i; ++j) {
      double sum = r_[static_cast<std::size_t>(j) * n + i];
      if (i == j) sum += delta_ * sum + 1e-3;
      const double* li = l + static_cast<std::size_t>(i) * n;
      const double* lj = l + static_cast<std::size_t>(j) * n;
      for (int k = 0; k < j; ++k) sum -= li[k] * lj[k];
      if (i == j) {
        if (!(sum > 1e-9)) return false;  // also rejects NaN
        l[static_cast<std::size_t>(i) * n + i] = std::sqrt(sum);
      } else {
        l[static_cast<std::size_t>(i) * n + j] = sum / lj[j];
      }
    }
  }
  // L y = b, then L^T w = y.
  for (int i = 0; i < n; ++i) {
    double sum = b_[i];
    const double* li = l + static_cast<std::size_t>(i) * n;
    for (int k = 0; k < i; ++k) sum -= li[k] * tmp_[k];
    tmp_[i] = sum / li[i];
  }
  for (int i = n - 1; i >= 0; --i) {
    double sum = tmp_[i];
    for (int k = i + 1; k < n; ++k) sum -= l[static_cast<std::size_t>(k) * n + i] * w_[k];
    w_[i] = sum / l[static_cast<std::size_t>(i) * n + i];
  }
  return true;
}

}  // namespace lmpack::model
