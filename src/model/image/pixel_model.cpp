#include "model/image/pixel_model.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdlib>
#include <type_traits>

#include "model/cm/logistic.h"
#include "model/ols.h"

namespace lmpack::model::image {

namespace {

constexpr int kPredictors = 17;  // see code_sample(); the 17th is the OLS predictor
constexpr int kOlsPredictor = 16;
// The OLS predictor's inputs: 12 neighbours of the same channel (as differences from W: N, NW,
// NE, WW, NN, NNE, NWW, NNW, NEE, WWW, NNEE, NNN), and for later channels of a pixel 4 more from
// the first-coded channel.
constexpr int kOlsOwnInputs = 12;
constexpr int kOlsCrossInputs = 4;
constexpr int kOlsMaxInputs = kOlsOwnInputs + kOlsCrossInputs;
constexpr double kOlsLambda = 0.998;
constexpr double kOlsDelta = 0.0001;
// Params version 3: blocks of fewer samples forget faster, and every block's first pixels solve
// the OLS system after each pixel.
constexpr std::uint64_t kSmallBlockSamples = 1 << 16;
constexpr double kOlsLambdaSmall = 0.995;
constexpr int kOlsWarmPixels = 2048;
constexpr std::int32_t kParamWeight = 32768;        // the geometric prior's first weight, 0.5
constexpr std::uint32_t kFirstSampleEnergy = 4096;  // in 8-bit terms: the top energy bucket
constexpr int kEnergyLevels = 24;
constexpr int kNodes = 64;
constexpr int kInputs = 11;  // counters, bias, parametric (0 before params version 3)
constexpr int kParamInput = 10;
constexpr int kMaxK = 17;
constexpr std::int32_t kMaxWeight = 1 << 24;  // 256.0 in the mixer's 16.16 weights

int bit_length(std::uint64_t v) { return v == 0 ? 0 : 64 - std::countl_zero(v); }

// Blend weight of a prediction whose recent error sum is e (1 .. 2^22): 2^36 / e^2 + 1.
std::int64_t inverse_square_weight(std::uint64_t e) {
  return static_cast<std::int64_t>((std::uint64_t{1} << 36) / (e * e)) + 1;
}

int med(int a, int b, int c) {
  const int mx = std::max(a, b), mn = std::min(a, b);
  return c >= mx ? mn : (c <= mn ? mx : a + b - c);
}

// Log-like energy buckets: two per octave.
int quantise_energy(std::uint64_t e) {
  if (e == 0) return 0;
  const int b = bit_length(e);
  const int half = b >= 2 ? static_cast<int>((e >> (b - 2)) & 1) : 0;
  return std::min(kEnergyLevels - 1, 2 * b - 1 + half);
}

// Signed residual in 7 buckets (0, +-1, +-2..3, +-4+).
int quantise_signed(int r) {
  const int a = r < 0 ? -r : r;
  const int q = a == 0 ? 0 : a == 1 ? 1 : a <= 3 ? 2 : 3;
  return r < 0 ? 3 - q : 3 + q;
}

// Adaptive probability with a count-based rate (fast at first, then 1/limit).
struct CounterTable {
  std::vector<std::uint16_t> p;
  std::vector<std::uint8_t> n;
  explicit CounterTable(std::size_t size) : p(size, 32768), n(size, 0) {}
};

struct Reciprocals {
  std::array<int, 256> r{};
  constexpr Reciprocals() {
    for (int i = 0; i < 256; ++i) r[i] = 131072 / (2 * i + 3);  // 65536 / (n + 1.5)
  }
};
constexpr Reciprocals kRecip;

class Mixer {
 public:
  // lr16: learning rate in sixteenths.
  Mixer(int sets, int lr16) : w_(static_cast<std::size_t>(sets) * kInputs, 65536 / 16), lr_(lr16) {}
  // Sets one input's starting weight in every set (before any mixing).
  void set_weight(int input, int w) {
    for (std::size_t i = static_cast<std::size_t>(input); i < w_.size(); i += kInputs) w_[i] = w;
  }
  int mix(const int* x, int set) {
    x_ = x;
    w_set_ = &w_[static_cast<std::size_t>(set) * kInputs];
    std::int64_t dot = 0;
    for (int i = 0; i < kInputs; ++i) dot += static_cast<std::int64_t>(x[i]) * w_set_[i];
    int st = static_cast<int>(dot >> 16);
    st = std::clamp(st, -2047, 2047);
    pr_ = cm::squash(st);
    return st;
  }
  void update(int bit) {
    const int err = (((bit << 12) - pr_) * lr_) >> 4;
    // Clamped so that no input sequence can overflow a weight (signed overflow is UB).
    for (int i = 0; i < kInputs; ++i)
      w_set_[i] = std::clamp(w_set_[i] + ((x_[i] * err) >> 11), -kMaxWeight, kMaxWeight);
  }

 private:
  std::vector<std::int32_t> w_;
  int lr_;
  const int* x_ = nullptr;
  std::int32_t* w_set_ = nullptr;
  int pr_ = 2048;
};

// Adaptive probability map: refines a probability by a context, interpolating 33 bins.
class Apm {
 public:
  explicit Apm(int contexts) : t_(static_cast<std::size_t>(contexts) * 33) {
    for (int c = 0; c < contexts; ++c)
      for (int j = 0; j < 33; ++j)
        t_[static_cast<std::size_t>(c) * 33 + j] =
            static_cast<std::uint16_t>(cm::squash((j - 16) * 128) * 16);
  }
  int refine(int st, int ctx) {
    const int s = std::clamp(st, -2047, 2047) + 2048;
    const int lo = s >> 7, w = s & 127;
    idx_ = static_cast<std::size_t>(ctx) * 33 + lo;
    w_ = w;
    return (t_[idx_] * (128 - w) + t_[idx_ + 1] * w) >> 11;
  }
  void update(int bit) {
    const int target = bit ? 65535 : 0;
    t_[idx_] = static_cast<std::uint16_t>(t_[idx_] + ((target - t_[idx_]) * (128 - w_) >> 13));
    t_[idx_ + 1] = static_cast<std::uint16_t>(t_[idx_ + 1] + ((target - t_[idx_ + 1]) * w_ >> 13));
  }

 private:
  std::vector<std::uint16_t> t_;
  std::size_t idx_ = 0;
  int w_ = 0;
};

}  // namespace

struct PixelModel::Impl {
  PixelGeometry g;
  int version;  // image params version: 3 adds the small-image refinements
  int strength;
  int maxv;
  int scale_shift;         // energies of >8-bit images are scaled down to 8-bit terms
  std::vector<int> order;  // coding order of channels (G first for RGB)
  // Per channel, per predictor absolute errors of the previous and current row: [2][width*C*P].
  std::vector<std::uint32_t> perr[2];
  std::vector<std::int32_t> berr[2];  // blended residual, same layout without P
  // Bias correction (CALIC): per channel-position, energy and texture.
  std::vector<std::int32_t> bias_sum, bias_cnt;
  static constexpr int kCounterSets = 9;
  std::vector<CounterTable> tables;
  std::array<std::size_t, kCounterSets> base{};
  std::array<std::size_t, kCounterSets> idx{};
  Mixer mixer1, mixer2;
  Apm apm1, apm2;
  int inputs[kInputs] = {};
  // Params version 3: the OLS predictor solves after every pixel of a block's first
  // kOlsWarmPixels (then every ols_interval samples).
  int warm = 0;
  // Params version 3, a prior that needs no learning: the decision's probability under a
  // two-sided geometric distribution of the residual, P(r) ~ theta^|r|, whose mean magnitude
  // is learnt per (channel position, energy) context (param_p: 12-bit, set per decision), and
  // the powers theta^(2^j) of its ratio (16-bit) for the current sample. The mixers take
  // stretch(param_p) as an input (0 before version 3, which leaves their sums unchanged).
  int param_p = 2048;
  std::array<std::uint32_t, 18> theta_pow{};
  std::vector<std::uint32_t> mag_sum, mag_cnt;
  std::size_t mag_ctx = 0;
  // 12-bit probabilities of the decisions under the geometric model.
  int param_zero() const {
    const std::uint64_t t = theta_pow[0];
    return static_cast<int>(std::clamp<std::uint64_t>(((65536 - t) << 12) / (65536 + t), 1, 4095));
  }
  int param_more(int j) const {  // |res| >= 2^(j+1) given >= 2^j
    return std::clamp(static_cast<int>(theta_pow[std::min(j, 17)] >> 4), 1, 4095);
  }
  int param_bit(int j) const {  // mantissa bit j is 1
    const std::uint64_t q = theta_pow[std::min(j, 17)];
    return static_cast<int>(std::clamp<std::uint64_t>((q << 12) / (65536 + q), 1, 4095));
  }
  std::array<int, 256> recip = kRecip.r;  // counter rates; version 3: 1 / (n + 2)
  int ols_interval;                       // 0: no OLS predictor (params version 1)
  int predictors;                         // 16, or 17 with the OLS predictor
  std::vector<Ols> ols;                   // per channel position k

  // Per-sample context, filled by prepare().
  int first_res = 0;  // residual of the first-coded channel of the current pixel
  int qe = 0, tex = 0, rq = 0, spread = 0, cpos = 0, eq = 0, frac = 0, off1 = 0, off2 = 0;

  Impl(const PixelGeometry& geo, int s, int ols_every, int params_version)
      : g(geo),
        version(params_version),
        strength(s),
        maxv((1 << geo.bits) - 1),
        scale_shift(std::max(0, geo.bits - 8)),
        mixer1(kNodes * 6 * 4, 16),
        mixer2(kNodes * 64, 48),
        apm1(kNodes * kEnergyLevels),
        apm2(kNodes * 4 * 64),
        ols_interval(ols_every),
        predictors(ols_every > 0 ? kPredictors : kOlsPredictor) {
    if (version >= 3) {
      // Small images end before the counters settle: 1 / (n + 2) rather than 1 / (n + 1.5).
      for (int i = 0; i < 256; ++i) recip[i] = 65536 / (i + 2);
      mixer1.set_weight(kParamInput, kParamWeight);
      mixer2.set_weight(kParamInput, kParamWeight);
      mag_sum.assign(4 * kEnergyLevels, 0);
      mag_cnt.assign(4 * kEnergyLevels, 1);
      for (int c = 0; c < 4; ++c) {
        for (int e = 0; e < kEnergyLevels; ++e) {
          // Energy bucket e holds energies near 2^((e + 1) / 2) (in 8-bit terms): start from a
          // mean magnitude of an eighth of that, in the image's own units.
          const std::uint32_t mid = e == 0 ? 0 : (1u << ((e + 1) / 2));
          mag_sum[static_cast<std::size_t>(c) * kEnergyLevels + e] = (2 * mid + 4) << scale_shift;
        }
      }
    }
    for (int c = 0; c < g.channels; ++c) order.push_back(c);
    // Version 3: a step of IRLS (samples weighted by their recent error^-1/2), solves after
    // every pixel at first, and on a block of under 2^16 samples a shorter memory.
    const std::uint64_t block_samples = std::uint64_t{g.width} * g.channels * g.rows;
    const double lambda =
        version >= 3 && block_samples < kSmallBlockSamples ? kOlsLambdaSmall : kOlsLambda;
    const int irls = version >= 3 ? 1 : 0;
    warm = version >= 3 ? kOlsWarmPixels : 0;
    for (int k = 0; k < g.channels && ols_interval > 0; ++k) {
      ols.emplace_back(kOlsOwnInputs + (k == 0 ? 0 : kOlsCrossInputs), lambda, kOlsDelta,
                       warm > 0 ? 1 : ols_interval, irls);
    }
    if (g.channels >= 3) std::swap(order[0], order[1]);  // G, R, B(, A)
    const std::size_t row = static_cast<std::size_t>(g.width) * g.channels;
    for (auto& v : perr) v.assign(row * kPredictors, 0);
    for (auto& v : berr) v.assign(row, 0);
    bias_sum.assign(4 * kEnergyLevels * 64, 0);
    bias_cnt.assign(4 * kEnergyLevels * 64, 0);
    const std::size_t sizes[kCounterSets] = {
        kNodes * kEnergyLevels,      kNodes * kEnergyLevels * 4, kNodes * 64 * 12,
        kNodes * 64 * kEnergyLevels, kNodes * 16 * 12,           kNodes * 49 * 12,
        kNodes * 4 * 8 * 12,         kNodes * 7 * 7 * 8,         kNodes * 7 * 7 * 8};
    for (int i = 0; i < kCounterSets; ++i) tables.emplace_back(sizes[i]);
  }

  // ---- one sample ----

  template <class Io>
  void code_sample(const std::int32_t* s, std::int32_t* out_s, std::uint64_t y, std::uint32_t x,
                   int k, int& prev_res, Io& io) {
    const int C = g.channels;
    const int c = order[k];
    const std::size_t W = g.width;
    auto at = [&](std::uint64_t yy, std::uint32_t xx, int ch) { return s[(yy * W + xx) * C + ch]; };
    auto neighbours = [&](int ch, int n[8]) {
      const int w = x > 0 ? at(y, x - 1, ch) : (y > 0 ? at(y - 1, x, ch) : 0);
      const int nn0 = y > 0 ? at(y - 1, x, ch) : w;
      const int nw = (y > 0 && x > 0) ? at(y - 1, x - 1, ch) : nn0;
      const int ne = (y > 0 && x + 1 < W) ? at(y - 1, x + 1, ch) : nn0;
      const int ww = x > 1 ? at(y, x - 2, ch) : w;
      const int nn = y > 1 ? at(y - 2, x, ch) : nn0;
      const int nne = (y > 1 && x + 1 < W) ? at(y - 2, x + 1, ch) : ne;
      n[0] = w;
      n[1] = nn0;
      n[2] = nw;
      n[3] = ne;
      n[4] = ww;
      n[5] = nn;
      n[6] = nne;
      n[7] = 0;
    };
    int n[8];
    neighbours(c, n);
    const int Wv = n[0], Nv = n[1], NWv = n[2], NEv = n[3], WWv = n[4], NNv = n[5], NNEv = n[6];
    int p[kPredictors];
    p[0] = Wv;
    p[1] = Nv;
    p[2] = med(Wv, Nv, NWv);
    p[3] = Wv + Nv - NWv;
    p[4] = (Wv + NEv + 1) >> 1;
    p[5] = Nv + NEv - NNEv;
    p[6] = Wv + NEv - Nv;
    {
      // CALIC GAP
      const int dh = std::abs(Wv - WWv) + std::abs(Nv - NWv) + std::abs(Nv - NEv);
      const int dv = std::abs(Wv - NWv) + std::abs(Nv - NNv) + std::abs(NEv - NNEv);
      const int t = 80 << scale_shift;
      int gp;
      if (dv - dh > t)
        gp = Wv;
      else if (dh - dv > t)
        gp = Nv;
      else {
        gp = (Wv + Nv) * 4 + (NEv - NWv) * 2;  // (W+N)/2 + (NE-NW)/4, times 8
        const int d = dv - dh;
        const int t2 = 32 << scale_shift, t3 = 8 << scale_shift;
        if (d > t2)
          gp = (gp + Wv * 8) >> 4;
        else if (d > t3)
          gp = (3 * gp + Wv * 8) >> 5;
        else if (d < -t2)
          gp = (gp + Nv * 8) >> 4;
        else if (d < -t3)
          gp = (3 * gp + Nv * 8) >> 5;
        else
          gp >>= 3;
      }
      p[7] = gp;
    }
    p[8] = (Wv + Nv + NEv + NWv + 2) >> 2;
    if (k > 0) {
      const int r = order[0];
      int m[8];
      neighbours(r, m);
      const int X = out_s[r];
      p[9] = X + Wv - m[0];
      p[10] = X + Nv - m[1];
      p[11] = X + med(Wv, Nv, NWv) - med(m[0], m[1], m[2]);
      p[12] = X + NEv - m[3];
      // The channel coded just before (B after R): its own differences.
      const int q = order[k - 1];
      int o[8];
      neighbours(q, o);
      const int Y = out_s[q];
      p[13] = Y + Wv - o[0];
      p[14] = Y + Nv - o[1];
      p[15] = Y + ((Wv - o[0] + Nv - o[1] + 1) >> 1);
    } else {
      p[9] = Wv + ((NEv - NWv) >> 1);
      p[10] = Nv + ((Wv - NWv) >> 1);
      p[11] = (Wv * 3 + NEv - NWv * 0 + Nv * 0 + 2) >> 2;
      p[12] = 2 * Nv - NNv;
      p[13] = 2 * Wv - WWv;
      p[14] = (Nv * 3 + NEv - NNv * 0 + 2) >> 2;
      p[15] = NEv;
    }
    // OLS over a wider neighbourhood, relative to W: its prediction in 1/16 (for the final
    // blend) and rounded (as the 17th blend member).
    int ols16 = 0;
    if (ols_interval > 0) {
      auto far = [&](std::uint64_t dy, int dx) {
        // Clamped into the image; positions not yet coded read as W.
        const std::uint64_t yy = y >= dy ? y - dy : 0;
        const long xx = std::clamp(static_cast<long>(x) + dx, 0L, static_cast<long>(W) - 1);
        if (yy == y && xx >= static_cast<long>(x)) return Wv;
        return at(yy, static_cast<std::uint32_t>(xx), c);
      };
      double in[kOlsMaxInputs];  // [own 12 | first channel's 4]
      in[0] = Nv - Wv, in[1] = NWv - Wv, in[2] = NEv - Wv, in[3] = WWv - Wv;
      in[4] = NNv - Wv, in[5] = NNEv - Wv, in[6] = far(1, -2) - Wv, in[7] = far(2, -1) - Wv;
      in[8] = far(1, 2) - Wv, in[9] = far(0, -3) - Wv, in[10] = far(2, 2) - Wv;
      in[11] = far(3, 0) - Wv;
      if (k > 0) {
        int m[8];
        neighbours(order[0], m);
        double* cross = in + kOlsOwnInputs;
        cross[0] = out_s[order[0]] - m[0], cross[1] = m[1] - m[0], cross[2] = m[2] - m[0];
        cross[3] = m[3] - m[0];
      }
      // Clamped in double first: a NaN (unreachable from pixel inputs, which are bounded) fails
      // both comparisons and lands on 0 rather than in an undefined conversion.
      double v = (Wv + ols[k].predict(in)) * 16.0;
      if (!(v > 0.0)) v = 0.0;
      if (v > maxv * 16.0) v = maxv * 16.0;
      ols16 = static_cast<int>(v + 0.5);
      p[kOlsPredictor] = (ols16 + 8) >> 4;
    }
    // Blend by recent errors at W, N, NW, NE.
    const int cur = static_cast<int>(y & 1), prv = cur ^ 1;
    const std::size_t sp = (static_cast<std::size_t>(x) * C + c);
    const std::uint32_t* ew = x > 0 ? &perr[cur][(sp - C) * kPredictors] : nullptr;
    const std::uint32_t* en = y > 0 ? &perr[prv][sp * kPredictors] : nullptr;
    const std::uint32_t* enw = (y > 0 && x > 0) ? &perr[prv][(sp - C) * kPredictors] : nullptr;
    const std::uint32_t* ene = (y > 0 && x + 1 < W) ? &perr[prv][(sp + C) * kPredictors] : nullptr;
    std::uint64_t sumw = 0;
    std::int64_t sumwp = 0;
    std::uint64_t ols_err = 1;
    int pmin = p[0], pmax = p[0];
    for (int i = 0; i < predictors; ++i) {
      std::uint64_t e = 1;
      if (ew) e += 2 * std::uint64_t{ew[i]};
      if (en) e += 2 * std::uint64_t{en[i]};
      if (enw) e += enw[i];
      if (ene) e += ene[i];
      if (e > (1u << 22)) e = 1u << 22;
      if (i == kOlsPredictor) ols_err = e;
      const std::uint64_t wgt = static_cast<std::uint64_t>(inverse_square_weight(e));
      const int pc = std::clamp(p[i], 0, maxv);
      p[i] = pc;
      pmin = std::min(pmin, pc);
      pmax = std::max(pmax, pc);
      sumw += wgt;
      sumwp += static_cast<std::int64_t>(wgt) * (pc * 16);
    }
    int p16 = static_cast<int>((sumwp + static_cast<std::int64_t>(sumw / 2)) /
                               static_cast<std::int64_t>(sumw));
    // The blended residuals at W, N, NW and NE, weighted like the predictors' errors: the
    // blend's recent error and the core of the energy context.
    auto abs_b = [&](const std::vector<std::int32_t>& v, std::size_t i) { return std::abs(v[i]); };
    std::uint64_t around = 0;
    if (x > 0) around += 2 * abs_b(berr[cur], sp - C);
    if (y > 0) around += 2 * abs_b(berr[prv], sp);
    if (y > 0 && x > 0) around += abs_b(berr[prv], sp - C);
    if (y > 0 && x + 1 < W) around += abs_b(berr[prv], sp + C);
    if (ols_interval > 0) {
      // The blend and the (unrounded) OLS prediction, weighted by the inverse square of their
      // recent errors around: the OLS alone is worse than the blend, the two together better
      // than either (measured: -1.4% on the sample photos).
      const std::int64_t wb = inverse_square_weight(std::min<std::uint64_t>(around + 1, 1u << 22));
      const std::int64_t wo = inverse_square_weight(ols_err);
      p16 = static_cast<int>((p16 * wb + ols16 * wo + (wb + wo) / 2) / (wb + wo));
    }
    // Energy from the blended residuals around.
    std::uint64_t energy = around;
    if (version >= 3) {
      // At the block's edges some of W, N, NW, NE are missing: scale the others up to the full
      // weight (6) rather than read the edge as calm, and code the block's first sample (no
      // neighbour, predicted 0) in the top energy context, where its large residual does not
      // teach the calm contexts that residuals are large (measured on 64x32 patches: -1.2%).
      const int present = (x > 0 ? 2 : 0) + (y > 0 ? 2 : 0) + (y > 0 && x > 0 ? 1 : 0) +
                          (y > 0 && x + 1 < W ? 1 : 0);
      if (present == 0) {
        energy = std::uint64_t{kFirstSampleEnergy} << scale_shift;
      } else if (present < 6) {
        energy = around * 6 / static_cast<std::uint64_t>(present);
      }
    }
    if (x > 1) energy += abs_b(berr[cur], sp - 2 * C);
    energy += static_cast<std::uint64_t>(pmax - pmin) >> 1;
    if (k > 0) energy += 2 * static_cast<std::uint64_t>(std::abs(prev_res));
    qe = quantise_energy(energy >> scale_shift);
    const int pr0 = (p16 + 8) >> 4;
    tex = (Wv > pr0) | (Nv > pr0) << 1 | (NWv > pr0) << 2 | (NEv > pr0) << 3 |
          (2 * Wv - WWv > pr0) << 4 | (2 * Nv - NNv > pr0) << 5;
    cpos = std::min(k, 3);
    const std::size_t bctx = (static_cast<std::size_t>(cpos) * kEnergyLevels + qe) * 64 + tex;
    const int corr = bias_cnt[bctx] ? bias_sum[bctx] / bias_cnt[bctx] : 0;
    const int p16c = std::clamp(p16 + corr, 0, maxv * 16);
    const int pred = (p16c + 8) >> 4;
    frac = std::clamp((p16c - pred * 16 + 8) >> 2, 0, 3);  // where the real prediction lies
    spread = std::min(15, bit_length(static_cast<std::uint64_t>(pmax - pmin) >> scale_shift));
    rq = k > 0 ? quantise_signed(prev_res >> scale_shift) + 1 +
                     (k > 1 ? 7 * (quantise_signed(first_res >> scale_shift) + 1) : 0)
               : 0;
    {
      const int rw = x > 0 ? berr[cur][sp - C] >> scale_shift : 0;
      const int rn = y > 0 ? berr[prv][sp] >> scale_shift : 0;
      eq = quantise_signed(rw) * 7 + quantise_signed(rn);
    }

    {
      // Where other predictions point relative to the coded one.
      const int sh = scale_shift;
      // With the OLS predictor on, it replaces MED here (measured: -0.09%).
      const int first = ols_interval > 0 ? p[kOlsPredictor] : p[2];
      off1 = quantise_signed((first - pred) >> sh) * 7 +
             quantise_signed((p[k > 0 ? 11 : 7] - pred) >> sh);
      off2 = quantise_signed((Nv - pred) >> sh) * 7 + quantise_signed((Wv - pred) >> sh);
    }
    if (version >= 3) {
      mag_ctx = static_cast<std::size_t>(cpos) * kEnergyLevels + qe;
      const std::uint64_t mu16 = mag_sum[mag_ctx] / mag_cnt[mag_ctx];  // mean |res| * 16
      std::uint64_t t = (mu16 << 16) / (mu16 + 16);
      if (t > 65535) t = 65535;
      theta_pow[0] = static_cast<std::uint32_t>(t);
      for (int j = 1; j < 18; ++j)
        theta_pow[j] =
            static_cast<std::uint32_t>((std::uint64_t{theta_pow[j - 1]} * theta_pow[j - 1]) >> 16);
    }
    const int value = io.code_residual(*this, out_s[c], pred);
    out_s[c] = value;
    const int res = value - pred;
    if (ols_interval > 0) {
      ols[k].update(static_cast<double>(value - Wv));
      if (warm > 0 && y * W + x == static_cast<std::uint64_t>(warm)) {
        ols[k].set_interval(ols_interval);
      }
    }
    prev_res = res;
    if (k == 0) first_res = res;
    if (version >= 3) {
      mag_sum[mag_ctx] += 16 * static_cast<std::uint32_t>(std::abs(res));
      if (++mag_cnt[mag_ctx] >= 256) {
        mag_sum[mag_ctx] /= 2;
        mag_cnt[mag_ctx] /= 2;
      }
    }
    // Learn.
    bias_sum[bctx] += value * 16 - p16;
    if (++bias_cnt[bctx] >= 128) {
      bias_sum[bctx] /= 2;
      bias_cnt[bctx] /= 2;
    }
    std::uint32_t* mine = &perr[cur][sp * kPredictors];
    for (int i = 0; i < predictors; ++i)
      mine[i] = static_cast<std::uint32_t>(std::abs(value - p[i]));
    berr[cur][sp] = res;
  }

  // ---- binary decisions ----

  int probability(int node) {
    const int qe2 = qe >> 1;
    idx[0] = static_cast<std::size_t>(node) * kEnergyLevels + qe;
    idx[1] = (static_cast<std::size_t>(node) * kEnergyLevels + qe) * 4 + cpos;
    idx[2] = (static_cast<std::size_t>(node) * 64 + tex) * 12 + qe2;
    idx[3] = (static_cast<std::size_t>(node) * 64 + rq) * kEnergyLevels + qe;
    idx[4] = (static_cast<std::size_t>(node) * 16 + spread) * 12 + qe2;
    idx[5] = (static_cast<std::size_t>(node) * 49 + eq) * 12 + qe2;
    idx[6] = ((static_cast<std::size_t>(node) * 4 + frac) * 8 + (tex & 7)) * 12 + qe2;
    idx[7] = (static_cast<std::size_t>(node) * 49 + off1) * 8 + std::min(qe >> 1, 7);
    idx[8] = (static_cast<std::size_t>(node) * 49 + off2) * 8 + std::min(qe >> 1, 7);
    for (int i = 0; i < kCounterSets; ++i) inputs[i] = cm::stretch(tables[i].p[idx[i]] >> 4);
    inputs[kCounterSets] = 256;
    inputs[kParamInput] = version >= 3 ? cm::stretch(param_p) : 0;
    // Version 3 selects the weights by node and channel only: a small image leaves most of the
    // node x energy sets untrained.
    const int st1 = mixer1.mix(
        inputs, version >= 3 ? node * 4 + cpos : (node * 6 + std::min(qe >> 2, 5)) * 4 + cpos);
    int st = st1;
    if (strength >= 2) {
      const int st2 = mixer2.mix(inputs, node * 64 + tex);
      // Version 3 leans on the first mixer (3:1): the second's node x texture sets learn slowly,
      // and on small images their half share made the strongest level worse than the default.
      st = version >= 3 ? (3 * st1 + st2) >> 2 : (st1 + st2) >> 1;
    }
    const int pa = apm1.refine(st, node * kEnergyLevels + qe);
    int p = (cm::squash(st) + 3 * pa) >> 2;
    if (strength >= 2) {
      const int pb = apm2.refine(st, (node * 4 + cpos) * 64 + rq);
      p = (2 * p + cm::squash(st) + pb) >> 2;
    }
    return std::clamp(p, 1, 4095);
  }

  void learn(int node, int bit) {
    (void)node;
    for (int i = 0; i < kCounterSets; ++i) {
      auto& t = tables[i];
      const std::size_t j = idx[i];
      const int n = t.n[j];
      const int target = bit ? 65535 : 0;
      t.p[j] = static_cast<std::uint16_t>(t.p[j] + (((target - t.p[j]) * recip[n]) >> 16));
      if (n < (strength >= 2 ? 255 : 255)) t.n[j] = static_cast<std::uint8_t>(n + 1);
    }
    mixer1.update(bit);
    if (strength >= 2) mixer2.update(bit);
    apm1.update(bit);
    if (strength >= 2) apm2.update(bit);
  }
};

namespace {

// Shared residual walk: the encoder passes the true value, the decoder learns it bit by bit.
template <class Bit>
int walk_residual(PixelModel::Impl& m, int value, int pred, Bit&& bit) {
  const int maxv = m.maxv;
  // node 0: exact hit
  m.param_p = m.param_zero();
  const int zero = bit(0, value == pred);
  if (zero) return pred;
  int sign;  // 1: value > pred
  if (pred == 0)
    sign = 1;
  else if (pred == maxv)
    sign = 0;
  else {
    m.param_p = 2048;
    sign = bit(1, value > pred);
  }
  const int limit = sign ? maxv - pred : pred;  // |residual| <= limit, >= 1
  const int v = std::abs(value - pred);
  const int kmax = bit_length(static_cast<std::uint64_t>(limit)) - 1;
  const int k_true = bit_length(static_cast<std::uint64_t>(v)) - 1;
  int k = 0;
  while (k < kmax) {
    m.param_p = m.param_more(k);
    if (!bit(2 + std::min(k, kMaxK), k_true > k)) break;
    ++k;
  }
  int mag = 1;
  for (int b = k - 1; b >= 0; --b) {
    const int node = b == k - 1 ? 20 + std::min(k, 19)
                                : (b == k - 2 ? 40 + std::min(k, 19) : 60 + std::min(b, 3));
    m.param_p = m.param_bit(b);
    mag = (mag << 1) | bit(node, (v >> b) & 1);
  }
  if (mag > limit) mag = limit;  // only a corrupt payload gets here
  return sign ? pred + mag : pred - mag;
}

struct EncodeIo {
  coder::BinaryEncoder& enc;
  int code_residual(PixelModel::Impl& m, int value, int pred) {
    return walk_residual(m, value, pred, [&](int node, int b) {
      const int p = m.probability(node);
      enc.encode(b, static_cast<std::uint32_t>(p) << 4);
      m.learn(node, b);
      return b;
    });
  }
};

struct DecodeIo {
  coder::BinaryDecoder& dec;
  int code_residual(PixelModel::Impl& m, int, int pred) {
    return walk_residual(m, 0, pred, [&](int node, int) {
      const int p = m.probability(node);
      const int b = dec.decode(static_cast<std::uint32_t>(p) << 4);
      m.learn(node, b);
      return b;
    });
  }
};

template <class Io, class S>
void run(PixelModel::Impl& m, S* samples, std::uint64_t rows, Io& io) {
  const int C = m.g.channels;
  const std::size_t W = m.g.width;
  std::vector<std::int32_t> pixel(C);
  for (std::uint64_t y = 0; y < rows; ++y) {
    for (std::uint32_t x = 0; x < W; ++x) {
      std::int32_t* px = const_cast<std::int32_t*>(samples) + (y * W + x) * C;
      for (int c = 0; c < C; ++c) pixel[c] = px[c];
      int prev_res = 0;
      for (int k = 0; k < C; ++k) m.code_sample(samples, pixel.data(), y, x, k, prev_res, io);
      if constexpr (!std::is_const_v<S>) {
        for (int c = 0; c < C; ++c) px[c] = pixel[c];
      }
    }
  }
}

}  // namespace

PixelModel::PixelModel(const PixelGeometry& g, int strength, int ols_interval, int version)
    : impl_(std::make_unique<Impl>(g, strength, ols_interval, version)) {}
PixelModel::~PixelModel() = default;

void PixelModel::encode(std::span<const std::int32_t> samples, std::uint64_t rows,
                        coder::BinaryEncoder& enc) {
  EncodeIo io{enc};
  run(*impl_, samples.data(), rows, io);
}

void PixelModel::decode(std::span<std::int32_t> samples, std::uint64_t rows,
                        coder::BinaryDecoder& dec) {
  DecodeIo io{dec};
  run(*impl_, samples.data(), rows, io);
}

std::uint64_t PixelModel::memory_bytes(const PixelGeometry& g, int strength) {
  (void)strength;
  return std::uint64_t{g.width} * g.channels * (kPredictors * 8 + 8) + (std::uint64_t{8} << 20);
}

}  // namespace lmpack::model::image
