// Recursive least squares by brute force: an exponentially forgotten covariance of the inputs,
// re-solved by Cholesky every few samples (the OLS stage of Sac and OptimFROG). Cheaper and
// steadier than true RLS: the O(n^2) update is a plain elementwise loop and the O(n^3) solve is
// amortised over `interval` samples.
#pragma once

#include <vector>

namespace lmpack::model::audio {

class Ols {
 public:
  // n inputs; lambda: forgetting factor; delta: ridge relative to each input's power.
  Ols(int n, double lambda, double delta, int interval);

  // Prediction from the input vector `x` (n values), remembered for update().
  double predict(const double* x);
  // Learns the target of the last predict().
  void update(double target);

 private:
  bool solve();

  int n_;
  double lambda_;
  double alpha_;  // 1 - lambda
  double delta_;
  int interval_;
  int countdown_;
  std::vector<double> x_;     // [n]
  std::vector<double> w_;     // [n]
  std::vector<double> r_;     // [n, n], upper triangle used
  std::vector<double> b_;     // [n]
  std::vector<double> chol_;  // [n, n], lower triangle
  std::vector<double> tmp_;   // [n]
};

}  // namespace lmpack::model::audio
