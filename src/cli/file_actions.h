// The main command's work on each FILE: compress, decompress, test or list. Errors are reported
// per file ("lmpack: FILE: message") and the run continues with the next file.
#pragma once

#include "cli/cli_options.h"

namespace lmpack::cli {

// Processes every file in options.files; returns 0 if all succeeded, 1 otherwise.
int run_file_actions(const Options& options);

}  // namespace lmpack::cli
