// The image front end: PNM and BMP files come back byte for byte (comments, trailing bytes,
// padding, bottom-up rows included), PNG comes back pixel-exact with its other chunks verbatim,
// anything it cannot read exactly (truncated, lying, interlaced, compressed) is declined rather
// than failing, and the media params record is strict.
#include <gtest/gtest.h>
#include <png.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "media/image/image_file.h"

namespace lmpack::media::image {
namespace {

using Bytes = std::vector<std::uint8_t>;

// A smooth gradient with a little texture: `n` samples of `max` or less.
Bytes samples(std::size_t n, int bytes, std::uint32_t max, std::uint64_t seed) {
  Bytes b;
  std::uint64_t s = seed;
  for (std::size_t i = 0; i < n; ++i) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    const std::uint32_t v = static_cast<std::uint32_t>((i * 7 + (s >> 60)) % (max + 1));
    if (bytes == 2) b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
  }
  return b;
}

void append(Bytes& b, const std::string& s) { b.insert(b.end(), s.begin(), s.end()); }
void append(Bytes& b, const Bytes& more) { b.insert(b.end(), more.begin(), more.end()); }
void put_le(Bytes& b, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// Parses, checks the layout and pixels, and that the rebuild (from round-tripped params) is
// byte-exact.
void expect_byte_exact(const Bytes& file, int channels, int bytes, int bits, const Bytes& pixels) {
  ImageFile image;
  Bytes got;
  ASSERT_TRUE(sniff(file));
  ASSERT_TRUE(parse(file, image, got));
  EXPECT_EQ(image.layout.channels, channels);
  EXPECT_EQ(image.layout.bytes_per_sample, bytes);
  EXPECT_EQ(image.layout.bits, bits);
  EXPECT_EQ(got, pixels);
  const Bytes params = serialize(image);
  ImageFile restored;
  ASSERT_TRUE(deserialize(params, got.size(), restored).is_ok());
  EXPECT_EQ(serialize(restored), params);
  Bytes back;
  ASSERT_TRUE(rebuild(restored, got, back).is_ok());
  EXPECT_EQ(back, file);
  EXPECT_FALSE(describe(image).empty());
}

void expect_declined(const Bytes& file) {
  ImageFile image;
  Bytes got{1, 2, 3};
  EXPECT_FALSE(parse(file, image, got));
  EXPECT_TRUE(got.empty());
}

TEST(ImageMedia, PgmAndPpmByteExactWithCommentsAndTrailingBytes) {
  const Bytes gray = samples(7 * 5, 1, 255, 1);
  Bytes pgm;
  append(pgm, "P5\n# a comment\n7 5\n255\n");
  append(pgm, gray);
  append(pgm, "trailing");
  expect_byte_exact(pgm, 1, 1, 8, gray);

  const Bytes rgb = samples(4 * 3 * 3, 1, 200, 2);
  Bytes ppm;
  append(ppm, "P6 4 3 200\t");
  append(ppm, rgb);
  expect_byte_exact(ppm, 3, 1, 8, rgb);

  const Bytes deep = samples(6 * 2, 2, 1023, 3);
  Bytes pgm16;
  append(pgm16, "P5\r6 2\r1023\n");
  append(pgm16, deep);
  expect_byte_exact(pgm16, 1, 2, 10, deep);

  const Bytes rgb16 = samples(3 * 3 * 2, 2, 65535, 4);
  Bytes ppm16;
  append(ppm16, "P6\n3 2\n65535\n");
  append(ppm16, rgb16);
  expect_byte_exact(ppm16, 3, 2, 16, rgb16);
}

TEST(ImageMedia, PamEveryTupleType) {
  const char* types[] = {"GRAYSCALE", "GRAYSCALE_ALPHA", "RGB", "RGB_ALPHA"};
  for (int depth = 1; depth <= 4; ++depth) {
    for (int bytes = 1; bytes <= 2; ++bytes) {
      const std::uint32_t maxval = bytes == 2 ? 4095 : 255;
      const Bytes px = samples(5 * 4 * depth, bytes, maxval, depth);
      Bytes pam;
      append(pam, "P7\nWIDTH 5\nHEIGHT 4\nDEPTH " + std::to_string(depth) + "\nMAXVAL " +
                      std::to_string(maxval) + "\n# c\nTUPLTYPE " + types[depth - 1] +
                      "\nENDHDR\n");
      append(pam, px);
      expect_byte_exact(pam, depth, bytes, bytes == 2 ? 12 : 8, px);
    }
  }
}

TEST(ImageMedia, PnmLiesAndTruncationAreDeclined) {
  Bytes pgm;
  append(pgm, "P5\n7 5\n255\n");
  append(pgm, samples(7 * 5 - 1, 1, 255, 1));  // one byte short
  expect_declined(pgm);
  expect_declined(Bytes{'P', '5', '\n', '0', ' ', '5', '\n', '2', '5', '5', '\n'});
  Bytes huge;
  append(huge, "P6\n99999 99999\n255\n");
  append(huge, samples(100, 1, 255, 1));
  expect_declined(huge);
  Bytes maxval0;
  append(maxval0, "P5 1 1 0\n");
  maxval0.push_back(0);
  expect_declined(maxval0);
  Bytes pam;
  append(pam, "P7\nWIDTH 2\nHEIGHT 2\nDEPTH 5\nMAXVAL 255\nENDHDR\n");
  append(pam, samples(20, 1, 255, 1));
  expect_declined(pam);
  Bytes ascii;
  append(ascii, "P2\n2 2\n255\n1 2 3 4\n");
  expect_declined(ascii);
}

// A BMP with `bpp` bits per pixel (8: 256-entry palette), height negative for top-down rows.
Bytes make_bmp(int width, int height, int bpp, const Bytes& raster, std::uint32_t compression = 0,
               const Bytes& trailing = {}) {
  const int palette = bpp == 8 ? 1024 : 0;
  Bytes b;
  append(b, "BM");
  put_le(b, 54 + palette + raster.size() + trailing.size(), 4);
  put_le(b, 0, 4);
  put_le(b, 54 + palette, 4);
  put_le(b, 40, 4);
  put_le(b, static_cast<std::uint32_t>(width), 4);
  put_le(b, static_cast<std::uint32_t>(height), 4);
  put_le(b, 1, 2);
  put_le(b, bpp, 2);
  put_le(b, compression, 4);
  put_le(b, raster.size(), 4);
  put_le(b, 2835, 4);
  put_le(b, 2835, 4);
  put_le(b, bpp == 8 ? 256 : 0, 4);
  put_le(b, 0, 4);
  for (int i = 0; i < palette / 4; ++i) put_le(b, static_cast<std::uint32_t>(i * 0x010101), 4);
  append(b, raster);
  append(b, trailing);
  return b;
}

// The raster (rows as stored: BGR(A), zero padding) and the pixels the front end should yield.
void bmp_raster(int width, int height, int channels, bool bottom_up, Bytes& raster, Bytes& pixels) {
  const Bytes src = samples(static_cast<std::size_t>(width) * height * channels, 1, 255, 9);
  const int stride = (width * channels + 3) / 4 * 4;
  raster.assign(static_cast<std::size_t>(stride) * height, 0);
  pixels = src;
  for (int y = 0; y < height; ++y) {
    const int stored = bottom_up ? height - 1 - y : y;
    for (int x = 0; x < width; ++x) {
      for (int c = 0; c < channels; ++c) {
        int from = c;
        if (channels >= 3 && c == 0) from = 2;
        if (channels >= 3 && c == 2) from = 0;
        raster[stored * stride + x * channels + c] = src[(y * width + x) * channels + from];
      }
    }
  }
}

TEST(ImageMedia, BmpEveryDepthBothRowOrdersByteExact) {
  for (int bpp : {8, 24, 32}) {
    for (bool bottom_up : {true, false}) {
      Bytes raster, pixels;
      const int channels = bpp / 8;
      bmp_raster(5, 3, channels, bottom_up, raster, pixels);
      const Bytes bmp = make_bmp(5, bottom_up ? 3 : -3, bpp, raster, 0, Bytes{9, 9});
      expect_byte_exact(bmp, channels, 1, 8, pixels);
    }
  }
}

TEST(ImageMedia, BmpOddCasesAreDeclined) {
  Bytes raster, pixels;
  bmp_raster(5, 3, 3, true, raster, pixels);
  Bytes dirty = raster;
  dirty[15] = 1;  // a padding byte of the first stored row (stride 16, 15 pixel bytes)
  expect_declined(make_bmp(5, 3, 24, dirty));
  expect_declined(make_bmp(5, 3, 24, raster, 1));  // RLE
  expect_declined(make_bmp(5, 4, 24, raster));     // height lies: raster too short
  Bytes truncated = make_bmp(5, 3, 24, raster);
  truncated.resize(truncated.size() - 1);
  expect_declined(truncated);
  expect_declined(make_bmp(5, 3, 16, raster));  // 16-bit
}

// --- PNG, written with libpng directly so the test does not trust the front end's writer -----

struct PngSpec {
  int color_type;
  int depth;
  bool interlaced = false;
  bool text = true;  // a tEXt chunk before IDAT and a tIME after it
};

void write_to_vector(png_structp png, png_bytep data, png_size_t n) {
  auto* out = static_cast<Bytes*>(png_get_io_ptr(png));
  out->insert(out->end(), data, data + n);
}
void flush_nothing(png_structp) {}

int png_channels(int color_type) {
  return color_type == 2 ? 3 : color_type == 4 ? 2 : color_type == 6 ? 4 : 1;
}

// Returns the file; `pixels` gets the samples (one per byte for depths below 8).
Bytes make_png(const PngSpec& spec, std::uint32_t w, std::uint32_t h, Bytes& pixels) {
  const int channels = png_channels(spec.color_type);
  const int bytes = spec.depth == 16 ? 2 : 1;
  const std::uint32_t max = spec.depth == 16 ? 65535 : (1u << spec.depth) - 1;
  pixels = samples(std::size_t{w} * h * channels, bytes, max, spec.color_type * 31 + spec.depth);
  Bytes out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    ADD_FAILURE() << "libpng failed";
    return {};
  }
  png_set_write_fn(png, &out, write_to_vector, flush_nothing);
  png_set_IHDR(png, info, w, h, spec.depth, spec.color_type,
               spec.interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  std::vector<png_color> palette(256);
  for (int i = 0; i < 256; ++i)
    palette[i] = {static_cast<png_byte>(i), static_cast<png_byte>(255 - i), 7};
  if (spec.color_type == 3) png_set_PLTE(png, info, palette.data(), 1 << spec.depth);
  png_text text[1];
  char key[] = "Comment", value[] = "kept verbatim";
  text[0] = {};
  text[0].compression = PNG_TEXT_COMPRESSION_NONE;
  text[0].key = key;
  text[0].text = value;
  if (spec.text) png_set_text(png, info, text, 1);
  png_write_info(png, info);
  if (spec.depth < 8) png_set_packing(png);
  const int passes = png_set_interlace_handling(png);
  const std::size_t row = std::size_t{w} * channels * bytes;
  for (int p = 0; p < passes; ++p)
    for (std::uint32_t y = 0; y < h; ++y) png_write_row(png, pixels.data() + y * row);
  if (spec.text) {
    png_time t{2024, 1, 2, 3, 4, 5};
    png_set_tIME(png, info, &t);
  }
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  return out;
}

TEST(ImageMedia, PngEveryColourTypeAndDepthPixelExact) {
  const PngSpec specs[] = {{0, 1}, {0, 2}, {0, 4}, {0, 8}, {0, 16}, {2, 8}, {2, 16}, {3, 1},
                           {3, 2}, {3, 4}, {3, 8}, {4, 8}, {4, 16}, {6, 8}, {6, 16}};
  for (const PngSpec& spec : specs) {
    SCOPED_TRACE("color type " + std::to_string(spec.color_type) + " depth " +
                 std::to_string(spec.depth));
    Bytes pixels;
    const Bytes file = make_png(spec, 13, 7, pixels);
    ImageFile image;
    Bytes got;
    ASSERT_TRUE(sniff(file));
    ASSERT_TRUE(parse(file, image, got));
    EXPECT_EQ(got, pixels);
    EXPECT_EQ(image.layout.bits, spec.depth);
    EXPECT_EQ(image.png_color_type, spec.color_type);
    ImageFile restored;
    ASSERT_TRUE(deserialize(serialize(image), restored).is_ok());
    Bytes back;
    ASSERT_TRUE(rebuild(restored, got, back).is_ok());
    // The new PNG has the same pixels and the same other chunks in the same places.
    ImageFile again;
    Bytes again_pixels;
    ASSERT_TRUE(parse(back, again, again_pixels));
    EXPECT_EQ(again_pixels, pixels);
    EXPECT_EQ(again.prefix, image.prefix);
    EXPECT_EQ(again.suffix, image.suffix);
    EXPECT_NE(std::string(image.prefix.begin(), image.prefix.end()).find("tEXt"),
              std::string::npos);
    EXPECT_NE(std::string(image.suffix.begin(), image.suffix.end()).find("tIME"),
              std::string::npos);
  }
}

TEST(ImageMedia, PngDamagedOrInterlacedIsDeclined) {
  Bytes pixels;
  const Bytes good = make_png({2, 8}, 9, 9, pixels);
  Bytes truncated(good.begin(), good.begin() + good.size() / 2);
  expect_declined(truncated);
  Bytes bad_crc = good;
  bad_crc[good.size() / 2] ^= 0x40;  // inside IDAT: its CRC no longer matches
  expect_declined(bad_crc);
  expect_declined(make_png({2, 8, true}, 9, 9, pixels));
  Bytes no_iend = good;
  no_iend.resize(good.size() - 12);
  expect_declined(no_iend);
}

TEST(ImageMedia, NotImagesAreDeclined) {
  expect_declined(Bytes{});
  expect_declined(Bytes{'P'});
  Bytes text;
  append(text, "Plain text that starts with P5 but is not an image.");
  expect_declined(text);
  expect_declined(Bytes(100, 'B'));
}

TEST(ImageMedia, ParamsRecordIsStrict) {
  Bytes px;
  const Bytes file = make_png({2, 8}, 4, 4, px);
  ImageFile image;
  Bytes got;
  ASSERT_TRUE(parse(file, image, got));
  const Bytes params = serialize(image);
  ImageFile out;
  ASSERT_TRUE(deserialize(params, out).is_ok());
  for (std::size_t cut = 0; cut < params.size(); ++cut) {
    EXPECT_FALSE(deserialize(std::span(params).first(cut), out).is_ok()) << cut;
  }
  Bytes longer = params;
  longer.push_back(0);
  EXPECT_FALSE(deserialize(longer, out).is_ok());
  Bytes version = params;
  version[0] = 3;
  EXPECT_EQ(deserialize(version, out).code(), ErrorCode::kUnsupportedVersion);
  Bytes channels = params;
  channels[4] = 5;  // after version, format and one-byte varints for width 4 and height 4
  EXPECT_EQ(deserialize(channels, out).code(), ErrorCode::kCorrupt);
  Bytes colour = params;
  colour[9] = 5;  // png_color_type
  EXPECT_EQ(deserialize(colour, out).code(), ErrorCode::kCorrupt);
  // Pixels that do not fit the layout are refused.
  Bytes rebuilt;
  // A canonical PNM header is not stored, and a stored one that is canonical is refused.
  Bytes pgm;
  append(pgm, "P5\n2 2\n255\n");
  append(pgm, Bytes{1, 2, 3, 4});
  ImageFile plain;
  Bytes plain_px;
  ASSERT_TRUE(parse(pgm, plain, plain_px));
  // Version 1 (lmpack before the short record) with the header flag still reads.
  const Bytes compact = {1, 1, 2, 2, 1, 1, 8, 2, 0, 0, 0, 0, 0};
  ASSERT_TRUE(deserialize(compact, out).is_ok());
  EXPECT_EQ(out.prefix, Bytes(pgm.begin(), pgm.begin() + 11));
  EXPECT_EQ(serialize(out), serialize(plain));
  Bytes spelled = compact;
  spelled[7] = 0;  // flags: header not omitted, but none stored
  EXPECT_TRUE(deserialize(spelled, out).is_ok());
  EXPECT_NE(serialize(out), compact);
  Bytes non_minimal = params;
  non_minimal.insert(non_minimal.begin() + 2, 0x84);  // width 4 as 84 00
  non_minimal[3] = 0;
  EXPECT_FALSE(deserialize(non_minimal, out).is_ok());
  EXPECT_EQ(rebuild(image, std::span(got).first(got.size() - 1), rebuilt).code(),
            ErrorCode::kCorrupt);
}

// Version 2, the short record of a plain PNM: version, kind (bits, bit 5 for P6), width; the
// height comes from the pixel stream's size. Anything else keeps version 1.
TEST(ImageMedia, PlainPnmParamsAreShortAndStrict) {
  Bytes pgm;
  append(pgm, "P5\n64 32\n255\n");
  append(pgm, samples(64 * 32, 1, 255, 3));
  ImageFile image;
  Bytes px;
  ASSERT_TRUE(parse(pgm, image, px));
  const Bytes params = serialize(image);
  EXPECT_EQ(params, (Bytes{2, 8, 64}));
  ImageFile out;
  ASSERT_TRUE(deserialize(params, 2048, out).is_ok());
  EXPECT_EQ(out.layout.height, 32u);
  EXPECT_EQ(serialize(out), params);
  Bytes back;
  ASSERT_TRUE(rebuild(out, px, back).is_ok());
  EXPECT_EQ(back, pgm);
  for (std::size_t cut = 0; cut < params.size(); ++cut) {
    EXPECT_FALSE(deserialize(std::span(params).first(cut), 2048, out).is_ok()) << cut;
  }
  Bytes longer = params;
  longer.push_back(32);
  EXPECT_EQ(deserialize(longer, 2048, out).code(), ErrorCode::kCorrupt);
  // The height needs the stream's size, and the size must be whole rows (at least one).
  EXPECT_EQ(deserialize(params, out).code(), ErrorCode::kCorrupt);
  EXPECT_EQ(deserialize(params, 2047, out).code(), ErrorCode::kCorrupt);
  EXPECT_EQ(deserialize(params, 0, out).code(), ErrorCode::kCorrupt);
  ASSERT_TRUE(deserialize(params, 64, out).is_ok());
  EXPECT_EQ(out.layout.height, 1u);
  EXPECT_EQ(out.prefix, (Bytes{'P', '5', '\n', '6', '4', ' ', '1', '\n', '2', '5', '5', '\n'}));
  for (std::uint8_t kind : {0x00, 0x11, 0x1f, 0x40, 0x80, 0x28 | 0x40}) {
    EXPECT_EQ(deserialize(Bytes{2, kind, 64}, 2048, out).code(), ErrorCode::kCorrupt) << int{kind};
  }
  EXPECT_EQ(deserialize(Bytes{2, 8, 0}, 2048, out).code(), ErrorCode::kCorrupt);  // width 0
  EXPECT_EQ(deserialize(Bytes{2, 8, 0xc0, 0x00}, 2048, out).code(), ErrorCode::kCorrupt);  // long
  // P6: 3 bytes a pixel.
  EXPECT_EQ(deserialize(Bytes{2, 0x28, 64}, 2048, out).code(), ErrorCode::kCorrupt);
  ASSERT_TRUE(deserialize(Bytes{2, 0x28, 64}, 6144, out).is_ok());
  EXPECT_EQ(out.layout.height, 32u);

  // 16-bit P6 (two bytes per sample) and a 1-bit P5.
  Bytes ppm;
  append(ppm, "P6\n3 2\n65535\n");
  const Bytes deep = samples(3 * 2 * 3, 2, 65535, 4);
  append(ppm, deep);
  ASSERT_TRUE(parse(ppm, image, px));
  EXPECT_EQ(serialize(image), (Bytes{2, 0x20 | 16, 3}));
  expect_byte_exact(ppm, 3, 2, 16, deep);
  Bytes bilevel;
  append(bilevel, "P5\n5 1\n1\n");
  const Bytes bits = {0, 1, 1, 0, 1};
  append(bilevel, bits);
  ASSERT_TRUE(parse(bilevel, image, px));
  EXPECT_EQ(serialize(image), (Bytes{2, 1, 5}));
  expect_byte_exact(bilevel, 1, 1, 1, bits);

  // Bytes after the raster or a header written otherwise keep the version 1 record.
  Bytes trailing = pgm;
  trailing.push_back('\n');
  ASSERT_TRUE(parse(trailing, image, px));
  EXPECT_EQ(serialize(image)[0], 1);
  expect_byte_exact(trailing, 1, 1, 8, px);
  Bytes spaced;
  append(spaced, "P5 64 32 255\n");
  append(spaced, samples(64 * 32, 1, 255, 3));
  ASSERT_TRUE(parse(spaced, image, px));
  EXPECT_EQ(serialize(image)[0], 1);
}

}  // namespace
}  // namespace lmpack::media::image
