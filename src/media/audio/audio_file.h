// The audio front end: recognises PCM audio files by their content and splits them into side
// bytes (everything that is not sample data, kept verbatim) and Trilobyte tokens (every sample
// as offset-binary bytes, most significant first, interleaved by frame), and rebuilds the file
// from those exactly.
//
// WAV, RF64, AIFF/AIFC, W64 and CAF are parsed here (not through libsndfile) so the rebuilt file is
// the original byte for byte: `prefix` holds every byte before the sample data, `suffix` every
// byte after it (trailing chunks, pad bytes, a partial last frame). FLAC is decoded through
// libsndfile; it comes back sample-exact, as FLAC (re-encoded) or WAV.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "lmpack/status.h"

namespace lmpack::media::audio {

// Stored in media params: never renumber.
enum class Container : std::uint8_t {
  kWav = 1,
  kRf64 = 2,
  kAiff = 3,
  kW64 = 4,
  kCaf = 5,
  kFlac = 6
};

const char* container_name(Container c);  // "WAV", "AIFF", ...

struct PcmLayout {
  int channels = 0;               // 1..64
  int bytes_per_sample = 0;       // 1..4: bytes each sample takes in the file
  int bits = 0;                   // valid bits declared by the header, 1..8*bytes_per_sample
  bool big_endian = false;        // byte order of samples in the file
  bool is_unsigned = false;       // offset-binary samples in the file (8-bit WAV)
  std::uint32_t sample_rate = 0;  // Hz, as declared (informational)
  int frame_bytes() const { return channels * bytes_per_sample; }
};

// A parsed audio file. For the parsed containers the original file is exactly
// prefix + (frames * frame_bytes bytes of sample data) + suffix.
// For FLAC the samples come from the decoder, suffix is empty, and prefix holds the metadata
// blocks worth keeping (tags, pictures, cue sheet, application data: all but STREAMINFO,
// SEEKTABLE and PADDING), which a rebuilt FLAC carries again.
struct AudioFile {
  Container container = Container::kWav;
  PcmLayout layout;
  std::uint64_t frames = 0;
  std::vector<std::uint8_t> prefix;
  std::vector<std::uint8_t> suffix;
};

// Parses `file`. Returns false (and leaves `tokens` empty) for anything that is not a
// supported integer-PCM audio file or whose header lies (sizes past the end of the file,
// zero channels, float samples, compressed WAV, ...): the caller then uses the byte path.
// On success `tokens` holds frames * frame_bytes Trilobyte tokens. Never throws on bad input
// (std::bad_alloc aside) and never reads outside `file`.
bool parse(std::span<const std::uint8_t> file, AudioFile& audio, std::vector<std::uint8_t>& tokens);

// Cheap content check: true if `file` starts like a container this front end reads.
bool sniff(std::span<const std::uint8_t> file);

// Converts sample bytes as stored in the file to tokens and back (exact inverses).
void samples_to_tokens(const PcmLayout& layout, std::span<const std::uint8_t> samples,
                       std::span<std::uint8_t> tokens);
void tokens_to_samples(const PcmLayout& layout, std::span<const std::uint8_t> tokens,
                       std::span<std::uint8_t> samples);

// How FLAC input is written back on decompression.
enum class FlacOutput : std::uint8_t { kFlac, kWav };

// Rebuilds the file from its description and tokens. For the parsed containers this is the
// original byte for byte. For FLAC it is a new FLAC (libsndfile, same rate/channels/bits) or a
// canonical WAV with the same samples. Fails (kCorrupt) when the tokens do not fit the layout.
Status rebuild(const AudioFile& audio, std::span<const std::uint8_t> tokens, FlacOutput flac_output,
               std::vector<std::uint8_t>& file);

// Media params in the archive header: a versioned, little-endian record of AudioFile
// (container, layout, frames, prefix, suffix). deserialize validates every field and length
// (kCorrupt on anything inconsistent) before it allocates.
std::vector<std::uint8_t> serialize(const AudioFile& audio);
Status deserialize(std::span<const std::uint8_t> params, AudioFile& audio);

// One line for `lmpack -l`, e.g. "WAV, 16-bit PCM, 2 ch, 44100 Hz, 1323000 frames".
std::string describe(const AudioFile& audio);

}  // namespace lmpack::media::audio
