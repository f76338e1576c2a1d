// The context-mixing predictor: per bit, every context's counters feed a logistic mixer whose
// output is refined by SSE stages. The encoder and decoder drive identical instances.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "model/cm/apm.h"
#include "model/cm/cm_config.h"
#include "model/cm/counter.h"
#include "model/cm/hash.h"
#include "model/cm/logistic.h"
#include "model/cm/match_model.h"
#include "model/cm/mixer.h"
#include "model/cm/slot_table.h"

namespace lmpack::model::cm {

class Predictor {
 public:
  // hist: the block's bytes; byte i must be in place before bit 0 of byte i+1 is predicted.
  // Tables are sized for the block, never beyond the config: a small block gets small tables
  // (the decoder knows the block size too, so both sides agree).
  // external_inputs: extra stretched predictions another model supplies before every p() (the
  // mix family's neural model); 0 leaves the CM model exactly as the cm family codes it.
  Predictor(const CmConfig& config, const std::uint8_t* hist, std::uint64_t block_size,
            int external_inputs = 0);

  // Stretched predictions (-2047..2047) of the external models for the next bit; set all of
  // them before each p(). The first one also feeds the final mixer.
  std::int32_t* external() { return external_.data(); }

  // 16-bit probability that the next bit is 1.
  int p() {
    // Locals, not members, inside the loops: stores through x could alias int members and
    // force reloads otherwise.
    std::int32_t* x = inputs_.data();
    const int n_ctx = n_ctx_;
    const int j = nibble_index_;
    const int c0 = c0_;
    const int bitpos = bitpos_;
    Slot* const* slots = slots_.data();
    std::uint32_t** ctr = ctr_.data();
    std::uint16_t** conf = conf_.data();
    std::uint16_t* history_map = history_map_.data();
    int k = 0;
    int known = 0;
    for (int i = 0; i < n_ctx; ++i) {
      std::uint32_t* c = &slots[i]->counters[j];
      ctr[i] = c;
      const std::uint32_t v = *c;
      const int n = counter_n(v);
      known += n > 0;
      x[k++] = n ? stretch(counter_p12(v)) : 0;
      std::uint16_t* hm = &history_map[i * kHistoryStates + counter_history(v)];
      conf[i] = hm;
      x[k++] = stretch(*hm >> 4);
    }
    if (runs_) {
      const std::uint8_t* run_byte = run_byte_.data();
      const std::uint8_t* run_count = run_count_.data();
      for (int i = 0; i < n_ctx; ++i) {
        const int rb = run_byte[i];
        const int rn = run_count[i];
        if (rn && ((rb | 0x100) >> (8 - bitpos)) == c0) {
          const int expected = (rb >> (7 - bitpos)) & 1;
          std::uint32_t* rc = &run_counters_[i * 16 + (rn < 15 ? rn : 15)];
          run_ctr_[i] = rc;
          run_expected_[i] = static_cast<std::uint8_t>(expected);
          const int st_ok = stretch(counter_p12(*rc));
          x[k++] = expected ? st_ok : -st_ok;
        } else {
          run_ctr_[i] = nullptr;
          x[k++] = 0;
        }
      }
    }
    std::uint32_t* c0c = &order0_[c0_];
    std::uint32_t* c1c = &order1_[(c1() << 8) | c0_];
    ctr_[n_ctx_] = c0c;
    ctr_[n_ctx_ + 1] = c1c;
    x[k++] = stretch(counter_p12(*c0c));
    x[k++] = stretch(counter_p12(*c1c));
    match_.predict(c0_, bitpos_, x + k);
    k += MatchModel::kInputs;
    for (int i = 0; i < n_external_; ++i) x[k++] = external_[i];
    x[k++] = 256;

    int st;
    if (two_mixers_) {
      const int lb = match_.length_bucket();
      const int sets[3] = {c0_, c1() * 4 + (lb == 0 ? 0 : (lb < 16 ? 1 : (lb < 32 ? 2 : 3))),
                           known * 8 + bitpos_};
      int sts[3];
      mixers_->mix(x, sets, sts);
      final_x_[0] = sts[0];
      final_x_[1] = sts[1];
      final_x_[2] = sts[2];
      final_x_[3] = 256;
      if (n_external_) final_x_[4] = external_[0];
      st = final_.mix(final_x_, c0_);
    } else {
      st = mixer1_.mix(x, c0_);
    }
    const int p_mix = squash(st) * 16;
    // SSE: refine the mixed prediction given the partial byte and, at higher levels, the last
    // one or two bytes; the plain mixer output stays in the average because SSE adapts slowly.
    int p16;
    if (!apm2_) {
      p16 = (p_mix + 3 * apm1_.refine(st, c0_) + 2) >> 2;
    } else if (!apm3_) {
      p16 = (p_mix + 3 * apm2_->refine(st, (c1() << 8) | c0_) + 2) >> 2;
    } else {
      const int a2 = apm2_->refine(st, (c1() << 8) | c0_);
      const int a3 = apm3_->refine(st, hash_finish(hash_combine(last_ & 0xffff, c0_)) & apm3_mask_);
      p16 = (p_mix + a2 + 2 * a3 + 2) >> 2;
    }
    return p16 < 1 ? 1 : (p16 > 65535 ? 65535 : p16);
  }

  void update(int bit) {
    const int limit = config_.counter_limit;
    const int n_ctx = n_ctx_;
    std::uint32_t* const* ctr = ctr_.data();
    std::uint16_t* const* conf = conf_.data();
    const int target16 = (bit << 16) - bit;
    for (int i = 0; i < n_ctx; ++i) {
      counter_update(*ctr[i], bit, limit);
      std::uint16_t& hm = *conf[i];
      hm = static_cast<std::uint16_t>(hm + ((target16 - hm) >> 7));
    }
    if (runs_) {
      std::uint32_t* const* run_ctr = run_ctr_.data();
      const std::uint8_t* run_expected = run_expected_.data();
      for (int i = 0; i < n_ctx; ++i) {
        if (run_ctr[i]) counter_update(*run_ctr[i], bit == run_expected[i], kCounterMaxLimit);
      }
    }
    counter_update(*ctr_[n_ctx_], bit, limit);
    counter_update(*ctr_[n_ctx_ + 1], bit, limit);
    match_.update(bit);
    if (two_mixers_) {
      mixers_->update(bit);
      final_.update(bit);
    } else {
      mixer1_.update(bit);
    }
    if (apm2_) {
      apm2_->update(bit);
    } else {
      apm1_.update(bit);
    }
    if (apm3_) apm3_->update(bit);

    c0_ = (c0_ << 1) | bit;
    nibble_index_ = nibble_index_ * 2 + 1 + bit;
    ++bitpos_;
    if (bitpos_ == 8) {
      byte_done();
    } else if (bitpos_ == 4) {
      lookup_slots();
    } else if (bitpos_ == 7) {
      prefetch_next_byte();
    }
  }

 private:
  int c1() const { return static_cast<int>(last_ & 0xff); }
  int c2() const { return static_cast<int>((last_ >> 8) & 0xff); }
  void byte_done();
  void lookup_slots();
  void prefetch_next_byte();

  CmConfig config_;
  const std::uint8_t* hist_;
  std::size_t pos_ = 0;  // bytes completed
  int c0_ = 1;           // partial byte with a leading 1
  int bitpos_ = 0;
  int nibble_index_ = 0;    // counter index inside the current nibble's slot (0..14)
  std::uint64_t last_ = 0;  // last 8 bytes, most recent in the low byte

  // Text state.
  std::uint64_t word_ = 0, prev_word_ = 0;
  std::size_t word_end_ = 0;  // position where prev_word_ ended
  std::size_t line_start_ = 0, prev_line_start_ = 0;

  int n_ctx_;
  int n_external_;
  std::vector<std::int32_t> external_;
  std::vector<std::uint64_t> ctx_hash_;  // per hashed context, set at byte boundaries
  std::vector<Slot*> slots_;
  std::vector<std::uint32_t*> ctr_;
  std::vector<std::uint16_t*> conf_;
  std::vector<std::int32_t> inputs_;  // padded for the mixer kernels
  std::int32_t final_x_[8] = {0, 0, 0, 0, 0, 0, 0, 0};

  bool runs_;
  std::vector<Slot*> first_nibble_;  // per context: the slot holding the run information
  std::vector<std::uint8_t> run_byte_, run_count_, run_expected_;
  std::vector<std::uint32_t*> run_ctr_;
  std::vector<std::uint32_t> run_counters_;  // [context][run length bucket]: P(run continues)

  SlotTable table_;
  std::vector<std::uint16_t> history_map_;  // [context][bit history]: learned P(1)
  std::vector<std::uint32_t> order0_;       // [256]
  std::vector<std::uint32_t> order1_;       // [65536]
  MatchModel match_;
  Mixer mixer1_;                         // levels without kTwoMixers
  std::unique_ptr<MixerTriple> mixers_;  // levels with kTwoMixers, then final_
  Mixer final_;
  bool two_mixers_;
  Apm apm1_;
  std::unique_ptr<Apm> apm2_;
  std::unique_ptr<Apm> apm3_;
  std::size_t apm3_mask_ = 0;
};

}  // namespace lmpack::model::cm
