'use strict';
// Best-of-N wall time of sloppy's statistics(), after one warm-up call, with the CPU seconds per wall second
// the process spent meanwhile (how many cores the thread pool kept busy).
async function timeSloppy(sloppy, model, z, { grad, device, options, threads, minReps, minSeconds }) {
  const run = () => sloppy.statistics(model, z, { grad, device, options, threads, seed: 1 });
  const warm = process.hrtime.bigint();
  await run();
  const warmUp = Number(process.hrtime.bigint() - warm) / 1e9;
  const times = [];
  const cpu0 = process.cpuUsage();
  while (times.length < minReps || times.reduce((a, b) => a + b, 0) < minSeconds) {
    const start = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  const cpu = process.cpuUsage(cpu0);
  const wall = times.reduce((a, b) => a + b, 0);
  return { warmUp, times, best: Math.min(...times), coresUsed: (cpu.user + cpu.system) / 1e6 / wall };
}

module.exports = { timeSloppy };
