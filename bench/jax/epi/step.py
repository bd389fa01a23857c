"""One EPI training step (Bittner et al. 2021, Algorithm 1, inner loop) as a JAX user would write it: draw base
noise, push it through the flow (vmap over samples), simulate each sample with the model's peer (its own noise drawn
with jax.random), build T and R, take jax.grad of a surrogate loss — reverse mode through the whole simulation — and
an Adam step, all under one jax.jit.

The surrogate's gradient is the augmented-Lagrangian gradient of sloppy's native/epi/trainer.cc:
  ∇θ[ mean log q + ηᵀ mean T ] + c·J_{R₁}ᵀ R₂,
with R₁ (differentiated) from the first half of the batch and R₂ (held constant) from the second, which makes the
penalty's gradient unbiased.
"""
import jax
import jax.numpy as jnp
from jax import lax

from . import flow

# Adam as TensorFlow defines it (ε outside the bias-corrected root), as sloppy and the reference code use.
LR, BETA1, BETA2, EPS = 1e-3, 0.9, 0.999, 1e-7


def adam_init(params):
    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    return {"m": zeros, "v": zeros, "t": jnp.zeros((), jnp.int32)}


def adam_update(grads, state, params):
    t = state["t"] + 1
    m = jax.tree_util.tree_map(lambda m, g: BETA1 * m + (1 - BETA1) * g, state["m"], grads)
    v = jax.tree_util.tree_map(lambda v, g: BETA2 * v + (1 - BETA2) * g * g, state["v"], grads)
    tf = t.astype(jnp.float64)
    lr_t = LR * jnp.sqrt(1 - BETA2 ** tf) / (1 - BETA1 ** tf)
    params = jax.tree_util.tree_map(lambda p, m, v: p - lr_t * m / (jnp.sqrt(v) + EPS), params, m, v)
    return params, {"m": m, "v": v, "t": t}


def make_loss(setup, statistics):
    """(params, x, key, η, c) -> (surrogate, [H, cost, R…]). statistics(key, z) -> batch × all statistics."""
    idx, mean = jnp.asarray(setup["stats"]), jnp.asarray(setup["mean"])
    mu = jnp.concatenate([mean, jnp.asarray(setup["variance"])])

    def push(params, x):
        return jax.vmap(lambda xi: flow.forward(params, xi, setup["shape"], setup["perm"], setup["lower"],
                                                setup["upper"]))(x)

    def loss(params, x, key, eta, c):
        z, log_q = push(params, x)
        s = statistics(key, z)[:, idx]
        T = jnp.concatenate([s, (s - mean) ** 2], axis=1)
        half = x.shape[0] // 2
        mean_t = T.mean(axis=0)
        r = mean_t - mu
        r2 = T[half:].mean(axis=0) - mu
        surrogate = log_q.mean() + eta @ mean_t + c * lax.stop_gradient(r2) @ T[:half].mean(axis=0)
        entropy = -log_q.mean()
        cost = -entropy + eta @ r + 0.5 * c * (r @ r)
        return surrogate, jnp.concatenate([jnp.stack([entropy, cost]), r])

    return loss, push


def make_step(setup, statistics, seed):
    """The jitted training step (params, adam, η, c) -> (params, adam, [H, cost, R…]); its noise is keyed by Adam's
    step count, so every iteration draws fresh base noise and fresh simulation noise."""
    loss, _ = make_loss(setup, statistics)
    base = jax.random.key(seed)
    batch, dim = setup["batch"], setup["shape"].dim

    @jax.jit
    def step(params, adam, eta, c):
        key_x, key_sim = jax.random.split(jax.random.fold_in(base, adam["t"]))
        x = jax.random.normal(key_x, (batch, dim), dtype=jnp.float64)
        grads, log_row = jax.grad(loss, has_aux=True)(params, x, key_sim, eta, c)
        params, adam = adam_update(grads, adam, params)
        return params, adam, log_row

    return step
