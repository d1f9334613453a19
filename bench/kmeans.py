"""scikit-learn side of bench/kmeans.ts: fit KMeans on the binary matrix the TS bench wrote and print
JSON timings (median of REPEATS fits). Usage: /usr/bin/python3 bench/kmeans.py FILE ROWS COLS K N_INIT REPEATS"""
import json
import sys
import time

import numpy as np
from sklearn.cluster import KMeans

path, rows, cols, k, n_init, repeats = sys.argv[1], *map(int, sys.argv[2:7])
X = np.fromfile(path, dtype="<f8").reshape(rows, cols)
times = []
for _ in range(repeats):
    start = time.perf_counter()
    km = KMeans(n_clusters=k, n_init=n_init, algorithm="lloyd", random_state=0).fit(X)
    times.append(time.perf_counter() - start)
print(json.dumps({"seconds": sorted(times)[len(times) // 2], "inertia": float(km.inertia_), "iterations": int(km.n_iter_)}))
