#include "cli/train_main.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "cli/diagnostics.h"
#include "model/nn/trainer.h"
#include "nn/weights_file.h"

namespace lmpack::cli {

namespace {

bool read_all(const std::string& path, std::vector<std::uint8_t>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.insert(out.end(), std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

}  // namespace

int run_train(int argc, char** argv) {
  using model::nn::TrainOptions;
  CLI::App app{
      "Trains a byte-level transformer prior on a corpus with lmpack's own engine. The\n"
      "corpus files are concatenated; its last --heldout fraction is held out and its\n"
      "bits per byte logged. Checkpoints resume bit-exactly with --resume.",
      "lmpack train"};
  TrainOptions o;
  o.model.segment = 64;
  o.model.memory = 64;
  o.model.streams = 8;
  o.model.d_model = 128;
  o.model.layers = 2;
  o.model.heads = 4;
  o.model.d_ff = 256;
  o.model.lr = 1e-3f;
  o.model.emb_lr = 1e-3f;
  o.model.lr_min = 1e-4f;
  o.model.beta1 = 0.9f;
  o.model.beta2 = 0.99f;
  o.model.clip = 1000.0f;
  o.model.seed = 1;
  std::vector<std::string> corpus_files;
  std::string out_path;
  app.add_option("corpus", corpus_files, "Corpus files (concatenated in this order)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("-o,--output", out_path, "Weights file to write (e.g. models/text-en.lmw)")
      ->required();
  app.add_option("--name", o.name, "Prior name recorded in the file");
  app.add_option("--steps", o.steps, "Training steps in total")->check(CLI::PositiveNumber);
  app.add_option("--checkpoint", o.checkpoint_path, "Checkpoint file (written periodically)");
  app.add_option("--checkpoint-every", o.checkpoint_every, "Steps between checkpoints")
      ->check(CLI::PositiveNumber);
  app.add_flag("--resume", o.resume, "Continue from --checkpoint");
  app.add_option("--eval-every", o.eval_every, "Steps between held-out evaluations");
  app.add_option("--eval-bytes", o.eval_bytes, "Held-out bytes per evaluation");
  app.add_option("--heldout", o.heldout, "Fraction of the corpus held out")
      ->check(CLI::Range(0.0, 0.5));
  app.add_option("-T,--threads", o.threads, "Threads (1 or 2; the result is the same)")
      ->check(CLI::Range(1, 2));
  app.add_option("--d-model", o.model.d_model, "Model width");
  app.add_option("--layers", o.model.layers, "Transformer layers");
  app.add_option("--heads", o.model.heads, "Attention heads");
  app.add_option("--d-ff", o.model.d_ff, "Feed-forward width");
  app.add_option("--segment", o.model.segment, "Tokens per training segment");
  app.add_option("--memory", o.model.memory, "Attention memory (tokens)");
  app.add_option("--streams", o.model.streams, "Byte streams per replica (batch)");
  app.add_option("--lr", o.model.lr, "Adam learning rate");
  app.add_option("--lr-min", o.model.lr_min, "Learning-rate floor");
  app.add_option("--lr-decay", o.model.lr_decay, "lr / (1 + step * decay)");
  app.add_option("--seed", o.model.seed, "Weight initialisation seed");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  o.model.emb_lr = o.model.lr;
  if (o.model.lr_min > o.model.lr) o.model.lr_min = o.model.lr;
  if (o.resume && o.checkpoint_path.empty()) {
    print_usage_error("--resume needs --checkpoint");
    return kExitUsage;
  }

  std::vector<std::uint8_t> corpus;
  for (const std::string& f : corpus_files) {
    if (!read_all(f, corpus)) {
      print_error(f, "cannot read");
      return kExitError;
    }
  }
  std::fprintf(stderr, "lmpack train: %zu corpus bytes, %llu parameters, %llu steps\n",
               corpus.size(), static_cast<unsigned long long>(o.model.parameter_count()),
               static_cast<unsigned long long>(o.steps));
  const auto start = std::chrono::steady_clock::now();
  auto log = [&](const model::nn::TrainReport& r) {
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "step %llu  train %.4f bpb  held-out %.4f bpb  %.0f B/s  %.0f s\n",
                 static_cast<unsigned long long>(r.step), r.train_bpb, r.heldout_bpb, r.bytes_per_s,
                 secs);
    std::fflush(stderr);
  };
  nn::WeightsFile w;
  if (Status s = model::nn::train_transformer(corpus, o, log, w); !s) {
    print_error("train", s.message());
    return kExitError;
  }
  nn::WeightsHash hash;
  if (Status s = nn::save_weights(out_path, w, &hash); !s) {
    print_error(out_path, s.message());
    return kExitError;
  }
  std::printf("%s  %s\n", hash.hex().c_str(), out_path.c_str());
  return kExitOk;
}

}  // namespace lmpack::cli
