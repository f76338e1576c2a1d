// Audio through the public API: WAV files of every sample format come back byte for byte with
// the audio media and model chosen by content; damaged or lying files take the byte path and
// still round-trip; FLAC input comes back sample-exact (as FLAC or WAV); archives do not depend
// on threads; damage is detected.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "lmpack/lmpack.h"

namespace lmpack {
namespace {

using Bytes = std::vector<std::uint8_t>;

void put_le(Bytes& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_tag(Bytes& out, const char* tag) { out.insert(out.end(), tag, tag + 4); }

// A deterministic "recording": two tones, a slow envelope and a little noise, so a predictor has
// something to find and a byte model does not.
std::vector<std::int32_t> signal(std::size_t frames, int channels, int bits, std::uint64_t seed) {
  std::vector<std::int32_t> s(frames * channels);
  std::uint64_t state = seed;
  const double full = std::ldexp(1.0, bits - 1) - 1;
  for (std::size_t i = 0; i < frames; ++i) {
    for (int c = 0; c < channels; ++c) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      const double noise = static_cast<double>(static_cast<std::int64_t>(state >> 40) - (1 << 23)) /
                           static_cast<double>(1 << 23);
      const double t = static_cast<double>(i);
      const double v =
          0.45 * std::sin(t * (0.031 + 0.004 * c)) + 0.2 * std::sin(t * 0.173) + 0.01 * noise;
      s[i * channels + c] = static_cast<std::int32_t>(std::lround(v * full * 0.9));
    }
  }
  return s;
}

struct WavSpec {
  int channels = 2;
  int bits = 16;
  std::size_t frames = 20000;
  bool extra_chunks = false;  // LIST before data, odd-sized chunk (with pad byte) after
};

Bytes make_wav(const WavSpec& w, std::uint64_t seed = 1) {
  const int bytes = (w.bits + 7) / 8;
  const auto samples = signal(w.frames, w.channels, w.bits, seed);
  Bytes data;
  for (std::int32_t v : samples) {
    if (bytes == 1) {
      data.push_back(static_cast<std::uint8_t>(v + 128));  // 8-bit WAV is unsigned
    } else {
      put_le(data, static_cast<std::uint32_t>(v) << (8 * bytes - w.bits), bytes);
    }
  }
  Bytes fmt;
  put_le(fmt, 1, 2);  // PCM
  put_le(fmt, w.channels, 2);
  put_le(fmt, 44100, 4);
  put_le(fmt, 44100 * w.channels * bytes, 4);
  put_le(fmt, w.channels * bytes, 2);
  put_le(fmt, 8 * bytes, 2);
  Bytes body;
  put_tag(body, "WAVE");
  put_tag(body, "fmt ");
  put_le(body, fmt.size(), 4);
  body.insert(body.end(), fmt.begin(), fmt.end());
  if (w.extra_chunks) {
    put_tag(body, "LIST");
    put_le(body, 12, 4);
    put_tag(body, "INFO");
    put_tag(body, "INAM");
    put_le(body, 0, 4);
  }
  put_tag(body, "data");
  put_le(body, data.size(), 4);
  body.insert(body.end(), data.begin(), data.end());
  if (data.size() % 2) body.push_back(0);
  if (w.extra_chunks) {
    put_tag(body, "note");
    put_le(body, 5, 4);
    for (char c : std::string("hello")) body.push_back(static_cast<std::uint8_t>(c));
    body.push_back(0);  // pad to even
  }
  Bytes file;
  put_tag(file, "RIFF");
  put_le(file, body.size(), 4);
  file.insert(file.end(), body.begin(), body.end());
  return file;
}

Bytes compress_ok(const Bytes& input, const CompressOptions& o = {}) {
  Bytes archive;
  const Status s = compress(input, archive, o);
  EXPECT_TRUE(s.is_ok()) << error_code_name(s.code()) << ": " << s.message();
  return archive;
}

Bytes decompress_ok(const Bytes& archive, const DecompressOptions& o = {}) {
  Bytes out;
  const Status s = decompress(archive, out, o);
  EXPECT_TRUE(s.is_ok()) << error_code_name(s.code()) << ": " << s.message();
  return out;
}

ArchiveInfo info_of(const Bytes& archive) {
  ArchiveInfo info;
  EXPECT_TRUE(inspect(archive, info).is_ok());
  return info;
}

void expect_audio_round_trip(const Bytes& wav, const CompressOptions& o = {}) {
  const Bytes archive = compress_ok(wav, o);
  const ArchiveInfo info = info_of(archive);
  EXPECT_EQ(info.media, "audio");
  EXPECT_TRUE(info.byte_exact);
  EXPECT_TRUE(decompress_ok(archive) == wav);
}

TEST(AudioRoundTrip, EverySampleFormatAndChannelCount) {
  for (int bits : {8, 16, 24, 32}) {
    for (int channels : {1, 2, 6}) {
      SCOPED_TRACE("bits " + std::to_string(bits) + " channels " + std::to_string(channels));
      WavSpec w;
      w.bits = bits;
      w.channels = channels;
      w.frames = 3000;
      expect_audio_round_trip(make_wav(w));
    }
  }
}

TEST(AudioRoundTrip, ExtraChunksAndOddSizesComeBackByteForByte) {
  WavSpec w;
  w.extra_chunks = true;
  w.channels = 1;
  w.bits = 8;
  w.frames = 1001;  // odd data size: pad byte after data
  expect_audio_round_trip(make_wav(w));
  w.bits = 24;
  w.channels = 3;
  expect_audio_round_trip(make_wav(w));
}

TEST(AudioRoundTrip, DefaultModelIsAudioAndBeatsTheByteModel) {
  const Bytes wav = make_wav({});
  const Bytes audio = compress_ok(wav);
  EXPECT_EQ(info_of(audio).model, "audio");
  CompressOptions bytes;
  bytes.media = "bytes";
  const Bytes cm = compress_ok(wav, bytes);
  EXPECT_EQ(info_of(cm).media, "bytes");
  EXPECT_TRUE(decompress_ok(cm) == wav);
  EXPECT_LT(audio.size(), cm.size());
}

TEST(AudioRoundTrip, EveryLevelAndBest) {
  const Bytes wav = make_wav({.channels = 2, .bits = 16, .frames = 6000});
  for (int level = 1; level <= 9; ++level) {
    CompressOptions o;
    o.level = level;
    SCOPED_TRACE(level);
    expect_audio_round_trip(wav, o);
  }
  CompressOptions best;
  best.best = true;
  expect_audio_round_trip(wav, best);
}

TEST(AudioRoundTrip, ByteModelsOnTokensRoundTrip) {
  const Bytes wav = make_wav({.channels = 2, .bits = 16, .frames = 2000});
  for (const char* model : {"cm", "lstm"}) {
    CompressOptions o;
    o.model = model;
    o.level = 1;
    SCOPED_TRACE(model);
    expect_audio_round_trip(wav, o);
  }
}

TEST(AudioRoundTrip, EmptyAndTinyDataChunks) {
  for (std::size_t frames : {0, 1, 2, 3}) {
    SCOPED_TRACE(frames);
    const Bytes wav = make_wav({.channels = 2, .bits = 16, .frames = frames});
    const Bytes archive = compress_ok(wav);
    EXPECT_TRUE(decompress_ok(archive) == wav);
  }
}

// Truncated at every length and with lying sizes: whatever the front end decides, the bytes
// come back.
TEST(AudioRoundTrip, TruncatedAndLyingHeadersStillRoundTrip) {
  const Bytes wav = make_wav({.channels = 2, .bits = 16, .frames = 40, .extra_chunks = true});
  for (std::size_t cut = 0; cut <= wav.size(); ++cut) {
    const Bytes prefix(wav.begin(), wav.begin() + cut);
    const Bytes archive = compress_ok(prefix);
    ASSERT_TRUE(decompress_ok(archive) == prefix) << "cut " << cut;
  }
  for (std::size_t pos : {4, 22, 24, 32, 34, 40}) {  // RIFF size, channels, rate, align, bits
    Bytes lying = wav;
    lying[pos] ^= 0x5a;
    lying[pos + 1] ^= 0xc3;
    const Bytes archive = compress_ok(lying);
    ASSERT_TRUE(decompress_ok(archive) == lying) << "field at " << pos;
  }
}

TEST(AudioRoundTrip, AudioMediaOnTextTakesTheBytePath) {
  const std::string text = "not audio at all, just words and words and words\n";
  const Bytes input(text.begin(), text.end());
  CompressOptions o;
  o.media = "audio";
  const Bytes archive = compress_ok(input, o);
  EXPECT_EQ(info_of(archive).media, "bytes");
  EXPECT_TRUE(decompress_ok(archive) == input);
}

TEST(AudioRoundTrip, ThreadsDoNotChangeTheArchive) {
  const Bytes wav = make_wav({.channels = 2, .bits = 16, .frames = 30000});
  CompressOptions o;
  o.block_size = 16 * 1024 + 1;  // not a multiple of the frame: the engine rounds it down
  o.threads = 1;
  const Bytes one = compress_ok(wav, o);
  EXPECT_GT(info_of(one).blocks.size(), 3u);
  EXPECT_EQ(info_of(one).block_size % 4, 0u);
  o.threads = 3;
  EXPECT_TRUE(compress_ok(wav, o) == one);
  DecompressOptions d;
  d.threads = 2;
  EXPECT_TRUE(decompress_ok(one, d) == wav);
}

TEST(AudioRoundTrip, DamageIsDetectedNeverReturned) {
  const Bytes wav = make_wav({.channels = 2, .bits = 16, .frames = 4000});
  const Bytes archive = compress_ok(wav);
  int failures = 0;
  const std::size_t step = std::max<std::size_t>(1, archive.size() / 48);
  for (std::size_t i = 0; i < archive.size(); i += step) {
    Bytes bad = archive;
    bad[i] ^= 0x10;
    Bytes out;
    const Status s = decompress(bad, out);
    if (s.is_ok()) {
      EXPECT_TRUE(out == wav) << "flip at " << i << " decoded to different data";
    } else {
      EXPECT_TRUE(out.empty());
      ++failures;
    }
  }
  EXPECT_GT(failures, 0);
}

// FLAC in memory through libsndfile's virtual I/O.
struct MemFile {
  Bytes data;
  sf_count_t pos = 0;
};
sf_count_t mem_len(void* u) {
  return static_cast<sf_count_t>(static_cast<MemFile*>(u)->data.size());
}
sf_count_t mem_seek(sf_count_t off, int whence, void* u) {
  auto* m = static_cast<MemFile*>(u);
  sf_count_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m->pos : mem_len(u);
  m->pos = base + off;
  return m->pos;
}
sf_count_t mem_read(void* p, sf_count_t n, void* u) {
  auto* m = static_cast<MemFile*>(u);
  const sf_count_t left = std::max<sf_count_t>(0, mem_len(u) - m->pos);
  n = std::min(n, left);
  std::memcpy(p, m->data.data() + m->pos, static_cast<std::size_t>(n));
  m->pos += n;
  return n;
}
sf_count_t mem_write(const void* p, sf_count_t n, void* u) {
  auto* m = static_cast<MemFile*>(u);
  if (m->data.size() < static_cast<std::size_t>(m->pos + n)) m->data.resize(m->pos + n);
  std::memcpy(m->data.data() + m->pos, p, static_cast<std::size_t>(n));
  m->pos += n;
  return n;
}
sf_count_t mem_tell(void* u) { return static_cast<MemFile*>(u)->pos; }

Bytes make_flac(const std::vector<std::int32_t>& samples, int channels, int subtype) {
  SF_VIRTUAL_IO io{mem_len, mem_seek, mem_read, mem_write, mem_tell};
  MemFile mem;
  SF_INFO info{};
  info.samplerate = 48000;
  info.channels = channels;
  info.format = SF_FORMAT_FLAC | subtype;
  SNDFILE* f = sf_open_virtual(&io, SFM_WRITE, &info, &mem);
  EXPECT_NE(f, nullptr) << sf_strerror(nullptr);
  if (!f) return {};
  sf_writef_int(f, samples.data(), static_cast<sf_count_t>(samples.size() / channels));
  sf_close(f);
  return mem.data;
}

// Samples as libsndfile reads them (left-justified in 32 bits), whatever the container.
std::vector<std::int32_t> read_samples(const Bytes& file, int& channels) {
  SF_VIRTUAL_IO io{mem_len, mem_seek, mem_read, mem_write, mem_tell};
  MemFile mem{file, 0};
  SF_INFO info{};
  SNDFILE* f = sf_open_virtual(&io, SFM_READ, &info, &mem);
  EXPECT_NE(f, nullptr) << sf_strerror(nullptr);
  if (!f) return {};
  channels = info.channels;
  std::vector<std::int32_t> s(static_cast<std::size_t>(info.frames * info.channels));
  sf_readf_int(f, s.data(), info.frames);
  sf_close(f);
  return s;
}

TEST(AudioRoundTrip, FlacComesBackSampleExactAsFlacOrWav) {
  for (auto [bits, subtype] : {std::pair{16, SF_FORMAT_PCM_16}, std::pair{24, SF_FORMAT_PCM_24}}) {
    SCOPED_TRACE(bits);
    auto samples = signal(40000, 2, bits, 7);
    for (auto& v : samples)
      v = static_cast<std::int32_t>(static_cast<std::uint32_t>(v) << (32 - bits));
    const Bytes flac = make_flac(samples, 2, subtype);
    ASSERT_FALSE(flac.empty());
    const Bytes archive = compress_ok(flac);
    const ArchiveInfo info = info_of(archive);
    EXPECT_EQ(info.media, "audio");
    EXPECT_FALSE(info.byte_exact);
    EXPECT_NE(info.media_desc.find("FLAC"), std::string::npos) << info.media_desc;
    EXPECT_LT(archive.size(), flac.size());

    int channels = 0;
    const Bytes as_flac = decompress_ok(archive);
    EXPECT_TRUE(read_samples(as_flac, channels) == samples);
    EXPECT_EQ(channels, 2);
    DecompressOptions wav;
    wav.flac_as_wav = true;
    const Bytes as_wav = decompress_ok(archive, wav);
    ASSERT_GE(as_wav.size(), 12u);
    EXPECT_EQ(std::string(as_wav.begin(), as_wav.begin() + 4), "RIFF");
    EXPECT_TRUE(read_samples(as_wav, channels) == samples);
  }
}

}  // namespace
}  // namespace lmpack
