// Archives written by earlier builds (tests/golden/) must keep decoding, and damaged ones must
// keep failing with the same error: the archive format is a promise.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "lmpack/lmpack.h"

namespace lmpack {
namespace {

std::vector<std::uint8_t> read_golden(const std::string& name) {
  std::ifstream f(std::string(LMPACK_GOLDEN_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(f.good()) << name;
  return {std::istreambuf_iterator<char>(f), {}};
}

// A gtest-safe name from an archive's file name: letters and digits kept, the rest '_'.
std::string test_name(const char* file) {
  std::string name;
  for (const char* c = file; *c; ++c)
    name += std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_';
  return name;
}

struct MustDecode {
  const char* archive;
  const char* original;  // nullptr: the empty file
};

class GoldenDecode : public ::testing::TestWithParam<MustDecode> {};

TEST_P(GoldenDecode, DecodesToTheOriginal) {
  const auto archive = read_golden(GetParam().archive);
  const auto expected =
      GetParam().original ? read_golden(GetParam().original) : std::vector<std::uint8_t>{};
  std::vector<std::uint8_t> out;
  const Status s = decompress(archive, out);
  ASSERT_TRUE(s.is_ok()) << error_code_name(s.code()) << ": " << s.message();
  EXPECT_EQ(out, expected);
  DecompressOptions two;
  two.threads = 2;
  ASSERT_TRUE(decompress(archive, out, two).is_ok());
  EXPECT_EQ(out, expected);
}

INSTANTIATE_TEST_SUITE_P(
    Golden, GoldenDecode,
    ::testing::Values(MustDecode{"gpl-3-head.L1.lmp", "gpl-3-head.txt"},
                      MustDecode{"gpl-3-head.L5.lmp", "gpl-3-head.txt"},
                      MustDecode{"gpl-3-head.L9.lmp", "gpl-3-head.txt"},
                      MustDecode{"gpl-3-head.L3.blocks.lmp", "gpl-3-head.txt"},
                      MustDecode{"empty.lmp", nullptr},
                      MustDecode{"random-3000.lmp", "random-3000.bin"},
                      MustDecode{"random-3000.small-blocks.lmp", "random-3000.bin"},
                      MustDecode{"piano-4000.L5.lmp", "piano-4000.wav"},
                      MustDecode{"piano-4000.L9.lmp", "piano-4000.wav"},
                      MustDecode{"piano-4000.preset.L5.lmp", "piano-4000.wav"},
                      MustDecode{"piano-4000.preset.L9.lmp", "piano-4000.wav"},
                      MustDecode{"chelsea-48x32.L5.lmp", "chelsea-48x32.ppm"},
                      MustDecode{"chelsea-48x32.L9.lmp", "chelsea-48x32.ppm"},
                      MustDecode{"chelsea-48x32.L5.p2.lmp", "chelsea-48x32.ppm"},
                      MustDecode{"chelsea-48x32.L9.p2.lmp", "chelsea-48x32.ppm"},
                      MustDecode{"patch-64x32.L5.p2.lmp", "patch-64x32.pgm"},
                      MustDecode{"chelsea-48x32.L5.p3.lmp", "chelsea-48x32.ppm"},
                      MustDecode{"chelsea-48x32.L9.p3.lmp", "chelsea-48x32.ppm"},
                      MustDecode{"patch-64x32.L5.p3.lmp", "patch-64x32.pgm"},
                      MustDecode{"patch-64x32.L9.p3.lmp", "patch-64x32.pgm"}),
    [](const ::testing::TestParamInfo<MustDecode>& info) { return test_name(info.param.archive); });

struct MustFail {
  const char* archive;
  ErrorCode code;
};

class GoldenReject : public ::testing::TestWithParam<MustFail> {};

TEST_P(GoldenReject, FailsWithTheSameError) {
  const auto archive = read_golden(GetParam().archive);
  std::vector<std::uint8_t> out;
  const Status s = decompress(archive, out);
  EXPECT_EQ(s.code(), GetParam().code) << s.message();
  EXPECT_FALSE(s.message().empty());
  EXPECT_TRUE(out.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Golden, GoldenReject,
    ::testing::Values(MustFail{"fail-truncated.lmp", ErrorCode::kTruncated},
                      MustFail{"fail-payload-bitflip.lmp", ErrorCode::kChecksumMismatch},
                      MustFail{"fail-future-version.lmp", ErrorCode::kUnsupportedVersion},
                      MustFail{"fail-bad-magic.lmp", ErrorCode::kNotAnArchive},
                      MustFail{"fail-trailer-bitflip.lmp", ErrorCode::kCorrupt}),
    [](const ::testing::TestParamInfo<MustFail>& info) { return test_name(info.param.archive); });

}  // namespace
}  // namespace lmpack
