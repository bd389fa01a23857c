'use strict';
// The JAX side: bench/jax/driver.py run as a child process, one JSON job in on stdin, one JSON answer out.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const JAX_DIR = path.join(__dirname, '..', 'jax');
const DRIVER = path.join(JAX_DIR, 'driver.py');
const PYTHON = process.env.BENCH_PYTHON || 'python3';
const INSTALL_HINT = `${PYTHON} -m pip install jax numpy   (from the machine's offline wheelhouse)`;

/** Whether `python3` can import JAX; the harness installs nothing itself. */
function jaxAvailability() {
  const probe = spawnSync(PYTHON, ['-c', 'import jax, numpy; print(jax.__version__)'], { encoding: 'utf8' });
  if (probe.error) return { available: false, reason: `${PYTHON} not runnable (${probe.error.message})` };
  if (probe.status !== 0) {
    const last = probe.stderr.trim().split('\n').pop();
    return { available: false, reason: last || `${PYTHON} exited with ${probe.status}` };
  }
  return { available: true, version: probe.stdout.trim() };
}

function hasPeer(model) {
  return fs.existsSync(path.join(JAX_DIR, `${model}.py`));
}

/** The peer's STATS_NEED_PATH, read from its source so that a run without JAX still counts the right work. */
function declaredStatsNeedPath(model) {
  const source = fs.readFileSync(path.join(JAX_DIR, `${model}.py`), 'utf8');
  return !/^STATS_NEED_PATH\s*=\s*False\b/m.test(source);
}

function runJob(job, timeoutSeconds) {
  const child = spawnSync(PYTHON, [DRIVER], {
    input: JSON.stringify(job),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    timeout: timeoutSeconds * 1000,
    // No __pycache__ in bench/jax. One LAPACK thread: jaxlib's eigvalsh runs through OpenBLAS, whose own threads
    // fight XLA's for the cores and make the JAX side ~30× slower than it need be (rnn2); a value already set wins.
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', OPENBLAS_NUM_THREADS: process.env.OPENBLAS_NUM_THREADS ?? '1' },
  });
  if (child.error) throw new Error(`JAX peer for ${job.model} (${job.mode}): ${child.error.message}`);
  if (child.status !== 0) {
    throw new Error(`JAX peer for ${job.model} (${job.mode}) exited with ${child.status}:\n${child.stderr.trim()}`);
  }
  return JSON.parse(child.stdout);
}

module.exports = { jaxAvailability, hasPeer, declaredStatsNeedPath, runJob, INSTALL_HINT };
