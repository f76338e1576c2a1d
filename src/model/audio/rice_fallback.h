// FLAC's own method as the audio codec's floor: fixed polynomial predictors (orders 0-4) and
// Rice codes with a parameter per partition, plus left/side stereo. The codec codes a block this
// way whenever it comes out smaller than the adaptive path, so a block never costs more than
// FLAC's fixed-predictor subframes would (plus the codec's few header bytes).
//
// Bitstream, MSB first, per partition of kRicePartition frames (the last may be shorter): for a
// stereo pair one bit (1 = the second channel is coded as its difference from the first), then
// per coded channel 3 bits predictor order (0-4) and 6 bits Rice parameter, then the partition's
// residuals channel by channel, each zigzag-mapped and Rice-coded (unary quotient of ones ended
// by a zero, then the parameter's low bits). Predictors see the channel's previous samples across
// partitions; before the block's first frame they read zeros.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace lmpack::model::audio {

inline constexpr std::size_t kRicePartition = 4096;

// Samples [frames, channels], already shifted right by their channel's wasted bits; channels
// with coded[c] == false are left out (constant channels). Appends the bitstream to `out`.
void rice_encode(std::span<const std::int64_t> samples, int channels, std::size_t frames,
                 const std::vector<bool>& coded, std::vector<std::uint8_t>& out);

// Bytes rice_encode would append, without writing them.
std::size_t rice_size(std::span<const std::int64_t> samples, int channels, std::size_t frames,
                      const std::vector<bool>& coded);

// Inverse of rice_encode: fills samples[f * channels + c] for coded channels. A corrupt stream
// decodes to some values (reads past the end see zeros, runaway quotients stop) without faulting;
// the caller's checksum reports it.
void rice_decode(std::span<const std::uint8_t> in, int channels, std::size_t frames,
                 const std::vector<bool>& coded, std::span<std::int64_t> samples);

}  // namespace lmpack::model::audio
