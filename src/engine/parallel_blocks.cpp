#include "engine/parallel_blocks.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

namespace lmpack::engine {

Status run_blocks(std::size_t blocks, unsigned threads, std::uint64_t total_bytes,
                  const ProgressFn& progress, const BlockJob& job) {
  std::atomic<std::size_t> next{0};
  std::atomic<std::uint64_t> done_bytes{0};
  std::atomic<bool> cancelled{false};
  std::vector<Status> results(blocks);
  std::mutex mutex;
  std::condition_variable finished_cv;
  unsigned running = 0;

  auto add_progress = [&](std::uint64_t bytes) {
    done_bytes.fetch_add(bytes, std::memory_order_relaxed);
    if (cancelled.load(std::memory_order_relaxed)) throw Cancelled{};
  };
  auto worker = [&] {
    for (;;) {
      const std::size_t b = next.fetch_add(1);
      if (b >= blocks || cancelled.load()) break;
      try {
        results[b] = job(b, add_progress);
      } catch (const Cancelled&) {
        results[b] = {ErrorCode::kCancelled, "cancelled"};
      } catch (const std::bad_alloc&) {
        results[b] = {ErrorCode::kOutOfMemory, "out of memory"};
      } catch (const std::exception& e) {
        results[b] = {ErrorCode::kInternal, e.what()};
      }
    }
    std::lock_guard lock(mutex);
    --running;
    finished_cv.notify_all();
  };

  const unsigned n = static_cast<unsigned>(
      std::max<std::size_t>(1, std::min<std::size_t>(threads == 0 ? 1 : threads, blocks)));
  std::vector<std::thread> pool;
  {
    std::lock_guard lock(mutex);
    running = n;
  }
  for (unsigned i = 0; i < n; ++i) pool.emplace_back(worker);
  {
    std::unique_lock lock(mutex);
    while (running > 0) {
      finished_cv.wait_for(lock, std::chrono::milliseconds(200));
      if (progress && !cancelled.load()) {
        lock.unlock();
        const bool go_on = progress(done_bytes.load(), total_bytes);
        lock.lock();
        if (!go_on) cancelled = true;
      }
    }
  }
  for (auto& t : pool) t.join();
  if (cancelled.load()) return {ErrorCode::kCancelled, "cancelled"};
  if (progress && !progress(total_bytes, total_bytes)) {
    return {ErrorCode::kCancelled, "cancelled"};
  }
  for (auto& r : results) {
    if (!r) return r;
  }
  return Status::ok();
}

}  // namespace lmpack::engine
