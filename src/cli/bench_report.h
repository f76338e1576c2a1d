// Turns bench measurements into the aligned text table people read and the CSV/JSON machines
// read. All three carry the same per file x codec figures; the table adds per-codec totals.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/bench_runner.h"
#include "cli/machine_info.h"

namespace lmpack::cli {

struct BenchContext {
  std::string version;
  MachineInfo machine;
  std::string command;
};

// Figures derived from one measurement; nullopt where undefined (empty file, failed run).
struct Figures {
  std::optional<double> rate_percent;     // compressed / original * 100
  std::optional<double> bits_per_byte;    // compressed * 8 / original
  std::optional<double> bits_per_sample;  // audio: compressed * 8 / (frames * channels)
  std::optional<double> compress_mb_s;    // original bytes (10^6) per second
  std::optional<double> decompress_mb_s;
  double peak_rss_mib = 0;
  std::optional<double> vs_xz;    // lmpack rows only: compressed / xz -9e's compressed, same file
  std::optional<double> vs_flac;  // lmpack rows only: compressed / flac -8's compressed
};

// xz_size, flac_size: xz -9e's and flac -8's compressed sizes for the same file, if they ran.
Figures compute_figures(const Measurement& m, std::optional<std::uint64_t> xz_size,
                        std::optional<std::uint64_t> flac_size = std::nullopt);

std::string render_table(const BenchContext& context, const std::vector<Measurement>& rows);
std::string render_csv(const std::vector<Measurement>& rows);
// One CSV field (RFC 4180): quoted, with inner quotes doubled, only when it holds a comma, a
// quote or a line break.
std::string csv_field(const std::string& text);
std::string render_json(const BenchContext& context, const std::vector<Measurement>& rows);

}  // namespace lmpack::cli
