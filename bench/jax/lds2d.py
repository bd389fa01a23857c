"""2D linear system peer of native/models/lds2d.h: the principal eigenvalue of A/τ in closed form, so there is no
path to integrate (on either side) and the benchmark counts parameter sets, not path-steps."""
import math

import jax.numpy as jnp

STATS_NEED_PATH = False
NOISE_PER_STEP = 0


def steps(opt):
    return int(opt["steps"])


def path_stats(z, xi, opt):
    inv_tau = 1.0 / opt["tau"]
    tr = (z[0] + z[3]) * inv_tau
    det = (z[0] * z[3] - z[1] * z[2]) * inv_tau**2
    disc = tr * tr - 4.0 * det
    root = jnp.sqrt(jnp.abs(disc))  # √disc when real, Im √disc when disc < 0
    real = 0.5 * tr + jnp.where(disc >= 0, 0.5 * root, 0.0)
    freq = jnp.where(disc >= 0, 0.0, root * (0.25 / math.pi))
    return jnp.stack([real, freq])
