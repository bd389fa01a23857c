"""Rank-2 RNN peer of native/models/rnn2.h (epi-reference.md §4.3), written the way a JAX user would: build the full N×N
W = U'V'ᵀ from U' = U + gχ, V' = V + gχ', then Re λ₁ of the 2×2 reduced matrix V'ᵀU' + eps·I in closed form with a
complex square root (as the reference code computes it) and λˢ₁ = max eigvalsh((W + Wᵀ)/2) on the full matrix. No
path is integrated (on either side), so the benchmark counts parameter sets."""
import jax.numpy as jnp

STATS_NEED_PATH = False
NOISE_PER_STEP = 0
# 400 parameters and 2 statistics: a JAX user takes reverse mode here.
GRAD_MODE = "reverse"


def steps(opt):
    return 0


def draws(opt):
    # Row i of [χ χ'] is what sloppy draws at step i of its quenched stream.
    return {"chi": {"stream": "quenched", "kind": "normals", "steps": int(opt["N"]), "n": 4}}


def path_stats(z, xi, opt, chi):
    n = int(opt["N"])
    u = z[: 2 * n].reshape(n, 2) + opt["g"] * chi[:, :2]
    v = z[2 * n:].reshape(n, 2) + opt["g"] * chi[:, 2:]
    reduced = v.T @ u + opt["eps"] * jnp.eye(2)
    tr = jnp.trace(reduced)
    disc = tr * tr - 4.0 * (reduced[0, 0] * reduced[1, 1] - reduced[0, 1] * reduced[1, 0])
    real_lambda1 = 0.5 * (tr + jnp.real(jnp.sqrt(disc.astype(jnp.complex128))))
    w = u @ v.T
    sym_lambda1 = jnp.linalg.eigvalsh(0.5 * (w + w.T))[-1]
    return jnp.stack([real_lambda1, sym_lambda1])
