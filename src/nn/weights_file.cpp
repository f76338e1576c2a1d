#include "nn/weights_file.h"

#include <xxhash.h>

#include <bit>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

namespace lmpack::nn {
namespace {

constexpr char kMagic[4] = {'L', 'M', 'P', 'W'};
constexpr std::size_t kHashBytes = 16;
constexpr std::uint32_t kMaxMeta = 1024;
constexpr std::uint32_t kMaxTensors = 65536;
constexpr std::uint32_t kMaxDims = 4;
constexpr std::uint32_t kMaxValue = 1u << 20;
constexpr std::uint8_t kDtypeF32 = 0;

void put(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void put_str(std::vector<std::uint8_t>& out, const std::string& s, int len_bytes) {
  put(out, s.size(), len_bytes);
  out.insert(out.end(), s.begin(), s.end());
}

// A bounds-checked reader: every take first checks the bytes left, and the first failure sticks
// (with the field it was reading) so the parser can read straight through and check once.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> b) : b_(b) {}
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  std::size_t left() const { return b_.size() - pos_; }

  std::uint64_t num(int bytes, const char* what) {
    if (!need(static_cast<std::size_t>(bytes), what)) return 0;
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= std::uint64_t{b_[pos_++]} << (8 * i);
    return v;
  }
  std::string str(int len_bytes, std::uint32_t max_len, const char* what) {
    const std::uint64_t n = num(len_bytes, what);
    if (!ok()) return {};
    if (n > max_len) {
      fail(std::string(what) + " is too long (" + std::to_string(n) + " bytes)");
      return {};
    }
    if (!need(n, what)) return {};
    std::string s(reinterpret_cast<const char*>(b_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  std::span<const std::uint8_t> bytes(std::uint64_t n, const char* what) {
    if (!need(n, what)) return {};
    auto s = b_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  void fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }

 private:
  bool need(std::uint64_t n, const char* what) {
    if (!ok()) return false;
    if (n > left()) {
      fail(std::string("truncated in ") + what);
      return false;
    }
    return true;
  }
  std::span<const std::uint8_t> b_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace

std::string WeightsHash::hex() const {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(hi),
                static_cast<unsigned long long>(lo));
  return buf;
}

const NamedTensor* WeightsFile::tensor(const std::string& name) const {
  for (const NamedTensor& t : tensors) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::string WeightsFile::meta_value(const std::string& key, const std::string& fallback) const {
  for (const auto& [k, v] : meta) {
    if (k == key) return v;
  }
  return fallback;
}

void WeightsFile::set_meta(const std::string& key, const std::string& value) {
  for (auto& [k, v] : meta) {
    if (k == key) {
      v = value;
      return;
    }
  }
  meta.emplace_back(key, value);
}

WeightsHash hash_weights_content(std::span<const std::uint8_t> content) {
  const XXH128_hash_t h = XXH3_128bits(content.data(), content.size());
  return {h.low64, h.high64};
}

std::vector<std::uint8_t> write_weights(const WeightsFile& w) {
  std::vector<std::uint8_t> out(kMagic, kMagic + 4);
  put(out, kWeightsVersion, 4);
  put_str(out, w.family, 2);
  put(out, w.params.size(), 4);
  out.insert(out.end(), w.params.begin(), w.params.end());
  put(out, w.meta.size(), 4);
  for (const auto& [k, v] : w.meta) {
    put_str(out, k, 2);
    put_str(out, v, 4);
  }
  put(out, w.tensors.size(), 4);
  for (const NamedTensor& t : w.tensors) {
    put_str(out, t.name, 2);
    put(out, kDtypeF32, 1);
    put(out, t.shape.size(), 1);
    for (std::uint32_t d : t.shape) put(out, d, 4);
    for (float f : t.data) put(out, std::bit_cast<std::uint32_t>(f), 4);
  }
  const WeightsHash h = hash_weights_content(out);
  put(out, h.lo, 8);
  put(out, h.hi, 8);
  return out;
}

Status parse_weights(std::span<const std::uint8_t> bytes, WeightsFile& out, WeightsHash* hash) {
  if (bytes.size() < 4 || std::memcmp(bytes.data(), kMagic, 4) != 0) {
    return {ErrorCode::kNotAnArchive, "not an lmpack weights file (bad magic)"};
  }
  if (bytes.size() > kMaxWeightsBytes) {
    return {ErrorCode::kCorrupt, "weights file is larger than 1 GiB"};
  }
  if (bytes.size() < 8 + kHashBytes) return {ErrorCode::kTruncated, "weights file is truncated"};
  Reader r(bytes.subspan(0, bytes.size() - kHashBytes));
  r.num(4, "magic");
  const auto version = static_cast<std::uint32_t>(r.num(4, "version"));
  if (version != kWeightsVersion) {
    return {ErrorCode::kUnsupportedVersion,
            "weights file version " + std::to_string(version) + " is not supported"};
  }
  // The hash before the structure: a truncated or damaged file is reported as such, and the
  // parser below then only ever sees intact files (it still checks every length).
  const std::span<const std::uint8_t> content = bytes.subspan(0, bytes.size() - kHashBytes);
  Reader tail(bytes.subspan(bytes.size() - kHashBytes));
  const WeightsHash stored{tail.num(8, "hash"), tail.num(8, "hash")};
  const WeightsHash actual = hash_weights_content(content);
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION  // lets the fuzzer's mutations reach the parser
  if (stored != actual) {
    return {ErrorCode::kChecksumMismatch,
            "weights file is damaged or truncated (content hash mismatch)"};
  }
#endif

  WeightsFile w;
  w.family = r.str(2, 64, "family name");
  const std::uint64_t n_params = r.num(4, "params size");
  if (r.ok() && n_params > kMaxValue) r.fail("params are too long");
  auto p = r.bytes(n_params, "params");
  w.params.assign(p.begin(), p.end());
  const std::uint64_t n_meta = r.num(4, "meta count");
  if (r.ok() && n_meta > kMaxMeta) r.fail("too many meta entries");
  for (std::uint64_t i = 0; r.ok() && i < n_meta; ++i) {
    std::string k = r.str(2, 256, "meta key");
    std::string v = r.str(4, kMaxValue, "meta value");
    w.meta.emplace_back(std::move(k), std::move(v));
  }
  const std::uint64_t n_tensors = r.num(4, "tensor count");
  if (r.ok() && n_tensors > kMaxTensors) r.fail("too many tensors");
  for (std::uint64_t i = 0; r.ok() && i < n_tensors; ++i) {
    NamedTensor t;
    t.name = r.str(2, 256, "tensor name");
    const auto dtype = r.num(1, "tensor dtype");
    const auto ndim = r.num(1, "tensor rank");
    if (!r.ok()) break;
    if (dtype != kDtypeF32) {
      r.fail("tensor " + t.name + " has unknown dtype " + std::to_string(dtype));
      break;
    }
    if (ndim > kMaxDims) {
      r.fail("tensor " + t.name + " has rank " + std::to_string(ndim));
      break;
    }
    std::uint64_t count = 1;
    for (std::uint64_t d = 0; r.ok() && d < ndim; ++d) {
      const auto dim = static_cast<std::uint32_t>(r.num(4, "tensor shape"));
      t.shape.push_back(dim);
      count *= dim;  // each dim < 2^32 and at most 4 of them, but check before it can wrap
      if (count > kMaxWeightsBytes) r.fail("tensor " + t.name + " is too large");
    }
    auto data = r.bytes(count * 4, "tensor data");
    if (!r.ok()) break;
    t.data.resize(count);
    for (std::uint64_t j = 0; j < count; ++j) {
      std::uint32_t u = 0;
      for (int b = 0; b < 4; ++b) u |= std::uint32_t{data[4 * j + b]} << (8 * b);
      t.data[j] = std::bit_cast<float>(u);
    }
    for (const NamedTensor& other : w.tensors) {
      if (other.name == t.name) r.fail("tensor " + t.name + " appears twice");
    }
    w.tensors.push_back(std::move(t));
  }
  if (r.ok() && r.left() != 0) r.fail(std::to_string(r.left()) + " unexpected bytes after tensors");
  if (!r.ok()) return {ErrorCode::kCorrupt, "weights file is corrupt: " + r.error()};
  out = std::move(w);
  if (hash) *hash = actual;
  return Status::ok();
}

Status load_weights(const std::string& path, WeightsFile& out, WeightsHash* hash) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {ErrorCode::kIo, "cannot open weights file " + path};
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) return {ErrorCode::kIo, "cannot read weights file " + path};
  if (static_cast<std::uint64_t>(size) > kMaxWeightsBytes) {
    return {ErrorCode::kCorrupt, path + ": weights file is larger than 1 GiB"};
  }
  in.seekg(0);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  if (!in.read(reinterpret_cast<char*>(bytes.data()), size)) {
    return {ErrorCode::kIo, "cannot read weights file " + path};
  }
  Status s = parse_weights(bytes, out, hash);
  if (!s) return {s.code(), path + ": " + s.message()};
  return Status::ok();
}

Status save_weights(const std::string& path, const WeightsFile& w, WeightsHash* hash) {
  const std::vector<std::uint8_t> bytes = write_weights(w);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return {ErrorCode::kIo, "cannot create " + tmp};
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) return {ErrorCode::kIo, "cannot write " + tmp};
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return {ErrorCode::kIo, "cannot rename " + tmp + " to " + path};
  }
  if (hash) *hash = hash_weights_content(std::span(bytes).first(bytes.size() - kHashBytes));
  return Status::ok();
}

}  // namespace lmpack::nn
