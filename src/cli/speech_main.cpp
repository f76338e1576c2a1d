#include "cli/speech_main.h"

#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cli/cleanup.h"
#include "cli/diagnostics.h"
#include "cli/file_io.h"
#include "speech/archive.h"
#include "speech/speech.h"

namespace lmpack::cli {

namespace {

constexpr std::string_view kSpeechSuffix = ".lms";

struct SpeechOptions {
  std::string command;  // encode, decode, show
  std::vector<std::string> files;
  std::optional<std::string> output;
  bool to_stdout = false;
  bool force = false;
  bool keep = false;  // accepted for habit: speech commands never remove their input
  bool verbose = false;
  bool quiet = false;
};

struct SpeechError {
  std::string message;
};

[[noreturn]] void fail(std::string message) { throw SpeechError{std::move(message)}; }

void check(const Status& status) {
  if (status) return;
  fail(status.message().empty() ? error_code_name(status.code()) : status.message());
}

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string strip_audio_extension(const std::string& path) {
  for (std::string_view ext :
       {".wav", ".flac", ".aiff", ".aif", ".aifc", ".w64", ".caf", ".rf64"}) {
    std::string base = path.substr(path.rfind('/') + 1);
    if (ends_with(path, ext) && base.size() > ext.size())
      return path.substr(0, path.size() - ext.size());
  }
  return path;
}

// Default output names: talk.wav -> talk.wav.lms; talk.wav.lms -> talk.speech.wav (never the
// original's name, which usually still exists beside it).
std::string default_output(const SpeechOptions& opt, const std::string& input) {
  if (opt.command == "encode") return input + std::string(kSpeechSuffix);
  std::string base = input.substr(input.rfind('/') + 1);
  if (!ends_with(input, kSpeechSuffix) || base.size() <= kSpeechSuffix.size()) {
    fail("unknown suffix, expected .lms (use -o or -c to name the output)");
  }
  return strip_audio_extension(input.substr(0, input.size() - kSpeechSuffix.size())) +
         ".speech.wav";
}

void read_source(const std::string& path, std::vector<std::uint8_t>& data, struct stat& st,
                 bool& is_stdin) {
  is_stdin = path == "-";
  if (!is_stdin) {
    if (::stat(path.c_str(), &st) != 0) fail(errno_message(errno));
    if (S_ISDIR(st.st_mode)) fail("is a directory");
    if (!S_ISREG(st.st_mode)) fail("not a regular file");
  }
  check(read_input(path, data));
}

void deliver(const SpeechOptions& opt, const std::string& input, bool is_stdin,
             const struct stat& st, std::span<const std::uint8_t> data) {
  if (opt.to_stdout || (is_stdin && !opt.output)) {
    if (opt.command == "encode" && isatty(STDOUT_FILENO) && !opt.force) {
      fail("refusing to write compressed data to a terminal (use -f to force)");
    }
    check(write_all(STDOUT_FILENO, data));
    return;
  }
  const std::string dest = opt.output ? *opt.output : default_output(opt, input);
  if (path_exists(dest)) {
    if (!opt.force) fail(dest + " already exists (use -f to overwrite)");
    if (!is_stdin && same_file(input, dest)) fail("input and output are the same file");
  }
  AtomicOutput out;
  check(out.create(dest));
  check(out.write(data));
  check(out.commit(opt.force, nullptr));
  (void)st;
}

void encode_one(const SpeechOptions& opt, const std::string& path) {
  std::vector<std::uint8_t> input;
  struct stat st {};
  bool is_stdin = false;
  read_source(path, input, st, is_stdin);
  if (!opt.output && !opt.to_stdout && !is_stdin && ends_with(path, kSpeechSuffix)) {
    fail("already a speech archive (.lms)");
  }
  std::vector<std::uint8_t> archive;
  speech::EncodeReport report;
  check(speech::encode(input, archive, &report));
  deliver(opt, path, is_stdin, st, archive);
  if (opt.verbose) {
    double conf = 0.0;
    for (const auto& w : report.recognized) conf += w.confidence;
    if (!report.recognized.empty()) conf /= double(report.recognized.size());
    std::fprintf(stderr,
                 "%s: %zu words in %.1f s, mean confidence %.2f, %s speaker; %llu -> %zu bytes "
                 "(%.3f%%), lossy\n",
                 display_name(path).c_str(), report.transcript.words.size(),
                 report.duration_seconds, conf,
                 report.transcript.voice == speech::Voice::kMale ? "male" : "female",
                 static_cast<unsigned long long>(input.size()), archive.size(),
                 input.empty() ? 0.0 : 100.0 * double(archive.size()) / double(input.size()));
  }
}

void decode_one(const SpeechOptions& opt, const std::string& path) {
  std::vector<std::uint8_t> archive;
  struct stat st {};
  bool is_stdin = false;
  read_source(path, archive, st, is_stdin);
  if (archive.empty()) fail("empty file, not a speech archive");
  if (!speech::is_speech_archive(archive)) {
    fail("not a speech archive (.lms); lossless lmpack archives decode with `lmpack -d`");
  }
  if (!opt.to_stdout && !opt.output && !is_stdin) {
    const std::string dest = default_output(opt, path);  // names errors before the slow part
    if (path_exists(dest) && !opt.force) fail(dest + " already exists (use -f to overwrite)");
  }
  std::vector<std::uint8_t> wav;
  check(speech::decode(archive, wav));
  deliver(opt, path, is_stdin, st, wav);
}

void show_one(const SpeechOptions&, const std::string& path) {
  std::vector<std::uint8_t> archive;
  struct stat st {};
  bool is_stdin = false;
  read_source(path, archive, st, is_stdin);
  speech::Transcript t;
  double seconds = 0.0;
  check(speech::read_transcript(archive, t, seconds));
  std::printf("%s: lossy speech, %.2f s, %zu words, %s speaker\n", display_name(path).c_str(),
              seconds, t.words.size(), t.voice == speech::Voice::kMale ? "male" : "female");
  for (const auto& w : t.words) {
    std::printf("%8.2f %8.2f  pitch %2u..%-2u energy %2u  %s\n", w.start * speech::kTickMs / 1000.0,
                w.end * speech::kTickMs / 1000.0, unsigned(w.pitch_start), unsigned(w.pitch_end),
                unsigned(w.energy), w.text.c_str());
  }
}

}  // namespace

int run_speech(int argc, char** argv) {
  CLI::App app{
      "Lossy speech mode: keeps the words of a recording (recognised with PocketSphinx), their "
      "timing and a coarse pitch and loudness outline, coded by lmpack's text model; decoding "
      "speaks them again with Flite at the original pace. The voice itself is NOT kept.",
      "lmpack speech"};
  SpeechOptions opt;
  app.require_subcommand(1);
  auto add_common = [&opt](CLI::App* sub) {
    sub->add_option("files", opt.files, "Input files ('-' reads stdin)")->required();
    sub->add_option("-o,--output", opt.output, "Output file (one input only)");
    sub->add_flag("-c,--stdout", opt.to_stdout, "Write to standard output");
    sub->add_flag("-f,--force", opt.force, "Overwrite existing output");
    sub->add_flag("-k,--keep", opt.keep,
                  "Keep the input (always: speech commands never remove it)");
    sub->add_flag("-v,--verbose", opt.verbose, "Print what was recognised and the sizes");
    sub->add_flag("-q,--quiet", opt.quiet, "Suppress warnings");
  };
  add_common(app.add_subcommand("encode", "Recognise speech in audio files and write IN.lms"));
  add_common(app.add_subcommand(
      "decode", "Speak .lms archives again as 16 kHz mono WAV (default name: IN.speech.wav)"));
  auto* show =
      app.add_subcommand("show", "Print the transcript, timings and prosody of .lms archives");
  show->add_option("files", opt.files, "Archives")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    print_usage_error(e.what());
    return kExitUsage;
  }
  opt.command = app.get_subcommands().front()->get_name();
  if (opt.output && opt.files.size() != 1) {
    print_usage_error("-o needs exactly one input file");
    return kExitUsage;
  }
  install_cleanup_handlers();
  bool all_ok = true;
  for (const auto& path : opt.files) {
    try {
      if (opt.command == "encode") {
        encode_one(opt, path);
      } else if (opt.command == "decode") {
        decode_one(opt, path);
      } else {
        show_one(opt, path);
      }
    } catch (const SpeechError& e) {
      print_error(display_name(path), e.message);
      all_ok = false;
    } catch (const std::bad_alloc&) {
      print_error(display_name(path), "out of memory");
      all_ok = false;
    }
  }
  return all_ok ? kExitOk : kExitError;
}

}  // namespace lmpack::cli
