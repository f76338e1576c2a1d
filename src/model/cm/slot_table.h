// Hashed context slots. One slot holds the 15 counters a context needs to code one nibble (the
// binary tree of 4 bits), so a context costs one cache-line lookup per nibble.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>

#include "model/cm/counter.h"
#include "model/cm/huge_array.h"

namespace lmpack::model::cm {

// run_byte/run_count: the last byte coded in this context and how many times in a row it came
// (kept in the slot of a byte's first nibble only). Priority for replacement is the visit count
// of the slot's first counter.
struct alignas(64) Slot {
  std::uint16_t check;
  std::uint8_t run_byte;
  std::uint8_t run_count;
  std::uint32_t counters[15];
};
static_assert(sizeof(Slot) == 64);

// Two-way set-associative table of slots, replaced by lower use count.
class SlotTable {
 public:
  explicit SlotTable(int log2_bytes)
      : mask_((std::size_t{1} << (log2_bytes - 6)) - 2),
        slots_(std::size_t{1} << (log2_bytes - 6)) {
    const std::size_t n = std::size_t{1} << (log2_bytes - 6);
    for (std::size_t i = 0; i < n; ++i) reset(slots_[i], 0);
  }

  // Starts loading the slot pair for `hash` so a later find() does not stall on memory.
  void prefetch(std::uint64_t hash) const {
    const Slot* a = &slots_[hash & mask_];
    __builtin_prefetch(a);
    __builtin_prefetch(a + 1);
  }

  Slot* find(std::uint64_t hash) {
    const std::uint16_t check = static_cast<std::uint16_t>(hash >> 48);
    Slot* a = &slots_[hash & mask_];
    Slot* b = a + 1;
    if (a->check == check) return a;
    if (b->check == check) return b;
    Slot* victim = counter_n(a->counters[0]) <= counter_n(b->counters[0]) ? a : b;
    reset(*victim, check);
    return victim;
  }

 private:
  static void reset(Slot& s, std::uint16_t check) {
    s.check = check;
    s.run_byte = 0;
    s.run_count = 0;
    for (auto& c : s.counters) c = kCounterInit;
  }

  std::size_t mask_;
  HugeArray<Slot> slots_;
};

}  // namespace lmpack::model::cm
