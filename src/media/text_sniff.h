// Whether a buffer reads as text (UTF-8 or ASCII prose, code, markup): --best sends text to the
// neural mix model, which pays on text and costs time everywhere.
#pragma once

#include <cstdint>
#include <span>

namespace lmpack::media {

// True if at least 95% of the first 4 MiB are printable characters, tab/newline/carriage
// return/form feed, or parts of well-formed UTF-8 sequences. Empty input is not text.
bool looks_like_text(std::span<const std::uint8_t> data);

}  // namespace lmpack::media
