"""SciPy reference for bench/pnbd-fit.ts: the same Pareto/NBD maximum-likelihood fit on CDNOW master.

Summary convention as clientele's: same-day purchases are one transaction, weeks from each
customer's first purchase, calibration end 1997-09-30 (T measured to it). The likelihood is
Fader, Hardie & Lee (2005) with scipy.special.hyp2f1, vectorised over customers as in lifetimes;
log-parameters, Nelder-Mead from all-ones (lifetimes' default), then L-BFGS-B to polish.
Prints one JSON line: seconds (fit only), logLikelihood, params, n.
Run: /usr/bin/python3 bench/pnbd-fit.py data/cdnow-master.txt.gz
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy import optimize, special


def summary(path, end='1997-09-30'):
    # Master has a header and 4 columns (id, date, cds, amount); the sample has 5 (id, master id, ...).
    raw = pd.read_csv(path, sep=r'\s+', header=None, dtype=str, comment=None)
    raw = raw[raw[0].str.isdigit()]
    date_col = 2 if raw.shape[1] == 5 else 1
    df = pd.DataFrame({'id': raw[0], 'date': pd.to_datetime(raw[date_col], format='%Y%m%d')})
    end = pd.Timestamp(end)
    df = df[df['date'] <= end].drop_duplicates(['id', 'date'])
    g = df.groupby('id')['date']
    first, last, count = g.min(), g.max(), g.count()
    x = (count - 1).to_numpy(float)
    tx = ((last - first).dt.days / 7).to_numpy(float)
    T = ((end - first).dt.days / 7).to_numpy(float)
    return x, tx, T


def log_a0(r, alpha, s, beta, x, y):
    if alpha >= beta:
        z = (alpha - beta) / (alpha + y)
        return np.log(special.hyp2f1(r + s + x, s + 1, r + s + x + 1, z)) - (r + s + x) * np.log(alpha + y)
    z = (beta - alpha) / (beta + y)
    return np.log(special.hyp2f1(r + s + x, r + x, r + s + x + 1, z)) - (r + s + x) * np.log(beta + y)


def log_likelihood(params, x, tx, T):
    r, alpha, s, beta = params
    pre = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    a1 = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    a_tx = log_a0(r, alpha, s, beta, x, tx)
    a_T = log_a0(r, alpha, s, beta, x, T)
    k = np.log(s / (r + s + x))
    # log(e^a1 + k (e^a_tx - e^a_T)), factoring out the largest term as lifetimes does.
    m = np.maximum(a1, k + a_tx)
    inner = np.exp(a1 - m) + np.exp(k + a_tx - m) - np.exp(k + a_T - m)
    return np.sum(pre + m + np.log(inner))


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else 'data/cdnow-master.txt.gz'
    x, tx, T = summary(path)
    n = len(x)

    def negll(logp):
        v = -log_likelihood(np.exp(logp), x, tx, T) / n
        return v if np.isfinite(v) else np.inf

    start = time.perf_counter()
    res = optimize.minimize(negll, np.zeros(4), method='Nelder-Mead',
                            options={'xatol': 1e-8, 'fatol': 1e-12, 'maxiter': 5000, 'maxfev': 10000})
    res = optimize.minimize(negll, res.x, method='L-BFGS-B', options={'ftol': 1e-15, 'gtol': 1e-10})
    seconds = time.perf_counter() - start
    params = np.exp(res.x)
    print(json.dumps({
        'seconds': seconds,
        'logLikelihood': float(log_likelihood(params, x, tx, T)),
        'params': dict(zip(['r', 'alpha', 's', 'beta'], map(float, params))),
        'n': int(n),
        'evaluations': int(res.nfev),
    }))


if __name__ == '__main__':
    main()
