// `lmpack speech encode|decode|show ...`: the lossy speech mode's commands, and
// `lmpack bench --speech FILES`, its quality report.
#pragma once

namespace lmpack::cli {

// argv[0] is "speech". Returns the exit code: 0 ok, 1 error, 2 usage.
int run_speech(int argc, char** argv);

// argv[0] is "bench" and one argument is "--speech"; full_argc/full_argv is the whole command
// line, recorded in the report.
int run_speech_bench(int argc, char** argv, int full_argc, char** full_argv);

}  // namespace lmpack::cli
