// Word error rate: the word-level edit distance (substitutions + deletions + insertions) between
// a hypothesis and a reference, over the reference's length.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace lmpack::speech {

struct WerResult {
  std::size_t errors = 0;
  std::size_t reference_words = 0;
  // errors / reference_words; 0 for two empty transcripts, 1 per inserted word otherwise.
  double rate() const {
    if (reference_words == 0) return errors == 0 ? 0.0 : double(errors);
    return double(errors) / double(reference_words);
  }
};

WerResult word_error_rate(const std::vector<std::string>& reference,
                          const std::vector<std::string>& hypothesis);

}  // namespace lmpack::speech
