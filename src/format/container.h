// The lmpack container, format v1. The byte-level spec is docs/format.md; this is its reader and
// writer. It knows block sizes, methods and checksums, never what a model does with a payload.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "lmpack/status.h"

namespace lmpack::format {

inline constexpr std::uint32_t kFormatVersion = 1;

// How one block's payload is stored.
enum class BlockMethod : std::uint8_t {
  kRaw = 0,    // payload is the original bytes
  kModel = 1,  // payload is the model's arithmetic-coded stream
};

struct BlockEntry {
  std::uint64_t original_size = 0;
  std::uint64_t payload_size = 0;
  BlockMethod method = BlockMethod::kRaw;
  std::uint32_t checksum = 0;  // block_checksum() of the original block
};

struct Header {
  std::uint32_t version = kFormatVersion;
  std::uint8_t media_id = 0;               // registry id of the media front end (0 = bytes)
  std::vector<std::uint8_t> media_params;  // opaque to the container
  std::uint8_t model_id = 0;               // registry id of the model family (1 = cm)
  std::uint8_t level = 0;
  std::vector<std::uint8_t> model_params;  // opaque to the container (hyper-parameters, hashes)
  std::uint64_t original_size = 0;         // sum of the blocks' original sizes
  std::uint64_t block_size = 0;            // nominal block size (last block may be shorter)
};

// A parsed archive. Payload spans point into the buffer given to parse().
struct Archive {
  Header header;
  std::vector<BlockEntry> blocks;
  std::vector<std::span<const std::uint8_t>> payloads;  // one per block
  std::uint64_t checksum = 0;                           // whole_checksum() of the original
};

// Serialises a complete archive into `out` (replacing its contents). payloads[i] belongs to
// blocks[i]; a raw block's payload must be its original bytes. Entries' payload_size fields are
// ignored (the payloads' sizes are written). The writer does not validate: parse_archive does.
void write_archive(const Header& header, const std::vector<BlockEntry>& blocks,
                   const std::vector<std::vector<std::uint8_t>>& payloads, std::uint64_t checksum,
                   std::vector<std::uint8_t>& out);

// Bytes the archive adds beyond its payloads: header, block table, check value and trailer.
// Model-coded blocks are counted with their entry's payload_size.
std::uint64_t archive_overhead(const Header& header, const std::vector<BlockEntry>& blocks);

// Validates magic, version, every length and the check value (which covers header, block table
// and the trailing checksum); never reads out of bounds and never allocates more than the input
// size justifies. On failure `out` is left empty. Payload contents and the whole checksum are
// not checked here (that needs decoding).
Status parse_archive(std::span<const std::uint8_t> data, Archive& out);

// XXH3-64 of the whole original, and the low 32 bits of XXH3-64 of one block.
std::uint64_t whole_checksum(std::span<const std::uint8_t> data);
std::uint32_t block_checksum(std::span<const std::uint8_t> data);

}  // namespace lmpack::format
