// The neural model families (registered in model/registry.cpp).
#pragma once

#include "model/codec.h"

namespace lmpack::model::nn {

const ModelFamily& lstm_family();         // id 2: standalone online byte LSTM
const ModelFamily& transformer_family();  // id 3: standalone online byte transformer
const ModelFamily& mix_family();          // id 4: CM mixer with a neural model among its inputs
const ModelFamily& prior_family();        // id 7: pretrained transformer, adapting online
const ModelFamily& prior_mix_family();    // id 8: CM mixer with the pretrained transformer
const ModelFamily& prior_pcm_family();    // id 9: pretrained transformer + PCM linear prediction

// The prior a prior family uses when none is named: text-en, or audio-pcm for prior-pcm.
const char* default_prior_for(const ModelFamily& family);

}  // namespace lmpack::model::nn
