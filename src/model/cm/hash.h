// Context hashing: cheap, well-mixed 64-bit hashes. Fixed forever: archives depend on them.
#pragma once

#include <cstdint>

namespace lmpack::model::cm {

inline std::uint64_t hash_finish(std::uint64_t h) {
  h ^= h >> 31;
  h *= 0xd6e8feb86659fd93ull;
  h ^= h >> 32;
  return h;
}

inline std::uint64_t hash_combine(std::uint64_t h, std::uint64_t v) {
  return (h ^ v) * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
}

}  // namespace lmpack::model::cm
