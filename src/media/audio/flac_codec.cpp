#include "media/audio/flac_codec.h"

#include <sndfile.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "media/audio/byte_order.h"
#include "media/audio/md5.h"

namespace lmpack::media::audio::detail {

namespace {

// A file in memory for libsndfile's virtual I/O: reads come from `in`, writes go to `out`.
struct MemoryFile {
  std::span<const std::uint8_t> in;
  std::vector<std::uint8_t>* out = nullptr;
  sf_count_t pos = 0;
  sf_count_t size() const {
    return static_cast<sf_count_t>(out != nullptr ? out->size() : in.size());
  }
};

sf_count_t vio_length(void* user) { return static_cast<MemoryFile*>(user)->size(); }

sf_count_t vio_seek(sf_count_t offset, int whence, void* user) {
  auto* f = static_cast<MemoryFile*>(user);
  sf_count_t base = 0;
  if (whence == SEEK_CUR) base = f->pos;
  if (whence == SEEK_END) base = f->size();
  if (offset < -base || offset > (sf_count_t{1} << 40)) return -1;
  f->pos = base + offset;
  return f->pos;
}

sf_count_t vio_read(void* ptr, sf_count_t count, void* user) {
  auto* f = static_cast<MemoryFile*>(user);
  if (f->out != nullptr || count <= 0 || f->pos >= f->size()) return 0;
  const sf_count_t n = std::min(count, f->size() - f->pos);
  std::memcpy(ptr, f->in.data() + f->pos, static_cast<std::size_t>(n));
  f->pos += n;
  return n;
}

sf_count_t vio_write(const void* ptr, sf_count_t count, void* user) {
  auto* f = static_cast<MemoryFile*>(user);
  if (f->out == nullptr || count <= 0) return 0;
  const auto end = static_cast<std::size_t>(f->pos + count);
  if (f->out->size() < end) f->out->resize(end);
  std::memcpy(f->out->data() + f->pos, ptr, static_cast<std::size_t>(count));
  f->pos += count;
  return count;
}

sf_count_t vio_tell(void* user) { return static_cast<MemoryFile*>(user)->pos; }

SF_VIRTUAL_IO kVio = {vio_length, vio_seek, vio_read, vio_write, vio_tell};

int subtype_for(int bytes) {
  return bytes == 1 ? SF_FORMAT_PCM_S8 : bytes == 2 ? SF_FORMAT_PCM_16 : SF_FORMAT_PCM_24;
}

// Closes the SNDFILE on every path.
struct SndfileCloser {
  SNDFILE* sf;
  ~SndfileCloser() {
    if (sf != nullptr) sf_close(sf);
  }
};

// A canonical WAV must be able to hold the samples; also bounds a small file that claims to
// decode to gigabytes (FLAC codes digital silence at thousands to one; such files take the
// byte path).
constexpr std::uint64_t kMaxTokens = 0xFFFFFF00u;
constexpr std::uint64_t kMaxExpansion = 4096;

constexpr int kStreamInfo = 0, kPadding = 1, kSeekTable = 3, kVorbisComment = 4, kInvalid = 127;

// One metadata block: its type and all its bytes, the 4-byte header included.
struct MetadataBlock {
  int type;
  std::span<const std::uint8_t> bytes;
};

// Splits the metadata blocks that follow "fLaC" (or, with `magic` false, a bare sequence of
// blocks that must end exactly at the end). Sets `end` to the offset just past the last block.
bool split_metadata(std::span<const std::uint8_t> file, bool magic,
                    std::vector<MetadataBlock>& blocks, std::size_t& end) {
  blocks.clear();
  std::size_t pos = magic ? 4 : 0;
  while (!(magic && !blocks.empty() && (blocks.back().bytes[0] & 0x80) != 0)) {
    if (!magic && pos == file.size()) break;
    if (file.size() - pos < 4) return false;
    const int type = file[pos] & 0x7F;
    const std::size_t length = static_cast<std::size_t>(read_be(file, pos + 1, 3));
    if (type == kInvalid || length > file.size() - pos - 4) return false;
    blocks.push_back({type, file.subspan(pos, 4 + length)});
    pos += 4 + length;
  }
  end = pos;
  return true;
}

bool kept_type(int type) { return type != kStreamInfo && type != kSeekTable && type != kPadding; }

// A vorbis comment with a vendor string and no comments says only which encoder wrote the file;
// it is not kept (the archive would carry it raw, and a rebuilt FLAC has a new encoder anyway).
bool empty_vorbis_comment(const MetadataBlock& b) {
  if (b.type != kVorbisComment || b.bytes.size() < 4 + 8) return false;
  const std::uint64_t vendor = read_le(b.bytes, 4, 4);
  return vendor <= b.bytes.size() - 12 && read_le(b.bytes, 8 + vendor, 4) == 0;
}

}  // namespace

bool valid_kept_metadata(std::span<const std::uint8_t> blocks) {
  std::vector<MetadataBlock> split;
  std::size_t end = 0;
  if (!split_metadata(blocks, false, split, end)) return false;
  return std::all_of(split.begin(), split.end(), [](const MetadataBlock& b) {
    return kept_type(b.type) && (b.bytes[0] & 0x80) == 0;
  });
}

bool decode_flac(std::span<const std::uint8_t> file, AudioFile& audio,
                 std::vector<std::uint8_t>& tokens) {
  // STREAMINFO must be the first metadata block (the FLAC format requires it): 34 bytes at 8.
  if (file.size() < 42 || !has_tag(file, 0, "fLaC") || (file[4] & 0x7F) != 0 ||
      read_be(file, 5, 3) != 34) {
    return false;
  }
  const std::uint64_t packed = read_be(file, 18, 8);
  const int bits = static_cast<int>((packed >> 36) & 0x1F) + 1;
  const int streaminfo_channels = static_cast<int>((packed >> 41) & 0x7) + 1;
  const std::uint64_t total_frames = packed & 0xFFFFFFFFFull;
  std::array<std::uint8_t, 16> md5;
  std::memcpy(md5.data(), file.data() + 26, 16);
  if (bits % 8 != 0 || bits > 24 || total_frames == 0) return false;
  const int bytes = bits / 8;

  MemoryFile mem{file, nullptr, 0};
  SF_INFO info{};
  SndfileCloser sf{sf_open_virtual(&kVio, SFM_READ, &info, &mem)};
  if (sf.sf == nullptr) return false;
  if (info.format != (SF_FORMAT_FLAC | subtype_for(bytes)) ||
      info.channels != streaminfo_channels || info.samplerate <= 0) {
    return false;
  }
  const std::uint64_t frame_bytes = static_cast<std::uint64_t>(bytes) * info.channels;
  const std::uint64_t max_tokens = std::min<std::uint64_t>(kMaxTokens, kMaxExpansion * file.size());
  if (total_frames > max_tokens / frame_bytes) return false;

  audio = AudioFile{};
  audio.container = Container::kFlac;
  audio.layout = PcmLayout{info.channels, bytes, bits,
                           false,         false, static_cast<std::uint32_t>(info.samplerate)};
  if (!flac_can_encode(audio.layout)) return false;
  std::vector<MetadataBlock> blocks;
  std::size_t metadata_end = 0;
  if (!split_metadata(file, true, blocks, metadata_end)) return false;
  for (std::size_t i = 1; i < blocks.size(); ++i) {
    if (blocks[i].type == kStreamInfo) return false;
    if (!kept_type(blocks[i].type) || empty_vorbis_comment(blocks[i])) continue;
    audio.prefix.insert(audio.prefix.end(), blocks[i].bytes.begin(), blocks[i].bytes.end());
    audio.prefix[audio.prefix.size() - blocks[i].bytes.size()] &= 0x7F;  // not the last block
  }
  tokens.clear();  // grown as frames arrive: the header's frame count is not trusted yet

  const bool check_md5 = std::any_of(md5.begin(), md5.end(), [](std::uint8_t b) { return b; });
  Md5 hash;
  constexpr sf_count_t kChunk = 4096;
  std::vector<int> pcm(static_cast<std::size_t>(kChunk * info.channels));
  std::vector<std::uint8_t> le(pcm.size() * static_cast<std::size_t>(bytes));
  const int shift = 32 - bits;
  const std::uint32_t offset = 1u << (bits - 1);
  std::uint64_t done = 0;
  for (;;) {
    const sf_count_t got = sf_readf_int(sf.sf, pcm.data(), kChunk);
    if (got <= 0) break;
    if (done + static_cast<std::uint64_t>(got) > total_frames) return false;
    tokens.resize((done + static_cast<std::uint64_t>(got)) * frame_bytes);
    std::uint8_t* t = tokens.data() + done * frame_bytes;
    const std::size_t samples = static_cast<std::size_t>(got) * info.channels;
    for (std::size_t i = 0; i < samples; ++i) {
      const auto raw = static_cast<std::uint32_t>(pcm[i]);
      if (shift > 0 && (raw & ((1u << shift) - 1)) != 0) return false;
      const std::uint32_t v = raw >> shift;  // two's complement, `bits` wide
      const std::uint32_t u = v + offset;
      for (int k = 0; k < bytes; ++k) {
        *t++ = static_cast<std::uint8_t>(u >> (8 * (bytes - 1 - k)));
        le[i * bytes + k] = static_cast<std::uint8_t>(v >> (8 * k));
      }
    }
    if (check_md5) hash.update({le.data(), samples * bytes});
    done += static_cast<std::uint64_t>(got);
  }
  if (done != total_frames || sf_error(sf.sf) != SF_ERR_NO_ERROR) return false;
  if (check_md5 && hash.finish() != md5) return false;
  audio.frames = total_frames;
  return true;
}

namespace {

// Rewrites a FLAC written by libsndfile to carry exactly the kept blocks: its STREAMINFO and
// SEEKTABLE (seek points count from the first frame, so they stay valid), then the kept blocks
// (libFLAC's own vorbis comment is dropped: the original's, if any, is among the kept ones), then
// its frames. So a rebuilt FLAC parses to the same kept blocks again.
Status splice_metadata(std::span<const std::uint8_t> kept, std::vector<std::uint8_t>& file) {
  std::vector<MetadataBlock> ours, theirs;
  std::size_t frames_at = 0, kept_end = 0;
  const std::vector<std::uint8_t> encoded = std::move(file);
  if (!split_metadata(encoded, true, ours, frames_at) || ours.empty() ||
      ours[0].type != kStreamInfo || !split_metadata(kept, false, theirs, kept_end)) {
    return {ErrorCode::kCorrupt, "audio: cannot add the FLAC metadata blocks"};
  }
  std::vector<MetadataBlock> order = {ours[0]};
  for (const MetadataBlock& b : ours) {
    if (b.type == kSeekTable) order.push_back(b);
  }
  order.insert(order.end(), theirs.begin(), theirs.end());
  file.assign({'f', 'L', 'a', 'C'});
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::size_t at = file.size();
    file.insert(file.end(), order[i].bytes.begin(), order[i].bytes.end());
    file[at] = static_cast<std::uint8_t>((file[at] & 0x7F) | (i + 1 == order.size() ? 0x80 : 0));
  }
  file.insert(file.end(), encoded.begin() + static_cast<std::ptrdiff_t>(frames_at), encoded.end());
  return Status::ok();
}

}  // namespace

Status encode_flac(const AudioFile& audio, std::span<const std::uint8_t> tokens,
                   std::vector<std::uint8_t>& file) {
  const PcmLayout& l = audio.layout;
  const std::uint64_t frame_bytes = static_cast<std::uint64_t>(l.frame_bytes());
  if (tokens.size() != audio.frames * frame_bytes) {
    return {ErrorCode::kCorrupt, "audio: token count does not fit"};
  }
  file.clear();
  MemoryFile mem{{}, &file, 0};
  SF_INFO info{};
  info.samplerate = static_cast<int>(l.sample_rate);
  info.channels = l.channels;
  info.format = SF_FORMAT_FLAC | subtype_for(l.bytes_per_sample);
  SndfileCloser sf{sf_open_virtual(&kVio, SFM_WRITE, &info, &mem)};
  if (sf.sf == nullptr) {
    return {ErrorCode::kCorrupt, std::string("audio: cannot write FLAC: ") + sf_strerror(nullptr)};
  }
  double level = 1.0;  // libFLAC level 8
  sf_command(sf.sf, SFC_SET_COMPRESSION_LEVEL, &level, sizeof(level));

  const int bits = 8 * l.bytes_per_sample;
  const std::uint32_t offset = 1u << (bits - 1);
  constexpr std::uint64_t kChunk = 4096;
  std::vector<int> pcm(kChunk * static_cast<std::size_t>(l.channels));
  const std::uint8_t* t = tokens.data();
  for (std::uint64_t done = 0; done < audio.frames;) {
    const std::uint64_t n = std::min(kChunk, audio.frames - done);
    for (std::size_t i = 0; i < n * static_cast<std::uint64_t>(l.channels); ++i) {
      std::uint32_t u = 0;
      for (int k = 0; k < l.bytes_per_sample; ++k) u = (u << 8) | *t++;
      pcm[i] = static_cast<int>((u - offset) << (32 - bits));
    }
    if (sf_writef_int(sf.sf, pcm.data(), static_cast<sf_count_t>(n)) !=
        static_cast<sf_count_t>(n)) {
      return {ErrorCode::kCorrupt, std::string("audio: FLAC encoder: ") + sf_strerror(sf.sf)};
    }
    done += n;
  }
  const int rc = sf_close(sf.sf);
  sf.sf = nullptr;
  if (rc == 0) return splice_metadata(audio.prefix, file);
  if (rc != 0)
    return {ErrorCode::kCorrupt, std::string("audio: FLAC encoder: ") + sf_error_number(rc)};
  return Status::ok();
}

}  // namespace lmpack::media::audio::detail
