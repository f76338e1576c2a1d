#include "media/media.h"

#include "media/audio/audio_file.h"

namespace lmpack::media {

namespace {
const MediaType kBytes{kBytesId, "bytes"};
const MediaType kAudio{kAudioId, "audio"};
}  // namespace

std::vector<const MediaType*> all_media() { return {&kBytes, &kAudio}; }

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
  return audio::sniff(data) ? kAudio : kBytes;
}

}  // namespace lmpack::media
