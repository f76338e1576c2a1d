#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace lmpack::cli {

namespace {

constexpr double kShowAfter = 0.5;  // seconds of work before anything is drawn
constexpr double kTtyPeriod = 0.1;  // redraw interval on a terminal
constexpr double kLogPeriod = 5.0;  // line interval on a non-terminal with -v
constexpr int kBarWidth = 24;

std::string format_eta(double seconds) {
  if (seconds < 0 || seconds > 359999) return "--:--";
  long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

}  // namespace

std::string format_rate(std::uint64_t bytes, double seconds) {
  char buf[32];
  double rate = seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0.0;
  std::snprintf(buf, sizeof buf, "%.2f MB/s", rate);
  return buf;
}

Progress::Progress(std::string name, bool enabled)
    : name_(std::move(name)), enabled_(enabled), tty_(isatty(STDERR_FILENO) != 0) {
  start_ = phase_start_ = last_draw_ = Clock::now();
}

Progress::~Progress() { clear(); }

ProgressFn Progress::phase(std::string label) {
  label_ = std::move(label);
  phase_start_ = Clock::now();
  if (!enabled_) return {};
  return [this](std::uint64_t done, std::uint64_t total) {
    update(done, total);
    return true;
  };
}

void Progress::update(std::uint64_t done, std::uint64_t total) {
  auto now = Clock::now();
  double since_start = std::chrono::duration<double>(now - start_).count();
  if (since_start < kShowAfter) return;
  double since_draw = std::chrono::duration<double>(now - last_draw_).count();
  if (tty_) {
    // Always draw the final state so the bar does not freeze short of 100%.
    if (drawn_ && since_draw < kTtyPeriod && done < total) return;
  } else {
    // Logs get a line every few seconds and no closing line: the summary says the rest.
    if (since_draw < kLogPeriod || done >= total) return;
  }
  last_draw_ = now;
  draw(done, total, std::chrono::duration<double>(now - phase_start_).count());
}

void Progress::draw(std::uint64_t done, std::uint64_t total, double elapsed) {
  double fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  if (fraction > 1.0) fraction = 1.0;
  int filled = static_cast<int>(fraction * kBarWidth);
  std::string bar(static_cast<std::size_t>(filled), '=');
  if (filled < kBarWidth) bar += '>';
  bar.resize(kBarWidth, ' ');
  double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  double eta = rate > 0 && total >= done ? static_cast<double>(total - done) / rate : -1.0;
  char line[512];
  std::snprintf(line, sizeof line, "%s: %s [%s] %5.1f%% %s ETA %s", name_.c_str(), label_.c_str(),
                bar.c_str(), fraction * 100.0, format_rate(done, elapsed).c_str(),
                format_eta(eta).c_str());
  if (tty_) {
    std::fprintf(stderr, "\r%s\x1b[K", line);
  } else {
    std::fprintf(stderr, "%s\n", line);
  }
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::clear() {
  if (drawn_ && tty_) {
    std::fputs("\r\x1b[K", stderr);
    std::fflush(stderr);
  }
  drawn_ = false;
}

}  // namespace lmpack::cli
