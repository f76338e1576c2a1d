// Fuzzes the public API on arbitrary bytes: lmpack::inspect and lmpack::decompress must either
// succeed or return an error, never crash, hang or leak, and must agree with each other.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "format/container.h"
#include "lmpack/lmpack.h"
#include "model/cm/cm_config.h"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

// A valid archive may legitimately ask for up to ~2 GiB of model memory or a huge output (a tiny
// payload can decode to many bytes). Those inputs test the machine, not the code, so the harness
// skips decoding them; inspect still runs on everything. The cap admits the default level (5).
constexpr std::uint64_t kMaxOutput = 1 << 20;
constexpr std::uint64_t kMaxModelMemory = std::uint64_t{96} << 20;

bool too_expensive(std::span<const std::uint8_t> input) {
  lmpack::format::Archive a;
  if (!lmpack::format::parse_archive(input, a)) return false;  // fails fast anyway
  if (a.header.original_size > kMaxOutput) return true;
  lmpack::model::cm::CmConfig config;
  if (a.header.model_id == 1 && lmpack::model::cm::deserialize(a.header.model_params, config) &&
      config.memory_bytes() > kMaxModelMemory) {
    return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  lmpack::ArchiveInfo info;
  const lmpack::Status inspected = lmpack::inspect(input, info);
  require(inspected.is_ok() || !inspected.message().empty());
  if (too_expensive(input)) return 0;

  std::vector<std::uint8_t> output;
  const lmpack::Status decoded = lmpack::decompress(input, output);
  if (decoded) {
    require(inspected.is_ok());
    require(output.size() == info.original_size);
    require(lmpack::format::whole_checksum(output) == info.checksum);
  } else {
    require(output.empty());
    require(!decoded.message().empty());
  }
  return 0;
}
