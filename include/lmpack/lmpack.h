// lmpack public API: lossless compression with learned predictors and arithmetic coding.
//
// Everything works on whole buffers in memory. No exception escapes these functions: each
// returns a Status; on failure the output buffer is left empty.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "lmpack/status.h"

namespace lmpack {

// Called from the thread that called compress()/decompress() with the number of input bytes
// done so far and the total. Return false to cancel (the call then fails with kCancelled).
using ProgressFn = std::function<bool(std::uint64_t done, std::uint64_t total)>;

struct CompressOptions {
  // 1..9: levels of the default model family for the media; higher never compresses worse on
  // the bench corpus, and costs more time and memory.
  int level = 5;
  // Model family: "cm" (context mixing), "lstm" and "transformer" (online neural byte models),
  // "mix" (context mixing with an LSTM among the mixer's inputs), "audio" (prediction cascade
  // and residual coder for PCM), "image" (blended 2-D prediction and context-mixed residuals for
  // pixels). Empty means the default family for the media ("audio" for audio, "image" for
  // images; "cm" otherwise, and with `best` on text above 1 MiB, "mix").
  std::string model;
  // The prior of the "prior" and "prior-mix" families (pretrained transformers that keep
  // learning while they code): a name looked up as NAME.lmw in the model directories (see
  // add_model_dir), or a path to a .lmw file; empty means "text-en". The archive records the
  // prior's name and content hash; decompressing needs the same file.
  std::string prior;
  // Media front end: "auto" sniffs the content; "bytes" forces the identity transform; "audio"
  // asks for the audio front end, "image" for the image front end (PNM/BMP byte-exact, PNG
  // pixel-exact); a file the front end cannot parse still takes the byte path.
  std::string media = "auto";
  // Strongest configuration lmpack has for the media: the model's best level, and on text with
  // no model named, the "mix" family (overrides level).
  bool best = false;
  // Worker threads. The archive is byte-identical whatever this is.
  unsigned threads = 1;
  // Bytes per independently decodable block; 0 picks the level's default.
  std::uint64_t block_size = 0;
  ProgressFn progress;
};

struct DecompressOptions {
  unsigned threads = 1;
  // Audio archives made from FLAC input: write the samples as a WAV file instead of re-encoding
  // them as FLAC. (Either way the samples are exactly the original's; the FLAC bytes are not.)
  bool flac_as_wav = false;
  ProgressFn progress;
};

// One block of an archive, as listed by `lmpack -l`.
struct BlockInfo {
  std::uint64_t original_size = 0;
  std::uint64_t stored_size = 0;  // payload bytes in the archive
  bool raw = false;               // stored verbatim because modelling did not pay
};

struct ArchiveInfo {
  std::uint32_t format_version = 0;
  std::string media;       // e.g. "bytes"
  std::string media_desc;  // e.g. "WAV, 16-bit PCM, 2 ch, 44100 Hz, 1323000 frames"
  // False when decompression writes an equivalent file rather than the original bytes (FLAC
  // input comes back with the same samples in a new FLAC or WAV); the checksum then covers the
  // samples.
  bool byte_exact = true;
  std::string model;       // e.g. "cm", or "stored" for an archive with no model
  int level = 0;           // model level the archive was made with
  std::string model_desc;  // human-readable model description, e.g. "cm level 5 (mem 96 MiB)"
  // Bytes decompress() returns (for FLAC input: the size of its samples as PCM, since the new
  // FLAC's size is known only once it is written).
  std::uint64_t original_size = 0;
  // Bytes the blocks hold: the original for bytes; Trilobyte tokens (the samples) for audio.
  std::uint64_t stream_size = 0;
  std::uint64_t archive_size = 0;
  std::uint64_t block_size = 0;
  std::uint64_t checksum = 0;  // XXH3-64 of the original, as stored in the archive
  std::vector<BlockInfo> blocks;
};

// Compresses `input` into a complete archive. The archive is never larger than
// input.size() + kMaxExpansion bytes.
Status compress(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& archive,
                const CompressOptions& options = {});

// Decompresses a complete archive, verifying every block checksum and the whole-file checksum.
Status decompress(std::span<const std::uint8_t> archive, std::vector<std::uint8_t>& output,
                  const DecompressOptions& options = {});

// Reads the header and block table without decoding payloads.
Status inspect(std::span<const std::uint8_t> archive, ArchiveInfo& info);

// Largest number of bytes an archive may add over its input.
inline constexpr std::size_t kMaxExpansion = 64;

// The model families and media types this build knows, for `--help` and error messages.
std::vector<std::string> model_names();
std::vector<std::string> media_names();

// The neural models' float kernels: "scalar" (the reference), "avx2", "avx512". Every variant
// gives bit-identical results; the choice only changes speed. kernel_in_use() is the variant the
// neural models run with (the fastest this CPU supports unless forced; the environment variable
// LMPACK_SIMD=NAME forces one at start-up). force_kernels() fails with kInvalidArgument on an
// unknown name or one this CPU cannot run.
std::string kernel_in_use();
std::vector<std::string> kernel_names();
Status force_kernels(const std::string& name);

// Adds a directory to search for priors (NAME.lmw), ahead of the ones already known. Process-wide.
// Search order: added directories (most recent first), each directory in $LMPACK_MODEL_DIR
// (colon-separated), <executable's dir>/../share/lmpack/models, the source tree's models/.
void add_model_dir(const std::string& dir);
std::vector<std::string> model_dirs();

// Small independent records (log lines, JSON messages, short texts) coded one by one with a
// model that is set up once: typically a prior ("prior" / "prior-mix"), which knows the kind of
// data before the first byte. A record is coded without the archive container: a varint of its
// size, then the coded bytes. It names no model and carries no checksum, so the reader must open
// a RecordCodec with the same options (the caller keeps track of that, as with a zstd dictionary).
// One RecordCodec may be used from several threads at once.
struct RecordOptions {
  std::string model = "prior";  // "prior", "prior-mix", "prior-pcm" or any byte model ("cm", ...)
  std::string prior;  // as CompressOptions::prior (empty: "text-en"; prior-pcm: "audio-pcm")
  int level = 5;
  // Audio records (prior-pcm): every record is Trilobyte tokens (PCM samples as offset-binary
  // bytes, most significant first, whole frames) of this many bytes per sample (1..4) and
  // channels (1..64). 0 = not audio: prior-pcm then reads the bytes as 8-bit mono samples.
  // The reader must open its RecordCodec with the same values.
  int pcm_bytes_per_sample = 0;
  int pcm_channels = 1;
};

class RecordCodec {
 public:
  // Loads the model (and its prior) once. kInvalidArgument for an unknown model or level;
  // kUnknownModel when the prior cannot be found.
  static Status open(const RecordOptions& options, RecordCodec& out);

  // Appends nothing on failure. Records above kMaxRecordSize are refused.
  Status compress(std::span<const std::uint8_t> record, std::vector<std::uint8_t>& out) const;
  // Decodes one record. A damaged record decodes to wrong bytes or fails (kCorrupt), never
  // crashes; there is no checksum to tell the two apart.
  Status decompress(std::span<const std::uint8_t> coded, std::vector<std::uint8_t>& out) const;

  // The model's archive params (for a prior: its name and hash), and the prior's file size in
  // bytes (0 without a prior), for "adjusted" rates.
  const std::vector<std::uint8_t>& params() const { return params_; }
  std::uint64_t prior_bytes() const { return prior_bytes_; }

  static constexpr std::size_t kMaxRecordSize = std::size_t{16} << 20;

 private:
  std::uint8_t family_ = 0;
  int level_ = 0;
  std::vector<std::uint8_t> params_;
  std::uint64_t prior_bytes_ = 0;
  int pcm_bytes_per_sample_ = 0;
  int pcm_channels_ = 1;
};

// Version string, e.g. "0.1.0".
const char* version();

}  // namespace lmpack
