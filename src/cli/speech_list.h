// How the gzip-like paths (-d, -t, -l) treat a lossy speech archive (.lms): they never decode it
// as if it were lossless, but say what it is and what to run instead.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "lmpack/lmpack.h"

namespace lmpack::cli {

// True if `data` starts with the speech archive magic.
bool is_speech_archive_data(std::span<const std::uint8_t> data);

// True if the regular file at `path` starts with the speech archive magic (false on any error).
bool file_is_speech_archive(const std::string& path);

// The message `lmpack -d` gives for a speech archive.
inline constexpr const char* kSpeechDecodeHint =
    "lossy speech archive (.lms), not a lossless one: decode it with `lmpack speech decode FILE`";

// Validates a speech archive (checksums, payload) and describes it for `lmpack -l`: media
// "speech", the original's duration and word count; original_size is the original as 16-bit
// PCM WAV; byte_exact is false.
Status inspect_speech(std::span<const std::uint8_t> data, ArchiveInfo& info);

}  // namespace lmpack::cli
