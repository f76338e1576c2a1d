// Little-endian fields of a model's archive params: the one writer and reader every family's
// serialize/deserialize uses (floats travel as their IEEE-754 bit patterns, so they round-trip
// exactly). The reader does no bounds checks: callers check the total size first.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace lmpack::model::params_io {

inline void put(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

inline std::uint64_t get(std::span<const std::uint8_t> in, std::size_t& pos, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= std::uint64_t{in[pos++]} << (8 * i);
  return v;
}

inline void put_f32(std::vector<std::uint8_t>& out, float f) {
  put(out, std::bit_cast<std::uint32_t>(f), 4);
}

inline float get_f32(std::span<const std::uint8_t> in, std::size_t& pos) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(get(in, pos, 4)));
}

inline void put_f64(std::vector<std::uint8_t>& out, double f) {
  put(out, std::bit_cast<std::uint64_t>(f), 8);
}

inline double get_f64(std::span<const std::uint8_t> in, std::size_t& pos) {
  return std::bit_cast<double>(get(in, pos, 8));
}

}  // namespace lmpack::model::params_io
