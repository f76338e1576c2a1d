#include "model/audio/rice_fallback.h"

#include <algorithm>
#include <array>
#include <bit>

namespace lmpack::model::audio {
namespace {

constexpr int kMaxOrder = 4;
constexpr int kOrderBits = 3;
constexpr int kParamBits = 6;
constexpr int kMaxParam = 63;
// The encoder keeps every quotient below this (by raising the parameter), so a decoder that
// meets a longer run of ones is reading a corrupt stream and stops there.
constexpr std::uint64_t kMaxQuotient = std::uint64_t{1} << 20;

class BitWriter {
 public:
  explicit BitWriter(std::vector<std::uint8_t>& out) : out_(out) {}
  void put(std::uint64_t v, int n) {  // n <= 56
    acc_ = (acc_ << n) | (n == 0 ? 0 : v & ((std::uint64_t{1} << n) - 1));
    fill_ += n;
    while (fill_ >= 8) {
      fill_ -= 8;
      out_.push_back(static_cast<std::uint8_t>(acc_ >> fill_));
    }
  }
  void ones(std::uint64_t n) {
    for (; n >= 32; n -= 32) put(0xffffffffu, 32);
    put((std::uint64_t{1} << n) - 1, static_cast<int>(n));
  }
  void finish() {
    if (fill_ > 0) put(0, 8 - fill_);
  }

 private:
  std::vector<std::uint8_t>& out_;
  std::uint64_t acc_ = 0;
  int fill_ = 0;
};

class BitReader {
 public:
  explicit BitReader(std::span<const std::uint8_t> in) : in_(in) {}
  int bit() {
    if (avail_ == 0) {
      byte_ = pos_ < in_.size() ? in_[pos_] : 0;
      ++pos_;
      avail_ = 8;
    }
    --avail_;
    return (byte_ >> avail_) & 1;
  }
  std::uint64_t get(int n) {
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 1) | static_cast<std::uint64_t>(bit());
    return v;
  }

 private:
  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
  int avail_ = 0;
  std::uint8_t byte_ = 0;
};

std::uint64_t zigzag(std::int64_t e) {
  return (static_cast<std::uint64_t>(e) << 1) ^ static_cast<std::uint64_t>(e >> 63);
}

std::int64_t unzigzag(std::uint64_t u) {
  return static_cast<std::int64_t>(u >> 1) ^ -static_cast<std::int64_t>(u & 1);
}

// The value of coded series `s` at frame f: the channel itself, or for the side channel of a
// stereo pair its difference from channel 0.
struct Series {
  std::span<const std::int64_t> samples;
  int channels;
  int c;
  bool side;
  std::int64_t at(std::ptrdiff_t f) const {
    if (f < 0) return 0;
    const std::size_t i = static_cast<std::size_t>(f) * static_cast<std::size_t>(channels);
    const std::int64_t v = samples[i + static_cast<std::size_t>(c)];
    return side ? v - samples[i] : v;
  }
};

// Fixed predictor of `order` at frame f (binomial coefficients of the order-th difference), in
// wrapping unsigned arithmetic: exact for real samples, and no signed overflow on corrupt ones.
std::int64_t fixed_prediction(int order, std::int64_t x1, std::int64_t x2, std::int64_t x3,
                              std::int64_t x4) {
  const auto a = static_cast<std::uint64_t>(x1), b = static_cast<std::uint64_t>(x2),
             c = static_cast<std::uint64_t>(x3), d = static_cast<std::uint64_t>(x4);
  std::uint64_t p = 0;
  switch (order) {
    case 0:
      break;
    case 1:
      p = a;
      break;
    case 2:
      p = 2 * a - b;
      break;
    case 3:
      p = 3 * a - 3 * b + c;
      break;
    default:
      p = 4 * a - 6 * b + 4 * c - d;
      break;
  }
  return static_cast<std::int64_t>(p);
}

struct Choice {
  int order = 0;
  int param = 0;
  std::uint64_t bits = 0;  // residual bits with that order and parameter
};

// The order with the smallest sum of |residual| (FLAC's own choice), then the Rice parameter
// that codes it in the fewest bits.
Choice choose(const Series& s, std::size_t begin, std::size_t end) {
  std::array<std::uint64_t, kMaxOrder + 1> sums{};
  for (std::size_t f = begin; f < end; ++f) {
    const auto fi = static_cast<std::ptrdiff_t>(f);
    const std::int64_t x = s.at(fi), x1 = s.at(fi - 1), x2 = s.at(fi - 2), x3 = s.at(fi - 3),
                       x4 = s.at(fi - 4);
    for (int o = 0; o <= kMaxOrder; ++o) sums[o] += zigzag(x - fixed_prediction(o, x1, x2, x3, x4));
  }
  Choice c;
  c.order = static_cast<int>(std::min_element(sums.begin(), sums.end()) - sums.begin());
  std::uint64_t max_u = 0;
  std::vector<std::uint64_t> u(end - begin);
  for (std::size_t f = begin; f < end; ++f) {
    const auto fi = static_cast<std::ptrdiff_t>(f);
    u[f - begin] = zigzag(s.at(fi) - fixed_prediction(c.order, s.at(fi - 1), s.at(fi - 2),
                                                      s.at(fi - 3), s.at(fi - 4)));
    max_u = std::max(max_u, u[f - begin]);
  }
  const std::uint64_t mean = sums[static_cast<std::size_t>(c.order)] / (end - begin);
  const int floor_param = std::max(0, static_cast<int>(std::bit_width(max_u)) - 20);
  const int guess = std::max(floor_param, static_cast<int>(std::bit_width(mean)) - 1);
  c.bits = ~std::uint64_t{0};
  for (int k = std::max(floor_param, guess - 1); k <= std::min(kMaxParam, guess + 1); ++k) {
    std::uint64_t bits = 0;
    for (const std::uint64_t v : u) bits += (v >> k) + 1 + static_cast<std::uint64_t>(k);
    if (bits < c.bits) {
      c.bits = bits;
      c.param = k;
    }
  }
  return c;
}

void put_residuals(BitWriter& w, const Series& s, const Choice& c, std::size_t begin,
                   std::size_t end) {
  for (std::size_t f = begin; f < end; ++f) {
    const auto fi = static_cast<std::ptrdiff_t>(f);
    const std::uint64_t u = zigzag(s.at(fi) - fixed_prediction(c.order, s.at(fi - 1), s.at(fi - 2),
                                                               s.at(fi - 3), s.at(fi - 4)));
    w.ones(u >> c.param);
    w.put(0, 1);
    if (c.param > 32) w.put(u >> 32, c.param - 32);
    w.put(u, std::min(c.param, 32));
  }
}

bool is_pair(int channels, const std::vector<bool>& coded) {
  return channels == 2 && coded[0] && coded[1];
}

}  // namespace

void rice_encode(std::span<const std::int64_t> samples, int channels, std::size_t frames,
                 const std::vector<bool>& coded, std::vector<std::uint8_t>& out) {
  BitWriter w(out);
  const bool pair = is_pair(channels, coded);
  for (std::size_t begin = 0; begin < frames; begin += kRicePartition) {
    const std::size_t end = std::min(frames, begin + kRicePartition);
    std::vector<Series> series;
    std::vector<Choice> choices;
    for (int c = 0; c < channels; ++c) {
      if (!coded[static_cast<std::size_t>(c)]) continue;
      Series s{samples, channels, c, false};
      Choice ch = choose(s, begin, end);
      if (pair && c == 1) {
        const Series side{samples, channels, c, true};
        const Choice sc = choose(side, begin, end);
        if (sc.bits < ch.bits) s = side, ch = sc;
      }
      series.push_back(s);
      choices.push_back(ch);
    }
    if (pair) w.put(series[1].side ? 1 : 0, 1);
    for (const Choice& ch : choices) {
      w.put(static_cast<std::uint64_t>(ch.order), kOrderBits);
      w.put(static_cast<std::uint64_t>(ch.param), kParamBits);
    }
    for (std::size_t i = 0; i < series.size(); ++i)
      put_residuals(w, series[i], choices[i], begin, end);
  }
  w.finish();
}

void rice_decode(std::span<const std::uint8_t> in, int channels, std::size_t frames,
                 const std::vector<bool>& coded, std::span<std::int64_t> samples) {
  BitReader r(in);
  const bool pair = is_pair(channels, coded);
  const auto ch_count = static_cast<std::size_t>(channels);
  // Previous values of each coded series (the channel, or for a side partition the difference),
  // newest first; a side partition's history is rebuilt from the samples themselves.
  auto value = [&](std::ptrdiff_t f, int c, bool side) -> std::int64_t {
    if (f < 0) return 0;
    const std::size_t i = static_cast<std::size_t>(f) * ch_count;
    const std::int64_t v = samples[i + static_cast<std::size_t>(c)];
    return side ? static_cast<std::int64_t>(static_cast<std::uint64_t>(v) -
                                            static_cast<std::uint64_t>(samples[i]))
                : v;
  };
  for (std::size_t begin = 0; begin < frames; begin += kRicePartition) {
    const std::size_t end = std::min(frames, begin + kRicePartition);
    const bool side = pair && r.bit() == 1;
    std::vector<int> chans;
    std::vector<Choice> choices;
    for (int c = 0; c < channels; ++c) {
      if (!coded[static_cast<std::size_t>(c)]) continue;
      Choice ch;
      ch.order = std::min(kMaxOrder, static_cast<int>(r.get(kOrderBits)));
      ch.param = static_cast<int>(r.get(kParamBits));
      chans.push_back(c);
      choices.push_back(ch);
    }
    for (std::size_t i = 0; i < chans.size(); ++i) {
      const int c = chans[i];
      const bool is_side = side && c == 1;
      const Choice& ch = choices[i];
      for (std::size_t f = begin; f < end; ++f) {
        std::uint64_t q = 0;
        while (q < kMaxQuotient && r.bit() == 1) ++q;
        const std::uint64_t u = (q << ch.param) | r.get(ch.param);
        const auto fi = static_cast<std::ptrdiff_t>(f);
        const std::int64_t p =
            fixed_prediction(ch.order, value(fi - 1, c, is_side), value(fi - 2, c, is_side),
                             value(fi - 3, c, is_side), value(fi - 4, c, is_side));
        // Unsigned wrap-around: a corrupt stream must not overflow a signed value.
        std::uint64_t x = static_cast<std::uint64_t>(p) + static_cast<std::uint64_t>(unzigzag(u));
        if (is_side) x += static_cast<std::uint64_t>(samples[f * ch_count]);
        samples[f * ch_count + static_cast<std::size_t>(c)] = static_cast<std::int64_t>(x);
      }
    }
  }
}

}  // namespace lmpack::model::audio
