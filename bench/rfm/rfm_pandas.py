"""RFM in pandas, the way an analyst's notebook computes it, with cimkit's
definitions: rows sharing (customer, order) are one order dated by its
earliest row; orders with a positive total count in frequency; refunds
(negative totals) reduce monetary; orders after the as-of day are left out;
customers without a positive order are left out; recency is whole days from
the last positive order to the as-of day; scores are numpy type-7 ("linear")
quantile breaks, right-closed (pandas qcut / R cut), recency reversed;
segments from the 5x5 R-by-F grid of cimkit's default table.

usage: rfm_pandas.py orders.csv ASOF(YYYY-MM-DD) BINS out.csv
"""
import sys
import time

import numpy as np
import pandas as pd

GRID = {  # (r, f) -> segment, cimkit's default table
    5: ["New", "Potential Loyalist", "Potential Loyalist", "Champions", "Champions"],
    4: ["Promising", "Potential Loyalist", "Potential Loyalist", "Loyal", "Loyal"],
    3: ["About to Sleep", "About to Sleep", "Need Attention", "Loyal", "Loyal"],
    2: ["Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose"],
    1: ["Lost", "Lost", "At Risk", "At Risk", "Can't Lose"],
}


def scores(values, bins, reverse):
    x = values.astype("float64")
    probs = np.arange(bins + 1) / bins
    breaks = np.quantile(x, probs)  # method="linear" = R type 7
    s = np.searchsorted(breaks[1:bins], x, side="left") + 1
    return (bins + 1 - s) if reverse else s


def main():
    path, asof, bins, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    t0 = time.perf_counter()
    df = pd.read_csv(path, dtype={"customer_id": str, "order_id": str, "amount": "float64"})
    df["cents"] = (df["amount"] * 100).round().astype("int64")
    df["day"] = pd.to_datetime(df["created_at"], format="%Y-%m-%d %H:%M:%S").values.astype("datetime64[D]").astype("int64")
    asof_day = np.datetime64(asof, "D").astype("int64")
    orders = df.groupby(["customer_id", "order_id"], sort=False).agg(day=("day", "min"), cents=("cents", "sum")).reset_index()
    orders = orders[orders["day"] <= asof_day]
    pos = orders[orders["cents"] > 0]
    per = pos.groupby("customer_id", sort=False).agg(frequency=("cents", "size"), last=("day", "max"))
    net = orders.groupby("customer_id", sort=False)["cents"].sum()
    per["monetary"] = net.reindex(per.index)
    per["recency_days"] = asof_day - per["last"]
    per["r"] = scores(per["recency_days"].to_numpy(), bins, True)
    per["f"] = scores(per["frequency"].to_numpy(), bins, False)
    per["m"] = scores(per["monetary"].to_numpy(), bins, False)
    if bins == 5:
        lut = np.array([[GRID[r][f - 1] for f in range(1, 6)] for r in range(1, 6)], dtype=object)
        per["segment"] = lut[per["r"].to_numpy() - 1, per["f"].to_numpy() - 1]
    else:
        per["segment"] = ""
    per["monetary"] = per["monetary"].map(lambda c: "%s%d.%02d" % ("-" if c < 0 else "", abs(c) // 100, abs(c) % 100))
    per.reset_index()[["customer_id", "recency_days", "frequency", "monetary", "r", "f", "m", "segment"]].to_csv(out, index=False)
    print("pandas seconds %.3f" % (time.perf_counter() - t0))


if __name__ == "__main__":
    main()
