"""Reference for bench/analyze.ts: the notebook an analyst writes with pandas for the same cleaning,
customer features, RFM and cohort tables that `clientele analyze` produces. Run with Debian's python3."""
import sys
import time

import numpy as np
import pandas as pd

t0 = time.perf_counter()
path = sys.argv[1]
df = pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str}, encoding="utf-8")
df["InvoiceDate"] = pd.to_datetime(df["InvoiceDate"], format="%Y-%m-%d %H:%M:%S")
rows = len(df)
df = df.drop_duplicates()
dups = rows - len(df)
df["amount"] = df["Quantity"] * df["UnitPrice"]
df["is_cancel"] = df["InvoiceNo"].str.match(r"^[Cc]\d") | (df["Quantity"] < 0)
non_product_codes = {"POST", "DOT", "M", "C2", "BANK CHARGES", "AMAZONFEE", "CRUK", "D", "S", "PADS", "B", "ADJUST", "ADJUST2"}
df["non_product"] = df["StockCode"].str.upper().isin(non_product_codes) | df["StockCode"].str.lower().str.startswith("gift_") | df["Description"].str.contains(
    "postage|carriage|manual|bank charges|amazon fee|adjust bad debt|commission", case=False, na=False
)
df["bad_price"] = ~df["is_cancel"] & (df["UnitPrice"] <= 0)
lines = df[df["CustomerID"].notna() & ~df["bad_price"] & ~df["non_product"]].copy()
lines["CustomerID"] = lines["CustomerID"].astype("int64")
sales = lines[~lines["is_cancel"]]
as_of = sales["InvoiceDate"].max().normalize() + pd.Timedelta(days=1)

g = sales.groupby("CustomerID")
cust = pd.DataFrame(
    {
        "first": g["InvoiceDate"].min(),
        "last": g["InvoiceDate"].max(),
        "frequency": g["InvoiceNo"].nunique(),
        "gross": g["amount"].sum(),
        "items": g["Quantity"].sum(),
        "products": g["StockCode"].nunique(),
        "country": g["Country"].agg(lambda s: s.mode().iat[0]),
    }
)
returns = lines[lines["is_cancel"]].groupby("CustomerID")["amount"].sum()
cust["returns"] = returns.reindex(cust.index).fillna(0)
cust["monetary"] = cust["gross"] + cust["returns"]
cust["recency"] = (as_of - cust["last"].dt.normalize()).dt.days
cust["aov"] = cust["gross"] / cust["frequency"]
weekend = sales[sales["InvoiceDate"].dt.dayofweek >= 5].groupby("CustomerID")["InvoiceNo"].nunique()
cust["weekend_share"] = weekend.reindex(cust.index).fillna(0) / cust["frequency"]

n = len(cust)
def score(values, ascending=True):
    r = values.rank(method="min", ascending=ascending)
    return (1 + np.floor(5 * (r - 1) / n)).astype(int)

cust["R"] = score(cust["recency"], ascending=False)
cust["F"] = score(cust["frequency"])
cust["M"] = score(cust["monetary"])
grid = {
    5: ["New", "Potential Loyalists", "Potential Loyalists", "Loyal", "Champions"],
    4: ["Promising", "Potential Loyalists", "Potential Loyalists", "Loyal", "Champions"],
    3: ["About to Sleep", "About to Sleep", "Need Attention", "Loyal", "Loyal"],
    2: ["Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"],
    1: ["Lost", "Lost", "At Risk", "Can't Lose Them", "Can't Lose Them"],
}
cust["segment"] = [grid[r][f - 1] for r, f in zip(cust["R"], cust["F"])]
segments = cust.groupby("segment").agg(customers=("R", "size"), revenue=("monetary", "sum"), recency=("recency", "mean"), frequency=("frequency", "mean"))

sales = sales.assign(month=sales["InvoiceDate"].dt.to_period("M"))
first_month = sales.groupby("CustomerID")["month"].min().rename("cohort")
act = sales.join(first_month, on="CustomerID").groupby(["cohort", "month"]).agg(customers=("CustomerID", "nunique"), revenue=("amount", "sum")).reset_index()
act["k"] = (act["month"] - act["cohort"]).apply(lambda d: d.n)
retention = act.pivot(index="cohort", columns="k", values="customers")
retention = retention.div(retention[0], axis=0)
top10 = cust["monetary"].clip(lower=0).sort_values(ascending=False)
share10 = top10.iloc[: round(0.1 * n)].sum() / top10.sum()

cust.to_csv(sys.argv[2] if len(sys.argv) > 2 else "/dev/null")
elapsed = time.perf_counter() - t0
print(f"pandas customers={n} duplicates={dups} champions={segments.loc['Champions', 'customers']} m1={retention[1].mean():.3f} top10={share10:.3f} seconds={elapsed:.3f}")
