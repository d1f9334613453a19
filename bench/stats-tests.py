"""Reference timings for bench/stats-tests.ts: the same workloads in scipy/statsmodels. Prints JSON {name: ms}."""
import json
import os
import time

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.anova import anova_lm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
fx = json.load(open(os.path.join(ROOT, "tests", "fixtures", "stats", "electronic-sales-anova.json")))["inputs"]
SEASON = [None, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 0]
frame = pd.DataFrame({"price": [np.nan if v is None else v for v in fx["price"]], "product": fx["product"],
                      "season": [-1 if m is None else SEASON[m] for m in fx["month"]]})
frame = frame[(frame["product"] >= 0) & (frame["season"] >= 0) & frame["price"].notna()]
y = frame["price"].to_numpy()
groups = [y[frame["product"].to_numpy() == k] for k in range(5)]


def timed(fn, reps):
    fn()
    t0 = time.perf_counter()
    for _ in range(reps):
        fn()
    return (time.perf_counter() - t0) / reps * 1000


def two_way():
    anova_lm(smf.ols("price ~ C(product) * C(season)", data=frame).fit(), typ=2)
    anova_lm(smf.ols("price ~ C(product, Sum) * C(season, Sum)", data=frame).fit(), typ=3)


out = {
    "two-way ANOVA II+III (20k rows, 5x4)": timed(two_way, 5),
    "Tukey HSD (5 groups, 20k rows)": timed(lambda: stats.tukey_hsd(*groups), 3),
    "Mann-Whitney U (2 x 10k)": timed(lambda: stats.mannwhitneyu(groups[0], groups[1]), 20),
    "Kruskal-Wallis (5 groups)": timed(lambda: stats.kruskal(*groups), 20),
    "Welch t (2 x 10k)": timed(lambda: stats.ttest_ind(groups[0], groups[1], equal_var=False), 50),
    "Shapiro-Wilk (n=4000)": timed(lambda: stats.shapiro(y[:4000]), 50),
}
print(json.dumps(out))
