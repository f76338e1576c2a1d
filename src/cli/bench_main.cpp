#include "cli/bench_main.h"

#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/bench_audio.h"
#include "cli/bench_image.h"
#include "cli/bench_report.h"
#include "cli/bench_runner.h"
#include "cli/cleanup.h"
#include "cli/cli_options.h"
#include "cli/diagnostics.h"
#include "cli/file_io.h"
#include "cli/peers.h"
#include "lmpack/lmpack.h"

namespace lmpack::cli {

namespace {

namespace fs = std::filesystem;

bool hidden(const fs::path& path) {
  std::string name = path.filename().string();
  return !name.empty() && name[0] == '.';
}

// Regular files under each argument: directories recursively, sorted, hidden entries skipped.
// Problems are printed and counted; the bench goes on with what it can read.
std::vector<std::string> expand_inputs(const std::vector<std::string>& args, bool& all_ok) {
  std::vector<std::string> files;
  for (const auto& arg : args) {
    struct stat st {};
    if (::stat(arg.c_str(), &st) != 0) {
      print_error(arg, errno_message(errno));
      all_ok = false;
      continue;
    }
    if (S_ISREG(st.st_mode)) {
      files.push_back(arg);
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      print_error(arg, "not a regular file or directory");
      all_ok = false;
      continue;
    }
    std::vector<std::string> found;
    std::error_code ec;
    fs::recursive_directory_iterator it(arg, ec), end;
    if (ec) {
      print_error(arg, ec.message());
      all_ok = false;
      continue;
    }
    for (; it != end; it.increment(ec)) {
      if (ec) {
        print_error(arg, ec.message());
        all_ok = false;
        break;
      }
      if (hidden(it->path())) {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file()) found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

struct BenchOptions {
  std::vector<std::string> inputs;
  std::vector<LevelChoice> levels;
  std::vector<std::string> peers;  // empty: all found on PATH
  bool no_peers = false;
  std::vector<int> bits;  // --bits: reduced depths to bench audio inputs at as well
  int runs = 1;
  bool json = false;
  bool csv = false;
  std::string output;
  std::uint64_t block_size = 0;
  int threads = 1;
  bool quiet = false;
  bool patches = false;  // --patches: the LMIC patch protocol instead of the codec table
};

// Returns false with exit_code set when the run is already over (help, usage error).
bool parse_bench_options(int argc, char** argv, BenchOptions& opt, int& exit_code) {
  CLI::App app{
      "lmpack bench: compare lmpack's levels with gzip, bzip2, xz, zstd and brotli on "
      "the same files,\nand on audio files also with flac -8 and wavpack -hhx6, on images with "
      "optipng -o7,\ncwebp -lossless -z 9 and cjxl -d 0 -e 9. Each codec "
      "runs as a subprocess\n(one thread), compressing and then decompressing; the round trip "
      "is checked byte for byte.",
      "lmpack bench"};
  std::string levels_text, peers_text, block_text, bits_text;
  app.add_option("inputs", opt.inputs, "Files and directories (searched recursively)")
      ->required()
      ->type_name("FILE|DIR");
  app.add_option("--levels", levels_text,
                 "lmpack levels, e.g. 1,5,9,best,default, or MODEL:LEVEL such as mix:5, "
                 "lstm:best, transformer (default: 1, default level, 9, best)")
      ->type_name("LIST");
  std::string names;
  for (const auto& name : peer_names()) names += (names.empty() ? "" : ",") + name;
  app.add_option("--peers", peers_text,
                 "Peers to run if found on PATH: " + names + ", or none (default: all)")
      ->type_name("LIST");
  app.add_option("--bits", bits_text,
                 "Also bench each audio input reduced to these bits per sample (8, 16, 24; e.g. "
                 "8,16): top bits kept, no dither; only reductions")
      ->type_name("LIST");
  app.add_option("--runs", opt.runs, "Time each codec N times, keep the fastest")
      ->check(CLI::Range(1, 1000))
      ->type_name("N");
  auto* json = app.add_flag("--json", opt.json, "Write JSON instead of the table");
  auto* csv = app.add_flag("--csv", opt.csv, "Write CSV instead of the table");
  json->excludes(csv);
  app.add_option("-o,--output", opt.output,
                 "Write the JSON/CSV (or the table) to FILE; the table then also goes to stdout")
      ->type_name("FILE");
  app.add_option("-T,--threads", opt.threads,
                 "Threads for lmpack (default 1; the peers always run on one)")
      ->check(CLI::Range(1, 1024))
      ->type_name("N");
  auto* block_opt = app.add_option("-B,--block-size", block_text, "Block size passed to lmpack")
                        ->type_name("SIZE");
  app.add_flag("-q,--quiet", opt.quiet, "No progress lines on stderr");
  app.add_flag("--patches", opt.patches,
               "Images: the LMIC protocol instead (grayscale, independent 32x64 patches, lmpack "
               "default and --best vs PNG)");

  std::vector<std::string> args(argv + 1, argv + argc);
  std::reverse(args.begin(), args.end());
  try {
    app.parse(args);
  } catch (const CLI::Success& e) {
    exit_code = app.exit(e);
    return false;
  } catch (const CLI::ParseError& e) {
    print_usage_error(std::string("bench: ") + e.what());
    exit_code = kExitUsage;
    return false;
  }
  auto usage = [&](const std::string& message) {
    print_usage_error("bench: " + message);
    exit_code = kExitUsage;
    return false;
  };
  if (levels_text.empty()) {
    opt.levels = default_levels();
  } else {
    auto levels = parse_levels(levels_text);
    if (!levels) return usage("invalid --levels '" + levels_text + "' (e.g. 1,5,9,best)");
    opt.levels = *levels;
  }
  if (peers_text == "none") {
    opt.no_peers = true;
  } else if (!peers_text.empty()) {
    opt.peers = split_list(peers_text);
    auto known = peer_names();
    for (const auto& peer : opt.peers) {
      if (std::find(known.begin(), known.end(), peer) == known.end()) {
        return usage("unknown peer '" + peer + "' (known: " + names + ")");
      }
    }
  }
  if (!bits_text.empty()) {
    auto bits = parse_bits(bits_text);
    if (!bits) return usage("invalid --bits '" + bits_text + "' (8, 16 or 24, e.g. 8,16)");
    opt.bits = *bits;
  }
  if (block_opt->count() > 0) {
    auto size = parse_size(block_text);
    if (!size || *size == 0) return usage("invalid block size '" + block_text + "'");
    opt.block_size = *size;
  }
  return true;
}

Status write_text_file(const std::string& path, const std::string& text) {
  AtomicOutput out;
  Status status = out.create(path);
  if (status) {
    status = out.write({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  }
  if (status) status = out.commit(true, nullptr);
  return status;
}

}  // namespace

int run_bench(int argc, char** argv, int full_argc, char** full_argv) {
  BenchOptions opt;
  int exit_code = kExitOk;
  if (!parse_bench_options(argc, argv, opt, exit_code)) return exit_code;

  bool all_ok = true;
  std::vector<std::string> files = expand_inputs(opt.inputs, all_ok);
  if (files.empty()) {
    print_error("bench", "no files to benchmark");
    return kExitError;
  }

  if (opt.patches) return run_patch_bench(files, opt.quiet) ? kExitOk : kExitError;

  std::vector<CodecSpec> codecs;
  for (const auto& level : opt.levels) {
    codecs.push_back(lmpack_codec("/proc/self/exe", level, opt.block_size, opt.threads));
  }
  if (!opt.no_peers) {
    auto peers = available_peers(opt.peers);
    codecs.insert(codecs.end(), peers.begin(), peers.end());
  }

  BenchRunner runner;
  if (Status status = runner.init(); !status) {
    print_error("bench", status.message());
    return kExitError;
  }

  // What runs: every input as it is, then (audio inputs, --bits) its reduced-depth copies.
  struct Variant {
    std::string file;   // the input's path
    std::string label;  // the table's name: the path, or "PATH@8bit"
    int bits = 0;       // 0: the file itself; else the depth of the copy to make
    std::optional<AudioShape> shape;
  };
  auto runs_on = [](const CodecSpec& codec, const std::optional<AudioShape>& shape) {
    return codec.containers.empty() || (shape && codec.reads(shape->container));
  };
  std::vector<Variant> variants;
  std::size_t total_jobs = 0;
  for (const auto& file : files) {
    std::optional<AudioShape> shape = probe_audio(file);
    const bool image = !shape && (shape = probe_image(file)).has_value();
    variants.push_back({file, file, 0, shape});
    for (int bits : opt.bits) {
      if (!shape || image) {
        print_error(file, "note: not integer PCM audio, --bits skips it");
        break;
      }
      if (bits >= shape->bits) {
        print_error(file, "note: " + std::to_string(shape->bits) + "-bit audio, --bits " +
                              std::to_string(bits) + " skips it (only reductions)");
        continue;
      }
      AudioShape reduced = *shape;
      reduced.container = "wav";
      reduced.bits = bits;
      variants.push_back({file, file + "@" + std::to_string(bits) + "bit", bits, reduced});
    }
  }
  for (const auto& v : variants) {
    for (const auto& codec : codecs) total_jobs += runs_on(codec, v.shape) ? 1 : 0;
  }

  std::vector<Measurement> rows;
  std::size_t job = 0;
  const std::string reduced_path = runner.dir() + "/reduced.wav";
  for (const auto& v : variants) {
    std::size_t jobs = 0;
    for (const auto& codec : codecs) jobs += runs_on(codec, v.shape) ? 1 : 0;
    std::string input = v.file;
    int slot = -1;
    if (v.bits > 0) {
      slot = register_cleanup(reduced_path);
      if (Status status = write_reduced_wav(v.file, reduced_path, v.bits); !status) {
        print_error(v.label, status.message());
        all_ok = false;
        job += jobs;
        ::unlink(reduced_path.c_str());
        unregister_cleanup(slot);
        continue;
      }
      input = reduced_path;
    }
    std::vector<std::uint8_t> original;
    if (Status status = read_input(input, original); !status) {
      print_error(v.label, status.message());
      all_ok = false;
      job += jobs;
    } else {
      for (const auto& codec : codecs) {
        if (!runs_on(codec, v.shape)) continue;
        ++job;
        if (!opt.quiet) {
          std::fprintf(stderr, "bench: [%zu/%zu] %s: %s\n", job, total_jobs, v.label.c_str(),
                       codec.label.c_str());
        }
        Measurement m =
            runner.measure(input, original, codec, opt.runs, v.shape ? v.shape->container : "");
        m.file = v.label;
        if (v.shape) m.audio_samples = v.shape->samples();
        if (!m.ok) {
          print_error(v.label, codec.label + ": " + m.error);
          if (m.mismatch) {
            std::fprintf(stderr, "lmpack: *** ROUND TRIP MISMATCH: %s with %s ***\n",
                         v.label.c_str(), codec.label.c_str());
          }
          all_ok = false;
        }
        rows.push_back(std::move(m));
      }
    }
    if (v.bits > 0) {
      ::unlink(reduced_path.c_str());
      unregister_cleanup(slot);
    }
  }

  BenchContext context{lmpack::version(), probe_machine(), quote_command(full_argc, full_argv)};
  std::string table = render_table(context, rows);
  std::string data = opt.json ? render_json(context, rows) : opt.csv ? render_csv(rows) : table;
  if (opt.output.empty()) {
    std::fputs(data.c_str(), stdout);
  } else {
    if (Status status = write_text_file(opt.output, data); !status) {
      print_error(opt.output, status.message());
      all_ok = false;
    }
    std::fputs(table.c_str(), stdout);
  }
  std::fflush(stdout);
  return all_ok ? kExitOk : kExitError;
}

}  // namespace lmpack::cli
