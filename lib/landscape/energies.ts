/**
 * Built-in two-dimensional surfaces with known minima and saddles, for validating path methods before trusting
 * them on a 136-dimensional loss, where nothing is known.
 * @packageDocumentation
 */
import { SloppyError } from '../errors';
import { Energy } from './energy';

type PointEnergy = (x: number, y: number, grad: Float64Array, at: number) => number;

function planar(point: PointEnergy): Energy {
  return {
    dim: 2,
    async evaluate(points, count, signal) {
      if (signal?.aborted) throw new SloppyError('ABORT_ERR', 'the energy evaluation was aborted');
      const energy = new Float64Array(count);
      const gradient = new Float64Array(2 * count);
      for (let i = 0; i < count; ++i) energy[i] = point(points[2 * i], points[2 * i + 1], gradient, 2 * i);
      return { energy, gradient };
    },
  };
}

// Müller & Brown, Theor. Chim. Acta 53, 75 (1979): four Gaussians A·exp(a(x−x₀)² + b(x−x₀)(y−y₀) + c(y−y₀)²).
const MB = {
  A: [-200, -100, -170, 15],
  a: [-1, -1, -6.5, 0.7],
  b: [0, 0, 11, 0.6],
  c: [-10, -10, -6.5, 0.7],
  x0: [1, 0, -0.5, -1],
  y0: [0, 0.5, 1.5, 1],
};

/**
 * The Müller–Brown surface with its standard constants. Minima near (−0.558, 1.442), (0.623, 0.028) and
 * (−0.050, 0.467); the path between the first two crosses the saddle (−0.8220015587, 0.6243128028) at
 * V = −40.66484351, the highest point of the minimum-energy path.
 */
export function mullerBrown(): Energy {
  return planar((x, y, grad, at) => {
    let v = 0;
    let gx = 0;
    let gy = 0;
    for (let k = 0; k < 4; ++k) {
      const dx = x - MB.x0[k];
      const dy = y - MB.y0[k];
      const term = MB.A[k] * Math.exp(MB.a[k] * dx * dx + MB.b[k] * dx * dy + MB.c[k] * dy * dy);
      v += term;
      gx += term * (2 * MB.a[k] * dx + MB.b[k] * dy);
      gy += term * (MB.b[k] * dx + 2 * MB.c[k] * dy);
    }
    grad[at] = gx;
    grad[at + 1] = gy;
    return v;
  });
}

/**
 * The curved double well V = (x² − 1)² + 4(y − (1 − x²)/2)²: minima (±1, 0) at V = 0, saddle (0, 0.5) at V = 1.
 * Its valley floor is the parabola y = (1 − x²)/2, but the minimum-energy path (steepest descent from the
 * saddle) is not: the valley is too soft across (curvature 8) to hold the path on the floor where it bends,
 * and the path strays from the parabola by up to 0.066 near x = ±0.71.
 */
export function curvedDoubleWell(): Energy {
  return planar((x, y, grad, at) => {
    const u = y - (1 - x * x) / 2;
    grad[at] = 4 * x * (x * x - 1) + 8 * u * x;
    grad[at + 1] = 8 * u;
    return (x * x - 1) ** 2 + 4 * u * u;
  });
}
