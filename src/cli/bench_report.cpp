#include "cli/bench_report.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace lmpack::cli {

namespace {

std::string fixed(std::optional<double> value, int decimals) {
  if (!value) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, *value);
  return buf;
}

std::string json_number(std::optional<double> value) {
  if (!value) return "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", *value);
  return buf;
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::optional<double> per_second(std::uint64_t bytes, double seconds) {
  if (seconds <= 0) return std::nullopt;
  return static_cast<double>(bytes) / 1e6 / seconds;
}

// One family's size for each file: xz -9e's is the reference for "vs xz", flac -8's for
// "vs flac".
std::map<std::string, std::uint64_t> family_sizes(const std::vector<Measurement>& rows,
                                                  const std::string& family) {
  std::map<std::string, std::uint64_t> sizes;
  for (const auto& m : rows) {
    if (m.family == family && m.ok) sizes[m.file] = m.compressed_size;
  }
  return sizes;
}

bool any_audio(const std::vector<Measurement>& rows) {
  return std::any_of(rows.begin(), rows.end(),
                     [](const Measurement& m) { return m.audio_samples > 0; });
}

std::optional<std::uint64_t> lookup(const std::map<std::string, std::uint64_t>& map,
                                    const std::string& key) {
  auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

// Per-codec sums over the files where that codec succeeded, in first-seen codec order. Bits per
// sample are summed only when every file the codec ran on is audio.
std::vector<Measurement> totals(const std::vector<Measurement>& rows) {
  std::vector<Measurement> sums;
  std::vector<std::string> not_all_audio;
  for (const auto& m : rows) {
    auto it = std::find_if(sums.begin(), sums.end(),
                           [&](const Measurement& s) { return s.codec == m.codec; });
    if (it == sums.end()) {
      Measurement s;
      s.file = "TOTAL";
      s.codec = m.codec;
      s.family = m.family;
      s.ok = true;
      sums.push_back(s);
      it = sums.end() - 1;
    }
    if (!m.ok) {
      it->error = "partial: failed on some files";
      continue;
    }
    it->original_size += m.original_size;
    it->compressed_size += m.compressed_size;
    it->compress_seconds += m.compress_seconds;
    it->decompress_seconds += m.decompress_seconds;
    it->peak_rss_kib = std::max(it->peak_rss_kib, m.peak_rss_kib);
    it->audio_samples += m.audio_samples;
    if (m.audio_samples == 0) not_all_audio.push_back(m.codec);
  }
  for (auto& s : sums) {
    if (std::find(not_all_audio.begin(), not_all_audio.end(), s.codec) != not_all_audio.end()) {
      s.audio_samples = 0;
    }
  }
  return sums;
}

using Cells = std::vector<std::string>;

// audio: the table has the audio columns (bits/smp after bits/B, vs flac last).
Cells table_cells(const Measurement& m, std::optional<std::uint64_t> xz_size,
                  std::optional<std::uint64_t> flac_size, bool audio) {
  Figures f = compute_figures(m, xz_size, flac_size);
  if (!m.ok) return {m.file, m.codec, "FAILED: " + m.error};
  Cells cells = {m.file, m.codec, std::to_string(m.compressed_size), fixed(f.rate_percent, 2),
                 fixed(f.bits_per_byte, 3)};
  if (audio) cells.push_back(fixed(f.bits_per_sample, 3));
  for (auto&& cell : {fixed(f.compress_mb_s, 2), fixed(f.decompress_mb_s, 2),
                      fixed(f.peak_rss_mib, 1), fixed(f.vs_xz, 3)}) {
    cells.push_back(cell);
  }
  if (audio) cells.push_back(fixed(f.vs_flac, 3));
  if (!m.error.empty()) cells.push_back("(" + m.error + ")");
  return cells;
}

}  // namespace

Figures compute_figures(const Measurement& m, std::optional<std::uint64_t> xz_size,
                        std::optional<std::uint64_t> flac_size) {
  Figures f;
  f.peak_rss_mib = static_cast<double>(m.peak_rss_kib) / 1024.0;
  if (m.compressed_size == 0 && !m.ok) return f;
  if (m.original_size > 0) {
    double ratio = static_cast<double>(m.compressed_size) / static_cast<double>(m.original_size);
    f.rate_percent = ratio * 100.0;
    f.bits_per_byte = ratio * 8.0;
  }
  if (m.audio_samples > 0) {
    f.bits_per_sample =
        static_cast<double>(m.compressed_size) * 8.0 / static_cast<double>(m.audio_samples);
  }
  f.compress_mb_s = per_second(m.original_size, m.compress_seconds);
  f.decompress_mb_s = per_second(m.original_size, m.decompress_seconds);
  if (m.family == "lmpack" && xz_size && *xz_size > 0) {
    f.vs_xz = static_cast<double>(m.compressed_size) / static_cast<double>(*xz_size);
  }
  if (m.family == "lmpack" && flac_size && *flac_size > 0) {
    f.vs_flac = static_cast<double>(m.compressed_size) / static_cast<double>(*flac_size);
  }
  return f;
}

std::string render_table(const BenchContext& context, const std::vector<Measurement>& rows) {
  const bool audio = any_audio(rows);
  std::vector<Cells> lines = {{"file", "codec", "size", "rate%", "bits/B"}};
  if (audio) lines[0].push_back("bits/smp");
  for (const char* name : {"comp MB/s", "dec MB/s", "RSS MiB", "vs xz"}) lines[0].push_back(name);
  if (audio) lines[0].push_back("vs flac");
  const std::size_t columns = lines[0].size();
  auto xz = family_sizes(rows, "xz");
  auto flac = family_sizes(rows, "flac");
  for (const auto& m : rows) {
    lines.push_back(table_cells(m, lookup(xz, m.file), lookup(flac, m.file), audio));
  }

  std::size_t files = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i == 0 || rows[i].file != rows[i - 1].file) ++files;
  }
  if (files > 1) {
    auto sums = totals(rows);
    // A ratio of totals means something only over the same files: flac and wavpack run on the
    // audio files alone, and a codec that failed somewhere sums fewer files.
    auto files_of = [&](const std::string& codec) {
      std::vector<std::string> names;
      for (const auto& m : rows) {
        if (m.codec == codec && m.ok) names.push_back(m.file);
      }
      return names;
    };
    std::optional<std::uint64_t> xz_total, flac_total;
    std::vector<std::string> xz_files, flac_files;
    for (const auto& s : sums) {
      if (s.family == "xz" && s.error.empty()) {
        xz_total = s.compressed_size;
        xz_files = files_of(s.codec);
      }
      if (s.family == "flac" && s.error.empty()) {
        flac_total = s.compressed_size;
        flac_files = files_of(s.codec);
      }
    }
    for (const auto& s : sums) {
      const auto files = files_of(s.codec);
      lines.push_back(table_cells(s, files == xz_files ? xz_total : std::nullopt,
                                  files == flac_files ? flac_total : std::nullopt, audio));
    }
  }

  std::vector<std::size_t> widths;
  for (const auto& cells : lines) {
    for (std::size_t i = 0; i < cells.size() && i < columns; ++i) {
      if (widths.size() <= i) widths.push_back(0);
      if (cells[i].rfind("FAILED", 0) == 0) continue;  // runs on past the columns
      widths[i] = std::max(widths[i], cells[i].size());
    }
  }
  std::string out;
  out += "# lmpack " + context.version + " bench, " + context.machine.date + "\n";
  out += "# machine: " + context.machine.system + "; CPU: " + context.machine.cpu + "; " +
         std::to_string(context.machine.cores) + " cores\n";
  out += "# command: " + context.command + "\n";
  out +=
      "# rate% = compressed/original*100; MB/s = 10^6 original bytes per second (min of runs);"
      " RSS = peak of compress and decompress; vs xz = size / xz -9e size\n";
  if (audio) {
    out +=
        "# audio: bits/smp = compressed bits per sample (frames x channels);"
        " vs flac = size / flac -8 size\n"
        "# images: bits/smp = compressed bits per sub-pixel (pixels x channels)\n";
  }
  for (const auto& cells : lines) {
    std::string line;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) line += "  ";
      std::size_t width = i < widths.size() ? widths[i] : 0;
      std::string pad(width > cells[i].size() ? width - cells[i].size() : 0, ' ');
      bool left = i < 2 || i >= columns || cells[i].rfind("FAILED", 0) == 0;
      line += left ? cells[i] + (i + 1 < cells.size() ? pad : "") : pad + cells[i];
    }
    out += line + "\n";
  }
  return out;
}

std::string render_csv(const std::vector<Measurement>& rows) {
  std::string out =
      "file,codec,original_bytes,compressed_bytes,rate_percent,bits_per_byte,bits_per_sample,"
      "compress_mb_s,decompress_mb_s,peak_rss_mib,vs_xz,vs_flac,audio_samples,ok,error\n";
  auto xz = family_sizes(rows, "xz");
  auto flac = family_sizes(rows, "flac");
  for (const auto& m : rows) {
    Figures f = compute_figures(m, lookup(xz, m.file), lookup(flac, m.file));
    auto num = [](std::optional<double> v, int decimals) {
      return v ? fixed(v, decimals) : std::string();
    };
    out += csv_field(m.file) + "," + csv_field(m.codec) + "," + std::to_string(m.original_size) +
           "," + std::to_string(m.compressed_size) + "," + num(f.rate_percent, 4) + "," +
           num(f.bits_per_byte, 4) + "," + num(f.bits_per_sample, 4) + "," +
           num(f.compress_mb_s, 4) + "," + num(f.decompress_mb_s, 4) + "," +
           fixed(f.peak_rss_mib, 2) + "," + num(f.vs_xz, 4) + "," + num(f.vs_flac, 4) + "," +
           (m.audio_samples > 0 ? std::to_string(m.audio_samples) : std::string()) + "," +
           (m.ok ? "1" : "0") + "," + csv_field(m.error) + "\n";
  }
  return out;
}

std::string render_json(const BenchContext& context, const std::vector<Measurement>& rows) {
  std::string out = "{\n";
  out += "  \"lmpack_version\": " + json_string(context.version) + ",\n";
  out += "  \"date\": " + json_string(context.machine.date) + ",\n";
  out += "  \"machine\": {\"system\": " + json_string(context.machine.system) +
         ", \"cpu\": " + json_string(context.machine.cpu) +
         ", \"cores\": " + std::to_string(context.machine.cores) + "},\n";
  out += "  \"command\": " + json_string(context.command) + ",\n";
  out += "  \"results\": [";
  auto xz = family_sizes(rows, "xz");
  auto flac = family_sizes(rows, "flac");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Measurement& m = rows[i];
    Figures f = compute_figures(m, lookup(xz, m.file), lookup(flac, m.file));
    out += i == 0 ? "\n" : ",\n";
    out += "    {\"file\": " + json_string(m.file) + ", \"codec\": " + json_string(m.codec) +
           ", \"family\": " + json_string(m.family) +
           ", \"original_bytes\": " + std::to_string(m.original_size) +
           ", \"compressed_bytes\": " + std::to_string(m.compressed_size) +
           ", \"rate_percent\": " + json_number(f.rate_percent) +
           ", \"bits_per_byte\": " + json_number(f.bits_per_byte) +
           ", \"bits_per_sample\": " + json_number(f.bits_per_sample) + ", \"audio_samples\": " +
           (m.audio_samples > 0 ? std::to_string(m.audio_samples) : std::string("null")) +
           ", \"compress_mb_s\": " + json_number(f.compress_mb_s) +
           ", \"decompress_mb_s\": " + json_number(f.decompress_mb_s) +
           ", \"peak_rss_mib\": " + json_number(f.peak_rss_mib) +
           ", \"vs_xz\": " + json_number(f.vs_xz) + ", \"vs_flac\": " + json_number(f.vs_flac) +
           ", \"ok\": " + (m.ok ? "true" : "false") + ", \"error\": " + json_string(m.error) + "}";
  }
  out += rows.empty() ? "]\n" : "\n  ]\n";
  out += "}\n";
  return out;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace lmpack::cli
