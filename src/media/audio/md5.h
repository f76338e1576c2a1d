// MD5 (RFC 1321), only to check a FLAC stream's STREAMINFO signature of its decoded samples.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace lmpack::media::audio::detail {

class Md5 {
 public:
  Md5();
  void update(std::span<const std::uint8_t> data);
  std::array<std::uint8_t, 16> finish();

 private:
  void block(const std::uint8_t* p);
  std::uint32_t state_[4];
  std::uint64_t length_ = 0;  // bytes
  std::uint8_t buffer_[64];
  std::size_t buffered_ = 0;
};

}  // namespace lmpack::media::audio::detail
