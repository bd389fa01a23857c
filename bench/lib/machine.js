'use strict';
// What the figures were measured on: the machine, its load and the software versions on the sloppy side.
const os = require('node:os');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

// The commit, marked '+changes' when the sources that make up the addon and API differ from it (figures taken
// mid-development then describe the working tree, not the commit).
function gitCommit(root) {
  const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  try {
    const changed = git('status', '--porcelain', '--', 'native', 'lib', 'CMakeLists.txt') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${changed ? '+changes' : ''}`;
  } catch {
    return 'unknown';
  }
}

function addonBuilt(root) {
  try {
    return fs.statSync(path.join(root, 'build', 'Release', 'sloppy.node')).mtime.toISOString();
  } catch {
    return 'unknown';
  }
}

// The widest x86 vector extension the CPU reports (Linux only): both sides' throughput depends on it.
function simdLevel() {
  try {
    const flags = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1].split(' ') ?? [];
    return ['avx512f', 'avx2', 'avx', 'sse4_2'].find((f) => flags.includes(f)) ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function describeMachine(root, sloppy) {
  const cpus = os.cpus();
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    simd: simdLevel(),
    memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: os.loadavg().map((l) => +l.toFixed(2)),
    node: process.version,
    sloppy: pkg.version,
    commit: gitCommit(root),
    addonBuilt: addonBuilt(root),
    sloppyThreads: sloppy.backends().cpu.threads,
    cuda: sloppy.backends().cuda,
  };
}

module.exports = { describeMachine };
