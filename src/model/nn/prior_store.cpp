#include "model/nn/prior_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <mutex>

#include "model/nn/trainer.h"

namespace lmpack::model::nn {
namespace {

std::mutex g_mutex;
std::vector<std::string> g_added;                                   // most recent last
std::map<std::string, std::shared_ptr<const LoadedPrior>> g_cache;  // by path

bool is_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string exe_dir() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return {};
  std::string p(buf, static_cast<std::size_t>(n));
  const auto slash = p.rfind('/');
  return slash == std::string::npos ? std::string() : p.substr(0, slash);
}

// "dir/text-en.lmw" -> "text-en"; a plain name stays as it is.
std::string base_name(const std::string& name) {
  std::string b = name;
  if (const auto slash = b.rfind('/'); slash != std::string::npos) b.erase(0, slash + 1);
  if (b.size() > 4 && b.ends_with(".lmw")) b.resize(b.size() - 4);
  return b;
}

// Loads (or takes from the cache) the prior at `path`.
Status load_path(const std::string& name, const std::string& path,
                 std::shared_ptr<const LoadedPrior>& out) {
  {
    std::lock_guard lock(g_mutex);
    if (auto it = g_cache.find(path); it != g_cache.end()) {
      out = it->second;
      return Status::ok();
    }
  }
  auto p = std::make_shared<LoadedPrior>();
  p->name = base_name(name);
  p->path = path;
  if (Status s = lmpack::nn::load_weights(path, p->weights, &p->hash); !s) return s;
  if (p->weights.family != "transformer") {
    return {ErrorCode::kCorrupt,
            path + ": a prior must be a transformer, not '" + p->weights.family + "'"};
  }
  if (Status s = deserialize(p->weights.params, p->config); !s) {
    return {s.code(), path + ": " + s.message()};
  }
  if (p->config.ctx_mask != 0) {
    return {ErrorCode::kCorrupt, path + ": a prior carries no context embeddings"};
  }
  // Check every tensor's name and shape once, here, so a codec never meets a bad prior.
  TransformerConfig one = p->config;
  one.streams = 1;
  ByteTransformer probe(one);
  if (Status s = load_into(p->weights, probe); !s) return {s.code(), path + ": " + s.message()};
  std::lock_guard lock(g_mutex);
  auto [it, inserted] = g_cache.emplace(path, std::move(p));
  out = it->second;
  return Status::ok();
}

}  // namespace

void add_model_dir(const std::string& dir) {
  std::lock_guard lock(g_mutex);
  g_added.push_back(dir);
}

std::vector<std::string> model_dirs() {
  std::vector<std::string> dirs;
  {
    std::lock_guard lock(g_mutex);
    dirs.assign(g_added.rbegin(), g_added.rend());
  }
  if (const char* env = std::getenv("LMPACK_MODEL_DIR")) {
    std::string s = env;
    std::size_t start = 0;
    while (start <= s.size()) {
      const std::size_t colon = s.find(':', start);
      const std::string d = s.substr(start, colon == std::string::npos ? colon : colon - start);
      if (!d.empty()) dirs.push_back(d);
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
  }
  if (std::string e = exe_dir(); !e.empty()) dirs.push_back(e + "/../share/lmpack/models");
#ifdef LMPACK_SOURCE_MODELS_DIR
  dirs.push_back(LMPACK_SOURCE_MODELS_DIR);
#endif
  return dirs;
}

bool valid_prior_name(const std::string& name) {
  if (name.find('/') != std::string::npos) return name.size() <= 4096;
  if (name.empty() || name.size() > 64 || name[0] == '.') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Status find_prior(const std::string& name, const lmpack::nn::WeightsHash* want,
                  std::shared_ptr<const LoadedPrior>& out) {
  if (!valid_prior_name(name)) {
    return {ErrorCode::kInvalidArgument, "invalid prior model name '" + name + "'"};
  }
  if (want) {
    // A prior this process loaded already (possibly from a path given at compression) serves
    // any archive that asks for its name and hash.
    std::lock_guard lock(g_mutex);
    for (const auto& [path, p] : g_cache) {
      if (p->name == name && p->hash == *want) {
        out = p;
        return Status::ok();
      }
    }
  }
  std::vector<std::string> paths;
  if (name.find('/') != std::string::npos) {
    paths.push_back(name);
  } else {
    for (const std::string& d : model_dirs()) paths.push_back(d + "/" + name + ".lmw");
  }
  std::string mismatch;  // a file of that name with another hash, for the message
  for (const std::string& path : paths) {
    if (!is_file(path)) continue;
    std::shared_ptr<const LoadedPrior> p;
    Status s = load_path(name, path, p);
    if (!s) {
      if (want) {  // a damaged copy: keep looking for a good one
        mismatch = path + " (" + s.message() + ")";
        continue;
      }
      return s;
    }
    if (want && !(p->hash == *want)) {
      mismatch = path + " (hash " + p->hash.hex() + ")";
      continue;
    }
    out = std::move(p);
    return Status::ok();
  }
  std::string dirs;
  for (const std::string& d : model_dirs()) dirs += (dirs.empty() ? "" : ", ") + d;
  std::string msg = want ? "archive needs prior model '" + name + "' (hash " + want->hex() +
                               "), which this system does not hold"
                         : "prior model '" + name + "' not found";
  if (!mismatch.empty()) msg += "; " + mismatch + " is another model";
  if (name.find('/') == std::string::npos) msg += " (searched: " + dirs + "; see --model-dir)";
  return {ErrorCode::kUnknownModel, msg};
}

}  // namespace lmpack::model::nn
