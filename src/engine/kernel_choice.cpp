// The public face of the neural kernels' run-time choice (nn/kernels.h).
#include "lmpack/lmpack.h"
#include "nn/kernels.h"

namespace lmpack {

std::string kernel_in_use() { return nn::kernels().name; }

std::vector<std::string> kernel_names() { return {"scalar", "avx2", "avx512"}; }

Status force_kernels(const std::string& name) {
  nn::Simd simd;
  if (!nn::parse_simd(name, simd)) {
    return {ErrorCode::kInvalidArgument,
            "unknown kernel variant '" + name + "' (known: scalar, avx2, avx512)"};
  }
  if (!nn::force_simd(simd)) {
    return {ErrorCode::kInvalidArgument, "this CPU cannot run the " + name + " kernels"};
  }
  return Status::ok();
}

}  // namespace lmpack
