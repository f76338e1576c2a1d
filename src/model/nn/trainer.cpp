#include "model/nn/trainer.h"

#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "nn/kernels.h"

namespace lmpack::model::nn {

using lmpack::nn::NamedTensor;
using lmpack::nn::WeightsFile;

namespace {

std::string f32_hex(float f) { return std::to_string(std::bit_cast<std::uint32_t>(f)); }

float f32_from(const std::string& s) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(std::stoul(s)));
}

// The training half of the corpus as G streams that advance one segment per step.
struct Feed {
  std::span<const std::uint8_t> train;
  std::uint64_t G = 1, T = 1;
  std::uint8_t at(std::uint64_t g, std::uint64_t step, std::uint64_t t) const {
    const std::uint64_t n = train.size();
    const std::uint64_t start = g * (n / G);
    return train[(start + step * T + t) % n];
  }
};

// Loads one replica's segment: input t = byte t of the stream's window, target = byte t + 1.
void load_segment(ByteTransformer& m, const Feed& feed, int shard, std::uint64_t step) {
  const int S = m.streams(), T = m.config().segment;
  for (int t = 0; t < T; ++t) {
    for (int s = 0; s < S; ++s) {
      const std::uint64_t g = static_cast<std::uint64_t>(shard) * S + s;
      m.set_input(t, s, feed.at(g, step, static_cast<std::uint64_t>(t)));
      m.set_target(t, s, feed.at(g, step, static_cast<std::uint64_t>(t) + 1));
    }
  }
}

// Forward + backward of one replica; returns the segment's cross-entropy in bits (for the log).
double forward_backward(ByteTransformer& m, const Feed& feed, int shard, std::uint64_t step) {
  load_segment(m, feed, shard, step);
  const int S = m.streams(), T = m.config().segment;
  m.forward(0, T);
  double bits = 0;
  for (int t = 0; t < T; ++t) {
    for (int s = 0; s < S; ++s) {
      const std::uint64_t g = static_cast<std::uint64_t>(shard) * S + s;
      bits -= std::log2(static_cast<double>(
          m.probs_at(t, s)[feed.at(g, step, static_cast<std::uint64_t>(t) + 1)]));
    }
  }
  m.backward();
  return bits;
}

void copy_floats(std::span<float> dst, std::span<const float> src) {
  std::memcpy(dst.data(), src.data(), src.size() * sizeof(float));
}

WeightsFile checkpoint_file(ByteTransformer& m, const TrainOptions& o, std::uint64_t step) {
  WeightsFile w = to_weights_file(m);
  w.set_meta("kind", "checkpoint");
  w.set_meta("step", std::to_string(step));
  w.set_meta("shards", std::to_string(o.shards));
  w.set_meta("checkpoint_every", std::to_string(o.checkpoint_every));
  const auto st = m.step_state();
  w.set_meta("adam.steps", std::to_string(st.steps));
  w.set_meta("adam.beta1_pow", f32_hex(st.beta1_pow));
  w.set_meta("adam.beta2_pow", f32_hex(st.beta2_pow));
  auto flat = [](std::string name, std::span<const float> v) {
    NamedTensor t{std::move(name), {static_cast<std::uint32_t>(v.size())}, {}};
    t.data.assign(v.begin(), v.end());
    return t;
  };
  w.tensors.push_back(flat("adam.m", m.adam_m()));
  w.tensors.push_back(flat("adam.v", m.adam_v()));
  return w;
}

Status restore_checkpoint(const WeightsFile& w, const TrainOptions& o, ByteTransformer& m,
                          std::uint64_t& step) {
  if (w.meta_value("kind") != "checkpoint") {
    return {ErrorCode::kInvalidArgument, "the file is not a training checkpoint"};
  }
  if (w.params != serialize(o.model) || w.meta_value("shards") != std::to_string(o.shards) ||
      w.meta_value("checkpoint_every") != std::to_string(o.checkpoint_every)) {
    return {ErrorCode::kInvalidArgument,
            "the checkpoint was made with other model or training settings; resume with the "
            "same options"};
  }
  if (Status s = load_into(w, m); !s) return s;
  const NamedTensor* am = w.tensor("adam.m");
  const NamedTensor* av = w.tensor("adam.v");
  if (!am || !av || am->data.size() != m.adam_m().size() || av->data.size() != m.adam_v().size()) {
    return {ErrorCode::kCorrupt, "checkpoint lacks the optimiser state"};
  }
  try {
    step = std::stoull(w.meta_value("step", "x"));
    m.set_step_state({std::stoull(w.meta_value("adam.steps", "x")),
                      f32_from(w.meta_value("adam.beta1_pow", "x")),
                      f32_from(w.meta_value("adam.beta2_pow", "x"))});
  } catch (const std::exception&) {
    return {ErrorCode::kCorrupt, "checkpoint has malformed step counters"};
  }
  copy_floats(m.adam_m(), am->data);
  copy_floats(m.adam_v(), av->data);
  return Status::ok();
}

}  // namespace

WeightsFile to_weights_file(ByteTransformer& model) {
  WeightsFile w;
  w.family = "transformer";
  w.params = serialize(model.config());
  const std::span<float> p = model.params();
  for (const auto& t : model.tensors()) {
    NamedTensor nt{
        t.name, {static_cast<std::uint32_t>(t.rows), static_cast<std::uint32_t>(t.cols)}, {}};
    nt.data.reserve(t.rows * t.cols);
    for (std::size_t r = 0; r < t.rows; ++r) {
      const float* row = p.data() + t.off + r * t.ld;
      nt.data.insert(nt.data.end(), row, row + t.cols);
    }
    w.tensors.push_back(std::move(nt));
  }
  return w;
}

Status load_into(const WeightsFile& w, ByteTransformer& model) {
  if (w.family != "transformer") {
    return {ErrorCode::kUnknownModel, "weights are for model family '" + w.family + "'"};
  }
  const std::span<float> p = model.params();
  for (const auto& t : model.tensors()) {
    const NamedTensor* nt = w.tensor(t.name);
    if (!nt || nt->shape.size() != 2 || nt->shape[0] != t.rows || nt->shape[1] != t.cols) {
      return {ErrorCode::kCorrupt, "weights lack tensor " + t.name + " [" + std::to_string(t.rows) +
                                       ", " + std::to_string(t.cols) + "] or it has another shape"};
    }
    for (std::size_t r = 0; r < t.rows; ++r) {
      std::memcpy(p.data() + t.off + r * t.ld, nt->data.data() + r * t.cols,
                  t.cols * sizeof(float));
    }
  }
  model.refresh();
  return Status::ok();
}

double evaluate_bpb(ByteTransformer& m, std::span<const std::uint8_t> text) {
  const int S = m.streams(), T = m.config().segment;
  const std::uint64_t n = text.size();
  if (n == 0) return 0;
  const std::uint64_t len = (n + S - 1) / S;
  double bits = 0;
  for (std::uint64_t base = 0; base < len; base += static_cast<std::uint64_t>(T)) {
    for (int t = 0; t < T; ++t) {
      for (int s = 0; s < S; ++s) {
        const std::uint64_t i = static_cast<std::uint64_t>(s) * len + base + t;  // target index
        const bool first = base + t == 0;
        m.set_input(t, s, first || i - 1 >= n ? 0 : text[i - 1]);
      }
    }
    m.forward(0, T);
    for (int t = 0; t < T; ++t) {
      for (int s = 0; s < S; ++s) {
        const std::uint64_t i = static_cast<std::uint64_t>(s) * len + base + t;
        if (base + t < len && i < n)
          bits -= std::log2(static_cast<double>(m.probs_at(t, s)[text[i]]));
      }
    }
    m.push_memory();
  }
  return bits / static_cast<double>(n);
}

Status train_transformer(std::span<const std::uint8_t> corpus, const TrainOptions& o,
                         const TrainLog& log, WeightsFile& out) {
  if (Status s = validate(o.model); !s) return {ErrorCode::kInvalidArgument, s.message()};
  if (o.model.ctx_mask != 0) {
    return {ErrorCode::kInvalidArgument, "priors are trained without context embeddings"};
  }
  if (o.shards < 1 || o.shards > 8 || o.checkpoint_every == 0 || o.heldout < 0 || o.heldout >= 1) {
    return {ErrorCode::kInvalidArgument, "bad training options"};
  }
  const auto n_heldout = static_cast<std::uint64_t>(static_cast<double>(corpus.size()) * o.heldout);
  const std::uint64_t n_train = corpus.size() - n_heldout;
  const std::uint64_t T = static_cast<std::uint64_t>(o.model.segment);
  const std::uint64_t G = static_cast<std::uint64_t>(o.shards) * o.model.streams;
  if (n_train < G * (T + 1)) {
    return {ErrorCode::kInvalidArgument, "the corpus is too small for this many streams"};
  }
  const Feed feed{corpus.first(n_train), G, T};
  const auto heldout = corpus.subspan(n_train, std::min<std::uint64_t>(n_heldout, o.eval_bytes));

  std::vector<std::unique_ptr<ByteTransformer>> rep;
  auto rebuild = [&](const ByteTransformer* from) {
    // Fresh replicas (empty attention memory) that carry the master's weights and optimiser.
    std::vector<std::unique_ptr<ByteTransformer>> fresh;
    for (int r = 0; r < o.shards; ++r) fresh.push_back(std::make_unique<ByteTransformer>(o.model));
    if (from) {
      auto& src = const_cast<ByteTransformer&>(*from);
      copy_floats(fresh[0]->adam_m(), src.adam_m());
      copy_floats(fresh[0]->adam_v(), src.adam_v());
      fresh[0]->set_step_state(src.step_state());
      for (auto& f : fresh) copy_floats(f->params(), src.params());
    }
    rep = std::move(fresh);
  };
  rebuild(nullptr);

  std::uint64_t step = 0;
  if (o.resume) {
    WeightsFile ck;
    if (Status s = lmpack::nn::load_weights(o.checkpoint_path, ck); !s) return s;
    if (Status s = restore_checkpoint(ck, o, *rep[0], step); !s) {
      return {s.code(), o.checkpoint_path + ": " + s.message()};
    }
    for (int r = 1; r < o.shards; ++r) copy_floats(rep[r]->params(), rep[0]->params());
  }

  auto evaluate = [&]() {
    TransformerConfig ec = o.model;
    ByteTransformer eval(ec);
    copy_floats(eval.params(), rep[0]->params());
    return evaluate_bpb(eval, heldout);
  };

  double bits = 0;
  std::uint64_t bytes = 0;
  auto t0 = std::chrono::steady_clock::now();
  std::vector<double> shard_bits(static_cast<std::size_t>(o.shards));
  while (step < o.steps) {
    if (o.threads >= 2 && o.shards >= 2) {
      std::vector<std::thread> workers;
      for (int r = 1; r < o.shards; ++r) {
        workers.emplace_back([&, r] { shard_bits[r] = forward_backward(*rep[r], feed, r, step); });
      }
      shard_bits[0] = forward_backward(*rep[0], feed, 0, step);
      for (auto& w : workers) w.join();
    } else {
      for (int r = 0; r < o.shards; ++r) shard_bits[r] = forward_backward(*rep[r], feed, r, step);
    }
    // Replica r's gradient joins replica 0's in ascending r: one order, whatever ran where.
    std::span<float> g0 = rep[0]->mutable_grads();
    for (int r = 1; r < o.shards; ++r) {
      lmpack::nn::kernels().axpy(1.0f, rep[r]->grads().data(), g0.data(), g0.size());
    }
    rep[0]->adam_step();
    for (int r = 0; r < o.shards; ++r) {
      if (r > 0) copy_floats(rep[r]->params(), rep[0]->params());
      rep[r]->push_memory();
    }
    for (double b : shard_bits) bits += b;
    bytes += G * T;
    ++step;

    const bool at_checkpoint = step % o.checkpoint_every == 0;
    const bool at_eval = (o.eval_every && step % o.eval_every == 0) || step == o.steps;
    if (at_eval && log) {
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      log({step, bits / static_cast<double>(bytes), heldout.empty() ? -1.0 : evaluate(),
           secs > 0 ? static_cast<double>(bytes) / secs : 0});
      bits = 0;
      bytes = 0;
      t0 = std::chrono::steady_clock::now();
    }
    if (at_checkpoint) {
      if (!o.checkpoint_path.empty()) {
        if (Status s =
                lmpack::nn::save_weights(o.checkpoint_path, checkpoint_file(*rep[0], o, step));
            !s) {
          return s;
        }
      }
      auto master = std::move(rep[0]);
      rebuild(master.get());
    }
  }

  out = to_weights_file(*rep[0]);
  out.set_meta("kind", "prior");
  out.set_meta("name", o.name);
  out.set_meta("steps", std::to_string(step));
  out.set_meta("train_bytes_seen", std::to_string(step * G * T));
  return Status::ok();
}

}  // namespace lmpack::model::nn
