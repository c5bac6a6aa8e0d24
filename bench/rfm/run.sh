#!/usr/bin/env bash
# Compare cimkit rfm with the same RFM in pandas on one generated file.
#
# usage: bench/rfm/run.sh [LINES] [CUSTOMERS]     (defaults 10000000 1000000)
#
# Needs Go and Debian's python3-pandas (/usr/bin/python3). Generates a seeded
# purchase CSV, runs `cimkit rfm` and rfm_pandas.py on it (5 quantile bins,
# default segment table, as of 2025-12-31), checks every customer's values,
# scores and segment are identical, and prints wall and CPU (user+sys) times
# and the pandas/cimkit ratios. Both timings include reading the CSV and
# writing the scores CSV.
set -euo pipefail
LINES=${1:-10000000}
CUSTOMERS=${2:-1000000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-$(mktemp -d)}
PY=/usr/bin/python3
cd "$ROOT"
go build -o "$WORK/gen" ./bench/rfm/gen
go build -o "$WORK/cimkit" ./cmd/cimkit
"$WORK/gen" -lines "$LINES" -customers "$CUSTOMERS" -seed 1 -out "$WORK/orders.csv"
echo "input: $LINES lines, $CUSTOMERS customers, $(du -h "$WORK/orders.csv" | cut -f1)"

timed() { # name cmd...
	local name=$1
	shift
	/usr/bin/time -f "%e %U %S" -o "$WORK/time.$name" "$@" >"$WORK/log.$name" 2>&1 || {
		cat "$WORK/log.$name"
		exit 1
	}
}
timed cimkit "$WORK/cimkit" rfm -in "$WORK/orders.csv" -customer customer_id -order order_id \
	-time created_at -amount amount -asof 2025-12-31 -bins 5 -method quantile -table default \
	-out "$WORK/scores_cimkit.csv"
timed pandas $PY bench/rfm/rfm_pandas.py "$WORK/orders.csv" 2025-12-31 5 "$WORK/scores_pandas.csv"
head -1 "$WORK/log.cimkit"
$PY bench/rfm/compare.py "$WORK/scores_cimkit.csv" "$WORK/scores_pandas.csv"

read -r cw cu cs <"$WORK/time.cimkit"
read -r pw pu ps <"$WORK/time.pandas"
awk -v cw="$cw" -v cu="$cu" -v cs="$cs" -v pw="$pw" -v pu="$pu" -v ps="$ps" 'BEGIN {
	printf "cimkit: wall %.2f s, cpu %.2f s\n", cw, cu + cs
	printf "pandas: wall %.2f s, cpu %.2f s\n", pw, pu + ps
	printf "ratio (pandas/cimkit): wall %.1fx, cpu %.1fx\n", pw / cw, (pu + ps) / (cu + cs)
}'
[ -n "${KEEP:-}" ] || rm -rf "$WORK"
