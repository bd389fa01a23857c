"""Ornstein–Uhlenbeck peer of native/models/ou.h: Euler–Maruyama x += θ(μ − x)dt + σ√dt ξ, statistics [x(T), x(T)²]."""
import jax.numpy as jnp
from jax import lax

STATS_NEED_PATH = True
NOISE_PER_STEP = 1


def steps(opt):
    return int(opt["steps"])


def path_stats(z, xi, opt):
    theta, mu, sigma = z[0], z[1], z[2]
    dt = opt["dt"]

    def step(x, noise):
        return x + theta * (mu - x) * dt + sigma * (jnp.sqrt(dt) * noise[0]), None

    x, _ = lax.scan(step, jnp.asarray(opt["x0"], dtype=z.dtype), xi)
    return jnp.stack([x, x * x])
