#!/usr/bin/env bash
# Proves the packed tarball works for a user: it carries prebuilds/linux-x64/, installs into an empty
# project with install scripts disabled, and runs a simulation with no compiler on PATH.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/sloppy-pack.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$root"
node scripts/prebuild.js
tarball=$(npm pack --ignore-scripts --pack-destination "$tmp" --silent | tail -n 1)
tar -tzf "$tmp/$tarball" > "$tmp/contents"
grep -qx 'package/prebuilds/linux-x64/sloppy.napi.glibc.node' "$tmp/contents" \
  || { echo "check-pack: the tarball has no prebuilds/linux-x64/sloppy.napi.glibc.node"; exit 1; }
if grep -q '^package/build/' "$tmp/contents"; then echo "check-pack: the tarball carries build/"; exit 1; fi

mkdir -p "$tmp/consumer" "$tmp/bin"
cd "$tmp/consumer"
npm init -y >/dev/null
npm install --ignore-scripts --no-audit --no-fund --silent "$tmp/$tarball"
ln -s "$(command -v node)" "$tmp/bin/node"
# Only node on PATH: no cc, c++, cmake or nvcc can be reached.
env -i HOME="$HOME" PATH="$tmp/bin" node -e "
  const s = require('sloppy');
  s.simulate('ou', [[1, 0, 1]], { trials: 2000, seed: 1 }).then((r) => {
    const variance = r.stats[1] - r.stats[0] ** 2;
    if (!(Math.abs(variance - 0.43) < 0.05)) throw new Error('unexpected OU variance ' + variance);
    console.log('check-pack: installed tarball ran on ' + r.device + ' without a compiler; OU variance ' + variance.toFixed(3));
  }).catch((e) => { console.error(e); process.exit(1); });
"
env -i HOME="$HOME" PATH="$tmp/bin" node node_modules/sloppy/dist/cli/main.js models >/dev/null
echo "check-pack: ok ($tarball, $(du -h "$tmp/$tarball" | cut -f1))"
