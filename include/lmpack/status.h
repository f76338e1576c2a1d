// Error reporting for the lmpack API: a stable code plus a human-readable message.
#pragma once

#include <string>
#include <utility>

namespace lmpack {

// Stable numeric codes: never renumber, only append.
enum class ErrorCode : int {
  kOk = 0,
  kInvalidArgument = 1,     // bad option value (level out of range, unknown model...)
  kNotAnArchive = 2,        // wrong magic
  kUnsupportedVersion = 3,  // archive from a future format version
  kTruncated = 4,           // archive ends early
  kCorrupt = 5,             // inconsistent header, table or payload
  kChecksumMismatch = 6,    // decoded data does not match the stored checksum
  kUnknownModel = 7,        // archive names a model this build does not have
  kOutOfMemory = 8,
  kCancelled = 9,  // progress callback asked to stop
  kIo = 10,        // file system errors (used by the CLI layer)
  kInternal = 11,
};

const char* error_code_name(ErrorCode code);

class Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }

  bool is_ok() const { return code_ == ErrorCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

}  // namespace lmpack
