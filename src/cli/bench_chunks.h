// `lmpack bench --chunk N FILES`: the protocol of "Language Modeling Is Compression" (Delétang
// et al., arXiv 2309.10668): every N-byte chunk is compressed on its own, and the rate is the
// total compressed size over the total size. lmpack runs as RecordCodec (no container) with its
// prior modes and CM; the peers (gzip, xz, zstd, zstd with a dictionary trained by
// `zstd --train` on --dict-train, brotli) run as commands on each chunk. The adjusted rate adds
// the prior's (or dictionary's) size once to the compressed total. With --records every line of
// a file is one record instead (the small-records comparison: RecordCodec vs zstd -D, brotli).
// With --pcm every file is parsed by the audio front end and the chunks are of its Trilobyte
// tokens (what the audio stream holds), cut at whole frames; FLAC (`flac -8 --no-padding
// --no-seektable`, its file and its frames alone) and lmpack's audio family (a whole archive of
// the chunk as a WAV, and its coded blocks alone) join the rows, and a table sums all files.
#pragma once

namespace lmpack::cli {

// argv[0] is "bench" and one argument is "--chunk". Returns the exit code.
int run_chunk_bench(int argc, char** argv);

}  // namespace lmpack::cli
