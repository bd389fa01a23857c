import { models, statistics, simulate } from '../../lib';
import { centralDifferences } from '../helpers/finite-differences';

// Eigenmodes of the symmetric SC connectivity in code order [LP, LA, RA, RP]: λ = [all, side, task, diag]
// are the eigenvalues of W(z) for the eigenvectors below, and z = ¼ B λ with B the same ±1 table.
const B = [
  [1, 1, 1, 1],
  [1, 1, -1, -1],
  [1, -1, -1, 1],
  [1, -1, 1, -1],
];
const zFromModes = (lambda: number[]) => B.map((row) => 0.25 * row.reduce((s, b, j) => s + b * lambda[j], 0));
const connectivity = (z: number[]) => [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => z[i ^ j]));

const DEFAULTS = {
  dt: 0.024, tau: 0.09, sigma: 0.2, a: 0.05, b: 0.5, gamma: 0, optoStart: 0.8, optoEnd: 1.2, initSign: -1,
  initNoise: 0.005, constant: 0.75, proBias: 0.5, rule: 0.6, choice: 0.25, light: 0.5,
};

/**
 * The noiseless trial written out from the equations of epi-reference §4.5, independently of the native
 * code: u += (dt/τ)(−u + W x + I(t_{n+1})), x = (1 − γ·[opto window]) φ(u), x₀ = 0.1 exactly.
 */
function noiselessTrial(z: number[], pro: boolean, o: typeof DEFAULTS) {
  const W = connectivity(z);
  const samples = Math.ceil(1.8 / o.dt);
  const phi = (u: number) => 0.5 * Math.tanh((u - o.a) / o.b) + 0.5;
  const gain = (t: number) => (t >= o.optoStart && t <= o.optoEnd ? 1 - o.gamma : 1);
  const input = (t: number) => {
    const I = [o.constant + o.proBias, o.constant, o.constant, o.constant + o.proBias];
    const ruled = pro ? [0, 3] : [1, 2];
    if (t < 1.2) for (const k of ruled) I[k] += o.rule;
    if (t > 1.2) for (let k = 0; k < 4; ++k) I[k] += o.choice;
    if (t > 1.2 && t < 1.5) for (const k of [0, 1]) I[k] += o.light;
    return I;
  };
  let x = [0.1, 0.1, 0.1, 0.1];
  let u = x.map((v) => o.b * Math.atanh(2 * v - 1) + o.initSign * o.a);
  const us = [u];
  for (let n = 1; n < samples; ++n) {
    const I = input(n * o.dt);
    u = u.map((ui, i) => ui + (o.dt / o.tau) * (-ui + W[i].reduce((s, w, j) => s + w * x[j], 0) + I[i]));
    x = u.map((ui) => gain(n * o.dt) * phi(ui));
    us.push(u);
  }
  const choiceLeft = 1 / (1 + Math.exp(-100 * (x[0] - x[3])));
  return { us, accuracy: pro ? choiceLeft : 1 - choiceLeft };
}

describe('sc', () => {
  it('describes the Pro/Anti circuit: parameters, statistics, state and options', () => {
    const m = models.get('sc');
    expect(m.params.map((p) => [p.name, p.lower, p.upper])).toEqual([
      ['sW', -5, 5], ['vW', -5, 5], ['dW', -5, 5], ['hW', -5, 5],
    ]);
    expect(m.stats).toEqual(['pro', 'anti']);
    const pops = ['LP', 'LA', 'RA', 'RP'];
    expect(m.state).toEqual([...pops.map((p) => `uPro_${p}`), ...pops.map((p) => `uAnti_${p}`)]);
    // The initial state is unset (NaN) by default: drawn as in the reference code.
    expect(Object.fromEntries(m.options.map((o) => [o.name, o.value]))).toEqual({
      ...DEFAULTS, ...Object.fromEntries(m.state.map((name) => [`${name}_0`, NaN])),
    });
  });

  it('matches an independent TypeScript Euler recursion of the noiseless dynamics to 1e-10', async () => {
    const cases: [number[], Partial<typeof DEFAULTS>][] = [
      [zFromModes([-5, 0, 2.5, 2.5]), {}],
      [[1.3, -0.7, 2.1, -4.2], { initSign: 1 }],
      [zFromModes([-5, 1, 0, 0]), { gamma: 0.675 }],
      [[-2, 3, -1, 0.5], { dt: 0.01, tau: 0.05, light: 0.8 }],
    ];
    for (const [z, extra] of cases) {
      const options = { ...DEFAULTS, ...extra, sigma: 0, initNoise: 0 };
      const r = await simulate('sc', [z], { trials: 1, seed: 1, device: 'cpu', options, trajectories: { stride: 1 } });
      const pro = noiselessTrial(z, true, options);
      const anti = noiselessTrial(z, false, options);
      expect(r.shape.recorded).toBe(pro.us.length);
      const traj = r.trajectories!;
      for (let n = 0; n < pro.us.length; ++n) {
        for (let k = 0; k < 4; ++k) {
          // Same operations in a different order: agreement to ~1e-14; u is O(1).
          expect(Math.abs(traj[n * 8 + k] - pro.us[n][k])).toBeLessThan(1e-10);
          expect(Math.abs(traj[n * 8 + 4 + k] - anti.us[n][k])).toBeLessThan(1e-10);
        }
      }
      expect(Math.abs(r.stats[0] - pro.accuracy)).toBeLessThan(1e-10);
      expect(Math.abs(r.stats[1] - anti.accuracy)).toBeLessThan(1e-10);
    }
    // The reference grid: 75 samples on arange(0, 1.8, 0.024).
    expect(noiselessTrial([0, 0, 0, 0], true, DEFAULTS).us.length).toBe(75);
  });

  it('gives pathwise gradients equal to central finite differences with the same noise', async () => {
    const z = zFromModes([-5, 0, 2.5, 2.5]);
    const opts = { trials: 20, seed: 11, device: 'cpu' as const, options: { gamma: 0.675 } };
    const r = await statistics('sc', [z], { ...opts, grad: true });
    const fd = await centralDifferences('sc', z, 1e-6, opts);
    // The central-difference error scales as h² (measured relative 2.6e-4, 2.6e-6, 2.6e-8 at h = 1e-4,
    // 1e-5, 1e-6 here); roundoff ε/h ≈ 2e-10. 1e-6 relative leaves a 40× margin.
    fd.forEach((expected, k) => expect(Math.abs(r.grad![k] - expected)).toBeLessThan(1e-6 * Math.max(1, Math.abs(expected))));
  });

  it('has the eigenmodes z = ¼Bλ, and without a task mode follows the light in both tasks', async () => {
    const lambda = [-5, 1.5, 0.75, -2];
    const W = connectivity(zFromModes(lambda));
    B.forEach((e, mode) => {
      W.forEach((row, i) => expect(row.reduce((s, w, j) => s + w * e[j], 0)).toBeCloseTo(lambda[mode] * e[i], 12));
    });
    // λ_all = −5 keeps the populations off saturation (at λ_all = 0 the 1.85–2.6 inputs pin every x near 1
    // and both accuracies sit at 0.5 ± 0.01). A side mode (left vs right) then amplifies the left light, but
    // with λ_task = λ_diag = 0 nothing holds the rule through the delay, so the Anti trial also goes left:
    // Pro accuracy high, Anti accuracy low. Measured (200 trials, seed 1): λ_side = 0: 0.542 / 0.459;
    // λ_side = 1: 0.968 / 0.011. With 200 trials the standard error is ≤ 0.035, so the bounds are > 4 SE away.
    const opts = { trials: 200, seed: 1, device: 'cpu' as const };
    const noSide = await statistics('sc', [zFromModes([-5, 0, 0, 0])], opts);
    const side = await statistics('sc', [zFromModes([-5, 1, 0, 0])], opts);
    expect(Math.abs(noSide.stats[0] - 0.5)).toBeLessThan(0.15);
    expect(side.stats[0]).toBeGreaterThan(0.9);
    expect(side.stats[1]).toBeLessThan(0.1);
    // Trading the side mode for task and diagonal modes gives the rule a memory: both accuracies ≈ 0.88.
    const task = await statistics('sc', [zFromModes([-5, 0, 2.5, 2.5])], opts);
    expect(task.stats[0]).toBeGreaterThan(0.75);
    expect(task.stats[1]).toBeGreaterThan(0.75);
  });

  it('loses Anti but not Pro accuracy under optogenetic silencing in the delay period', async () => {
    // At λ = (−5, 0, 2.5, 2.5): measured (200 trials, seed 1) Pro / Anti = 0.880 / 0.880 at γ = 0,
    // 0.872 / 0.182 at γ = 0.675 and 0.884 / 0.0925 at γ = 0.85. Same noise in every run (common random
    // numbers); the per-trial accuracies are near 0 or 1, so a 200-trial mean has SE ≤ 0.035.
    const z = zFromModes([-5, 0, 2.5, 2.5]);
    const run = (gamma: number) => statistics('sc', [z], { trials: 200, seed: 1, device: 'cpu', options: { gamma } });
    const [off, on, strong] = await Promise.all([run(0), run(0.675), run(0.85)]);
    expect(off.stats[1]).toBeGreaterThan(0.8);
    expect(on.stats[1]).toBeLessThan(0.3);
    expect(strong.stats[1]).toBeLessThan(on.stats[1]);
    expect(Math.abs(on.stats[0] - off.stats[0])).toBeLessThan(0.05);
  });
});
