// The codecs `lmpack bench` runs: lmpack itself at chosen levels and the usual peers, each as a
// pair of command lines that filter stdin to stdout (compress, then decompress).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lmpack::cli {

struct CodecSpec {
  std::string label;   // as shown in tables: "lmpack -5", "xz -9e", "flac -8"
  std::string family;  // "lmpack", "gzip", "bzip2", "xz", "zstd", "brotli", "flac", "wavpack"
  std::vector<std::string> compress;    // argv; [0] is the program's path
  std::vector<std::string> decompress;  // argv; [0] is the program's path
  // Audio peers: the containers they read (AudioShape::container names); they run only on audio
  // inputs in one of these. Empty for the byte compressors, which run on everything.
  std::vector<std::string> containers;
  // Audio peers name their input and output files instead of filtering stdin to stdout (flac
  // keeps foreign chunks only that way): "{in}" and "{out}" in the argv stand for scratch paths,
  // the compressed one ending in compressed_ext, the others in the container's name.
  bool file_args = false;
  std::string compressed_ext;
  bool reads(const std::string& container) const;
};

// One lmpack configuration: a level, or --best, of a model family (empty = the default).
struct LevelChoice {
  int level = 0;
  bool best = false;
  std::string model;
  bool operator==(const LevelChoice&) const = default;
};

// Full path of an executable found on $PATH, or empty.
std::string find_on_path(const std::string& program);

// Names accepted by --peers, in table order.
std::vector<std::string> peer_names();

// Peers found on PATH, in table order, restricted to `only` when it is non-empty.
std::vector<CodecSpec> available_peers(const std::vector<std::string>& only);

// lmpack run through `self` (normally /proc/self/exe) on `threads` threads (1 unless the bench
// is asked otherwise).
CodecSpec lmpack_codec(const std::string& self, const LevelChoice& choice, std::uint64_t block_size,
                       int threads = 1);

// "1,5,9,best,default,mix:5,lstm:best,transformer" -> choices (MODEL:LEVEL, or MODEL alone for
// its default level; "default" alone is the default model's); nullopt on a malformed list, an
// unknown model or a level outside 1..9.
std::optional<std::vector<LevelChoice>> parse_levels(const std::string& text);

// The bench's default: 1, the model's default level, 9, and --best (duplicates removed).
std::vector<LevelChoice> default_levels();

}  // namespace lmpack::cli
