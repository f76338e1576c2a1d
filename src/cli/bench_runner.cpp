#include "cli/bench_runner.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "cli/cleanup.h"
#include "cli/file_io.h"

namespace lmpack::cli {

ProcessStats run_process(const std::vector<std::string>& argv, const std::string& stdin_path,
                         const std::string& stdout_path) {
  ProcessStats stats;
  int in = ::open(stdin_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    stats.error = stdin_path + ": " + errno_message(errno);
    return stats;
  }
  int out = ::open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) {
    stats.error = stdout_path + ": " + errno_message(errno);
    ::close(in);
    return stats;
  }
  // Everything the child needs is prepared before fork(): after it, only exec-safe calls.
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  auto start = std::chrono::steady_clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::dup2(in, STDIN_FILENO) < 0 || ::dup2(out, STDOUT_FILENO) < 0) _exit(127);
    ::execv(args[0], args.data());
    _exit(127);
  }
  int fork_errno = errno;
  if (pid > 0) set_cleanup_child(pid);
  ::close(in);
  ::close(out);
  if (pid < 0) {
    stats.error = "fork failed: " + errno_message(fork_errno);
    return stats;
  }
  int status = 0;
  struct rusage usage {};
  while (::wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) {
      set_cleanup_child(0);
      stats.error = "wait4 failed: " + errno_message(errno);
      return stats;
    }
  }
  set_cleanup_child(0);
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stats.max_rss_kib = static_cast<std::uint64_t>(usage.ru_maxrss);
  if (WIFSIGNALED(status)) {
    stats.error = "killed by signal " + std::to_string(WTERMSIG(status));
  } else if (WEXITSTATUS(status) == 127) {
    stats.error = "could not run " + argv[0];
  } else if (WEXITSTATUS(status) != 0) {
    stats.error = "exited with status " + std::to_string(WEXITSTATUS(status));
  } else {
    stats.ok = true;
  }
  return stats;
}

BenchRunner::~BenchRunner() {
  if (dir_.empty()) return;
  ::unlink(compressed_path_.c_str());
  ::unlink(decompressed_path_.c_str());
  ::rmdir(dir_.c_str());
  for (int slot : cleanup_slots_) unregister_cleanup(slot);
}

Status BenchRunner::init() {
  install_cleanup_handlers();
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/lmpack-bench-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    return Status(ErrorCode::kIo,
                  "cannot create scratch directory " + pattern + ": " + errno_message(errno));
  }
  dir_ = buffer.data();
  compressed_path_ = dir_ + "/compressed";
  decompressed_path_ = dir_ + "/decompressed";
  for (const auto& path : {compressed_path_, decompressed_path_, dir_}) {
    cleanup_slots_.push_back(register_cleanup(path));
  }
  return Status::ok();
}

Measurement BenchRunner::measure(const std::string& file, std::span<const std::uint8_t> original,
                                 const CodecSpec& codec, int runs) {
  Measurement m;
  m.file = file;
  m.codec = codec.label;
  m.family = codec.family;
  m.original_size = original.size();
  for (int run = 0; run < runs; ++run) {
    ProcessStats c = run_process(codec.compress, file, compressed_path_);
    if (!c.ok) {
      m.error = "compression " + c.error;
      return m;
    }
    ProcessStats d = run_process(codec.decompress, compressed_path_, decompressed_path_);
    if (!d.ok) {
      m.error = "decompression " + d.error;
      return m;
    }
    struct stat st {};
    ::stat(compressed_path_.c_str(), &st);
    m.compressed_size = static_cast<std::uint64_t>(st.st_size);
    m.compress_seconds = run == 0 ? c.seconds : std::min(m.compress_seconds, c.seconds);
    m.decompress_seconds = run == 0 ? d.seconds : std::min(m.decompress_seconds, d.seconds);
    m.peak_rss_kib = std::max({m.peak_rss_kib, c.max_rss_kib, d.max_rss_kib});

    std::vector<std::uint8_t> decoded;
    Status status = read_input(decompressed_path_, decoded);
    if (!status) {
      m.error = "cannot read decompressed output: " + status.message();
      return m;
    }
    if (decoded.size() != original.size() ||
        !std::equal(decoded.begin(), decoded.end(), original.begin())) {
      m.mismatch = true;
      m.error = "MISMATCH: decompressed output differs from the original (" +
                std::to_string(decoded.size()) + " bytes vs " + std::to_string(original.size()) +
                ")";
      return m;
    }
  }
  m.ok = true;
  return m;
}

}  // namespace lmpack::cli
