'use strict';
// One model's benchmark: the same-numbers check against its JAX peer, then every (device, grad, B) case on both
// sides.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { sampleRows } = require('./sample');
const { timeSloppy } = require('./timing');
const { declaredStatsNeedPath, runJob } = require('./peer');
const { checkPeer } = require('./check');

const CHECK_ROWS = 4;

function modelOptions(descriptor, overrides) {
  return Object.fromEntries(descriptor.options.map((o) => [o.name, overrides[o.name] ?? o.value]));
}

// A case is skipped when its warm-up + timed runs are estimated, from the same side's previous batch size, to take
// longer than the per-case budget; the reason goes into the table's notes.
function overBudget(perSet, batch, args) {
  const estimate = perSet === undefined ? 0 : perSet * batch * (1 + args.reps);
  return estimate > args.caseBudget
    ? `estimated ${estimate.toPrecision(2)} s for warm-up + ${args.reps} runs exceeds the ${args.caseBudget} s budget per case`
    : undefined;
}

// Whether JAX has a device of this kind; a note says why not.
function jaxHasDevice(jax, device, model, notes) {
  const prefix = device === 'cpu' ? 'cpu' : 'cuda';
  if (jax.devices.some((d) => d.startsWith(prefix))) return true;
  notes.push(`${model} on ${device}: JAX has no such device here (its devices: ${jax.devices.join(', ')})`);
  return false;
}

// Every (grad, B) case of one model on one device, sloppy then JAX back to back, so that both run under the same
// load on a shared machine.
async function benchDevice(sloppy, model, device, ctx, args, notes) {
  const { z, zFile, params, options, useJax } = ctx;
  let jaxOn = useJax && jaxHasDevice(ctx.jax, device, model, notes);
  const cases = [];
  for (const grad of [false, true]) {
    const perSet = {};
    for (const batch of args.batches) {
      const where = `${model} ${device} B=${batch} grad=${grad}`;
      let ours = { skipped: overBudget(perSet.sloppy, batch, args) };
      if (!ours.skipped) {
        ours = await timeSloppy(sloppy, model, z.subarray(0, batch * params),
          { grad, device, options, threads: args.threads, minReps: args.reps, minSeconds: args.minSeconds });
        perSet.sloppy = ours.best / batch;
      } else {
        notes.push(`${where}: sloppy skipped, ${ours.skipped}`);
      }
      let theirs;
      if (jaxOn) {
        theirs = { skipped: overBudget(perSet.jax, batch, args) };
        if (theirs.skipped) {
          notes.push(`${where}: JAX skipped, ${theirs.skipped}`);
        } else {
          try {
            theirs = runJob({ mode: 'time', model, options, zFile, params, batch, grad, minReps: args.reps,
              minSeconds: args.minSeconds, device: device === 'cpu' ? 'cpu' : 'gpu' }, 3600);
            perSet.jax = theirs.best / batch;
          } catch (err) {
            notes.push(`${where}: JAX timing failed, JAX not run further for ${model}: ${err.message}`);
            theirs = undefined;
            jaxOn = false;
          }
        }
      }
      cases.push({ batch, grad, sloppy: ours, jax: theirs && { ...theirs, versions: undefined } });
    }
  }
  return cases;
}

async function benchModel(sloppy, model, args, jax, devices, notes) {
  const descriptor = sloppy.models.get(model);
  const params = descriptor.params.length;
  const options = modelOptions(descriptor, args.set);
  const z = sampleRows(descriptor.params, args.batches.at(-1));
  const zFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sloppy-bench-')), `${model}.f64`);
  fs.writeFileSync(zFile, Buffer.from(z.buffer));

  let describe;
  let check;
  if (jax.available) {
    try {
      describe = runJob({ mode: 'describe', model, options }, 300);
      const checkOptions = { ...options, ...describe.checkOptions };
      check = await checkPeer(sloppy, model, z, CHECK_ROWS, { options: checkOptions, describe, steps: describe.steps });
    } catch (err) {
      describe = undefined;
      notes.push(`${model}: JAX peer failed, sloppy alone measured: ${err.message}`);
    }
  }
  const steps = describe?.steps ?? options.steps;
  const needsPath = describe?.statsNeedPath ?? declaredStatsNeedPath(model);
  if (!needsPath) notes.push(`${model}: statistics are closed-form, no path is integrated on either side; M/s counts parameter sets`);

  const ctx = { z, zFile, params, options, jax, useJax: describe !== undefined };
  const rows = [];
  try {
    for (const device of devices) {
      for (const c of await benchDevice(sloppy, model, device, ctx, args, notes)) {
        const row = { model, device, ...c, trials: 1, steps: needsPath ? steps : 0,
          unit: needsPath ? 'path-steps' : 'sets', work: needsPath ? c.batch * 1 * steps : c.batch };
        if (c.sloppy.best !== undefined && c.jax?.best !== undefined) row.ratio = c.jax.best / c.sloppy.best;
        rows.push(row);
      }
    }
  } finally {
    fs.rmSync(path.dirname(zFile), { recursive: true, force: true });
  }
  return { rows, check };
}

module.exports = { benchModel };
