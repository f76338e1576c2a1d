#include "cli/bench_chunks.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "cli/bench_report.h"
#include "cli/diagnostics.h"
#include "cli/peers.h"
#include "lmpack/lmpack.h"
#include "media/audio/audio_file.h"
#include "media/audio/flac_codec.h"

extern char** environ;

namespace lmpack::cli {

namespace {

namespace fs = std::filesystem;

struct Row {
  std::string label;
  std::uint64_t compressed = 0;  // sum over chunks
  std::uint64_t side = 0;        // prior or dictionary bytes (counted once when adjusted)
  double seconds = 0;
  bool ok = true;
};

bool read_file(const std::string& path, std::vector<std::uint8_t>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

bool write_file(const std::string& path, std::span<const std::uint8_t> data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  return static_cast<bool>(out.flush());
}

// Runs argv with stdin from `in` and stdout to `out`; true when it exits 0.
bool run(const std::vector<std::string>& argv, const std::string& in, const std::string& out) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return false;
  int status = 0;
  if (::waitpid(pid, &status, 0) < 0) return false;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::uint64_t file_size(const std::string& path) {
  std::error_code ec;
  const auto n = fs::file_size(path, ec);
  return ec ? 0 : n;
}

struct Peer {
  std::string label;
  std::vector<std::string> argv;  // compresses stdin to stdout
  std::uint64_t side = 0;
};

std::vector<Peer> peers(const std::string& dict, std::uint64_t dict_bytes) {
  std::vector<Peer> out;
  auto add = [&](const char* prog, std::string label, std::vector<std::string> args,
                 std::uint64_t side = 0) {
    const std::string path = find_on_path(prog);
    if (path.empty()) return;
    args.insert(args.begin(), path);
    out.push_back({std::move(label), std::move(args), side});
  };
  add("gzip", "gzip -9", {"-9", "-n", "-c"});
  add("xz", "xz -9e", {"-9e", "-c"});
  add("xz", "lzma2 raw -9e (xz --format=raw)", {"--format=raw", "-9e", "-c"});
  add("zstd", "zstd -19", {"-19", "-q", "-c", "--no-check"});
  if (!dict.empty()) {
    add("zstd", "zstd -19 -D dict", {"-19", "-q", "-c", "--no-check", "-D", dict}, dict_bytes);
  }
  add("brotli", "brotli -q 11", {"-q", "11", "-c"});
  return out;
}

std::string pct(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f%%", 100.0 * x);
  return b;
}

// Bytes of a FLAC file before its first frame: "fLaC" and every metadata block (each a 4-byte
// header with a last-block flag and a 24-bit length). 0 when the file is not a well-formed FLAC.
std::uint64_t flac_metadata_bytes(std::span<const std::uint8_t> f) {
  if (f.size() < 4 || std::memcmp(f.data(), "fLaC", 4) != 0) return 0;
  std::uint64_t at = 4;
  for (;;) {
    if (at + 4 > f.size()) return 0;
    const bool last = (f[at] & 0x80) != 0;
    at += 4 + ((std::uint64_t{f[at + 1]} << 16) | (std::uint64_t{f[at + 2]} << 8) | f[at + 3]);
    if (at > f.size()) return 0;
    if (last) return at;
  }
}

// One chunk of Trilobyte tokens as a canonical WAV (44-byte header for mono/stereo up to 16
// bits): what FLAC and lmpack's audio family are given, since they need the sample format.
bool chunk_wav(const media::audio::PcmLayout& layout, std::span<const std::uint8_t> tokens,
               std::vector<std::uint8_t>& wav) {
  media::audio::AudioFile a;
  a.container = media::audio::Container::kWav;
  a.layout = layout;
  a.layout.big_endian = false;
  a.layout.is_unsigned = layout.bytes_per_sample == 1;
  a.frames = tokens.size() / static_cast<std::size_t>(layout.frame_bytes());
  wav.clear();
  return static_cast<bool>(media::audio::detail::write_canonical_wav(a, tokens, wav));
}

}  // namespace

int run_chunk_bench(int argc, char** argv) {
  CLI::App app{
      "Paper protocol: each --chunk-byte chunk compressed on its own (raw and adjusted "
      "rates; adjusted adds the prior's or dictionary's size once).",
      "lmpack bench --chunk"};
  std::vector<std::string> files;
  std::size_t chunk = 2048;
  std::size_t max_chunks = 256;
  std::string prior;
  std::vector<std::string> model_dirs;
  std::string dict_train;
  std::string models = "prior:5,prior-mix:5,cm:5";
  std::string csv_path;
  app.add_option("files", files, "Input files (each its own table)")->required();
  app.add_option("--chunk", chunk, "Chunk size in bytes")->check(CLI::Range(16, 1 << 20));
  app.add_option("--max-chunks", max_chunks,
                 "Chunks per file, evenly spread over it (0 = every chunk)");
  app.add_option("--prior", prior, "Prior of the prior modes (default text-en)");
  app.add_option("--model-dir", model_dirs, "Directory searched first for priors")
      ->allow_extra_args(false);
  app.add_option("--dict-train", dict_train,
                 "Training data for the zstd dictionary (`zstd --train -B CHUNK`): use the "
                 "prior's training corpus");
  app.add_option("--models", models, "lmpack rows: MODEL:LEVEL,... (RecordCodec)");
  bool records = false;
  app.add_flag("--records", records,
               "Small-records mode: every line of a file (with its newline) is one record, "
               "instead of fixed chunks");
  bool pcm = false;
  app.add_flag("--pcm", pcm,
               "Audio mode: every file is a PCM audio file (WAV, AIFF, FLAC, ...); the chunks "
               "are of its Trilobyte tokens (the bytes lmpack's audio stream holds), whole "
               "frames each; adds FLAC and lmpack's audio family, each given the chunk as a WAV, "
               "and a table over all files");
  app.add_option("--csv", csv_path, "Also write every row to this CSV file");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  if (pcm && records) {
    print_usage_error("--pcm and --records do not go together");
    return kExitUsage;
  }
  for (const std::string& d : model_dirs) add_model_dir(d);

  char tmpl[] = "/tmp/lmpack-chunks-XXXXXX";
  if (!::mkdtemp(tmpl)) {
    print_error("bench", "cannot create a scratch directory");
    return kExitError;
  }
  const std::string tmp = tmpl;
  const std::string in_path = tmp + "/chunk", out_path = tmp + "/chunk.out";
  const std::string wav_path = tmp + "/chunk.wav";
  std::string dict;
  std::uint64_t dict_bytes = 0;
  if (!dict_train.empty()) {
    const std::string zstd = find_on_path("zstd");
    dict = tmp + "/dict";
    if (zstd.empty() ||
        !run({zstd, "--train", "-q", "-B" + std::to_string(chunk), dict_train, "-o", dict},
             "/dev/null", "/dev/null")) {
      print_error(dict_train, "zstd --train failed");
      fs::remove_all(tmp);
      return kExitError;
    }
    dict_bytes = file_size(dict);
  }

  struct LmRow {
    std::string label;
    RecordCodec codec;
  };
  // The lmpack rows; with --pcm they are opened again for every file, with its sample layout
  // (prior-pcm predicts samples).
  std::vector<LmRow> lm;
  auto open_rows = [&](int pcm_bytes, int pcm_channels) {
    lm.clear();
    std::stringstream ss(models);
    std::string item;
    while (std::getline(ss, item, ',')) {
      RecordOptions ro;
      const auto colon = item.find(':');
      ro.model = item.substr(0, colon);
      if (colon != std::string::npos) ro.level = std::atoi(item.c_str() + colon + 1);
      if (ro.model.rfind("prior", 0) == 0) ro.prior = prior;
      ro.pcm_bytes_per_sample = pcm_bytes;
      ro.pcm_channels = pcm_channels;
      LmRow r{"lmpack " + ro.model + " -" + std::to_string(ro.level), {}};
      if (Status s = RecordCodec::open(ro, r.codec); !s) {
        print_error(item, s.message());
        return false;
      }
      lm.push_back(std::move(r));
    }
    return true;
  };
  if (!open_rows(0, 1)) {
    fs::remove_all(tmp);
    return kExitError;
  }
  const std::vector<Peer> peer_list = peers(dict, dict_bytes);
  const std::string flac = pcm ? find_on_path("flac") : std::string();

  std::FILE* csv = nullptr;
  if (!csv_path.empty()) {
    csv = std::fopen(csv_path.c_str(), "w");
    if (!csv) {
      print_error(csv_path, "cannot write");
      fs::remove_all(tmp);
      return kExitError;
    }
    std::fprintf(csv,
                 "file,compressor,chunks,chunk_bytes,original_bytes,compressed_bytes,raw_percent,"
                 "side_bytes,adjusted_percent,adjusted_100MB_percent,kb_per_s\n");
  }

  // Prints one table (and its CSV rows); false when a row failed.
  auto print_table = [&](const std::string& name, std::uint64_t original,
                         const std::vector<Row>& rows, std::size_t n_chunks) {
    bool ok = true;
    const int w = pcm ? 44 : 34;  // the audio rows' labels are longer
    std::printf("%-*s %10s %8s %10s %9s %12s %8s\n", w, "compressor", "compressed", "raw",
                "side bytes", "adjusted", "adj. 100 MB", "KB/s");
    for (const Row& r : rows) {
      if (!r.ok) {
        std::printf("%-*s %s\n", w, r.label.c_str(), "FAILED");
        ok = false;
        continue;
      }
      const double raw = static_cast<double>(r.compressed) / static_cast<double>(original);
      const double adj = static_cast<double>(r.compressed + r.side) / static_cast<double>(original);
      const double adj100 = raw + static_cast<double>(r.side) / 1e8;  // same raw rate on 100 MB
      const double kbps =
          static_cast<double>(original) / 1024.0 / (r.seconds > 0 ? r.seconds : 1e-9);
      std::printf("%-*s %10llu %8s %10llu %9s %12s %8.1f\n", w, r.label.c_str(),
                  static_cast<unsigned long long>(r.compressed), pct(raw).c_str(),
                  static_cast<unsigned long long>(r.side), pct(adj).c_str(), pct(adj100).c_str(),
                  kbps);
      if (csv) {
        std::fputs((csv_field(name) + "," + csv_field(r.label)).c_str(), csv);
        std::fprintf(csv, ",%zu,%zu,%llu,%llu,%.3f,%llu,%.3f,%.3f,%.1f\n", n_chunks, chunk,
                     static_cast<unsigned long long>(original),
                     static_cast<unsigned long long>(r.compressed), 100.0 * raw,
                     static_cast<unsigned long long>(r.side), 100.0 * adj, 100.0 * adj100, kbps);
      }
    }
    std::printf("\n");
    return ok;
  };

  int exit_code = kExitOk;
  std::vector<Row> totals;  // --pcm: every row summed over the files
  std::uint64_t total_original = 0;
  std::size_t total_chunks = 0;
  for (const std::string& file : files) {
    std::vector<std::uint8_t> data;
    if (!read_file(file, data)) {
      print_error(file, "cannot read");
      exit_code = kExitError;
      continue;
    }
    media::audio::AudioFile audio;
    std::size_t piece = chunk;  // chunk bytes; whole frames with --pcm
    if (pcm) {
      std::vector<std::uint8_t> tokens;
      if (!media::audio::parse(data, audio, tokens)) {
        print_error(file, "is not a PCM audio file lmpack reads");
        exit_code = kExitError;
        continue;
      }
      data = std::move(tokens);
      if (!open_rows(audio.layout.bytes_per_sample, audio.layout.channels)) {
        fs::remove_all(tmp);
        return kExitError;
      }
      piece -= piece % static_cast<std::size_t>(audio.layout.frame_bytes());
      if (piece == 0) {
        print_error(file, "its frames are longer than one chunk");
        exit_code = kExitError;
        continue;
      }
    }
    std::vector<std::span<const std::uint8_t>> pieces;  // every chunk or record of the file
    if (records) {
      std::size_t start = 0;
      for (std::size_t i = 0; i < data.size(); ++i) {
        if (data[i] == '\n' || i + 1 == data.size()) {
          if (i + 1 - start > 1) pieces.push_back(std::span(data).subspan(start, i + 1 - start));
          start = i + 1;
        }
      }
    } else {
      for (std::size_t at = 0; at + piece <= data.size(); at += piece) {
        pieces.push_back(std::span(data).subspan(at, piece));
      }
    }
    const std::size_t total = pieces.size();
    const std::size_t n = max_chunks == 0 || max_chunks > total ? total : max_chunks;
    if (n == 0) {
      print_error(file, records ? "has no records" : "shorter than one chunk");
      continue;
    }
    std::vector<std::span<const std::uint8_t>> chunks;
    std::uint64_t original = 0;
    for (std::size_t i = 0; i < n; ++i) {
      chunks.push_back(pieces[i * total / n]);  // evenly spread
      original += chunks.back().size();
    }
    std::vector<Row> rows;
    for (const LmRow& r : lm) {
      Row row{r.label, 0, r.codec.prior_bytes(), 0, true};
      const auto t0 = std::chrono::steady_clock::now();
      std::vector<std::uint8_t> coded, back;
      for (auto c : chunks) {
        coded.clear();
        if (!r.codec.compress(c, coded) || !r.codec.decompress(coded, back) ||
            !std::equal(back.begin(), back.end(), c.begin(), c.end())) {
          row.ok = false;  // a failed round trip is a bug: say so in the table
          break;
        }
        row.compressed += coded.size();
      }
      row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      rows.push_back(row);
    }
    if (pcm) {
      // lmpack's audio family (no prior) needs the sample format, so it gets the chunk as a WAV
      // and makes a whole archive: container header, the WAV header as side bytes, block table
      // and checksums included. "payload only" counts just the coded blocks.
      Row arch{"lmpack audio -5 (archive of the chunk's WAV)", 0, 0, 0, true};
      Row payload{"lmpack audio -5, coded blocks only", 0, 0, 0, true};
      const auto t0 = std::chrono::steady_clock::now();
      std::vector<std::uint8_t> wav, archive, back;
      CompressOptions co;
      co.model = "audio";
      co.level = 5;
      for (auto c : chunks) {
        ArchiveInfo info;
        if (!chunk_wav(audio.layout, c, wav) || !compress(wav, archive, co) ||
            !decompress(archive, back) || back != wav || !inspect(archive, info)) {
          arch.ok = payload.ok = false;
          break;
        }
        arch.compressed += archive.size();
        for (const BlockInfo& b : info.blocks) payload.compressed += b.stored_size;
      }
      arch.seconds = payload.seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      rows.push_back(arch);
      rows.push_back(payload);
      // FLAC's smallest file for the chunk: no PADDING or SEEKTABLE block (the flac command adds
      // 8 KiB of padding by default), so only "fLaC", STREAMINFO and the vorbis comment with the
      // encoder's vendor string precede the frames. "frames only" drops those too. Written to a
      // file (-o), not stdout, so flac can complete STREAMINFO (MD5); the size is the same.
      if (!flac.empty()) {
        Row file_row{"flac -8 --no-padding --no-seektable", 0, 0, 0, true};
        Row frames{"flac -8, frames only (no fLaC/metadata)", 0, 0, 0, true};
        const auto f0 = std::chrono::steady_clock::now();
        std::vector<std::uint8_t> out;
        for (auto c : chunks) {
          if (!chunk_wav(audio.layout, c, wav) || !write_file(wav_path, wav) ||
              !run({flac, "-8", "--no-padding", "--no-seektable", "-s", "-f", "-o", out_path,
                    wav_path},
                   "/dev/null", "/dev/null") ||
              !read_file(out_path, out) || flac_metadata_bytes(out) == 0) {
            file_row.ok = frames.ok = false;
            break;
          }
          file_row.compressed += out.size();
          frames.compressed += out.size() - flac_metadata_bytes(out);
        }
        file_row.seconds = frames.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - f0).count();
        rows.push_back(file_row);
        rows.push_back(frames);
      }
    }
    for (const Peer& p : peer_list) {
      Row row{p.label, 0, p.side, 0, true};
      const auto t0 = std::chrono::steady_clock::now();
      for (auto c : chunks) {
        if (!write_file(in_path, c) || !run(p.argv, in_path, out_path)) {
          row.ok = false;
          break;
        }
        row.compressed += file_size(out_path);
      }
      row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      rows.push_back(row);
    }
    if (records) {
      std::printf("%s: %zu records (%zu in the file), %llu bytes, %.0f bytes a record\n",
                  file.c_str(), n, total, static_cast<unsigned long long>(original),
                  static_cast<double>(original) / static_cast<double>(n));
    } else if (pcm) {
      std::printf("%s: %s; %zu chunks of %zu token bytes (%zu in the file), %llu bytes\n",
                  file.c_str(), media::audio::describe(audio).c_str(), n, piece, total,
                  static_cast<unsigned long long>(original));
    } else {
      std::printf("%s: %zu chunks of %zu bytes (%zu in the file), %llu bytes\n", file.c_str(), n,
                  chunk, total, static_cast<unsigned long long>(original));
    }
    if (!print_table(file, original, rows, n)) exit_code = kExitError;
    if (pcm) {
      if (totals.empty())
        totals = rows;
      else {
        for (std::size_t i = 0; i < rows.size() && i < totals.size(); ++i) {
          totals[i].compressed += rows[i].compressed;
          totals[i].seconds += rows[i].seconds;
          totals[i].ok = totals[i].ok && rows[i].ok;
        }
      }
      total_original += original;
      total_chunks += n;
    }
  }
  if (pcm && files.size() > 1 && !totals.empty()) {
    std::printf("all files: %zu chunks, %llu bytes\n", total_chunks,
                static_cast<unsigned long long>(total_original));
    print_table("all files", total_original, totals, total_chunks);
  }
  if (csv && std::fclose(csv) != 0) {
    print_error(csv_path, "cannot write");
    exit_code = kExitError;
  }
  if (!records) {
    std::printf(
        "Delétang et al., \"Language Modeling Is Compression\" (arXiv 2309.10668), same protocol "
        "(2048-byte chunks), published raw rates quoted in its abstract: Chinchilla 70B ImageNet "
        "patches 43.4%%, LibriSpeech 16.4%%; PNG 58.5%% (ImageNet); FLAC 30.3%% (LibriSpeech). "
        "Not measured here; other datasets.\n");
  }
  fs::remove_all(tmp);
  return exit_code;
}

}  // namespace lmpack::cli
