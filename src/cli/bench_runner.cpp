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
#include <filesystem>

#include "cli/bench_audio.h"
#include "cli/bench_image.h"
#include "cli/cleanup.h"
#include "cli/file_io.h"

namespace lmpack::cli {

ProcessStats run_process(const std::vector<std::string>& argv, const std::string& stdin_path,
                         const std::string& stdout_path, const std::string& stderr_path) {
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
  int err = -1;
  if (!stderr_path.empty()) {
    err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (err < 0) {
      stats.error = stderr_path + ": " + errno_message(errno);
      ::close(in);
      ::close(out);
      return stats;
    }
  }
  // Everything the child needs is prepared before fork(): after it, only exec-safe calls.
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  auto start = std::chrono::steady_clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::dup2(in, STDIN_FILENO) < 0 || ::dup2(out, STDOUT_FILENO) < 0) _exit(127);
    if (err >= 0 && ::dup2(err, STDERR_FILENO) < 0) _exit(127);
    ::execv(args[0], args.data());
    _exit(127);
  }
  int fork_errno = errno;
  if (pid > 0) set_cleanup_child(pid);
  ::close(in);
  ::close(out);
  if (err >= 0) ::close(err);
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

namespace {

// How one codec is run: the command lines, what their stdin and stdout are, and where the
// compressed and decompressed results land.
struct Plan {
  std::vector<std::string> compress, decompress;
  std::string compress_stdin, compress_stdout, decompress_stdin, decompress_stdout;
  std::string compressed, decompressed;
  std::string stderr_path;  // empty: inherited
  // Identical samples pass when the bytes differ: audio peers (they rebuild the container), and
  // every codec on a FLAC input (lmpack gives FLAC back as a new FLAC file of the same samples).
  bool samples_suffice = false;
};

std::vector<std::string> substitute(const std::vector<std::string>& argv, const std::string& in,
                                    const std::string& out) {
  std::vector<std::string> result;
  for (const auto& arg : argv) result.push_back(arg == "{in}" ? in : arg == "{out}" ? out : arg);
  return result;
}

// The last non-empty line a codec wrote to stderr, to say why it failed.
std::string last_line(const std::string& path) {
  std::vector<std::uint8_t> bytes;
  if (path.empty() || !read_input(path, bytes)) return {};
  const std::string text(bytes.begin(), bytes.end());
  const std::size_t end = text.find_last_not_of(" \r\n");
  if (end == std::string::npos) return {};
  const std::size_t newline = text.find_last_of("\r\n", end);
  const std::size_t begin = newline == std::string::npos ? 0 : newline + 1;
  return text.substr(begin, end + 1 - begin);
}

Measurement run_plan(const std::string& file, std::span<const std::uint8_t> original,
                     const CodecSpec& codec, int runs, const Plan& plan) {
  Measurement m;
  m.file = file;
  m.codec = codec.label;
  m.family = codec.family;
  m.original_size = original.size();
  auto why = [&](const ProcessStats& p) {
    std::string line = last_line(plan.stderr_path);
    return p.error + (line.empty() ? "" : ": " + line);
  };
  for (int run = 0; run < runs; ++run) {
    ProcessStats c =
        run_process(plan.compress, plan.compress_stdin, plan.compress_stdout, plan.stderr_path);
    if (!c.ok) {
      m.error = "compression " + why(c);
      return m;
    }
    ProcessStats d = run_process(plan.decompress, plan.decompress_stdin, plan.decompress_stdout,
                                 plan.stderr_path);
    if (!d.ok) {
      m.error = "decompression " + why(d);
      return m;
    }
    struct stat st {};
    ::stat(plan.compressed.c_str(), &st);
    m.compressed_size = static_cast<std::uint64_t>(st.st_size);
    m.compress_seconds = run == 0 ? c.seconds : std::min(m.compress_seconds, c.seconds);
    m.decompress_seconds = run == 0 ? d.seconds : std::min(m.decompress_seconds, d.seconds);
    m.peak_rss_kib = std::max({m.peak_rss_kib, c.max_rss_kib, d.max_rss_kib});

    std::vector<std::uint8_t> decoded;
    Status status = read_input(plan.decompressed, decoded);
    if (!status) {
      m.error = "cannot read decompressed output: " + status.message();
      return m;
    }
    if (decoded.size() != original.size() ||
        !std::equal(decoded.begin(), decoded.end(), original.begin())) {
      // An audio codec that rebuilt the container differently but kept every sample has done
      // its job as an audio codec: say so rather than cry mismatch.
      if (plan.samples_suffice &&
          (same_samples(file, plan.decompressed) || same_pixels(file, plan.decompressed))) {
        m.error = "samples identical, container bytes differ";
        continue;
      }
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

}  // namespace

BenchRunner::~BenchRunner() {
  if (dir_.empty()) return;
  ::unlink(compressed_path_.c_str());
  ::unlink(decompressed_path_.c_str());
  ::unlink(stderr_path_.c_str());
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
  stderr_path_ = dir_ + "/stderr";
  for (const auto& path : {compressed_path_, decompressed_path_, stderr_path_, dir_}) {
    cleanup_slots_.push_back(register_cleanup(path));
  }
  return Status::ok();
}

Measurement BenchRunner::measure(const std::string& file, std::span<const std::uint8_t> original,
                                 const CodecSpec& codec, int runs, const std::string& container) {
  if (codec.file_args) return measure_with_files(file, original, codec, runs, container);
  Plan plan;
  plan.compress = codec.compress;
  plan.decompress = codec.decompress;
  plan.compress_stdin = file;
  plan.compress_stdout = plan.decompress_stdin = plan.compressed = compressed_path_;
  plan.decompress_stdout = plan.decompressed = decompressed_path_;
  plan.samples_suffice = container == "flac" || container == "png";
  return run_plan(file, original, codec, runs, plan);
}

// The codec sees the input through a symbolic link named for its container (flac and wavpack go
// by extensions when writing, and wavpack appends ".wav" to a name without one); the files are
// removed again before returning.
Measurement BenchRunner::measure_with_files(const std::string& file,
                                            std::span<const std::uint8_t> original,
                                            const CodecSpec& codec, int runs,
                                            const std::string& container) {
  const std::string ext = container.empty() ? "bin" : container;
  Plan plan;
  const std::string input = dir_ + "/input." + ext;
  plan.compressed = dir_ + "/compressed." + codec.compressed_ext;
  plan.decompressed = dir_ + "/decompressed." + ext;
  plan.compress = substitute(codec.compress, input, plan.compressed);
  plan.decompress = substitute(codec.decompress, plan.compressed, plan.decompressed);
  plan.compress_stdin = plan.decompress_stdin = "/dev/null";
  plan.compress_stdout = plan.decompress_stdout = "/dev/null";
  plan.stderr_path = stderr_path_;
  plan.samples_suffice = true;

  std::vector<int> slots;
  for (const auto& path : {input, plan.compressed, plan.decompressed}) {
    slots.push_back(register_cleanup(path));
  }
  Measurement m;
  std::error_code ec;
  const std::string target = std::filesystem::absolute(file, ec).string();
  if (ec || ::symlink(target.c_str(), input.c_str()) != 0) {
    m.file = file;
    m.codec = codec.label;
    m.family = codec.family;
    m.original_size = original.size();
    m.error = "cannot link " + input + ": " + (ec ? ec.message() : errno_message(errno));
  } else {
    m = run_plan(file, original, codec, runs, plan);
  }
  for (const auto& path : {input, plan.compressed, plan.decompressed}) ::unlink(path.c_str());
  for (int slot : slots) unregister_cleanup(slot);
  return m;
}

}  // namespace lmpack::cli
