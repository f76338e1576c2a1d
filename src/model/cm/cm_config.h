// Hyper-parameters of the context-mixing model. A level is a preset of these; the archive stores
// the values themselves so the decoder rebuilds exactly the encoder's model.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "lmpack/status.h"

namespace lmpack::model::cm {

// Context kinds besides the plain order-N byte contexts.
enum ContextFeature : std::uint32_t {
  kWord = 1u << 0,     // the current word (letters only, case-folded) and last byte
  kBigram = 1u << 1,   // the current word and the previous one
  kSparse = 1u << 2,   // skip contexts: bytes 2-3 back, bytes 2 and 4 back
  kColumn = 1u << 3,   // column within the line and the byte above it
  kWordPos = 1u << 4,  // previous word and the distance since it ended
  kTwoMixers =
      1u << 5,      // more weight-set choosers (last byte, match, known contexts) + a final mixer
  kApm3 = 1u << 6,  // a third SSE stage on the order-2 context
  kRuns = 1u << 7,  // per context: the last byte seen there and its run length
  kApm2 = 1u << 8,  // an SSE stage on the last byte (else only on the partial byte)
};

struct CmConfig {
  std::uint32_t orders = 0;          // bit k set: hashed context of the last k bytes (k = 2..16)
  std::uint32_t features = 0;        // ContextFeature bits
  std::uint8_t table_log2 = 22;      // slot table size in bytes, log2 (16..30)
  std::uint8_t match_log2 = 18;      // match index entries, log2 (10..28)
  std::uint8_t match_min = 6;        // bytes hashed to find a match (3..32)
  std::uint16_t counter_limit = 63;  // counter adaptation floor (1..63)
  std::uint8_t mixer_shift = 14;     // mixer learning-rate shift (6..16)
  std::uint8_t mixer_rate = 3;       // mixer learning-rate multiplier (1..64)
  // Which variants of this config the encoder tries per block (it keeps the smallest and the
  // payload's first byte names it): bit v set = try variant v. The decoder ignores this field.
  std::uint8_t search = 0;

  int hashed_contexts() const;  // how many slot lookups per nibble
  std::uint64_t memory_bytes() const;
};

CmConfig config_for_level(int level);

// Variants the encoder may choose per block; all derive from the stored config alone.
enum Variant : std::uint8_t {
  kFull = 0,          // the config as stored
  kLite = 1,          // level 5's model: orders 2, 3, 4, 6, the word model and the mixers;
                      // extra contexts dilute the mixer on small blocks
  kNoHighOrders = 2,  // without orders above 8
  kLevel6 = 3,        // level 6's model: kLite plus the bigram, run model and last-byte SSE
};
inline constexpr int kVariants = 4;
CmConfig variant_config(const CmConfig& config, int variant);

// Blocks up to this size also try kLite and kLevel6 when `search` asks for them.
inline constexpr std::uint64_t kLiteSearchMaxBlock = std::uint64_t{1} << 20;

std::vector<std::uint8_t> serialize(const CmConfig& config);
Status deserialize(std::span<const std::uint8_t> bytes, CmConfig& config);

}  // namespace lmpack::model::cm
