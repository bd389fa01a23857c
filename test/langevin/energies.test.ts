import { curvedDoubleWell, mullerBrown } from '../../lib/landscape/energies';
import { Energy } from '../../lib/landscape/energy';
import { curvedDoubleWellEnergy, hessianAt, mullerBrownEnergy } from '../../lib/langevin';

// The native built-ins against the landscape's TypeScript surfaces (written separately, with Math.exp), and
// their closed-form Hessians against central differences of the gradient.
const POINTS = [[-0.558, 1.442], [0.212, 0.293], [-0.822, 0.624], [0.3, -0.2], [-1.2, 0.9], [1, 0], [0, 0.5]];

function relative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < a.length; ++i) w = Math.max(w, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return w;
}

test.each([
  ['Müller–Brown', mullerBrownEnergy(), mullerBrown()],
  ['curved double well', curvedDoubleWellEnergy(), curvedDoubleWell()],
])('the native %s is the landscape surface, with an exact Hessian', async (_name, builtin, reference) => {
  const points = Float64Array.from(POINTS.flat());
  const ours = await builtin.evaluate(points, POINTS.length);
  const theirs = await reference.evaluate(points, POINTS.length);
  expect(relative(ours.energy, theirs.energy)).toBeLessThan(1e-13);
  expect(relative(ours.gradient, theirs.gradient)).toBeLessThan(1e-13);
  // Hidden behind a plain Energy, hessianAt differentiates the gradient numerically (error O(h²)).
  const plain: Energy = { dim: 2, evaluate: (p, n, s) => builtin.evaluate(p, n, s) };
  for (const p of POINTS) {
    const exact = await builtin.hessian(p);
    const numeric = await hessianAt(plain, p, { step: 1e-5 });
    const scale = Math.max(...Array.from(exact, Math.abs));
    for (let k = 0; k < 4; ++k) expect(Math.abs(exact[k] - numeric[k])).toBeLessThan(1e-6 * scale);
  }
});
