#!/usr/bin/env bash
# The GPU checks in one go, on a machine with an NVIDIA GPU: every test suite that runs only where CUDA is usable,
# then the benchmarks' GPU cases (models, Gram products against the FP32 roofline, the EPI step), with logs and
# JSON results in OUT (default gpu-check/).
#   scripts/gpu-check.sh [OUT] [tests|bench|all]
#   scripts/gpu-check.sh --pack
# It needs the addon built with CUDA (build/Release, from `npx cmake-js rebuild` with nvcc on PATH) and dist/. For a
# GPU machine without Node or network, `--pack`, run where they are, writes the Node binary and node_modules as
# archives to .gpu-check/; copied along with the checkout, build/ and dist/, they are unpacked there when needed.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--pack" ]; then
  mkdir -p .gpu-check
  xz -T0 -c "$(command -v node)" > .gpu-check/node.xz
  tar -cJf .gpu-check/node_modules.tar.xz node_modules
  du -sh .gpu-check
  exit 0
fi

out="${1:-gpu-check}"
part="${2:-all}"
mkdir -p "$out"
if ! command -v node > /dev/null 2>&1; then
  mkdir -p /tmp/sloppy-node/bin
  xz -dc .gpu-check/node.xz > /tmp/sloppy-node/bin/node && chmod +x /tmp/sloppy-node/bin/node || exit 1
  export PATH="/tmp/sloppy-node/bin:$PATH"
fi
[ -d node_modules ] || tar -xJf .gpu-check/node_modules.tar.xz || exit 1

node -e 'const b = require("./dist").backends(); console.log(JSON.stringify(b, null, 1)); process.exit(b.cuda.available ? 0 : 3)' \
  > "$out/backends.json"
status=$?
cat "$out/backends.json"
[ "$status" -eq 0 ] || { echo "no usable GPU: nothing to check" >&2; exit 3; }

failed=0
if [ "$part" = "tests" ] || [ "$part" = "all" ]; then
  # shellcheck disable=SC2046  # one argument per suite
  node node_modules/.bin/jest --ci $(grep -rl "cuda.available" test) 2>&1 | tee "$out/cuda-tests.log" || failed=1
fi
if [ "$part" = "bench" ] || [ "$part" = "all" ]; then
  node bench/run.js --batches 400,10000 --case-budget 20 --out "$out/bench-models.json" 2>&1 | tee "$out/bench-models.log" || failed=1
  node bench/gram-cuda.js --out "$out/bench-gram-cuda.json" 2>&1 | tee "$out/bench-gram-cuda.log" || failed=1
  node bench/epi.js --convergence '' --case-seconds 15 --out "$out/bench-epi.json" 2>&1 | tee "$out/bench-epi.log" || failed=1
fi
exit "$failed"
