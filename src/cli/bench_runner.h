// Runs one codec on one file as subprocesses (compress to a scratch file, then decompress),
// timing each with a steady clock, taking peak RSS from wait4()'s rusage and checking that the
// round trip gives back the original bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "cli/peers.h"
#include "lmpack/status.h"

namespace lmpack::cli {

struct ProcessStats {
  bool ok = false;
  std::string error;  // why not ok, e.g. "exited with status 1"
  double seconds = 0;
  std::uint64_t max_rss_kib = 0;
};

// Runs argv (argv[0] is a path) with stdin from stdin_path and stdout truncated into
// stdout_path; stderr is inherited so a failing codec can say why, or truncated into
// stderr_path when one is given.
ProcessStats run_process(const std::vector<std::string>& argv, const std::string& stdin_path,
                         const std::string& stdout_path, const std::string& stderr_path = {});

struct Measurement {
  std::string file;
  std::string codec;   // CodecSpec::label
  std::string family;  // CodecSpec::family
  std::uint64_t original_size = 0;
  std::uint64_t compressed_size = 0;
  double compress_seconds = 0;      // minimum over runs
  double decompress_seconds = 0;    // minimum over runs
  std::uint64_t peak_rss_kib = 0;   // maximum over compress and decompress runs
  std::uint64_t audio_samples = 0;  // frames x channels for an audio input; 0 otherwise
  bool ok = false;
  bool mismatch = false;  // the round trip returned different bytes
  std::string error;
};

// Owns a private scratch directory for the compressed and decompressed files, removed on
// destruction and on SIGINT/SIGTERM.
class BenchRunner {
 public:
  BenchRunner() = default;
  BenchRunner(const BenchRunner&) = delete;
  BenchRunner& operator=(const BenchRunner&) = delete;
  ~BenchRunner();

  Status init();
  // Runs `codec` on `file`, whose bytes are `original`. `container` is the audio container of
  // an audio input ("wav", ...): the extension a file_args codec sees it under.
  Measurement measure(const std::string& file, std::span<const std::uint8_t> original,
                      const CodecSpec& codec, int runs, const std::string& container = {});
  // The private scratch directory (exists after init()).
  const std::string& dir() const { return dir_; }

 private:
  Measurement measure_with_files(const std::string& file, std::span<const std::uint8_t> original,
                                 const CodecSpec& codec, int runs, const std::string& container);

  std::string dir_;
  std::string compressed_path_;
  std::string decompressed_path_;
  std::string stderr_path_;
  std::vector<int> cleanup_slots_;
};

}  // namespace lmpack::cli
