// RecordCodec (lmpack.h): one model set up once, many small records coded without the container.
#include <filesystem>
#include <memory>

#include "format/varint.h"
#include "lmpack/lmpack.h"
#include "model/codec.h"
#include "model/nn/families.h"
#include "model/nn/prior_store.h"
#include "model/params_io.h"

namespace lmpack {

namespace {

// As the engine's bound: with 16-bit probabilities no coded byte yields more than this many.
constexpr std::uint64_t kMaxBytesPerPayloadByte = 65536;

Status make(std::uint8_t family_id, int level, const std::vector<std::uint8_t>& params,
            int pcm_bytes, int pcm_channels, std::unique_ptr<model::BlockCodec>& codec) {
  const model::ModelFamily* f = model::find_family(family_id);
  if (!f) return {ErrorCode::kInternal, "record model vanished"};
  model::StreamShape shape;
  if (pcm_bytes > 0) {
    shape.audio = true;
    shape.bytes_per_sample = pcm_bytes;
    shape.bits = 8 * pcm_bytes;
    shape.channels = pcm_channels;
  }
  return model::make_codec(*f, level, params, shape, codec);
}

}  // namespace

Status RecordCodec::open(const RecordOptions& o, RecordCodec& out) {
  const model::ModelFamily* f = model::find_family(o.model);
  if (!f) return {ErrorCode::kInvalidArgument, "unknown model '" + o.model + "'"};
  // The media families (audio, image) need an archive's media record; prior-pcm, which also
  // reads a stream's shape, takes it from the options.
  if (f->make_for_stream && !f->params_for_arg) {
    return {ErrorCode::kInvalidArgument, "model '" + o.model + "' is not a byte model"};
  }
  if (o.level < 1 || o.level > 9) {
    return {ErrorCode::kInvalidArgument, "level " + std::to_string(o.level) + " is out of range"};
  }
  if (o.pcm_bytes_per_sample < 0 || o.pcm_bytes_per_sample > 4 || o.pcm_channels < 1 ||
      o.pcm_channels > model::kMaxChannels) {
    return {ErrorCode::kInvalidArgument, "PCM record layout is out of range"};
  }
  RecordCodec r;
  r.family_ = f->id;
  r.level_ = o.level;
  r.pcm_bytes_per_sample_ = o.pcm_bytes_per_sample;
  r.pcm_channels_ = o.pcm_bytes_per_sample > 0 ? o.pcm_channels : 1;
  if (f->params_for_arg) {
    if (Status s = f->params_for_arg(o.level, o.prior, r.params_); !s) return s;
    std::shared_ptr<const model::nn::LoadedPrior> prior;
    const std::string name = !o.prior.empty() ? o.prior : model::nn::default_prior_for(*f);
    if (Status s = model::nn::find_prior(name, nullptr, prior); !s) return s;
    std::error_code ec;
    r.prior_bytes_ = std::filesystem::file_size(prior->path, ec);
    if (ec) r.prior_bytes_ = 0;
  } else if (!o.prior.empty()) {
    return {ErrorCode::kInvalidArgument, "model '" + o.model + "' takes no prior"};
  } else {
    r.params_ = f->params(o.level);
  }
  std::unique_ptr<model::BlockCodec> probe;
  if (Status s =
          make(r.family_, r.level_, r.params_, r.pcm_bytes_per_sample_, r.pcm_channels_, probe);
      !s)
    return s;
  out = std::move(r);
  return Status::ok();
}

Status RecordCodec::compress(std::span<const std::uint8_t> record,
                             std::vector<std::uint8_t>& out) const {
  if (family_ == 0) return {ErrorCode::kInvalidArgument, "record codec is not open"};
  if (record.size() > kMaxRecordSize) {
    return {ErrorCode::kInvalidArgument, "record is larger than 16 MiB"};
  }
  std::unique_ptr<model::BlockCodec> codec;
  if (Status s = make(family_, level_, params_, pcm_bytes_per_sample_, pcm_channels_, codec); !s)
    return s;
  std::vector<std::uint8_t> coded;
  format::put_varint(coded, record.size());
  if (!record.empty()) codec->encode(record, coded, {});
  out.insert(out.end(), coded.begin(), coded.end());
  return Status::ok();
}

Status RecordCodec::decompress(std::span<const std::uint8_t> coded,
                               std::vector<std::uint8_t>& out) const {
  if (family_ == 0) return {ErrorCode::kInvalidArgument, "record codec is not open"};
  format::ByteReader reader(coded);
  std::uint64_t size = 0;
  if (reader.varint(size) != format::ReadResult::kOk) {
    return {ErrorCode::kCorrupt, "record size is missing or malformed"};
  }
  const std::uint64_t payload = reader.remaining();
  if (size > kMaxRecordSize || size > (payload + 1) * kMaxBytesPerPayloadByte ||
      (size == 0 && payload != 0)) {
    return {ErrorCode::kCorrupt, "record size " + std::to_string(size) + " is impossible"};
  }
  std::vector<std::uint8_t> result(static_cast<std::size_t>(size));
  if (size > 0) {
    std::unique_ptr<model::BlockCodec> codec;
    if (Status s = make(family_, level_, params_, pcm_bytes_per_sample_, pcm_channels_, codec); !s)
      return s;
    codec->decode(coded.subspan(reader.pos()), result, {});
  }
  out = std::move(result);
  return Status::ok();
}

}  // namespace lmpack
