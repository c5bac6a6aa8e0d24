#!/bin/sh
# Runs the privacy benchmarks against their raw crypto peers and prints,
# for each pair, the median ns/op of each side and the median of the
# per-repetition ratios (each repetition runs ours and the peer back to
# back, so slow drifts in machine load cancel out).
#
# usage: bench/privacy/ratios.sh [count]   (from the module root)
set -eu
count=${1:-10}
go test -run '^$' -bench 'SealOpen32|Token' -benchtime 300ms -count "$count" ./privacy/ |
	tee /dev/stderr |
	awk '
	/^Benchmark/ {
		split($1, p, "/"); sub(/-[0-9]+$/, "", p[2])
		n = ++runs[p[1], p[2]]; ns[p[1], p[2], n] = $3; pairs[p[1]] = 1
	}
	END {
		for (b in pairs) {
			ours = "privacy"; peer = (b ~ /Token/) ? "rawHMAC" : "rawGCM"
			m = runs[b, ours]
			for (i = 1; i <= m; i++) { r[i] = ns[b, ours, i] / ns[b, peer, i]; o[i] = ns[b, ours, i]; q[i] = ns[b, peer, i] }
			printf "%s: privacy %.0f ns/op, %s %.0f ns/op, ratio %.2f (median of %d paired runs)\n", b, med(o, m), peer, med(q, m), med(r, m), m
		}
	}
	function med(a, n,   i, j, t) {
		for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
		return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}'
