"""SciPy reference for bench/clv-fit.ts: the same BG/NBD, Gamma-Gamma (and Pareto/NBD) maximum-likelihood
fits on the same customer summaries, which the TypeScript side writes as raw float64 files.

Two SciPy configurations are timed:
  typical  scipy.optimize.minimize(negll, zeros) with its defaults (BFGS, finite-difference gradient)
           on one row per customer, as most users and lifetimes-style code do;
  tuned    BFGS with the analytic gradient on identical rows collapsed into weights (np.unique),
           i.e. the same algorithmic shortcuts clientele takes.
Pareto/NBD reuses bench/pnbd-fit.py's likelihood and optimiser (Nelder-Mead then L-BFGS-B).
Prints one JSON object. Run by bench/clv-fit.ts: /usr/bin/python3 bench/clv-fit.py <dir> <dataset>...
"""
import importlib.util
import json
import os
import sys
import time

import numpy as np
from scipy import optimize
from scipy.special import digamma, gammaln


def bg_terms(params, x, tx, T):
    r, alpha, a, b = params
    A1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    A2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    A3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide='ignore', invalid='ignore'):
        A4 = np.where(x > 0, np.log(a) - np.log(np.where(x > 0, b + x - 1, 1)) - (r + x) * np.log(alpha + tx), -np.inf)
    return A1, A2, A3, A4


def bg_ll(params, x, tx, T, w):
    A1, A2, A3, A4 = bg_terms(params, x, tx, T)
    return np.sum(w * (A1 + A2 + np.logaddexp(A3, A4)))


def bg_ll_grad(params, x, tx, T, w):
    r, alpha, a, b = params
    A1, A2, A3, A4 = bg_terms(params, x, tx, T)
    lse = np.logaddexp(A3, A4)
    w4 = np.exp(A4 - lse)
    w3 = 1 - w4
    lT, lTx = np.log(alpha + T), np.log(alpha + tx)
    gr = digamma(r + x) - digamma(r) + np.log(alpha) - w3 * lT - w4 * lTx
    ga = r / alpha - (r + x) * (w3 / (alpha + T) + w4 / (alpha + tx))
    gA = digamma(a + b) - digamma(a + b + x) + w4 / a
    with np.errstate(divide='ignore', invalid='ignore'):
        gB = digamma(a + b) + digamma(b + x) - digamma(b) - digamma(a + b + x) - np.where(x > 0, w4 / np.where(x > 0, b + x - 1, 1), 0)
    return np.sum(w * (A1 + A2 + lse)), np.array([np.sum(w * g) for g in (gr, ga, gA, gB)])


def gg_ll(params, x, m, w):
    p, q, v = params
    return np.sum(w * (gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(v) + (p * x - 1) * np.log(m)
                       + p * x * np.log(x) - (p * x + q) * np.log(x * m + v)))


def gg_ll_grad(params, x, m, w):
    p, q, v = params
    lxm = np.log(x * m + v)
    gp = x * (digamma(p * x + q) - digamma(p * x) + np.log(m) + np.log(x) - lxm)
    gq = digamma(p * x + q) - digamma(q) + np.log(v) - lxm
    gv = q / v - (p * x + q) / (x * m + v)
    return gg_ll(params, x, m, w), np.array([np.sum(w * g) for g in (gp, gq, gv)])


def typical(ll, k, cols):
    """minimize() with defaults on the mean negative LL, one row per customer."""
    w = np.ones(len(cols[0]))
    n = len(w)

    def f(lp):
        v = -ll(np.exp(lp), *cols, w) / n
        return v if np.isfinite(v) else np.inf

    start = time.perf_counter()
    res = optimize.minimize(f, np.zeros(k))
    seconds = time.perf_counter() - start
    p = np.exp(res.x)
    return {'seconds': seconds, 'logLikelihood': float(ll(p, *cols, w)), 'params': list(map(float, p)), 'evaluations': int(res.nfev)}


def tuned(ll_grad, k, cols, start_params):
    """BFGS with the analytic gradient on collapsed rows, from the same kind of start clientele uses."""
    start = time.perf_counter()
    uniq, counts = np.unique(np.column_stack(cols), axis=0, return_counts=True)
    ucols = [uniq[:, j] for j in range(uniq.shape[1])]
    w = counts.astype(float)
    n = w.sum()

    def f(lp):
        p = np.exp(lp)
        v, g = ll_grad(p, *ucols, w)
        if not np.isfinite(v):
            return np.inf, np.zeros(k)
        return -v / n, -g * p / n

    res = optimize.minimize(f, np.log(start_params), jac=True, method='BFGS', options={'gtol': 1e-9})
    seconds = time.perf_counter() - start
    p = np.exp(res.x)
    return {'seconds': seconds, 'logLikelihood': float(ll_grad(p, *ucols, w)[0]), 'params': list(map(float, p)), 'evaluations': int(res.nfev)}


def load(directory, name, column):
    return np.fromfile(os.path.join(directory, f'{name}.{column}.f64'), dtype='<f8')


def main():
    directory, datasets = sys.argv[1], sys.argv[2:]
    out = {}
    for spec in datasets:
        name, _, flags = spec.partition(':')
        x, tx, T, m = (load(directory, name, c) for c in ('x', 'tx', 'T', 'monetary'))
        rate = max(x.mean(), 1e-3) / max(T.mean(), 1e-3)
        rep = (x > 0) & (m > 0)
        res = {
            'n': int(len(x)),
            'bgnbd': {'typical': typical(bg_ll, 4, [x, tx, T]), 'tuned': tuned(bg_ll_grad, 4, [x, tx, T], [1, 1 / rate, 1, 3])},
            'gammaGamma': {'typical': typical(gg_ll, 3, [x[rep], m[rep]]),
                           'tuned': tuned(gg_ll_grad, 3, [x[rep], m[rep]], [4, 4, 0.75 * m[rep].mean()])},
        }
        if 'pnbd' in flags:
            path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'pnbd-fit.py')
            spec_ = importlib.util.spec_from_file_location('pnbd_fit', path)
            pnbd = importlib.util.module_from_spec(spec_)
            spec_.loader.exec_module(pnbd)
            n = len(x)

            def negll(lp):
                v = -pnbd.log_likelihood(np.exp(lp), x, tx, T) / n
                return v if np.isfinite(v) else np.inf

            start = time.perf_counter()
            r = optimize.minimize(negll, np.zeros(4), method='Nelder-Mead',
                                  options={'xatol': 1e-8, 'fatol': 1e-12, 'maxiter': 5000, 'maxfev': 10000})
            r = optimize.minimize(negll, r.x, method='L-BFGS-B', options={'ftol': 1e-15, 'gtol': 1e-10})
            seconds = time.perf_counter() - start
            p = np.exp(r.x)
            res['pnbd'] = {'typical': {'seconds': seconds, 'logLikelihood': float(pnbd.log_likelihood(p, x, tx, T)),
                                       'params': list(map(float, p)), 'evaluations': int(r.nfev)}}
        out[name] = res
    print(json.dumps(out))


if __name__ == '__main__':
    main()
