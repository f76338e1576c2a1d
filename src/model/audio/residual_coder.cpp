// Residual coding: magnitude bit length L by unary decisions around an expected length, then the
// top mantissa bits under context, the remaining mantissa bits flat, then the sign.
//
// Every adaptive decision is predicted by counters indexed by (quantised running mean |e|, node),
// where the node names the question being asked. The running means (at several speeds) are the
// scale estimate that makes one set of counters serve every loudness; quarter-octave bins are fine
// enough that a Laplacian's shape within a bin barely changes. Strength 0 uses one counter per
// decision; strength 1 mixes three scales; strength 2 adds joint and cross-channel contexts, two
// mixer weight selectors and an APM stage.
#include "model/audio/residual_coder.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "model/audio/residual_counter.h"
#include "model/cm/apm.h"
#include "model/cm/logistic.h"

namespace lmpack::model::audio {
namespace {

constexpr int kMaxL = 34;  // bit length of magnitudes up to 2^33

// Nodes (the questions asked), relative to the expected bit length l0 so that one table row per
// scale bin covers every question that bin can ask. Length questions at j: "L > j" when j >= l0
// (knowing L >= j), "L < j" when j < l0 (knowing L <= j), plus the first question "L < l0".
constexpr int kRelLo = -8;
constexpr int kRelHi = 12;
constexpr int kRels = kRelHi - kRelLo + 1;
constexpr int kFirstNode = kRels;
constexpr int kLNodes = kRels + 1;
constexpr int kMantTopBits = 3;     // mantissa bits below the leading 1 coded with context
constexpr int kMantBase = kLNodes;  // + mant_rel(L) * 8 + tree position (1..7)
constexpr int kMantRelLo = -4;      // lengths this far from l0 are rare: they share rows
constexpr int kMantRelHi = 6;
constexpr int kNodes = kMantBase + (kMantRelHi - kMantRelLo + 1) * 8;
constexpr int kSignContexts = 3 * 3 * 4 * 8;

inline int rel_index(int v) { return (v < kRelLo ? kRelLo : (v > kRelHi ? kRelHi : v)) - kRelLo; }

// Running means of |e| in fixed point with 16 fractional bits.
constexpr int kMeanFrac = 16;

// Quarter-octave bin of a running mean: 4 * (floor(log2 mean) + 6) + the two bits below the
// leading one; means below 2^-6 share bin 0.
inline int quantise_mean(std::int64_t mean_fp) {
  if (mean_fp <= 0) return 0;
  const int lg = std::bit_width(static_cast<std::uint64_t>(mean_fp)) - 1;
  const int frac = lg >= 2 ? static_cast<int>((mean_fp >> (lg - 2)) & 3)
                           : static_cast<int>((mean_fp << (2 - lg)) & 3);
  const int q = 4 * (lg - kMeanFrac + 6) + frac;
  return q < 0 ? 0 : q;
}

// TUNING (temporary): RT="v0,v1,..." overrides.
inline int g_rt[16] = {2, 4, 7, 255, 60, 1023, 8, 21845, 4, 7, 3, 255, 5, 0, 0, 0};
inline const bool g_rt_init = [] {
  if (const char* e = std::getenv("RT")) {
    int i = 0;
    while (*e && i < 16) {
      char* end;
      const long v = std::strtol(e, &end, 10);
      if (end != e) g_rt[i] = static_cast<int>(v);
      ++i;
      e = *end ? end + 1 : end;
    }
  }
  return true;
}();

inline int clampi(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

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

// A mixer of N stretched inputs with 16.16 weights and several weight sets.
template <int N>
class SmallMixer {
 public:
  SmallMixer(int sets, int init_weight, int lr)
      : w_(static_cast<std::size_t>(sets) * N, init_weight), lr_(lr) {}

  // x: stretched inputs; returns the stretched output.
  int mix(const int* x, int set) {
    cur_ = &w_[static_cast<std::size_t>(set) * N];
    std::int64_t dot = 0;
    for (int i = 0; i < N; ++i) dot += static_cast<std::int64_t>(x[i]) * cur_[i];
    const int st = static_cast<int>(std::clamp<std::int64_t>(dot >> 16, -2047, 2047));
    pr_ = cm::squash(st);
    return st;
  }

  void update(const int* x, int bit) {
    const std::int64_t err = static_cast<std::int64_t>((bit << 12) - pr_) * lr_;
    for (int i = 0; i < N; ++i) {
      const std::int64_t w = cur_[i] + ((x[i] * err) >> 14);
      cur_[i] = static_cast<std::int32_t>(std::clamp<std::int64_t>(w, -(1 << 22), 1 << 22));
    }
  }

 private:
  std::vector<std::int32_t> w_;
  std::int32_t* cur_ = nullptr;
  int lr_;
  int pr_ = 2048;
};

inline int st16(std::uint32_t p16) { return cm::stretch(static_cast<int>(p16 >> 4)); }

// The context kinds a counter set can be indexed by (besides the node).
enum Kind : int {
  kMed,        // medium-speed running mean
  kFast,       // fast running mean
  kSlow,       // slow running mean
  kDelta,      // medium mean x trend (fast vs medium mean)
  kCross,      // medium mean x magnitude of the last coded residual (any channel)
  kOwn,        // medium mean x magnitude of this channel's previous residual
  kCrossFast,  // fast mean x magnitude of the last coded residual
  kFrac,       // medium mean x rounding of the prediction (only at small scales)
  kHintMag,    // medium mean x the predictor's magnitude hint
};
constexpr int kKindSub[] = {1, 1, 1, 7, 7, 7, 7, 8, 7};
constexpr int kFracMaxQ = 4 * (2 + 6);  // the rounding matters while the mean |e| is below 4

// Counter sets (kinds) per strength; strength 0 codes with the first set alone.
constexpr int kMaxSets = 7;
struct StrengthSpec {
  int sets;
  Kind kinds[kMaxSets];
  int limits[kMaxSets];
};
inline StrengthSpec g_spec[3] = {
    {1, {kCross}, {255}},
    {3, {kCross, kFrac, kFast}, {255, 255, 60}},
    {7,
     {kCross, kFrac, kFast, kHintMag, kDelta, kOwn, kCrossFast},
     {255, 255, 60, 255, 255, 255, 60}},
};

inline StrengthSpec spec_for(int strength) {
  StrengthSpec sp = g_spec[strength];
  const char* names[3] = {"RK0", "RK1", "RK2"};
  if (const char* e = std::getenv(names[strength])) {
    for (int i = 0; i < sp.sets && *e; ++i) {
      char* end;
      sp.kinds[i] = static_cast<Kind>(std::strtol(e, &end, 10));
      e = *end ? end + 1 : end;
    }
  }
  return sp;
}

// Bins a magnitude's bit length relative to the expected length l0 into 7 classes.
inline int mag_bin(std::uint64_t m, int l0) {
  return clampi(static_cast<int>(std::bit_width(m)) - l0, -3, 3) + 3;
}

inline int trend_bin(int q_fast, int q_med) {
  const int d = q_fast - q_med;
  return d <= -8 ? 0 : d <= -3 ? 1 : d < 0 ? 2 : d == 0 ? 3 : d < 3 ? 4 : d < 8 ? 5 : 6;
}

constexpr int kInputs1 = 4;  // 3 counters + bias
constexpr int kInputs2 = 8;  // 7 counters + bias

}  // namespace

struct ResidualCoder::Impl {
  struct Channel {
    std::int64_t mean[3] = {0, 0, 0};  // fast, medium, slow
    int prev_sign = 0;                 // -1, 0, 1
    std::uint64_t prev_mag = 0;
    std::int64_t hint_mean = 0;                  // running mean of ResidualHint::magnitude
    std::vector<ResidualCounter> ctr[kMaxSets];  // [q][sub][node]
    std::vector<ResidualCounter> sign;
    SmallMixer<kInputs1> mix1{1, 0, 0};
    SmallMixer<kInputs2> mix2a{1, 0, 0};
    SmallMixer<kInputs2> mix2b{1, 0, 0};
    std::vector<cm::Apm> apm;
  };

  int channels;
  int bits;
  int strength;
  int lmax;
  int nq;
  StrengthSpec spec;
  std::vector<Channel> ch;
  std::uint64_t last_mag = 0;
  int last_sign = 0;

  Impl(int channels_, int bits_, const ResidualCoderConfig& cfg)
      : channels(std::max(1, channels_)),
        bits(clampi(bits_, 1, 32)),
        strength(clampi(cfg.strength, 0, 2)),
        lmax(kMaxL),
        nq(4 * (bits + 6) + 4),
        spec(spec_for(strength)),
        ch(static_cast<std::size_t>(channels)) {
    const std::size_t per_q = static_cast<std::size_t>(nq) * kNodes;
    for (auto& c : ch) {
      for (int s = 0; s < spec.sets; ++s)
        c.ctr[s].assign(per_q * kKindSub[spec.kinds[s]], ResidualCounter{});
      c.sign.assign(kSignContexts, ResidualCounter{});
      if (strength == 1) c.mix1 = SmallMixer<kInputs1>(kNodes, g_rt[7], g_rt[6]);
      if (strength == 2) {
        c.mix2a = SmallMixer<kInputs2>(kNodes, 65536 / 4, g_rt[8]);
        c.mix2b = SmallMixer<kInputs2>(nq * 2, 65536 / 4, g_rt[8]);
        c.apm.emplace_back(static_cast<std::size_t>(nq) * kNodes, g_rt[9]);
      }
    }
  }

  // Per-residual contexts: base offsets into each counter set.
  struct Ctx {
    std::size_t base[kMaxSets];
    int q_med;
    int l0;
    Channel* c;
  };

  template <int kS, class Io>
  int code_bit(Io& io, Ctx& k, int node, int bit) {
    Channel& c = *k.c;
    if constexpr (kS == 0) {
      ResidualCounter& a = c.ctr[0][k.base[0] + node];
      bit = io.code(bit, a.p16_clamped());
      a.update(bit, spec.limits[0]);
      return bit;
    } else if constexpr (kS == 1) {
      ResidualCounter* cs[3];
      int x[kInputs1];
      for (int s = 0; s < 3; ++s) {
        cs[s] = &c.ctr[s][k.base[s] + node];
        x[s] = st16(cs[s]->p16());
      }
      x[3] = 256;
      const int st = c.mix1.mix(x, node);
      const std::uint32_t p = static_cast<std::uint32_t>(cm::squash(st)) << 4;
      bit = io.code(bit, p);
      c.mix1.update(x, bit);
      for (int s = 0; s < 3; ++s) cs[s]->update(bit, spec.limits[s]);
      return bit;
    } else {
      ResidualCounter* cs[7];
      int x[kInputs2];
      for (int s = 0; s < 7; ++s) {
        cs[s] = &c.ctr[s][k.base[s] + node];
        x[s] = (g_rt[13] >> s) & 1 ? 0 : st16(cs[s]->p16());
      }
      x[7] = 256;
      const int sa = c.mix2a.mix(x, node);
      const int sb = c.mix2b.mix(x, k.q_med * 2 + (node < kLNodes ? 0 : 1));
      const int st = (sa + sb) >> 1;
      const int pa = c.apm[0].refine(st, static_cast<std::size_t>(k.q_med) * kNodes + node);
      const int pm = cm::squash(st) << 4;
      const std::uint32_t p =
          static_cast<std::uint32_t>((pm * (4 - g_rt[10]) + g_rt[10] * pa) >> 2);
      bit = io.code(bit, p);
      c.mix2a.update(x, bit);
      c.mix2b.update(x, bit);
      c.apm[0].update(bit);
      for (int s = 0; s < 7; ++s) cs[s]->update(bit, spec.limits[s]);
      return bit;
    }
  }

  template <int kS, class Io>
  std::int64_t code(Io& io, int channel, std::int64_t residual, const ResidualHint& hint) {
    const int chn = clampi(channel, 0, channels - 1);
    Channel& c = ch[static_cast<std::size_t>(chn)];
    const std::uint64_t m_in = residual < 0 ? 0 - static_cast<std::uint64_t>(residual)
                                            : static_cast<std::uint64_t>(residual);
    const int l_in = std::bit_width(m_in);

    const int fbin = std::min(7, (clampi(hint.fraction, -128, 128) + 128) >> 5);
    Ctx k;
    k.c = &c;
    const int q_fast = std::min(quantise_mean(c.mean[0]), nq - 1);
    const int q_med = std::min(quantise_mean(c.mean[1]), nq - 1);
    k.q_med = q_med;
    const int l0 = clampi(q_med / 4 - g_rt[12], 0, lmax);
    for (int s = 0; s < spec.sets; ++s) {
      int q = q_med;
      int sub = 0;
      switch (spec.kinds[s]) {
        case kMed:
          break;
        case kFast:
          q = q_fast;
          break;
        case kSlow:
          q = std::min(quantise_mean(c.mean[2]), nq - 1);
          break;
        case kDelta:
          sub = trend_bin(q_fast, q_med);
          break;
        case kCross:
          sub = mag_bin(last_mag, l0);
          break;
        case kOwn:
          sub = mag_bin(c.prev_mag, l0);
          break;
        case kCrossFast:
          q = q_fast;
          sub = mag_bin(last_mag, l0);
          break;
        case kFrac:
          sub = q_med < kFracMaxQ ? fbin : 0;
          break;
        case kHintMag: {
          // The hint relative to its own running mean, in half octaves.
          const std::int64_t h =
              static_cast<std::int64_t>(std::min<std::uint64_t>(hint.magnitude, 1ull << 40));
          sub =
              clampi((quantise_mean(h << kMeanFrac) - quantise_mean(c.hint_mean)) >> 1, -3, 3) + 3;
          c.hint_mean += ((h << kMeanFrac) - c.hint_mean) >> 4;
          break;
        }
      }
      k.base[s] = (static_cast<std::size_t>(q) * kKindSub[spec.kinds[s]] + sub) * kNodes;
    }

    // Bit length of the magnitude.
    int len = lmax;
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
      for (int j = l0; j < lmax; ++j) {
        if (!code_bit<kS>(io, k, rel_index(j - l0), l_in > j)) {
          len = j;
          break;
        }
      }
    }

    // Mantissa below the leading one: the top bits under context, the rest flat.
    std::uint64_t m = len > 0 ? 1 : 0;
    if (len >= 2) {
      const int nbits = len - 1;
      const int top = std::min(kMantTopBits, nbits);
      int t = 1;
      const int node_base = kMantBase + (clampi(len - l0, kMantRelLo, kMantRelHi) - kMantRelLo) * 8;
      for (int i = 0; i < top; ++i) {
        const int pos = nbits - 1 - i;
        int b = static_cast<int>((m_in >> pos) & 1);
        b = code_bit<kS>(io, k, node_base + t, b);
        t = 2 * t + b;
        m = (m << 1) | static_cast<std::uint64_t>(b);
      }
      for (int pos = nbits - 1 - top; pos >= 0; --pos) {
        int b = static_cast<int>((m_in >> pos) & 1);
        b = io.code(b, 32768);
        m = (m << 1) | static_cast<std::uint64_t>(b);
      }
    }

    // Sign.
    int sign = 0;
    if (m != 0) {
      const int sctx = (((c.prev_sign + 1) * 3 + (last_sign + 1)) * 4 + std::min(len, 4) - 1) * 8 +
                       (len <= 2 ? fbin : 0);
      ResidualCounter& sc = c.sign[static_cast<std::size_t>(sctx)];
      const int neg = io.code(residual < 0, sc.p16_clamped());
      sc.update(neg, 255);
      sign = neg ? -1 : 1;
    }

    // Adapt the scale estimates.
    const std::int64_t x = static_cast<std::int64_t>(m) << kMeanFrac;
    c.mean[0] += (x - c.mean[0]) >> g_rt[0];
    c.mean[1] += (x - c.mean[1]) >> g_rt[1];
    c.mean[2] += (x - c.mean[2]) >> g_rt[2];
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
