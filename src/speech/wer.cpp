#include "speech/wer.h"

#include <algorithm>

namespace lmpack::speech {

WerResult word_error_rate(const std::vector<std::string>& reference,
                          const std::vector<std::string>& hypothesis) {
  // One row of the Levenshtein table at a time: O(|hyp|) memory.
  std::vector<std::size_t> prev(hypothesis.size() + 1), cur(hypothesis.size() + 1);
  for (std::size_t j = 0; j <= hypothesis.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= reference.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= hypothesis.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (reference[i - 1] == hypothesis[j - 1] ? 0 : 1);
      cur[j] = std::min({sub, prev[j] + 1, cur[j - 1] + 1});
    }
    std::swap(prev, cur);
  }
  return {prev[hypothesis.size()], reference.size()};
}

}  // namespace lmpack::speech
