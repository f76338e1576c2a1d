#include "cli/cli_options.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <string>
#include <thread>

#include "cli/diagnostics.h"
#include "lmpack/lmpack.h"

namespace lmpack::cli {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

bool is_level_token(const std::string& arg) {
  return arg.size() >= 2 && arg[0] == '-' &&
         std::all_of(arg.begin() + 1, arg.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

CompressOptions compress_options(const Options& opt) {
  CompressOptions options;
  if (opt.level) options.level = *opt.level;
  options.best = opt.best;
  options.model = opt.model;
  options.prior = opt.prior;
  options.media = opt.media;
  options.threads = opt.threads;
  options.block_size = opt.block_size;
  return options;
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  std::size_t i = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    std::uint64_t digit = static_cast<std::uint64_t>(text[i] - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  if (i == 0) return std::nullopt;
  std::string suffix(text.substr(i));
  for (char& c : suffix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  int shift = 0;
  if (suffix.empty() || suffix == "B") {
    shift = 0;
  } else if (suffix == "K" || suffix == "KB" || suffix == "KIB") {
    shift = 10;
  } else if (suffix == "M" || suffix == "MB" || suffix == "MIB") {
    shift = 20;
  } else if (suffix == "G" || suffix == "GB" || suffix == "GIB") {
    shift = 30;
  } else {
    return std::nullopt;
  }
  if (shift > 0 && value > (UINT64_MAX >> shift)) return std::nullopt;
  return value << shift;
}

std::vector<std::string> normalise_arguments(int argc, char** argv) {
  std::vector<std::string> args;
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i == 1) {
      if (arg == "compress") continue;
      if (arg == "decompress")
        arg = "-d";
      else if (arg == "test")
        arg = "-t";
      else if (arg == "list")
        arg = "-l";
    }
    if (!options_done && arg == "--") options_done = true;
    if (!options_done && is_level_token(arg)) arg = "--level=" + arg.substr(1);
    args.push_back(arg);
  }
  return args;
}

std::optional<Options> parse_options(int argc, char** argv, int& exit_code) {
  Options opt;
  CLI::App app{
      "lmpack: lossless compression with learned predictors and arithmetic coding.\n"
      "Compresses each FILE to FILE.lmp (and removes FILE unless -k). With no FILE, or when FILE\n"
      "is -, reads standard input and writes standard output.\n"
      "Also: lmpack compress|decompress|test|list ...  and  lmpack bench --help",
      "lmpack"};
  app.set_version_flag("-V,--version", std::string("lmpack ") + lmpack::version());

  bool decompress = false, test = false, list = false;
  std::string output;
  std::string block_size_text;
  int level = 0;
  int threads = 1;

  app.add_flag("-d,--decompress", decompress, "Decompress FILE.lmp to FILE");
  app.add_flag("-c,--stdout", opt.to_stdout, "Write to standard output, keep input files");
  auto* output_opt =
      app.add_option("-o,--output", output, "Write to FILE (one input only)")->type_name("FILE");
  app.add_flag("-k,--keep", opt.keep, "Keep (don't delete) input files");
  app.add_flag("--no-verify", opt.no_verify,
               "Skip decoding each new archive before writing it (faster; the archive's own "
               "checksums still guard every later decode)");
  app.add_flag("-f,--force", opt.force,
               "Overwrite existing output; allow compressed data on a terminal");
  auto* test_opt = app.add_flag("-t,--test", test, "Decode and verify archives, write nothing");
  auto* list_opt = app.add_flag("-l,--list", list, "List archive contents (-v: per block)");
  test_opt->excludes(list_opt);
  auto* level_opt = app.add_option("--level", level,
                                   "-1 .. -9: compression level (default: the "
                                   "model's default level)")
                        ->check(CLI::Range(1, 9))
                        ->type_name("N");
  app.add_flag("--best", opt.best, "Strongest configuration for the media (slow)");
  app.add_option("--model", opt.model, "Model family: " + join(lmpack::model_names()))
      ->type_name("NAME");
  app.add_option("--prior", opt.prior,
                 "Prior of --model prior / prior-mix / prior-pcm: a name (NAME.lmw in the model "
                 "directories) or a .lmw path (default: text-en; prior-pcm: audio-pcm)")
      ->type_name("NAME");
  app.add_option("--model-dir", opt.model_dirs,
                 "Directory searched first for priors (repeatable; then $LMPACK_MODEL_DIR, "
                 "<exe>/../share/lmpack/models, the source tree's models/)")
      ->allow_extra_args(false)
      ->type_name("DIR");
  app.add_option("--media", opt.media,
                 "Media front end: auto (default), " + join(lmpack::media_names()))
      ->type_name("NAME");
  app.add_flag("--to-wav", opt.to_wav,
               "Decompressing audio that was FLAC: write WAV (FILE.wav) instead of FLAC; the "
               "samples are the same either way");
  app.add_option("-T,--threads", threads, "Worker threads, 0 = number of cores (default 1)")
      ->check(CLI::Range(0, 1024))
      ->type_name("N");
  auto* block_opt = app.add_option("-B,--block-size", block_size_text,
                                   "Block size, e.g. 64K, 16M (default: level's)")
                        ->type_name("SIZE");
  app.add_option("--simd", opt.simd,
                 "Neural-model kernels: " + join(lmpack::kernel_names()) +
                     " (default: the fastest this CPU runs; results are identical)")
      ->type_name("NAME");
  app.add_flag("-v,--verbose", opt.verbose, "Progress bar, per-file summary, -l block details");
  app.add_flag("-q,--quiet", opt.quiet, "Suppress warnings");
  app.add_option("files", opt.files, "Files to process; - is standard input")->type_name("FILE");

  std::vector<std::string> args = normalise_arguments(argc, argv);
  std::reverse(args.begin(), args.end());  // CLI11 parses a reversed vector
  try {
    app.parse(args);
  } catch (const CLI::Success& e) {
    exit_code = app.exit(e);
    return std::nullopt;
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    if (what.find("--level") != std::string::npos) {
      what = "invalid compression level (use -1 .. -9)";
    }
    print_usage_error(what);
    exit_code = kExitUsage;
    return std::nullopt;
  }

  auto usage = [&](const std::string& message) {
    print_usage_error(message);
    exit_code = kExitUsage;
    return std::nullopt;
  };

  if (list) {
    opt.mode = Mode::kList;
  } else if (test) {
    opt.mode = Mode::kTest;
  } else if (decompress) {
    opt.mode = Mode::kDecompress;
  }
  if (level_opt->count() > 0) opt.level = level;
  opt.threads = threads == 0 ? std::max(1u, std::thread::hardware_concurrency())
                             : static_cast<unsigned>(threads);
  if (block_opt->count() > 0) {
    auto size = parse_size(block_size_text);
    if (!size || *size == 0) return usage("invalid block size '" + block_size_text + "'");
    opt.block_size = *size;
  }
  for (const std::string& dir : opt.model_dirs) lmpack::add_model_dir(dir);
  if (!opt.model.empty()) {
    auto names = lmpack::model_names();
    if (std::find(names.begin(), names.end(), opt.model) == names.end()) {
      return usage("unknown model '" + opt.model + "' (known: " + join(names) + ")");
    }
  }
  if (!opt.simd.empty()) {
    if (lmpack::Status s = lmpack::force_kernels(opt.simd); !s) return usage(s.message());
  }
  if (opt.media != "auto") {
    auto names = lmpack::media_names();
    if (std::find(names.begin(), names.end(), opt.media) == names.end()) {
      return usage("unknown media '" + opt.media + "' (known: auto, " + join(names) + ")");
    }
  }
  if (output_opt->count() > 0) {
    if (output.empty()) return usage("empty output file name");
    opt.output = output;
  }
  if (opt.files.empty()) opt.files.push_back("-");
  if (opt.output && opt.to_stdout) return usage("-o and -c are mutually exclusive");
  if (opt.output && opt.files.size() > 1) return usage("-o takes a single input file");
  if (opt.output && (opt.mode == Mode::kTest || opt.mode == Mode::kList)) {
    return usage("-o makes no sense with -t or -l");
  }
  if (opt.mode == Mode::kCompress && opt.to_stdout && opt.files.size() > 1) {
    return usage("-c with several files would concatenate archives; compress them one by one");
  }
  if (std::count(opt.files.begin(), opt.files.end(), "-") > 1) {
    return usage("standard input can only be read once");
  }
  if (opt.mode == Mode::kCompress) {
    // Let the library judge the values it owns (limits may change) on an empty input, so a bad
    // value is a usage error before any file is read, not an error repeated for every file.
    std::vector<std::uint8_t> sink;
    Status status = compress({}, sink, compress_options(opt));
    if (status.code() == ErrorCode::kInvalidArgument) return usage(status.message());
  }
  return opt;
}

}  // namespace lmpack::cli
