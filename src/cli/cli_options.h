// The main command's options, parsed with CLI11. Parsing is separate from acting so the actions
// can be read without the option plumbing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lmpack/lmpack.h"

namespace lmpack::cli {

enum class Mode { kCompress, kDecompress, kTest, kList };

struct Options {
  Mode mode = Mode::kCompress;
  bool to_stdout = false;
  std::optional<std::string> output;
  bool keep = false;
  bool force = false;
  bool no_verify = false;  // skip the verification decode after compressing
  bool verbose = false;
  bool quiet = false;
  std::optional<int> level;  // unset: the model's default level
  bool best = false;
  std::string model;
  std::string prior;                    // --prior: the prior families' prior (name or path)
  std::vector<std::string> model_dirs;  // --model-dir: where priors are looked for first
  std::string media = "auto";
  bool to_wav = false;  // --to-wav: FLAC-sourced audio archives decompress to WAV
  std::string simd;     // --simd: force a neural kernel variant (empty = the fastest supported)
  unsigned threads = 1;
  std::uint64_t block_size = 0;    // 0: the level's default
  std::vector<std::string> files;  // "-" is stdin
};

// Parses argv. Returns the options to run with, or sets exit_code when parsing already finished
// the job (--help, --version: 0) or failed (usage error, message printed: 2).
std::optional<Options> parse_options(int argc, char** argv, int& exit_code);

// The library options for compressing with `options` (progress not set).
CompressOptions compress_options(const Options& options);

// "64K", "1M", "2G", "4096" -> bytes (binary multiples). nullopt for malformed or overflowing text.
std::optional<std::uint64_t> parse_size(std::string_view text);

// Rewrites "-N" (a level, as in gzip) into "--level=N", before "--" only, so CLI11 sees one
// option with a range check instead of nine flags. Also maps the subcommand-style aliases
// "compress", "decompress", "test" and "list" (first argument only) to their flags.
std::vector<std::string> normalise_arguments(int argc, char** argv);

}  // namespace lmpack::cli
