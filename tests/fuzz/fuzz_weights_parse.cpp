// Fuzzes the weights-file parser (priors and checkpoints are untrusted input). Besides "never
// crash", an accepted file has one byte form: writing it back reproduces the input (all but the
// trailing hash, which fuzzing builds do not check).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "nn/weights_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lmpack::nn;
  const std::span<const std::uint8_t> input(data, size);
  WeightsFile w;
  const lmpack::Status status = parse_weights(input, w);
  if (!status) {
    if (status.message().empty()) std::abort();
    return 0;
  }
  const std::vector<std::uint8_t> again = write_weights(w);
  if (again.size() != size || !std::equal(again.begin(), again.end() - 16, input.begin())) {
    std::abort();
  }
  return 0;
}
