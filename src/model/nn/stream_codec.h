// The coding loop shared by the standalone neural families: a model that predicts a 256-way
// distribution for the next byte of each of S streams, stepped in lockstep (nncp's batch mode:
// one set of matrix-matrix products serves every stream), drives the multi-symbol range coder.
//
// A block of n bytes is cut into S contiguous segments of L = ceil(n / S) bytes (the last ones
// shorter or empty). Step t codes byte t of every segment that has one, in stream order, in one
// range-coder stream; a stream whose segment has ended is fed byte 0 (not coded). The decoder
// knows n and S, so it repeats the same steps.
//
// Model concept:
//   int streams() const;
//   const float* probs(int s) const;       // [256], next-byte distribution of stream s
//   void step(const std::uint8_t* bytes);  // [streams], the bytes just coded
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "coder/quantize.h"
#include "coder/range_coder.h"
#include "model/codec.h"

namespace lmpack::model::nn {

inline constexpr int kDistributionBits = 16;
inline constexpr std::uint64_t kStreamProgressEvery = 1 << 14;

struct StreamPlan {
  std::uint64_t seg_len = 0;  // L
  std::uint64_t start(int s) const { return seg_len * static_cast<std::uint64_t>(s); }
  std::uint64_t length(int s, std::uint64_t n) const {
    const std::uint64_t b = start(s);
    return b >= n ? 0 : std::min(seg_len, n - b);
  }
};

inline StreamPlan plan_streams(std::uint64_t n, int streams) {
  const auto s = static_cast<std::uint64_t>(streams);
  return StreamPlan{(n + s - 1) / s};
}

// The cumulative frequencies the coder uses for one 256-way distribution.
inline void distribution_to_cum(const float* probs, std::array<std::uint32_t, 257>& cum) {
  std::array<std::uint32_t, 256> freqs;
  coder::quantize_distribution(std::span<const float>(probs, 256), freqs, kDistributionBits);
  coder::cumulative(freqs, cum);
}

template <class Model>
void encode_streams(Model& model, std::span<const std::uint8_t> block,
                    std::vector<std::uint8_t>& out, const BlockProgress& progress) {
  const int S = model.streams();
  const std::uint64_t n = block.size();
  const StreamPlan plan = plan_streams(n, S);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(S), 0);
  std::array<std::uint32_t, 257> cum;
  coder::RangeEncoder enc(out);
  std::uint64_t done = 0;
  for (std::uint64_t t = 0; t < plan.seg_len; ++t) {
    for (int s = 0; s < S; ++s) {
      if (t >= plan.length(s, n)) {
        bytes[s] = 0;
        continue;
      }
      const std::uint8_t c = block[plan.start(s) + t];
      distribution_to_cum(model.probs(s), cum);
      enc.encode(cum[c], cum[c + 1] - cum[c], kDistributionBits);
      bytes[s] = c;
      ++done;
    }
    if (t + 1 < plan.seg_len) model.step(bytes.data());
    if (progress && (t + 1) % kStreamProgressEvery == 0) progress(done);
  }
  enc.finish();
}

template <class Model>
void decode_streams(Model& model, std::span<const std::uint8_t> payload,
                    std::span<std::uint8_t> out, const BlockProgress& progress) {
  const int S = model.streams();
  const std::uint64_t n = out.size();
  const StreamPlan plan = plan_streams(n, S);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(S), 0);
  std::array<std::uint32_t, 257> cum;
  coder::RangeDecoder dec(payload);
  std::uint64_t done = 0;
  for (std::uint64_t t = 0; t < plan.seg_len; ++t) {
    for (int s = 0; s < S; ++s) {
      if (t >= plan.length(s, n)) {
        bytes[s] = 0;
        continue;
      }
      distribution_to_cum(model.probs(s), cum);
      const int c = dec.decode_symbol(cum, kDistributionBits);
      out[plan.start(s) + t] = static_cast<std::uint8_t>(c);
      bytes[s] = static_cast<std::uint8_t>(c);
      ++done;
    }
    if (t + 1 < plan.seg_len) model.step(bytes.data());
    if (progress && (t + 1) % kStreamProgressEvery == 0) progress(done);
  }
}

}  // namespace lmpack::model::nn
