// Progress display on stderr for long work: a bar with percent, MB/s and ETA. On a terminal it
// redraws one line; with -v on a non-terminal it prints a plain line every few seconds so logs
// stay readable. Nothing is shown for work that finishes within half a second.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "lmpack/lmpack.h"

namespace lmpack::cli {

class Progress {
 public:
  // enabled: the caller's decision (stderr is a TTY and not -q, or -v).
  Progress(std::string name, bool enabled);
  ~Progress();

  // Starts a phase ("compressing", "verifying", ...) and returns the callback for the library.
  ProgressFn phase(std::string label);
  // Erases the bar (if drawn) so the next line starts clean.
  void clear();

 private:
  void update(std::uint64_t done, std::uint64_t total);
  void draw(std::uint64_t done, std::uint64_t total, double elapsed);

  using Clock = std::chrono::steady_clock;
  std::string name_;
  std::string label_;
  bool enabled_;
  bool tty_;
  bool drawn_ = false;
  Clock::time_point start_;
  Clock::time_point phase_start_;
  Clock::time_point last_draw_;
};

// "1.02 MB/s" style figure; bytes over seconds, decimal megabytes as zstd and xz report.
std::string format_rate(std::uint64_t bytes, double seconds);

}  // namespace lmpack::cli
