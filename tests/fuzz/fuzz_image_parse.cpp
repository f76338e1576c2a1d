// Fuzzes the image front end on arbitrary bytes. Besides "never crash", it checks what an accepted
// file promises: PNM and BMP rebuild to the input byte for byte, a PNG's pixels and other chunks
// survive re-encoding, and the media params round-trip exactly. The same bytes are also fed to
// the params reader, which must accept only records it writes back identically.
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

void check_params_reader(std::span<const std::uint8_t> input) {
  ImageFile image;
  const lmpack::Status status = deserialize(input, image);
  if (!status) {
    require(!status.message().empty());
    return;
  }
  const std::vector<std::uint8_t> again = serialize(image);
  require(again.size() == input.size() && std::equal(again.begin(), again.end(), input.begin()));
  require(!describe(image).empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  check_params_reader(input);

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
  require(deserialize(params, restored).is_ok());
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
