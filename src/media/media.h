// Media front ends: how a file's content is turned into symbol streams: "bytes" (the identity)
// and "audio" (src/media/audio/: PCM files as Trilobyte tokens plus verbatim side bytes).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace lmpack::media {

struct MediaType {
  std::uint8_t id;   // stored in archives; never reuse an id
  std::string name;  // CLI name
};

inline constexpr std::uint8_t kBytesId = 0;
inline constexpr std::uint8_t kAudioId = 1;
inline constexpr std::uint8_t kImageId = 2;  // src/media/image/: PNM, BMP, PNG pixels

const MediaType* find_media(const std::string& name);
const MediaType* find_media(std::uint8_t id);
std::vector<const MediaType*> all_media();

// The front end that fits the content best (a cheap look at the first bytes; the front end
// itself may still decline the file, which then takes the byte path).
const MediaType& sniff(std::span<const std::uint8_t> data);

}  // namespace lmpack::media
