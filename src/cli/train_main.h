// `lmpack train ...`: trains a byte-level transformer prior on a corpus (model/nn/trainer.h) and
// writes it as a weights file (nn/weights_file.h).
#pragma once

namespace lmpack::cli {

// argv[0] is "train". Returns the exit code: 0 ok, 1 error, 2 usage.
int run_train(int argc, char** argv);

}  // namespace lmpack::cli
