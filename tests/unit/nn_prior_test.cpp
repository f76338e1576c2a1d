// Priors end to end on a tiny model: training is the same on 1 and 2 threads, a checkpointed and
// resumed run equals a straight one bit for bit, priors save, load and drive the prior families
// and RecordCodec through exact round trips, and an archive's prior is found by name and hash
// only (a missing or different prior is refused with a message naming it).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>

#include "audio_test_streams.h"
#include "lmpack/lmpack.h"
#include "model/codec.h"
#include "model/nn/families.h"
#include "model/nn/prior_store.h"
#include "model/nn/stream_codec.h"
#include "model/nn/trainer.h"

namespace lmpack::model::nn {
namespace {

namespace fs = std::filesystem;
using lmpack::nn::WeightsFile;

std::vector<std::uint8_t> text(std::size_t n, std::uint64_t seed = 12345) {
  const char* words[] = {"the ",  "quick ", "brown ", "fox ", "jumps ",
                         "over ", "lazy ",  "dog. ",  "And ", "then\n"};
  std::vector<std::uint8_t> out;
  std::uint64_t x = seed;
  while (out.size() < n) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const char* w = words[(x >> 33) % 10];
    out.insert(out.end(), w, w + std::strlen(w));
  }
  out.resize(n);
  return out;
}

TrainOptions tiny(std::uint64_t steps) {
  TrainOptions o;
  o.model.d_model = 16;
  o.model.layers = 1;
  o.model.heads = 2;
  o.model.d_ff = 32;
  o.model.segment = 16;
  o.model.memory = 16;
  o.model.streams = 2;
  o.model.lr = 3e-3f;
  o.model.emb_lr = 3e-3f;
  o.model.lr_min = 1e-4f;
  o.model.beta1 = 0.9f;
  o.model.beta2 = 0.99f;
  o.steps = steps;
  o.checkpoint_every = 8;
  o.eval_every = 8;
  o.eval_bytes = 1024;
  return o;
}

// Per process: ctest runs every test of the PriorFamilies suite as its own process, in
// parallel, and each one's SetUpTestSuite would otherwise wipe the directory another is reading.
fs::path scratch(const std::string& name) {
  fs::path p =
      fs::temp_directory_path() / ("lmpack-prior-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

TEST(Trainer, LearnsAndIsThreadInvariant) {
  const auto corpus = text(20000);
  TrainOptions one = tiny(24), two = tiny(24);
  one.threads = 1;
  two.threads = 2;
  std::vector<TrainReport> reports;
  WeightsFile a, b;
  ASSERT_TRUE(train_transformer(
      corpus, one, [&](const TrainReport& r) { reports.push_back(r); }, a));
  ASSERT_TRUE(train_transformer(corpus, two, {}, b));
  EXPECT_EQ(lmpack::nn::write_weights(a), lmpack::nn::write_weights(b));
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_LT(reports.back().train_bpb, reports.front().train_bpb);
  EXPECT_LT(reports.back().heldout_bpb, 6.0);
  EXPECT_EQ(a.meta_value("kind"), "prior");
}

TEST(Trainer, ResumeEqualsStraightRun) {
  const auto corpus = text(20000);
  const fs::path dir = scratch("resume");
  TrainOptions straight = tiny(24);
  straight.checkpoint_path = (dir / "straight.ckpt").string();
  WeightsFile s;
  ASSERT_TRUE(train_transformer(corpus, straight, {}, s));

  TrainOptions first = tiny(16);  // stops at the second checkpoint
  first.checkpoint_path = (dir / "resumed.ckpt").string();
  WeightsFile half;
  ASSERT_TRUE(train_transformer(corpus, first, {}, half));
  TrainOptions rest = tiny(24);
  rest.checkpoint_path = first.checkpoint_path;
  rest.resume = true;
  rest.threads = 1;
  WeightsFile r;
  ASSERT_TRUE(train_transformer(corpus, rest, {}, r));
  EXPECT_EQ(lmpack::nn::write_weights(s), lmpack::nn::write_weights(r));
  EXPECT_NE(lmpack::nn::write_weights(s), lmpack::nn::write_weights(half));

  // Other settings than the checkpoint's: refused.
  TrainOptions other = rest;
  other.model.seed = 99;
  WeightsFile x;
  const Status st = train_transformer(corpus, other, {}, x);
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument) << st.message();
  // A prior is not a checkpoint.
  ASSERT_TRUE(lmpack::nn::save_weights((dir / "prior.lmw").string(), s));
  other = rest;
  other.checkpoint_path = (dir / "prior.lmw").string();
  EXPECT_FALSE(train_transformer(corpus, other, {}, x));
  fs::remove_all(dir);
}

TEST(Trainer, RefusesBadOptions) {
  WeightsFile w;
  TrainOptions o = tiny(4);
  o.model.ctx_mask = 1;
  EXPECT_EQ(train_transformer(text(20000), o, {}, w).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(train_transformer(text(40), tiny(4), {}, w).code(), ErrorCode::kInvalidArgument);
}

TEST(Trainer, WeightsLoadIntoAModelExactly) {
  WeightsFile w;
  ASSERT_TRUE(train_transformer(text(20000), tiny(8), {}, w));
  TransformerConfig c;
  ASSERT_TRUE(deserialize(w.params, c));
  c.streams = 1;
  ByteTransformer m(c);
  ASSERT_TRUE(load_into(w, m));
  const WeightsFile again = to_weights_file(m);
  ASSERT_EQ(again.tensors.size(), w.tensors.size());
  for (std::size_t i = 0; i < w.tensors.size(); ++i) {
    EXPECT_EQ(again.tensors[i].data, w.tensors[i].data) << w.tensors[i].name;
  }
  WeightsFile wrong = w;
  wrong.tensors[0].shape[1] += 1;
  EXPECT_EQ(load_into(wrong, m).code(), ErrorCode::kCorrupt);
}

// A trained tiny prior in a model directory of its own, for the codec tests.
class PriorFamilies : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = scratch("models");
    WeightsFile w;
    ASSERT_TRUE(train_transformer(text(20000), tiny(24), {}, w));
    ASSERT_TRUE(lmpack::nn::save_weights((dir_ / "unit-tiny.lmw").string(), w));
    add_model_dir(dir_.string());
  }
  static void TearDownTestSuite() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  static fs::path dir_;
};
fs::path PriorFamilies::dir_;

TEST_F(PriorFamilies, RoundTripAndLearning) {
  const auto data = text(3000, 777);
  for (const ModelFamily* f : {&prior_family(), &prior_mix_family()}) {
    for (int level : {1, 5, 9}) {
      std::vector<std::uint8_t> params;
      ASSERT_TRUE(f->params_for_arg(level, "unit-tiny", params));
      std::unique_ptr<BlockCodec> enc, dec;
      ASSERT_TRUE(f->make(level, params, enc));
      ASSERT_TRUE(f->make(level, params, dec));
      std::vector<std::uint8_t> coded;
      enc->encode(data, coded, {});
      std::vector<std::uint8_t> back(data.size());
      dec->decode(coded, back, {});
      EXPECT_EQ(back, data) << f->name << " " << level;
      EXPECT_LT(coded.size(), data.size()) << f->name << " " << level;
    }
  }
}

TEST_F(PriorFamilies, ThePriorHelps) {
  // The same network and online learning from the prior's weights vs from a fresh start.
  const auto data = text(3000, 4242);
  std::shared_ptr<const LoadedPrior> prior;
  ASSERT_TRUE(find_prior("unit-tiny", nullptr, prior));
  TransformerConfig c = prior->config;
  c.streams = 1;
  auto coded_size = [&](bool with_prior) {
    ByteTransformer m(c);
    if (with_prior) {
      EXPECT_TRUE(load_into(prior->weights, m));
    }
    std::vector<std::uint8_t> out;
    encode_streams(m, data, out, {});
    return out.size();
  };
  EXPECT_LT(coded_size(true), coded_size(false) * 9 / 10);
}

TEST_F(PriorFamilies, ArchiveRefusesAMissingPrior) {
  const auto data = text(2000, 5);
  CompressOptions o;
  o.model = "prior";
  o.prior = "unit-tiny";
  std::vector<std::uint8_t> archive, back;
  ASSERT_TRUE(compress(data, archive, o));
  ASSERT_TRUE(decompress(archive, back));
  EXPECT_EQ(back, data);
  // Asked for with another hash, the prior is "missing", and the message names it.
  std::shared_ptr<const LoadedPrior> prior;
  ASSERT_TRUE(find_prior("unit-tiny", nullptr, prior));
  lmpack::nn::WeightsHash other = prior->hash;
  other.lo ^= 1;
  const Status s = find_prior("unit-tiny", &other, prior);
  EXPECT_EQ(s.code(), ErrorCode::kUnknownModel);
  EXPECT_NE(s.message().find("archive needs prior model 'unit-tiny' (hash " + other.hex()),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("is another model"), std::string::npos) << s.message();
  EXPECT_EQ(find_prior("no-such-prior", &other, prior).code(), ErrorCode::kUnknownModel);
  EXPECT_EQ(find_prior("../etc", nullptr, prior).code(), ErrorCode::kUnknownModel);
  EXPECT_EQ(find_prior("bad name", nullptr, prior).code(), ErrorCode::kInvalidArgument);
  o.prior = "no-such-prior";
  EXPECT_EQ(compress(data, archive, o).code(), ErrorCode::kInvalidArgument);
  o.model = "cm";
  o.prior = "unit-tiny";
  EXPECT_EQ(compress(data, archive, o).code(), ErrorCode::kInvalidArgument);
}

TEST_F(PriorFamilies, RecordCodecRoundTrips) {
  RecordCodec rc;
  RecordOptions ro;
  ro.prior = "unit-tiny";
  ASSERT_TRUE(RecordCodec::open(ro, rc));
  EXPECT_GT(rc.prior_bytes(), 0u);
  for (std::size_t n : {0, 1, 2, 17, 300, 2048}) {
    const auto rec = text(n, n + 1);
    std::vector<std::uint8_t> coded, back;
    ASSERT_TRUE(rc.compress(rec, coded));
    ASSERT_TRUE(rc.decompress(coded, back));
    EXPECT_EQ(back, rec) << n;
    if (n >= 300) {
      EXPECT_LT(coded.size(), n) << n;
    }
  }
  // Hostile sizes are refused before any allocation; garbage never crashes.
  std::vector<std::uint8_t> back;
  EXPECT_EQ(rc.decompress(std::vector<std::uint8_t>{}, back).code(), ErrorCode::kCorrupt);
  EXPECT_EQ(rc.decompress(std::vector<std::uint8_t>{0xff, 0xff, 0xff, 0xff, 0x7f}, back).code(),
            ErrorCode::kCorrupt);
  EXPECT_EQ(rc.decompress(std::vector<std::uint8_t>{0, 1}, back).code(), ErrorCode::kCorrupt);
  EXPECT_TRUE(rc.decompress(std::vector<std::uint8_t>{40, 1, 2, 3}, back));
  EXPECT_EQ(back.size(), 40u);
  RecordCodec cm;
  ro.model = "cm";
  ro.prior.clear();
  ASSERT_TRUE(RecordCodec::open(ro, cm));
  EXPECT_EQ(cm.prior_bytes(), 0u);
  ro.model = "audio";
  EXPECT_EQ(RecordCodec::open(ro, cm).code(), ErrorCode::kInvalidArgument);
  ro.model = "prior";
  ro.prior = "no-such-prior";
  EXPECT_FALSE(RecordCodec::open(ro, cm));
}

// A 16-bit-style signal as Trilobyte tokens: two sines and a little deterministic noise.
std::vector<std::uint8_t> pcm_tokens(int frames, int channels, int bytes) {
  std::vector<std::uint8_t> out;
  std::uint64_t x = 99;
  const double amplitude = bytes == 1 ? 90.0 : (bytes == 2 ? 12000.0 : 3e6);
  for (int i = 0; i < frames; ++i) {
    for (int c = 0; c < channels; ++c) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      const double v = amplitude * (0.6 * std::sin(0.031 * i + c) + 0.3 * std::sin(0.17 * i)) +
                       static_cast<double>((x >> 40) % 7) - 3.0;
      const auto u = static_cast<std::uint64_t>(static_cast<std::int64_t>(std::lround(v)) +
                                                (std::int64_t{1} << (8 * bytes - 1)));
      for (int k = bytes - 1; k >= 0; --k) out.push_back(static_cast<std::uint8_t>(u >> (8 * k)));
    }
  }
  return out;
}

TEST_F(PriorFamilies, PriorPcmRoundTripsEveryLayoutAndBeatsThePriorAlone) {
  const ModelFamily& f = prior_pcm_family();
  for (int level : {1, 5, 9}) {
    std::vector<std::uint8_t> params;
    ASSERT_TRUE(f.params_for_arg(level, "unit-tiny", params));
    for (int channels : {1, 2}) {
      for (int bytes : {1, 2, 3}) {
        const auto data = pcm_tokens(600, channels, bytes);
        const StreamShape shape = audio::test::shape_of(channels, bytes);
        std::unique_ptr<BlockCodec> enc, dec;
        ASSERT_TRUE(make_codec(f, level, params, shape, enc));
        ASSERT_TRUE(make_codec(f, level, params, shape, dec));
        std::vector<std::uint8_t> coded;
        enc->encode(data, coded, {});
        std::vector<std::uint8_t> back(data.size());
        dec->decode(coded, back, {});
        ASSERT_EQ(back, data) << level << " " << channels << "ch " << bytes;
        // The same prior without linear prediction.
        std::vector<std::uint8_t> plain_params, plain;
        ASSERT_TRUE(prior_family().params_for_arg(level, "unit-tiny", plain_params));
        std::unique_ptr<BlockCodec> p;
        ASSERT_TRUE(make_codec(prior_family(), level, plain_params, shape, p));
        p->encode(data, plain, {});
        EXPECT_LT(coded.size() * 10, plain.size() * 7)
            << level << " " << channels << "ch " << bytes;
        // Decoded as another layout, the bytes come back different (no crash).
        std::unique_ptr<BlockCodec> wrong;
        ASSERT_TRUE(make_codec(f, level, params,
                               audio::test::shape_of(channels, bytes == 1 ? 2 : 1), wrong));
        wrong->decode(coded, back, {});
        EXPECT_NE(back, data);
      }
    }
  }
}

TEST_F(PriorFamilies, PriorPcmParamsAreCheckedAndBytesAreEightBitMono) {
  const ModelFamily& f = prior_pcm_family();
  std::vector<std::uint8_t> params;
  ASSERT_TRUE(f.params_for_arg(5, "unit-tiny", params));
  std::unique_ptr<BlockCodec> c;
  // Every truncation and one byte too many are malformed.
  for (std::size_t n = 0; n < params.size(); ++n) {
    const std::vector<std::uint8_t> cut(params.begin(), params.begin() + n);
    EXPECT_FALSE(f.make_for_stream(5, cut, audio::test::shape_of(1, 2), c)) << n;
  }
  auto longer = params;
  longer.push_back(0);
  EXPECT_EQ(f.make_for_stream(5, longer, audio::test::shape_of(1, 2), c).code(),
            ErrorCode::kCorrupt);
  // The last bytes are u8 mixer shift, u8 mixer rate, u8 apm rate; the LPC order follows the
  // prior's fields (offset from the end: 1 + 4 * 4 + 3).
  auto bad = params;
  bad[bad.size() - 3] = 40;  // mixer shift above 16
  EXPECT_EQ(f.make_for_stream(5, bad, audio::test::shape_of(1, 2), c).code(), ErrorCode::kCorrupt);
  bad = params;
  bad[bad.size() - 20] = 0;  // order 0
  EXPECT_EQ(f.make_for_stream(5, bad, audio::test::shape_of(1, 2), c).code(), ErrorCode::kCorrupt);
  bad[bad.size() - 20] = 33;
  EXPECT_EQ(f.make_for_stream(5, bad, audio::test::shape_of(1, 2), c).code(), ErrorCode::kCorrupt);
  // Without a stream shape (make), the bytes are 8-bit mono samples: the same coded bytes.
  const auto data = pcm_tokens(500, 1, 1);
  std::unique_ptr<BlockCodec> a, b;
  ASSERT_TRUE(f.make(5, params, a));
  ASSERT_TRUE(f.make_for_stream(5, params, audio::test::shape_of(1, 1), b));
  std::vector<std::uint8_t> ca, cb;
  a->encode(data, ca, {});
  b->encode(data, cb, {});
  EXPECT_EQ(ca, cb);
}

TEST(PriorDefaults, EachFamilyNamesItsDefaultPrior) {
  EXPECT_STREQ(default_prior_for(prior_family()), "text-en");
  EXPECT_STREQ(default_prior_for(prior_mix_family()), "text-en");
  EXPECT_STREQ(default_prior_for(prior_pcm_family()), "audio-pcm");
}

TEST_F(PriorFamilies, RecordCodecTakesAPcmLayout) {
  RecordOptions ro;
  ro.model = "prior-pcm";
  ro.prior = "unit-tiny";
  ro.pcm_bytes_per_sample = 2;
  ro.pcm_channels = 2;
  RecordCodec rc, bytes_rc;
  ASSERT_TRUE(RecordCodec::open(ro, rc));
  const auto rec = pcm_tokens(512, 2, 2);
  std::vector<std::uint8_t> coded, back;
  ASSERT_TRUE(rc.compress(rec, coded));
  ASSERT_TRUE(rc.decompress(coded, back));
  EXPECT_EQ(back, rec);
  // Opened without the layout, the reader gets other bytes: the layout is part of the contract.
  ro.pcm_bytes_per_sample = 0;
  ASSERT_TRUE(RecordCodec::open(ro, bytes_rc));
  ASSERT_TRUE(bytes_rc.decompress(coded, back));
  EXPECT_NE(back, rec);
  for (auto [b, ch] : {std::pair{5, 1}, std::pair{-1, 1}, std::pair{2, 0}, std::pair{2, 65}}) {
    ro.pcm_bytes_per_sample = b;
    ro.pcm_channels = ch;
    EXPECT_EQ(RecordCodec::open(ro, rc).code(), ErrorCode::kInvalidArgument) << b << " " << ch;
  }
}

}  // namespace
}  // namespace lmpack::model::nn
