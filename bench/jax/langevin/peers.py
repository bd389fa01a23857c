"""Peers of sloppy's Langevin engine, written as a user would: Euler-Maruyama steps of
dθ = -∇U dt + sqrt(2T dt)·ξ over all paths at once, in float64.

  numpy: Müller-Brown's gradient as array expressions over a paths × 2 array, numpy's normals.
  jax:   the energy as a function of one point, jax.grad, jax.vmap over paths, lax.fori_loop over steps,
         jax.random normals, jax.jit around it all (Müller-Brown, or the 5 × 5 MLP's MSE on the teacher data).

Reads one JSON job on stdin, prints one JSON object:
  {"peer": "numpy" | "jax", "energy": "muller-brown" | "network", "paths", "steps", "T", "dt", "start": list,
   "x", "y" (network data)} -> {"seconds" (timed run), "compile_s" (JAX), "mean": mean final position}
"""
import json
import sys
import time

import numpy as np

job = json.load(sys.stdin)
P, S, T, dt = job["paths"], job["steps"], job["T"], job["dt"]
noise = np.sqrt(2 * T * dt)
MB = dict(A=[-200, -100, -170, 15], a=[-1, -1, -6.5, 0.7], b=[0, 0, 11, 0.6], c=[-10, -10, -6.5, 0.7],
          x0=[1, 0, -0.5, -1], y0=[0, 0.5, 1.5, 1])


def numpy_run():
    rng = np.random.default_rng(0)
    th = np.tile(np.asarray(job["start"], dtype=np.float64), (P, 1))
    t0 = time.perf_counter()
    for _ in range(S):
        x, y = th[:, 0], th[:, 1]
        gx = np.zeros(P)
        gy = np.zeros(P)
        for k in range(4):
            dx, dy = x - MB["x0"][k], y - MB["y0"][k]
            term = MB["A"][k] * np.exp(MB["a"][k] * dx * dx + MB["b"][k] * dx * dy + MB["c"][k] * dy * dy)
            gx += term * (2 * MB["a"][k] * dx + MB["b"][k] * dy)
            gy += term * (MB["b"][k] * dx + 2 * MB["c"][k] * dy)
        th = th - dt * np.stack([gx, gy], axis=1) + noise * rng.standard_normal((P, 2))
    return time.perf_counter() - t0, None, th


def jax_run():
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    if job["energy"] == "muller-brown":
        A, a, b, c = (jnp.asarray(MB[k], dtype=jnp.float64) for k in "Aabc")
        x0, y0 = jnp.asarray(MB["x0"], dtype=jnp.float64), jnp.asarray(MB["y0"], dtype=jnp.float64)

        def energy(p):
            dx, dy = p[0] - x0, p[1] - y0
            return jnp.sum(A * jnp.exp(a * dx * dx + b * dx * dy + c * dy * dy))
    else:
        xs = jnp.asarray(job["x"], dtype=jnp.float64)
        ys = jnp.asarray(job["y"], dtype=jnp.float64)
        K, N = 5, 5
        widths = [1] + [N] * K + [1]

        def energy(w):
            a_, o = xs[:, None], 0
            for l in range(K + 1):
                nin, nout = widths[l], widths[l + 1]
                W = w[o:o + nout * nin].reshape(nout, nin)
                o += nout * nin
                bias = w[o:o + nout]
                o += nout
                a_ = a_ @ W.T + bias
                if l < K:
                    a_ = jax.nn.relu(a_)
            return jnp.mean((a_[:, 0] - ys) ** 2)

    grad = jax.vmap(jax.grad(energy))

    @jax.jit
    def run(th, key):
        def body(_, state):
            th, key = state
            key, sub = jax.random.split(key)
            return th - dt * grad(th) + noise * jax.random.normal(sub, th.shape, dtype=jnp.float64), key
        return jax.lax.fori_loop(0, S, body, (th, key))[0]

    th = jnp.tile(jnp.asarray(job["start"], dtype=jnp.float64), (P, 1))
    key = jax.random.PRNGKey(0)
    t0 = time.perf_counter()
    run(th, key).block_until_ready()
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    out = run(th, jax.random.PRNGKey(1)).block_until_ready()
    seconds = time.perf_counter() - t0
    return seconds, first - seconds, np.asarray(out)


seconds, compile_s, th = numpy_run() if job["peer"] == "numpy" else jax_run()
print(json.dumps({"seconds": seconds, "compile_s": compile_s, "mean": np.mean(th, axis=0)[:4].tolist()}))
