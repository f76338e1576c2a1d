#include "cli/list.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <new>
#include <string>
#include <vector>

#include "cli/diagnostics.h"
#include "cli/file_io.h"
#include "cli/speech_list.h"
#include "lmpack/lmpack.h"

namespace lmpack::cli {

namespace {

struct Listed {
  std::string name;
  ArchiveInfo info;
  std::uint64_t file_size = 0;  // bytes actually read, which -l reports as "compressed"
};

std::string rate(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return "--";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%",
                100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

std::string hex64(std::uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(value));
  return buf;
}

// Reads one archive's description; prints the error and returns false on failure.
bool inspect_file(const Options& opt, const std::string& path, Listed& out) {
  out.name = display_name(path);
  if (path == "-" && isatty(STDIN_FILENO) && !opt.force) {
    print_error(out.name, "refusing to read compressed data from a terminal (use -f to force)");
    return false;
  }
  if (path != "-") {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      print_error(out.name, errno_message(errno));
      return false;
    }
    if (S_ISDIR(st.st_mode)) {
      print_error(out.name, "is a directory");
      return false;
    }
  }
  std::vector<std::uint8_t> data;
  Status status = read_input(path, data);
  if (status && data.empty())
    status = Status(ErrorCode::kTruncated, "empty file, not an lmpack archive");
  if (status) {
    status =
        is_speech_archive_data(data) ? inspect_speech(data, out.info) : inspect(data, out.info);
  }
  if (!status) {
    print_error(out.name,
                status.message().empty() ? error_code_name(status.code()) : status.message());
    return false;
  }
  out.file_size = data.size();
  return true;
}

void print_row(const char* format_line, const std::string& compressed, const std::string& original,
               const std::string& ratio, const std::string& blocks, const std::string& media,
               const std::string& checksum, const std::string& model, int model_width,
               const std::string& name) {
  std::printf(format_line, compressed.c_str(), original.c_str(), ratio.c_str(), blocks.c_str(),
              media.c_str(), checksum.c_str(), model_width, model.c_str(), name.c_str());
}

void print_blocks(const Listed& row) {
  const ArchiveInfo& info = row.info;
  std::printf("    format v%u, level %d, block size %llu, %zu block%s\n", info.format_version,
              info.level, static_cast<unsigned long long>(info.block_size), info.blocks.size(),
              info.blocks.size() == 1 ? "" : "s");
  if (info.media != "bytes") {
    std::printf("    %s: %s%s\n", info.media.c_str(), info.media_desc.c_str(),
                info.byte_exact ? ", comes back byte for byte" : "");
  }
  for (std::size_t i = 0; i < info.blocks.size(); ++i) {
    const BlockInfo& block = info.blocks[i];
    std::printf("    block %6zu: %12llu -> %12llu bytes %7s  %s\n", i,
                static_cast<unsigned long long>(block.original_size),
                static_cast<unsigned long long>(block.stored_size),
                rate(block.stored_size, block.original_size).c_str(), block.raw ? "raw" : "model");
  }
}

}  // namespace

int list_archives(const Options& opt) {
  std::vector<Listed> rows;
  bool all_ok = true;
  for (const auto& path : opt.files) {
    Listed row;
    try {
      if (inspect_file(opt, path, row)) {
        rows.push_back(std::move(row));
      } else {
        all_ok = false;
      }
    } catch (const std::bad_alloc&) {
      print_error(display_name(path), "out of memory");
      all_ok = false;
    }
  }
  if (rows.empty()) return all_ok ? kExitOk : kExitError;

  int model_width = 5;
  for (const auto& row : rows) {
    model_width = std::max(model_width, static_cast<int>(row.info.model_desc.size()));
  }
  const char* line = "%12s %12s %7s %7s %-7s %-16s  %-*s  %s\n";
  print_row(line, "compressed", "original", "rate", "blocks", "media", "checksum", "model",
            model_width, "name");
  std::uint64_t total_compressed = 0, total_original = 0, total_blocks = 0;
  for (const auto& row : rows) {
    const ArchiveInfo& info = row.info;
    print_row(line, std::to_string(row.file_size), std::to_string(info.original_size),
              rate(row.file_size, info.original_size), std::to_string(info.blocks.size()),
              info.media, hex64(info.checksum), info.model_desc, model_width, row.name);
    if (opt.verbose) print_blocks(row);
    total_compressed += row.file_size;
    total_original += info.original_size;
    total_blocks += info.blocks.size();
  }
  if (rows.size() > 1) {
    print_row(line, std::to_string(total_compressed), std::to_string(total_original),
              rate(total_compressed, total_original), std::to_string(total_blocks), "", "", "",
              model_width, std::to_string(rows.size()) + " files");
  }
  std::fflush(stdout);
  return all_ok ? kExitOk : kExitError;
}

}  // namespace lmpack::cli
