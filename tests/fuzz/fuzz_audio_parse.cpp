// Fuzzes the audio front end on arbitrary bytes. Besides "never crash", it checks what an accepted
// file promises: the parsed containers rebuild to the input byte for byte, a FLAC's samples
// survive re-encoding (as FLAC and as WAV), and the media params round-trip exactly. The same
// bytes are also fed to the params reader, which must accept only records it writes back
// identically.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "media/audio/audio_file.h"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

using namespace lmpack::media::audio;

void check_params_reader(std::span<const std::uint8_t> input) {
  AudioFile a;
  const lmpack::Status status = deserialize(input, a);
  if (!status) {
    require(!status.message().empty());
    return;
  }
  const std::vector<std::uint8_t> again = serialize(a);
  require(again.size() == input.size() && std::equal(again.begin(), again.end(), input.begin()));
  require(!describe(a).empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  check_params_reader(input);

  AudioFile audio;
  std::vector<std::uint8_t> tokens;
  if (!parse(input, audio, tokens)) {
    require(tokens.empty());
    return 0;
  }
  require(sniff(input));
  require(audio.frames > 0);
  require(tokens.size() == audio.frames * static_cast<std::uint64_t>(audio.layout.frame_bytes()));
  require(!describe(audio).empty());

  const std::vector<std::uint8_t> params = serialize(audio);
  AudioFile restored;
  require(deserialize(params, restored).is_ok());
  require(serialize(restored) == params);

  std::vector<std::uint8_t> file;
  if (audio.container != Container::kFlac) {
    require(audio.prefix.size() + tokens.size() + audio.suffix.size() == size);
    require(rebuild(restored, tokens, FlacOutput::kWav, file).is_ok());
    require(file.size() == size && std::equal(file.begin(), file.end(), data));
    return 0;
  }
  // FLAC: both outputs must decode to the same samples and layout.
  for (FlacOutput out : {FlacOutput::kFlac, FlacOutput::kWav}) {
    require(rebuild(restored, tokens, out, file).is_ok());
    AudioFile again;
    std::vector<std::uint8_t> again_tokens;
    require(parse(file, again, again_tokens));
    require(again_tokens == tokens);
    if (out == FlacOutput::kFlac) require(again.prefix == audio.prefix);  // tags kept
    require(again.layout.channels == audio.layout.channels &&
            again.layout.bits == audio.layout.bits &&
            again.layout.sample_rate == audio.layout.sample_rate);
  }
  return 0;
}
