// Normalised LMS filter on one signal's own past: the cascade stages after the OLS stage (Monkey's
// Audio and Sac run several of these, long to short, each on what the previous one left).
// Header-only so the per-sample loops inline into the frame predictor.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace lmpack::model::audio {

class Nlms {
 public:
  Nlms(int n, double rate, bool ada = false)
      : ada_(ada),
        eg_(ada ? n : 0, 0.0),
        n_(n),
        rate_(rate),
        w_(n, 0.0),
        hist_(static_cast<std::size_t>(n) + kSlack, 0.0),
        end_(n) {}

  // w . x over the last n inputs (oldest first); also measures their power for update().
  double predict() {
    const double* x = hist_.data() + (end_ - n_);
    // Four partial sums in a fixed order: the same roundings on every build, without one long
    // chain of dependent additions.
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    double p0 = 0.0, p1 = 0.0, p2 = 0.0, p3 = 0.0;
    int i = 0;
    for (; i + 4 <= n_; i += 4) {
      s0 += w_[i] * x[i];
      s1 += w_[i + 1] * x[i + 1];
      s2 += w_[i + 2] * x[i + 2];
      s3 += w_[i + 3] * x[i + 3];
      p0 += x[i] * x[i];
      p1 += x[i + 1] * x[i + 1];
      p2 += x[i + 2] * x[i + 2];
      p3 += x[i + 3] * x[i + 3];
    }
    for (; i < n_; ++i) {
      s0 += w_[i] * x[i];
      p0 += x[i] * x[i];
    }
    power_ = (p0 + p1) + (p2 + p3);
    prediction_ = (s0 + s1) + (s2 + s3);
    return prediction_;
  }

  // Learns `target` (the value predict() aimed at) and appends it to the history.
  void update(double target) {
    const double err = target - prediction_;
    const double* x = hist_.data() + (end_ - n_);
    if (ada_) {
      // Per-tap step normalised by the RMS of that tap's gradient (Sac's LMS-ADA).
      for (int i = 0; i < n_; ++i) {
        const double grad = err * x[i];
        eg_[i] = kBeta * eg_[i] + (1.0 - kBeta) * (grad * grad);
        w_[i] += rate_ * grad / (std::sqrt(eg_[i]) + kAdaEps);
      }
    } else {
      const double g = rate_ * err / (power_ + kEps);
      for (int i = 0; i < n_; ++i) w_[i] += g * x[i];
    }
    if (end_ == hist_.size()) {
      std::copy(hist_.end() - (n_ - 1), hist_.end(), hist_.begin());
      end_ = n_ - 1;
    }
    hist_[end_++] = target;
  }

 private:
  static constexpr std::size_t kSlack = 1024;
  static constexpr double kEps = 1.0;
  static constexpr double kBeta = 0.998;
  static constexpr double kAdaEps = 0.001;

  bool ada_;
  std::vector<double> eg_;  // [n] running mean square of each tap's gradient

  int n_;
  double rate_;
  std::vector<double> w_;     // [n], w_[i] multiplies the (n - i)-th newest input
  std::vector<double> hist_;  // inputs, oldest first; the window is [end_ - n, end_)
  std::size_t end_;
  double power_ = 0.0;
  double prediction_ = 0.0;
};

}  // namespace lmpack::model::audio
