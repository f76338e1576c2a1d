// lmpack: the command-line front end. `lmpack bench ...` runs the benchmark, `lmpack train ...`
// trains a prior; everything else is the gzip-like main command.
#include <cstring>
#include <exception>
#include <new>

#include "cli/bench_chunks.h"
#include "cli/bench_main.h"
#include "cli/cli_options.h"
#include "cli/diagnostics.h"
#include "cli/file_actions.h"
#include "cli/speech_main.h"
#include "cli/train_main.h"

int main(int argc, char** argv) {
  using namespace lmpack::cli;
  try {
    if (argc > 1 && std::strcmp(argv[1], "speech") == 0) return run_speech(argc - 1, argv + 1);
    if (argc > 1 && std::strcmp(argv[1], "train") == 0) return run_train(argc - 1, argv + 1);
    if (argc > 1 && std::strcmp(argv[1], "bench") == 0) {
      for (int i = 2; i < argc; ++i) {
        if (std::strcmp(argv[i], "--speech") == 0) {
          return run_speech_bench(argc - 1, argv + 1, argc, argv);
        }
        if (std::strcmp(argv[i], "--chunk") == 0 || std::strcmp(argv[i], "--records") == 0) {
          return run_chunk_bench(argc - 1, argv + 1);
        }
      }
      return run_bench(argc - 1, argv + 1, argc, argv);
    }
    int exit_code = kExitOk;
    auto options = parse_options(argc, argv, exit_code);
    if (!options) return exit_code;
    return run_file_actions(*options);
  } catch (const std::bad_alloc&) {
    print_error("", "out of memory");
  } catch (const std::exception& e) {
    print_error("", std::string("internal error: ") + e.what());
  }
  return kExitError;
}
