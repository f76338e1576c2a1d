// Sample-rate conversion and channel mixing for the recogniser and the synthesiser. Speech only
// needs the band below 8 kHz, so a short windowed-sinc filter is plenty; the coefficients are
// computed once per rate pair in a fixed order, so the same input gives the same output.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace lmpack::speech {

// Converts mono float samples (about -1..1) from `from_rate` to `to_rate` Hz, low-pass filtering
// below the lower Nyquist frequency. The output has round(n * to_rate / from_rate) samples.
std::vector<float> resample(std::span<const float> in, std::uint32_t from_rate,
                            std::uint32_t to_rate);

}  // namespace lmpack::speech
