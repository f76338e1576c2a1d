// The model families this build knows. Adding a family: one folder plus one line here.
#include "model/audio/audio_family.h"
#include "model/codec.h"
#include "model/image/image_family.h"
#include "model/nn/families.h"

namespace lmpack::model {

namespace cm {
const ModelFamily& cm_family();
}

std::vector<const ModelFamily*> all_families() {
  return {&cm::cm_family(),    &nn::lstm_family(),      &nn::transformer_family(),
          &nn::mix_family(),   &audio::audio_family(),  &image::image_family(),
          &nn::prior_family(), &nn::prior_mix_family(), &nn::prior_pcm_family()};
}

const ModelFamily* find_family(const std::string& name) {
  for (const ModelFamily* f : all_families()) {
    if (f->name == name) return f;
  }
  return nullptr;
}

const ModelFamily* find_family(std::uint8_t id) {
  for (const ModelFamily* f : all_families()) {
    if (f->id == id) return f;
  }
  return nullptr;
}

}  // namespace lmpack::model

namespace lmpack::model {

Status make_codec(const ModelFamily& family, int level, std::span<const std::uint8_t> params,
                  const StreamShape& shape, std::unique_ptr<BlockCodec>& out) {
  if (family.make_for_stream) return family.make_for_stream(level, params, shape, out);
  return family.make(level, params, out);
}

}  // namespace lmpack::model
