#include "cli/speech_list.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "speech/archive.h"
#include "speech/payload.h"

namespace lmpack::cli {

bool is_speech_archive_data(std::span<const std::uint8_t> data) {
  return speech::is_speech_archive(data);
}

bool file_is_speech_archive(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  std::uint8_t head[4] = {};
  const ssize_t n = ::read(fd, head, sizeof head);
  ::close(fd);
  return n == 4 && speech::is_speech_archive(head);
}

Status inspect_speech(std::span<const std::uint8_t> data, ArchiveInfo& info) {
  info = {};
  speech::SpeechArchive archive;
  if (Status s = speech::read_archive(data, archive); !s) return s;
  speech::Transcript transcript;
  if (Status s = speech::decode_payload(archive.payload, transcript); !s) return s;
  info.format_version = speech::kArchiveVersion;
  info.media = "speech";
  char desc[160];
  std::snprintf(desc, sizeof desc,
                "LOSSY: %zu words, %.2f s, %s speaker (original %u Hz, %u ch, %u-bit)",
                transcript.words.size(), speech::duration_seconds(archive),
                transcript.voice == speech::Voice::kMale ? "male" : "female", archive.sample_rate,
                unsigned(archive.channels), unsigned(archive.bits));
  info.media_desc = desc;
  info.byte_exact = false;
  info.model = "speech";
  info.model_desc = "speech (lossy)";
  info.original_size = 44 + archive.frames * archive.channels * 2;
  info.stream_size = archive.payload.size();
  info.archive_size = data.size();
  std::uint64_t checksum = 0;
  for (int i = 7; i >= 0; --i) checksum = (checksum << 8) | data[data.size() - 8 + std::size_t(i)];
  info.checksum = checksum;
  return {};
}

}  // namespace lmpack::cli
