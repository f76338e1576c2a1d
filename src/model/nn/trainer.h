// The trainer behind `lmpack train`: offline training of a ByteTransformer prior on a corpus with
// the same engine the online models use (src/nn kernels, ByteTransformer's forward, backward and
// Adam), so a prior's weights are exactly what the coder later loads.
//
// Data parallelism that does not depend on the thread count: the model is trained as `shards`
// replicas (2), each stepping `streams` byte streams of the corpus. Every step, each replica runs
// forward and backward over its streams' next segment; replica 1's gradient is added to replica
// 0's (one fixed order), replica 0 takes the Adam step and its weights are copied to the others.
// With threads = 2 the replicas run on two cores, with 1 one after the other: same bits.
//
// Corpus layout: the first (1 - heldout) of the corpus trains, the rest is held out. Training
// stream g of G = shards * streams starts at g * n_train / G and advances one segment a step,
// wrapping around, so the data position is a function of the step count alone.
//
// Checkpoints: every `checkpoint_every` steps the replicas' transient state (attention memory)
// is dropped and rebuilt from the weights, in a straight run and in a resumed one alike; a
// checkpoint written there (weights, Adam moments and counters, step) therefore resumes
// bit-exactly. Nothing random happens during training (weights start from the config's seed).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "lmpack/status.h"
#include "model/nn/transformer.h"
#include "nn/weights_file.h"

namespace lmpack::model::nn {

struct TrainOptions {
  TransformerConfig model;  // shape + optimiser; ctx_mask must be 0 (priors carry no tables)
  int shards = 2;
  unsigned threads = 2;
  std::uint64_t steps = 1000;            // stop once this many steps are done in total
  std::uint64_t checkpoint_every = 500;  // steps; also where attention memory restarts
  std::uint64_t eval_every = 500;        // steps; 0: only at the end
  std::uint64_t eval_bytes = 65536;      // held-out bytes evaluated each time (at most)
  double heldout = 0.02;                 // fraction of the corpus held out (its tail)
  std::string checkpoint_path;           // empty: no checkpoints
  bool resume = false;                   // continue from checkpoint_path
  std::string name = "prior";            // recorded in the weights file's meta
};

struct TrainReport {
  std::uint64_t step = 0;
  double train_bpb = 0;    // bits per byte over the steps since the previous report
  double heldout_bpb = 0;  // < 0 when not evaluated in this report
  double bytes_per_s = 0;  // training bytes per second since the previous report
};
using TrainLog = std::function<void(const TrainReport&)>;

// Trains on `corpus`; on success `out` is the prior (family "transformer", tensors unpadded).
Status train_transformer(std::span<const std::uint8_t> corpus, const TrainOptions& options,
                         const TrainLog& log, lmpack::nn::WeightsFile& out);

// Mean bits per byte of the weights' model over `text`, coded as `streams` contiguous streams
// with no learning (the held-out measure).
double evaluate_bpb(ByteTransformer& model, std::span<const std::uint8_t> text);

// Prior files <-> models. to_weights_file() keeps only the trainable tensors (no padding);
// load_into() checks names and shapes and copies them into a model of the same shape.
lmpack::nn::WeightsFile to_weights_file(ByteTransformer& model);
Status load_into(const lmpack::nn::WeightsFile& w, ByteTransformer& model);

}  // namespace lmpack::model::nn
