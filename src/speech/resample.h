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

// Doubles the sample rate by inserting a zero after every sample, with no anti-image filter: the
// output holds the input's band and, above the old Nyquist frequency, its mirror image, each at
// half the input's level (so nothing can clip). For the recogniser only, never for listening:
// the 16 kHz acoustic model expects energy above 4 kHz, and 8 kHz telephone speech, resampled
// properly, has none there.
std::vector<float> upsample2_with_image(std::span<const float> in);

}  // namespace lmpack::speech
