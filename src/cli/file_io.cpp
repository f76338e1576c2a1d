#include "cli/file_io.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "cli/cleanup.h"

namespace lmpack::cli {

namespace {

Status io_error(const std::string& what, int err) {
  return Status(ErrorCode::kIo,
                what.empty() ? errno_message(err) : what + ": " + errno_message(err));
}

std::string directory_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Status read_fd(int fd, std::vector<std::uint8_t>& out, std::uint64_t size_hint) {
  out.clear();
  out.reserve(size_hint);
  std::uint8_t chunk[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("read error", errno);
    }
    if (n == 0) return Status::ok();
    out.insert(out.end(), chunk, chunk + n);
  }
}

mode_t default_file_mode() {
  mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

}  // namespace

std::string errno_message(int err) { return std::strerror(err); }

Status read_input(const std::string& path, std::vector<std::uint8_t>& out) {
  if (path == "-") return read_fd(STDIN_FILENO, out, 0);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("", errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return io_error("", err);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status(ErrorCode::kIo, "is a directory");
  }
  Status status = read_fd(fd, out, S_ISREG(st.st_mode) ? st.st_size : 0);
  ::close(fd);
  return status;
}

Status write_all(int fd, std::span<const std::uint8_t> data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("write error", errno);
    }
    done += static_cast<std::size_t>(n);
  }
  return Status::ok();
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa {
  }, sb{};
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

AtomicOutput::~AtomicOutput() { discard(); }

Status AtomicOutput::create(const std::string& final_path) {
  discard();
  install_cleanup_handlers();
  final_path_ = final_path;
  std::string pattern = directory_of(final_path) + "/." + base_of(final_path) + ".tmpXXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  // Block the fatal signals while the temporary comes into existence and is registered, so no
  // interrupt can fall between the two and leave an unregistered file behind.
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGHUP);
  sigprocmask(SIG_BLOCK, &block, &old);
  fd_ = ::mkostemp(buffer.data(), O_CLOEXEC);
  int err = errno;
  if (fd_ >= 0) {
    temp_path_ = buffer.data();
    cleanup_slot_ = register_cleanup(temp_path_);
  }
  sigprocmask(SIG_SETMASK, &old, nullptr);
  if (fd_ < 0) return io_error("cannot create temporary file in " + directory_of(final_path), err);
  return Status::ok();
}

Status AtomicOutput::write(std::span<const std::uint8_t> data) {
  if (fd_ < 0) return Status(ErrorCode::kInternal, "output not open");
  return write_all(fd_, data);
}

Status AtomicOutput::commit(bool overwrite, const struct stat* source) {
  if (fd_ < 0) return Status(ErrorCode::kInternal, "output not open");
  if (source != nullptr) {
    // Ownership is best effort (only root may give files away), as in gzip.
    if (::fchown(fd_, source->st_uid, source->st_gid) != 0) {
      (void)::fchown(fd_, static_cast<uid_t>(-1), source->st_gid);
    }
    ::fchmod(fd_, source->st_mode & 07777);
    struct timespec times[2] = {source->st_atim, source->st_mtim};
    ::futimens(fd_, times);
  } else {
    ::fchmod(fd_, default_file_mode());
  }
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    int err = errno;
    discard();
    return io_error("write error", err);
  }
  int rc;
  if (overwrite) {
    rc = ::rename(temp_path_.c_str(), final_path_.c_str());
  } else {
    rc = ::renameat2(AT_FDCWD, temp_path_.c_str(), AT_FDCWD, final_path_.c_str(), RENAME_NOREPLACE);
    if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
      // File systems without RENAME_NOREPLACE: link() also refuses to replace.
      rc = ::link(temp_path_.c_str(), final_path_.c_str());
      if (rc == 0) ::unlink(temp_path_.c_str());
    }
  }
  if (rc != 0) {
    int err = errno;
    discard();
    if (err == EEXIST) return Status(ErrorCode::kIo, final_path_ + " already exists");
    return io_error("cannot create " + final_path_, err);
  }
  unregister_cleanup(cleanup_slot_);
  cleanup_slot_ = -1;
  temp_path_.clear();
  return Status::ok();
}

void AtomicOutput::discard() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!temp_path_.empty()) {
    ::unlink(temp_path_.c_str());
    temp_path_.clear();
  }
  unregister_cleanup(cleanup_slot_);
  cleanup_slot_ = -1;
}

}  // namespace lmpack::cli
