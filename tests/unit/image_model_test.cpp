// The image model family: exact round trips for every stream shape the image media produces
// (1..4 channels, 1..16-bit samples, one-pixel rows and columns, blocks with a partial row),
// at the default and the best level; strict params; corrupt payloads decode without faults.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "model/codec.h"
#include "model/image/image_family.h"

namespace lmpack::model::image {
namespace {

using Bytes = std::vector<std::uint8_t>;

// A smooth picture with edges and noise, as big-endian samples of `bits` bits.
Bytes picture(std::uint32_t w, std::uint32_t h, int channels, int bytes, int bits,
              std::uint64_t seed) {
  Bytes b;
  std::uint64_t s = seed;
  const std::uint32_t max = (1u << bits) - 1;
  for (std::uint32_t y = 0; y < h; ++y) {
    for (std::uint32_t x = 0; x < w; ++x) {
      for (int c = 0; c < channels; ++c) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        std::uint64_t v = (x * 3 + y * 2 + c * 40 + ((x / 9 + y / 7) % 2) * 60)
                          << (bits > 8 ? bits - 8 : 0);
        v += (s >> 62);
        const std::uint32_t val =
            static_cast<std::uint32_t>(bits < 8 ? (v >> 4) % (max + 1) : v % (max + 1));
        if (bytes == 2) b.push_back(static_cast<std::uint8_t>(val >> 8));
        b.push_back(static_cast<std::uint8_t>(val));
      }
    }
  }
  return b;
}

StreamShape shape_of(std::uint32_t w, std::uint32_t h, int channels, int bytes, int bits) {
  StreamShape s;
  s.image = true;
  s.width = w;
  s.height = h;
  s.channels = channels;
  s.bytes_per_sample = bytes;
  s.bits = bits;
  return s;
}

Bytes round_trip(const Bytes& block, const StreamShape& shape, int level) {
  const ModelFamily& f = image_family();
  std::unique_ptr<BlockCodec> enc, dec;
  EXPECT_TRUE(make_codec(f, level, f.params(level), shape, enc).is_ok());
  EXPECT_TRUE(make_codec(f, level, f.params(level), shape, dec).is_ok());
  Bytes payload;
  enc->encode(block, payload, nullptr);
  Bytes out(block.size(), 0xAA);
  dec->decode(payload, out, nullptr);
  return out;
}

TEST(ImageModel, RoundTripsEveryShape) {
  struct Case {
    std::uint32_t w, h;
    int channels, bytes, bits;
  };
  const Case cases[] = {{37, 23, 1, 1, 8},  {37, 23, 3, 1, 8}, {20, 9, 4, 1, 8}, {16, 8, 2, 1, 8},
                        {19, 11, 1, 2, 16}, {13, 7, 3, 2, 16}, {9, 5, 4, 2, 12}, {40, 6, 1, 1, 1},
                        {33, 4, 1, 1, 4},   {1, 30, 3, 1, 8},  {30, 1, 3, 1, 8}, {1, 1, 1, 1, 8}};
  for (const Case& c : cases) {
    for (int level : {1, 5, 9}) {
      SCOPED_TRACE(std::to_string(c.w) + "x" + std::to_string(c.h) + "x" +
                   std::to_string(c.channels) + " bits " + std::to_string(c.bits) + " level " +
                   std::to_string(level));
      const Bytes block = picture(c.w, c.h, c.channels, c.bytes, c.bits, c.w * 131 + c.h);
      EXPECT_EQ(round_trip(block, shape_of(c.w, c.h, c.channels, c.bytes, c.bits), level), block);
    }
  }
}

TEST(ImageModel, CompressesASmoothPicture) {
  const Bytes block = picture(64, 64, 3, 1, 8, 5);
  const ModelFamily& f = image_family();
  std::unique_ptr<BlockCodec> enc;
  ASSERT_TRUE(make_codec(f, 5, f.params(5), shape_of(64, 64, 3, 1, 8), enc).is_ok());
  Bytes payload;
  enc->encode(block, payload, nullptr);
  // Two bits of noise per sample at most (entropy 2 bits), plus edges: under half the raw size.
  EXPECT_LT(payload.size(), block.size() / 2);
}

TEST(ImageModel, PartialRowsAllZeroAndBytesStreams) {
  // A block cut mid-row (a user-chosen block size): the tail travels verbatim.
  Bytes block = picture(10, 4, 3, 1, 8, 1);
  block.resize(block.size() + 7, 42);
  EXPECT_EQ(round_trip(block, shape_of(10, 5, 3, 1, 8), 5), block);
  const Bytes zeros(300, 0);
  EXPECT_EQ(round_trip(zeros, shape_of(10, 10, 3, 1, 8), 5), zeros);
  // Not an image stream: coded as 1024-wide gray rows plus a tail.
  const Bytes bytes = picture(1500, 1, 1, 1, 8, 3);
  EXPECT_EQ(round_trip(bytes, StreamShape{}, 5), bytes);
}

// Params version 3 codes `bits` inside the arithmetic code: blocks whose largest sample is
// below, at and (only in a hostile stream shape) above the nominal bits, all zero, and shorter
// than a row round-trip; a block at the nominal bits costs no byte for it.
TEST(ImageModel, VersionThreeCodesBitsInTheStream) {
  const Bytes dark = picture(21, 9, 1, 1, 6, 9);  // samples < 64: bits 6 of nominal 8
  EXPECT_EQ(round_trip(dark, shape_of(21, 9, 1, 1, 8), 5), dark);
  const Bytes full = picture(21, 9, 1, 1, 8, 9);
  EXPECT_EQ(round_trip(full, shape_of(21, 9, 1, 1, 8), 5), full);
  EXPECT_EQ(round_trip(full, shape_of(21, 9, 1, 1, 4), 5), full);  // above the nominal 4
  const Bytes zeros(21 * 9, 0);
  EXPECT_EQ(round_trip(zeros, shape_of(21, 9, 1, 1, 8), 9), zeros);
  const Bytes short_block = {7, 1, 200, 3};
  EXPECT_EQ(round_trip(short_block, shape_of(21, 9, 1, 1, 8), 5), short_block);
  const Bytes deep = picture(7, 5, 3, 2, 12, 4);
  EXPECT_EQ(round_trip(deep, shape_of(7, 5, 3, 2, 12), 9), deep);
  // An all-zero block codes the unlikely "not nominal" (12 bits) and five bits of `bits`, then
  // ends: at most 3 bytes. A block shorter than a row is its tail alone.
  const ModelFamily& f = image_family();
  std::unique_ptr<BlockCodec> v3;
  ASSERT_TRUE(make_codec(f, 5, Bytes{3}, shape_of(21, 9, 1, 1, 8), v3).is_ok());
  Bytes a;
  v3->encode(zeros, a, nullptr);
  EXPECT_LE(a.size(), 3u);
  Bytes b;
  v3->encode(short_block, b, nullptr);
  EXPECT_EQ(b, short_block);
}

TEST(ImageModel, FamilyLevels) {
  const ModelFamily& f = image_family();
  EXPECT_EQ(f.name, "image");
  EXPECT_EQ(f.default_level, 5);
  EXPECT_EQ(f.best_level, 9);  // the sample round trips rely on --best being level 9
}

TEST(ImageModel, ParamsAreStrict) {
  ImageConfig c;
  EXPECT_TRUE(deserialize(serialize(image_config_for_level(9)), 9, c).is_ok());
  EXPECT_EQ(c.strength, 2);
  EXPECT_FALSE(deserialize(Bytes{1}, 5, c).is_ok());
  EXPECT_FALSE(deserialize(Bytes{2, 1}, 5, c).is_ok());
  EXPECT_FALSE(deserialize(Bytes{1, 3}, 5, c).is_ok());
  EXPECT_FALSE(deserialize(Bytes{1, 1, 0}, 5, c).is_ok());
  // Version 2 adds the OLS interval (0..64); version 1 means no OLS predictor.
  EXPECT_FALSE(deserialize(Bytes{2, 1, 65}, 5, c).is_ok());
  EXPECT_FALSE(deserialize(Bytes{2, 0, 4}, 5, c).is_ok());
  EXPECT_FALSE(deserialize(Bytes{2, 1, 4, 0}, 5, c).is_ok());
  ASSERT_TRUE(deserialize(Bytes{2, 2, 7}, 5, c).is_ok());
  EXPECT_EQ(c.strength, 2);
  EXPECT_EQ(c.ols_interval, 7);
  EXPECT_EQ(c.version, 2);
  ASSERT_TRUE(deserialize(Bytes{1, 1}, 9, c).is_ok());
  EXPECT_EQ(c.strength, 1);
  EXPECT_EQ(c.ols_interval, 0);
  EXPECT_EQ(c.version, 1);
  // Version 3 is the one byte 3: the preset of the archive's level, nothing else.
  EXPECT_FALSE(deserialize(Bytes{3, 1, 4}, 5, c).is_ok());
  EXPECT_FALSE(deserialize(Bytes{3, 1}, 5, c).is_ok());
  EXPECT_FALSE(deserialize(Bytes{3}, 0, c).is_ok());
  EXPECT_FALSE(deserialize(Bytes{3}, 10, c).is_ok());
  EXPECT_FALSE(deserialize(Bytes{4}, 5, c).is_ok());
  EXPECT_FALSE(deserialize(Bytes{}, 5, c).is_ok());
  for (int level = 1; level <= 9; ++level) {
    EXPECT_EQ(serialize(image_config_for_level(level)), Bytes{3});
    ASSERT_TRUE(deserialize(Bytes{3}, level, c).is_ok());
    EXPECT_EQ(c.strength, level >= 8 ? 2 : 1);
    EXPECT_EQ(c.ols_interval, level >= 8 ? 1 : 16);
    EXPECT_EQ(c.version, 3);
    EXPECT_EQ(image_family().params(level), Bytes{3});
  }
  // The older layouts are written back as they were read (version 1 as the same version 2).
  ASSERT_TRUE(deserialize(Bytes{2, 1, 16}, 5, c).is_ok());
  EXPECT_EQ(serialize(c), (Bytes{2, 1, 16}));
  ASSERT_TRUE(deserialize(Bytes{1, 2}, 5, c).is_ok());
  EXPECT_EQ(serialize(c), (Bytes{2, 2, 0}));
  EXPECT_GT(image_config_for_level(5).ols_interval, 0);
  std::unique_ptr<BlockCodec> codec;
  StreamShape bad = shape_of(4, 4, 5, 1, 8);
  EXPECT_FALSE(
      make_codec(image_family(), 5, serialize(image_config_for_level(5)), bad, codec).is_ok());
}

// Params version 1 (no OLS predictor, archives of lmpack before it), every OLS interval and the
// version 3 preset round-trip, and each takes part: the payloads differ (version 3 at level 5
// is version 2's strength 1, interval 16, plus the small-image refinements).
TEST(ImageModel, OlsIntervalsAndVersionOneRoundTrip) {
  const ModelFamily& f = image_family();
  for (int channels : {1, 3}) {
    const StreamShape shape = shape_of(29, 17, channels, 1, 8);
    const Bytes block = picture(29, 17, channels, 1, 8, 77 + channels);
    Bytes previous;
    for (const Bytes& params : {Bytes{1, 1}, Bytes{2, 1, 1}, Bytes{2, 1, 3}, Bytes{2, 2, 64},
                                Bytes{2, 1, 16}, Bytes{3}}) {
      SCOPED_TRACE(std::to_string(channels) + " channels, params " + std::to_string(params[0]) +
                   "," + std::to_string(params.back()));
      std::unique_ptr<BlockCodec> enc, dec;
      ASSERT_TRUE(make_codec(f, 5, params, shape, enc).is_ok());
      ASSERT_TRUE(make_codec(f, 5, params, shape, dec).is_ok());
      Bytes payload;
      enc->encode(block, payload, nullptr);
      Bytes out(block.size(), 0xAA);
      dec->decode(payload, out, nullptr);
      EXPECT_EQ(out, block);
      EXPECT_NE(payload, previous);
      previous = payload;
    }
  }
}

TEST(ImageModel, CorruptPayloadDecodesWithoutFaults) {
  const Bytes block = picture(24, 16, 3, 2, 16, 7);
  const StreamShape shape = shape_of(24, 16, 3, 2, 16);
  const ModelFamily& f = image_family();
  std::unique_ptr<BlockCodec> enc;
  ASSERT_TRUE(make_codec(f, 5, f.params(5), shape, enc).is_ok());
  Bytes payload;
  enc->encode(block, payload, nullptr);
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, payload.size() / 2}) {
    Bytes damaged(payload.begin(), payload.begin() + cut);
    std::unique_ptr<BlockCodec> dec;
    ASSERT_TRUE(make_codec(f, 5, f.params(5), shape, dec).is_ok());
    Bytes out(block.size());
    dec->decode(damaged, out, nullptr);
  }
  Bytes flipped = payload;
  flipped[0] = 200;  // claims 200-bit samples
  std::unique_ptr<BlockCodec> dec;
  ASSERT_TRUE(make_codec(f, 5, f.params(5), shape, dec).is_ok());
  Bytes out(block.size());
  dec->decode(flipped, out, nullptr);
}

}  // namespace
}  // namespace lmpack::model::image
