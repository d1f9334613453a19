"""scikit-learn side of bench/kmeans.ts: fit KMeans on the binary matrix the TS bench wrote and print
JSON timings. Usage: /usr/bin/python3 bench/kmeans.py FILE ROWS COLS K N_INIT"""
import json
import sys
import time

import numpy as np
from sklearn.cluster import KMeans

path, rows, cols, k, n_init = sys.argv[1], *map(int, sys.argv[2:6])
X = np.fromfile(path, dtype="<f8").reshape(rows, cols)
start = time.perf_counter()
km = KMeans(n_clusters=k, n_init=n_init, algorithm="lloyd", random_state=0).fit(X)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "inertia": float(km.inertia_), "iterations": int(km.n_iter_)}))
