// `lmpack bench --speech FILES`: the lossy speech mode's quality report. For each recording:
// payload size against the 16-bit WAV, flac -8 and lmpack's best lossless level, and
// intelligibility as the word error rate of recognising the decoded audio against what was
// recognised from the original.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cli/cleanup.h"
#include "cli/diagnostics.h"
#include "cli/file_io.h"
#include "cli/machine_info.h"
#include "cli/peers.h"
#include "cli/speech_main.h"
#include "lmpack/lmpack.h"
#include "speech/archive.h"
#include "speech/speech.h"
#include "speech/synthesizer.h"
#include "speech/wer.h"

extern char** environ;

namespace lmpack::cli {

namespace {

struct SpeechRow {
  std::string name;
  double seconds = 0.0;
  std::uint64_t wav16_bytes = 0;  // the recording as 16-bit PCM WAV (44-byte header)
  std::uint64_t archive_bytes = 0;
  std::uint64_t payload_bytes = 0;
  std::optional<std::uint64_t> flac_bytes;
  std::uint64_t lossless_bytes = 0;  // lmpack --best
  std::size_t words = 0;
  std::size_t wer_errors = 0;
  double wer = 0.0;
  double duration_ratio = 0.0;  // decoded duration / original duration
  double encode_seconds = 0.0, decode_seconds = 0.0;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Bytes a program writes to stdout, or nullopt if it fails.
std::optional<std::uint64_t> stdout_bytes(const std::vector<std::string>& args) {
  int fds[2];
  if (::pipe(fds) != 0) return std::nullopt;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return std::nullopt;
  }
  set_cleanup_child(pid);
  std::uint64_t total = 0;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n > 0) {
      total += static_cast<std::uint64_t>(n);
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  set_cleanup_child(0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return total;
}

std::vector<std::string> texts(const std::vector<speech::RecognizedWord>& words) {
  std::vector<std::string> out;
  for (const auto& w : words) out.push_back(w.text);
  return out;
}

Status measure(const std::string& path, SpeechRow& row) {
  std::vector<std::uint8_t> input;
  if (Status s = read_input(path, input); !s) return s;
  row.name = path.substr(path.rfind('/') + 1);
  auto start = std::chrono::steady_clock::now();
  std::vector<std::uint8_t> archive;
  speech::EncodeReport report;
  if (Status s = speech::encode(input, archive, &report); !s) return s;
  row.encode_seconds = seconds_since(start);
  speech::SpeechArchive parsed;
  if (Status s = speech::read_archive(archive, parsed); !s) return s;
  row.seconds = speech::duration_seconds(parsed);
  row.wav16_bytes = 44 + parsed.frames * parsed.channels * 2;
  row.archive_bytes = archive.size();
  row.payload_bytes = parsed.payload.size();
  row.words = report.recognized.size();

  start = std::chrono::steady_clock::now();
  std::vector<std::uint8_t> wav;
  if (Status s = speech::decode(archive, wav); !s) return s;
  row.decode_seconds = seconds_since(start);
  const double out_seconds = double(wav.size() - 44) / 2.0 / speech::kSynthRate;
  row.duration_ratio = row.seconds > 0.0 ? out_seconds / row.seconds : 1.0;

  std::vector<speech::RecognizedWord> heard;
  if (Status s = speech::transcribe(wav, heard); !s) return s;
  const auto wer = speech::word_error_rate(texts(report.recognized), texts(heard));
  row.wer_errors = wer.errors;
  row.wer = wer.rate();

  if (std::string flac = find_on_path("flac"); !flac.empty()) {
    row.flac_bytes = stdout_bytes({flac, "-8", "-s", "-c", "-f", path});
  }
  CompressOptions best;
  best.best = true;
  std::vector<std::uint8_t> lossless;
  if (Status s = compress(input, lossless, best); !s) return s;
  row.lossless_bytes = lossless.size();
  return {};
}

std::string pct(std::uint64_t part, std::uint64_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f%%", whole ? 100.0 * double(part) / double(whole) : 0.0);
  return buf;
}

}  // namespace

int run_speech_bench(int argc, char** argv, int full_argc, char** full_argv) {
  CLI::App app{
      "Speech quality report: lossy speech archives against the WAV, flac -8 and "
      "lmpack --best, and the word error rate of the resynthesised audio.",
      "lmpack bench --speech"};
  bool speech_flag = false;
  std::vector<std::string> files;
  std::string csv_path;
  app.add_flag("--speech", speech_flag, "Run the speech quality report")->required();
  app.add_option("files", files, "Speech recordings (any audio lmpack reads)")->required();
  app.add_option("--csv", csv_path, "Also write the rows as CSV to this file");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    print_usage_error(e.what());
    return kExitUsage;
  }
  install_cleanup_handlers();
  std::vector<SpeechRow> rows;
  bool all_ok = true;
  for (const auto& path : files) {
    SpeechRow row;
    if (Status s = measure(path, row); !s) {
      print_error(path, s.message().empty() ? error_code_name(s.code()) : s.message());
      all_ok = false;
      continue;
    }
    rows.push_back(row);
  }
  std::printf("%-34s %7s %10s %8s %9s %9s %8s %8s %6s %8s %7s %7s %7s\n", "file", "seconds",
              "wav16", "lms", "lms/wav", "flac -8", "lms/flac", "best", "words", "WER", "dur",
              "enc s", "dec s");
  for (const auto& r : rows) {
    std::printf("%-34s %7.1f %10llu %8llu %9s %9s %8s %8llu %6zu %7.1f%% %7.4f %7.1f %7.1f\n",
                r.name.c_str(), r.seconds, static_cast<unsigned long long>(r.wav16_bytes),
                static_cast<unsigned long long>(r.archive_bytes),
                pct(r.archive_bytes, r.wav16_bytes).c_str(),
                r.flac_bytes ? std::to_string(*r.flac_bytes).c_str() : "-",
                r.flac_bytes ? pct(r.archive_bytes, *r.flac_bytes).c_str() : "-",
                static_cast<unsigned long long>(r.lossless_bytes), r.words, 100.0 * r.wer,
                r.duration_ratio, r.encode_seconds, r.decode_seconds);
  }
  if (!csv_path.empty()) {
    const MachineInfo m = probe_machine();
    std::string csv = "# " + m.date + ", " + m.cpu + ", " + std::to_string(m.cores) + " cores, " +
                      m.system + "\n# command: " + quote_command(full_argc, full_argv);
    csv +=
        "\nfile,seconds,wav16_bytes,lms_bytes,payload_bytes,lms_pct_of_wav16,flac8_bytes,"
        "lmpack_best_bytes,words,wer_errors,wer,duration_ratio,encode_s,decode_s\n";
    for (const auto& r : rows) {
      char line[512];
      std::snprintf(line, sizeof line,
                    "%s,%.3f,%llu,%llu,%llu,%.4f,%s,%llu,%zu,%zu,%.4f,%.5f,%.2f,%.2f\n",
                    r.name.c_str(), r.seconds, static_cast<unsigned long long>(r.wav16_bytes),
                    static_cast<unsigned long long>(r.archive_bytes),
                    static_cast<unsigned long long>(r.payload_bytes),
                    100.0 * double(r.archive_bytes) / double(r.wav16_bytes),
                    r.flac_bytes ? std::to_string(*r.flac_bytes).c_str() : "",
                    static_cast<unsigned long long>(r.lossless_bytes), r.words, r.wer_errors, r.wer,
                    r.duration_ratio, r.encode_seconds, r.decode_seconds);
      csv += line;
    }
    AtomicOutput out;
    Status s = out.create(csv_path);
    if (s) s = out.write({reinterpret_cast<const std::uint8_t*>(csv.data()), csv.size()});
    if (s) s = out.commit(true, nullptr);
    if (!s) {
      print_error(csv_path, s.message());
      return kExitError;
    }
  }
  return all_ok ? kExitOk : kExitError;
}

}  // namespace lmpack::cli
