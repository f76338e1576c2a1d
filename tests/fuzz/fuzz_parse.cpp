// Fuzzes the container reader on arbitrary bytes. Besides "never crash", it checks what an
// accepted archive promises: payloads tile the input exactly, and because every field has one
// encoding, writing the parsed archive back reproduces the input byte for byte.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "format/container.h"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lmpack::format;
  const std::span<const std::uint8_t> input(data, size);
  Archive a;
  const lmpack::Status status = parse_archive(input, a);
  if (!status) {
    require(!status.message().empty());
    require(a.blocks.empty() && a.payloads.empty());
    return 0;
  }

  require(a.header.version == kFormatVersion);
  require(a.payloads.size() == a.blocks.size());
  std::uint64_t total = 0;
  std::vector<std::vector<std::uint8_t>> payloads;
  for (std::size_t i = 0; i < a.blocks.size(); ++i) {
    const BlockEntry& b = a.blocks[i];
    require(a.payloads[i].size() == b.payload_size);
    require(a.payloads[i].data() >= data && a.payloads[i].data() + b.payload_size <= data + size);
    require(b.method == BlockMethod::kModel || b.payload_size == b.original_size);
    require(b.original_size > 0 && b.original_size <= a.header.block_size);
    total += b.original_size;
    payloads.emplace_back(a.payloads[i].begin(), a.payloads[i].end());
  }
  require(total == a.header.original_size);

  std::vector<std::uint8_t> rewritten;
  write_archive(a.header, a.blocks, payloads, a.checksum, rewritten);
  require(rewritten.size() == size);
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  // The reader skips the check value in fuzzing builds, so the input's may be wrong.
  const std::size_t check_at = archive_overhead(a.header, a.blocks) - 12;
  std::vector<std::uint8_t> expected(data, data + size);
  std::copy_n(rewritten.begin() + check_at, 4, expected.begin() + check_at);
  require(rewritten == expected);
#else
  require(std::equal(rewritten.begin(), rewritten.end(), data));
#endif
  return 0;
}
