#include "cli/diagnostics.h"

#include <cstdio>
#include <string>

namespace lmpack::cli {

namespace {

std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

void print_error(std::string_view name, std::string_view message) {
  std::string line = "lmpack: ";
  if (!name.empty()) {
    line += one_line(name);
    line += ": ";
  }
  line += one_line(message);
  line += '\n';
  std::fflush(stdout);
  std::fputs(line.c_str(), stderr);
}

void print_usage_error(std::string_view message) {
  print_error("", one_line(message) + " (try 'lmpack --help')");
}

std::string display_name(const std::string& path) { return path == "-" ? "(stdin)" : path; }

}  // namespace lmpack::cli
