// Picks the kernel variant: the best this CPU runs, unless forced (CLI --simd or LMPACK_SIMD).
#include <atomic>
#include <cstdlib>

#include "nn/kernel_variants.h"

namespace lmpack::nn {
namespace {

Simd best_supported() {
  if (simd_supported(Simd::kAvx512)) return Simd::kAvx512;
  if (simd_supported(Simd::kAvx2)) return Simd::kAvx2;
  return Simd::kScalar;
}

Simd initial_choice() {
  const char* env = std::getenv("LMPACK_SIMD");
  Simd forced;
  if (env && parse_simd(env, forced) && simd_supported(forced)) return forced;
  return best_supported();
}

std::atomic<const KernelTable*>& active() {
  static std::atomic<const KernelTable*> table{&kernels_for(initial_choice())};
  return table;
}

}  // namespace

bool simd_supported(Simd simd) {
  switch (simd) {
    case Simd::kScalar:
      return true;
    case Simd::kAvx2:
      return __builtin_cpu_supports("avx2");
    case Simd::kAvx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
             __builtin_cpu_supports("avx512dq");
  }
  return false;
}

const KernelTable& kernels_for(Simd simd) {
  if (!simd_supported(simd)) return scalar_kernels();
  switch (simd) {
    case Simd::kAvx2:
      return avx2_kernels();
    case Simd::kAvx512:
      return avx512_kernels();
    default:
      return scalar_kernels();
  }
}

const KernelTable& kernels() { return *active().load(std::memory_order_acquire); }

bool force_simd(Simd simd) {
  if (!simd_supported(simd)) return false;
  active().store(&kernels_for(simd), std::memory_order_release);
  return true;
}

const char* simd_name(Simd simd) {
  switch (simd) {
    case Simd::kScalar:
      return "scalar";
    case Simd::kAvx2:
      return "avx2";
    case Simd::kAvx512:
      return "avx512";
  }
  return "?";
}

bool parse_simd(const std::string& name, Simd& out) {
  for (Simd s : {Simd::kScalar, Simd::kAvx2, Simd::kAvx512}) {
    if (name == simd_name(s)) {
      out = s;
      return true;
    }
  }
  return false;
}

}  // namespace lmpack::nn
