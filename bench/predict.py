"""scikit-learn side of bench/predict.ts: fits the same data (read from the temp files it wrote), times only the fit."""
import json
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

folder, n, p = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
X = np.fromfile(f'{folder}/X.f64', dtype=np.float64).reshape(n, p)
y = np.fromfile(f'{folder}/y.f64', dtype=np.float64).astype(int)

t0 = time.perf_counter()
lr = LogisticRegression(C=1.0, max_iter=1000).fit(X, y)
t_logistic = time.perf_counter() - t0

t0 = time.perf_counter()
tree = DecisionTreeClassifier(max_depth=8, random_state=0).fit(X, y)
t_tree = time.perf_counter() - t0

print(json.dumps({'logistic': t_logistic, 'tree': t_tree, 'coef': lr.coef_[0].tolist(), 'leaves': int(tree.get_n_leaves())}))
