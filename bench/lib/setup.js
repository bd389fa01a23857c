'use strict';
// What every benchmark establishes first: sloppy loaded from dist/, the machine it runs on, and whether the
// JAX peer can run (with its versions, from `versions()`).
const fs = require('node:fs');
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

// The closing lines every benchmark prints, and its JSON record (`record`: machine, jax, rows, …) in args.out.
function finish(args, started, head, notes, record) {
  for (const note of notes) console.log(`note: ${note}`);
  console.log(`\n${head.line}`);
  const seconds = (Date.now() - started) / 1000;
  console.log(`(whole run ${seconds.toFixed(0)} s)`);
  fs.mkdirSync(path.dirname(args.out), { recursive: true });
  fs.writeFileSync(args.out, `${JSON.stringify({ date: new Date().toISOString(), seconds, settings: args, headline: head,
    notes, ...record }, null, 1)}\n`);
  console.log(`results: ${path.relative(process.cwd(), args.out)}`);
}

module.exports = { setUp, finish, loadSloppy, ROOT };
