#include "cli/peers.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "lmpack/lmpack.h"

namespace lmpack::cli {

namespace {

struct PeerTemplate {
  const char* family;
  const char* label;
  std::vector<std::string> compress_args;
  std::vector<std::string> decompress_args;
  const char* decompressor = nullptr;  // a separate program (wvunpack); null: the same one
  std::vector<std::string> containers = {};
  const char* compressed_ext = nullptr;  // non-null: a file_args peer
};

// Strongest common settings, one thread each so the comparison with lmpack -T1 is fair. flac
// 1.4 and wavpack 5 are single-threaded. Both keep the container's other chunks (flac with
// --keep-foreign-metadata, which it refuses on pipes; wavpack always), so their round trip gives
// the file back byte for byte, as lmpack's does.
const std::vector<PeerTemplate>& peer_table() {
  static const std::vector<PeerTemplate> table = {
      {"gzip", "gzip -9", {"-9", "-c"}, {"-d", "-c"}},
      {"bzip2", "bzip2 -9", {"-9", "-c"}, {"-d", "-c"}},
      {"xz", "xz -9e", {"-9e", "-T1", "-c"}, {"-d", "-T1", "-c"}},
      {"zstd", "zstd -19", {"-19", "--single-thread", "-q", "-c"}, {"-d", "-q", "-c"}},
      {"brotli", "brotli -q 11", {"-q", "11", "-c"}, {"-d", "-c"}},
      {"flac",
       "flac -8",
       {"-8", "-s", "-f", "--keep-foreign-metadata", "-o", "{out}", "{in}"},
       {"-d", "-s", "-f", "--keep-foreign-metadata", "-o", "{out}", "{in}"},
       nullptr,
       {"wav", "aiff", "w64", "rf64"},
       "flac"},
      {"wavpack",
       "wavpack -hhx6",
       {"-hhx6", "-q", "-y", "{in}", "-o", "{out}"},
       {"-q", "-y", "{in}", "-o", "{out}"},
       "wvunpack",
       {"wav", "aiff", "w64", "rf64", "caf"},
       "wv"},
      // Image peers (file_args; they run on image inputs, see bench_image.h). optipng's output
      // is a PNG, so its "decompressor" is a copy; cwebp's comes back through dwebp as PAM and
      // cjxl's through djxl; the bench compares pixels. cjxl runs on one thread.
      {"optipng",
       "optipng -o7",
       {"-o7", "-quiet", "-force", "-out", "{out}", "{in}"},
       {"{in}", "{out}"},
       "cp",
       {"ppm", "pgm", "bmp", "png"},
       "png"},
      {"cwebp",
       "cwebp -lossless -z 9",
       {"-quiet", "-lossless", "-z", "9", "{in}", "-o", "{out}"},
       {"-quiet", "-pam", "{in}", "-o", "{out}"},
       "dwebp",
       {"ppm", "pgm", "pam", "png"},
       "webp"},
      {"cjxl",
       "cjxl -d 0 -e 9",
       {"-d", "0", "-e", "9", "--num_threads=0", "--quiet", "{in}", "{out}"},
       {"--num_threads=0", "--quiet", "{in}", "{out}"},
       "djxl",
       {"ppm", "pgm", "pam", "png"},
       "jxl"},
  };
  return table;
}

}  // namespace

bool CodecSpec::reads(const std::string& container) const {
  return containers.empty() ||
         std::find(containers.begin(), containers.end(), container) != containers.end();
}

std::string find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  std::stringstream stream(dirs);
  std::string dir;
  while (std::getline(stream, dir, ':')) {
    // Built by appending: GCC 12 warns (-Wrestrict, falsely) on the operator+ form here.
    std::string candidate = dir.empty() ? std::string(".") : dir;
    candidate += '/';
    candidate += program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

std::vector<std::string> peer_names() {
  std::vector<std::string> names;
  for (const auto& peer : peer_table()) names.push_back(peer.family);
  return names;
}

std::vector<CodecSpec> available_peers(const std::vector<std::string>& only) {
  std::vector<CodecSpec> specs;
  for (const auto& peer : peer_table()) {
    if (!only.empty() && std::find(only.begin(), only.end(), peer.family) == only.end()) continue;
    std::string program = find_on_path(peer.family);
    std::string decompressor =
        peer.decompressor != nullptr ? find_on_path(peer.decompressor) : program;
    if (program.empty() || decompressor.empty()) continue;
    CodecSpec spec;
    spec.label = peer.label;
    spec.family = peer.family;
    spec.containers = peer.containers;
    spec.file_args = peer.compressed_ext != nullptr;
    if (spec.file_args) spec.compressed_ext = peer.compressed_ext;
    spec.compress.push_back(program);
    spec.compress.insert(spec.compress.end(), peer.compress_args.begin(), peer.compress_args.end());
    spec.decompress.push_back(decompressor);
    spec.decompress.insert(spec.decompress.end(), peer.decompress_args.begin(),
                           peer.decompress_args.end());
    specs.push_back(std::move(spec));
  }
  return specs;
}

CodecSpec lmpack_codec(const std::string& self, const LevelChoice& choice, std::uint64_t block_size,
                       int threads) {
  CodecSpec spec;
  spec.family = "lmpack";
  std::string level_arg = "-";
  level_arg += choice.best ? std::string("-best") : std::to_string(choice.level);
  const std::string threads_arg = "-T" + std::to_string(threads);
  spec.label = "lmpack " + (choice.model.empty() ? "" : choice.model + " ") + level_arg +
               (threads == 1 ? "" : " " + threads_arg);
  // --no-verify: time compression alone, as the peers do; the bench decodes and compares anyway.
  spec.compress = {self, "-c", "-q", threads_arg, "--no-verify", level_arg};
  if (!choice.model.empty()) spec.compress.push_back("--model=" + choice.model);
  if (block_size > 0) {
    spec.compress.push_back("-B");
    spec.compress.push_back(std::to_string(block_size));
  }
  spec.decompress = {self, "-d", "-c", "-q", threads_arg};
  return spec;
}

std::optional<std::vector<LevelChoice>> parse_levels(const std::string& text) {
  std::vector<LevelChoice> choices;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    LevelChoice choice;
    if (const auto colon = item.find(':'); colon != std::string::npos) {
      choice.model = item.substr(0, colon);
      item = item.substr(colon + 1);
    } else if (!item.empty() && !(item == "best" || item == "default" ||
                                  (item.size() == 1 && item[0] >= '1' && item[0] <= '9'))) {
      choice.model = item;  // a model alone: its default level
      item = "default";
    }
    if (!choice.model.empty()) {
      const auto names = model_names();
      if (std::find(names.begin(), names.end(), choice.model) == names.end()) return std::nullopt;
    }
    if (item == "default") {
      choice.level = CompressOptions{}.level;
    } else if (item == "best") {
      choice.best = true;
    } else if (item.size() == 1 && item[0] >= '1' && item[0] <= '9') {
      choice.level = item[0] - '0';
    } else {
      return std::nullopt;
    }
    if (std::find(choices.begin(), choices.end(), choice) == choices.end()) {
      choices.push_back(choice);
    }
  }
  if (choices.empty()) return std::nullopt;
  return choices;
}

std::vector<LevelChoice> default_levels() {
  std::vector<LevelChoice> choices;
  for (int level : {1, CompressOptions{}.level, 9}) {
    LevelChoice choice{level, false, {}};
    if (std::find(choices.begin(), choices.end(), choice) == choices.end()) {
      choices.push_back(choice);
    }
  }
  choices.push_back(LevelChoice{0, true, {}});
  return choices;
}

}  // namespace lmpack::cli
