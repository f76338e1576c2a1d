// Zero-initialised arrays for the model's big tables, backed by transparent huge pages where the
// kernel allows: hashed context lookups touch random addresses, and 2 MiB pages spare most of
// the TLB misses that 4 KiB pages would cost on every lookup.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <new>

namespace lmpack::model::cm {

template <class T>
class HugeArray {
 public:
  explicit HugeArray(std::size_t count) : count_(count) {
    constexpr std::size_t kHuge = std::size_t{2} << 20;
    const std::size_t bytes = (count * sizeof(T) + kHuge - 1) / kHuge * kHuge;
    void* p = std::aligned_alloc(kHuge, bytes);
    if (!p) throw std::bad_alloc();
    madvise(p, bytes, MADV_HUGEPAGE);  // advice only: failure just means small pages
    data_ = static_cast<T*>(p);
    for (std::size_t i = 0; i < count; ++i) new (&data_[i]) T();
  }
  ~HugeArray() { std::free(data_); }
  HugeArray(const HugeArray&) = delete;
  HugeArray& operator=(const HugeArray&) = delete;

  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  T* data() { return data_; }
  std::size_t size() const { return count_; }

 private:
  T* data_ = nullptr;
  std::size_t count_;
};

}  // namespace lmpack::model::cm
