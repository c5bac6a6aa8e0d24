"""Check that two RFM score files agree customer by customer.

usage: compare.py cimkit.csv pandas.csv
Exits 1 on any difference (missing customers, values, scores or segments).
"""
import sys

import pandas as pd


def main():
    a = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False).set_index("customer_id").sort_index()
    b = pd.read_csv(sys.argv[2], dtype=str, keep_default_na=False).set_index("customer_id").sort_index()
    if not a.index.equals(b.index):
        print("customer sets differ: %d vs %d, %d only in cimkit, %d only in pandas"
              % (len(a), len(b), len(a.index.difference(b.index)), len(b.index.difference(a.index))))
        sys.exit(1)
    cols = ["recency_days", "frequency", "monetary", "r", "f", "m", "segment"]
    bad = 0
    for c in cols:
        diff = a[c] != b[c]
        if diff.any():
            bad += int(diff.sum())
            print("%s differs for %d customers, e.g. %s: %r vs %r"
                  % (c, diff.sum(), diff.idxmax(), a.loc[diff.idxmax(), c], b.loc[diff.idxmax(), c]))
    if bad:
        sys.exit(1)
    print("identical: %d customers, columns %s" % (len(a), ",".join(cols)))


if __name__ == "__main__":
    main()
