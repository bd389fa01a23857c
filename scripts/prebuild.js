#!/usr/bin/env node
// Places the freshly built addon where node-gyp-build looks for a prebuild, so the packed tarball installs
// and runs with no compiler and no install script. `npm pack` runs `prepare` (cmake-js rebuild) first, so
// build/Release is current here. prebuildify has no cmake-js backend, hence this script.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const built = path.join(root, 'build', 'Release', 'sloppy.node');
if (!fs.existsSync(built)) {
  console.error('prebuild: build/Release/sloppy.node is missing; run `npm run build:native` first');
  process.exit(1);
}
const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
fs.mkdirSync(dir, { recursive: true });
const target = path.join(dir, 'sloppy.napi.glibc.node');
fs.copyFileSync(built, target);
try {
  execFileSync('strip', ['--strip-unneeded', target]);
} catch {
  console.warn('prebuild: strip is not available; shipping an unstripped binary');
}
console.log(`prebuild: ${path.relative(root, target)} (${(fs.statSync(target).size / 1e6).toFixed(1)} MB)`);
