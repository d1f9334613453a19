#!/usr/bin/python3
"""Independent recomputation of clientele's cleaning and headline figures (issue 9, item 9).

Run with the system Python (Debian pandas 1.5.3):

    /usr/bin/python3 scripts/crosscheck/recompute.py CASE.json [--out expected.json]

CASE.json is the *true* format of one file, written by whoever made the file (see cases.json):

    {"name": "...", "file": "tests/fixtures/shapes/x.csv", "shape": "order-log",
     "read": {"delimiter": ";", "header": true, "columns": null, "encoding": "utf-8"},
     "numbers": {"decimal": ",", "thousands": ".", "currency": "EUR", "marks": ["€", "EUR"]},
     "dates": {"format": "%d.%m.%Y"},
     "roles": {"customer": "...", "date": "...", "order": null, "quantity": "...", "price": "...",
               "amount": null, "status": null, "product": null, "description": null},
     "asOf": null, "cli": ["--as-of", "..."]}

Nothing here asks clientele (or reuses its detection): the file's delimiter, number format and roles are given,
and every rule is re-implemented from docs/cleaning.md and docs/rfm.md with pandas, so that a disagreement
with the CLI points at one side's reading of the spec.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]

# docs/cleaning.md §5.2: a description that is *wholly* one of these (or several joined by & / and) is a fee line.
FEE_WORDS = [
    'postage', 'carriage', 'shipping', 'delivery', 'freight', 'handling', 'manual', 'discount', 'fee', 'fees',
    'service charge', 'bank charges', 'commission', 'adjustment', 'samples', 'tip', 'surcharge',
]
_word = '(?:' + '|'.join(re.escape(w).replace(r'\ ', r'\s+') for w in sorted(FEE_WORDS, key=len, reverse=True)) + ')'
FEE_DESCRIPTION = re.compile(r'^\s*' + _word + r'(?:\s*(?:&|\band\b)\s*' + _word + r')*\s*$', re.IGNORECASE)

# docs/rfm.md default map: rows R = 5..1, columns F = 1..5. M does not move customers.
RF_MAP = {
    5: ['New', 'Potential Loyalists', 'Potential Loyalists', 'Loyal', 'Champions'],
    4: ['Promising', 'Potential Loyalists', 'Potential Loyalists', 'Loyal', 'Champions'],
    3: ['About to Sleep', 'About to Sleep', 'Need Attention', 'Loyal', 'Loyal'],
    2: ['Hibernating', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose Them"],
    1: ['Lost', 'Lost', 'At Risk', "Can't Lose Them", "Can't Lose Them"],
}
SEGMENTS = sorted({s for row in RF_MAP.values() for s in row})

# docs/cleaning.md §9: below this many identified customers concentration is not computed.
MIN_CUSTOMERS_FOR_CONCENTRATION = 50


# ---------------------------------------------------------------------------------------------- reading


def read_raw(case: dict) -> tuple[pd.DataFrame, int]:
    """All fields as text, exactly as exported; returns the data rows and how many all-blank rows were skipped."""
    path = ROOT / case['file']
    r = case.get('read', {})
    kw = dict(dtype=str, keep_default_na=False, na_filter=False, encoding=r.get('encoding', 'utf-8'),
              compression='infer')
    header = r.get('header', True)
    names = r.get('columns')
    if r.get('delimiter') == 'whitespace':
        kw['delim_whitespace'] = True
    else:
        kw['sep'] = r.get('delimiter', ',')
        kw['quotechar'] = '"'
    if header:
        df = pd.read_csv(path, header=0, **kw)
    else:
        df = pd.read_csv(path, header=None, names=names, **kw)
    # Unnamed, wholly empty trailing columns (spreadsheet exports) carry nothing; a row is blank when every
    # field is blank, whatever the number of columns.
    blank = df.apply(lambda c: c.str.strip() == '').all(axis=1)
    n_blank = int(blank.sum())
    df = df.loc[~blank].reset_index(drop=True)
    if names and '_' in names:
        df = df.drop(columns=[c for c in df.columns if c == '_' or str(c).startswith('_.')])
    return df, n_blank


def number_parser(spec: dict):
    """A parser for one file's true number format; a value outside that format is an error in the fixture."""
    dec = spec.get('decimal', '.')
    ths = spec.get('thousands')
    ths = [ths] if isinstance(ths, str) else list(ths or [])
    marks = sorted(spec.get('marks') or [], key=len, reverse=True)
    g = '|'.join(re.escape(t) for t in ths)
    grouped = rf'\d{{1,3}}(?:(?:{g})\d{{3}})+' if ths else None
    body = rf'(?:{grouped}|\d+)' if grouped else r'\d+'
    strict = re.compile(rf'^(?:{body}(?:{re.escape(dec)}\d*)?|{re.escape(dec)}\d+)$')

    def strip_marks(s: str) -> str:
        for m in marks:
            if s.startswith(m):
                return s[len(m):].strip()
            if s.endswith(m):
                return s[: -len(m)].strip()
        return s

    def parse(v: str) -> float:
        s = v.strip()
        if s == '':
            return math.nan
        neg = False
        if s.startswith('(') and s.endswith(')'):
            neg, s = True, s[1:-1].strip()
        for _ in range(2):  # "-$12.50" and "$-12.50" and "12,50 EUR-"
            if s.startswith('-'):
                neg, s = not neg, s[1:].strip()
            if s.endswith('-'):
                neg, s = not neg, s[:-1].strip()
            s = strip_marks(s)
        pct = s.endswith('%')
        if pct:
            s = s[:-1].strip()
        if not strict.match(s):
            raise ValueError(f'{v!r} is not a number in the declared format (decimal {dec!r}, thousands {ths})')
        for t in ths:
            s = s.replace(t, '')
        x = float(s.replace(dec, '.'))
        if pct:
            x /= 100
        return -x if neg else x

    def column(col: pd.Series) -> pd.Series:
        uniq = {u: parse(u) for u in col.unique()}
        return col.map(uniq).astype(float)

    return column


def customer_ids(col: pd.Series) -> pd.Series:
    """Trimmed; '17850.0' is the same customer as '17850' (float-formatted exports)."""
    s = col.str.strip()
    s = s.str.replace(r'^(-?\d+)\.0+$', r'\1', regex=True)
    return s.where(s != '', None)


# ---------------------------------------------------------------------------------------------- order logs


def order_log(case: dict) -> dict:
    df, n_blank = read_raw(case)
    roles = {k: v for k, v in case['roles'].items() if v}
    num = number_parser(case.get('numbers', {}))
    out: dict = {'rowsRead': int(len(df)), 'blankRowsSkipped': n_blank}

    # §3 duplicates: an exact repeat is a duplicate only when lines carry an order id.
    if 'order' in roles:
        dup = df.duplicated(keep='first')
        out['duplicates'] = int(dup.sum())
        df = df.loc[~dup].reset_index(drop=True)
    else:
        out['duplicates'] = 0

    ts = pd.to_datetime(df[roles['date']].str.strip(), format=case['dates']['format'], errors='coerce')
    bad_dates = df[roles['date']].str.strip().ne('') & ts.isna()
    if bad_dates.any():
        raise ValueError(f"dates not in {case['dates']['format']}: {df.loc[bad_dates, roles['date']].head(3).tolist()}")

    minimal = 'amount' not in roles and 'price' not in roles
    qty = num(df[roles['quantity']]) if 'quantity' in roles else pd.Series(1.0, index=df.index)
    price = num(df[roles['price']]) if 'price' in roles else None
    if 'amount' in roles:
        amount = num(df[roles['amount']])
    elif price is not None:
        amount = qty * price
    else:
        amount = pd.Series(np.nan, index=df.index)
    if price is None:
        with np.errstate(divide='ignore', invalid='ignore'):
            unit = amount / qty.where(qty != 0)
    else:
        unit = price

    lines = pd.DataFrame({
        'customer': customer_ids(df[roles['customer']]),
        'ts': ts,
        'day': ts.dt.normalize(),
        'quantity': qty,
        'unit': unit,
        'amount': amount,
    })
    if 'order' in roles:
        o = df[roles['order']].str.strip()
        lines['order'] = o.where(o != '', None)
    else:
        # §5: without an order column, an order is one customer at one timestamp.
        lines['order'] = np.where(lines['customer'].notna(),
                                  lines['customer'].fillna('') + '|' + ts.astype(str), None)
    if 'product' in roles:
        code = df[roles['product']].str.strip()
        lines['product'] = code.where(code != '', None)
    else:
        lines['product'] = None
    lines['description'] = df[roles['description']] if 'description' in roles else None
    lines['status'] = df[roles['status']] if 'status' in roles else None

    # §4 window: lines after --as-of are cut before anything else is computed.
    as_of = pd.Timestamp(case['asOf']) if case.get('asOf') else None
    if as_of is not None:
        after = lines['day'] > as_of
        out['cutAfterAsOf'] = int(after.sum())
        lines = lines.loc[~after]
    else:
        out['cutAfterAsOf'] = 0

    # §5 missing date or amount: removed (a minimal log has no amounts to miss).
    missing = lines['ts'].isna() | (False if minimal else lines['amount'].isna())
    out['missingRemoved'] = int(missing.sum())
    lines = lines.loc[~missing].copy()
    if as_of is None:
        as_of = lines['day'].max()
    snapshot = as_of + pd.Timedelta(days=1)
    out['asOf'] = as_of.strftime('%Y-%m-%d')
    out['snapshot'] = snapshot.strftime('%Y-%m-%d')

    # §5 flags.
    if 'order' in roles:
        by_invoice = lines['order'].fillna('').str.match(r'^[Cc][0-9]')
    else:
        by_invoice = pd.Series(False, index=lines.index)
    lines['return'] = by_invoice | (lines['quantity'] < 0)
    if 'status' in roles:
        st = lines['status'].fillna('').str.lstrip().str.lower()
        lines['status_cancel'] = st.str.match(r'^(cancel|return|refund|void)')
    else:
        lines['status_cancel'] = False
    sale_like = ~(lines['return'] | lines['status_cancel'])
    if minimal:
        lines['bad_price'] = False
    else:
        good = (lines['unit'] > 0) & (lines['amount'] > 0)  # NaN compares False: missing is bad
        lines['bad_price'] = sale_like & ~good

    off_pattern_codes: list[str] = []
    non_product = pd.Series(False, index=lines.index)
    if 'product' in roles:
        codes = pd.Series(lines['product'].dropna().unique(), dtype=object)
        has_digit = codes.str.contains(r'\d')
        if len(codes) and has_digit.mean() >= 0.8:
            off_pattern_codes = sorted(codes[~has_digit].tolist())
            non_product |= lines['product'].isin(off_pattern_codes)
    fee_descriptions: list[str] = []
    if 'description' in roles:
        d = lines['description'].fillna('')
        uniq = pd.Series(d.unique(), dtype=object)
        fee = uniq[uniq.map(lambda s: bool(FEE_DESCRIPTION.match(s)))]
        fee_descriptions = sorted(fee.tolist())
        non_product |= d.isin(fee_descriptions)
    if case.get('keepNonProduct'):
        non_product[:] = False
    lines['non_product'] = non_product
    np_lines = lines.loc[non_product]
    out['nonProduct'] = {
        'lines': int(non_product.sum()),
        'codes': off_pattern_codes,
        'descriptions': fee_descriptions,
        'revenue': None if minimal else float(np_lines['amount'].sum()),
    }
    out['flags'] = {
        'missingCustomer': int(lines['customer'].isna().sum()),
        'returns': int(lines['return'].sum()),
        'statusCancelled': int(lines['status_cancel'].sum()),
        'badPrice': int(lines['bad_price'].sum()),
    }

    # §5/§6: lines kept for customer analytics (returns and cancelled-status lines included).
    analytic = lines['customer'].notna() & ~lines['bad_price'] & ~lines['non_product']
    out['linesKept'] = int(analytic.sum())

    # §6 all lines: any customer or none; orders are the distinct orders of their sale lines.
    al = lines.loc[~lines['bad_price'] & ~lines['non_product'] & ~lines['status_cancel']]
    al_sales = al.loc[~al['return']]
    out['allLines'] = {
        'lines': int(len(al)),
        'orders': int(al_sales['order'].dropna().nunique()),
        'revenue': None if minimal else float(al['amount'].sum()),
    }

    # §6 identified customers: at least one sale line; monetary = sales + that customer's returns.
    an = lines.loc[analytic]
    sales = an.loc[~an['return'] & ~an['status_cancel']]
    rets = an.loc[an['return']]
    cust = sales.groupby('customer').agg(first=('day', 'min'), last=('day', 'max'), frequency=('order', 'nunique'),
                                         sales=('amount', 'sum'))
    returned = rets.groupby('customer')['amount'].sum()
    cust['monetary'] = cust['sales'] + returned.reindex(cust.index).fillna(0.0)
    cust['recency'] = (snapshot - cust['last']).dt.days
    orphan = rets.loc[~rets['customer'].isin(cust.index)]
    out['identified'] = {
        'customers': int(len(cust)),
        'orders': int(sales['order'].nunique()),
        'revenue': None if minimal else float(cust['monetary'].sum()),
    }
    out['orphanReturns'] = {'lines': int(len(orphan)), 'revenue': None if minimal else float(orphan['amount'].sum())}

    out['rfm'] = rfm_segments(cust)
    months = cust['first'].dt.strftime('%Y-%m')
    sizes = months.value_counts().sort_index()
    out['cohorts'] = {'cohorts': sizes.index.tolist(), 'sizes': [int(x) for x in sizes.values]}
    enough = len(cust) >= MIN_CUSTOMERS_FOR_CONCENTRATION
    out['gini'] = gini(cust['monetary'].to_numpy()) if enough and not minimal else None
    out['customersCsv'] = {
        'rows': int(len(cust)),
        'monetarySum': out['identified']['revenue'],
        'frequencySum': int(cust['frequency'].sum()),
        # Pins the snapshot convention (as-of + 1 day), which the scores alone cannot: ranks ignore a shift.
        'recencyDaysSum': int(cust['recency'].sum()),
    }
    # The recompute's own invariants: a broken one is a bug here, not a disagreement with clientele.
    assert sum(out['rfm'].values()) == len(cust)
    assert sum(out['cohorts']['sizes']) == len(cust)
    assert out['gini'] is None or 0 <= out['gini'] <= 1
    assert out['linesKept'] <= len(lines) and out['identified']['orders'] <= out['allLines']['orders']
    return out


def scores(values: np.ndarray, better_when_larger: bool) -> np.ndarray:
    """1 + floor(5 × share of customers with a strictly worse value), ties sharing a score (docs/rfm.md)."""
    n = len(values)
    v = np.asarray(values, dtype=float)
    key = v if better_when_larger else -v
    order = np.sort(key)
    worse = np.searchsorted(order, key, side='left')  # count strictly smaller key = strictly worse
    return 1 + (5 * worse) // n


def rfm_segments(cust: pd.DataFrame) -> dict[str, int]:
    counts = {s: 0 for s in SEGMENTS}
    if len(cust) == 0:
        return counts
    r = scores(cust['recency'].to_numpy(), better_when_larger=False)
    f = scores(cust['frequency'].to_numpy(), better_when_larger=True)
    for ri, fi in zip(r, f):
        counts[RF_MAP[int(ri)][int(fi) - 1]] += 1
    return counts


def gini(monetary: np.ndarray) -> float:
    """Gini of customers' revenue, negative nets counted as zero (§6): mean absolute difference / (2 × mean)."""
    x = np.sort(np.clip(np.asarray(monetary, dtype=float), 0, None))
    n = len(x)
    if n == 0 or x.sum() == 0:
        return 0.0
    i = np.arange(1, n + 1)
    return float((2 * np.sum(i * x)) / (n * x.sum()) - (n + 1) / n)


# ---------------------------------------------------------------------------------------------- customer tables


def customer_table(case: dict) -> dict:
    df, n_blank = read_raw(case)
    roles = case['roles']
    num = number_parser(case.get('numbers', {}))
    ids = customer_ids(df[roles['customer']])
    spend = num(df[roles['spend']])
    return {
        'rowsRead': int(len(df)),
        'blankRowsSkipped': n_blank,
        'customers': int(ids.nunique()),
        'totalSpend': float(spend.sum()),
    }


def recompute(case: dict) -> dict:
    figures = customer_table(case) if case.get('shape') == 'customer-table' else order_log(case)
    return {
        'name': case['name'],
        'file': case['file'],
        'shape': case.get('shape', 'order-log'),
        'cli': case.get('cli', []),
        'currency': case.get('numbers', {}).get('currency'),
        **figures,
        'truth': {k: case[k] for k in ('read', 'numbers', 'dates', 'roles', 'asOf') if k in case},
    }


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('case', help='JSON file with one case, or a list of cases (then --name picks one)')
    p.add_argument('--name')
    p.add_argument('--out')
    a = p.parse_args(argv)
    cases = json.loads(Path(a.case).read_text())
    if isinstance(cases, list):
        cases = [c for c in cases if c['name'] == a.name] if a.name else cases
        if len(cases) != 1:
            p.error('pick one case with --name')
        cases = cases[0]
    result = recompute(cases)
    text = json.dumps(result, indent=2, ensure_ascii=False) + '\n'
    if a.out:
        Path(a.out).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
