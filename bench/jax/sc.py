"""Superior-colliculus Pro/Anti peer of native/models/sc.h (epi-reference.md §4.5), written the way a JAX user would:
one Pro and one Anti trial (light left) per path, populations in code order [LP, LA, RA, RP], the reference code's
Euler step u += (dt/τ)(−u + Wx + I(t_{n+1}) + σξ) under lax.scan, x₀ = 0.1 + 0.005ξ₀ used as given for the first step
and u₀ = b·atanh(2x₀ − 1) + initSign·a. Statistics [pro, anti] = Pro and Anti accuracy at the last sample."""
import math

import jax
import jax.numpy as jnp
from jax import lax

STATS_NEED_PATH = True
NOISE_PER_STEP = 8  # [Pro trial's 4 populations, Anti trial's 4]

CUE_END, LIGHT_END, DURATION = 1.2, 1.5, 1.8
LP, LA, RA, RP = 0, 1, 2, 3
# W[i][j] = z[SLOT[i][j]]: rows LP [s v d h], LA [v s h d], RA [d h s v], RP [h d v s].
SLOT = jnp.array([[0, 1, 2, 3], [1, 0, 3, 2], [2, 3, 0, 1], [3, 2, 1, 0]])


def steps(opt):
    return math.ceil(DURATION / opt["dt"]) - 1  # samples t = arange(0, 1.8, dt), one step between each


def draws(opt):
    return {"xi0": {"stream": "initial", "kind": "normals", "steps": 1, "n": 8}}


def _inputs(opt, t):
    """Inputs at times t (samples,) of the Pro and the Anti trial: (samples, 2, 4)."""
    base = jnp.full(4, opt["constant"]).at[jnp.array([LP, RP])].add(opt["proBias"])
    cue = (t < CUE_END)[:, None]
    rule = opt["rule"] * jnp.array([[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 1.0, 0.0]])  # Pro: LP, RP; Anti: LA, RA
    choice = jnp.where(t > CUE_END, opt["choice"], 0.0)[:, None, None]
    light = jnp.where((t > CUE_END) & (t < LIGHT_END), opt["light"], 0.0)[:, None, None] * jnp.array([1.0, 1.0, 0, 0])
    return base + cue[:, :, None] * rule + choice + light


def _rates(opt, u, t):
    gain = jnp.where((t >= opt["optoStart"]) & (t <= opt["optoEnd"]), 1.0 - opt["gamma"], 1.0)
    return gain * (0.5 * jnp.tanh((u - opt["a"]) / opt["b"]) + 0.5)


def path_stats(z, xi, opt, xi0):
    dt = opt["dt"]
    n = steps(opt)
    W = z[SLOT]
    x0 = (0.1 + opt["initNoise"] * xi0[0]).reshape(2, 4)
    u0 = (opt["b"] * jnp.arctanh(2.0 * x0 - 1.0) + opt["initSign"] * opt["a"]).astype(z.dtype)
    t = dt * jnp.arange(n + 1)
    inputs = _inputs(opt, t[1:])

    def step(u, scanned):
        k, inp, noise = scanned
        x = jnp.where(k == 0, x0, _rates(opt, u, k * dt))
        return u + (dt / opt["tau"]) * (x @ W.T - u + inp + opt["sigma"] * noise.reshape(2, 4)), None

    u, _ = lax.scan(step, u0, (jnp.arange(n), inputs, xi))
    x = _rates(opt, u, n * dt)
    pro = jax.nn.sigmoid(100.0 * (x[0, LP] - x[0, RP]))
    anti = 1.0 - jax.nn.sigmoid(100.0 * (x[1, LP] - x[1, RP]))
    return jnp.stack([pro, anti])
