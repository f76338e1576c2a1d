#include "speech/prosody.h"

#include <algorithm>
#include <cmath>

namespace lmpack::speech {

namespace {

constexpr std::size_t kPitchWindow = kRecognizerRate / 25;  // 40 ms
constexpr std::size_t kMinLag = kRecognizerRate / 400;      // 400 Hz
constexpr std::size_t kMaxLag = kRecognizerRate / 60;       // 60 Hz
constexpr std::size_t kHop = kRecognizerRate / 100;         // 10 ms
// Below this median pitch a speaker gets the male voice.
constexpr double kMaleBelowHz = 165.0;

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::uint32_t to_ticks(std::uint32_t ms) { return (ms + kTickMs / 2) / kTickMs; }

}  // namespace

double frame_pitch(std::span<const float> samples, std::size_t centre) {
  if (centre < kPitchWindow / 2 + kMaxLag || centre + kPitchWindow / 2 > samples.size()) return 0.0;
  const float* x = samples.data() + centre - kPitchWindow / 2;
  double energy = 0.0;
  for (std::size_t i = 0; i < kPitchWindow; ++i) energy += double(x[i]) * x[i];
  if (energy / kPitchWindow < 1e-6) return 0.0;  // below -60 dBFS: silence
  // Normalised cross-correlation of the window with itself `lag` samples earlier.
  std::size_t best_lag = 0;
  std::vector<double> score(kMaxLag + 2, 0.0);
  for (std::size_t lag = kMinLag; lag <= kMaxLag; ++lag) {
    const float* y = x - lag;
    double xy = 0.0, yy = 0.0;
    for (std::size_t i = 0; i < kPitchWindow; ++i) {
      xy += double(x[i]) * y[i];
      yy += double(y[i]) * y[i];
    }
    score[lag] = yy > 0.0 ? xy / std::sqrt(energy * yy) : 0.0;
  }
  // The first strong peak, not the global one, avoids octave errors downwards.
  double global = 0.0;
  for (std::size_t lag = kMinLag; lag <= kMaxLag; ++lag) global = std::max(global, score[lag]);
  if (global < 0.5) return 0.0;
  for (std::size_t lag = kMinLag + 1; lag < kMaxLag; ++lag) {
    if (score[lag] >= 0.85 * global && score[lag] >= score[lag - 1] &&
        score[lag] >= score[lag + 1]) {
      best_lag = lag;
      break;
    }
  }
  if (best_lag == 0) return 0.0;
  return double(kRecognizerRate) / double(best_lag);
}

int pitch_code(double hz) {
  if (hz <= 0.0) return 0;
  const long code = std::lround(12.0 * std::log2(hz / 50.0)) + 1;
  return static_cast<int>(std::clamp(code, 1L, static_cast<long>(kMaxPitchCode)));
}

double pitch_hz(int code) {
  if (code <= 0) return 0.0;
  return 50.0 * std::exp2(double(code - 1) / 12.0);
}

int energy_code(double mean_square) {
  const double db = 10.0 * std::log10(mean_square + 1e-12);
  const long code = std::lround((db + 90.0) / 3.0);
  return static_cast<int>(std::clamp(code, 0L, static_cast<long>(kMaxEnergyCode)));
}

double energy_db(int code) { return double(code) * 3.0 - 90.0; }

Transcript describe_speech(std::span<const float> samples,
                           const std::vector<RecognizedWord>& words) {
  Transcript t;
  std::vector<double> all_pitch;
  std::uint32_t last_end = 0;
  for (const RecognizedWord& rw : words) {
    Word w;
    w.text = rw.text;
    w.start = std::max(to_ticks(rw.start_ms), last_end);
    w.end = std::max(to_ticks(rw.end_ms), w.start + 1);
    last_end = w.end;
    const std::size_t begin = std::min<std::size_t>(samples.size(), rw.start_ms * std::size_t{16});
    const std::size_t end = std::min<std::size_t>(samples.size(), rw.end_ms * std::size_t{16});
    const std::size_t mid = begin + (end - begin) / 2;
    std::vector<double> first, second;
    for (std::size_t c = begin; c < end; c += kHop) {
      const double f0 = frame_pitch(samples, c);
      if (f0 <= 0.0) continue;
      (c < mid ? first : second).push_back(f0);
      all_pitch.push_back(f0);
    }
    w.pitch_start = static_cast<std::uint8_t>(pitch_code(median(first)));
    w.pitch_end = static_cast<std::uint8_t>(pitch_code(median(second)));
    double sum = 0.0;
    for (std::size_t i = begin; i < end; ++i) sum += double(samples[i]) * samples[i];
    w.energy =
        static_cast<std::uint8_t>(energy_code(end > begin ? sum / double(end - begin) : 0.0));
    t.words.push_back(std::move(w));
  }
  const double speaker = median(all_pitch);
  t.voice = speaker > 0.0 && speaker < kMaleBelowHz ? Voice::kMale : Voice::kFemale;
  return t;
}

}  // namespace lmpack::speech
