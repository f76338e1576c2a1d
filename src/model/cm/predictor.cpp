#include "model/cm/predictor.h"

#include <algorithm>
#include <bit>
#include <cstdlib>

namespace lmpack::model::cm {

namespace {
// Inputs per hashed context, plus order 0, order 1, the match model and a bias.
int input_count(const CmConfig& c, int external) {
  const int hashed = c.hashed_contexts();
  return hashed * ((c.features & kRuns) ? 3 : 2) + 2 + MatchModel::kInputs + external + 1;
}

// The order-N context after `last` was coded at position `at`: the hash of the order-1 bytes
// before it (fewer near the start) and `last`. byte_done() and prefetch_next_byte() must agree.
std::uint64_t order_hash(const std::uint8_t* h, std::size_t at, int order, std::uint8_t last) {
  std::uint64_t v = 0x100 + order;
  const std::size_t before = std::min<std::size_t>(at, order - 1);
  for (std::size_t i = at - before; i < at; ++i) v = hash_combine(v, h[i]);
  return hash_combine(v, last);
}

// Where a context's slot for the nibble starting at partial byte c0 lives.
std::uint64_t nibble_slot_hash(std::uint64_t context, int c0) {
  return hash_finish(context + static_cast<std::uint64_t>(c0) * 0x9e3779b97f4a7c15ull);
}

bool is_word_byte(std::uint8_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 128;
}

// log2 of the smallest power of two >= n (at least 1 for n <= 1).
int ceil_log2(std::uint64_t n) {
  int k = 0;
  while ((std::uint64_t{1} << k) < n) ++k;
  return k;
}

CmConfig sized_for_block(CmConfig c, std::uint64_t block_size) {
  const int bits = ceil_log2(block_size);
  c.table_log2 = static_cast<std::uint8_t>(std::clamp<int>(bits + 7, 16, c.table_log2));
  c.match_log2 = static_cast<std::uint8_t>(std::clamp<int>(bits + 1, 10, c.match_log2));
  return c;
}

}  // namespace

Predictor::Predictor(const CmConfig& config, const std::uint8_t* hist, std::uint64_t block_size,
                     int external_inputs)
    : config_(sized_for_block(config, block_size)),
      hist_(hist),
      n_ctx_(config.hashed_contexts()),
      n_external_(external_inputs),
      external_(static_cast<std::size_t>(external_inputs), 0),
      ctx_hash_(n_ctx_, 0),
      slots_(n_ctx_, nullptr),
      ctr_(n_ctx_ + 2, nullptr),
      conf_(n_ctx_, nullptr),
      inputs_(Mixer::padded_inputs(input_count(config, external_inputs)), 0),
      runs_((config.features & kRuns) != 0),
      first_nibble_(n_ctx_, nullptr),
      run_byte_(n_ctx_, 0),
      run_count_(n_ctx_, 0),
      run_expected_(n_ctx_, 0),
      run_ctr_(n_ctx_, nullptr),
      run_counters_(static_cast<std::size_t>(n_ctx_) * 16, kCounterInit),
      table_(config_.table_log2),
      history_map_(static_cast<std::size_t>(n_ctx_) * kHistoryStates, 32768),
      order0_(256, kCounterInit),
      order1_(65536, kCounterInit),
      match_(config_.match_log2, config.match_min),
      mixer1_(input_count(config, external_inputs), (config.features & kTwoMixers) ? 1 : 256,
              config.mixer_rate, config.mixer_shift,
              65536 * 2 / input_count(config, external_inputs)),
      final_(external_inputs ? 5 : 4, 256, config.mixer_rate, config.mixer_shift, 65536 / 3),
      two_mixers_((config.features & kTwoMixers) != 0),
      apm1_(256, 6) {
  if (two_mixers_) {
    // Weight sets chosen by: the partial byte; the last byte and match state; how many contexts
    // have seen this spot before, and the bit position.
    const int sets[3] = {256, 1024, (n_ctx_ + 1) * 8};
    mixers_ = std::make_unique<MixerTriple>(input_count(config, external_inputs), sets,
                                            config.mixer_rate, config.mixer_shift,
                                            65536 * 2 / input_count(config, external_inputs));
  }
  if (config.features & kApm2) apm2_ = std::make_unique<Apm>(65536, 6);
  if (config.features & kApm3) {
    const int bits = std::clamp(ceil_log2(block_size) + 3, 12, 20);
    apm3_ = std::make_unique<Apm>(std::size_t{1} << bits, 6);
    apm3_mask_ = (std::size_t{1} << bits) - 1;
  }
  lookup_slots();
}

void Predictor::byte_done() {
  const std::uint8_t c = static_cast<std::uint8_t>(c0_ & 0xff);
  ++pos_;
  last_ = (last_ << 8) | c;
  if (runs_) {
    for (int i = 0; i < n_ctx_; ++i) {
      Slot* s = first_nibble_[i];
      if (s->run_count && s->run_byte == c) {
        if (s->run_count < 255) ++s->run_count;
      } else {
        s->run_byte = c;
        s->run_count = 1;
      }
    }
  }
  c0_ = 1;
  bitpos_ = 0;

  if (is_word_byte(c)) {
    const std::uint8_t folded = (c >= 'A' && c <= 'Z') ? c + 32 : c;
    word_ = hash_combine(word_ + 1, folded);
  } else if (word_ != 0) {
    prev_word_ = word_;
    word_ = 0;
    word_end_ = pos_;
  }
  if (c == '\n') {
    prev_line_start_ = line_start_;
    line_start_ = pos_;
  }

  int k = 0;
  const std::uint8_t* h = hist_;
  for (std::uint32_t orders = config_.orders; orders; orders &= orders - 1) {
    ctx_hash_[k++] = order_hash(h, pos_ - 1, std::countr_zero(orders), c);
  }
  const std::uint64_t f = config_.features;
  if (f & kWord) ctx_hash_[k++] = hash_combine(hash_combine(0x200, word_), c);
  if (f & kBigram) ctx_hash_[k++] = hash_combine(hash_combine(0x300, word_), prev_word_);
  if (f & kSparse) {
    ctx_hash_[k++] = hash_combine(0x400, (last_ >> 8) & 0xffff);
    ctx_hash_[k++] = hash_combine(0x500, (last_ & 0xff00ff00u));
  }
  if (f & kColumn) {
    const std::size_t col = pos_ - line_start_;
    const std::size_t above_pos = prev_line_start_ + col;
    const int above = above_pos < line_start_ ? h[above_pos] : 0;
    ctx_hash_[k++] = hash_combine(hash_combine(0x600, col < 255 ? col : 255), (above << 8) | c);
  }
  if (f & kWordPos) {
    const std::size_t gap = pos_ - word_end_;
    ctx_hash_[k++] = hash_combine(hash_combine(0x700, prev_word_), (gap < 15 ? gap : 15) << 8 | c);
  }

  match_.byte_update(hist_, pos_);
  lookup_slots();
}

// With one bit of the byte left, the next byte's order-N slots and match index entry are one of
// two: start loading both so byte_done() and lookup_slots() find them in cache. Changes nothing
// but timing.
void Predictor::prefetch_next_byte() {
  const std::uint8_t* h = hist_;
  for (int b = 0; b < 2; ++b) {
    const std::uint8_t c = static_cast<std::uint8_t>((c0_ << 1) | b);
    for (std::uint32_t orders = config_.orders; orders; orders &= orders - 1) {
      table_.prefetch(nibble_slot_hash(order_hash(h, pos_, std::countr_zero(orders), c), 1));
    }
    match_.prefetch(h, pos_, c);
  }
}

void Predictor::lookup_slots() {
  nibble_index_ = 0;
  std::uint64_t hashes[64];
  for (int i = 0; i < n_ctx_; ++i) {
    hashes[i] = nibble_slot_hash(ctx_hash_[i], c0_);
    table_.prefetch(hashes[i]);
  }
  for (int i = 0; i < n_ctx_; ++i) slots_[i] = table_.find(hashes[i]);
  if (runs_ && bitpos_ == 0) {
    for (int i = 0; i < n_ctx_; ++i) {
      first_nibble_[i] = slots_[i];
      run_byte_[i] = slots_[i]->run_byte;
      run_count_[i] = slots_[i]->run_count;
    }
  }
}

}  // namespace lmpack::model::cm
