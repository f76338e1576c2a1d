// Checksums of original data. Both are XXH3-64 so one fast, well-tested hash serves the whole
// format; the per-block value is truncated to 32 bits because a block is small and the whole-file
// check backs it up.
#include <xxhash.h>

#include "format/container.h"

namespace lmpack::format {

std::uint64_t whole_checksum(std::span<const std::uint8_t> data) {
  return XXH3_64bits(data.data(), data.size());
}

std::uint32_t block_checksum(std::span<const std::uint8_t> data) {
  return static_cast<std::uint32_t>(XXH3_64bits(data.data(), data.size()));
}

}  // namespace lmpack::format
