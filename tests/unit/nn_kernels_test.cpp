// The SIMD kernel variants against the scalar reference, bit for bit (determinism rule: a model
// must give the same floats whichever variant this CPU picks), the accuracy of lmpack's own exp,
// sigmoid and tanh, and the variant selection API.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "nn/kernels.h"
#include "nn/math.h"
#include "nn/rng.h"

namespace lmpack::nn {

// Test parameters print as "avx2" rather than as raw bytes.
void PrintTo(Simd simd, std::ostream* os) { *os << simd_name(simd); }

namespace {

using std::size_t;

constexpr size_t kSizes[] = {0, 1, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 255, 256, 257, 1000};
constexpr size_t kOffsets = 4;  // floats past a 64-byte boundary: 0..3
constexpr size_t kGuard = 16;   // floats after each buffer that no kernel may write
constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

std::uint32_t bits(float f) { return std::bit_cast<std::uint32_t>(f); }

// n floats starting `offset` floats past a 64-byte boundary, followed by a guard band.
class Buf {
 public:
  Buf(size_t n, size_t offset) : n_(n), offset_(offset) {
    const size_t total = (offset + n + kGuard + 15) & ~size_t{15};
    mem_.reset(static_cast<float*>(std::aligned_alloc(64, total * sizeof(float))));
    for (size_t i = 0; i < total; ++i) mem_[i] = kGuardValue;
  }
  Buf(const Buf& o) : Buf(o.n_, o.offset_) {
    for (size_t i = 0; i < n_; ++i) data()[i] = o.data()[i];
  }
  float* data() { return mem_.get() + offset_; }
  const float* data() const { return mem_.get() + offset_; }
  float& operator[](size_t i) { return data()[i]; }
  size_t size() const { return n_; }
  bool guard_intact() const {
    for (size_t i = 0; i < kGuard; ++i) {
      if (bits(data()[n_ + i]) != bits(kGuardValue)) return false;
    }
    return true;
  }

 private:
  static constexpr float kGuardValue = -12345.5f;
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  size_t n_, offset_;
  std::unique_ptr<float[], Free> mem_;
};

// Mantissas in [-1, 1) times 2^e, e uniform in [emin, emax]: sums of such values round
// differently in almost any other order, so a wrong reduction order shows.
void fill_mixed(Rng& rng, Buf& b, int emin, int emax) {
  for (size_t i = 0; i < b.size(); ++i) {
    const int e = emin + static_cast<int>(rng.next() % static_cast<std::uint64_t>(emax - emin + 1));
    b[i] = std::ldexp(rng.uniform_pm1(), e);
  }
}

void fill_uniform(Rng& rng, Buf& b, float scale) {
  for (size_t i = 0; i < b.size(); ++i) b[i] = rng.uniform(scale);
}

// Equal bits, except that any NaN equals any NaN (payloads are not part of the contract).
bool same(float a, float b) { return bits(a) == bits(b) || (std::isnan(a) && std::isnan(b)); }

void expect_same(const float* want, const float* got, size_t n, const std::string& what) {
  for (size_t i = 0; i < n; ++i) {
    if (!same(want[i], got[i])) {
      char msg[160];
      std::snprintf(msg, sizeof msg, "[%zu] scalar %a (0x%08x), variant %a (0x%08x)", i,
                    static_cast<double>(want[i]), bits(want[i]), static_cast<double>(got[i]),
                    bits(got[i]));
      ADD_FAILURE() << what << " differs at " << msg;
      return;
    }
  }
}

std::string label(const char* kernel, size_t n, size_t off) {
  return std::string(kernel) + " n=" + std::to_string(n) + " off=" + std::to_string(off);
}

// ------------------------------------------------------------ variants vs the scalar reference

class NnKernelsVariant : public ::testing::TestWithParam<Simd> {
 protected:
  void SetUp() override {
    if (!simd_supported(GetParam())) GTEST_SKIP() << simd_name(GetParam()) << " not supported";
  }
  const KernelTable& ref() const { return kernels_for(Simd::kScalar); }
  const KernelTable& var() const { return kernels_for(GetParam()); }
};

TEST_P(NnKernelsVariant, TableIsTheVariant) {
  EXPECT_EQ(var().simd, GetParam());
  EXPECT_STREQ(var().name, simd_name(GetParam()));
}

TEST_P(NnKernelsVariant, DotAndSum) {
  Rng rng(1);
  int order_sensitive = 0;  // cases where a plain sequential sum differs: the data has teeth
  for (size_t n : kSizes) {
    for (size_t off = 0; off < kOffsets; ++off) {
      Buf a(n, off), b(n, (off + 1) % kOffsets);
      fill_mixed(rng, a, -20, 20);
      fill_mixed(rng, b, -4, 4);
      const float want = ref().dot(a.data(), b.data(), n);
      EXPECT_EQ(bits(want), bits(var().dot(a.data(), b.data(), n))) << label("dot", n, off);
      EXPECT_EQ(bits(ref().sum(a.data(), n)), bits(var().sum(a.data(), n))) << label("sum", n, off);
      float seq = 0.0f;
      for (size_t i = 0; i < n; ++i) seq = seq + a[i] * b[i];
      order_sensitive += bits(seq) != bits(want);
    }
  }
  EXPECT_GT(order_sensitive, 20);
}

TEST_P(NnKernelsVariant, Matvec) {
  Rng rng(2);
  for (size_t rows : {1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 33}) {
    for (size_t cols : kSizes) {
      const size_t off = (rows + cols) % kOffsets;
      const size_t ldw = cols + rows % 3;
      Buf W(rows * ldw, off), x(cols, (off + 3) % kOffsets);
      fill_mixed(rng, W, -10, 10);
      fill_mixed(rng, x, -10, 10);
      Buf want(rows, off), got(rows, (off + 2) % kOffsets);
      ref().matvec(W.data(), rows, cols, ldw, x.data(), want.data());
      var().matvec(W.data(), rows, cols, ldw, x.data(), got.data());
      const std::string what = label("matvec", cols, off) + " rows=" + std::to_string(rows);
      expect_same(want.data(), got.data(), rows, what);
      EXPECT_TRUE(got.guard_intact()) << what;
    }
  }
}

// matmul equals the scalar matmul and n matvecs of its own variant, bit for bit, across input
// blocks and row tiles with ragged edges.
TEST_P(NnKernelsVariant, MatmulEqualsMatvecs) {
  Rng rng(3);
  struct Shape {
    size_t rows, n;
  };
  const Shape shapes[] = {{1, 1}, {2, 3}, {3, 2},  {4, 4},   {5, 5},   {7, 9}, {8, 8},
                          {9, 1}, {1, 9}, {6, 17}, {37, 11}, {64, 32}, {3, 70}};
  for (const Shape& s : shapes) {
    for (size_t cols : kSizes) {
      if (s.rows * s.n * cols > 200000) continue;
      const size_t off = (s.rows + s.n + cols) % kOffsets;
      const size_t ldw = cols + s.rows % 2, ldx = cols + s.n % 3, ldy = s.rows + 1;
      Buf W(s.rows * ldw, off), X(s.n * ldx, (off + 1) % kOffsets);
      fill_mixed(rng, W, -10, 10);
      fill_mixed(rng, X, -10, 10);
      Buf want(s.n * ldy, off), got(s.n * ldy, off), per_input(s.n * ldy, off);
      ref().matmul(W.data(), s.rows, cols, ldw, X.data(), s.n, ldx, want.data(), ldy);
      var().matmul(W.data(), s.rows, cols, ldw, X.data(), s.n, ldx, got.data(), ldy);
      for (size_t t = 0; t < s.n; ++t) {
        var().matvec(W.data(), s.rows, cols, ldw, X.data() + t * ldx, per_input.data() + t * ldy);
      }
      const std::string what = label("matmul", cols, off) + " rows=" + std::to_string(s.rows) +
                               " inputs=" + std::to_string(s.n);
      for (size_t t = 0; t < s.n; ++t) {
        expect_same(want.data() + t * ldy, got.data() + t * ldy, s.rows, what);
        expect_same(per_input.data() + t * ldy, got.data() + t * ldy, s.rows, what + " vs matvec");
      }
      EXPECT_TRUE(got.guard_intact()) << what;
    }
  }
}

TEST_P(NnKernelsVariant, MatvecTransposedAccumulate) {
  Rng rng(4);
  for (size_t rows : {1, 2, 3, 5, 8, 9, 70, 130}) {
    for (size_t cols : kSizes) {
      if (rows * cols > 70000) continue;
      const size_t off = (rows + cols) % kOffsets;
      const size_t ldw = cols + rows % 3;
      Buf W(rows * ldw, off), g(rows, (off + 1) % kOffsets), y(cols, (off + 2) % kOffsets);
      fill_mixed(rng, W, -8, 8);
      fill_mixed(rng, g, -8, 8);
      fill_mixed(rng, y, -8, 8);
      Buf want(y), got(y);
      ref().matvec_t_acc(W.data(), rows, cols, ldw, g.data(), want.data());
      var().matvec_t_acc(W.data(), rows, cols, ldw, g.data(), got.data());
      const std::string what = label("matvec_t_acc", cols, off) + " rows=" + std::to_string(rows);
      expect_same(want.data(), got.data(), cols, what);
      EXPECT_TRUE(got.guard_intact()) << what;
    }
  }
}

TEST_P(NnKernelsVariant, OuterAccumulate) {
  Rng rng(5);
  for (size_t rows = 1; rows <= 9; ++rows) {
    for (size_t cols : kSizes) {
      const size_t off = (rows + cols) % kOffsets;
      const size_t ldw = cols + rows % 3;
      Buf g(rows, off), x(cols, (off + 1) % kOffsets), dW(rows * ldw, (off + 2) % kOffsets);
      fill_mixed(rng, g, -8, 8);
      fill_mixed(rng, x, -8, 8);
      fill_mixed(rng, dW, -8, 8);
      Buf want(dW), got(dW);
      ref().outer_acc(g.data(), rows, x.data(), cols, want.data(), ldw);
      var().outer_acc(g.data(), rows, x.data(), cols, got.data(), ldw);
      const std::string what = label("outer_acc", cols, off) + " rows=" + std::to_string(rows);
      expect_same(want.data(), got.data(), rows * ldw, what);
      EXPECT_TRUE(got.guard_intact()) << what;
    }
  }
}

TEST_P(NnKernelsVariant, AxpyAndScale) {
  Rng rng(6);
  for (size_t n : kSizes) {
    for (size_t off = 0; off < kOffsets; ++off) {
      Buf x(n, off), y(n, (off + 1) % kOffsets);
      fill_mixed(rng, x, -10, 10);
      fill_mixed(rng, y, -10, 10);
      const float a = rng.uniform(3.0f);
      Buf want(y), got(y);
      ref().axpy(a, x.data(), want.data(), n);
      var().axpy(a, x.data(), got.data(), n);
      expect_same(want.data(), got.data(), n, label("axpy", n, off));
      EXPECT_TRUE(got.guard_intact()) << label("axpy", n, off);

      ref().scale(x.data(), a, want.data(), n);
      var().scale(x.data(), a, got.data(), n);
      expect_same(want.data(), got.data(), n, label("scale", n, off));
      Buf in_place(x);
      var().scale(in_place.data(), a, in_place.data(), n);
      expect_same(want.data(), in_place.data(), n, label("scale in place", n, off));
      EXPECT_TRUE(got.guard_intact() && in_place.guard_intact()) << label("scale", n, off);
    }
  }
}

// Values that exercise every branch of exp: both clamps, infinities, NaN, signed zeros,
// denormals, the edges of the exponent range and halfway points of the rounding to n.
std::vector<float> special_values() {
  std::vector<float> v = {0.0f,    -0.0f,   kInf,     -kInf,   kNaN,   -kNaN,   87.0f,
                          88.0f,   -87.0f,  -88.0f,   88.5f,   -87.5f, 89.0f,   -104.0f,
                          1e-45f,  -1e-45f, 1e-38f,   -1e-38f, 1e-7f,  -1e-7f,  0.5f,
                          -0.5f,   1.0f,    -1.0f,    44.0f,   -44.0f, 3.4e38f, -3.4e38f,
                          0.3466f, 1.0397f, -0.3466f, 60.6f,   -60.6f, 20.0f,   -20.0f};
  for (int k = -127; k <= 128; ++k) {  // x*log2e near k + 0.5: rint's ties
    const float x = (static_cast<float>(k) + 0.5f) / math::kLog2e;
    v.push_back(x);
    v.push_back(std::nextafter(x, kInf));
    v.push_back(std::nextafter(x, -kInf));
  }
  return v;
}

using MapFn = void (*)(const float*, float*, size_t);

void check_map(const char* name, MapFn want_fn, MapFn got_fn) {
  Rng rng(7);
  for (float scale : {0.01f, 1.0f, 5.0f, 20.0f, 90.0f, 150.0f, 1e4f}) {
    for (size_t n : kSizes) {
      for (size_t off = 0; off < kOffsets; ++off) {
        Buf x(n, off);
        fill_uniform(rng, x, scale);
        Buf want(n, (off + 1) % kOffsets), got(n, (off + 2) % kOffsets);
        want_fn(x.data(), want.data(), n);
        got_fn(x.data(), got.data(), n);
        expect_same(want.data(), got.data(), n, label(name, n, off));
        EXPECT_TRUE(got.guard_intact()) << label(name, n, off);
        got_fn(x.data(), x.data(), n);
        expect_same(want.data(), x.data(), n, label(name, n, off) + " in place");
      }
    }
  }
  // Special values, then ~1M bit patterns spread over all floats (every exponent, NaNs too).
  std::vector<float> x = special_values();
  for (std::uint64_t b = 0; b < (std::uint64_t{1} << 32); b += 4099) {
    x.push_back(std::bit_cast<float>(static_cast<std::uint32_t>(b)));
  }
  std::vector<float> want(x.size()), got(x.size());
  want_fn(x.data(), want.data(), x.size());
  got_fn(x.data(), got.data(), x.size());
  expect_same(want.data(), got.data(), x.size(), std::string(name) + " special/bit patterns");
}

TEST_P(NnKernelsVariant, Exp) { check_map("exp", ref().exp, var().exp); }
TEST_P(NnKernelsVariant, Sigmoid) { check_map("sigmoid", ref().sigmoid, var().sigmoid); }
TEST_P(NnKernelsVariant, Tanh) { check_map("tanh", ref().tanh, var().tanh); }

TEST_P(NnKernelsVariant, Softmax) {
  Rng rng(8);
  for (float scale : {0.1f, 3.0f, 30.0f, 1000.0f}) {
    for (size_t n : kSizes) {
      for (size_t off = 0; off < kOffsets; ++off) {
        Buf x(n, off);
        fill_uniform(rng, x, scale);
        Buf want(n, (off + 1) % kOffsets), got(n, (off + 2) % kOffsets), in_place(x);
        ref().softmax(x.data(), want.data(), n);
        var().softmax(x.data(), got.data(), n);
        var().softmax(in_place.data(), in_place.data(), n);
        const std::string what = label("softmax", n, off) + " scale=" + std::to_string(scale);
        expect_same(want.data(), got.data(), n, what);
        expect_same(want.data(), in_place.data(), n, what + " in place");
        EXPECT_TRUE(got.guard_intact() && in_place.guard_intact()) << what;
        if (n == 0) continue;
        double total = 0.0;
        for (size_t i = 0; i < n; ++i) total += got[i];
        EXPECT_NEAR(total, 1.0, 1e-5) << what;
      }
    }
  }
}

TEST_P(NnKernelsVariant, SoftmaxSpecialValues) {
  const std::vector<std::vector<float>> cases = {
      {-0.0f, 0.0f, -0.0f, -1.0f},  // max is a zero of either sign
      {0.0f, -0.0f},
      {-kInf, 1.0f, -kInf, 2.0f, -kInf, -kInf, -kInf, -kInf, 0.5f, 0.5f, -kInf, 3.0f, -kInf, -kInf,
       -kInf, -kInf, -kInf, -100.0f},  // exp's lower clamp
      {1.0f, kNaN, 2.0f},              // NaN anywhere: all NaN
      {kNaN, 1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f, 7.0f, 8.0f, 9.0f, 1.0f, 2.0f, 3.0f, 4.0f, 5.0f,
       6.0f, 7.0f},
      {1.0f, kInf, 2.0f},  // +inf: inf - inf is NaN
      {5.0f, 5.0f, 5.0f, 5.0f, 5.0f, 5.0f, 5.0f, 5.0f, 5.0f, 5.0f, 5.0f,
       5.0f, 5.0f, 5.0f, 5.0f, 5.0f, 5.0f, 5.0f, 5.0f, 5.0f, 5.0f, 5.0f,
       5.0f, 5.0f, 5.0f, 5.0f, 5.0f, 5.0f, 5.0f, 5.0f, 5.0f, 5.0f, 5.0f},
  };
  // Long enough for the vector maximum: zeros of both signs in every lane, the rest negative.
  std::vector<std::vector<float>> all = cases;
  for (size_t first_sign = 0; first_sign < 2; ++first_sign) {
    std::vector<float> zeros(70);
    for (size_t i = 0; i < zeros.size(); ++i) {
      zeros[i] = i % 3 == 2 ? -static_cast<float>(i) : ((i + first_sign) % 2 ? -0.0f : 0.0f);
    }
    all.push_back(zeros);
  }
  for (size_t k = 0; k < all.size(); ++k) {
    const std::vector<float>& x = all[k];
    std::vector<float> want(x.size()), got(x.size());
    ref().softmax(x.data(), want.data(), x.size());
    var().softmax(x.data(), got.data(), x.size());
    expect_same(want.data(), got.data(), x.size(), "softmax case " + std::to_string(k));
  }
}

TEST_P(NnKernelsVariant, Adam) {
  Rng rng(9);
  const AdamStep steps[] = {{1e-3f, 0.9f, 0.999f, 1e-6f, 5.0f}, {0.02f, 0.8f, 0.99f, 1e-8f, 0.5f}};
  for (const AdamStep& s : steps) {
    for (size_t n : kSizes) {
      for (size_t off = 0; off < kOffsets; ++off) {
        Buf w(n, off), m(n, (off + 1) % kOffsets), v(n, (off + 2) % kOffsets), g(n, off);
        fill_mixed(rng, w, -6, 2);
        fill_mixed(rng, m, -10, 0);
        fill_mixed(rng, g, -12, 4);  // |g| up to 16: the clip applies to many
        for (size_t i = 0; i < n; ++i) v[i] = std::fabs(rng.uniform(1e-3f));
        if (n > 4) g[n - 1] = kInf, g[n - 2] = -kInf, g[n - 3] = kNaN, g[n / 2] = -0.0f;
        Buf w1(w), m1(m), v1(v), w2(w), m2(m), v2(v);
        for (int step = 0; step < 3; ++step) {  // state carried over: m, v feed back
          ref().adam(w1.data(), m1.data(), v1.data(), g.data(), n, s);
          var().adam(w2.data(), m2.data(), v2.data(), g.data(), n, s);
        }
        const std::string what = label("adam", n, off) + " clip=" + std::to_string(s.clip);
        expect_same(w1.data(), w2.data(), n, what + " w");
        expect_same(m1.data(), m2.data(), n, what + " m");
        expect_same(v1.data(), v2.data(), n, what + " v");
        EXPECT_TRUE(w2.guard_intact() && m2.guard_intact() && v2.guard_intact()) << what;
      }
    }
  }
}

std::string variant_name(const ::testing::TestParamInfo<Simd>& info) {
  return simd_name(info.param);
}

INSTANTIATE_TEST_SUITE_P(NnKernels, NnKernelsVariant, ::testing::Values(Simd::kAvx2, Simd::kAvx512),
                         variant_name);

// ------------------------------------------------------------ accuracy of the scalar math

// Dense grids against libm in double precision (allowed here: tests only measure).
TEST(NnKernelsMath, ExpRelativeError) {
  double worst = 0.0;
  for (int i = -800000; i <= 800000; ++i) {
    const float x = static_cast<float>(i) * 1e-4f;
    const double want = std::exp(static_cast<double>(x));
    worst = std::fmax(worst, std::fabs(static_cast<double>(math::exp(x)) - want) / want);
  }
  EXPECT_LT(worst, 1e-6);
}

TEST(NnKernelsMath, SigmoidAndTanhAbsoluteError) {
  double worst_sigmoid = 0.0, worst_tanh = 0.0;
  for (int i = -400000; i <= 400000; ++i) {
    const float x = static_cast<float>(i) * 1e-4f;
    const double xd = x;
    const double sigmoid = 1.0 / (1.0 + std::exp(-xd));
    worst_sigmoid = std::fmax(worst_sigmoid, std::fabs(math::sigmoid(x) - sigmoid));
    worst_tanh = std::fmax(worst_tanh, std::fabs(math::tanh(x) - std::tanh(xd)));
  }
  EXPECT_LT(worst_sigmoid, 2e-7);
  EXPECT_LT(worst_tanh, 2e-7);
}

TEST(NnKernelsMath, ExpClampsAndLimits) {
  EXPECT_EQ(bits(math::exp(-1000.0f)), bits(math::exp(math::kExpMin)));
  EXPECT_EQ(bits(math::exp(-kInf)), bits(math::exp(math::kExpMin)));
  EXPECT_EQ(bits(math::exp(1000.0f)), bits(math::exp(math::kExpMax)));
  EXPECT_EQ(bits(math::exp(kInf)), bits(math::exp(math::kExpMax)));
  EXPECT_GT(math::exp(math::kExpMin), 0.0f);
  EXPECT_TRUE(std::isfinite(math::exp(math::kExpMax)));
  EXPECT_EQ(math::exp(0.0f), 1.0f);
  EXPECT_EQ(math::exp(-0.0f), 1.0f);
  EXPECT_TRUE(std::isnan(math::exp(kNaN)));
  EXPECT_EQ(math::sigmoid(-1000.0f) < 1e-37f, true);
  EXPECT_EQ(math::sigmoid(1000.0f), 1.0f);
  EXPECT_EQ(math::tanh(1000.0f), 1.0f);
  EXPECT_EQ(math::tanh(-1000.0f), -1.0f);
}

// The scalar kernels on small hand-checkable inputs (the variants are tested against them).
TEST(NnKernelsScalar, SmallExactResults) {
  const KernelTable& k = kernels_for(Simd::kScalar);
  std::vector<float> a(35), b(35);
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>(i), b[i] = 2.0f;
  float want = 0.0f;
  for (size_t i = 0; i < a.size(); ++i) want += 2.0f * static_cast<float>(i);  // exact integers
  EXPECT_EQ(k.dot(a.data(), b.data(), a.size()), want);
  EXPECT_EQ(k.sum(a.data(), a.size()), want / 2.0f);
  EXPECT_EQ(k.dot(a.data(), b.data(), 0), 0.0f);
  EXPECT_EQ(k.sum(a.data(), 0), 0.0f);
  float y[2] = {};
  k.softmax(a.data(), y, 1);
  EXPECT_EQ(y[0], 1.0f);
  const float x2[2] = {3.0f, 3.0f};
  k.softmax(x2, y, 2);
  EXPECT_EQ(y[0], 0.5f);
  EXPECT_EQ(y[1], 0.5f);
}

// ------------------------------------------------------------ variant selection

TEST(NnKernelsSelect, NamesRoundTrip) {
  for (Simd s : {Simd::kScalar, Simd::kAvx2, Simd::kAvx512}) {
    Simd parsed = Simd::kScalar;
    ASSERT_TRUE(parse_simd(simd_name(s), parsed)) << simd_name(s);
    EXPECT_EQ(parsed, s);
  }
  EXPECT_STREQ(simd_name(Simd::kScalar), "scalar");
  EXPECT_STREQ(simd_name(Simd::kAvx2), "avx2");
  EXPECT_STREQ(simd_name(Simd::kAvx512), "avx512");
  Simd out = Simd::kAvx2;
  for (const char* bad : {"", "AVX2", "sse", "avx", "avx-512", "scalar ", "avx5120"}) {
    EXPECT_FALSE(parse_simd(bad, out)) << '"' << bad << '"';
  }
}

TEST(NnKernelsSelect, ForceAndTables) {
  const Simd original = kernels().simd;
  ASSERT_TRUE(simd_supported(original));
  EXPECT_TRUE(simd_supported(Simd::kScalar));
  EXPECT_EQ(kernels_for(Simd::kScalar).simd, Simd::kScalar);
  EXPECT_STREQ(kernels_for(Simd::kScalar).name, "scalar");

  EXPECT_TRUE(force_simd(Simd::kScalar));
  EXPECT_EQ(kernels().simd, Simd::kScalar);
  for (Simd s : {Simd::kAvx2, Simd::kAvx512}) {
    const Simd before = kernels().simd;
    if (simd_supported(s)) {
      EXPECT_EQ(kernels_for(s).simd, s);
      EXPECT_TRUE(force_simd(s));
      EXPECT_EQ(kernels().simd, s);
      EXPECT_EQ(&kernels(), &kernels_for(s));
    } else {
      EXPECT_EQ(kernels_for(s).simd, Simd::kScalar);  // the fallback
      EXPECT_FALSE(force_simd(s));
      EXPECT_EQ(kernels().simd, before);  // nothing changed
    }
  }
  EXPECT_TRUE(force_simd(original));
  EXPECT_EQ(kernels().simd, original);
}

}  // namespace
}  // namespace lmpack::nn
