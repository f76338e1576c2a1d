// The engine's view of a model family: something that turns one block of symbols into an
// arithmetic-coded payload and back. Each family runs its own predict -> code -> update loop so
// the per-bit calls inline; the decoder repeats exactly the encoder's updates.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "lmpack/status.h"
#include "model/stream_shape.h"

namespace lmpack::model {

// Reports bytes of the current block done so far; called now and then, never per byte.
using BlockProgress = std::function<void(std::uint64_t done)>;

class BlockCodec {
 public:
  virtual ~BlockCodec() = default;
  // Appends the coded form of `block` to `out`. The model starts fresh for every block.
  virtual void encode(std::span<const std::uint8_t> block, std::vector<std::uint8_t>& out,
                      const BlockProgress& progress) = 0;
  // Fills `out` (already sized to the block's original size) from `payload`. Corrupt payloads
  // decode to wrong bytes, never out-of-bounds reads; the caller verifies checksums.
  virtual void decode(std::span<const std::uint8_t> payload, std::span<std::uint8_t> out,
                      const BlockProgress& progress) = 0;
};

// A registered model family.
struct ModelFamily {
  std::uint8_t id;   // stored in archives; never reuse an id
  std::string name;  // CLI name, e.g. "cm"
  int default_level;
  int best_level;
  // Default block size for a level (bytes).
  std::uint64_t (*block_size)(int level);
  // Approximate memory one codec of this level uses (bytes), for -l and docs.
  std::uint64_t (*memory)(int level);
  // Hyper-parameters to record in the archive for a level.
  std::vector<std::uint8_t> (*params)(int level);
  // Builds a codec from an archive's level and params; fails on params it does not understand.
  Status (*make)(int level, std::span<const std::uint8_t> params, std::unique_ptr<BlockCodec>& out);
  // Families that use the media's description of the stream (audio) set this; the engine calls
  // it instead of `make` when it is set. Byte models leave it null and see every stream as bytes.
  Status (*make_for_stream)(int level, std::span<const std::uint8_t> params,
                            const StreamShape& shape, std::unique_ptr<BlockCodec>& out) = nullptr;
  // Families whose params depend on more than the level (the prior families: which prior) set
  // this; the engine then calls it with CompressOptions::prior instead of `params`. It fails
  // when, say, the prior cannot be found.
  Status (*params_for_arg)(int level, const std::string& arg,
                           std::vector<std::uint8_t>& out) = nullptr;
};

// Builds a codec through make_for_stream when the family has it, else make.
Status make_codec(const ModelFamily& family, int level, std::span<const std::uint8_t> params,
                  const StreamShape& shape, std::unique_ptr<BlockCodec>& out);

const ModelFamily* find_family(const std::string& name);
const ModelFamily* find_family(std::uint8_t id);
std::vector<const ModelFamily*> all_families();

}  // namespace lmpack::model
