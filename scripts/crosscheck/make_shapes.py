#!/usr/bin/python3
"""Write the small input files of tests/fixtures/shapes/ (seeded: the same bytes on every run).

    /usr/bin/python3 scripts/crosscheck/make_shapes.py

Each file is an export shape clientele must read without being told its format. Their true formats are in
scripts/crosscheck/cases.json (given to recompute.py) and tests/fixtures/shapes/README.md.
Only the standard library is used, so the bytes do not depend on a pandas or numpy version.
"""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / 'tests' / 'fixtures' / 'shapes'

# Products with digit-bearing codes (the dominant pattern); a few prices above 1,000 so thousands separators appear.
PRODUCTS = [
    ('10002', 'INFLATABLE POLITICAL GLOBE', 0.85), ('20725', 'LUNCH BAG RED RETROSPOT', 1.65),
    ('21212', 'PACK OF 72 RETROSPOT CAKE CASES', 0.55), ('22423', 'REGENCY CAKESTAND 3 TIER', 12.75),
    ('47566', 'PARTY BUNTING', 4.95), ('84879', 'ASSORTED COLOUR BIRD ORNAMENT', 1.69),
    ('85123A', 'WHITE HANGING HEART T-LIGHT HOLDER', 2.55), ('85099B', 'JUMBO BAG RED RETROSPOT', 2.08),
    ('22086', "PAPER CHAIN KIT 50'S CHRISTMAS", 2.95), ('23084', 'RABBIT NIGHT LIGHT', 2.08),
    ('22197', 'SMALL POPCORN HOLDER', 0.85), ('84077', 'WORLD WAR 2 GLIDERS ASSTD DESIGNS', 0.29),
    ('90210A', 'OAK DINING TABLE', 1050.00), ('90211B', 'WALNUT SIDEBOARD', 1234.50),
    ('71053', 'WHITE METAL LANTERN', 3.39), ('21730', 'GLASS STAR FROSTED T-LIGHT HOLDER', 4.25),
]

# Real products whose names contain fee words, and true fee lines (docs/cleaning.md §5).
CATALOGUE_PRODUCTS = [
    ('30101', 'A4 Manual Binding Machine', 89.90), ('30102', 'Free Shipping Sample Pack', 4.50),
    ('30103', 'Discount Card Holder', 2.95), ('30104', 'Fee Schedule Binder', 6.40),
    ('30105', 'Delivery Note Book', 3.10), ('30106', 'Handling Gloves (pair)', 5.25),
    ('30107', 'Postage Scale 5kg', 24.00), ('30108', 'Commission Ledger', 7.80),
    ('30109', 'Manual Pencil Sharpener', 3.60), ('30110', 'Samples Display Case', 19.99),
    ('30111', 'Tip Top Stapler', 8.45), ('30112', 'Freight Label Roll', 11.20),
]
# (code, description, price): POST breaks the digit-code pattern; 90001/90002 are digit codes whose description is
# wholly a fee word, so only the description rule can catch them.
FEE_LINES = [('POST', 'Postage', 18.00), ('90001', 'Shipping', 6.95), ('90002', 'Shipping & Handling', 9.50)]


def simulate(rng: random.Random, customers: int, start: dt.date, end: dt.date, mean_orders: float,
             products=PRODUCTS, lines_per_order=(1, 4), first_invoice=500000):
    """Orders of a population: each customer's first order falls in the window, then repeats at random gaps."""
    span = (end - start).days
    orders = []
    invoice = first_invoice
    for c in range(customers):
        cid = 12000 + c * 7
        first = start + dt.timedelta(days=rng.randrange(span))
        n = max(1, int(rng.expovariate(1 / mean_orders)) + 1)
        d = first
        for _ in range(n):
            if d > end:
                break
            invoice += 1
            k = rng.randint(*lines_per_order)
            picks = rng.sample(products, k)
            when = dt.datetime.combine(d, dt.time(rng.randrange(8, 20), rng.randrange(60)))
            orders.append({'invoice': str(invoice), 'customer': str(cid), 'ts': when,
                           'lines': [(code, desc, rng.choice([1, 2, 3, 4, 6, 12]), price) for code, desc, price in picks]})
            d = d + dt.timedelta(days=rng.randint(5, 60))
    orders.sort(key=lambda o: (o['ts'], o['invoice']))
    return orders


def line_rows(rng: random.Random, orders, returns=0.06, anonymous=0.05, duplicates=4, free=2):
    """Flatten orders into lines, adding 'C' returns, lines without a customer, exact duplicates and free lines."""
    rows = []
    for o in orders:
        cust = '' if rng.random() < anonymous else o['customer']
        for code, desc, qty, price in o['lines']:
            rows.append([o['invoice'], code, desc, qty, o['ts'], price, cust])
        if cust and rng.random() < returns:
            code, desc, qty, price = o['lines'][0]
            rows.append(['C' + o['invoice'], code, desc, -min(qty, 2), o['ts'] + dt.timedelta(days=3, hours=1), price, cust])
    for i in rng.sample(range(len(rows)), free):
        rows[i] = rows[i][:5] + [0.0] + rows[i][6:]
    for i in sorted(rng.sample(range(len(rows)), duplicates), reverse=True):
        rows.insert(i + 1, list(rows[i]))
    rows.sort(key=lambda r: (r[4], r[0]))
    return rows


def european(x: float, decimals=2) -> str:
    """1050.0 -> '1.050,00'."""
    s = f'{x:,.{decimals}f}'
    return s.replace(',', '\0').replace('.', ',').replace('\0', '.')


def write(name: str, text: str) -> None:
    path = OUT / name
    if name.endswith('.gz'):
        # mtime=0 and no file name in the header: the bytes depend only on the content.
        buf = io.BytesIO()
        with gzip.GzipFile(filename='', mode='wb', fileobj=buf, mtime=0) as g:
            g.write(text.encode('utf-8'))
        path.write_bytes(buf.getvalue())
    else:
        path.write_text(text, encoding='utf-8', newline='')
    size = path.stat().st_size
    assert size < 200_000, f'{name} is {size} bytes'
    print(f'{name}: {size:,} bytes')


def csv_text(header, rows, delimiter=',') -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator='\n')
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    header = ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country']

    # (a) and (b): one European log, written twice, differing only in the number format.
    rng = random.Random(9001)
    orders = simulate(rng, 70, dt.date(2023, 1, 1), dt.date(2023, 12, 31), 3)
    rows = line_rows(rng, orders)
    countries = ['Germany', 'France', 'Belgium', 'Netherlands', 'Austria']
    country_of = {}
    a_rows, b_rows = [], []
    for inv, code, desc, qty, ts, price, cust in rows:
        country = country_of.setdefault(cust, rng.choice(countries))
        date = ts.strftime('%d.%m.%Y')
        a_rows.append([inv, code, desc, str(qty), date, european(price), cust, country])
        b_rows.append([inv, code, desc, str(qty), date, f'{price:,.2f}', cust, country])
    write('european-semicolon.csv', csv_text(header, a_rows, ';'))
    write('european-decimal-point.csv', csv_text(header, b_rows, ';'))

    # (c) currency-formatted line totals, returns in parentheses. One currency per file.
    rng = random.Random(9002)
    orders = simulate(rng, 60, dt.date(2022, 3, 1), dt.date(2023, 2, 28), 3)
    rows = line_rows(rng, orders, duplicates=0)
    usd, eur = [], []
    for inv, code, desc, qty, ts, price, cust in rows:
        total = qty * price
        neg = total < 0
        # A refund carries the original order number; its negative quantity marks it as a return.
        inv = inv.lstrip('C')
        money_usd = f'(${abs(total):,.2f})' if neg else f'${total:,.2f}'
        money_eur = f'({european(abs(total))} EUR)' if neg else f'{european(total)} EUR'
        usd.append([inv, cust, ts.strftime('%Y-%m-%d'), code, desc, str(qty), money_usd])
        eur.append([inv, cust, ts.strftime('%Y-%m-%d'), code, desc, str(qty), money_eur])
    h = ['Order Number', 'Customer ID', 'Order Date', 'SKU', 'Product Name', 'Qty', 'Line Total']
    write('currency-usd.csv', csv_text(h, usd))
    write('currency-eur.csv', csv_text(h, eur, ';'))

    # (d) a log of ids and timestamps only, laid out like lifetimes' example transactions (date,id).
    rng = random.Random(9003)
    out = []
    for i in range(150):
        t = dt.datetime(2014, 1, 1) + dt.timedelta(seconds=rng.randrange(86400 * 60))
        for _ in range(1 + int(rng.expovariate(1 / 3))):
            out.append((t, i))
            t += dt.timedelta(days=rng.expovariate(1 / 20), seconds=rng.randrange(86400))
            if t >= dt.datetime(2014, 12, 31):
                break
    out.sort()
    write('date-id.csv', 'date,id\n' + ''.join(f'{t:%Y-%m-%d %H:%M:%S},{i}\n' for t, i in out))

    # (e) headerless whitespace, CDNOW-like, no order id; some identical lines are separate purchases.
    rng = random.Random(9004)
    out = []
    for c in range(1, 121):
        d = dt.date(1997, 1, 1) + dt.timedelta(days=rng.randrange(90))
        for _ in range(1 + int(rng.expovariate(1 / 2.5))):
            qty = rng.choice([1, 1, 1, 2, 3])
            amount = round(qty * rng.choice([11.77, 12.00, 13.97, 14.96, 15.99]), 2)
            out.append((c, d, qty, amount))
            if rng.random() < 0.12:
                out.append((c, d, qty, amount))  # bought the same again the same day: a real second purchase
            d += dt.timedelta(days=rng.randint(1, 200))
            if d > dt.date(1998, 6, 30):
                break
    out.sort(key=lambda r: (r[0], r[1]))
    write('whitespace-no-order.txt', ''.join(f' {c:05d} {d:%Y%m%d} {q:2d} {a:8.2f}\n' for c, d, q, a in out))

    # (f) a status column: Completed / Cancelled / Returned.
    rng = random.Random(9005)
    orders = simulate(rng, 80, dt.date(2023, 9, 1), dt.date(2024, 8, 31), 2.5, lines_per_order=(1, 2), first_invoice=70000)
    out = []
    for o in orders:
        status = rng.choices(['Completed', 'Cancelled', 'Returned'], [0.78, 0.15, 0.07])[0]
        for code, desc, qty, price in o['lines']:
            out.append([o['invoice'], o['customer'], o['ts'].strftime('%Y-%m-%d'), code, str(qty), f'{price:.2f}',
                        f'{qty * price:.2f}', status])
    write('status-cancellations.csv', csv_text(['Order ID', 'Customer ID', 'Order Date', 'SKU', 'Quantity', 'Unit Price',
                                                'Total Price', 'Order Status'], out))

    # (g) four years, ~800 customers, heavy repeat buyers who rarely drop out: one line per order.
    rng = random.Random(9006)
    out = []
    inv = 200000
    for c in range(800):
        cid = 1 + c
        t = dt.date(2019, 1, 1) + dt.timedelta(days=int(rng.betavariate(1, 3) * 1200))
        rate = rng.gammavariate(1.5, 1 / 200)  # orders per day: a few buy every week or two
        spend = rng.gammavariate(4, 15)
        while t <= dt.date(2022, 12, 31):
            inv += 1
            out.append((t, inv, cid, round(spend * rng.gammavariate(6, 1 / 6), 2)))
            if rng.random() < 0.02:  # low dropout
                break
            t += dt.timedelta(days=max(1, int(rng.expovariate(rate))))
    out.sort()
    write('multi-year.csv.gz', 'order_id,customer_id,order_date,amount\n'
          + ''.join(f'{i},{c},{t:%Y-%m-%d},{a:.2f}\n' for t, i, c, a in out))

    # (h) a catalogue with fee words inside product names, plus true fee lines.
    rng = random.Random(9007)
    orders = simulate(rng, 60, dt.date(2024, 1, 1), dt.date(2024, 12, 31), 3, products=CATALOGUE_PRODUCTS)
    for o in orders:
        if rng.random() < 0.3:
            code, desc, price = rng.choice(FEE_LINES)
            o['lines'].append((code, desc, 1, price))
    rows = line_rows(rng, orders, duplicates=2)
    out = [[inv, code, desc, str(qty), ts.strftime('%Y-%m-%d %H:%M'), f'{price:.2f}', cust, 'United Kingdom']
           for inv, code, desc, qty, ts, price, cust in rows]
    write('catalogue-fee-words.csv', csv_text(header, out))

    # (i) three customers.
    write('tiny.csv', csv_text(['order_id', 'customer_id', 'order_date', 'amount'], [
        ['1001', 'A', '2024-03-01', '20.00'], ['1002', 'B', '2024-03-02', '35.50'], ['1003', 'A', '2024-03-15', '12.25'],
        ['1004', 'C', '2024-04-01', '99.99'], ['1005', 'B', '2024-04-20', '5.00'], ['1006', 'A', '2024-05-02', '40.00'],
    ]))


if __name__ == '__main__':
    main()
