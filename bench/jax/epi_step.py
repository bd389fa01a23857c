"""Times one EPI training step in JAX for bench/epi.js and checks its gradient against sloppy's.

Reads one JSON job on stdin and prints one JSON object on stdout:
  {"mode": "versions"} -> JAX, jaxlib, numpy and Python versions and JAX's devices (driver.py's answer).
  {"mode": "case", "model", "options", "checkOptions", "shape", "lower", "upper", "perm", "weightsFile",
   "property", "eta", "c", "batch", "seed", "check", "timing"}
      -> the trainable-weight counts; the check: at sloppy's base noise x (check.xFile) and with the model's noise
         off (checkOptions), z, log q, the log row [H, cost, R…] and the weight gradient against sloppy's (files
         written by bench/epi.js), as max |Δ| beside the largest magnitudes; then the timing: compile + first step,
         K steps per run (K chosen from a short probe so that timing.reps runs fit timing.caseSeconds, at most
         timing.maxSteps), every run's time, the best per iteration and CPU seconds per wall second.

The flow starts from sloppy's own initial weights (weightsFile, sloppy's flat layout), so both sides train the same
network from the same point. The model's statistics come from its bench/jax/<model>.py peer through driver.py's
batch function (jax.random noise inside, vmap over samples), unchanged.
"""
import importlib
import json
import sys
import time

import numpy as np

import driver  # enables float64 before any peer builds its constants
import jax
import jax.numpy as jnp

from epi import flow, step as epi_step

PROBE_STEPS = 2


def statistics_fn(model, options):
    """(key, z) -> batch × statistics, the peer's per-path simulation vmapped with its noise drawn inside."""
    return driver.batch_function(model, options, False)


def setup_of(job):
    shape = flow.Shape(job["shape"]["dim"], job["shape"]["stages"], job["shape"]["layers"], job["shape"]["units"],
                       job["shape"]["postAffine"])
    return {
        "shape": shape,
        "perm": np.asarray(job["perm"], dtype=np.int64).reshape(shape.stages, shape.dim),
        "lower": jnp.asarray(job["lower"], dtype=jnp.float64),
        "upper": jnp.asarray(job["upper"], dtype=jnp.float64),
        "stats": job["property"]["stats"],
        "mean": job["property"]["mean"],
        "variance": job["property"]["variance"],
        "batch": job["batch"],
    }


def read(path, rows=None):
    data = np.fromfile(path, dtype=np.float64)
    return data if rows is None else data.reshape(rows, -1)


def max_abs_diff(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


def check(model, job, setup, params):
    """The step's numbers at sloppy's base noise, model noise off, against sloppy's trainBegin/trainEnd."""
    c = job["check"]
    loss, push = epi_step.make_loss({**setup, "batch": c["batch"]}, statistics_fn(model, job["checkOptions"]))
    x = jnp.asarray(read(c["xFile"], c["batch"]))
    z, log_q = jax.jit(push)(params, x)
    grads, log_row = jax.jit(jax.grad(loss, has_aux=True))(params, x, jax.random.key(0), jnp.asarray(c["eta"]),
                                                          c["c"])
    ours = np.asarray(flow.to_flat(grads, setup["shape"]))
    theirs = read(c["gradFile"])
    return {
        "batch": c["batch"],
        "maxAbsDiffZ": max_abs_diff(z, read(c["zFile"], c["batch"])),
        "maxAbsDiffLogq": max_abs_diff(log_q, read(c["logqFile"])),
        "maxAbsDiffLog": max_abs_diff(log_row, read(c["logFile"])),
        "maxAbsLog": float(np.max(np.abs(log_row))),
        "maxAbsDiffGrad": max_abs_diff(ours, theirs),
        "maxAbsGrad": float(np.max(np.abs(theirs))),
    }


def steps_per_run(per_step, timing):
    """K: as many steps as fit the case's budget over its runs, at least 2 and at most timing.maxSteps."""
    fit = int(timing["caseSeconds"] / (timing["reps"] * max(per_step, 1e-9)))
    return max(2, min(timing["maxSteps"], fit))


def time_steps(step, state, args, k):
    """Runs k steps from state; returns the new state, the wall time and the last log row."""
    params, adam = state
    start = time.perf_counter()
    for _ in range(k):
        params, adam, row = step(params, adam, *args)
    row.block_until_ready()
    return (params, adam), time.perf_counter() - start, row


def timing(model, job, setup, params):
    """Compile, probe PROBE_STEPS steps to choose K, then up to timing.reps runs of K steps. A step's cost can grow
    as training moves the flow (rnn2's reverse-mode eigvalsh does), so runs also stop once they add up to twice
    timing.caseSeconds; `times` says how many ran."""
    t = job["timing"]
    step = epi_step.make_step(setup, statistics_fn(model, job["options"]), job["seed"])
    args = (jnp.asarray(job["eta"], dtype=jnp.float64), jnp.asarray(job["c"], dtype=jnp.float64))
    state = (params, epi_step.adam_init(params))
    state, first, _ = time_steps(step, state, args, 1)  # compiles
    state, probe, _ = time_steps(step, state, args, PROBE_STEPS)
    k = steps_per_run(probe / PROBE_STEPS, t)
    times, cpu0 = [], driver.cpu_seconds()
    while len(times) < t["reps"] and sum(times) < 2 * t["caseSeconds"]:
        state, seconds, row = time_steps(step, state, args, k)
        times.append(seconds)
    return {"compileAndFirst": first, "probe": probe / PROBE_STEPS, "steps": k, "times": times,
            "best": min(times) / k, "coresUsed": (driver.cpu_seconds() - cpu0) / sum(times),
            "lastLog": np.asarray(row).tolist()}


def run_case(job):
    model = importlib.import_module(job["model"])
    setup = setup_of(job)
    params = flow.from_flat(read(job["weightsFile"]), setup["shape"])
    out = {"weights": {"jax": flow.count(params), "sloppyLayout": int(flow.to_flat(params, setup["shape"]).size)}}
    out["check"] = check(model, job, setup, params)
    out.update(timing(model, job, setup, params))
    return out


def main():
    job = json.load(sys.stdin)
    out = {"versions": driver.versions()}
    if job["mode"] == "case":
        out.update(run_case(job))
    elif job["mode"] != "versions":
        raise ValueError(f"unknown mode {job['mode']}")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
