// The 5-neuron stomatogastric (STG) subcircuit of Gutierrez, O'Leary & Marder (2013) as simulated by EPI
// (Bittner et al. 2021): Morris–Lecar-type neurons f1, f2 (fast, pyloric-like), hub (IC) and s1, s2 (slow,
// gastric-mill-like); f1↔f2 and s1↔s2 inhibit each other (g_synB), f1 and s1 inhibit the hub (g_synA), and
// the hub is electrically coupled to f2 and s2 (g_el). Forward Euler in SI units, exactly as the reference
// code steps it: current noise σ_I·ξ enters dV/dt, so a step adds σ_I·ξ·dt/C (not √dt).
//
// Statistic: each neuron's rhythm frequency by EPI's differentiable estimator — drop the first samples, ReLU
// (in volts), moving average ('VALID'), subtract the mean, DFT magnitudes on a 0..fMax grid, soft-argmax.
// 'hub' comes first because EPI constrains statistic 0.
#pragma once
#include "../sde/model.h"

namespace sloppy {

struct Stg {
  static constexpr int kParams = 2;
  static constexpr int kNeurons = 5;
  static constexpr int kState = 3 * kNeurons;  // V (volts), then N, then H, each in neuron order
  static constexpr int kStats = kNeurons;
  static constexpr bool kStatsNeedPath = true;
  static constexpr bool kVectorized = true;
  enum Neuron { kF1, kF2, kHub, kS1, kS2 };
  // kInit + k: the initial value of state variable k.
  enum Option { kDt, kSteps, kSigmaI, kBeta, kGSynB, kDrop, kWindow, kFMax, kDf, kInit, kNumOptions = kInit + kState };

  // Membrane constants (SI): capacitance, leak, reversal potentials, gating midpoints and slopes.
  static constexpr double kC = 1e-9;
  static constexpr double kGLeak = 1e-10;
  static constexpr double kVLeak = -40e-3, kVCa = 100e-3, kVK = -80e-3, kVH = -20e-3, kVSyn = -75e-3;
  static constexpr double kV1 = 0.0, kV2 = 20e-3, kV3 = 0.0, kV4 = 15e-3, kV5 = 78.3e-3, kV6 = 10.5e-3;
  static constexpr double kV7 = -42.2e-3, kV8 = 87.3e-3, kV9 = 5e-3, kVTh = -25e-3;
  static constexpr double kPhiN = 2.0;  // 1/s
  static constexpr int kBinBlock = 4;   // DFT bins computed per pass over the trace
  // Samples per tabulated stretch of phasors: long on the CPU, where eight lanes share the table; short on the
  // GPU, where each thread keeps its own and a long table would spill to local memory.
#ifdef __CUDA_ARCH__
  static constexpr int kSegment = 4;
#else
  static constexpr int kSegment = 64;
#endif

  static ModelInfo describe() {
    ModelInfo i;
    i.name = "stg";
    i.summary =
        "5-neuron STG subcircuit (Gutierrez et al. 2013) as in EPI: fast pair f1/f2, hub, slow pair s1/s2; "
        "statistics are each neuron's rhythm frequency (Hz) by EPI's DFT soft-argmax estimator";
    i.params = {{"g_el", "nS", 4.0, 8.0, 6.1071167}, {"g_synA", "nS", 0.01, 4.0, 1.3093035}};
    i.stats = {"hub", "f1", "f2", "s1", "s2"};
    const char* names[kNeurons] = {"f1", "f2", "hub", "s1", "s2"};
    for (const char* prefix : {"V_", "N_", "H_"}) {
      for (const char* n : names) i.state.push_back(std::string(prefix) + n);
    }
    i.options = {
        {"dt", 0.025, "time step (s)", "positive"},
        {"steps", 300, "forward Euler steps (steps + 1 samples including the initial state)", "positiveCount"},
        {"sigmaI", 1e-12, "current noise amplitude sigma_I (A); a step adds sigma_I xi dt / C to V, as EPI does", "nonnegative"},
        {"beta", 500, "soft-argmax sharpness applied to DFT magnitudes of the voltage in volts: 500 in every "
                      "version of EPI's code (which produced the published figures); the paper text says 100", "nonnegative"},
        {"gSynB", 5, "mutual inhibition f1<->f2 and s1<->s2 (nS)", "nonnegative"},
        {"drop", 20, "samples discarded before the frequency estimate", "count"},
        {"window", 20, "moving-average window (samples); needs steps + 1 - drop >= window", "positiveCount"},
        {"fMax", 1.0, "highest frequency of the DFT grid (Hz)", "nonnegative"},
        {"df", 0.01, "DFT grid spacing (Hz); the grid is 0, df, ..., fMax", "positive"},
    };
    // EPI's fixed initial state, a point on the circuit's rhythm (V in volts, N and H fractions).
    const double x0[kState] = {-0.04169771, -0.04319491, 0.00883992, -0.06879824, 0.03048103,
                               0.00151316,  0.19784773,  0.56514935, 0.12214069,  0.35290397,
                               0.08614699,  0.04938177,  0.05568701, 0.07007949,  0.05790969};
    for (int k = 0; k < kState; ++k) {
      i.options.push_back({i.state[k] + "_0", x0[k], "initial " + i.state[k] + "; the default is EPI's point on the rhythm"});
    }
    return i;
  }
  static std::string checkOptions(const double* opt) {
    if (samplesKept(opt) < intOption(opt[kWindow])) return "steps + 1 - drop must be at least window";
    return "";
  }
  SLOPPY_HD static int steps(const double* opt) { return intOption(opt[kSteps]); }
  // Rectified voltages of every neuron from sample `drop` on; finish() filters them in place.
  SLOPPY_HD static int traceSize(const double* opt) { return kNeurons * samplesKept(opt); }

  template <class T, class Rng>
  SLOPPY_HD static void init(const double* opt, const T*, T* x, const Rng&) {
    for (int k = 0; k < kState; ++k) x[k] = T(opt[kInit + k]);
  }

  template <class T, class Rng>
  SLOPPY_HD static void step(const double* opt, const T* z, T* x, int n, const Rng& rng) {
    typename Rng::Real xi[kNeurons];
    rng.normals(static_cast<uint32_t>(n), Stream::Dynamics, xi, kNeurons);
    stepWith(opt, T(z[0] * 1e-9), T(z[1] * 1e-9), BuiltinChannels{}, x, xi);
  }

  // One Euler step with the couplings g_el, g_synA (S) given and neuron k's maximal conductances from
  // table(k) (members gCa, gK, gH in S): step() passes the published ones; the channel-sensitivity analysis
  // (native/spectra/stg_channels) makes them variables.
  template <class T, class Table, class Xi>
  SLOPPY_HD static void stepWith(const double* opt, const T& gEl, const T& gSynA, const Table& table, T* x,
                                 const Xi* xi) {
    const double dt = opt[kDt];
    const double noise = opt[kSigmaI] * dt / kC;
    const double gSynB = opt[kGSynB] * 1e-9;

    // With v1 = v3 = 0, three of each neuron's gating functions share one exponential ea = e^{V/(2 v4)}:
    // N∞ = 1/(1 + ea⁻⁴) and λ_N = φ cosh(V/(2 v4)) as written, M∞'s tanh(V/v2) through e^{2V/v2} = ea³, and the
    // synaptic activation σ((V − vTh)/v9) through e^{−(V − vTh)/v9} = e^{vTh/v9}·ea⁻⁶.
    static_assert(kV1 == 0.0 && kV3 == 0.0, "the shared exponential needs v1 = v3 = 0");
    static_assert(2.0 * kV4 / (0.5 * kV2) > 3.0 - 1e-12 && 2.0 * kV4 / (0.5 * kV2) < 3.0 + 1e-12, "e^{2V/v2} = ea^3");
    static_assert(2.0 * kV4 / kV9 > 6.0 - 1e-12 && 2.0 * kV4 / kV9 < 6.0 + 1e-12, "e^{-V/v9} = ea^-6");
    constexpr double kSynScale = 0.006737946999085467;  // e^{vTh/v9} = e^{−5}
    static_assert(kVTh / kV9 > -5.0 - 1e-12 && kVTh / kV9 < -5.0 + 1e-12, "kSynScale is e^{vTh/v9}");
    T v[kNeurons], s[kNeurons], ea[kNeurons], inv[kNeurons];
    for (int k = 0; k < kNeurons; ++k) {
      v[k] = x[k];
      ea[k] = m::exp(v[k] / (2.0 * kV4));
      inv[k] = 1.0 / ea[k];
      const T inv2 = inv[k] * inv[k];
      s[k] = 1.0 / (1.0 + kSynScale * (inv2 * inv2 * inv2));
    }
    T coupling[kNeurons];  // electrical plus synaptic current
    coupling[kF1] = gSynB * s[kF2] * (v[kF1] - kVSyn);
    coupling[kF2] = gEl * (v[kF2] - v[kHub]) + gSynB * s[kF1] * (v[kF2] - kVSyn);
    coupling[kHub] = gEl * (2.0 * v[kHub] - v[kF2] - v[kS2]) + gSynA * (s[kF1] + s[kS1]) * (v[kHub] - kVSyn);
    coupling[kS1] = gSynB * s[kS2] * (v[kS1] - kVSyn);
    coupling[kS2] = gEl * (v[kS2] - v[kHub]) + gSynB * s[kS1] * (v[kS2] - kVSyn);

    for (int k = 0; k < kNeurons; ++k) {
      const auto c = table(k);
      const T u = v[k];
      const T gateN = x[kNeurons + k];
      const T gateH = x[2 * kNeurons + k];
      // M∞ = ½(1 + tanh(V/v2)) = 1 − 1/(e^{2V/v2} + 1); N∞ = ½(1 + tanh 2a) = 1/(1 + e^{−4a}), a = V/(2 v4).
      const T mInf = 1.0 - 1.0 / (ea[k] * ea[k] * ea[k] + 1.0);
      const T inv2 = inv[k] * inv[k];
      const T nInf = 1.0 / (1.0 + inv2 * inv2);
      const T hInf = m::sigmoid(-(u + kV5) / kV6);
      const T rateN = (0.5 * kPhiN) * (ea[k] + inv[k]);
      const T tauH = (272.0 + 1499.0 * m::sigmoid((u - kV7) / kV8)) * 1e-3;  // s
      const T ionic = kGLeak * (u - kVLeak) + c.gCa * mInf * (u - kVCa) + c.gK * gateN * (u - kVK) +
                      c.gH * gateH * (u - kVH);
      x[k] = u - (ionic + coupling[k]) * (dt / kC) + noise * xi[k];
      x[kNeurons + k] = gateN + rateN * (nInf - gateN) * dt;
      x[2 * kNeurons + k] = gateH + (hInf - gateH) / tauH * dt;
    }
  }

  template <class T>
  SLOPPY_HD static void observe(const double* opt, const T*, const T* x, int n, Trace<T> trace) {
    const int sample = n - intOption(opt[kDrop]);
    if (sample < 0) return;
    for (int k = 0; k < kNeurons; ++k) trace[sample * kNeurons + k] = m::relu(x[k]);
  }

  // EPI's estimator for every neuron. Each neuron's trace column is filtered and centred in place (a moving
  // average only reads samples at or after its own slot); the softmax runs online with a max shift, so no
  // per-bin array is needed and exp never overflows (β|V| reaches hundreds).
  template <class T>
  SLOPPY_HD static void finish(const double* opt, const T*, const T*, Trace<T> trace, T* stats) {
    using B = typename Scalar<T>::Base;
    const int window = intOption(opt[kWindow]);
    const int len = samplesKept(opt) - window + 1;
    if (len < 1) {
      for (int s = 0; s < kStats; ++s) stats[s] = T(NAN);
      return;
    }
    for (int k = 0; k < kNeurons; ++k) {
      T total(0.0);
      for (int j = 0; j < len; ++j) {
        T sum(0.0);
        for (int i = 0; i < window; ++i) sum += trace[(j + i) * kNeurons + k];
        const T average = sum / static_cast<double>(window);
        trace[j * kNeurons + k] = average;
        total += average;
      }
      const T mean = total / static_cast<double>(len);
      for (int j = 0; j < len; ++j) trace[j * kNeurons + k] -= mean;
    }

    const double beta = opt[kBeta];
    const double df = opt[kDf];
    const int bins = intOption(opt[kFMax] / df) + 1;
    B peak[kNeurons];  // largest β|V| so far: a shift that cancels in the ratio, so it carries no tangent
    T weight[kNeurons], moment[kNeurons];
    // kBinBlock bins at a time. Their phasors e^{-i·2π f n dt} are path-independent, so they are tabulated by
    // complex rotation kSegment samples at a time (drift ~n·ε ≈ 6e-14 at n = 262) and shared by the five
    // neurons, each of which then runs over the segment with its kBinBlock accumulators in registers.
    // (Goertzel's real recurrence would be cheaper, but its n²ε error growth near f = 0 shows in the low bins
    // at the 1e-6 level.)
    for (int b0 = 0; b0 < bins; b0 += kBinBlock) {
      const int block = bins - b0 < kBinBlock ? bins - b0 : kBinBlock;
      double rotRe[kBinBlock], rotIm[kBinBlock], phRe[kBinBlock], phIm[kBinBlock];
      for (int q = 0; q < kBinBlock; ++q) {
        const double angle = 2.0 * M_PI * ((b0 + q) * df) * opt[kDt];
        rotRe[q] = ::cos(angle);
        rotIm[q] = -::sin(angle);
        phRe[q] = 1.0;
        phIm[q] = 0.0;
      }
      T re[kNeurons][kBinBlock], im[kNeurons][kBinBlock];
      for (int k = 0; k < kNeurons; ++k)
        for (int q = 0; q < kBinBlock; ++q) re[k][q] = im[k][q] = T(0.0);
      for (int j0 = 0; j0 < len; j0 += kSegment) {
        const int count = len - j0 < kSegment ? len - j0 : kSegment;
        double tabRe[kSegment][kBinBlock], tabIm[kSegment][kBinBlock];
        for (int j = 0; j < count; ++j) {
          for (int q = 0; q < kBinBlock; ++q) {
            tabRe[j][q] = phRe[q];
            tabIm[j][q] = phIm[q];
            const double nextRe = phRe[q] * rotRe[q] - phIm[q] * rotIm[q];
            phIm[q] = phRe[q] * rotIm[q] + phIm[q] * rotRe[q];
            phRe[q] = nextRe;
          }
        }
        for (int k = 0; k < kNeurons; ++k) {
          T accRe[kBinBlock], accIm[kBinBlock];
          SLOPPY_UNROLL
          for (int q = 0; q < kBinBlock; ++q) {
            accRe[q] = re[k][q];
            accIm[q] = im[k][q];
          }
          for (int j = 0; j < count; ++j) {
            const T centred = trace[(j0 + j) * kNeurons + k];
            SLOPPY_UNROLL
            for (int q = 0; q < kBinBlock; ++q) {
              accRe[q] += centred * tabRe[j][q];
              accIm[q] += centred * tabIm[j][q];
            }
          }
          SLOPPY_UNROLL
          for (int q = 0; q < kBinBlock; ++q) {
            re[k][q] = accRe[q];
            im[k][q] = accIm[q];
          }
        }
      }
      for (int k = 0; k < kNeurons; ++k) {
        for (int q = 0; q < block; ++q) {
          const int b = b0 + q;
          const T score = beta * magnitude(re[k][q] * re[k][q] + im[k][q] * im[k][q]);
          const B value = m::value(score);
          if (b == 0) {
            peak[k] = value;
            weight[k] = moment[k] = T(0.0);
          } else {
            const B next = m::max(peak[k], value);
            const B shrink = m::exp(peak[k] - next);  // 1 unless this bin is the new maximum
            weight[k] = weight[k] * shrink;
            moment[k] = moment[k] * shrink;
            peak[k] = next;
          }
          const T e = m::exp(score - peak[k]);
          weight[k] += e;
          moment[k] += e * (b * df);
        }
      }
    }
    const int neuronOfStat[kStats] = {kHub, kF1, kF2, kS1, kS2};
    for (int s = 0; s < kStats; ++s) stats[s] = moment[neuronOfStat[s]] / weight[neuronOfStat[s]];
  }

  // The published maximal conductances of neuron k (Gutierrez et al. 2013, as in EPI).
  struct Channels {
    double gCa, gK, gH;  // S
  };
  SLOPPY_HD static Channels channels(int k) {
    if (k == kHub) return Channels{1.7e-8, 1.9e-8, 8.0e-9};
    if (k < kHub) return Channels{1.9e-8, 3.9e-8, 2.5e-8};
    return Channels{8.5e-9, 1.5e-8, 1.0e-8};
  }
  struct BuiltinChannels {
    SLOPPY_HD Channels operator()(int k) const { return channels(k); }
  };

 private:
  SLOPPY_HD static int samplesKept(const double* opt) {
    const int kept = steps(opt) + 1 - intOption(opt[kDrop]);
    return kept > 0 ? kept : 0;
  }

  // √r2 with a zero (not NaN) tangent at 0: the f = 0 bin of a mean-free signal sits there.
  template <class T>
  SLOPPY_HD static T magnitude(const T& r2) {
    const auto positive = r2 > 0.0;
    return m::select(positive, m::sqrt(m::select(positive, r2, T(1.0))), T(0.0));
  }
};

}  // namespace sloppy
