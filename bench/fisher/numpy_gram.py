"""The numpy peer of bench/gram.js: A @ A.T (BLAS; numpy recognises the transpose and calls syrk) over A streamed
in column chunks generated on the fly as a(i, j) = sin(i·cols + j), the chunks the bench hands sloppy and the
Eigen peer. Arguments: rows cols width [dtype: float64 (default) or float32, A and its product in that type]; then one chunk index per line on stdin, each generated (untimed),
multiplied, added to G (untimed) and answered with {"seconds", "cpu"}: wall and process CPU time of its product, so that the bench can interleave
the peers chunk by chunk. At end of input it prints {"trace", "corner", "numpy"}: two entries of G to check
against the other sides."""
import json
import sys
import time

import numpy as np

rows, cols, width = (int(v) for v in sys.argv[1:4])
dtype = np.dtype(sys.argv[4] if len(sys.argv) > 4 else "float64")
i = np.arange(rows, dtype=np.float64)[:, None] * cols


def chunk(first, w):
    return np.sin(i + (first + np.arange(w, dtype=np.float64))[None, :]).astype(dtype)


warm = chunk(0, min(width, 64))  # a narrow untimed product first starts BLAS's threads
warm @ warm.T
g = np.zeros((rows, rows), dtype=dtype)
for line in sys.stdin:
    first = int(line) * width
    a = chunk(first, min(width, cols - first))
    cpu, start = time.process_time(), time.perf_counter()
    p = a @ a.T
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    g += p
    print(json.dumps({"seconds": seconds, "cpu": cpu}), flush=True)
print(json.dumps({"trace": float(np.trace(g)), "corner": float(g[rows - 1, 0]), "numpy": np.__version__}))
