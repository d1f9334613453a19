"""scikit-learn side of bench/segment-recovery.ts.

For every planted table (CSV + truth JSON) in the directory given: the usual pipeline of drop the
identifiers, StandardScaler on the numbers, OneHotEncoder on the categories, KMeans (n_init=10) for
k = 2..10, keep the k with the highest silhouette. Also the same on the behaviour columns only,
log1p-ed (an oracle that knows which columns matter). Prints one JSON object: table -> scores.
The loyal-core F1 is the best F1 of any found cluster against the core (sklearn has no second stage).
"""
import json
import os
import sys

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.compose import ColumnTransformer
from sklearn.metrics import adjusted_rand_score, f1_score, silhouette_score
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def best_k(x):
    best = None
    for k in range(2, 11):
        labels = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(x)
        s = silhouette_score(x, labels)
        if best is None or s > best[0]:
            best = (s, k, labels)
    return best[1], best[2]


def score(labels, k, truth):
    group = np.asarray(truth["group"])
    core = np.asarray(truth["loyalCore"]) == 1
    f1 = max(f1_score(core, labels == c) for c in range(k))
    return {"k": int(k), "ari": float(adjusted_rand_score(group, labels)), "loyalF1": float(f1)}


def main(directory):
    out = {}
    for name in sorted(f[:-4] for f in os.listdir(directory) if f.endswith(".csv")):
        df = pd.read_csv(os.path.join(directory, name + ".csv"), index_col=0)
        with open(os.path.join(directory, name + ".json")) as f:
            truth = json.load(f)
        df = df.drop(columns=["customer_id"])
        numeric = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])]
        categorical = [c for c in df.columns if c not in numeric]
        x = ColumnTransformer([("num", StandardScaler(), numeric), ("cat", OneHotEncoder(), categorical)], sparse_threshold=0).fit_transform(df)
        k, labels = best_k(x)
        oracle = StandardScaler().fit_transform(np.log1p(df[truth["behaviour"]].to_numpy(dtype=float)))
        ko, lo = best_k(oracle)
        out[name] = {"all": score(labels, k, truth), "oracle": score(lo, ko, truth)}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
