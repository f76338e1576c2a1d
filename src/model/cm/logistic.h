// The logistic domain of the context-mixing model, in integers only (determinism rule 2: no libm
// in the probability path). Probabilities are 12-bit (0..4095); "stretched" values are
// ln(p / (1 - p)) in units of 1/256, clamped to [-2047, 2047].
#pragma once

#include <array>
#include <cstdint>

namespace lmpack::model::cm {

// The knots of squash: 4096 / (1 + e^(-x/256)) at x = -2048, -1920, ..., 2048, rounded
// (computed offline, fixed here forever).
inline constexpr int kSquashKnots[33] = {1,    2,    4,    6,    10,   17,   27,   45,   74,
                                         120,  194,  311,  488,  747,  1102, 1546, 2048, 2550,
                                         2994, 3349, 3608, 3785, 3902, 3976, 4022, 4051, 4069,
                                         4079, 4086, 4090, 4092, 4094, 4095};

// squash(x) = 4096 / (1 + e^(-x/256)), by linear interpolation between knots every 128 units.
// The knots are that formula rounded to integers (computed offline, fixed here forever).
constexpr int squash_interpolated(int x) {
  if (x > 2047) x = 2047;
  if (x < -2047) x = -2047;
  const int i = (x + 2048) >> 7;
  const int frac = (x + 2048) & 127;
  return (kSquashKnots[i] * (128 - frac) + kSquashKnots[i + 1] * frac + 64) >> 7;
}

// The same values tabulated once at compile time: squash runs several times per coded bit.
constexpr std::array<std::int16_t, 4095> make_squash_table() {
  std::array<std::int16_t, 4095> table{};
  for (int x = -2047; x <= 2047; ++x)
    table[x + 2047] = static_cast<std::int16_t>(squash_interpolated(x));
  return table;
}

inline constexpr std::array<std::int16_t, 4095> kSquashTable = make_squash_table();

inline int squash(int x) {
  if (x > 2047) x = 2047;
  if (x < -2047) x = -2047;
  return kSquashTable[x + 2047];
}

// stretch(p) = the x whose squash(x) is nearest p from below: the inverse of squash on 0..4095.
// Built at compile time, so it costs nothing per call.
constexpr std::array<std::int16_t, 4096> make_stretch_table() {
  std::array<std::int16_t, 4096> table{};
  int pi = 0;
  for (int x = -2047; x <= 2047; ++x) {
    const int v = squash_interpolated(x);
    for (int p = pi; p <= v; ++p) table[p] = static_cast<std::int16_t>(x);
    pi = v + 1;
  }
  for (int p = pi; p < 4096; ++p) table[p] = 2047;
  return table;
}

inline constexpr std::array<std::int16_t, 4096> kStretchTable = make_stretch_table();

inline int stretch(int p) { return kStretchTable[p]; }

}  // namespace lmpack::model::cm
