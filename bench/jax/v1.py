"""V1 stochastic SSN peer of native/models/v1.h (epi-reference.md §4.4), written the way a JAX user would: Euler steps
of τ dx/dt = −x + [Wx + h + s·ε]²₊ and the OU input noise τ_n dε = −ε dt + √(2τ_n) σ̃ dB under lax.scan, rates capped
after every step, x(0) ~ U[10, 25] Hz, ε(0) = 0; statistic s_E = the population standard deviation of x_E over the
last window + 1 samples."""
import jax
import jax.numpy as jnp
from jax import lax

STATS_NEED_PATH = True
NOISE_PER_STEP = 4

# Table scale (Hz), rows and columns E, P, S, V.
W = jnp.array([[0.218, -0.119, -0.0594, -0.0229],
               [0.166, -0.0651, -0.068, -0.0242],
               [0.0895, -5.22e-4, -1.51e-5, -0.0761],
               [0.334, -0.231, -0.0254, -2.52e-5]])
H_B = jnp.array([4.16, 4.29, 4.91, 4.86])
H_C = jnp.array([3.59, 4.03, 0.0, 0.0])


def steps(opt):
    return int(opt["steps"])


def draws(opt):
    return {"u0": {"stream": "initial", "kind": "uniforms", "steps": 1, "n": 4}}


def path_stats(z, xi, opt, u0):
    dt, tau, tau_n = opt["dt"], opt["tau"], opt["tauNoise"]
    h = H_B + opt["contrast"] * H_C
    kick = jnp.sqrt(1.0 + tau / tau_n) * jnp.sqrt(2.0 * dt / tau_n) * z  # σ̃ √(2 dt/τ_n)

    def step(state, noise):
        x, eps = state
        r = jax.nn.relu(W @ x + h + opt["noiseScale"] * eps)
        x = x + dt / tau * (r * r - x)
        x = jnp.where(x > opt["rateCap"], opt["rateCap"], x)
        eps = eps * (1.0 - dt / tau_n) + kick * noise
        return (x, eps), x[0]

    x0 = (10.0 + 15.0 * u0[0]).astype(z.dtype)
    _, x_e = lax.scan(step, (x0, jnp.zeros_like(x0)), xi)
    x_e = jnp.concatenate([x0[:1], x_e])
    return jnp.std(x_e[max(steps(opt) - int(opt["window"]), 0):])[None]
