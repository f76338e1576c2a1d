// The audio family: Trilobyte tokens -> integer samples -> per-channel wasted-bits shift and
// constant-channel detection -> frame predictor -> residual coder -> binary arithmetic coder.
//
// Payload: u8 variant (the predictor the encoder chose: bits 0-1 how far the first cascade stage
// was shortened, 0..2, bits 2-3 which predictor configuration, 0 the main one, k other[k - 1];
// or 3: FLAC-style fixed predictors and Rice codes, rice_fallback.h, when they came out smaller);
// per channel u8 (bit 7: constant channel, bits 0..5: wasted low bits) followed, for a constant
// channel, by its value as 4 bytes little-endian; the bytes of a trailing partial frame verbatim;
// then the arithmetic-coded residuals of the non-constant channels, frame by frame (or variant 3's
// bitstream).
#include <algorithm>
#include <bit>
#include <memory>
#include <string>

#include "coder/binary_coder.h"
#include "model/audio/audio_family.h"
#include "model/audio/frame_predictor.h"
#include "model/audio/residual_coder.h"
#include "model/audio/rice_fallback.h"
#include "model/params_io.h"

namespace lmpack::model::audio {
namespace {

constexpr int kShifts = 3;  // the first cascade stage at full, half and quarter length
constexpr std::uint8_t kRiceVariant = 3;  // the block is coded by rice_fallback.h
constexpr int kConfigShift = 2;           // variant >> 2: which predictor configuration
constexpr std::size_t kSearchMinFrames = 1 << 15;
constexpr std::uint8_t kConstantFlag = 0x80;
constexpr std::uint64_t kProgressEveryFrames = 1 << 16;

// Per-channel facts of one block, written in the payload header.
struct ChannelInfo {
  bool constant = false;
  int shift = 0;
  std::int64_t value = 0;  // the constant channel's sample
};

class AudioCodec final : public BlockCodec {
 public:
  AudioCodec(const AudioConfig& config, const StreamShape& shape)
      : config_(config),
        channels_(shape.audio ? shape.channels : 1),
        bytes_(shape.audio ? shape.bytes_per_sample : 1) {}

  void encode(std::span<const std::uint8_t> block, std::vector<std::uint8_t>& out,
              const BlockProgress& progress) override {
    const std::size_t frame_bytes = static_cast<std::size_t>(channels_) * bytes_;
    const std::size_t frames = block.size() / frame_bytes;
    const int bits = 8 * bytes_;
    // [frames, channels]
    std::vector<std::int64_t> samples(frames * channels_);
    for (std::size_t i = 0; i < samples.size(); ++i) {
      samples[i] = token_to_sample(block.data() + i * bytes_);
    }
    std::vector<ChannelInfo> info(channels_);
    for (int c = 0; c < channels_; ++c) {
      std::uint64_t ored = 0;
      bool constant = true;
      const std::int64_t first = frames > 0 ? samples[c] : 0;
      for (std::size_t f = 0; f < frames; ++f) {
        const std::int64_t s = samples[f * channels_ + c];
        ored |= static_cast<std::uint64_t>(s);
        constant = constant && s == first;
      }
      info[c].constant = constant;
      info[c].value = first;
      info[c].shift = constant ? 0 : std::min(std::countr_zero(ored), bits - 1);
    }
    // The variant byte: which predictor the encoder chose (see `search`).
    const std::size_t variant_at = out.size();
    out.push_back(0);
    for (int c = 0; c < channels_; ++c) {
      out.push_back(
          static_cast<std::uint8_t>((info[c].constant ? kConstantFlag : 0) | info[c].shift));
      if (info[c].constant) params_io::put(out, static_cast<std::uint64_t>(info[c].value), 4);
    }
    out.insert(out.end(), block.begin() + frames * frame_bytes, block.end());
    if (frames == 0 || std::all_of(info.begin(), info.end(), [](auto& i) { return i.constant; })) {
      return;
    }
    int variant = 0;
    if (config_.search && frames >= 2 * kSearchMinFrames) {
      // Trial-code a prefix with each variant; the winner codes the block.
      const std::size_t prefix = std::max(kSearchMinFrames, frames / 8);
      std::size_t best = 0;
      for (int v = 0; v < (config_.others + 1) << kConfigShift; ++v) {
        if ((v & 3) >= kShifts) continue;
        std::vector<std::uint8_t> trial;
        code_samples(variant_config(v), samples, info, prefix, trial, {});
        if (v == 0 || trial.size() < best) {
          best = trial.size();
          variant = v;
        }
      }
    }
    out[variant_at] = static_cast<std::uint8_t>(variant);
    const std::size_t coded_at = out.size();
    code_samples(variant_config(variant), samples, info, frames, out, progress);
    // FLAC's method as the floor: keep its coding when the adaptive path lost to it.
    std::vector<bool> coded(static_cast<std::size_t>(channels_));
    for (int c = 0; c < channels_; ++c) {
      coded[c] = !info[c].constant;
      for (std::size_t f = 0; f < frames; ++f) samples[f * channels_ + c] >>= info[c].shift;
    }
    std::vector<std::uint8_t> rice;
    rice_encode(samples, channels_, frames, coded, rice);
    if (rice.size() < out.size() - coded_at) {
      out.resize(coded_at);
      out.insert(out.end(), rice.begin(), rice.end());
      out[variant_at] = kRiceVariant;
    }
  }

  void decode(std::span<const std::uint8_t> payload, std::span<std::uint8_t> out,
              const BlockProgress& progress) override {
    const std::size_t frame_bytes = static_cast<std::size_t>(channels_) * bytes_;
    const std::size_t frames = out.size() / frame_bytes;
    const int bits = 8 * bytes_;
    std::size_t pos = 0;
    // Reads past the end of a corrupt payload as zeros.
    auto next = [&]() -> std::uint8_t { return pos < payload.size() ? payload[pos++] : 0; };
    // An unknown variant is corruption the checksum will report; decode something anyway.
    const int stored = next();
    const bool known = stored == kRiceVariant ||
                       ((stored & 3) < kShifts && (stored >> kConfigShift) <= config_.others);
    const int variant = known ? stored : 0;
    std::vector<ChannelInfo> info(channels_);
    for (int c = 0; c < channels_; ++c) {
      const std::uint8_t b = next();
      info[c].constant = (b & kConstantFlag) != 0;
      info[c].shift = std::min<int>(b & 0x3f, bits - 1);
      if (info[c].constant) {
        std::uint64_t v = 0;
        for (int i = 0; i < 4; ++i) v |= std::uint64_t{next()} << (8 * i);
        info[c].value = sign_extend(v, bits);
      }
    }
    for (std::size_t i = frames * frame_bytes; i < out.size(); ++i) out[i] = next();
    // Constant channels need no coder; with every channel constant the coder never reads.
    for (std::size_t f = 0; f < frames; ++f) {
      for (int c = 0; c < channels_; ++c) {
        if (info[c].constant)
          sample_to_token(info[c].value, out.data() + (f * channels_ + c) * bytes_);
      }
    }
    if (frames == 0 || std::all_of(info.begin(), info.end(), [](auto& i) { return i.constant; })) {
      return;
    }
    if (variant == kRiceVariant) {
      decode_rice(payload.subspan(std::min(pos, payload.size())), info, frames, out);
      if (progress) progress(frames * frame_bytes);
      return;
    }
    const int coded_bits = bits - min_shift(info);
    FramePredictor predictor(channels_, coded_bits, variant_config(variant));
    ResidualCoder residuals(channels_, coded_bits, {config_.residual_strength});
    coder::BinaryDecoder decoder(payload.subspan(std::min(pos, payload.size())));
    for_each_sample(frames, progress, [&](int c, std::size_t f) {
      const ChannelInfo& ci = info[c];
      if (ci.constant) return;
      const std::int64_t p = predictor.predict(c);
      // Clamping keeps a corrupt stream's samples (and so the predictor) in range.
      const int cbits = bits - ci.shift;
      const std::int64_t lo = -(std::int64_t{1} << (cbits - 1));
      const std::int64_t hi = (std::int64_t{1} << (cbits - 1)) - 1;
      const std::int64_t coded = residuals.decode(decoder, c, hint_for(predictor, c));
      const std::int64_t r = predictor.rounded_up(c) ? 0 - coded : coded;
      const std::int64_t s = std::clamp(p + r, lo, hi);
      predictor.update(c, s);
      const std::uint64_t shifted = static_cast<std::uint64_t>(s) << ci.shift;
      sample_to_token(static_cast<std::int64_t>(shifted),
                      out.data() + (f * channels_ + c) * bytes_);
    });
  }

 private:
  // Variants 1 and 2 halve and quarter the first cascade stage (long filters suit music, short
  // ones speech); bits 2-3 pick the predictor configuration.
  PredictorConfig variant_config(int variant) const {
    const int k = variant >> kConfigShift;
    PredictorConfig p = k == 0 ? config_.predictor : config_.other[k - 1];
    p.nlms_orders[0] >>= (variant & 3);
    return p;
  }

  void decode_rice(std::span<const std::uint8_t> payload, const std::vector<ChannelInfo>& info,
                   std::size_t frames, std::span<std::uint8_t> out) const {
    std::vector<bool> coded(static_cast<std::size_t>(channels_));
    for (int c = 0; c < channels_; ++c) coded[c] = !info[c].constant;
    // [frames, channels]
    std::vector<std::int64_t> samples(frames * channels_, 0);
    rice_decode(payload, channels_, frames, coded, samples);
    for (std::size_t f = 0; f < frames; ++f) {
      for (int c = 0; c < channels_; ++c) {
        if (info[c].constant) continue;
        const std::uint64_t shifted = static_cast<std::uint64_t>(samples[f * channels_ + c])
                                      << info[c].shift;
        sample_to_token(static_cast<std::int64_t>(shifted),
                        out.data() + (f * channels_ + c) * bytes_);
      }
    }
  }

  // The residual is oriented by the rounding direction, so the fraction is too (it is then
  // never negative: how far the real-valued prediction sat from the rounding boundary).
  ResidualHint hint_for(const FramePredictor& predictor, int c) const {
    ResidualHint h;
    if (config_.hints & kHintFraction) {
      const int f = predictor.fraction(c);
      h.fraction = predictor.rounded_up(c) ? -f : f;
    }
    if (config_.hints & kHintMotion) h.magnitude = predictor.motion(c);
    return h;
  }

  // Appends the arithmetic-coded residuals of the first `frames` frames.
  void code_samples(const PredictorConfig& pc, const std::vector<std::int64_t>& samples,
                    const std::vector<ChannelInfo>& info, std::size_t frames,
                    std::vector<std::uint8_t>& out, const BlockProgress& progress) const {
    const int coded_bits = 8 * bytes_ - min_shift(info);
    FramePredictor predictor(channels_, coded_bits, pc);
    ResidualCoder residuals(channels_, coded_bits, {config_.residual_strength});
    coder::BinaryEncoder encoder(out);
    for_each_sample(frames, progress, [&](int c, std::size_t f) {
      // A constant channel is left out; its history stays zero on both sides.
      if (info[c].constant) return;
      const std::int64_t s = samples[f * channels_ + c] >> info[c].shift;
      const std::int64_t r = s - predictor.predict(c);
      // Orienting the residual by the rounding direction turns the rounding's bias into a
      // sign preference the residual coder learns.
      residuals.encode(encoder, c, predictor.rounded_up(c) ? -r : r, hint_for(predictor, c));
      predictor.update(c, s);
    });
    encoder.finish();
  }

  // The coding order: frame by frame, channel 0 running `lead` frames ahead of the others so
  // that they can regress on its near future.
  template <typename Fn>
  void for_each_sample(std::size_t frames, const BlockProgress& progress, Fn&& fn) const {
    const std::size_t lead = channels_ > 1 ? static_cast<std::size_t>(config_.lead) : 0;
    const std::size_t frame_bytes = static_cast<std::size_t>(channels_) * bytes_;
    for (std::size_t step = 0; step < frames + lead; ++step) {
      if (step < frames) fn(0, step);
      if (step >= lead) {
        for (int c = 1; c < channels_; ++c) fn(c, step - lead);
      }
      if ((step + 1) % kProgressEveryFrames == 0 && progress && step + 1 <= frames) {
        progress((step + 1) * frame_bytes);
      }
    }
  }

  // Offset-binary, most significant byte first -> signed value.
  std::int64_t token_to_sample(const std::uint8_t* t) const {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes_; ++i) v = (v << 8) | t[i];
    return static_cast<std::int64_t>(v) - (std::int64_t{1} << (8 * bytes_ - 1));
  }

  void sample_to_token(std::int64_t s, std::uint8_t* t) const {
    const std::uint64_t v = static_cast<std::uint64_t>(s) + (std::uint64_t{1} << (8 * bytes_ - 1));
    for (int i = bytes_ - 1; i >= 0; --i)
      t[bytes_ - 1 - i] = static_cast<std::uint8_t>(v >> (8 * i));
  }

  static std::int64_t sign_extend(std::uint64_t v, int bits) {
    const std::uint64_t m = std::uint64_t{1} << (bits - 1);
    v &= (m << 1) - 1;
    return static_cast<std::int64_t>(v ^ m) - static_cast<std::int64_t>(m);
  }

  // The coder's sample width: the widest non-constant channel.
  static int min_shift(const std::vector<ChannelInfo>& info) {
    int s = 64;
    for (const ChannelInfo& ci : info) {
      if (!ci.constant) s = std::min(s, ci.shift);
    }
    return s;
  }

  AudioConfig config_;
  int channels_;
  int bytes_;
};

// ---- levels and params ----

std::uint64_t block_size_for(int level) {
  return level <= 3 ? (std::uint64_t{4} << 20) : (std::uint64_t{16} << 20);
}

std::uint64_t predictor_memory(const PredictorConfig& p) {
  const std::uint64_t n = p.ols_order + p.ols_cross;
  std::uint64_t bytes = 2 * n * n * 8 + 64 * 1024;
  for (int k = 0; k < kNlmsStages; ++k) bytes += 16 * (p.nlms_orders[k] + 1024);
  for (int k = 0; k < 2; ++k) bytes += 16 * (p.alt_orders[k] + 1024);
  return bytes;
}

std::uint64_t memory_for(int level) {
  const AudioConfig c = audio_config_for_level(level);
  // One predictor runs at a time (the search codes its trials one after another).
  std::uint64_t per_channel = predictor_memory(c.predictor);
  for (int k = 0; k < c.others; ++k) {
    per_channel = std::max(per_channel, predictor_memory(c.other[k]));
  }
  // Stereo predictor and residual coder, plus the block's samples as int64 (8x a 16-bit block).
  return 2 * per_channel + (std::uint64_t{1} << 20) + 4 * block_size_for(level);
}

std::vector<std::uint8_t> params_for(int level) { return preset_params(level); }

Status make_for_stream(int level, std::span<const std::uint8_t> params, const StreamShape& shape,
                       std::unique_ptr<BlockCodec>& out) {
  (void)level;  // the params carry everything the model needs
  AudioConfig config;
  Status status = deserialize(params, config);
  if (!status) return status;
  if (shape.audio && (shape.channels < 1 || shape.channels > kMaxChannels ||
                      shape.bytes_per_sample < 1 || shape.bytes_per_sample > 4)) {
    return {ErrorCode::kUnknownModel, "audio model: unsupported stream shape"};
  }
  out = std::make_unique<AudioCodec>(config, shape);
  return Status::ok();
}

Status make_bytes(int level, std::span<const std::uint8_t> params,
                  std::unique_ptr<BlockCodec>& out) {
  return make_for_stream(level, params, StreamShape{}, out);
}

using params_io::get;
using params_io::get_f64;
using params_io::put;
using params_io::put_f64;

// Version 1: u8 version, u8 ols_order, u8 ols_cross, u16 ols_interval, f64 ols_lambda,
// f64 ols_delta, f64 ols_lambda2, u8 ols_irls, u8 lead, u8 search, 3 x (u16 nlms order, f64 rate),
// u8 nlms_ada, f64 mix_rate, u8 bias, u8 residual_strength. Version 2 appends u8 hints;
// version 3 then 2 x (u16 alt order, f64 alt rate); version 4 then u8 others (0..3) and that
// many more predictor configurations, each a predictor block: u8 ols_order, u8 ols_cross,
// u16 ols_interval, f64 ols_lambda, f64 ols_delta, f64 ols_lambda2, u8 ols_irls,
// 3 x (u16 nlms order, f64 rate), u8 nlms_ada, f64 mix_rate, u8 bias, 2 x (u16 alt order,
// f64 alt rate). Older versions still decode (hints 0, no parallel cascade, no other predictors).
// Version 5 names a preset instead: u8 version (5), u8 level (1..9), meaning the version 4
// configuration audio_config_for_level(level) had when version 5 was made; the presets are
// frozen (AudioParams.PresetsAreFrozen pins them): a new preset table needs a new version.
constexpr std::uint8_t kParamsVersion = 4;  // of the full record serialize() writes
constexpr std::uint8_t kPresetVersion = 5;
constexpr std::size_t kParamsSizeV1 =
    1 + 1 + 1 + 2 + 8 + 8 + 8 + 1 + 1 + 1 + 3 * (2 + 8) + 1 + 8 + 1 + 1;
constexpr std::size_t kParamsSizeV2 = kParamsSizeV1 + 1;
constexpr std::size_t kParamsSizeV3 = kParamsSizeV2 + 2 * (2 + 8);
constexpr std::size_t kPredictorBlockSize =
    1 + 1 + 2 + 8 + 8 + 8 + 1 + 3 * (2 + 8) + 1 + 8 + 1 + 2 * (2 + 8);
constexpr std::size_t kParamsSizeV4 = kParamsSizeV3 + 1;  // + others x kPredictorBlockSize

// Closed ranges that also reject NaN.
bool in_range(double v, double lo, double hi) { return v >= lo && v <= hi; }

// The limits the decoder puts on a predictor configuration read from an archive.
bool predictor_in_range(const PredictorConfig& p) {
  bool ok = p.ols_order <= kMaxOlsOrder && p.ols_cross <= kMaxOlsOrder && p.ols_interval >= 1 &&
            p.ols_interval <= 4096 && in_range(p.ols_lambda, 0.5, 1.0) &&
            in_range(p.ols_delta, 0.0, 1.0) &&
            (p.ols_lambda2 == 0.0 || in_range(p.ols_lambda2, 0.5, 1.0)) && p.ols_irls <= 3 &&
            p.nlms_ada < (1 << kNlmsStages) && in_range(p.mix_rate, 0.0, 1.0) && p.bias <= 1;
  for (int k = 0; k < kNlmsStages; ++k) {
    ok = ok && p.nlms_orders[k] <= kMaxNlmsOrder && in_range(p.nlms_rates[k], 0.0, 1.0);
  }
  for (int k = 0; k < 2; ++k) {
    ok = ok && p.alt_orders[k] <= kMaxNlmsOrder && in_range(p.alt_rates[k], 0.0, 1.0);
  }
  return ok;
}

// A predictor configuration is written in three runs of fields; the main record has other
// fields between them (see the layout above), a predictor block has them in a row.
void put_ols_fields(std::vector<std::uint8_t>& out, const PredictorConfig& p) {
  put(out, p.ols_order, 1);
  put(out, p.ols_cross, 1);
  put(out, p.ols_interval, 2);
  put_f64(out, p.ols_lambda);
  put_f64(out, p.ols_delta);
  put_f64(out, p.ols_lambda2);
  put(out, p.ols_irls, 1);
}

void put_cascade_fields(std::vector<std::uint8_t>& out, const PredictorConfig& p) {
  for (int k = 0; k < kNlmsStages; ++k) {
    put(out, p.nlms_orders[k], 2);
    put_f64(out, p.nlms_rates[k]);
  }
  put(out, p.nlms_ada, 1);
  put_f64(out, p.mix_rate);
  put(out, p.bias, 1);
}

void put_alt_fields(std::vector<std::uint8_t>& out, const PredictorConfig& p) {
  for (int k = 0; k < 2; ++k) {
    put(out, p.alt_orders[k], 2);
    put_f64(out, p.alt_rates[k]);
  }
}

void get_ols_fields(std::span<const std::uint8_t> bytes, std::size_t& pos, PredictorConfig& p) {
  p.ols_order = static_cast<int>(get(bytes, pos, 1));
  p.ols_cross = static_cast<int>(get(bytes, pos, 1));
  p.ols_interval = static_cast<int>(get(bytes, pos, 2));
  p.ols_lambda = get_f64(bytes, pos);
  p.ols_delta = get_f64(bytes, pos);
  p.ols_lambda2 = get_f64(bytes, pos);
  p.ols_irls = static_cast<int>(get(bytes, pos, 1));
}

void get_cascade_fields(std::span<const std::uint8_t> bytes, std::size_t& pos, PredictorConfig& p) {
  for (int k = 0; k < kNlmsStages; ++k) {
    p.nlms_orders[k] = static_cast<int>(get(bytes, pos, 2));
    p.nlms_rates[k] = get_f64(bytes, pos);
  }
  p.nlms_ada = static_cast<int>(get(bytes, pos, 1));
  p.mix_rate = get_f64(bytes, pos);
  p.bias = static_cast<int>(get(bytes, pos, 1));
}

void get_alt_fields(std::span<const std::uint8_t> bytes, std::size_t& pos, PredictorConfig& p) {
  for (int k = 0; k < 2; ++k) {
    p.alt_orders[k] = static_cast<int>(get(bytes, pos, 2));
    p.alt_rates[k] = get_f64(bytes, pos);
  }
}

}  // namespace

AudioConfig audio_config_for_level(int level) {
  AudioConfig a;
  PredictorConfig& p = a.predictor;
  p.ols_lambda = 0.998;
  p.ols_delta = 0.000001;
  p.mix_rate = 0.0005;
  p.bias = 0;
  auto nlms = [&](int o0, int o1, int o2, double r0, double r1, double r2) {
    p.nlms_orders[0] = o0;
    p.nlms_orders[1] = o1;
    p.nlms_orders[2] = o2;
    p.nlms_rates[0] = r0;
    p.nlms_rates[1] = r1;
    p.nlms_rates[2] = r2;
  };
  // Each level adds to the one below. NLMS rates are steps relative to the window's total
  // power, so a long window takes a larger one (0.1 over 256 taps is ~4e-4 per tap's power).
  a.hints = kHintFraction | kHintMotion;
  switch (level) {
    case 1:
      p.ols_order = 8, p.ols_cross = 2, p.ols_interval = 32;
      nlms(16, 0, 0, 0.03, 0, 0);
      p.mix_rate = 0, a.residual_strength = 0, p.strength = 0;
      break;
    case 2:
      p.ols_order = 12, p.ols_cross = 2, p.ols_interval = 32;
      nlms(32, 0, 0, 0.03, 0, 0);
      p.mix_rate = 0, a.residual_strength = 0, p.strength = 0;
      break;
    // Levels 3 and 4 are level 5 today. Lighter variants in between (shorter NLMS filters, fewer
    // cross-channel taps, rarer OLS solves) were each better on one sample and worse on another
    // (speech likes short filters, drums long ones), which broke level monotonicity.
    case 3:
    case 4:
    case 5:  // the default: lean enough to decode well over 1 MB/s of 16-bit stereo
      p.ols_order = 16, p.ols_cross = 4, p.ols_interval = 16;
      nlms(256, 16, 0, 0.1, 0.05, 0);
      p.mix_rate = 0.004;
      a.residual_strength = 1, p.strength = 1;
      break;
    case 6:
      p.ols_order = 16, p.ols_cross = 8, p.ols_interval = 16;
      p.ols_lambda2 = 0.9995, p.ols_irls = 1;
      nlms(256, 32, 16, 0.1, 0.05, 0.05);
      p.mix_rate = 0.004;
      a.residual_strength = 1, p.strength = 1;
      break;
    case 7:
      p.ols_order = 24, p.ols_cross = 8, p.ols_interval = 8;
      p.ols_lambda2 = 0.9995, p.ols_irls = 1;
      nlms(256, 32, 16, 0.1, 0.05, 0.05);
      p.mix_rate = 0.004;
      a.residual_strength = 2, p.strength = 2;
      break;
    case 8:
      p.ols_order = 24, p.ols_cross = 8, p.ols_interval = 4;
      p.ols_lambda2 = 0.9995, p.ols_irls = 1;
      nlms(256, 32, 16, 0.1, 0.05, 0.05);
      p.mix_rate = 0.004;
      a.residual_strength = 2, p.strength = 2;
      break;
    default:  // 9, the strongest (--best)
      p.ols_order = 32, p.ols_cross = 16, p.ols_interval = 8;
      p.ols_lambda2 = 0.9995, p.ols_irls = 1;
      nlms(512, 256, 16, 0.05, 0.05, 0.05);
      p.alt_orders[0] = 32, p.alt_orders[1] = 16;
      p.alt_rates[0] = 0.1, p.alt_rates[1] = 0.05;
      p.mix_rate = 0.004;
      a.residual_strength = 2, p.strength = 2, a.search = 1;
      // The search's other candidate: a short OLS window with a strong ridge and a short, fast
      // first NLMS stage, for signals whose spectrum moves quickly or whose samples are coarse
      // (measured on 8-bit speech: 0.649x -> 0.592x flac -8 size; music keeps the first).
      a.others = 2;
      a.other[0] = p;
      a.other[0].ols_lambda = 0.99, a.other[0].ols_delta = 0.03;
      a.other[0].nlms_orders[0] = 64, a.other[0].nlms_rates[0] = 0.4;
      a.other[0].nlms_orders[1] = 32, a.other[0].nlms_rates[1] = 0.1;
      a.other[0].mix_rate = 0.008;
      // And longer OLS windows with almost no ridge, weighted further towards least absolute
      // error, for quiet, precise recordings (measured on 24-bit drums: 0.9505x -> 0.9487x
      // flac -8; 16-bit drums 0.878x -> 0.870x).
      a.other[1] = p;
      a.other[1].ols_lambda = 0.999, a.other[1].ols_lambda2 = 0.9998;
      a.other[1].ols_delta = 0.0000001, a.other[1].ols_irls = 2;
      a.other[1].nlms_rates[0] = 0.07;
      break;
  }
  return a;
}

std::vector<std::uint8_t> serialize(const AudioConfig& a) {
  const PredictorConfig& p = a.predictor;
  std::vector<std::uint8_t> out;
  put(out, kParamsVersion, 1);
  put_ols_fields(out, p);
  put(out, a.lead, 1);
  put(out, a.search, 1);
  put_cascade_fields(out, p);
  put(out, a.residual_strength, 1);
  put(out, a.hints, 1);
  put_alt_fields(out, p);
  put(out, a.others, 1);
  for (int k = 0; k < a.others; ++k) {
    put_ols_fields(out, a.other[k]);
    put_cascade_fields(out, a.other[k]);
    put_alt_fields(out, a.other[k]);
  }
  return out;
}

std::vector<std::uint8_t> preset_params(int level) {
  return {kPresetVersion, static_cast<std::uint8_t>(level)};
}

Status deserialize(std::span<const std::uint8_t> bytes, AudioConfig& a) {
  if (!bytes.empty() && bytes[0] == kPresetVersion) {
    if (bytes.size() != 2 || bytes[1] < 1 || bytes[1] > 9) {
      return {ErrorCode::kUnknownModel,
              "audio model parameters name no preset (size " + std::to_string(bytes.size()) + ")"};
    }
    a = audio_config_for_level(bytes[1]);
    return Status::ok();
  }
  std::size_t pos = 0;
  const auto version = bytes.empty() ? 0 : get(bytes, pos, 1);
  if (version < 1 || version > kParamsVersion) {
    return {ErrorCode::kUnknownModel,
            "audio model parameters version " + std::to_string(version) + " is not supported"};
  }
  const std::size_t sizes[] = {kParamsSizeV1, kParamsSizeV2, kParamsSizeV3, kParamsSizeV4};
  const std::size_t others =
      version >= 4 && bytes.size() >= kParamsSizeV4 ? bytes[kParamsSizeV4 - 1] : 0;
  if (others > kMaxOtherPredictors ||
      bytes.size() != sizes[version - 1] + others * kPredictorBlockSize) {
    return {ErrorCode::kUnknownModel, "audio model parameters have an unknown layout (size " +
                                          std::to_string(bytes.size()) + ")"};
  }
  AudioConfig c;
  PredictorConfig& p = c.predictor;
  get_ols_fields(bytes, pos, p);
  c.lead = static_cast<int>(get(bytes, pos, 1));
  c.search = static_cast<int>(get(bytes, pos, 1));
  bool ok = c.lead <= kMaxLead && c.search <= 1;
  get_cascade_fields(bytes, pos, p);
  c.residual_strength = static_cast<int>(get(bytes, pos, 1));
  c.hints = version >= 2 ? static_cast<int>(get(bytes, pos, 1)) : 0;
  if (version >= 3) get_alt_fields(bytes, pos, p);
  if (version >= 4) {
    c.others = static_cast<int>(get(bytes, pos, 1));
    for (int k = 0; k < c.others; ++k) {
      get_ols_fields(bytes, pos, c.other[k]);
      get_cascade_fields(bytes, pos, c.other[k]);
      get_alt_fields(bytes, pos, c.other[k]);
      c.other[k].strength = c.residual_strength;
      ok = ok && predictor_in_range(c.other[k]);
    }
  }
  ok = ok && predictor_in_range(p) && c.hints <= (kHintFraction | kHintMotion) &&
       c.residual_strength <= 2;
  if (!ok) return {ErrorCode::kUnknownModel, "audio model parameters are out of range"};
  p.strength = c.residual_strength;
  a = c;
  return Status::ok();
}

const ModelFamily& audio_family() {
  static const ModelFamily family{
      5, "audio", 5, 9, block_size_for, memory_for, params_for, make_bytes, make_for_stream};
  return family;
}

}  // namespace lmpack::model::audio
