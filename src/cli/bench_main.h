// `lmpack bench FILES|DIRS...`: lmpack's levels against the peers found on PATH, one table.
#pragma once

namespace lmpack::cli {

// argv[0] is "bench" (the subcommand); full_argc/full_argv is the whole command line, recorded
// in the report. Returns the exit code: 0, 1 (a codec failed or mismatched), 2 (usage).
int run_bench(int argc, char** argv, int full_argc, char** full_argv);

}  // namespace lmpack::cli
