"""The peer for Gram products: numpy's A @ A.T (BLAS; numpy recognises the transpose and calls syrk), timed
best of N after a warm-up. Reads {"rows", "cols", "reps", "dtype"} as JSON on stdin, prints {"seconds"}."""
import json
import sys
import time

import numpy as np

job = json.load(sys.stdin)
rows, cols = job["rows"], job["cols"]
a = np.sin(np.arange(rows * cols, dtype=np.float64)).reshape(rows, cols).astype(job["dtype"])
a @ a.T
best = float("inf")
for _ in range(job["reps"]):
    start = time.perf_counter()
    a @ a.T
    best = min(best, time.perf_counter() - start)
print(json.dumps({"seconds": best, "numpy": np.__version__}))
