// FLAC through libsndfile (decoding into Trilobyte tokens, re-encoding from them) and the
// canonical WAV a FLAC can be written back as instead.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "lmpack/status.h"
#include "media/audio/audio_file.h"

namespace lmpack::media::audio::detail {

// What libsndfile's FLAC encoder (libFLAC in "subset" mode) accepts, so that every FLAC that
// parses can be rebuilt: 8/16/24 bits, up to 8 channels, rates up to 65535 Hz or multiples of
// 10 Hz up to 655350 Hz (the rates a subset frame header can carry).
inline bool flac_can_encode(const PcmLayout& l) {
  const std::uint32_t r = l.sample_rate;
  return l.bytes_per_sample >= 1 && l.bytes_per_sample <= 3 && l.bits == 8 * l.bytes_per_sample &&
         l.channels >= 1 && l.channels <= 8 && r >= 1 && r <= 655350 && (r < 65536 || r % 10 == 0);
}

// The metadata blocks a FLAC keeps across decoding (tags, pictures, cue sheets, application
// data), verbatim with their last-block flags cleared: every block but STREAMINFO, SEEKTABLE and
// PADDING, which describe one particular encoding, and a vorbis comment that holds only the
// encoder's vendor string. True if `blocks` is a sequence of kept-type blocks.
bool valid_kept_metadata(std::span<const std::uint8_t> blocks);

// Decodes a native FLAC stream ("fLaC" at offset 0) with 8-, 16- or 24-bit samples; the kept
// metadata blocks go to audio.prefix. Declines
// (false) anything libsndfile cannot decode completely, whose sample count or MD5 signature does
// not match its STREAMINFO, or that would decode to more than a canonical WAV can hold.
bool decode_flac(std::span<const std::uint8_t> file, AudioFile& audio,
                 std::vector<std::uint8_t>& tokens);

// A FLAC with the same rate, channels and bits (libFLAC at its highest compression level),
// carrying exactly the kept metadata blocks (audio.prefix) after its own STREAMINFO and SEEKTABLE.
Status encode_flac(const AudioFile& audio, std::span<const std::uint8_t> tokens,
                   std::vector<std::uint8_t>& file);

// A plain WAV: 44-byte header, or WAVE_FORMAT_EXTENSIBLE (68 bytes) for more than two channels
// or more than 16 bits; a pad byte after odd-sized data.
Status write_canonical_wav(const AudioFile& audio, std::span<const std::uint8_t> tokens,
                           std::vector<std::uint8_t>& file);

// That WAV's header (everything before the samples) for `frames` frames of `layout`; empty when
// the data would not fit a WAV file.
std::vector<std::uint8_t> canonical_wav_header(const PcmLayout& layout, std::uint64_t frames);

}  // namespace lmpack::media::audio::detail
