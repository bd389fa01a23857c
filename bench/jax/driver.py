"""Times a JAX peer of a sloppy model and checks it against sloppy's numbers.

Reads one JSON job on stdin and prints one JSON object on stdout:
  {"mode": "versions"}
      -> JAX, jaxlib, numpy and Python versions and JAX's devices.
  {"mode": "describe", "model", "options"}
      -> the peer's step count and noise layout, so bench/run.js can hand it sloppy's own draws for the check.
  {"mode": "check", "model", "options", "z": rows, "xi": rows × steps × noise, "draws": {name: rows × steps × n}}
      -> statistics and forward-mode Jacobians at those rows, on that exact noise.
  {"mode": "time", "model", "options", "zFile", "params", "batch", "grad", "minReps", "minSeconds", "device"}
      -> compile + first run, every timed run and the best, CPU seconds per wall second during the timed runs.
         One case per process, so that bench/run.js can time sloppy and JAX back to back under the same load.

A peer may need random numbers besides the dynamics noise ξ (initial conditions, quenched connectivity noise).
It lists them in draws(opt) -> {name: {"stream", "kind", "steps", "n"}}: which of sloppy's Philox streams
('initial', 'quenched'), 'normals' or 'uniforms', and a steps × n block of them (step s holds the n numbers
sloppy's model draws at counter step s). path_stats then receives each by keyword.

A path is what a JAX user would write: lax.scan over the steps, jax.vmap over parameter sets, jax.jit around the
batch, the noise drawn inside the jitted function with jax.random, and jax.jacfwd (forward mode, like sloppy's
duals) for the gradients. Float64 throughout, as sloppy computes in double.
"""
import importlib
import json
import os
import platform
import resource
import sys
import time

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402  (after x64 is enabled)
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def draws(model, opt):
    return model.draws(opt) if hasattr(model, "draws") else {}


def path_function(model, opt, grad):
    """(z, ξ, draws) -> statistics, or (statistics, ∂statistics/∂z), for one path. Forward mode (jacfwd) unless
    the peer sets GRAD_MODE = "reverse", as a user would for many parameters and few statistics."""
    def stats(z, xi, extra):
        return model.path_stats(z, xi, opt, **extra)

    if not grad:
        return stats

    jacobian = jax.jacrev if getattr(model, "GRAD_MODE", "forward") == "reverse" else jax.jacfwd

    def with_jacobian(z, xi, extra):
        jac, value = jacobian(lambda zz: (stats(zz, xi, extra),) * 2, has_aux=True)(z)
        return value, jac

    return with_jacobian


def noise_shape(model, opt):
    steps = model.steps(opt) if model.STATS_NEED_PATH else 0
    return (steps, model.NOISE_PER_STEP)


def batch_function(model, opt, grad):
    per_path = path_function(model, opt, grad)
    shape = noise_shape(model, opt)
    extra = draws(model, opt)
    sample = {"normals": jax.random.normal, "uniforms": jax.random.uniform}

    def one(key, z):
        keys = jax.random.split(key, 1 + len(extra)) if extra else [key]
        drawn = {name: sample[d["kind"]](k, (d["steps"], d["n"]), dtype=jnp.float64)
                 for k, (name, d) in zip(keys[1:], extra.items())}
        return per_path(z, jax.random.normal(keys[0], shape, dtype=jnp.float64), drawn)

    @jax.jit
    def run(key, z):
        return jax.vmap(one)(jax.random.split(key, z.shape[0]), z)

    return run


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def block(result):
    return jax.tree_util.tree_map(lambda a: a.block_until_ready(), result)


def time_case(model, job):
    device = jax.devices(job["device"])[0]
    rows = np.fromfile(job["zFile"], dtype=np.float64).reshape(-1, job["params"])[: job["batch"]]
    z = jax.device_put(jnp.asarray(rows), device)
    run = batch_function(model, job["options"], job["grad"])
    key = jax.random.key(1)
    start = time.perf_counter()
    block(run(key, z))  # compiles
    first = time.perf_counter() - start
    times = []
    cpu0 = cpu_seconds()
    while len(times) < job["minReps"] or sum(times) < job["minSeconds"]:
        start = time.perf_counter()
        block(run(key, z))
        times.append(time.perf_counter() - start)
    return {"compileAndFirst": first, "times": times, "best": min(times), "coresUsed": (cpu_seconds() - cpu0) / sum(times)}


def check(model, job):
    run = jax.jit(jax.vmap(path_function(model, job["options"], True)))
    extra = {name: jnp.asarray(rows, dtype=jnp.float64) for name, rows in job.get("draws", {}).items()}
    value, jac = run(jnp.asarray(job["z"], dtype=jnp.float64), jnp.asarray(job["xi"], dtype=jnp.float64), extra)
    return {"stats": np.asarray(value).tolist(), "grad": np.asarray(jac).tolist()}


def devices():
    """Every platform's devices (jax.devices() alone lists only the default platform's: a GPU hides the CPU)."""
    found = []
    for platform in ("cpu", "cuda"):
        try:
            found += [str(d) for d in jax.devices(platform)]
        except RuntimeError:
            pass
    return found


def versions():
    import jaxlib

    return {
        "jax": jax.__version__,
        "jaxlib": jaxlib.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "devices": devices(),
        "xlaFlags": os.environ.get("XLA_FLAGS", ""),
    }


def main():
    job = json.load(sys.stdin)
    out = {"versions": versions()}
    if job["mode"] == "versions":
        json.dump(out, sys.stdout)
        return
    model = importlib.import_module(job["model"])
    if job["mode"] == "describe":
        out.update({"noisePerStep": model.NOISE_PER_STEP, "statsNeedPath": model.STATS_NEED_PATH,
                    "steps": model.steps(job["options"]), "checkOptions": getattr(model, "CHECK_OPTIONS", {}),
                    "draws": draws(model, job["options"])})
    elif job["mode"] == "check":
        out.update(check(model, job))
    elif job["mode"] == "time":
        out.update(time_case(model, job))
    else:
        raise ValueError(f"unknown mode {job['mode']}")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
