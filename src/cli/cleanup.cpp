#include "cli/cleanup.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstring>

namespace lmpack::cli {

namespace {

constexpr int kSlots = 8;

char g_paths[kSlots][PATH_MAX];
std::atomic<int> g_state[kSlots];  // 0 free, 1 being written, 2 published
std::atomic<int> g_child{0};
static_assert(std::atomic<int>::is_always_lock_free);

void on_fatal_signal(int sig) {
  if (int child = g_child.load(std::memory_order_acquire); child > 0) kill(child, sig);
  // Files first, then directories (rmdir only succeeds once the files in it are gone).
  for (int i = 0; i < kSlots; ++i) {
    if (g_state[i].load(std::memory_order_acquire) == 2) unlink(g_paths[i]);
  }
  for (int i = 0; i < kSlots; ++i) {
    if (g_state[i].load(std::memory_order_acquire) == 2) rmdir(g_paths[i]);
  }
  // Die of the same signal so the parent sees the usual status.
  signal(sig, SIG_DFL);
  raise(sig);
}

}  // namespace

void install_cleanup_handlers() {
  static bool installed = false;
  if (installed) return;
  installed = true;
  struct sigaction action {};
  action.sa_handler = on_fatal_signal;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction old {};
    sigaction(sig, nullptr, &old);
    // Respect an inherited "ignore" (e.g. nohup), as other tools do.
    if (old.sa_handler == SIG_IGN) continue;
    sigaction(sig, &action, nullptr);
  }
  // Exceeding a file size limit should fail the write (EFBIG) so the temporary is removed,
  // rather than kill the process and leave it behind.
  signal(SIGXFSZ, SIG_IGN);
}

int register_cleanup(const std::string& path) {
  if (path.size() >= PATH_MAX) return -1;
  for (int i = 0; i < kSlots; ++i) {
    int expected = 0;
    if (g_state[i].compare_exchange_strong(expected, 1)) {
      std::memcpy(g_paths[i], path.c_str(), path.size() + 1);
      g_state[i].store(2, std::memory_order_release);
      return i;
    }
  }
  return -1;
}

void set_cleanup_child(int pid) { g_child.store(pid, std::memory_order_release); }

void unregister_cleanup(int slot) {
  if (slot >= 0 && slot < kSlots) g_state[slot].store(0, std::memory_order_release);
}

}  // namespace lmpack::cli
