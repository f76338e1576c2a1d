// The weights file (.lmw): a self-describing container for trained model weights, used for the
// shipped priors in models/ and for the trainer's checkpoints. Layout (docs/format.md,
// "Weights file"), little-endian:
//
//   "LMPW" u32 version(1)
//   str16 family  bytes32 params              // the family's serialized hyper-parameters
//   u32 n_meta   { str16 key  str32 value }   // free-form provenance: corpus, steps, loss...
//   u32 n_tensor { str16 name  u8 dtype(0 = f32)  u8 ndim  u32 dims[ndim]  f32 data[prod(dims)] }
//   u8 hash[16]                               // XXH3-128 of every byte before it
//
// The hash names the content: archives made with a prior store it, and a decoder uses a prior
// only when its hash matches. Parsing is strict: every length is checked against the bytes left
// before it is trusted, and anything left over or out of range is an error.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "lmpack/status.h"

namespace lmpack::nn {

struct WeightsHash {
  std::uint64_t lo = 0, hi = 0;  // XXH3-128 low and high halves
  bool operator==(const WeightsHash&) const = default;
  std::string hex() const;  // 32 hex digits, high half first (as `xxh128sum` prints it)
};

struct NamedTensor {
  std::string name;
  std::vector<std::uint32_t> shape;  // outermost first, e.g. [rows, cols]
  std::vector<float> data;           // prod(shape) values, row-major
};

struct WeightsFile {
  std::string family;                // model family name, e.g. "transformer"
  std::vector<std::uint8_t> params;  // that family's serialized hyper-parameters
  std::vector<std::pair<std::string, std::string>> meta;
  std::vector<NamedTensor> tensors;

  const NamedTensor* tensor(const std::string& name) const;
  // The value of a meta key, or `fallback` when absent.
  std::string meta_value(const std::string& key, const std::string& fallback = "") const;
  void set_meta(const std::string& key, const std::string& value);
};

inline constexpr std::uint32_t kWeightsVersion = 1;
inline constexpr std::uint64_t kMaxWeightsBytes = std::uint64_t{1} << 30;

// Serializes `w` with its trailing hash.
std::vector<std::uint8_t> write_weights(const WeightsFile& w);
// Parses and verifies a complete file; `hash` (optional) receives its content hash. Errors:
// kNotAnArchive (magic), kUnsupportedVersion, kTruncated, kChecksumMismatch, kCorrupt.
Status parse_weights(std::span<const std::uint8_t> bytes, WeightsFile& out,
                     WeightsHash* hash = nullptr);
// The hash a file's trailer must hold (of everything but the trailer); for files of >= 16 bytes.
WeightsHash hash_weights_content(std::span<const std::uint8_t> content);

// File helpers: reading checks the size limit first; writing goes through PATH.tmp and a rename,
// so a crash never leaves a half-written checkpoint under the real name.
Status load_weights(const std::string& path, WeightsFile& out, WeightsHash* hash = nullptr);
Status save_weights(const std::string& path, const WeightsFile& w, WeightsHash* hash = nullptr);

}  // namespace lmpack::nn
