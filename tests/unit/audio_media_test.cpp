// The audio front end: every container it parses comes back byte for byte (extra chunks, pad
// bytes, partial frames, truncated and lying headers included), anything else is declined
// rather than failing, FLAC comes back sample-exact, and the media params record is strict.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <tuple>
#include <vector>

#include "media/audio/audio_file.h"
#include "media/audio/flac_codec.h"

namespace lmpack::media::audio {
namespace {

using Bytes = std::vector<std::uint8_t>;

std::uint64_t next_random(std::uint64_t& state) {  // splitmix64
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

Bytes random_bytes(std::size_t n, std::uint64_t seed) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(next_random(seed) >> 56);
  return b;
}

void put_le(Bytes& b, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_be(Bytes& b, std::uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_tag(Bytes& b, const char* tag) { b.insert(b.end(), tag, tag + std::strlen(tag)); }
void append(Bytes& b, const Bytes& more) { b.insert(b.end(), more.begin(), more.end()); }

// --- Little writers for each container -------------------------------------------------------

// A RIFF-style chunk (4-byte id, 32-bit size, pad byte after an odd body).
Bytes chunk(const char* id, const Bytes& body, bool big_endian = false, std::int64_t size = -1) {
  Bytes c;
  put_tag(c, id);
  const std::uint64_t s = size < 0 ? body.size() : static_cast<std::uint64_t>(size);
  big_endian ? put_be(c, s, 4) : put_le(c, s, 4);
  append(c, body);
  if (body.size() % 2 == 1) c.push_back(0);
  return c;
}

struct Fmt {
  int tag = 1;
  int channels = 2;
  int container_bits = 16;
  int valid_bits = 0;  // extensible only
  int block_align = -1;
  std::uint32_t rate = 44100;
};

Bytes fmt_body(const Fmt& f) {
  Bytes b;
  const int align = f.block_align >= 0 ? f.block_align : f.channels * ((f.container_bits + 7) / 8);
  put_le(b, static_cast<std::uint64_t>(f.tag), 2);
  put_le(b, static_cast<std::uint64_t>(f.channels), 2);
  put_le(b, f.rate, 4);
  put_le(b, std::uint64_t{f.rate} * static_cast<std::uint64_t>(align), 4);
  put_le(b, static_cast<std::uint64_t>(align), 2);
  put_le(b, static_cast<std::uint64_t>(f.container_bits), 2);
  if (f.tag == 0xFFFE) {
    put_le(b, 22, 2);
    put_le(b, static_cast<std::uint64_t>(f.valid_bits), 2);
    put_le(b, 0, 4);
    const std::uint8_t pcm[16] = {1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71};
    b.insert(b.end(), pcm, pcm + 16);
  }
  return b;
}

Bytes riff(const std::vector<Bytes>& chunks, const char* magic = "RIFF") {
  Bytes body;
  put_tag(body, "WAVE");
  for (const Bytes& c : chunks) append(body, c);
  Bytes f;
  put_tag(f, magic);
  put_le(f, std::string(magic) == "RIFF" ? body.size() : 0xFFFFFFFF, 4);
  append(f, body);
  return f;
}

Bytes wav(const Fmt& f, const Bytes& data, std::vector<Bytes> before = {},
          std::vector<Bytes> after = {}) {
  std::vector<Bytes> chunks = {chunk("fmt ", fmt_body(f))};
  for (auto& c : before) chunks.push_back(c);
  chunks.push_back(chunk("data", data));
  for (auto& c : after) chunks.push_back(c);
  return riff(chunks);
}

Bytes comm_body(int channels, std::uint32_t frames, int bits, const char* compression) {
  Bytes b;
  put_be(b, static_cast<std::uint64_t>(channels), 2);
  put_be(b, frames, 4);
  put_be(b, static_cast<std::uint64_t>(bits), 2);
  // 44100 as an 80-bit extended float.
  const std::uint8_t rate[10] = {0x40, 0x0E, 0xAC, 0x44, 0, 0, 0, 0, 0, 0};
  b.insert(b.end(), rate, rate + 10);
  if (compression != nullptr) {
    put_tag(b, compression);
    b.push_back(0);  // empty pascal string + pad
    b.push_back(0);
  }
  return b;
}

Bytes aiff(int channels, int bits, const Bytes& data, const char* compression = nullptr,
           std::uint32_t ssnd_offset = 0, std::vector<Bytes> after = {}) {
  const int frame = std::max(1, channels * ((bits + 7) / 8));
  Bytes ssnd;
  put_be(ssnd, ssnd_offset, 4);
  put_be(ssnd, 0, 4);
  ssnd.insert(ssnd.end(), ssnd_offset, 0xEE);
  append(ssnd, data);
  Bytes body;
  put_tag(body, compression != nullptr ? "AIFC" : "AIFF");
  append(body, chunk("COMM",
                     comm_body(channels, static_cast<std::uint32_t>(data.size() / frame), bits,
                               compression),
                     true));
  append(body, chunk("ANNO", Bytes{'h', 'i', '!'}, true));  // odd: pad byte
  append(body, chunk("SSND", ssnd, true));
  for (auto& c : after) append(body, c);
  Bytes f;
  put_tag(f, "FORM");
  put_be(f, body.size(), 4);
  append(f, body);
  return f;
}

const std::uint8_t kW64Riff[16] = {'r',  'i',  'f',  'f',  0x2E, 0x91, 0xCF, 0x11,
                                   0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0,    0};
Bytes w64_guid(const char* tag) {
  Bytes g;
  put_tag(g, tag);
  const std::uint8_t rest[12] = {0xF3, 0xAC, 0xD3, 0x11, 0x8C, 0xD1,
                                 0,    0xC0, 0x4F, 0x8E, 0xDB, 0x8A};
  g.insert(g.end(), rest, rest + 12);
  return g;
}
Bytes w64_chunk(const char* tag, const Bytes& body) {
  Bytes c = w64_guid(tag);
  put_le(c, body.size() + 24, 8);
  append(c, body);
  while (c.size() % 8 != 0) c.push_back(0);
  return c;
}
Bytes w64(const Fmt& f, const Bytes& data) {
  Bytes body = w64_guid("wave");
  append(body, w64_chunk("fmt ", fmt_body(f)));
  append(body, w64_chunk("junk", Bytes(5, 7)));
  append(body, w64_chunk("data", data));
  Bytes file(kW64Riff, kW64Riff + 16);
  put_le(file, body.size() + 24, 8);
  append(file, body);
  return file;
}

Bytes caf_chunk(const char* tag, const Bytes& body, std::uint64_t size) {
  Bytes c;
  put_tag(c, tag);
  put_be(c, size, 8);
  append(c, body);
  return c;
}
Bytes caf(int channels, int bytes, int bits, bool little_endian, const Bytes& data,
          bool size_unknown = false, std::uint32_t flags_extra = 0) {
  Bytes file;
  put_tag(file, "caff");
  put_be(file, 1, 2);
  put_be(file, 0, 2);
  Bytes desc;
  put_be(desc, std::bit_cast<std::uint64_t>(48000.0), 8);
  put_tag(desc, "lpcm");
  put_be(desc, (little_endian ? 2u : 0u) | flags_extra, 4);
  put_be(desc, static_cast<std::uint64_t>(channels * bytes), 4);
  put_be(desc, 1, 4);
  put_be(desc, static_cast<std::uint64_t>(channels), 4);
  put_be(desc, static_cast<std::uint64_t>(bits), 4);
  append(file, caf_chunk("desc", desc, desc.size()));
  append(file, caf_chunk("free", Bytes(3, 0), 3));
  Bytes body = {0, 0, 0, 1};  // edit count
  append(body, data);
  append(file, caf_chunk("data", body, size_unknown ? ~std::uint64_t{0} : body.size()));
  return file;
}

Bytes rf64(const Fmt& f, const Bytes& data, std::vector<Bytes> after = {}) {
  Bytes ds64;
  put_le(ds64, 0, 8);            // riff size (unused by the parser)
  put_le(ds64, data.size(), 8);  // data size
  put_le(ds64, 0, 8);            // sample count
  put_le(ds64, 0, 4);            // table length
  std::vector<Bytes> chunks = {chunk("ds64", ds64), chunk("fmt ", fmt_body(f)),
                               chunk("data", data, false, 0xFFFFFFFF)};
  for (auto& c : after) chunks.push_back(c);
  return riff(chunks, "RF64");
}

// --- Checks ---------------------------------------------------------------------------------

// Parses `file`; if that succeeds, the tokens must rebuild it exactly and the params must
// survive serialization. Returns whether it parsed.
bool parses_exactly(const Bytes& file, AudioFile* out = nullptr, Bytes* tokens_out = nullptr) {
  AudioFile a;
  Bytes tokens;
  if (!parse(file, a, tokens)) {
    EXPECT_TRUE(tokens.empty());
    return false;
  }
  EXPECT_EQ(tokens.size(), a.frames * static_cast<std::uint64_t>(a.layout.frame_bytes()));
  EXPECT_EQ(a.prefix.size() + tokens.size() + a.suffix.size(), file.size());
  AudioFile b;
  const Bytes params = serialize(a);
  EXPECT_TRUE(deserialize(params, b).is_ok());
  EXPECT_EQ(serialize(b), params);
  Bytes rebuilt;
  EXPECT_TRUE(rebuild(b, tokens, FlacOutput::kWav, rebuilt).is_ok());
  EXPECT_TRUE(rebuilt == file);
  if (out != nullptr) *out = a;
  if (tokens_out != nullptr) *tokens_out = tokens;
  return true;
}

// Every cut of `file` parses and rebuilds exactly or is declined (never a crash or a mismatch).
void every_truncation(const Bytes& file) {
  for (std::size_t n = 0; n <= file.size(); ++n) {
    SCOPED_TRACE(n);
    parses_exactly(Bytes(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(n)));
    if (testing::Test::HasFailure()) return;
  }
}

// Random single-byte damage anywhere: parse exactly or decline.
void random_damage(const Bytes& file, std::uint64_t seed, int rounds) {
  for (int r = 0; r < rounds; ++r) {
    Bytes f = file;
    const int edits = 1 + static_cast<int>(next_random(seed) % 3);
    for (int e = 0; e < edits; ++e) {
      f[next_random(seed) % f.size()] = static_cast<std::uint8_t>(next_random(seed));
    }
    SCOPED_TRACE(r);
    parses_exactly(f);
    if (testing::Test::HasFailure()) return;
  }
}

// --- Tokens ---------------------------------------------------------------------------------

TEST(AudioTokens, OffsetBinaryMostSignificantFirst) {
  PcmLayout le16{1, 2, 16, false, false, 0};
  Bytes samples = {0x00, 0x80, 0x00, 0x00, 0xFF, 0x7F, 0x34, 0x12};  // -32768, 0, 32767, 0x1234
  Bytes tokens(8);
  samples_to_tokens(le16, samples, tokens);
  EXPECT_EQ(tokens, (Bytes{0x00, 0x00, 0x80, 0x00, 0xFF, 0xFF, 0x92, 0x34}));

  PcmLayout be24{1, 3, 24, true, false, 0};
  samples = {0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x01};  // -1, 1
  tokens.assign(6, 0);
  samples_to_tokens(be24, samples, tokens);
  EXPECT_EQ(tokens, (Bytes{0x7F, 0xFF, 0xFF, 0x80, 0x00, 0x01}));

  PcmLayout u8{1, 1, 8, false, true, 0};  // 8-bit WAV is already offset binary
  samples = {0x00, 0x80, 0xFF};
  tokens.assign(3, 0);
  samples_to_tokens(u8, samples, tokens);
  EXPECT_EQ(tokens, samples);
  PcmLayout s8{1, 1, 8, true, false, 0};  // 8-bit AIFF is signed
  samples_to_tokens(s8, samples, tokens);
  EXPECT_EQ(tokens, (Bytes{0x80, 0x00, 0x7F}));
}

TEST(AudioTokens, ExhaustiveInverseFor8And16Bits) {
  for (int bytes = 1; bytes <= 2; ++bytes) {
    for (int flags = 0; flags < 4; ++flags) {
      const PcmLayout l{1, bytes, 8 * bytes, (flags & 1) != 0, (flags & 2) != 0, 0};
      const std::size_t patterns = std::size_t{1} << (8 * bytes);
      Bytes samples(patterns * bytes);
      for (std::size_t v = 0; v < patterns; ++v) {
        for (int k = 0; k < bytes; ++k)
          samples[v * bytes + k] = static_cast<std::uint8_t>(v >> (8 * k));
      }
      Bytes tokens(samples.size()), back(samples.size());
      samples_to_tokens(l, samples, tokens);
      tokens_to_samples(l, tokens, back);
      ASSERT_EQ(back, samples);
      // A bijection onto all patterns, ordered as offset binary: token value = sample + 2^(n-1).
      std::vector<bool> seen(patterns);
      for (std::size_t v = 0; v < patterns; ++v) {
        std::size_t t = 0;
        for (int k = 0; k < bytes; ++k) t = (t << 8) | tokens[v * bytes + k];
        ASSERT_FALSE(seen[t]);
        seen[t] = true;
        std::size_t raw = 0;  // the sample's bits in file byte order
        for (int k = 0; k < bytes; ++k) {
          raw |= std::size_t{samples[v * bytes + (l.big_endian ? bytes - 1 - k : k)]} << (8 * k);
        }
        const std::size_t expect = l.is_unsigned ? raw : (raw + patterns / 2) % patterns;
        ASSERT_EQ(t, expect);
      }
    }
  }
}

TEST(AudioTokens, RandomInverseFor24And32Bits) {
  for (int bytes = 3; bytes <= 4; ++bytes) {
    for (int be = 0; be < 2; ++be) {
      const PcmLayout l{3, bytes, 8 * bytes - 3, be != 0, false, 0};
      const Bytes samples = random_bytes(3 * bytes * 1000, 11 + bytes + be);
      Bytes tokens(samples.size()), back(samples.size());
      samples_to_tokens(l, samples, tokens);
      tokens_to_samples(l, tokens, back);
      ASSERT_EQ(back, samples);
    }
  }
}

// --- WAV ------------------------------------------------------------------------------------

TEST(AudioWav, PlainRoundTripsAllSizesAndChannels) {
  for (int bytes = 1; bytes <= 4; ++bytes) {
    for (int channels : {1, 2, 6}) {
      SCOPED_TRACE(bytes * 100 + channels);
      Fmt f;
      f.channels = channels;
      f.container_bits = 8 * bytes;
      const Bytes data =
          random_bytes(static_cast<std::size_t>(37 * channels * bytes), bytes + 7 * channels);
      const Bytes file = wav(f, data);
      AudioFile a;
      Bytes tokens;
      ASSERT_TRUE(parses_exactly(file, &a, &tokens));
      EXPECT_EQ(a.container, Container::kWav);
      EXPECT_EQ(a.layout.channels, channels);
      EXPECT_EQ(a.layout.bytes_per_sample, bytes);
      EXPECT_EQ(a.layout.bits, 8 * bytes);
      EXPECT_EQ(a.layout.is_unsigned, bytes == 1);
      EXPECT_FALSE(a.layout.big_endian);
      EXPECT_EQ(a.layout.sample_rate, 44100u);
      EXPECT_EQ(a.frames, 37u);
      EXPECT_EQ(a.prefix.size(), 44u);
      EXPECT_EQ(a.suffix.size(), data.size() % 2);  // the pad byte
      // First sample: most significant byte first, sign flipped unless 8-bit.
      EXPECT_EQ(tokens[0], data[bytes - 1] ^ (bytes == 1 ? 0 : 0x80));
    }
  }
}

TEST(AudioWav, ExtraChunksPadBytesAndPartialFrames) {
  Fmt f;  // 16-bit stereo
  const Bytes list =
      chunk("LIST", Bytes{'I', 'N', 'F', 'O', 'I', 'S', 'F', 'T', 3, 0, 0, 0, 'a', 'b', 0});
  const Bytes odd = chunk("odd ", Bytes{1, 2, 3});  // odd size, pad byte
  const Bytes tail = chunk("id3 ", random_bytes(21, 3));
  // 10 whole frames and 3 bytes of a partial one; odd data size, so a pad byte follows.
  const Bytes data = random_bytes(43, 5);
  AudioFile a;
  ASSERT_TRUE(parses_exactly(wav(f, data, {list, odd}, {tail}), &a));
  EXPECT_EQ(a.frames, 10u);
  EXPECT_EQ(a.suffix.size(), 3u + 1u + tail.size());
  EXPECT_EQ(a.prefix.size(), 12u + 24u + list.size() + odd.size() + 8u);
}

TEST(AudioWav, EightBitUnsignedOddLength) {
  Fmt f;
  f.channels = 1;
  f.container_bits = 8;
  AudioFile a;
  Bytes tokens;
  const Bytes data = random_bytes(101, 8);
  ASSERT_TRUE(parses_exactly(wav(f, data), &a, &tokens));
  EXPECT_EQ(tokens, data);  // unsigned 8-bit bytes are the tokens
  EXPECT_EQ(a.suffix, Bytes{0});
  EXPECT_EQ(describe(a), "WAV, 8-bit PCM, 1 ch, 44100 Hz, 101 frames");
}

TEST(AudioWav, ExtensibleWithPaddingBitsKept) {
  Fmt f;
  f.tag = 0xFFFE;
  f.channels = 6;
  f.container_bits = 24;
  f.valid_bits = 20;
  const Bytes data = random_bytes(6 * 3 * 50, 9);  // low 4 bits are not zero: kept anyway
  AudioFile a;
  ASSERT_TRUE(parses_exactly(wav(f, data), &a));
  EXPECT_EQ(a.layout.bits, 20);
  EXPECT_EQ(a.layout.bytes_per_sample, 3);
  EXPECT_EQ(describe(a), "WAV, 20-bit PCM in 3 bytes, 6 ch, 44100 Hz, 50 frames");

  f.valid_bits = 0;  // 0 means "all of them"
  ASSERT_TRUE(parses_exactly(wav(f, data), &a));
  EXPECT_EQ(a.layout.bits, 24);
}

TEST(AudioWav, TwentyBitPlainPcm) {
  Fmt f;
  f.container_bits = 20;  // PCM tag, 20 bits in 3-byte containers
  AudioFile a;
  ASSERT_TRUE(parses_exactly(wav(f, random_bytes(60, 2)), &a));
  EXPECT_EQ(a.layout.bits, 20);
  EXPECT_EQ(a.layout.bytes_per_sample, 3);
}

TEST(AudioWav, DeclinesWhatItCannotKeep) {
  const Bytes data = random_bytes(400, 1);
  auto declined = [&](const Bytes& file) {
    AudioFile a;
    Bytes tokens;
    return !parse(file, a, tokens) && tokens.empty();
  };
  Fmt f;
  f.tag = 3;  // float
  f.container_bits = 32;
  EXPECT_TRUE(declined(wav(f, data)));
  f = Fmt{};
  f.tag = 2;  // ADPCM
  EXPECT_TRUE(declined(wav(f, data)));
  f = Fmt{};
  f.channels = 0;
  f.block_align = 4;
  EXPECT_TRUE(declined(wav(f, data)));
  f = Fmt{};
  f.channels = 65;
  EXPECT_TRUE(declined(wav(f, data)));
  f = Fmt{};
  f.block_align = 3;  // not channels * bytes
  EXPECT_TRUE(declined(wav(f, data)));
  f = Fmt{};
  f.container_bits = 0;
  f.block_align = 4;
  EXPECT_TRUE(declined(wav(f, data)));
  f = Fmt{};
  f.container_bits = 40;
  EXPECT_TRUE(declined(wav(f, data)));
  f = Fmt{};
  f.tag = 0xFFFE;
  f.container_bits = 16;
  f.valid_bits = 17;  // more valid bits than the container
  EXPECT_TRUE(declined(wav(f, data)));
  // Data before fmt.
  EXPECT_TRUE(declined(riff({chunk("data", data), chunk("fmt ", fmt_body(Fmt{}))})));
  // fmt claims more bytes than the file has.
  EXPECT_TRUE(
      declined(riff({chunk("fmt ", fmt_body(Fmt{}), false, 0x7FFFFFF0), chunk("data", data)})));
  // No data chunk; no frames; not a WAV.
  EXPECT_TRUE(declined(riff({chunk("fmt ", fmt_body(Fmt{}))})));
  EXPECT_TRUE(declined(wav(Fmt{}, Bytes{1, 2, 3})));
  EXPECT_TRUE(declined(Bytes{'R', 'I', 'F', 'F'}));
  EXPECT_TRUE(declined(Bytes{}));
  EXPECT_TRUE(declined(random_bytes(1000, 4)));
}

TEST(AudioWav, LyingDataSizeKeepsTheWholeFramesThatExist) {
  Fmt f;
  f.channels = 1;
  f.container_bits = 24;
  Bytes data = random_bytes(3 * 20 + 2, 6);  // 20 frames and 2 bytes of a 21st
  const Bytes file = riff({chunk("fmt ", fmt_body(f)), chunk("data", data, false, 0xFFFFFF00)});
  AudioFile a;
  ASSERT_TRUE(parses_exactly(file, &a));
  EXPECT_EQ(a.frames, 20u);
  EXPECT_EQ(a.suffix.size(), 2u);
}

TEST(AudioWav, StreamedSizesMeanToTheEnd) {
  Fmt f;
  const Bytes data = random_bytes(4 * 25 + 1, 6);
  for (std::int64_t size : {std::int64_t{0}, std::int64_t{0xFFFFFFFF}}) {
    Bytes file = riff({chunk("fmt ", fmt_body(f)), chunk("data", data, false, size)});
    file.pop_back();  // no pad byte: the writer never knew the size
    AudioFile a;
    ASSERT_TRUE(parses_exactly(file, &a));
    EXPECT_EQ(a.frames, 25u);
    EXPECT_EQ(a.suffix.size(), 1u);
  }
}

TEST(AudioWav, EveryTruncationRoundTripsOrIsDeclined) {
  Fmt f;
  const Bytes file =
      wav(f, random_bytes(42, 7), {chunk("LIST", Bytes(5, 'x'))}, {chunk("cue ", Bytes(4, 0))});
  every_truncation(file);
  // A cut inside the samples still parses: the whole frames before the cut.
  AudioFile a;
  ASSERT_TRUE(parses_exactly(Bytes(file.begin(), file.begin() + 44 + 14 + 9), &a));
  EXPECT_EQ(a.frames, 2u);
}

TEST(AudioWav, RandomDamageNeverBreaksTheRoundTrip) {
  Fmt f;
  f.tag = 0xFFFE;
  f.channels = 3;
  f.container_bits = 24;
  f.valid_bits = 24;
  random_damage(wav(f, random_bytes(90, 3), {chunk("LIST", Bytes(7, 'y'))}), 77, 3000);
}

TEST(AudioRf64, Ds64DataSize) {
  Fmt f;
  f.channels = 2;
  f.container_bits = 24;
  const Bytes file = rf64(f, random_bytes(6 * 30, 4), {chunk("axml", Bytes(9, 'z'))});
  AudioFile a;
  ASSERT_TRUE(parses_exactly(file, &a));
  EXPECT_EQ(a.container, Container::kRf64);
  EXPECT_EQ(a.frames, 30u);
  EXPECT_EQ(a.suffix.size(), 18u);
  EXPECT_EQ(describe(a), "RF64, 24-bit PCM, 2 ch, 44100 Hz, 30 frames");
  every_truncation(file);
  random_damage(file, 5, 1000);
  // 0xFFFFFFFF without a ds64 chunk is a lie.
  AudioFile b;
  Bytes tokens;
  EXPECT_FALSE(parse(
      riff({chunk("fmt ", fmt_body(f)), chunk("data", random_bytes(60, 1), false, 0xFFFFFFFF)},
           "RF64"),
      b, tokens));
}

// --- AIFF / AIFC ----------------------------------------------------------------------------

TEST(AudioAiff, RoundTripsAllSizesAndChannels) {
  for (int bits : {8, 12, 16, 24, 32}) {
    for (int channels : {1, 2, 6}) {
      SCOPED_TRACE(bits * 100 + channels);
      const int bytes = (bits + 7) / 8;
      const Bytes data =
          random_bytes(static_cast<std::size_t>(25 * channels * bytes), bits + channels);
      AudioFile a;
      Bytes tokens;
      ASSERT_TRUE(parses_exactly(
          aiff(channels, bits, data, nullptr, 0, {chunk("APPL", Bytes(3, 1), true)}), &a, &tokens));
      EXPECT_EQ(a.container, Container::kAiff);
      EXPECT_EQ(a.layout.bits, bits);
      EXPECT_EQ(a.layout.bytes_per_sample, bytes);
      EXPECT_TRUE(a.layout.big_endian);
      EXPECT_FALSE(a.layout.is_unsigned);
      EXPECT_EQ(a.layout.sample_rate, 44100u);
      EXPECT_EQ(a.frames, 25u);
      EXPECT_EQ(tokens[0], data[0] ^ 0x80);
    }
  }
}

TEST(AudioAiff, AifcNoneAndSowtAndSsndOffset) {
  const Bytes data = random_bytes(4 * 33, 12);
  AudioFile a;
  Bytes tokens;
  ASSERT_TRUE(parses_exactly(aiff(2, 16, data, "NONE", 5), &a, &tokens));
  EXPECT_TRUE(a.layout.big_endian);
  EXPECT_EQ(tokens[0], data[0] ^ 0x80);
  ASSERT_TRUE(parses_exactly(aiff(2, 16, data, "sowt"), &a, &tokens));
  EXPECT_FALSE(a.layout.big_endian);
  EXPECT_EQ(tokens[0], data[1] ^ 0x80);
  EXPECT_EQ(describe(a), "AIFF, 16-bit PCM little-endian, 2 ch, 44100 Hz, 33 frames");
  EXPECT_FALSE(parse(aiff(2, 32, data, "fl32"), a, tokens));
  EXPECT_FALSE(parse(aiff(2, 16, data, "ima4"), a, tokens));
  EXPECT_FALSE(parse(aiff(0, 16, data), a, tokens));
  EXPECT_FALSE(parse(aiff(2, 33, data), a, tokens));
}

TEST(AudioAiff, TruncationAndDamage) {
  const Bytes file =
      aiff(2, 24, random_bytes(6 * 8 + 5, 3), "sowt", 3, {chunk("ANNO", Bytes(5, 'q'), true)});
  every_truncation(file);
  random_damage(file, 9, 2000);
}

TEST(AudioAiff, CommAfterSsnd) {
  const Bytes data = random_bytes(2 * 10, 1);
  Bytes ssnd(8, 0);
  append(ssnd, data);
  Bytes body;
  put_tag(body, "AIFF");
  append(body, chunk("SSND", ssnd, true));
  append(body, chunk("COMM", comm_body(1, 10, 16, nullptr), true));
  Bytes file;
  put_tag(file, "FORM");
  put_be(file, body.size(), 4);
  append(file, body);
  AudioFile a;
  ASSERT_TRUE(parses_exactly(file, &a));
  EXPECT_EQ(a.frames, 10u);
}

// --- W64 and CAF ----------------------------------------------------------------------------

TEST(AudioW64, RoundTripsTruncationAndDamage) {
  for (int bytes = 1; bytes <= 4; ++bytes) {
    Fmt f;
    f.channels = 2;
    f.container_bits = 8 * bytes;
    AudioFile a;
    ASSERT_TRUE(parses_exactly(
        w64(f, random_bytes(static_cast<std::size_t>(2 * bytes * 21 + 1), bytes)), &a));
    EXPECT_EQ(a.container, Container::kW64);
    EXPECT_EQ(a.frames, 21u);
    EXPECT_EQ(a.layout.is_unsigned, bytes == 1);
  }
  Fmt f;
  const Bytes file = w64(f, random_bytes(4 * 9 + 2, 1));
  every_truncation(file);
  random_damage(file, 3, 2000);
}

TEST(AudioCaf, RoundTripsBothEndiansAndUnknownSize) {
  for (int bytes = 1; bytes <= 4; ++bytes) {
    for (int le = 0; le < 2; ++le) {
      const Bytes data = random_bytes(static_cast<std::size_t>(6 * bytes * 11), bytes * 2 + le);
      AudioFile a;
      Bytes tokens;
      ASSERT_TRUE(parses_exactly(caf(6, bytes, 8 * bytes, le != 0, data), &a, &tokens));
      EXPECT_EQ(a.container, Container::kCaf);
      EXPECT_EQ(a.frames, 11u);
      EXPECT_EQ(a.layout.big_endian, le == 0);
      EXPECT_EQ(a.layout.sample_rate, 48000u);
      EXPECT_EQ(tokens[0], data[le != 0 ? bytes - 1 : 0] ^ 0x80);
      Bytes partial = data;
      partial.push_back(1);
      ASSERT_TRUE(parses_exactly(caf(6, bytes, 8 * bytes, le != 0, partial, true), &a));
      EXPECT_EQ(a.frames, 11u);
      EXPECT_EQ(a.suffix.size(), 1u);
    }
  }
  AudioFile a;
  Bytes tokens;
  EXPECT_FALSE(parse(caf(2, 4, 32, false, random_bytes(80, 1), false, 1), a, tokens));  // float
  EXPECT_FALSE(parse(caf(2, 2, 17, false, random_bytes(80, 1)), a, tokens));
  EXPECT_FALSE(parse(caf(0, 2, 16, false, random_bytes(80, 1)), a, tokens));
  const Bytes file = caf(2, 3, 24, true, random_bytes(6 * 7, 2));
  every_truncation(file);
  random_damage(file, 13, 2000);
  random_damage(caf(1, 2, 16, false, random_bytes(30, 2), true), 14, 1000);
}

TEST(AudioSniff, RecognisesContainersByContent) {
  EXPECT_TRUE(sniff(wav(Fmt{}, Bytes(8, 0))));
  EXPECT_TRUE(sniff(aiff(1, 16, Bytes(8, 0))));
  EXPECT_TRUE(sniff(w64(Fmt{}, Bytes(8, 0))));
  EXPECT_TRUE(sniff(caf(1, 2, 16, false, Bytes(8, 0))));
  EXPECT_TRUE(sniff(rf64(Fmt{}, Bytes(8, 0))));
  EXPECT_TRUE(sniff(Bytes{'f', 'L', 'a', 'C', 0, 0, 0, 34}));
  EXPECT_FALSE(sniff(Bytes{'R', 'I', 'F', 'F', 0, 0, 0, 0, 'A', 'V', 'I', ' '}));
  EXPECT_FALSE(sniff(Bytes{}));
  EXPECT_FALSE(sniff(random_bytes(64, 1)));
}

// --- FLAC -----------------------------------------------------------------------------------

// Random-walk samples (compressible, full range) as ints scaled the libsndfile way.
std::vector<int> walk_samples(std::size_t n, int bits, std::uint64_t seed) {
  std::vector<int> s(n);
  std::int64_t v = 0;
  const std::int64_t lo = -(std::int64_t{1} << (bits - 1)), hi = -lo - 1;
  for (auto& x : s) {
    v += static_cast<std::int64_t>(next_random(seed) % 2001) - 1000;
    if (next_random(seed) % 97 == 0) v = next_random(seed) % 2 ? lo : hi;  // hit the extremes
    v = std::clamp(v, lo, hi);
    x = static_cast<int>(static_cast<std::uint32_t>(v) << (32 - bits));
  }
  return s;
}

Bytes read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A FLAC written by libsndfile to a temporary file.
Bytes make_flac(int channels, int bits, const std::vector<int>& samples, int rate) {
  const auto path = std::filesystem::path(testing::TempDir()) / "lmpack_audio_test.flac";
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = SF_FORMAT_FLAC | (bits == 8    ? SF_FORMAT_PCM_S8
                                  : bits == 16 ? SF_FORMAT_PCM_16
                                               : SF_FORMAT_PCM_24);
  SNDFILE* sf = sf_open(path.c_str(), SFM_WRITE, &info);
  EXPECT_NE(sf, nullptr);
  if (sf == nullptr) return {};
  sf_writef_int(sf, samples.data(), static_cast<sf_count_t>(samples.size() / channels));
  sf_close(sf);
  Bytes b = read_file(path);
  std::filesystem::remove(path);
  return b;
}

Bytes expected_tokens(const std::vector<int>& samples, int bits) {
  Bytes t;
  for (int s : samples) {
    const std::uint32_t u = (static_cast<std::uint32_t>(s) >> (32 - bits)) + (1u << (bits - 1));
    for (int k = bits / 8 - 1; k >= 0; --k) t.push_back(static_cast<std::uint8_t>(u >> (8 * k)));
  }
  return t;
}

TEST(AudioFlac, SampleExactAsFlacAndAsWav) {
  for (int bits : {8, 16, 24}) {
    for (int channels : {1, 2, 6}) {
      SCOPED_TRACE(bits * 100 + channels);
      const std::vector<int> samples =
          walk_samples(static_cast<std::size_t>(channels) * 5000, bits, bits + channels);
      const Bytes flac = make_flac(channels, bits, samples, 22050);
      AudioFile a;
      Bytes tokens;
      ASSERT_TRUE(parse(flac, a, tokens));
      EXPECT_EQ(a.container, Container::kFlac);
      EXPECT_EQ(a.layout.channels, channels);
      EXPECT_EQ(a.layout.bits, bits);
      EXPECT_EQ(a.layout.sample_rate, 22050u);
      EXPECT_EQ(a.frames, 5000u);
      EXPECT_TRUE(a.prefix.empty());  // libFLAC's vorbis comment has no tags: not kept
      EXPECT_TRUE(a.suffix.empty());
      ASSERT_EQ(tokens, expected_tokens(samples, bits));

      AudioFile b;
      ASSERT_TRUE(deserialize(serialize(a), b).is_ok());
      for (FlacOutput out : {FlacOutput::kFlac, FlacOutput::kWav}) {
        Bytes file;
        ASSERT_TRUE(rebuild(b, tokens, out, file).is_ok());
        AudioFile c;
        Bytes again;
        ASSERT_TRUE(parse(file, c, again));
        EXPECT_EQ(again, tokens);
        EXPECT_EQ(c.container, out == FlacOutput::kFlac ? Container::kFlac : Container::kWav);
        EXPECT_EQ(c.layout.channels, channels);
        EXPECT_EQ(c.layout.bits, bits);
        EXPECT_EQ(c.layout.sample_rate, 22050u);
        if (out == FlacOutput::kWav) {
          EXPECT_EQ(c.prefix.size(), channels > 2 || bits > 16 ? 68u : 44u);
          EXPECT_EQ(c.suffix.size(), file.size() % 2);  // pad byte after odd data
        }
      }
    }
  }
}

TEST(AudioFlac, TagsAndPicturesSurviveAsFlac) {
  // libsndfile writes tags as a VORBIS_COMMENT; add an APPLICATION block and PADDING by hand.
  const std::vector<int> samples = walk_samples(2 * 3000, 16, 4);
  const auto path = std::filesystem::path(testing::TempDir()) / "lmpack_audio_tags.flac";
  SF_INFO info{};
  info.samplerate = 44100;
  info.channels = 2;
  info.format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
  SNDFILE* sf = sf_open(path.c_str(), SFM_WRITE, &info);
  ASSERT_NE(sf, nullptr);
  sf_set_string(sf, SF_STR_TITLE, "Trilobyte");
  sf_set_string(sf, SF_STR_ARTIST, "lmpack");
  sf_writef_int(sf, samples.data(), 3000);
  sf_close(sf);
  Bytes flac = read_file(path);
  ASSERT_GT(flac.size(), 42u);
  flac[4] &= 0x7F;  // STREAMINFO is no longer the last block
  Bytes extra = {2,   0,    0, 5, 'l', 'm', 'p', 'k',
                 '!', 0x81, 0, 0, 3,   0,   0,   0};  // APPLICATION, PADDING
  std::size_t last = 4;  // clear the last flag of the final block, then insert ours after it
  for (std::size_t p = 4;;) {
    last = p;
    if (flac[p] & 0x80) break;
    p += 4 + ((flac[p + 1] << 16) | (flac[p + 2] << 8) | flac[p + 3]);
  }
  flac[last] &= 0x7F;
  const std::size_t frames_at =
      last + 4 + ((flac[last + 1] << 16) | (flac[last + 2] << 8) | flac[last + 3]);
  flac.insert(flac.begin() + static_cast<std::ptrdiff_t>(frames_at), extra.begin(), extra.end());

  AudioFile a;
  Bytes tokens;
  ASSERT_TRUE(parse(flac, a, tokens));
  EXPECT_EQ(tokens, expected_tokens(samples, 16));
  ASSERT_FALSE(a.prefix.empty());
  EXPECT_EQ(a.prefix.back(), '!');  // the application block; padding dropped
  AudioFile b;
  ASSERT_TRUE(deserialize(serialize(a), b).is_ok());
  Bytes rebuilt;
  ASSERT_TRUE(rebuild(b, tokens, FlacOutput::kFlac, rebuilt).is_ok());
  AudioFile c;
  Bytes again;
  ASSERT_TRUE(parse(rebuilt, c, again));
  EXPECT_EQ(again, tokens);
  EXPECT_EQ(c.prefix, a.prefix);

  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(rebuilt.data()),
             static_cast<std::streamsize>(rebuilt.size()));
  sf = sf_open(path.c_str(), SFM_READ, &info);
  ASSERT_NE(sf, nullptr);
  const char* title = sf_get_string(sf, SF_STR_TITLE);
  EXPECT_STREQ(title != nullptr ? title : "", "Trilobyte");
  sf_close(sf);
  std::filesystem::remove(path);

  // Params whose FLAC prefix is not a clean block sequence are corrupt.
  for (Bytes bad : {Bytes{4, 0, 0}, Bytes{0x84, 0, 0, 0}, Bytes{1, 0, 0, 0}, Bytes{3, 0, 0, 0},
                    Bytes{0, 0, 0, 0}, Bytes{4, 0, 0, 2, 1}}) {
    b.prefix = bad;
    EXPECT_EQ(deserialize(serialize(b), c).code(), ErrorCode::kCorrupt);
  }
}

TEST(AudioFlac, ReferenceDecoderAcceptsTheRebuiltFlac) {
  if (std::system("flac --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "no flac tool";
  const std::vector<int> samples = walk_samples(2 * 3000, 24, 3);
  AudioFile a;
  Bytes tokens, file;
  ASSERT_TRUE(parse(make_flac(2, 24, samples, 48000), a, tokens));
  ASSERT_TRUE(rebuild(a, tokens, FlacOutput::kFlac, file).is_ok());
  const auto dir = std::filesystem::path(testing::TempDir());
  const auto flac_path = dir / "lmpack_audio_rebuilt.flac", wav_path = dir / "lmpack_audio_ref.wav";
  std::ofstream(flac_path, std::ios::binary)
      .write(reinterpret_cast<const char*>(file.data()), static_cast<std::streamsize>(file.size()));
  const std::string cmd = "flac -s -f -d -o " + wav_path.string() + " " + flac_path.string();
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  Bytes wav_tokens;
  AudioFile w;
  ASSERT_TRUE(parse(read_file(wav_path), w, wav_tokens));
  EXPECT_EQ(wav_tokens, tokens);
  std::filesystem::remove(flac_path);
  std::filesystem::remove(wav_path);
}

TEST(AudioFlac, DamagedOrTruncatedStreamsAreDeclinedNotMisread) {
  const std::vector<int> samples = walk_samples(2 * 4000, 16, 8);
  const Bytes flac = make_flac(2, 16, samples, 44100);
  const Bytes expect = expected_tokens(samples, 16);
  AudioFile a;
  Bytes tokens;
  for (std::size_t cut : {flac.size() - 1, flac.size() / 2, std::size_t{100}, std::size_t{41}}) {
    EXPECT_FALSE(
        parse(Bytes(flac.begin(), flac.begin() + static_cast<std::ptrdiff_t>(cut)), a, tokens))
        << cut;
  }
  std::uint64_t seed = 21;
  for (int r = 0; r < 40; ++r) {
    Bytes f = flac;
    f[100 + next_random(seed) % (f.size() - 100)] ^=
        static_cast<std::uint8_t>(1 + next_random(seed) % 255);
    if (parse(f, a, tokens)) {
      EXPECT_EQ(tokens, expect) << r;  // MD5 or CRC must catch a change
    }
  }
  Bytes id3 = {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0};
  append(id3, flac);
  EXPECT_FALSE(parse(id3, a, tokens));
}

// --- Params ---------------------------------------------------------------------------------

TEST(AudioParams, RoundTripAndEveryTruncationRejected) {
  AudioFile a;
  Bytes tokens;
  ASSERT_TRUE(parse(wav(Fmt{}, random_bytes(41, 1), {chunk("LIST", Bytes(4, 'a'))}), a, tokens));
  const Bytes p = serialize(a);
  AudioFile b;
  ASSERT_TRUE(deserialize(p, b).is_ok());
  EXPECT_EQ(serialize(b), p);
  EXPECT_EQ(b.prefix, a.prefix);
  EXPECT_EQ(b.suffix, a.suffix);
  for (std::size_t n = 0; n < p.size(); ++n) {
    const Status s = deserialize({p.data(), n}, b);
    EXPECT_EQ(s.code(), ErrorCode::kCorrupt) << n;
    EXPECT_FALSE(s.message().empty());
  }
  Bytes longer = p;
  longer.push_back(0);
  EXPECT_EQ(deserialize(longer, b).code(), ErrorCode::kCorrupt);
}

// True when `record` with byte `at` set to `value` is refused as corrupt.
bool rejects_with(Bytes record, std::size_t at, std::uint8_t value) {
  record[at] = value;
  AudioFile b;
  return deserialize(record, b).code() == ErrorCode::kCorrupt;
}

// A canonical WAV (what lmpack writes: 44-byte or extensible header, a pad byte after odd data)
// gets the short record (version 2); it rebuilds the same header, and every truncation, trailing
// byte or bad field is refused. Version 1 records of canonical WAVs (older archives) still read.
TEST(AudioParams, CanonicalWavShortRecord) {
  for (const auto& [channels, bytes, frames] :
       {std::tuple{1, 2, 1000}, {2, 2, 333}, {1, 1, 77}, {2, 3, 500}, {6, 2, 10}}) {
    AudioFile a;
    a.container = Container::kWav;
    a.layout = PcmLayout{channels, bytes, 8 * bytes, false, bytes == 1, 22050};
    a.frames = static_cast<std::uint64_t>(frames);
    const Bytes samples = random_bytes(static_cast<std::size_t>(frames * channels * bytes), 3);
    Bytes file;
    ASSERT_TRUE(detail::write_canonical_wav(a, samples, file).is_ok());
    AudioFile parsed, back;
    Bytes tokens;
    ASSERT_TRUE(parse(file, parsed, tokens));
    const Bytes p = serialize(parsed);
    ASSERT_EQ(p[0], 2) << channels << "x" << bytes;
    EXPECT_LE(p.size(), 10u);
    ASSERT_TRUE(deserialize(p, back).is_ok());
    EXPECT_EQ(back.prefix, parsed.prefix);
    EXPECT_EQ(back.suffix, parsed.suffix);
    EXPECT_EQ(back.frames, parsed.frames);
    EXPECT_EQ(serialize(back), p);
    Bytes rebuilt;
    ASSERT_TRUE(rebuild(back, tokens, FlacOutput::kFlac, rebuilt).is_ok());
    EXPECT_EQ(rebuilt, file);
    for (std::size_t n = 0; n < p.size(); ++n) {
      EXPECT_EQ(deserialize({p.data(), n}, back).code(), ErrorCode::kCorrupt) << n;
    }
    Bytes longer = p;
    longer.push_back(0);
    EXPECT_EQ(deserialize(longer, back).code(), ErrorCode::kCorrupt);
  }
  AudioFile a;
  Bytes tokens;
  ASSERT_TRUE(parse(wav(Fmt{}, random_bytes(40, 1)), a, tokens));
  const Bytes good = serialize(a);
  ASSERT_EQ(good[0], 2);
  auto rejected = [&](std::size_t at, std::uint8_t value) { return rejects_with(good, at, value); };
  EXPECT_TRUE(rejected(1, 0));  // channels
  EXPECT_TRUE(rejected(1, 65));
  EXPECT_TRUE(rejected(2, 0));  // bytes per sample
  EXPECT_TRUE(rejected(2, 5));
  EXPECT_TRUE(rejected(3, 0));  // bits
  EXPECT_TRUE(rejected(3, 17));
  EXPECT_TRUE(rejected(8, 0));     // zero frames (a one-byte varint here)
  EXPECT_TRUE(rejected(8, 0x80));  // a varint cut short
  // The same file as a version 1 record (as lmpack wrote it before version 2) reads the same.
  Bytes v1 = {1,
              1,
              static_cast<std::uint8_t>(a.layout.channels),
              static_cast<std::uint8_t>(a.layout.bytes_per_sample),
              static_cast<std::uint8_t>(a.layout.bits),
              0};
  for (int i = 0; i < 4; ++i)
    v1.push_back(static_cast<std::uint8_t>(a.layout.sample_rate >> (8 * i)));
  for (int i = 0; i < 8; ++i) v1.push_back(static_cast<std::uint8_t>(a.frames >> (8 * i)));
  for (int i = 0; i < 8; ++i) v1.push_back(static_cast<std::uint8_t>(a.prefix.size() >> (8 * i)));
  v1.insert(v1.end(), a.prefix.begin(), a.prefix.end());
  for (int i = 0; i < 8; ++i) v1.push_back(static_cast<std::uint8_t>(a.suffix.size() >> (8 * i)));
  v1.insert(v1.end(), a.suffix.begin(), a.suffix.end());
  AudioFile old;
  ASSERT_TRUE(deserialize(v1, old).is_ok());
  EXPECT_EQ(old.prefix, a.prefix);
  EXPECT_EQ(old.suffix, a.suffix);
  EXPECT_EQ(serialize(old), good);
}

TEST(AudioParams, BadFieldsRejected) {
  AudioFile a;
  Bytes tokens;
  // A chunk after the samples: not a canonical WAV, so the full record (version 1).
  ASSERT_TRUE(parse(wav(Fmt{}, random_bytes(40, 1), {chunk("LIST", Bytes(4, 'a'))}), a, tokens));
  const Bytes good = serialize(a);
  ASSERT_EQ(good[0], 1);
  auto rejected = [&](std::size_t at, std::uint8_t value) { return rejects_with(good, at, value); };
  EXPECT_TRUE(rejected(0, 2));  // version
  EXPECT_TRUE(rejected(1, 0));  // container
  EXPECT_TRUE(rejected(1, 7));
  EXPECT_TRUE(rejected(2, 0));  // channels
  EXPECT_TRUE(rejected(2, 65));
  EXPECT_TRUE(rejected(3, 0));  // bytes per sample
  EXPECT_TRUE(rejected(3, 5));
  EXPECT_TRUE(rejected(4, 0));  // bits
  EXPECT_TRUE(rejected(4, 17));
  EXPECT_TRUE(rejected(5, 1));                     // big-endian WAV
  EXPECT_TRUE(rejected(5, 4));                     // unknown flag
  EXPECT_TRUE(rejected(5 + 1 + 4 + 7, 0xFF));      // frame count beyond 2^56 bytes
  EXPECT_TRUE(rejected(5 + 1 + 4 + 8 + 7, 0x01));  // prefix length past the end
  for (int i = 0; i < 8; ++i) {                    // zero frames
    Bytes p = good;
    std::fill_n(p.begin() + 10, 8, 0);
    AudioFile b;
    EXPECT_EQ(deserialize(p, b).code(), ErrorCode::kCorrupt);
  }
  // FLAC with side bytes, FLAC with 32-bit samples.
  AudioFile flac;
  flac.container = Container::kFlac;
  flac.layout = PcmLayout{2, 2, 16, false, false, 44100};
  flac.frames = 10;
  AudioFile b;
  EXPECT_TRUE(deserialize(serialize(flac), b).is_ok());
  flac.prefix = {1};
  EXPECT_EQ(deserialize(serialize(flac), b).code(), ErrorCode::kCorrupt);
  flac.prefix.clear();
  flac.layout = PcmLayout{2, 4, 32, false, false, 44100};
  EXPECT_EQ(deserialize(serialize(flac), b).code(), ErrorCode::kCorrupt);
}

TEST(AudioRebuild, WrongTokenCountIsCorrupt) {
  AudioFile a;
  Bytes tokens;
  ASSERT_TRUE(parse(wav(Fmt{}, random_bytes(40, 1)), a, tokens));
  Bytes file;
  tokens.pop_back();
  EXPECT_EQ(rebuild(a, tokens, FlacOutput::kWav, file).code(), ErrorCode::kCorrupt);
  a.container = Container::kFlac;
  a.prefix.clear();
  a.suffix.clear();
  EXPECT_EQ(rebuild(a, tokens, FlacOutput::kFlac, file).code(), ErrorCode::kCorrupt);
}

TEST(AudioDescribe, OneLine) {
  AudioFile a;
  a.container = Container::kWav;
  a.layout = PcmLayout{2, 2, 16, false, false, 44100};
  a.frames = 1323000;
  EXPECT_EQ(describe(a), "WAV, 16-bit PCM, 2 ch, 44100 Hz, 1323000 frames");
  a.container = Container::kFlac;
  a.layout = PcmLayout{2, 3, 24, false, false, 96000};
  a.frames = 5;
  EXPECT_EQ(describe(a),
            "FLAC (decodes to FLAC or WAV, sample-exact), 24-bit PCM, 2 ch, 96000 Hz, 5 frames");
  EXPECT_STREQ(container_name(Container::kCaf), "CAF");
}

}  // namespace
}  // namespace lmpack::media::audio
