"""STG peer of native/models/stg.h (epi-reference.md §4.2), written the way a JAX user would: the 15-dimensional
forward Euler step under lax.scan, then EPI's frequency estimator for all five neurons — ReLU, 'VALID' moving
average (a convolution), centring, DFT magnitudes on the 0..fMax grid by a matrix product, soft-argmax. Statistics
in sloppy's order [hub, f1, f2, s1, s2]."""
import math

import jax
import jax.numpy as jnp
from jax import lax

STATS_NEED_PATH = True
NOISE_PER_STEP = 5

C = 1e-9
G_LEAK = 1e-10
V_LEAK, V_CA, V_K, V_H, V_SYN = -40e-3, 100e-3, -80e-3, -20e-3, -75e-3
V1, V2, V3, V4, V5, V6, V7, V8, V9, V_TH = 0.0, 20e-3, 0.0, 15e-3, 78.3e-3, 10.5e-3, -42.2e-3, 87.3e-3, 5e-3, -25e-3
PHI_N = 2.0
# Neuron order f1, f2, hub, s1, s2 (S).
G_CA = jnp.array([1.9e-8, 1.9e-8, 1.7e-8, 8.5e-9, 8.5e-9])
G_K = jnp.array([3.9e-8, 3.9e-8, 1.9e-8, 1.5e-8, 1.5e-8])
G_H = jnp.array([2.5e-8, 2.5e-8, 8.0e-9, 1.0e-8, 1.0e-8])
X0 = jnp.array([-0.04169771, -0.04319491, 0.00883992, -0.06879824, 0.03048103,
                0.00151316, 0.19784773, 0.56514935, 0.12214069, 0.35290397,
                0.08614699, 0.04938177, 0.05568701, 0.07007949, 0.05790969])
STAT_ORDER = jnp.array([2, 0, 1, 3, 4])  # hub first, as EPI constrains statistic 0


def steps(opt):
    return int(opt["steps"])


def _step(z, opt, state, xi):
    dt = opt["dt"]
    g_el, g_syn_a, g_syn_b = z[0] * 1e-9, z[1] * 1e-9, opt["gSynB"] * 1e-9
    v, n, h = state[:5], state[5:10], state[10:]
    s = jax.nn.sigmoid((v - V_TH) / V9)
    f1, f2, hub, s1, s2 = v
    coupling = jnp.stack([
        g_syn_b * s[1] * (f1 - V_SYN),
        g_el * (f2 - hub) + g_syn_b * s[0] * (f2 - V_SYN),
        g_el * (2.0 * hub - f2 - s2) + g_syn_a * (s[0] + s[3]) * (hub - V_SYN),
        g_syn_b * s[4] * (s1 - V_SYN),
        g_el * (s2 - hub) + g_syn_b * s[3] * (s2 - V_SYN),
    ])
    m_inf = 0.5 * (1.0 + jnp.tanh((v - V1) / V2))
    n_inf = 0.5 * (1.0 + jnp.tanh((v - V3) / V4))
    h_inf = jax.nn.sigmoid(-(v + V5) / V6)
    rate_n = PHI_N * jnp.cosh((v - V3) / (2.0 * V4))
    tau_h = (272.0 + 1499.0 * jax.nn.sigmoid((v - V7) / V8)) * 1e-3
    ionic = G_LEAK * (v - V_LEAK) + G_CA * m_inf * (v - V_CA) + G_K * n * (v - V_K) + G_H * h * (v - V_H)
    v_next = v - (ionic + coupling) * (dt / C) + (opt["sigmaI"] * dt / C) * xi
    n_next = n + rate_n * (n_inf - n) * dt
    h_next = h + (h_inf - h) / tau_h * dt
    new = jnp.concatenate([v_next, n_next, h_next])
    return new, new[:5]


def _frequencies(volts, opt):
    """EPI's soft-argmax frequency of each column of `volts` (samples × neurons)."""
    drop, window, dt, df = int(opt["drop"]), int(opt["window"]), opt["dt"], opt["df"]
    kept = jax.nn.relu(volts[drop:])
    kernel = jnp.full((window,), 1.0 / window)
    filtered = jax.vmap(lambda col: jnp.convolve(col, kernel, mode="valid"), in_axes=1, out_axes=1)(kept)
    centred = filtered - filtered.mean(axis=0)
    freqs = df * jnp.arange(int(round(opt["fMax"] / df)) + 1)
    angle = 2.0 * math.pi * freqs[:, None] * (dt * jnp.arange(centred.shape[0]))[None, :]
    re, im = jnp.cos(angle) @ centred, -jnp.sin(angle) @ centred
    r2 = re * re + im * im
    # |V| with a zero (not NaN) tangent at the origin, where the f = 0 bin of a mean-free signal sits.
    modulus = jnp.where(r2 > 0, jnp.sqrt(jnp.where(r2 > 0, r2, 1.0)), 0.0)
    weights = jax.nn.softmax(opt["beta"] * modulus, axis=0)
    return freqs @ weights


def path_stats(z, xi, opt):
    x0 = X0.astype(z.dtype)
    _, volts = lax.scan(lambda state, noise: _step(z, opt, state, noise), x0, xi)
    volts = jnp.concatenate([x0[None, :5], volts])
    return _frequencies(volts, opt)[STAT_ORDER]
