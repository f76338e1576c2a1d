// Fuzzes the image front end on arbitrary bytes. Besides "never crash", it checks what an accepted
// file promises: PNM and BMP rebuild to the input byte for byte, a PNG's pixels and other chunks
// survive re-encoding, and the media params round-trip exactly. The same bytes are also fed to
// the params reader, which must accept only records it writes back identically, except a
// version 1 record of a plain PNM, which it writes back as the equal version 2 record (read
// with the stream size: version 2 takes its height from it).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "media/image/image_file.h"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

using namespace lmpack::media::image;

bool same(const std::vector<std::uint8_t>& a, std::span<const std::uint8_t> b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

void check_params_reader(std::span<const std::uint8_t> input, std::uint64_t stream_size) {
  ImageFile image;
  const lmpack::Status status = deserialize(input, stream_size, image);
  if (!status) {
    require(!status.message().empty());
    return;
  }
  require(!describe(image).empty());
  const std::vector<std::uint8_t> again = serialize(image);
  if (same(again, input)) return;
  // Only a version 1 plain PNM record is written back otherwise: as version 2, which reads
  // back to the same image given the pixel stream's size.
  require(input[0] == 1 && again.size() == 3 + (image.layout.width >= 128) +
                                               (image.layout.width >= (1u << 14)) +
                                               (image.layout.width >= (1u << 21)) +
                                               (image.layout.width >= (1u << 28)));
  require(again[0] == 2);
  ImageFile v2;
  require(deserialize(again, image.layout.pixel_bytes(), v2).is_ok());
  require(serialize(v2) == again && v2.layout.height == image.layout.height &&
          v2.prefix == image.prefix && v2.suffix == image.suffix);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  check_params_reader(input, kUnknownStreamSize);
  check_params_reader(input, 2048);  // a version 2 record reads with a stream size

  ImageFile image;
  std::vector<std::uint8_t> pixels;
  if (!parse(input, image, pixels)) {
    require(pixels.empty());
    return 0;
  }
  require(sniff(input));
  require(pixels.size() == image.layout.pixel_bytes());
  require(!describe(image).empty());

  const std::vector<std::uint8_t> params = serialize(image);
  ImageFile restored;
  require(deserialize(params, pixels.size(), restored).is_ok());
  require(serialize(restored) == params);

  std::vector<std::uint8_t> file;
  require(rebuild(restored, pixels, file).is_ok());
  if (image.format != Format::kPng) {
    require(file.size() == size && std::equal(file.begin(), file.end(), data));
    return 0;
  }
  ImageFile again;
  std::vector<std::uint8_t> again_pixels;
  require(parse(file, again, again_pixels));
  require(again_pixels == pixels);
  require(again.prefix == image.prefix && again.suffix == image.suffix);
  return 0;
}
