#include "engine/media_stage.h"

#include "format/container.h"
#include "media/audio/audio_file.h"
#include "media/image/image_file.h"

namespace lmpack::engine {

namespace {

model::StreamShape audio_shape(const media::audio::PcmLayout& layout) {
  model::StreamShape shape;
  shape.audio = true;
  shape.channels = layout.channels;
  shape.bytes_per_sample = layout.bytes_per_sample;
  shape.bits = layout.bits;
  shape.sample_rate = layout.sample_rate;
  return shape;
}

model::StreamShape image_shape(const media::image::ImageLayout& layout) {
  model::StreamShape shape;
  shape.image = true;
  shape.channels = layout.channels;
  shape.bytes_per_sample = layout.bytes_per_sample;
  shape.bits = layout.bits;
  shape.width = layout.width;
  shape.height = layout.height;
  return shape;
}

// The image branch of split_media: false when the image front end declines the file.
bool split_image(std::span<const std::uint8_t> input, MediaStream& out) {
  media::image::ImageFile image;
  if (!media::image::parse(input, image, out.owned)) return false;
  out.media = media::find_media(media::kImageId);
  out.image = true;
  out.params = media::image::serialize(image);
  out.data = out.owned;
  out.shape = image_shape(image.layout);
  out.checksum = image.format == media::image::Format::kPng ? format::whole_checksum(out.owned)
                                                            : format::whole_checksum(input);
  return true;
}

Status plan_image(std::span<const std::uint8_t> params, std::uint64_t stream_size, MediaPlan& out) {
  media::image::ImageFile image;
  if (Status s = media::image::deserialize(params, stream_size, image); !s) return s;
  if (image.layout.pixel_bytes() != stream_size) {
    return {ErrorCode::kCorrupt, "corrupt archive (image size does not match the data)"};
  }
  out.image = true;
  out.shape = image_shape(image.layout);
  out.checksum_of_stream = image.format == media::image::Format::kPng;
  out.description = media::image::describe(image);
  out.file_size = stream_size;
  if (!out.checksum_of_stream)
    out.file_size += image.prefix.size() + image.suffix.size() +
                     std::uint64_t{image.row_pad} * image.layout.height;
  return Status::ok();
}

}  // namespace

Status split_media(std::span<const std::uint8_t> input, const std::string& requested,
                   MediaStream& out) {
  out = MediaStream{};
  const media::MediaType* wanted = nullptr;
  if (requested == "auto" || requested.empty()) {
    wanted = &media::sniff(input);
  } else {
    wanted = media::find_media(requested);
    if (!wanted) {
      std::string known;
      for (const auto& n : media_names()) known += ", " + n;
      return {ErrorCode::kInvalidArgument,
              "unknown media '" + requested + "' (known: auto" + known + ")"};
    }
  }
  if (wanted->id == media::kAudioId) {
    media::audio::AudioFile audio;
    if (media::audio::parse(input, audio, out.owned)) {
      out.media = wanted;
      out.audio = true;
      out.params = media::audio::serialize(audio);
      out.data = out.owned;
      out.shape = audio_shape(audio.layout);
      out.checksum = audio.container == media::audio::Container::kFlac
                         ? format::whole_checksum(out.owned)
                         : format::whole_checksum(input);
      return Status::ok();
    }
    out.owned.clear();
  }
  if (wanted->id == media::kImageId) {
    if (split_image(input, out)) return Status::ok();
    out = MediaStream{};
  }
  out.media = media::find_media(media::kBytesId);
  out.data = input;
  out.checksum = format::whole_checksum(input);
  return Status::ok();
}

Status plan_media(std::uint8_t media_id, std::span<const std::uint8_t> params,
                  std::uint64_t stream_size, MediaPlan& out) {
  out = MediaPlan{};
  out.media = media::find_media(media_id);
  if (!out.media) {
    return {ErrorCode::kUnknownModel, "archive uses media type " + std::to_string(media_id) +
                                          " which this lmpack does not know"};
  }
  if (media_id == media::kBytesId) {
    if (!params.empty()) return {ErrorCode::kCorrupt, "corrupt archive (bytes media with params)"};
    out.description = "bytes";
    out.file_size = stream_size;
    return Status::ok();
  }
  if (media_id == media::kImageId) return plan_image(params, stream_size, out);
  media::audio::AudioFile audio;
  if (Status s = media::audio::deserialize(params, audio); !s) return s;
  if (audio.frames * static_cast<std::uint64_t>(audio.layout.frame_bytes()) != stream_size) {
    return {ErrorCode::kCorrupt, "corrupt archive (audio frame count does not match the data)"};
  }
  out.audio = true;
  out.shape = audio_shape(audio.layout);
  out.checksum_of_stream = audio.container == media::audio::Container::kFlac;
  out.description = media::audio::describe(audio);
  out.file_size = stream_size;
  if (!out.checksum_of_stream) out.file_size += audio.prefix.size() + audio.suffix.size();
  return Status::ok();
}

Status join_media(const MediaPlan& plan, std::span<const std::uint8_t> params,
                  std::vector<std::uint8_t>& stream, const DecompressOptions& options,
                  std::vector<std::uint8_t>& file) {
  if (plan.image) {
    media::image::ImageFile image;
    if (Status s = media::image::deserialize(params, stream.size(), image); !s) return s;
    return media::image::rebuild(image, stream, file);
  }
  if (!plan.audio) {
    file = std::move(stream);
    return Status::ok();
  }
  media::audio::AudioFile audio;
  if (Status s = media::audio::deserialize(params, audio); !s) return s;
  const auto flac_output =
      options.flac_as_wav ? media::audio::FlacOutput::kWav : media::audio::FlacOutput::kFlac;
  return media::audio::rebuild(audio, stream, flac_output, file);
}

}  // namespace lmpack::engine
