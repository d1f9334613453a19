#!/usr/bin/python3
"""The notebook an analyst writes for the analysis `clientele analyze` does, as the reference side of
bench/notebook.ts (issue 13 item 2). Debian's pandas, NumPy, SciPy and scikit-learn, run with /usr/bin/python3:

    /usr/bin/python3 bench/notebook_online_retail.py data/online-retail.csv.gz OUT_DIR

Stages, as clientele's: read + clean (docs/cleaning.md: duplicates only with an order id, missing ids,
returns netted, bad prices, non-product lines by structure), customer features, RFM scores and segments,
monthly cohorts, BG/NBD + Gamma-Gamma with 12-month CLV, k-means for k = 2..10 by silhouette and a second
stage on the top segment, and writing customers.csv, cohorts.csv and summary.json.

CLV uses `lifetimes` (BetaGeoFitter, GammaGammaFitter, summary_data_from_transaction_data with daily periods in
weeks, customer_lifetime_value over 12 months at 1% a month) when it can be imported. Neither it nor its
dependency autograd is packaged by Debian, and PyPI is out of reach here; bench/notebook.ts puts their public
sources on PYTHONPATH from LIFETIMES_PATH (see there). Without them the two fitters are rewritten with SciPy:
the same negative log-likelihoods (log parameters, mean over customers), the same optimiser call
(scipy.optimize.minimize, default BFGS, tol 1e-7, start 0.1 for every log parameter, time scaled so that
max T = 10), analytic gradients where lifetimes differentiates with autograd, and finite differences of them for
the Hessian. That rewrite is much faster than lifetimes itself, so the notebook it gives is the quicker one.
The last line printed is JSON: {"stages": {name: seconds}, "clvWith": "lifetimes 0.11.3" | "scipy", ...}.
"""
from __future__ import annotations

import time

_t = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy.optimize import minimize  # noqa: E402
from scipy.special import digamma, gammaln, hyp2f1  # noqa: E402
from scipy.stats import skew  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.metrics import silhouette_score  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

try:
    import lifetimes  # noqa: E402
    from lifetimes import BetaGeoFitter, GammaGammaFitter  # noqa: E402
    from lifetimes.utils import summary_data_from_transaction_data  # noqa: E402

    CLV_WITH = f'lifetimes {lifetimes.__version__}'
except ImportError:
    CLV_WITH = 'scipy'

STAGES: dict[str, float] = {}
DEBUG = bool(os.environ.get('NOTEBOOK_DEBUG'))


def lap(name: str) -> None:
    global _t
    now = time.perf_counter()
    STAGES[name] = round(now - _t, 4)
    if DEBUG:
        print(name, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, 'MiB', file=sys.stderr)
    _t = now


path = sys.argv[1] if len(sys.argv) > 1 else 'data/online-retail.csv.gz'
out = Path(sys.argv[2] if len(sys.argv) > 2 else 'out-notebook')
out.mkdir(parents=True, exist_ok=True)
lap('imports')

# ------------------------------------------------------------------------------------------------ read
df = pd.read_csv(path, dtype={'InvoiceNo': str, 'StockCode': str, 'Description': str, 'Country': str}, encoding='utf-8')
df['InvoiceDate'] = pd.to_datetime(df['InvoiceDate'], format='%Y-%m-%d %H:%M:%S')
rows_read = len(df)
lap('read')

# ------------------------------------------------------------------------------------------------ clean
# Duplicates: exact repeats, only because lines carry an invoice number.
df = df.drop_duplicates()
duplicates = rows_read - len(df)
df = df.dropna(subset=['InvoiceDate'])
df['amount'] = df['Quantity'] * df['UnitPrice']
df = df.dropna(subset=['amount'])
df['customer'] = df['CustomerID'].astype('Int64').astype(str).where(df['CustomerID'].notna(), None)
df['is_return'] = df['InvoiceNo'].str.match(r'^[Cc][0-9]') | (df['Quantity'] < 0)
df['bad_price'] = ~df['is_return'] & ~((df['UnitPrice'] > 0) & (df['amount'] > 0))
# Non-product lines by structure: codes without a digit among mostly digit codes, and descriptions that
# are wholly a fee word.
codes = pd.Series(df['StockCode'].dropna().unique())
has_digit = codes.str.contains(r'\d')
off_pattern = set(codes[~has_digit]) if has_digit.mean() >= 0.8 else set()
FEE = ['postage', 'carriage', 'shipping', 'delivery', 'freight', 'handling', 'manual', 'discount', 'fee', 'fees',
       'service charge', 'bank charges', 'commission', 'adjustment', 'samples', 'tip', 'surcharge']
word = '(?:' + '|'.join(re.escape(w).replace(r'\ ', r'\s+') for w in sorted(FEE, key=len, reverse=True)) + ')'
fee_re = re.compile(r'^\s*' + word + r'(?:\s*(?:&|\band\b)\s*' + word + r')*\s*$', re.IGNORECASE)
descriptions = pd.Series(df['Description'].fillna('').unique())
fees = set(descriptions[descriptions.map(lambda s: bool(fee_re.match(s)))])
df['non_product'] = df['StockCode'].isin(off_pattern) | df['Description'].fillna('').isin(fees)
lines = df[df['customer'].notna() & ~df['bad_price'] & ~df['non_product']].copy()
sales = lines[~lines['is_return']]
returns = lines[lines['is_return']]
as_of = lines['InvoiceDate'].max().normalize()
snapshot = as_of + pd.Timedelta(days=1)
lap('clean')

# ------------------------------------------------------------------------------------------------ customer features
cust = sales.groupby('customer').agg(
    first=('InvoiceDate', 'min'), last=('InvoiceDate', 'max'), frequency=('InvoiceNo', 'nunique'), gross_sales=('amount', 'sum'),
    items=('Quantity', 'sum'), distinct_products=('StockCode', 'nunique'), main_country=('Country', lambda s: s.mode().iat[0]),
)
ret = returns.groupby('customer')['amount'].sum().reindex(cust.index).fillna(0.0)
cust['returns_value'] = -ret
cust['monetary'] = cust['gross_sales'] + ret
cust['recency_days'] = (snapshot - cust['last'].dt.normalize()).dt.days
cust['tenure_days'] = (snapshot - cust['first'].dt.normalize()).dt.days
cust['avg_order_value'] = cust['gross_sales'] / cust['frequency']
span = (cust['last'] - cust['first']).dt.total_seconds() / 86400
cust['mean_days_between_orders'] = (span / (cust['frequency'] - 1)).where(cust['frequency'] > 1)
cust['return_rate'] = -ret / cust['gross_sales']
weekend = sales[sales['InvoiceDate'].dt.dayofweek >= 5].groupby('customer')['InvoiceNo'].nunique()
cust['weekend_share'] = weekend.reindex(cust.index).fillna(0) / cust['frequency']
lap('features')

# ------------------------------------------------------------------------------------------------ RFM
n = len(cust)


def score(values: pd.Series, larger_is_better: bool) -> np.ndarray:
    """1 + floor(5 x share of customers with a strictly worse value)."""
    key = values.to_numpy(float) if larger_is_better else -values.to_numpy(float)
    worse = np.searchsorted(np.sort(key), key, side='left')
    return 1 + (5 * worse) // n


cust['r_score'] = score(cust['recency_days'], False)
cust['f_score'] = score(cust['frequency'], True)
cust['m_score'] = score(cust['monetary'], True)
# The usual regex map over "RF" strings, the default segment map of docs/rfm.md.
SEGMENT_MAP = {
    r'^[45]5$': 'Champions', r'^[45]4$': 'Loyal', r'^3[45]$': 'Loyal', r'^[45][23]$': 'Potential Loyalists',
    r'^51$': 'New', r'^41$': 'Promising', r'^3[12]$': 'About to Sleep', r'^33$': 'Need Attention',
    r'^2[12]$': 'Hibernating', r'^2[34]$': 'At Risk', r'^13$': 'At Risk', r'^25$': "Can't Lose Them",
    r'^1[45]$': "Can't Lose Them", r'^1[12]$': 'Lost',
}
cust['rfm_segment'] = (cust['r_score'].astype(str) + cust['f_score'].astype(str)).replace(SEGMENT_MAP, regex=True)
rfm_table = cust.groupby('rfm_segment').agg(customers=('r_score', 'size'), revenue=('monetary', 'sum'),
                                            recency=('recency_days', 'mean'), frequency=('frequency', 'mean'))
lap('rfm')

# ------------------------------------------------------------------------------------------------ cohorts
month = sales['InvoiceDate'].dt.to_period('M')
cohort = sales['customer'].map(cust['first'].dt.to_period('M'))
act = pd.DataFrame({'cohort': cohort, 'month': month, 'customer': sales['customer'], 'amount': sales['amount']})
act = act.groupby(['cohort', 'month']).agg(customers=('customer', 'nunique'), revenue=('amount', 'sum')).reset_index()
act['k'] = (act['month'] - act['cohort']).apply(lambda d: d.n)
by_customers = act.pivot(index='cohort', columns='k', values='customers')
retention = by_customers.div(by_customers[0], axis=0)
revenue_retention = act.pivot(index='cohort', columns='k', values='revenue')
top = cust['monetary'].clip(lower=0).sort_values(ascending=False)
top10 = top.iloc[: round(0.1 * n)].sum() / top.sum()
lap('cohorts')

# ------------------------------------------------------------------------------------------------ CLV
# lifetimes.utils.summary_data_from_transaction_data(freq='D', freq_multiplier=7, monetary_value_col=...):
# one transaction per customer-day, frequency = repeat days, recency and T in weeks, monetary = mean of
# the repeat days' spend.
# A purchase is a day with a sale line, priced or free (docs/cleaning.md §6); its spend is the day's sales net
# of that day's returns, never below 0.
clv_lines = df[df['customer'].notna() & ~df['non_product']]
tx = pd.DataFrame({'customer': clv_lines['customer'], 'day': clv_lines['InvoiceDate'].dt.normalize(), 'amount': clv_lines['amount'], 'sale': ~clv_lines['is_return']})
daily = tx.groupby(['customer', 'day'], sort=True).agg(amount=('amount', 'sum'), sale=('sale', 'any')).reset_index()
daily = daily[daily['sale']]
daily['amount'] = daily['amount'].clip(lower=0)
def scipy_clv(daily: pd.DataFrame) -> tuple[pd.DataFrame, dict, list]:
    """BG/NBD + Gamma-Gamma + 12-month CLV as lifetimes computes them, with SciPy (see the module docstring)."""
    first_day = daily.groupby('customer')['day'].transform('min')
    daily['first'] = daily['day'] == first_day
    summ = daily.groupby('customer').agg(first=('day', 'min'), last=('day', 'max'), count=('day', 'size'))
    summ['frequency'] = summ['count'] - 1
    summ['T'] = (as_of - summ['first']).dt.days / 7
    summ['recency'] = (summ['last'] - summ['first']).dt.days / 7
    summ['monetary_value'] = daily.loc[~daily['first']].groupby('customer')['amount'].mean().reindex(summ.index).fillna(0)


    def fit(nll, args, size: int) -> tuple[np.ndarray, float, np.ndarray]:
        """lifetimes' BaseFitter._fit: minimize(value_and_grad(nll), jac=True, tol=1e-7) on the log parameters from
        0.1, then the Hessian of the mean negative log-likelihood (central differences of the exact gradient)."""
        res = minimize(nll, x0=0.1 * np.ones(size), args=args, jac=True, method=None, tol=1e-7)
        if not res.success:
            raise RuntimeError(f'did not converge: {res.message}')
        h = 1e-5
        hess = np.empty((size, size))
        for i in range(size):
            e = np.zeros(size)
            e[i] = h
            hess[i] = (nll(res.x + e, *args)[1] - nll(res.x - e, *args)[1]) / (2 * h)
        return res.x, res.fun, (hess + hess.T) / 2


    def bgnbd_nll(log_params, freq, rec, T):
        """BetaGeoFitter._negative_log_likelihood and its gradient in the log parameters (autograd's value_and_grad)."""
        r, alpha, a, b = np.exp(log_params)
        A_1 = gammaln(r + freq) - gammaln(r) + r * np.log(alpha)
        A_2 = gammaln(a + b) + gammaln(b + freq) - gammaln(b) - gammaln(a + b + freq)
        A_3 = -(r + freq) * np.log(alpha + T)
        A_4 = np.log(a) - np.log(b + np.maximum(freq, 1) - 1) - (r + freq) * np.log(rec + alpha)
        m = np.maximum(A_3, A_4)
        e3 = np.exp(A_3 - m)
        e4 = np.exp(A_4 - m) * (freq > 0)
        ll = A_1 + A_2 + np.log(e3 + e4) + m
        w3, w4 = e3 / (e3 + e4), e4 / (e3 + e4)
        d_r = digamma(r + freq) - digamma(r) + np.log(alpha) - w3 * np.log(alpha + T) - w4 * np.log(rec + alpha)
        d_alpha = r / alpha - w3 * (r + freq) / (alpha + T) - w4 * (r + freq) / (rec + alpha)
        d_a = digamma(a + b) - digamma(a + b + freq) + w4 / a
        d_b = digamma(a + b) + digamma(b + freq) - digamma(b) - digamma(a + b + freq) - w4 / (b + np.maximum(freq, 1) - 1)
        grad = np.array([d_r.mean() * r, d_alpha.mean() * alpha, d_a.mean() * a, d_b.mean() * b])
        return -ll.mean(), -grad


    def gg_nll(log_params, x, m):
        """GammaGammaFitter._negative_log_likelihood and its gradient in the log parameters."""
        p, q, v = np.exp(log_params)
        ll = gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(v) + (p * x - 1) * np.log(m) + (p * x) * np.log(x) - (p * x + q) * np.log(x * m + v)
        d_p = x * (digamma(p * x + q) - digamma(p * x) + np.log(m) + np.log(x) - np.log(x * m + v))
        d_q = digamma(p * x + q) - digamma(q) + np.log(v) - np.log(x * m + v)
        d_v = q / v - (p * x + q) / (x * m + v)
        grad = np.array([d_p.mean() * p, d_q.mean() * q, d_v.mean() * v])
        return -ll.mean(), -grad


    freq = summ['frequency'].to_numpy(int)
    rec = summ['recency'].to_numpy(float)
    T = summ['T'].to_numpy(float)
    # lifetimes rescales time so that max(T) = 10 before fitting, and alpha back after.
    scale = 10.0 / T.max()
    log_bg, bg_nll, bg_hess = fit(bgnbd_nll, (freq, rec * scale, T * scale), 4)
    r, alpha, a, b = np.exp(log_bg)
    alpha /= scale
    bg_params = {'r': r, 'alpha': alpha, 'a': a, 'b': b}
    bg_se = np.sqrt(np.diag(np.exp(log_bg) ** 2 * np.linalg.inv(bg_hess) / len(freq)))


    def bg_expected(t, x, tx, T):
        """BetaGeoFitter.conditional_expected_number_of_purchases_up_to_time (eq. 10)."""
        _a, _b, _c, _z = r + x, b + x, a + b + x - 1, t / (alpha + T + t)
        ln_h = np.log(hyp2f1(_a, _b, _c, _z))
        ln_alt = np.log(hyp2f1(_c - _a, _c - _b, _c, _z)) + (_c - _a - _b) * np.log(1 - _z)
        ln_h = np.where(np.isinf(ln_h), ln_alt, ln_h)
        first = (a + b + x - 1) / (a - 1)
        second = 1 - np.exp(ln_h + (r + x) * np.log((alpha + T) / (alpha + t + T)))
        return first * second / (1 + (x > 0) * (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x))


    def bg_p_alive(x, tx, T):
        return 1 / (1 + (x > 0) * (a / (b + np.maximum(x, 1) - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x))


    repeat = (summ['frequency'] > 0) & (summ['monetary_value'] > 0)
    gx = summ.loc[repeat, 'frequency'].to_numpy(float)
    gm = summ.loc[repeat, 'monetary_value'].to_numpy(float)
    log_gg, gg_val, gg_hess = fit(gg_nll, (gx, gm), 3)
    p, q, v = np.exp(log_gg)
    gg_se = np.sqrt(np.diag(np.exp(log_gg) ** 2 * np.linalg.inv(gg_hess) / len(gx)))
    w = p * summ['frequency'] / (p * summ['frequency'] + q - 1)
    spend = (1 - w) * (v * p / (q - 1)) + w * summ['monetary_value']
    # lifetimes.utils._customer_lifetime_value(freq='W'): 12 monthly steps of 4.345 weeks, 1% a month.
    clv = np.zeros(len(summ))
    for i in np.arange(1, 13) * 4.345:
        step = bg_expected(i, freq, rec, T) - bg_expected(i - 4.345, freq, rec, T)
        clv += spend.to_numpy() * step / 1.01 ** (i / 4.345)
    summ['expected_purchases_12m'] = bg_expected(52.14, freq, rec, T)
    summ['p_alive'] = bg_p_alive(freq, rec, T)
    summ['expected_spend_per_order'] = spend
    summ['clv_12m'] = clv
    return summ, {'r': r, 'alpha': alpha, 'a': a, 'b': b}, [p, q, v]


def lifetimes_clv(daily: pd.DataFrame) -> tuple[pd.DataFrame, dict, list]:
    """The same with lifetimes itself, as the notebook would be written."""
    summ = summary_data_from_transaction_data(daily, 'customer', 'day', monetary_value_col='amount', observation_period_end=as_of, freq='D', freq_multiplier=7)
    bgf = BetaGeoFitter(penalizer_coef=0.0).fit(summ['frequency'], summ['recency'], summ['T'])
    repeat = summ[(summ['frequency'] > 0) & (summ['monetary_value'] > 0)]
    ggf = GammaGammaFitter(penalizer_coef=0.0).fit(repeat['frequency'], repeat['monetary_value'])
    summ['expected_purchases_12m'] = bgf.conditional_expected_number_of_purchases_up_to_time(52.14, summ['frequency'], summ['recency'], summ['T'])
    summ['p_alive'] = bgf.conditional_probability_alive(summ['frequency'], summ['recency'], summ['T'])
    summ['expected_spend_per_order'] = ggf.conditional_expected_average_profit(summ['frequency'], summ['monetary_value'])
    summ['clv_12m'] = ggf.customer_lifetime_value(bgf, summ['frequency'], summ['recency'], summ['T'], summ['monetary_value'], time=12, discount_rate=0.01, freq='W').to_numpy()
    return summ, dict(bgf.params_), list(ggf.params_)


summ, bg_params, gg_params = lifetimes_clv(daily[['customer', 'day', 'amount']]) if CLV_WITH != 'scipy' else scipy_clv(daily)
lap('clv')

# ------------------------------------------------------------------------------------------------ segments
FEATURES = ['recency_days', 'frequency', 'monetary', 'gross_sales', 'returns_value', 'avg_order_value', 'items',
            'distinct_products', 'tenure_days', 'mean_days_between_orders', 'return_rate', 'weekend_share']


def design(frame: pd.DataFrame) -> np.ndarray:
    """Median-impute, log1p the skewed non-negative columns (skewness > 1), standardise."""
    cols = []
    for c in FEATURES:
        x = frame[c].astype(float)
        x = x.fillna(x.median())
        if x.min() >= 0 and skew(x) > 1:
            x = np.log1p(x)
        cols.append(x.to_numpy())
    return StandardScaler().fit_transform(np.column_stack(cols))


def choose_k(x: np.ndarray, seed: int) -> tuple[int, KMeans, dict]:
    best = None
    scores = {}
    for k in range(2, 11):
        km = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(x)
        s = silhouette_score(x, km.labels_)
        scores[k] = s
        if best is None or s > best[2]:
            best = (k, km, s)
    return best[0], best[1], scores


X = design(cust)
k, km, sil = choose_k(X, 42)
cust['segment'] = km.labels_
top_segment = cust.groupby('segment')['monetary'].mean().idxmax()
inside = cust['segment'] == top_segment
X2 = StandardScaler().fit_transform(X[inside.to_numpy()])
k2, km2, sil2 = choose_k(X2, 43)
cust['subsegment'] = pd.Series(km2.labels_, index=cust.index[inside]).reindex(cust.index)
profiles = cust.groupby('segment')[FEATURES].mean()
lap('segments')

# ------------------------------------------------------------------------------------------------ outputs
table = cust.join(summ[['expected_purchases_12m', 'p_alive', 'expected_spend_per_order', 'clv_12m']])
table.to_csv(out / 'customers.csv')
retention.to_csv(out / 'cohorts.csv')
summary = {
    'rowsRead': rows_read, 'duplicates': duplicates, 'customers': n, 'revenue': float(cust['monetary'].sum()),
    'rfm': rfm_table.reset_index().to_dict(orient='records'), 'retentionMonth1': float(retention[1].mean()), 'top10Share': float(top10),
    'clvWith': CLV_WITH,
    'bgnbd': {k: float(v) for k, v in bg_params.items()},
    'gammaGamma': dict(zip(['p', 'q', 'v'], map(float, gg_params))),
    'clv12m': float(summ['clv_12m'].sum()),
    'segments': {'k': int(k), 'silhouette': {str(kk): float(s) for kk, s in sil.items()}, 'sizes': cust['segment'].value_counts().sort_index().tolist(),
                 'profiles': profiles.reset_index().to_dict(orient='records'),
                 'second': {'parent': int(top_segment), 'k': int(k2), 'silhouette': {str(kk): float(s) for kk, s in sil2.items()}}},
}
(out / 'summary.json').write_text(json.dumps(summary, indent=2, default=float))
lap('outputs')

print(json.dumps({'stages': STAGES, 'total': round(sum(STAGES.values()), 4), 'customers': n, 'k': int(k), 'k2': int(k2),
                  'clvWith': CLV_WITH, 'bgnbd': {kk: round(float(vv), 4) for kk, vv in bg_params.items()}, 'gg': [round(float(x), 4) for x in gg_params]}))
