// Float buffers for the neural models: 64-byte aligned (one cache line, one AVX-512 register) and
// zero-initialised, with a row-major matrix view. Rows are padded to a multiple of 16 floats where
// a model wants whole SIMD lanes; the kernels themselves accept any length.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

namespace lmpack::nn {

inline constexpr std::size_t kAlign = 64;

// Rounds n up to a multiple of 16 floats.
constexpr std::size_t pad16(std::size_t n) { return (n + 15) & ~std::size_t{15}; }

class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(std::size_t n) { resize(n); }
  Buffer(const Buffer& o) : Buffer(o.n_) {
    if (n_) std::memcpy(data_.get(), o.data_.get(), n_ * sizeof(float));
  }
  Buffer& operator=(const Buffer& o) {
    if (this != &o) {
      resize(o.n_);
      if (n_) std::memcpy(data_.get(), o.data_.get(), n_ * sizeof(float));
    }
    return *this;
  }
  Buffer(Buffer&&) noexcept = default;
  Buffer& operator=(Buffer&&) noexcept = default;

  // Resizes to n floats, all zero (old contents are not kept).
  void resize(std::size_t n) {
    n_ = n;
    if (n == 0) {
      data_.reset();
      return;
    }
    const std::size_t bytes = (n * sizeof(float) + kAlign - 1) / kAlign * kAlign;
    void* p = std::aligned_alloc(kAlign, bytes);
    if (!p) throw std::bad_alloc();
    std::memset(p, 0, bytes);
    data_.reset(static_cast<float*>(p));
  }
  void zero() {
    if (n_) std::memset(data_.get(), 0, n_ * sizeof(float));
  }

  float* data() { return data_.get(); }
  const float* data() const { return data_.get(); }
  std::size_t size() const { return n_; }
  float& operator[](std::size_t i) { return data_.get()[i]; }
  float operator[](std::size_t i) const { return data_.get()[i]; }

 private:
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  std::unique_ptr<float[], Free> data_;
  std::size_t n_ = 0;
};

// A row-major matrix [rows, cols] with row stride ld >= cols (ld = pad16(cols) by default).
struct Matrix {
  Matrix() = default;
  Matrix(std::size_t r, std::size_t c) : rows(r), cols(c), ld(pad16(c)), buf(r * pad16(c)) {}
  float* row(std::size_t r) { return buf.data() + r * ld; }
  const float* row(std::size_t r) const { return buf.data() + r * ld; }
  float* data() { return buf.data(); }
  const float* data() const { return buf.data(); }

  std::size_t rows = 0, cols = 0, ld = 0;
  Buffer buf;
};

}  // namespace lmpack::nn
