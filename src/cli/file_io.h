// Whole-file input and crash-safe output for the command line. The library works on buffers, so
// inputs are read whole; outputs go to a hidden temporary file beside the destination and are
// renamed into place only when complete, so a failure never leaves a partial file.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "lmpack/status.h"

namespace lmpack::cli {

// strerror() text for an errno value, e.g. "No such file or directory".
std::string errno_message(int err);

// Reads a whole regular file, or standard input when path is "-".
Status read_input(const std::string& path, std::vector<std::uint8_t>& out);

// Writes everything to a file descriptor, retrying short writes and EINTR.
Status write_all(int fd, std::span<const std::uint8_t> data);

// True if something (file, directory, dangling symlink) exists at path.
bool path_exists(const std::string& path);

// True if both paths name the same existing file (same device and inode).
bool same_file(const std::string& a, const std::string& b);

// A file that appears at its final path only on commit(). Until then the data lives in
// ".NAME.tmpXXXXXX" in the destination directory (same file system, so the rename is atomic),
// and the temporary is removed on destruction, on discard() and on SIGINT/SIGTERM/SIGHUP.
class AtomicOutput {
 public:
  AtomicOutput() = default;
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  ~AtomicOutput();

  Status create(const std::string& final_path);
  Status write(std::span<const std::uint8_t> data);
  // Gives the file the mode, owner and times of `source` (or the umask default when null),
  // then renames it into place. Without `overwrite`, an existing file at the final path is an
  // error and is left untouched (checked atomically by the rename itself).
  Status commit(bool overwrite, const struct stat* source);
  void discard();

 private:
  std::string final_path_;
  std::string temp_path_;
  int fd_ = -1;
  int cleanup_slot_ = -1;
};

}  // namespace lmpack::cli
