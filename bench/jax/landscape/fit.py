"""The JAX peer of sloppy's batched network fits, written as a user would: the 5 × 5 MLP as a function of one
parameter vector (PyTorch's layout, sloppy's), its MSE on the full batch, jax.grad, the optimizer step, jax.vmap
over networks, lax.fori_loop over steps and jax.jit around it all.

Reads one JSON job on stdin, prints one JSON object:
  {"init": path to a .npy of count × 136 starting weights, "x", "y": lists, "steps", "optimizer", "dtype",
   "reps"} -> {"compile_s" (first run, compile included), "seconds" (best timed run), "loss" (final losses)}
"""
import json
import sys
import time

import numpy as np

job = json.load(sys.stdin)
import jax  # noqa: E402

if job["dtype"] == "float64":
    jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402

K, N = 5, 5
dtype = jnp.float64 if job["dtype"] == "float64" else jnp.float32
x = jnp.asarray(job["x"], dtype=dtype)
y = jnp.asarray(job["y"], dtype=dtype)


def unflatten(w):
    layers, o = [], 0
    widths = [1] + [N] * K + [1]
    for l in range(K + 1):
        nin, nout = widths[l], widths[l + 1]
        W = w[o:o + nout * nin].reshape(nout, nin)
        o += nout * nin
        b = w[o:o + nout]
        o += nout
        layers.append((W, b))
    return layers


def loss(w):
    a = x[:, None]
    layers = unflatten(w)
    for W, b in layers[:-1]:
        a = jax.nn.relu(a @ W.T + b)
    W, b = layers[-1]
    return jnp.mean(((a @ W.T + b)[:, 0] - y) ** 2)


grad = jax.grad(loss)


RHO = 0.95


def momentum_step(state):
    w, v, _ = state
    v = 0.9 * v - 0.01 * grad(w)
    return w + v, v, v


def adadelta_step(state):
    w, eg, ed = state
    g = grad(w)
    eg = RHO * eg + (1 - RHO) * g * g
    d = jnp.sqrt(ed + 1e-7) / jnp.sqrt(eg + 1e-7) * g
    ed = RHO * ed + (1 - RHO) * d * d
    return w - d, eg, ed


step = momentum_step if job["optimizer"] == "momentum" else adadelta_step
steps = job["steps"]


@jax.jit
def fit(w0):
    def one(w):
        z = jnp.zeros_like(w)
        w, _, _ = jax.lax.fori_loop(0, steps, lambda _, s: step(s), (w, z, z))
        return w, loss(w)

    return jax.vmap(one)(w0)


# Backprop through vmap keeps every network's activations at all 320 points: beyond ~20 000 networks in
# float64 that exceeds this machine's memory, so larger ensembles run in equal chunks, as a user would.
CHUNK = 20000
w0 = jnp.asarray(np.load(job["init"]), dtype=dtype)
chunks = [w0[i:i + CHUNK] for i in range(0, w0.shape[0], CHUNK)]


def run_all():
    return np.concatenate([np.asarray(jax.block_until_ready(fit(c))[1]) for c in chunks])


t = time.perf_counter()
first = run_all()
compile_s = time.perf_counter() - t
best = float("inf")
for _ in range(job["reps"]):
    t = time.perf_counter()
    run_all()
    best = min(best, time.perf_counter() - t)
print(json.dumps({"compile_s": compile_s, "seconds": best, "loss": np.asarray(first, dtype=np.float64).tolist()}))
