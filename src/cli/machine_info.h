// What a benchmark result needs to be reproducible: when, where and how it was run.
#pragma once

#include <string>

namespace lmpack::cli {

struct MachineInfo {
  std::string date;    // UTC, ISO 8601
  std::string system;  // uname: sysname nodename release machine
  std::string cpu;     // "model name" from /proc/cpuinfo
  unsigned cores = 0;  // online processors
};

MachineInfo probe_machine();

// argv as one shell-pasteable line (arguments quoted when needed).
std::string quote_command(int argc, char** argv);

}  // namespace lmpack::cli
