import { backends, Flow, normals, Stream } from '../../lib';
import { flowSpec, FlowOptions } from '../../lib/flow/flow';
import { flowLayout, referenceForward } from '../helpers/flow-reference';

function makeFlow(lower: number[], upper: number[], opts: FlowOptions = {}): Flow {
  return new Flow(flowSpec(lower, upper, { units: 12, seed: 3, ...opts }));
}

// log |det A| of a small dense matrix by Gaussian elimination with partial pivoting.
function logAbsDet(a: number[][]): number {
  const m = a.map((r) => [...r]);
  const n = m.length;
  let s = 0;
  for (let k = 0; k < n; ++k) {
    let p = k;
    for (let i = k + 1; i < n; ++i) if (Math.abs(m[i][k]) > Math.abs(m[p][k])) p = i;
    [m[k], m[p]] = [m[p], m[k]];
    s += Math.log(Math.abs(m[k][k]));
    for (let i = k + 1; i < n; ++i) {
      const f = m[i][k] / m[k][k];
      for (let j = k; j < n; ++j) m[i][j] -= f * m[k][j];
    }
  }
  return s;
}

const logNormal = (x: ArrayLike<number>) =>
  Array.from(x).reduce((acc, v) => acc - 0.5 * v * v - 0.5 * Math.log(2 * Math.PI), 0);

// A flow whose weights have been nudged away from initialisation, so every layer matters.
async function trained(flow: Flow): Promise<Flow> {
  const D = flow.spec.dim;
  const mean = Float64Array.from({ length: D }, (_, i) => 0.3 * Math.sin(i + 1));
  const precision = new Float64Array(D * D);
  for (let i = 0; i < D; ++i) precision[i * D + i] = 4;
  await flow.handle.trainGaussian({ mean, precision, iterations: 60, firstStep: 0, seed: 2, batch: 64 });
  return flow;
}

describe('real NVP flow', () => {
  const lower = [-1, 0.5, -Infinity, -Infinity, -3];
  const upper = [2, Infinity, Infinity, 4, 3];

  // With batch norm, queries take the moving statistics: the same checks hold for that fixed affine map.
  it('inverts its own samples: the base points are the Philox normals that made them', async () => {
    for (const [permutation, batchNorm] of [['lu', false], ['fixed', false], ['lu', true], ['fixed', true]] as const) {
      const flow = await trained(makeFlow(lower, upper, { permutation, postAffine: true, batchNorm }));
      const { z, logq } = await flow.sample(50, { seed: 11, step: 4 });
      const inv = await flow.handle.inverse({ z });
      for (let i = 0; i < 50; ++i) {
        const x = normals(5, { seed: 11, set: i, trial: 0, step: 4, stream: Stream.Dynamics });
        for (let d = 0; d < 5; ++d) expect(Math.abs(inv.x[i * 5 + d] - x[d])).toBeLessThan(1e-8);
        expect(inv.logq[i]).toBeCloseTo(logq[i], 9);
      }
    }
  });

  // Training pushes eight samples per vector with sloppy's own exp and log1p; queries push one sample at a time
  // through libm. The same base noise must give the same samples and log q (H is −mean log q) to a few ulp.
  it('pushes a training batch to the same samples and entropy as a query with the same noise', async () => {
    for (const opts of [{}, { support: 'tanh' as const }]) {
      const flow = await trained(makeFlow(lower, upper, { postAffine: true, ...opts }));
      const n = 61;  // not a multiple of the eight lanes
      const D = lower.length;
      const { z } = await flow.handle.trainBegin({ batch: n, seed: 7, step: 3 });
      const query = await flow.sample(n, { seed: 7, step: 3 });
      for (let k = 0; k < n * D; ++k) expect(Math.abs(z[k] - query.z[k])).toBeLessThan(1e-13 * Math.max(1, Math.abs(z[k])));
      const end = await flow.handle.trainEnd({
        values: new Float64Array(n), grad: new Float64Array(n * D), statCount: 1, stats: Float64Array.from([0]),
        mean: Float64Array.from([0]), variance: Float64Array.from([1]), eta: Float64Array.from([0, 0]), c: 0, apply: false,
      });
      const entropy = -query.logq.reduce((a, b) => a + b, 0) / n;
      expect(Math.abs(end.log[0] - entropy)).toBeLessThan(1e-13 * Math.max(1, Math.abs(entropy)));
    }
  });

  it.each([false, true])('obeys the change-of-variables formula: log q(z) = log N(x(z)) + log|det ∂x/∂z| (batch norm %p)', async (batchNorm) => {
    const flow = await trained(makeFlow(lower, upper, { postAffine: true, batchNorm }));
    const { z } = await flow.sample(5, { seed: 5, step: 1, stream: 'eval' });
    const D = 5;
    const h = 1e-6;
    for (let i = 0; i < 5; ++i) {
      const z0 = Array.from(z.subarray(i * D, (i + 1) * D));
      const shifted: number[][] = [];
      for (let j = 0; j < D; ++j) {
        for (const s of [1, -1]) shifted.push(z0.map((v, k) => (k === j ? v + s * h : v)));
      }
      const out = await flow.handle.inverse({ z: Float64Array.from([z0, ...shifted].flat()) });
      const jac = Array.from({ length: D }, (_, a) =>
        Array.from({ length: D }, (_, j) => (out.x[(1 + 2 * j) * D + a] - out.x[(2 + 2 * j) * D + a]) / (2 * h)),
      );
      const expected = logNormal(out.x.subarray(0, D)) + logAbsDet(jac);
      expect(Math.abs(out.logq[0] - expected)).toBeLessThan(1e-5 * Math.max(1, Math.abs(expected)));
    }
  });

  it('has a density that integrates to 1 in one and two dimensions', async () => {
    const simpson = (f: (x: number) => number, a: number, b: number, n: number) => {
      const hh = (b - a) / n;
      let s = f(a) + f(b);
      for (let k = 1; k < n; ++k) s += (k % 2 === 1 ? 4 : 2) * f(a + k * hh);
      return (s * hh) / 3;
    };
    for (const [lb, ub, a, b] of [[-1, 2, -1, 2], [-Infinity, Infinity, -40, 40]]) {
      const flow = await trained(makeFlow([lb], [ub], { support: lb === -1 ? 'tanh' : 'sigmoid' }));
      const n = 20000;
      const grid = Float64Array.from({ length: n + 1 }, (_, k) => a + ((b - a) * k) / n);
      const lq = await flow.logProb(grid.map((v) => Math.min(Math.max(v, a + 1e-12), b - 1e-12)));
      expect(simpson((x) => Math.exp(lq[Math.round(((x - a) / (b - a)) * n)]), a, b, n)).toBeCloseTo(1, 4);
    }
    const n = 400;
    const pts: number[] = [];
    const mid = (k: number, lo: number, hi: number) => lo + ((hi - lo) * (k + 0.5)) / n;
    for (let i = 0; i < n; ++i) for (let j = 0; j < n; ++j) pts.push(mid(i, -1, 1), mid(j, 0, 3));
    for (const batchNorm of [false, true]) {
      const flow = await trained(makeFlow([-1, 0], [1, 3], { batchNorm }));
      const lq = await flow.logProb(Float64Array.from(pts));
      let mass = 0;
      lq.forEach((v) => (mass += Math.exp(v) * (2 / n) * (3 / n)));
      expect(mass).toBeCloseTo(1, 3);
    }
  });

  it.each([false, true])('gives ∇_z log q and its Hessian that agree with finite differences (batch norm %p)', async (batchNorm) => {
    const flow = await trained(makeFlow(lower, upper, { postAffine: true, units: 9, batchNorm }));
    const { z } = await flow.sample(3, { seed: 8, stream: 'eval' });
    const D = 5;
    const { grad } = await flow.gradLogProb(z);
    const hess = await flow.hessianLogProb(z);
    const h = 1e-5;
    for (let i = 0; i < 3; ++i) {
      const z0 = Array.from(z.subarray(i * D, (i + 1) * D));
      for (let j = 0; j < D; ++j) {
        const up = z0.map((v, k) => (k === j ? v + h : v));
        const down = z0.map((v, k) => (k === j ? v - h : v));
        const [lu, ld] = await Promise.all([flow.logProb([up]), flow.logProb([down])]);
        const fd = (lu[0] - ld[0]) / (2 * h);
        expect(Math.abs(grad[i * D + j] - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
        const [gu, gd] = await Promise.all([flow.gradLogProb([up]), flow.gradLogProb([down])]);
        for (let k = 0; k < D; ++k) {
          const fdh = (gu.grad[k] - gd.grad[k]) / (2 * h);
          expect(Math.abs(hess[i * D * D + k * D + j] - fdh)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fdh)));
          expect(hess[i * D * D + k * D + j]).toBe(hess[i * D * D + j * D + k]);
        }
      }
    }
  });
});

describe('flow training gradients', () => {
  // Statistics with closed-form gradients, standing in for a simulated model.
  const S = 2;
  const stat = (z: ArrayLike<number>, i: number) => {
    const a = z[i * 3];
    const b = z[i * 3 + 1];
    const c = z[i * 3 + 2];
    return { v: [a * b + Math.sin(c), a - 0.5 * c * c], g: [[b, a, Math.cos(c)], [1, 0, -c]] };
  };
  const statistics = (z: Float64Array, n: number) => {
    const values = new Float64Array(n * S);
    const grad = new Float64Array(n * S * 3);
    for (let i = 0; i < n; ++i) {
      const { v, g } = stat(z, i);
      for (let s = 0; s < S; ++s) {
        values[i * S + s] = v[s];
        for (let d = 0; d < 3; ++d) grad[(i * S + s) * 3 + d] = g[s][d];
      }
    }
    return { values, grad };
  };
  const mean = [0.2, -0.1];
  const variance = [0.5, 0.3];
  // T − μ per sample, written from the definition of the property.
  const residual = (z: Float64Array, i: number) => {
    const { v } = stat(z, i);
    return [v[0] - mean[0], v[1] - mean[1], (v[0] - mean[0]) ** 2 - variance[0], (v[1] - mean[1]) ** 2 - variance[1]];
  };
  const batch = 16;

  async function gradientAt(flow: Flow, eta: number[], c: number, n = batch, threads?: number) {
    const { z } = await flow.handle.trainBegin({ batch: n, seed: 4, step: 9, threads });
    const { values, grad } = statistics(z, n);
    const r = await flow.handle.trainEnd({
      values, grad, statCount: S, stats: Float64Array.from([0, 1]), mean: Float64Array.from(mean),
      variance: Float64Array.from(variance), eta: Float64Array.from(eta), c, apply: false, threads,
    });
    return { z, cost: r.log[1], gradient: r.gradient! };
  }

  // Central differences of objective(z(w)) in a spread of weights — MLP weights of every stage, LU factors,
  // post-affine scale and shift — against the native gradient.
  async function checkWeights(
    flow: Flow,
    gradient: Float64Array,
    objective: (z: Float64Array) => Promise<number>,
    n = batch,
  ): Promise<void> {
    const base = flow.state();
    const P = base.weights.length;
    const picks = [0, 7, 31, Math.floor(P / 3), Math.floor(P / 2), Math.floor((3 * P) / 4), P - 4, P - 1];
    const h = 1e-6;
    let checked = 0;
    for (const k of picks) {
      const values: number[] = [];
      for (const s of [1, -1]) {
        const w = Float64Array.from(base.weights);
        w[k] += s * h;
        flow.setState({ ...base, weights: w });
        const { z } = await flow.handle.trainBegin({ batch: n, seed: 4, step: 9 });
        values.push(await objective(z));
      }
      flow.setState(base);
      const fd = (values[0] - values[1]) / (2 * h);
      expect(Math.abs(gradient[k] - fd)).toBeLessThan(2e-6 * Math.max(1, Math.abs(fd)));
      if (fd !== 0) checked += 1;
    }
    expect(checked).toBeGreaterThan(4);  // most picks carry a gradient: the check is not vacuous
  }

  // 600 samples are three of the batch's 256-sample chunks (flow_cpu.cc), the last one part-filled.
  it.each([batch, 600])('backpropagates −H + ηᵀR exactly to every kind of weight (c = 0, batch %d)', async (n) => {
    const flow = new Flow(flowSpec([-2, -Infinity, 0], [2, Infinity, Infinity], { units: 10, seed: 5, postAffine: true }));
    const eta = [0.7, -1.3, 0.4, 2.1];
    const { gradient } = await gradientAt(flow, eta, 0, n);
    // mean log q (by the inverse pass, not the forward pass being differentiated) + ηᵀ(mean T − μ).
    await checkWeights(flow, gradient, async (z) => {
      const logq = await flow.logProb(z);
      let e = 0;
      for (let i = 0; i < n; ++i) {
        e += logq[i] / n;
        residual(z, i).forEach((r, j) => (e += (eta[j] * r) / n));
      }
      return e;
    }, n);
  });

  it('sums a batch of several chunks to the same gradient on one, two and three threads', async () => {
    const flow = new Flow(flowSpec([-2, -Infinity, 0], [2, Infinity, Infinity], { units: 10, seed: 5, postAffine: true }));
    const gradients = [];
    for (const threads of [1, 2, 3]) {
      gradients.push(Array.from((await gradientAt(flow, [0.7, -1.3, 0.4, 2.1], 3, 600, threads)).gradient));
    }
    expect(gradients[1]).toEqual(gradients[0]);
    expect(gradients[2]).toEqual(gradients[0]);
  });

  it("takes the penalty's gradient as c·J_{R1}ᵀR2: first half's Jacobians, second half's residual", async () => {
    const flow = new Flow(flowSpec([-2, -Infinity, 0], [2, Infinity, Infinity], { units: 10, seed: 6, postAffine: true }));
    const c = 3;
    const zero = [0, 0, 0, 0];
    const { z: z0, gradient } = await gradientAt(flow, zero, c);
    const { gradient: entropyOnly } = await gradientAt(flow, zero, 0);
    const half = batch / 2;
    const R2 = [0, 0, 0, 0];
    for (let i = half; i < batch; ++i) residual(z0, i).forEach((r, j) => (R2[j] += r / half));
    // c·R1(w)ᵀR2 with R2 frozen at the current weights: the estimator's definition.
    await checkWeights(flow, gradient.map((g, k) => g - entropyOnly[k]), async (z) => {
      let e = 0;
      for (let i = 0; i < half; ++i) residual(z, i).forEach((r, j) => (e += (c * R2[j] * r) / half));
      return e;
    });
  });

  it('gives a statistic clipped at ±1e10 no gradient, as clip_by_value does: it cannot move with z', async () => {
    const flow = new Flow(flowSpec([-2, -Infinity, 0], [2, Infinity, Infinity], { units: 10, seed: 6, postAffine: true }));
    const { z } = await flow.handle.trainBegin({ batch, seed: 4, step: 9 });
    const { values, grad } = statistics(z, batch);
    values[0] = 1e12;  // sample 0, statistic 0: clipped, and so is its squared deviation
    const withoutRow = Float64Array.from(grad);
    withoutRow.fill(0, 0, 3);
    const gradientFor = async (g: Float64Array) => {
      await flow.handle.trainBegin({ batch, seed: 4, step: 9 });  // each trainEnd takes its batch
      return (await flow.handle.trainEnd({
        values, grad: g, statCount: S, stats: Float64Array.from([0, 1]), mean: Float64Array.from(mean),
        variance: Float64Array.from(variance), eta: Float64Array.from([0.3, -0.2, 0.1, 0.05]), c: 2, apply: false,
      })).gradient!;
    };
    const [kept, dropped] = [await gradientFor(grad), await gradientFor(withoutRow)];
    expect(Array.from(kept)).toEqual(Array.from(dropped));
    // The row does count where the value is not clipped: the check is not vacuous.
    values[0] = 3;
    expect(Array.from(await gradientFor(grad))).not.toEqual(Array.from(await gradientFor(withoutRow)));
  });

  // With batch norm every sample's z and log q depend on the whole batch through its mean and variance; the
  // objective is evaluated by the reference flow of test/helpers, all of whose weights are differenced.
  it('differentiates the batch-norm objective exactly, through the batch statistics, in every weight', async () => {
    const spec = flowSpec([-2, -Infinity, 0], [2, Infinity, Infinity], { units: 6, seed: 5, postAffine: true, batchNorm: true });
    const flow = await trained(new Flow(spec));
    const n = 13;  // two lane groups, the second part padding
    const half = Math.floor(n / 2);
    const eta = [0.7, -1.3, 0.4, 2.1];
    const c = 3;
    const { z } = await flow.handle.trainBegin({ batch: n, seed: 4, step: 9 });
    const { values, grad } = statistics(z, n);
    const gradient = (await flow.handle.trainEnd({
      values, grad, statCount: S, stats: Float64Array.from([0, 1]), mean: Float64Array.from(mean),
      variance: Float64Array.from(variance), eta: Float64Array.from(eta), c, apply: false,
    })).gradient!;
    const { weights, perm } = flow.state();
    const x = Array.from({ length: n }, (_, i) => Array.from(normals(3, { seed: 4, set: i, trial: 0, step: 9, stream: Stream.Dynamics })));
    const R2 = [0, 0, 0, 0];
    for (let i = half; i < n; ++i) residual(z, i).forEach((r, j) => (R2[j] += r / (n - half)));
    // mean log q + ηᵀ(mean T − μ) + c·R1ᵀR2 with R2 frozen: what trainEnd differentiates.
    const objective = (w: Float64Array) => {
      const out = referenceForward(spec, w, perm, x, 'batch');
      const zw = Float64Array.from(out.z.flat());
      let e = 0;
      for (let i = 0; i < n; ++i) {
        e += out.logq[i] / n;
        residual(zw, i).forEach((r, j) => (e += (eta[j] * r) / n + (i < half ? (c * R2[j] * r) / half : 0)));
      }
      return { e, z: zw };
    };
    const atBase = objective(weights).z;
    expect(Math.max(...Array.from(z, (v, i) => Math.abs(v - atBase[i])))).toBeLessThan(1e-11);  // the native forward pass
    const L = flowLayout(spec);
    const h = 1e-6;
    const fd = Array.from(weights, (_, k) => {
      const up = Float64Array.from(weights);
      const down = Float64Array.from(weights);
      up[k] += h;
      down[k] -= h;
      return (objective(up).e - objective(down).e) / (2 * h);
    });
    fd.forEach((d, k) => expect(Math.abs(gradient[k] - d)).toBeLessThan(1e-6 * Math.max(1, Math.abs(d))));
    // Not vacuous: γ and β of every layer and the first stage's MLP, upstream of both layers, carry gradient;
    // the moving statistics, unused in training, have none.
    for (let s = 0; s < L.bnLayers; ++s) {
      for (let i = 0; i < 2 * spec.dim; ++i) expect(Math.abs(gradient[L.bn(s) + i])).toBeGreaterThan(1e-6);
    }
    expect(fd.slice(0, L.mlp).filter((d) => Math.abs(d) > 1e-6).length).toBeGreaterThan(L.mlp / 3);
    expect(Array.from(gradient.slice(L.moving)).every((g) => g === 0)).toBe(true);
  });
});

describe('flow fitted to a Gaussian', () => {
  it('matches its mean, covariance, score Σ⁻¹(μ − z) and Hessian −Σ⁻¹', async () => {
    // Σ = A Aᵀ + I/2 with a fixed A: a correlated, well-conditioned target.
    const D = 3;
    const A = [[0.8, 0.3, -0.2], [0.1, 0.6, 0.4], [-0.5, 0.2, 0.9]];
    const sigma = A.map((r, i) => A.map((q, j) => r.reduce((s, v, k) => s + v * q[k], 0) + (i === j ? 0.5 : 0)));
    const mu = [0.5, -1, 2];
    // Σ⁻¹ by Gauss–Jordan.
    const inv = sigma.map((r, i) => [...r, ...r.map((_, j) => (i === j ? 1 : 0))]);
    for (let k = 0; k < D; ++k) {
      const p = inv[k][k];
      inv[k] = inv[k].map((v) => v / p);
      for (let i = 0; i < D; ++i) if (i !== k) inv[i] = inv[i].map((v, j) => v - inv[i][k] * inv[k][j]);
    }
    const prec = inv.map((r) => r.slice(D));
    const flow = new Flow(flowSpec([-Infinity, -Infinity, -Infinity], [Infinity, Infinity, Infinity], { seed: 2 }));
    await flow.handle.trainGaussian({
      mean: Float64Array.from(mu), precision: Float64Array.from(prec.flat()), iterations: 2500, firstStep: 0, seed: 1,
      batch: 500,
    });
    const n = 20000;
    const { z } = await flow.sample(n, { seed: 3, stream: 'eval' });
    const m = [0, 0, 0];
    for (let i = 0; i < n; ++i) for (let d = 0; d < D; ++d) m[d] += z[i * D + d] / n;
    const cov = sigma.map(() => [0, 0, 0]);
    for (let i = 0; i < n; ++i) {
      for (let a = 0; a < D; ++a) for (let b = 0; b < D; ++b) cov[a][b] += ((z[i * D + a] - m[a]) * (z[i * D + b] - m[b])) / (n - 1);
    }
    m.forEach((v, d) => expect(Math.abs(v - mu[d])).toBeLessThan(0.1 * Math.abs(mu[d])));
    const frob = (x: number[][]) => Math.sqrt(x.flat().reduce((s, v) => s + v * v, 0));
    expect(frob(cov.map((r, a) => r.map((v, b) => v - sigma[a][b]))) / frob(sigma)).toBeLessThan(0.1);

    const probe = z.slice(0, 200 * D);
    const { grad } = await flow.gradLogProb(probe);
    const hess = await flow.hessianLogProb(probe);
    let num = 0;
    let den = 0;
    let hNum = 0;
    let hDen = 0;
    for (let i = 0; i < 200; ++i) {
      for (let a = 0; a < D; ++a) {
        const expected = prec[a].reduce((s, v, b) => s + v * (mu[b] - probe[i * D + b]), 0);
        num += (grad[i * D + a] - expected) ** 2;
        den += expected ** 2;
        for (let b = 0; b < D; ++b) {
          hNum += (hess[i * D * D + a * D + b] + prec[a][b]) ** 2;
          hDen += prec[a][b] ** 2;
        }
      }
    }
    expect(num / den).toBeLessThan(0.1);
    expect(hNum / hDen).toBeLessThan(0.1);
  });
});

describe('flow devices', () => {
  (backends().cuda.available ? it.skip : it)("rejects device 'cuda' without a usable GPU, and 'auto' falls back saying why", () => {
    const spec = flowSpec([0], [1]);
    expect(() => new Flow(spec, { device: 'cuda' })).toThrow(expect.objectContaining({ code: 'ERR_CUDA_UNAVAILABLE' }));
    const auto = new Flow(spec, { device: 'auto' });
    expect(auto.device).toBe('cpu');
    expect(auto.deviceReason).toMatch(/\S/);
  });
});
