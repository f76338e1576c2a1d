// compress / decompress / inspect: wires media -> model -> coder -> format (design.md).
#include <algorithm>
#include <memory>
#include <new>
#include <string>

#include "engine/media_stage.h"
#include "engine/parallel_blocks.h"
#include "format/container.h"
#include "lmpack/lmpack.h"
#include "media/media.h"
#include "media/text_sniff.h"
#include "model/codec.h"
#include "model/nn/prior_store.h"

namespace lmpack {

namespace {

using format::BlockEntry;
using format::BlockMethod;

constexpr std::uint64_t kMaxBlockSize = std::uint64_t{1} << 32;
// A model block can never decode to more than this many bytes per payload byte: with 16-bit
// probabilities each coded bit costs at least log2(65536/65535) bits. Used to refuse archives
// that claim absurd sizes before allocating for them.
constexpr std::uint64_t kMaxBytesPerPayloadByte = 65536;

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

struct Plan {
  const model::ModelFamily* family = nullptr;
  int level = 0;
  std::uint64_t block_size = 0;
  std::vector<std::uint8_t> params;  // the model's archive params
};

Status plan_compression(const engine::MediaStream& stream, const CompressOptions& o, Plan& plan) {
  std::string model_name = o.model;
  if (model_name.empty()) {
    if (stream.audio && model::find_family("audio")) {
      model_name = "audio";
    } else if (stream.image && model::find_family("image")) {
      model_name = "image";
    } else {
      // --best on text means the neural mix model, only above 1 MiB: smaller blocks get CM
      // level 9's search over lighter variants, which beat mix -9 (one variant) on 35 KB.
      const bool large_text =
          stream.data.size() > (std::uint64_t{1} << 20) && media::looks_like_text(stream.data);
      model_name = o.best && model::find_family("mix") && large_text ? "mix" : "cm";
    }
  }
  plan.family = model::find_family(model_name);
  if (!plan.family) {
    return {ErrorCode::kInvalidArgument,
            "unknown model '" + model_name + "' (known: " + join(model_names()) + ")"};
  }
  if (o.best) {
    plan.level = plan.family->best_level;
  } else {
    if (o.level < 1 || o.level > 9) {
      return {ErrorCode::kInvalidArgument,
              "level " + std::to_string(o.level) + " is out of range (1..9)"};
    }
    plan.level = o.level;
  }
  if (plan.family->params_for_arg) {
    if (Status s = plan.family->params_for_arg(plan.level, o.prior, plan.params); !s) return s;
  } else if (!o.prior.empty()) {
    return {ErrorCode::kInvalidArgument,
            "model '" + plan.family->name + "' takes no prior (the prior families do)"};
  } else {
    plan.params = plan.family->params(plan.level);
  }
  plan.block_size = o.block_size ? o.block_size : plan.family->block_size(plan.level);
  if (plan.block_size > kMaxBlockSize) {
    return {ErrorCode::kInvalidArgument, "block size " + std::to_string(plan.block_size) +
                                             " is larger than the maximum (4 GiB)"};
  }
  // Audio blocks hold whole frames, so every block starts on channel 0 of a sample.
  const std::uint64_t frame = static_cast<std::uint64_t>(stream.shape.frame_bytes());
  if (stream.audio && plan.block_size > frame) plan.block_size -= plan.block_size % frame;
  // Image blocks hold whole rows, so a model sees every block as a smaller image.
  const std::uint64_t row = std::uint64_t{stream.shape.width} * stream.shape.frame_bytes();
  if (stream.image && plan.block_size > row) plan.block_size -= plan.block_size % row;
  return Status::ok();
}

Status compress_impl(std::span<const std::uint8_t> file, std::vector<std::uint8_t>& archive,
                     const CompressOptions& o) {
  engine::MediaStream stream;
  if (Status s = engine::split_media(file, o.media, stream); !s) return s;
  // From here on "input" is the media stream the blocks are cut from.
  const std::span<const std::uint8_t> input = stream.data;
  Plan plan;
  if (Status s = plan_compression(stream, o, plan); !s) return s;

  format::Header header;
  header.media_id = stream.media->id;
  header.media_params = stream.params;
  header.model_id = plan.family->id;
  header.level = static_cast<std::uint8_t>(plan.level);
  header.model_params = plan.params;
  header.original_size = input.size();
  header.block_size = plan.block_size;

  const std::size_t n_blocks =
      input.empty()
          ? 0
          : static_cast<std::size_t>((input.size() + plan.block_size - 1) / plan.block_size);
  // One block at the family's default size: B = N names the same single block in fewer bytes
  // (format.md allows any B with n = ceil(N / B); 64 MiB costs a 4-byte varint, a small file's
  // size 1 or 2). A block size the user asked for is written as asked.
  if (n_blocks == 1 && o.block_size == 0) header.block_size = input.size();
  std::vector<BlockEntry> blocks(n_blocks);
  std::vector<std::vector<std::uint8_t>> payloads(n_blocks);

  auto job = [&](std::size_t b, const std::function<void(std::uint64_t)>& add_progress) -> Status {
    const std::uint64_t begin = b * plan.block_size;
    const std::uint64_t size = std::min<std::uint64_t>(plan.block_size, input.size() - begin);
    const auto block = input.subspan(begin, size);
    std::unique_ptr<model::BlockCodec> codec;
    if (Status s =
            model::make_codec(*plan.family, plan.level, header.model_params, stream.shape, codec);
        !s) {
      return s;
    }
    engine::BlockProgressAdapter progress(add_progress);
    std::vector<std::uint8_t> coded;
    codec->encode(block, coded, [&](std::uint64_t done) { progress.report(done); });
    progress.finish(size);
    BlockEntry& e = blocks[b];
    e.original_size = size;
    e.checksum = format::block_checksum(block);
    if (coded.size() >= size) {
      e.method = BlockMethod::kRaw;
      payloads[b].assign(block.begin(), block.end());
    } else {
      e.method = BlockMethod::kModel;
      payloads[b] = std::move(coded);
    }
    e.payload_size = payloads[b].size();
    return Status::ok();
  };
  if (Status s = engine::run_blocks(n_blocks, o.threads, input.size(), o.progress, job); !s) {
    return s;
  }

  format::write_archive(header, blocks, payloads, stream.checksum, archive);
  if (archive.size() > file.size() + kMaxExpansion) {
    // Incompressible data: the file as one raw block of the byte media and no model bound the
    // overhead whatever the block count and media params were, and it decodes without a model.
    const std::uint64_t checksum = format::whole_checksum(file);
    header.media_id = media::kBytesId;
    header.media_params.clear();
    header.original_size = file.size();
    header.block_size = std::max<std::uint64_t>(1, file.size());
    header.model_id = 0;
    header.level = 0;
    header.model_params.clear();
    // (Also reached by empty file when the model's params alone exceed the bound: no blocks.)
    std::vector<BlockEntry> whole;
    std::vector<std::vector<std::uint8_t>> raw;
    if (!file.empty()) {
      whole.push_back({file.size(), file.size(), BlockMethod::kRaw, format::block_checksum(file)});
      raw.emplace_back(file.begin(), file.end());
    }
    archive.clear();
    format::write_archive(header, whole, raw, checksum, archive);
  }
  return Status::ok();
}

Status decompress_impl(std::span<const std::uint8_t> data, std::vector<std::uint8_t>& output,
                       const DecompressOptions& o) {
  format::Archive a;
  if (Status s = format::parse_archive(data, a); !s) return s;
  engine::MediaPlan media_plan;
  if (Status s = engine::plan_media(a.header.media_id, a.header.media_params,
                                    a.header.original_size, media_plan);
      !s) {
    return s;
  }
  const bool needs_model = std::any_of(a.blocks.begin(), a.blocks.end(), [](const BlockEntry& e) {
    return e.method == BlockMethod::kModel;
  });
  const model::ModelFamily* family = model::find_family(a.header.model_id);
  if (needs_model && !family) {
    return {ErrorCode::kUnknownModel, "archive needs model id " +
                                          std::to_string(a.header.model_id) +
                                          " which this lmpack does not have"};
  }
  for (const BlockEntry& e : a.blocks) {
    if (e.method == BlockMethod::kModel &&
        e.original_size / kMaxBytesPerPayloadByte > e.payload_size + 16) {
      return {ErrorCode::kCorrupt, "corrupt archive (block claims an impossible size)"};
    }
  }
  if (needs_model) {
    std::unique_ptr<model::BlockCodec> probe;
    if (Status s = model::make_codec(*family, a.header.level, a.header.model_params,
                                     media_plan.shape, probe);
        !s) {
      return s;
    }
  }

  std::vector<std::uint8_t> out(a.header.original_size);
  std::vector<std::uint64_t> offsets(a.blocks.size() + 1, 0);
  for (std::size_t b = 0; b < a.blocks.size(); ++b) {
    offsets[b + 1] = offsets[b] + a.blocks[b].original_size;
  }

  auto job = [&](std::size_t b, const std::function<void(std::uint64_t)>& add_progress) -> Status {
    const BlockEntry& e = a.blocks[b];
    std::span<std::uint8_t> dst(out.data() + offsets[b], e.original_size);
    if (e.method == BlockMethod::kRaw) {
      std::copy(a.payloads[b].begin(), a.payloads[b].end(), dst.begin());
      add_progress(e.original_size);
    } else {
      std::unique_ptr<model::BlockCodec> codec;
      if (Status s = model::make_codec(*family, a.header.level, a.header.model_params,
                                       media_plan.shape, codec);
          !s) {
        return s;
      }
      engine::BlockProgressAdapter progress(add_progress);
      codec->decode(a.payloads[b], dst, [&](std::uint64_t done) { progress.report(done); });
      progress.finish(e.original_size);
    }
    if (format::block_checksum(dst) != e.checksum) {
      return {ErrorCode::kChecksumMismatch,
              "block " + std::to_string(b) + " does not match its checksum (corrupt archive)"};
    }
    return Status::ok();
  };
  if (Status s =
          engine::run_blocks(a.blocks.size(), o.threads, a.header.original_size, o.progress, job);
      !s) {
    return s;
  }
  if (media_plan.checksum_of_stream && format::whole_checksum(out) != a.checksum) {
    return {ErrorCode::kChecksumMismatch,
            "decoded samples do not match the archive checksum (corrupt archive)"};
  }
  std::vector<std::uint8_t> file;
  if (Status s = engine::join_media(media_plan, a.header.media_params, out, o, file); !s) {
    return s;
  }
  if (!media_plan.checksum_of_stream && format::whole_checksum(file) != a.checksum) {
    return {ErrorCode::kChecksumMismatch,
            "decoded data does not match the archive checksum (corrupt archive)"};
  }
  output = std::move(file);
  return Status::ok();
}

template <class F>
Status guarded(std::vector<std::uint8_t>& out, F&& f) {
  try {
    Status s = f();
    if (!s) out.clear();
    return s;
  } catch (const std::bad_alloc&) {
    out.clear();
    return {ErrorCode::kOutOfMemory, "out of memory"};
  } catch (const std::exception& e) {
    out.clear();
    return {ErrorCode::kInternal, std::string("internal error: ") + e.what()};
  }
}

}  // namespace

Status compress(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& archive,
                const CompressOptions& options) {
  archive.clear();
  return guarded(archive, [&] { return compress_impl(input, archive, options); });
}

Status decompress(std::span<const std::uint8_t> archive, std::vector<std::uint8_t>& output,
                  const DecompressOptions& options) {
  output.clear();
  return guarded(output, [&] { return decompress_impl(archive, output, options); });
}

Status inspect(std::span<const std::uint8_t> archive, ArchiveInfo& info) {
  try {
    format::Archive a;
    if (Status s = format::parse_archive(archive, a); !s) return s;
    info = ArchiveInfo{};
    info.format_version = a.header.version;
    const media::MediaType* m = media::find_media(a.header.media_id);
    info.media = m ? m->name : "unknown(" + std::to_string(a.header.media_id) + ")";
    engine::MediaPlan media_plan;
    const bool media_ok = engine::plan_media(a.header.media_id, a.header.media_params,
                                             a.header.original_size, media_plan)
                              .is_ok();
    info.media_desc = media_ok ? media_plan.description : info.media;
    info.byte_exact = !media_plan.checksum_of_stream;
    const model::ModelFamily* f = model::find_family(a.header.model_id);
    if (a.header.model_id == 0) {
      info.model = "stored";
    } else {
      info.model = f ? f->name : "unknown(" + std::to_string(a.header.model_id) + ")";
    }
    info.level = a.header.level;
    info.model_desc = a.header.model_id == 0 ? std::string("stored (no model)")
                                             : info.model + " level " + std::to_string(info.level);
    if (f && a.header.level >= 1 && a.header.level <= 9) {
      info.model_desc +=
          " (~" + std::to_string(f->memory(a.header.level) >> 20) + " MiB per thread)";
    }
    info.stream_size = a.header.original_size;
    info.original_size = media_ok ? media_plan.file_size : a.header.original_size;
    info.archive_size = archive.size();
    info.block_size = a.header.block_size;
    info.checksum = a.checksum;
    for (std::size_t b = 0; b < a.blocks.size(); ++b) {
      info.blocks.push_back({a.blocks[b].original_size, a.blocks[b].payload_size,
                             a.blocks[b].method == BlockMethod::kRaw});
    }
    return Status::ok();
  } catch (const std::bad_alloc&) {
    return {ErrorCode::kOutOfMemory, "out of memory"};
  }
}

std::vector<std::string> model_names() {
  std::vector<std::string> names;
  for (const auto* f : model::all_families()) names.push_back(f->name);
  return names;
}

void add_model_dir(const std::string& dir) { model::nn::add_model_dir(dir); }

std::vector<std::string> model_dirs() { return model::nn::model_dirs(); }

std::vector<std::string> media_names() {
  std::vector<std::string> names;
  for (const auto* m : media::all_media()) names.push_back(m->name);
  return names;
}

const char* version() { return LMPACK_VERSION; }

}  // namespace lmpack
