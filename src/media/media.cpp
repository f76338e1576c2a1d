#include "media/media.h"

namespace lmpack::media {

namespace {
const MediaType kBytes{0, "bytes"};
}

std::vector<const MediaType*> all_media() { return {&kBytes}; }

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

const MediaType& sniff(std::span<const std::uint8_t>) { return kBytes; }

}  // namespace lmpack::media
