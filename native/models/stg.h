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
  static constexpr double kTauH0 = 272.0, kTauHSpan = 1499.0;  // τ_H = (τ0 + span·σ((V − v7)/v8))·1e-3 s
  static constexpr int kResum = 8;     // samples per fresh sum of the moving-average window
  static constexpr int kBinBlock = 2;  // DFT bins per pass over the trace: 5 neurons × 2 bins × (re, im) registers
  // Phasors are tabulated kTabBins bins × kSegment samples at a time: on the CPU a table that eight lanes share
  // and that stays in L1 beside the stretch of trace it serves, its bins rotated side by side (one bin alone is a
  // serial chain of rotations); on the GPU, where each thread keeps its own, one small block that stays in
  // registers.
#ifdef __CUDA_ARCH__
  static constexpr int kTabBins = kBinBlock;
  static constexpr int kSegment = 4;
#else
  static constexpr int kTabBins = 16;
  static constexpr int kSegment = 32;
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
  // Rectified voltages of every neuron from sample `drop` on, which finish() filters in place, then the
  // filtered trace folded about its centre, then each neuron's DFT bins.
  SLOPPY_HD static int traceSize(const double* opt) {
    return kNeurons * (samplesKept(opt) + 2 * foldedPairs(opt) + 4 * paddedBins(opt));
  }

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
    // Every gating function is a function of its neuron's V alone: computed on values, with its derivative in
    // closed form, and lifted onto V's tangents (one multiply per tangent each, where carrying the tangents
    // through every operation of the formulas costs some seventy per neuron).
    using V = typename Scalar<T>::Base;
    constexpr double kA = 2.0 * kV4;  // ea = e^{V/a}
    T v[kNeurons], s[kNeurons], mInf[kNeurons], nInf[kNeurons], hInf[kNeurons], rateN[kNeurons], tauH[kNeurons];
    for (int k = 0; k < kNeurons; ++k) {
      v[k] = x[k];
      const V u = m::value(x[k]);
      const V ea = m::exp(u / kA);
      const V inv = 1.0 / ea;
      const V inv2 = inv * inv;
      const V syn = 1.0 / (1.0 + kSynScale * (inv2 * inv2 * inv2));
      // M∞ = ½(1 + tanh(V/v2)) = 1 − 1/(e^{2V/v2} + 1); N∞ = ½(1 + tanh 2a) = 1/(1 + e^{−4a}), a = V/(2 v4).
      const V mSteady = 1.0 - 1.0 / (ea * ea * ea + 1.0);
      const V nSteady = 1.0 / (1.0 + inv2 * inv2);
      const V hSteady = m::sigmoid(-(u + kV5) / kV6);
      const V slowH = m::sigmoid((u - kV7) / kV8);
      s[k] = m::lift(x[k], syn, V(syn * (1.0 - syn) * (6.0 / kA)));
      mInf[k] = m::lift(x[k], mSteady, V(mSteady * (1.0 - mSteady) * (3.0 / kA)));
      nInf[k] = m::lift(x[k], nSteady, V(nSteady * (1.0 - nSteady) * (4.0 / kA)));
      hInf[k] = m::lift(x[k], hSteady, V(hSteady * (1.0 - hSteady) * (-1.0 / kV6)));
      rateN[k] = m::lift(x[k], V((0.5 * kPhiN) * (ea + inv)), V((0.5 * kPhiN / kA) * (ea - inv)));
      tauH[k] = m::lift(x[k], V((kTauH0 + kTauHSpan * slowH) * 1e-3),
                        V(slowH * (1.0 - slowH) * (kTauHSpan * 1e-3 / kV8)));
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
      const T ionic = kGLeak * (u - kVLeak) + c.gCa * mInf[k] * (u - kVCa) + c.gK * gateN * (u - kVK) +
                      c.gH * gateH * (u - kVH);
      x[k] = u - (ionic + coupling[k]) * (dt / kC) + noise * xi[k];
      x[kNeurons + k] = gateN + rateN[k] * (nInf[k] - gateN) * dt;
      x[2 * kNeurons + k] = gateH + (hInf[k] - gateH) / tauH[k] * dt;
    }
  }

  template <class T>
  SLOPPY_HD static void observe(const double* opt, const T*, const T* x, int n, Trace<T> trace) {
    const int sample = n - intOption(opt[kDrop]);
    if (sample < 0) return;
    for (int k = 0; k < kNeurons; ++k) trace[sample * kNeurons + k] = m::relu(x[k]);
  }

  // EPI's estimator for every neuron, on values: each neuron's trace column is filtered and centred in place,
  // folded about its centre, transformed to DFT bins, and its bins' soft-argmax taken. Only |X_b| matters, so
  // the DFT is taken about the trace's centre c, where samples c ± t pair up:
  // X_b·e^{iω_b c} = Σ_t (y_{c+t} + y_{c−t}) cos ω_b t − i·Σ_t (y_{c+t} − y_{c−t}) sin ω_b t, one multiply-add
  // per sample and bin instead of two.
  // The gradient comes back in reverse: a frequency depends on its raw trace r only through these linear maps
  // and the bins, so the soft-argmax's adjoint per bin, sent back through the transposed DFT, the fold, the
  // centring and the moving average, is each raw sample's adjoint r̄_m, and the frequency's tangents are
  // Σ_m r̄_m·ṙ_m. That is two transforms whatever the number of tangents, where carrying P tangents through the
  // filter and every bin costs P + 1 (and P² + P + 1 for the channel Hessian's nested duals).
  template <class T>
  SLOPPY_HD static void finish(const double* opt, const T*, const T*, Trace<T> trace, T* stats) {
    using V = typename Scalar<T>::Base;
    constexpr int P = Scalar<T>::kTangents;
    const Spectrum<T> sp(opt, trace);
    if (sp.len < 1) {
      for (int s = 0; s < kStats; ++s) stats[s] = T(NAN);
      return;
    }
    filter(sp);
    fold(sp);
    transform(opt, sp);
    V frequency[kNeurons];
    softArgmax(opt, sp, frequency);
    const int neuronOfStat[kStats] = {kHub, kF1, kF2, kS1, kS2};
    if constexpr (P == 0) {
      for (int s = 0; s < kStats; ++s) stats[s] = frequency[neuronOfStat[s]];
    } else {
      transformAdjoint(opt, sp);
      unfold(sp);
      filterAdjoint(sp);
      // Each frequency's tangents: its raw samples' adjoints dotted with their tangents.
      V dot[kNeurons][P];
      for (int k = 0; k < kNeurons; ++k) {
        for (int i = 0; i < P; ++i) dot[k][i] = V(0.0);
      }
      for (int j = 0; j < sp.kept; ++j) {
        for (int k = 0; k < kNeurons; ++k) {
          for (int i = 0; i < P; ++i) dot[k][i] += sp.sample(j, k) * Scalar<T>::tangent(trace[j * kNeurons + k], i);
        }
      }
      for (int s = 0; s < kStats; ++s) {
        T out(frequency[neuronOfStat[s]]);
        for (int i = 0; i < P; ++i) out.d[i] = dot[neuronOfStat[s]][i];
        stats[s] = out;
      }
    }
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

  // finish()'s view of a path's scratch: the samples (filtered in place), the fold's pairs and the bins, each a
  // value slot of the trace; the tangents stay those of the raw samples.
  template <class T>
  struct Spectrum {
    using V = typename Scalar<T>::Base;
    Trace<T> trace;
    int window, kept, len;
    // Pair p joins samples hi = len/2 + p and lo = (len − 1)/2 − p, at distance t_p = p (odd len, where pair 0
    // is the centre alone) or p + ½ (even len) from the centre: (sum, difference) in two slots each.
    int pairs, hi0, lo0;
    bool odd;
    double offset;
    // Neuron k's bins, padded to whole blocks: cosine and sine sums, |X_b| and the soft-argmax's exponential.
    int bins, padded;
    int64_t foldedAt, binsAt;

    SLOPPY_HD Spectrum(const double* opt, Trace<T> t)
        : trace(t), window(intOption(opt[kWindow])), kept(samplesKept(opt)), len(kept - window + 1),
          pairs(foldedPairs(opt)), hi0(len / 2), lo0((len - 1) / 2), odd(len % 2 == 1), offset(odd ? 0.0 : 0.5),
          bins(binCount(opt)), padded(paddedBins(opt)), foldedAt(static_cast<int64_t>(kNeurons) * kept),
          binsAt(foldedAt + 2 * static_cast<int64_t>(kNeurons) * pairs) {}
    SLOPPY_HD V& sample(int j, int k) const { return Scalar<T>::valueRef(trace[j * kNeurons + k]); }
    SLOPPY_HD V& folded(int p, int k, int part) const {
      return Scalar<T>::valueRef(trace[foldedAt + 2 * (static_cast<int64_t>(p) * kNeurons + k) + part]);
    }
    SLOPPY_HD V& bin(int k, int b, int part) const {
      return Scalar<T>::valueRef(trace[binsAt + 4 * (static_cast<int64_t>(k) * padded + b) + part]);
    }
  };

  // Moving average ('VALID') and centring of every neuron's samples, in place (an average only reads samples at
  // or after its own slot). The window's sum slides (out goes the raw sample it leaves, kept from before its
  // slot was overwritten) and is summed afresh every kResum samples, so its rounding never builds up. Here and
  // in the adjoints the neurons go side by side: five independent chains of sums.
  template <class T>
  SLOPPY_HD static void filter(const Spectrum<T>& sp) {
    using V = typename Scalar<T>::Base;
    V sum[kNeurons], leaving[kNeurons];
    for (int k = 0; k < kNeurons; ++k) sum[k] = leaving[k] = V(0.0);
    for (int j = 0; j < sp.len; ++j) {
      if (j % kResum == 0) {
        for (int k = 0; k < kNeurons; ++k) sum[k] = V(0.0);
        for (int i = 0; i < sp.window; ++i) {
          for (int k = 0; k < kNeurons; ++k) sum[k] += sp.sample(j + i, k);
        }
      } else {
        for (int k = 0; k < kNeurons; ++k) sum[k] = (sum[k] - leaving[k]) + sp.sample(j + sp.window - 1, k);
      }
      for (int k = 0; k < kNeurons; ++k) {
        leaving[k] = sp.sample(j, k);
        sp.sample(j, k) = sum[k] / static_cast<double>(sp.window);
      }
    }
    centre(sp);
  }

  // Each neuron's first len samples less their mean: an orthogonal projection, so also its own adjoint.
  template <class T>
  SLOPPY_HD static void centre(const Spectrum<T>& sp) {
    using V = typename Scalar<T>::Base;
    V mean[kNeurons];
    for (int k = 0; k < kNeurons; ++k) mean[k] = V(0.0);
    for (int j = 0; j < sp.len; ++j) {
      for (int k = 0; k < kNeurons; ++k) mean[k] += sp.sample(j, k);
    }
    for (int k = 0; k < kNeurons; ++k) mean[k] = mean[k] / static_cast<double>(sp.len);
    for (int j = 0; j < sp.len; ++j) {
      for (int k = 0; k < kNeurons; ++k) sp.sample(j, k) -= mean[k];
    }
  }

  // The adjoint of filter(): through the centring, ā = ȳ − mean(ȳ), then the moving average,
  // r̄_m = Σ_{j=m−w+1}^{m} ā_j / w, a sliding sum from the last sample down, each slot overwritten once no later
  // window needs it. Samples past the filtered trace must hold zero adjoints on entry.
  template <class T>
  SLOPPY_HD static void filterAdjoint(const Spectrum<T>& sp) {
    using V = typename Scalar<T>::Base;
    centre(sp);
    V sum[kNeurons];
    for (int k = 0; k < kNeurons; ++k) sum[k] = V(0.0);
    for (int j = sp.kept - sp.window; j < sp.kept; ++j) {
      for (int k = 0; k < kNeurons; ++k) sum[k] += sp.sample(j, k);
    }
    for (int j = sp.kept - 1; j >= 0; --j) {
      for (int k = 0; k < kNeurons; ++k) {
        const V out = sp.sample(j, k);
        sp.sample(j, k) = sum[k] / static_cast<double>(sp.window);
        sum[k] -= out;
        if (j >= sp.window) sum[k] += sp.sample(j - sp.window, k);
      }
    }
  }

  // The filtered samples' pairs (sum, difference) about the centre.
  template <class T>
  SLOPPY_HD static void fold(const Spectrum<T>& sp) {
    using V = typename Scalar<T>::Base;
    for (int p = 0; p < sp.pairs; ++p) {
      for (int k = 0; k < kNeurons; ++k) {
        const V up = sp.sample(sp.hi0 + p, k), down = sp.sample(sp.lo0 - p, k);
        const bool centre = sp.odd && p == 0;
        sp.folded(p, k, 0) = centre ? up : up + down;
        sp.folded(p, k, 1) = centre ? V(0.0) : up - down;
      }
    }
  }

  // The adjoint of fold(): the pairs' adjoints back onto the samples, zero past the filtered trace.
  template <class T>
  SLOPPY_HD static void unfold(const Spectrum<T>& sp) {
    using V = typename Scalar<T>::Base;
    for (int j = sp.len; j < sp.kept; ++j) {
      for (int k = 0; k < kNeurons; ++k) sp.sample(j, k) = V(0.0);
    }
    for (int p = 0; p < sp.pairs; ++p) {
      for (int k = 0; k < kNeurons; ++k) {
        const V sum = sp.folded(p, k, 0), difference = sp.folded(p, k, 1);
        if (sp.odd && p == 0) {
          sp.sample(sp.hi0, k) = sum;
        } else {
          sp.sample(sp.hi0 + p, k) = sum + difference;
          sp.sample(sp.lo0 - p, k) = sum - difference;
        }
      }
    }
  }

  // Every neuron's bins C_b = Σ_p sum_p cos ω_b t_p and S_b = Σ_p difference_p sin ω_b t_p, the five neurons side
  // by side so that each phasor loaded serves all of them.
  template <class T>
  SLOPPY_HD static void transform(const double* opt, const Spectrum<T>& sp) {
    using V = typename Scalar<T>::Base;
    for (int k = 0; k < kNeurons; ++k) {
      for (int b = 0; b < sp.padded; ++b) sp.bin(k, b, 0) = sp.bin(k, b, 1) = V(0.0);
    }
    sweepPhasors(opt, sp.padded, sp.pairs, sp.offset, [&](int b0, int p0, int count, const double* tabCos,
                                                           const double* tabSin) {
      V accCos[kNeurons][kBinBlock], accSin[kNeurons][kBinBlock];
      for (int k = 0; k < kNeurons; ++k) {
        SLOPPY_UNROLL
        for (int q = 0; q < kBinBlock; ++q) accCos[k][q] = accSin[k][q] = V(0.0);
      }
      for (int p = 0; p < count; ++p) {
        V sum[kNeurons], difference[kNeurons];
        SLOPPY_UNROLL
        for (int k = 0; k < kNeurons; ++k) {
          sum[k] = sp.folded(p0 + p, k, 0);
          difference[k] = sp.folded(p0 + p, k, 1);
        }
        SLOPPY_UNROLL
        for (int q = 0; q < kBinBlock; ++q) {
          const double c = tabCos[p * kTabBins + q], sn = tabSin[p * kTabBins + q];
          SLOPPY_UNROLL
          for (int k = 0; k < kNeurons; ++k) {
            accCos[k][q] += sum[k] * c;
            accSin[k][q] += difference[k] * sn;
          }
        }
      }
      for (int k = 0; k < kNeurons; ++k) {
        SLOPPY_UNROLL
        for (int q = 0; q < kBinBlock; ++q) {
          sp.bin(k, b0 + q, 0) += accCos[k][q];
          sp.bin(k, b0 + q, 1) += accSin[k][q];
        }
      }
    });
  }

  // The adjoint of transform(): the pairs' adjoints Σ_b ∂f/∂C_b·cos ω_b t_p and Σ_b ∂f/∂S_b·sin ω_b t_p over the
  // same phasors, from the bins' adjoints that softArgmax() left in place of their sums.
  template <class T>
  SLOPPY_HD static void transformAdjoint(const double* opt, const Spectrum<T>& sp) {
    using V = typename Scalar<T>::Base;
    for (int p = 0; p < sp.pairs; ++p) {
      for (int k = 0; k < kNeurons; ++k) sp.folded(p, k, 0) = sp.folded(p, k, 1) = V(0.0);
    }
    sweepPhasors(opt, sp.padded, sp.pairs, sp.offset, [&](int b0, int p0, int count, const double* tabCos,
                                                           const double* tabSin) {
      V barCos[kNeurons][kBinBlock], barSin[kNeurons][kBinBlock];
      for (int k = 0; k < kNeurons; ++k) {
        SLOPPY_UNROLL
        for (int q = 0; q < kBinBlock; ++q) {
          barCos[k][q] = sp.bin(k, b0 + q, 0);
          barSin[k][q] = sp.bin(k, b0 + q, 1);
        }
      }
      for (int p = 0; p < count; ++p) {
        SLOPPY_UNROLL
        for (int k = 0; k < kNeurons; ++k) {
          V sum = sp.folded(p0 + p, k, 0), difference = sp.folded(p0 + p, k, 1);
          SLOPPY_UNROLL
          for (int q = 0; q < kBinBlock; ++q) {
            sum += barCos[k][q] * tabCos[p * kTabBins + q];
            difference += barSin[k][q] * tabSin[p * kTabBins + q];
          }
          sp.folded(p0 + p, k, 0) = sum;
          sp.folded(p0 + p, k, 1) = difference;
        }
      }
    });
  }

  // Each neuron's frequency, the soft-argmax of β|X_b| over the grid, shifted by its largest score (β|V| reaches
  // hundreds, so exp would overflow unshifted; the shift cancels in the ratio, so it carries no tangent). With
  // tangents, each bin's adjoint then replaces its sums: ∂f/∂s_b = p_b·(f_b − f) with p_b = e_b/Σe, times
  // ∂s_b/∂(C_b, S_b) = β·(C_b, S_b)/|X_b| (zero at |X_b| = 0, as magnitude() has it); the padding's is zero.
  template <class T>
  SLOPPY_HD static void softArgmax(const double* opt, const Spectrum<T>& sp, typename Scalar<T>::Base* frequency) {
    using V = typename Scalar<T>::Base;
    const double beta = opt[kBeta];
    const double df = opt[kDf];
    for (int k = 0; k < kNeurons; ++k) {
      for (int b = 0; b < sp.bins; ++b) {
        sp.bin(k, b, 2) = magnitude(sp.bin(k, b, 0) * sp.bin(k, b, 0) + sp.bin(k, b, 1) * sp.bin(k, b, 1));
      }
      auto peak = m::value(beta * sp.bin(k, 0, 2));
      for (int b = 1; b < sp.bins; ++b) peak = m::max(peak, m::value(beta * sp.bin(k, b, 2)));
      V weight(0.0), moment(0.0);
      for (int b = 0; b < sp.bins; ++b) {
        const V e = m::exp(beta * sp.bin(k, b, 2) - peak);
        sp.bin(k, b, 3) = e;
        weight += e;
        moment += e * (b * df);
      }
      frequency[k] = moment / weight;
      if constexpr (Scalar<T>::kTangents > 0) {
        const V share = 1.0 / weight;
        for (int b = 0; b < sp.bins; ++b) {
          const V mag = sp.bin(k, b, 2);
          const auto live = mag > 0.0;
          const V scale = m::select(
              live, sp.bin(k, b, 3) * share * (b * df - frequency[k]) * (beta / m::select(live, mag, V(1.0))), V(0.0));
          sp.bin(k, b, 0) = sp.bin(k, b, 0) * scale;
          sp.bin(k, b, 1) = sp.bin(k, b, 1) * scale;
        }
        for (int b = sp.bins; b < sp.padded; ++b) sp.bin(k, b, 0) = sp.bin(k, b, 1) = V(0.0);
      }
    }
  }

  SLOPPY_HD static int binCount(const double* opt) { return intOption(opt[kFMax] / opt[kDf]) + 1; }
  SLOPPY_HD static int paddedBins(const double* opt) {
    return (binCount(opt) + kBinBlock - 1) / kBinBlock * kBinBlock;
  }

  SLOPPY_HD static int foldedPairs(const double* opt) {
    const int len = samplesKept(opt) - intOption(opt[kWindow]) + 1;
    return len > 0 ? (len + 1) / 2 : 0;
  }

  // Calls visit(b0, p0, count, cos, sin) for every block of kBinBlock bins from b0 < bins (a multiple of
  // kBinBlock) and every stretch of pairs p0 … p0 + count − 1, with the block's cos ω_b t_p and sin ω_b t_p,
  // t_p = p + offset, in cos[(p − p0)·kTabBins + q] and sin[…]. They are path-independent, so they are
  // tabulated once for all paths in the lanes and all five neurons, by complex rotation from t_0 (drift ~p·ε).
  // (Goertzel's real recurrence would be cheaper, but its n²ε error growth near f = 0 shows in the low bins at
  // the 1e-6 level.)
  template <class Visit>
  SLOPPY_HD static void sweepPhasors(const double* opt, int bins, int pairs, double offset, Visit visit) {
    const double df = opt[kDf];
    using Row = Lanes<kTabBins>;  // one pair's phasors, bins side by side: each rotation step is vector work
    for (int t0 = 0; t0 < bins; t0 += kTabBins) {
      Row rotCos, rotSin, phCos, phSin;
      for (int q = 0; q < kTabBins; ++q) {
        const double omega = 2.0 * M_PI * ((t0 + q) * df) * opt[kDt];
        rotCos.v[q] = ::cos(omega);
        rotSin.v[q] = ::sin(omega);
        phCos.v[q] = ::cos(omega * offset);
        phSin.v[q] = ::sin(omega * offset);
      }
      for (int p0 = 0; p0 < pairs; p0 += kSegment) {
        const int count = pairs - p0 < kSegment ? pairs - p0 : kSegment;
        Row tabCos[kSegment], tabSin[kSegment];
        for (int p = 0; p < count; ++p) {
          tabCos[p] = phCos;
          tabSin[p] = phSin;
          const Row nextCos = phCos * rotCos - phSin * rotSin;
          phSin = phCos * rotSin + phSin * rotCos;
          phCos = nextCos;
        }
        for (int b0 = t0; b0 < t0 + kTabBins && b0 < bins; b0 += kBinBlock) {
          visit(b0, p0, count, tabCos[0].v + (b0 - t0), tabSin[0].v + (b0 - t0));
        }
      }
    }
  }

  // √r2 with a zero (not NaN) tangent at 0: the f = 0 bin of a mean-free signal sits there.
  template <class T>
  SLOPPY_HD static T magnitude(const T& r2) {
    const auto positive = r2 > 0.0;
    return m::select(positive, m::sqrt(m::select(positive, r2, T(1.0))), T(0.0));
  }
};

}  // namespace sloppy
