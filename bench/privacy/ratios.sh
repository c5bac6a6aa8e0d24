#!/bin/sh
# Runs the privacy benchmarks and their raw crypto peers in one binary and
# prints medians. Two estimates of each ratio:
#   paired: BenchmarkX/privacy and BenchmarkX/raw* run back to back in each
#           repetition (one test process each); median of the per-repetition
#           ratios.
#   blocks: BenchmarkXRatio alternates blocks of 64 operations of each side
#           inside one benchmark, so both see the same machine load.
#
# usage (from the module root): bench/privacy/ratios.sh [count]
set -eu
count=${1:-10}
bin=$(mktemp -d)/privacy.test
trap 'rm -rf "$(dirname "$bin")"' EXIT
go test -c -o "$bin" ./privacy/
# One process per repetition, so each runs ours then the peer back to back
# (-count would run all repetitions of one side first).
i=0
while [ "$i" -lt "$count" ]; do
	(cd privacy && "$bin" -test.run '^$' -test.bench 'SealOpen32|Token' -test.benchtime 1s)
	i=$((i + 1))
done |
	tee /dev/stderr |
	awk '
	/^Benchmark[A-Za-z0-9]+\// {
		split($1, p, "/"); sub(/-[0-9]+$/, "", p[2])
		n = ++runs[p[1], p[2]]; ns[p[1], p[2], n] = $3; pairs[p[1]] = 1
	}
	/^Benchmark[A-Za-z0-9]+Ratio-/ {
		b = $1; sub(/-[0-9]+$/, "", b); m = ++rr[b]
		for (i = 5; i < NF; i += 2) v[b, $(i + 1), m] = $i
		ratios[b] = 1
	}
	END {
		for (b in pairs) {
			peer = (b ~ /Token/) ? "rawHMAC" : "rawGCM"
			m = runs[b, "privacy"]
			for (i = 1; i <= m; i++) { r[i] = ns[b, "privacy", i] / ns[b, peer, i]; o[i] = ns[b, "privacy", i]; q[i] = ns[b, peer, i] }
			printf "paired %s: privacy %.0f ns/op, %s %.0f ns/op, ratio %.2f (median of %d)\n", b, med(o, m), peer, med(q, m), med(r, m), m
		}
		for (b in ratios) {
			m = rr[b]
			for (i = 1; i <= m; i++) { o[i] = v[b, "privacy-ns/op", i]; q[i] = v[b, "raw-ns/op", i]; r[i] = v[b, "ratio", i] }
			printf "blocks %s: privacy %.0f ns/op, raw %.0f ns/op, ratio %.2f (median of %d)\n", b, med(o, m), med(q, m), med(r, m), m
		}
	}
	function med(a, n,   i, j, t) {
		for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
		return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}'
