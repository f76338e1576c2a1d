// The one pseudo-random source for weight initialisation: splitmix64, a fixed function of the
// seed on every platform (std:: distributions are implementation-defined, so never used).
#pragma once

#include <cstdint>

namespace lmpack::nn {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [-1, 1): 24 random bits, exactly representable, so no rounding question arises.
  float uniform_pm1() {
    const auto bits = static_cast<std::int32_t>(next() >> 40);  // [0, 2^24)
    return static_cast<float>(bits - (1 << 23)) * (1.0f / static_cast<float>(1 << 23));
  }
  // Uniform in [-a, a).
  float uniform(float a) { return uniform_pm1() * a; }

 private:
  std::uint64_t state_;
};

}  // namespace lmpack::nn
