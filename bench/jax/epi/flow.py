"""Real NVP flow of native/flow/layout.h, written the way a JAX user would: a pytree of weights, a per-sample forward
pass (vmapped by the caller), and converters to and from sloppy's flat weight vector, so that both sides start from
the same weights and their gradients can be compared entry by entry.

  x ~ N(0, I_D) → coupling₁ → [LU permutation → coupling]… → post-affine → sigmoid onto [lb, ub] → z

The pytree holds what is trainable: per stage its MLP layers as (W: out × in, b); a D×D matrix per permutation
between stages (strict lower part = L with a unit diagonal, upper part with diagonal = U); the post-affine (a, b).
Its entries are sloppy's flat vector's, in the same order.
"""
import math

import jax
import jax.numpy as jnp

LOG_2PI = math.log(2.0 * math.pi)


class Shape:
    """Architecture sizes, as native/flow/layout.h computes them."""

    def __init__(self, dim, stages, layers, units, post_affine):
        self.dim, self.stages, self.layers, self.units, self.post_affine = dim, stages, layers, units, post_affine
        self.d1 = dim // 2
        self.d2 = dim - self.d1

    def layer_sizes(self):
        """(out, in) of each MLP layer, the linear output last."""
        sizes, n_in = [], self.d1
        for layer in range(self.layers + 1):
            n_out = 2 * self.d2 if layer == self.layers else self.units
            sizes.append((n_out, n_in))
            n_in = n_out
        return sizes


def from_flat(w, shape):
    """sloppy's flat weight vector → the pytree."""
    params, off = {"mlp": [], "lu": []}, 0

    def take(n, dims):
        nonlocal off
        block = jnp.asarray(w[off:off + n]).reshape(dims)
        off += n
        return block

    for stage in range(shape.stages):
        params["mlp"].append([(take(o * i, (o, i)), take(o, (o,))) for o, i in shape.layer_sizes()])
        if stage < shape.stages - 1:
            params["lu"].append(take(shape.dim * shape.dim, (shape.dim, shape.dim)))
    if shape.post_affine:
        params["affine"] = (take(shape.dim, (shape.dim,)), take(shape.dim, (shape.dim,)))
    return params


def to_flat(params, shape):
    """The pytree → sloppy's flat layout (for comparing gradients)."""
    pieces = []
    for stage in range(shape.stages):
        for w, b in params["mlp"][stage]:
            pieces += [w.ravel(), b]
        if stage < shape.stages - 1:
            pieces.append(params["lu"][stage].ravel())
    if shape.post_affine:
        pieces += list(params["affine"])
    return jnp.concatenate(pieces)


def count(params):
    return sum(leaf.size for leaf in jax.tree_util.tree_leaves(params))


def _mlp(layers, x):
    for w, b in layers[:-1]:
        x = jax.nn.relu(w @ x + b)
    w, b = layers[-1]
    return w @ x + b


def forward(params, x, shape, perm, lower, upper):
    """One sample: z = flow(x) and log q(z). perm[s] is the fixed permutation after stage s (y = (L·U·h)[perm])."""
    d1, d2 = shape.d1, shape.d2
    h, log_det = x, 0.0
    for stage in range(shape.stages):
        out = _mlp(params["mlp"][stage], h[:d1])
        shift, log_scale = out[:d2], out[d2:]
        h = jnp.concatenate([h[:d1], h[d1:] * jnp.exp(log_scale) + shift])
        log_det += log_scale.sum()
        if stage < shape.stages - 1:
            m = params["lu"][stage]
            lower_unit = jnp.tril(m, -1) + jnp.eye(shape.dim)
            h = (lower_unit @ (jnp.triu(m) @ h))[perm[stage]]
            log_det += jnp.log(jnp.abs(jnp.diag(m))).sum()
    if shape.post_affine:
        a, b = params["affine"]
        h = a * h + b
        log_det += jnp.log(jnp.abs(a)).sum()
    z = lower + (upper - lower) * jax.nn.sigmoid(h)
    log_det += (jnp.log(upper - lower) + jax.nn.log_sigmoid(h) + jax.nn.log_sigmoid(-h)).sum()
    log_q = -0.5 * (x @ x) - 0.5 * shape.dim * LOG_2PI - log_det
    return z, log_q
