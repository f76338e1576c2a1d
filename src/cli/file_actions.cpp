#include "cli/file_actions.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "cli/diagnostics.h"
#include "cli/file_io.h"
#include "cli/list.h"
#include "cli/progress.h"
#include "cli/speech_list.h"
#include "lmpack/lmpack.h"

namespace lmpack::cli {

namespace {

constexpr std::string_view kSuffix = ".lmp";

// Thrown inside one file's processing to report its single error line.
struct FileError {
  std::string message;
};

[[noreturn]] void fail(std::string message) { throw FileError{std::move(message)}; }

void check(const Status& status, const std::string& context = {}) {
  if (status) return;
  std::string message =
      status.message().empty() ? error_code_name(status.code()) : status.message();
  fail(context.empty() ? message : context + ": " + message);
}

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Where one file's result goes.
struct Destination {
  enum Kind { kNone, kStdout, kFile } kind = kNone;
  std::string path;
};

// What is known about one input before it is read.
struct Source {
  std::string path;
  std::string name;  // for messages
  bool is_stdin = false;
  struct stat st {};
};

Source examine_source(const std::string& path) {
  Source source;
  source.path = path;
  source.name = display_name(path);
  source.is_stdin = path == "-";
  if (source.is_stdin) return source;
  if (::stat(path.c_str(), &source.st) != 0) fail(errno_message(errno));
  if (S_ISDIR(source.st.st_mode)) fail("is a directory");
  if (!S_ISREG(source.st.st_mode)) fail("not a regular file");
  return source;
}

Destination choose_destination(const Options& opt, const Source& source) {
  Destination dest;
  if (opt.mode == Mode::kTest || opt.mode == Mode::kList) return dest;
  if (opt.to_stdout || (source.is_stdin && !opt.output)) {
    dest.kind = Destination::kStdout;
    return dest;
  }
  dest.kind = Destination::kFile;
  if (opt.output) {
    dest.path = *opt.output;
  } else if (opt.mode == Mode::kCompress) {
    if (ends_with(source.path, kSuffix) && !opt.force) {
      fail("already has .lmp suffix, unchanged (use -f to compress it again)");
    }
    dest.path = source.path + std::string(kSuffix);
  } else {
    std::string base = source.path.substr(source.path.rfind('/') + 1);
    if (!ends_with(source.path, kSuffix) || base.size() <= kSuffix.size()) {
      if (file_is_speech_archive(source.path)) fail(kSpeechDecodeHint);
      fail("unknown suffix, expected .lmp (use -c or -o to name the output)");
    }
    dest.path = source.path.substr(0, source.path.size() - kSuffix.size());
    // A WAV written in place of FLAC takes the name it deserves.
    if (opt.to_wav && ends_with(dest.path, ".flac")) {
      dest.path = dest.path.substr(0, dest.path.size() - 5) + ".wav";
    }
  }
  if (path_exists(dest.path)) {
    if (!opt.force) fail(dest.path + " already exists (use -f to overwrite)");
    if (!source.is_stdin && same_file(source.path, dest.path)) {
      fail("input and output are the same file");
    }
  }
  return dest;
}

void check_terminals(const Options& opt, const Source& source, const Destination& dest) {
  if (opt.mode == Mode::kCompress) {
    if (dest.kind == Destination::kStdout && isatty(STDOUT_FILENO) && !opt.force) {
      fail("refusing to write compressed data to a terminal (use -f to force)");
    }
  } else if (source.is_stdin && isatty(STDIN_FILENO) && !opt.force) {
    fail("refusing to read compressed data from a terminal (use -f to force)");
  }
}

void deliver(const Options& opt, const Source& source, const Destination& dest,
             std::span<const std::uint8_t> data) {
  if (dest.kind == Destination::kStdout) {
    check(write_all(STDOUT_FILENO, data), "(stdout)");
    return;
  }
  if (dest.kind != Destination::kFile) return;
  AtomicOutput out;
  check(out.create(dest.path));
  check(out.write(data), dest.path);
  check(out.commit(opt.force, source.is_stdin ? nullptr : &source.st));
  // The input goes only once its replacement is safely in place (gzip's habit); -c keeps it.
  if (!opt.keep && !source.is_stdin && ::unlink(source.path.c_str()) != 0) {
    fail("cannot remove input: " + errno_message(errno));
  }
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return "--%";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%",
                100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

// The model an archive names, and for the neural families which kernel variant ran them.
std::string model_note(std::span<const std::uint8_t> archive) {
  ArchiveInfo info;
  if (!inspect(archive, info)) return "";
  std::string note = ", " + info.model;
  if (info.model == "lstm" || info.model == "transformer" || info.model == "mix") {
    note += ", nn kernels " + kernel_in_use();
  }
  return note;
}

void print_summary(const Source& source, const std::string& head, std::uint64_t from,
                   std::uint64_t to, std::uint64_t original, double seconds,
                   const std::string& note) {
  std::fprintf(stderr, "%s: %s (%llu -> %llu bytes, %s%s)\n", source.name.c_str(), head.c_str(),
               static_cast<unsigned long long>(from), static_cast<unsigned long long>(to),
               format_rate(original, seconds).c_str(), note.c_str());
}

void compress_one(const Options& opt, const Source& source, const Destination& dest) {
  std::vector<std::uint8_t> input;
  check(read_input(source.path, input));
  bool show = !opt.quiet && (opt.verbose || isatty(STDERR_FILENO));
  Progress progress(source.name, show);

  CompressOptions options = compress_options(opt);
  options.progress = progress.phase("compressing");
  auto start = std::chrono::steady_clock::now();
  std::vector<std::uint8_t> archive;
  check(compress(input, archive, options));
  double seconds = seconds_since(start);

  // Like flac --verify: decode what was written before trusting it with the user's data.
  if (!opt.no_verify) {
    DecompressOptions verify_options;
    verify_options.threads = opt.threads;
    verify_options.flac_as_wav = true;  // cheaper, and FLAC output is never compared bytewise
    verify_options.progress = progress.phase("verifying");
    std::vector<std::uint8_t> decoded;
    check(decompress(archive, decoded, verify_options), "verification failed");
    // FLAC input comes back as a new FLAC: decompress() has already checked its samples
    // against the checksum of the input's samples.
    ArchiveInfo info;
    const bool byte_exact = !inspect(archive, info) || info.byte_exact;
    if (byte_exact && decoded != input) {
      fail("verification failed: decoded data differs from the input");
    }
  }
  progress.clear();

  deliver(opt, source, dest, archive);
  if (opt.verbose) {
    print_summary(source, percent(archive.size(), input.size()), input.size(), archive.size(),
                  input.size(), seconds, model_note(archive));
  }
}

void decompress_one(const Options& opt, const Source& source, const Destination& dest) {
  std::vector<std::uint8_t> archive;
  check(read_input(source.path, archive));
  if (archive.empty()) fail("empty file, not an lmpack archive");
  if (is_speech_archive_data(archive)) {
    // -t checks a speech archive's integrity; -d never passes it off as lossless output.
    ArchiveInfo info;
    if (opt.mode != Mode::kTest) fail(kSpeechDecodeHint);
    check(inspect_speech(archive, info));
    return;
  }
  bool show = !opt.quiet && (opt.verbose || isatty(STDERR_FILENO));
  Progress progress(source.name, show);
  DecompressOptions options;
  options.threads = opt.threads;
  options.flac_as_wav = opt.to_wav;
  options.progress = progress.phase(opt.mode == Mode::kTest ? "testing" : "decompressing");
  auto start = std::chrono::steady_clock::now();
  std::vector<std::uint8_t> output;
  check(decompress(archive, output, options));
  double seconds = seconds_since(start);
  progress.clear();

  deliver(opt, source, dest, output);
  if (opt.verbose) {
    std::string head = opt.mode == Mode::kTest ? "OK " + percent(archive.size(), output.size())
                                               : percent(archive.size(), output.size());
    print_summary(source, head, archive.size(), output.size(), output.size(), seconds,
                  model_note(archive));
  }
}

bool process_one(const Options& opt, const std::string& path) {
  std::string name = display_name(path);
  try {
    Source source = examine_source(path);
    Destination dest = choose_destination(opt, source);
    check_terminals(opt, source, dest);
    if (opt.mode == Mode::kCompress) {
      compress_one(opt, source, dest);
    } else {
      decompress_one(opt, source, dest);
    }
    return true;
  } catch (const FileError& e) {
    print_error(name, e.message);
  } catch (const std::bad_alloc&) {
    print_error(name, "out of memory");
  }
  return false;
}

}  // namespace

int run_file_actions(const Options& options) {
  if (options.mode == Mode::kList) return list_archives(options);
  bool all_ok = true;
  for (const auto& path : options.files) {
    all_ok = process_one(options, path) && all_ok;
  }
  return all_ok ? kExitOk : kExitError;
}

}  // namespace lmpack::cli
