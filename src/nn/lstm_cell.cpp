// Every reduction goes through the kernels; the loops here are element-wise, one fixed sequence
// of IEEE operations per element (the compiler may vectorise them, which cannot change a bit under
// -ffp-contract=off).
#include "nn/lstm_cell.h"

#include "nn/kernels.h"

namespace lmpack::nn {
namespace {

// The cell state and output of one stream from its gates z (after their nonlinearities).
// __restrict: the arrays are distinct, so the compiler vectorises without alias checks.
void cell_forward(bool coupled, const float* __restrict z, const float* __restrict cp,
                  float* __restrict c, std::size_t H) {
  if (coupled) {
    const float* gf = z;
    const float* gg = z + 2 * H;
    for (std::size_t j = 0; j < H; ++j) {
      const float keep = gf[j] * cp[j];
      const float add = (1.0f - gf[j]) * gg[j];
      c[j] = keep + add;
    }
  } else {
    const float* gi = z;
    const float* gf = z + H;
    const float* gg = z + 3 * H;
    for (std::size_t j = 0; j < H; ++j) {
      const float keep = gf[j] * cp[j];
      const float add = gi[j] * gg[j];
      c[j] = keep + add;
    }
  }
}

void cell_output(const float* __restrict go, const float* __restrict tc, float* __restrict h,
                 std::size_t H) {
  for (std::size_t j = 0; j < H; ++j) h[j] = go[j] * tc[j];
}

// dz from dh and dc for one stream; dc becomes dL/dc_prev.
void gate_grads(const float* __restrict z, const float* __restrict cp, const float* __restrict tc,
                const float* __restrict dh, float* __restrict dc, float* __restrict dz,
                std::size_t H) {
  const float* gi = z;
  const float* gf = z + H;
  const float* go = z + 2 * H;
  const float* gg = z + 3 * H;
  for (std::size_t j = 0; j < H; ++j) {
    // h = o*tc: dL/do = dh*tc, dL/dc += dh*o*(1 - tc^2).
    const float d_o = dh[j] * tc[j];
    const float tc2 = tc[j] * tc[j];
    const float dtc = dh[j] * go[j];
    const float dcj = dc[j] + dtc * (1.0f - tc2);
    // c = f*c_prev + i*g.
    const float d_i = dcj * gg[j];
    const float d_g = dcj * gi[j];
    const float d_f = dcj * cp[j];
    dc[j] = dcj * gf[j];
    // Through the nonlinearities: sigmoid' = y(1 - y), tanh' = 1 - y^2.
    dz[j] = d_i * (gi[j] * (1.0f - gi[j]));
    dz[H + j] = d_f * (gf[j] * (1.0f - gf[j]));
    dz[2 * H + j] = d_o * (go[j] * (1.0f - go[j]));
    dz[3 * H + j] = d_g * (1.0f - gg[j] * gg[j]);
  }
}

// The same for the coupled cell: c = f*c_prev + (1 - f)*g.
void gate_grads_coupled(const float* __restrict z, const float* __restrict cp,
                        const float* __restrict tc, const float* __restrict dh,
                        float* __restrict dc, float* __restrict dz, std::size_t H) {
  const float* gf = z;
  const float* go = z + H;
  const float* gg = z + 2 * H;
  for (std::size_t j = 0; j < H; ++j) {
    const float d_o = dh[j] * tc[j];
    const float tc2 = tc[j] * tc[j];
    const float dtc = dh[j] * go[j];
    const float dcj = dc[j] + dtc * (1.0f - tc2);
    const float d_f = dcj * (cp[j] - gg[j]);
    const float d_g = dcj * (1.0f - gf[j]);
    dc[j] = dcj * gf[j];
    dz[j] = d_f * (gf[j] * (1.0f - gf[j]));
    dz[H + j] = d_o * (go[j] * (1.0f - go[j]));
    dz[2 * H + j] = d_g * (1.0f - gg[j] * gg[j]);
  }
}

}  // namespace

void lstm_forward(const LstmDims& d, const LstmParams& p, std::size_t B, const LstmStep& st) {
  const KernelTable& k = kernels();
  const std::size_t H = d.hidden, G = d.gates(), ld = d.ld();
  for (std::size_t s = 0; s < B; ++s) {
    float* z = st.z + s * G;
    for (std::size_t j = 0; j < G; ++j) z[j] = p.b[j];
    // axpy with a = 1 is the plain sum y + x (1*x is exact).
    if (d.nsym) k.axpy(1.0f, p.E + static_cast<std::size_t>(st.sym[s]) * G, z, G);
  }
  if (B == 1 || !st.xh_t) {
    for (std::size_t s = 0; s < B; ++s) {
      k.matvec_t_acc(p.W, ld, G, G, st.xh + s * ld, st.z + s * G);
    }
  } else {
    // z[s] = z[s] + xh[s][c]*W[c] for c = 0, 1, ...: matvec_t_acc's order, row by row of W.
    for (std::size_t c = 0; c < ld; ++c) {
      k.outer_acc(st.xh_t + c * st.ldxt, B, p.W + c * G, G, st.z, G);
    }
  }
  for (std::size_t s = 0; s < B; ++s) {
    float* z = st.z + s * G;
    k.sigmoid(z, z, G - H);  // every gate but g, the last H
    k.tanh(z + G - H, z + G - H, H);
    float* c = st.c + s * H;
    float* tc = st.tc + s * H;
    cell_forward(d.coupled, z, st.c_prev + s * H, c, H);
    k.tanh(c, tc, H);
    cell_output(z + G - 2 * H, tc, st.h + s * st.ldh, H);  // o sits just before g
  }
}

void lstm_backward(const LstmDims& d, const LstmParams& p, const LstmParams& g, std::size_t B,
                   const LstmStep& st, const float* dh_in, float* dc_io, float* dz_out,
                   float* dxh_out) {
  const KernelTable& k = kernels();
  const std::size_t H = d.hidden, G = d.gates(), ld = d.ld();
  for (std::size_t s = 0; s < B; ++s) {
    float* dz = dz_out + s * G;
    if (d.coupled) {
      gate_grads_coupled(st.z + s * G, st.c_prev + s * H, st.tc + s * H, dh_in + s * H,
                         dc_io + s * H, dz, H);
    } else {
      gate_grads(st.z + s * G, st.c_prev + s * H, st.tc + s * H, dh_in + s * H, dc_io + s * H, dz,
                 H);
    }
    k.axpy(1.0f, dz, g.b, G);
    if (d.nsym) k.axpy(1.0f, dz, g.E + static_cast<std::size_t>(st.sym[s]) * G, G);
  }
  // dxh[c] = dot(W row c, dz): G-long rows; matmul reads W once for all streams and equals
  // matvec stream by stream.
  if (B == 1) {
    k.matvec(p.W, ld, G, G, dz_out, dxh_out);
  } else {
    k.matmul(p.W, ld, G, G, dz_out, B, G, dxh_out, ld);
  }
}

void lstm_weight_grad(const LstmDims& d, const float* xh_t, std::size_t ldt, const float* dz,
                      std::size_t n, float* gW) {
  const KernelTable& k = kernels();
  const std::size_t G = d.gates();
  for (std::size_t c = 0; c < d.ld(); ++c) {
    float* row = gW + c * G;
    for (std::size_t r = 0; r < G; ++r) row[r] = 0.0f;
    k.matvec_t_acc(dz, n, G, G, xh_t + c * ldt, row);
  }
}

}  // namespace lmpack::nn
