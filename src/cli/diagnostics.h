// How the command talks to people: one-line errors and warnings on stderr. Kept in one place so
// every message has the same "lmpack: NAME: message" shape that scripts can grep.
#pragma once

#include <string>
#include <string_view>

namespace lmpack::cli {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;

// Prints "lmpack: NAME: message" (or "lmpack: message" when name is empty) as exactly one line;
// newlines inside the message are flattened so a library message can never break the shape.
void print_error(std::string_view name, std::string_view message);

// Prints a usage error and the hint to run --help, on one line.
void print_usage_error(std::string_view message);

// Name shown for a path in messages: "(stdin)" for "-".
std::string display_name(const std::string& path);

}  // namespace lmpack::cli
