#!/usr/bin/env bash
# Runs every Fuzz target in the module briefly (FUZZTIME each, default 2s).
# The seed corpora already run as ordinary tests; this explores beyond them.
# A real finding makes go test write "Failing input written to ..." and fails
# the run. The fuzzing engine can also stop with "context deadline exceeded"
# when its time runs out while a worker is busy on a loaded machine; that is
# not a finding, so such a target is run once more and then only reported.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-2s}
count=0
log=$(mktemp)
while IFS= read -r file; do
  dir=$(dirname "$file")
  for fn in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)\(' "$file" | sed -E 's/^func (Fuzz[A-Za-z0-9_]+)\(/\1/'); do
    echo "fuzz ./$dir $fn"
    for attempt in 1 2; do
      if go test -run '^$' -fuzz "^${fn}\$" -fuzztime "$fuzztime" "./$dir" >"$log" 2>&1; then
        break
      fi
      if grep -q "Failing input written" "$log" || ! grep -q "context deadline exceeded" "$log"; then
        cat "$log"; exit 1
      fi
      if [ "$attempt" = 2 ]; then
        echo "  (the fuzzing engine timed out twice without a finding; not a failure)"
      fi
    done
    count=$((count + 1))
  done
done < <(git ls-files '*_test.go' | grep -v '^examples/postgres/' | xargs grep -l '^func Fuzz' || true)
rm -f "$log"
echo "fuzzed $count targets for $fuzztime each"
