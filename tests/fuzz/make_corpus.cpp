// Writes the seed corpora in tests/fuzz/corpus/: valid archives (hand-built with the container
// writer, and real ones from lmpack::compress), then truncated, bit-flipped and junk variants.
// Build target lmpack_fuzz_corpus (not built by default); run with the corpus directory:
//   lmpack_fuzz_corpus tests/fuzz/corpus
// Inputs found by a fuzzing build (which skips the header check value) are made to reach the same
// code in normal builds by recomputing their check value in place:
//   lmpack_fuzz_corpus --fix-check FILE...
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "format/container.h"
#include "lmpack/lmpack.h"

namespace {

using Bytes = std::vector<std::uint8_t>;
namespace fs = std::filesystem;
using namespace lmpack::format;

// A fixed generator so the corpus is reproducible.
std::uint64_t next_random(std::uint64_t& state) {
  state = state * 6364136223846793005ull + 1442695040888963407ull;
  return state >> 33;
}

void save(const fs::path& dir, const std::string& name, const Bytes& bytes) {
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

Bytes text(std::size_t n) {
  const std::string words = "the quick brown fox jumps over the lazy dog; lmpack packs it. ";
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(words[i % words.size()]);
  return b;
}

// A container-level archive with the given blocks; model blocks get arbitrary payload bytes.
Bytes container(const Bytes& original, std::uint64_t block_size, std::uint8_t model_id,
                const std::vector<BlockMethod>& methods, Bytes media_params, Bytes model_params) {
  Header h;
  h.model_id = model_id;
  h.level = 1;
  h.media_params = std::move(media_params);
  h.model_params = std::move(model_params);
  h.original_size = original.size();
  h.block_size = block_size;
  std::vector<BlockEntry> blocks;
  std::vector<Bytes> payloads;
  for (std::size_t start = 0, i = 0; start < original.size(); start += block_size, ++i) {
    const std::size_t n = std::min<std::size_t>(block_size, original.size() - start);
    const Bytes block(original.begin() + start, original.begin() + start + n);
    BlockEntry e;
    e.original_size = n;
    e.method = methods[i % methods.size()];
    e.checksum = block_checksum(block);
    payloads.push_back(e.method == BlockMethod::kRaw ? block : Bytes(n / 3 + 1, 0x5A));
    blocks.push_back(e);
  }
  Bytes out;
  write_archive(h, blocks, payloads, whole_checksum(original), out);
  return out;
}

// Saves `archive` plus a few truncations and single-bit flips of it.
void save_with_damage(const fs::path& dir, const std::string& name, const Bytes& archive,
                      std::uint64_t& rng) {
  save(dir, name, archive);
  const std::size_t cuts[] = {13, archive.size() / 2, archive.size() - 1};
  for (int k = 0; k < 3; ++k) {
    if (cuts[k] >= archive.size()) continue;
    save(dir, name + "-trunc" + std::to_string(k),
         Bytes(archive.begin(), archive.begin() + cuts[k]));
  }
  for (int k = 0; k < 3; ++k) {
    Bytes flipped = archive;
    const std::size_t pos = next_random(rng) % flipped.size();
    flipped[pos] ^= static_cast<std::uint8_t>(1u << (next_random(rng) % 8));
    save(dir, name + "-flip" + std::to_string(k), flipped);  // stable names: reruns overwrite
  }
}

Bytes load(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The check value's position is not known without a trusted parse, so try each one: the first
// that makes the archive parse wins.
bool fix_check(Bytes& bytes) {
  Archive a;
  if (parse_archive(bytes, a) || bytes.size() < 12) return false;
  if (parse_archive(bytes, a).message() != "corrupt archive (header check value mismatch)") {
    return false;
  }
  const Bytes trailer(bytes.end() - 8, bytes.end());
  for (std::size_t at = 4; at + 12 <= bytes.size(); ++at) {
    Bytes covered(bytes.begin(), bytes.begin() + at);
    covered.insert(covered.end(), trailer.begin(), trailer.end());
    const auto check = static_cast<std::uint32_t>(whole_checksum(covered));
    Bytes candidate = bytes;
    for (int i = 0; i < 4; ++i) candidate[at + i] = static_cast<std::uint8_t>(check >> (8 * i));
    if (parse_archive(candidate, a)) {
      bytes = std::move(candidate);
      return true;
    }
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "--fix-check") {
    int fixed = 0;
    for (int i = 2; i < argc; ++i) {
      Bytes bytes = load(argv[i]);
      if (fix_check(bytes)) {
        save(fs::path(argv[i]).parent_path(), fs::path(argv[i]).filename().string(), bytes);
        ++fixed;
      }
    }
    std::printf("fixed the check value of %d of %d files\n", fixed, argc - 2);
    return 0;
  }
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_ROOT\n", argv[0]);
    return 2;
  }
  const fs::path root(argv[1]);
  const fs::path parse_dir = root / "fuzz_parse";
  const fs::path decompress_dir = root / "fuzz_decompress";
  std::uint64_t rng = 12345;

  // Container-level seeds, useful to both targets.
  const Bytes small = text(700);
  const std::vector<std::pair<std::string, Bytes>> containers = {
      {"empty", container({}, 0, 0, {BlockMethod::kRaw}, {}, {})},
      {"raw1", container(text(40), 40, 0, {BlockMethod::kRaw}, {}, {})},
      {"raw3-params", container(small, 256, 1, {BlockMethod::kRaw}, {7, 7}, {1, 2, 3, 4})},
      {"mixed3", container(small, 300, 1, {BlockMethod::kRaw, BlockMethod::kModel}, {}, {9})},
  };
  for (const auto& [name, bytes] : containers) {
    save_with_damage(parse_dir, name, bytes, rng);
    save(decompress_dir, name, bytes);
  }
  Bytes junk(200);
  for (auto& b : junk) b = static_cast<std::uint8_t>(next_random(rng));
  save(parse_dir, "junk", junk);
  save(decompress_dir, "junk", junk);
  Bytes magic_junk = junk;
  magic_junk[0] = 0x89, magic_junk[1] = 'L', magic_junk[2] = 'M', magic_junk[3] = 'P';
  magic_junk[4] = 1;
  save(parse_dir, "magic-junk", magic_junk);
  Bytes future = containers[1].second;
  future[4] = 2;
  save(parse_dir, "future-version", future);

  // Real archives from the library.
  struct Real {
    std::string name;
    Bytes input;
    int level;
    std::uint64_t block_size;
  };
  Bytes binary(600);
  for (std::size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<std::uint8_t>(i * i >> 3);
  Bytes noise(300);
  for (auto& b : noise) b = static_cast<std::uint8_t>(next_random(rng));
  const std::vector<Real> reals = {
      {"real-empty", {}, 1, 0},          {"real-hello", text(5), 1, 0},
      {"real-text-l1", text(400), 1, 0}, {"real-text-l2", text(400), 2, 0},
      {"real-text-l5", text(300), 5, 0}, {"real-binary-blocks", binary, 1, 128},
      {"real-noise", noise, 1, 0},
  };
  // Audio archives: a small 16-bit stereo and an 8-bit mono WAV (the audio media and model).
  auto wav = [&](int channels, int bits, int frames) {
    const int bytes = bits / 8;
    Bytes data;
    for (int i = 0; i < frames * channels; ++i) {
      const int v = static_cast<int>((i * 37 % 200) - 100) * (bits == 8 ? 1 : 90);
      for (int k = 0; k < bytes; ++k) {
        data.push_back(static_cast<std::uint8_t>((bits == 8 ? v + 128 : v) >> (8 * k)));
      }
    }
    Bytes f;
    auto u32 = [&](std::uint32_t x) {
      for (int k = 0; k < 4; ++k) f.push_back(static_cast<std::uint8_t>(x >> (8 * k)));
    };
    auto u16 = [&](std::uint32_t x) {
      f.push_back(static_cast<std::uint8_t>(x));
      f.push_back(static_cast<std::uint8_t>(x >> 8));
    };
    auto tag = [&](const char* t) { f.insert(f.end(), t, t + 4); };
    tag("RIFF");
    u32(static_cast<std::uint32_t>(36 + data.size()));
    tag("WAVE");
    tag("fmt ");
    u32(16);
    u16(1);
    u16(channels);
    u32(8000);
    u32(8000 * channels * bytes);
    u16(channels * bytes);
    u16(bits);
    tag("data");
    u32(static_cast<std::uint32_t>(data.size()));
    f.insert(f.end(), data.begin(), data.end());
    return f;
  };
  const std::vector<Real> audio_reals = {
      {"real-audio-stereo-l1", wav(2, 16, 300), 1, 400},
      {"real-audio-stereo-l5", wav(2, 16, 300), 5, 0},
      {"real-audio-stereo-l9", wav(2, 16, 200), 9, 0},
      {"real-audio-mono8-l5", wav(1, 8, 500), 5, 0},
  };
  auto save_real = [&](const Real& r, bool also_parse) {
    lmpack::CompressOptions options;
    options.level = r.level;
    options.block_size = r.block_size;
    Bytes archive;
    if (lmpack::Status s = lmpack::compress(r.input, archive, options); !s) {
      std::fprintf(stderr, "compress %s failed: %s\n", r.name.c_str(), s.message().c_str());
      return false;
    }
    save_with_damage(decompress_dir, r.name, archive, rng);
    if (also_parse) save(parse_dir, r.name, archive);
    return true;
  };
  for (const Real& r : reals) {
    if (!save_real(r, true)) return 1;
  }
  for (const Real& r : audio_reals) {
    if (!save_real(r, false)) return 1;
  }
  // prior-pcm on audio, with the shipped audio prior (models/audio-pcm.lmw, found in the source
  // tree): damaged archives must fail cleanly whatever the transformer and the regression see.
  {
    lmpack::CompressOptions options;
    options.model = "prior-pcm";
    options.level = 1;
    Bytes archive;
    if (lmpack::Status s = lmpack::compress(wav(2, 16, 200), archive, options); !s) {
      std::fprintf(stderr, "compress real-audio-prior-pcm failed: %s\n", s.message().c_str());
      return 1;
    }
    save_with_damage(decompress_dir, "real-audio-prior-pcm", archive, rng);
  }
  return 0;
}
