'use strict';
// What every benchmark establishes first: sloppy loaded from dist/, the machine it runs on, and whether the
// JAX peer can run (with its versions, from `versions()`).
const path = require('node:path');
const { describeMachine } = require('./machine');
const { jaxAvailability, INSTALL_HINT } = require('./peer');

const ROOT = path.join(__dirname, '..', '..');

function loadSloppy(...modules) {
  try {
    return [require(path.join(ROOT, 'dist')), ...modules.map((m) => require(path.join(ROOT, 'dist', m)))];
  } catch (err) {
    throw new Error(`cannot load sloppy from dist/ (${err.message}); build it first: npx tsc -p tsconfig.json`);
  }
}

function setUp(args, versions, ...modules) {
  const loaded = loadSloppy(...modules);
  const machine = describeMachine(ROOT, loaded[0]);
  let jax = { available: false, reason: 'disabled by --no-jax' };
  if (args.jax) jax = jaxAvailability();
  if (jax.available) {
    jax = { ...jax, ...versions() };
  } else {
    console.log(`JAX peer unavailable: ${jax.reason}\n  to compare against JAX, install it: ${INSTALL_HINT}`);
  }
  return { loaded, machine, jax };
}

module.exports = { setUp, ROOT };
