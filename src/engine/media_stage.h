// The engine's media step: turns the input file into the stream the blocks are cut from (the
// file itself for bytes, Trilobyte tokens for audio) plus the media params for the header, and
// turns a decoded stream back into the file.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "lmpack/lmpack.h"
#include "media/media.h"
#include "model/stream_shape.h"

namespace lmpack::engine {

struct MediaStream {
  const media::MediaType* media = nullptr;
  std::vector<std::uint8_t> params;    // media params for the header
  std::vector<std::uint8_t> owned;     // the stream when it is not the input itself
  std::span<const std::uint8_t> data;  // the stream the blocks are cut from
  model::StreamShape shape;
  // XXH3-64 the trailer stores: of the original file, or for decoded inputs (FLAC) of the
  // stream, since the file that comes back is a new encoding of the same samples.
  std::uint64_t checksum = 0;
  bool audio = false;
  bool image = false;
};

// `requested`: "auto", "bytes" or "audio". A file the audio front end cannot parse takes the byte
// path whatever was requested (never an error, never a loss).
Status split_media(std::span<const std::uint8_t> input, const std::string& requested,
                   MediaStream& out);

// Everything the decoder needs to know before decoding blocks: the media's shape, and how to
// check and rebuild the output.
struct MediaPlan {
  const media::MediaType* media = nullptr;
  model::StreamShape shape;
  bool audio = false;
  bool image = false;
  bool checksum_of_stream = false;  // trailer covers the decoded stream, not the rebuilt file
  std::string description;          // for -l
  // Bytes decompress() returns: the stream for bytes; prefix + samples + suffix for the parsed
  // audio containers; for FLAC the samples (the new FLAC's size is known only once written).
  std::uint64_t file_size = 0;
};

Status plan_media(std::uint8_t media_id, std::span<const std::uint8_t> params,
                  std::uint64_t stream_size, MediaPlan& out);

// Rebuilds the file from the decoded stream (moves `stream` into `file` for bytes).
Status join_media(const MediaPlan& plan, std::span<const std::uint8_t> params,
                  std::vector<std::uint8_t>& stream, const DecompressOptions& options,
                  std::vector<std::uint8_t>& file);

}  // namespace lmpack::engine
