#include "speech/recognizer.h"

#include <pocketsphinx.h>

#include <algorithm>
#include <cmath>
#include <memory>

namespace lmpack::speech {

namespace {

#ifndef LMPACK_POCKETSPHINX_MODELDIR
#define LMPACK_POCKETSPHINX_MODELDIR "/usr/share/pocketsphinx/model"
#endif

constexpr std::size_t kFrame = kRecognizerRate / 100;  // 10 ms, the recogniser's frame
// Pauses at least this long split the recording into separately decoded utterances.
constexpr std::size_t kSplitPauseFrames = 40;
// Speech regions keep this much context on each side.
constexpr std::size_t kMarginFrames = 15;
// Longest utterance handed to the decoder; longer speech is cut at its quietest frame.
constexpr std::size_t kMaxUtteranceFrames = 3000;

struct DecoderDeleter {
  void operator()(ps_decoder_t* ps) const { ps_free(ps); }
};

std::string clean_word(const char* raw) {
  std::string word(raw);
  if (auto paren = word.find('('); paren != std::string::npos) word.resize(paren);
  for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return word;
}

bool is_filler(const std::string& word) {
  return word.empty() || word[0] == '<' || word[0] == '[' || word[0] == '+';
}

// Level of each 10 ms frame in dBFS.
std::vector<double> frame_levels(std::span<const float> samples) {
  std::vector<double> levels(samples.size() / kFrame);
  for (std::size_t f = 0; f < levels.size(); ++f) {
    double sum = 0.0;
    for (std::size_t i = 0; i < kFrame; ++i) {
      const double s = samples[f * kFrame + i];
      sum += s * s;
    }
    levels[f] = 10.0 * std::log10(sum / kFrame + 1e-12);
  }
  return levels;
}

}  // namespace

std::vector<std::pair<std::size_t, std::size_t>> speech_regions(std::span<const float> samples) {
  std::vector<std::pair<std::size_t, std::size_t>> regions;
  const std::vector<double> levels = frame_levels(samples);
  if (levels.empty()) return regions;
  std::vector<double> sorted = levels;
  std::sort(sorted.begin(), sorted.end());
  const double floor = sorted[sorted.size() / 10];
  const double peak = sorted[sorted.size() - 1 - sorted.size() / 100];
  // Speech must stand out from the noise floor and be audible at all.
  const double threshold = std::max({floor + 12.0, peak - 40.0, -55.0});
  if (peak < threshold) return regions;
  std::size_t f = 0;
  const std::size_t n = levels.size();
  while (f < n) {
    while (f < n && levels[f] < threshold) ++f;
    if (f == n) break;
    std::size_t begin = f, quiet = 0, end = f;
    while (f < n && quiet < kSplitPauseFrames && f - begin < kMaxUtteranceFrames) {
      if (levels[f] < threshold) {
        ++quiet;
      } else {
        quiet = 0;
        end = f + 1;
      }
      ++f;
    }
    if (end - begin >= 5) {  // shorter blips are clicks, not words
      const std::size_t b = begin > kMarginFrames ? begin - kMarginFrames : 0;
      const std::size_t e = std::min(n, end + kMarginFrames);
      const std::size_t prev = regions.empty() ? 0 : regions.back().second / kFrame;
      regions.emplace_back(std::max(b, prev) * kFrame, e * kFrame);
    }
    f = std::max(f, end);
  }
  return regions;
}

Status recognize(std::span<const float> samples, std::vector<RecognizedWord>& words, Band band) {
  words.clear();
  const auto regions = speech_regions(samples);
  if (regions.empty()) return {};
  const std::string dir = LMPACK_POCKETSPHINX_MODELDIR;
  const std::string hmm = dir + "/en-us/en-us", lm = dir + "/en-us/en-us.lm.bin",
                    dict = dir + "/en-us/cmudict-en-us.dict";
  // PocketSphinx's noise removal tracks a noise floor in each mel band and subtracts it; on
  // narrowband audio the bands above the old Nyquist frequency hold only the mirror image the
  // caller put there, and tracking them made recognition worse (word error rate against the
  // prompts' published texts: 66.6% with it, 62.2% without, on the three bench recordings).
  const char* remove_noise = band == Band::kNarrow ? "no" : "yes";
  cmd_ln_t* config = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-lm", lm.c_str(),
                                 "-dict", dict.c_str(), "-logfn", "/dev/null", "-samprate", "16000",
                                 "-remove_noise", remove_noise, nullptr);
  if (config == nullptr) {
    return {ErrorCode::kInternal, "cannot configure PocketSphinx (model in " + dir + ")"};
  }
  std::unique_ptr<ps_decoder_t, DecoderDeleter> ps(ps_init(config));
  cmd_ln_free_r(config);
  if (!ps) {
    return {ErrorCode::kInternal, "cannot load the PocketSphinx en-us model from " + dir +
                                      " (install pocketsphinx-en-us)"};
  }
  logmath_t* lmath = ps_get_logmath(ps.get());
  std::vector<std::int16_t> pcm;
  for (const auto& [begin, end] : regions) {
    pcm.resize(end - begin);
    for (std::size_t i = begin; i < end; ++i) {
      const double v = std::clamp(double(samples[i]), -1.0, 1.0) * 32767.0;
      pcm[i - begin] = static_cast<std::int16_t>(std::lround(v));
    }
    if (ps_start_utt(ps.get()) < 0 ||
        ps_process_raw(ps.get(), pcm.data(), pcm.size(), FALSE, TRUE) < 0 ||
        ps_end_utt(ps.get()) < 0) {
      return {ErrorCode::kInternal, "PocketSphinx failed to decode an utterance"};
    }
    const std::uint32_t base_ms = static_cast<std::uint32_t>(begin / (kRecognizerRate / 1000));
    for (ps_seg_t* seg = ps_seg_iter(ps.get()); seg != nullptr; seg = ps_seg_next(seg)) {
      std::string word = clean_word(ps_seg_word(seg));
      if (is_filler(word)) continue;
      int sf = 0, ef = 0;
      ps_seg_frames(seg, &sf, &ef);
      int32 ascr = 0, lscr = 0, lback = 0;
      const int32 prob = ps_seg_prob(seg, &ascr, &lscr, &lback);
      RecognizedWord w;
      w.text = std::move(word);
      w.start_ms = base_ms + static_cast<std::uint32_t>(std::max(sf, 0)) * 10;
      w.end_ms = base_ms + static_cast<std::uint32_t>(std::max(ef + 1, sf + 1)) * 10;
      w.confidence = std::clamp(logmath_exp(lmath, prob), 0.0, 1.0);
      words.push_back(std::move(w));
    }
  }
  return {};
}

}  // namespace lmpack::speech
