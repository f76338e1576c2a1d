// The neural model families (registered in model/registry.cpp).
#pragma once

#include "model/codec.h"

namespace lmpack::model::nn {

const ModelFamily& lstm_family();         // id 2: standalone online byte LSTM
const ModelFamily& transformer_family();  // id 3: standalone online byte transformer
const ModelFamily& mix_family();          // id 4: CM mixer with a neural model among its inputs

}  // namespace lmpack::model::nn
