#!/usr/bin/env bash
# Runs every Fuzz target in the module briefly (FUZZTIME each, default 2s).
# The seed corpora already run as ordinary tests; this explores beyond them.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-2s}
count=0
while IFS= read -r file; do
  dir=$(dirname "$file")
  for fn in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)\(' "$file" | sed -E 's/^func (Fuzz[A-Za-z0-9_]+)\(/\1/'); do
    echo "fuzz ./$dir $fn"
    go test -run '^$' -fuzz "^${fn}\$" -fuzztime "$fuzztime" "./$dir" >/tmp/cimkit-fuzz.log 2>&1 || { cat /tmp/cimkit-fuzz.log; exit 1; }
    count=$((count + 1))
  done
done < <(git ls-files '*_test.go' | grep -v '^examples/postgres/' | xargs grep -l '^func Fuzz' || true)
echo "fuzzed $count targets for $fuzztime each"
