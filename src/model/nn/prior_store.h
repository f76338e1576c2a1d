// Where priors (weights files, nn/weights_file.h) are found, loaded once and shared. A prior is
// asked for by name (NAME.lmw in a model directory) and, when decoding, by the hash its archive
// recorded: a file of that name whose hash differs is not used, and when no directory holds the
// right one the error names the missing model.
//
// Search order (first match wins):
//   1. directories added with add_model_dir() (the CLI's --model-dir), most recent first
//   2. each directory in $LMPACK_MODEL_DIR (colon-separated)
//   3. the install directory: <dir of the executable>/../share/lmpack/models
//   4. the source tree's models/ this library was built from (LMPACK_SOURCE_MODELS_DIR)
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lmpack/status.h"
#include "model/nn/transformer.h"
#include "nn/weights_file.h"

namespace lmpack::model::nn {

inline constexpr const char* kDefaultTextPrior = "text-en";
inline constexpr const char* kDefaultAudioPrior = "audio-pcm";  // prior-pcm's default

struct LoadedPrior {
  std::string name;  // e.g. "text-en" (for a path: its file name without .lmw)
  std::string path;  // the file it came from
  lmpack::nn::WeightsHash hash;
  lmpack::nn::WeightsFile weights;
  TransformerConfig config;  // the weights' shape (and training settings)
};

void add_model_dir(const std::string& dir);
std::vector<std::string> model_dirs();

// A valid prior name: 1..64 of [A-Za-z0-9._-], not starting with '.', or a path to a .lmw file
// (contains '/'), which is then loaded from there directly.
bool valid_prior_name(const std::string& name);

// Finds and loads prior `name`; with `want`, only a file with that hash. Loaded priors are
// cached for the life of the process (thread-safe).
Status find_prior(const std::string& name, const lmpack::nn::WeightsHash* want,
                  std::shared_ptr<const LoadedPrior>& out);

}  // namespace lmpack::model::nn
