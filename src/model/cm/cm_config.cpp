#include "model/cm/cm_config.h"

#include <bit>
#include <string>

#include "model/params_io.h"

namespace lmpack::model::cm {

int CmConfig::hashed_contexts() const {
  int n = std::popcount(orders);
  if (features & kWord) ++n;
  if (features & kBigram) ++n;
  if (features & kSparse) n += 2;
  if (features & kColumn) ++n;
  if (features & kWordPos) ++n;
  return n;
}

std::uint64_t CmConfig::memory_bytes() const {
  // Slot table, match index, SSE tables (33 16-bit points per context), and ~1 MiB of mixers,
  // history maps and direct order-0/1 counters.
  std::uint64_t bytes = (std::uint64_t{1} << table_log2) + (std::uint64_t{4} << match_log2);
  if (features & kApm2) bytes += std::uint64_t{65536} * 33 * 2;
  if (features & kApm3) bytes += (std::uint64_t{1} << 20) * 33 * 2;
  return bytes + (1u << 20);
}

CmConfig config_for_level(int level) {
  CmConfig c;
  auto orders = [](std::initializer_list<int> ks) {
    std::uint32_t m = 0;
    for (int k : ks) m |= 1u << k;
    return m;
  };
  // Each level adds to the one below (FLAC's rule: a higher level never compresses worse on
  // the bench corpus, which tests/roundtrip checks).
  const std::uint32_t text = kWord | kBigram;
  switch (level) {
    case 1:
      c.orders = orders({2, 3, 4});
      c.table_log2 = 22;
      c.match_log2 = 18;
      break;
    case 2:
      c.orders = orders({2, 3, 4, 6});
      c.table_log2 = 23;
      c.match_log2 = 19;
      break;
    case 3:
      c.orders = orders({2, 3, 4, 6});
      c.features = kWord;
      c.table_log2 = 24;
      c.match_log2 = 20;
      break;
    case 4:
      c.orders = orders({2, 3, 4, 6});
      c.features = kWord;
      c.table_log2 = 25;
      c.match_log2 = 21;
      break;
    case 5:  // the default: the most ratio per second
      c.orders = orders({2, 3, 4, 6});
      c.features = kWord | kTwoMixers;
      c.table_log2 = 25;
      c.match_log2 = 21;
      break;
    case 6:
      c.orders = orders({2, 3, 4, 6});
      c.features = text | kTwoMixers | kRuns | kApm2;
      c.table_log2 = 26;
      c.match_log2 = 22;
      c.search = 1u << kLite;
      break;
    case 7:
      c.orders = orders({2, 3, 4, 5, 6, 8});
      c.features = text | kTwoMixers | kRuns | kApm2;
      c.table_log2 = 27;
      c.match_log2 = 22;
      c.search = (1u << kLite) | (1u << kLevel6);
      break;
    case 8:
      c.orders = orders({2, 3, 4, 5, 6, 8});
      c.features = text | kTwoMixers | kRuns | kApm2 | kApm3 | kSparse;
      c.table_log2 = 28;
      c.match_log2 = 23;
      c.search = (1u << kLite) | (1u << kLevel6);
      break;
    default:  // 9, the strongest (--best)
      c.orders = orders({2, 3, 4, 5, 6, 8, 12});
      c.features = text | kTwoMixers | kRuns | kApm2 | kApm3 | kSparse | kColumn | kWordPos;
      c.table_log2 = 29;
      c.match_log2 = 24;
      c.search = (1u << kLite) | (1u << kLevel6) | (1u << kNoHighOrders);
      break;
  }
  return c;
}

CmConfig variant_config(const CmConfig& config, int variant) {
  CmConfig c = config;
  if (variant == kLite || variant == kLevel6) {
    c.orders &= (1u << 2) | (1u << 3) | (1u << 4) | (1u << 6);
    c.features &=
        variant == kLite ? (kWord | kTwoMixers) : (kWord | kBigram | kTwoMixers | kRuns | kApm2);
  } else if (variant == kNoHighOrders) {
    c.orders &= (1u << 9) - 1;
  }
  return c;
}

// Layout (version 1 of the params): u8 version, u32 orders, u32 features, u8 table_log2,
// u8 match_log2, u8 match_min, u16 counter_limit, u8 mixer_shift, u8 mixer_rate, u8 search;
// little-endian.
namespace {
using params_io::get;
using params_io::put;

constexpr std::uint8_t kParamsVersion = 1;
constexpr std::size_t kParamsSize = 1 + 4 + 4 + 1 + 1 + 1 + 2 + 1 + 1 + 1;

}  // namespace

std::vector<std::uint8_t> serialize(const CmConfig& c) {
  std::vector<std::uint8_t> out;
  put(out, kParamsVersion, 1);
  put(out, c.orders, 4);
  put(out, c.features, 4);
  put(out, c.table_log2, 1);
  put(out, c.match_log2, 1);
  put(out, c.match_min, 1);
  put(out, c.counter_limit, 2);
  put(out, c.mixer_shift, 1);
  put(out, c.mixer_rate, 1);
  put(out, c.search, 1);
  return out;
}

Status deserialize(std::span<const std::uint8_t> bytes, CmConfig& c) {
  if (bytes.size() != kParamsSize) {
    return {ErrorCode::kUnknownModel, "cm model parameters have an unknown layout (size " +
                                          std::to_string(bytes.size()) + ")"};
  }
  std::size_t pos = 0;
  const auto version = get(bytes, pos, 1);
  if (version != kParamsVersion) {
    return {ErrorCode::kUnknownModel,
            "cm model parameters version " + std::to_string(version) + " is not supported"};
  }
  c.orders = static_cast<std::uint32_t>(get(bytes, pos, 4));
  c.features = static_cast<std::uint32_t>(get(bytes, pos, 4));
  c.table_log2 = static_cast<std::uint8_t>(get(bytes, pos, 1));
  c.match_log2 = static_cast<std::uint8_t>(get(bytes, pos, 1));
  c.match_min = static_cast<std::uint8_t>(get(bytes, pos, 1));
  c.counter_limit = static_cast<std::uint16_t>(get(bytes, pos, 2));
  c.mixer_shift = static_cast<std::uint8_t>(get(bytes, pos, 1));
  c.mixer_rate = static_cast<std::uint8_t>(get(bytes, pos, 1));
  c.search = static_cast<std::uint8_t>(get(bytes, pos, 1));
  const std::uint32_t known_features = (1u << 9) - 1;
  const bool ok = (c.orders & ~0x1fffcu) == 0 && (c.features & ~known_features) == 0 &&
                  c.table_log2 >= 16 && c.table_log2 <= 30 && c.match_log2 >= 10 &&
                  c.match_log2 <= 28 && c.match_min >= 3 && c.match_min <= 32 &&
                  c.counter_limit >= 1 && c.counter_limit <= 63 && c.mixer_shift >= 6 &&
                  c.mixer_shift <= 16 && c.mixer_rate >= 1 && c.mixer_rate <= 64 &&
                  (c.search >> kVariants) == 0;
  if (!ok) return {ErrorCode::kCorrupt, "cm model parameters out of range"};
  return Status::ok();
}

}  // namespace lmpack::model::cm
