// Media front ends: how a file's content is turned into symbol streams. Today only the identity
// "bytes" front end exists; audio and image front ends will register here with their own ids.
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

const MediaType* find_media(const std::string& name);
const MediaType* find_media(std::uint8_t id);
std::vector<const MediaType*> all_media();

// The front end that fits the content best.
const MediaType& sniff(std::span<const std::uint8_t> data);

}  // namespace lmpack::media
