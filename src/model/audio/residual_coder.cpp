// Residual coding: the magnitude's bit length L by unary decisions around an expected length l0,
// then the top mantissa bits under context, the remaining mantissa bits flat, then the sign.
//
// Every adaptive decision is predicted by counters indexed by (context, node), where the node
// names the question being asked and the context starts from a quantised running mean of |e|:
// the scale estimate that lets one set of counters serve every loudness. Quarter-octave bins are
// fine enough that the residual distribution's shape within a bin barely changes. Strength 0
// codes each decision with one counter; strength 1 mixes three context sets; strength 2 mixes
// seven (trend, own and cross-channel history, predictor hints) with two weight selectors and
// refines the result with an APM.
#include "model/audio/residual_coder.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

#include "model/audio/residual_counter.h"
#include "model/audio/residual_mixer.h"
#include "model/cm/apm.h"
#include "model/cm/logistic.h"

namespace lmpack::model::audio {
namespace {

constexpr int kMaxL = 34;  // bit length of magnitudes below 2^34

// Nodes (the questions asked), relative to l0 so that one table row per scale bin covers every
// question that bin asks. Length questions at j: "L > j" when j >= l0 (knowing L >= j), "L < j"
// when j < l0 (knowing L <= j), and the first question "L < l0". Questions far from l0 are rare
// and share nodes.
constexpr int kRelLo = -8;
constexpr int kRelHi = 12;
constexpr int kRels = kRelHi - kRelLo + 1;
constexpr int kFirstNode = kRels;
constexpr int kLNodes = kRels + 1;
// Mantissa questions: a binary tree over the kMantTopBits bits below the leading one, per length
// relative to l0; lower bits are close enough to uniform to be coded flat.
constexpr int kMantTopBits[3] = {2, 2, 3};  // per strength: a third bit only pays when mixed
constexpr int kMantRelLo = -4;
constexpr int kMantRelHi = 6;
constexpr int kMantBase = kLNodes;  // + (clamped L - l0 - kMantRelLo) * 8 + tree position 1..7
constexpr int kNodes = kMantBase + (kMantRelHi - kMantRelLo + 1) * 8;

// Running means of |e| in fixed point with 16 fractional bits, updated at rates 2^-shift.
constexpr int kMeanFrac = 16;
constexpr int kFastShift = 2;
constexpr int kMedShift = 4;
constexpr int kSlowShift = 7;
constexpr int kHintShift = 4;
// l0 = floor(log2(medium mean)) + 1: the length to ask about first.
constexpr int kL0Offset = 5;  // quantised bins are offset by 6 octaves (below)

constexpr int kSignContexts = 3 * 3 * 4 * 8;
constexpr int kSignLimit = 255;
constexpr std::uint32_t kFlat = 32768;

inline int clampi(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

inline int rel_index(int v) { return clampi(v, kRelLo, kRelHi) - kRelLo; }

// Quarter-octave bin of a mean in fixed point: 4 * (floor(log2 mean) + 6) + the two bits below
// the leading one; means below 2^-6 share bin 0.
inline int quantise_mean(std::int64_t mean_fp) {
  if (mean_fp <= 0) return 0;
  const int lg = std::bit_width(static_cast<std::uint64_t>(mean_fp)) - 1;
  const int frac = lg >= 2 ? static_cast<int>((mean_fp >> (lg - 2)) & 3)
                           : static_cast<int>((mean_fp << (2 - lg)) & 3);
  const int q = 4 * (lg - kMeanFrac + 6) + frac;
  return q < 0 ? 0 : q;
}

// A magnitude as a mean-like fixed-point value (capped far above any sample range).
inline std::int64_t as_fixed(std::uint64_t m) {
  return static_cast<std::int64_t>(std::min<std::uint64_t>(m, std::uint64_t{1} << 40)) << kMeanFrac;
}

struct EncIo {
  coder::BinaryEncoder& enc;
  int code(int bit, std::uint32_t p16) {
    enc.encode(bit, p16);
    return bit;
  }
};

struct DecIo {
  coder::BinaryDecoder& dec;
  int code(int, std::uint32_t p16) { return dec.decode(p16); }
};

inline int st16(std::uint32_t p16) { return cm::stretch(static_cast<int>(p16 >> 4)); }

// What a counter set is indexed by, besides the node. Every kind starts from a scale bin q.
enum Kind : int {
  kMed,        // medium mean
  kFast,       // fast mean
  kDelta,      // medium mean x trend (fast vs medium mean)
  kCrossOct,   // medium mean x last coded magnitude (any channel) vs l0, in octaves
  kCross,      // medium mean x last coded magnitude vs the medium mean, in half octaves
  kOwn,        // medium mean x this channel's previous magnitude
  kCrossFast,  // fast mean x last coded magnitude
  kFrac,       // medium mean x rounding of the prediction (only at small scales)
  kHintMag,    // medium mean x the predictor's magnitude hint vs its own running mean
  kKinds
};
constexpr int kKindSub[kKinds] = {1, 1, 7, 7, 13, 7, 7, 8, 7};
constexpr int kFracMaxQ = 4 * (2 + 6);  // the rounding matters while the mean |e| is below 4

constexpr int kMaxSets = 9;
struct StrengthSpec {
  int sets;
  Kind kinds[kMaxSets];
  int limits[kMaxSets];  // counter count limits: higher adapts slower but more precisely
};
// Without hints, kFrac and kHintMag reduce to kMed.
constexpr StrengthSpec kSpecs[3] = {
    {1, {kCrossOct}, {255}},
    {3, {kCross, kFrac, kFast}, {255, 8, 60}},
    {9,
     {kCross, kFrac, kFast, kHintMag, kDelta, kOwn, kCrossFast, kCross, kFrac},
     {1023, 1023, 60, 255, 255, 255, 60, 4, 4}},
};
constexpr int kSets1 = 3;
constexpr int kInputs1 = kSets1 + 1;  // counters + bias
constexpr int kSets2 = 9;
constexpr int kInputs2 = kSets2 + 1;  // counters + bias
static_assert(kSpecs[1].sets == kSets1 && kSpecs[2].sets == kSets2);
constexpr int kMixLr = 8;
constexpr int kApmRate = 7;

// Bit length of a magnitude relative to l0, clamped to 7 classes.
inline int octave_bin(std::uint64_t m, int l0) {
  return clampi(static_cast<int>(std::bit_width(m)) - l0, -3, 3) + 3;
}

// A fixed-point value relative to a quarter-octave bin, in half octaves, clamped to 13 classes.
inline int half_octave_bin(std::int64_t v_fp, int q) {
  return clampi((quantise_mean(v_fp) - q + 1) >> 1, -6, 6) + 6;
}

inline int trend_bin(int q_fast, int q_med) {
  const int d = q_fast - q_med;
  return d <= -8 ? 0 : d <= -3 ? 1 : d < 0 ? 2 : d == 0 ? 3 : d < 3 ? 4 : d < 8 ? 5 : 6;
}

}  // namespace

struct ResidualCoder::Impl {
  struct Channel {
    std::int64_t mean_fast = 0;
    std::int64_t mean_med = 0;
    std::int64_t hint_mean = 0;  // of ResidualHint::magnitude
    std::uint64_t prev_mag = 0;
    int prev_sign = 0;                           // -1, 0, 1
    std::vector<ResidualCounter> ctr[kMaxSets];  // [q][sub][node] per set
    std::vector<ResidualCounter> sign;
    ResidualMixer<kInputs1> mix1{0, 0, 0};
    ResidualMixer<kInputs2> mix2a{0, 0, 0};  // weight set per node
    ResidualMixer<kInputs2> mix2b{0, 0, 0};  // weight set per (scale, length or mantissa)
    cm::Apm apm{0, kApmRate};
  };

  // Where the current residual's decisions look up their counters.
  struct Ctx {
    Channel* c;
    ResidualCounter* row[kMaxSets];  // this residual's row of each counter set
    int q_med;
  };

  int channels;
  int strength;
  int nq;  // scale bins: means up to 2^(bits+1)
  StrengthSpec spec;
  std::vector<Channel> ch;
  std::uint64_t last_mag = 0;  // the previous residual coded, whichever channel
  int last_sign = 0;

  Impl(int channels_, int bits, const ResidualCoderConfig& cfg)
      : channels(std::max(1, channels_)),
        strength(clampi(cfg.strength, 0, 2)),
        nq(4 * (clampi(bits, 1, 32) + 7)),
        spec(kSpecs[strength]),
        ch(static_cast<std::size_t>(channels)) {
    const std::size_t rows = static_cast<std::size_t>(nq) * kNodes;
    for (Channel& c : ch) {
      for (int s = 0; s < spec.sets; ++s) c.ctr[s].assign(rows * kKindSub[spec.kinds[s]], {});
      c.sign.assign(kSignContexts, {});
      if (strength == 1) c.mix1 = ResidualMixer<kInputs1>(kNodes, 65536 / kSets1, kMixLr);
      if (strength == 2) {
        c.mix2a = ResidualMixer<kInputs2>(kNodes, 65536 / kSets2, kMixLr);
        c.mix2b = ResidualMixer<kInputs2>(nq * 2, 65536 / kSets2, kMixLr);
        c.apm = cm::Apm(rows, kApmRate);
      }
    }
  }

  template <int kS, class Io>
  int code_bit(Io& io, const Ctx& k, int node, int bit) {
    Channel& c = *k.c;
    if constexpr (kS == 0) {
      ResidualCounter& a = k.row[0][node];
      bit = io.code(bit, a.p16_clamped());
      a.update(bit, spec.limits[0]);
    } else if constexpr (kS == 1) {
      ResidualCounter* cs[kSets1];
      int x[kInputs1];
      for (int s = 0; s < kSets1; ++s) {
        cs[s] = &k.row[s][node];
        x[s] = st16(cs[s]->p16());
      }
      x[kSets1] = 256;
      const int st = c.mix1.mix(x, node);
      bit = io.code(bit, static_cast<std::uint32_t>(cm::squash(st)) << 4);
      c.mix1.update(x, bit);
      for (int s = 0; s < kSets1; ++s) cs[s]->update(bit, spec.limits[s]);
    } else {
      ResidualCounter* cs[kSets2];
      int x[kInputs2];
      for (int s = 0; s < kSets2; ++s) {
        cs[s] = &k.row[s][node];
        x[s] = st16(cs[s]->p16());
      }
      x[kSets2] = 256;
      const int sa = c.mix2a.mix(x, node);
      const int sb = c.mix2b.mix(x, k.q_med * 2 + (node < kLNodes ? 0 : 1));
      const int st = (sa + sb) >> 1;
      const int pa = c.apm.refine(st, static_cast<std::size_t>(k.q_med) * kNodes + node);
      const int pm = cm::squash(st) << 4;
      bit = io.code(bit, static_cast<std::uint32_t>((pm + 3 * pa) >> 2));
      c.mix2a.update(x, bit);
      c.mix2b.update(x, bit);
      c.apm.update(bit);
      for (int s = 0; s < kSets2; ++s) cs[s]->update(bit, spec.limits[s]);
    }
    return bit;
  }

  // Encodes (EncIo: `residual` is the value) or decodes (DecIo: `residual` is ignored) one
  // residual through the same sequence of decisions; returns the value.
  template <int kS, class Io>
  std::int64_t code(Io& io, int channel, std::int64_t residual, const ResidualHint& hint) {
    Channel& c = ch[static_cast<std::size_t>(clampi(channel, 0, channels - 1))];
    const std::uint64_t m_in = residual < 0 ? 0 - static_cast<std::uint64_t>(residual)
                                            : static_cast<std::uint64_t>(residual);
    const int l_in = std::bit_width(m_in);

    const int q_fast = std::min(quantise_mean(c.mean_fast), nq - 1);
    const int q_med = std::min(quantise_mean(c.mean_med), nq - 1);
    const int l0 = clampi(q_med / 4 - kL0Offset, 0, kMaxL);
    const int fbin = std::min(7, (clampi(hint.fraction, -128, 128) + 128) >> 5);
    Ctx k;
    k.c = &c;
    k.q_med = q_med;
    for (int s = 0; s < spec.sets; ++s) {
      int q = q_med;
      int sub = 0;
      switch (spec.kinds[s]) {
        case kMed:
        case kKinds:
          break;
        case kFast:
          q = q_fast;
          break;

        case kDelta:
          sub = trend_bin(q_fast, q_med);
          break;
        case kCrossOct:
          sub = octave_bin(last_mag, l0);
          break;
        case kCross:
          sub = half_octave_bin(as_fixed(last_mag), q_med);
          break;
        case kOwn:
          sub = octave_bin(c.prev_mag, l0);
          break;
        case kCrossFast:
          q = q_fast;
          sub = octave_bin(last_mag, l0);
          break;
        case kFrac:
          sub = q_med < kFracMaxQ ? fbin : 0;
          break;
        case kHintMag: {
          const std::int64_t h = as_fixed(hint.magnitude);
          sub = half_octave_bin(h, quantise_mean(c.hint_mean)) / 2;  // whole octaves, 7 classes
          c.hint_mean += (h - c.hint_mean) >> kHintShift;
          break;
        }
      }
      k.row[s] = &c.ctr[s][(static_cast<std::size_t>(q) * kKindSub[spec.kinds[s]] + sub) * kNodes];
    }

    // Bit length of the magnitude: at most kMaxL + 1 decisions.
    int len = kMaxL;
    bool up = true;
    if (l0 > 0 && code_bit<kS>(io, k, kFirstNode, l_in < l0)) {
      up = false;
      len = 0;
      for (int j = l0 - 1; j >= 1; --j) {
        if (!code_bit<kS>(io, k, rel_index(j - l0), l_in < j)) {
          len = j;
          break;
        }
      }
    }
    if (up) {
      for (int j = l0; j < kMaxL; ++j) {
        if (!code_bit<kS>(io, k, rel_index(j - l0), l_in > j)) {
          len = j;
          break;
        }
      }
    }

    // Mantissa below the leading one.
    std::uint64_t m = len > 0 ? 1 : 0;
    if (len >= 2) {
      const int nbits = len - 1;
      const int top = std::min(kMantTopBits[kS], nbits);
      const int node_base = kMantBase + (clampi(len - l0, kMantRelLo, kMantRelHi) - kMantRelLo) * 8;
      int t = 1;
      for (int i = 0; i < top; ++i) {
        const int pos = nbits - 1 - i;
        const int b = code_bit<kS>(io, k, node_base + t, static_cast<int>((m_in >> pos) & 1));
        t = 2 * t + b;
        m = (m << 1) | static_cast<std::uint64_t>(b);
      }
      for (int pos = nbits - 1 - top; pos >= 0; --pos) {
        const int b = io.code(static_cast<int>((m_in >> pos) & 1), kFlat);
        m = (m << 1) | static_cast<std::uint64_t>(b);
      }
    }

    // Sign, given this channel's previous sign, the last coded sign and (for small magnitudes,
    // where it matters) the prediction's rounding.
    int sign = 0;
    if (m != 0) {
      const int sctx = (((c.prev_sign + 1) * 3 + (last_sign + 1)) * 4 + std::min(len, 4) - 1) * 8 +
                       (len <= 2 ? fbin : 0);
      ResidualCounter& sc = c.sign[static_cast<std::size_t>(sctx)];
      const int neg = io.code(residual < 0, sc.p16_clamped());
      sc.update(neg, kSignLimit);
      sign = neg ? -1 : 1;
    }

    const std::int64_t x = as_fixed(m);
    c.mean_fast += (x - c.mean_fast) >> kFastShift;
    c.mean_med += (x - c.mean_med) >> kMedShift;
    c.prev_sign = sign;
    c.prev_mag = m;
    last_sign = sign;
    last_mag = m;
    const std::int64_t sm = static_cast<std::int64_t>(m);
    return sign < 0 ? -sm : sm;
  }
};

ResidualCoder::ResidualCoder(int channels, int bits, const ResidualCoderConfig& config)
    : impl_(std::make_unique<Impl>(channels, bits, config)) {}

ResidualCoder::~ResidualCoder() = default;

std::size_t ResidualCoder::memory_bytes(int channels, int bits, const ResidualCoderConfig& config) {
  const int strength = clampi(config.strength, 0, 2);
  const std::size_t rows = static_cast<std::size_t>(4 * (clampi(bits, 1, 32) + 7)) * kNodes;
  std::size_t per_channel = kSignContexts * sizeof(ResidualCounter);
  for (int s = 0; s < kSpecs[strength].sets; ++s)
    per_channel += rows * kKindSub[kSpecs[strength].kinds[s]] * sizeof(ResidualCounter);
  if (strength == 2) per_channel += rows * 33 * sizeof(std::uint16_t);  // the APM
  return static_cast<std::size_t>(std::max(1, channels)) * per_channel;
}

void ResidualCoder::encode(coder::BinaryEncoder& enc, int channel, std::int64_t residual,
                           const ResidualHint& hint) {
  EncIo io{enc};
  if (impl_->strength == 0) {
    impl_->code<0>(io, channel, residual, hint);
  } else if (impl_->strength == 1) {
    impl_->code<1>(io, channel, residual, hint);
  } else {
    impl_->code<2>(io, channel, residual, hint);
  }
}

std::int64_t ResidualCoder::decode(coder::BinaryDecoder& dec, int channel,
                                   const ResidualHint& hint) {
  DecIo io{dec};
  if (impl_->strength == 0) return impl_->code<0>(io, channel, 0, hint);
  if (impl_->strength == 1) return impl_->code<1>(io, channel, 0, hint);
  return impl_->code<2>(io, channel, 0, hint);
}

}  // namespace lmpack::model::audio
