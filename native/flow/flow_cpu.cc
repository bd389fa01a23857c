#include <algorithm>
#include <cmath>
#include <type_traits>

#include "../core/cpu_kernel.h"
#include "../core/dual.h"
#include "../core/lane_width.h"
#include "../core/rng.h"
#include "../core/thread_pool.h"
#include "density.h"
#include "flow_cpu.h"
#include "gradient.h"
#include "push.h"

namespace sloppy {
namespace {

constexpr int kGradBlock = 8;      // tangents per forward-mode pass for ∇_z log q
constexpr int kHessBlock = 4;      // tangents per level for the Hessian

using GradScalar = Dual<kGradBlock>;
using HessScalar = Dual<kHessBlock, Dual<kHessBlock>>;

// Calls body(i, scratch) for every sample on the pool, with per-block scratch of T.
template <class T, class Body>
void forSamples(int64_t n, int64_t scratchSize, int threads, const Body& body) {
  parallelFor(n, std::max<int64_t>(1, n / (8 * threadCount(threads))), threads,
              [&](int64_t begin, int64_t end) {
                std::vector<T> scratch(static_cast<size_t>(std::max<int64_t>(scratchSize, 1)));
                for (int64_t i = begin; i < end; ++i) body(i, scratch.data());
              });
}

}  // namespace

void sampleCpu(const FlowView& v, int64_t n, uint64_t seed, uint32_t step, Stream stream, double* z, double* logq,
               int threads) {
  const int D = v.shape.dim;
  const int64_t tape = v.shape.tapeSize();
  forSamples<double>(n, tape + pushScratch(v.shape) + D, threads, [&](int64_t i, double* scratch) {
    double* x = scratch + tape + pushScratch(v.shape);
    makePathRng(seed, static_cast<uint64_t>(i), 0).normals(step, stream, x, D);
    logq[i] = pushForward(v, x, z + i * D, scratch, scratch + tape, v.moving());
  });
}

void logProbCpu(const FlowView& v, const double* z, int64_t n, double* logq, int threads, double* x) {
  const int D = v.shape.dim;
  forSamples<double>(n, densityScratch(v.shape), threads, [&](int64_t i, double* scratch) {
    logq[i] = logDensity(v, z + i * D, scratch);
    if (x != nullptr) std::copy(scratch, scratch + D, x + i * D);  // logDensity leaves x in its first D scalars
  });
}

void gradLogProbCpu(const FlowView& v, const double* z, int64_t n, double* logq, double* grad, int threads) {
  const int D = v.shape.dim;
  forSamples<GradScalar>(n, densityScratch(v.shape) + D, threads, [&](int64_t i, GradScalar* scratch) {
    GradScalar* zt = scratch + densityScratch(v.shape);
    for (int b = 0; b < D; b += kGradBlock) {
      for (int k = 0; k < D; ++k) {
        zt[k] = GradScalar(z[i * D + k]);
        if (k >= b && k < b + kGradBlock) zt[k].d[k - b] = 1.0;
      }
      const GradScalar lp = logDensity(v, zt, scratch);
      for (int j = 0; j < kGradBlock && b + j < D; ++j) grad[i * D + b + j] = lp.d[j];
      logq[i] = lp.v;
    }
  });
}

void hessianLogProbCpu(const FlowView& v, const double* z, int64_t n, double* hess, int threads) {
  const int D = v.shape.dim;
  using Inner = Dual<kHessBlock>;
  forSamples<HessScalar>(n, densityScratch(v.shape) + D, threads, [&](int64_t i, HessScalar* scratch) {
    HessScalar* zt = scratch + densityScratch(v.shape);
    double* H = hess + i * D * D;
    for (int bi = 0; bi < D; bi += kHessBlock) {
      for (int bj = bi; bj < D; bj += kHessBlock) {
        for (int k = 0; k < D; ++k) {
          Inner inner(z[i * D + k]);
          if (k >= bj && k < bj + kHessBlock) inner.d[k - bj] = 1.0;
          zt[k] = HessScalar(inner);
          if (k >= bi && k < bi + kHessBlock) zt[k].d[k - bi] = Inner(1.0);
        }
        const HessScalar lp = logDensity(v, zt, scratch);
        for (int a = 0; a < kHessBlock && bi + a < D; ++a) {
          for (int c = 0; c < kHessBlock && bj + c < D; ++c) {
            H[(bi + a) * D + bj + c] = lp.d[a].d[c];
            H[(bj + c) * D + bi + a] = lp.d[a].d[c];
          }
        }
      }
    }
  });
}

namespace {

// Sums over a batch come out the same for either lane width, so that a machine that runs four lanes trains to
// the bits of one that runs eight: every sum is eight partial sums, sample i feeding partial i mod 8 in order,
// then the partials in order (partsTotal; the weight gradient's per-chunk sums add them as a tree, treeTotal).
// With eight lanes the partials are the lanes; with four, even groups feed partials 0–3 and odd groups 4–7
// (kParts accumulators of W lanes).
template <int W>
constexpr int kParts = 8 / W;

// Σ_p Σ_l acc[p·stride].v[l], partial by partial and lane by lane.
template <int W>
double partsTotal(const Lanes<W>* acc, int64_t stride) {
  double s = 0.0;
  for (int p = 0; p < kParts<W>; ++p) {
    for (int l = 0; l < W; ++l) s += acc[p * stride].v[l];
  }
  return s;
}

// The same eight partials summed as a tree, ((c0 + c4) + (c2 + c6)) + ((c1 + c5) + (c3 + c7)): a few vector
// shuffles instead of seven dependent scalar additions, for sums taken once per chunk of a batch (outerSum).
using Quad = LaneVector<4>::Doubles;
typedef double Duo __attribute__((vector_size(2 * sizeof(double))));
template <int W> Quad foldParts(const Lanes<W>* acc);
template <> SLOPPY_LANE_INLINE Quad foldParts<8>(const Lanes<8>* acc) {
  return __builtin_shufflevector(acc[0].v, acc[0].v, 0, 1, 2, 3) + __builtin_shufflevector(acc[0].v, acc[0].v, 4, 5, 6, 7);
}
template <> SLOPPY_LANE_INLINE Quad foldParts<4>(const Lanes<4>* acc) { return acc[0].v + acc[1].v; }
template <int W>
SLOPPY_LANE_INLINE double treeTotal(const Lanes<W>* acc) {
  const Quad q = foldParts<W>(acc);
  const Duo h = __builtin_shufflevector(q, q, 0, 1) + __builtin_shufflevector(q, q, 2, 3);
  return h[0] + h[1];
}

// Σ over groups [0, groups) of term(gr), a lane vector per group, in the partials' order, totalled as a tree:
// one chunk's sum of a bias or of the post-affine.
template <int W, class Term>
SLOPPY_LANE_INLINE double chunkTotal(int64_t groups, const Term& term) {
  Lanes<W> acc[kParts<W>];
  for (auto& part : acc) part = Lanes<W>(0.0);
  for (int64_t gr = 0; gr < groups; ++gr) acc[gr % kParts<W>] += term(gr);
  return treeTotal<W>(acc);
}

// 1 on the lanes of group g that hold batch samples, 0 on the padding past the batch's end.
template <int W>
Lanes<W> validLanes(int64_t g, int64_t n) {
  Lanes<W> valid(0.0);
  for (int l = 0; l < W && g * W + l < n; ++l) valid.v[l] = 1.0;
  return valid;
}

// Lane groups that run the flow's conditioners together (mlp.h): two on eight lanes, whose 16 accumulators
// and two inputs fit AVX-512's 32 registers; one on four, where AVX2's 16 hold one group's eight.
template <int W>
constexpr int kInterleave = W == 8 ? 2 : 1;

// Calls pack(std::integral_constant<int, G>(), g) for groups [begin, end) in packs of kInterleave, the rest
// one by one.
template <int W, class Pack>
void inPacks(int64_t begin, int64_t end, const Pack& pack) {
  constexpr int G = kInterleave<W>;
  int64_t g = begin;
  for (; g + G <= end; g += G) pack(std::integral_constant<int, G>(), g);
  for (; g < end; ++g) pack(std::integral_constant<int, 1>(), g);
}

// Stages [s0, s1) of groups [begin, end) of a batch on lanes: from stage 0, base noise from Philox per sample
// first; after the last stage, the samples written back as rows.
template <int W>
SLOPPY_CPU_KERNEL
void forwardGroups(const FlowView& v, uint64_t seed, uint32_t step, int s0, int s1, FlowBatch& b, int64_t begin,
                   int64_t end) {
  const int D = v.shape.dim;
  const int64_t tape = v.shape.tapeSize();
  const int64_t scratchSize = pushScratch(v.shape);
  std::vector<Lanes<W>> z(D), scratch(kInterleave<W> * scratchSize);
  inPacks<W>(begin, end, [&](auto pack, int64_t first) {
    constexpr int G = decltype(pack)::value;
    Lanes<W>* tapes[G];
    Lanes<W>* scratches[G];
    Lanes<W> ldj[G];
    for (int k = 0; k < G; ++k) {
      const int64_t g = first + k;
      tapes[k] = b.tape.data<W>() + g * tape;
      scratches[k] = scratch.data() + k * scratchSize;
      ldj[k] = s0 == 0 ? Lanes<W>(0.0) : b.ldj.data<W>()[g];
      if (s0 > 0) continue;
      // Each lane draws its own sample's Philox normals, all lanes in one vector pass.
      PathRng streams[W];
      for (int l = 0; l < W; ++l) {
        const int64_t i = std::min(g * W + l, b.n - 1);  // lanes past the end repeat the last sample
        streams[l] = makePathRng(seed, static_cast<uint64_t>(i), 0);
      }
      LaneRng<W>(streams).normals(step, Stream::Dynamics, stageTape(v.shape, tapes[k], 0).in, D);
    }
    pushStages<Lanes<W>, G>(v, s0, s1, b.bnStats.data(), tapes, scratches, ldj);
    for (int k = 0; k < G; ++k) {
      const int64_t g = first + k;
      b.ldj.data<W>()[g] = ldj[k];
      if (s1 < v.shape.stages) continue;
      const Lanes<W> logq = pushTail(v, tapes[k], z.data(), ldj[k]);
      for (int l = 0; l < W && g * W + l < b.n; ++l) {
        const int64_t i = g * W + l;
        b.logq[i] = logq.v[l];
        for (int d = 0; d < D; ++d) b.z[i * D + d] = z[d].v[l];
      }
    }
  });
}

// Reverse mode of stages [s0, s1) for groups [begin, end): after the tail when s1 is the last stage, else
// through batch norm s0 (between stages s0 and s1) with its batch sums `bnSums` first.
template <int W>
SLOPPY_CPU_KERNEL
void cotangentGroups(const FlowView& v, FlowBatch& b, const double* zBar, const double* qBar, int s0, int s1,
                     const double* bnSums, double ldjBar, int64_t begin, int64_t end) {
  const FlowShape& f = v.shape;
  const int D = f.dim;
  const int64_t tape = f.tapeSize();
  const int64_t co = f.cotapeSize();
  const int64_t scratchSize = pushScratch(f);
  std::vector<Lanes<W>> zb(D), scratch(kInterleave<W> * scratchSize);
  inPacks<W>(begin, end, [&](auto pack, int64_t first) {
    constexpr int G = decltype(pack)::value;
    const Lanes<W>* tapes[G];
    Lanes<W>* cotapes[G];
    Lanes<W>* hBars[G];
    Lanes<W>* scratches[G];
    Lanes<W> qb[G];
    for (int k = 0; k < G; ++k) {
      const int64_t grp = first + k;
      Lanes<W>* t = b.tape.data<W>() + grp * tape;
      tapes[k] = t;
      cotapes[k] = b.cotape.data<W>() + grp * co;
      hBars[k] = b.hBar.data<W>() + grp * D;
      scratches[k] = scratch.data() + k * scratchSize;
      qb[k] = Lanes<W>(0.0);
      for (int l = 0; l < W && grp * W + l < b.n; ++l) qb[k].v[l] = qBar[grp * W + l];
      if (s1 == f.stages) {
        for (int d = 0; d < D; ++d) zb[d] = Lanes<W>(0.0);
        for (int l = 0; l < W && grp * W + l < b.n; ++l) {  // padding lanes carry no cotangent
          for (int d = 0; d < D; ++d) zb[d].v[l] = zBar[(grp * W + l) * D + d];
        }
        pullTail(v, zb.data(), qb[k], t, cotapes[k], hBars[k]);
      } else {
        batchNormBackward(f, v.bn(s0), bnStatsOf(f, b.bnStats.data(), s0), bnSums, static_cast<double>(b.n), ldjBar,
                          stageTape(f, t, s0).bnIn, validLanes<W>(grp, b.n), hBars[k]);
      }
    }
    pullStages<Lanes<W>, G>(v, s0, s1, qb, tapes, cotapes, hBars, scratches);
  });
}

// One contiguous block of groups per thread, so that each thread's samples stay in its own cache from the
// forward pass to the reverse one; finer blocks let the groups change threads between passes, which cost more
// in cache traffic than they gained in balance.
int64_t evenGrain(int64_t n, int threads) {
  const int t = threadCount(threads);
  return (n + t - 1) / t;
}

bool inPart(Part p, int j, int k) { return p == Part::All || (p == Part::StrictLower ? k < j : k >= j); }

// Calls f(std::integral_constant<int, n>()) for 1 ≤ n ≤ Max, so that a tile's extent is a compile-time constant.
template <int Max, class F>
inline void withExtent(int n, const F& f) {
  if constexpr (Max > 1) {
    if (n < Max) {
      withExtent<Max - 1>(n, f);
      return;
    }
  }
  f(std::integral_constant<int, Max>());
}

// One NJ × NK tile of an outer-product term summed over `groups` groups (a chunk of the batch) in order. The sizes are compile-time
// constants so that the lane accumulators stay in registers: with run-time bounds GCC kept them on the stack,
// and every multiply-add went through a store and a reload (measured: a third of an lds2d EPI step).
template <int W, int NJ, int NK>
inline void tileSum(const Lanes<W>* d, int64_t dStride, const Lanes<W>* a, int64_t aStride, int64_t groups,
                    double (&out)[4][4]) {
  constexpr int P = kParts<W>;
  Lanes<W> acc[NJ][NK][P];
  for (auto& row : acc) for (auto& x : row) for (auto& part : x) part = Lanes<W>(0.0);
  int64_t gr = 0;
  for (; gr + P <= groups; gr += P) {
    for (int p = 0; p < P; ++p, d += dStride, a += aStride) {
      for (int jj = 0; jj < NJ; ++jj) for (int kk = 0; kk < NK; ++kk) acc[jj][kk][p] += d[jj] * a[kk];
    }
  }
  for (int p = 0; gr < groups; ++gr, ++p, d += dStride, a += aStride) {
    for (int jj = 0; jj < NJ; ++jj) for (int kk = 0; kk < NK; ++kk) acc[jj][kk][p] += d[jj] * a[kk];
  }
  for (int jj = 0; jj < NJ; ++jj) for (int kk = 0; kk < NK; ++kk) out[jj][kk] = treeTotal<W>(acc[jj][kk]);
}

// Rows [j0, j1) of one outer-product term over `groups` groups (one chunk of the batch), written to out at the
// term's offsets, in tiles so that each cotangent and activation is loaded once per tile rather than once per
// weight: 4 × 4 on eight lanes (16 of AVX-512's 32 registers accumulate), 3 × 2 on four, whose two partials per
// entry take 12 of AVX2's 16 (lds2d EPI step with the AVX2 clone: 2 × 2 0.73 ms, 2 × 3 0.67, 2 × 4 0.70, 3 × 2
// and 4 × 2 0.66). Column tiles outside row tiles, so that a column tile's activations stay in L1 while every row
// tile of the piece uses them (rnn2 N = 10 EPI step 0.90 -> 0.88 ms).
template <int W>
SLOPPY_CPU_KERNEL
void outerSum(const OuterTerm& t, int j0, int j1, const Lanes<W>* tape, int64_t tapeStride, const Lanes<W>* cotape,
              int64_t coStride, int64_t groups, double* out) {
  constexpr int kTileJ = W == 8 ? 4 : 3;
  constexpr int kTileK = W == 8 ? 4 : 2;
  for (int k = 0; k < t.cols; k += kTileK) {
    const int nk = std::min(kTileK, t.cols - k);
    for (int j = j0; j < j1; j += kTileJ) {
      const int nj = std::min(kTileJ, j1 - j);
      const Lanes<W>* d = cotape + t.dOffset + j;
      bool any = false;
      for (int jj = 0; jj < nj; ++jj) for (int kk = 0; kk < nk; ++kk) any = any || inPart(t.part, j + jj, k + kk);
      if (!any) continue;
      const Lanes<W>* a = tape + t.aOffset + k;
      double sums[4][4];
      withExtent<kTileJ>(nj, [&](auto NJ) {
        withExtent<kTileK>(nk, [&](auto NK) {
          tileSum<W, decltype(NJ)::value, decltype(NK)::value>(d, coStride, a, tapeStride, groups, sums);
        });
      });
      for (int jj = 0; jj < nj; ++jj) {
        for (int kk = 0; kk < nk; ++kk) {
          if (inPart(t.part, j + jj, k + kk)) out[t.gOffset + static_cast<int64_t>(j + jj) * t.cols + k + kk] = sums[jj][kk];
        }
      }
    }
  }
  if (t.bOffset < 0) return;
  for (int j = j0; j < j1; ++j) {
    out[t.bOffset + j] = chunkTotal<W>(groups, [&](int64_t gr) { return cotape[gr * coStride + t.dOffset + j]; });
  }
}

// The post-affine's sums over `groups` groups for coordinates [i0, i1): Σ h̄·h (its scale a) and Σ h̄ (its
// shift b), with h the affine's input and h̄ the cotangent of its output, written to out at their offsets.
template <int W>
SLOPPY_CPU_KERNEL
void affineSum(const FlowShape& f, int i0, int i1, const Lanes<W>* tape, const Lanes<W>* cotape, int64_t groups,
               double* out) {
  const Lanes<W>* h = tape + f.stageTape() * f.stages;
  const Lanes<W>* hBar = cotape + f.stageCotape() * f.stages;
  const int64_t tapeStride = f.tapeSize(), coStride = f.cotapeSize();
  for (int i = i0; i < i1; ++i) {
    out[f.affineOffset() + i] =
        chunkTotal<W>(groups, [&](int64_t gr) { return hBar[gr * coStride + i] * h[gr * tapeStride + i]; });
    out[f.affineOffset() + f.dim + i] = chunkTotal<W>(groups, [&](int64_t gr) { return hBar[gr * coStride + i]; });
  }
}

// The outer-product sums run per chunk of the batch: a chunk's groups are summed into one total per weight,
// and the chunks' totals are added in order. Chunks are whole multiples of kChunkSamples (at most
// kMaxChunks of them), so the order, and every number, depends on the batch size alone, and each thread can sum
// the chunk whose tape it wrote: rows split over threads across the whole batch had each thread read the other
// half of every tape from the other core's cache (lds2d, two threads: 148 µs cold, 108 µs when run again on
// the same data). A chunk's tree sum, one per weight, is a few shuffles beside the 32 multiply-adds per weight of
// 256 samples on eight lanes; lds2d's batch of 500 is two chunks, one per core of a 2-core machine.
constexpr int64_t kChunkSamples = 256;
constexpr int64_t kMaxChunks = 16;
template <int W>
int64_t chunkGroups(int64_t n) {
  const int64_t unit = kChunkSamples;
  const int64_t units = (n + unit * kMaxChunks - 1) / (unit * kMaxChunks);
  return std::max<int64_t>(1, units) * unit / W;
}

// One piece of the outer sums: rows [j0, j1) of term `term` (kAffine: coordinates of the post-affine) over chunk
// `chunk`, with its work in multiply-adds.
constexpr int kAffine = -1;
struct OuterPiece {
  int64_t chunk;
  int term, j0, j1;
  int64_t work;
};

// The weights that the outer sums fill, as contiguous spans: each term's block (an LU matrix's two parts share
// one), its biases, and the post-affine's scale and shift.
std::vector<std::pair<int64_t, int64_t>> outerSpans(const FlowShape& f, const std::vector<OuterTerm>& terms) {
  std::vector<std::pair<int64_t, int64_t>> spans;
  for (const OuterTerm& t : terms) {
    if (t.part != Part::StrictLower) spans.emplace_back(t.gOffset, static_cast<int64_t>(t.rows) * t.cols);
    if (t.bOffset >= 0) spans.emplace_back(t.bOffset, t.rows);
  }
  if (f.postAffine) spans.emplace_back(f.affineOffset(), 2 * f.dim);
  return spans;
}

// Σ over chunks of the outer sums into g: the pieces in chunk order split into one contiguous run per thread
// of about equal work, so that thread k (which ran block k of the reverse pass, evenGrain) sums the chunks
// whose tapes it wrote where chunks and threads line up; chunk 0 writes g, later chunks their own blocks of
// b.chunkSums, added to g in chunk order afterwards.
template <int W>
void outerSums(const FlowShape& f, FlowBatch& b, const Lanes<W>* tape, const Lanes<W>* cotape, int64_t groups,
               std::vector<double>& g, int threads) {
  const int64_t tapeStride = f.tapeSize();
  const int64_t coStride = f.cotapeSize();
  const int64_t perChunk = chunkGroups<W>(b.n);
  const int64_t chunks = (groups + perChunk - 1) / perChunk;
  constexpr int kRows = 16;
  const std::vector<OuterTerm> terms = outerTerms(f);
  std::vector<OuterPiece> pieces;
  int64_t total = 0;
  for (int64_t c = 0; c < chunks; ++c) {
    const int64_t n = std::min(perChunk, groups - c * perChunk);
    for (size_t t = 0; t < terms.size(); ++t) {
      for (int j = 0; j < terms[t].rows; j += kRows) {
        const int j1 = std::min(terms[t].rows, j + kRows);
        const int64_t work = static_cast<int64_t>(j1 - j) * (terms[t].cols + 1) * n;
        pieces.push_back({c, static_cast<int>(t), j, j1, work});
        total += work;
      }
    }
    for (int i = 0; f.postAffine && i < f.dim; i += kRows) {
      const int i1 = std::min(f.dim, i + kRows);
      pieces.push_back({c, kAffine, i, i1, 2 * (i1 - i) * n});
      total += 2 * (i1 - i) * n;
    }
  }
  const int runs = static_cast<int>(std::min<int64_t>(threadCount(threads), static_cast<int64_t>(pieces.size())));
  std::vector<size_t> start(runs + 1, pieces.size());
  start[0] = 0;
  int64_t done = 0;
  for (size_t i = 0, r = 1; i < pieces.size() && r < static_cast<size_t>(runs); ++i) {
    done += pieces[i].work;
    while (r < static_cast<size_t>(runs) && done * runs >= total * static_cast<int64_t>(r)) start[r++] = i + 1;
  }
  b.chunkSums.resize(static_cast<size_t>(std::max<int64_t>(0, chunks - 1)) * f.size());
  parallelFor(runs, 1, threads, [&](int64_t r0, int64_t r1) {
    for (size_t i = start[r0]; i < start[r1]; ++i) {
      const OuterPiece& p = pieces[i];
      double* out = p.chunk == 0 ? g.data() : b.chunkSums.data() + (p.chunk - 1) * f.size();
      const int64_t first = p.chunk * perChunk;
      const int64_t n = std::min(perChunk, groups - first);
      if (p.term == kAffine) {
        affineSum<W>(f, p.j0, p.j1, tape + first * tapeStride, cotape + first * coStride, n, out);
      } else {
        outerSum<W>(terms[p.term], p.j0, p.j1, tape + first * tapeStride, tapeStride, cotape + first * coStride,
                    coStride, n, out);
      }
    }
  });
  if (chunks == 1) return;
  // Each weight adds the later chunks' totals in order; weights are independent, so any split will do. A few
  // thousand additions (lds2d: 8 752) cost less on the calling thread than handing them out.
  constexpr int64_t kSpanPiece = 2048;
  constexpr int64_t kInline = 1 << 15;
  std::vector<std::pair<int64_t, int64_t>> spans;
  for (const auto& [offset, length] : outerSpans(f, terms)) {
    for (int64_t k = 0; k < length; k += kSpanPiece) spans.emplace_back(offset + k, std::min(kSpanPiece, length - k));
  }
  const int64_t additions = (chunks - 1) * f.size();
  parallelFor(static_cast<int64_t>(spans.size()), 1, additions < kInline ? 1 : threads, [&](int64_t s0, int64_t s1) {
    for (int64_t s = s0; s < s1; ++s) {
      const auto [offset, length] = spans[s];
      for (int64_t c = 1; c < chunks; ++c) {
        const double* part = b.chunkSums.data() + (c - 1) * f.size() + offset;
        for (int64_t k = 0; k < length; ++k) g[offset + k] += part[k];
      }
    }
  });
}

// Batch norm s's statistics over the batch (its mean, then its biased variance about that mean), summed over
// groups in order so that the result does not depend on the thread count.
template <int W>
void batchStatistics(const FlowView& v, FlowBatch& b, int s, int64_t groups) {
  const FlowShape& f = v.shape;
  double* stats = b.bnStats.data() + 2 * static_cast<int64_t>(f.dim) * s;
  std::vector<Lanes<W>> acc(kParts<W> * f.dim);
  for (int pass = 0; pass < 2; ++pass) {
    std::fill(acc.begin(), acc.end(), Lanes<W>(0.0));
    for (int64_t g = 0; g < groups; ++g) {
      batchNormMoments(f, pass, stats, stageTape(f, b.tape.data<W>() + g * f.tapeSize(), s).bnIn,
                       validLanes<W>(g, b.n), acc.data() + (g % kParts<W>) * f.dim);
    }
    for (int i = 0; i < f.dim; ++i) stats[pass * f.dim + i] = partsTotal<W>(acc.data() + i, f.dim) / static_cast<double>(b.n);
  }
}

// The sums Σ ȳ and Σ ȳ·x̂ of batch norm s over the batch, from the cotangents of its outputs in b.hBar.
template <int W>
std::vector<double> cotangentSums(const FlowView& v, FlowBatch& b, int s, int64_t groups) {
  const FlowShape& f = v.shape;
  const double* stats = bnStatsOf(f, b.bnStats.data(), s);
  const int width = 2 * f.dim;
  std::vector<Lanes<W>> acc(kParts<W> * width, Lanes<W>(0.0));
  for (int64_t g = 0; g < groups; ++g) {
    batchNormCotangentSums(f, stats, stageTape(f, b.tape.data<W>() + g * f.tapeSize(), s).bnIn,
                           b.hBar.data<W>() + g * f.dim, acc.data() + (g % kParts<W>) * width);
  }
  std::vector<double> sums(width);
  for (int i = 0; i < width; ++i) sums[i] = partsTotal<W>(acc.data() + i, width);
  return sums;
}

template <int W>
void forwardOn(const FlowView& v, int64_t n, uint64_t seed, uint32_t step, FlowBatch& b, int threads) {
  const FlowShape& f = v.shape;
  const int64_t groups = (n + W - 1) / W;
  b.n = n;
  b.seed = seed;
  b.step = step;
  b.z.resize(n * f.dim);
  b.logq.resize(n);
  b.tape.get<W>(groups * f.tapeSize());
  b.ldj.get<W>(groups);
  b.bnStats.resize(static_cast<size_t>(f.bnLayers()) * 2 * f.dim);
  // Batch norm needs the whole batch's statistics after each stage but the last: one pass over the groups per
  // stage then, and a single pass without it.
  for (int s0 = 0, s1 = 0; s0 < f.stages; s0 = s1) {
    s1 = f.batchNorm ? s0 + 1 : f.stages;
    parallelFor(groups, evenGrain(groups, threads), threads, [&](int64_t begin, int64_t end) {
      forwardGroups<W>(v, seed, step, s0, s1, b, begin, end);
    });
    if (s1 < f.stages) batchStatistics<W>(v, b, s0, groups);
  }
}

template <int W>
void gradientOn(const FlowView& v, FlowBatch& b, const double* zBar, const double* qBar, std::vector<double>& g,
                int threads) {
  const FlowShape& f = v.shape;
  const int D = f.dim;
  const int64_t groups = (b.n + W - 1) / W;
  const int64_t co = f.cotapeSize();
  // The log-determinants that every sample shares (LU diagonals, post-affine, batch norm) have the cotangent
  // −Σ qBar.
  double ldjBar = 0.0;
  for (int64_t i = 0; i < b.n; ++i) ldjBar -= qBar[i];
  // The outer sums set every entry of their terms and the post-affine's; batch norm's entries are added to and
  // the moving statistics carry none. Zeroing only those spared rnn2 N = 10 a 52 000-weight fill per step.
  g.resize(f.size());
  for (int s = 0; s < f.bnLayers(); ++s) std::fill_n(g.data() + f.bnOffset(s), f.bnSize(), 0.0);
  std::fill(g.begin() + f.trainableSize(), g.end(), 0.0);
  // The reverse passes write every cotape entry later read.
  const Lanes<W>* cotape = b.cotape.get<W>(groups * co);
  b.hBar.get<W>(groups * D);
  for (int s1 = f.stages, s0 = 0; s1 > 0; s1 = s0) {
    s0 = f.batchNorm ? s1 - 1 : 0;
    std::vector<double> sums;
    if (s1 < f.stages) {
      sums = cotangentSums<W>(v, b, s0, groups);
      batchNormWeightGradient(f, v.bn(s0), sums.data(), ldjBar, g.data() + f.bnOffset(s0));
    }
    parallelFor(groups, evenGrain(groups, threads), threads, [&](int64_t begin, int64_t end) {
      cotangentGroups<W>(v, b, zBar, qBar, s0, s1, sums.data(), ldjBar, begin, end);
    });
  }
  const Lanes<W>* tp = b.tape.data<W>();
  outerSums<W>(f, b, tp, cotape, groups, g, threads);
  // The log-determinants' own terms: Σ log|U_ii| and Σ log|a_i|.
  if (f.luPermutation) {
    for (int s = 0; s + 1 < f.stages; ++s) {
      for (int i = 0; i < D; ++i) g[f.luOffset(s) + i * D + i] += ldjBar / v.lu(s)[i * D + i];
    }
  }
  if (f.postAffine) {
    for (int i = 0; i < D; ++i) g[f.affineOffset() + i] += ldjBar / v.affine()[i];
  }
}

// Σ g², in eight interleaved partial sums: the same order, so the same value, in every instruction set.
SLOPPY_CPU_KERNEL
double squaredNorm(const double* g, int64_t n) {
  constexpr int kParts = 8;
  double part[kParts] = {};
  int64_t k = 0;
  for (; k + kParts <= n; k += kParts) {
    for (int p = 0; p < kParts; ++p) part[p] += g[k + p] * g[k + p];
  }
  for (; k < n; ++k) part[0] += g[k] * g[k];
  double sum = 0.0;
  for (double p : part) sum += p;
  return sum;
}

SLOPPY_CPU_KERNEL
void adamSweep(const AdamConfig& c, double lrT, double scale, const double* g, int64_t n, double* w, double* m1,
               double* m2) {
  for (int64_t k = 0; k < n; ++k) adamUpdate(c, lrT, g[k] * scale, w[k], m1[k], m2[k]);
}

}  // namespace

void adamCpu(const AdamConfig& c, int64_t t, const std::vector<double>& g, double* w, double* m1, double* m2,
             int threads) {
  const int64_t n = static_cast<int64_t>(g.size());
  const double norm2 = squaredNorm(g.data(), n);
  constexpr double kClip = 1e10;
  const double scale = norm2 > kClip * kClip ? kClip / std::sqrt(norm2) : 1.0;
  const double lrT = adamStepSize(c, t);
  // Each weight's update is its own, so splitting the sweep cannot change a number. One block per thread, in
  // whole vectors, unless that leaves blocks too small to be worth a hand-off: fixed blocks of 8 192 gave one
  // thread all but 560 of lds2d's 8 752 weights.
  constexpr int64_t kMinBlock = 1 << 11;
  const int64_t perThread = (n + threadCount(threads) - 1) / threadCount(threads);
  const int64_t block = std::max(kMinBlock, (perThread + 7) / 8 * 8);
  parallelFor(n, block, threads, [&](int64_t begin, int64_t end) {
    adamSweep(c, lrT, scale, g.data() + begin, end - begin, w + begin, m1 + begin, m2 + begin);
  });
}


void forwardCpu(const FlowView& v, int64_t n, uint64_t seed, uint32_t step, FlowBatch& b, int threads) {
  withLaneWidth([&](auto w) { forwardOn<w>(v, n, seed, step, b, threads); });
}

void gradientCpu(const FlowView& v, FlowBatch& b, const double* zBar, const double* qBar, std::vector<double>& g,
                 int threads) {
  withLaneWidth([&](auto w) { gradientOn<w>(v, b, zBar, qBar, g, threads); });
}

}  // namespace sloppy
