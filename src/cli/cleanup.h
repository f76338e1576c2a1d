// Removes temporary files when the process is interrupted (SIGINT, SIGTERM, SIGHUP), so an
// interrupted run never leaves partial output behind. The registry is a fixed table written
// before the slot is published, so the signal handler only reads finished entries and calls
// nothing but async-signal-safe functions.
#pragma once

#include <string>

namespace lmpack::cli {

// Installs the handlers once (and ignores SIGXFSZ so an over-limit write fails with EFBIG);
// later calls do nothing.
void install_cleanup_handlers();

// Registers a path (file or empty directory) to remove on a fatal signal. Returns a slot id for
// unregister_cleanup(), or -1 if the table is full (the path is then simply not protected).
int register_cleanup(const std::string& path);
void unregister_cleanup(int slot);

// The subprocess currently running (0: none); a fatal signal is passed on to it so an
// interrupted bench does not leave a codec running.
void set_cleanup_child(int pid);

}  // namespace lmpack::cli
