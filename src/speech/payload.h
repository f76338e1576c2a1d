// The payload of a speech archive: the transcript coded by lmpack's text model (context mixing)
// with the timings and prosody laid out column by column after the words, so each column's
// regularities (pause lengths, word lengths, the slow drift of pitch) are coded in their own
// context. The payload is itself an lmpack archive, checksummed and verified on decode.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "lmpack/status.h"
#include "speech/transcript.h"

namespace lmpack::speech {

// The uncompressed layout (docs/format.md, "Speech archives"). serialize() fails with
// kInvalidArgument on a word that is empty, holds a space or control byte, or on timings that go
// backwards; parse() returns kCorrupt on anything inconsistent.
Status serialize(const Transcript& transcript, std::vector<std::uint8_t>& raw);
Status parse(std::span<const std::uint8_t> raw, Transcript& transcript);

// serialize + lmpack::compress (cm family), and lmpack::decompress + parse.
Status encode_payload(const Transcript& transcript, std::vector<std::uint8_t>& payload);
Status decode_payload(std::span<const std::uint8_t> payload, Transcript& transcript);

}  // namespace lmpack::speech
