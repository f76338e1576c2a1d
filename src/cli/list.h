// `lmpack -l`: a table of what archives hold, read from headers and block tables only.
#pragma once

#include "cli/cli_options.h"

namespace lmpack::cli {

// Lists every file in options.files on stdout; returns 0 if all were readable archives.
int list_archives(const Options& options);

}  // namespace lmpack::cli
