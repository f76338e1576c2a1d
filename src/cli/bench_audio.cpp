#include "cli/bench_audio.h"

#include <sndfile.h>

#include <algorithm>
#include <sstream>

namespace lmpack::cli {

namespace {

constexpr sf_count_t kChunkFrames = 4096;

// Closes the handle on every path out.
struct SndFile {
  SNDFILE* file = nullptr;
  SF_INFO info{};
  SndFile(const std::string& path, int mode) { file = sf_open(path.c_str(), mode, &info); }
  SndFile(const std::string& path, int mode, const SF_INFO& format) : info(format) {
    file = sf_open(path.c_str(), mode, &info);
  }
  SndFile(const SndFile&) = delete;
  SndFile& operator=(const SndFile&) = delete;
  ~SndFile() {
    if (file != nullptr) sf_close(file);
  }
};

int pcm_bits(int subtype) {
  switch (subtype) {
    case SF_FORMAT_PCM_S8:
    case SF_FORMAT_PCM_U8:
      return 8;
    case SF_FORMAT_PCM_16:
      return 16;
    case SF_FORMAT_PCM_24:
      return 24;
    case SF_FORMAT_PCM_32:
      return 32;
    default:
      return 0;
  }
}

const char* container_name(int major) {
  switch (major) {
    case SF_FORMAT_WAV:
    case SF_FORMAT_WAVEX:
      return "wav";
    case SF_FORMAT_AIFF:
      return "aiff";
    case SF_FORMAT_W64:
      return "w64";
    case SF_FORMAT_RF64:
      return "rf64";
    case SF_FORMAT_CAF:
      return "caf";
    case SF_FORMAT_FLAC:
      return "flac";
    default:
      return nullptr;  // libsndfile knows many more; the bench's audio peers read none of them
  }
}

}  // namespace

std::optional<AudioShape> probe_audio(const std::string& path) {
  SndFile f(path, SFM_READ);
  if (f.file == nullptr) return std::nullopt;
  const char* container = container_name(f.info.format & SF_FORMAT_TYPEMASK);
  const int bits = pcm_bits(f.info.format & SF_FORMAT_SUBMASK);
  if (container == nullptr || bits == 0 || f.info.channels <= 0 || f.info.frames <= 0) {
    return std::nullopt;
  }
  AudioShape shape;
  shape.container = container;
  shape.channels = f.info.channels;
  shape.sample_rate = f.info.samplerate;
  shape.bits = bits;
  shape.frames = static_cast<std::uint64_t>(f.info.frames);
  return shape;
}

bool same_samples(const std::string& a, const std::string& b) {
  SndFile fa(a, SFM_READ), fb(b, SFM_READ);
  if (fa.file == nullptr || fb.file == nullptr) return false;
  if (fa.info.channels != fb.info.channels || fa.info.samplerate != fb.info.samplerate ||
      fa.info.frames != fb.info.frames) {
    return false;
  }
  const auto n = static_cast<std::size_t>(kChunkFrames * fa.info.channels);
  std::vector<int> ba(n), bb(n);
  for (;;) {
    const sf_count_t ra = sf_readf_int(fa.file, ba.data(), kChunkFrames);
    const sf_count_t rb = sf_readf_int(fb.file, bb.data(), kChunkFrames);
    if (ra != rb) return false;
    if (ra <= 0) return true;
    const auto used = static_cast<std::size_t>(ra * fa.info.channels);
    if (!std::equal(ba.begin(), ba.begin() + static_cast<std::ptrdiff_t>(used), bb.begin())) {
      return false;
    }
  }
}

std::optional<std::vector<int>> parse_bits(const std::string& text) {
  std::vector<int> depths;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (item == "8" || item == "16" || item == "24") {
      depths.push_back(std::stoi(item));
    } else {
      return std::nullopt;
    }
  }
  if (depths.empty()) return std::nullopt;
  std::sort(depths.begin(), depths.end());
  depths.erase(std::unique(depths.begin(), depths.end()), depths.end());
  return depths;
}

Status write_reduced_wav(const std::string& source, const std::string& path, int bits) {
  SndFile in(source, SFM_READ);
  if (in.file == nullptr) return Status(ErrorCode::kIo, source + ": " + sf_strerror(nullptr));
  const int subtype = bits == 8    ? SF_FORMAT_PCM_U8
                      : bits == 16 ? SF_FORMAT_PCM_16
                                   : SF_FORMAT_PCM_24;
  SF_INFO format{};
  format.samplerate = in.info.samplerate;
  format.channels = in.info.channels;
  format.format = SF_FORMAT_WAV | subtype;
  SndFile out(path, SFM_WRITE, format);
  if (out.file == nullptr) return Status(ErrorCode::kIo, path + ": " + sf_strerror(nullptr));

  // libsndfile hands samples over left-justified in 32 bits whatever the file's depth, and on
  // writing drops the low bits by shifting (dither is off unless asked for), so clearing them
  // here makes the written sample exactly the source's top `bits` bits.
  const int shift = 32 - bits;
  const auto n = static_cast<std::size_t>(kChunkFrames * in.info.channels);
  std::vector<int> buffer(n);
  for (;;) {
    const sf_count_t got = sf_readf_int(in.file, buffer.data(), kChunkFrames);
    if (got <= 0) break;
    const auto used = static_cast<std::size_t>(got * in.info.channels);
    for (std::size_t i = 0; i < used; ++i) {
      const std::int32_t top = buffer[i] >> shift;  // arithmetic in C++20: floor, no rounding
      buffer[i] = static_cast<std::int32_t>(static_cast<std::uint32_t>(top) << shift);
    }
    if (sf_writef_int(out.file, buffer.data(), got) != got) {
      return Status(ErrorCode::kIo, path + ": " + sf_strerror(out.file));
    }
  }
  if (sf_error(in.file) != SF_ERR_NO_ERROR) {
    return Status(ErrorCode::kIo, source + ": " + sf_strerror(in.file));
  }
  return Status::ok();
}

}  // namespace lmpack::cli
