#include "media/media.h"

#include "media/audio/audio_file.h"
#include "media/image/image_file.h"

namespace lmpack::media {

namespace {
const MediaType kBytes{kBytesId, "bytes"};
const MediaType kAudio{kAudioId, "audio"};
const MediaType kImage{kImageId, "image"};
}  // namespace

std::vector<const MediaType*> all_media() { return {&kBytes, &kAudio, &kImage}; }

const MediaType* find_media(const std::string& name) {
  for (const MediaType* m : all_media()) {
    if (m->name == name) return m;
  }
  return nullptr;
}

const MediaType* find_media(std::uint8_t id) {
  for (const MediaType* m : all_media()) {
    if (m->id == id) return m;
  }
  return nullptr;
}

const MediaType& sniff(std::span<const std::uint8_t> data) {
  if (image::sniff(data)) return kImage;
  return audio::sniff(data) ? kAudio : kBytes;
}

}  // namespace lmpack::media
