#!/usr/bin/python3
"""scikit-learn parity and single-thread speed check for cimkit's segment.KMeans.

Run from the repository root with Debian's python3-sklearn:

    /usr/bin/python3 bench/segment/parity.py            # full: parity, quality, speed
    /usr/bin/python3 bench/segment/parity.py --quick    # CI: small parity + quality, < 60 s

It builds bench/segment/kmrun (a small Go program around segment.KMeans),
generates datasets (blobs, skewed RFM-like, heavy duplicates; d = 2..8,
k = 2..12) and checks:

  1. same initial centres, n_init=1: labels identical, inertia equal to
     1e-9 relative, same n_iter (sklearn algorithm="lloyd" vs cimkit
     "lloyd" and "elkan");
  2. own seeding: median over datasets of cimkit best-of-10 inertia divided
     by sklearn best-of-10 inertia is <= 1.005;
  3. speed (full mode only), one thread each (OMP_NUM_THREADS=1 and
     threadpoolctl for sklearn, GOMAXPROCS=1 for cimkit), same data, same
     initial centres, same tol and max_iter: best of R fits timed inside
     each process.

Exits non-zero if a parity or quality check fails.
"""
import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"

import argparse
import json
import subprocess
import sys
import tempfile
import time

import numpy as np
from sklearn.cluster import KMeans, kmeans_plusplus
from sklearn.datasets import make_blobs
from threadpoolctl import threadpool_limits

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def make_data(kind, n, d, k, seed):
    rng = np.random.RandomState(seed)
    if kind == "blobs":
        X, _ = make_blobs(n_samples=n, n_features=d, centers=k,
                          cluster_std=rng.uniform(0.8, 2.5), random_state=seed)
    elif kind == "rfm":
        # recency days, orders, money and further skewed behaviour columns
        freq = 1 + rng.poisson(rng.lognormal(0.5, 0.8, n))
        rec = np.minimum(rng.exponential(60, n) / np.sqrt(freq), 730).round()
        money = rng.lognormal(3.5, 1.0, n) * freq
        cols = [rec, freq.astype(float), money]
        while len(cols) < d:
            cols.append(rng.lognormal(1.0, 0.7, n))
        X = np.column_stack(cols[:d])
    elif kind == "dups":
        base, _ = make_blobs(n_samples=3 * k, n_features=d, centers=k, random_state=seed)
        X = base[rng.randint(0, len(base), n)]
        noisy = rng.rand(n) < 0.05
        X[noisy] += rng.normal(0, 1, (noisy.sum(), d))
    else:
        raise ValueError(kind)
    return np.ascontiguousarray(X, dtype=np.float64)


class Cimkit:
    def __init__(self, tmp):
        self.tmp = tmp
        self.bin = os.path.join(tmp, "kmrun")
        subprocess.run(["go", "build", "-o", self.bin, "./bench/segment/kmrun"], cwd=ROOT, check=True)

    def fit(self, X, k, init=None, n_init=1, seed=0, algorithm="elkan", tol=1e-4,
            max_iter=300, repeat=1, threads=None):
        xp = os.path.join(self.tmp, "x.f64")
        X.astype("<f8").tofile(xp)
        lp = os.path.join(self.tmp, "labels.i32")
        cmd = [self.bin, "-x", xp, "-n", str(X.shape[0]), "-d", str(X.shape[1]), "-k", str(k),
               "-n-init", str(n_init), "-seed", str(seed), "-algorithm", algorithm,
               "-tol", repr(tol), "-max-iter", str(max_iter), "-repeat", str(repeat), "-labels", lp]
        if init is not None:
            ip = os.path.join(self.tmp, "init.f64")
            np.ascontiguousarray(init, dtype="<f8").tofile(ip)
            cmd += ["-init", ip]
        env = dict(os.environ)
        if threads:
            env["GOMAXPROCS"] = str(threads)
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
        res = json.loads(out)
        res["labels"] = np.fromfile(lp, dtype="<i4")
        return res


def sk_fit(X, k, init, n_init=1, seed=0, algorithm="lloyd", tol=1e-4, max_iter=300, repeat=1):
    best, best_cpu = float("inf"), float("inf")
    with threadpool_limits(limits=1):
        for _ in range(repeat):
            km = KMeans(n_clusters=k, init=init, n_init=n_init, random_state=seed,
                        algorithm=algorithm, tol=tol, max_iter=max_iter)
            t0, c0 = time.perf_counter(), time.process_time()
            km.fit(X)
            best = min(best, time.perf_counter() - t0)
            best_cpu = min(best_cpu, time.process_time() - c0)
    return km, (best, best_cpu)


def parity_sets(quick):
    kinds = ["blobs", "rfm", "dups"]
    sets = []
    count = 9 if quick else 24
    for i in range(count):
        d = 2 + i % 7
        k = 2 + (i * 5) % 11
        n = (1500 if quick else 4000) + 500 * (i % 4)
        sets.append((kinds[i % 3], n, d, k, 100 + i))
    return sets


def check_parity(ck, quick):
    print("== parity: same initial centres, n_init=1 ==")
    print(f"{'dataset':<28} {'labels':>7} {'inertia rel diff':>17} {'n_iter sk/ck':>13}")
    ok = True
    for kind, n, d, k, seed in parity_sets(quick):
        X = make_data(kind, n, d, k, seed)
        init, _ = kmeans_plusplus(X, k, random_state=seed)
        sk, _ = sk_fit(X, k, init, algorithm="lloyd")
        for alg in ("lloyd", "elkan"):
            r = ck.fit(X, k, init=init, algorithm=alg)
            same = bool(np.array_equal(sk.labels_, r["labels"]))
            rel = abs(sk.inertia_ - r["inertia"]) / sk.inertia_
            good = same and rel <= 1e-9 and sk.n_iter_ == r["n_iter"]
            ok &= good
            name = f"{kind} n={n} d={d} k={k} {alg}"
            print(f"{name:<28} {'same' if same else 'DIFF':>7} {rel:>17.2e} {sk.n_iter_:>6}/{r['n_iter']:<6}"
                  + ("" if good else "  FAIL"))
    return ok


def check_quality(ck, quick):
    print("\n== quality: own seeding, best of 10, vs sklearn best of 10 ==")
    ratios = []
    kinds = ["blobs", "rfm", "dups"]
    count = 8 if quick else 20
    for i in range(count):
        kind, d, k = kinds[i % 3], 2 + (i * 3) % 7, 2 + (i * 7) % 11
        n = 1500 if quick else 5000
        X = make_data(kind, n, d, k, 500 + i)
        sk, _ = sk_fit(X, k, "k-means++", n_init=10, seed=i)
        r = ck.fit(X, k, n_init=10, seed=i)
        ratios.append(r["inertia"] / sk.inertia_)
        print(f"{kind:<6} n={n} d={d} k={k:<3} sklearn {sk.inertia_:.6g}  cimkit {r['inertia']:.6g}  ratio {ratios[-1]:.5f}")
    med = float(np.median(ratios))
    print(f"median ratio {med:.5f} (limit 1.005) over {len(ratios)} datasets")
    return med <= 1.005


def speed(max_n):
    print("\n== speed: one thread each, same data, init, tol=1e-4, max_iter=300 ==")
    print("CPU seconds (best of R), wall seconds in brackets; ratio = faster sklearn CPU / cimkit CPU")
    print("| n | d | k | data | n_iter | sklearn lloyd | sklearn elkan | cimkit | ratio |")
    print("|---|---|---|---|---|---|---|---|---|")
    rows = []
    for n in (n for n in (10_000, 100_000, 1_000_000) if n <= max_n):
        for d, k, kind in ((3, 4, "rfm"), (4, 8, "blobs"), (5, 10, "rfm")):
            X = make_data(kind, n, d, k, 7)
            if kind == "rfm":
                X = (np.log1p(X) - np.log1p(X).mean(0)) / np.log1p(X).std(0)
            init, _ = kmeans_plusplus(X, k, random_state=3)
            rep = 5 if n <= 100_000 else 2
            sk_l, t_l = sk_fit(X, k, init, algorithm="lloyd", repeat=rep)
            sk_e, t_e = sk_fit(X, k, init, algorithm="elkan", repeat=rep)
            r = ck.fit(X, k, init=init, algorithm="elkan", repeat=rep, threads=1)
            same = np.array_equal(sk_l.labels_, r["labels"])
            ratio = min(t_l[1], t_e[1]) / r["cpu_seconds"]
            rows.append((n, ratio))
            print(f"| {n} | {d} | {k} | {kind} | {r['n_iter']} | {t_l[1]:.4f} ({t_l[0]:.4f}) | {t_e[1]:.4f} ({t_e[0]:.4f}) | "
                  f"{r['cpu_seconds']:.4f} ({r['seconds']:.4f}) | {ratio:.2f}x{'' if same else ' (labels differ!)'} |")
    return rows


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small parity and quality check for CI (< 60 s)")
    ap.add_argument("--speed-only", action="store_true", help="skip the parity and quality checks")
    ap.add_argument("--max-n", type=int, default=1_000_000, help="largest n in the speed table")
    args = ap.parse_args()
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        ck = Cimkit(tmp)
        ok = True
        if not args.speed_only:
            ok &= check_parity(ck, args.quick)
            ok &= check_quality(ck, args.quick)
        if not args.quick:
            speed(args.max_n)
    print(f"\n{'PASS' if ok else 'FAIL'} in {time.time() - t0:.1f} s")
    sys.exit(0 if ok else 1)
