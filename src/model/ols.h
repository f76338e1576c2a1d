// Recursive least squares by brute force: an exponentially forgotten covariance of the inputs,
// re-solved by Cholesky every few samples (the OLS stage of Sac and OptimFROG). Cheaper and
// steadier than true RLS: the O(n^2) update is a plain elementwise loop and the O(n^3) solve is
// amortised over `interval` samples. Shared by the audio cascade (past samples) and the image
// model (neighbouring pixels). IEEE double with a fixed order of operations and no libm beyond
// sqrt, so every build computes the same predictions (docs/determinism.md).
#pragma once

#include <vector>

namespace lmpack::model {

class Ols {
 public:
  // n inputs; lambda: forgetting factor; delta: ridge relative to each input's power;
  // irls: 0 = plain least squares, 1..3 = weight each sample by (recent |error| + 2)^-p with
  // p = 0.5, 0.75, 1 (a step of iteratively reweighted least squares towards least absolute
  // error, which is closer to what the coder pays than squared error is).
  Ols(int n, double lambda, double delta, int interval, int irls = 0);

  // Prediction from the input vector `x` (n values), remembered for update().
  double predict(const double* x);
  // Learns the target of the last predict().
  void update(double target);
  // Samples between solves from now on (the next solve comes after at most that many).
  void set_interval(int interval) {
    interval_ = interval < 1 ? 1 : interval;
    if (countdown_ > interval_) countdown_ = interval_;
  }

 private:
  bool solve();

  int n_;
  double lambda_;
  double alpha_;  // 1 - lambda
  double delta_;
  int interval_;
  int countdown_;
  int irls_;
  double error_sum_ = 0.0;
  double prediction_ = 0.0;
  std::vector<double> x_;     // [n]
  std::vector<double> w_;     // [n]
  std::vector<double> r_;     // [n, n], upper triangle used
  std::vector<double> b_;     // [n]
  std::vector<double> chol_;  // [n, n], lower triangle
  std::vector<double> tmp_;   // [n]
};

}  // namespace lmpack::model
