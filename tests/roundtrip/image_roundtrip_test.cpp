// Images through the public API: PNM and BMP come back byte for byte with the image media and
// model chosen by content; PNG comes back pixel-exact (a new PNG with the same pixels and other
// chunks); --media bytes and files the front end declines take the byte path; archives do not
// depend on threads or block size choices beyond the documented rounding; damage is detected.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

#include "lmpack/lmpack.h"
#include "media/image/image_file.h"

namespace lmpack {
namespace {

using Bytes = std::vector<std::uint8_t>;

// A photo-like picture: smooth gradients, an edge and a little noise.
Bytes pixels(std::uint32_t w, std::uint32_t h, int channels, std::uint64_t seed) {
  Bytes b;
  std::uint64_t s = seed;
  for (std::uint32_t y = 0; y < h; ++y)
    for (std::uint32_t x = 0; x < w; ++x)
      for (int c = 0; c < channels; ++c) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        const int edge = (x + y / 2) > w / 2 ? 70 : 0;
        b.push_back(static_cast<std::uint8_t>((x + 2 * y + 30 * c + edge + (s >> 62)) & 255));
      }
  return b;
}

Bytes ppm(std::uint32_t w, std::uint32_t h, const Bytes& px) {
  const std::string header = "P6\n" + std::to_string(w) + " " + std::to_string(h) + "\n255\n";
  Bytes f(header.begin(), header.end());
  f.insert(f.end(), px.begin(), px.end());
  return f;
}

Bytes must_compress(const Bytes& in, const CompressOptions& o = {}) {
  Bytes archive;
  const Status s = compress(in, archive, o);
  EXPECT_TRUE(s.is_ok()) << s.message();
  return archive;
}

Bytes must_decompress(const Bytes& archive) {
  Bytes out;
  const Status s = decompress(archive, out);
  EXPECT_TRUE(s.is_ok()) << s.message();
  return out;
}

TEST(ImageRoundTrip, PpmByteExactWithImageMediaAndModel) {
  const Bytes file = ppm(97, 61, pixels(97, 61, 3, 1));
  for (bool best : {false, true}) {
    CompressOptions o;
    o.best = best;
    const Bytes archive = must_compress(file, o);
    ArchiveInfo info;
    ASSERT_TRUE(inspect(archive, info).is_ok());
    EXPECT_EQ(info.media, "image");
    EXPECT_EQ(info.model, "image");
    EXPECT_TRUE(info.byte_exact);
    EXPECT_EQ(info.original_size, file.size());
    EXPECT_EQ(info.stream_size, 97u * 61u * 3u);
    EXPECT_NE(info.media_desc.find("PNM"), std::string::npos) << info.media_desc;
    EXPECT_LT(archive.size(), file.size() / 2);
    EXPECT_EQ(must_decompress(archive), file);
  }
}

TEST(ImageRoundTrip, PngPixelExactAndChunksKept) {
  // A PNG written by the front end's own writer from a parsed PPM, with a tEXt chunk.
  const std::uint32_t w = 50, h = 40;
  const Bytes px = pixels(w, h, 3, 2);
  media::image::ImageFile image;
  image.format = media::image::Format::kPng;
  image.layout = {w, h, 3, 1, 8};
  image.png_color_type = 2;
  image.png_bit_depth = 8;
  Bytes text = {0, 0, 0, 4, 't', 'E', 'X', 't', 'a', 0, 'b', 'c'};
  const auto crc = static_cast<std::uint32_t>(crc32(crc32(0, nullptr, 0), text.data() + 4, 8));
  for (int shift = 24; shift >= 0; shift -= 8)
    text.push_back(static_cast<std::uint8_t>(crc >> shift));
  image.prefix = text;
  image.suffix = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82};
  Bytes png;
  ASSERT_TRUE(media::image::rebuild(image, px, png).is_ok());
  media::image::ImageFile parsed;
  Bytes parsed_px;
  ASSERT_TRUE(media::image::parse(png, parsed, parsed_px)) << "tEXt CRC or writer broken";
  const Bytes archive = must_compress(png);
  ArchiveInfo info;
  ASSERT_TRUE(inspect(archive, info).is_ok());
  EXPECT_EQ(info.media, "image");
  EXPECT_FALSE(info.byte_exact);
  const Bytes out = must_decompress(archive);
  media::image::ImageFile back;
  Bytes back_px;
  ASSERT_TRUE(media::image::parse(out, back, back_px));
  EXPECT_EQ(back_px, px);
  EXPECT_EQ(back.prefix, text);
}

TEST(ImageRoundTrip, ForcedBytesAndDeclinedFilesTakeTheBytePath) {
  const Bytes file = ppm(20, 10, pixels(20, 10, 3, 3));
  CompressOptions o;
  o.media = "bytes";
  Bytes archive = must_compress(file, o);
  ArchiveInfo info;
  ASSERT_TRUE(inspect(archive, info).is_ok());
  EXPECT_EQ(info.media, "bytes");
  EXPECT_EQ(must_decompress(archive), file);
  Bytes lying = file;
  lying.resize(lying.size() - 1);  // one pixel byte short
  o.media = "image";
  archive = must_compress(lying, o);
  ASSERT_TRUE(inspect(archive, info).is_ok());
  EXPECT_EQ(info.media, "bytes");
  EXPECT_EQ(must_decompress(archive), lying);
}

TEST(ImageRoundTrip, BlocksAreWholeRowsAndThreadsDoNotMatter) {
  const Bytes file = ppm(101, 80, pixels(101, 80, 3, 4));
  CompressOptions o;
  o.block_size = 4000;  // rounded down to 13 rows of 303 bytes
  o.threads = 1;
  const Bytes one = must_compress(file, o);
  o.threads = 2;
  EXPECT_EQ(must_compress(file, o), one);
  ArchiveInfo info;
  ASSERT_TRUE(inspect(one, info).is_ok());
  EXPECT_EQ(info.block_size, 13u * 303u);
  EXPECT_EQ(must_decompress(one), file);
  o.block_size = 100;  // smaller than a row: blocks end mid-row, still exact
  EXPECT_EQ(must_decompress(must_compress(file, o)), file);
}

TEST(ImageRoundTrip, DamageIsDetected) {
  const Bytes file = ppm(64, 64, pixels(64, 64, 3, 5));
  Bytes archive = must_compress(file);
  archive[archive.size() / 2] ^= 0x10;
  Bytes out;
  EXPECT_FALSE(decompress(archive, out).is_ok());
}

}  // namespace
}  // namespace lmpack
