// Runs one job per block on worker threads while the calling thread reports progress. The
// result never depends on the thread count: each block's output has its own slot.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "lmpack/lmpack.h"

namespace lmpack::engine {

// job(block, add_progress) processes one block; add_progress(bytes) counts finished input bytes
// and throws Cancelled if the user asked to stop. Returns kCancelled, or the first failure any
// job reported (lowest block index first), or ok.
using BlockJob =
    std::function<Status(std::size_t block, const std::function<void(std::uint64_t)>&)>;

struct Cancelled {};

// Turns a codec's "bytes of this block done so far" reports into increments of the shared
// counter that run_blocks() hands each job.
class BlockProgressAdapter {
 public:
  explicit BlockProgressAdapter(const std::function<void(std::uint64_t)>& add) : add_(add) {}
  void report(std::uint64_t done) {
    add_(done - reported_);
    reported_ = done;
  }
  // Counts whatever the codec did not report, once the block is finished.
  void finish(std::uint64_t block_size) { report(block_size); }

 private:
  const std::function<void(std::uint64_t)>& add_;
  std::uint64_t reported_ = 0;
};

Status run_blocks(std::size_t blocks, unsigned threads, std::uint64_t total_bytes,
                  const ProgressFn& progress, const BlockJob& job);

}  // namespace lmpack::engine
