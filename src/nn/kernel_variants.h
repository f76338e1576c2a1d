// The kernel tables each variant's translation unit defines (kernels.cpp picks one).
#pragma once

#include "nn/kernels.h"

namespace lmpack::nn {

const KernelTable& scalar_kernels();
// Compiled for the instruction set with a function-level target, so any x86-64 build has them;
// only called after a CPU check.
const KernelTable& avx2_kernels();
const KernelTable& avx512_kernels();

}  // namespace lmpack::nn
