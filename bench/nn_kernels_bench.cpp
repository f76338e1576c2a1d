// Speed of every kernel variant on the shapes of lmpack's online LSTM/transformer models
// (hidden 128-512): GFLOP/s for the matrix kernels (one multiply and one add per weight and
// input), elements per second for the element-wise ones.
//   lmpack_nn_bench                              all kernels, all variants this CPU runs
//   lmpack_nn_bench --benchmark_filter='matvec/'  one kernel
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "nn/kernels.h"
#include "nn/rng.h"

namespace {

using lmpack::nn::KernelTable;
using lmpack::nn::Simd;
using std::size_t;

// 64-byte aligned floats, uniform in [-scale, scale).
struct Floats {
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  std::unique_ptr<float[], Free> p;
  Floats(size_t n, float scale, std::uint64_t seed)
      : p(static_cast<float*>(std::aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64))) {
    lmpack::nn::Rng rng(seed);
    for (size_t i = 0; i < n; ++i) p[i] = rng.uniform(scale);
  }
  float* get() { return p.get(); }
};

void set_flops(benchmark::State& state, double flops_per_iter) {
  state.counters["GFLOP"] = benchmark::Counter(
      flops_per_iter * static_cast<double>(state.iterations()) * 1e-9, benchmark::Counter::kIsRate);
}

void bm_dot(benchmark::State& state, const KernelTable* k, size_t n) {
  Floats a(n, 1.0f, 1), b(n, 1.0f, 2);
  for (auto _ : state) benchmark::DoNotOptimize(k->dot(a.get(), b.get(), n));
  set_flops(state, 2.0 * n);
}

void bm_matvec(benchmark::State& state, const KernelTable* k, size_t rows, size_t cols) {
  Floats W(rows * cols, 0.1f, 1), x(cols, 1.0f, 2), y(rows, 0.0f, 3);
  for (auto _ : state) {
    k->matvec(W.get(), rows, cols, cols, x.get(), y.get());
    benchmark::ClobberMemory();
  }
  set_flops(state, 2.0 * rows * cols);
}

void bm_matmul(benchmark::State& state, const KernelTable* k, size_t rows, size_t cols, size_t n) {
  Floats W(rows * cols, 0.1f, 1), X(n * cols, 1.0f, 2), Y(n * rows, 0.0f, 3);
  for (auto _ : state) {
    k->matmul(W.get(), rows, cols, cols, X.get(), n, cols, Y.get(), rows);
    benchmark::ClobberMemory();
  }
  set_flops(state, 2.0 * rows * cols * n);
}

void bm_matvec_t_acc(benchmark::State& state, const KernelTable* k, size_t rows, size_t cols) {
  Floats W(rows * cols, 0.1f, 1), g(rows, 1e-3f, 2), y(cols, 0.0f, 3);
  for (auto _ : state) {
    k->matvec_t_acc(W.get(), rows, cols, cols, g.get(), y.get());
    benchmark::ClobberMemory();
  }
  set_flops(state, 2.0 * rows * cols);
}

void bm_outer_acc(benchmark::State& state, const KernelTable* k, size_t rows, size_t cols) {
  Floats g(rows, 1e-3f, 1), x(cols, 1.0f, 2), dW(rows * cols, 0.0f, 3);
  for (auto _ : state) {
    k->outer_acc(g.get(), rows, x.get(), cols, dW.get(), cols);
    benchmark::ClobberMemory();
  }
  set_flops(state, 2.0 * rows * cols);
}

using MapFn = void (*)(const float*, float*, size_t);

void bm_map(benchmark::State& state, MapFn fn, size_t n) {
  Floats x(n, 10.0f, 1), y(n, 0.0f, 2);
  for (auto _ : state) {
    fn(x.get(), y.get(), n);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

void bm_adam(benchmark::State& state, const KernelTable* k, size_t n) {
  Floats w(n, 0.1f, 1), m(n, 0.0f, 2), v(n, 0.0f, 3), g(n, 1e-2f, 4);
  const lmpack::nn::AdamStep step{1e-3f, 0.9f, 0.999f, 1e-6f, 5.0f};
  for (auto _ : state) {
    k->adam(w.get(), m.get(), v.get(), g.get(), n, step);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

void register_variant(const KernelTable* k) {
  const std::string v = std::string("/") + k->name;
  const auto reg = [&](const std::string& name, auto fn) {
    benchmark::RegisterBenchmark((name + v).c_str(), fn);
  };
  for (size_t n : {256, 1024}) {
    reg("dot/" + std::to_string(n), [=](benchmark::State& s) { bm_dot(s, k, n); });
  }
  struct Shape {
    size_t rows, cols;
  };
  for (Shape sh : {Shape{512, 256}, Shape{1024, 384}, Shape{2048, 512}}) {
    const std::string dims = std::to_string(sh.rows) + "x" + std::to_string(sh.cols);
    reg("matvec/" + dims, [=](benchmark::State& s) { bm_matvec(s, k, sh.rows, sh.cols); });
    for (size_t n : {8, 32}) {
      reg("matmul/" + dims + "/n" + std::to_string(n),
          [=](benchmark::State& s) { bm_matmul(s, k, sh.rows, sh.cols, n); });
    }
    reg("matvec_t_acc/" + dims,
        [=](benchmark::State& s) { bm_matvec_t_acc(s, k, sh.rows, sh.cols); });
    reg("outer_acc/" + dims, [=](benchmark::State& s) { bm_outer_acc(s, k, sh.rows, sh.cols); });
  }
  for (size_t n : {512, 4096}) {
    const std::string sz = std::to_string(n);
    reg("exp/" + sz, [=](benchmark::State& s) { bm_map(s, k->exp, n); });
    reg("sigmoid/" + sz, [=](benchmark::State& s) { bm_map(s, k->sigmoid, n); });
    reg("tanh/" + sz, [=](benchmark::State& s) { bm_map(s, k->tanh, n); });
    reg("softmax/" + sz, [=](benchmark::State& s) { bm_map(s, k->softmax, n); });
  }
  for (size_t n : {4096, 1 << 20}) {
    reg("adam/" + std::to_string(n), [=](benchmark::State& s) { bm_adam(s, k, n); });
  }
}

}  // namespace

int main(int argc, char** argv) {
  for (Simd simd : {Simd::kScalar, Simd::kAvx2, Simd::kAvx512}) {
    if (lmpack::nn::simd_supported(simd)) register_variant(&lmpack::nn::kernels_for(simd));
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
