#include "speech/resample.h"

#include <cmath>
#include <cstdint>

namespace lmpack::speech {

namespace {

constexpr double kPi = 3.14159265358979323846;
// Taps on each side of the centre, measured in periods of the lower of the two rates.
constexpr int kHalfWidth = 16;

double sinc(double x) {
  if (x == 0.0) return 1.0;
  return std::sin(kPi * x) / (kPi * x);
}

}  // namespace

std::vector<float> resample(std::span<const float> in, std::uint32_t from_rate,
                            std::uint32_t to_rate) {
  if (from_rate == to_rate || in.empty() || from_rate == 0 || to_rate == 0) {
    return std::vector<float>(in.begin(), in.end());
  }
  const std::uint64_t out_n =
      (static_cast<std::uint64_t>(in.size()) * to_rate + from_rate / 2) / from_rate;
  std::vector<float> out(out_n);
  // Cut-off at 0.95 of the lower Nyquist frequency, expressed in input samples.
  const double cutoff = 0.95 * (to_rate < from_rate ? double(to_rate) / from_rate : 1.0);
  const double half = kHalfWidth / cutoff;  // half window in input samples
  const auto n = static_cast<std::int64_t>(in.size());
  for (std::uint64_t i = 0; i < out_n; ++i) {
    const double pos = double(i) * from_rate / to_rate;
    const auto first = static_cast<std::int64_t>(std::ceil(pos - half));
    const auto last = static_cast<std::int64_t>(std::floor(pos + half));
    double acc = 0.0, weight = 0.0;
    for (std::int64_t j = first; j <= last; ++j) {
      const double d = double(j) - pos;
      const double window = 0.5 + 0.5 * std::cos(kPi * d / half);  // Hann
      const double w = cutoff * sinc(cutoff * d) * window;
      weight += w;
      if (j >= 0 && j < n) acc += w * in[static_cast<std::size_t>(j)];
    }
    out[i] = static_cast<float>(weight != 0.0 ? acc / weight : 0.0);
  }
  return out;
}

std::vector<float> upsample2_with_image(std::span<const float> in) {
  std::vector<float> out(2 * in.size(), 0.0f);
  for (std::size_t i = 0; i < in.size(); ++i) out[2 * i] = in[i];
  return out;
}

}  // namespace lmpack::speech
